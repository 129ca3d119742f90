//! Import of a list of returnees, as a sending province, a company or a
//! transport operator hands it over: each row a person and their trip. The
//! person is matched to the registry (CCCD, else the duplicate rules) or
//! registered; the origin is a code or a province (and district) by name,
//! and must resolve; rows sharing a group label travel together (the first
//! row of the group leads it). Every row is reported with its line.

use crate::import::{ImportError, ReportRow};
use crate::{ColumnMap, SheetReader};
use phongdich_domain::returnees::RegistrationInput;
use phongdich_store::{Actor, ListGroups, ListRow, Store, StoreError};
use std::collections::HashMap;
use std::path::Path;

/// Returnee columns, besides the person columns (the person's commune,
/// hamlet and address are where they are going).
pub const RETURNEE_FIELDS: &[(&str, bool, &[&str])] = &[
    ("origin_code", false, &["Mã nơi đi", "origin_code"]),
    (
        "origin_province",
        false,
        &[
            "Tỉnh đi",
            "đi từ tỉnh",
            "từ tỉnh",
            "nơi đi",
            "origin_province",
            "from province",
            "from",
        ],
    ),
    (
        "origin_district",
        false,
        &[
            "Huyện đi",
            "quận/huyện đi",
            "origin_district",
            "from district",
        ],
    ),
    (
        "origin_address",
        false,
        &[
            "Địa chỉ nơi đi",
            "địa chỉ đi",
            "origin_address",
            "address there",
        ],
    ),
    (
        "departure_on",
        true,
        &[
            "Ngày đi",
            "ngày khởi hành",
            "departure_on",
            "departure",
            "departs",
        ],
    ),
    (
        "arrival_on",
        true,
        &[
            "Ngày đến",
            "ngày về",
            "dự kiến đến",
            "arrival_on",
            "arrival",
            "arrives",
        ],
    ),
    (
        "means",
        true,
        &["Phương tiện", "phương tiện di chuyển", "means", "transport"],
    ),
    (
        "group",
        false,
        &[
            "Nhóm",
            "đi cùng",
            "hộ",
            "nhóm đi cùng",
            "group",
            "household",
        ],
    ),
    (
        "doses",
        false,
        &["Số mũi", "số mũi tiêm", "số mũi vắc-xin", "doses"],
    ),
    (
        "last_dose_on",
        false,
        &[
            "Ngày tiêm mũi cuối",
            "ngày tiêm gần nhất",
            "last_dose_on",
            "last dose",
        ],
    ),
    ("vaccine", false, &["Loại vắc-xin", "vắc-xin", "vaccine"]),
    (
        "test_kind",
        false,
        &["Loại xét nghiệm", "xét nghiệm", "test_kind", "test"],
    ),
    (
        "test_on",
        false,
        &["Ngày xét nghiệm", "test_on", "test date"],
    ),
    (
        "test_result",
        false,
        &["Kết quả xét nghiệm", "kết quả", "test_result", "result"],
    ),
];

#[derive(Debug, Default)]
pub struct ReturneeImportSummary {
    pub rows: u64,
    pub registered: u64,
    pub new_people: u64,
    pub refused: u64,
    pub report_rows: Vec<ReportRow>,
}

/// The words a list uses for the means, as the stored word; anything else
/// is passed on for the domain to refuse with the list of words.
fn means_word(typed: &str) -> String {
    let f = phongdich_domain::text::fold(typed);
    let has = |w: &str| f.contains(w);
    if has("doan xe") || has("xe cua tinh") || has("xe tinh") || f == "convoy" {
        "convoy"
    } else if has("xe khach") || f == "bus" {
        "bus"
    } else if has("may bay") || f == "flight" {
        "flight"
    } else if has("tau hoa") || f == "tau" || f == "train" {
        "train"
    } else if has("ca nhan") || has("xe may") || has("o to") || f == "own_vehicle" {
        "own_vehicle"
    } else {
        return typed.trim().to_owned();
    }
    .to_owned()
}

fn test_kind_word(typed: &str) -> String {
    let f = phongdich_domain::text::fold(typed);
    if f.contains("pcr") {
        "rt_pcr".into()
    } else if f.contains("nhanh") || f.contains("antigen") || f.contains("khang nguyen") {
        "antigen".into()
    } else {
        typed.trim().to_owned()
    }
}

fn outcome_word(typed: &str) -> String {
    let f = phongdich_domain::text::fold(typed);
    if f.starts_with("am") || f == "negative" || f == "-" {
        "negative".into()
    } else if f.starts_with("duong") || f == "positive" || f == "+" {
        "positive".into()
    } else {
        typed.trim().to_owned()
    }
}

/// Origins named by province and district → the unit's code, or why not.
type Origins = HashMap<(String, String), Result<String, Vec<(String, String)>>>;

/// Rows of a list registered in one transaction: large enough that the
/// look-ups and writes are a few statements each, small enough that a
/// transaction stays short.
const SLICE: usize = 500;

