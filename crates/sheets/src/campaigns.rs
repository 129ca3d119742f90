//! A campaign's target list from a file (CSV or XLSX): one person per row, by
//! record number or by national ID. Lines are kept so that the store's
//! refusals can be reported against the line the user sees in Excel.

use crate::{ColumnMap, SheetError, SheetReader};
use std::path::Path;

pub const TARGET_FIELDS: &[(&str, bool, &[&str])] = &[
    (
        "person_id",
        false,
        &[
            "Mã hồ sơ",
            "mã người",
            "record number",
            "person id",
            "person_id",
            "id",
        ],
    ),
    (
        "national_id",
        false,
        &[
            "Số CCCD/CMND",
            "cccd",
            "cmnd",
            "cccd/cmnd",
            "số giấy tờ",
            "national id",
            "national_id",
        ],
    ),
];

/// The people a list names, with the line of each.
#[derive(Debug, Default)]
pub struct TargetList {
    pub person_ids: Vec<i64>,
    pub person_lines: Vec<u64>,
    pub national_ids: Vec<String>,
    pub national_lines: Vec<u64>,
    /// Rows that name nobody: (line, Vietnamese, English).
    pub errors: Vec<(u64, String, String)>,
}

impl TargetList {
    /// The file line behind a store field such as `person_ids[3]`.
    pub fn line_of(&self, field: &str) -> Option<u64> {
        let (name, rest) = field.split_once('[')?;
        let i: usize = rest.strip_suffix(']')?.parse().ok()?;
        match name {
            "person_ids" => self.person_lines.get(i).copied(),
            "national_ids" => self.national_lines.get(i).copied(),
            _ => None,
        }
    }
}

pub fn read_target_list(path: &Path) -> Result<TargetList, SheetError> {
    let mut reader = SheetReader::open(path)?;
    let map = ColumnMap::new(reader.headers(), TARGET_FIELDS)?;
    if !map.has("person_id") && !map.has("national_id") {
        return Err(SheetError::MissingColumns(vec![
            "person_id (Mã hồ sơ) / national_id (Số CCCD/CMND)".into(),
        ]));
    }
    let mut list = TargetList::default();
    while let Some(row) = reader.next_row() {
        let (line, cells) = match row {
            Ok(row) => row,
            Err(e) if e.is_row_error() => {
                let r = crate::import::unreadable_row(&e);
                list.errors.push((r.line, r.reason_vi, r.reason_en));
                continue;
            }
            Err(e) => return Err(e),
        };
        let id = map.get(&cells, "person_id").trim_start_matches('#');
        let nid = map.get(&cells, "national_id");
        if !id.is_empty() {
            match id.parse::<i64>() {
                Ok(n) => {
                    list.person_ids.push(n);
                    list.person_lines.push(line);
                }
                Err(_) => list.errors.push((
                    line,
                    format!("Mã hồ sơ «{id}» không phải là số."),
                    format!("Record number “{id}” is not a number."),
                )),
            }
        } else if !nid.is_empty() {
            list.national_ids.push(nid.to_owned());
            list.national_lines.push(line);
        } else if cells.iter().any(|c| !c.trim().is_empty()) {
            list.errors.push((
                line,
                "Dòng không có mã hồ sơ hay số CCCD/CMND.".into(),
                "The row has neither a record number nor a national ID.".into(),
            ));
        }
    }
    Ok(list)
}
