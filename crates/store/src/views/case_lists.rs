//! Cases by day: the people behind a report's F0 flows — confirmed (new F0,
//! by where they were found, and since the wave began), recovered and
//! deceased during a period — with the report's own definitions, so a list
//! holds exactly the cases its figure counts (`reports::figures_of`).
//! Restricted by scope in SQL like every person-level read.
//!
//! `case_list(scope, query, paging)` gives the cases confirmed (optionally by
//! where found: community, quarantine, imported), recovered or deceased during
//! a period, with the whole count and one page, under the report's own
//! conditions. `Store::scope_within(scope, code)` narrows a scope to a
//! province, district or commune inside it (outside: not found; malformed or a
//! hamlet: invalid, field `unit`), which the list pages pass to the usual
//! readers; `persons_by_ids` reads a page's people in one query within the
//! scope.
//!
//! The case register (`case_register(scope, filter, paging)`, `GET
//! /api/v1/cases`, `/api/v1/cases/export`, `phongdich export cases`): every
//! case of the scope, narrowed by `scope_within` to `filter.unit`, with filters
//! checked by `CaseFilter::parse` (bilingual field errors) — confirmed,
//! recovered and deceased day ranges (the discharge date `recovered_on` and the
//! death date `died_on` of migration 18 when set, else the report's own days:
//! negative test of a recovered case, last update of a deceased one), source
//! kind (a source of that kind in `case_sources` or the case's summary kind;
//! `investigating` = none), country (`import_country` or an imported source;
//! ISO code or name through `domain::country::parse`), cluster (a
//! `case_sources` row of kind `cluster`), status (`active|recovered|deceased`)
//! — latest confirmed first, one page with the whole count. Entries show the
//! case's code (`COALESCE(official_code, local_code, code)`), the person's name
//! (within the scope), the commune's name, the dates and the sources as written
//! back. The export (`sheets::export::export_cases`) needs `ExportPersons`,
//! reads the list page by page and records an `export` audit entry with the
//! filters and the row count; its CSV cells that a spreadsheet would run are
//! neutralised by `TableWriter` like every CSV written.

use crate::sql::QueryBuilder;
use crate::{Paging, Result, Scope, Store};
use chrono::NaiveDate;
use phongdich_domain::{FieldError, Invalid};
use serde::Serialize;
use sqlx::Row;

/// Which day of a case puts it on the list of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseEvent {
    /// Confirmed as F0 that day (`f0_new`, `f0_cumulative`).
    Confirmed,
    /// Recovered that day (its recovery, else its negative test: the day of
    /// its course's last step), course `recovered` (`f0_recovered`).
    Recovered,
    /// Died that day (the day of its course's last step), course
    /// `deceased` (`f0_deceased`).
    Deceased,
}

impl CaseEvent {
    pub const ALL: [CaseEvent; 3] = [
        CaseEvent::Confirmed,
        CaseEvent::Recovered,
        CaseEvent::Deceased,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseEvent::Confirmed => "confirmed",
            CaseEvent::Recovered => "recovered",
            CaseEvent::Deceased => "deceased",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s.trim())
    }

    /// The day compared with the period, and what else the case must be.
    fn sql(self) -> (&'static str, &'static str) {
        match self {
            CaseEvent::Confirmed => ("c.confirmed_on", ""),
            CaseEvent::Recovered => (LAST_STEP_DAY, " AND c.course = 'recovered'"),
            CaseEvent::Deceased => (LAST_STEP_DAY, " AND c.course = 'deceased'"),
        }
    }
}

/// The day a case's course took its present step (`case_courses`): the
/// recovery or death the report's `f0_recovered` and `f0_deceased` count.
const LAST_STEP_DAY: &str = "(SELECT s.from_on FROM case_courses s WHERE s.case_id = c.id \
     ORDER BY s.from_on DESC, s.id DESC LIMIT 1)";

/// Where a new case was found, as the report splits `f0_new`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseFound {
    /// Neither imported nor from another province nor found in quarantine
    /// (`f0_new_community`).
    Community,
    /// Found while in quarantine, not imported nor from another province
    /// (`f0_new_quarantine`).
    Quarantine,
    /// Imported (`f0_new_imported`).
    Imported,
    /// Came from another province (`f0_new_other_province`).
    OtherProvince,
}

