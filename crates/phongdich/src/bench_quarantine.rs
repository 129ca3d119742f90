//! `phongdich bench quarantine`: a province with people under quarantine
//! orders and F0 treated at home with a week of vital signs; every commune's
//! day lists (tests due, ending, overdue; F0 missing the day's readings;
//! open alerts) through the store, against the same lists by plain SQL on
//! the same engine in the same run (sqlite3 running one script of queries).

use crate::bench_tracing::{communes_of, ms, sqlite3};
use phongdich_domain::UnitCode;
use phongdich_store::{Scope, Store};
use serde_json::json;
use std::path::Path;
use std::time::Instant;

#[derive(clap::Args)]
pub struct QuarantineArgs {
    /// People under an active quarantine order.
    #[arg(long, default_value_t = 200_000)]
    orders: usize,
    /// F0 treated at home (each with a week of readings, twice a day).
    #[arg(long, default_value_t = 20_000)]
    treated: usize,
    #[arg(long, default_value = "bench-results")]
    out: std::path::PathBuf,
}

pub async fn run(args: QuarantineArgs) -> anyhow::Result<()> {
    let work =
        std::env::temp_dir().join(format!("phongdich-bench-quarantine-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let outcome = bench(&args, &work).await;
    let _ = std::fs::remove_dir_all(&work);
    let result = outcome?;
    std::fs::create_dir_all(&args.out)?;
    let file = args
        .out
        .join(format!("quarantine-{}-{}.json", args.orders, args.treated));
    std::fs::write(&file, serde_json::to_string_pretty(&result)?)?;
    eprintln!("full results: {}", file.display());
    println!("{}", serde_json::to_string(&result)?);
    Ok(())
}

/// The national F1 rule (5599) as JSON, quoted for a SQL string: what every
/// generated order keeps as its rule.
pub(crate) fn f1_rule_sql() -> anyhow::Result<String> {
    let rule = phongdich_domain::quarantine::national_rules()
        .into_iter()
        .find(|r| r.code == "5599-f1")
        .ok_or_else(|| anyhow::anyhow!("the 5599 rule"))?;
    Ok(serde_json::to_string(&rule)?.replace('\'', "''"))
}

async fn bench(args: &QuarantineArgs, work: &Path) -> anyhow::Result<serde_json::Value> {
    let people = args.orders + args.treated;
    let today = chrono::Local::now().date_naive();
    let day = |n: i64| (today - chrono::Duration::days(n)).to_string();
    eprintln!(
        "[1/3] a store of {people} people of Quảng Ninh: {} under quarantine orders, {} F0 at home with 14 readings each",
        args.orders, args.treated
    );
    let db = work.join("store.db");
    let url = format!("sqlite://{}", db.display());
    Store::open(&url).await?.close().await;
    let rule_json = f1_rule_sql()?;
    let t = Instant::now();
    // Orders started 0–13 days ago, 14 days long, tests on days 1, 7, 14;
    // every 20th is past its end. Readings: twice a day for 7 days, the
    // last day's second one missing for every 3rd F0; 1 in 50 raised an alert.
    sqlite3(
        &db,
        &format!(
            "PRAGMA journal_mode=WAL;\n\
             CREATE TEMP TABLE communes AS SELECT ROW_NUMBER() OVER (ORDER BY code) - 1 AS n, code, district_code, province_code \
               FROM units WHERE level = 'commune' AND province_code = '22';\n\
             CREATE TEMP TABLE i AS WITH RECURSIVE r(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM r WHERE id < {people}) SELECT id FROM r;\n\
             BEGIN;\n\
             INSERT INTO persons (id, full_name, name_folded, given_key, birth_year, sex, province_code, district_code, commune_code, created_at, updated_at) \
             SELECT id, 'Người ' || id, 'nguoi ' || id, 'k' || (id % 997), 1950 + id % 60, 'female', c.province_code, c.district_code, c.code, \
               '2021-08-01T00:00:00Z', '2021-08-01T00:00:00Z' \
             FROM i JOIN communes c ON c.n = i.id % (SELECT COUNT(*) FROM communes);\n\
             INSERT INTO quarantine_orders (person_id, situation, kind, place, rule_code, rule_json, start_on, planned_end, monitoring_end, \
               test_days, status, province_code, district_code, commune_code, created_by, created_at, updated_at) \
             SELECT p.id, 'f1', 'home', NULL, '5599-f1', '{rule_json}', \
               date('{today}', '-' || (p.id % 14) || ' days'), \
               date('{today}', '-' || (p.id % 14) || ' days', '+13 days', CASE WHEN p.id % 20 = 0 THEN '-15 days' ELSE '+0 days' END), \
               date('{today}', '-' || (p.id % 14) || ' days', '+27 days'), \
               date('{today}', '-' || (p.id % 14) || ' days') || ',' || date('{today}', '-' || (p.id % 14) || ' days', '+6 days') || ',' || \
               date('{today}', '-' || (p.id % 14) || ' days', '+13 days'), \
               'active', p.province_code, p.district_code, p.commune_code, 'bench', '2021-08-01T00:00:00Z', '2021-08-01T00:00:00Z' \
             FROM persons p WHERE p.id <= {orders};\n\
             INSERT INTO home_treatments (id, person_id, case_id, enrolled_on, age_years, enrolment_json, status, province_code, district_code, commune_code, created_by, created_at) \
             SELECT p.id - {orders}, p.id, 1, '{week}', 40, '{{}}', 'active', p.province_code, p.district_code, p.commune_code, 'bench', '2021-08-01T00:00:00Z' \
             FROM persons p WHERE p.id > {orders};\n\
             CREATE TEMP TABLE k AS WITH RECURSIVE r(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM r WHERE n < 13) SELECT n FROM r;\n\
             INSERT INTO vital_signs (treatment_id, at, vitals_json, signs, recorded_by, created_at) \
             SELECT t.id, strftime('%Y-%m-%dT%H:%M:%fZ', '{today}', '-' || (k.n / 2) || ' days', CASE WHEN k.n % 2 = 0 THEN '+1 hours' ELSE '+10 hours' END), \
               '{{\"spo2\":97}}', '', 'bench', '2021-08-01T00:00:00Z' \
             FROM home_treatments t, k WHERE NOT (k.n = 1 AND t.id % 3 = 0);\n\
             INSERT INTO treatment_alerts (treatment_id, vital_id, person_id, raised_at, signs_json, status, province_code, district_code, commune_code) \
             SELECT t.id, (SELECT MIN(v.id) FROM vital_signs v WHERE v.treatment_id = t.id), t.person_id, '{yesterday}T03:00:00.000Z', '[]', \
               CASE WHEN t.id % 100 = 0 THEN 'open' ELSE 'closed' END, t.province_code, t.district_code, t.commune_code \
             FROM home_treatments t WHERE t.id % 50 = 0;\n\
             COMMIT;\n\
             ANALYZE;\n",
            orders = args.orders,
            week = day(7),
            yesterday = day(1),
        ),
    )?;
    let setup_ms = ms(t.elapsed());
    let store = Store::open(&url).await?;
    let communes = communes_of(&store, "22").await?;

    eprintln!(
        "[2/3] ours: every commune's day lists through the store ({} communes)",
        communes.len()
    );
    // One warm-up pass (page cache), then the timed one.
    for pass in 0..2 {
        let mut totals = (0usize, 0usize, 0usize, 0usize, 0usize);
        let t = Instant::now();
        for c in &communes {
            let scope = Scope::unit(UnitCode::parse(c)?);
            let d = store.quarantine_day(&scope, today).await?;
            let missing = store.missing_vitals(&scope, today).await?;
            let alerts = store.treatment_alerts(&scope).await?;
            totals.0 += d.tests_due.len();
            totals.1 += d.ending.len();
            totals.2 += d.overdue.len();
            totals.3 += missing.len();
            totals.4 += alerts.iter().filter(|a| a.status != "closed").count();
        }
        if pass == 1 {
            let ours = t.elapsed();
            store.close().await;
            eprintln!("[3/3] the peer: the same lists by plain SQL in sqlite3, one script");
            let mut script = String::from(".output /dev/null\n");
            let d = today.to_string();
            let (start, end) = {
                use chrono::TimeZone;
                let utc = |x: chrono::NaiveDate| {
                    chrono::Local
                        .from_local_datetime(&x.and_hms_opt(0, 0, 0).expect("midnight"))
                        .earliest()
                        .map(|t| t.with_timezone(&chrono::Utc))
                        .expect("a local midnight")
                        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                };
                (utc(today), utc(today + chrono::Days::new(1)))
            };
            for c in &communes {
                script.push_str(&format!(
                    "SELECT o.id, p.full_name FROM quarantine_orders o JOIN persons p ON p.id = o.person_id \
                     WHERE o.commune_code = '{c}' AND o.status = 'active' AND o.test_days LIKE '%{d}%';\n\
                     SELECT o.id, p.full_name FROM quarantine_orders o JOIN persons p ON p.id = o.person_id \
                     WHERE o.commune_code = '{c}' AND o.status = 'active' AND o.planned_end = '{d}';\n\
                     SELECT o.id, p.full_name FROM quarantine_orders o JOIN persons p ON p.id = o.person_id \
                     WHERE o.commune_code = '{c}' AND o.status = 'active' AND o.planned_end < '{d}';\n\
                     SELECT t.id, p.full_name, COUNT(v.id) FROM home_treatments t JOIN persons p ON p.id = t.person_id \
                     LEFT JOIN vital_signs v ON v.treatment_id = t.id AND v.at >= '{start}' AND v.at < '{end}' \
                     WHERE t.commune_code = '{c}' AND t.status = 'active' GROUP BY t.id, p.full_name HAVING COUNT(v.id) < 2;\n\
                     SELECT a.id, p.full_name FROM treatment_alerts a JOIN persons p ON p.id = a.person_id \
                     WHERE a.commune_code = '{c}' AND a.status <> 'closed' ORDER BY a.raised_at;\n"
                ));
            }
            sqlite3(&db, &script)?; // warm
            let t = Instant::now();
            sqlite3(&db, &script)?;
            let peer = t.elapsed();
            return Ok(json!({
                "bench": "quarantine", "engine": "sqlite", "orders": args.orders, "treated": args.treated,
                "communes": communes.len(), "setup_ms": setup_ms,
                "ours_ms": ms(ours), "peer": "sqlite3 plain SQL, one script", "peer_ms": ms(peer),
                "ours_per_commune_ms": ms(ours) / communes.len().max(1) as f64,
                "tests_due": totals.0, "ending": totals.1, "overdue": totals.2,
                "missing_readings": totals.3, "open_alerts": totals.4,
            }));
        }
    }
    unreachable!("two passes")
}
