//! The people import pipeline shared by `phongdich import` and the import page:
//! read the sheet in batches, import each batch in its own transaction, and
//! write every refused or flagged row to a report with its line and reasons.

use crate::{ColumnMap, Format, PERSON_FIELDS, SheetError, SheetReader, TableWriter};
use phongdich_store::{Actor, ImportPolicy, RowOutcome, Store};
use std::path::Path;
use std::time::{Duration, Instant};

pub type ImportError = Box<dyn std::error::Error + Send + Sync>;

/// One line of the report: a refused or flagged row.
#[derive(Debug, Clone)]
pub struct ReportRow {
    pub line: u64,
    /// `refused_invalid`, `refused_duplicate_national_id`,
    /// `refused_likely_duplicate` or `flagged_likely_duplicate`.
    pub outcome: &'static str,
    pub person_id: Option<i64>,
    pub reason_vi: String,
    pub reason_en: String,
}

impl ReportRow {
    /// The row as written to the report file.
    pub fn cells(&self) -> [String; 5] {
        [
            self.line.to_string(),
            self.outcome.to_owned(),
            self.person_id.map(|i| i.to_string()).unwrap_or_default(),
            self.reason_vi.clone(),
            self.reason_en.clone(),
        ]
    }

    /// A refused row with its reasons (Vietnamese, English).
    pub fn refused(line: u64, reasons: &[(String, String)]) -> ReportRow {
        let join = |f: fn(&(String, String)) -> &str| {
            reasons.iter().map(f).collect::<Vec<_>>().join(" | ")
        };
        ReportRow {
            line,
            outcome: "refused_invalid",
            person_id: None,
            reason_vi: join(|r| r.0.as_str()),
            reason_en: join(|r| r.1.as_str()),
        }
    }
}

/// The report's last row when the file itself is broken part-way (an
/// unclosed quote, a limit passed): its line, and that nothing after it was read.
pub fn file_error_row(e: &SheetError) -> ReportRow {
    let text = e.to_string();
    let (vi, en) = text.split_once(" / ").unwrap_or((&text, &text));
    ReportRow {
        line: e.line().unwrap_or(0),
        outcome: "refused_file_error",
        person_id: None,
        reason_vi: vi.to_owned(),
        reason_en: en.to_owned(),
    }
}

/// The report row of a row the reader refused on its own
/// ([`SheetError::is_row_error`]: a formula without a value, not UTF-8).
pub fn unreadable_row(e: &SheetError) -> ReportRow {
    ReportRow {
        outcome: "refused_invalid",
        ..file_error_row(e)
    }
}