impl CaseFound {
    pub const ALL: [CaseFound; 4] = [
        CaseFound::Community,
        CaseFound::Quarantine,
        CaseFound::Imported,
        CaseFound::OtherProvince,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseFound::Community => "community",
            CaseFound::Quarantine => "quarantine",
            CaseFound::Imported => "imported",
            CaseFound::OtherProvince => "other_province",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s.trim())
    }

    fn sql(self) -> &'static str {
        match self {
            CaseFound::Community => {
                " AND c.source_kind NOT IN ('imported', 'other_province') AND c.detected_where <> 'quarantine'"
            }
            CaseFound::Quarantine => {
                " AND c.source_kind NOT IN ('imported', 'other_province') AND c.detected_where = 'quarantine'"
            }
            CaseFound::Imported => " AND c.source_kind = 'imported'",
            CaseFound::OtherProvince => " AND c.source_kind = 'other_province'",
        }
    }
}

/// Which cases: those whose `event` fell on a day of `from..=to`, optionally
/// only those found in one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseListQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub event: CaseEvent,
    pub found: Option<CaseFound>,
}

/// One case of the list: the case, its person and the day that counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CaseListEntry {
    pub case_id: i64,
    /// `BN<id>`.
    pub code: String,
    pub person_id: i64,
    /// Empty when the person has since moved out of the reader's jurisdiction.
    pub full_name: String,
    pub commune_code: String,
    pub confirmed_on: String,
    pub source_kind: String,
    pub detected_where: String,
    pub course: String,
    pub negative_on: Option<String>,
    /// The day the event fell on (`YYYY-MM-DD`).
    pub on_day: String,
}

/// The whole count of a case list and one page of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CaseList {
    pub total: i64,
    pub paging: Paging,
    pub entries: Vec<CaseListEntry>,
}

impl Store {
    /// The cases of the scope whose event fell within the period, latest
    /// day first (then by case number), a page at a time with the whole
    /// count. The same conditions as the report's figures.
    pub async fn case_list(
        &self,
        scope: &Scope,
        q: &CaseListQuery,
        paging: Paging,
    ) -> Result<CaseList> {
        let (day, extra) = q.event.sql();
        let found = q.found.map(CaseFound::sql).unwrap_or("");
        // The case's and the person's filter name the one value, `$3`.
        let mut b = QueryBuilder::numbered(String::new(), 2);
        let [c, in_scope] = scope.and_filters(&mut b, ["c", "p"]);
        let filter = format!("{day} BETWEEN $1 AND $2{extra}{found}{c}");
        let (from, to) = (q.from.to_string(), q.to.to_string());
        let count_sql = format!("SELECT COUNT(*) AS n FROM cases c WHERE {filter}");
        let total: i64 = b
            .bind_onto(
                sqlx::query(&count_sql)
                    .bind(from.as_str())
                    .bind(to.as_str()),
            )
            .fetch_one(&self.read)
            .await?
            .try_get("n")?;
        // The person's name only while they live within the scope (a case
        // stays where it was confirmed; its person may have moved away).
        let name = match in_scope.strip_prefix(" AND ") {
            Some(cond) => format!("CASE WHEN {cond} THEN p.full_name ELSE '' END"),
            None => "p.full_name".to_owned(),
        };
        let page_sql = format!(
            "SELECT c.id, c.code, c.person_id, {name} AS full_name, c.commune_code, c.confirmed_on, \
             c.source_kind, c.detected_where, c.course, c.negative_on, {day} AS on_day \
             FROM cases c JOIN persons p ON p.id = c.person_id WHERE {filter} \
             ORDER BY on_day DESC, c.id LIMIT {} OFFSET {}",
            paging.limit, paging.offset
        );
        let entries = b
            .bind_onto(sqlx::query(&page_sql).bind(from.as_str()).bind(to.as_str()))
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| {
                Ok(CaseListEntry {
                    case_id: r.try_get("id")?,
                    code: r.try_get("code")?,
                    person_id: r.try_get("person_id")?,
                    full_name: r.try_get("full_name")?,
                    commune_code: r.try_get("commune_code")?,
                    confirmed_on: r.try_get("confirmed_on")?,
                    source_kind: r.try_get("source_kind")?,
                    detected_where: r.try_get("detected_where")?,
                    course: r.try_get("course")?,
                    negative_on: r.try_get("negative_on")?,
                    on_day: r.try_get("on_day")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(CaseList {
            total,
            paging,
            entries,
        })
    }
}

// ---------------------------------------------------------------------------
// The case register: every case of the scope with filters (`GET /api/v1/cases`
// and its CSV/XLSX export), a page at a time with the whole count.

/// Where a case is in its course, as the register filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Neither recovered nor deceased (nor transferred out).
    Active,
    /// Recovered: a discharge date, or the course `recovered`.
    Recovered,
    /// Deceased: a death date, or the course `deceased`.
    Deceased,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 3] = [
        CaseStatus::Active,
        CaseStatus::Recovered,
        CaseStatus::Deceased,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Active => "active",
            CaseStatus::Recovered => "recovered",
            CaseStatus::Deceased => "deceased",
        }
    }
}

