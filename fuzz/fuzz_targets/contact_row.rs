//! A contact-list row: the contact's person columns and the contact's own
//! (dates, setting, distance, minutes, yes/no columns), read as the contact
//! import reads them, checked, and judged against the F1 criteria.
#![no_main]

use arbitrary::Arbitrary;
use phongdich_domain::PersonInput;
use phongdich_domain::contact::{ContactInput, F1Rules, qualifies};

#[derive(Arbitrary, Debug)]
struct Row {
    today: u16,
    index_person: i64,
    other_person: i64,
    full_name: String,
    birth: String,
    sex: String,
    national_id: String,
    phone: String,
    commune_code: String,
    date: String,
    until: String,
    setting: String,
    distance_m: String,
    duration_min: String,
    masked: String,
    body_contact: String,
    caregiving: String,
    protective_equipment: String,
    closed_space: String,
}

/// The import's yes/no reading of a cell.
fn yes(s: &str) -> bool {
    matches!(
        phongdich_domain::text::fold(s).as_str(),
        "x" | "co" | "yes" | "y" | "true" | "1" | "dung"
    )
}

/// The import's reading of a number cell (a decimal comma allowed).
fn number(s: &str) -> Option<f64> {
    s.trim().replace(',', ".").parse::<f64>().ok()
}

libfuzzer_sys::fuzz_target!(|row: Row| {
    let today = phongdich_fuzz::today(row.today);
    let person = PersonInput {
        full_name: row.full_name,
        birth: row.birth,
        sex: row.sex,
        national_id: row.national_id,
        phone: row.phone,
        commune_code: row.commune_code,
        ..Default::default()
    }
    .parse(today);
    let contact = ContactInput {
        person_id: row.index_person,
        other_person_id: row.other_person,
        date: row.date,
        until: row.until,
        setting: row.setting,
        distance_m: number(&row.distance_m),
        duration_min: number(&row.duration_min).map(|m| m as i64),
        masked: yes(&row.masked),
        body_contact: yes(&row.body_contact),
        caregiving: yes(&row.caregiving),
        protective_equipment: yes(&row.protective_equipment),
        closed_space: yes(&row.closed_space),
        other_national_id: person
            .ok()
            .and_then(|p| p.national_id)
            .map(|n| n.as_str().to_owned())
            .unwrap_or_default(),
    };
    if let Ok(c) = contact.parse(today) {
        let _ = qualifies(&c, &F1Rules::on(c.from));
    }
});
