//! `phongdich bench levels` (issue 20): the weekly assessment of every
//! commune of the country (10,603) from `--cases` cases over `--weeks` weeks
//! and communes whose populations sum to `--people`, with coverage entered
//! for every commune and last week's levels published — through the store
//! (`Store::week_levels` for the whole country, then its province roll-ups),
//! against plain SQL computing the same C1 figures (the week's community
//! cases by commune) by `sqlite3` / `psql` on the same database in the same
//! run; the figures must be equal (a difference fails the run).
//!
//! The registry holds one person per case (a case names its person, one case
//! a person): the people count enters the levels only through the communes'
//! populations, which sum to `--people`.

use crate::bench_tracing::{ms, sqlite3};
use anyhow::{Context, ensure};
use chrono::NaiveDate;
use phongdich_store::{Scope, Store};
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub(crate) struct LevelsArgs {
    #[arg(long, default_value = "sqlite")]
    engine: String,
    /// The PostgreSQL server (a fresh database is made on it).
    #[arg(
        long,
        env = "PHONGDICH_BENCH_POSTGRES",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    pg: String,
    /// The country's population, spread over the communes.
    #[arg(long, default_value_t = 10_000_000)]
    people: u64,
    #[arg(long, default_value_t = 1_000_000)]
    cases: usize,
    #[arg(long, default_value_t = 8)]
    weeks: usize,
    /// Timed repetitions (the median is reported).
    #[arg(long, default_value_t = 5)]
    repeat: usize,
    #[arg(long, default_value = "bench-results")]
    out: std::path::PathBuf,
}

/// The first week's Monday: 4800/QĐ-BYT applies from 12/10/2021.
fn first_monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 10, 11).expect("a date")
}

