//! `phongdich bench results`: a lab's results file imported into a store
//! holding a province's people, their households' contacts, and the samples
//! the results name — pools resolved, positives confirmed as F0 with their
//! contacts re-classified — against the engine's own bulk insert of the same
//! rows into the same table (the floor).

use crate::bench_tracing::{ms, sqlite3};
use phongdich_store::{Actor, Scope, Store};
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

#[derive(clap::Args)]
pub(crate) struct ResultsArgs {
    /// Results in the lab file (half for pools of 5, half for single samples).
    #[arg(long, default_value_t = 100_000)]
    results: usize,
    /// Share of positive results, in percent.
    #[arg(long, default_value_t = 1.0)]
    positive_percent: f64,
    #[arg(long, default_value_t = 2021)]
    seed: u64,
    #[arg(long, default_value = "bench-results")]
    out: std::path::PathBuf,
}

pub(crate) async fn run(args: ResultsArgs) -> anyhow::Result<()> {
    let work = std::env::temp_dir().join(format!("phongdich-bench-results-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let outcome = bench(&args, &work).await;
    let _ = std::fs::remove_dir_all(&work);
    let result = outcome?;
    std::fs::create_dir_all(&args.out)?;
    let file = args.out.join(format!("results-{}.json", args.results));
    std::fs::write(&file, serde_json::to_string_pretty(&result)?)?;
    eprintln!("full results: {}", file.display());
    println!(
        "{}",
        json!({"bench": "results", "ours_ms": result["ours_ms"], "peer": result["peer"],
               "peer_ms": result["peer_ms"], "ratio": result["ratio"], "results": args.results,
               "confirmed_f0": result["confirmed_f0"], "classes_after": result["classes_after"]})
    );
    Ok(())
}

async fn bench(args: &ResultsArgs, work: &Path) -> anyhow::Result<serde_json::Value> {
    let pools = args.results / 2;
    let singles = args.results - pools;
    let pooled_samples = pools * 5;
    let people = pooled_samples + singles;
    eprintln!(
        "[1/4] a store with {people} people of Quảng Ninh in households of 4 (contacts within each), \
         {pools} pools of 5 and {singles} single samples"
    );
    let db = work.join("store.db");
    let url = format!("sqlite://{}", db.display());
    Store::open(&url).await?.close().await;
    let t = Instant::now();
    sqlite3(
        &db,
        &format!(
            "PRAGMA journal_mode=WAL;\n\
             CREATE TEMP TABLE communes AS SELECT ROW_NUMBER() OVER (ORDER BY code) - 1 AS n, code, district_code, province_code \
               FROM units WHERE level = 'commune' AND province_code = '22';\n\
             CREATE TEMP TABLE i AS WITH RECURSIVE r(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM r WHERE id < {people}) SELECT id FROM r;\n\
             BEGIN;\n\
             INSERT INTO persons (id, full_name, name_folded, given_key, birth_year, sex, province_code, district_code, commune_code, created_at, updated_at) \
             SELECT id, 'Người ' || id, 'nguoi ' || id, 'k' || (id % 997), 1940 + id % 70, 'male', c.province_code, c.district_code, c.code, \
               '2021-08-01T00:00:00Z', '2021-08-01T00:00:00Z' \
             FROM i JOIN communes c ON c.n = ((i.id - 1) / 4) % (SELECT COUNT(*) FROM communes);\n\
             INSERT INTO contacts (person_id, other_person_id, from_on, to_on, setting, masked, body_contact, caregiving, \
               protective_equipment, closed_space, qualifies, why_vi, why_en, created_by, created_at) \
             SELECT i.id, i.id + k.k, '2021-08-01', '2021-08-25', 'household', 0, 1, 0, 0, 1, 1, '', '', 'bench', '2021-08-01T00:00:00Z' \
             FROM i, (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) k \
             WHERE i.id + k.k <= {people} AND (i.id + k.k - 1) / 4 = (i.id - 1) / 4;\n\
             INSERT INTO pools (id, code, household, specimen, collected_on, lab, status, province_code, district_code, commune_code, created_by, created_at) \
             SELECT i.id, 'P' || i.id, 1, 'nasopharyngeal', '2021-08-20', 'CDC', 'collected', p.province_code, p.district_code, p.commune_code, 'bench', '2021-08-20T00:00:00Z' \
             FROM i JOIN persons p ON p.id = (i.id - 1) * 5 + 1 WHERE i.id <= {pools};\n\
             INSERT INTO samples (id, code, person_id, pool_id, specimen, collected_on, lab, status, province_code, district_code, commune_code, created_by, created_at, updated_at) \
             SELECT p.id, 'S' || p.id, p.id, CASE WHEN p.id <= {pooled_samples} THEN (p.id - 1) / 5 + 1 END, 'nasopharyngeal', '2021-08-20', 'CDC', 'collected', \
               p.province_code, p.district_code, p.commune_code, 'bench', '2021-08-20T00:00:00Z', '2021-08-20T00:00:00Z' FROM persons p;\n\
             COMMIT;\n"
        ),
    )?;
    let setup_ms = ms(t.elapsed());

    eprintln!(
        "[2/4] writing the lab file ({} results, {} % positive)",
        args.results, args.positive_percent
    );
    let file = work.join("ket-qua.csv");
    let mut rng = fastrand::Rng::with_seed(args.seed);
    let mut positives = 0usize;
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&file)?);
        writeln!(
            w,
            "Mã mẫu,Kỹ thuật,Kết quả,Giá trị Ct,Ngày trả kết quả,Phòng xét nghiệm"
        )?;
        let codes = (1..=pools)
            .map(|p| format!("P{p}"))
            .chain((pooled_samples + 1..=people).map(|s| format!("S{s}")));
        for code in codes {
            let positive = rng.f64() * 100.0 < args.positive_percent;
            positives += positive as usize;
            let (outcome, ct) = if positive {
                (
                    "Dương tính",
                    format!(
                        "N:{:.1};E:{:.1}",
                        18.0 + rng.f64() * 12.0,
                        20.0 + rng.f64() * 12.0
                    ),
                )
            } else {
                ("Âm tính", String::new())
            };
            writeln!(w, "{code},RT-PCR,{outcome},{ct},21/08/2021,CDC Quảng Ninh")?;
        }
        w.flush()?;
    }

    eprintln!("[3/4] importing it: every row validated, pools resolved, positives confirmed as F0");
    let store = Store::open(&url).await?;
    store.class_counts(&Scope::national()).await?; // loads the engine, untimed
    let actor = Actor::system("bench");
    let report = work.join("ket-qua.report.csv");
    let t = Instant::now();
    let s = phongdich_sheets::results::import_results(&store, &actor, &file, &report)
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    let ours = t.elapsed();
    let counts = store.class_counts(&Scope::national()).await?;
    store.close().await;
    anyhow::ensure!(s.refused == 0, "{} rows refused", s.refused);

    eprintln!(
        "[4/4] the floor: sqlite3 .import of the same file and one INSERT … SELECT into test_results"
    );
    let floor_db = work.join("floor.db");
    std::fs::copy(&db, &floor_db)?;
    let t = Instant::now();
    sqlite3(
        &floor_db,
        &format!(
            "CREATE TEMP TABLE raw (code TEXT, kind TEXT, outcome TEXT, ct TEXT, day TEXT, lab TEXT);\n\
             .import --csv --skip 1 {} raw\n\
             INSERT INTO test_results (code, test_kind, outcome, ct, resulted_on, lab, created_by, created_at) \
             SELECT code, kind, outcome, ct, day, lab, 'bench', '2021-08-21T00:00:00Z' FROM raw;\n",
            file.display()
        ),
    )?;
    let peer = t.elapsed();
    Ok(json!({
        "bench": "results", "engine": "sqlite", "results": args.results, "people": people,
        "pools": pools, "single_samples": singles, "positives": positives, "setup_ms": setup_ms,
        "ours_ms": ms(ours), "peer": "sqlite3 .import + INSERT … SELECT", "peer_ms": ms(peer),
        "ratio": ((peer.as_secs_f64() / ours.as_secs_f64()) * 1000.0).round() / 1000.0,
        "our_slowdown": ((ours.as_secs_f64() / peer.as_secs_f64()) * 10.0).round() / 10.0,
        "per_result_ms": ms(ours) / args.results.max(1) as f64,
        "recorded": s.recorded, "confirmed_f0": s.confirmed,
        "classes_after": {"f0": counts[0], "f1": counts[1], "f2": counts[2], "f3": counts[3], "f4": counts[4]},
    }))
}
