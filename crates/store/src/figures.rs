//! The report figures of each commune kept as rows (migration 17): what
//! happened on each day (`figure_days`), what stands now (`figure_stocks`)
//! and the turnaround of each day's tests (`figure_turnaround`).
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
//! dates (confirmation, sampling, results, releases) are already local. Deaths
//! are dated by the UTC date of the case's last update, as before (no death
//! date is recorded yet).

use crate::persons::{in_list, placeholders};
use crate::{Engine, Result, Scope, Store};
use phongdich_domain::UnitLevel;
use phongdich_domain::report::Figures;
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, HashMap};

/// The figures counted per day (`figure_days`), in its column order.
pub const DAY_KEYS: [&str; 14] = [
    "f0_new",
    "f0_new_community",
    "f0_new_quarantine",
    "f0_new_imported",
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
];

/// The figures that stand now (`figure_stocks`), in its column order.
pub const STOCK_KEYS: [&str; 15] = [
    "f0_home",
    "f0_hospital",
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
    pub days: BTreeMap<String, Figures>,
    pub stocks: Figures,
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
    /// with its parameters (numbered from 1).
    fn cond(&self, engine: Engine, alias: &str) -> (String, Vec<String>) {
        match self {
            Which::Scope(scope) => match scope.condition(alias, 1) {
                Some((c, p)) => (format!(" AND {c}"), vec![p]),
                None => (String::new(), Vec::new()),
            },
            Which::Communes(codes) => (
                format!(
                    " AND {alias}.commune_code IN ({})",
                    in_list(engine, codes.len())
                ),
                codes.to_vec(),
            ),
        }
    }

    /// The same restriction on the communes of `units u`, whose own code is
    /// `u.code`.
    fn units_cond(&self, engine: Engine) -> (String, Vec<String>) {
        match self {
            Which::Scope(_) => self.cond(engine, "u"),
            Which::Communes(codes) => (
                format!(" AND u.code IN ({})", in_list(engine, codes.len())),
                codes.to_vec(),
            ),
        }
    }
}

/// One value of a row to insert.
enum Cell {
    Text(String),
    Int(i64),
}

/// The Vietnam day (`YYYY-MM-DD`) of an RFC 3339 UTC timestamp column.
pub(crate) fn vietnam_day(engine: Engine, column: &str) -> String {
    match engine {
        Engine::Sqlite => format!("date(SUBSTR({column}, 1, 19), '+7 hours')"),
        Engine::Postgres => format!(
            "TO_CHAR(CAST(SUBSTR({column}, 1, 19) AS TIMESTAMP) + INTERVAL '7 hours', 'YYYY-MM-DD')"
        ),
    }
}

async fn fetch(
    tx: &mut Transaction<'static, Any>,
    sql: &str,
    binds: &[String],
) -> Result<Vec<sqlx::any::AnyRow>> {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(b.as_str());
    }
    Ok(q.fetch_all(&mut **tx).await?)
}

/// Add each row's named columns to its commune's figures: of its `day` when
/// `by_day`, else to the stocks.
fn add_rows(
    rows: &[sqlx::any::AnyRow],
    keys: &[&str],
    by_day: bool,
    into: &mut HashMap<String, CommuneFigures>,
) -> Result<()> {
    for r in rows {
        let unit: Option<String> = r.try_get("unit")?;
        let Some(unit) = unit.filter(|u| !u.is_empty()) else {
            continue;
        };
        let c = into.entry(unit).or_default();
        let f = if by_day {
            let day: Option<String> = r.try_get("day")?;
            let Some(day) = day.filter(|d| !d.is_empty()) else {
                continue;
            };
            c.days.entry(day).or_default()
        } else {
            &mut c.stocks
        };
        for key in keys {
            let n: Option<i64> = r.try_get(*key)?;
            if let Some(slot) = f.slot(key) {
                *slot += n.unwrap_or(0);
            }
        }
    }
    Ok(())
}