/// A deterministic pseudo-random number from `i` and a stream `k`.
fn mix(i: u64, k: u64) -> u64 {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ k.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

pub(crate) async fn run(args: LevelsArgs) -> anyhow::Result<()> {
    let work = std::env::temp_dir().join(format!("phongdich-bench-levels-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let outcome = bench(&args, &work).await;
    if std::env::var_os("PHONGDICH_BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&work);
    }
    let result = outcome?;
    std::fs::create_dir_all(&args.out)?;
    let file = args.out.join(format!(
        "levels-{}-{}-{}.json",
        args.engine, args.people, args.cases
    ));
    std::fs::write(&file, serde_json::to_string_pretty(&result)?)?;
    eprintln!("full results: {}", file.display());
    println!("{result}");
    Ok(())
}

fn psql_file(url: &str, script: &str, out: Option<&Path>) -> anyhow::Result<()> {
    let mut cmd = Command::new("psql");
    cmd.args([
        url,
        "-q",
        "-X",
        "-A",
        "-t",
        "-F",
        "|",
        "-v",
        "ON_ERROR_STOP=1",
        "-f",
        "-",
    ]);
    match out {
        Some(p) => cmd.stdout(std::fs::File::create(p)?),
        None => cmd.stdout(Stdio::null()),
    };
    let mut child = cmd.stdin(Stdio::piped()).spawn().context("running psql")?;
    child
        .stdin
        .take()
        .context("psql's input")?
        .write_all(script.as_bytes())?;
    ensure!(child.wait()?.success(), "psql failed");
    Ok(())
}

fn sqlite3_to(db: &Path, script: &str, out: &Path) -> anyhow::Result<()> {
    let mut child = Command::new("sqlite3")
        .arg("-bail")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(std::fs::File::create(out)?)
        .spawn()
        .context("running sqlite3")?;
    child
        .stdin
        .take()
        .context("sqlite3's input")?
        .write_all(script.as_bytes())?;
    ensure!(child.wait()?.success(), "sqlite3 failed");
    Ok(())
}

async fn bench(args: &LevelsArgs, work: &Path) -> anyhow::Result<serde_json::Value> {
    let postgres = args.engine == "postgres";
    let file = work.join("levels.db");
    let url = if postgres {
        let db = format!("phongdich_bench_levels_{}", std::process::id());
        psql_file(
            &args.pg,
            &format!("DROP DATABASE IF EXISTS {db};\nCREATE DATABASE {db};\n"),
            None,
        )?;
        let (base, query) = args.pg.split_once('?').unwrap_or((&args.pg, ""));
        let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
        if query.is_empty() {
            format!("{base}/{db}")
        } else {
            format!("{base}/{db}?{query}")
        }
    } else {
        format!("sqlite://{}", file.display())
    };
    eprintln!(
        "[1/4] a fresh {} store: the country's communes, {} cases over {} weeks (untimed)",
        args.engine, args.cases, args.weeks
    );
    let store = Store::open(&url).await?;
    let communes: Vec<(String, String, String)> = {
        let csv = work.join("communes.csv");
        let script = "SELECT code || '|' || COALESCE(district_code, '') || '|' || province_code FROM units WHERE level = 'commune' ORDER BY code;\n";
        if postgres {
            psql_file(&url, script, Some(&csv))?;
        } else {
            sqlite3_to(&file, script, &csv)?;
        }
        std::fs::read_to_string(&csv)?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let mut f = l.trim().split('|');
                (
                    f.next().unwrap_or_default().to_owned(),
                    f.next().unwrap_or_default().to_owned(),
                    f.next().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    };
    ensure!(
        communes.len() > 10_000,
        "the 2021 units: {} communes",
        communes.len()
    );
    let n = communes.len() as u64;
    // Populations summing to --people: a weight 1–4 per commune.
    let weights: Vec<u64> = (0..n).map(|i| 1 + mix(i, 1) % 4).collect();
    let total_w: u64 = weights.iter().sum();
    let mut populations: Vec<u64> = weights.iter().map(|w| args.people * w / total_w).collect();
    let short = args.people - populations.iter().sum::<u64>();
    populations[0] += short;
    // Cases: a commune in proportion to its weight (some much busier), a
    // day in the weeks, where found as in a wave (2 % imported, 2 % from
    // another province, half in quarantine, the rest in the community).
    let days = (args.weeks * 7) as u64;
    let start = first_monday();
    let mut cumulative = Vec::with_capacity(weights.len());
    let mut acc = 0u64;
    for w in &weights {
        acc += w * w;
        cumulative.push(acc);
    }
    let stamp = "2021-10-11T00:00:00.000Z";
    let persons_csv = work.join("persons.csv");
    let cases_csv = work.join("cases.csv");
    {
        let mut p = std::io::BufWriter::new(std::fs::File::create(&persons_csv)?);
        let mut c = std::io::BufWriter::new(std::fs::File::create(&cases_csv)?);
        writeln!(
            p,
            "id,full_name,name_folded,given_key,birth_year,sex,province_code,district_code,commune_code,created_at,updated_at"
        )?;
        writeln!(
            c,
            "id,code,person_id,confirmed_on,test_kind,source_kind,course,detected_where,province_code,district_code,commune_code,created_by,created_at,updated_at"
        )?;
        for i in 0..args.cases as u64 {
            let pick = mix(i, 2) % acc;
            let k = cumulative.partition_point(|c| *c <= pick);
            let (code, district, province) = &communes[k];
            let day = start + chrono::Days::new(mix(i, 3) % days);
            let src = mix(i, 4) % 100;
            let (source, found) = match src {
                0..=1 => ("imported", "checkpoint"),
                2..=3 => ("other_province", "community"),
                4..=53 => ("case", "quarantine"),
                _ => ("investigating", "community"),
            };
            let id = i + 1;
            writeln!(
                p,
                "{id},Người {id},nguoi {id},k{},{},{},{province},{district},{code},{stamp},{stamp}",
                id % 997,
                1940 + id % 75,
                if id % 2 == 0 { "male" } else { "female" }
            )?;
            writeln!(
                c,
                "{id},BN{id},{id},{day},rt_pcr,{source},hospital,{found},{province},{district},{code},bench,{stamp},{stamp}"
            )?;
        }
    }
    let pop_csv = work.join("populations.csv");
    let coverage_csv = work.join("coverage.csv");
    let levels_csv = work.join("levels.csv");
    let week = start + chrono::Days::new(((args.weeks - 1) * 7) as u64);
    let previous = week - chrono::Days::new(7);
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&pop_csv)?);
        let mut g = std::io::BufWriter::new(std::fs::File::create(&coverage_csv)?);
        let mut h = std::io::BufWriter::new(std::fs::File::create(&levels_csv)?);
        writeln!(f, "code,population")?;
        writeln!(
            g,
            "unit_code,province_code,district_code,commune_code,as_of,adult_one_dose,elderly_full,capacity_met,entered_by,entered_at"
        )?;
        writeln!(
            h,
            "week_start,unit_code,province_code,district_code,commune_code,rule_code,cases,c2_met,level,why_vi,why_en,published_by,published_at"
        )?;
        for (i, ((code, district, province), pop)) in communes.iter().zip(&populations).enumerate()
        {
            let i = i as u64;
            writeln!(f, "{code},{pop}")?;
            writeln!(
                g,
                "{code},{province},{district},{code},{previous},{},{},{},bench,{stamp}",
                50 + mix(i, 5) % 50,
                60 + mix(i, 6) % 40,
                !mix(i, 7).is_multiple_of(5)
            )?;
            writeln!(
                h,
                "{previous},{code},{province},{district},{code},4800-2021,0,1,{},bench,bench,bench,{stamp}",
                1 + mix(i, 8) % 4
            )?;
        }
    }
    let load = if postgres {
        format!(
            "\\copy persons (id, full_name, name_folded, given_key, birth_year, sex, province_code, district_code, commune_code, created_at, updated_at) FROM '{p}' CSV HEADER\n\
             \\copy cases (id, code, person_id, confirmed_on, test_kind, source_kind, course, detected_where, province_code, district_code, commune_code, created_by, created_at, updated_at) FROM '{c}' CSV HEADER\n\
             CREATE TEMP TABLE pop (code TEXT, population BIGINT);\n\\copy pop FROM '{pop}' CSV HEADER\n\
             UPDATE units u SET population = pop.population FROM pop WHERE pop.code = u.code;\n\
             CREATE TEMP TABLE cov (unit_code TEXT, province_code TEXT, district_code TEXT, commune_code TEXT, as_of TEXT, adult_one_dose DOUBLE PRECISION, elderly_full DOUBLE PRECISION, capacity_met BOOLEAN, entered_by TEXT, entered_at TEXT);\n\
             \\copy cov FROM '{cov}' CSV HEADER\n\
             INSERT INTO commune_coverage (unit_code, province_code, district_code, commune_code, as_of, adult_one_dose, elderly_full, capacity_met, entered_by, entered_at) \
               SELECT unit_code, province_code, district_code, commune_code, as_of, adult_one_dose, elderly_full, CASE WHEN capacity_met THEN 1 ELSE 0 END, entered_by, entered_at FROM cov;\n\
             \\copy epidemic_levels (week_start, unit_code, province_code, district_code, commune_code, rule_code, cases, c2_met, level, why_vi, why_en, published_by, published_at) FROM '{lv}' CSV HEADER\n\
             SELECT setval(pg_get_serial_sequence('persons', 'id'), (SELECT MAX(id) FROM persons));\n\
             SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT MAX(id) FROM cases));\n\
             ANALYZE;\n",
            p = persons_csv.display(),
            c = cases_csv.display(),
            pop = pop_csv.display(),
            cov = coverage_csv.display(),
            lv = levels_csv.display()
        )
    } else {
        format!(
            "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\nPRAGMA cache_size=-1048576;\n\
             .import --csv {p} stage_persons\n.import --csv {c} stage_cases\n.import --csv {pop} stage_pop\n.import --csv {cov} stage_cov\n.import --csv {lv} stage_levels\n\
             BEGIN;\n\
             INSERT INTO persons (id, full_name, name_folded, given_key, birth_year, sex, province_code, district_code, commune_code, created_at, updated_at) SELECT * FROM stage_persons;\n\
             INSERT INTO cases (id, code, person_id, confirmed_on, test_kind, source_kind, course, detected_where, province_code, district_code, commune_code, created_by, created_at, updated_at) SELECT * FROM stage_cases;\n\
             UPDATE units SET population = CAST(stage_pop.population AS INTEGER) FROM stage_pop WHERE stage_pop.code = units.code;\n\
             INSERT INTO commune_coverage (unit_code, province_code, district_code, commune_code, as_of, adult_one_dose, elderly_full, capacity_met, entered_by, entered_at) \
               SELECT unit_code, province_code, district_code, commune_code, as_of, CAST(adult_one_dose AS REAL), CAST(elderly_full AS REAL), CASE capacity_met WHEN 'true' THEN 1 ELSE 0 END, entered_by, entered_at FROM stage_cov;\n\
             INSERT INTO epidemic_levels (week_start, unit_code, province_code, district_code, commune_code, rule_code, cases, c2_met, level, why_vi, why_en, published_by, published_at) \
               SELECT week_start, unit_code, province_code, district_code, commune_code, rule_code, CAST(cases AS INTEGER), CAST(c2_met AS INTEGER), CAST(level AS INTEGER), why_vi, why_en, published_by, published_at FROM stage_levels;\n\
             COMMIT;\n\
             DROP TABLE stage_persons; DROP TABLE stage_cases; DROP TABLE stage_pop; DROP TABLE stage_cov; DROP TABLE stage_levels;\n\
             ANALYZE;\nPRAGMA wal_checkpoint(TRUNCATE);\n",
            p = persons_csv.display(),
            c = cases_csv.display(),
            pop = pop_csv.display(),
            cov = coverage_csv.display(),
            lv = levels_csv.display()
        )
    };
    let t = Instant::now();
    if postgres {
        psql_file(&url, &load, None)?;
    } else {
        sqlite3(&file, &load)?;
    }
    eprintln!("  loaded in {:.1} s", t.elapsed().as_secs_f64());

    // Ours: the whole country's week, then its province roll-ups.
    eprintln!(
        "[2/4] ours: Store::week_levels for the whole country (week of {week}) and its province roll-ups, {} runs after a warm one",
        args.repeat
    );
    let scope = Scope::national();
    let w = store.week_levels(&scope, week).await?;
    let rollups = w.by_province();
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..args.repeat.max(1) {
        let t = Instant::now();
        let w = store.week_levels(&scope, week).await?;
        let r = w.by_province();
        times.push(t.elapsed());
        ensure!(r.len() == rollups.len(), "roll-ups differ between runs");
    }
    times.sort();
    let ours = times[times.len() / 2];
    let counts: [i64; 4] = rollups.iter().fold([0; 4], |mut a, r| {
        for (i, n) in r.communes_by_level.iter().enumerate() {
            a[i] += n;
        }
        a
    });
    eprintln!(
        "  {} communes, {} provinces: median {:.1} ms; communes by level {counts:?}",
        w.communes.len(),
        rollups.len(),
        ms(ours)
    );
    // The province of Quảng Ninh alone (what its map page reads).
    let qn =
        Scope::unit(phongdich_domain::UnitCode::parse("22").map_err(|e| anyhow::anyhow!("{e:?}"))?);
    let mut qn_times = Vec::new();
    for _ in 0..args.repeat.max(1) {
        let t = Instant::now();
        let _ = store.week_levels(&qn, week).await?.by_province();
        qn_times.push(t.elapsed());
    }
    qn_times.sort();
    let qn_ms = ms(qn_times[qn_times.len() / 2]);

    // The peer: the same C1 figures by plain SQL, in the same run.
    eprintln!(
        "[3/4] the peer: the week's community cases by commune, plain SQL by {}",
        if postgres { "psql" } else { "sqlite3" }
    );
    let end = week + chrono::Days::new(7);
    let sql = format!(
        "SELECT commune_code, COUNT(*) FROM cases WHERE confirmed_on >= '{week}' AND confirmed_on < '{end}' \
         AND source_kind NOT IN ('imported', 'other_province') AND detected_where <> 'quarantine' \
         GROUP BY commune_code ORDER BY commune_code;\n"
    );
    let out = work.join("peer.txt");
    let mut peer_times = Vec::new();
    for i in 0..=args.repeat.max(1) {
        let t = Instant::now();
        if postgres {
            psql_file(&url, &sql, Some(&out))?;
        } else {
            sqlite3_to(&file, &format!(".separator |\n{sql}"), &out)?;
        }
        if i > 0 {
            peer_times.push(t.elapsed());
        }
    }
    peer_times.sort();
    let peer = peer_times[peer_times.len() / 2];
    let theirs: BTreeMap<String, i64> = std::fs::read_to_string(&out)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (c, k) = l.trim().split_once('|').unwrap_or((l, "0"));
            (c.to_owned(), k.trim().parse().unwrap_or(-1))
        })
        .collect();
    let mine: BTreeMap<String, i64> = w
        .communes
        .iter()
        .filter(|c| c.cases > 0)
        .map(|c| (c.unit_code.clone(), c.cases))
        .collect();
    ensure!(
        mine == theirs,
        "C1 differs from plain SQL: {} communes with cases here, {} there",
        mine.len(),
        theirs.len()
    );
    let total: i64 = mine.values().sum();
    eprintln!(
        "  median {:.1} ms; {} communes with community cases, {total} cases: equal to ours",
        ms(peer),
        theirs.len()
    );
    eprintln!("[4/4] Quảng Ninh alone (its map page's read): median {qn_ms:.1} ms");
    // The province's map page over HTTP, as its committee opens it: a
    // running `phongdich serve`, a province account's session; the page's
    // commune tiles checked against the week's communes.
    let qn_communes = store.week_levels(&qn, week).await?.communes.len();
    let map_ms = map_page(&store, &url, week, qn_communes, args.repeat.max(1)).await?;
    eprintln!("      its map page over HTTP: median {map_ms:.1} ms ({qn_communes} communes drawn)");
    drop(store);
    if postgres {
        let db = url
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .split('?')
            .next()
            .unwrap_or_default()
            .to_owned();
        let _ = psql_file(&args.pg, &format!("DROP DATABASE IF EXISTS {db};\n"), None);
    }
    Ok(json!({
        "bench": "levels", "engine": args.engine, "people": args.people, "cases": args.cases, "weeks": args.weeks,
        "communes": w.communes.len(), "provinces": rollups.len(), "week": week.to_string(),
        "community_cases_in_week": total, "communes_by_level": counts,
        "ours_ms": ms(ours), "peer_ms": ms(peer), "ratio": (peer.as_secs_f64() / ours.as_secs_f64() * 1000.0).round() / 1000.0,
        "province_22_ms": qn_ms, "province_22_map_page_ms": map_ms,
    }))
}

