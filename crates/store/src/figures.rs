//! The report figures of each commune kept as rows (migrations 17, 20): on
//! each day (`figure_days`), what happened (the flows, dated by when it
//! happened) and how each stock changed, so that a stock at the end of any
//! day D is the sum of its changes up to D; and the turnaround of each day's
//! tests (`figure_turnaround`). Stocks come from dated records: a case's
//! course steps (`case_courses`), the periods each class held
//! (`class_periods`), orders from start to release, samples and results by
//! their days, alerts from raised to taken.
//!
//! Invariant: for every commune not listed in `figure_changes` (nor the
//! class commune of a person listed in `figure_person_changes`), its rows
//! equal what [`compute`] counts from the records. Triggers on every table
//! the figures come from append the communes a write touches (the row's
//! own) and, for samples and orders, the person — the F1 follow-up counts a
//! person where they are classed, which only the refresh can read
//! consistently; [`Store::refresh_figures`] recomputes the listed communes
//! of a scope and removes exactly the entries it has seen, in one
//! transaction (on PostgreSQL at REPEATABLE READ under a table lock, so
//! an entry committed after its snapshot stays for the next refresh). Every
//! reader of figures refreshes its scope first, so the rows are never older
//! than the records the reader could see.
//!
//! A day is Vietnam's day: timestamps (history, alerts) are bucketed at UTC+7,
//! dates (confirmation, course steps, sampling, results, releases) are
//! already local.
//!
//! What the rows hold: on each Vietnam day, new F0 by source, recovered,
//! deceased, F1 newly traced, releases, samples, tests by outcome, alerts
//! raised and escalated — each dated by when it happened, not when it was typed
//! — and how much each stock changed (F0 in treatment by place, F1–F4, the F1s'
//! follow-up, quarantine by kind, open alerts); `figure_turnaround` holds each
//! day's tests of individual samples by whole days from sample to result, for
//! exact medians. Case courses (`case_courses`:
//! home/hospital/icu/unplaced/recovered/deceased, each from its day) are kept
//! by `class_periods::sync_course` after every case write, and class periods by
//! `persist_changes` from the engine's changes. A recovery or death must carry
//! its date (store, API, page, import). F1 newly traced is the F1 periods
//! beginning on each day (by exposure), not one continuing a period that ended
//! the day before, summed over the period's days.
//!
//! The triggers (on cases, person_classes, class_history, samples,
//! test_results, quarantine_orders, treatment_alerts; `0017_figures.sqlite.sql`
//! / `.postgres.sql`, the same logic) append to `figure_changes` the communes a
//! write touches (the row's own; a result's sample or pool's) and, for samples
//! and orders, the person to `figure_person_changes`: a trigger cannot see a
//! class change another writer has not yet committed, so the refresh turns the
//! people into communes inside its own snapshot. Append-only, so writers never
//! wait on one another there (an upserted flag per commune would make
//! PostgreSQL writers lock rows in any order, and deadlock).
//! `refresh_figures(scope)` recounts the listed communes of the scope (listed
//! one by one up to 40, else the whole scope in one pass), rewrites their rows
//! and deletes the entries it saw, in one transaction: on SQLite the one write
//! connection serialises it with every writer; on PostgreSQL at REPEATABLE READ
//! after `LOCK TABLE figure_days IN EXCLUSIVE MODE` (refreshers queue, readers
//! do not; the snapshot is taken after the lock), and serialization failures
//! are retried. A refresh with nothing listed is one indexed look-up; `serve`
//! also refreshes every 10 s, province by province. `recount_figures(scope)`
//! lists every commune again (`phongdich recount [--unit]`). The test
//! `tests/figures.rs` compares the kept rows with a recount after every kind of
//! write, on both engines, and every figure of the story's days with its list
//! (`figure_lists`).
//!
//! Decision: figures kept as dated rows. Runners-up: replaying the engine as of
//! each day (exact, but a report would re-run tracing); daily snapshots written
//! at day close (wrong for history entered late, and they leave "what stands
//! now" to be counted live, which was most of the dashboard's time).

use crate::sql::QueryBuilder;
use crate::sql::{fetch_ids, in_list, placeholders, vietnam_day};
use crate::{Dialect, Result, Scope, Store};
use chrono::NaiveDate;
use phongdich_domain::UnitLevel;
use phongdich_domain::report::Figures;
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, HashMap};

/// The flows counted per day (`figure_days`).
pub const DAY_KEYS: [&str; 17] = [
    "f0_new",
    "f0_new_community",
    "f0_new_quarantine",
    "f0_new_imported",
    "f0_new_other_province",
    "f0_recovered",
    "f0_deceased",
    "f1_new",
    "quarantine_released",
    "samples_taken",
    "tests_done",
    "tests_positive",
    "tests_negative",
    "alerts_raised",
    "alerts_escalated",
    "returnees_received",
    "returnees_received_epidemic",
];

