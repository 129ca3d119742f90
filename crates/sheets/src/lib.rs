//! Spreadsheets in and out: the CSV and XLSX files commune committees keep, with
//! Vietnamese or English headers, read into plain text rows that carry the line a
//! user sees in Excel; and tables written back in either format.
//!
//! Everything here is text: checking values is the domain crate's job, so a
//! spreadsheet that cannot be parsed is only ever a file-level problem.
//!
//! Pipelines: `import::import_persons` is the one people-import pipeline
//! (batches, report file, progress callback) used by both `phongdich import
//! persons` and the import page; validation needs no database, so the next
//! batch is validated on its own thread while the store writes the current one.
//! `cases::import_cases` reads the whole file (at most 200,000 rows), finds
//! which rows a row's sources name, and writes sources before the rows they
//! infected (depth-first order; circles and rows naming refused rows are
//! refused with that reason); a row whose number is on file corrects that case;
//! a person is created only after every field of the row passed.
//! `results::import_results` records a lab's file in batches of 2,000 rows
//! (`Store::record_results`; the store makes it idempotent) with a report line
//! per row. `campaigns::read_target_list` reads a campaign's list (record
//! number or national ID per row) keeping each row's line for the report.
//! `SheetReader` streams CSV (UTF-8, with or without BOM; `,`, `;` or tab,
//! guessed) and XLSX rows; CSV line numbers are counted by the reader itself
//! (`LineCounter`: the first non-blank line of a record, `\r\n` once), as an
//! editor shows them. `ColumnMap` maps Vietnamese or English headers (folded,
//! so `Ho va ten` works too) to fields.
//!
//! Hostile files (issue 16) are refused while read, before they take memory,
//! each with a bilingual error naming the line and the limit (`Limits`,
//! defaults; other limits through `SheetReader::open_with`): a cell at most 32
//! KiB; at most 256 columns; a quoted CSV cell spanning more than 10 line
//! breaks, or open at the end of the file, is an unclosed quote reported at the
//! line it opened on, and nothing after it is read; an XLSX file has each part
//! unpacked into nothing first (at most 256 MiB a part, 512 MiB in all — a zip
//! bomb is refused in constant memory), is then read cell by cell (never as
//! calamine's `Range`, as large as the rectangle from the first cell to the
//! last), and holds at most 200,000 data rows. The row limit is for XLSX only,
//! which is held in memory while read; CSV is streamed and has none, the web's
//! 50 MiB upload limit bounding it there. A formula cell gives its cached
//! value; one without refuses its row, naming the cell. The people import
//! commits the rows before a broken line, reports it (`refused_file_error`),
//! marks its run interrupted and fails. Its run record is counted in each
//! batch's transaction, so a run killed part-way shows the rows it committed;
//! `Store::import_runs` gives its state (running, finished, or interrupted when
//! it stopped on a broken file or no batch came for 10 minutes). Every CSV
//! written goes through `TableWriter`, which writes a text cell beginning with
//! `=` `+` `-` `@` tab or CR with a leading `'` (OWASP); numbers the program
//! computed (`Cell::Number`) are written as they are.

#![warn(unreachable_pub)]

pub mod campaigns;
pub mod cases;
mod columns;
pub mod contacts;
pub mod coverage;
pub mod export;
pub mod import;
mod read;
pub mod results;
pub mod returnees;
mod write;

pub use columns::{ColumnMap, PERSON_FIELDS, POPULATION_FIELDS, person_input};
pub use read::{Limits, SheetReader};
pub use write::{AsCell, Cell, SharedBuf, TableWriter, neutralised, table_bytes};

use std::path::{Path, PathBuf};

/// A spreadsheet file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// The format named by a file's extension (`.csv`, `.xlsx`, any case).
    pub fn from_path(path: &Path) -> Result<Format, SheetError> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        Format::parse(ext).map_err(|_| SheetError::UnknownFormat(path.display().to_string()))
    }

    /// `csv` or `xlsx`, as given on a command line.
    pub fn parse(s: &str) -> Result<Format, SheetError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            _ => Err(SheetError::UnknownFormat(s.to_owned())),
        }
    }
}

