#![allow(clippy::unwrap_used)]
//! Files made to hurt (issue 16): an unclosed quote that would swallow the
//! rest of a CSV, cells and sheets too large, formula cells. Each is refused
//! with an error naming the line and the limit, and nothing after it is
//! taken silently. SQLite, or PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

use phongdich_domain::Role;
use phongdich_sheets::{SheetError, SheetReader};
use phongdich_store::ImportPolicy;
use phongdich_store::testing::{TestDb, actor};
use std::path::Path;

/// 30,000 people, one a line from line 2; data row 25,002 (line 25,003)
/// opens a quote it never closes.
fn people_with_unclosed_quote(path: &Path) {
    let mut text = String::from("Họ và tên,Năm sinh,Giới tính,Mã xã\n");
    for i in 1..=30_000u32 {
        // A name of letters only: "Người " and i in base 26.
        let (mut name, mut n) = (String::from("Người "), i);
        while n > 0 {
            name.push(char::from(b'a' + (n % 26) as u8));
            n /= 26;
        }
        if i == 25_002 {
            name.insert(0, '"');
        }
        text.push_str(&format!("{name},{},Nam,06649\n", 1930 + i % 90));
    }
    std::fs::write(path, text).unwrap();
}

/// A reader of a CSV file holding `text` (and the directory that keeps it).
fn csv_reader(text: &str) -> (tempfile::TempDir, SheetReader) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nguoi.csv");
    std::fs::write(&path, text).unwrap();
    let reader = SheetReader::open(&path).unwrap();
    (dir, reader)
}

#[test]
fn an_unclosed_quote_is_an_error_at_the_line_it_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nguoi.csv");
    people_with_unclosed_quote(&path);
    let mut reader = SheetReader::open(&path).unwrap();
    let mut lines = Vec::new();
    let error = loop {
        match reader.next_row() {
            Some(Ok((line, _))) => lines.push(line),
            Some(Err(e)) => break e,
            None => panic!("the file ended without an error after {} rows", lines.len()),
        }
    };
    assert_eq!(lines.len(), 25_001);
    assert_eq!(lines.last(), Some(&25_002));
    assert!(
        matches!(error, SheetError::UnclosedQuote { line: 25_003, .. }),
        "{error}"
    );
    let text = error.to_string();
    assert!(text.contains("25003") && text.contains("ngoặc kép") && text.contains("quote"));
    assert!(
        reader.next_row().is_none(),
        "nothing is read after the error"
    );
}

#[test]
fn a_quote_left_open_to_the_end_of_the_file_is_an_error() {
    let (_dir, mut reader) = csv_reader("Họ và tên,Mã xã\nAn,06649\n\"Bình,06649\nCường,06649\n");
    assert_eq!(reader.next_row().unwrap().unwrap().0, 2);
    let error = reader.next_row().unwrap().unwrap_err();
    assert!(
        matches!(error, SheetError::UnclosedQuote { line: 3, .. }),
        "{error}"
    );
    assert!(reader.next_row().is_none());
}

#[test]
fn quotes_that_close_are_read_as_before() {
    let (_dir, mut reader) = csv_reader(
        "\u{feff}\"Họ và tên\";Ghi chú\n\"An \"\"Út\"\"\";\"dòng 1\r\ndòng 2\"\nBình;5\" màn hình\n",
    );
    assert_eq!(reader.headers(), ["Họ và tên", "Ghi chú"]);
    let (line, cells) = reader.next_row().unwrap().unwrap();
    assert_eq!((line, cells[0].as_str()), (2, "An \"Út\""));
    assert_eq!(cells[1], "dòng 1\r\ndòng 2");
    let (line, cells) = reader.next_row().unwrap().unwrap();
    assert_eq!((line, cells[1].as_str()), (4, "5\" màn hình"));
    assert!(reader.next_row().is_none());
}

