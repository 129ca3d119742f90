#![allow(clippy::unwrap_used)]
//! The API's contract: the OpenAPI document must match the reviewed snapshot
//! in `openapi.snapshot.json`. An intended change is recorded with
//! `UPDATE_OPENAPI_SNAPSHOT=1 cargo test -p phongdich-web --test openapi_snapshot`
//! and reviewed in the diff.

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

#[test]
fn every_operation_is_secured_except_health() {
    let doc = phongdich_web::ApiDoc::openapi();
    let schemes = doc.components.as_ref().unwrap().security_schemes.clone();
    assert!(schemes.contains_key("bearer") && schemes.contains_key("session"));
    assert!(doc.security.as_ref().is_some_and(|s| !s.is_empty()));
    let health = doc
        .paths
        .paths
        .get("/healthz")
        .unwrap()
        .get
        .as_ref()
        .unwrap();
    assert!(health.security.is_some(), "/healthz is marked public");
}