/// The median time of `GET /map?by=level` for Quảng Ninh's administrator
/// over HTTP against a running server, after one warm-up; each answer must
/// be the map with one tile per commune.
async fn map_page(
    store: &Store,
    url: &str,
    week: NaiveDate,
    communes: usize,
    repeat: usize,
) -> anyhow::Result<f64> {
    let password = "bench-levels-map-2021";
    store
        .add_user(
            &phongdich_store::Actor::system("bench"),
            &phongdich_store::NewUser {
                username: "bench.map".into(),
                display_name: "Ban Chỉ đạo tỉnh Quảng Ninh".into(),
                unit_code: "22".into(),
                role: "admin".into(),
                password: password.into(),
            },
        )
        .await?;
    let (_, session) = store.login("bench.map", password, "bench").await?;
    let server = crate::bench_returnees::Server::start(url)?;
    let mut conn = crate::bench_returnees::Conn::open(&server.1)?;
    let path = format!("/map?by=level&week={}", week.format("%d/%m/%Y"));
    let mut times = Vec::new();
    for i in 0..=repeat {
        let t = Instant::now();
        let (status, body) = conn.get_page(&path, &session.token)?;
        let took = t.elapsed();
        ensure!(status == 200, "GET {path}: {status}");
        // One linked square a commune: `<a …><rect class="…">`.
        let tiles = body.matches("\"><rect class=\"").count();
        ensure!(
            tiles == communes,
            "the map drew {tiles} commune tiles, the week has {communes} communes"
        );
        if i > 0 {
            times.push(took);
        }
    }
    times.sort();
    Ok(ms(times[times.len() / 2]))
}
