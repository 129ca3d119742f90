//! Import of a lab's results file (CSV or XLSX): one result per row, naming a
//! sample or a pool by the code on its label. Each row is recorded on its own
//! (a pool's members resolve with it, a positive that makes an F0 confirms the
//! case); the same file imported again changes nothing. Every row is reported.

use crate::import::{ImportError, ReportRow, field_reasons};
use crate::{ColumnMap, SheetReader};
use phongdich_domain::testing::ResultInput;
use phongdich_store::{Actor, ResultSummary, Store, StoreError};
use std::path::Path;

pub const RESULT_FIELDS: &[(&str, bool, &[&str])] = &[
    (
        "code",
        true,
        &[
            "Mã mẫu",
            "mã gộp",
            "mã xét nghiệm",
            "sample code",
            "code",
            "barcode",
            "sample",
        ],
    ),
    (
        "test_kind",
        true,
        &[
            "Loại xét nghiệm",
            "kỹ thuật",
            "phương pháp",
            "test",
            "test kind",
            "test_kind",
            "method",
        ],
    ),
    ("outcome", true, &["Kết quả", "result", "outcome"]),
    ("ct", false, &["Giá trị Ct", "ct", "ct value", "ct values"]),
    (
        "resulted_on",
        true,
        &[
            "Ngày trả kết quả",
            "ngày có kết quả",
            "ngày xét nghiệm",
            "date",
            "resulted_on",
            "result date",
        ],
    ),
    (
        "lab",
        false,
        &["Phòng xét nghiệm", "đơn vị xét nghiệm", "lab", "laboratory"],
    ),
];

#[derive(Debug)]
pub struct ResultImportSummary {
    pub rows: u64,
    pub recorded: u64,
    pub unchanged: u64,
    pub confirmed: u64,
    pub refused: u64,
    pub report_rows: Vec<ReportRow>,
}

/// A store refusal as report reasons, in both languages.
fn store_reasons(e: &StoreError) -> Vec<(String, String)> {
    match e {
        StoreError::Invalid(i) => field_reasons(&i.0),
        StoreError::NotFound { entity, id } => vec![(
            format!("Không tìm thấy mã «{id}» ({entity}) trong phạm vi của bạn."),
            format!("No {entity} “{id}” within your jurisdiction."),
        )],
        StoreError::Forbidden { .. } => vec![(
            "Vai trò của bạn không được nhập kết quả xét nghiệm.".into(),
            "Your role may not record test results.".into(),
        )],
        StoreError::Conflict {
            message_vi,
            message_en,
        } => vec![(message_vi.clone(), message_en.clone())],
        other => vec![(format!("Lỗi: {other}"), format!("Error: {other}"))],
    }
}

/// Rows recorded together: one transaction, a few statements.
const BATCH: usize = 2_000;

fn report_row(
    s: &mut ResultImportSummary,
    line: u64,
    outcome: Result<ResultSummary, StoreError>,
) -> ReportRow {
    match outcome {
        Ok(out) if out.unchanged => {
            s.unchanged += 1;
            ReportRow {
                line,
                outcome: "unchanged",
                person_id: out.person_id,
                reason_vi: "Kết quả này đã có; không thay đổi gì.".into(),
                reason_en: "This result was already recorded; nothing changed.".into(),
            }
        }
        Ok(out) => {
            s.recorded += 1;
            let (vi, en) = match &out.case_code {
                Some(code) => {
                    s.confirmed += 1;
                    (
                        format!(
                            "Khẳng định F0 {code}; {} người đổi phân loại.",
                            out.class_changes
                        ),
                        format!(
                            "Confirmed as F0 {code}; {} classes changed.",
                            out.class_changes
                        ),
                    )
                }
                None if out.review_pending => (
                    "Dương tính: chờ cán bộ y tế xem xét trước khi khẳng định F0.".into(),
                    "Positive: waits for a health officer's review before confirming an F0.".into(),
                ),
                None if out.needing > 0 => (
                    format!("{} người cần lấy mẫu lại.", out.needing),
                    format!("{} people to sample again.", out.needing),
                ),
                None => (
                    format!("{} mẫu đã cập nhật.", out.samples),
                    format!("{} samples updated.", out.samples),
                ),
            };
            ReportRow {
                line,
                outcome: if out.case_code.is_some() {
                    "recorded_confirmed_f0"
                } else {
                    "recorded"
                },
                person_id: out.person_id,
                reason_vi: vi,
                reason_en: en,
            }
        }
        Err(e) => {
            s.refused += 1;
            ReportRow::refused(line, &store_reasons(&e))
        }
    }
}

pub async fn import_results(
    store: &Store,
    actor: &Actor,
    file: &Path,
    report_path: &Path,
) -> Result<ResultImportSummary, ImportError> {
    let mut reader = SheetReader::open(file)?;
    let map = ColumnMap::new(reader.headers(), RESULT_FIELDS)?;
    let mut report = crate::import::open_report(report_path)?;
    let today = store.today();
    let mut s = ResultImportSummary {
        rows: 0,
        recorded: 0,
        unchanged: 0,
        confirmed: 0,
        refused: 0,
        report_rows: Vec::new(),
    };
    let mut batch: Vec<(u64, ResultInput)> = Vec::with_capacity(BATCH);
    loop {
        let row = reader.next_row();
        if let Some(row) = row {
            s.rows += 1;
            let readable =
                crate::import::readable_row(row, &mut report, &mut s.report_rows, &mut s.refused)?;
            let Some((line, cells)) = readable else {
                continue;
            };
            let get = |f: &str| map.get(&cells, f).to_owned();
            batch.push((
                line,
                ResultInput {
                    code: get("code"),
                    test_kind: get("test_kind"),
                    outcome: get("outcome"),
                    ct: get("ct"),
                    resulted_on: get("resulted_on"),
                    lab: get("lab"),
                },
            ));
            if batch.len() < BATCH {
                continue;
            }
        }
        if batch.is_empty() {
            break;
        }
        let inputs: Vec<ResultInput> = batch.iter().map(|(_, i)| i.clone()).collect();
        let outcomes = store
            .record_results(actor, &inputs, today)
            .await
            .map_err(|e| -> ImportError { Box::new(e) })?;
        for ((line, _), outcome) in batch.drain(..).zip(outcomes) {
            let r = report_row(&mut s, line, outcome);
            report.write_row(&r.cells())?;
            s.report_rows.push(r);
        }
    }
    report.finish()?;
    Ok(s)
}
