//! A lab results row (sample or pool code, test kind, outcome, Ct values,
//! date, lab) through the check the results import makes of every row.
#![no_main]

use arbitrary::Arbitrary;
use phongdich_domain::testing::ResultInput;

#[derive(Arbitrary, Debug)]
struct Row {
    today: u16,
    code: String,
    test_kind: String,
    outcome: String,
    ct: String,
    resulted_on: String,
    lab: String,
}

libfuzzer_sys::fuzz_target!(|row: Row| {
    let today = phongdich_fuzz::today(row.today);
    let input = ResultInput {
        code: row.code,
        test_kind: row.test_kind,
        outcome: row.outcome,
        ct: row.ct,
        resulted_on: row.resulted_on,
        lab: row.lab,
    };
    if let Ok(r) = input.parse(today) {
        let _ = r.ct_text();
    }
});
