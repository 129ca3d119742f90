//! XLSX files written part by part, as a hostile or unusual tool would:
//! the sheet's XML is whatever the test writes, streamed into the zip.

#![allow(clippy::unwrap_used, dead_code)]

use std::io::Write;
use std::path::Path;
use zip::write::SimpleFileOptions;

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// An XLSX file at `path` whose one sheet's `<sheetData>` is what `rows` writes.
pub fn xlsx(path: &Path, rows: impl FnOnce(&mut dyn Write)) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        (
            "[Content_Types].xml",
            "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
             <Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
             </Types>"
                .to_owned(),
        ),
        (
            "_rels/.rels",
            "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
             </Relationships>"
                .to_owned(),
        ),
        (
            "xl/workbook.xml",
            format!(
                "<workbook xmlns=\"{MAIN}\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
                 <sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
             </Relationships>"
                .to_owned(),
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, deflated).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", deflated)
        .unwrap();
    write!(zip, "<worksheet xmlns=\"{MAIN}\"><sheetData>").unwrap();
    rows(&mut zip);
    write!(zip, "</sheetData></worksheet>").unwrap();
    zip.finish().unwrap();
}

/// A row of inline-string cells from column A.
pub fn row(out: &mut dyn Write, line: u32, cells: &[&str]) {
    write!(out, "<row r=\"{line}\">").unwrap();
    for (i, text) in cells.iter().enumerate() {
        let col = char::from(b'A' + i as u8);
        write!(
            out,
            "<c r=\"{col}{line}\" t=\"inlineStr\"><is><t>{text}</t></is></c>"
        )
        .unwrap();
    }
    write!(out, "</row>").unwrap();
}
