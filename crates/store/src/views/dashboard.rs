//! The dashboard: a unit's report figures for a period and its last day,
//! the day-by-day series behind its charts (new F0 by source, tests by
//! result, new F0 of each unit one level below for sparklines) and its
//! busiest clusters. Each series is one grouped query (by day, or by day and
//! unit), never a query per day or per unit, and every query is restricted
//! to the unit in SQL — which itself must lie in the reader's jurisdiction.
//!
//! `DashboardQuery`: the reader's own unit and the last 28 days by default;
//! `dashboard_period` checks the days (valid, in order, not after today, at
//! most 120). It reads `report_figures` of the period, of its last day and of
//! the day before (the trend; the two days are counted with
//! `reports::Counts::Flows`, and what stands now — classes, F1 follow-up,
//! capacity, `reports::CURRENT_ONLY` — is counted once and copied, as it is the
//! same for every period), and the series behind the charts, each one grouped
//! query over `figure_days`: new F0 per day by source (the report's
//! definitions: community = neither imported nor found in quarantine), reaching
//! 6 days back for the trailing 7-day average; tests with a result per day by
//! outcome (samples and pools, `UNION ALL`, a pool is one test); new F0 per
//! unit one level below and day over the last 14 days (none under a commune,
//! whose hamlets keep no cases); the 10 active clusters of the unit with the
//! most members whose case is still active. Days without records are filled in
//! Rust, so each series has one entry per day. The unit is checked against the
//! reader's scope by `report_figures` (outside: not found).

use crate::sql::QueryBuilder;
use crate::views::reports::{CAPACITY, Counts, ReportFigures};
use crate::{Result, Scope, Store, StoreError};
use chrono::{Days, NaiveDate};
use phongdich_domain::contact::parse_date;
use phongdich_domain::report::Figures;
use phongdich_domain::{FieldError, Invalid, UnitCode};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::HashMap;

/// The longest period a dashboard shows, in days (a chart of 120 bars is
/// still readable on a printed A4 page).
pub const MAX_DASHBOARD_DAYS: i64 = 120;
/// Days in the sparkline of each unit of the table.
pub const SPARKLINE_DAYS: u64 = 14;
/// Days in the default period.
pub const DEFAULT_DASHBOARD_DAYS: u64 = 28;

/// What the dashboard is asked for, as typed (a form or a query string).
/// Empty fields take their defaults: the reader's own unit, the last
/// [`DEFAULT_DASHBOARD_DAYS`] days up to today.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DashboardQuery {
    /// A unit code (province, district or commune) within the reader's jurisdiction.
    pub unit: String,
    /// First day (dd/mm/yyyy or yyyy-mm-dd).
    pub from: String,
    /// Last day (dd/mm/yyyy or yyyy-mm-dd), not after today.
    pub to: String,
}

/// One day of the epidemic curve.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CurveDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// New F0 found in the community (not imported, not from another
    /// province, not in quarantine).
    pub community: i64,
    /// New F0 found while already in quarantine.
    pub quarantine: i64,
    /// New imported F0.
    pub imported: i64,
    /// New F0 come from another province.
    pub other_province: i64,
    /// New F0 of the 7 days ending this day, divided by 7.
    pub average_7d: f64,
}

impl CurveDay {
    pub fn total(&self) -> i64 {
        self.community + self.quarantine + self.imported + self.other_province
    }
}

/// Tests with a result on one day (individual samples and pools: a pool is one test).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TestDay {
    pub day: String,
    pub positive: i64,
    pub negative: i64,
    /// Inconclusive and anything else.
    pub other: i64,
}

/// A unit one level below, with its figures for the period and its new F0
/// on each of the last [`SPARKLINE_DAYS`] days (oldest first).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DashboardUnit {
    pub unit_code: String,
    pub unit_name: String,
    pub figures: Figures,
    pub f0_new_by_day: Vec<i64>,
}

