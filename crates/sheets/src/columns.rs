//! Matching the headers committees actually write ("Họ và tên", "SĐT", "Ngày sinh
//! (dd/mm/yyyy)", "full_name") to the fields we need, so files are imported as
//! they are instead of being retyped into a template.
//!
//! Headers are compared without case, spaces, punctuation, text in brackets or
//! diacritics, except that two different marks on the same letter never match:
//! "Họ" (surname) must not be taken for "Hộ" (household).

use crate::SheetError;
use phongdich_domain::PersonInput;
use phongdich_domain::text::{clean, fold};

/// Field name, whether it is required, accepted headers (the first one is
/// suggested to users when the column is missing).
type Fields = [(&'static str, bool, &'static [&'static str])];

/// The person fields and their accepted headers (Vietnamese and English).
pub const PERSON_FIELDS: &Fields = &[
    (
        "full_name",
        true,
        &[
            "Họ và tên",
            "họ tên",
            "ho va ten",
            "tên",
            "full_name",
            "name",
            "họ và tên người",
        ],
    ),
    (
        "birth",
        true,
        &[
            "Ngày sinh",
            "năm sinh",
            "ngày/năm sinh",
            "ngày tháng năm sinh",
            "sinh ngày",
            "birth",
            "birth_date",
            "birthdate",
            "date of birth",
            "dob",
            "birth_year",
            "year of birth",
        ],
    ),
    ("sex", true, &["Giới tính", "giới", "sex", "gender"]),
    (
        "national_id",
        false,
        &[
            "Số CCCD/CMND",
            "cccd",
            "cmnd",
            "cccd/cmnd",
            "cmnd/cccd",
            "số cmnd/cccd",
            "số cccd",
            "số cmnd",
            "số định danh",
            "số định danh cá nhân",
            "căn cước",
            "căn cước công dân",
            "số căn cước",
            "national_id",
            "id number",
        ],
    ),
    (
        "phone",
        false,
        &[
            "Số điện thoại",
            "điện thoại",
            "sđt",
            "số đt",
            "đt",
            "phone",
            "phone number",
            "mobile",
            "tel",
        ],
    ),
    (
        "commune_code",
        true,
        &[
            "Mã xã",
            "mã phường/xã",
            "mã xã/phường",
            "mã phường",
            "mã xã/phường/thị trấn",
            "commune_code",
            "commune",
            "ward_code",
        ],
    ),
    (
        "hamlet_code",
        false,
        &[
            "Mã thôn",
            "mã thôn/tổ",
            "mã tổ dân phố",
            "mã thôn/tổ dân phố",
            "mã ấp",
            "hamlet_code",
        ],
    ),
    (
        "street_address",
        false,
        &[
            "Địa chỉ",
            "số nhà",
            "địa chỉ chi tiết",
            "địa chỉ nhà",
            "street_address",
            "address",
        ],
    ),
    (
        "occupation",
        false,
        &["Nghề nghiệp", "nghề", "occupation", "job"],
    ),
    (
        "workplace",
        false,
        &[
            "Nơi làm việc",
            "đơn vị công tác",
            "nơi học tập/làm việc",
            "nơi làm việc/học tập",
            "nơi công tác",
            "workplace",
        ],
    ),
    (
        "vulnerabilities",
        false,
        &[
            "Diện ưu tiên",
            "đối tượng",
            "đối tượng ưu tiên",
            "nhóm đối tượng",
            "vulnerabilities",
            "vulnerability",
        ],
    ),
    (
        "household",
        false,
        &[
            "Hộ gia đình",
            "mã hộ",
            "mã hộ gia đình",
            "hộ",
            "số hộ",
            "household",
            "household_id",
        ],
    ),
];

/// Unit population files: code + population (+ optional name, ignored).
pub const POPULATION_FIELDS: &Fields = &[
    (
        "code",
        true,
        &["Mã", "mã đơn vị", "mã đvhc", "code", "unit_code"],
    ),
    ("population", true, &["Dân số", "số dân", "population"]),
    ("name", false, &["Tên", "tên đơn vị", "name", "unit_name"]),
];

/// Which input column feeds which field, matched by folded header text.
#[derive(Debug, Clone)]
pub struct ColumnMap {
    /// Every field asked for, with its column when the file has one.
    columns: Vec<(&'static str, Option<usize>)>,
    ignored: Vec<String>,
}

impl ColumnMap {
    /// `fields`: (field name, is_required, aliases). Fails with `MissingColumns`
    /// when a required field has no column, and `DuplicateColumn` when two columns
    /// feed one field; unknown columns are ignored and listed by [`Self::ignored`].
    pub fn new(
        headers: &[String],
        fields: &[(&'static str, bool, &[&str])],
    ) -> Result<ColumnMap, SheetError> {
        let mut columns: Vec<(&'static str, Option<usize>)> =
            fields.iter().map(|&(name, _, _)| (name, None)).collect();
        let mut ignored = Vec::new();
        // Each alias folded once, not once per header.
        let alias_keys: Vec<Vec<(String, &str)>> = fields
            .iter()
            .map(|(_, _, aliases)| aliases.iter().map(|a| (key(a), *a)).collect())
            .collect();
        for (col, header) in headers.iter().enumerate() {
            let header_key = key(header);
            let field = alias_keys.iter().position(|aliases| {
                !header_key.is_empty()
                    && aliases
                        .iter()
                        .any(|(k, alias)| header_key == *k && marks_agree(header, alias))
            });
            match field {
                None if header.trim().is_empty() => {}
                None => ignored.push(header.clone()),
                Some(f) => match columns[f].1 {
                    None => columns[f].1 = Some(col),
                    Some(first) => {
                        return Err(SheetError::DuplicateColumn(format!(
                            "{} («{}», «{header}»)",
                            fields[f].0, headers[first]
                        )));
                    }
                },
            }
        }
        let missing: Vec<String> = fields
            .iter()
            .zip(&columns)
            .filter(|((_, required, _), (_, col))| *required && col.is_none())
            .map(|((name, _, aliases), _)| match aliases.first() {
                Some(vi) => format!("{name} ({vi})"),
                None => (*name).to_owned(),
            })
            .collect();
        if !missing.is_empty() {
            return Err(SheetError::MissingColumns(missing));
        }
        Ok(ColumnMap { columns, ignored })
    }

    /// The trimmed cell feeding `field`; "" when the file has no such column.
    pub fn get<'a>(&self, row: &'a [String], field: &str) -> &'a str {
        let column = self.columns.iter().find(|(name, _)| *name == field);
        debug_assert!(column.is_some(), "field {field} was not asked for");
        column
            .and_then(|&(_, col)| row.get(col?))
            .map_or("", |cell| cell.trim())
    }

    /// As [`Self::get`] for a field a caller may or may not have asked for
    /// (the person columns read by both the people and the case imports).
    pub fn get_any<'a>(&self, row: &'a [String], field: &str) -> &'a str {
        self.columns
            .iter()
            .find(|(name, _)| *name == field)
            .and_then(|&(_, col)| row.get(col?))
            .map_or("", |cell| cell.trim())
    }

    /// Whether the file has a column for `field`.
    pub fn has(&self, field: &str) -> bool {
        self.columns
            .iter()
            .any(|(name, col)| *name == field && col.is_some())
    }

    /// Headers that feed no field, to tell the user what was not imported.
    pub fn ignored(&self) -> &[String] {
        &self.ignored
    }
}

/// Build a [`PersonInput`] (and the optional household key column) from a row.
pub fn person_input(map: &ColumnMap, row: &[String]) -> (PersonInput, Option<String>) {
    let get = |field| map.get(row, field).to_owned();
    let input = PersonInput {
        full_name: get("full_name"),
        birth: get("birth"),
        sex: get("sex"),
        national_id: get("national_id"),
        phone: get("phone"),
        commune_code: get("commune_code"),
        hamlet_code: get("hamlet_code"),
        street_address: get("street_address"),
        occupation: get("occupation"),
        workplace: get("workplace"),
        vulnerabilities: get("vulnerabilities"),
        age: map.get_any(row, "age").to_owned(),
    };
    let household = Some(get("household")).filter(|h| !h.is_empty());
    (input, household)
}

/// A header without brackets ("Ngày sinh (dd/mm/yyyy)" → "Ngày sinh ").
fn without_brackets(s: &str) -> String {
    let mut depth = 0usize;
    s.chars()
        .filter(|&c| {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                _ => return depth == 0,
            }
            false
        })
        .collect()
}

/// The matching key: folded, bracket text, spaces and punctuation removed.
fn key(s: &str) -> String {
    fold(&without_brackets(s)).replace(' ', "")
}

/// False when some letter carries a mark on both sides and the marks differ.
fn marks_agree(header: &str, alias: &str) -> bool {
    let letters = |s: &str| -> Vec<char> {
        clean(&without_brackets(s))
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    let marked = |c: char| !c.is_ascii() && fold(c.encode_utf8(&mut [0; 4])).len() == 1;
    letters(header)
        .into_iter()
        .zip(letters(alias))
        .all(|(h, a)| h == a || !(marked(h) && marked(a)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn vietnamese_and_english_headers_match() -> Result<(), SheetError> {
        let h = headers(&[
            "STT",
            "HỌ VÀ TÊN",
            "Ngày sinh (dd/mm/yyyy)",
            "gender",
            "Số CMND/CCCD",
            "SDT",
            "Mã Phường/Xã",
            "Hộ",
        ]);
        let map = ColumnMap::new(&h, PERSON_FIELDS)?;
        let row = headers(&[
            "1",
            " Lê Thị Hoa ",
            "1990",
            "Nữ",
            "",
            "0912345678",
            "00001",
            "H1",
        ]);
        let (p, household) = person_input(&map, &row);
        assert_eq!(p.full_name, "Lê Thị Hoa");
        assert_eq!(p.birth, "1990");
        assert_eq!(p.sex, "Nữ");
        assert_eq!(p.phone, "0912345678");
        assert_eq!(p.commune_code, "00001");
        assert_eq!(household.as_deref(), Some("H1"));
        assert_eq!(map.ignored(), ["STT"]);
        Ok(())
    }

    #[test]
    fn different_marks_do_not_match() {
        let h = headers(&["Họ", "Tên", "Ngày sinh", "Giới tính", "Mã xã"]);
        let map = ColumnMap::new(&h, PERSON_FIELDS);
        assert!(map.as_ref().is_ok_and(|m| !m.has("household")));
        assert!(marks_agree("Ho va ten", "Họ và tên"));
        assert!(!marks_agree("Họ", "hộ"));
    }

    #[test]
    fn two_columns_for_one_field_are_refused() {
        let h = headers(&["Họ và tên", "Ngày sinh", "Giới tính", "Mã xã", "Tên"]);
        let err = ColumnMap::new(&h, PERSON_FIELDS).err();
        assert!(matches!(err, Some(SheetError::DuplicateColumn(s)) if s.contains("full_name")));
    }

    #[test]
    fn aliases_belong_to_one_field() {
        for fields in [PERSON_FIELDS, POPULATION_FIELDS] {
            let mut seen = std::collections::HashMap::new();
            for (name, _, aliases) in fields {
                for alias in *aliases {
                    if let Some(other) = seen.insert(key(alias), *name) {
                        assert_eq!(other, *name, "alias {alias} of two fields");
                    }
                }
            }
        }
    }

    #[test]
    fn population_headers() -> Result<(), SheetError> {
        let h = headers(&["Mã ĐVHC", "Tên", "Dân số (người)"]);
        let map = ColumnMap::new(&h, POPULATION_FIELDS)?;
        let row = headers(&["00001", "Phúc Xá", "24000"]);
        assert_eq!(map.get(&row, "code"), "00001");
        assert_eq!(map.get(&row, "population"), "24000");
        assert!(map.ignored().is_empty());
        Ok(())
    }
}
