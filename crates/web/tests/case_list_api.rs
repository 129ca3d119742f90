#![allow(clippy::unwrap_used)]
//! A real-shaped published case list (`data/examples/ca-benh.csv`: 400
//! anonymised cases, several sources, rows naming later rows, countries every
//! way they were written, CRLF, blank lines, a quoted line break, three bad
//! rows and the rows that name them) imports with nothing changed silently,
//! and reads back exactly through the API: every case's sources, every
//! chain's generations and secondaries. The truth is the generator's own file
//! (`ca-benh.expected.json`, written by `tools/gen_case_list.py`), not this
//! code's. SQLite, or PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

mod support;

use support::get;

use axum::http::StatusCode;
use phongdich_domain::{Role, UnitCode};
use phongdich_store::testing::TestDb;
use phongdich_store::{Actor, Scope};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/examples")
        .join(name)
}

#[tokio::test]
async fn a_published_case_list_reads_back_exactly() {
    let db = TestDb::new().await;
    let s = &db.store;
    let tracer = Actor {
        name: "tracer".into(),
        source: "test".into(),
        scope: Scope::unit(UnitCode::parse("22").unwrap()),
        role: Role::ContactTracer,
    };
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(example("ca-benh.expected.json")).unwrap())
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sm = phongdich_sheets::cases::import_cases(
        s,
        &tracer,
        &example("ca-benh.csv"),
        &dir.path().join("report.csv"),
    )
    .await
    .unwrap();

    // Every row accounted for, on the line an editor shows.
    let cases = expected["cases"].as_object().unwrap();
    let refused = expected["refused"].as_object().unwrap();
    assert_eq!(sm.rows, expected["rows"].as_u64().unwrap());
    assert_eq!(sm.confirmed as usize, cases.len());
    assert_eq!(sm.refused as usize, refused.len());
    assert!(sm.ignored_columns.is_empty(), "{:?}", sm.ignored_columns);
    let by_line: HashMap<u64, &phongdich_sheets::import::ReportRow> =
        sm.report_rows.iter().map(|r| (r.line, r)).collect();
    for (code, want) in refused {
        let r = by_line[&want["line"].as_u64().unwrap()];
        assert_eq!(r.outcome, "refused_invalid", "{code}");
        let why = want["why"].as_str().unwrap();
        let needle = match why {
            "unknown_case" => "BN99999",
            "domestic" => "Vietnam",
            "invalid_date" => "Confirmed on:",
            _ => "was refused",
        };
        assert!(
            r.reason_en.contains(needle),
            "{code} ({why}): {}",
            r.reason_en
        );
    }
    for (code, want) in cases {
        let r = by_line[&want["line"].as_u64().unwrap()];
        assert_eq!(r.outcome, "confirmed", "{code}: {}", r.reason_en);
        assert_eq!(
            r.reason_en,
            format!("Case {code}."),
            "nothing supplied or altered"
        );
    }

    // Every case's sources through the API, in the file's order.
    let app = phongdich_web::router(s.clone());
    let token = s
        .create_api_token(&Actor::system("test"), "test", "22", "viewer")
        .await
        .unwrap()
        .1;
    let mut person_of: HashMap<String, i64> = HashMap::new();
    let mut code_of: HashMap<i64, String> = HashMap::new();
    for (code, want) in cases {
        let (id, _) = s.case_by_code(&tracer.scope, code).await.unwrap().unwrap();
        let (status, body) = get(&app, &format!("/api/v1/cases/{id}"), &token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let got: Vec<String> = body["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| match x["kind"].as_str().unwrap() {
                "case" => x["code"].as_str().unwrap().to_owned(),
                "imported" => format!("country:{}", x["country"].as_str().unwrap()),
                other => format!("{other}:?"),
            })
            .collect();
        let want_sources: Vec<String> = want["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(got, want_sources, "{code}");
        assert_eq!(
            body["source_kind"] == "imported",
            want["imported"].as_bool().unwrap(),
            "{code}: imported whichever way it was written"
        );
        assert_eq!(body["code"], code.as_str());
        let person = body["person_id"].as_i64().unwrap();
        person_of.insert(code.clone(), person);
        code_of.insert(person, code.clone());
    }

    // Every chain: one call per connected chain; generations are the
    // longest source depth, and each case's secondaries are its links out.
    let mut seen: HashSet<String> = HashSet::new();
    let ordered: BTreeMap<&String, &Value> = cases.iter().collect();
    for code in ordered.keys() {
        if seen.contains(*code) {
            continue;
        }
        let (status, chain) = get(
            &app,
            &format!("/api/v1/chains/{}", person_of[*code]),
            &token,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{chain}");
        let mut out_links: HashMap<i64, usize> = HashMap::new();
        for e in chain["edges"].as_array().unwrap() {
            if e["kind"] == "case" {
                *out_links.entry(e["from"].as_i64().unwrap()).or_default() += 1;
            }
        }
        for n in chain["nodes"].as_array().unwrap() {
            if n["level"] != 0 {
                continue;
            }
            let person = n["person_id"].as_i64().unwrap();
            let c = &code_of[&person];
            let want = &cases[c.as_str()];
            assert_eq!(
                n["generation"].as_i64().unwrap(),
                want["depth"].as_i64().unwrap(),
                "{c}: generation"
            );
            assert_eq!(
                out_links.get(&person).copied().unwrap_or(0) as i64,
                want["secondaries"].as_i64().unwrap(),
                "{c}: secondaries"
            );
            seen.insert(c.clone());
        }
        assert!(seen.contains(*code), "{code} is in its own chain");
    }
    assert_eq!(seen.len(), cases.len());
}