/// The stocks, kept as their change on each day (`figure_days`): a stock at
/// the end of day D is the sum of its changes on the days up to D.
pub const STOCK_KEYS: [&str; 18] = [
    "f0_active",
    "f0_home",
    "f0_hospital",
    "f0_icu",
    "f0_unplaced",
    "f1",
    "f2",
    "f3",
    "f4",
    "f1_reviewed",
    "f1_quarantined",
    "f1_sampled",
    "f1_negative",
    "f1_positive",
    "f1_pending",
    "quarantine_centralised",
    "quarantine_home",
    "alerts_open",
];

/// Above this many changed communes a refresh counts its whole scope in one
/// pass (grouped by commune) instead of listing the communes.
const LIST_AT_MOST: usize = 40;

/// What one commune's rows hold.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct CommuneFigures {
    /// Each day's flows and the stocks' changes on it.
    pub days: BTreeMap<String, Figures>,
    /// (day, days from sample to result) → tests.
    pub turnaround: BTreeMap<(String, i64), i64>,
}

/// Which communes a computation counts.
enum Which<'a> {
    Scope(&'a Scope),
    Communes(&'a [String]),
}

impl Which<'_> {
    /// ` AND …` restricting the rows of `alias` (which carries unit columns),
    /// as a builder holding its text and its values: the statements it is
    /// placed in have no placeholders of their own, and bind its values
    /// with [`QueryBuilder::bind_onto`] (see [`fetch`]).
    fn cond(&self, engine: Dialect, alias: &str) -> QueryBuilder {
        match self {
            Which::Scope(scope) => {
                let mut b = QueryBuilder::numbered(String::new(), 0);
                scope.push_filter(&mut b, alias);
                b
            }
            Which::Communes(codes) => communes_in(engine, &format!("{alias}.commune_code"), codes),
        }
    }

    /// The same restriction on the communes of `units u`, whose own code is
    /// `u.code`.
    fn units_cond(&self, engine: Dialect) -> QueryBuilder {
        match self {
            Which::Scope(_) => self.cond(engine, "u"),
            Which::Communes(codes) => communes_in(engine, "u.code", codes),
        }
    }
}

/// ` AND {column} IN (…)`, one placeholder per code.
fn communes_in(engine: Dialect, column: &str, codes: &[String]) -> QueryBuilder {
    let mut b = QueryBuilder::new(engine);
    b.push(&format!(" AND {column} IN ("))
        .push_list(codes)
        .push(")");
    b
}

/// One value of a row to insert.
enum Cell {
    Text(String),
    Int(i64),
}

/// The rows of `sql`, whose only placeholders are `filter`'s.
async fn fetch(
    tx: &mut Transaction<'static, Any>,
    sql: &str,
    filter: &QueryBuilder,
) -> Result<Vec<sqlx::any::AnyRow>> {
    let q = filter.bind_onto(sqlx::query(sql));
    Ok(q.fetch_all(&mut **tx).await?)
}

/// Add each row's named columns to its commune's figures of its `day`.
fn add_rows(
    rows: &[sqlx::any::AnyRow],
    keys: &[&str],
    into: &mut HashMap<String, CommuneFigures>,
) -> Result<()> {
    for r in rows {
        let unit: Option<String> = r.try_get("unit")?;
        let Some(unit) = unit.filter(|u| !u.is_empty()) else {
            continue;
        };
        let day: Option<String> = r.try_get("day")?;
        let Some(day) = day.filter(|d| !d.is_empty()) else {
            continue;
        };
        let f = into.entry(unit).or_default().days.entry(day).or_default();
        for key in keys {
            let n: Option<i64> = r.try_get(*key)?;
            if let Some(slot) = f.slot(key) {
                *slot += n.unwrap_or(0);
            }
        }
    }
    Ok(())
}

/// The day after `day` (`YYYY-MM-DD`); `day` itself when it does not parse.
pub(crate) fn next_day(day: &str) -> String {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.succ_opt())
        .map_or_else(|| day.to_owned(), |d| d.format("%Y-%m-%d").to_string())
}

/// Add `n` to `key` on `day` of `unit`'s days.
fn bump(out: &mut HashMap<String, CommuneFigures>, unit: &str, day: &str, key: &str, n: i64) {
    if n == 0 || day.is_empty() {
        return;
    }
    let f = out
        .entry(unit.to_owned())
        .or_default()
        .days
        .entry(day.to_owned())
        .or_default();
    if let Some(slot) = f.slot(key) {
        *slot += n;
    }
}

/// A stock's changes for something that holds on `[from, until]` (`until`
/// none: still holding): +1 on its first day, −1 the day after its last.
fn hold(
    out: &mut HashMap<String, CommuneFigures>,
    unit: &str,
    key: &str,
    from: &str,
    until: Option<&str>,
) {
    if until.is_some_and(|u| u < from) {
        return;
    }
    bump(out, unit, from, key, 1);
    if let Some(u) = until {
        bump(out, unit, &next_day(u), key, -1);
    }
}

