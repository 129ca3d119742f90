//! An `.xlsx` file (as it is, or assembled from fuzzed worksheet, shared
//! strings and styles XML) through the sheet reader and the header matching
//! of every import, and the people import's row check: rows or an error.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let path = phongdich_fuzz::scratch_file("xlsx", &phongdich_fuzz::xlsx_bytes(data));
    phongdich_fuzz::import_file(&path);
});