#[test]
fn line_numbers_are_the_same_whatever_ends_the_lines() {
    // LF, CRLF and a bare CR (old Mac files; found by fuzzing, issue 16)
    // all end a line as the csv crate reads them, and lines are counted
    // the same way: a blank line and a quoted cell over two lines included.
    for end in ["\n", "\r\n", "\r"] {
        let text = [
            "Họ và tên,Ghi chú",
            "An,1",
            "",
            "Bình,\"dòng 1",
            "dòng 2\"",
            "Cường,3",
            "",
        ]
        .join(end);
        let (_dir, mut reader) = csv_reader(&text);
        let lines: Vec<u64> = std::iter::from_fn(|| reader.next_row())
            .map(|row| row.unwrap().0)
            .collect();
        assert_eq!(lines, [2, 4, 6], "line ends {end:?}");
    }
    // An unclosed quote is named at its line with bare CRs too.
    let (_dir, mut reader) = csv_reader("Họ và tên,Mã xã\rAn,06649\r\r\"Bình,06649\rCường,06649\r");
    assert_eq!(reader.next_row().unwrap().unwrap().0, 2);
    let error = reader.next_row().unwrap().unwrap_err();
    assert!(
        matches!(error, SheetError::UnclosedQuote { line: 4, .. }),
        "{error}"
    );
}

#[tokio::test]
async fn an_import_stops_at_an_unclosed_quote_and_says_so() {
    let db = TestDb::new().await;
    let staff = actor("22", Role::HealthStaff);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nguoi.csv");
    people_with_unclosed_quote(&path);
    let report = dir.path().join("nguoi.report.csv");
    let result = phongdich_sheets::import::import_persons(
        &db.store,
        &staff,
        &path,
        "nguoi.csv",
        &report,
        ImportPolicy {
            allow_likely_duplicates: true,
        },
        5000,
        &mut |_| {},
    )
    .await;
    let error = result.expect_err("the import fails").to_string();
    assert!(error.contains("25003"), "{error}");
    let stored = db.ints("SELECT COUNT(*) FROM persons").await;
    assert_eq!(stored, [Some(25_001)]);
    let report = std::fs::read_to_string(&report).unwrap();
    let last = report.lines().last().unwrap();
    assert!(
        last.starts_with("25003,refused_file_error,") && last.contains("quote"),
        "{last}"
    );
    // The run's record: interrupted, with the rows it committed and why.
    let runs = db.store.import_runs(&staff, 1).await.unwrap();
    assert_eq!(runs[0].state, phongdich_store::ImportState::Interrupted);
    assert_eq!(
        (runs[0].rows_total, runs[0].rows_imported),
        (25_001, 25_001)
    );
    assert!(runs[0].error.as_deref().unwrap().contains("25003"));
}

/// `error` is the default cell limit's, at `at`.
fn assert_cell_too_large(error: &SheetError, at: u64) {
    assert!(
        matches!(error, SheetError::CellTooLarge { line, limit: 32_768 } if *line == at),
        "{error}"
    );
}

#[test]
fn a_cell_or_a_row_past_its_limit_is_refused_at_its_line() {
    let huge = "x".repeat(40 * 1024);
    let (_dir, mut reader) = csv_reader(&format!("Họ và tên,Mã xã\nAn,06649\n{huge},06649\n"));
    assert_eq!(reader.next_row().unwrap().unwrap().0, 2);
    let error = reader.next_row().unwrap().unwrap_err();
    assert_cell_too_large(&error, 3);
    assert!(error.to_string().contains("32768"));

    let wide = vec!["a"; 300].join(",");
    let (_dir, mut reader) = csv_reader(&format!("Họ và tên,Mã xã\n{wide}\n"));
    let error = reader.next_row().unwrap().unwrap_err();
    assert!(
        matches!(
            error,
            SheetError::TooManyColumns {
                line: 2,
                limit: 256
            }
        ),
        "{error}"
    );
}

mod support;

use phongdich_sheets::Limits;

fn xlsx_rows(
    name: &str,
    rows: impl FnOnce(&mut dyn std::io::Write),
) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    support::xlsx(&path, rows);
    (dir, path)
}

#[test]
fn an_xlsx_cell_past_its_limit_is_refused() {
    let huge = "x".repeat(40 * 1024);
    let (_dir, path) = xlsx_rows("a.xlsx", |out| {
        support::row(out, 1, &["Họ và tên", "Mã xã"]);
        support::row(out, 2, &["An", "06649"]);
        support::row(out, 3, &[&huge, "06649"]);
    });
    let error = SheetReader::open(&path).expect_err("refused");
    assert_cell_too_large(&error, 3);
}

