#![allow(clippy::unwrap_used)]
//! Quarantine pages as a user reads them: the release certificate and the
//! personal link of an order (issue 18, bugs 4 and 8). SQLite, or PostgreSQL
//! when PHONGDICH_TEST_POSTGRES is set.

mod support;

use axum::Router;
use axum::http::{Method, StatusCode};
use phongdich_store::testing::TestDb;
use serde_json::{Value, json};
use support::{Browser, HA_KHANH, call, token};

/// The application on a test database and a quarantine officer's API token
/// at Hà Khánh.
async fn staff() -> (TestDb, Router, String) {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let t = token(&db, HA_KHANH, "quarantine_staff").await;
    (db, app, t)
}

/// A quarantine officer of Hà Khánh logged in, reading English.
async fn english_browser(db: &TestDb, app: &Router) -> Browser {
    let mut b = Browser::logged_in(db, app, "cachly.hakhanh", HA_KHANH, "quarantine_staff").await;
    b.cookies.insert("pd_lang".into(), "en".into());
    b
}

/// A person of Hà Khánh and an order for them, through the API.
async fn order(app: &Router, t: &str, name: &str, order: Value) -> i64 {
    let (status, p) = call(
        app,
        Method::POST,
        "/api/v1/persons",
        Some(t),
        Some(
            json!({"full_name": name, "birth": "1990", "sex": "nữ", "commune_code": HA_KHANH,
            "street_address": "Tổ 2, khu 6", "confirm_not_duplicate": true}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let mut order = order;
    order["person_id"] = p["id"].clone();
    let (status, o) = call(
        app,
        Method::POST,
        "/api/v1/quarantine/orders",
        Some(t),
        Some(order),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{o}");
    o["id"].as_i64().unwrap()
}

/// An F1's order from `start`, released on `on`: the order as the API
/// answers the release.
async fn released(app: &Router, t: &str, name: &str, start: &str, on: &str) -> Value {
    let id = order(app, t, name, json!({"situation": "f1", "start_on": start})).await;
    let (status, o) = call(
        app,
        Method::POST,
        &format!("/api/v1/quarantine/orders/{id}/release"),
        Some(t),
        Some(json!({"released_on": on})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{o}");
    o
}

/// Issue 18, bug 4. From 15/4/2022 an F1 is not quarantined: "no
/// quarantine; precautions for 10 days" (1909/BYT-DP, domain rules §4), and
/// no test is required. The certificate of such an order, released on its
/// first day, says so: no test line claiming a negative result, no period
/// "from 20/04 to 20/04", and ten days of self-monitoring, 20/4 to 29/4.
#[tokio::test]
async fn the_certificate_of_an_order_without_tests_claims_no_test_and_no_quarantine() {
    let (db, app, t) = staff().await;
    let o = released(&app, &t, "Vi Thị Dõi", "20/04/2022", "20/04/2022").await;
    let id = o["id"].as_i64().unwrap();
    assert_eq!(
        (&o["kind"], &o["monitoring_end"]),
        (&json!("self_monitoring"), &json!("2022-04-29")),
        "ten days, the first day being day 1"
    );

    let mut b = english_browser(&db, &app).await;
    let page = b.get(&format!("/quarantine/orders/{id}/certificate")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let en = &page.body;
    assert!(
        !en.contains("Tested on") && !en.contains("negative"),
        "{en}"
    );
    assert!(en.contains("No test was required."), "{en}");
    assert!(!en.contains("20/04/2022 to 20/04/2022"), "{en}");
    assert!(!en.contains("has completed"), "nothing to complete: {en}");
    assert!(
        en.contains("self-monitoring, without quarantine, under 1909/BYT-DP, from 20/04/2022"),
        "{en}"
    );
    assert!(en.contains("until the end of 29/04/2022"), "{en}");

    b.cookies.insert("pd_lang".into(), "vi".into());
    let vi = b
        .get(&format!("/quarantine/orders/{id}/certificate"))
        .await
        .body;
    assert!(
        !vi.contains("Xét nghiệm vào các ngày") && !vi.contains("âm tính"),
        "{vi}"
    );
    assert!(vi.contains("Không yêu cầu xét nghiệm."), "{vi}");
    assert!(vi.contains("đến hết ngày 29/04/2022"), "{vi}");
}

/// Issue 18, bug 8 (c): a personal link works until the day after its order
/// ends, and declarations are taken only for the order's days; a link made
/// for an order whose last day is past is expired from birth, and the page
/// that gives it out says so instead of a "works until" in the past.
#[tokio::test]
async fn a_link_for_an_order_already_over_is_shown_expired_with_a_warning() {
    let (db, app, t) = staff().await;
    // From an epidemic area, August 2021: 14 days at home, to 14/8/2021.
    let id = order(
        &app,
        &t,
        "Vi Văn Muộn",
        json!({"situation": "from_epidemic_area", "start_on": "01/08/2021"}),
    )
    .await;
    let mut b = english_browser(&db, &app).await;
    let csrf = b.csrf().await;
    let page = b
        .post(
            &format!("/quarantine/orders/{id}/link"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("Works until"), "{}", page.body);
    assert!(
        page.body
            .contains("This link has already expired: the order's last day, 14/08/2021, is past."),
        "{}",
        page.body
    );

    // An order still running: no warning.
    let today = phongdich_domain::Clock::system().today();
    let start = (today - chrono::Days::new(2))
        .format("%d/%m/%Y")
        .to_string();
    let running = order(
        &app,
        &t,
        "Vi Thị Đúng",
        json!({"situation": "from_epidemic_area", "start_on": start}),
    )
    .await;
    let page = b
        .post(
            &format!("/quarantine/orders/{running}/link"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert!(page.body.contains("Works until"), "{}", page.body);
    assert!(!page.body.contains("already expired"), "{}", page.body);
}

/// Issue 18, bug 4, the other side: a province's own rule may name test days
/// without making a negative result a condition of release
/// (`release_needs_negative_tests`, domain rules §4: "a province must be able
/// to add its own rule set"); its certificate lists the test days and claims
/// no result. Released on its last day, 2/8/2020.
#[tokio::test]
async fn the_certificate_claims_a_negative_test_only_when_release_needed_one() {
    let (db, app, t) = staff().await;
    let rule = phongdich_domain::quarantine::QuarantineRule {
        code: "qn-2020-07-f1".into(),
        situation: phongdich_domain::quarantine::Situation::F1,
        from: chrono::NaiveDate::from_ymd_opt(2020, 7, 28).unwrap(),
        who: None,
        kind: phongdich_domain::quarantine::QuarantineKind::Home,
        days: 2,
        monitoring_days: 0,
        test_days: vec![1],
        release_needs_negative_tests: false,
        source: "Công văn UBND tỉnh Quảng Ninh".into(),
        province_code: Some("22".into()),
    };
    db.store
        .save_province_rule(
            &phongdich_store::testing::actor("22", phongdich_domain::Role::Admin),
            &rule,
        )
        .await
        .unwrap();
    let o = released(&app, &t, "Vi Văn Tỉnh", "01/08/2020", "02/08/2020").await;
    let id = o["id"].as_i64().unwrap();
    let mut b = english_browser(&db, &app).await;
    let en = b
        .get(&format!("/quarantine/orders/{id}/certificate"))
        .await
        .body;
    assert!(!en.contains("negative."), "{en}");
    assert!(
        en.contains("Test days: 01/08/2020 (a negative result was not a condition of release)."),
        "{en}"
    );
    assert!(
        en.contains("has completed home quarantine from 01/08/2020 to 02/08/2020"),
        "{en}"
    );
    assert!(
        !en.contains("Continue self-monitoring"),
        "no monitoring days: {en}"
    );
}
