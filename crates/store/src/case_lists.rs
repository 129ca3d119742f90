//! Cases by day: the people behind a report's F0 flows — confirmed (new F0,
//! by where they were found, and since the wave began), recovered and
//! deceased during a period — with the report's own definitions, so a list
//! holds exactly the cases its figure counts (`reports::figures_of`).
//! Restricted by scope in SQL like every person-level read.

use crate::{Paging, Result, Scope, Store};
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;

/// Which day of a case puts it on the list of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseEvent {
    /// Confirmed as F0 that day (`f0_new`, `f0_cumulative`).
    Confirmed,
    /// Recovered: tested negative that day, course `recovered` (`f0_recovered`).
    Recovered,
    /// Deceased, dated by the case's last update (`f0_deceased`; no death
    /// date is recorded yet).
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
            CaseEvent::Recovered => ("c.negative_on", " AND c.course = 'recovered'"),
            CaseEvent::Deceased => ("SUBSTR(c.updated_at, 1, 10)", " AND c.course = 'deceased'"),
        }
    }
}

/// Where a new case was found, as the report splits `f0_new`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseFound {
    /// Neither imported nor found in quarantine (`f0_new_community`).
    Community,
    /// Found while in quarantine (`f0_new_quarantine`).
    Quarantine,
    /// Imported (`f0_new_imported`).
    Imported,
}

impl CaseFound {
    pub const ALL: [CaseFound; 3] = [
        CaseFound::Community,
        CaseFound::Quarantine,
        CaseFound::Imported,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseFound::Community => "community",
            CaseFound::Quarantine => "quarantine",
            CaseFound::Imported => "imported",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s.trim())
    }

    fn sql(self) -> &'static str {
        match self {
            CaseFound::Community => {
                " AND c.source_kind <> 'imported' AND c.detected_where <> 'quarantine'"
            }
            CaseFound::Quarantine => {
                " AND c.source_kind <> 'imported' AND c.detected_where = 'quarantine'"
            }
            CaseFound::Imported => " AND c.source_kind = 'imported'",
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
        let (c, p) = scope.and_condition("c", 3);
        let filter = format!("{day} BETWEEN $1 AND $2{extra}{found}{c}");
        fn bind<'q>(
            sql: &'q str,
            values: &'q [String],
        ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
            values
                .iter()
                .fold(sqlx::query(sql), |q, v| q.bind(v.as_str()))
        }
        let values: Vec<String> = [Some(q.from.to_string()), Some(q.to.to_string()), p]
            .into_iter()
            .flatten()
            .collect();
        let count_sql = format!("SELECT COUNT(*) AS n FROM cases c WHERE {filter}");
        let total: i64 = bind(&count_sql, &values)
            .fetch_one(&self.read)
            .await?
            .try_get("n")?;
        // The person's name only while they live within the scope (a case
        // stays where it was confirmed; its person may have moved away).
        let name = match scope.condition("p", 3) {
            Some((cond, _)) => format!("CASE WHEN {cond} THEN p.full_name ELSE '' END"),
            None => "p.full_name".to_owned(),
        };
        let page_sql = format!(
            "SELECT c.id, c.code, c.person_id, {name} AS full_name, c.commune_code, c.confirmed_on, \
             c.source_kind, c.detected_where, c.course, c.negative_on, {day} AS on_day \
             FROM cases c JOIN persons p ON p.id = c.person_id WHERE {filter} \
             ORDER BY on_day DESC, c.id LIMIT {} OFFSET {}",
            paging.limit, paging.offset
        );
        let entries = bind(&page_sql, &values)
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