#[test]
fn an_xlsx_past_its_rows_or_columns_is_refused_and_far_cells_take_no_memory() {
    let (_dir, path) = xlsx_rows("a.xlsx", |out| {
        support::row(out, 1, &["Họ và tên", "Mã xã"]);
        for line in 2..=151 {
            support::row(out, line, &["An", "06649"]);
        }
    });
    let limits = Limits {
        xlsx_rows: 100,
        ..Limits::default()
    };
    let error = SheetReader::open_with(&path, limits).expect_err("refused");
    assert!(
        matches!(
            error,
            SheetError::TooManyRows {
                line: 102,
                limit: 100
            }
        ),
        "{error}"
    );
    assert_eq!(SheetReader::open(&path).unwrap().len_hint(), Some(150));

    // Two cells a sheet apart: calamine's range would be 16,384 × 1,048,576 cells.
    let (_dir, path) = xlsx_rows("b.xlsx", |out| {
        support::row(out, 1, &["Họ và tên"]);
        write!(
            out,
            "<row r=\"1048576\"><c r=\"XFD1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row>"
        )
        .unwrap();
    });
    let error = SheetReader::open(&path).expect_err("refused");
    assert!(
        matches!(
            error,
            SheetError::TooManyColumns {
                line: 1_048_576,
                limit: 256
            }
        ),
        "{error}"
    );
    let (_dir, path) = xlsx_rows("c.xlsx", |out| {
        support::row(out, 1, &["Họ và tên"]);
        support::row(out, 1_048_576, &["An"]);
    });
    let mut reader = SheetReader::open(&path).unwrap();
    assert_eq!(
        reader.next_row().unwrap().unwrap(),
        (1_048_576, vec!["An".to_owned()])
    );
}

fn formulas(out: &mut dyn std::io::Write) {
    support::row(out, 1, &["Họ và tên", "Năm sinh", "Mã xã", "Giới tính"]);
    write!(
            out,
            "<row r=\"2\"><c r=\"A2\" t=\"str\"><f>CONCAT(\"An\",\"\")</f><v>Nguyễn Văn An</v></c>\
             <c r=\"B2\"><f>1990+0</f><v>1990</v></c><c r=\"C2\" t=\"inlineStr\"><is><t>06649</t></is></c>\
             <c r=\"D2\" t=\"inlineStr\"><is><t>Nam</t></is></c></row>\
             <row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>Trần Thị Bình</t></is></c>\
             <c r=\"B3\"><f>1990+1</f></c><c r=\"C3\" t=\"inlineStr\"><is><t>06649</t></is></c>\
             <c r=\"D3\" t=\"inlineStr\"><is><t>Nữ</t></is></c></row>"
        )
        .unwrap();
    support::row(out, 4, &["Lê Văn Cường", "1992", "06649", "Nam"]);
}

#[test]
fn an_xlsx_formula_gives_its_value_or_its_row_is_refused() {
    let (_dir, path) = xlsx_rows("f.xlsx", formulas);
    let mut reader = SheetReader::open(&path).unwrap();
    let strings = |c: &[&str]| c.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        reader.next_row().unwrap().unwrap(),
        (2, strings(&["Nguyễn Văn An", "1990", "06649", "Nam"]))
    );
    let error = reader.next_row().unwrap().unwrap_err();
    assert!(
        matches!(&error, SheetError::FormulaWithoutValue { line: 3, cell } if cell == "B3"),
        "{error}"
    );
    assert!(error.to_string().contains("công thức") && error.to_string().contains("formula"));
    assert_eq!(
        reader.next_row().unwrap().unwrap(),
        (4, strings(&["Lê Văn Cường", "1992", "06649", "Nam"]))
    );
    assert!(reader.next_row().is_none());
}

