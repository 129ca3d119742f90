#![allow(clippy::unwrap_used)]
//! Returnees through the JSON API on 25/10/2021: the province lists Hà Nội as
//! an epidemic area, the commune registers an arrival, the checkpoint scans
//! it (a re-sent scan is recognised), the commune confirms it home and the
//! quarantine order follows. SQLite, or PostgreSQL when
//! PHONGDICH_TEST_POSTGRES is set.

mod support;

use axum::http::{Method, StatusCode};
use chrono::{TimeZone, Utc};
use phongdich_store::testing::TestDb;
use serde_json::json;
use support::{HA_KHANH, HA_PHONG, api, token};

#[tokio::test]
async fn a_returnee_from_registration_through_the_checkpoint_to_home() {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 10, 25, 2, 0, 0).unwrap();
    db.store = db
        .store
        .clone()
        .with_clock(phongdich_domain::Clock::fixed(at));
    let app = support::app(&db);
    let province = token(&db, "22", "admin").await;
    let commune = token(&db, HA_KHANH, "health_staff").await;
    let neighbour = token(&db, HA_PHONG, "health_staff").await;
    let checkpoint = token(&db, "22", "checkpoint_officer").await;
    let hanoi_checkpoint = token(&db, "01", "checkpoint_officer").await;

    let area = api(
        &app,
        Method::POST,
        "/api/v1/epidemic-areas",
        Some(&province),
        Some(
            json!({"unit_code": "01", "from_on": "01/10/2021", "decision": "Thông báo 12/TB-BCĐ"}),
        ),
    )
    .await;
    assert_eq!(area.status, StatusCode::CREATED, "{}", area.body);
    assert_eq!(area.value()["unit_name"], "Thành phố Hà Nội");
    let listed = api(
        &app,
        Method::GET,
        "/api/v1/epidemic-areas",
        Some(&commune),
        None,
    )
    .await;
    assert_eq!(
        listed.value().as_array().unwrap().len(),
        1,
        "{}",
        listed.body
    );

    let trip = json!({
        "person": {"full_name": "Trần Văn Về", "birth": "1990", "sex": "male",
                   "national_id": "022090001234", "commune_code": HA_KHANH},
        "origin_code": "00001", "departure_on": "24/10/2021", "arrival_on": "25/10/2021",
        "means": "own_vehicle"
    });
    let denied = api(
        &app,
        Method::POST,
        "/api/v1/returnees",
        Some(&checkpoint),
        Some(trip.clone()),
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.body);
    let reg = api(
        &app,
        Method::POST,
        "/api/v1/returnees",
        Some(&commune),
        Some(trip.clone()),
    )
    .await;
    assert_eq!(reg.status, StatusCode::CREATED, "{}", reg.body);
    let reg = reg.value();
    assert_eq!(reg["matched"], "created");
    assert_eq!(reg["obligation"]["kind"], "order");
    assert_eq!(reg["obligation"]["rule"]["code"], "qn-2021-10-18-area");
    let code = reg["registration"]["code"].as_str().unwrap().to_owned();
    let id = reg["registration"]["id"].as_i64().unwrap();
    let again = api(
        &app,
        Method::POST,
        "/api/v1/returnees",
        Some(&commune),
        Some(trip),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

    // A typed field error names its field, in both languages.
    let bad = api(
        &app,
        Method::POST,
        "/api/v1/returnees",
        Some(&commune),
        Some(json!({"person": {"full_name": "A", "birth": "1990", "sex": "male", "commune_code": HA_KHANH},
                    "origin_code": "00001", "departure_on": "25/10/2021", "arrival_on": "20/10/2021",
                    "means": "teleport"})),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body.contains("arrival_on") && bad.body.contains("means"),
        "{}",
        bad.body
    );

    // A sending province's list: one good, one refused, each answered.
    let list = api(
        &app,
        Method::POST,
        "/api/v1/returnees/list",
        Some(&commune),
        Some(json!({"registrations": [
            {"person": {"full_name": "Lê Thị Danh", "birth": "1995", "sex": "female", "commune_code": HA_KHANH},
             "origin_code": "79", "departure_on": "23/10/2021", "arrival_on": "25/10/2021", "means": "bus"},
            {"person": {"full_name": "Lê Văn Sai", "birth": "1995", "sex": "male", "commune_code": HA_KHANH},
             "origin_code": "79", "departure_on": "26/10/2021", "arrival_on": "25/10/2021", "means": "bus"}
        ]})),
    )
    .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let list = list.value();
    assert_eq!(
        (list["registered"].as_i64(), list["refused"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        list["rows"][1]["problem"]["errors"][0]["field"],
        "arrival_on"
    );
    let many: Vec<serde_json::Value> = (0..1001).map(|_| json!({})).collect();
    let too_many = api(
        &app,
        Method::POST,
        "/api/v1/returnees/list",
        Some(&commune),
        Some(json!({"registrations": many})),
    )
    .await;
    assert_eq!(
        too_many.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        too_many.body
    );

    // The checkpoint, with a lower-case code as typed.
    let scan = json!({"code": code.to_lowercase(), "checkpoint": "Chốt Km 3 QL18", "idempotency_key": "dev-1-0001"});
    let first = api(
        &app,
        Method::POST,
        "/api/v1/checkpoint/scans",
        Some(&checkpoint),
        Some(scan.clone()),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.value()["outcome"], "arrived");
    let replay = api(
        &app,
        Method::POST,
        "/api/v1/checkpoint/scans",
        Some(&checkpoint),
        Some(scan.clone()),
    )
    .await;
    assert_eq!(replay.value()["outcome"], "replayed");
    let elsewhere = json!({"code": code, "checkpoint": "Chốt Pháp Vân", "idempotency_key": "hn-7"});
    let other = api(
        &app,
        Method::POST,
        "/api/v1/checkpoint/scans",
        Some(&hanoi_checkpoint),
        Some(elsewhere),
    )
    .await;
    assert_eq!(other.status, StatusCode::CONFLICT, "{}", other.body);
    // A key sent again with another code is a device fault, not a retry.
    let reused = json!({"code": phongdich_domain::returnees::code_from(42), "checkpoint": "Chốt Km 3 QL18", "idempotency_key": "dev-1-0001"});
    let reused = api(
        &app,
        Method::POST,
        "/api/v1/checkpoint/scans",
        Some(&checkpoint),
        Some(reused),
    )
    .await;
    assert_eq!(
        reused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reused.body
    );
    assert!(reused.body.contains("idempotency_key"), "{}", reused.body);
    let seen = api(
        &app,
        Method::GET,
        &format!("/api/v1/returnees/by-code/{code}"),
        Some(&checkpoint),
        None,
    )
    .await;
    assert_eq!(
        seen.value()["registration"]["status"],
        "checked",
        "{}",
        seen.body
    );

    // The hand-over: the commune sees the arrival, its neighbour does not.
    let list = api(
        &app,
        Method::GET,
        "/api/v1/returnees?day=25/10/2021",
        Some(&commune),
        None,
    )
    .await;
    let arriving = list.value()["arriving"].clone();
    assert!(
        arriving
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == code.as_str()),
        "{}",
        list.body
    );
    let list = api(
        &app,
        Method::GET,
        "/api/v1/returnees?day=25/10/2021",
        Some(&neighbour),
        None,
    )
    .await;
    assert_eq!(list.value()["arriving"].as_array().unwrap().len(), 0);
    let hidden = api(
        &app,
        Method::POST,
        &format!("/api/v1/returnees/{id}/home"),
        Some(&neighbour),
        Some(json!({})),
    )
    .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.body);

    // The province plans a convoy and seats people by code (a manifest).
    let convoy = api(
        &app,
        Method::POST,
        "/api/v1/returnee-batches",
        Some(&province),
        Some(
            json!({"name": "Chuyến bay đón công dân", "means": "flight", "capacity": 180,
                    "departs_on": "24/10/2021", "departure_point": "Tân Sơn Nhất"}),
        ),
    )
    .await;
    assert_eq!(convoy.status, StatusCode::CREATED, "{}", convoy.body);
    let batch_id = convoy.value()["id"].as_i64().unwrap();
    let seated = api(
        &app,
        Method::POST,
        &format!("/api/v1/returnee-batches/{batch_id}/passengers"),
        Some(&province),
        Some(json!({"codes": [code.clone(), "V-NOPE"]})),
    )
    .await;
    assert_eq!(seated.status, StatusCode::OK, "{}", seated.body);
    // Already through the checkpoint: not seated, and said why.
    assert_eq!(seated.value()[0]["outcome"], "refused", "{}", seated.body);
    assert_eq!(seated.value()[1]["outcome"], "refused");
    let moved = api(
        &app,
        Method::POST,
        &format!("/api/v1/returnee-batches/{batch_id}/state"),
        Some(&province),
        Some(json!({"state": "arrived"})),
    )
    .await;
    assert_eq!(
        moved.status,
        StatusCode::CONFLICT,
        "planned cannot become arrived: {}",
        moved.body
    );
    let seen = api(
        &app,
        Method::GET,
        &format!("/api/v1/returnee-batches/{batch_id}"),
        Some(&neighbour),
        None,
    )
    .await;
    assert_eq!(
        seen.status,
        StatusCode::OK,
        "the province's batches are read in its communes"
    );

    let home = api(
        &app,
        Method::POST,
        &format!("/api/v1/returnees/{id}/home"),
        Some(&commune),
        Some(json!({"home_on": "25/10/2021"})),
    )
    .await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    let home = home.value();
    assert_eq!(home["registration"]["status"], "home");
    assert_eq!(
        home["order"]["test_days"],
        json!(["2021-10-25", "2021-10-31", "2021-11-07"])
    );
}