/// A cluster of the unit by its members who are active F0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ClusterLoad {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub unit_code: String,
    pub started_on: String,
    pub members: i64,
    /// Members whose case is still active (not recovered, deceased or transferred out).
    pub active_f0: i64,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub unit_code: String,
    pub unit_name: String,
    pub unit_level: String,
    pub from: String,
    pub to: String,
    /// The report figures over the whole period, with the units one level below.
    pub period: ReportFigures,
    /// The figures of the period's last day and of the day before (for trends).
    pub last_day: Figures,
    pub day_before: Figures,
    /// `last_day - day_before`, figure by figure.
    pub change: Figures,
    /// One entry per day of the period, days without cases included.
    pub curve: Vec<CurveDay>,
    /// One entry per day of the period.
    pub tests: Vec<TestDay>,
    /// The days of the sparklines, oldest first (the last is `to`).
    pub sparkline_days: Vec<String>,
    pub units: Vec<DashboardUnit>,
    /// The 10 active clusters with the most active F0.
    pub clusters: Vec<ClusterLoad>,
    /// People returning to the unit in the period.
    pub returnees: crate::ReturneeFigures,
}

/// The period asked for, checked: both days valid, `from ≤ to ≤ today`, at
/// most [`MAX_DASHBOARD_DAYS`] days.
pub fn dashboard_period(
    q: &DashboardQuery,
    today: NaiveDate,
) -> std::result::Result<(NaiveDate, NaiveDate), Invalid> {
    let mut errors = Vec::new();
    let to = if q.to.trim().is_empty() {
        Some(today)
    } else {
        parse_date("to", &q.to).map_err(|e| errors.push(e)).ok()
    };
    let from = if q.from.trim().is_empty() {
        to.map(|t| t - Days::new(DEFAULT_DASHBOARD_DAYS - 1))
    } else {
        parse_date("from", &q.from).map_err(|e| errors.push(e)).ok()
    };
    if let Some(t) = to.filter(|t| *t > today) {
        errors.push(FieldError::new(
            "to",
            "future",
            format!("Ngày {} chưa đến.", t.format("%d/%m/%Y")),
            format!("{} has not come yet.", t.format("%d/%m/%Y")),
        ));
    }
    if let (Some(f), Some(t)) = (from, to) {
        let days = (t - f).num_days() + 1;
        if days < 1 {
            errors.push(FieldError::new(
                "from",
                "after_end",
                "Ngày bắt đầu phải trước ngày kết thúc.",
                "The first day must come before the last.",
            ));
        } else if days > MAX_DASHBOARD_DAYS {
            errors.push(FieldError::new(
                "from",
                "too_long",
                format!("Tối đa {MAX_DASHBOARD_DAYS} ngày (đang chọn {days} ngày)."),
                format!("At most {MAX_DASHBOARD_DAYS} days ({days} chosen)."),
            ));
        }
    }
    match (from, to, errors.is_empty()) {
        (Some(f), Some(t), true) => Ok((f, t)),
        _ => Err(Invalid(errors)),
    }
}

/// Every day of `from..=to`, as `YYYY-MM-DD`.
fn days(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .map(|d| d.to_string())
        .collect()
}

/// The trailing 7-day mean of `counts` (which start 6 days before the first
/// day shown), one value per shown day.
fn average_7d(counts: &[i64]) -> Vec<f64> {
    counts
        .windows(7)
        .map(|w| w.iter().sum::<i64>() as f64 / 7.0)
        .collect()
}

