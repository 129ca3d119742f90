//! `phongdich bench quarantine`: a province with people under quarantine
//! orders and F0 treated at home with a week of vital signs; every commune's
//! day lists (tests due, ending, overdue, missed declarations, declared
//! symptoms; F0 missing the day's readings;
//! open alerts by age; beds free by place) through the store (one call per commune) — whole counts
//! and the first page of 100 of each list — against the same lists by plain
//! SQL on the same schema and engine in the same run (sqlite3 running one
//! script of queries), whose output is checked line by line against ours.

use crate::bench_tracing::{communes_of, ms, sqlite3};
use phongdich_domain::UnitCode;
use phongdich_store::{Paging, Scope, Store};
use serde_json::json;
use std::path::Path;
use std::time::Instant;

#[derive(clap::Args)]
pub(crate) struct QuarantineArgs {
    /// People under an active quarantine order.
    #[arg(long, default_value_t = 200_000)]
    orders: usize,
    /// F0 treated at home (each with a week of readings, twice a day).
    #[arg(long, default_value_t = 20_000)]
    treated: usize,
    #[arg(long, default_value = "bench-results")]
    out: std::path::PathBuf,
    /// Keep the store built for the run (its path is printed), to look at query plans.
    #[arg(long)]
    keep: bool,
}

