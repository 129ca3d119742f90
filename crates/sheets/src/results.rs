//! Import of a lab's results file (CSV or XLSX): one result per row, naming a
//! sample or a pool by the code on its label. Each row is recorded on its own
//! (a pool's members resolve with it, a positive that makes an F0 confirms the
//! case); the same file imported again changes nothing. Every row is reported.

use crate::import::{ImportError, ReportRow, field_reasons};
use crate::{ColumnMap, SheetReader};
use phongdich_domain::testing::ResultInput;
use phongdich_store::{Actor, Store, StoreError};
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

pub async fn import_results(
    store: &Store,
    actor: &Actor,
    file: &Path,
    report_path: &Path,
) -> Result<ResultImportSummary, ImportError> {
    let mut reader = SheetReader::open(file)?;
    let map = ColumnMap::new(reader.headers(), RESULT_FIELDS)?;
    let mut report = crate::import::open_report(report_path)?;
    let today = chrono::Local::now().date_naive();
    let mut s = ResultImportSummary {
        rows: 0,
        recorded: 0,
        unchanged: 0,
        confirmed: 0,
        refused: 0,
        report_rows: Vec::new(),
    };
    while let Some(row) = reader.next_row() {
        let (line, cells) = row?;
        s.rows += 1;
        let get = |f: &str| map.get(&cells, f).to_owned();
        let input = ResultInput {
            code: get("code"),
            test_kind: get("test_kind"),
            outcome: get("outcome"),
            ct: get("ct"),
            resulted_on: get("resulted_on"),
            lab: get("lab"),
        };
        let r = match store.record_result(actor, &input, today).await {
            Ok(out) if out.unchanged => {
                s.unchanged += 1;
                ReportRow {
                    line,
                    outcome: "unchanged",
                    person_id: None,
                    reason_vi: "Kết quả này đã có; không thay đổi gì.".into(),
                    reason_en: "This result was already recorded; nothing changed.".into(),
                }
            }
            Ok(out) => {
                s.recorded += 1;
                let person_id = (out.samples.len() == 1).then(|| out.samples[0].person_id);
                let needing = out
                    .samples
                    .iter()
                    .filter(|x| x.status == "pool_positive" || x.status == "resample")
                    .count();
                let (vi, en) = match &out.case_code {
                    Some(code) => {
                        s.confirmed += 1;
                        (
                            format!(
                                "Khẳng định F0 {code}; {} người đổi phân loại.",
                                out.class_changes.len()
                            ),
                            format!(
                                "Confirmed as F0 {code}; {} classes changed.",
                                out.class_changes.len()
                            ),
                        )
                    }
                    None if needing > 0 => (
                        format!("{needing} người cần lấy mẫu lại."),
                        format!("{needing} people to sample again."),
                    ),
                    None => (
                        format!("{} mẫu đã cập nhật.", out.samples.len()),
                        format!("{} samples updated.", out.samples.len()),
                    ),
                };
                ReportRow {
                    line,
                    outcome: if out.case_code.is_some() {
                        "recorded_confirmed_f0"
                    } else {
                        "recorded"
                    },
                    person_id,
                    reason_vi: vi,
                    reason_en: en,
                }
            }
            Err(e) => {
                s.refused += 1;
                ReportRow::refused(line, &store_reasons(&e))
            }
        };
        report.write_row(&r.cells())?;
        s.report_rows.push(r);
    }
    report.finish()?;
    Ok(s)
}
