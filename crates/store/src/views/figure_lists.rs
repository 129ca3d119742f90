//! The records behind each figure of a report: for a unit, a period and a
//! figure, exactly the people (or samples, tests) that figure counts, with
//! the same conditions and the same day — written here as plain SQL over
//! the records, apart from the kept figures (`figures` module), so that a
//! test comparing the two checks each against the other.
//!
//! A flow lists what happened on the days of the period; a stock, what
//! stood at the end of its last day (`to`). Capacity in beds and the
//! equipment kept are not people and have their own pages.
//!
//! Served at `/reports/figure` and `GET /api/v1/reports/figure`;
//! `testing::figures_against_lists` checks the kept figures and the lists
//! against each other: a figure opens exactly its records.

use crate::sql::QueryBuilder;
use crate::{Dialect, Paging, Result, Scope, Store, StoreError};
use chrono::NaiveDate;
use phongdich_domain::{UnitCode, UnitLevel};
use serde::Serialize;
use sqlx::Row;

/// One line of a figure's list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FigureEntry {
    /// The person, when the line is one (a pool's test is not).
    pub person_id: Option<i64>,
    pub full_name: Option<String>,
    /// The commune the figure counts the line in.
    pub commune_code: String,
    pub commune_name: String,
    /// The day that dates the line (confirmed, recovered, first day of the
    /// class, sample taken, result, release…).
    pub day: String,
    /// What the line is: a case's number, a sample's or pool's code, the
    /// order's kind, the class.
    pub detail: String,
}

/// A figure's list, a page at a time, with its whole count.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FigureList {
    pub key: String,
    pub unit_code: String,
    pub unit_name: String,
    pub from: String,
    pub to: String,
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
    pub entries: Vec<FigureEntry>,
}

/// Whether `key` has a list of its records here (capacity has its pages).
pub fn has_list(key: &str) -> bool {
    phongdich_domain::report::LINES.iter().any(|l| l.key == key)
        && !matches!(key, "beds" | "oxygen_equipment")
}

/// The day before the date column `x` (`YYYY-MM-DD`).
fn day_before(engine: Dialect, x: &str) -> String {
    match engine {
        Dialect::Sqlite => format!("date({x}, '-1 day')"),
        Dialect::Postgres => format!("TO_CHAR(CAST({x} AS DATE) - 1, 'YYYY-MM-DD')"),
    }
}