/// The kinds of source a case may have (`case_sources.kind`, and
/// `investigating` for a case with none yet).
pub const SOURCE_KINDS: [&str; 5] = [
    "case",
    "cluster",
    "imported",
    "other_province",
    "investigating",
];

/// The day a case recovered: its discharge date, else — the course being
/// `recovered` — its negative test (the report's `f0_recovered`).
const RECOVERED_DAY: &str =
    "COALESCE(c.recovered_on, CASE WHEN c.course = 'recovered' THEN c.negative_on END)";
/// The day a case died: its death date, else — the course being `deceased`
/// — the day it was last updated (the report's `f0_deceased`).
const DIED_DAY: &str =
    "COALESCE(c.died_on, CASE WHEN c.course = 'deceased' THEN SUBSTR(c.updated_at, 1, 10) END)";
/// `active`, `recovered`, `deceased` or `transferred_out`.
const STATUS: &str = "CASE WHEN c.died_on IS NOT NULL OR c.course = 'deceased' THEN 'deceased' \
     WHEN c.recovered_on IS NOT NULL OR c.course = 'recovered' THEN 'recovered' \
     WHEN c.course = 'transferred_out' THEN 'transferred_out' ELSE 'active' END";

/// The register's filters as given (query parameters, command-line options):
/// every one optional, checked by [`CaseFilter::parse`].
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CaseFilterParams {
    /// A province, district or commune of the caller's jurisdiction (`VN`
    /// for the whole country); the caller's whole jurisdiction by default.
    pub unit: Option<String>,
    /// Confirmed on or after this day (yyyy-mm-dd or dd/mm/yyyy).
    pub confirmed_from: Option<String>,
    /// Confirmed on or before this day.
    pub confirmed_to: Option<String>,
    /// Recovered (discharged) on or after this day.
    pub recovered_from: Option<String>,
    /// Recovered on or before this day.
    pub recovered_to: Option<String>,
    /// Deceased on or after this day.
    pub deceased_from: Option<String>,
    /// Deceased on or before this day.
    pub deceased_to: Option<String>,
    /// Cases with a source of this kind: `case`, `cluster`, `imported`, or
    /// `investigating` (no source yet).
    pub source: Option<String>,
    /// Imported from this country: ISO 3166-1 alpha-2 code (`XX`: unknown) or
    /// its Vietnamese or English name.
    pub country: Option<String>,
    /// Cases with this cluster (id) among their sources.
    pub cluster: Option<String>,
    /// `active`, `recovered` or `deceased`.
    pub status: Option<String>,
    /// Entries to skip (0 by default).
    pub offset: Option<String>,
    /// Entries to give, at most (100 by default, 1,000 at most).
    pub limit: Option<String>,
}

