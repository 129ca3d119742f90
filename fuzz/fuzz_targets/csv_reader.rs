//! Any bytes as a `.csv` file through the sheet reader and the header matching
//! of every import, and the people import's row check: rows or an error, no panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let path = phongdich_fuzz::scratch_file("csv", data);
    phongdich_fuzz::import_file(&path);
});