/// The changes of stocks that are constant between `days` (sorted, with
/// duplicates allowed): `state` at each day, minus the one before; all back
/// to zero on `end` when given.
fn changes_at<const K: usize>(
    out: &mut HashMap<String, CommuneFigures>,
    unit: &str,
    keys: [&str; K],
    days: &[String],
    end: Option<&str>,
    state: impl Fn(&str) -> [i64; K],
) {
    let mut before = [0; K];
    let mut last: Option<&str> = None;
    for day in days {
        if last == Some(day.as_str()) || end.is_some_and(|e| day.as_str() >= e) {
            continue;
        }
        last = Some(day);
        let now = state(day);
        for k in 0..K {
            bump(out, unit, day, keys[k], now[k] - before[k]);
        }
        before = now;
    }
    if let Some(e) = end {
        for k in 0..K {
            bump(out, unit, e, keys[k], -before[k]);
        }
    }
}

/// One step of a case's course (`case_courses`).
struct Step {
    course: String,
    from: String,
}

/// A sample of an F1 and what its tests said, dated.
struct SampleDays {
    collected: String,
    id: i64,
    /// (result day, result id, outcome) of the sample's own tests.
    own: Vec<(String, i64, String)>,
    /// (result day, result id, outcome) of its pool's tests.
    pool: Vec<(String, i64, String)>,
}

impl SampleDays {
    /// `negative`, `positive` or `pending` at the end of `day`: the latest
    /// own result known by then when it says positive or negative (an
    /// inconclusive one means a new test is pending), else a negative pool
    /// (a positive pool waits for the member's own test).
    pub(crate) fn outcome_on(&self, day: &str) -> &'static str {
        fn latest<'a>(v: &'a [(String, i64, String)], day: &str) -> Option<&'a str> {
            v.iter()
                .filter(|r| r.0.as_str() <= day)
                .max_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)))
                .map(|r| r.2.as_str())
        }
        match latest(&self.own, day) {
            Some("positive") => "positive",
            Some("negative") => "negative",
            Some(_) => "pending",
            None => match latest(&self.pool, day) {
                Some("negative") => "negative",
                _ => "pending",
            },
        }
    }
}

