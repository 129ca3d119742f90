//! Spreadsheets in and out: the CSV and XLSX files commune committees keep, with
//! Vietnamese or English headers, read into plain text rows that carry the line a
//! user sees in Excel; and tables written back in either format.
//!
//! Everything here is text: checking values is the domain crate's job, so a
//! spreadsheet that cannot be parsed is only ever a file-level problem.

pub mod campaigns;
pub mod cases;
mod columns;
pub mod contacts;
pub mod export;
pub mod import;
mod read;
pub mod results;
mod write;

pub use columns::{ColumnMap, PERSON_FIELDS, POPULATION_FIELDS, person_input};
pub use read::SheetReader;
pub use write::{SharedBuf, TableWriter, neutralised, table_bytes};

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
