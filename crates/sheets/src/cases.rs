//! Import of confirmed cases (CSV/XLSX) as the Ministry and provinces publish
//! them: the case's own number (`Mã BN`), several sources per case ("infected
//! by": `BN1, BN2`, a case and a cluster, a case and a country), imported
//! cases by country, anonymised people (no name, an age, sex unknown), the
//! course with its dates. Every row is reported; nothing changes silently.
//!
//! Two passes, so the order of rows does not matter: the first reads every
//! row and finds which rows a row's sources name (a case number of the same
//! file); the second writes the rows so that every source is written before
//! the rows it infected. A row whose source row is refused is refused too,
//! with that reason; rows naming each other in a circle are refused. Links are
//! stored by record id, so a refused row can never shift codes or rewire the
//! links of other rows. A row naming a case number already on file corrects
//! that case (dates, course, sources) instead of being refused.

use crate::import::{ImportError, ReportRow};
use crate::{ColumnMap, SheetReader};
use phongdich_domain::case_code;
use phongdich_store::{Actor, CaseInput, Store, StoreError};
use std::collections::HashMap;
use std::path::Path;

/// The most rows a case file may hold (a national list of a whole wave is a
/// few tens of thousands): the file is read whole before writing.
pub const MAX_CASE_ROWS: usize = 200_000;

pub const CASE_FIELDS: &[(&str, bool, &[&str])] = &[
    (
        "official_code",
        false,
        &[
            "Mã BN",
            "mã bệnh nhân",
            "mã ca bệnh",
            "số BN",
            "BN",
            "bệnh nhân",
            "case_code",
            "case number",
            "case no",
            "official_code",
        ],
    ),
    (
        "local_code",
        false,
        &[
            "Mã BN tỉnh",
            "mã ca của tỉnh",
            "số ca của tỉnh",
            "mã ca tỉnh",
            "local_code",
            "province case number",
        ],
    ),
    ("age", false, &["Tuổi", "age"]),
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
            "ngày công bố",
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
            "sources",
        ],
    ),
    (
        "country",
        false,
        &[
            "Nhập cảnh từ",
            "quốc gia",
            "nước",
            "về từ nước",
            "country",
            "imported from",
        ],
    ),
    (
        "origin_province",
        false,
        &[
            "Về từ tỉnh",
            "từ tỉnh",
            "tỉnh nơi về",
            "từ tỉnh khác",
            "origin_province",
            "origin province",
            "from province",
        ],
    ),
    (
        "origin_district",
        false,
        &[
            "Về từ huyện",
            "từ huyện",
            "huyện nơi về",
            "origin_district",
            "origin district",
            "from district",
        ],
    ),
    (
        "exposure_on",
        false,
        &[
            "Ngày tiếp xúc",
            "ngày phơi nhiễm",
            "exposure_on",
            "exposure date",
        ],
    ),
    (
        "course",
        false,
        &["Điều trị", "tình trạng", "course", "status"],
    ),
    (
        "hospital",
        false,
        &["Nơi điều trị", "cơ sở điều trị", "bệnh viện", "hospital"],
    ),
    (
        "recovered_on",
        false,
        &[
            "Ngày khỏi",
            "ngày ra viện",
            "ngày xuất viện",
            "recovered_on",
            "recovered",
            "discharged",
        ],
    ),
    (
        "died_on",
        false,
        &["Ngày tử vong", "ngày mất", "died_on", "died", "death date"],
    ),
    (
        "negative_on",
        false,
        &["Ngày âm tính", "negative_on", "negative"],
    ),
    (
        "test_kind",
        false,
        &["Loại xét nghiệm", "xét nghiệm", "test_kind", "test"],
    ),
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