/// Count every commune's figures from the records, for every day: the
/// flows on the day they happened, the stocks' changes on the days they
/// changed (the module's doc; the definitions are the report lines').
async fn compute(
    tx: &mut Transaction<'static, Any>,
    engine: Dialect,
    which: &Which<'_>,
) -> Result<HashMap<String, CommuneFigures>> {
    let mut out: HashMap<String, CommuneFigures> = HashMap::new();
    let when = |alias: &str| which.cond(engine, alias);

    // New cases by where found, on the day confirmed.
    let w = when("c");
    let c = w.sql();
    let rows = fetch(
        tx,
        &format!(
            "SELECT c.commune_code AS unit, c.confirmed_on AS day, COUNT(*) AS f0_new, \
             SUM(CASE WHEN c.source_kind NOT IN ('imported', 'other_province') AND c.detected_where <> 'quarantine' THEN 1 ELSE 0 END) AS f0_new_community, \
             SUM(CASE WHEN c.source_kind NOT IN ('imported', 'other_province') AND c.detected_where = 'quarantine' THEN 1 ELSE 0 END) AS f0_new_quarantine, \
             SUM(CASE WHEN c.source_kind = 'imported' THEN 1 ELSE 0 END) AS f0_new_imported, \
             SUM(CASE WHEN c.source_kind = 'other_province' THEN 1 ELSE 0 END) AS f0_new_other_province \
             FROM cases c WHERE 1 = 1{c} GROUP BY c.commune_code, c.confirmed_on"
        ),
        &w,
    )
    .await?;
    add_rows(&rows, &DAY_KEYS[..5], &mut out)?;

    // Each case's course, step by step: in treatment (where) between its
    // steps; recovered or dead on the day of its last step.
    let rows = fetch(
        tx,
        &format!(
            "SELECT c.id, c.commune_code AS unit, c.confirmed_on, s.course, s.from_on FROM cases c \
             JOIN case_courses s ON s.case_id = c.id WHERE 1 = 1{c} ORDER BY c.id, s.from_on, s.id"
        ),
        &w,
    )
    .await?;
    let mut cases: Vec<(String, String, Vec<Step>)> = Vec::new();
    let mut last_id = None;
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        if last_id != Some(id) {
            cases.push((r.try_get("unit")?, r.try_get("confirmed_on")?, Vec::new()));
            last_id = Some(id);
        }
        if let Some(case) = cases.last_mut() {
            case.2.push(Step {
                course: r.try_get("course")?,
                from: r.try_get("from_on")?,
            });
        }
    }
    for (unit, confirmed, steps) in &cases {
        course_changes(&mut out, unit, confirmed, steps);
    }

    // F1–F4 by the periods each class held, and the F1s newly traced: the
    // people whose F1 period began on the day — not one that continues
    // another F1 period ending the day before.
    let w = when("k");
    let c = w.sql();
    let rows = fetch(
        tx,
        &format!(
            "SELECT k.person_id, k.level, k.from_on, k.to_on, k.commune_code AS unit FROM class_periods k \
             WHERE 1 = 1{c} ORDER BY k.person_id, k.from_on, k.id"
        ),
        &w,
    )
    .await?;
    // (person, unit, from, to) of the F1 periods.
    let mut f1_periods: Vec<(i64, String, String, Option<String>)> = Vec::new();
    let mut previous: Option<(i64, i64, Option<String>)> = None;
    for r in &rows {
        let person: i64 = r.try_get("person_id")?;
        let level: i64 = r.try_get("level")?;
        let from: String = r.try_get("from_on")?;
        let to: Option<String> = r.try_get("to_on")?;
        let unit: String = r.try_get("unit")?;
        let key = match level {
            1 => "f1",
            2 => "f2",
            3 => "f3",
            4 => "f4",
            _ => continue,
        };
        hold(&mut out, &unit, key, &from, to.as_deref());
        if level == 1 {
            let continues =
                matches!(&previous, Some((p, 1, Some(t))) if *p == person && next_day(t) == from);
            if !continues {
                bump(&mut out, &unit, &from, "f1_new", 1);
            }
            f1_periods.push((person, unit.clone(), from.clone(), to.clone()));
        }
        previous = Some((person, level, to));
    }
    follow_up_changes(tx, engine, &f1_periods, &mut out).await?;

    // Quarantine by kind while an order runs (its release day ends it);
    // releases on their day. A cancelled order never ran.
    let w = when("o");
    let c = w.sql();
    let rows = fetch(
        tx,
        &format!(
            "SELECT o.commune_code AS unit, o.kind, o.start_on, o.released_on, o.status FROM quarantine_orders o \
             WHERE o.status <> 'cancelled'{c}"
        ),
        &w,
    )
    .await?;
    for r in &rows {
        let unit: String = r.try_get("unit")?;
        let kind: String = r.try_get("kind")?;
        let start: String = r.try_get("start_on")?;
        let released: Option<String> = r.try_get("released_on")?;
        let status: String = r.try_get("status")?;
        // Self-monitoring is not quarantine: released and counted as such,
        // but in neither stock (the list of "in home quarantine" is the
        // `home` orders).
        let key = match kind.as_str() {
            "centralised" => Some("quarantine_centralised"),
            "home" => Some("quarantine_home"),
            _ => None,
        };
        // Released on R: not in quarantine at the end of R.
        let last = released
            .as_deref()
            .filter(|r| *r > start.as_str())
            .map(|r| {
                NaiveDate::parse_from_str(r, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.pred_opt())
                    .map_or_else(|| r.to_owned(), |d| d.format("%Y-%m-%d").to_string())
            });
        match (&released, last) {
            // Released the day it started: never in quarantine at a day's end.
            (Some(_), None) => {}
            (_, last) => {
                if let Some(key) = key {
                    hold(&mut out, &unit, key, &start, last.as_deref())
                }
            }
        }
        if let (Some(day), "released") = (&released, status.as_str()) {
            bump(&mut out, &unit, day, "quarantine_released", 1);
        }
    }

    // Samples taken; results of individual samples and of pools (a pool is
    // one test); the turnaround of individual samples.
    let w = when("s");
    let c = w.sql();
    let rows = fetch(
        tx,
        &format!(
            "SELECT s.commune_code AS unit, s.collected_on AS day, COUNT(*) AS samples_taken FROM samples s \
             WHERE 1 = 1{c} GROUP BY s.commune_code, s.collected_on"
        ),
        &w,
    )
    .await?;
    add_rows(&rows, &["samples_taken"], &mut out)?;
    let rows = fetch(
        tx,
        &format!(
            "SELECT s.commune_code AS unit, r.resulted_on AS day, COUNT(*) AS tests_done, \
             SUM(CASE WHEN r.outcome = 'positive' THEN 1 ELSE 0 END) AS tests_positive, \
             SUM(CASE WHEN r.outcome = 'negative' THEN 1 ELSE 0 END) AS tests_negative \
             FROM test_results r JOIN pools s ON s.id = r.pool_id WHERE 1 = 1{c} GROUP BY s.commune_code, r.resulted_on"
        ),
        &w,
    )
    .await?;
    add_rows(
        &rows,
        &["tests_done", "tests_positive", "tests_negative"],
        &mut out,
    )?;
    let rows = fetch(
        tx,
        &format!(
            "SELECT s.commune_code AS unit, r.resulted_on AS day, s.collected_on AS collected, COUNT(*) AS tests_done, \
             SUM(CASE WHEN r.outcome = 'positive' THEN 1 ELSE 0 END) AS tests_positive, \
             SUM(CASE WHEN r.outcome = 'negative' THEN 1 ELSE 0 END) AS tests_negative \
             FROM test_results r JOIN samples s ON s.id = r.sample_id WHERE 1 = 1{c} \
             GROUP BY s.commune_code, r.resulted_on, s.collected_on"
        ),
        &w,
    )
    .await?;
    add_rows(
        &rows,
        &["tests_done", "tests_positive", "tests_negative"],
        &mut out,
    )?;
    for r in &rows {
        let unit: String = r.try_get("unit")?;
        let day: String = r.try_get("day")?;
        let collected: String = r.try_get("collected")?;
        let parse = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d");
        if let (Ok(a), Ok(b)) = (parse(&collected), parse(&day)) {
            *out.entry(unit)
                .or_default()
                .turnaround
                .entry((day, (b - a).num_days()))
                .or_default() += r.try_get::<i64, _>("tests_done")?;
        }
    }

    // Home-treatment alerts raised (and escalated) by day; open from the day
    // raised until the day taken.
    let w = when("a");
    let c = w.sql();
    let raised = vietnam_day(engine, "a.raised_at");
    let taken = vietnam_day(engine, "COALESCE(a.acknowledged_at, a.acted_at)");
    let rows = fetch(
        tx,
        &format!(
            "SELECT a.commune_code AS unit, {raised} AS day, \
             CASE WHEN COALESCE(a.acknowledged_at, a.acted_at) IS NULL THEN NULL ELSE {taken} END AS taken, \
             a.escalations FROM treatment_alerts a WHERE 1 = 1{c}"
        ),
        &w,
    )
    .await?;
    for r in &rows {
        let unit: String = r.try_get("unit")?;
        let day: String = r.try_get("day")?;
        let taken: Option<String> = r.try_get("taken")?;
        let escalations: i64 = r.try_get("escalations")?;
        bump(&mut out, &unit, &day, "alerts_raised", 1);
        if escalations > 0 {
            bump(&mut out, &unit, &day, "alerts_escalated", 1);
        }
        match taken {
            Some(t) if t <= day => {}
            Some(t) => {
                bump(&mut out, &unit, &day, "alerts_open", 1);
                bump(&mut out, &unit, &t, "alerts_open", -1);
            }
            None => bump(&mut out, &unit, &day, "alerts_open", 1),
        }
    }

    // Returnees received: confirmed home, on the day home, where they went.
    let w = when("r");
    let c = w.sql();
    let rows = fetch(
        tx,
        &format!(
            "SELECT r.commune_code AS unit, r.home_on AS day, COUNT(*) AS returnees_received, \
             SUM(CASE WHEN r.area_id IS NOT NULL THEN 1 ELSE 0 END) AS returnees_received_epidemic \
             FROM returnee_registrations r WHERE r.home_on IS NOT NULL AND r.status <> 'cancelled'{c} \
             GROUP BY r.commune_code, r.home_on"
        ),
        &w,
    )
    .await?;
    add_rows(
        &rows,
        &["returnees_received", "returnees_received_epidemic"],
        &mut out,
    )?;
    Ok(out)
}

