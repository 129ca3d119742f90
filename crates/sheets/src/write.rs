//! Writing a table (reports, exports, import error lists) as CSV or XLSX, so the
//! committee gets back a file it can open and fix in the tool it already uses.

use crate::{Format, SheetError};
use rust_xlsxwriter::{Workbook, Worksheet};
use std::io::Write;

/// Widest column, in characters, that widths are fitted to.
const MAX_WIDTH: usize = 50;

/// Writes a table to a CSV or XLSX file, or to any `io::Write` (stdout): header
/// then rows. Nothing is guaranteed written until [`TableWriter::finish`].
///
/// Every CSV file the application writes goes through here, so that no text
/// cell can run as a formula in the spreadsheet that opens it ([`neutralised`]):
/// text cells are made inert, numbers the program computed ([`Cell::Number`])
/// are written as they are, so that a change of `-3` stays a number.
pub struct TableWriter {
    sink: Sink,
}

impl std::fmt::Debug for TableWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.sink {
            Sink::Csv(_) => "csv",
            Sink::Xlsx { .. } => "xlsx",
        };
        f.debug_struct("TableWriter")
            .field("kind", &kind)
            .finish_non_exhaustive()
    }
}

/// A cell: text (whatever people typed, codes, dates, labels) or a number
/// the program computed. A `String` or `&str` is text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Number(String),
}

impl Cell {
    /// A number, written as `Display` writes it.
    pub fn number(n: impl std::fmt::Display) -> Cell {
        Cell::Number(n.to_string())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_owned())
    }
}

/// What [`TableWriter::write_row`] takes: its text and whether it is a number.
pub trait AsCell {
    fn text(&self) -> &str;
    fn is_number(&self) -> bool {
        false
    }
}

impl AsCell for String {
    fn text(&self) -> &str {
        self
    }
}

impl AsCell for &str {
    fn text(&self) -> &str {
        self
    }
}

impl AsCell for Cell {
    fn text(&self) -> &str {
        match self {
            Cell::Text(s) | Cell::Number(s) => s,
        }
    }
    fn is_number(&self) -> bool {
        matches!(self, Cell::Number(_))
    }
}

/// A cell made inert for a spreadsheet (CSV injection, OWASP): text starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`,
/// so that Excel or LibreOffice shows it instead of running it as a formula.
pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

enum Sink {
    Csv(Box<csv::Writer<Box<dyn Write + Send>>>),
    Xlsx {
        out: Box<dyn Write + Send>,
        sheet: Box<Worksheet>,
        /// Next sheet row (0-based).
        row: u32,
        /// Longest text seen per column, in characters.
        widths: Vec<usize>,
    },
}

impl TableWriter {
    pub fn new(
        out: Box<dyn Write + Send>,
        format: Format,
        headers: &[&str],
    ) -> Result<TableWriter, SheetError> {
        let mut writer = match format {
            Format::Csv => TableWriter {
                sink: Sink::Csv(Box::new(csv::Writer::from_writer(out))),
            },
            Format::Xlsx => {
                let mut sheet = Box::new(Worksheet::new());
                sheet.set_freeze_panes(1, 0)?;
                TableWriter {
                    sink: Sink::Xlsx {
                        out,
                        sheet,
                        row: 0,
                        widths: Vec::new(),
                    },
                }
            }
        };
        let headers: Vec<_> = match format {
            Format::Csv => headers.iter().map(|h| neutralised(h)).collect(),
            Format::Xlsx => headers
                .iter()
                .map(|h| std::borrow::Cow::Borrowed(*h))
                .collect(),
        };
        writer.write(&headers, Some(&rust_xlsxwriter::Format::new().set_bold()))?;
        Ok(writer)
    }

    /// A row; in a CSV file, text cells a spreadsheet would run as a
    /// formula are written inert, numbers as they are.
    pub fn write_row<C: AsCell>(&mut self, cells: &[C]) -> Result<(), SheetError> {
        if matches!(self.sink, Sink::Csv(_)) {
            let cells: Vec<std::borrow::Cow<'_, str>> = cells
                .iter()
                .map(|c| match c.is_number() {
                    true => std::borrow::Cow::Borrowed(c.text()),
                    false => neutralised(c.text()),
                })
                .collect();
            return self.write(&cells, None);
        }
        let cells: Vec<&str> = cells.iter().map(AsCell::text).collect();
        self.write(&cells, None)
    }