pub(crate) async fn run(args: QuarantineArgs) -> anyhow::Result<()> {
    let work =
        std::env::temp_dir().join(format!("phongdich-bench-quarantine-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let outcome = bench(&args, &work).await;
    if args.keep {
        eprintln!("the store is kept: {}", work.join("store.db").display());
    } else {
        let _ = std::fs::remove_dir_all(&work);
    }
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
    let today = phongdich_domain::Clock::system().today();
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
    // Orders started 0–13 days ago, 14 days long, tests on days 1, 7, 14
    // (rows of `quarantine_test_days`, as the store writes them); every 20th
    // is past its end. One centralised site per commune, 150 regular and 10
    // oxygen beds, a tenth of the people under orders admitted (a thirtieth
    // of those discharged). Readings: twice a day for 7 days, the
    // last day's second one missing for every 3rd F0; 1 in 50 raised an alert.
    // Health declarations today and yesterday from two orders in three (those
    // under quarantine that day), 1 in 101 of them with fever and cough: a
    // third of the orders miss today's declaration.
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
             INSERT INTO quarantine_test_days (order_id, day, province_code, district_code, commune_code, hamlet_code) \
             SELECT o.id, date(o.start_on, '+' || x.k || ' days'), o.province_code, o.district_code, o.commune_code, o.hamlet_code \
             FROM quarantine_orders o, (SELECT 0 AS k UNION ALL SELECT 6 UNION ALL SELECT 13) x;\n\
             INSERT INTO places (id, name, kind, address, oxygen_points, staff, province_code, district_code, commune_code, created_by, created_at) \
             SELECT n + 1, 'Khu cách ly ' || code, 'centralised', NULL, 2, 10, province_code, district_code, code, 'bench', '2021-08-01T00:00:00Z' \
             FROM communes;\n\
             INSERT INTO place_beds (place_id, bed_type, capacity) SELECT id, 'regular', 150 FROM places \
             UNION ALL SELECT id, 'oxygen', 10 FROM places;\n\
             INSERT INTO admissions (place_id, person_id, bed_type, admitted_on, discharged_on, created_by, created_at) \
             SELECT c.n + 1, p.id, 'regular', '{week}', CASE WHEN p.id % 30 = 0 THEN '{yesterday}' END, 'bench', '2021-08-01T00:00:00Z' \
             FROM persons p JOIN communes c ON c.code = p.commune_code WHERE p.id <= {orders} AND p.id % 10 = 0;\n\
             INSERT INTO home_treatments (id, person_id, case_id, enrolled_on, age_years, enrolment_json, status, province_code, district_code, commune_code, created_by, created_at) \
             SELECT p.id - {orders}, p.id, 1, '{week}', 40, '{{}}', 'active', p.province_code, p.district_code, p.commune_code, 'bench', '2021-08-01T00:00:00Z' \
             FROM persons p WHERE p.id > {orders};\n\
             INSERT INTO health_declarations (order_id, person_id, day, declared_at, temperature, symptoms, contact_with_f0, note, flagged, \
               recorded_by, province_code, district_code, commune_code) \
             SELECT o.id, o.person_id, x.day, x.day || 'T01:30:00.000Z', CASE WHEN o.id % 101 = 0 THEN 38.2 ELSE 36.6 END, \
               CASE WHEN o.id % 101 = 0 THEN 'fever,cough' ELSE '' END, 0, NULL, CASE WHEN o.id % 101 = 0 THEN 1 ELSE 0 END, \
               'bench', o.province_code, o.district_code, o.commune_code \
             FROM quarantine_orders o, (SELECT '{today}' AS day UNION ALL SELECT '{yesterday}') x \
             WHERE o.id % 3 <> 0 AND x.day BETWEEN o.start_on AND o.planned_end;\n\
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
    let page = Paging::default();
    // One warm-up pass (page cache, statement cache), then the timed one.
    let mut ours = std::time::Duration::ZERO;
    let mut results = Vec::new();
    for pass in 0..2 {
        results.clear();
        let t = Instant::now();
        for c in &communes {
            let scope = Scope::unit(UnitCode::parse(c)?);
            // Everything the day page shows, in one store call.
            results.push(store.quarantine_day(&scope, today, page).await?);
        }
        if pass == 1 {
            ours = t.elapsed();
        }
    }
    store.close().await;
    // Our lists in the peer's output format (sqlite3's list mode: `|` between
    // columns, NULL as empty), to check that both computed the same.
    let mut ours_text = String::new();
    let mut totals = [0i64; 9];
    for (c, d) in communes.iter().zip(&results) {
        let (missing, alerts, beds) = (&d.missing_vitals, &d.open_alerts, &d.free_beds);
        let counts = [
            d.active,
            d.tests_due.total,
            d.ending.total,
            d.overdue.total,
            d.missed_declaration.total,
            missing.total,
            alerts.total,
        ];
        for (t, n) in totals.iter_mut().zip(counts) {
            *t += n;
        }
        ours_text.push_str(&format!(
            "counts|{c}|{}\n",
            counts.map(|n| n.to_string()).join("|")
        ));
        for list in [&d.tests_due, &d.ending, &d.overdue, &d.missed_declaration] {
            for e in &list.entries {
                ours_text.push_str(&format!(
                    "{}|{}|{}|{}|{}|{}|{}|{}|{}\n",
                    e.order_id,
                    e.person_id,
                    e.full_name,
                    e.commune_code,
                    e.kind,
                    e.place.as_deref().unwrap_or(""),
                    e.start_on,
                    e.planned_end,
                    e.test_days.join(",")
                ));
            }
        }
        totals[8] += d.declared_symptoms.len() as i64;
        for x in &d.declared_symptoms {
            ours_text.push_str(&format!(
                "{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}\n",
                x.id,
                x.order_id,
                x.person_id,
                x.full_name,
                x.commune_code,
                x.day,
                x.declared_at,
                x.temperature.map(|t| t.to_string()).unwrap_or_default(),
                x.symptoms.join(","),
                i64::from(x.contact_with_f0),
                x.note.as_deref().unwrap_or(""),
                i64::from(x.flagged),
                x.recorded_by
            ));
        }
        for m in &missing.entries {
            ours_text.push_str(&format!(
                "{}|{}|{}|{}|{}\n",
                m.treatment_id, m.person_id, m.full_name, m.commune_code, m.readings
            ));
        }
        for a in &alerts.entries {
            ours_text.push_str(&format!(
                "{}|{}|{}|{}|{}|{}|{}\n",
                a.id,
                a.treatment_id,
                a.person_id,
                a.full_name,
                a.commune_code,
                a.raised_at,
                a.status
            ));
        }
        for p in beds {
            for b in &p.beds {
                totals[7] += b.free;
                ours_text.push_str(&format!(
                    "{}|{}|{}|{}|{}\n",
                    p.place_id, p.name, b.bed_type, b.capacity, b.occupied
                ));
            }
        }
    }

    eprintln!("[3/3] the peer: the same lists by plain SQL in sqlite3, one script");
    let d = today.to_string();
    let (start, end) = {
        use chrono::TimeZone;
        let utc = |x: chrono::NaiveDate| {
            phongdich_store::vietnam()
                .from_local_datetime(&x.and_hms_opt(0, 0, 0).expect("midnight"))
                .earliest()
                .map(|t| t.with_timezone(&chrono::Utc))
                .expect("a local midnight")
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        };
        (utc(today), utc(today + chrono::Days::new(1)))
    };
    let (lim, off) = (page.limit, page.offset);
    let entry = "o.id, o.person_id, p.full_name, o.commune_code, o.kind, o.place, o.start_on, o.planned_end, o.test_days";
    let readings = format!(
        "(SELECT COUNT(*) FROM vital_signs v WHERE v.treatment_id = t.id AND v.at >= '{start}' AND v.at < '{end}')"
    );
    let undeclared = format!(
        " AND o.kind <> 'self_monitoring' AND o.start_on <= '{d}' AND o.planned_end >= '{d}' \
         AND NOT EXISTS (SELECT 1 FROM health_declarations hd WHERE hd.order_id = o.id AND hd.day = '{d}')"
    );
    let mut queries = String::new();
    for c in &communes {
        queries.push_str(&format!(
            "SELECT 'counts', '{c}', \
               (SELECT COUNT(*) FROM quarantine_orders o WHERE o.status = 'active' AND o.commune_code = '{c}'), \
               (SELECT COUNT(*) FROM quarantine_test_days t WHERE t.day = '{d}' AND t.commune_code = '{c}'), \
               (SELECT COUNT(*) FROM quarantine_orders o WHERE o.status = 'active' AND o.planned_end = '{d}' AND o.commune_code = '{c}'), \
               (SELECT COUNT(*) FROM quarantine_orders o WHERE o.status = 'active' AND o.planned_end < '{d}' AND o.commune_code = '{c}'), \
               (SELECT COUNT(*) FROM quarantine_orders o WHERE o.status = 'active' AND o.commune_code = '{c}'{undeclared}), \
               (SELECT COUNT(*) FROM home_treatments t WHERE t.status = 'active' AND t.commune_code = '{c}' AND {readings} < 2), \
               (SELECT COUNT(*) FROM treatment_alerts a WHERE a.status IN ('open', 'acknowledged') AND a.commune_code = '{c}');\n\
             SELECT {entry} FROM quarantine_test_days t JOIN quarantine_orders o ON o.id = t.order_id \
               JOIN persons p ON p.id = o.person_id WHERE t.day = '{d}' AND t.commune_code = '{c}' \
               ORDER BY t.commune_code, t.order_id LIMIT {lim} OFFSET {off};\n\
             SELECT {entry} FROM quarantine_orders o JOIN persons p ON p.id = o.person_id \
               WHERE o.status = 'active' AND o.planned_end = '{d}' AND o.commune_code = '{c}' \
               ORDER BY o.commune_code, o.id LIMIT {lim} OFFSET {off};\n\
             SELECT {entry} FROM quarantine_orders o JOIN persons p ON p.id = o.person_id \
               WHERE o.status = 'active' AND o.planned_end < '{d}' AND o.commune_code = '{c}' \
               ORDER BY o.planned_end, o.commune_code, o.id LIMIT {lim} OFFSET {off};\n\
             SELECT {entry} FROM quarantine_orders o JOIN persons p ON p.id = o.person_id \
               WHERE o.status = 'active' AND o.commune_code = '{c}'{undeclared} \
               ORDER BY o.commune_code, o.id LIMIT {lim} OFFSET {off};\n\
             SELECT d.id, d.order_id, d.person_id, p.full_name, d.commune_code, d.day, d.declared_at, d.temperature, d.symptoms, \
               d.contact_with_f0, d.note, d.flagged, d.recorded_by \
               FROM health_declarations d JOIN persons p ON p.id = d.person_id \
               WHERE d.day = '{d}' AND d.flagged = 1 AND d.commune_code = '{c}' ORDER BY d.commune_code, d.id;\n\
             SELECT t.id, t.person_id, p.full_name, t.commune_code, {readings} AS readings \
               FROM home_treatments t JOIN persons p ON p.id = t.person_id \
               WHERE t.status = 'active' AND t.commune_code = '{c}' AND readings < 2 \
               ORDER BY t.commune_code, t.id LIMIT {lim} OFFSET {off};\n\
             SELECT a.id, a.treatment_id, a.person_id, p.full_name, a.commune_code, a.raised_at, a.status \
               FROM treatment_alerts a JOIN persons p ON p.id = a.person_id \
               WHERE a.status IN ('open', 'acknowledged') AND a.commune_code = '{c}' \
               ORDER BY a.raised_at, a.id LIMIT {lim} OFFSET {off};\n\
             SELECT p.id, p.name, b.bed_type, b.capacity, \
               (SELECT COUNT(*) FROM admissions a WHERE a.place_id = b.place_id AND a.bed_type = b.bed_type AND a.discharged_on IS NULL) \
               FROM places p JOIN place_beds b ON b.place_id = p.id WHERE p.commune_code = '{c}' \
               ORDER BY p.name, p.id, b.bed_type;\n"
        ));
    }
    // The first run (warm-up) writes the lists, checked against ours; the
    // timed one writes them nowhere.
    // The peer reads with the settings of our read connections (page cache,
    // memory-mapped file), so that only the path differs.
    // (Set before `.output`: the pragma answers with its value.)
    let settings = "PRAGMA cache_size = -65536;\nPRAGMA mmap_size = 1073741824;\n";
    let check = work.join("peer.txt");
    sqlite3(
        &db,
        &format!("{settings}.output {}\n{queries}", check.display()),
    )?;
    let peer_text = std::fs::read_to_string(&check)?;
    let differences = peer_text
        .lines()
        .zip(ours_text.lines())
        .filter(|(a, b)| a != b)
        .count()
        + peer_text
            .lines()
            .count()
            .abs_diff(ours_text.lines().count());
    if differences > 0 {
        let first = peer_text
            .lines()
            .zip(ours_text.lines())
            .find(|(a, b)| a != b);
        eprintln!("the lists differ in {differences} lines; first: {first:?}");
    }
    let t = Instant::now();
    sqlite3(&db, &format!("{settings}.output /dev/null\n{queries}"))?;
    let peer = t.elapsed();
    Ok(json!({
        "bench": "quarantine", "engine": "sqlite", "orders": args.orders, "treated": args.treated,
        "communes": communes.len(), "setup_ms": setup_ms,
        "ours_ms": ms(ours), "peer": "sqlite3 plain SQL, one script", "peer_ms": ms(peer),
        "ratio": ms(peer) / ms(ours).max(0.001),
        "ours_per_commune_ms": ms(ours) / communes.len().max(1) as f64,
        "page": page.limit, "lines_compared": ours_text.lines().count(), "differences": differences,
        "active": totals[0], "tests_due": totals[1], "ending": totals[2], "overdue": totals[3],
        "missed_declarations": totals[4], "missing_readings": totals[5], "open_alerts": totals[6],
        "free_beds": totals[7], "declared_symptoms": totals[8],
    }))
}