/// What a course step counts in: (in treatment, at home, in a facility, in
/// intensive care, place not recorded).
fn treatment(course: &str) -> [i64; 5] {
    match course {
        "home" => [1, 1, 0, 0, 0],
        "hospital" => [1, 0, 1, 0, 0],
        "icu" => [1, 0, 1, 1, 0],
        "unplaced" => [1, 0, 0, 0, 1],
        _ => [0; 5],
    }
}

/// One case's course as stock changes (in treatment and where, from its
/// confirmation) and its end as a flow (recovered, deceased: the day of the
/// last step).
fn course_changes(
    out: &mut HashMap<String, CommuneFigures>,
    unit: &str,
    confirmed: &str,
    steps: &[Step],
) {
    // A step before the confirmation counts from the confirmation.
    let day = |s: &Step| {
        if s.from.as_str() < confirmed {
            confirmed.to_owned()
        } else {
            s.from.clone()
        }
    };
    let days: Vec<String> = steps.iter().map(day).collect();
    changes_at(
        out,
        unit,
        [
            "f0_active",
            "f0_home",
            "f0_hospital",
            "f0_icu",
            "f0_unplaced",
        ],
        &days,
        None,
        |d| {
            // The last step begun by the end of `d` (steps are in order).
            steps
                .iter()
                .zip(&days)
                .rfind(|(_, from)| from.as_str() <= d)
                .map_or([0; 5], |(s, _)| treatment(&s.course))
        },
    );
    if let (Some(last), Some(on)) = (steps.last(), days.last()) {
        match last.course.as_str() {
            "recovered" => bump(out, unit, on, "f0_recovered", 1),
            "deceased" => bump(out, unit, on, "f0_deceased", 1),
            _ => {}
        }
    }
}

