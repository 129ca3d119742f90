//! Communes' vaccination coverage and treatment capacity from a file (a
//! district's or the CDC's weekly table), until the vaccination module
//! computes coverage: one row a commune — its code, the day it is as of,
//! the shares, capacity met or not. Each row is entered on its own (kept,
//! audited, as from the form); a refused row is reported with its reasons
//! and the others are entered. Capacity is read in the words people write
//! (`đạt`, `không đạt`, `met`, `not met`), and the word read is said.

use crate::import::ImportError;
use crate::{ColumnMap, SheetReader};
use phongdich_domain::FieldError;
use phongdich_store::{Actor, CoverageInput, Store, StoreError};
use std::path::Path;

/// Columns of a coverage file.
pub const COVERAGE_FIELDS: &[(&str, bool, &[&str])] = &[
    (
        "code",
        true,
        &["Mã xã", "mã đơn vị", "mã đvhc", "code", "unit_code"],
    ),
    (
        "name",
        false,
        &["Tên xã", "xã/phường", "tên đơn vị", "name"],
    ),
    (
        "as_of",
        true,
        &["Ngày", "tính đến ngày", "as of", "as_of", "date"],
    ),
    (
        "adult_one_dose",
        false,
        &[
            "Tỷ lệ ≥18 tuổi tiêm ít nhất 1 mũi (%)",
            "Tỷ lệ người từ 18 tuổi tiêm ít nhất 1 mũi (%)",
            "người từ 18 tuổi tiêm ít nhất 1 mũi",
            "tỷ lệ tiêm mũi 1",
            "mũi 1 (%)",
            "adult_one_dose",
            "adults one dose (%)",
        ],
    ),
    (
        "elderly_full",
        false,
        &[
            "Tỷ lệ người cao tuổi tiêm đủ (%)",
            "người cao tuổi tiêm đủ",
            "elderly_full",
            "elderly fully vaccinated (%)",
        ],
    ),
    (
        "capacity",
        false,
        &["Năng lực điều trị", "tiêu chí 3", "capacity"],
    ),
];