impl Store {
    /// The dashboard of a unit of the reader's jurisdiction (their own unit
    /// when `q.unit` is empty) for a period (the last 28 days by default).
    /// A unit outside the jurisdiction is not found; bad dates are invalid.
    pub async fn dashboard(
        &self,
        scope: &Scope,
        q: &DashboardQuery,
        today: NaiveDate,
    ) -> Result<Dashboard> {
        let (from, to) = dashboard_period(q, today)?;
        let code = match q.unit.trim() {
            "" => match scope.home() {
                Some(home) => home.as_str().to_owned(),
                None => {
                    return Err(StoreError::Invalid(Invalid(vec![FieldError::new(
                        "unit",
                        "required",
                        "Cần chọn đơn vị.",
                        "Choose a unit.",
                    )])));
                }
            },
            c => c.to_owned(),
        };
        // `f0_cumulative` counts from the province's wave start (a setting).
        let province = self.unit(&code).await?.province_code;
        let wave = self.wave_start(&province).await?;
        // report_figures checks the unit against the reader's scope (not found outside).
        let period = self
            .report_of(scope, &code, from, to, wave, Counts::Figures)
            .await?;
        // The two days of the trend, each as it stood at its end; capacity
        // (counted from its small tables) once, for the period's end.
        let yesterday = to - Days::new(1);
        let day = |d: NaiveDate| self.report_of(scope, &code, d, d, wave, Counts::Kept);
        let (mut last_day, mut day_before) = (day(to).await?, day(yesterday).await?);
        for key in CAPACITY {
            let now = period.figures.get(key).unwrap_or(0);
            for f in [&mut last_day.figures, &mut day_before.figures] {
                if let Some(slot) = f.slot(key) {
                    *slot = now;
                }
            }
        }
        let unit = self.unit(&code).await?;
        let within = Scope::unit(UnitCode::parse(&unit.code).map_err(Invalid::from)?);

        let curve = self.f0_curve(&within, from, to).await?;
        let tests = self.tests_by_day(&within, from, to).await?;
        let spark_from = to - Days::new(SPARKLINE_DAYS - 1);
        let sparkline_days = days(spark_from, to);
        let mut by_unit = match crate::units::child_column(unit.level) {
            Some(column) => {
                self.f0_by_unit_and_day(&within, column, spark_from, to)
                    .await?
            }
            None => HashMap::new(),
        };
        let units = period
            .children
            .iter()
            .map(|c| {
                let per_day = by_unit.remove(&c.unit_code).unwrap_or_default();
                DashboardUnit {
                    unit_code: c.unit_code.clone(),
                    unit_name: c.unit_name.clone(),
                    figures: c.figures.clone(),
                    f0_new_by_day: sparkline_days
                        .iter()
                        .map(|d| per_day.get(d).copied().unwrap_or(0))
                        .collect(),
                }
            })
            .collect();
        let clusters = self.top_clusters(&within, 10).await?;
        let returnees = self.returnee_figures(&within, from, to).await?;
        let change = phongdich_domain::report::change(&last_day.figures, &day_before.figures);
        Ok(Dashboard {
            unit_code: unit.code.clone(),
            unit_name: unit.name.clone(),
            unit_level: unit.level.as_str().to_owned(),
            from: from.to_string(),
            to: to.to_string(),
            period,
            last_day: last_day.figures,
            day_before: day_before.figures,
            change,
            curve,
            tests,
            sparkline_days,
            units,
            clusters,
            returnees,
        })
    }

