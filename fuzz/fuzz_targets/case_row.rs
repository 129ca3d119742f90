//! A case-list row through every check the case import makes before the
//! database: the case number and the province's own, the sources of
//! "infected by" and the country, the anonymised person (case number, age),
//! and the case's own fields (dates, course, test, detection).
#![no_main]

use arbitrary::Arbitrary;
use phongdich_domain::{PersonInput, case_code, contact, country};
use phongdich_store::CaseInput;

#[derive(Arbitrary, Debug)]
struct Row {
    today: u16,
    official_code: String,
    local_code: String,
    full_name: String,
    birth: String,
    sex: String,
    age: String,
    commune_code: String,
    confirmed_on: String,
    sample_on: String,
    onset_on: String,
    infected_by: String,
    country: String,
    exposure_on: String,
    course: String,
    test_kind: String,
    detected_where: String,
    negative_on: String,
    recovered_on: String,
    died_on: String,
    hospital: String,
    origin_province: String,
    origin_district: String,
}

libfuzzer_sys::fuzz_target!(|row: Row| {
    let today = phongdich_fuzz::today(row.today);
    // Pass 1: the row's number and the rows its sources name.
    let official = case_code::national(&row.official_code);
    let _ = case_code::local(&row.local_code);
    for part in case_code::split_sources(&row.infected_by) {
        let _ = (case_code::national(&part), case_code::record(&part));
        let _ = country::is_country(&part);
    }
    // Pass 2: the row itself.
    let mut infected_by = row.infected_by;
    if !row.country.trim().is_empty() {
        match country::parse(row.country.trim()) {
            Ok(code) => {
                let _ = country::name(&code, true);
                if !infected_by.is_empty() {
                    infected_by.push_str(", ");
                }
                infected_by.push_str(&code);
            }
            Err(_) => return,
        }
    }
    let mut case = CaseInput {
        confirmed_on: row.confirmed_on,
        sample_on: row.sample_on,
        onset_on: row.onset_on,
        test_kind: row.test_kind,
        course: row.course,
        hospital: row.hospital,
        detected_where: row.detected_where,
        negative_on: row.negative_on,
        official_code: row.official_code,
        local_code: row.local_code,
        infected_by,
        exposure_on: row.exposure_on,
        recovered_on: row.recovered_on,
        died_on: row.died_on,
        origin_province: row.origin_province,
        origin_district: row.origin_district,
        ..Default::default()
    };
    if case.confirmed_on.is_empty() {
        case.confirmed_on = case.sample_on.clone();
    }
    let person = PersonInput {
        full_name: row.full_name,
        birth: row.birth,
        sex: row.sex,
        age: row.age,
        commune_code: row.commune_code,
        ..Default::default()
    };
    let confirmed = contact::parse_date("confirmed_on", &case.confirmed_on).unwrap_or(today);
    let _ = person.parse_case(today, official.as_deref(), confirmed);
    let _ = phongdich_store::check_case_input(&case, today);
});
