//! Import of a contact list for one person (usually an F0): each row names a
//! contact, who is matched against the registry with the duplicate rules (the
//! same national ID, or a likely duplicate) or registered when new, and the
//! contact is recorded — classes follow row by row. Every row is reported.

use crate::import::{ImportError, ReportRow};
use crate::{ColumnMap, SheetReader};
use phongdich_domain::contact::ContactInput;
use phongdich_store::{Actor, Store, StoreError};
use std::path::Path;

/// Contact columns, besides the person columns.
pub const CONTACT_FIELDS: &[(&str, bool, &[&str])] = &[
    (
        "date",
        true,
        &["Ngày tiếp xúc", "ngày tx", "date", "contact date", "from"],
    ),
    ("until", false, &["Đến ngày", "until", "to"]),
    (
        "setting",
        true,
        &["Bối cảnh", "nơi tiếp xúc", "setting", "where"],
    ),
    (
        "distance_m",
        false,
        &["Khoảng cách", "khoảng cách (m)", "distance", "distance_m"],
    ),
    (
        "duration_min",
        false,
        &[
            "Thời gian",
            "thời gian (phút)",
            "số phút",
            "duration",
            "duration_min",
            "minutes",
        ],
    ),
    (
        "masked",
        false,
        &["Đeo khẩu trang", "khẩu trang", "masked", "mask"],
    ),
    (
        "body_contact",
        false,
        &["Tiếp xúc cơ thể", "body contact", "body_contact"],
    ),
    ("caregiving", false, &["Chăm sóc", "caregiving", "care"]),
    (
        "protective_equipment",
        false,
        &["Đồ bảo hộ", "bảo hộ", "ppe", "protective_equipment"],
    ),
    (
        "closed_space",
        false,
        &["Không gian kín", "closed space", "closed_space"],
    ),
];

#[derive(Debug)]
pub struct ContactImportSummary {
    pub rows: u64,
    pub recorded: u64,
    pub new_people: u64,
    pub refused: u64,
    pub report_rows: Vec<ReportRow>,
}

fn yes(s: &str) -> bool {
    matches!(
        phongdich_domain::text::fold(s).as_str(),
        "x" | "co" | "yes" | "y" | "true" | "1" | "dung"
    )
}

pub async fn import_contacts(
    store: &Store,
    actor: &Actor,
    index_person: i64,
    file: &Path,
    report_path: &Path,
) -> Result<ContactImportSummary, ImportError> {
    let mut reader = SheetReader::open(file)?;
    let fields = crate::import::person_fields_with(CONTACT_FIELDS);
    let map = ColumnMap::new(reader.headers(), &fields)?;
    let mut report = crate::import::open_report(report_path)?;
    let today = store.today();
    let mut s = ContactImportSummary {
        rows: 0,
        recorded: 0,
        new_people: 0,
        refused: 0,
        report_rows: Vec::new(),
    };
    while let Some(row) = reader.next_row() {
        s.rows += 1;
        let readable =
            crate::import::readable_row(row, &mut report, &mut s.report_rows, &mut s.refused)?;
        let Some((line, cells)) = readable else {
            continue;
        };
        let (input, _) = crate::person_input(&map, &cells);
        let field_reasons = crate::import::field_reasons;
        let outcome: Result<(i64, bool, bool), Vec<(String, String)>> = async {
            let person = input.parse(today).map_err(|e| field_reasons(&e.0))?;
            let (other, created) = match store.match_person(&actor.scope, &person).await {
                Ok(Some(id)) => (id, false),
                Ok(None) => match store.create_person(actor, &person, true).await {
                    Ok(p) => (p.id, true),
                    Err(StoreError::Invalid(i)) => return Err(field_reasons(&i.0)),
                    Err(e) => return Err(vec![(e.to_string(), e.to_string())]),
                },
                Err(e) => return Err(vec![(e.to_string(), e.to_string())]),
            };
            let get = |f: &str| map.get(&cells, f).to_owned();
            let number = |f: &str| get(f).replace(',', ".").parse::<f64>().ok();
            let contact = ContactInput {
                person_id: index_person,
                other_person_id: other,
                date: get("date"),
                until: get("until"),
                setting: get("setting"),
                distance_m: number("distance_m"),
                duration_min: number("duration_min").map(|m| m as i64),
                masked: yes(&get("masked")),
                body_contact: yes(&get("body_contact")),
                caregiving: yes(&get("caregiving")),
                protective_equipment: yes(&get("protective_equipment")),
                closed_space: yes(&get("closed_space")),
                // The row's national ID: how a contact living elsewhere is
                // handed over (the registry matched it by that ID).
                other_national_id: person
                    .national_id
                    .as_ref()
                    .map(|n| n.as_str().to_owned())
                    .unwrap_or_default(),
            }
            .parse(today)
            .map_err(|e| field_reasons(&e.0))?;
            match store.add_contact(actor, &contact).await {
                Ok((c, _)) => Ok((other, created, c.qualifies)),
                Err(StoreError::Invalid(i)) => Err(field_reasons(&i.0)),
                Err(e) => Err(vec![(e.to_string(), e.to_string())]),
            }
        }
        .await;
        let r = match outcome {
            Ok((id, created, qualifies)) => {
                s.recorded += 1;
                if created {
                    s.new_people += 1;
                }
                ReportRow {
                    line,
                    outcome: if created {
                        "recorded_new_person"
                    } else {
                        "recorded"
                    },
                    person_id: Some(id),
                    reason_vi: if qualifies {
                        "Đạt tiêu chí F1."
                    } else {
                        "Không đạt tiêu chí F1."
                    }
                    .into(),
                    reason_en: if qualifies {
                        "Meets the F1 criteria."
                    } else {
                        "Does not meet the F1 criteria."
                    }
                    .into(),
                }
            }
            Err(reasons) => {
                s.refused += 1;
                ReportRow::refused(line, &reasons)
            }
        };
        report.write_row(&r.cells())?;
        s.report_rows.push(r);
    }
    report.finish()?;
    Ok(s)
}