/// The register's filters, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CaseFilter {
    pub unit: Option<String>,
    pub confirmed: (Option<NaiveDate>, Option<NaiveDate>),
    pub recovered: (Option<NaiveDate>, Option<NaiveDate>),
    pub deceased: (Option<NaiveDate>, Option<NaiveDate>),
    pub source: Option<String>,
    /// ISO 3166-1 alpha-2, or `XX`.
    pub country: Option<String>,
    pub cluster: Option<i64>,
    pub status: Option<CaseStatus>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl CaseFilter {
    /// The filters and the page asked for, or every parameter at fault, each
    /// named, in both languages.
    pub fn parse(p: &CaseFilterParams) -> std::result::Result<(CaseFilter, Paging), Invalid> {
        let mut errors = Vec::new();
        let mut date = |field: &str, v: &Option<String>| {
            given(v).and_then(|v| {
                phongdich_domain::contact::parse_date(field, v)
                    .map_err(|e| errors.push(e))
                    .ok()
            })
        };
        let confirmed = (
            date("confirmed_from", &p.confirmed_from),
            date("confirmed_to", &p.confirmed_to),
        );
        let recovered = (
            date("recovered_from", &p.recovered_from),
            date("recovered_to", &p.recovered_to),
        );
        let deceased = (
            date("deceased_from", &p.deceased_from),
            date("deceased_to", &p.deceased_to),
        );
        for (field, (from, to)) in [
            ("confirmed_from", confirmed),
            ("recovered_from", recovered),
            ("deceased_from", deceased),
        ] {
            if let (Some(f), Some(t)) = (from, to)
                && f > t
            {
                errors.push(FieldError::new(
                    field,
                    "after_end",
                    "Ngày bắt đầu phải trước ngày kết thúc.",
                    "The first day must come before the last.",
                ));
            }
        }
        let source = given(&p.source).and_then(|s| {
            let s = s.to_lowercase();
            if SOURCE_KINDS.contains(&s.as_str()) {
                Some(s)
            } else {
                errors.push(FieldError::new(
                    "source",
                    "invalid_source",
                    format!(
                        "Nguồn lây «{s}» không hợp lệ: case, cluster, imported, other_province hoặc investigating."
                    ),
                    format!(
                        "Source kind “{s}” is invalid: case, cluster, imported, other_province or investigating."
                    ),
                ));
                None
            }
        });
        let country = given(&p.country).and_then(|c| {
            phongdich_domain::country::parse(c)
                .map_err(|e| errors.push(e))
                .ok()
        });
        let cluster = given(&p.cluster).and_then(|c| match c.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.push(FieldError::new(
                    "cluster",
                    "invalid_cluster",
                    format!("Mã ổ dịch «{c}» không hợp lệ: một số."),
                    format!("Cluster “{c}” is invalid: give its number."),
                ));
                None
            }
        });
        let status = given(&p.status).and_then(|s| {
            let found = CaseStatus::ALL
                .into_iter()
                .find(|k| k.as_str() == s.to_lowercase());
            if found.is_none() {
                errors.push(FieldError::new(
                    "status",
                    "invalid_status",
                    format!("Tình trạng «{s}» không hợp lệ: active, recovered hoặc deceased."),
                    format!("Status “{s}” is invalid: active, recovered or deceased."),
                ));
            }
            found
        });
        let mut number = |field: &str, v: &Option<String>, default: i64| match given(v) {
            None => default,
            Some(n) => n.parse::<i64>().unwrap_or_else(|_| {
                errors.push(FieldError::new(
                    field,
                    "invalid_number",
                    format!("«{n}» không phải số nguyên."),
                    format!("“{n}” is not a whole number."),
                ));
                default
            }),
        };
        let paging = Paging::new(
            number("offset", &p.offset, 0),
            number("limit", &p.limit, Paging::DEFAULT_LIMIT),
        );
        if !errors.is_empty() {
            return Err(Invalid(errors));
        }
        Ok((
            CaseFilter {
                unit: given(&p.unit).map(str::to_owned),
                confirmed,
                recovered,
                deceased,
                source,
                country,
                cluster,
                status,
            },
            paging,
        ))
    }

    /// The SQL condition on `cases c` (after the scope's), its values bound
    /// in `b`'s turn (`b` numbered: a value may be named twice).
    fn sql(&self, b: &mut QueryBuilder) -> String {
        let mut sql = String::new();
        for (day, (from, to)) in [
            ("c.confirmed_on", self.confirmed),
            (RECOVERED_DAY, self.recovered),
            (DIED_DAY, self.deceased),
        ] {
            if let Some(f) = from {
                sql.push_str(&format!(" AND {day} >= {}", b.mark(f.to_string())));
            }
            if let Some(t) = to {
                sql.push_str(&format!(" AND {day} <= {}", b.mark(t.to_string())));
            }
        }
        match self.source.as_deref() {
            None => {}
            Some("investigating") => sql.push_str(
                " AND c.source_kind = 'investigating' \
                 AND NOT EXISTS (SELECT 1 FROM case_sources s WHERE s.case_id = c.id)",
            ),
            Some(kind) => {
                let k = b.mark_shared(kind);
                sql.push_str(&format!(
                    " AND (c.source_kind = {k} OR EXISTS (SELECT 1 FROM case_sources s \
                     WHERE s.case_id = c.id AND s.kind = {k}))"
                ));
            }
        }
        if let Some(country) = &self.country {
            let k = b.mark_shared(country);
            sql.push_str(&format!(
                " AND (c.import_country = {k} OR EXISTS (SELECT 1 FROM case_sources s \
                 WHERE s.case_id = c.id AND s.kind = 'imported' AND s.country = {k}))"
            ));
        }
        if let Some(cluster) = self.cluster {
            // The only value bound as a number; written as one (checked i64).
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM case_sources s WHERE s.case_id = c.id \
                 AND s.kind = 'cluster' AND s.cluster_id = {cluster})"
            ));
        }
        if let Some(status) = self.status {
            sql.push_str(&format!(" AND ({STATUS}) = '{}'", status.as_str()));
        }
        sql
    }
}

