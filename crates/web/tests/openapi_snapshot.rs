#![allow(clippy::unwrap_used)]
//! The API's contract: the OpenAPI document must match the reviewed snapshot
//! in `openapi.snapshot.json`. An intended change is recorded with
//! `UPDATE_OPENAPI_SNAPSHOT=1 cargo test -p phongdich-web --test openapi_snapshot`
//! and reviewed in the diff.

mod support;

use axum::http::{Method, StatusCode};
use phongdich_store::testing::TestDb;
use serde_json::{Value, json};
use support::{HA_KHANH, api};
use utoipa::OpenApi;

#[test]
fn openapi_document_matches_the_snapshot() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.snapshot.json");
    let current = phongdich_web::ApiDoc::openapi().to_pretty_json().unwrap() + "\n";
    if std::env::var_os("UPDATE_OPENAPI_SNAPSHOT").is_some() {
        std::fs::write(&path, &current).unwrap();
        return;
    }
    let snapshot = std::fs::read_to_string(&path).unwrap_or_default();
    if snapshot != current {
        let first = snapshot
            .lines()
            .zip(current.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(snapshot.lines().count().min(current.lines().count()));
        panic!(
            "the OpenAPI document changed (first difference at line {}):\n  snapshot: {:?}\n  now:      {:?}\n\
             If the change is intended, run UPDATE_OPENAPI_SNAPSHOT=1 cargo test -p phongdich-web --test openapi_snapshot",
            first + 1,
            snapshot.lines().nth(first).unwrap_or(""),
            current.lines().nth(first).unwrap_or("")
        );
    }
}

/// Every operation but the health check needs a token or a session: each
/// says so in the document (its own security, or the document's), and each
/// route, called without either, answers 401 (the health check 200).
#[tokio::test]
async fn every_operation_but_the_health_check_needs_authentication() {
    let doc: Value =
        serde_json::from_str(&phongdich_web::ApiDoc::openapi().to_json().unwrap()).unwrap();
    let schemes = &doc["components"]["securitySchemes"];
    assert!(schemes["bearer"].is_object() && schemes["session"].is_object());
    let db = TestDb::new().await;
    let app = support::app(&db);
    let mut wrong = Vec::new();
    let mut called = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let public = path == "/healthz";
            // An empty requirement (`{}`) lets a caller in without any.
            let security = op.get("security").unwrap_or(&doc["security"]);
            let declared = security.as_array().is_some_and(|s| {
                !s.is_empty()
                    && s.iter()
                        .all(|r| r.as_object().is_some_and(|r| !r.is_empty()))
            });
            if declared == public {
                wrong.push(format!("{method} {path}: security {security}"));
            }
            let uri = path
                .replace("{code}", HA_KHANH)
                .replace("{username}", "admin")
                .replace("{name}", "review_positives")
                .replace("{id}", "1")
                .replace("{person_id}", "1")
                .replace("{result_id}", "1");
            assert!(!uri.contains('{'), "a path parameter left in {uri}");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = (method != Method::GET).then(|| json!({}));
            let status = api(&app, method.clone(), &uri, None, body).await.status;
            let expected = if public {
                StatusCode::OK
            } else {
                StatusCode::UNAUTHORIZED
            };
            if status != expected {
                wrong.push(format!("{method} {uri}: {status} without a token"));
            }
            called += 1;
        }
    }
    assert!(called > 100, "only {called} operations");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Issue 16 §11: query parameters were documented as required path
/// parameters, problem documents as `application/json`, 400/422 not at all,
/// and operation ids repeated (`list`, `show`): the document did not
/// validate. Each of these, on the document itself.
#[test]
fn the_document_says_where_parameters_go_and_what_errors_look_like() {
    let doc: Value =
        serde_json::from_str(&phongdich_web::ApiDoc::openapi().to_json().unwrap()).unwrap();
    let mut ids = std::collections::BTreeSet::new();
    let mut wrong = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_default().to_owned();
            if !ids.insert(id.clone()) {
                wrong.push(format!("{method} {path}: operation id {id} repeated"));
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                let in_path = path.contains(&format!("{{{name}}}"));
                if (p["in"] == "path") != in_path {
                    wrong.push(format!(
                        "{method} {path}: {name} is documented in {}",
                        p["in"]
                    ));
                }
            }
            let reads = op["parameters"].as_array().is_some_and(|p| !p.is_empty())
                || op.get("requestBody").is_some();
            for (status, r) in op["responses"].as_object().unwrap() {
                let problem_as_json = r["content"]["application/json"]["schema"]["$ref"]
                    == "#/components/schemas/Problem";
                if problem_as_json {
                    wrong.push(format!(
                        "{method} {path}: {status} is a problem sent as application/json"
                    ));
                }
            }
            for status in ["400", "422"] {
                if reads && op["responses"].get(status).is_none() {
                    wrong.push(format!("{method} {path}: {status} not documented"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
