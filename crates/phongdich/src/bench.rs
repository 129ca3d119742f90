//! `phongdich bench`: seeded data, our path against the engine's own tool in
//! the same run, progress on stderr and one JSON line at the end. Full results
//! go to `bench-results/` (see BENCHMARKS.md).

use crate::demo::{GENERATED_HEADERS, generation_day, person_cells, prepare_communes};
use crate::generate;
use anyhow::{Context, bail};
use clap::Subcommand;
use phongdich_sheets::{Format, TableWriter};
use phongdich_store::{Actor, ImportPolicy, PersonQuery, Scope, Store};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(Subcommand)]
pub(crate) enum BenchCommand {
    /// Import generated people with full validation and duplicate checks, against
    /// `sqlite3 .import` / `psql \copy` of the same file; then name search latency.
    Import {
        #[arg(long, default_value_t = 1_000_000)]
        persons: usize,
        /// `sqlite` or `postgres`.
        #[arg(long, default_value = "sqlite")]
        engine: String,
        #[arg(
            long,
            env = "PHONGDICH_BENCH_POSTGRES",
            default_value = "postgres://postgres@127.0.0.1:5432/test"
        )]
        pg: String,
        #[arg(long, default_value = "22")]
        province: String,
        #[arg(long, default_value_t = 2021)]
        seed: u64,
        /// Name searches to time.
        #[arg(long, default_value_t = 400)]
        searches: usize,
        #[arg(long, default_value = "bench-results")]
        out: PathBuf,
    },
    /// Classify F0–F4 on a province-sized contact network, against a
    /// PostgreSQL recursive query with the same time rules.
    Tracing(crate::bench_tracing::TracingArgs),
    /// Import a lab's results file (pooled and single samples, ~1 % positive)
    /// into a store of people and contacts, against the engine's bulk insert.
    Results(crate::bench_results::ResultsArgs),
    /// Every commune's quarantine and home-treatment day lists, against
    /// plain SQL on the same engine.
    Quarantine(crate::bench_quarantine::QuarantineArgs),
    /// The province dashboard and every commune's rapid report on a province
    /// at the height of a wave, against plain SQL `GROUP BY` on the same engine.
    Reports(crate::bench_reports::ReportsArgs),
    /// Returnees (issue 19): a list imported against the engine's bulk load,
    /// checkpoint scans over HTTP from concurrent scanners against the same
    /// writes in plain SQL, and every commune's hand-over list against plain SQL.
    Returnees(crate::bench_returnees::ReturneesArgs),
    /// Epidemic levels (issue 20): the weekly assessment of every commune of
    /// the country and its province roll-ups, against plain SQL computing
    /// the same C1 figures on the same engine.
    Levels(crate::bench_levels::LevelsArgs),
}

pub(crate) async fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    let (persons, engine, pg, province, seed, searches, out) = match cmd {
        BenchCommand::Tracing(args) => return crate::bench_tracing::run(args).await,
        BenchCommand::Results(args) => return crate::bench_results::run(args).await,
        BenchCommand::Quarantine(args) => return crate::bench_quarantine::run(args).await,
        BenchCommand::Reports(args) => return crate::bench_reports::run(args).await,
        BenchCommand::Returnees(args) => return crate::bench_returnees::run(args).await,
        BenchCommand::Levels(args) => return crate::bench_levels::run(args).await,
        BenchCommand::Import {
            persons,
            engine,
            pg,
            province,
            seed,
            searches,
            out,
        } => (persons, engine, pg, province, seed, searches, out),
    };
    let work = std::env::temp_dir().join(format!("phongdich-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    std::fs::create_dir_all(&out)?;
    let result = bench_import(&work, persons, &engine, &pg, &province, seed, searches).await;
    if std::env::var_os("PHONGDICH_BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&work);
    }
    let result = result?;
    let file = out.join(format!("import-{engine}-{persons}.json"));
    std::fs::write(&file, serde_json::to_string_pretty(&result)?)?;
    eprintln!("full results: {}", file.display());
    let line = json!({
        "bench": "import", "ours_ms": result["ours_ms"], "peer": result["peer"], "peer_ms": result["peer_ms"],
        "ratio": result["ratio"], "engine": engine, "persons": persons,
        "same_schema_floor_ms": result["same_schema_floor_ms"], "ratio_same_schema": result["ratio_same_schema"],
        "search_p50_ms": result["search"]["p50_ms"],
    });
    println!("{line}");
    Ok(())
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e5).round() / 100.0
}