/// The follow-up of each F1 period: reviewed (a confirmed contact review
/// since the period began), quarantined (an order running), and of the
/// samples taken since the period began, the latest one's result as known at
/// the end of each day.
async fn follow_up_changes(
    tx: &mut Transaction<'static, Any>,
    engine: Dialect,
    periods: &[(i64, String, String, Option<String>)],
    out: &mut HashMap<String, CommuneFigures>,
) -> Result<()> {
    let mut people: Vec<i64> = periods.iter().map(|p| p.0).collect();
    people.sort_unstable();
    people.dedup();
    // (start, last day running) of each person's orders.
    let mut orders: HashMap<i64, Vec<(String, Option<String>)>> = HashMap::new();
    for r in fetch_ids(
        tx,
        engine,
        "SELECT o.person_id, o.start_on, o.released_on FROM quarantine_orders o \
         WHERE o.status <> 'cancelled' AND o.person_id IN ({list})",
        &people,
    )
    .await?
    {
        orders
            .entry(r.try_get("person_id")?)
            .or_default()
            .push((r.try_get("start_on")?, r.try_get("released_on")?));
    }
    // The days of each person's confirmed contact reviews (rà soát).
    let mut reviews: HashMap<i64, Vec<String>> = HashMap::new();
    for r in fetch_ids(
        tx,
        engine,
        "SELECT v.person_id, v.reviewed_on FROM contact_reviews v WHERE v.outcome = 'confirmed' AND v.person_id IN ({list})",
        &people,
    )
    .await?
    {
        reviews
            .entry(r.try_get("person_id")?)
            .or_default()
            .push(r.try_get("reviewed_on")?);
    }
    let mut samples: HashMap<i64, Vec<SampleDays>> = HashMap::new();
    let mut by_sample: HashMap<i64, (i64, usize)> = HashMap::new();
    let mut by_pool: HashMap<i64, Vec<(i64, usize)>> = HashMap::new();
    for r in fetch_ids(
        tx,
        engine,
        "SELECT s.id, s.person_id, s.collected_on, s.pool_id FROM samples s WHERE s.person_id IN ({list}) ORDER BY s.id",
        &people,
    )
    .await?
    {
        let person: i64 = r.try_get("person_id")?;
        let id: i64 = r.try_get("id")?;
        let list = samples.entry(person).or_default();
        by_sample.insert(id, (person, list.len()));
        if let Some(pool) = r.try_get::<Option<i64>, _>("pool_id")? {
            by_pool.entry(pool).or_default().push((person, list.len()));
        }
        list.push(SampleDays {
            collected: r.try_get("collected_on")?,
            id,
            own: Vec::new(),
            pool: Vec::new(),
        });
    }
    let sample_ids: Vec<i64> = by_sample.keys().copied().collect();
    for r in fetch_ids(
        tx,
        engine,
        "SELECT r.id, r.sample_id, r.outcome, r.resulted_on FROM test_results r WHERE r.sample_id IN ({list})",
        &sample_ids,
    )
    .await?
    {
        let sample: i64 = r.try_get("sample_id")?;
        if let Some((person, i)) = by_sample.get(&sample)
            && let Some(s) = samples.get_mut(person).and_then(|v| v.get_mut(*i))
        {
            s.own
                .push((r.try_get("resulted_on")?, r.try_get("id")?, r.try_get("outcome")?));
        }
    }
    let pool_ids: Vec<i64> = by_pool.keys().copied().collect();
    for r in fetch_ids(
        tx,
        engine,
        "SELECT r.id, r.pool_id, r.outcome, r.resulted_on FROM test_results r WHERE r.pool_id IN ({list})",
        &pool_ids,
    )
    .await?
    {
        let pool: i64 = r.try_get("pool_id")?;
        let result: (String, i64, String) =
            (r.try_get("resulted_on")?, r.try_get("id")?, r.try_get("outcome")?);
        for (person, i) in by_pool.get(&pool).into_iter().flatten() {
            if let Some(s) = samples.get_mut(person).and_then(|v| v.get_mut(*i)) {
                s.pool.push(result.clone());
            }
        }
    }
    let none = Vec::new();
    let no_samples = Vec::new();
    let no_days = Vec::new();
    for (person, unit, from, to) in periods {
        let orders = orders.get(person).unwrap_or(&none);
        let samples = samples.get(person).unwrap_or(&no_samples);
        let reviews = reviews.get(person).unwrap_or(&no_days);
        let in_period = |d: &str| d >= from.as_str() && to.as_deref().is_none_or(|t| d <= t);
        let mut days: Vec<String> = vec![from.clone()];
        for (start, released) in orders {
            days.push(start.clone());
            days.extend(released.clone());
        }
        days.extend(reviews.iter().cloned());
        for s in samples {
            days.push(s.collected.clone());
            days.extend(s.own.iter().map(|r| r.0.clone()));
            days.extend(s.pool.iter().map(|r| r.0.clone()));
        }
        days.retain(|d| in_period(d));
        days.sort_unstable();
        let end = to.as_deref().map(next_day);
        changes_at(
            out,
            unit,
            [
                "f1_reviewed",
                "f1_quarantined",
                "f1_sampled",
                "f1_negative",
                "f1_positive",
                "f1_pending",
            ],
            &days,
            end.as_deref(),
            |d| {
                let quarantined = orders.iter().any(|(start, released)| {
                    start.as_str() <= d && released.as_deref().is_none_or(|r| r > d)
                });
                let latest = samples
                    .iter()
                    .filter(|s| s.collected.as_str() >= from.as_str() && s.collected.as_str() <= d)
                    .max_by(|a, b| (&a.collected, a.id).cmp(&(&b.collected, b.id)));
                let outcome = latest.map(|s| s.outcome_on(d));
                let is = |o: &str| i64::from(outcome == Some(o));
                let reviewed = reviews
                    .iter()
                    .any(|r| r.as_str() >= from.as_str() && r.as_str() <= d);
                [
                    i64::from(reviewed),
                    i64::from(quarantined),
                    i64::from(latest.is_some()),
                    is("negative"),
                    is("positive"),
                    is("pending"),
                ]
            },
        );
    }
    Ok(())
}

/// Whether a database error is PostgreSQL's "could not serialize access".
fn is_serialization_failure(e: &crate::StoreError) -> bool {
    match e {
        crate::StoreError::Db(sqlx::Error::Database(d)) => d.code().as_deref() == Some("40001"),
        _ => false,
    }
}