#[tokio::test]
async fn the_province_ends_an_epidemic_area_and_nobody_else_can() {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 10, 25, 2, 0, 0).unwrap();
    db.store = db
        .store
        .clone()
        .with_clock(phongdich_domain::Clock::fixed(at));
    let app = support::app(&db);
    let province = token(&db, "22", "admin").await;
    let commune = token(&db, HA_KHANH, "health_staff").await;
    let other = token(&db, "01", "admin").await;
    let area = api(
        &app,
        Method::POST,
        "/api/v1/epidemic-areas",
        Some(&province),
        Some(
            json!({"unit_code": "79", "from_on": "01/10/2021", "decision": "Thông báo 12/TB-BCĐ"}),
        ),
    )
    .await;
    assert_eq!(area.status, StatusCode::CREATED, "{}", area.body);
    let id = area.value()["id"].as_i64().unwrap();
    let path = format!("/api/v1/epidemic-areas/{id}/end");
    let by_commune = api(
        &app,
        Method::POST,
        &path,
        Some(&commune),
        Some(json!({"until_on": "20/10/2021"})),
    )
    .await;
    assert_eq!(
        by_commune.status,
        StatusCode::CONFLICT,
        "{}",
        by_commune.body
    );
    let by_other = api(
        &app,
        Method::POST,
        &path,
        Some(&other),
        Some(json!({"until_on": "20/10/2021"})),
    )
    .await;
    assert_eq!(
        by_other.status,
        StatusCode::NOT_FOUND,
        "another province's list: {}",
        by_other.body
    );
    let early = api(
        &app,
        Method::POST,
        &path,
        Some(&province),
        Some(json!({"until_on": "30/09/2021"})),
    )
    .await;
    assert_eq!(
        early.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        early.body
    );
    assert!(early.body.contains("until_on"), "{}", early.body);
    let ended = api(
        &app,
        Method::POST,
        &path,
        Some(&province),
        Some(json!({"until_on": "20/10/2021"})),
    )
    .await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
    assert_eq!(ended.value()["until_on"], "2021-10-20");
    // A departure after the end is not from an epidemic area.
    let trip = json!({
        "person": {"full_name": "Lê Văn Sau", "birth": "1990", "sex": "male", "commune_code": HA_KHANH},
        "origin_code": "79", "departure_on": "23/10/2021", "arrival_on": "25/10/2021", "means": "bus"
    });
    let reg = api(
        &app,
        Method::POST,
        "/api/v1/returnees",
        Some(&commune),
        Some(trip),
    )
    .await;
    assert_eq!(reg.status, StatusCode::CREATED, "{}", reg.body);
    assert!(
        reg.value()["registration"]["area_id"].is_null(),
        "{}",
        reg.body
    );
    // Both writes are in the audit log, the entry's history kept.
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'epidemic_area'")
            .await,
        2
    );
}