/// A row as read; or, for a row the reader refused on its own, `None` after
/// writing it to the report as refused; an error that ends the file is returned.
pub fn readable_row(
    row: Result<(u64, Vec<String>), SheetError>,
    report: &mut TableWriter,
    report_rows: &mut Vec<ReportRow>,
    refused: &mut u64,
) -> Result<Option<(u64, Vec<String>)>, ImportError> {
    match row {
        Ok(row) => Ok(Some(row)),
        Err(e) if e.is_row_error() => {
            *refused += 1;
            let r = unreadable_row(&e);
            report.write_row(&r.cells())?;
            report_rows.push(r);
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Field errors as report reasons: "field: message" in both languages, the
/// field named as readers know it ([`phongdich_domain::FieldError::labelled`]).
pub fn field_reasons(errors: &[phongdich_domain::FieldError]) -> Vec<(String, String)> {
    errors
        .iter()
        .map(phongdich_domain::FieldError::labelled)
        .collect()
}

/// A new report file with the standard headers.
pub fn open_report(path: &Path) -> Result<TableWriter, ImportError> {
    Ok(TableWriter::new(
        Box::new(std::io::BufWriter::new(std::fs::File::create(path)?)),
        Format::Csv,
        &REPORT_HEADERS,
    )?)
}

/// The person columns followed by a module's own.
pub fn person_fields_with(
    extra: &[(&'static str, bool, &'static [&'static str])],
) -> Vec<(&'static str, bool, &'static [&'static str])> {
    PERSON_FIELDS.iter().chain(extra.iter()).copied().collect()
}

/// A batch read and validated on the reading thread.
struct ReadBatch {
    rows: Vec<phongdich_store::ParsedRow>,
    /// Rows the reader refused itself (a formula without a value, not UTF-8).
    refused_rows: Vec<ReportRow>,
    rows_total: Option<u64>,
    bytes_done: u64,
    bytes_total: u64,
}

#[derive(Debug)]
pub struct ImportSummary {
    /// The import's record (`import_runs`).
    pub run_id: i64,
    pub rows: u64,
    pub imported: u64,
    pub refused: u64,
    pub flagged: u64,
    pub elapsed: Duration,
    /// Columns of the file that match no field (ignored).
    pub ignored_columns: Vec<String>,
    /// The first report rows (all are in the report file).
    pub first_report_rows: Vec<ReportRow>,
}

/// Where the import stands, for a progress display.
#[derive(Debug)]
pub struct Progress {
    /// The import's record (`import_runs`), known from the first call on.
    pub run_id: i64,
    pub rows_done: u64,
    pub rows_total: Option<u64>,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

pub const REPORT_HEADERS: [&str; 5] = [
    "dong_line",
    "ket_qua_outcome",
    "person_id",
    "ly_do",
    "reason",
];

/// How many report rows [`ImportSummary::first_report_rows`] keeps.
const KEEP_ROWS: usize = 2000;

#[allow(clippy::too_many_arguments)]
pub async fn import_persons(
    store: &Store,
    actor: &Actor,
    file: &Path,
    file_name: &str,
    report_path: &Path,
    policy: ImportPolicy,
    batch_size: usize,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<ImportSummary, ImportError> {
    let started = Instant::now();
    let mut reader = SheetReader::open(file)?;
    let map = ColumnMap::new(reader.headers(), PERSON_FIELDS)?;
    let ignored_columns = map.ignored().to_vec();
    let mut report = open_report(report_path)?;
    let mut run = store.begin_import(actor, "persons", file_name).await?;
    // Said at once, so that a caller can show the import's page while it runs.
    progress(Progress {
        run_id: run.id,
        rows_done: 0,
        rows_total: None,
        bytes_done: 0,
        bytes_total: 0,
    });
    let today = store.today();
    let (mut refused, mut flagged) = (0u64, 0u64);
    // Rows refused by the reader, which the store never saw.
    let mut file_rows = 0u64;
    let mut first_report_rows = Vec::new();
    // Reading and validating run on their own thread, a batch or two ahead of
    // the store's writes (two cores: one parses while the other writes).
    let (tx, mut batches) = tokio::sync::mpsc::channel::<Result<ReadBatch, SheetError>>(2);
    let reading = std::thread::spawn(move || {
        loop {
            let mut rows = Vec::with_capacity(batch_size);
            let mut failed = None;
            let mut refused_rows = Vec::new();
            while rows.len() < batch_size {
                match reader.next_row() {
                    Some(Ok((line, cells))) => {
                        let (input, household) = crate::person_input(&map, &cells);
                        rows.push((line, input, household));
                    }
                    Some(Err(e)) if e.is_row_error() => refused_rows.push(unreadable_row(&e)),
                    Some(Err(e)) => {
                        failed = Some(e);
                        break;
                    }
                    None => break,
                }
            }
            let last = rows.len() < batch_size;
            if !rows.is_empty() || !refused_rows.is_empty() {
                let batch = ReadBatch {
                    rows: phongdich_store::parse_rows(rows, today),
                    refused_rows,
                    rows_total: reader.len_hint(),
                    bytes_done: reader.position_bytes(),
                    bytes_total: reader.file_size(),
                };
                if tx.blocking_send(Ok(batch)).is_err() {
                    return; // the import stopped
                }
            }
            if let Some(e) = failed {
                // The rows before a broken part of the file are imported; the
                // import then stops there, saying where (nothing after it is read).
                let _ = tx.blocking_send(Err(e));
                return;
            }
            if last {
                return;
            }
        }
    });
    while let Some(batch) = batches.recv().await {
        let batch = match batch {
            Ok(batch) => batch,
            Err(e) => {
                let row = file_error_row(&e);
                report.write_row(&row.cells())?;
                report.finish()?;
                store.stop_import(&run, &e.to_string()).await?;
                let n = run.rows_imported;
                return Err(format!(
                    "{e} — {n} dòng trước đó đã được nhập / {n} rows before it were imported"
                )
                .into());
            }
        };
        let (rows_total, bytes_done, bytes_total) =
            (batch.rows_total, batch.bytes_done, batch.bytes_total);
        let rows = batch.rows;
        for row in batch.refused_rows {
            refused += 1;
            file_rows += 1;
            report.write_row(&row.cells())?;
            if first_report_rows.len() < KEEP_ROWS {
                first_report_rows.push(row);
            }
        }
        let outcomes = if rows.is_empty() {
            Vec::new()
        } else {
            store
                .import_parsed_batch(actor, &mut run, rows, policy)
                .await?
        };
        for (line, outcome) in outcomes {
            let (kind, person_id) = match &outcome {
                RowOutcome::Imported {
                    person_id,
                    likely_duplicates,
                } if !likely_duplicates.is_empty() => {
                    flagged += 1;
                    ("flagged_likely_duplicate", Some(*person_id))
                }
                RowOutcome::Imported { .. } => continue,
                RowOutcome::Invalid { .. } => ("refused_invalid", None),
                // The record that holds the ID, when the reader may see it.
                RowOutcome::DuplicateNationalId {
                    existing_person_id, ..
                } => ("refused_duplicate_national_id", *existing_person_id),
                RowOutcome::LikelyDuplicate { .. } => ("refused_likely_duplicate", None),
            };
            if kind.starts_with("refused") {
                refused += 1;
            }
            let reasons = outcome.reasons();
            let join = |f: fn(&(String, String)) -> &str| {
                reasons.iter().map(f).collect::<Vec<_>>().join(" | ")
            };
            let row = ReportRow {
                line,
                outcome: kind,
                person_id,
                reason_vi: join(|r| r.0.as_str()),
                reason_en: join(|r| r.1.as_str()),
            };
            report.write_row(&row.cells())?;
            if first_report_rows.len() < KEEP_ROWS {
                first_report_rows.push(row);
            }
        }
        progress(Progress {
            run_id: run.id,
            rows_done: run.rows_total,
            rows_total,
            bytes_done,
            bytes_total,
        });
    }
    drop(batches);
    reading
        .join()
        .map_err(|_| "the reading thread panicked / luồng đọc tệp bị lỗi")?;
    report.finish()?;
    store.finish_import(actor, &run, file_name).await?;
    Ok(ImportSummary {
        run_id: run.id,
        rows: run.rows_total + file_rows,
        imported: run.rows_imported,
        refused,
        flagged,
        elapsed: started.elapsed(),
        ignored_columns,
        first_report_rows,
    })
}
