//! Import of confirmed cases (CSV/XLSX) with an "infected by" column: a case
//! code (`BN123`), a cluster name, or a country code for imported cases. The
//! same graph results as confirming them one by one; every row is reported.

use crate::import::{ImportError, ReportRow};
use crate::{ColumnMap, SheetReader};
use phongdich_store::{Actor, CaseInput, Store, StoreError};
use std::path::Path;

pub const CASE_FIELDS: &[(&str, bool, &[&str])] = &[
    (
        "sample_on",
        false,
        &["Ngày lấy mẫu", "lấy mẫu", "sample_on", "sample date"],
    ),
    (
        "onset_on",
        false,
        &[
            "Ngày khởi phát",
            "khởi phát",
            "onset_on",
            "onset",
            "symptom onset",
        ],
    ),
    (
        "confirmed_on",
        false,
        &[
            "Ngày khẳng định",
            "ngày dương tính",
            "confirmed_on",
            "confirmed",
        ],
    ),
    (
        "infected_by",
        false,
        &[
            "Lây từ",
            "nguồn lây",
            "lây nhiễm từ",
            "infected_by",
            "infected by",
            "source",
        ],
    ),
    ("course", false, &["Điều trị", "tình trạng", "course"]),
    (
        "detected_where",
        false,
        &[
            "Phát hiện tại",
            "nơi phát hiện",
            "detected_where",
            "detected",
        ],
    ),
];

pub struct CaseImportSummary {
    pub rows: u64,
    pub confirmed: u64,
    pub refused: u64,
    pub report_rows: Vec<ReportRow>,
}

fn course_of(s: &str) -> String {
    match phongdich_domain::text::fold(s).as_str() {
        "" => "home".into(),
        "tai nha" | "nha" | "home" => "home".into(),
        "benh vien" | "hospital" => "hospital".into(),
        "hoi suc" | "icu" => "icu".into(),
        "khoi" | "da khoi" | "recovered" => "recovered".into(),
        "tu vong" | "deceased" => "deceased".into(),
        other => other.to_owned(),
    }
}

fn detected_of(s: &str) -> String {
    match phongdich_domain::text::fold(s).as_str() {
        "" | "cong dong" | "community" => "community".into(),
        "khu cach ly" | "cach ly" | "quarantine" => "quarantine".into(),
        "chot" | "chot kiem soat" | "checkpoint" => "checkpoint".into(),
        "benh vien" | "hospital" => "hospital".into(),
        other => other.to_owned(),
    }
}

pub async fn import_cases(
    store: &Store,
    actor: &Actor,
    file: &Path,
    report_path: &Path,
) -> Result<CaseImportSummary, ImportError> {
    let mut reader = SheetReader::open(file)?;
    let fields = crate::import::person_fields_with(CASE_FIELDS);
    let map = ColumnMap::new(reader.headers(), &fields)?;
    let mut report = crate::import::open_report(report_path)?;
    let today = chrono::Local::now().date_naive();
    let mut s = CaseImportSummary {
        rows: 0,
        confirmed: 0,
        refused: 0,
        report_rows: Vec::new(),
    };
    while let Some(row) = reader.next_row() {
        let (line, cells) = row?;
        s.rows += 1;
        let get = |f: &str| map.get(&cells, f).to_owned();
        let reasons = crate::import::field_reasons;
        let outcome: Result<(i64, String), Vec<(String, String)>> = async {
            let (input, _) = crate::person_input(&map, &cells);
            let person = input.parse(today).map_err(|e| reasons(&e.0))?;
            let other = |e: StoreError| vec![(e.to_string(), e.to_string())];
            let id = match store
                .match_person(&actor.scope, &person)
                .await
                .map_err(other)?
            {
                Some(id) => id,
                None => match store.create_person(actor, &person, true).await {
                    Ok(p) => p.id,
                    Err(StoreError::Invalid(i)) => return Err(reasons(&i.0)),
                    Err(e) => return Err(other(e)),
                },
            };
            let by = get("infected_by");
            let (source_kind, source_ref) = if by.is_empty() {
                ("investigating".to_owned(), String::new())
            } else if store
                .case_person_by_code(&by)
                .await
                .map_err(other)?
                .is_some()
            {
                ("case".to_owned(), by.trim().to_uppercase())
            } else if let Some(c) = store
                .cluster_by_name(&actor.scope, &by)
                .await
                .map_err(other)?
            {
                ("cluster".to_owned(), c.name)
            } else if (2..=3).contains(&by.len()) && by.chars().all(|c| c.is_ascii_alphabetic()) {
                ("imported".to_owned(), by.to_uppercase())
            } else {
                ("investigating".to_owned(), by.clone())
            };
            let case = CaseInput {
                person_id: id,
                confirmed_on: get("confirmed_on"),
                sample_on: get("sample_on"),
                onset_on: get("onset_on"),
                test_kind: "rt_pcr".into(),
                source_kind,
                source_ref,
                course: course_of(&get("course")),
                hospital: String::new(),
                detected_where: detected_of(&get("detected_where")),
                negative_on: String::new(),
            };
            match store.confirm_case(actor, &case, today).await {
                Ok((c, _)) => Ok((id, c.code)),
                Err(StoreError::Invalid(i)) => Err(reasons(&i.0)),
                Err(StoreError::Conflict {
                    message_vi,
                    message_en,
                }) => Err(vec![(message_vi, message_en)]),
                Err(e) => Err(other(e)),
            }
        }
        .await;
        let r = match outcome {
            Ok((id, code)) => {
                s.confirmed += 1;
                ReportRow {
                    line,
                    outcome: "confirmed",
                    person_id: Some(id),
                    reason_vi: format!("Ca bệnh {code}."),
                    reason_en: format!("Case {code}."),
                }
            }
            Err(rs) => {
                s.refused += 1;
                ReportRow::refused(line, &rs)
            }
        };
        report.write_row(&r.cells())?;
        s.report_rows.push(r);
    }
    report.finish()?;
    Ok(s)
}
