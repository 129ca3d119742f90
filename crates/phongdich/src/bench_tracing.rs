//! `phongdich bench tracing`: a seeded province-sized contact network; the
//! engine's classification per confirmed F0 against the same classes from a
//! PostgreSQL recursive query with the same time rules, checked identical.
//!
//! The engine runs with the store's dated rules (`engine_rules()`: a class
//! lasts its period from the last exposure, and an F(n) passes infection on
//! only while its class runs), as production does; the recursive query
//! carries each walk's last day of class with the same periods. Both judge
//! on the store's day before its first expiry sweep (nothing has expired),
//! so the class is the smallest level any walk reaches (a walk coming back
//! to a person is never the smallest; the depth is 4 on every day).

use anyhow::Context;
use phongdich_engine::{Day, Engine, OPEN, Rules, Status};
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub(crate) struct TracingArgs {
    #[arg(long, default_value_t = 2_000_000)]
    people: usize,
    #[arg(long, default_value_t = 10_000_000)]
    contacts: usize,
    /// Random F0 confirmations timed on the engine.
    #[arg(long, default_value_t = 1_000)]
    f0s: usize,
    /// Of those, how many are also computed by the recursive query and compared.
    #[arg(long, default_value_t = 50)]
    compared: usize,
    /// Active F0s for the full re-classification.
    #[arg(long, default_value_t = 10_000)]
    active: usize,
    #[arg(long, default_value_t = 2021)]
    seed: u64,
    #[arg(
        long,
        env = "PHONGDICH_BENCH_POSTGRES",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    pg: String,
    #[arg(long, default_value = "bench-results")]
    out: PathBuf,
    /// F0 confirmations timed through the store (SQLite: the case row, the
    /// engine, every class change and history row, the audit entry, commit).
    #[arg(long, default_value_t = 1_000)]
    requests: usize,
    /// Size of the chain whose view is timed.
    #[arg(long, default_value_t = 20_000)]
    chain_nodes: usize,
    /// Where the store part (d, e) runs: `sqlite` (a file) or `postgres` (a
    /// fresh database on the `--pg` server, dropped afterwards).
    #[arg(long, default_value = "sqlite", value_parser = ["sqlite", "postgres"])]
    store: String,
    /// Run the bench's engine (and its peer) without the store's dated rules:
    /// classes never expire, as before 2026-12-04 (the store keeps its rules).
    #[arg(long)]
    no_rules: bool,
}

/// 2021-06-01 as days since 1970-01-01; contacts fall in the 90 days after.
const DAY0: Day = 18_779;

struct Contact {
    a: u32,
    b: u32,
    from: Day,
    to: Day,
    qualifies: bool,
}

/// Households of 1–6 living together over the whole period, workplaces and
/// schools of 10–200 with dated contacts among colleagues, and community
/// contacts between strangers (a fifth of them not close enough for F1).
fn generate(seed: u64, people: usize, contacts: usize) -> Vec<Contact> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out = Vec::with_capacity(contacts);
    let mut p = 0usize;
    while p < people && out.len() < contacts {
        let size = rng.usize(1..=6).min(people - p);
        for i in 0..size {
            for j in i + 1..size {
                out.push(Contact {
                    a: (p + i) as u32,
                    b: (p + j) as u32,
                    from: DAY0,
                    to: DAY0 + 89,
                    qualifies: true,
                });
            }
        }
        p += size;
    }
    let workplace_share = (contacts - out.len().min(contacts)) * 6 / 10;
    let mut w = 0usize;
    let target = out.len() + workplace_share;
    while out.len() < target {
        let size = rng.usize(10..=200);
        let start = rng.usize(0..people);
        for _ in 0..size * 4 {
            if out.len() >= target {
                break;
            }
            let a = (start + rng.usize(0..size)) % people;
            let b = (start + rng.usize(0..size)) % people;
            if a != b {
                let d = DAY0 + rng.i32(0..90);
                out.push(Contact {
                    a: a as u32,
                    b: b as u32,
                    from: d,
                    to: d,
                    qualifies: rng.u8(0..10) < 8,
                });
            }
        }
        w += 1;
    }
    let _ = w;
    while out.len() < contacts {
        let (a, b) = (rng.usize(0..people), rng.usize(0..people));
        if a != b {
            let d = DAY0 + rng.i32(0..90);
            out.push(Contact {
                a: a as u32,
                b: b as u32,
                from: d,
                to: d,
                qualifies: rng.u8(0..10) < 8,
            });
        }
    }
    out
}

