//! A campaign's target list: rows of record numbers and national IDs written
//! as a CSV or XLSX file (the workspace's own writer) and read back by the
//! campaign import, which must name every row's line or refuse it.
#![no_main]

use arbitrary::Arbitrary;
use phongdich_sheets::Format;

#[derive(Arbitrary, Debug)]
struct List {
    xlsx: bool,
    /// Which of the two columns the file has (neither, one or both).
    columns: u8,
    rows: Vec<(String, String)>,
}

libfuzzer_sys::fuzz_target!(|list: List| {
    let (format, ext) = match list.xlsx {
        true => (Format::Xlsx, "xlsx"),
        false => (Format::Csv, "csv"),
    };
    let (headers, rows): (Vec<&str>, Vec<Vec<String>>) = match list.columns % 4 {
        0 => (
            vec!["Ghi chú"],
            list.rows.into_iter().map(|(a, _)| vec![a]).collect(),
        ),
        1 => (
            vec!["Mã hồ sơ"],
            list.rows.into_iter().map(|(a, _)| vec![a]).collect(),
        ),
        2 => (
            vec!["Số CCCD/CMND"],
            list.rows.into_iter().map(|(_, b)| vec![b]).collect(),
        ),
        _ => (
            vec!["Mã hồ sơ", "Số CCCD/CMND"],
            list.rows.into_iter().map(|(a, b)| vec![a, b]).collect(),
        ),
    };
    // What the writer refuses (an XLSX cell over 32,767 characters) is not the importer's.
    let Ok(bytes) = phongdich_sheets::table_bytes(format, &headers, &rows) else {
        return;
    };
    let path = phongdich_fuzz::scratch_file(ext, &bytes);
    let Ok(targets) = phongdich_sheets::campaigns::read_target_list(&path) else {
        return;
    };
    for i in 0..targets.person_ids.len() {
        assert!(targets.line_of(&format!("person_ids[{i}]")).is_some());
    }
    for i in 0..targets.national_ids.len() {
        assert!(targets.line_of(&format!("national_ids[{i}]")).is_some());
    }
});
