//! The quarantine day page: the day's work in a scope — tests due, orders
//! ending and overdue, missed declarations, declared symptoms, F0 at home
//! missing readings, open alerts, free beds — read in one statement.
//!
//! `quarantine_day` is everything the day page shows, in one statement
//! returning one row, for the page, `GET /api/v1/quarantine/day` and the bench:
//! the counts and pages of tests due, ending, overdue and missed declarations,
//! the day's declarations with symptoms, F0 at home missing readings, open
//! alerts (count, oldest, page) and free beds. Each page is a JSON array built
//! by the database (`Engine::json_page` — `json_group_array`/`json_agg`, the
//! one engine-specific spelling), because every row through the `Any` driver is
//! a hand-off between the connection's thread and ours. Lists give narrow
//! entries (`DayListEntry`: order, person, name, commune, kind, place, dates —
//! no rule JSON), the whole count of each list and one page of it (`Paging`:
//! 100 by default, 1,000 at most; the page's `?page=`, the API's
//! `offset`/`limit`). Lists whose count and page need the same per-row work are
//! a CTE read twice (both engines compute it once): the F0's readings of the
//! day (a probe of `vital_signs` each) and the orders without the day's
//! declaration (a probe of `health_declarations` each; only the page's hundred
//! are joined to persons and built as JSON). The SQL of the treatment, places
//! and declarations parts lives in their modules (`missing_vitals_sql`,
//! `open_alerts_sql`, `free_beds_sql`, `declared_symptoms_sql`), shared with
//! the single-list readers `missing_vitals`, `open_alerts` and `free_beds`.
//! Flagged declarations have partial indexes by unit and day (migration 16).

use crate::quarantine::comma_list;
use crate::sql::QueryBuilder;
use crate::{Result, Scope, Store};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::Row;

// Read from the JSON array of `ENTRY_COLUMNS` that `Dialect::json_page`
// gives (serde reads a struct from an array, field by field).
/// One line of a day list: what the list shows and links to, without the
/// order's rule (that is on the order's page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DayListEntry {
    pub order_id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub commune_code: String,
    /// `centralised`, `home` or `self_monitoring`.
    pub kind: String,
    pub place: Option<String>,
    pub start_on: String,
    pub planned_end: String,
    #[serde(deserialize_with = "comma_list")]
    pub test_days: Vec<String>,
}

/// A day list: how many in all, and the page asked for.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DayList {
    pub total: i64,
    pub entries: Vec<DayListEntry>,
}

/// A unit's quarantine work for one day. Counts are whole; each list gives
/// the same page (`paging`) of its entries.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuarantineDay {
    pub day: String,
    /// Active orders in all.
    pub active: i64,
    pub paging: crate::Paging,
    /// Active orders with a test due that day (by commune, then order).
    pub tests_due: DayList,
    /// Active orders whose last day it is (by commune, then order).
    pub ending: DayList,
    /// Active orders past their last day, longest overdue first: release or extend them.
    pub overdue: DayList,
    /// Orders under quarantine that day (not self-monitoring) without the
    /// day's health declaration.
    pub missed_declaration: DayList,
    /// The day's declarations with fever or symptoms: sample these people.
    pub declared_symptoms: Vec<crate::HealthDeclaration>,
    /// F0 at home without the day's two readings (by commune).
    pub missing_vitals: crate::MissingVitalsList,
    /// Alerts not yet dealt with, oldest first.
    pub open_alerts: crate::OpenAlerts,
    /// Beds free now, by place.
    pub free_beds: Vec<crate::FreeBeds>,
}

const ENTRY_COLUMNS: &str = "o.id, o.person_id, p.full_name, o.commune_code, o.kind, o.place, o.start_on, \
    o.planned_end, o.test_days";