/// The codes of a province's communes, in order.
pub(crate) async fn communes_of(
    store: &phongdich_store::Store,
    province: &str,
) -> anyhow::Result<Vec<String>> {
    Ok(store
        .descendants(province)
        .await?
        .into_iter()
        .filter(|u| u.level == phongdich_domain::UnitLevel::Commune)
        .map(|u| u.code)
        .collect())
}

pub(crate) fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e5).round() / 100.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| (kb / 1024.0).round())
        .unwrap_or_default()
}

fn write_csv(path: &Path, contacts: &[Contact]) -> anyhow::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    for c in contacts.iter().filter(|c| c.qualifies) {
        writeln!(w, "{},{},{},{}", c.a, c.b, c.from, c.to)?;
        writeln!(w, "{},{},{},{}", c.b, c.a, c.from, c.to)?;
    }
    w.flush()?;
    Ok(())
}

/// The peer: every valid chain up to F4 by a recursive query, then the
/// smallest level per person. A walk carries its first day (`arrival`) and
/// the last day of the class it gives (`until`, from the periods: see
/// [`until_function`]); the next contact passes infection on during
/// `[arrival, until]` of the one before (the F0's window is open); an active
/// F0 is never reached again.
const RECURSIVE: &str = "WITH RECURSIVE walk(person, level, arrival, until) AS ( \
    SELECT $1::bigint, 0, $2::int, $3::int \
    UNION ALL \
    SELECT e.dst, w.level + 1, GREATEST(e.from_d, w.arrival), class_until(w.level + 1, LEAST(e.to_d, w.until)) \
    FROM walk w JOIN edges e ON e.src = w.person \
    WHERE w.level < 4 AND e.to_d >= w.arrival AND e.dst <> $1 \
      AND GREATEST(e.from_d, w.arrival) <= LEAST(e.to_d, w.until)) \
    SELECT person, MIN(level) AS level FROM walk GROUP BY person";

/// `class_until(level, last)` in SQL: [`Rules::until`] for the given rules
/// (the first day `d >= last` on which `d - last` reaches the period of the
/// level in force on `d`), as an inlinable SQL function.
fn until_function(schema: &str, rules: &Rules) -> String {
    let mut levels = String::new();
    for level in 1..=4usize {
        let mut candidates = Vec::new();
        for (k, &(from, p)) in rules.periods.iter().enumerate() {
            let mut d = format!("last + {}", p[level - 1].max(0));
            if k > 0 {
                d = format!("GREATEST({d}, {from}, last)");
            } else {
                d = format!("GREATEST({d}, last)");
            }
            match rules.periods.get(k + 1) {
                Some(&(next, _)) => candidates.push(format!("CASE WHEN {d} < {next} THEN {d} END")),
                None => candidates.push(d),
            }
        }
        candidates.push(OPEN.to_string());
        levels.push_str(&format!(
            " WHEN {level} THEN LEAST({})",
            candidates.join(", ")
        ));
    }
    format!(
        "CREATE FUNCTION {schema}.class_until(level int, last int) RETURNS int \
         LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT (CASE level{levels} END)::int $f$"
    )
}