/// The inner query of `key`'s list: columns `person_id`, `unit` (commune),
/// `day`, `detail`, `rid` (a tie-breaker). `$1` is the period's first day,
/// `$2` its last (D), `$3` the wave's first day; `scope(alias)` restricts
/// the rows of a table to the unit.
fn inner(engine: Dialect, key: &str, scope: &dyn Fn(&str) -> String) -> Option<String> {
    let vday = |c: &str| crate::sql::vietnam_day(engine, c);
    let cases = |from: &str, extra: &str| {
        format!(
            "SELECT c.person_id, c.commune_code AS unit, c.confirmed_on AS day, COALESCE(c.official_code, c.local_code, c.code) AS detail, \
             c.id AS rid FROM cases c WHERE c.confirmed_on >= {from} AND c.confirmed_on <= $2{extra}{}",
            scope("c")
        )
    };
    let domestic = " AND c.source_kind NOT IN ('imported', 'other_province')";
    let last_step = "(SELECT s.from_on FROM case_courses s WHERE s.case_id = c.id ORDER BY s.from_on DESC, s.id DESC LIMIT 1)";
    let ended = |course: &str| {
        format!(
            "SELECT x.person_id, x.unit, x.day, x.detail, x.rid FROM (SELECT c.person_id, c.commune_code AS unit, \
             {last_step} AS day, COALESCE(c.official_code, c.local_code, c.code) AS detail, c.id AS rid FROM cases c \
             WHERE c.course = '{course}'{}) x WHERE x.day >= $1 AND x.day <= $2",
            scope("c")
        )
    };
    // The step a case's course stood at by the end of D.
    let treated = |courses: &str| {
        format!(
            "SELECT x.person_id, x.unit, x.day, x.detail, x.rid FROM (SELECT c.person_id, c.commune_code AS unit, \
             c.confirmed_on AS day, COALESCE(c.official_code, c.local_code, c.code) AS detail, c.id AS rid, \
             (SELECT s.course FROM case_courses s WHERE s.case_id = c.id AND s.from_on <= $2 ORDER BY s.from_on DESC, s.id DESC LIMIT 1) AS course \
             FROM cases c WHERE c.confirmed_on <= $2{}) x WHERE x.course IN ({courses})",
            scope("c")
        )
    };
    // The class periods holding at the end of D.
    let holding = |level: i64| {
        format!(
            "SELECT k.person_id, k.commune_code AS unit, k.from_on AS day, 'F{level}' AS detail, k.id AS rid \
             FROM class_periods k WHERE k.level = {level} AND k.from_on <= $2 AND (k.to_on IS NULL OR k.to_on >= $2){}",
            scope("k")
        )
    };
    let running = |person: &str| {
        format!(
            "EXISTS (SELECT 1 FROM quarantine_orders o WHERE o.person_id = {person} AND o.status <> 'cancelled' \
             AND o.start_on <= $2 AND (o.released_on IS NULL OR o.released_on > $2))"
        )
    };
    // The F1s of D with their latest sample since their period began, and
    // its result as known at the end of D.
    let followed = |condition: &str| {
        format!(
            "SELECT y.person_id, y.unit, y.day, y.detail, y.rid FROM (SELECT x.*, \
               CASE WHEN x.own IN ('positive', 'negative') THEN x.own WHEN x.own IS NOT NULL THEN 'pending' \
                 WHEN x.pool = 'negative' THEN 'negative' ELSE 'pending' END AS outcome \
             FROM (SELECT w.*, \
               (SELECT r.outcome FROM test_results r WHERE r.sample_id = w.sid AND r.resulted_on <= $2 \
                  ORDER BY r.resulted_on DESC, r.id DESC LIMIT 1) AS own, \
               (SELECT r.outcome FROM test_results r JOIN samples s2 ON s2.pool_id = r.pool_id \
                  WHERE s2.id = w.sid AND r.resulted_on <= $2 ORDER BY r.resulted_on DESC, r.id DESC LIMIT 1) AS pool \
             FROM (SELECT k.person_id, k.commune_code AS unit, k.from_on AS day, 'F1' AS detail, k.id AS rid, \
               CASE WHEN {} THEN 1 ELSE 0 END AS quarantined, \
               CASE WHEN EXISTS (SELECT 1 FROM contact_reviews v WHERE v.person_id = k.person_id AND v.outcome = 'confirmed' \
                 AND v.reviewed_on >= k.from_on AND v.reviewed_on <= $2) THEN 1 ELSE 0 END AS reviewed, \
               (SELECT s.id FROM samples s WHERE s.person_id = k.person_id AND s.collected_on >= k.from_on \
                  AND s.collected_on <= $2 ORDER BY s.collected_on DESC, s.id DESC LIMIT 1) AS sid \
             FROM class_periods k WHERE k.level = 1 AND k.from_on <= $2 AND (k.to_on IS NULL OR k.to_on >= $2){}) w) x) y \
             WHERE {condition}",
            running("k.person_id"),
            scope("k")
        )
    };
    let orders = |kind: &str| {
        format!(
            "SELECT o.person_id, o.commune_code AS unit, o.start_on AS day, o.kind AS detail, o.id AS rid \
             FROM quarantine_orders o WHERE o.status <> 'cancelled' AND o.kind = '{kind}' AND o.start_on <= $2 \
             AND (o.released_on IS NULL OR o.released_on > $2){}",
            scope("o")
        )
    };
    let tests = |outcome: &str| {
        format!(
            "SELECT s.person_id, s.commune_code AS unit, r.resulted_on AS day, s.code AS detail, r.id AS rid \
             FROM test_results r JOIN samples s ON s.id = r.sample_id WHERE r.resulted_on >= $1 AND r.resulted_on <= $2{outcome}{} \
             UNION ALL SELECT NULL, p.commune_code, r.resulted_on, p.code, r.id FROM test_results r JOIN pools p ON p.id = r.pool_id \
             WHERE r.resulted_on >= $1 AND r.resulted_on <= $2{outcome}{}",
            scope("s"),
            scope("p")
        )
    };
    let alerts = |extra: &str| {
        format!(
            "SELECT x.person_id, x.unit, x.day, x.detail, x.rid FROM (SELECT a.person_id, a.commune_code AS unit, {} AS day, \
             a.status AS detail, a.id AS rid, a.escalations FROM treatment_alerts a WHERE 1 = 1{}) x \
             WHERE x.day >= $1 AND x.day <= $2{extra}",
            vday("a.raised_at"),
            scope("a")
        )
    };
    Some(match key {
        "f0_new" => cases("$1", ""),
        "f0_new_community" => cases(
            "$1",
            &format!("{domestic} AND c.detected_where <> 'quarantine'"),
        ),
        "f0_new_quarantine" => cases(
            "$1",
            &format!("{domestic} AND c.detected_where = 'quarantine'"),
        ),
        "f0_new_imported" => cases("$1", " AND c.source_kind = 'imported'"),
        "f0_new_other_province" => cases("$1", " AND c.source_kind = 'other_province'"),
        "f0_cumulative" => cases("$3", ""),
        "f0_recovered" => ended("recovered"),
        "f0_deceased" => ended("deceased"),
        "f0_active" => treated("'home', 'hospital', 'icu', 'unplaced'"),
        "f0_home" => treated("'home'"),
        "f0_hospital" => treated("'hospital', 'icu'"),
        "f0_icu" => treated("'icu'"),
        "f0_unplaced" => treated("'unplaced'"),
        "f1" => holding(1),
        "f2" => holding(2),
        "f3" => holding(3),
        "f4" => holding(4),
        // The F1 periods begun in the period, not continuing one that ended
        // the day before.
        "f1_new" => format!(
            "SELECT k.person_id, k.commune_code AS unit, k.from_on AS day, 'F1' AS detail, k.id AS rid FROM class_periods k \
             WHERE k.level = 1 AND k.from_on >= $1 AND k.from_on <= $2{} AND NOT EXISTS (SELECT 1 FROM class_periods b \
             WHERE b.person_id = k.person_id AND b.level = 1 AND b.to_on = {})",
            scope("k"),
            day_before(engine, "k.from_on")
        ),
        "f1_reviewed" => followed("y.reviewed = 1"),
        "f1_quarantined" => followed("y.quarantined = 1"),
        "f1_sampled" => followed("y.sid IS NOT NULL"),
        "f1_negative" => followed("y.sid IS NOT NULL AND y.outcome = 'negative'"),
        "f1_positive" => followed("y.sid IS NOT NULL AND y.outcome = 'positive'"),
        "f1_pending" => followed("y.sid IS NOT NULL AND y.outcome = 'pending'"),
        "quarantine_centralised" => orders("centralised"),
        "quarantine_home" => orders("home"),
        "quarantine_released" => format!(
            "SELECT o.person_id, o.commune_code AS unit, o.released_on AS day, o.kind AS detail, o.id AS rid \
             FROM quarantine_orders o WHERE o.status = 'released' AND o.released_on >= $1 AND o.released_on <= $2{}",
            scope("o")
        ),
        "samples_taken" => format!(
            "SELECT s.person_id, s.commune_code AS unit, s.collected_on AS day, s.code AS detail, s.id AS rid \
             FROM samples s WHERE s.collected_on >= $1 AND s.collected_on <= $2{}",
            scope("s")
        ),
        "tests_done" => tests(""),
        "tests_positive" => tests(" AND r.outcome = 'positive'"),
        "tests_negative" => tests(" AND r.outcome = 'negative'"),
        "alerts_raised" => alerts(""),
        "alerts_escalated" => alerts(" AND x.escalations > 0"),
        "returnees_received" | "returnees_received_epidemic" => format!(
            "SELECT r.person_id, r.commune_code AS unit, r.home_on AS day, r.code AS detail, r.id AS rid \
             FROM returnee_registrations r WHERE r.home_on IS NOT NULL AND r.status <> 'cancelled' \
             AND r.home_on >= $1 AND r.home_on <= $2{}{}",
            if key == "returnees_received_epidemic" {
                " AND r.area_id IS NOT NULL"
            } else {
                ""
            },
            scope("r")
        ),
        "alerts_open" => {
            let taken = "COALESCE(a.acknowledged_at, a.acted_at)";
            format!(
                "SELECT x.person_id, x.unit, x.day, x.detail, x.rid FROM (SELECT a.person_id, a.commune_code AS unit, \
                 {} AS day, CASE WHEN {taken} IS NULL THEN NULL ELSE {} END AS taken, a.status AS detail, a.id AS rid \
                 FROM treatment_alerts a WHERE 1 = 1{}) x WHERE x.day <= $2 AND (x.taken IS NULL OR x.taken > $2)",
                vday("a.raised_at"),
                vday(taken),
                scope("a")
            )
        }
        "beds_occupied" => format!(
            "SELECT ad.person_id, pl.commune_code AS unit, ad.admitted_on AS day, pl.name AS detail, ad.id AS rid \
             FROM admissions ad JOIN places pl ON pl.id = ad.place_id WHERE ad.admitted_on <= $2 \
             AND (ad.discharged_on IS NULL OR ad.discharged_on > $2){}",
            scope("pl")
        ),
        "oxygen_lent" => format!(
            "SELECT ol.person_id, e.unit_code AS unit, {} AS day, e.label AS detail, ol.id AS rid \
             FROM oxygen_loans ol JOIN oxygen_equipment e ON e.id = ol.equipment_id WHERE {} <= $2 \
             AND (ol.returned_at IS NULL OR {} > $2){}",
            vday("ol.lent_at"),
            vday("ol.lent_at"),
            vday("ol.returned_at"),
            scope("e")
        ),
        _ => return None,
    })
}

