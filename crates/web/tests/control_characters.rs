#![allow(clippy::unwrap_used)]
//! Control characters in text input (issue 16 §7): a NUL byte in a text
//! field made PostgreSQL answer 500 and was stored by SQLite. Now refused
//! with the field named, whatever the route, before anything is written —
//! the same on both engines (PostgreSQL when PHONGDICH_TEST_POSTGRES is set).

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use phongdich_store::testing::TestDb;
use phongdich_store::{Actor, NewUser};
use serde_json::{Value, json};
use tower::ServiceExt;

const HA_KHANH: &str = "06649";

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, Value) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn post_json(app: &Router, token: &str, uri: &str, body: &Value) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    send(app, req).await
}

async fn people(db: &TestDb) -> i64 {
    db.ints("SELECT COUNT(*) FROM persons").await[0].unwrap()
}

#[tokio::test]
async fn a_nul_byte_is_refused_by_field_on_every_kind_of_input_and_nothing_is_written() {
    let db = TestDb::new().await;
    let (_, token) = db
        .store
        .create_api_token(&Actor::system("test"), "test", HA_KHANH, "health_staff")
        .await
        .unwrap();
    let app = phongdich_web::router(db.store.clone());
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
        let (status, problem) = post_json(&app, &token, "/api/v1/persons", &body).await;
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
    let (status, problem) = send(&app, req).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "q");

    // A page's form.
    db.store
        .add_user(
            &Actor::system("test"),
            &NewUser {
                username: "yte".into(),
                display_name: "Y tế".into(),
                unit_code: HA_KHANH.into(),
                role: "health_staff".into(),
                password: "mat-khau-rat-dai-2024".into(),
            },
        )
        .await
        .unwrap();
    let req = Request::post("/login")
        .header(header::HOST, "phongdich.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("username=yte%00&password=mat-khau-rat-dai-2024"))
        .unwrap();
    let (status, problem) = send(&app, req).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "username");

    // Text with tabs and line breaks is text: accepted.
    let body = json!({"full_name": "Nguyễn Văn An", "birth": "1990", "sex": "nam", "commune_code": HA_KHANH,
                      "address": "Tổ 3,\tkhu 5\r\nHà Khánh", "confirm_not_duplicate": true});
    let (status, created) = post_json(&app, &token, "/api/v1/persons", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(people(&db).await, before + 1);
}