/// The people import of `path` by a commune health worker (commune 22):
/// its summary and its row report.
async fn import_people(
    db: &TestDb,
    path: &Path,
) -> (phongdich_sheets::import::ImportSummary, String) {
    let staff = actor("22", Role::HealthStaff);
    let report = path.with_extension("report.csv");
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let summary = phongdich_sheets::import::import_persons(
        &db.store,
        &staff,
        path,
        &name,
        &report,
        ImportPolicy::default(),
        5000,
        &mut |_| {},
    )
    .await
    .unwrap();
    (summary, std::fs::read_to_string(&report).unwrap())
}

#[tokio::test]
async fn an_import_refuses_a_formula_without_a_value_and_goes_on() {
    let db = TestDb::new().await;
    let (_dir, path) = xlsx_rows("f.xlsx", formulas);
    let (summary, report) = import_people(&db, &path).await;
    assert_eq!((summary.rows, summary.imported, summary.refused), (3, 2, 1));
    let names = db
        .strings("SELECT full_name FROM persons ORDER BY full_name")
        .await;
    assert_eq!(
        names,
        [
            Some("Lê Văn Cường".to_owned()),
            Some("Nguyễn Văn An".to_owned())
        ]
    );
    assert!(
        report
            .lines()
            .any(|l| l.starts_with("3,refused_invalid,,") && l.contains("B3")),
        "{report}"
    );
}

#[tokio::test]
async fn a_lab_file_refuses_a_formula_without_a_value_and_goes_on() {
    let db = TestDb::new().await;
    let lab = actor("22", Role::HealthStaff);
    let (dir, path) = xlsx_rows("kq.xlsx", |out| {
        support::row(
            out,
            1,
            &["Mã mẫu", "Loại xét nghiệm", "Kết quả", "Ngày trả kết quả"],
        );
        write!(
            out,
            "<row r=\"2\"><c r=\"A2\"><f>A1&amp;\"1\"</f></c>\
             <c r=\"B2\" t=\"inlineStr\"><is><t>PCR</t></is></c>\
             <c r=\"C2\" t=\"inlineStr\"><is><t>Âm tính</t></is></c>\
             <c r=\"D2\" t=\"inlineStr\"><is><t>01/08/2021</t></is></c></row>"
        )
        .unwrap();
    });
    let summary = phongdich_sheets::results::import_results(
        &db.store,
        &lab,
        &path,
        &dir.path().join("kq.report.csv"),
    )
    .await
    .unwrap();
    assert_eq!((summary.rows, summary.refused), (1, 1));
    let row = &summary.report_rows[0];
    assert_eq!((row.line, row.outcome), (2, "refused_invalid"));
    assert!(row.reason_en.contains("A2"), "{}", row.reason_en);
}

/// Peak resident memory of this process, in KiB (Linux).
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// A sheet whose second row is `cells` (raw XML), after a header.
fn refused_reference(cells: &str) -> SheetError {
    let (_dir, path) = xlsx_rows("r.xlsx", |out| {
        support::row(out, 1, &["Họ và tên"]);
        write!(out, "{cells}").unwrap();
    });
    let before = peak_kib();
    let error = SheetReader::open(&path).expect_err("refused");
    let grown_mib = peak_kib().saturating_sub(before) / 1024;
    assert!(grown_mib < 32, "memory grew by {grown_mib} MiB for {cells}");
    error
}

#[test]
fn cell_references_past_the_sheet_are_refused_before_they_are_read() {
    // Found by fuzzing (issue 16): column letters past XFD overflow the
    // reader's arithmetic; a shared formula over the whole sheet would be
    // expanded cell by cell; a shared-formula index is an allocation size.
    for (cells, reference) in [
        (
            "<row r=\"2\"><c r=\"AAAAAAAAAAAA2\"><v>1</v></c></row>",
            "AAAAAAAAAAAA2",
        ),
        ("<row r=\"2\"><c r=\"XFE2\"><v>1</v></c></row>", "XFE2"),
        (
            "<row r=\"2\"><c r=\"A99999999999\"><v>1</v></c></row>",
            "A99999999999",
        ),
        (
            "<row r=\"99999999999\"><c><v>1</v></c></row>",
            "99999999999",
        ),
        (
            "<row r=\"2\"><c r=\"A2\"><f t=\"shared\" ref=\"A2:XFD1048576\" si=\"0\">1+1</f><v>2</v></c></row>",
            "A2:XFD1048576",
        ),
        (
            "<row r=\"2\"><c r=\"A2\"><f t=\"shared\" ref=\"A2:A3\" si=\"4000000000\">1+1</f><v>2</v></c></row>",
            "4000000000",
        ),
    ] {
        let error = refused_reference(cells);
        match &error {
            SheetError::XlsxReference { part, value, .. } => {
                assert_eq!(part, "xl/worksheets/sheet1.xml");
                assert_eq!(value, reference, "{cells}");
            }
            other => panic!("{cells}: {other}"),
        }
        let text = error.to_string();
        assert!(
            text.contains("tham chiếu") && text.contains("reference"),
            "{text}"
        );
    }
}

