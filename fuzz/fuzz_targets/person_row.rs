//! A people-import row as the sheet gives it (every field a string) through
//! the person check, as a person of the register and as a case's person.
#![no_main]

use arbitrary::Arbitrary;
use phongdich_domain::PersonInput;

#[derive(Arbitrary, Debug)]
struct Row {
    today: u16,
    full_name: String,
    birth: String,
    sex: String,
    national_id: String,
    phone: String,
    commune_code: String,
    hamlet_code: String,
    street_address: String,
    occupation: String,
    workplace: String,
    vulnerabilities: String,
    age: String,
    case_code: Option<String>,
}

libfuzzer_sys::fuzz_target!(|row: Row| {
    let today = phongdich_fuzz::today(row.today);
    let input = PersonInput {
        full_name: row.full_name,
        birth: row.birth,
        sex: row.sex,
        national_id: row.national_id,
        phone: row.phone,
        commune_code: row.commune_code,
        hamlet_code: row.hamlet_code,
        street_address: row.street_address,
        occupation: row.occupation,
        workplace: row.workplace,
        vulnerabilities: row.vulnerabilities,
        age: row.age,
    };
    // The people import: a batch of rows checked off the database.
    for (_, parsed, _) in phongdich_store::parse_rows(vec![(2, input.clone(), None)], today) {
        if let Ok(p) = parsed {
            let _ = p.given_name_key();
            if let Some(id) = &p.national_id {
                let _ = (id.cccd_sex_and_year(), id.cccd_province());
            }
            if let Some(phone) = &p.phone {
                let _ = phone.international();
            }
        }
    }
    let code = row
        .case_code
        .as_deref()
        .and_then(phongdich_domain::case_code::national);
    let _ = input.parse_case(today, code.as_deref(), today);
});