impl Store {
    /// Recompute the figures of the communes of `scope` whose records changed
    /// since they were last counted. Cheap when nothing changed (one indexed
    /// look-up); returns how many communes were recomputed.
    pub async fn refresh_figures(&self, scope: &Scope) -> Result<usize> {
        if scope.root().is_some_and(|u| u.level() == UnitLevel::Hamlet) {
            return Ok(0);
        }
        let mut filter = QueryBuilder::numbered(String::new(), 0);
        scope.push_filter(&mut filter, "u");
        let listed = format!(
            "FROM figure_changes l JOIN units u ON u.code = l.commune_code WHERE 1 = 1{}",
            filter.sql()
        );
        let any = format!(
            "SELECT COUNT(*) FROM (SELECT 1 {listed} UNION ALL SELECT 1 FROM figure_person_changes LIMIT 1) x"
        );
        let q = filter.bind_scalar_onto(sqlx::query_scalar::<_, i64>(&any));
        if q.fetch_one(&self.read).await? == 0 {
            return Ok(0);
        }
        let mut attempt = 0;
        loop {
            match self.refresh_listed(scope, &listed, &filter).await {
                Err(e) if is_serialization_failure(&e) && attempt < 5 => attempt += 1,
                other => return other,
            }
        }
    }

    /// Refresh every province with changed communes, one province at a
    /// time (the server does this in the background, so that readers seldom
    /// find anything to recount); returns how many communes were counted.
    pub async fn refresh_all_figures(&self) -> Result<usize> {
        // The people listed become their communes first (a refresh of no
        // unit does only that).
        self.refresh_figures(&Scope::nothing()).await?;
        let provinces: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT u.province_code FROM figure_changes l JOIN units u ON u.code = l.commune_code",
        )
        .fetch_all(&self.read)
        .await?;
        let mut counted = 0;
        for code in provinces {
            let code = phongdich_domain::UnitCode::parse(&code)
                .map_err(phongdich_domain::Invalid::from)?;
            counted += self.refresh_figures(&Scope::unit(code)).await?;
        }
        Ok(counted)
    }

    /// Count every commune of `scope` again from the records, changed or
    /// not (after a repair done outside the application, say); returns how
    /// many communes were counted.
    pub async fn recount_figures(&self, scope: &Scope) -> Result<usize> {
        let mut b = QueryBuilder::numbered(
            "INSERT INTO figure_changes (commune_code) SELECT u.code FROM units u WHERE u.level = 'commune'",
            0,
        );
        scope.push_filter(&mut b, "u");
        let q = b.query();
        q.execute(&self.write).await?;
        self.refresh_figures(scope).await
    }

    async fn refresh_listed(
        &self,
        scope: &Scope,
        listed: &str,
        filter: &QueryBuilder,
    ) -> Result<usize> {
        let mut tx = self.figures.begin().await?;
        if self.dialect == Dialect::Sqlite {
            // Write first: the transaction takes the write lock now, so another
            // process's write cannot come between its reads and its writes.
            sqlx::query("DELETE FROM figure_changes WHERE 1 = 0")
                .execute(&mut *tx)
                .await?;
        }
        if self.dialect == Dialect::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                .execute(&mut *tx)
                .await?;
            // One refresher at a time. LOCK is not a query, so the snapshot is
            // taken after it is granted: a refresher that waited sees what the
            // one before it wrote. Plain reads of the table are not blocked,
            // and writers of records never touch it.
            sqlx::query("LOCK TABLE figure_days IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        // Changes listed by person (samples, orders: the F1 follow-up counts
        // a person where they are classed) become communes here, inside the
        // snapshot — a trigger could not see a class change not yet committed.
        sqlx::query(
            "INSERT INTO figure_changes (commune_code) SELECT DISTINCT k.commune_code \
             FROM figure_person_changes c JOIN class_periods k ON k.person_id = c.person_id",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM figure_person_changes")
            .execute(&mut *tx)
            .await?;
        let changed: Vec<String> = fetch(
            &mut tx,
            &format!("SELECT DISTINCT l.commune_code AS code {listed}"),
            filter,
        )
        .await?
        .iter()
        .map(|r| r.try_get("code"))
        .collect::<std::result::Result<_, _>>()?;
        if changed.is_empty() {
            tx.commit().await?;
            return Ok(0);
        }
        // Many communes: count the whole scope in one grouped pass.
        let which = if changed.len() > LIST_AT_MOST {
            Which::Scope(scope)
        } else {
            Which::Communes(&changed)
        };
        let started = std::time::Instant::now();
        let computed = compute(&mut tx, self.dialect, &which).await?;
        let counted = started.elapsed();
        // The communes being rewritten, with their district and province.
        let w = which.units_cond(self.dialect);
        let units: Vec<(String, String, String)> = fetch(
            &mut tx,
            &format!(
                "SELECT u.code AS unit, u.province_code, u.district_code FROM units u \
                 WHERE u.level = 'commune'{}",
                w.sql()
            ),
            &w,
        )
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("unit")?,
                r.try_get("province_code")?,
                r.try_get::<Option<String>, _>("district_code")?
                    .unwrap_or_default(),
            ))
        })
        .collect::<Result<_>>()?;
        let codes: Vec<String> = units.iter().map(|u| u.0.clone()).collect();
        for chunk in codes.chunks(500) {
            let list = in_list(self.dialect, chunk.len());
            for table in ["figure_days", "figure_turnaround", "figure_changes"] {
                let sql = format!("DELETE FROM {table} WHERE commune_code IN ({list})");
                let mut q = sqlx::query(&sql);
                for code in chunk {
                    q = q.bind(code.as_str());
                }
                q.execute(&mut *tx).await?;
            }
        }
        let empty = CommuneFigures::default();
        let mut days: Vec<Vec<Cell>> = Vec::new();
        let mut turnaround: Vec<Vec<Cell>> = Vec::new();
        let counts = |f: &Figures, keys: &[&str]| -> Vec<Cell> {
            keys.iter()
                .map(|k| Cell::Int(f.get(k).unwrap_or(0)))
                .collect()
        };
        for (code, province, district) in &units {
            let f = computed.get(code).unwrap_or(&empty);
            let text = |s: &String| Cell::Text(s.clone());
            for (day, figures) in &f.days {
                let mut row = vec![text(code), text(day), text(province), text(district)];
                row.extend(counts(figures, &DAY_KEYS));
                row.extend(counts(figures, &STOCK_KEYS));
                days.push(row);
            }
            for ((day, taken), n) in &f.turnaround {
                turnaround.push(vec![
                    text(code),
                    text(day),
                    Cell::Int(*taken),
                    text(province),
                    text(district),
                    Cell::Int(*n),
                ]);
            }
        }
        let day_columns = format!(
            "commune_code, day, province_code, district_code, {}, {}",
            DAY_KEYS.join(", "),
            STOCK_KEYS.join(", ")
        );
        for (table, columns, rows) in [
            ("figure_days", day_columns.as_str(), &days),
            (
                "figure_turnaround",
                "commune_code, day, days_taken, province_code, district_code, tests",
                &turnaround,
            ),
        ] {
            insert_rows(&mut tx, self.dialect, table, columns, rows).await?;
        }
        tx.commit().await?;
        tracing::debug!(
            communes = codes.len(),
            count_ms = counted.as_secs_f64() * 1000.0,
            total_ms = started.elapsed().as_secs_f64() * 1000.0,
            "report figures recounted"
        );
        Ok(codes.len())
    }
}

