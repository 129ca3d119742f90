//! Helpers shared by the fuzz targets: the importers read files by path, so a
//! fuzzed input is written to a scratch file first; and a plausible "today".

use chrono::{Days, NaiveDate};
use phongdich_sheets::{SheetError, SheetReader};
use std::path::PathBuf;

/// A scratch file of this process with the given extension, holding `bytes`
/// (in /dev/shm when there is one: a run writes it a million times).
pub fn scratch_file(ext: &str, bytes: &[u8]) -> PathBuf {
    let dir = match std::path::Path::new("/dev/shm") {
        shm if shm.is_dir() => shm.to_owned(),
        _ => std::env::temp_dir(),
    };
    let path = dir.join(format!("phongdich-fuzz-{}.{ext}", std::process::id()));
    std::fs::write(&path, bytes).expect("scratch file");
    path
}

/// Today as the importers see it: a day from 2019 to about 2098 (the clock,
/// never a fuzzed extreme).
pub fn today(days: u16) -> NaiveDate {
    NaiveDate::from_ymd_opt(2019, 1, 1)
        .and_then(|d| d.checked_add_days(Days::new(u64::from(days) % 29_000)))
        .expect("a day of this century")
}

/// Reads a sheet to the end as every import does, checking what the reader
/// promises: rows padded to the header width, their lines never going back.
/// (Not strictly increasing: a CSV whose lines end in a bare CR is read as
/// several records on one line.) Returns the rows, or the error that ended
/// the file.
pub fn read_all(reader: &mut SheetReader) -> Result<Vec<(u64, Vec<String>)>, SheetError> {
    let width = reader.headers().len();
    let mut rows = Vec::new();
    let mut last = 1;
    while let Some(row) = reader.next_row() {
        match row {
            Ok((line, cells)) => {
                assert!(cells.len() >= width, "row of line {line} not padded");
                assert!(line >= last, "line {line} after line {last}");
                last = line;
                rows.push((line, cells));
            }
            // A line that is not UTF-8 is reported and reading goes on.
            Err(SheetError::Encoding { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(rows)
}

/// What every import does with a file before the database: open it, match
/// its headers to each import's columns, read every row, and (people) build
/// and check each row's person. Must end with rows or an error, never a panic.
pub fn import_file(path: &std::path::Path) {
    use phongdich_sheets::{ColumnMap, PERSON_FIELDS, person_input};
    let Ok(mut reader) = SheetReader::open(path) else {
        return;
    };
    let headers = reader.headers().to_vec();
    let contact_fields =
        phongdich_sheets::import::person_fields_with(phongdich_sheets::contacts::CONTACT_FIELDS);
    let case_fields = phongdich_sheets::cases::case_fields();
    let maps: Vec<ColumnMap> = [
        &contact_fields[..],
        &case_fields[..],
        phongdich_sheets::results::RESULT_FIELDS,
        phongdich_sheets::campaigns::TARGET_FIELDS,
    ]
    .into_iter()
    .filter_map(|fields| ColumnMap::new(&headers, fields).ok())
    .collect();
    let persons = ColumnMap::new(&headers, PERSON_FIELDS).ok();
    let Ok(rows) = read_all(&mut reader) else {
        return;
    };
    let today = today(2_000);
    for (_, cells) in &rows {
        for map in &maps {
            let _ = map.get_any(cells, "national_id");
        }
        if let Some(map) = &persons {
            let (input, _) = person_input(map, cells);
            let _ = input.parse(today);
        }
    }
}

/// An XLSX file from a fuzz input: a zip file as it is when the input is one
/// (`PK`), otherwise a workbook whose worksheet, shared strings and styles
/// are the input's parts (split on the byte 0x1E), stored uncompressed, so the
/// fuzzer mutates the XML rather than compressed bytes behind a checksum.
pub fn xlsx_bytes(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    if data.starts_with(b"PK") {
        return data.to_vec();
    }
    const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;
    let mut parts = data.split(|&b| b == 0x1e); // ASCII record separator
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut add = |name: &str, bytes: &[u8]| {
        zip.start_file(name, stored)
            .and_then(|()| zip.write_all(bytes).map_err(Into::into))
            .expect("zip in memory");
    };
    add("xl/workbook.xml", WORKBOOK.as_bytes());
    add("xl/_rels/workbook.xml.rels", RELS.as_bytes());
    for name in [
        "xl/worksheets/sheet1.xml",
        "xl/sharedStrings.xml",
        "xl/styles.xml",
    ] {
        match parts.next() {
            Some(part) => add(name, part),
            None => break,
        }
    }
    zip.finish().expect("zip in memory").into_inner()
}