/// A row of the file and what became of it.
#[derive(Debug, Clone)]
pub struct CoverageRow {
    pub line: u64,
    pub unit_code: String,
    pub name: String,
    /// The capacity word as written and what it was read as, when it was mapped.
    pub capacity_read: Option<(String, &'static str)>,
    /// Shares read as fractions (the whole column at most 1: a spreadsheet's
    /// percent cells, 0.915 for 91.5 %), said on the row.
    pub fractions: bool,
    /// Entered, or refused with its reasons.
    pub errors: Vec<FieldError>,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct CoverageSummary {
    pub rows: Vec<CoverageRow>,
    pub entered: usize,
    /// Columns of the file that feed nothing.
    pub ignored: Vec<String>,
    /// The store failed at this line (the database, not the row): the rows
    /// before it are entered and reported, this one and those after are not
    /// — the message says so. The file may be imported again: each entry is
    /// kept, and a commune's latest entry of a day is the one read.
    pub stopped: Option<(u64, String)>,
}

/// The capacity as people write it: `met`, `not_met`, or empty; another
/// word is passed on as written (and refused by the store in words).
pub fn capacity_word(written: &str) -> Option<&'static str> {
    let folded = phongdich_domain::text::fold(written);
    match folded.trim() {
        "dat" | "co" | "met" | "yes" | "x" | "1" => Some("met"),
        "khong dat" | "chua dat" | "khong" | "not met" | "not_met" | "no" | "0" => Some("not_met"),
        _ => None,
    }
}

/// Enter every row of `path`; a row refused is reported, not fatal. A store
/// failure other than a refusal stops the import (what was entered stays).
pub async fn import_coverage(
    store: &Store,
    actor: &Actor,
    path: &Path,
) -> Result<CoverageSummary, ImportError> {
    // Refused as a whole before any row: a role that may not enter coverage
    // would otherwise stop at the first row as if the database had failed.
    if !actor.role.can(phongdich_domain::Permission::Zones) {
        let (vi, en) = phongdich_domain::Permission::Zones.label();
        return Err(format!(
            "Vai trò của bạn không được phép {vi}. / Your role does not allow you to {en}."
        )
        .into());
    }
    let mut reader = SheetReader::open(path)?;
    let map = ColumnMap::new(reader.headers(), COVERAGE_FIELDS)?;
    let mut summary = CoverageSummary {
        ignored: map.ignored().to_vec(),
        ..Default::default()
    };
    // A district's table has a few hundred rows at most: read them all first,
    // to see whether the shares are written as fractions (percent cells).
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row() {
        rows.push(row?);
        if rows.len() > 20_000 {
            return Err(
                "Tệp quá 20.000 dòng: một dòng một xã / More than 20,000 rows: one row a commune"
                    .into(),
            );
        }
    }
    let share = |cells: &[String], field: &str| -> String {
        map.get(cells, field)
            .trim()
            .trim_end_matches('%')
            .trim()
            .replace(',', ".")
    };
    // A cell written with "%" is a percentage whatever its size (0,5% is
    // half a percent): never read as a fraction, never ambiguous, and a
    // column holding one is a column of percentages.
    let marked = |cells: &[String], field: &str| map.get(cells, field).trim().ends_with('%');
    let as_fraction = |field: &str| -> bool {
        if rows.iter().any(|(_, cells)| marked(cells, field)) {
            return false;
        }
        let values: Vec<f64> = rows
            .iter()
            .filter_map(|(_, cells)| share(cells, field).parse::<f64>().ok())
            .collect();
        values.iter().any(|v| *v > 0.0) && values.iter().all(|v| (0.0..=1.0).contains(v))
    };
    let fractions = (as_fraction("adult_one_dose"), as_fraction("elderly_full"));
    // A column of percentages with a few fractions in it (0.915 among 80s):
    // those rows are ambiguous — 0.915 % or 91.5 % — and refused, not read
    // as 0.915 %.
    let percentages = |field: &str| -> bool {
        rows.iter()
            .filter_map(|(_, cells)| share(cells, field).parse::<f64>().ok())
            .any(|v| v > 1.0)
    };
    // A column with "%" in it is one of percentages too: an unmarked 0.8
    // there may be a percent cell's 80 %.
    let any_marked = |field: &str| rows.iter().any(|(_, cells)| marked(cells, field));
    let mixed = (
        !fractions.0 && (percentages("adult_one_dose") || any_marked("adult_one_dose")),
        !fractions.1 && (percentages("elderly_full") || any_marked("elderly_full")),
    );
    let ambiguous = |cells: &[String]| -> Vec<FieldError> {
        [("adult_one_dose", mixed.0), ("elderly_full", mixed.1)]
            .into_iter()
            .filter(|(field, m)| *m && !marked(cells, field))
            .filter_map(|(field, _)| {
                let v = share(cells, field);
                let x = v.parse::<f64>().ok()?;
                (x > 0.0 && x < 1.0).then(|| {
                    FieldError::new(
                        field,
                        "ambiguous_fraction",
                        format!(
                            "«{v}» giống phân số (ô phần trăm) trong khi các dòng khác ghi phần trăm: ghi {} nếu là {} %.",
                            (x * 1000.0).round() / 10.0,
                            (x * 1000.0).round() / 10.0
                        ),
                        format!(
                            "“{v}” looks like a fraction (a percent cell) while the other rows give percentages: write {} if it is {} %.",
                            (x * 1000.0).round() / 10.0,
                            (x * 1000.0).round() / 10.0
                        ),
                    )
                })
            })
            .collect()
    };
    let scaled = |cells: &[String], field: &str, fraction: bool| -> String {
        let v = share(cells, field);
        match v.parse::<f64>() {
            Ok(x) if fraction => format!("{}", (x * 1000.0).round() / 10.0),
            _ => v,
        }
    };
    for (line, cells) in rows {
        let written = map.get(&cells, "capacity").trim().to_owned();
        let mapped = capacity_word(&written);
        let input = CoverageInput {
            unit_code: map.get(&cells, "code").trim().to_owned(),
            as_of: map.get(&cells, "as_of").to_owned(),
            adult_one_dose: scaled(&cells, "adult_one_dose", fractions.0),
            elderly_full: scaled(&cells, "elderly_full", fractions.1),
            capacity: mapped.map(str::to_owned).unwrap_or(written.clone()),
        };
        // The name, when the file gives one, must be the code's commune: a
        // mistyped code of a neighbour would enter its figures silently.
        let name = map.get(&cells, "name").trim().to_owned();
        let mismatch = if name.is_empty() {
            None
        } else {
            match store.unit(&input.unit_code).await {
                Ok(u) => {
                    let (given, known) = (
                        phongdich_domain::text::fold(&name),
                        phongdich_domain::text::fold(&u.name),
                    );
                    (!known.contains(&given) && !given.contains(&known)).then(|| {
                        FieldError::new(
                            "name",
                            "mismatch",
                            format!("Mã {} là {}, không phải «{name}».", u.code, u.name),
                            format!("Code {} is {}, not “{name}”.", u.code, u.name),
                        )
                    })
                }
                Err(_) => None,
            }
        };
        let unclear = ambiguous(&cells);
        let errors = match mismatch {
            Some(e) => vec![e],
            None if !unclear.is_empty() => unclear,
            None => match store.enter_coverage(actor, &input).await {
                Ok(()) => {
                    summary.entered += 1;
                    Vec::new()
                }
                Err(StoreError::Invalid(i)) => i.0,
                Err(e) => {
                    summary.stopped = Some((line, e.to_string()));
                    break;
                }
            },
        };
        summary.rows.push(CoverageRow {
            line,
            unit_code: input.unit_code,
            name,
            fractions: fractions.0 || fractions.1,
            capacity_read: mapped
                .filter(|m| !written.is_empty() && written != *m)
                .map(|m| (written, m)),
            errors,
        });
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_read_in_both_languages() {
        assert_eq!(capacity_word("Đạt"), Some("met"));
        assert_eq!(capacity_word(" không đạt "), Some("not_met"));
        assert_eq!(capacity_word("Chưa đạt"), Some("not_met"));
        assert_eq!(capacity_word("not met"), Some("not_met"));
        assert_eq!(capacity_word(""), None);
        assert_eq!(capacity_word("tốt"), None);
    }
}
