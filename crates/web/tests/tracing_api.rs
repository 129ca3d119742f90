#![allow(clippy::unwrap_used)]
//! Tracing through the JSON API, as a tracer and a committee use it: classes
//! come back in the same answer as the write that caused them. SQLite, or
//! PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

mod support;

use support::{HA_KHANH, HA_PHONG, call, page, token};

use axum::Router;
use axum::http::{Method, StatusCode};
use phongdich_store::testing::TestDb;
use phongdich_store::{Actor, AuditFilter};
use serde_json::{Value, json};

async fn person(app: &Router, t: &str, name: &str, commune: &str) -> i64 {
    let (status, body) = call(
        app,
        Method::POST,
        "/api/v1/persons",
        Some(t),
        Some(json!({"full_name": name, "birth": "1980", "sex": "nam", "commune_code": commune, "confirm_not_duplicate": true})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

async fn contact(app: &Router, t: &str, a: i64, b: i64, date: &str) -> Value {
    let (status, body) = call(
        app,
        Method::POST,
        "/api/v1/contacts",
        Some(t),
        Some(json!({"person_id": a, "other_person_id": b, "date": date, "setting": "household"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

fn changes(body: &Value) -> Vec<(i64, Option<i64>)> {
    let mut c: Vec<(i64, Option<i64>)> = body["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["person_id"].as_i64().unwrap(), c["after"].as_i64()))
        .collect();
    c.sort();
    c
}

#[tokio::test]
async fn a_tracer_confirms_an_f0_and_reads_the_classes_in_the_same_answer() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let t = token(&db, HA_KHANH, "contact_tracer").await;
    let [a, b, c, d] = [
        person(&app, &t, "Nguyễn Văn An", HA_KHANH).await,
        person(&app, &t, "Trần Thị Bình", HA_KHANH).await,
        person(&app, &t, "Lê Văn Cường", HA_KHANH).await,
        person(&app, &t, "Phạm Thị Dung", HA_KHANH).await,
    ];
    contact(&app, &t, a, b, "2021-08-05").await;
    contact(&app, &t, b, c, "06/08/2021").await;
    contact(&app, &t, c, d, "2021-08-07").await;
    let (status, case) = call(
        &app,
        Method::POST,
        "/api/v1/cases",
        Some(&t),
        Some(json!({"person_id": a, "sample_on": "2021-08-04", "confirmed_on": "2021-08-05"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    assert_eq!(
        changes(&case),
        vec![(a, Some(0)), (b, Some(1)), (c, Some(2)), (d, Some(3))]
    );
    let (_, tr) = call(
        &app,
        Method::GET,
        &format!("/api/v1/persons/{b}/tracing"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(tr["class"]["level"], 1);
    assert_eq!(tr["class"]["via_f0"], a);
    assert_eq!(tr["class"]["path"], json!([a, b]));
    assert_eq!(
        tr["history"][0]["cause"],
        format!("case:{}", case["case"]["id"])
    );
    assert_eq!(tr["contacts"].as_array().unwrap().len(), 2);
    let (_, counts) = call(&app, Method::GET, "/api/v1/tracing/counts", Some(&t), None).await;
    assert_eq!(counts, json!({"f0": 1, "f1": 1, "f2": 1, "f3": 1, "f4": 0}));
    let (_, list) = call(
        &app,
        Method::GET,
        "/api/v1/tracing/list?level=2",
        Some(&t),
        None,
    )
    .await;
    assert_eq!(list["entries"][0]["person_id"], c);
    assert_eq!(list["total"], 1);

    // B turns positive: C and D move up.
    let (_, case_b) = call(
        &app,
        Method::POST,
        "/api/v1/cases",
        Some(&t),
        Some(json!({"person_id": b, "sample_on": "2021-08-08", "confirmed_on": "2021-08-08"})),
    )
    .await;
    assert_eq!(
        changes(&case_b),
        vec![(b, Some(0)), (c, Some(1)), (d, Some(2))]
    );
    assert_eq!(case_b["case"]["source_kind"], "case");
    // Both recover: they are no longer F0, but the people they exposed keep
    // their classes for their own periods (domain-rules §2; nothing expires
    // here: no sweep ran).
    for id in [&case["case"]["id"], &case_b["case"]["id"]] {
        let (status, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/cases/{id}/course"),
            Some(&t),
            Some(json!({"course": "recovered", "negative_on": "2021-08-20"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (_, counts) = call(&app, Method::GET, "/api/v1/tracing/counts", Some(&t), None).await;
    assert_eq!(counts, json!({"f0": 0, "f1": 1, "f2": 1, "f3": 0, "f4": 0}));
    let (_, tr) = call(
        &app,
        Method::GET,
        &format!("/api/v1/persons/{d}/tracing"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(tr["class"]["level"], 2);
    assert_eq!(
        tr["history"].as_array().unwrap().last().unwrap()["level"],
        2
    );
    // The case changes are in the audit log with before and after.
    let audit = db
        .store
        .audit_entries(
            &Actor::system("t"),
            &AuditFilter {
                entity: Some("case".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "create").count(), 2);
    assert!(
        audit
            .iter()
            .any(|e| e.action == "update" && e.before.is_some() && e.after.is_some())
    );
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field_and_writes_nothing() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let t = token(&db, HA_KHANH, "contact_tracer").await;
    let a = person(&app, &t, "Nguyễn Văn An", HA_KHANH).await;
    let (status, p) = call(
        &app,
        Method::POST,
        "/api/v1/contacts",
        Some(&t),
        Some(
            json!({"person_id": a, "other_person_id": a, "date": "31/02/2021", "setting": "moon"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["other_person_id", "date", "setting"]);
    assert!(p["message_vi"].is_string() && p["message_en"].is_string());
    let (status, p) = call(
        &app,
        Method::POST,
        "/api/v1/cases",
        Some(&t),
        Some(json!({"person_id": a, "course": "flying", "source_kind": "imported"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["course", "source_ref"]);
    let (_, counts) = call(&app, Method::GET, "/api/v1/tracing/counts", Some(&t), None).await;
    assert_eq!(counts["f0"], 0);
    let ok = json!({"person_id": a, "sample_on": "2021-08-04"});
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/cases",
        Some(&t),
        Some(ok.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, p) = call(&app, Method::POST, "/api/v1/cases", Some(&t), Some(ok)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{p}");
    let (status, _) = call(
        &app,
        Method::GET,
        "/api/v1/chains/1?format=svg",
        Some(&t),
        None,
    )
    .await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn tracing_keeps_to_each_communes_jurisdiction() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let here = token(&db, HA_KHANH, "contact_tracer").await;
    let there = token(&db, HA_PHONG, "contact_tracer").await;
    let a = person(&app, &here, "Nguyễn Văn An", HA_KHANH).await;
    // Bình lives in Hà Phong: Hà Khánh reaches her with her national ID,
    // not by her record number alone (which could be guessed).
    let (status, created) = call(
        &app,
        Method::POST,
        "/api/v1/persons",
        Some(&there),
        Some(json!({"full_name": "Trần Thị Bình", "birth": "1980", "sex": "nữ", "national_id": "022180004321",
                    "commune_code": HA_PHONG, "confirm_not_duplicate": true})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let b = created["id"].as_i64().unwrap();
    let by_number =
        json!({"person_id": a, "other_person_id": b, "date": "2021-08-05", "setting": "household"});
    let (status, refused) = call(
        &app,
        Method::POST,
        "/api/v1/contacts",
        Some(&here),
        Some(by_number),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["field"], "other_person_id");
    let handed = json!({"person_id": a, "other_person_id": b, "date": "2021-08-05", "setting": "household",
                        "other_national_id": "022180004321"});
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v1/contacts",
        Some(&here),
        Some(handed),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, case) = call(
        &app,
        Method::POST,
        "/api/v1/cases",
        Some(&here),
        Some(json!({"person_id": a, "sample_on": "2021-08-04"})),
    )
    .await;
    let case_id = case["case"]["id"].as_i64().unwrap();
    // The contact in Hà Phong is on Hà Phong's list, not Hà Khánh's.
    let (_, theirs) = call(
        &app,
        Method::GET,
        "/api/v1/tracing/list?level=1",
        Some(&there),
        None,
    )
    .await;
    assert_eq!(theirs["entries"].as_array().unwrap().len(), 1);
    assert_eq!(theirs["entries"][0]["person_id"], b);
    let (_, ours) = call(
        &app,
        Method::GET,
        "/api/v1/tracing/list?level=1",
        Some(&here),
        None,
    )
    .await;
    assert!(ours["entries"].as_array().unwrap().is_empty());
    assert_eq!(ours["total"], 0);
    // Hà Phong cannot read or change Hà Khánh's case, person or chain.
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/cases/{case_id}"), None),
        (
            Method::POST,
            format!("/api/v1/cases/{case_id}/course"),
            Some(json!({"course": "recovered"})),
        ),
        (Method::GET, format!("/api/v1/persons/{a}/tracing"), None),
        (Method::GET, format!("/api/v1/chains/{a}"), None),
        (
            Method::POST,
            "/api/v1/cases".to_owned(),
            Some(json!({"person_id": a, "sample_on": "2021-08-04"})),
        ),
        (
            Method::PUT,
            format!("/api/v1/persons/{a}/status"),
            Some(json!({"isolated_from": "2021-08-06"})),
        ),
    ] {
        let (status, p) = call(&app, method.clone(), &path, Some(&there), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {p}");
    }
    // A viewer cannot trace; nobody without credentials can read.
    let viewer = token(&db, HA_KHANH, "viewer").await;
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/contacts",
        Some(&viewer),
        Some(json!({"person_id": a, "other_person_id": b, "date": "2021-08-06", "setting": "household"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(&app, Method::GET, "/api/v1/tracing/counts", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// The person ids a class page lists, in order.
fn listed(html: &str) -> Vec<i64> {
    html.split("href=\"/persons/")
        .skip(1)
        .filter_map(|s| s.split_once("#tracing\""))
        .filter_map(|(id, _)| id.parse().ok())
        .collect()
}

#[tokio::test]
async fn a_list_longer_than_a_page_is_walked_page_by_page_on_the_page_and_the_api() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let (_, _, f2) = phongdich_store::testing::seed_f2(&db.store, HA_KHANH, 507).await;
    db.store
        .add_user(
            &Actor::system("test"),
            &phongdich_store::NewUser {
                username: "truyvet.hakhanh".into(),
                display_name: "Cán bộ truy vết".into(),
                unit_code: HA_KHANH.into(),
                role: "contact_tracer".into(),
                password: "mat-khau-du-dai-2024".into(),
            },
        )
        .await
        .unwrap();
    let (_, session) = db
        .store
        .login("truyvet.hakhanh", "mat-khau-du-dai-2024", "test")
        .await
        .unwrap();
    let cookie = format!("pd_session={}", session.token);

    // The page: 500 a page, the range and the whole count, next/previous.
    let (status, first) = page(&app, "/tracing?level=2", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(first.contains("1–500 trên 507"), "{first}");
    assert!(
        first.contains("href=\"/tracing?level=2&amp;page=2\""),
        "next page link"
    );
    let (_, second) = page(&app, "/tracing?level=2&page=2", &cookie).await;
    assert!(second.contains("501–507 trên 507"), "{second}");
    assert!(second.contains("rel=\"prev\""));
    assert!(!second.contains("rel=\"next\""));
    let (_, en) = page(
        &app,
        "/tracing?level=2&page=2",
        &format!("{cookie}; pd_lang=en"),
    )
    .await;
    assert!(en.contains("501–507 of 507"), "{en}");
    let mut seen = listed(&first);
    assert_eq!(seen.len(), 500);
    seen.extend(listed(&second));
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "no one on both pages");
    assert_eq!(sorted, f2, "every F2 once");
    // The waiting list pages the same way.
    let (_, waiting) = page(&app, "/tracing?waiting=1&level=2&page=2", &cookie).await;
    assert!(waiting.contains("501–507 trên 507"), "{waiting}");

    // The API: offset and limit, the whole count, stable order.
    let t = token(&db, HA_KHANH, "contact_tracer").await;
    let mut api_seen = Vec::new();
    let mut offset = 0;
    loop {
        let (status, body) = call(
            &app,
            Method::GET,
            &format!("/api/v1/tracing/list?level=2&offset={offset}&limit=200"),
            Some(&t),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["total"], 507);
        assert_eq!(body["paging"], json!({"offset": offset, "limit": 200}));
        let entries = body["entries"].as_array().unwrap();
        if entries.is_empty() {
            break;
        }
        api_seen.extend(entries.iter().map(|e| e["person_id"].as_i64().unwrap()));
        offset += 200;
    }
    assert_eq!(offset, 600);
    assert_eq!(api_seen, seen, "the API walks the page's order");
    // A bad window is refused in both languages, never clipped.
    for (q, field) in [
        ("limit=1001", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
    ] {
        let (status, body) = call(
            &app,
            Method::GET,
            &format!("/api/v1/tracing/list?level=2&{q}"),
            Some(&t),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{q}: {body}");
        assert_eq!(body["errors"][0]["field"], field, "{body}");
        assert!(body["message_vi"].as_str().unwrap().contains(field));
        assert!(body["message_en"].as_str().unwrap().contains(field));
    }
}

#[tokio::test]
async fn a_tracer_records_contact_reviews_through_the_api() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let (f0, f1, _) = phongdich_store::testing::seed_f2(&db.store, HA_KHANH, 1).await;
    let t = token(&db, HA_KHANH, "contact_tracer").await;
    let path = format!("/api/v1/persons/{f1}/contact-reviews");
    let (status, r) = call(
        &app,
        Method::POST,
        &path,
        Some(&t),
        Some(json!({"reviewed_on": "05/08/2021", "outcome": "confirmed", "note": "Gọi điện"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(r["reviewed_on"], "2021-08-05");
    assert_eq!(r["level"], 1);
    // Today by default.
    let (status, r2) = call(
        &app,
        Method::POST,
        &path,
        Some(&t),
        Some(json!({"outcome": "not_reached"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r2}");
    assert_eq!(
        r2["reviewed_on"],
        phongdich_domain::Clock::system().today().to_string()
    );
    let (status, list) = call(&app, Method::GET, &path, Some(&t), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["id"], r2["id"]);
    // Tomorrow, and an F0: refused in both languages, field by field.
    let tomorrow = (phongdich_domain::Clock::system().today() + chrono::Days::new(1)).to_string();
    let (status, e) = call(
        &app,
        Method::POST,
        &path,
        Some(&t),
        Some(json!({"reviewed_on": tomorrow, "outcome": "confirmed"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "reviewed_on");
    assert_eq!(e["errors"][0]["code"], "in_future");
    let (status, e) = call(
        &app,
        Method::POST,
        &format!("/api/v1/persons/{f0}/contact-reviews"),
        Some(&t),
        Some(json!({"outcome": "confirmed"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["code"], "not_a_contact");
    assert!(
        e["errors"][0]["message_vi"]
            .as_str()
            .unwrap()
            .contains("F1–F4")
    );
    // Another commune does not find the person.
    let there = token(&db, HA_PHONG, "contact_tracer").await;
    let (status, _) = call(
        &app,
        Method::POST,
        &path,
        Some(&there),
        Some(json!({"outcome": "confirmed"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(&app, Method::GET, &path, Some(&there), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