async fn bench_import(
    work: &Path,
    persons: usize,
    engine: &str,
    pg: &str,
    province: &str,
    seed: u64,
    searches: usize,
) -> anyhow::Result<serde_json::Value> {
    let schema = format!("bench_{}", std::process::id());
    let (db, peer_name) = match engine {
        "sqlite" => (
            format!("sqlite://{}", work.join("ours.db").display()),
            "sqlite3 .import",
        ),
        "postgres" => {
            psql(
                pg,
                &format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"),
            )?;
            let sep = if pg.contains('?') { '&' } else { '?' };
            (
                format!("{pg}{sep}options=-c%20search_path%3D{schema}"),
                "psql \\copy",
            )
        }
        other => bail!("--engine {other}: sqlite hoặc / or postgres"),
    };
    let outcome = async {
        eprintln!("[1/5] migrating a fresh {engine} database and adding hamlets");
        let store = Store::open(&db).await?;
        let actor = Actor::system("bench");
        let communes = prepare_communes(&store, &actor, province, seed).await?;

        eprintln!("[2/5] generating {persons} people (1 % bad rows, 0.5 % repeated people)");
        let file = work.join("persons.csv");
        let t = Instant::now();
        let names = write_bench_file(&file, seed, &communes, persons)?;
        let generate_ms = ms(t.elapsed());
        let bytes = std::fs::metadata(&file)?.len();

        eprintln!("[3/5] importing with validation and duplicate checks");
        let report = work.join("persons.report.csv");
        let s = crate::import::import_persons(
            &store,
            &actor,
            &file,
            &report,
            ImportPolicy::default(),
            crate::import::batch_rows(&store),
            true,
        )
        .await?;
        let ours = s.elapsed;
        let stored = store.person_count(&Scope::national()).await?;
        anyhow::ensure!(
            stored as u64 == s.imported,
            "stored {stored} but imported {}",
            s.imported
        );

        eprintln!("[4/5] loading the same file with {peer_name}");
        let peer = match engine {
            "sqlite" => sqlite_import(work, &file)?,
            _ => psql_copy(pg, &schema, &file)?,
        };

        // What autovacuum does some minutes after a bulk load on a live
        // server: statistics and the visibility map (index-only scans).
        // Timed on its own, outside the import.
        let mut vacuum_ms = 0.0;
        if engine == "postgres" {
            eprintln!("[5/5] VACUUM ANALYZE, as autovacuum would after a bulk load");
            let t = Instant::now();
            psql(
                pg,
                &format!("VACUUM ANALYZE {schema}.persons, {schema}.person_name_tokens"),
            )?;
            vacuum_ms = ms(t.elapsed());
        }
        eprintln!("[5/5] timing {searches} name searches over {stored} people");
        let search = time_searches(&store, &names, searches, seed).await?;
        store.close().await;
        eprintln!("[5/5] same-schema floor: the imported rows again, INSERT … SELECT into the same tables and indexes");
        let floor = same_schema_floor(work, engine, pg, &schema)?;
        Ok::<_, anyhow::Error>(json!({
            "bench": "import", "engine": engine, "persons": persons, "file_bytes": bytes,
            "generate_ms": generate_ms, "vacuum_ms": vacuum_ms,
            "ours_ms": ms(ours), "peer": peer_name, "peer_ms": ms(peer),
            "ratio": ((peer.as_secs_f64() / ours.as_secs_f64()) * 1000.0).round() / 1000.0,
            "our_slowdown": ((ours.as_secs_f64() / peer.as_secs_f64()) * 100.0).round() / 100.0,
            "same_schema_floor_ms": ms(floor),
            "ratio_same_schema": ((floor.as_secs_f64() / ours.as_secs_f64()) * 1000.0).round() / 1000.0,
            "rows": s.rows, "imported": s.imported, "refused": s.refused, "flagged": s.flagged,
            "search": search,
        }))
    }
    .await;
    if engine == "postgres" {
        psql(pg, &format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))?;
    }
    outcome
}

/// Write the benchmark file; returns the names of some good rows to search for.
fn write_bench_file(
    path: &Path,
    seed: u64,
    communes: &[generate::GenCommune],
    n: usize,
) -> anyhow::Result<Vec<String>> {
    let out = std::fs::File::create(path)?;
    let mut w = TableWriter::new(
        Box::new(std::io::BufWriter::new(out)),
        Format::Csv,
        &GENERATED_HEADERS,
    )?;
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x5eed);
    let mut names = Vec::new();
    let mut recent: Vec<[String; 12]> = Vec::new();
    let mut written = 0;
    for p in generate::people(seed, communes, n, generation_day()) {
        if written >= n {
            break;
        }
        let roll = rng.u32(0..1000);
        if roll < 5 && !recent.is_empty() {
            // Someone already listed, entered again from another sheet.
            let mut again = recent[rng.usize(0..recent.len())].clone();
            again[0] = phongdich_domain::text::fold(&again[0]);
            w.write_row(&again)?;
            written += 1;
            if written >= n {
                break;
            }
        }
        let mut p = p;
        if roll >= 990 {
            generate::corrupt(&mut rng, &mut p.input);
        } else if names.len() < 5000 && rng.u32(0..100) == 0 {
            names.push(p.input.full_name.clone());
        }
        let cells = person_cells(&p);
        if recent.len() < 2000 {
            recent.push(cells.clone());
        } else {
            let i = rng.usize(0..recent.len());
            recent[i] = cells.clone();
        }
        w.write_row(&cells)?;
        written += 1;
    }
    w.finish()?;
    Ok(names)
}