pub(crate) async fn run(args: TracingArgs) -> anyhow::Result<()> {
    let t = Instant::now();
    eprintln!(
        "[1/5] generating {} people and {} contacts (seed {})",
        args.people, args.contacts, args.seed
    );
    let contacts = generate(args.seed, args.people, args.contacts);
    let generate_ms = ms(t.elapsed());

    eprintln!("[2/5] loading the engine");
    let t = Instant::now();
    // The store's engine: its depth and dated rules.
    let rules = if args.no_rules {
        Rules::default()
    } else {
        phongdich_store::engine_rules()
    };
    anyhow::ensure!(
        rules.depth.iter().all(|&(_, d)| d >= 4) && phongdich_store::TRACING_DEPTH == 4,
        "the peer assumes depth 4 on every day"
    );
    let mut engine = Engine::with_rules(phongdich_store::TRACING_DEPTH, rules.clone());
    for p in 0..args.people {
        engine.load_status(p as i64, Status::default());
    }
    for c in &contacts {
        engine.load_contact(c.a as i64, c.b as i64, c.from, c.to, c.qualifies);
    }
    let load_ms = ms(t.elapsed());
    let rss = rss_mb();

    eprintln!("[3/5] confirming {} random F0s one at a time", args.f0s);
    let mut rng = fastrand::Rng::with_seed(args.seed ^ 0x5eed);
    let f0s: Vec<(i64, Day)> = (0..args.f0s)
        .map(|_| (rng.usize(0..args.people) as i64, DAY0 + rng.i32(0..60)))
        .collect();
    let mut times = Vec::with_capacity(f0s.len());
    let mut reached = Vec::with_capacity(f0s.len());
    for &(p, start) in &f0s {
        let t = Instant::now();
        let changes = engine.set_status(
            p,
            Status {
                f0: Some((start, None)),
                ..Status::default()
            },
        );
        times.push(ms(t.elapsed()));
        reached.push(changes.len());
        engine.set_status(p, Status::default());
    }
    times.sort_by(f64::total_cmp);
    reached.sort_unstable();

    eprintln!(
        "[4/5] the same classes by a PostgreSQL recursive query ({} F0s)",
        args.compared
    );
    let schema = format!("bench_tracing_{}", std::process::id());
    let work = std::env::temp_dir().join(&schema);
    std::fs::create_dir_all(&work)?;
    let csv = work.join("edges.csv");
    write_csv(&csv, &contacts)?;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&args.pg)
        .await
        .with_context(|| format!("connecting to {}", args.pg))?;
    sqlx::raw_sql(&format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; \
         CREATE TABLE {schema}.edges (src bigint, dst bigint, from_d int, to_d int); {}",
        until_function(&schema, &rules)
    ))
    .execute(&pool)
    .await?;
    let t = Instant::now();
    let status = std::process::Command::new("psql")
        .args([
            args.pg.as_str(),
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            &format!(
                "\\copy {schema}.edges FROM '{}' WITH (FORMAT csv)",
                csv.display()
            ),
        ])
        .status()?;
    anyhow::ensure!(status.success(), "psql \\copy failed");
    sqlx::raw_sql(&format!(
        "CREATE INDEX ON {schema}.edges (src, to_d); ANALYZE {schema}.edges"
    ))
    .execute(&pool)
    .await?;
    let pg_load_ms = ms(t.elapsed());
    sqlx::raw_sql(&format!("SET search_path = {schema}"))
        .execute(&pool)
        .await?;
    let mut pg_times = Vec::new();
    let mut engine_single = Vec::new();
    let mut mismatches = 0usize;
    for &(p, start) in f0s.iter().take(args.compared) {
        let t = Instant::now();
        let rows = sqlx::query(RECURSIVE)
            .bind(p)
            .bind(start)
            .bind(OPEN)
            .fetch_all(&pool)
            .await?;
        pg_times.push(ms(t.elapsed()));
        let mut peer: HashMap<i64, i64> = HashMap::with_capacity(rows.len());
        for r in &rows {
            peer.insert(r.try_get("person")?, r.try_get::<i32, _>("level")? as i64);
        }
        let t = Instant::now();
        engine.set_status(
            p,
            Status {
                f0: Some((start, None)),
                ..Status::default()
            },
        );
        engine_single.push(ms(t.elapsed()));
        let ours: HashMap<i64, i64> = engine.classes().map(|(q, a)| (q, a.level as i64)).collect();
        engine.set_status(p, Status::default());
        if ours != peer {
            mismatches += 1;
            eprintln!(
                "  mismatch for F0 {p}: engine {} people, query {} people",
                ours.len(),
                peer.len()
            );
        }
    }
    pg_times.sort_by(f64::total_cmp);
    sqlx::raw_sql(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&pool)
        .await?;
    pool.close().await;
    let _ = std::fs::remove_dir_all(&work);

    eprintln!(
        "[5/5] full re-classification with {} active F0s",
        args.active
    );
    for &(p, start) in f0s.iter().cycle().take(args.active) {
        engine.load_status(
            p,
            Status {
                f0: Some((start, None)),
                ..Status::default()
            },
        );
    }
    let t = Instant::now();
    engine.classify_all();
    let full_ms = ms(t.elapsed());
    let classified = engine.classes().count();
    let rss_full = rss_mb();

    drop(engine);
    eprintln!(
        "[6/6] whole requests through the store ({}): {} F0 confirmations, then the view of a {}-node chain",
        args.store, args.requests, args.chain_nodes
    );
    let mut rng = fastrand::Rng::with_seed(args.seed ^ 0x57_0e);
    let request_f0s: Vec<(i64, Day)> = (0..args.requests.max(1))
        .map(|_| (rng.usize(0..args.people) as i64, DAY0 + rng.i32(0..60)))
        .collect();
    let store_result = store_requests(&args, &contacts, &request_f0s).await?;

    let ours = percentile(&times, 0.5);
    let peer = percentile(&pg_times, 0.5);
    let result = json!({
        "bench": "tracing", "people": args.people, "contacts": contacts.len(),
        "generate_ms": generate_ms, "engine_load_ms": load_ms, "engine_rss_mb": rss,
        "engine_rss_after_full_mb": rss_full,
        "rules": if args.no_rules { json!("none: classes never expire") } else { json!({"periods": rules.periods, "depth": rules.depth}) },
        "f0s": args.f0s,
        "engine_ms": {"p50": ours, "p99": percentile(&times, 0.99), "max": times.last().copied().unwrap_or_default()},
        "people_reclassified": {"p50": reached.get(reached.len() / 2), "max": reached.last()},
        "peer": "postgres recursive CTE", "peer_load_ms": pg_load_ms, "compared": args.compared,
        "peer_ms": {"p50": peer, "p99": percentile(&pg_times, 0.99)},
        "mismatches": mismatches,
        "full_reclassification": {"active_f0": args.active, "ms": full_ms, "classified": classified},
        "store": store_result,
    });
    std::fs::create_dir_all(&args.out)?;
    let file = args.out.join(format!(
        "tracing-{}-{}{}{}.json",
        args.people,
        contacts.len(),
        if args.no_rules { "-norules" } else { "" },
        if args.store == "postgres" {
            "-postgres"
        } else {
            ""
        }
    ));
    std::fs::write(&file, serde_json::to_string_pretty(&result)?)?;
    eprintln!("full results: {}", file.display());
    let ratio = if ours > 0.0 {
        (peer / ours * 10.0).round() / 10.0
    } else {
        0.0
    };
    println!(
        "{}",
        json!({"bench": "tracing", "ours_ms": ours, "peer": "postgres recursive CTE", "peer_ms": peer,
               "ratio": ratio, "mismatches": mismatches, "people": args.people, "contacts": contacts.len(),
               "request_ms": store_result["request_ms"]["p50"], "chain_ms": store_result["chain"]["p50_ms"],
               "chain_nodes": store_result["chain"]["nodes"]})
    );
    anyhow::ensure!(
        mismatches == 0,
        "{mismatches} F0s classified differently by the engine and the query"
    );
    Ok(())
}