    /// New F0 per day of `from..=to` by source, with the 7-day average (the
    /// query reaches 6 days further back for it). Same definitions as the
    /// report's `f0_new_*`.
    pub async fn f0_curve(
        &self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<CurveDay>> {
        let back = from - Days::new(6);
        self.refresh_figures(scope).await?;
        let mut b = QueryBuilder::numbered(String::new(), 2);
        let (table, c) = day_rows(scope, &mut b);
        b.push(&format!(
            "SELECT d.day, CAST(SUM(d.f0_new_community) AS BIGINT) AS community, CAST(SUM(d.f0_new_quarantine) AS BIGINT) AS quarantine, \
             CAST(SUM(d.f0_new_imported) AS BIGINT) AS imported, CAST(SUM(d.f0_new_other_province) AS BIGINT) AS other_province \
             FROM {table} d WHERE d.day BETWEEN $1 AND $2{c} GROUP BY d.day"
        ));
        let rows = self.rows_between(&b, back, to).await?;
        let mut found: HashMap<String, CurveDay> = HashMap::new();
        for r in rows {
            let day: String = r.try_get("day")?;
            let n = |k: &str| {
                r.try_get::<Option<i64>, _>(k)
                    .map(Option::unwrap_or_default)
            };
            found.insert(
                day.clone(),
                CurveDay {
                    day,
                    community: n("community")?,
                    quarantine: n("quarantine")?,
                    imported: n("imported")?,
                    other_province: n("other_province")?,
                    average_7d: 0.0,
                },
            );
        }
        let all: Vec<CurveDay> = days(back, to)
            .into_iter()
            .map(|d| {
                found.remove(&d).unwrap_or(CurveDay {
                    day: d,
                    ..Default::default()
                })
            })
            .collect();
        let totals: Vec<i64> = all.iter().map(CurveDay::total).collect();
        Ok(all
            .into_iter()
            .skip(6)
            .zip(average_7d(&totals))
            .map(|(mut d, avg)| {
                d.average_7d = avg;
                d
            })
            .collect())
    }

    /// Tests with a result per day of `from..=to` by outcome: individual
    /// samples and pools, each result one test, as in the report.
    pub async fn tests_by_day(
        &self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<TestDay>> {
        self.refresh_figures(scope).await?;
        let mut b = QueryBuilder::numbered(String::new(), 2);
        let (table, c) = day_rows(scope, &mut b);
        b.push(&format!(
            "SELECT d.day, CAST(SUM(d.tests_positive) AS BIGINT) AS positive, CAST(SUM(d.tests_negative) AS BIGINT) AS negative, \
             CAST(SUM(d.tests_done) AS BIGINT) AS done FROM {table} d WHERE d.day BETWEEN $1 AND $2{c} GROUP BY d.day"
        ));
        let rows = self.rows_between(&b, from, to).await?;
        let mut found: HashMap<String, TestDay> = HashMap::new();
        for r in rows {
            let day: String = r.try_get("day")?;
            let n = |k: &str| {
                r.try_get::<Option<i64>, _>(k)
                    .map(Option::unwrap_or_default)
            };
            let (positive, negative, done) = (n("positive")?, n("negative")?, n("done")?);
            found.insert(
                day.clone(),
                TestDay {
                    day,
                    positive,
                    negative,
                    other: done - positive - negative,
                },
            );
        }
        Ok(days(from, to)
            .into_iter()
            .map(|d| {
                found.remove(&d).unwrap_or(TestDay {
                    day: d,
                    ..Default::default()
                })
            })
            .collect())
    }

    /// New F0 per unit (the `column` of the cases: `district_code` or
    /// `commune_code`) and day of `from..=to`: unit → day → count.
    pub async fn f0_by_unit_and_day(
        &self,
        scope: &Scope,
        column: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<HashMap<String, HashMap<String, i64>>> {
        // Only the known columns reach the SQL text.
        let column = match column {
            "province_code" => "province_code",
            "district_code" => "district_code",
            _ => "commune_code",
        };
        self.refresh_figures(scope).await?;
        let mut b = QueryBuilder::numbered(String::new(), 2);
        let [c] = scope.and_filters(&mut b, ["d"]);
        b.push(&format!(
            "SELECT d.{column} AS unit, d.day, CAST(SUM(d.f0_new) AS BIGINT) AS n FROM figure_days d \
             WHERE d.day BETWEEN $1 AND $2{c} GROUP BY d.{column}, d.day"
        ));
        let rows = self.rows_between(&b, from, to).await?;
        let mut out: HashMap<String, HashMap<String, i64>> = HashMap::new();
        for r in rows {
            let unit: Option<String> = r.try_get("unit")?;
            out.entry(unit.unwrap_or_default())
                .or_default()
                .insert(r.try_get("day")?, r.try_get("n")?);
        }
        Ok(out)
    }

    /// The active clusters lying in the scope with the most members who are
    /// active F0 (then the most members), at most `limit`.
    pub async fn top_clusters(&self, scope: &Scope, limit: i64) -> Result<Vec<ClusterLoad>> {
        let active = "CASE WHEN ca.id IS NOT NULL AND ca.course NOT IN ('recovered', 'deceased', 'transferred_out') THEN 1 ELSE 0 END";
        // A hamlet's clusters are those placed in it (clusters keep no
        // hamlet column of their own).
        let mut b = QueryBuilder::numbered(String::new(), 1);
        let c = match scope.root() {
            Some(u) if u.level() == phongdich_domain::UnitLevel::Hamlet => {
                format!(" AND cl.unit_code = {}", b.mark(u.as_str()))
            }
            _ => {
                let [c] = scope.and_filters(&mut b, ["cl"]);
                c
            }
        };
        b.push(&format!(
            "SELECT cl.id, cl.name, cl.kind, cl.unit_code, cl.started_on, COUNT(m.person_id) AS members, \
             SUM({active}) AS active_f0 \
             FROM clusters cl JOIN cluster_members m ON m.cluster_id = cl.id \
             LEFT JOIN cases ca ON ca.person_id = m.person_id \
             WHERE cl.status = 'active'{c} \
             GROUP BY cl.id, cl.name, cl.kind, cl.unit_code, cl.started_on \
             ORDER BY SUM({active}) DESC, COUNT(m.person_id) DESC, cl.id LIMIT $1"
        ));
        let rows = b
            .bind_onto(sqlx::query(b.sql()).bind(limit))
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ClusterLoad {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    kind: r.try_get("kind")?,
                    unit_code: r.try_get("unit_code")?,
                    started_on: r.try_get("started_on")?,
                    members: r.try_get("members")?,
                    active_f0: r
                        .try_get::<Option<i64>, _>("active_f0")?
                        .unwrap_or_default(),
                })
            })
            .collect()
    }
}