/// A line of the file waiting for its slice: its answer already known (a
/// row the reader or the origin refused), or its place in the slice.
enum Waiting {
    Answered(ReportRow),
    InSlice {
        line: u64,
        index: usize,
        read_as: ReadAs,
    },
}

/// The list's own words read as stored ones (`Xe khách` → bus), said in the
/// row's report so nobody has to guess what a word became.
type ReadAs = Vec<(String, String)>;

/// Each of the row's list words that was read as another word: what was
/// typed and what it became, in both languages.
fn read_as(typed: &[(&str, &str, String)]) -> ReadAs {
    let fold = phongdich_domain::text::fold;
    typed
        .iter()
        .filter(|(_, t, stored)| {
            // A word written as we write it (the stored one, or its label)
            // was not read as anything else.
            let (vi, en) = word_label(stored);
            let t = fold(t);
            !t.is_empty() && t != fold(stored) && t != fold(vi) && t != fold(en)
        })
        .map(|(what, t, stored)| {
            let (vi, en) = word_label(stored);
            (
                format!("{what} «{}» đọc là «{vi}»", t.trim()),
                format!("{} “{}” read as “{en}”", english_field(what), t.trim()),
            )
        })
        .collect()
}

/// A stored list word in both languages.
fn word_label(stored: &str) -> (&'static str, &'static str) {
    if let Some(m) = phongdich_domain::returnees::Means::from_stored(stored) {
        return m.label();
    }
    match stored {
        "rt_pcr" => ("RT-PCR", "RT-PCR"),
        "antigen" => ("test nhanh kháng nguyên", "rapid antigen test"),
        "negative" => ("âm tính", "negative"),
        "positive" => ("dương tính", "positive"),
        _ => ("?", "?"),
    }
}

fn english_field(vi: &str) -> &'static str {
    match vi {
        "phương tiện" => "means",
        "loại xét nghiệm" => "test kind",
        _ => "test result",
    }
}

/// Import `file`, writing the row report to `report_path`.
pub async fn import_returnees(
    store: &Store,
    actor: &Actor,
    file: &Path,
    report_path: &Path,
) -> Result<ReturneeImportSummary, ImportError> {
    let mut reader = SheetReader::open(file)?;
    let fields = crate::import::person_fields_with(RETURNEE_FIELDS);
    let map = ColumnMap::new(reader.headers(), &fields)?;
    let mut report = crate::import::open_report(report_path)?;
    let mut s = ReturneeImportSummary::default();
    // A group label of the file → the code of its first registered row.
    let mut groups = ListGroups::new();
    // Origins named by province and district, resolved once each.
    let mut origins: Origins = HashMap::new();
    let mut waiting: Vec<Waiting> = Vec::new();
    let mut slice: Vec<ListRow> = Vec::new();
    let mut analysed_at: u64 = 0;
    loop {
        let next = reader.next_row();
        let end = next.is_none();
        if let Some(row) = next {
            s.rows += 1;
            match row {
                Ok((line, cells)) => match list_row(store, &map, &cells, &mut origins).await? {
                    Ok(r) => {
                        let typed = |f: &str| map.get(&cells, f).to_owned();
                        waiting.push(Waiting::InSlice {
                            line,
                            index: slice.len(),
                            read_as: read_as(&[
                                ("phương tiện", &typed("means"), r.input.means.clone()),
                                (
                                    "loại xét nghiệm",
                                    &typed("test_kind"),
                                    r.input.test_kind.clone(),
                                ),
                                (
                                    "kết quả xét nghiệm",
                                    &typed("test_result"),
                                    r.input.test_result.clone(),
                                ),
                            ]),
                        });
                        slice.push(r);
                    }
                    Err(reasons) => {
                        waiting.push(Waiting::Answered(ReportRow::refused(line, &reasons)))
                    }
                },
                Err(e) if e.is_row_error() => {
                    waiting.push(Waiting::Answered(crate::import::unreadable_row(&e)))
                }
                Err(e) => return Err(e.into()),
            }
        }
        // A full slice, or the end of the file, is registered and reported.
        if slice.len() < SLICE && !end {
            continue;
        }
        let answers = if slice.is_empty() {
            Vec::new()
        } else {
            store
                .register_returnee_list(actor, &slice, "import", &mut groups)
                .await?
        };
        let mut answers = answers.into_iter().map(Some).collect::<Vec<_>>();
        for w in waiting.drain(..) {
            let r = match w {
                Waiting::Answered(r) => {
                    s.refused += 1;
                    r
                }
                Waiting::InSlice {
                    line,
                    index,
                    read_as,
                } => match answers[index].take().expect("each row answered once") {
                    Ok(done) => {
                        s.registered += 1;
                        let created = done.matched.starts_with("created");
                        if created {
                            s.new_people += 1;
                        }
                        ReportRow {
                            line,
                            outcome: if created {
                                "registered_new_person"
                            } else {
                                "registered"
                            },
                            person_id: Some(done.person_id),
                            reason_vi: std::iter::once(format!("Mã đăng ký {}.", done.code))
                                .chain(read_as.iter().map(|r| format!(" {}.", r.0)))
                                .collect(),
                            reason_en: std::iter::once(format!("Registration code {}.", done.code))
                                .chain(read_as.iter().map(|r| format!(" {}.", r.1)))
                                .collect(),
                        }
                    }
                    Err(e) => {
                        s.refused += 1;
                        ReportRow::refused(line, &store_reasons(e)?)
                    }
                },
            };
            report.write_row(&r.cells())?;
            s.report_rows.push(r);
        }
        slice.clear();
        // PostgreSQL's plans follow the tables as they grow.
        if s.registered >= (2 * analysed_at).max(2000) {
            store.refresh_returnee_statistics().await?;
            analysed_at = s.registered;
        }
        if end {
            break;
        }
    }
    report.finish()?;
    Ok(s)
}

