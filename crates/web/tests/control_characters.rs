#![allow(clippy::unwrap_used)]
//! Control characters in text input (issue 16 §7): a NUL byte in a text
//! field made PostgreSQL answer 500 and was stored by SQLite. Now refused
//! with the field named, whatever the route, before anything is written —
//! the same on both engines (PostgreSQL when PHONGDICH_TEST_POSTGRES is set).

mod support;

use support::{HA_KHANH, call};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use phongdich_store::testing::TestDb;
use serde_json::json;

async fn people(db: &TestDb) -> i64 {
    db.ints("SELECT COUNT(*) FROM persons").await[0].unwrap()
}

#[tokio::test]
async fn a_nul_byte_is_refused_by_field_on_every_kind_of_input_and_nothing_is_written() {
    let db = TestDb::new().await;
    let token = support::token(&db, HA_KHANH, "health_staff").await;
    let app = support::app(&db);
    let before = people(&db).await;

    // JSON: the field, and a field inside a list, named by its path.
    for (body, field) in [
        (
            json!({"full_name": "Nguyễn\u{0}Văn An", "birth": "1990", "sex": "nam", "commune_code": HA_KHANH}),
            "full_name",
        ),
        (
            json!({"full_name": "Nguyễn Văn An", "birth": "1990", "sex": "nam", "commune_code": HA_KHANH,
                   "address": "Tổ 3\u{1b}[2J"}),
            "address",
        ),
    ] {
        let (status, problem) = call(
            &app,
            Method::POST,
            "/api/v1/persons",
            Some(&token),
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        assert_eq!(problem["errors"][0]["code"], "control_character");
        assert!(
            problem["errors"][0]["message_vi"]
                .as_str()
                .unwrap()
                .contains("ký tự điều khiển")
        );
        assert!(
            problem["errors"][0]["message_en"]
                .as_str()
                .unwrap()
                .contains("control character")
        );
    }
    assert_eq!(people(&db).await, before, "nothing was written");

    // A query string.
    let req = Request::get("/api/v1/persons?q=an%00")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let (status, problem) = support::send(&app, req).await.answer();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "q");

    // A page's form.
    support::add_user(&db, "yte", HA_KHANH, "health_staff").await;
    let req = Request::post("/login")
        .header(header::HOST, support::HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "username=yte%00&password={}",
            support::PASSWORD
        )))
        .unwrap();
    let (status, problem) = support::send(&app, req).await.answer();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "username");

    // Text with tabs and line breaks is text: accepted.
    let body = json!({"full_name": "Nguyễn Văn An", "birth": "1990", "sex": "nam", "commune_code": HA_KHANH,
                      "address": "Tổ 3,\tkhu 5\r\nHà Khánh", "confirm_not_duplicate": true});
    let (status, created) = call(
        &app,
        Method::POST,
        "/api/v1/persons",
        Some(&token),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(people(&db).await, before + 1);
}