impl Store {
    /// The rows of a query whose `$1` and `$2` are the first and last day
    /// and whose `$3`, if any, is the scope's parameter (`b` numbered after
    /// the two days, its text pushed).
    async fn rows_between(
        &self,
        b: &QueryBuilder,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<sqlx::any::AnyRow>> {
        let q = sqlx::query(b.sql())
            .bind(from.to_string())
            .bind(to.to_string());
        Ok(b.bind_onto(q).fetch_all(&self.read).await?)
    }
}

/// The rows by day the curve and the tests by day sum (`$1`, `$2` the
/// days, `$3` the scope's parameter, bound in `b`'s turn: `b` numbered
/// after the two days) and the condition on them: the communes' kept
/// days, or for a hamlet (which keeps none) its records among the people
/// living there — new cases by where found, tests of their samples (a
/// pool's test is no one person's).
fn day_rows(scope: &Scope, b: &mut QueryBuilder) -> (String, String) {
    match scope.root() {
        Some(u) if u.level() == phongdich_domain::UnitLevel::Hamlet => {
            let h = b.mark_shared(u.as_str());
            (
                format!(
                    "(SELECT c.confirmed_on AS day, \
               CASE WHEN c.source_kind NOT IN ('imported', 'other_province') AND c.detected_where <> 'quarantine' THEN 1 ELSE 0 END AS f0_new_community, \
               CASE WHEN c.source_kind NOT IN ('imported', 'other_province') AND c.detected_where = 'quarantine' THEN 1 ELSE 0 END AS f0_new_quarantine, \
               CASE WHEN c.source_kind = 'imported' THEN 1 ELSE 0 END AS f0_new_imported, \
               CASE WHEN c.source_kind = 'other_province' THEN 1 ELSE 0 END AS f0_new_other_province, \
               0 AS tests_done, 0 AS tests_positive, 0 AS tests_negative \
             FROM cases c JOIN persons q ON q.id = c.person_id WHERE q.hamlet_code = {h} \
             UNION ALL SELECT r.resulted_on, 0, 0, 0, 0, 1, CASE WHEN r.outcome = 'positive' THEN 1 ELSE 0 END, \
               CASE WHEN r.outcome = 'negative' THEN 1 ELSE 0 END \
             FROM test_results r JOIN samples s ON s.id = r.sample_id JOIN persons q ON q.id = s.person_id \
             WHERE q.hamlet_code = {h})"
                ),
                String::new(),
            )
        }
        _ => {
            let [c] = scope.and_filters(b, ["d"]);
            ("figure_days".to_owned(), c)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn q(from: &str, to: &str) -> DashboardQuery {
        DashboardQuery {
            unit: String::new(),
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn the_period_defaults_to_four_weeks_and_is_checked() {
        let today = d("2021-08-31");
        assert_eq!(
            dashboard_period(&q("", ""), today).ok(),
            Some((d("2021-08-04"), today))
        );
        assert_eq!(
            dashboard_period(&q("01/08/2021", "2021-08-10"), today).ok(),
            Some((d("2021-08-01"), d("2021-08-10")))
        );
        let codes = |from: &str, to: &str| -> Vec<String> {
            dashboard_period(&q(from, to), today)
                .err()
                .map(|i| {
                    i.0.iter()
                        .map(|e| format!("{}:{}", e.field, e.code))
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(codes("x", ""), ["from:invalid_date"]);
        assert_eq!(codes("", "01/09/2021"), ["to:future"]);
        assert_eq!(codes("10/08/2021", "09/08/2021"), ["from:after_end"]);
        assert_eq!(codes("01/01/2021", "31/08/2021"), ["from:too_long"]);
        // 120 days exactly is allowed.
        assert!(dashboard_period(&q("2021-05-04", "2021-08-31"), today).is_ok());
    }

    #[test]
    fn the_average_trails_seven_days() {
        let counts = [7, 0, 0, 0, 0, 0, 0, 14, 0];
        assert_eq!(average_7d(&counts), [1.0, 2.0, 2.0]);
    }
}
