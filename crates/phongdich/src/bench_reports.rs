//! `phongdich bench reports`: a province at the height of a wave (1 M people,
//! 100,000 cases over 90 days, 5 M contacts, classes, samples, results,
//! orders, alerts, places, oxygen) and its rapid reports through the store —
//! the province dashboard and every commune's report — against the same
//! aggregates by plain SQL `GROUP BY` run by `sqlite3` on the same file in
//! the same run. The peer's figures must equal ours (the bench fails if not).

use crate::bench_tracing::{communes_of, ms, sqlite3};
use anyhow::{Context, ensure};
use chrono::NaiveDate;
use phongdich_domain::UnitCode;
use phongdich_domain::report::{Figures, LINES, Rates};
use phongdich_store::{Scope, Store};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub(crate) struct ReportsArgs {
    #[arg(long, default_value_t = 1_000_000)]
    persons: usize,
    /// Cases confirmed over the period (an epidemic curve rising to a peak at
    /// two thirds of it, then falling).
    #[arg(long, default_value_t = 100_000)]
    cases: usize,
    #[arg(long, default_value_t = 5_000_000)]
    contacts: usize,
    #[arg(long, default_value_t = 90)]
    days: usize,
    /// Timed repetitions of the dashboard (the median is reported).
    #[arg(long, default_value_t = 5)]
    repeat: usize,
    #[arg(long, default_value = "bench-results")]
    out: std::path::PathBuf,
}

/// The wave's first day: fixed, so that the data set does not depend on
/// when the bench runs.
fn wave_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 9, 3).expect("a date")
}

const PROVINCE: &str = "22";