/// The case fields, the person fields made optional (anonymised lists have
/// no name, birth or sex column: the case number, the age, "unknown" stand
/// in; each row is still checked).
pub fn case_fields() -> Vec<(&'static str, bool, &'static [&'static str])> {
    crate::import::person_fields_with(CASE_FIELDS)
        .into_iter()
        .map(|(name, required, aliases)| {
            let optional = matches!(name, "full_name" | "birth" | "sex");
            (name, required && !optional, aliases)
        })
        .collect()
}

#[derive(Debug)]
pub struct CaseImportSummary {
    pub rows: u64,
    pub confirmed: u64,
    /// Cases already on file whose row changed them (re-import of a corrected list).
    pub updated: u64,
    /// Cases already on file that the row describes as they are.
    pub unchanged: u64,
    pub refused: u64,
    pub report_rows: Vec<ReportRow>,
    /// Headers that feed no field (not imported), to tell the user.
    pub ignored_columns: Vec<String>,
}

fn course_of(s: &str) -> String {
    match phongdich_domain::text::fold(s).as_str() {
        "" => String::new(),
        "tai nha" | "nha" | "dieu tri tai nha" | "home" => "home".into(),
        "benh vien" | "dang dieu tri" | "hospital" => "hospital".into(),
        "hoi suc" | "icu" => "icu".into(),
        "khoi" | "da khoi" | "khoi benh" | "ra vien" | "recovered" => "recovered".into(),
        "tu vong" | "da tu vong" | "deceased" | "died" => "deceased".into(),
        "chuyen di" | "chuyen tuyen" | "transferred_out" => "transferred_out".into(),
        other => other.to_owned(),
    }
}

fn detected_of(s: &str) -> String {
    match phongdich_domain::text::fold(s).as_str() {
        "" | "cong dong" | "community" => "community".into(),
        "khu cach ly" | "cach ly" | "quarantine" => "quarantine".into(),
        "chot" | "chot kiem soat" | "cua khau" | "checkpoint" => "checkpoint".into(),
        "benh vien" | "hospital" => "hospital".into(),
        other => other.to_owned(),
    }
}

fn test_of(s: &str) -> String {
    match phongdich_domain::text::fold(s).as_str() {
        "" | "pcr" | "rt pcr" | "rt-pcr" | "rt_pcr" => "rt_pcr".into(),
        "test nhanh" | "khang nguyen" | "antigen" => "antigen".into(),
        other => other.to_owned(),
    }
}

/// One row of the file as read in the first pass.
struct Row {
    line: u64,
    cells: Vec<String>,
    /// The national number, when the row has a valid one.
    official: Option<String>,
    /// Rows of this file that the row's sources name.
    needs: Vec<usize>,
}

enum Outcome {
    /// Person, code shown, and a note on a value the import supplied.
    Confirmed(i64, String, Option<(String, String)>),
    Updated(i64, String),
    Unchanged(i64, String),
    Refused(Vec<(String, String)>),
}

/// Import a case list; the report file gets one line per row.
pub async fn import_cases(
    store: &Store,
    actor: &Actor,
    file: &Path,
    report_path: &Path,
) -> Result<CaseImportSummary, ImportError> {
    let mut reader = SheetReader::open(file)?;
    let fields = case_fields();
    let map = ColumnMap::new(reader.headers(), &fields)?;
    let today = store.today();

    // Pass 1: every row, its number, and which rows of the file it names.
    let mut rows: Vec<Row> = Vec::new();
    while let Some(row) = reader.next_row() {
        match row {
            Ok((line, cells)) => {
                if rows.len() >= MAX_CASE_ROWS {
                    return Err(format!(
                        "Tệp có quá {MAX_CASE_ROWS} dòng ca bệnh; hãy chia nhỏ. / The file holds more than {MAX_CASE_ROWS} case rows; split it."
                    )
                    .into());
                }
                let official = case_code::national(map.get(&cells, "official_code"));
                rows.push(Row {
                    line,
                    cells,
                    official,
                    needs: Vec::new(),
                });
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut by_code: HashMap<String, usize> = HashMap::new();
    let mut early: HashMap<usize, Vec<(String, String)>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(code) = &r.official {
            if let Some(&first) = by_code.get(code) {
                early.entry(i).or_default().push((
                    format!("Mã BN {code} đã có ở dòng {}.", rows[first].line),
                    format!(
                        "Case number {code} is already on line {}.",
                        rows[first].line
                    ),
                ));
            } else {
                by_code.insert(code.clone(), i);
            }
        }
    }
    for (i, row) in rows.iter_mut().enumerate() {
        let named: Vec<String> = case_code::split_sources(map.get(&row.cells, "infected_by"))
            .iter()
            .filter_map(|part| case_code::national(part))
            .collect();
        if named
            .iter()
            .any(|c| row.official.as_deref() == Some(c.as_str()))
        {
            early.entry(i).or_default().push((
                "Ca bệnh không thể lây từ chính nó.".into(),
                "A case cannot be its own source.".into(),
            ));
        }
        row.needs = named
            .iter()
            .filter_map(|code| by_code.get(code).copied())
            .filter(|&j| j != i)
            .collect();
    }

    // Pass 2: sources before the rows they infected (depth-first order);
    // rows in a circle of sources are refused.
    let order = topological(&rows);
    let mut outcomes: Vec<Option<Outcome>> = (0..rows.len()).map(|_| None).collect();
    for (i, cyclic) in order {
        let row = &rows[i];
        let outcome = if cyclic {
            let names: Vec<String> = row
                .needs
                .iter()
                .map(|&j| rows[j].official.clone().unwrap_or_default())
                .collect();
            Outcome::Refused(vec![(
                format!(
                    "Nguồn lây vòng tròn: {} và ca này lây từ nhau.",
                    names.join(", ")
                ),
                format!(
                    "Circular sources: {} and this case name each other.",
                    names.join(", ")
                ),
            )])
        } else if let Some(reasons) = early.remove(&i) {
            Outcome::Refused(reasons)
        } else if let Some(&j) = row
            .needs
            .iter()
            .find(|&&j| matches!(outcomes[j], Some(Outcome::Refused(_)) | None))
        {
            let code = rows[j].official.clone().unwrap_or_default();
            Outcome::Refused(vec![(
                format!(
                    "Nguồn lây {code} (dòng {}) bị từ chối nên ca này chưa nhập được.",
                    rows[j].line
                ),
                format!(
                    "Source {code} (line {}) was refused, so this case was not imported.",
                    rows[j].line
                ),
            )])
        } else {
            write_row(store, actor, &map, row, today).await
        };
        outcomes[i] = Some(outcome);
    }

    let mut report = crate::import::open_report(report_path)?;
    let mut s = CaseImportSummary {
        rows: rows.len() as u64,
        confirmed: 0,
        updated: 0,
        unchanged: 0,
        refused: 0,
        report_rows: Vec::new(),
        ignored_columns: map.ignored().to_vec(),
    };
    let mut report_rows: Vec<ReportRow> = rows
        .iter()
        .zip(outcomes)
        .map(|(row, outcome)| {
            let line = row.line;
            match outcome.unwrap_or(Outcome::Refused(vec![(
                "Không xử lý được.".into(),
                "Not processed.".into(),
            )])) {
                Outcome::Confirmed(id, code, note) => {
                    s.confirmed += 1;
                    let (vi, en) = note.unwrap_or_default();
                    ReportRow {
                        line,
                        outcome: "confirmed",
                        person_id: Some(id),
                        reason_vi: format!("Ca bệnh {code}.{vi}"),
                        reason_en: format!("Case {code}.{en}"),
                    }
                }
                Outcome::Updated(id, code) => {
                    s.updated += 1;
                    ReportRow {
                        line,
                        outcome: "updated",
                        person_id: Some(id),
                        reason_vi: format!("Đã có ca {code}: cập nhật theo tệp."),
                        reason_en: format!("Case {code} was on file: corrected from the file."),
                    }
                }
                Outcome::Unchanged(id, code) => {
                    s.unchanged += 1;
                    ReportRow {
                        line,
                        outcome: "unchanged",
                        person_id: Some(id),
                        reason_vi: format!("Đã có ca {code}, không có gì thay đổi."),
                        reason_en: format!("Case {code} was on file; nothing changed."),
                    }
                }
                Outcome::Refused(reasons) => {
                    s.refused += 1;
                    ReportRow::refused(line, &reasons)
                }
            }
        })
        .collect();
    report_rows.sort_by_key(|r| r.line);
    for r in &report_rows {
        report.write_row(&r.cells())?;
    }
    report.finish()?;
    s.report_rows = report_rows;
    Ok(s)
}

/// Every row once, each after the rows it needs; `true` marks rows on a
/// circle of sources (and rows that need them are written after, to be
/// refused for their source).
fn topological(rows: &[Row]) -> Vec<(usize, bool)> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark = vec![Mark::New; rows.len()];
    let mut cyclic = vec![false; rows.len()];
    let mut order = Vec::with_capacity(rows.len());
    for start in 0..rows.len() {
        if mark[start] != Mark::New {
            continue;
        }
        // Iterative depth-first search: (row, next dependency to visit).
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        mark[start] = Mark::Open;
        while let Some(&mut (i, ref mut k)) = stack.last_mut() {
            if let Some(&j) = rows[i].needs.get(*k) {
                *k += 1;
                match mark[j] {
                    Mark::New => {
                        mark[j] = Mark::Open;
                        stack.push((j, 0));
                    }
                    Mark::Open => {
                        // A circle: every row on the stack from j to i.
                        let from = stack.iter().position(|&(x, _)| x == j).unwrap_or(0);
                        for &(x, _) in &stack[from..] {
                            cyclic[x] = true;
                        }
                    }
                    Mark::Done => {}
                }
            } else {
                mark[i] = Mark::Done;
                order.push(i);
                stack.pop();
            }
        }
    }
    order.into_iter().map(|i| (i, cyclic[i])).collect()
}

async fn write_row(
    store: &Store,
    actor: &Actor,
    map: &ColumnMap,
    row: &Row,
    today: chrono::NaiveDate,
) -> Outcome {
    let reasons = crate::import::field_reasons;
    let other = |e: StoreError| Outcome::Refused(vec![(e.to_string(), e.to_string())]);
    let get = |f: &str| map.get(&row.cells, f).to_owned();
    let mut infected_by = get("infected_by");
    let country = get("country");
    if !country.is_empty() {
        match phongdich_domain::country::parse(&country) {
            Ok(code) => {
                if !infected_by.is_empty() {
                    infected_by.push_str(", ");
                }
                infected_by.push_str(&code);
            }
            Err(e) => return Outcome::Refused(reasons(&[e])),
        }
    }
    let official = get("official_code");
    let mut case = CaseInput {
        person_id: 0,
        confirmed_on: get("confirmed_on"),
        sample_on: get("sample_on"),
        onset_on: get("onset_on"),
        test_kind: test_of(&get("test_kind")),
        source_kind: String::new(),
        source_ref: String::new(),
        course: course_of(&get("course")),
        hospital: get("hospital"),
        detected_where: detected_of(&get("detected_where")),
        negative_on: get("negative_on"),
        official_code: official.clone(),
        local_code: get("local_code"),
        infected_by,
        exposure_on: get("exposure_on"),
        recovered_on: get("recovered_on"),
        died_on: get("died_on"),
        origin_province: get("origin_province"),
        origin_district: get("origin_district"),
    };
    // A case already on file under this number: the row corrects it.
    if let Some(code) = &row.official {
        match store.case_by_code(&actor.scope, code).await {
            Ok(Some((case_id, code))) => {
                return match store.correct_case(actor, case_id, &case, today).await {
                    Ok((c, _, true)) => Outcome::Updated(c.person_id, code),
                    Ok((c, _, false)) => Outcome::Unchanged(c.person_id, code),
                    Err(StoreError::Invalid(i)) => Outcome::Refused(reasons(&i.0)),
                    Err(StoreError::Conflict {
                        message_vi,
                        message_en,
                    }) => Outcome::Refused(vec![(message_vi, message_en)]),
                    Err(e) => other(e),
                };
            }
            Ok(None) => {}
            Err(e) => return other(e),
        }
    }
    // A list without the confirmation date: the sample date stands in, and
    // the report says so; without either the row is refused (a past list
    // must not be dated today).
    let mut note = None;
    if case.confirmed_on.is_empty() {
        if case.sample_on.is_empty() {
            return Outcome::Refused(vec![(
                "confirmed_on: Cần ngày khẳng định (hoặc ngày lấy mẫu).".into(),
                "confirmed_on: The confirmation date (or the sample date) is required.".into(),
            )]);
        }
        case.confirmed_on = case.sample_on.clone();
        note = Some((
            format!(
                " Không có ngày khẳng định: lấy ngày lấy mẫu {}.",
                case.sample_on
            ),
            format!(
                " No confirmation date: the sample date {} was used.",
                case.sample_on
            ),
        ));
    }
    let (input, _) = crate::person_input(map, &row.cells);
    let confirmed =
        phongdich_domain::contact::parse_date("confirmed_on", &case.confirmed_on).unwrap_or(today);
    let person = input.parse_case(today, row.official.as_deref(), confirmed);
    // Every field of the row is checked before anything is written, so a
    // refused row leaves no person behind.
    let checked = phongdich_store::check_case_input(&case, today);
    let person = match (person, checked) {
        (Ok(p), Ok(())) => p,
        (p, c) => {
            let mut errors = p.err().map(|i| i.0).unwrap_or_default();
            errors.extend(c.err().map(|i| i.0).unwrap_or_default());
            return Outcome::Refused(reasons(&errors));
        }
    };
    // Resolve the sources before any person is created, so a refused row
    // leaves nothing behind.
    let mut sources = match store.resolve_sources(&actor.scope, &case.infected_by).await {
        Ok(Ok(sources)) => sources,
        Ok(Err(errors)) => return Outcome::Refused(reasons(&errors)),
        Err(e) => return other(e),
    };
    if !case.origin_province.trim().is_empty() {
        match store
            .resolve_origin(&case.origin_province, &case.origin_district)
            .await
        {
            Ok(Ok(origin)) => sources.push(origin),
            Ok(Err(e)) => return Outcome::Refused(reasons(&[e])),
            Err(e) => return other(e),
        }
    }
    // An origin in the person's own province is refused before anyone is created.
    match store.unit(person.commune_code.as_str()).await {
        Ok(commune) => {
            if let Err(StoreError::Invalid(i)) =
                phongdich_store::check_origin(&sources, &commune.province_code)
            {
                return Outcome::Refused(reasons(&i.0));
            }
        }
        Err(StoreError::Invalid(i)) => return Outcome::Refused(reasons(&i.0)),
        Err(StoreError::NotFound { .. }) => {}
        Err(e) => return other(e),
    }
    let found = if person.anonymous {
        // Known only by the case number: never matched to somebody else.
        None
    } else {
        match store.match_person(&actor.scope, &person).await {
            Ok(found) => found,
            Err(e) => return other(e),
        }
    };
    let id = match found {
        Some(id) => id,
        None => match store.create_person(actor, &person, true).await {
            Ok(p) => p.id,
            Err(StoreError::Invalid(i)) => return Outcome::Refused(reasons(&i.0)),
            Err(e) => return other(e),
        },
    };
    case.person_id = id;
    match store.confirm_case(actor, &case, today).await {
        Ok((c, _)) => Outcome::Confirmed(id, c.code, note),
        Err(StoreError::Invalid(i)) => Outcome::Refused(reasons(&i.0)),
        Err(StoreError::Conflict {
            message_vi,
            message_en,
        }) => Outcome::Refused(vec![(message_vi, message_en)]),
        Err(e) => other(e),
    }
}
