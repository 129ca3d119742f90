//! Writing a table (reports, exports, import error lists) as CSV or XLSX, so the
//! committee gets back a file it can open and fix in the tool it already uses.

use crate::{Format, SheetError};
use rust_xlsxwriter::{Workbook, Worksheet};
use std::io::Write;

/// Widest column, in characters, that widths are fitted to.
const MAX_WIDTH: usize = 50;

/// Writes a table to a CSV or XLSX file, or to any `io::Write` (stdout): header
/// then rows. Nothing is guaranteed written until [`TableWriter::finish`].
pub struct TableWriter {
    sink: Sink,
    /// Whether CSV cells that a spreadsheet would run as a formula are
    /// written inert ([`TableWriter::neutralising`]).
    neutralise: bool,
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
                neutralise: false,
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
                    neutralise: false,
                }
            }
        };
        writer.write(headers, Some(&rust_xlsxwriter::Format::new().set_bold()))?;
        Ok(writer)
    }

    /// Rows written from now on hold what people typed (names, addresses):
    /// in a CSV file, cells a spreadsheet would run as a formula are written
    /// inert ([`neutralised`]). Not for tables of figures, where `-3` is a
    /// number; an XLSX cell is written as text and never runs.
    pub fn neutralising(mut self) -> Self {
        self.neutralise = true;
        self
    }

    pub fn write_row(&mut self, cells: &[String]) -> Result<(), SheetError> {
        if self.neutralise && matches!(self.sink, Sink::Csv(_)) {
            let cells: Vec<std::borrow::Cow<'_, str>> =
                cells.iter().map(|c| neutralised(c)).collect();
            return self.write(&cells, None);
        }
        self.write(cells, None)
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
#[derive(Clone, Default)]
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
pub fn table_bytes(
    format: Format,
    headers: &[&str],
    rows: &[Vec<String>],
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
    fn cells_a_spreadsheet_would_run_are_written_inert_in_csv_only_when_asked() {
        for bad in ["=1+2", "+84", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralised(bad), format!("'{bad}"));
        }
        for good in ["Nguyễn Văn A", "BN12", "2021-08-10", "", "a=b"] {
            assert_eq!(neutralised(good), good);
        }
        let row = |neutralise: bool| {
            let buf = SharedBuf::default();
            let w = TableWriter::new(Box::new(buf.clone()), Format::Csv, &["a", "b"]).unwrap();
            let mut w = if neutralise { w.neutralising() } else { w };
            w.write_row(&["=cmd".into(), "-3".into()]).unwrap();
            w.finish().unwrap();
            String::from_utf8(buf.bytes()).unwrap()
        };
        assert_eq!(row(true), "a,b\n'=cmd,'-3\n");
        assert_eq!(row(false), "a,b\n=cmd,-3\n");
    }
}