pub(crate) async fn run(args: ReportsArgs) -> anyhow::Result<()> {
    let work = std::env::temp_dir().join(format!("phongdich-bench-reports-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let outcome = bench(&args, &work).await;
    if std::env::var_os("PHONGDICH_BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&work);
    }
    let result = outcome?;
    std::fs::create_dir_all(&args.out)?;
    let file = args.out.join(format!(
        "reports-{}-{}-{}.json",
        args.persons, args.cases, args.contacts
    ));
    std::fs::write(&file, serde_json::to_string_pretty(&result)?)?;
    eprintln!("full results: {}", file.display());
    let line = json!({
        "bench": "reports", "ours_ms": result["ours"]["communes_ms"], "peer": result["peer"]["name"],
        "peer_ms": result["peer"]["communes_each_ms"], "ratio": result["ratio_communes_each"],
        "dashboard_ms": result["ours"]["dashboard_ms"], "peer_dashboard_ms": result["peer"]["dashboard_ms"],
        "peer_communes_at_once_ms": result["peer"]["communes_at_once_ms"],
    });
    println!("{line}");
    Ok(())
}

/// `h(expr, k)`: a deterministic pseudo-random number 0..65535 from an
/// integer expression (`k` picks an independent stream). Plain SQL, so the
/// data set is the same on every run and every machine. Two rounds of a
/// multiplicative hash with the high bits kept between them: one round alone
/// is affine, and consecutive ids (a day's cases) then fell into runs.
/// Every product stays under 2⁶³ (SQLite would turn it into a float).
fn h(expr: &str, k: u32) -> String {
    let x = format!("(({expr}) * 16 + {k})");
    format!(
        "((({x} * 2654435761 % 4294967296) / 65536 * 65536 + {x} % 65536) * 1597334677 % 4294967296 / 65536)"
    )
}

/// The data set, written by `sqlite3` in one script: plain `INSERT … SELECT`
/// over recursive counters, rows as the store and the tracing engine would
/// have written them (the engine is not run: classes and history are written
/// directly).
fn setup_script(args: &ReportsArgs, rule_json: &str) -> String {
    let (p, c, k, d) = (args.persons, args.cases, args.contacts, args.days);
    let start = wave_start();
    let pk = d * 2 / 3;
    format!(
        "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\nPRAGMA cache_size=-1048576;\n\
         CREATE TEMP TABLE communes AS SELECT ROW_NUMBER() OVER (ORDER BY code) - 1 AS n, code, district_code, province_code \
           FROM units WHERE level = 'commune' AND province_code = '{PROVINCE}';\n\
         CREATE TEMP TABLE districts AS SELECT ROW_NUMBER() OVER (ORDER BY code) - 1 AS n, code, \
           (SELECT MIN(c.code) FROM communes c WHERE c.district_code = u.code) AS first_commune \
           FROM units u WHERE level = 'district' AND province_code = '{PROVINCE}';\n\
         -- Day numbers as dates (and back), from a month before the wave to a month after.\n\
         CREATE TEMP TABLE dd (n INTEGER PRIMARY KEY, d TEXT NOT NULL);\n\
         WITH RECURSIVE r(n) AS (SELECT -40 UNION ALL SELECT n + 1 FROM r WHERE n < {d} + 40) \
           INSERT INTO dd SELECT n, date('{start}', n || ' days') FROM r;\n\
         CREATE TEMP TABLE i (i INTEGER PRIMARY KEY);\n\
         WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i < {big} - 1) INSERT INTO i SELECT i FROM r;\n\
         BEGIN;\n\
         INSERT INTO persons (id, full_name, name_folded, given_key, birth_year, sex, province_code, district_code, commune_code, created_at, updated_at) \
           SELECT i + 1, 'Người ' || (i + 1), 'nguoi ' || (i + 1), 'k' || (i % 997), 1940 + i % 75, CASE i % 2 WHEN 0 THEN 'male' ELSE 'female' END, \
             c.province_code, c.district_code, c.code, '2021-08-01T00:00:00.000Z', '2021-08-01T00:00:00.000Z' \
           FROM i JOIN communes c ON c.n = (i + 1) % (SELECT COUNT(*) FROM communes) WHERE i < {p};\n\
         -- The epidemic curve: new cases per day rising (quadratically) to a\n\
         -- peak at two thirds of the period, then falling to a third of it.\n\
         CREATE TEMP TABLE curve AS SELECT n, w, SUM(w) OVER (ORDER BY n) AS cum FROM (SELECT n, \
           CASE WHEN n <= {pk} THEN 3 + 300 * n * n / ({pk} * {pk}) ELSE 303 - 190 * (n - {pk}) / MAX(1, {d} - 1 - {pk}) END AS w \
           FROM dd WHERE n BETWEEN 0 AND {d} - 1);\n\
         CREATE TEMP TABLE cs (i INTEGER PRIMARY KEY, person_id INTEGER, day INTEGER, src INTEGER, rec INTEGER, dead INTEGER, ward INTEGER);\n\
         INSERT INTO cs SELECT i.i, i.i * 7919 % {p} + 1, \
             (SELECT MIN(v.n) FROM curve v WHERE v.cum * {c} > i.i * (SELECT MAX(cum) FROM curve)), \
             {src} % 100, 8 + {rec} % 15, {dead} % 1000 < 5, {ward} % 100 FROM i WHERE i.i < {c};\n\
         -- Where each case is treated first (home, hospital, ICU); one in\n\
         -- twelve moves from home to hospital on its third day in treatment.\n\
         CREATE TEMP TABLE cz AS SELECT cs.*, cs.day + cs.rec AS out_day, \
             CASE WHEN cs.ward < 78 THEN 'home' WHEN cs.ward < 97 THEN 'hospital' ELSE 'icu' END AS place0, \
             cs.ward BETWEEN 70 AND 77 AND cs.day + 3 <= {last} AS moved, \
             p.province_code, p.district_code, p.commune_code \
           FROM cs JOIN persons p ON p.id = cs.person_id;\n\
         -- Sources: 2 % imported (found at the border), 2 % from another\n\
         -- province, 53 % found in quarantine (an F1 already isolated), the\n\
         -- rest in the community. Closed cases carry their recovery or death day.\n\
         INSERT INTO cases (id, code, person_id, confirmed_on, sample_on, test_kind, source_kind, source_ref, course, hospital, \
             detected_where, negative_on, recovered_on, died_on, province_code, district_code, commune_code, created_by, created_at, updated_at) \
           SELECT cz.i + 1, 'BN' || (cz.i + 1), cz.person_id, dc.d, ds.d, 'rt_pcr', \
             CASE WHEN cz.src < 2 THEN 'imported' WHEN cz.src < 4 THEN 'other_province' WHEN cz.src < 57 THEN 'case' \
                  WHEN cz.src % 2 = 0 THEN 'cluster' ELSE 'investigating' END, \
             CASE WHEN cz.src < 2 THEN 'KR' WHEN cz.src < 4 THEN NULL WHEN cz.src < 57 THEN 'BN' || (cz.i / 50 + 1) \
                  WHEN cz.src % 2 = 0 THEN 'Ổ dịch ' || cz.commune_code END, \
             CASE WHEN cz.out_day > {last} THEN (CASE WHEN cz.moved THEN 'hospital' ELSE cz.place0 END) \
                  WHEN cz.dead THEN 'deceased' ELSE 'recovered' END, \
             CASE WHEN cz.out_day > {last} AND (cz.ward >= 78 OR cz.moved) THEN 'Bệnh viện Bãi Cháy' END, \
             CASE WHEN cz.src < 2 THEN 'checkpoint' WHEN cz.src < 4 THEN 'community' WHEN cz.src < 57 THEN 'quarantine' ELSE 'community' END, \
             CASE WHEN cz.out_day <= {last} AND NOT cz.dead THEN dq.d END, \
             CASE WHEN cz.out_day <= {last} AND NOT cz.dead THEN dq.d END, \
             CASE WHEN cz.out_day <= {last} AND cz.dead THEN dq.d END, \
             cz.province_code, cz.district_code, cz.commune_code, 'bench', dc.d || 'T03:00:00.000Z', \
             CASE WHEN cz.out_day <= {last} THEN dq.d ELSE dc.d END || 'T03:00:00.000Z' \
           FROM cz JOIN dd dc ON dc.n = cz.day JOIN dd ds ON ds.n = cz.day - 1 JOIN dd dq ON dq.n = cz.out_day;\n\
         -- Each case's course, dated: where first treated from its\n\
         -- confirmation, the move to hospital, its recovery or death.\n\
         INSERT INTO case_courses (case_id, course, from_on, province_code, district_code, commune_code, recorded_at) \
           SELECT cz.i + 1, cz.place0, dc.d, cz.province_code, cz.district_code, cz.commune_code, dc.d || 'T03:00:00.000Z' \
           FROM cz JOIN dd dc ON dc.n = cz.day;\n\
         INSERT INTO case_courses (case_id, course, from_on, province_code, district_code, commune_code, recorded_at) \
           SELECT cz.i + 1, 'hospital', dm.d, cz.province_code, cz.district_code, cz.commune_code, dm.d || 'T05:00:00.000Z' \
           FROM cz JOIN dd dm ON dm.n = cz.day + 3 WHERE cz.moved;\n\
         INSERT INTO case_courses (case_id, course, from_on, province_code, district_code, commune_code, recorded_at) \
           SELECT cz.i + 1, CASE WHEN cz.dead THEN 'deceased' ELSE 'recovered' END, dq.d, cz.province_code, cz.district_code, cz.commune_code, \
             dq.d || 'T03:00:00.000Z' FROM cz JOIN dd dq ON dq.n = cz.out_day WHERE cz.out_day <= {last};\n\
         -- Contacts: fifty per case, the first five at home; 85 % within the\n\
         -- commune (people of a commune are every 177th id), the rest anywhere.\n\
         INSERT INTO contacts (person_id, other_person_id, from_on, to_on, setting, masked, body_contact, caregiving, \
             protective_equipment, closed_space, qualifies, why_vi, why_en, created_by, created_at) \
           SELECT a, CASE WHEN near THEN (CASE WHEN a + step <= {p} THEN a + step ELSE a - step END) ELSE far END, \
             df.d, dt.d, CASE WHEN j / {c} < 5 THEN 'household' WHEN j % 3 = 0 THEN 'workplace' ELSE 'community' END, \
             0, 0, 0, 0, j % 3 = 0, q, '', '', 'bench', dt.d || 'T10:00:00.000Z' \
           FROM (SELECT i.i AS j, cs.person_id AS a, {near} % 100 < 85 AS near, \
                   (SELECT COUNT(*) FROM communes) * (1 + {stepr} % 2000) AS step, ({far1} * 65536 + {far2}) % {p} + 1 AS far, \
                   cs.day - {lag} % 3 AS to_day, cs.day - {lag} % 3 - {span} % 4 AS from_day, {qual} % 5 <> 0 AS q \
                 FROM i JOIN cs ON cs.i = i.i % {c} WHERE i.i < {k}) x \
           JOIN dd df ON df.n = x.from_day JOIN dd dt ON dt.n = x.to_day;\n\
         -- Classes now, as the engine keeps them: active F0 at level 0; of the\n\
         -- others 8 % F1, 12 % F2, 5 % F3, 2 % F4, exposed in the last fortnight.\n\
         CREATE TEMP TABLE cl AS SELECT p.id AS person_id, {roll} % 1000 AS roll, {last} - {since} % 14 AS since, \
             ({via} * 7 % {c}) * 7919 % {p} + 1 AS via, {hour} % 14 AS hour, p.province_code, p.district_code, p.commune_code \
           FROM persons p WHERE p.id NOT IN (SELECT person_id FROM cases);\n\
         CREATE INDEX cl_person ON cl(person_id);\n\
         INSERT INTO person_classes (person_id, level, since_on, via_f0, path, province_code, district_code, commune_code, updated_at) \
           SELECT c.person_id, 0, date(c.confirmed_on, '-2 days'), c.person_id, c.person_id, c.province_code, c.district_code, c.commune_code, c.created_at \
           FROM cases c WHERE c.course IN ('home', 'hospital', 'icu');\n\
         INSERT INTO person_classes (person_id, level, since_on, via_f0, path, province_code, district_code, commune_code, updated_at) \
           SELECT cl.person_id, CASE WHEN roll < 80 THEN 1 WHEN roll < 200 THEN 2 WHEN roll < 250 THEN 3 ELSE 4 END, d.d, cl.via, \
             cl.via || ',' || cl.person_id, cl.province_code, cl.district_code, cl.commune_code, d.d || 'T03:00:00.000Z' \
           FROM cl JOIN dd d ON d.n = cl.since WHERE roll < 270;\n\
         -- History: each case's F0 entry, each current class's entry, and the\n\
         -- F1s of earlier in the wave (20 % of people), released 14 days later.\n\
         CREATE TEMP TABLE past AS SELECT cl.person_id, cl.province_code, cl.district_code, cl.commune_code, \
             {pday} % MAX(1, {d} - 14) AS day, cl.hour FROM cl WHERE roll >= 270 AND roll < 470;\n\
         INSERT INTO class_history (person_id, at, level, since_on, via_f0, path, cause) \
           SELECT person_id, created_at, 0, confirmed_on, person_id, person_id, 'confirmed' FROM cases;\n\
         INSERT INTO class_history (person_id, at, level, since_on, via_f0, path, cause) \
           SELECT k.person_id, strftime('%Y-%m-%dT%H:%M:%fZ', k.since_on, '+' || (cl.hour + 1) || ' hours'), k.level, k.since_on, k.via_f0, k.path, 'contact' \
           FROM person_classes k JOIN cl ON cl.person_id = k.person_id WHERE k.level > 0;\n\
         INSERT INTO class_history (person_id, at, level, since_on, via_f0, path, cause) \
           SELECT x.person_id, strftime('%Y-%m-%dT%H:%M:%fZ', d.d, '+' || (x.hour + 1) || ' hours'), 1, d.d, 1, '1,' || x.person_id, 'contact' \
           FROM past x JOIN dd d ON d.n = x.day;\n\
         INSERT INTO class_history (person_id, at, level, since_on, via_f0, path, cause) \
           SELECT x.person_id, d.d || 'T02:00:00.000Z', NULL, NULL, NULL, NULL, 'released' FROM past x JOIN dd d ON d.n = x.day + 14;\n\
         -- The periods each class held (what the store keeps with the\n\
         -- classes): the current ones to the end of their fortnight, the\n\
         -- earlier F1s' fortnight; one in ten of these was exposed again and\n\
         -- stayed F1 another fortnight, one in ten was traced again a week\n\
         -- after release (a new F1).\n\
         INSERT INTO class_periods (person_id, level, from_on, to_on, province_code, district_code, commune_code) \
           SELECT k.person_id, k.level, k.since_on, d13.d, k.province_code, k.district_code, k.commune_code \
           FROM person_classes k JOIN cl ON cl.person_id = k.person_id JOIN dd d13 ON d13.n = cl.since + 13 WHERE k.level > 0;\n\
         INSERT INTO class_periods (person_id, level, from_on, to_on, province_code, district_code, commune_code) \
           SELECT x.person_id, 1, d0.d, d13.d, x.province_code, x.district_code, x.commune_code \
           FROM past x JOIN dd d0 ON d0.n = x.day JOIN dd d13 ON d13.n = x.day + 13;\n\
         INSERT INTO class_periods (person_id, level, from_on, to_on, province_code, district_code, commune_code) \
           SELECT x.person_id, 1, d0.d, d1.d, x.province_code, x.district_code, x.commune_code \
           FROM (SELECT x.*, {again} % 10 AS again FROM past x) x \
           JOIN dd d0 ON d0.n = x.day + CASE x.again WHEN 0 THEN 14 ELSE 21 END \
           JOIN dd d1 ON d1.n = MIN(x.day + CASE x.again WHEN 0 THEN 27 ELSE 34 END, {last} - 1) \
           WHERE x.again < 2 AND x.day + CASE x.again WHEN 0 THEN 14 ELSE 21 END <= {last} - 1;\n\
         -- Contact reviews (rà soát): six in ten current F1s reached and\n\
         -- confirmed within three days of exposure, one not reached, one\n\
         -- confirmed the day before their period (not counted); half the\n\
         -- earlier F1s confirmed the day after exposure.\n\
         INSERT INTO contact_reviews (person_id, reviewed_on, outcome, level, province_code, district_code, commune_code, created_by, created_at) \
           SELECT x.person_id, d.d, CASE WHEN x.r = 6 THEN 'not_reached' ELSE 'confirmed' END, 1, x.province_code, x.district_code, x.commune_code, \
             'bench', d.d || 'T08:00:00.000Z' \
           FROM (SELECT cl.*, {review} % 10 AS r FROM cl WHERE cl.roll < 80) x \
           JOIN dd d ON d.n = MIN(CASE WHEN x.r < 6 THEN x.since + x.r % 3 WHEN x.r = 6 THEN x.since ELSE x.since - 1 END, {last}) \
           WHERE x.r < 8;\n\
         INSERT INTO contact_reviews (person_id, reviewed_on, outcome, level, province_code, district_code, commune_code, created_by, created_at) \
           SELECT x.person_id, d.d, 'confirmed', 1, x.province_code, x.district_code, x.commune_code, 'bench', d.d || 'T08:00:00.000Z' \
           FROM past x JOIN dd d ON d.n = x.day + 1 WHERE {preview} % 2 = 0;\n\
         -- Samples: three in four current F1s the day after exposure; four in\n\
         -- five earlier F1s on days 1 and 7. 40 % pooled by five (same commune\n\
         -- and day); results 0–2 days later, none yet when that is after the last day.\n\
         CREATE TEMP TABLE sm AS SELECT ROW_NUMBER() OVER (ORDER BY day, person_id) AS sid, * FROM ( \
             SELECT cl.person_id, MIN(cl.since + 1, {last}) AS day, cl.province_code, cl.district_code, cl.commune_code FROM cl \
               WHERE cl.roll < 80 AND {sampled} % 100 < 75 \
             UNION ALL SELECT x.person_id, x.day + 1, x.province_code, x.district_code, x.commune_code FROM past x WHERE {psampled} % 100 < 80 \
             UNION ALL SELECT x.person_id, x.day + 7, x.province_code, x.district_code, x.commune_code FROM past x WHERE {psampled} % 100 < 80);\n\
         CREATE TEMP TABLE sx AS SELECT sm.*, {pooled} % 100 < 40 AS pooled, {slag} % 3 AS lag, {sout} % 1000 AS outr, \
             (ROW_NUMBER() OVER (PARTITION BY sm.commune_code, sm.day, {pooled} % 100 < 40 ORDER BY sm.sid) - 1) / 5 AS grp FROM sm;\n\
         CREATE TEMP TABLE pl AS SELECT ROW_NUMBER() OVER (ORDER BY day, commune_code, grp) AS pid, day, commune_code, \
             MIN(province_code) AS province_code, MIN(district_code) AS district_code, grp FROM sx WHERE pooled GROUP BY day, commune_code, grp;\n\
         CREATE TEMP TABLE plx AS SELECT pl.*, {plag} % 3 AS lag, {pout} % 100 < 4 AS positive FROM pl;\n\
         CREATE INDEX plx_key ON plx(commune_code, day, grp);\n\
         INSERT INTO pools (id, code, household, specimen, collected_on, lab, status, province_code, district_code, commune_code, created_by, created_at) \
           SELECT plx.pid, 'P' || plx.pid, 0, 'nasopharyngeal', d.d, 'CDC Quảng Ninh', \
             CASE WHEN plx.day + plx.lag > {last} THEN 'collected' WHEN plx.positive THEN 'positive' ELSE 'negative' END, \
             plx.province_code, plx.district_code, plx.commune_code, 'bench', d.d || 'T02:00:00.000Z' FROM plx JOIN dd d ON d.n = plx.day;\n\
         INSERT INTO samples (id, code, person_id, pool_id, specimen, collected_on, lab, status, province_code, district_code, commune_code, \
             created_by, created_at, updated_at) \
           SELECT sx.sid, 'S' || sx.sid, sx.person_id, plx.pid, 'nasopharyngeal', d.d, 'CDC Quảng Ninh', \
             CASE WHEN sx.pooled THEN (CASE WHEN plx.day + plx.lag > {last} THEN 'collected' WHEN plx.positive THEN 'pool_positive' ELSE 'negative' END) \
                  WHEN sx.day + sx.lag > {last} THEN 'collected' WHEN sx.outr < 20 THEN 'positive' WHEN sx.outr < 30 THEN 'resample' ELSE 'negative' END, \
             sx.province_code, sx.district_code, sx.commune_code, 'bench', d.d || 'T02:00:00.000Z', d.d || 'T02:00:00.000Z' \
           FROM sx JOIN dd d ON d.n = sx.day LEFT JOIN plx ON sx.pooled AND plx.commune_code = sx.commune_code AND plx.day = sx.day AND plx.grp = sx.grp;\n\
         INSERT INTO test_results (code, test_kind, outcome, ct, resulted_on, lab, sample_id, created_by, created_at) \
           SELECT 'S' || sx.sid, 'rt_pcr', CASE WHEN sx.outr < 20 THEN 'positive' WHEN sx.outr < 30 THEN 'inconclusive' ELSE 'negative' END, \
             CASE WHEN sx.outr < 20 THEN '{{\"N\":24.5}}' ELSE '{{}}' END, d.d, 'CDC Quảng Ninh', sx.sid, 'bench', d.d || 'T09:00:00.000Z' \
           FROM sx JOIN dd d ON d.n = sx.day + sx.lag WHERE NOT sx.pooled AND sx.day + sx.lag <= {last};\n\
         INSERT INTO test_results (code, test_kind, outcome, ct, resulted_on, lab, pool_id, created_by, created_at) \
           SELECT 'P' || plx.pid, 'rt_pcr', CASE WHEN plx.positive THEN 'positive' ELSE 'negative' END, '{{}}', d.d, 'CDC Quảng Ninh', plx.pid, \
             'bench', d.d || 'T09:00:00.000Z' FROM plx JOIN dd d ON d.n = plx.day + plx.lag WHERE plx.day + plx.lag <= {last};\n\
         -- Quarantine orders for 65 % of the F1s (70 % at home), current ones\n\
         -- active, earlier ones released after 14 days.\n\
         INSERT INTO quarantine_orders (person_id, situation, kind, place, rule_code, rule_json, start_on, planned_end, monitoring_end, \
             test_days, status, released_on, province_code, district_code, commune_code, created_by, created_at, updated_at) \
           SELECT x.person_id, 'f1', CASE WHEN {okind} % 10 < 7 THEN 'home' ELSE 'centralised' END, NULL, '5599-f1', '{rule_json}', \
             d0.d, d13.d, d27.d, d0.d || ',' || d6.d || ',' || d13.d, CASE WHEN x.released THEN 'released' ELSE 'active' END, \
             CASE WHEN x.released THEN d14.d END, x.province_code, x.district_code, x.commune_code, 'bench', d0.d || 'T04:00:00.000Z', d0.d || 'T04:00:00.000Z' \
           FROM (SELECT cl.person_id, cl.since AS day, 0 AS released, cl.province_code, cl.district_code, cl.commune_code FROM cl \
                   WHERE cl.roll < 80 AND {ordered} % 100 < 65 \
                 UNION ALL SELECT x.person_id, x.day, 1, x.province_code, x.district_code, x.commune_code FROM past x WHERE {pordered} % 100 < 65) x \
           JOIN dd d0 ON d0.n = x.day JOIN dd d6 ON d6.n = x.day + 6 JOIN dd d13 ON d13.n = x.day + 13 JOIN dd d14 ON d14.n = x.day + 14 \
           JOIN dd d27 ON d27.n = x.day + 27;\n\
         -- Places: a centralised site in every district, four hospitals of the\n\
         -- province; admissions of the F1s in centralised quarantine (current\n\
         -- ones staying, earlier ones discharged) and of the F0 in hospital.\n\
         INSERT INTO places (id, name, kind, oxygen_points, staff, province_code, district_code, commune_code, created_by, created_at) \
           SELECT n + 1, 'Khu cách ly tập trung ' || code, 'centralised', 0, 20, '{PROVINCE}', code, first_commune, 'bench', '2021-08-01T00:00:00.000Z' \
           FROM districts;\n\
         INSERT INTO places (id, name, kind, oxygen_points, staff, province_code, district_code, commune_code, created_by, created_at) \
           SELECT 1000 + n, 'Bệnh viện ' || n, CASE WHEN n = 3 THEN 'field_hospital' ELSE 'hospital' END, 200, 300, '{PROVINCE}', \
             (SELECT district_code FROM communes WHERE n = x.n * 37), (SELECT code FROM communes WHERE n = x.n * 37), 'bench', '2021-08-01T00:00:00.000Z' \
           FROM (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) x;\n\
         INSERT INTO admissions (place_id, person_id, bed_type, admitted_on, discharged_on, created_by, created_at) \
           SELECT dt.n + 1, o.person_id, 'regular', o.start_on, o.released_on, 'bench', o.created_at \
           FROM quarantine_orders o JOIN districts dt ON dt.code = o.district_code WHERE o.kind = 'centralised';\n\
         INSERT INTO admissions (place_id, person_id, bed_type, admitted_on, discharged_on, created_by, created_at) \
           SELECT 1000 + (cz.i + 1) % 4, cz.person_id, \
             CASE WHEN cz.place0 = 'icu' THEN 'icu' WHEN (cz.i + 1) % 3 = 0 THEN 'oxygen' ELSE 'regular' END, \
             da.d, CASE WHEN cz.out_day <= {last} THEN dq.d END, 'bench', da.d || 'T05:00:00.000Z' \
           FROM cz JOIN dd da ON da.n = cz.day + CASE WHEN cz.moved THEN 3 ELSE 0 END JOIN dd dq ON dq.n = cz.out_day \
           WHERE cz.place0 <> 'home' OR cz.moved;\n\
         INSERT INTO place_beds (place_id, bed_type, capacity) \
           SELECT pl.id, t.bed_type, COALESCE((SELECT COUNT(*) * 5 / 4 FROM admissions a WHERE a.place_id = pl.id AND a.bed_type = t.bed_type \
             AND a.discharged_on IS NULL), 0) + 50 \
           FROM places pl JOIN (SELECT 'regular' AS bed_type UNION ALL SELECT 'oxygen' UNION ALL SELECT 'icu') t \
             ON pl.kind <> 'centralised' OR t.bed_type = 'regular';\n\
         -- Home treatment for the F0 at home; 400 alerts over the last month\n\
         -- (3 % still open, one in ten escalated).\n\
         INSERT INTO home_treatments (id, person_id, case_id, enrolled_on, age_years, enrolment_json, status, province_code, district_code, commune_code, created_by, created_at) \
           SELECT c.id, c.person_id, c.id, c.confirmed_on, 40, '{{}}', 'active', c.province_code, c.district_code, c.commune_code, 'bench', c.created_at \
           FROM cases c WHERE c.course = 'home';\n\
         CREATE TEMP TABLE al AS SELECT ROW_NUMBER() OVER (ORDER BY {pick}) AS n, t.id AS treatment_id, t.person_id, t.province_code, t.district_code, t.commune_code, \
             strftime('%Y-%m-%dT%H:%M:%fZ', '{last_day}', '-' || ({aday} % 30) || ' days', '+' || ({amin} % 1440) || ' minutes') AS raised_at, \
             {ack} % 40 + 2 AS ack, {act} % 120 + 30 AS act FROM home_treatments t ORDER BY {pick} LIMIT 400;\n\
         INSERT INTO vital_signs (id, treatment_id, at, vitals_json, signs, recorded_by, created_at) \
           SELECT n, treatment_id, raised_at, '{{\"spo2\":93}}', 'spo2_low', 'bench', raised_at FROM al;\n\
         INSERT INTO treatment_alerts (treatment_id, vital_id, person_id, raised_at, signs_json, status, acknowledged_by, acknowledged_at, \
             action, acted_by, acted_at, province_code, district_code, commune_code, level_unit, escalations, escalated_at) \
           SELECT treatment_id, n, person_id, raised_at, '[]', CASE WHEN n % 33 = 0 THEN 'open' WHEN n % 20 = 0 THEN 'acknowledged' ELSE 'closed' END, \
             CASE WHEN n % 33 <> 0 THEN 'bench' END, \
             CASE WHEN n % 33 <> 0 THEN strftime('%Y-%m-%dT%H:%M:%fZ', raised_at, '+' || ack || ' minutes') END, \
             CASE WHEN n % 33 <> 0 AND n % 20 <> 0 THEN 'visit' END, CASE WHEN n % 33 <> 0 AND n % 20 <> 0 THEN 'bench' END, \
             CASE WHEN n % 33 <> 0 AND n % 20 <> 0 THEN strftime('%Y-%m-%dT%H:%M:%fZ', raised_at, '+' || act || ' minutes') END, \
             province_code, district_code, commune_code, commune_code, n % 10 = 0, \
             CASE WHEN n % 10 = 0 THEN strftime('%Y-%m-%dT%H:%M:%fZ', raised_at, '+30 minutes') END FROM al;\n\
         -- Oxygen: a concentrator in every commune, five in every district\n\
         -- centre, fifty at the province; a third of them lent.\n\
         INSERT INTO oxygen_equipment (kind, label, capacity, status, unit_code, province_code, district_code, commune_code, created_by, created_at) \
           SELECT 'concentrator', 'MTO-' || code, '5 L/phút', CASE WHEN n % 3 = 0 THEN 'lent' ELSE 'available' END, code, province_code, district_code, code, \
             'bench', '2021-08-01T00:00:00.000Z' FROM communes;\n\
         INSERT INTO oxygen_equipment (kind, label, capacity, status, unit_code, province_code, district_code, commune_code, created_by, created_at) \
           SELECT 'cylinder', 'BO-' || d.code || '-' || x.n, '40 L', CASE WHEN x.n % 3 = 0 THEN 'lent' WHEN x.n = 4 THEN 'retired' ELSE 'available' END, \
             d.code, '{PROVINCE}', d.code, NULL, 'bench', '2021-08-01T00:00:00.000Z' \
           FROM districts d JOIN (SELECT i AS n FROM i WHERE i < 5) x;\n\
         INSERT INTO oxygen_equipment (kind, label, capacity, status, unit_code, province_code, district_code, commune_code, created_by, created_at) \
           SELECT 'concentrator', 'MTO-T-' || i, '10 L/phút', CASE WHEN i % 3 = 0 THEN 'lent' ELSE 'available' END, '{PROVINCE}', '{PROVINCE}', NULL, NULL, \
             'bench', '2021-08-01T00:00:00.000Z' FROM i WHERE i < 50;\n\
         -- Loans of the lent equipment to patients at home (lent within the\n\
         -- last three weeks), and one earlier loan, returned after five days,\n\
         -- of one in five of the others.\n\
         CREATE TEMP TABLE ht AS SELECT ROW_NUMBER() OVER (ORDER BY id) - 1 AS n, id, person_id, province_code, district_code, commune_code \
           FROM home_treatments;\n\
         INSERT INTO oxygen_loans (equipment_id, treatment_id, person_id, lent_at, lent_by, returned_at, returned_by, province_code, district_code, commune_code) \
           SELECT e.id, t.id, t.person_id, dl.d || 'T03:00:00.000Z', 'bench', \
             CASE WHEN e.status <> 'lent' THEN dr.d || 'T03:00:00.000Z' END, CASE WHEN e.status <> 'lent' THEN 'bench' END, \
             t.province_code, t.district_code, t.commune_code \
           FROM oxygen_equipment e JOIN ht t ON t.n = e.id % (SELECT COUNT(*) FROM ht) \
           JOIN dd dl ON dl.n = {last} - {lent_day} % 21 - CASE WHEN e.status = 'lent' THEN 0 ELSE 6 END \
           JOIN dd dr ON dr.n = {last} - {lent_day} % 21 - 1 \
           WHERE e.status = 'lent' OR (e.status = 'available' AND e.id % 5 = 1);\n\
         COMMIT;\n",
        big = p.max(c).max(k),
        last = d - 1,
        last_day = start + chrono::Days::new(d as u64 - 1),
        src = h("i.i", 0),
        rec = h("i.i", 1),
        dead = h("i.i", 2),
        ward = h("i.i", 3),
        near = h("i.i", 4),
        stepr = h("i.i", 5),
        far1 = h("i.i", 6),
        far2 = h("i.i", 7),
        lag = h("i.i", 8),
        span = h("i.i", 9),
        qual = h("i.i", 10),
        roll = h("p.id", 0),
        since = h("p.id", 1),
        via = h("p.id", 2),
        hour = h("p.id", 3),
        pday = h("cl.person_id", 4),
        sampled = h("cl.person_id", 5),
        psampled = h("x.person_id", 6),
        pooled = h("sm.sid", 0),
        slag = h("sm.sid", 1),
        sout = h("sm.sid", 2),
        plag = h("pl.pid", 0),
        pout = h("pl.pid", 1),
        okind = h("x.person_id", 7),
        ordered = h("cl.person_id", 8),
        pordered = h("x.person_id", 9),
        again = h("x.person_id", 10),
        review = h("cl.person_id", 11),
        preview = h("x.person_id", 12),
        lent_day = h("e.id", 0),
        pick = h("t.id", 0),
        aday = h("t.id", 1),
        amin = h("t.id", 2),
        ack = h("t.id", 3),
        act = h("t.id", 4),
    )
}

/// Vietnam's day `d` as UTC instants `[start, end)` (UTC+7, no DST), what
/// the store compares times with.
fn window(from: NaiveDate, to: NaiveDate) -> (String, String) {
    let at = |d: NaiveDate| format!("{}T17:00:00.000Z", d - chrono::Days::new(1));
    (at(from), at(to + chrono::Days::new(1)))
}

/// The peer's queries: every figure of the report by plain SQL `GROUP BY`,
/// grouped by `unit` over the rows matching `scope` (a condition on the
/// `province_code`/`commune_code` column, `{a}` standing for the alias),
/// then the report's medians grouped by `median_unit` (a column, or a
/// constant for the whole scope). Stocks as they stood at the end of `to`,
/// each by its own definition (`report::DEFINITIONS`) straight from the
/// dated records — a case's last course step begun by then, the class
/// periods holding then, the follow-up of each F1 period as known then —
/// where the store sums kept daily changes: written independently of the
/// store's queries so that equal figures mean something.
fn peer_queries(
    scope: &str,
    from: NaiveDate,
    to: NaiveDate,
    wave: NaiveDate,
    medians: Option<&str>,
) -> String {
    let on = |a: &str| scope.replace("{a}", a);
    let (f, t, w) = (from, to, wave);
    let (start, end) = window(from, to);
    let mut sql = format!(
        "SELECT c.commune_code AS unit, \
           SUM(c.confirmed_on BETWEEN '{f}' AND '{t}') AS f0_new, \
           SUM(c.confirmed_on BETWEEN '{f}' AND '{t}' AND c.source_kind NOT IN ('imported', 'other_province') AND c.detected_where <> 'quarantine') AS f0_new_community, \
           SUM(c.confirmed_on BETWEEN '{f}' AND '{t}' AND c.source_kind NOT IN ('imported', 'other_province') AND c.detected_where = 'quarantine') AS f0_new_quarantine, \
           SUM(c.confirmed_on BETWEEN '{f}' AND '{t}' AND c.source_kind = 'imported') AS f0_new_imported, \
           SUM(c.confirmed_on BETWEEN '{f}' AND '{t}' AND c.source_kind = 'other_province') AS f0_new_other_province, \
           SUM(c.confirmed_on BETWEEN '{w}' AND '{t}') AS f0_cumulative \
         FROM cases c WHERE {c} GROUP BY c.commune_code;\n\
         WITH st AS (SELECT s.case_id, c.commune_code, s.course, s.from_on, s.id, MAX(s.from_on, c.confirmed_on) AS eff \
             FROM case_courses s JOIN cases c ON c.id = s.case_id WHERE {c}), \
           now AS (SELECT commune_code, course, ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY from_on DESC, id DESC) AS rn \
             FROM st WHERE eff <= '{t}'), \
           ends AS (SELECT commune_code, course, eff, ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY from_on DESC, id DESC) AS rn FROM st) \
         SELECT commune_code AS unit, SUM(course IN ('home', 'hospital', 'icu', 'unplaced')) AS f0_active, SUM(course = 'home') AS f0_home, \
           SUM(course IN ('hospital', 'icu')) AS f0_hospital, SUM(course = 'icu') AS f0_icu, SUM(course = 'unplaced') AS f0_unplaced, \
           0 AS f0_recovered, 0 AS f0_deceased FROM now WHERE rn = 1 GROUP BY commune_code \
         UNION ALL SELECT commune_code, 0, 0, 0, 0, 0, SUM(course = 'recovered'), SUM(course = 'deceased') FROM ends \
           WHERE rn = 1 AND eff BETWEEN '{f}' AND '{t}' GROUP BY commune_code;\n\
         SELECT k.commune_code AS unit, SUM(k.level = 1) AS f1, SUM(k.level = 2) AS f2, SUM(k.level = 3) AS f3, SUM(k.level = 4) AS f4 \
         FROM class_periods k WHERE k.from_on <= '{t}' AND (k.to_on IS NULL OR k.to_on >= '{t}') AND {k} GROUP BY k.commune_code;\n\
         SELECT commune_code AS unit, COUNT(*) AS f1_new FROM (SELECT k.commune_code, k.level, k.from_on, \
             LAG(k.level) OVER w AS before_level, LAG(k.to_on) OVER w AS before_to FROM class_periods k WHERE {k} \
             WINDOW w AS (PARTITION BY k.person_id ORDER BY k.from_on, k.id)) \
         WHERE level = 1 AND from_on BETWEEN '{f}' AND '{t}' \
           AND NOT (before_level IS 1 AND before_to IS NOT NULL AND date(before_to, '+1 day') = from_on) GROUP BY commune_code;\n\
         WITH f1 AS (SELECT k.id AS pid, k.person_id, k.commune_code, k.from_on FROM class_periods k \
             WHERE k.level = 1 AND k.from_on <= '{t}' AND (k.to_on IS NULL OR k.to_on >= '{t}') AND {k}), \
           q AS (SELECT DISTINCT f1.pid FROM f1 JOIN quarantine_orders o ON o.person_id = f1.person_id AND o.status <> 'cancelled' \
             AND o.start_on <= '{t}' AND (o.released_on IS NULL OR o.released_on > '{t}')), \
           v AS (SELECT DISTINCT f1.pid FROM f1 JOIN contact_reviews r ON r.person_id = f1.person_id AND r.outcome = 'confirmed' \
             AND r.reviewed_on BETWEEN f1.from_on AND '{t}'), \
           ls AS (SELECT pid, sid, pool_id FROM (SELECT f1.pid, s.id AS sid, s.pool_id, \
               ROW_NUMBER() OVER (PARTITION BY f1.pid ORDER BY s.collected_on DESC, s.id DESC) AS rn \
             FROM f1 JOIN samples s ON s.person_id = f1.person_id AND s.collected_on BETWEEN f1.from_on AND '{t}') WHERE rn = 1), \
           own AS (SELECT sample_id, outcome FROM (SELECT r.sample_id, r.outcome, \
               ROW_NUMBER() OVER (PARTITION BY r.sample_id ORDER BY r.resulted_on DESC, r.id DESC) AS rn \
             FROM test_results r WHERE r.sample_id IN (SELECT sid FROM ls) AND r.resulted_on <= '{t}') WHERE rn = 1), \
           pooled AS (SELECT pool_id, outcome FROM (SELECT r.pool_id, r.outcome, \
               ROW_NUMBER() OVER (PARTITION BY r.pool_id ORDER BY r.resulted_on DESC, r.id DESC) AS rn \
             FROM test_results r WHERE r.pool_id IN (SELECT pool_id FROM ls) AND r.resulted_on <= '{t}') WHERE rn = 1), \
           said AS (SELECT ls.pid, CASE WHEN own.outcome IN ('positive', 'negative') THEN own.outcome \
               WHEN own.outcome IS NOT NULL THEN 'pending' WHEN pooled.outcome = 'negative' THEN 'negative' ELSE 'pending' END AS o \
             FROM ls LEFT JOIN own ON own.sample_id = ls.sid LEFT JOIN pooled ON pooled.pool_id = ls.pool_id) \
         SELECT f1.commune_code AS unit, COUNT(v.pid) AS f1_reviewed, COUNT(q.pid) AS f1_quarantined, COUNT(said.pid) AS f1_sampled, \
           SUM(said.o = 'negative') AS f1_negative, SUM(said.o = 'positive') AS f1_positive, SUM(said.o = 'pending') AS f1_pending \
         FROM f1 LEFT JOIN q ON q.pid = f1.pid LEFT JOIN v ON v.pid = f1.pid LEFT JOIN said ON said.pid = f1.pid GROUP BY f1.commune_code;\n\
         SELECT o.commune_code AS unit, \
           SUM(o.kind = 'centralised' AND o.start_on <= '{t}' AND (o.released_on IS NULL OR o.released_on > '{t}')) AS quarantine_centralised, \
           SUM(o.kind = 'home' AND o.start_on <= '{t}' AND (o.released_on IS NULL OR o.released_on > '{t}')) AS quarantine_home, \
           SUM(o.status = 'released' AND o.released_on BETWEEN '{f}' AND '{t}') AS quarantine_released \
         FROM quarantine_orders o WHERE o.status <> 'cancelled' AND {o} GROUP BY o.commune_code;\n\
         SELECT s.commune_code AS unit, COUNT(*) AS samples_taken FROM samples s WHERE s.collected_on BETWEEN '{f}' AND '{t}' AND {s} GROUP BY s.commune_code;\n\
         SELECT unit, COUNT(*) AS tests_done, SUM(outcome = 'positive') AS tests_positive, SUM(outcome = 'negative') AS tests_negative FROM ( \
           SELECT s.commune_code AS unit, r.outcome FROM test_results r JOIN samples s ON s.id = r.sample_id WHERE r.resulted_on BETWEEN '{f}' AND '{t}' AND {s} \
           UNION ALL SELECT s.commune_code, r.outcome FROM test_results r JOIN pools s ON s.id = r.pool_id WHERE r.resulted_on BETWEEN '{f}' AND '{t}' AND {s}) \
         GROUP BY unit;\n\
         SELECT a.commune_code AS unit, SUM(a.raised_at >= '{start}' AND a.raised_at < '{end}') AS alerts_raised, \
           SUM(a.raised_at >= '{start}' AND a.raised_at < '{end}' AND a.escalations > 0) AS alerts_escalated, \
           SUM(a.raised_at < '{end}' AND COALESCE(a.acknowledged_at, a.acted_at, '9999') >= '{end}') AS alerts_open \
         FROM treatment_alerts a WHERE {a} GROUP BY a.commune_code;\n\
         SELECT pl.commune_code AS unit, SUM(b.capacity) AS beds, SUM(COALESCE(n.n, 0)) AS beds_occupied \
         FROM places pl JOIN place_beds b ON b.place_id = pl.id \
           LEFT JOIN (SELECT place_id, bed_type, COUNT(*) AS n FROM admissions \
             WHERE admitted_on <= '{t}' AND (discharged_on IS NULL OR discharged_on > '{t}') GROUP BY place_id, bed_type) n \
             ON n.place_id = b.place_id AND n.bed_type = b.bed_type \
         WHERE {pl} GROUP BY pl.commune_code;\n\
         SELECT e.unit_code AS unit, SUM(e.status <> 'retired') AS oxygen_equipment, SUM(COALESCE(l.n, 0)) AS oxygen_lent \
         FROM oxygen_equipment e LEFT JOIN (SELECT equipment_id, COUNT(*) AS n FROM oxygen_loans \
             WHERE lent_at < '{end}' AND (returned_at IS NULL OR returned_at >= '{end}') GROUP BY equipment_id) l ON l.equipment_id = e.id \
         WHERE {e} GROUP BY e.unit_code;\n",
        c = on("c"),
        k = on("k"),
        o = on("o"),
        s = on("s"),
        a = on("a"),
        pl = on("pl"),
        e = on("e"),
    );
    if let Some(g) = medians {
        // The median as the store takes it: the middle row, `v[n / 2]`.
        let gs = g.replace("{a}", "s");
        let ga = g.replace("{a}", "a");
        let (s, a) = (on("s"), on("a"));
        sql.push_str(&format!(
            "SELECT unit, d AS turnaround_days FROM (SELECT {gs} AS unit, julianday(r.resulted_on) - julianday(s.collected_on) AS d, \
               ROW_NUMBER() OVER (PARTITION BY {gs} ORDER BY julianday(r.resulted_on) - julianday(s.collected_on)) AS rn, \
               COUNT(*) OVER (PARTITION BY {gs}) AS n \
               FROM test_results r JOIN samples s ON s.id = r.sample_id WHERE r.resulted_on BETWEEN '{f}' AND '{t}' AND {s}) WHERE rn = n / 2 + 1;\n"
        ));
        for (col, at) in [
            ("minutes_to_acknowledge", "acknowledged_at"),
            ("minutes_to_act", "acted_at"),
        ] {
            sql.push_str(&format!(
                "SELECT unit, m AS {col} FROM (SELECT {ga} AS unit, (strftime('%s', a.{at}) - strftime('%s', a.raised_at)) / 60 AS m, \
                   ROW_NUMBER() OVER (PARTITION BY {ga} ORDER BY (strftime('%s', a.{at}) - strftime('%s', a.raised_at)) / 60) AS rn, \
                   COUNT(*) OVER (PARTITION BY {ga}) AS n \
                   FROM treatment_alerts a WHERE a.raised_at >= '{start}' AND a.{at} IS NOT NULL AND {a}) WHERE rn = n / 2 + 1;\n"
            ));
        }
    }
    sql
}

/// A unit's medians: turnaround days, minutes to take and to act on an alert.
type Medians = (Option<f64>, Option<i64>, Option<i64>);

fn medians(r: &Rates) -> Medians {
    (
        r.turnaround_days,
        r.minutes_to_acknowledge,
        r.minutes_to_act,
    )
}

/// What the peer printed (CSV with a header per query): figures and
/// medians by unit.
#[derive(Default)]
struct PeerOut {
    figures: BTreeMap<String, Figures>,
    medians: HashMap<String, Medians>,
}

fn parse_peer(text: &str) -> anyhow::Result<PeerOut> {
    let mut out = PeerOut::default();
    let mut header: Vec<String> = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split(',').map(|c| c.trim_matches('"')).collect();
        if cells.first() == Some(&"unit") {
            header = cells.iter().map(|c| c.to_string()).collect();
            continue;
        }
        let unit = cells.first().context("a unit")?.to_string();
        for (key, value) in header.iter().zip(&cells).skip(1) {
            if value.is_empty() {
                continue;
            }
            let m = out.medians.entry(unit.clone()).or_default();
            match key.as_str() {
                "turnaround_days" => m.0 = Some(value.parse()?),
                "minutes_to_acknowledge" => m.1 = Some(value.parse()?),
                "minutes_to_act" => m.2 = Some(value.parse()?),
                _ => {
                    let f = out.figures.entry(unit.clone()).or_default();
                    *f.slot(key).with_context(|| format!("figure {key}"))? +=
                        value.parse::<i64>()?;
                }
            }
        }
    }
    Ok(out)
}

/// The figures that differ between ours and the peer's, as `key: ours ≠ peer`.
fn differences(ours: &Figures, peer: &Figures) -> Vec<String> {
    LINES
        .iter()
        .filter(|l| ours.get(l.key) != peer.get(l.key))
        .map(|l| format!("{}: {:?} ≠ {:?}", l.key, ours.get(l.key), peer.get(l.key)))
        .collect()
}

/// Run a peer script with CSV output: once into `out` (the warm-up, whose
/// output is checked), then timed with its output discarded.
fn peer_run(db: &Path, sql: &str, out: &Path) -> anyhow::Result<(Duration, String)> {
    sqlite3(
        db,
        &format!(".mode csv\n.headers on\n.output {}\n{sql}", out.display()),
    )?;
    let text = std::fs::read_to_string(out)?;
    let t = Instant::now();
    sqlite3(
        db,
        &format!(".mode csv\n.headers on\n.output /dev/null\n{sql}"),
    )?;
    Ok((t.elapsed(), text))
}

fn median_ms(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or_default()
}

async fn bench(args: &ReportsArgs, work: &Path) -> anyhow::Result<serde_json::Value> {
    ensure!(args.days >= 30, "--days: at least 30");
    ensure!(
        args.cases <= args.persons && !args.persons.is_multiple_of(7919),
        "--cases at most --persons (and --persons not a multiple of 7919)"
    );
    let first = wave_start();
    let last = first + chrono::Days::new(args.days as u64 - 1);
    let month = last - chrono::Days::new(27);
    eprintln!(
        "[1/4] a store of Quảng Ninh: {} people, {} cases and {} contacts over {} days ({first} – {last})",
        args.persons, args.cases, args.contacts, args.days
    );
    let db = work.join("store.db");
    let url = format!("sqlite://{}", db.display());
    Store::open(&url).await?.close().await;
    let rule_json = crate::bench_quarantine::f1_rule_sql()?;
    let t = Instant::now();
    sqlite3(&db, &setup_script(args, &rule_json))?;
    let setup_ms = ms(t.elapsed());
    let t = Instant::now();
    sqlite3(&db, "ANALYZE;\nPRAGMA wal_checkpoint(TRUNCATE);\n")?;
    let analyze_ms = ms(t.elapsed());
    let db_bytes = std::fs::metadata(&db)?.len();
    eprintln!(
        "  built in {:.1} s, ANALYZE {:.1} s, {} MB",
        setup_ms / 1000.0,
        analyze_ms / 1000.0,
        db_bytes >> 20
    );

    let store = Store::open(&url).await?;
    let province = Scope::unit(UnitCode::parse(PROVINCE)?);
    let communes = communes_of(&store, PROVINCE).await?;
    // The first read after the bulk load counts every commune of the
    // province into the figures' rows (the load's writes listed them all).
    let t = Instant::now();
    let cold = store.refresh_figures(&province).await?;
    let cold_refresh_ms = ms(t.elapsed());
    eprintln!(
        "  first read after the load: {cold} communes counted in {:.2} s",
        cold_refresh_ms / 1000.0
    );

    eprintln!(
        "[2/4] ours: the province dashboard (warm-up, then {} timed runs)",
        args.repeat
    );
    // The dashboard's store work for now: the province's report for the last
    // day and the units table over 28 days (the dashboard's own series come
    // with its store queries, not yet merged).
    let mut dash_times = Vec::new();
    let mut dash = None;
    for run in 0..=args.repeat {
        let t = Instant::now();
        let report = store
            .report_figures(&province, PROVINCE, last, last, first)
            .await?;
        let table = store.figures_by_unit(&province, month, last, first).await?;
        if run > 0 {
            dash_times.push(ms(t.elapsed()));
        }
        dash = Some((report, table));
    }
    let (dash_report, dash_table) = dash.context("a dashboard")?;
    let dashboard_ms = median_ms(dash_times.clone());
    // The whole dashboard as the page asks for it (28 days to the last day):
    // figures, curve, tests, sparklines, clusters. Its figures come from
    // `report_figures`, checked against the peer above and below.
    let query = phongdich_store::DashboardQuery {
        unit: PROVINCE.into(),
        from: month.to_string(),
        to: last.to_string(),
    };
    let mut full_times = Vec::new();
    for run in 0..=args.repeat {
        let t = Instant::now();
        store.dashboard(&province, &query, last).await?;
        if run > 0 {
            full_times.push(ms(t.elapsed()));
        }
    }
    let dashboard_full_ms = median_ms(full_times.clone());
    eprintln!("  the whole dashboard (Store::dashboard): {dashboard_full_ms:.0} ms");
    // The dashboard after writes in a few communes since the last read (a
    // case of each updated by `sqlite3`, untimed): it recounts them first.
    // Five is about what 20 seconds bring at the peak (the server recounts
    // every 10 s on its own); twenty is a heavy minute.
    // Update one case in each of `changed` communes from the `offset`-th on.
    let touch = |changed: usize, offset: usize| {
        sqlite3(
            &db,
            &format!(
                "UPDATE cases SET updated_at = updated_at WHERE id IN (SELECT MIN(id) FROM cases \
                 WHERE province_code = '{PROVINCE}' GROUP BY commune_code ORDER BY commune_code LIMIT {changed} OFFSET {});\n",
                offset % communes.len().max(1)
            ),
        )
    };
    let mut after_writes = BTreeMap::new();
    let mut offset = 0;
    for changed in [5usize, 20] {
        let mut runs = Vec::new();
        for _ in 0..args.repeat {
            touch(changed, offset)?;
            offset += changed;
            let t = Instant::now();
            store.dashboard(&province, &query, last).await?;
            runs.push(ms(t.elapsed()));
        }
        // The recount alone, the dashboard then reading clean rows.
        let mut recounts = Vec::new();
        for _ in 0..args.repeat {
            touch(changed, offset)?;
            offset += changed;
            let t = Instant::now();
            store.refresh_figures(&province).await?;
            recounts.push(ms(t.elapsed()));
        }
        let median = median_ms(runs.clone());
        let recount = median_ms(recounts.clone());
        eprintln!(
            "  the whole dashboard after writes in {changed} communes: {median:.0} ms (the recount alone {recount:.0} ms)"
        );
        after_writes.insert(
            changed,
            json!({"median_ms": median, "runs_ms": runs, "recount_median_ms": recount, "recount_runs_ms": recounts}),
        );
    }
    eprintln!(
        "[3/4] ours: every commune's report for {last} ({} communes; warm-up, then timed)",
        communes.len()
    );
    let mut ours = BTreeMap::new();
    let mut per_commune = Vec::new();
    let mut communes_ms = 0.0;
    for pass in 0..2 {
        per_commune.clear();
        let t = Instant::now();
        for c in &communes {
            let t1 = Instant::now();
            let r = store
                .report_figures(&province, c, last, last, first)
                .await?;
            per_commune.push(ms(t1.elapsed()));
            ours.insert(c.clone(), r);
        }
        if pass == 1 {
            communes_ms = ms(t.elapsed());
        }
    }
    // A past week's report (the seven days to the middle of the wave): its
    // stocks as they stood at the end of its last day, not as they stand now.
    let past_to = first + chrono::Days::new(args.days as u64 / 2);
    let past_from = past_to - chrono::Days::new(6);
    let mut past_times = Vec::new();
    let mut past_report = None;
    for run in 0..=args.repeat {
        let t = Instant::now();
        let r = store
            .report_figures(&province, PROVINCE, past_from, past_to, first)
            .await?;
        if run > 0 {
            past_times.push(ms(t.elapsed()));
        }
        past_report = Some(r);
    }
    let past_report = past_report.context("a past report")?;
    let past_ms = median_ms(past_times.clone());
    eprintln!("  the province's report for {past_from} – {past_to}: {past_ms:.0} ms");
    store.close().await;
    per_commune.sort_by(f64::total_cmp);

    eprintln!(
        "[4/4] the peer: the same aggregates by plain SQL GROUP BY in sqlite3 (warm, then timed)"
    );
    let overhead = {
        sqlite3(&db, "SELECT 1;\n")?;
        let t = Instant::now();
        sqlite3(&db, "SELECT 1;\n")?;
        ms(t.elapsed())
    };
    let whole = "{a}.province_code = '22'";
    let dash_sql = format!(
        "{}{}",
        peer_queries(whole, last, last, first, Some("'22'")),
        peer_queries(whole, month, last, first, None)
    );
    let (peer_dash, dash_text) = peer_run(&db, &dash_sql, &work.join("peer-dashboard.csv"))?;
    let past_sql = peer_queries(whole, past_from, past_to, first, Some("'22'"));
    let (peer_past, past_text) = peer_run(&db, &past_sql, &work.join("peer-past.csv"))?;
    // The dashboard's epidemic curve (new F0 per day by source), which our
    // side does not compute yet: timed on its own.
    let series_sql = format!(
        "SELECT confirmed_on, SUM(source_kind = 'imported') AS imported, SUM(source_kind = 'other_province') AS other_province, \
           SUM(source_kind NOT IN ('imported', 'other_province') AND detected_where = 'quarantine') AS quarantine, \
           SUM(source_kind NOT IN ('imported', 'other_province') AND detected_where <> 'quarantine') AS community \
         FROM cases WHERE province_code = '22' AND confirmed_on BETWEEN '{first}' AND '{last}' GROUP BY confirmed_on;\n"
    );
    let (peer_series, series_text) = peer_run(&db, &series_sql, &work.join("peer-series.csv"))?;
    let at_once_sql = peer_queries(whole, last, last, first, Some("{a}.commune_code"));
    let (peer_at_once, at_once_text) = peer_run(&db, &at_once_sql, &work.join("peer-at-once.csv"))?;
    let each_sql: String = communes
        .iter()
        .map(|c| {
            peer_queries(
                &format!("{{a}}.commune_code = '{c}'"),
                last,
                last,
                first,
                Some("{a}.commune_code"),
            )
        })
        .collect();
    let (peer_each, each_text) = peer_run(&db, &each_sql, &work.join("peer-each.csv"))?;

    // The peer's figures must be ours.
    let mut mismatches = Vec::new();
    let at_once = parse_peer(&at_once_text)?;
    let each = parse_peer(&each_text)?;
    for (i, (code, r)) in ours.iter().enumerate() {
        let zero = Figures::default();
        let peer = at_once.figures.get(code).unwrap_or(&zero);
        for d in differences(&r.figures, peer) {
            mismatches.push(format!("commune {code}, at once: {d}"));
        }
        let m = at_once.medians.get(code).cloned().unwrap_or_default();
        let mine = medians(&r.rates);
        if mine != m {
            mismatches.push(format!("commune {code}, medians: {mine:?} ≠ {m:?}"));
        }
        // The per-commune variant on a sample of communes (one in 16).
        if i.is_multiple_of(16) {
            let peer = each.figures.get(code).unwrap_or(&zero);
            for d in differences(&r.figures, peer) {
                mismatches.push(format!("commune {code}, one by one: {d}"));
            }
        }
    }
    // The dashboard: the province's last day (its units summed), then the
    // 28-day table unit by unit.
    let dash_peer = {
        let text = dash_text.clone();
        let split = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.starts_with("unit,f0_new,"))
            .nth(1)
            .map(|(i, _)| i)
            .context("the dashboard's two periods")?;
        let lines: Vec<&str> = text.lines().collect();
        (
            parse_peer(&lines[..split].join("\n"))?,
            parse_peer(&lines[split..].join("\n"))?,
        )
    };
    let mut province_sum = Figures::default();
    for f in dash_peer.0.figures.values() {
        province_sum.add(f);
    }
    for d in differences(&dash_report.figures, &province_sum) {
        mismatches.push(format!("province, last day: {d}"));
    }
    let m = dash_peer
        .0
        .medians
        .get(PROVINCE)
        .cloned()
        .unwrap_or_default();
    let mine = medians(&dash_report.rates);
    if mine != m {
        mismatches.push(format!("province, medians: {mine:?} ≠ {m:?}"));
    }
    let past_peer = parse_peer(&past_text)?;
    let mut past_sum = Figures::default();
    for f in past_peer.figures.values() {
        past_sum.add(f);
    }
    for d in differences(&past_report.figures, &past_sum) {
        mismatches.push(format!("province, {past_from} – {past_to}: {d}"));
    }
    let m = past_peer.medians.get(PROVINCE).cloned().unwrap_or_default();
    let mine = medians(&past_report.rates);
    if mine != m {
        mismatches.push(format!("province, past week, medians: {mine:?} ≠ {m:?}"));
    }
    let units: std::collections::BTreeSet<&String> = dash_table
        .keys()
        .chain(dash_peer.1.figures.keys())
        .collect();
    for u in units {
        let zero = Figures::default();
        for d in differences(
            dash_table.get(u).unwrap_or(&zero),
            dash_peer.1.figures.get(u).unwrap_or(&zero),
        ) {
            mismatches.push(format!("unit {u}, 28 days: {d}"));
        }
    }
    if !mismatches.is_empty() {
        for m in mismatches.iter().take(40) {
            eprintln!("MISMATCH {m}");
        }
        anyhow::bail!(
            "{} figures differ between the store and plain SQL",
            mismatches.len()
        );
    }
    let series_days = series_text
        .lines()
        .filter(|l| !l.starts_with("confirmed_on"))
        .count();

    let f = &dash_report.figures;
    let result = json!({
        "bench": "reports", "engine": "sqlite", "persons": args.persons, "cases": args.cases, "contacts": args.contacts,
        "days": args.days, "period": {"wave_start": first.to_string(), "last_day": last.to_string(), "units_table_from": month.to_string(),
            "past_week": [past_from.to_string(), past_to.to_string()]},
        "province_past_week": past_report.figures,
        "communes": communes.len(), "setup_ms": setup_ms, "analyze_ms": analyze_ms, "db_mb": db_bytes >> 20,
        "province_last_day": dash_report.figures, "province_rates": dash_report.rates,
        "ours": {
            "dashboard_ms": dashboard_ms, "dashboard_runs_ms": dash_times,
            "dashboard_full_ms": dashboard_full_ms, "dashboard_full_runs_ms": full_times,
            "cold_refresh_ms": cold_refresh_ms, "cold_refresh_communes": cold,
            "dashboard_after_writes_in_communes": after_writes,
            "communes_ms": communes_ms,
            "past_week_ms": past_ms, "past_week_runs_ms": past_times,
            "per_commune_ms": {"mean": communes_ms / communes.len().max(1) as f64,
                "p50": per_commune.get(per_commune.len() / 2), "max": per_commune.last()},
        },
        "peer": {
            "name": "sqlite3 plain SQL GROUP BY, one script", "process_ms": overhead,
            "dashboard_ms": ms(peer_dash), "series_ms": ms(peer_series), "series_days": series_days,
            "past_week_ms": ms(peer_past),
            "communes_at_once_ms": ms(peer_at_once), "communes_each_ms": ms(peer_each),
        },
        "ratio_dashboard": ((ms(peer_dash) / dashboard_ms) * 1000.0).round() / 1000.0,
        "ratio_communes_each": ((ms(peer_each) / communes_ms) * 1000.0).round() / 1000.0,
        "ratio_communes_at_once": ((ms(peer_at_once) / communes_ms) * 1000.0).round() / 1000.0,
        "checked": {"communes": communes.len(), "one_by_one_sample": communes.len().div_ceil(16), "mismatches": 0},
        "goals": {"dashboard_under_300_ms": dashboard_full_ms < 300.0, "communes_under_2_s": communes_ms < 2000.0},
        "province_f0_new": f.f0_new, "province_f1": f.f1,
    });
    Ok(result)
}