/// Insert `rows` into `table`, many rows a statement.
async fn insert_rows(
    tx: &mut Transaction<'static, Any>,
    engine: Dialect,
    table: &str,
    columns: &str,
    rows: &[Vec<Cell>],
) -> Result<()> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(());
    };
    for chunk in rows.chunks(30000 / width) {
        let sql = format!(
            "INSERT INTO {table} ({columns}) VALUES {}",
            placeholders(engine, chunk.len(), width, "")
        );
        let mut q = sqlx::query(&sql);
        for cell in chunk.iter().flatten() {
            q = match cell {
                Cell::Text(v) => q.bind(v.as_str()),
                Cell::Int(n) => q.bind(*n),
            };
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The median of counted values (`value → how many`), the upper one of an
/// even count — as the list's `v[len / 2]` would give.
pub(crate) fn median_of_counts(counts: &BTreeMap<i64, i64>) -> Option<f64> {
    let total: i64 = counts.values().sum();
    if total <= 0 {
        return None;
    }
    let mut seen = 0;
    for (value, n) in counts {
        seen += n;
        if seen > total / 2 {
            return Some(*value as f64);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use phongdich_domain::report::{Kind, LINES};

    #[test]
    fn every_figure_is_kept_or_counted_live() {
        // Kept per day or as a stock; the cumulative count is summed from
        // the days; capacity is counted live from its small tables.
        let live = [
            "f0_cumulative",
            "beds",
            "beds_occupied",
            "oxygen_equipment",
            "oxygen_lent",
        ];
        for line in LINES {
            let kept = DAY_KEYS.contains(&line.key) || STOCK_KEYS.contains(&line.key);
            assert!(kept ^ live.contains(&line.key), "{}", line.key);
            if DAY_KEYS.contains(&line.key) {
                assert_eq!(line.kind, Kind::Flow, "{}", line.key);
            }
            if STOCK_KEYS.contains(&line.key) {
                assert_eq!(line.kind, Kind::Stock, "{}", line.key);
            }
        }
    }

    #[test]
    fn the_median_of_counts_is_the_lists_upper_median() {
        let m = |pairs: &[(i64, i64)]| median_of_counts(&pairs.iter().copied().collect());
        assert_eq!(m(&[]), None);
        assert_eq!(m(&[(2, 1)]), Some(2.0));
        // [0, 1] → v[1] = 1; [0, 1, 1, 5] → v[2] = 1; [0, 0, 3] → v[1] = 0.
        assert_eq!(m(&[(0, 1), (1, 1)]), Some(1.0));
        assert_eq!(m(&[(0, 1), (1, 2), (5, 1)]), Some(1.0));
        assert_eq!(m(&[(0, 2), (3, 1)]), Some(0.0));
    }
}