/// Run a script (SQL and dot-commands, one per line) in the `sqlite3` shell.
pub(crate) fn sqlite3(db: &Path, script: &str) -> anyhow::Result<()> {
    let mut child = std::process::Command::new("sqlite3")
        .arg("-bail")
        .arg(db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .context("running sqlite3 (apt-get install sqlite3)")?;
    child
        .stdin
        .take()
        .context("sqlite3's input")?
        .write_all(format!(".timeout 30000\n{script}").as_bytes())?;
    let status = child.wait()?;
    anyhow::ensure!(status.success(), "sqlite3 failed: {script}");
    Ok(())
}

/// The same network in a real store: people spread over the communes of
/// Quảng Ninh, every contact as a row (loaded by `sqlite3`, untimed). Then
/// F0 confirmations through `Store::confirm_case`, each timed from the call
/// to the commit of its case, class changes, history and audit entry — what
/// a request does after parsing its form. The F0s accumulate, as in a wave.
/// Finally one F0's chain is grown (its F1s confirmed in turn, each naming
/// the case its class comes through as its source — `source_kind: "case"`,
/// a `case_sources` row, as a case form or list does) to `--chain-nodes`
/// and `Store::chain` + its JSON is timed.
async fn store_requests(
    args: &TracingArgs,
    contacts: &[Contact],
    f0s: &[(i64, Day)],
) -> anyhow::Result<serde_json::Value> {
    use phongdich_store::{Actor, CaseInput, Scope, Store};
    let work = std::env::temp_dir().join(format!("phongdich-bench-store-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let db = work.join("store.db");
    let pg_db = format!("phongdich_bench_{}", std::process::id());
    let pg_url = {
        let (base, query) = args.pg.split_once('?').unwrap_or((args.pg.as_str(), ""));
        let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
        if query.is_empty() {
            format!("{base}/{pg_db}")
        } else {
            format!("{base}/{pg_db}?{query}")
        }
    };
    let postgres = args.store == "postgres";
    let outcome = async {
        let t = Instant::now();
        let csv = work.join("contacts.csv");
        {
            let mut w = std::io::BufWriter::new(std::fs::File::create(&csv)?);
            for c in contacts {
                writeln!(w, "{},{},{},{},{}", c.a + 1, c.b + 1, c.from, c.to, c.qualifies as u8)?;
            }
            w.flush()?;
        }
        let store = if postgres {
            let admin = sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .connect(&args.pg)
                .await
                .with_context(|| format!("connecting to {}", args.pg))?;
            sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {pg_db}"))
                .execute(&admin)
                .await?;
            sqlx::raw_sql(&format!("CREATE DATABASE {pg_db}"))
                .execute(&admin)
                .await?;
            admin.close().await;
            Store::open(&pg_url).await?.close().await;
            psql(
                &pg_url,
                &format!(
                    "CREATE TEMP TABLE communes AS SELECT ROW_NUMBER() OVER (ORDER BY code) - 1 AS n, code, district_code, province_code \
                       FROM units WHERE level = 'commune' AND province_code = '22';\n\
                     INSERT INTO persons (id, full_name, name_folded, given_key, birth_year, sex, province_code, district_code, commune_code, created_at, updated_at) \
                     SELECT id, 'Người ' || id, 'nguoi ' || id, 'k' || (id % 997), 1940 + id % 70, CASE id % 2 WHEN 0 THEN 'male' ELSE 'female' END, \
                       c.province_code, c.district_code, c.code, '2021-06-01T00:00:00Z', '2021-06-01T00:00:00Z' \
                     FROM generate_series(1::bigint, {people}::bigint) id JOIN communes c ON c.n = id % (SELECT COUNT(*) FROM communes);\n\
                     SELECT setval(pg_get_serial_sequence('persons', 'id'), {people});\n\
                     CREATE TEMP TABLE e (a bigint, b bigint, f int, t int, q int);\n\
                     \\copy e FROM '{csv}' WITH (FORMAT csv)\n\
                     INSERT INTO contacts (person_id, other_person_id, from_on, to_on, setting, masked, body_contact, caregiving, \
                       protective_equipment, closed_space, qualifies, why_vi, why_en, created_by, created_at) \
                     SELECT a, b, to_char(date '1970-01-01' + f, 'YYYY-MM-DD'), to_char(date '1970-01-01' + t, 'YYYY-MM-DD'), \
                       'community', 0, 0, 0, 0, 0, q, '', '', 'bench', '2021-06-01T00:00:00Z' FROM e;\n\
                     ANALYZE;\n",
                    people = args.people,
                    csv = csv.display()
                ),
            )?;
            Store::open(&pg_url).await?
        } else {
            Store::open(&format!("sqlite://{}", db.display())).await?.close().await;
            sqlite3(
                &db,
                &format!(
                    "PRAGMA journal_mode=WAL;\nPRAGMA cache_size=-1048576;\n\
                     CREATE TEMP TABLE communes AS SELECT ROW_NUMBER() OVER (ORDER BY code) - 1 AS n, code, district_code, province_code \
                       FROM units WHERE level = 'commune' AND province_code = '22'; \
                     BEGIN; \
                     WITH RECURSIVE i(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM i WHERE id < {people}) \
                     INSERT INTO persons (id, full_name, name_folded, given_key, birth_year, sex, province_code, district_code, commune_code, created_at, updated_at) \
                     SELECT id, 'Người ' || id, 'nguoi ' || id, 'k' || (id % 997), 1940 + id % 70, CASE id % 2 WHEN 0 THEN 'male' ELSE 'female' END, \
                       c.province_code, c.district_code, c.code, '2021-06-01T00:00:00Z', '2021-06-01T00:00:00Z' \
                     FROM i JOIN communes c ON c.n = i.id % (SELECT COUNT(*) FROM communes); \
                     COMMIT; \
                     CREATE TEMP TABLE e (a INTEGER, b INTEGER, f INTEGER, t INTEGER, q INTEGER);\n\
                     .import --csv {csv} e\n\
                     BEGIN; \
                     INSERT INTO contacts (person_id, other_person_id, from_on, to_on, setting, masked, body_contact, caregiving, \
                       protective_equipment, closed_space, qualifies, why_vi, why_en, created_by, created_at) \
                     SELECT a, b, date(f * 86400, 'unixepoch'), date(t * 86400, 'unixepoch'), 'community', 0, 0, 0, 0, 0, q, '', '', 'bench', \
                       '2021-06-01T00:00:00Z' FROM e; \
                     COMMIT;",
                    people = args.people,
                    csv = csv.display()
                ),
            )?;
            Store::open(&format!("sqlite://{}", db.display())).await?
        };
        let db_load_ms = ms(t.elapsed());
        let actor = Actor::system("bench");
        let today = chrono::NaiveDate::from_ymd_opt(2021, 12, 31).expect("a date");
        let case = |person_id: i64, start: Day| CaseInput {
            person_id,
            confirmed_on: day_text(start + 3),
            sample_on: day_text(start + 2),
            test_kind: "rt_pcr".into(),
            source_kind: "investigating".into(),
            course: "home".into(),
            detected_where: "community".into(),
            ..CaseInput::default()
        };
        // The first call loads the engine from the tables.
        let t = Instant::now();
        store.class_counts(&Scope::national()).await?;
        let mut times = Vec::new();
        let mut changed = Vec::new();
        let mut confirmed = std::collections::HashSet::new();
        let mut engine_load_ms = 0.0;
        for (i, &(p, start)) in f0s.iter().enumerate() {
            if !confirmed.insert(p + 1) {
                continue;
            }
            let t2 = Instant::now();
            let (_, changes) = store.confirm_case(&actor, &case(p + 1, start), today).await?;
            if i == 0 {
                engine_load_ms = ms(t.elapsed());
                continue; // includes the engine's load
            }
            times.push(ms(t2.elapsed()));
            changed.push(changes.len());
        }
        times.sort_by(f64::total_cmp);
        changed.sort_unstable();

        // Grow one chain to the wanted size.
        let (head, start) = f0s[0];
        let head = head + 1;
        let mut chain = store.chain(&Scope::national(), head).await?;
        let mut grown = 0;
        while chain.nodes.len() < args.chain_nodes && grown < 5_000 {
            // Each F1–F4 drawn through a case of the chain has a contact link
            // into it (from the one before it on its path); people drawn only
            // because a path passes through them have none.
            let code: HashMap<i64, &str> = chain
                .nodes
                .iter()
                .filter_map(|n| n.case_code.as_deref().map(|c| (n.person_id, c)))
                .collect();
            let parent: HashMap<i64, (i64, &str)> = chain
                .edges
                .iter()
                .filter(|e| e.kind == "contact")
                .map(|e| (e.to, (e.from, e.on.as_str())))
                .collect();
            let Some(next) = chain
                .nodes
                .iter()
                .filter(|n| {
                    n.level > 0 && !confirmed.contains(&n.person_id) && parent.contains_key(&n.person_id)
                })
                .max_by_key(|n| (std::cmp::Reverse(n.level), n.person_id))
                .map(|n| n.person_id)
            else {
                break;
            };
            // The case its class comes through: up its path to the first case.
            let (mut at, mut exposure_on, mut steps) = (next, "", 0);
            let source = loop {
                let Some(&(from, on)) = parent.get(&at).filter(|_| steps < 8) else {
                    break None;
                };
                steps += 1;
                if exposure_on.is_empty() {
                    exposure_on = on;
                }
                if let Some(c) = code.get(&from) {
                    break Some(*c);
                }
                at = from;
            };
            let source = source.with_context(|| format!("no case above {next} in the chain"))?;
            confirmed.insert(next);
            let mut input = CaseInput {
                source_kind: "case".into(),
                source_ref: source.to_owned(),
                ..case(next, start + 1)
            };
            // The link dated by the exposure when it precedes the confirmation.
            if exposure_on <= input.confirmed_on.as_str() {
                input.exposure_on = exposure_on.to_owned();
            }
            store.confirm_case(&actor, &input, today).await?;
            grown += 1;
            if grown % 20 == 0 {
                chain = store.chain(&Scope::national(), head).await?;
                eprintln!("  chain of {}: {} nodes after {grown} more cases", head, chain.nodes.len());
            }
        }
        let mut chain_times = Vec::new();
        let mut nodes = 0;
        let mut bytes = 0;
        let mut case_links = 0;
        for _ in 0..20 {
            let t = Instant::now();
            let chain = store.chain(&Scope::national(), head).await?;
            let json = serde_json::to_vec(&chain)?;
            chain_times.push(ms(t.elapsed()));
            nodes = chain.nodes.len();
            bytes = json.len();
            case_links = chain.edges.iter().filter(|e| e.kind == "case").count();
        }
        // Every case added names its source: the chain is built of links.
        anyhow::ensure!(
            case_links >= grown,
            "the chain has {case_links} case links for {grown} cases added"
        );
        chain_times.sort_by(f64::total_cmp);
        store.close().await;
        Ok::<_, anyhow::Error>(json!({
            "engine": args.store, "db_load_ms": db_load_ms, "engine_load_ms": engine_load_ms,
            "requests": times.len(),
            "request_ms": {"p50": percentile(&times, 0.5), "p99": percentile(&times, 0.99), "max": times.last().copied().unwrap_or_default()},
            "class_changes": {"p50": changed.get(changed.len() / 2), "max": changed.last()},
            "chain": {"f0": head, "nodes": nodes, "json_bytes": bytes, "cases_added": grown, "case_links": case_links,
                      "p50_ms": percentile(&chain_times, 0.5), "max_ms": chain_times.last().copied().unwrap_or_default()},
        }))
    }
    .await;
    let _ = std::fs::remove_dir_all(&work);
    if postgres
        && let Ok(admin) = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(&args.pg)
            .await
    {
        let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {pg_db} WITH (FORCE)"))
            .execute(&admin)
            .await;
        admin.close().await;
    }
    outcome
}

/// Run a script (SQL and backslash commands, one per line) in `psql`.
fn psql(url: &str, script: &str) -> anyhow::Result<()> {
    let mut child = std::process::Command::new("psql")
        .args([url, "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .context("running psql")?;
    child
        .stdin
        .take()
        .context("psql's input")?
        .write_all(script.as_bytes())?;
    let status = child.wait()?;
    anyhow::ensure!(status.success(), "psql failed: {script}");
    Ok(())
}

/// A day number (days since 1970-01-01) as the `YYYY-MM-DD` a form sends.
fn day_text(d: Day) -> String {
    (chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date") + chrono::Days::new(d as u64))
        .to_string()
}