#[test]
fn references_a_real_workbook_has_are_read() {
    // The last cell of a sheet, a shared formula down a column, a dimension.
    let (_dir, path) = xlsx_rows("ok.xlsx", |out| {
        support::row(out, 1, &["Họ và tên", "Năm sinh"]);
        write!(
            out,
            "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>An</t></is></c>\
             <c r=\"B2\"><f t=\"shared\" ref=\"B2:B5000\" si=\"0\">1990+0</f><v>1990</v></c></row>\
             <row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>Bình</t></is></c>\
             <c r=\"B3\"><f t=\"shared\" si=\"0\"/><v>1991</v></c></row>\
             <row r=\"1048576\"><c r=\"A1048576\" t=\"inlineStr\"><is><t>Cường</t></is></c></row>"
        )
        .unwrap();
    });
    let mut reader = SheetReader::open(&path).unwrap();
    let strings = |c: &[&str]| c.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        reader.next_row().unwrap().unwrap(),
        (2, strings(&["An", "1990"]))
    );
    assert_eq!(
        reader.next_row().unwrap().unwrap(),
        (3, strings(&["Bình", "1991"]))
    );
    assert_eq!(
        reader.next_row().unwrap().unwrap(),
        (1_048_576, strings(&["Cường", ""]))
    );
}

#[tokio::test]
async fn an_import_refuses_a_row_holding_a_control_character_and_goes_on() {
    // The rule requests follow (issue 16 §7), row by row in a file: a NUL
    // byte or an escape sequence refuses its row, naming the column; tab
    // and line breaks inside a quoted note are text.
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nguoi.csv");
    std::fs::write(
        &path,
        "Họ và tên,Năm sinh,Mã xã,Giới tính,Ghi chú\n\
         Nguyễn Văn An,1990,06649,Nam,\"dòng 1\n\tdòng 2\"\n\
         Trần Thị\u{0} Bình,1991,06649,Nữ,\n\
         Lê Văn Cường,1992,06649,Nam,\u{1b}[31m\n\
         Phạm Thị Dung,1993,06649,Nữ,\n",
    )
    .unwrap();
    let (summary, report) = import_people(&db, &path).await;
    assert_eq!((summary.rows, summary.imported, summary.refused), (4, 2, 2));
    let names = db
        .strings("SELECT full_name FROM persons ORDER BY full_name")
        .await;
    assert_eq!(
        names,
        [
            Some("Nguyễn Văn An".to_owned()),
            Some("Phạm Thị Dung".to_owned())
        ]
    );
    for (line, column, code) in [(4, "Họ và tên", "U+0000"), (5, "Ghi chú", "U+001B")] {
        assert!(
            report
                .lines()
                .any(|l| l.starts_with(&format!("{line},refused_invalid,,"))
                    && l.contains(column)
                    && l.contains(code)),
            "{report}"
        );
    }
}

#[test]
fn xlsx_rows_out_of_order_are_refused() {
    // Found by fuzzing (issue 16): a row going back gave lines out of order.
    let (_dir, path) = xlsx_rows("o.xlsx", |out| {
        support::row(out, 1, &["Họ và tên"]);
        support::row(out, 4, &["An"]);
        support::row(out, 2, &["Bình"]);
    });
    let error = SheetReader::open(&path).expect_err("refused");
    assert!(
        matches!(error, SheetError::RowsOutOfOrder { line: 2, after: 4 }),
        "{error}"
    );
}