fn sqlite_import(work: &Path, file: &Path) -> anyhow::Result<Duration> {
    let db = work.join("peer.db");
    let t = Instant::now();
    let status = Command::new("sqlite3")
        .arg(&db)
        .arg(format!(".import --csv {} persons_raw", file.display()))
        .status()
        .context("running sqlite3 (apt-get install sqlite3)")?;
    let elapsed = t.elapsed();
    anyhow::ensure!(status.success(), "sqlite3 .import failed");
    Ok(elapsed)
}

/// The tables an import writes, parents first.
const IMPORTED_TABLES: [&str; 4] = [
    "households",
    "persons",
    "person_name_tokens",
    "duplicate_candidates",
];

/// A fairer floor than a bare table: the rows our import stored, written
/// again by the engine's own shell into the same schema — same tables, same
/// indexes, same foreign keys — in one transaction (`INSERT … SELECT` from a
/// staged copy, so no parsing or binding at all). Only that insert is timed.
fn same_schema_floor(
    work: &Path,
    engine: &str,
    pg: &str,
    schema: &str,
) -> anyhow::Result<Duration> {
    let stage: String = IMPORTED_TABLES
        .iter()
        .map(|t| format!("CREATE TABLE staged_{t} AS SELECT * FROM {t};"))
        .collect();
    let insert: String = IMPORTED_TABLES
        .iter()
        .map(|t| format!("INSERT INTO {t} SELECT * FROM staged_{t};"))
        .collect();
    if engine == "sqlite" {
        let db = work.join("floor.db");
        std::fs::copy(work.join("ours.db"), &db)?;
        let clear: String = IMPORTED_TABLES
            .iter()
            .rev()
            .map(|t| format!("DELETE FROM {t};"))
            .collect();
        let sqlite = |sql: &str| -> anyhow::Result<()> {
            let status = Command::new("sqlite3")
                .arg(&db)
                .arg(sql)
                .stdout(std::process::Stdio::null())
                .status()
                .context("running sqlite3")?;
            anyhow::ensure!(status.success(), "sqlite3 failed: {sql}");
            Ok(())
        };
        sqlite(&format!("PRAGMA journal_mode=WAL; {stage} {clear} VACUUM;"))?;
        let t = Instant::now();
        sqlite(&format!(
            "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144; \
             BEGIN; {insert} COMMIT;"
        ))?;
        Ok(t.elapsed())
    } else {
        let url = |sql: &str| format!("SET search_path TO {schema}; {sql}");
        let tables = IMPORTED_TABLES.join(", ");
        psql(pg, &url(&format!("{stage} TRUNCATE {tables} CASCADE;")))?;
        let t = Instant::now();
        psql(pg, &url(&format!("BEGIN; {insert} COMMIT;")))?;
        Ok(t.elapsed())
    }
}

fn psql(url: &str, sql: &str) -> anyhow::Result<()> {
    let status = Command::new("psql")
        .args([url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .status()
        .context("running psql (apt-get install postgresql-client)")?;
    anyhow::ensure!(status.success(), "psql failed: {sql}");
    Ok(())
}

fn psql_copy(url: &str, schema: &str, file: &Path) -> anyhow::Result<Duration> {
    let columns: Vec<String> = (1..=GENERATED_HEADERS.len())
        .map(|i| format!("c{i} TEXT"))
        .collect();
    psql(
        url,
        &format!("CREATE TABLE {schema}.persons_raw ({})", columns.join(", ")),
    )?;
    let t = Instant::now();
    psql(
        url,
        &format!(
            "\\copy {schema}.persons_raw FROM '{}' WITH (FORMAT csv, HEADER true)",
            file.display()
        ),
    )?;
    Ok(t.elapsed())
}

/// Latency of name searches as a tracer types them: without diacritics, in
/// another word order, or with the given name cut short.
async fn time_searches(
    store: &Store,
    names: &[String],
    count: usize,
    seed: u64,
) -> anyhow::Result<serde_json::Value> {
    if names.is_empty() || count == 0 {
        return Ok(json!(null));
    }
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x5ea7c4);
    let mut times = Vec::with_capacity(count);
    let mut hits = 0;
    for i in 0..count {
        let name = &names[rng.usize(0..names.len())];
        let words = phongdich_domain::text::tokens(name);
        let q = match i % 3 {
            0 => words.join(" "),
            1 => {
                let mut w = words.clone();
                w.rotate_right(1);
                w.join(" ")
            }
            _ => {
                let given = words.last().cloned().unwrap_or_default();
                let cut: String = given
                    .chars()
                    .take(given.chars().count().div_ceil(2))
                    .collect();
                format!("{} {cut}", words[0])
            }
        };
        let query = PersonQuery {
            q: Some(q),
            limit: Some(50),
            ..Default::default()
        };
        let t = Instant::now();
        let (found, _) = store.search_persons(&Scope::national(), &query).await?;
        times.push(t.elapsed());
        hits += usize::from(!found.is_empty());
    }
    times.sort();
    let pct = |p: f64| ms(times[((times.len() - 1) as f64 * p).round() as usize]);
    Ok(
        json!({ "queries": count, "with_results": hits, "p50_ms": pct(0.5), "p95_ms": pct(0.95), "max_ms": pct(1.0) }),
    )
}