/// What went wrong with a spreadsheet, said in Vietnamese and English.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("Không đọc được tệp {}: {source} / Cannot read file {}: {source}", path.display(), path.display())]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("Lỗi đọc/ghi tệp: {0} / File read/write error: {0}")]
    Io(#[from] std::io::Error),
    #[error("Tệp CSV không hợp lệ: {0} / Invalid CSV file: {0}")]
    Csv(#[from] csv::Error),
    #[error(
        "Dòng {line} không phải UTF-8: trong Excel hãy lưu dưới dạng «CSV UTF-8» / \
         Line {line} is not UTF-8: save the file as “CSV UTF-8” in Excel"
    )]
    Encoding { line: u64 },
    #[error("Tệp Excel không hợp lệ: {0} / Invalid Excel file: {0}")]
    Xlsx(String),
    #[error(
        "Không nhận ra định dạng «{0}»: chỉ hỗ trợ .csv và .xlsx / \
         Unknown format “{0}”: only .csv and .xlsx are supported"
    )]
    UnknownFormat(String),
    #[error("Thiếu cột bắt buộc: {} / Missing required columns: {}", .0.join(", "), .0.join(", "))]
    MissingColumns(Vec<String>),
    #[error("Tệp trống, không có dòng tiêu đề / The file is empty: no header row")]
    EmptyFile,
    #[error(
        "Nhiều cột cùng ứng với một trường: {0}; hãy xoá hoặc đổi tên bớt / \
         Several columns map to one field: {0}; remove or rename the extras"
    )]
    DuplicateColumn(String),
    #[error(
        "Dòng {line}: dấu ngoặc kép mở ở đây không được đóng (ô kéo dài quá {max_lines} dòng, \
         quá {max_bytes} byte hoặc đến hết tệp); sửa dòng này rồi nhập lại, phần sau của tệp chưa được đọc / \
         Line {line}: the quote opened here is never closed (the cell runs past {max_lines} lines, \
         {max_bytes} bytes or the end of the file); fix this line and import again, the rest of the file was not read"
    )]
    UnclosedQuote {
        line: u64,
        max_lines: u64,
        max_bytes: usize,
    },
    #[error(
        "Dòng {line}: một ô dài quá giới hạn {limit} byte / \
         Line {line}: a cell is longer than the limit of {limit} bytes"
    )]
    CellTooLarge { line: u64, limit: usize },
    #[error(
        "Dòng {line}: quá giới hạn {limit} cột / Line {line}: more than the limit of {limit} columns"
    )]
    TooManyColumns { line: u64, limit: usize },
    #[error(
        "Tệp Excel có quá {limit} dòng dữ liệu (dòng {line}); hãy chia nhỏ hoặc lưu thành CSV / \
         The Excel file holds more than {limit} data rows (line {line}); split it or save it as CSV"
    )]
    TooManyRows { line: u64, limit: u64 },
    #[error(
        "Tệp Excel giải nén quá giới hạn {limit} byte (phần «{part}»): có thể là tệp nén độc hại / \
         The Excel file unpacks past the limit of {limit} bytes (part “{part}”): possibly a zip bomb"
    )]
    XlsxTooLarge { part: String, limit: u64 },
    #[error(
        "Tệp Excel có tham chiếu ô «{value}» không hợp lệ hoặc vượt giới hạn trang tính (phần «{part}»): \
         hãy mở tệp trong Excel và lưu lại / The Excel file has a cell reference “{value}” that is \
         invalid or past a sheet's limits (part “{part}”): open and save the file in Excel"
    )]
    XlsxReference { part: String, value: String },
    #[error(
        "Tệp Excel có dòng {line} sau dòng {after}: các dòng không theo thứ tự; hãy mở tệp trong Excel \
         và lưu lại / The Excel file has row {line} after row {after}: its rows are out of order; \
         open and save the file in Excel"
    )]
    RowsOutOfOrder { line: u64, after: u64 },
    #[error(
        "Dòng {line}: cột «{column}» chứa ký tự điều khiển {code}, không được phép trong văn bản / \
         Line {line}: column “{column}” holds the control character {code}, which text may not hold"
    )]
    ControlCharacter {
        line: u64,
        column: String,
        code: String,
    },
    #[error(
        "Dòng {line}: ô {cell} là công thức chưa có giá trị tính sẵn; mở tệp trong Excel và lưu lại, \
         hoặc gõ giá trị vào ô / Line {line}: cell {cell} is a formula with no computed value; \
         open and save the file in Excel, or type the value in the cell"
    )]
    FormulaWithoutValue { line: u64, cell: String },
}

impl SheetError {
    /// The line of the file the error is at, when it is at one.
    pub fn line(&self) -> Option<u64> {
        match self {
            SheetError::Encoding { line }
            | SheetError::UnclosedQuote { line, .. }
            | SheetError::CellTooLarge { line, .. }
            | SheetError::TooManyColumns { line, .. }
            | SheetError::TooManyRows { line, .. }
            | SheetError::FormulaWithoutValue { line, .. }
            | SheetError::ControlCharacter { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// Whether the error refuses one row only, the reading going on after it.
    pub fn is_row_error(&self) -> bool {
        matches!(
            self,
            SheetError::Encoding { .. }
                | SheetError::FormulaWithoutValue { .. }
                | SheetError::ControlCharacter { .. }
        )
    }
}

impl From<calamine::XlsxError> for SheetError {
    fn from(e: calamine::XlsxError) -> Self {
        SheetError::Xlsx(e.to_string())
    }
}

impl From<rust_xlsxwriter::XlsxError> for SheetError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        SheetError::Xlsx(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_extension_ignores_case() {
        assert_eq!(
            Format::from_path(Path::new("a/DS.CSV")).ok(),
            Some(Format::Csv)
        );
        assert_eq!(
            Format::from_path(Path::new("ds.Xlsx")).ok(),
            Some(Format::Xlsx)
        );
        assert!(matches!(
            Format::from_path(Path::new("ds.xls")),
            Err(SheetError::UnknownFormat(_))
        ));
        assert!(Format::from_path(Path::new("ds")).is_err());
        assert_eq!(Format::parse("XLSX").ok(), Some(Format::Xlsx));
    }
}