/// The period of a figure: its days `from..=to`, and the wave's first day
/// (`f0_cumulative` counts from it).
#[derive(Debug, Clone, Copy)]
pub struct FigurePeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub wave_start: NaiveDate,
}

impl Store {
    /// A hamlet's figures for `from..=to`: each figure the count of its
    /// records among the people living there (hamlets keep no rows of their
    /// own; a hamlet is small). Capacity and medians are the commune's.
    pub(crate) async fn hamlet_figures(
        &self,
        scope: &Scope,
        hamlet: &str,
        period: FigurePeriod,
    ) -> Result<phongdich_domain::report::Figures> {
        let mut figures = phongdich_domain::report::Figures::default();
        for line in phongdich_domain::report::LINES {
            if !has_list(line.key) || line.key == "beds_occupied" || line.key == "oxygen_lent" {
                continue;
            }
            let list = self
                .figure_list(scope, line.key, hamlet, period, Paging::new(0, 1))
                .await?;
            if let Some(slot) = figures.slot(line.key) {
                *slot = list.total;
            }
        }
        Ok(figures)
    }

    /// The records behind figure `key` of `unit_code`'s report for
    /// `from..=to` (Vietnam's days; `wave_start` for `f0_cumulative`), a page
    /// at a time: exactly as many as the report counts. A unit outside the
    /// reader's jurisdiction, and a key without a list, are not found.
    pub async fn figure_list(
        &self,
        scope: &Scope,
        key: &str,
        unit_code: &str,
        period: FigurePeriod,
        paging: Paging,
    ) -> Result<FigureList> {
        let FigurePeriod {
            from,
            to,
            wave_start,
        } = period;
        let unit = self.unit(unit_code).await?;
        if !scope.contains(&unit) {
            return Err(StoreError::not_found(crate::error::Entity::Unit, unit_code));
        }
        // A hamlet's records are its commune's of the people living in it
        // (a pool's test, of no one person, is not a hamlet's).
        let (counted, hamlet) = match (&unit.level, &unit.commune_code) {
            (UnitLevel::Hamlet, Some(commune)) => (commune.clone(), Some(unit.code.clone())),
            _ => (unit.code.clone(), None),
        };
        let code = UnitCode::parse(&counted).map_err(phongdich_domain::Invalid::from)?;
        // Every table of the inner queries restricted to the unit, all by
        // the one value `$4` (after the three days).
        const ALIASES: [&str; 9] = ["c", "k", "o", "s", "p", "a", "pl", "e", "r"];
        let mut b = QueryBuilder::numbered(String::new(), 3);
        let conditions = Scope::unit(code).and_filters(&mut b, ALIASES);
        let restrict = |alias: &str| {
            let i = ALIASES.iter().position(|a| *a == alias);
            conditions[i.expect("a table of the inner queries")].clone()
        };
        let sql = if has_list(key) {
            inner(self.dialect, key, &restrict)
        } else {
            None
        }
        .ok_or_else(|| StoreError::not_found(crate::error::Entity::Figure, key))?;
        let sql = match &hamlet {
            Some(h) => format!(
                "SELECT h.* FROM ({sql}) h WHERE h.person_id IN (SELECT q.id FROM persons q WHERE q.hamlet_code = {})",
                b.mark(h)
            ),
            None => sql,
        };
        let days = [from.to_string(), to.to_string(), wave_start.to_string()];
        fn binds<'q>(
            sql: &'q str,
            days: &'q [String],
            b: &'q QueryBuilder,
        ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
            b.bind_onto(
                days.iter()
                    .fold(sqlx::query(sql), |q, d| q.bind(d.as_str())),
            )
        }
        let count_sql = format!("SELECT COUNT(*) AS n FROM ({sql}) z");
        let total: i64 = binds(&count_sql, &days, &b)
            .fetch_one(&self.read)
            .await?
            .try_get("n")?;
        let page_sql = format!(
            "SELECT z.person_id, z.unit, z.day, z.detail, p.full_name, u.name AS commune_name FROM ({sql}) z \
             LEFT JOIN persons p ON p.id = z.person_id LEFT JOIN units u ON u.code = z.unit \
             ORDER BY z.day, z.rid LIMIT {} OFFSET {}",
            paging.limit, paging.offset
        );
        let mut entries = Vec::new();
        for r in binds(&page_sql, &days, &b).fetch_all(&self.read).await? {
            entries.push(FigureEntry {
                person_id: r.try_get("person_id")?,
                full_name: r.try_get("full_name")?,
                commune_code: r.try_get::<Option<String>, _>("unit")?.unwrap_or_default(),
                commune_name: r
                    .try_get::<Option<String>, _>("commune_name")?
                    .unwrap_or_default(),
                day: r.try_get::<Option<String>, _>("day")?.unwrap_or_default(),
                detail: r
                    .try_get::<Option<String>, _>("detail")?
                    .unwrap_or_default(),
            });
        }
        Ok(FigureList {
            key: key.to_owned(),
            unit_code: unit.code.clone(),
            unit_name: unit.name.clone(),
            from: from.to_string(),
            to: to.to_string(),
            total,
            offset: paging.offset,
            limit: paging.limit,
            entries,
        })
    }
}