/// Why the store refused a row, in both languages; an error that is not
/// the row's fault ends the import.
fn store_reasons(e: StoreError) -> Result<Vec<(String, String)>, ImportError> {
    Ok(match e {
        StoreError::Invalid(i) => crate::import::field_reasons(&i.0),
        StoreError::Conflict {
            message_vi,
            message_en,
        } => vec![(message_vi, message_en)],
        e @ (StoreError::NotFound { .. }
        | StoreError::DuplicateNationalId { .. }
        | StoreError::LikelyDuplicates { .. }) => vec![(e.to_string(), e.to_string())],
        e => return Err(e.into()),
    })
}

/// A line of the file as a row of the list, or why it cannot be one.
async fn list_row(
    store: &Store,
    map: &ColumnMap,
    cells: &[String],
    origins: &mut Origins,
) -> Result<Result<ListRow, Vec<(String, String)>>, ImportError> {
    let (person, _) = crate::person_input(map, cells);
    let get = |f: &str| map.get(cells, f).trim().to_owned();
    let field_reasons = crate::import::field_reasons;
    let origin_code = if !get("origin_code").is_empty() {
        get("origin_code")
    } else {
        let key = (get("origin_province"), get("origin_district"));
        if !origins.contains_key(&key) {
            let found = match store.resolve_origin(&key.0, &key.1).await {
                Ok(Ok(phongdich_store::Source::OtherProvince {
                    province_code,
                    district_code,
                    ..
                })) => Ok(district_code.unwrap_or(province_code)),
                // The province itself: the domain refuses an origin inside it.
                Ok(Ok(_)) => Ok(String::new()),
                Ok(Err(e)) => Err(field_reasons(&[e])),
                Err(e) => return Err(e.into()),
            };
            origins.insert(key.clone(), found);
        }
        match &origins[&key] {
            Ok(code) => code.clone(),
            Err(reasons) => return Ok(Err(reasons.clone())),
        }
    };
    let doses = match get("doses").as_str() {
        "" => 0,
        d => match d.parse::<u8>() {
            Ok(n) => n,
            Err(_) => {
                return Ok(Err(field_reasons(&[phongdich_domain::FieldError::new(
                    "doses",
                    "invalid",
                    format!("Số mũi «{d}» không phải số từ 0 đến 4."),
                    format!("Doses “{d}” is not a number from 0 to 4."),
                )])));
            }
        },
    };
    let group = phongdich_domain::text::fold(&get("group"));
    Ok(Ok(ListRow {
        input: RegistrationInput {
            person,
            origin_code,
            origin_address: get("origin_address"),
            departure_on: get("departure_on"),
            arrival_on: get("arrival_on"),
            means: means_word(&get("means")),
            travels_with: String::new(),
            doses,
            last_dose_on: get("last_dose_on"),
            vaccine: get("vaccine"),
            test_kind: test_kind_word(&get("test_kind")),
            test_on: get("test_on"),
            test_result: outcome_word(&get("test_result")),
        },
        group: (!group.is_empty()).then_some(group),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_of_a_list_become_the_stored_words() {
        assert_eq!(means_word("Xe khách"), "bus");
        assert_eq!(means_word("đoàn xe của tỉnh"), "convoy");
        assert_eq!(means_word("Xe máy"), "own_vehicle");
        assert_eq!(means_word("Ô tô cá nhân"), "own_vehicle");
        assert_eq!(means_word("Máy bay"), "flight");
        assert_eq!(means_word("Tàu hỏa"), "train");
        assert_eq!(
            means_word("đi bộ"),
            "đi bộ",
            "unknown words are left for the domain to refuse"
        );
        assert_eq!(test_kind_word("RT-PCR"), "rt_pcr");
        assert_eq!(test_kind_word("Test nhanh"), "antigen");
        assert_eq!(outcome_word("Âm tính"), "negative");
        assert_eq!(outcome_word("DƯƠNG TÍNH"), "positive");
    }
}