    /// Every cell goes in as text, so "022085001234" keeps its leading zero.
    fn write<S: AsRef<str>>(
        &mut self,
        cells: &[S],
        style: Option<&rust_xlsxwriter::Format>,
    ) -> Result<(), SheetError> {
        match &mut self.sink {
            Sink::Csv(w) => w.write_record(cells.iter().map(AsRef::as_ref))?,
            Sink::Xlsx {
                sheet, row, widths, ..
            } => {
                if widths.len() < cells.len() {
                    widths.resize(cells.len(), 0);
                }
                for (col, cell) in cells.iter().enumerate() {
                    let text = cell.as_ref();
                    widths[col] = widths[col].max(text.chars().count());
                    let col = column(col)?;
                    match style {
                        Some(style) => sheet.write_string_with_format(*row, col, text, style)?,
                        None if text.is_empty() => sheet,
                        None => sheet.write_string(*row, col, text)?,
                    };
                }
                *row += 1;
            }
        }
        Ok(())
    }

    /// Flushes; an XLSX workbook, built in memory, is written out here.
    pub fn finish(self) -> Result<(), SheetError> {
        match self.sink {
            Sink::Csv(mut w) => w.flush()?,
            Sink::Xlsx {
                mut out,
                mut sheet,
                widths,
                ..
            } => {
                for (col, width) in widths.into_iter().enumerate() {
                    let width = (width.min(MAX_WIDTH) + 2) as f64;
                    sheet.set_column_width(column(col)?, width)?;
                }
                let mut workbook = Workbook::new();
                workbook.push_worksheet(*sheet);
                out.write_all(&workbook.save_to_buffer()?)?;
                out.flush()?;
            }
        }
        Ok(())
    }
}

fn column(col: usize) -> Result<u16, SheetError> {
    u16::try_from(col).map_err(|_| SheetError::Xlsx(format!("column {col} out of range")))
}

/// A writer whose bytes can be taken back after the writer that owned a
/// clone of it is dropped (a download built in memory).
#[derive(Debug, Clone, Default)]
pub struct SharedBuf(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl SharedBuf {
    /// The bytes written so far.
    pub fn bytes(&self) -> Vec<u8> {
        self.0.lock().map(|b| b.clone()).unwrap_or_default()
    }
}

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A whole table, written in memory: the bytes of a CSV or XLSX file, for a
/// download built from figures already at hand (a situation report).
pub fn table_bytes<C: AsCell>(
    format: Format,
    headers: &[&str],
    rows: &[Vec<C>],
) -> Result<Vec<u8>, SheetError> {
    let buf = SharedBuf::default();
    let mut w = TableWriter::new(Box::new(buf.clone()), format, headers)?;
    for row in rows {
        w.write_row(row)?;
    }
    w.finish()?;
    Ok(buf.bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_a_spreadsheet_would_run_is_written_inert_in_csv_numbers_are_not() {
        for bad in ["=1+2", "+84", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralised(bad), format!("'{bad}"));
        }
        for good in ["Nguyễn Văn A", "BN12", "2021-08-10", "", "a=b"] {
            assert_eq!(neutralised(good), good);
        }
        let table = |format| {
            table_bytes(
                format,
                &["=h", "b", "c"],
                &[vec![
                    Cell::from("=cmd|' /C calc'!A0"),
                    Cell::from("-3"),
                    Cell::number(-3),
                ]],
            )
            .unwrap()
        };
        assert_eq!(
            String::from_utf8(table(Format::Csv)).unwrap(),
            "'=h,b,c\n'=cmd|' /C calc'!A0,'-3,-3\n"
        );
        // Rows of plain strings are text.
        let buf = SharedBuf::default();
        let mut w = TableWriter::new(Box::new(buf.clone()), Format::Csv, &["a"]).unwrap();
        w.write_row(&["@SUM(A1)".to_owned()]).unwrap();
        w.finish().unwrap();
        assert_eq!(String::from_utf8(buf.bytes()).unwrap(), "a\n'@SUM(A1)\n");
        // An XLSX cell is written as text and never runs: left as typed.
        let xlsx = table(Format::Xlsx);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        std::fs::write(&path, xlsx).unwrap();
        let mut reader = crate::SheetReader::open(&path).unwrap();
        assert_eq!(reader.headers(), ["=h", "b", "c"]);
        let (_, cells) = reader.next_row().unwrap().unwrap();
        assert_eq!(cells, ["=cmd|' /C calc'!A0", "-3", "-3"]);
    }
}
