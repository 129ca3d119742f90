#![allow(clippy::unwrap_used)]
//! Directives and travel permits through the JSON API and the pages on
//! 15/10/2021: Hạ Long under Directive 16 inside Quảng Ninh's 19; "what
//! applies here" for a ward; a permit issued from the page (the person
//! picked by name), checked on the checkpoint screen, revoked, checked
//! again; a route out of the province refused in both languages.
//! SQLite, or PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

mod support;

use axum::http::{Method, StatusCode};
use chrono::{TimeZone, Utc};
use phongdich_domain::PersonInput;
use phongdich_store::testing::{TestDb, create_person};
use serde_json::json;
use support::{Browser, HA_KHANH, HA_PHONG, api, token};

async fn db() -> TestDb {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 10, 15, 2, 0, 0).unwrap();
    db.store = db
        .store
        .clone()
        .with_clock(phongdich_domain::Clock::fixed(at));
    db
}

#[tokio::test]
async fn the_api_applies_directives_says_what_applies_and_checks_permits() {
    let db = db().await;
    let app = support::app(&db);
    let province = token(&db, "22", "admin").await;
    let city = token(&db, "193", "health_staff").await;
    let ward = token(&db, HA_KHANH, "health_staff").await;
    let officer = token(&db, "22", "checkpoint_officer").await;
    let hanoi_officer = token(&db, "01", "checkpoint_officer").await;
    for (t, body) in [
        (
            &province,
            json!({"directive": "19", "unit_code": "22", "from_on": "01/10/2021", "until_on": "31/10/2021", "decision": "3720/QĐ-UBND", "issued_by": "UBND tỉnh Quảng Ninh"}),
        ),
        (
            &city,
            json!({"directive": "16", "unit_code": "193", "from_on": "10/10/2021", "until_on": "24/10/2021", "decision": "112/QĐ-UBND", "issued_by": "UBND TP Hạ Long", "own_measures": "Đi chợ theo phiếu"}),
        ),
    ] {
        let r = api(
            &app,
            Method::POST,
            "/api/v1/directives",
            Some(t),
            Some(body),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let r = api(
        &app,
        Method::POST,
        "/api/v1/directives",
        Some(&city),
        Some(json!({"directive": "15", "unit_code": "193", "from_on": "20/10/2021", "until_on": "30/10/2021", "decision": "x", "issued_by": "y"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = api(
        &app,
        Method::GET,
        &format!("/api/v1/directives/here?unit={HA_KHANH}"),
        Some(&ward),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.value()["applies"]["directive"], "16");
    assert_eq!(r.value()["overridden"][0]["directive"], "19");
    let r = api(
        &app,
        Method::GET,
        "/api/v1/directives/here?unit=22&day=01/11/2021",
        Some(&ward),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.value()["applies"].is_null());

    // A permit: out of the province refused in both languages, then issued.
    let who = create_person(
        &db.store,
        &PersonInput {
            full_name: "Trần Văn Giao".into(),
            birth: "1990".into(),
            sex: "nam".into(),
            commune_code: HA_KHANH.into(),
            ..Default::default()
        },
        db.store.today(),
    )
    .await;
    let body = json!({"person_id": who, "purpose": "supply", "purpose_detail": "Giao hàng cho siêu thị",
        "from_unit": HA_KHANH, "to_unit": "00001", "valid_from": "15/10/2021", "valid_until": "24/10/2021"});
    let r = api(
        &app,
        Method::POST,
        "/api/v1/permits",
        Some(&ward),
        Some(body.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("ngoài tỉnh") && r.body.contains("outside the province"),
        "{}",
        r.body
    );
    let mut body = body;
    body["to_unit"] = json!(HA_PHONG);
    let r = api(
        &app,
        Method::POST,
        "/api/v1/permits",
        Some(&ward),
        Some(body),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let code = r.value()["code"].as_str().unwrap().to_owned();
    let id = r.value()["id"].as_i64().unwrap();
    let check = json!({"code": code, "checkpoint": "Chốt cầu Bãi Cháy"});
    let r = api(
        &app,
        Method::POST,
        "/api/v1/permits/check",
        Some(&officer),
        Some(check.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.value()["result"], "valid");
    let r = api(
        &app,
        Method::POST,
        "/api/v1/permits/check",
        Some(&hanoi_officer),
        Some(check.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    // A checkpoint officer cannot issue or revoke.
    let r = api(
        &app,
        Method::POST,
        &format!("/api/v1/permits/{id}/revoke"),
        Some(&officer),
        Some(json!({"reason": "x"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = api(
        &app,
        Method::POST,
        &format!("/api/v1/permits/{id}/revoke"),
        Some(&ward),
        Some(json!({"reason": "Hết nhu cầu"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = api(
        &app,
        Method::POST,
        "/api/v1/permits/check",
        Some(&officer),
        Some(check),
    )
    .await;
    assert_eq!(r.value()["result"], "revoked");
    let r = api(
        &app,
        Method::GET,
        &format!("/api/v1/permits/{id}"),
        Some(&ward),
        None,
    )
    .await;
    assert_eq!(r.value()["checks"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_pages_say_what_applies_issue_a_permit_and_the_checkpoint_screen_checks_it() {
    let db = db().await;
    let app = support::app(&db);
    let admin = phongdich_store::testing::actor("22", phongdich_domain::Role::Admin);
    db.store
        .apply_directive(
            &admin,
            &phongdich_store::DirectiveInput {
                directive: "16".into(),
                unit_code: "193".into(),
                from_on: "10/10/2021".into(),
                until_on: "24/10/2021".into(),
                decision: "112/QĐ-UBND".into(),
                issued_by: "UBND TP Hạ Long".into(),
                own_measures: "Đi chợ theo phiếu".into(),
            },
        )
        .await
        .unwrap();
    create_person(
        &db.store,
        &PersonInput {
            full_name: "Phạm Thị Giấy".into(),
            birth: "1988".into(),
            sex: "nữ".into(),
            commune_code: HA_KHANH.into(),
            ..Default::default()
        },
        db.store.today(),
    )
    .await;
    let mut b = Browser::logged_in(&db, &app, "tyt.hakhanh", HA_KHANH, "health_staff").await;
    let here = b.get("/directives").await;
    assert_eq!(here.status, StatusCode::OK, "{}", here.body);
    assert!(
        here.body.contains("Chỉ thị 16: cách ly toàn xã hội"),
        "{}",
        here.body
    );
    assert!(here.body.contains("Đi chợ theo phiếu"));
    assert_eq!(
        here.body.matches("data-open=\"true\"").count(),
        1,
        "under 16 only essential business opens"
    );
    // A permit, the person picked by name.
    let page = b.get("/permits").await;
    let csrf = page.csrf();
    let mut fields = vec![
        ("_csrf", csrf.as_str()),
        ("person_id", "Pham Thi Giay"),
        ("plate", ""),
        ("purpose", "medical"),
        ("purpose_detail", "Bệnh viện Bãi Cháy"),
        ("from_unit", HA_KHANH),
        ("to_unit", "00001"),
        ("route", ""),
        ("valid_from", "15/10/2021"),
        ("valid_until", "20/10/2021"),
    ];
    let bad = b.post("/permits", &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body
            .contains("giấy đi đường chỉ cấp cho lộ trình trong tỉnh"),
        "{}",
        bad.body
    );
    assert!(
        bad.body.contains("value=\"Bệnh viện Bãi Cháy\""),
        "what was typed stays"
    );
    fields[6] = ("to_unit", HA_PHONG);
    let ok = b.post("/permits", &fields).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let card = b.get(ok.location()).await;
    assert!(
        card.body.contains("Đã cấp giấy đi đường.") && card.body.contains("<svg"),
        "the QR code"
    );
    let code = card.body.split("GDD-").nth(1).unwrap()[..8].to_owned();
    let code = format!("GDD-{code}");
    // The checkpoint screen (no script): the permit's code typed.
    let mut officer = Browser::logged_in(&db, &app, "chot.qn", "22", "checkpoint_officer").await;
    let screen = officer.get("/checkpoint").await;
    let csrf = screen.csrf();
    let checked = officer
        .post(
            "/checkpoint",
            &[
                ("_csrf", &csrf),
                ("code", &code),
                ("checkpoint", "Chốt cầu Bãi Cháy"),
                ("idempotency_key", "k1"),
                ("rapid_result", ""),
            ],
        )
        .await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
    assert!(
        checked.body.contains("Giấy đi đường hợp lệ") && checked.body.contains("Phạm Thị Giấy"),
        "{}",
        checked.body
    );
    // Revoked from the permit's page, then refused at the checkpoint.
    let path = ok.location().split('?').next().unwrap().to_owned();
    let csrf = card.csrf();
    let revoked = b
        .post(
            &format!("{path}/revoke"),
            &[("_csrf", &csrf), ("reason", "Đã khỏi bệnh")],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    let csrf = officer.get("/checkpoint").await.csrf();
    let again = officer
        .post(
            "/checkpoint",
            &[
                ("_csrf", &csrf),
                ("code", &code.to_lowercase()),
                ("checkpoint", "Chốt cầu Bãi Cháy"),
                ("idempotency_key", "k2"),
                ("rapid_result", ""),
            ],
        )
        .await;
    assert!(again.body.contains("ĐÃ BỊ THU HỒI"), "{}", again.body);
    let after = b.get(&path).await;
    assert!(after.body.contains("id=\"permit-checks\"") && after.body.contains("đã thu hồi"));
}