impl Store {
    /// The day's work in the scope, everything the day page shows: tests
    /// due, orders ending, orders past their last day (each an index range,
    /// migration 13), missed declarations, declared symptoms, F0 at home
    /// missing readings, open alerts, free beds — the counts whole and the
    /// entries of `paging` only (declared symptoms and beds in full).
    pub async fn quarantine_day(
        &self,
        scope: &Scope,
        day: NaiveDate,
        paging: crate::Paging,
    ) -> Result<QuarantineDay> {
        let d = day.to_string();
        let (start, end) = crate::treatment::day_window(day);
        // One statement, one row: every count and every page (as JSON) —
        // one round trip to the connection's thread for the whole page
        // (BENCHMARKS.md). $1 the day, $2 and $3 the page, $4 and $5 the
        // day's UTC window (readings), $6 the scope's unit.
        let mut b = QueryBuilder::numbered(String::new(), 5);
        let [cond_o, cond_t, cond_a, cond_p, cond_d] =
            scope.and_filters(&mut b, ["o", "t", "a", "p", "d"]);
        let from_orders = "FROM quarantine_orders o JOIN persons p ON p.id = o.person_id WHERE o.status = 'active'";
        let page = "LIMIT $2 OFFSET $3";
        let undeclared = crate::declarations::UNDECLARED;
        let e = self.dialect;
        let (vitals_with, vitals_total, vitals_page) =
            crate::treatment::missing_vitals_sql(e, &cond_t, "$4", "$5", page);
        let (alerts_total, alerts_oldest, alerts_page) =
            crate::treatment::open_alerts_sql(e, &cond_a, page);
        // The orders that missed the day's declaration, found once for both
        // the count and the page (a CTE used twice is computed once by both
        // engines): each is a probe of the declarations' index, and a unit
        // has hundreds. Only the page's hundred are joined and built as JSON.
        let missed_with = format!(
            "u AS (SELECT o.id, o.commune_code FROM quarantine_orders o WHERE o.status = 'active'{undeclared}{cond_o})"
        );
        let sql = format!(
            "WITH {vitals_with}, {missed_with} \
             SELECT (SELECT COUNT(*) FROM quarantine_orders o WHERE o.status = 'active'{cond_o}) AS active, \
             (SELECT COUNT(*) FROM quarantine_test_days t WHERE t.day = $1{cond_t}) AS tests_due, \
             (SELECT COUNT(*) FROM quarantine_orders o WHERE o.status = 'active' AND o.planned_end = $1{cond_o}) AS ending, \
             (SELECT COUNT(*) FROM quarantine_orders o WHERE o.status = 'active' AND o.planned_end < $1{cond_o}) AS overdue, \
             (SELECT COUNT(*) FROM u) AS missed, \
             {} AS tests_due_page, {} AS ending_page, {} AS overdue_page, {} AS missed_page, \
             {} AS symptoms, {vitals_total} AS vitals, {vitals_page} AS vitals_page, \
             {alerts_total} AS alerts, {alerts_oldest} AS alerts_oldest, {alerts_page} AS alerts_page, \
             {} AS beds",
            e.json_page(
                ENTRY_COLUMNS,
                &format!(
                    "FROM quarantine_test_days t JOIN quarantine_orders o ON o.id = t.order_id \
                     JOIN persons p ON p.id = o.person_id WHERE t.day = $1{cond_t}"
                ),
                &["t.commune_code", "t.order_id"],
                page
            ),
            e.json_page(
                ENTRY_COLUMNS,
                &format!("{from_orders} AND o.planned_end = $1{cond_o}"),
                &["o.commune_code", "o.id"],
                page
            ),
            e.json_page(
                ENTRY_COLUMNS,
                &format!("{from_orders} AND o.planned_end < $1{cond_o}"),
                &["o.planned_end", "o.commune_code", "o.id"],
                page
            ),
            e.json_page(
                ENTRY_COLUMNS,
                &format!(
                    "FROM (SELECT u.id, u.commune_code FROM u ORDER BY u.commune_code, u.id {page}) k \
                     JOIN quarantine_orders o ON o.id = k.id JOIN persons p ON p.id = o.person_id"
                ),
                &["k.commune_code", "k.id"],
                ""
            ),
            crate::declarations::declared_symptoms_sql(e, &cond_d, "$1"),
            crate::places::free_beds_sql(e, &cond_p),
        );
        b.push(&sql);
        let q = b.bind_onto(
            sqlx::query(b.sql())
                .bind(d.as_str())
                .bind(paging.limit)
                .bind(paging.offset)
                .bind(start.as_str())
                .bind(end.as_str()),
        );
        let r = q.fetch_one(&self.read).await?;
        let json = |column: &str| r.try_get::<String, _>(column);
        let list = |count: &str, page: &str| -> Result<DayList> {
            Ok(DayList {
                total: r.try_get(count)?,
                entries: serde_json::from_str(&json(page)?)?,
            })
        };
        Ok(QuarantineDay {
            day: d.clone(),
            active: r.try_get("active")?,
            paging,
            tests_due: list("tests_due", "tests_due_page")?,
            ending: list("ending", "ending_page")?,
            overdue: list("overdue", "overdue_page")?,
            missed_declaration: list("missed", "missed_page")?,
            declared_symptoms: crate::declarations::declarations_from_json(&json("symptoms")?)?,
            missing_vitals: crate::MissingVitalsList {
                total: r.try_get("vitals")?,
                entries: serde_json::from_str(&json("vitals_page")?)?,
            },
            open_alerts: crate::OpenAlerts {
                total: r.try_get("alerts")?,
                oldest: r.try_get("alerts_oldest")?,
                entries: serde_json::from_str(&json("alerts_page")?)?,
            },
            free_beds: crate::places::free_beds_from_json(&json("beds")?)?,
        })
    }
}
