//! `phongdich bench tracing`: a seeded province-sized contact network; the
//! engine's classification per confirmed F0 against the same classes from a
//! PostgreSQL recursive query with the same time rules, checked identical.

use anyhow::Context;
use phongdich_engine::{Day, Engine, Status};
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct TracingArgs {
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

fn ms(d: Duration) -> f64 {
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
/// smallest level per person.
const RECURSIVE: &str = "WITH RECURSIVE walk(person, level, arrival) AS ( \
    SELECT $1::bigint, 0, $2::int \
    UNION ALL \
    SELECT e.dst, w.level + 1, GREATEST(e.from_d, w.arrival) FROM walk w JOIN edges e ON e.src = w.person \
    WHERE w.level < 4 AND e.to_d >= w.arrival) \
    SELECT person, MIN(level) AS level FROM walk GROUP BY person";

pub async fn run(args: TracingArgs) -> anyhow::Result<()> {
    let t = Instant::now();
    eprintln!(
        "[1/5] generating {} people and {} contacts (seed {})",
        args.people, args.contacts, args.seed
    );
    let contacts = generate(args.seed, args.people, args.contacts);
    let generate_ms = ms(t.elapsed());

    eprintln!("[2/5] loading the engine");
    let t = Instant::now();
    let mut engine = Engine::new(4);
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
         CREATE TABLE {schema}.edges (src bigint, dst bigint, from_d int, to_d int)"
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

    let ours = percentile(&times, 0.5);
    let peer = percentile(&pg_times, 0.5);
    let result = json!({
        "bench": "tracing", "people": args.people, "contacts": contacts.len(),
        "generate_ms": generate_ms, "engine_load_ms": load_ms, "engine_rss_mb": rss,
        "f0s": args.f0s,
        "engine_ms": {"p50": ours, "p99": percentile(&times, 0.99), "max": times.last().copied().unwrap_or_default()},
        "people_reclassified": {"p50": reached.get(reached.len() / 2), "max": reached.last()},
        "peer": "postgres recursive CTE", "peer_load_ms": pg_load_ms, "compared": args.compared,
        "peer_ms": {"p50": peer, "p99": percentile(&pg_times, 0.99)},
        "mismatches": mismatches,
        "full_reclassification": {"active_f0": args.active, "ms": full_ms, "classified": classified},
    });
    std::fs::create_dir_all(&args.out)?;
    let file = args
        .out
        .join(format!("tracing-{}-{}.json", args.people, contacts.len()));
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
               "ratio": ratio, "mismatches": mismatches, "people": args.people, "contacts": contacts.len()})
    );
    anyhow::ensure!(
        mismatches == 0,
        "{mismatches} F0s classified differently by the engine and the query"
    );
    Ok(())
}
