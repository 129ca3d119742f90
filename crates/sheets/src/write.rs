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
        writer.write(headers, Some(&rust_xlsxwriter::Format::new().set_bold()))?;
        Ok(writer)
    }

    pub fn write_row(&mut self, cells: &[String]) -> Result<(), SheetError> {
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
