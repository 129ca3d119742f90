#![allow(clippy::unwrap_used)]
//! Files as committees send them, read back through the public API.

use phongdich_sheets::{
    ColumnMap, Format, PERSON_FIELDS, SheetError, SheetReader, TableWriter, person_input,
};
use std::error::Error;
use std::path::Path;

type TestResult = Result<(), Box<dyn Error>>;

/// Data rows with their line numbers.
type Rows = Vec<(u64, Vec<String>)>;

fn read_all(path: &Path) -> Result<(Vec<String>, Rows), SheetError> {
    let mut reader = SheetReader::open(path)?;
    let headers = reader.headers().to_vec();
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row() {
        rows.push(row?);
    }
    Ok((headers, rows))
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn csv_with_bom_and_vietnamese_headers() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("danh_sach.CSV");
    let text = "\u{feff}Họ và tên;Ngày sinh;Giới tính;Số CCCD;SĐT;Mã xã\n\
                Nguyễn Văn An;12/03/1985;Nam;022085001234;0912345678;06649\n\
                \"Trần Thị\nBình\";1990;Nữ;;;06649\n\
                ;;;;;\n\
                Lê Văn Cường;2001-07-30;nam;;0987654321;06650\n";
    std::fs::write(&path, text)?;

    let mut reader = SheetReader::open(&path)?;
    assert_eq!(reader.headers()[0], "Họ và tên");
    assert_eq!(reader.len_hint(), None);
    assert_eq!(reader.file_size(), text.len() as u64);
    let map = ColumnMap::new(reader.headers(), PERSON_FIELDS)?;
    let mut people = Vec::new();
    while let Some(row) = reader.next_row() {
        let (line, cells) = row?;
        people.push((line, person_input(&map, &cells).0));
    }
    assert_eq!(reader.position_bytes(), text.len() as u64);

    let lines: Vec<u64> = people.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [2, 3, 6]);
    let (_, an) = &people[0];
    assert_eq!(an.full_name, "Nguyễn Văn An");
    assert_eq!(an.birth, "12/03/1985");
    assert_eq!(an.national_id, "022085001234");
    assert_eq!(an.phone, "0912345678");
    assert_eq!(an.commune_code, "06649");
    assert_eq!(people[1].1.full_name, "Trần Thị\nBình");
    assert_eq!(people[2].1.sex, "nam");
    Ok(())
}

#[test]
fn missing_required_column_is_named_in_both_languages() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("thieu.csv");
    std::fs::write(&path, "Họ và tên,Ngày sinh,Mã xã\nAn,1990,06649\n")?;
    let reader = SheetReader::open(&path)?;
    let err = ColumnMap::new(reader.headers(), PERSON_FIELDS).err();
    let Some(SheetError::MissingColumns(missing)) = &err else {
        panic!("expected MissingColumns, got {err:?}");
    };
    assert_eq!(missing, &["sex (Giới tính)"]);
    let message = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("Thiếu cột bắt buộc: sex (Giới tính)"),
        "{message}"
    );
    assert!(
        message.contains("Missing required columns: sex (Giới tính)"),
        "{message}"
    );
    Ok(())
}

#[test]
fn xlsx_round_trip_keeps_text() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("xuat.xlsx");
    let headers = ["Họ và tên", "Số CCCD", "Ghi chú"];
    let rows = [
        strings(&["Đặng Thị Ngọc Ánh", "022085001234", "Nhà số 5, ngõ 12"]),
        strings(&["Nguyễn Văn Đức", "", ""]),
        strings(&["Phạm Hùng", "001099000017", "Dòng 1\nDòng 2"]),
    ];
    let mut writer = TableWriter::new(
        Box::new(std::fs::File::create(&path)?),
        Format::Xlsx,
        &headers,
    )?;
    for row in &rows {
        writer.write_row(row)?;
    }
    writer.finish()?;

    let reader = SheetReader::open(&path)?;
    assert_eq!(reader.len_hint(), Some(3));
    let (read_headers, read_rows) = read_all(&path)?;
    assert_eq!(read_headers, headers);
    let lines: Vec<u64> = read_rows.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [2, 3, 4]);
    let cells: Vec<Vec<String>> = read_rows.into_iter().map(|(_, cells)| cells).collect();
    assert_eq!(cells, rows);
    Ok(())
}

#[test]
fn xlsx_numbers_and_dates_read_as_typed() -> TestResult {
    use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("so.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (col, header) in ["Mã", "Dân số", "Tỷ lệ", "Ngày"].into_iter().enumerate() {
        sheet.write_string(2, col as u16, header)?;
    }
    sheet.write_number(3, 0, 6649.0)?;
    sheet.write_number(3, 1, 24000.0)?;
    sheet.write_number(3, 2, 0.25)?;
    let date = CellFormat::new().set_num_format("dd/mm/yyyy");
    sheet.write_datetime_with_format(3, 3, ExcelDateTime::from_ymd(2021, 5, 3)?, &date)?;
    sheet.write_number(5, 0, 6650.0)?;
    workbook.save(&path)?;

    let (headers, rows) = read_all(&path)?;
    assert_eq!(headers, ["Mã", "Dân số", "Tỷ lệ", "Ngày"]);
    assert_eq!(
        rows,
        [
            (4, strings(&["6649", "24000", "0.25", "03/05/2021"])),
            (6, strings(&["6650", "", "", ""])),
        ]
    );
    Ok(())
}

#[test]
fn csv_table_reads_back() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bao_cao.csv");
    let rows = [
        strings(&["Phường Phúc Xá", "00001", "có \"dấu\", phẩy"]),
        strings(&["Xã Đông Hà", "06649", "hai\ndòng"]),
    ];
    let mut writer = TableWriter::new(
        Box::new(std::fs::File::create(&path)?),
        Format::Csv,
        &["Tên", "Mã", "Ghi chú"],
    )?;
    for row in &rows {
        writer.write_row(row)?;
    }
    writer.finish()?;

    let bytes = std::fs::read(&path)?;
    assert!(String::from_utf8(bytes).is_ok());
    let (headers, read) = read_all(&path)?;
    assert_eq!(headers, ["Tên", "Mã", "Ghi chú"]);
    let cells: Vec<Vec<String>> = read.into_iter().map(|(_, cells)| cells).collect();
    assert_eq!(cells, rows);
    Ok(())
}

#[test]
fn non_utf8_csv_says_how_to_fix_it() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("ansi.csv");
    std::fs::write(&path, b"name,sex\nAn,Nam\nB\xecnh,N\xf5\n")?;
    let mut reader = SheetReader::open(&path)?;
    assert!(matches!(reader.next_row(), Some(Ok((2, _)))));
    assert!(matches!(
        reader.next_row(),
        Some(Err(SheetError::Encoding { line: 3 }))
    ));
    assert!(reader.next_row().is_none());
    Ok(())
}

#[test]
fn empty_file_is_reported() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("trong.csv");
    std::fs::write(&path, "\u{feff}\n\n")?;
    assert!(matches!(
        SheetReader::open(&path),
        Err(SheetError::EmptyFile)
    ));
    Ok(())
}