/// Count every commune's figures from the records, for every day.
async fn compute(
    tx: &mut Transaction<'static, Any>,
    engine: Engine,
    which: &Which<'_>,
) -> Result<HashMap<String, CommuneFigures>> {
    let mut out: HashMap<String, CommuneFigures> = HashMap::new();
    let when = |alias: &str| which.cond(engine, alias);

    // Cases: new by where found (day confirmed), recovered (day of the
    // negative test), deceased (day last updated); at home or in hospital now.
    let (c, p) = when("c");
    let rows = fetch(
        tx,
        &format!(
            "SELECT c.commune_code AS unit, c.confirmed_on AS day, COUNT(*) AS f0_new, \
             SUM(CASE WHEN c.source_kind <> 'imported' AND c.detected_where <> 'quarantine' THEN 1 ELSE 0 END) AS f0_new_community, \
             SUM(CASE WHEN c.source_kind <> 'imported' AND c.detected_where = 'quarantine' THEN 1 ELSE 0 END) AS f0_new_quarantine, \
             SUM(CASE WHEN c.source_kind = 'imported' THEN 1 ELSE 0 END) AS f0_new_imported \
             FROM cases c WHERE 1 = 1{c} GROUP BY c.commune_code, c.confirmed_on"
        ),
        &p,
    )
    .await?;
    add_rows(&rows, &DAY_KEYS[..4], true, &mut out)?;
    // One pass for the rest: each commune's cases by course and the day it
    // counts on (negative test for the recovered, last update for the dead).
    let rows = fetch(
        tx,
        &format!(
            "SELECT c.commune_code AS unit, c.course, \
             CASE WHEN c.course = 'recovered' THEN c.negative_on WHEN c.course = 'deceased' THEN SUBSTR(c.updated_at, 1, 10) END AS day, \
             COUNT(*) AS n FROM cases c WHERE c.course IN ('recovered', 'deceased', 'home', 'hospital', 'icu'){c} \
             GROUP BY c.commune_code, c.course, CASE WHEN c.course = 'recovered' THEN c.negative_on \
             WHEN c.course = 'deceased' THEN SUBSTR(c.updated_at, 1, 10) END"
        ),
        &p,
    )
    .await?;
    for r in &rows {
        let unit: String = r.try_get("unit")?;
        let course: String = r.try_get("course")?;
        let day: Option<String> = r.try_get("day")?;
        let n: i64 = r.try_get("n")?;
        let c = out.entry(unit).or_default();
        let (f, key) = match (course.as_str(), day) {
            ("recovered", Some(day)) => (c.days.entry(day).or_default(), "f0_recovered"),
            ("deceased", Some(day)) => (c.days.entry(day).or_default(), "f0_deceased"),
            ("home", _) => (&mut c.stocks, "f0_home"),
            ("hospital" | "icu", _) => (&mut c.stocks, "f0_hospital"),
            _ => continue,
        };
        if let Some(slot) = f.slot(key) {
            *slot += n;
        }
    }

    // F1–F4 now, and how far each F1's follow-up has gone.
    let (c, p) = when("k");
    let rows = fetch(
        tx,
        &format!(
            "SELECT k.commune_code AS unit, \
             SUM(CASE WHEN k.level = 1 THEN 1 ELSE 0 END) AS f1, SUM(CASE WHEN k.level = 2 THEN 1 ELSE 0 END) AS f2, \
             SUM(CASE WHEN k.level = 3 THEN 1 ELSE 0 END) AS f3, SUM(CASE WHEN k.level = 4 THEN 1 ELSE 0 END) AS f4 \
             FROM person_classes k WHERE k.level > 0{c} GROUP BY k.commune_code"
        ),
        &p,
    )
    .await?;
    add_rows(&rows, &["f1", "f2", "f3", "f4"], false, &mut out)?;
    let rows = fetch(
        tx,
        &format!(
            "SELECT x.unit, SUM(x.quarantined) AS f1_quarantined, \
             SUM(CASE WHEN x.quarantined = 1 OR x.status IS NOT NULL THEN 1 ELSE 0 END) AS f1_reviewed, \
             SUM(CASE WHEN x.status IS NOT NULL THEN 1 ELSE 0 END) AS f1_sampled, \
             SUM(CASE WHEN x.status = 'negative' THEN 1 ELSE 0 END) AS f1_negative, \
             SUM(CASE WHEN x.status = 'positive' THEN 1 ELSE 0 END) AS f1_positive, \
             SUM(CASE WHEN x.status IN ('collected', 'pool_positive', 'resample') THEN 1 ELSE 0 END) AS f1_pending \
             FROM (SELECT k.commune_code AS unit, \
               CASE WHEN EXISTS (SELECT 1 FROM quarantine_orders o WHERE o.person_id = k.person_id AND o.status = 'active') THEN 1 ELSE 0 END AS quarantined, \
               (SELECT s.status FROM samples s WHERE s.person_id = k.person_id AND s.collected_on >= k.since_on ORDER BY s.id DESC LIMIT 1) AS status \
               FROM person_classes k WHERE k.level = 1{c}) x GROUP BY x.unit"
        ),
        &p,
    )
    .await?;
    add_rows(&rows, &STOCK_KEYS[6..12], false, &mut out)?;

    // F1 newly traced: the people who entered level 1 on each day — not
    // those already F1 whose source or path changed (the history records
    // that too) — counted where they lived then (the entry's units).
    let (c, p) = when("h");
    let day = vietnam_day(engine, "h.at");
    let rows = fetch(
        tx,
        &format!(
            "SELECT h.commune_code AS unit, {day} AS day, COUNT(DISTINCT h.person_id) AS f1_new \
             FROM class_history h WHERE h.level = 1{c} \
             AND COALESCE((SELECT b.level FROM class_history b WHERE b.person_id = h.person_id AND b.id < h.id \
               ORDER BY b.id DESC LIMIT 1), -1) <> 1 \
             GROUP BY h.commune_code, {day}"
        ),
        &p,
    )
    .await?;
    add_rows(&rows, &["f1_new"], true, &mut out)?;

    // Quarantine now, and releases by day.
    let (c, p) = when("o");
    let rows = fetch(
        tx,
        &format!(
            "SELECT o.commune_code AS unit, \
             SUM(CASE WHEN o.kind = 'centralised' THEN 1 ELSE 0 END) AS quarantine_centralised, \
             SUM(CASE WHEN o.kind = 'home' THEN 1 ELSE 0 END) AS quarantine_home \
             FROM quarantine_orders o WHERE o.status = 'active'{c} GROUP BY o.commune_code"
        ),
        &p,
    )
    .await?;
    add_rows(
        &rows,
        &["quarantine_centralised", "quarantine_home"],
        false,
        &mut out,
    )?;
    let rows = fetch(
        tx,
        &format!(
            "SELECT o.commune_code AS unit, o.released_on AS day, COUNT(*) AS quarantine_released \
             FROM quarantine_orders o WHERE o.status = 'released' AND o.released_on IS NOT NULL{c} \
             GROUP BY o.commune_code, o.released_on"
        ),
        &p,
    )
    .await?;
    add_rows(&rows, &["quarantine_released"], true, &mut out)?;

    // Samples taken; results of individual samples and of pools (a pool is
    // one test); the turnaround of individual samples.
    let (c, p) = when("s");
    let rows = fetch(
        tx,
        &format!(
            "SELECT s.commune_code AS unit, s.collected_on AS day, COUNT(*) AS samples_taken FROM samples s \
             WHERE 1 = 1{c} GROUP BY s.commune_code, s.collected_on"
        ),
        &p,
    )
    .await?;
    add_rows(&rows, &["samples_taken"], true, &mut out)?;
    // Results of pools (a pool is one test).
    let rows = fetch(
        tx,
        &format!(
            "SELECT s.commune_code AS unit, r.resulted_on AS day, COUNT(*) AS tests_done, \
             SUM(CASE WHEN r.outcome = 'positive' THEN 1 ELSE 0 END) AS tests_positive, \
             SUM(CASE WHEN r.outcome = 'negative' THEN 1 ELSE 0 END) AS tests_negative \
             FROM test_results r JOIN pools s ON s.id = r.pool_id WHERE 1 = 1{c} GROUP BY s.commune_code, r.resulted_on"
        ),
        &p,
    )
    .await?;
    add_rows(
        &rows,
        &["tests_done", "tests_positive", "tests_negative"],
        true,
        &mut out,
    )?;
    // Results of individual samples, with the day each was taken: the tests
    // of the day and their turnaround in one pass.
    let rows = fetch(
        tx,
        &format!(
            "SELECT s.commune_code AS unit, r.resulted_on AS day, s.collected_on AS collected, COUNT(*) AS tests_done, \
             SUM(CASE WHEN r.outcome = 'positive' THEN 1 ELSE 0 END) AS tests_positive, \
             SUM(CASE WHEN r.outcome = 'negative' THEN 1 ELSE 0 END) AS tests_negative \
             FROM test_results r JOIN samples s ON s.id = r.sample_id WHERE 1 = 1{c} \
             GROUP BY s.commune_code, r.resulted_on, s.collected_on"
        ),
        &p,
    )
    .await?;
    add_rows(
        &rows,
        &["tests_done", "tests_positive", "tests_negative"],
        true,
        &mut out,
    )?;
    for r in &rows {
        let unit: String = r.try_get("unit")?;
        let day: String = r.try_get("day")?;
        let collected: String = r.try_get("collected")?;
        let parse = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d");
        if let (Ok(a), Ok(b)) = (parse(&collected), parse(&day)) {
            *out.entry(unit)
                .or_default()
                .turnaround
                .entry((day, (b - a).num_days()))
                .or_default() += r.try_get::<i64, _>("tests_done")?;
        }
    }

    // Home-treatment alerts raised (and escalated) by day; open now.
    let (c, p) = when("a");
    let day = vietnam_day(engine, "a.raised_at");
    let rows = fetch(
        tx,
        &format!(
            "SELECT a.commune_code AS unit, {day} AS day, COUNT(*) AS alerts_raised, \
             SUM(CASE WHEN a.escalations > 0 THEN 1 ELSE 0 END) AS alerts_escalated \
             FROM treatment_alerts a WHERE 1 = 1{c} GROUP BY a.commune_code, {day}"
        ),
        &p,
    )
    .await?;
    add_rows(
        &rows,
        &["alerts_raised", "alerts_escalated"],
        true,
        &mut out,
    )?;
    let rows = fetch(
        tx,
        &format!(
            "SELECT a.commune_code AS unit, COUNT(*) AS alerts_open FROM treatment_alerts a \
             WHERE a.status = 'open'{c} GROUP BY a.commune_code"
        ),
        &p,
    )
    .await?;
    add_rows(&rows, &["alerts_open"], false, &mut out)?;
    Ok(out)
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
        let (c, p) = scope.and_condition("u", 1);
        let listed =
            format!("FROM figure_changes l JOIN units u ON u.code = l.commune_code WHERE 1 = 1{c}");
        let any = format!(
            "SELECT COUNT(*) FROM (SELECT 1 {listed} UNION ALL SELECT 1 FROM figure_person_changes LIMIT 1) x"
        );
        let mut q = sqlx::query_scalar::<_, i64>(&any);
        if let Some(p) = &p {
            q = q.bind(p.as_str());
        }
        if q.fetch_one(&self.read).await? == 0 {
            return Ok(0);
        }
        let mut attempt = 0;
        loop {
            match self.refresh_listed(scope, &listed, &p).await {
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
        let (c, p) = scope.and_condition("u", 1);
        let sql = format!(
            "INSERT INTO figure_changes (commune_code) SELECT u.code FROM units u WHERE u.level = 'commune'{c}"
        );
        let mut q = sqlx::query(&sql);
        if let Some(p) = &p {
            q = q.bind(p.as_str());
        }
        q.execute(&self.write).await?;
        self.refresh_figures(scope).await
    }

    async fn refresh_listed(
        &self,
        scope: &Scope,
        listed: &str,
        p: &Option<String>,
    ) -> Result<usize> {
        let mut tx = self.figures.begin().await?;
        if self.engine == Engine::Sqlite {
            // Write first: the transaction takes the write lock now, so another
            // process's write cannot come between its reads and its writes.
            sqlx::query("DELETE FROM figure_changes WHERE 1 = 0")
                .execute(&mut *tx)
                .await?;
        }
        if self.engine == Engine::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                .execute(&mut *tx)
                .await?;
            // One refresher at a time. LOCK is not a query, so the snapshot is
            // taken after it is granted: a refresher that waited sees what the
            // one before it wrote. Plain reads of the table are not blocked,
            // and writers of records never touch it.
            sqlx::query("LOCK TABLE figure_stocks IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        // Changes listed by person (samples, orders: the F1 follow-up counts
        // a person where they are classed) become communes here, inside the
        // snapshot — a trigger could not see a class change not yet committed.
        sqlx::query(
            "INSERT INTO figure_changes (commune_code) SELECT DISTINCT k.commune_code \
             FROM figure_person_changes c JOIN person_classes k ON k.person_id = c.person_id",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM figure_person_changes")
            .execute(&mut *tx)
            .await?;
        let binds: Vec<String> = p.iter().cloned().collect();
        let changed: Vec<String> = fetch(
            &mut tx,
            &format!("SELECT DISTINCT l.commune_code AS code {listed}"),
            &binds,
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
        let computed = compute(&mut tx, self.engine, &which).await?;
        let counted = started.elapsed();
        // The communes being rewritten, with their district and province.
        let (c, p) = which.units_cond(self.engine);
        let units: Vec<(String, String, String)> = fetch(
            &mut tx,
            &format!(
                "SELECT u.code AS unit, u.province_code, u.district_code FROM units u \
                 WHERE u.level = 'commune'{c}"
            ),
            &p,
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
            let list = in_list(self.engine, chunk.len());
            for table in [
                "figure_days",
                "figure_stocks",
                "figure_turnaround",
                "figure_changes",
            ] {
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
        let mut stocks: Vec<Vec<Cell>> = Vec::new();
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
                days.push(row);
            }
            if f.stocks != Figures::default() {
                let mut row = vec![text(code), text(province), text(district)];
                row.extend(counts(&f.stocks, &STOCK_KEYS));
                stocks.push(row);
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
            "commune_code, day, province_code, district_code, {}",
            DAY_KEYS.join(", ")
        );
        let stock_columns = format!(
            "commune_code, province_code, district_code, {}",
            STOCK_KEYS.join(", ")
        );
        for (table, columns, rows) in [
            ("figure_days", day_columns.as_str(), &days),
            ("figure_stocks", stock_columns.as_str(), &stocks),
            (
                "figure_turnaround",
                "commune_code, day, days_taken, province_code, district_code, tests",
                &turnaround,
            ),
        ] {
            insert_rows(&mut tx, self.engine, table, columns, rows).await?;
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
    engine: Engine,
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