/// One case of the register: shown by its codes and names, not by record
/// numbers alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CaseRegisterEntry {
    pub case_id: i64,
    /// The code the case is known by: its official (national) number, else
    /// the province's number, else the record's own code.
    pub code: String,
    /// The record's own code.
    pub record_code: String,
    pub person_id: i64,
    /// The person's name (an anonymised case shows its number); empty when
    /// the person has since moved out of the reader's jurisdiction.
    pub full_name: String,
    pub province_code: String,
    pub commune_code: String,
    pub commune_name: String,
    pub confirmed_on: String,
    /// The discharge date, else the negative test of a recovered case.
    pub recovered_on: Option<String>,
    /// The death date, else the last update of a deceased case.
    pub died_on: Option<String>,
    /// `active`, `recovered`, `deceased` or `transferred_out`.
    pub status: String,
    /// `home`, `hospital`, `recovered`, `deceased`, `transferred_out`.
    pub course: String,
    /// `case`, `cluster`, `imported` or `investigating`: the kind the figures
    /// count the case by.
    pub source_kind: String,
    /// The sources as written back (case codes, cluster names, countries).
    pub sources: Option<String>,
    /// ISO 3166-1 alpha-2 of an imported case (`XX`: unknown).
    pub import_country: Option<String>,
}

/// The whole count of the register's cases and one page of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CaseRegister {
    /// The unit whose cases these are (`VN` for the whole country).
    pub unit_code: String,
    pub total: i64,
    pub paging: Paging,
    pub entries: Vec<CaseRegisterEntry>,
}

impl Store {
    /// The cases of the scope (narrowed to `filter.unit`: not found outside
    /// it) that pass the filters, latest confirmed first (then by record,
    /// newest first), one page with the whole count.
    pub async fn case_register(
        &self,
        scope: &Scope,
        filter: &CaseFilter,
        paging: Paging,
    ) -> Result<CaseRegister> {
        let (scope, unit_code) = match &filter.unit {
            Some(code) => {
                let (within, unit) = self.scope_within(scope, code).await?;
                (within, unit.code)
            }
            None => (
                scope.clone(),
                scope
                    .home()
                    .map(|c| c.as_str().to_owned())
                    .unwrap_or_default(),
            ),
        };
        let mut b = QueryBuilder::numbered(String::new(), 0);
        let [c] = scope.and_filters(&mut b, ["c"]);
        let f = filter.sql(&mut b);
        let filter_sql = format!("1 = 1{c}{f}");
        let count_sql = format!("SELECT COUNT(*) AS n FROM cases c WHERE {filter_sql}");
        let total: i64 = b
            .bind_onto(sqlx::query(&count_sql))
            .fetch_one(&self.read)
            .await?
            .try_get("n")?;
        // The person's name only while they live within the scope: the
        // page's statement binds the scope's value once more, last.
        let mut page = b.clone();
        let name = match scope.filter_sql(&mut page, "p") {
            Some(cond) => format!("CASE WHEN {cond} THEN p.full_name ELSE '' END"),
            None => "p.full_name".to_owned(),
        };
        let page_sql = format!(
            "SELECT c.id, COALESCE(c.official_code, c.local_code, c.code) AS shown_code, c.code, \
             c.person_id, {name} AS full_name, c.province_code, c.commune_code, \
             COALESCE(u.name, '') AS commune_name, c.confirmed_on, {RECOVERED_DAY} AS recovered_day, \
             {DIED_DAY} AS died_day, {STATUS} AS status, c.course, c.source_kind, c.source_ref, \
             c.import_country FROM cases c JOIN persons p ON p.id = c.person_id \
             LEFT JOIN units u ON u.code = c.commune_code WHERE {filter_sql} \
             ORDER BY c.confirmed_on DESC, c.id DESC LIMIT {} OFFSET {}",
            paging.limit, paging.offset
        );
        let entries = page
            .bind_onto(sqlx::query(&page_sql))
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| {
                Ok(CaseRegisterEntry {
                    case_id: r.try_get("id")?,
                    code: r.try_get("shown_code")?,
                    record_code: r.try_get("code")?,
                    person_id: r.try_get("person_id")?,
                    full_name: r.try_get("full_name")?,
                    province_code: r.try_get("province_code")?,
                    commune_code: r.try_get("commune_code")?,
                    commune_name: r.try_get("commune_name")?,
                    confirmed_on: r.try_get("confirmed_on")?,
                    recovered_on: r.try_get("recovered_day")?,
                    died_on: r.try_get("died_day")?,
                    status: r.try_get("status")?,
                    course: r.try_get("course")?,
                    source_kind: r.try_get("source_kind")?,
                    sources: r.try_get("source_ref")?,
                    import_country: r.try_get("import_country")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(CaseRegister {
            unit_code,
            total,
            paging,
            entries,
        })
    }
}
