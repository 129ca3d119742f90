#![allow(clippy::unwrap_used)]
//! Issue 18 §3: the alerts and duty pages keep themselves up to date from
//! `/alerts/pulse` — how many alerts wait, how many nobody took, the newest —
//! counted within the reader's jurisdiction only; the count is in the tab's
//! title. SQLite, or PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

mod support;

use support::{Browser, HA_KHANH, HA_PHONG};

use axum::http::StatusCode;
use phongdich_domain::Role;
use phongdich_domain::treatment::{Enrolment, Vitals};
use phongdich_store::testing::{TestDb, actor, person};

/// An F0 at home in `commune` whose SpO2 falls to 93: one alert.
async fn alert_in(db: &TestDb, name: &str, commune: &str) {
    let today = phongdich_domain::Clock::system().today();
    let staff = actor(commune, Role::HealthStaff);
    let p = person(&db.store, name, commune).await;
    let day = today.format("%d/%m/%Y").to_string();
    let case = phongdich_store::CaseInput::found_in_community(p, &day, &day, "rt_pcr");
    db.store
        .confirm_case(&phongdich_store::Actor::system("test"), &case, today)
        .await
        .unwrap();
    let enrolment = Enrolment::well(40);
    let t = db
        .store
        .enrol_home_treatment(&staff, p, &enrolment, today)
        .await
        .unwrap();
    let low = Vitals {
        spo2: Some(93),
        ..Default::default()
    };
    db.store
        .record_vitals(&staff, t.id, &low, today)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_pulse_counts_the_alerts_waiting_in_the_readers_area() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let mut b = Browser::logged_in(&db, &app, "yte", HA_KHANH, "health_staff").await;
    let quiet = b.get("/alerts/pulse").await;
    assert_eq!(quiet.status, StatusCode::OK, "{}", quiet.body);
    assert_eq!(
        quiet.json(),
        serde_json::json!({"unhandled": 0, "open": 0, "latest": null})
    );

    alert_in(&db, "Vi Văn Một", HA_KHANH).await;
    alert_in(&db, "Vi Văn Hai", HA_PHONG).await;
    let v = b.get("/alerts/pulse").await.json();
    assert_eq!(
        (v["unhandled"].as_i64(), v["open"].as_i64()),
        (Some(1), Some(1)),
        "{v}"
    );
    let page = b.get("/alerts").await;
    assert!(
        page.body
            .contains("<title>(1) Cảnh báo — phongdich</title>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("data-live=\"/alerts/pulse\""),
        "{}",
        page.body
    );
    let duty = b.get("/duty").await;
    assert!(
        duty.body
            .contains("<title>(1) Trực phản ứng nhanh — phongdich</title>"),
        "{}",
        duty.body
    );
    assert!(
        duty.body.contains("1</strong> cảnh báo đang chờ xử lý"),
        "{}",
        duty.body
    );

    // Taken: still waiting to be acted on, no longer open.
    let id = v["latest"].as_i64().unwrap();
    let csrf = page.csrf();
    let r = b
        .post(&format!("/alerts/{id}/acknowledge"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let v = b.get("/alerts/pulse").await.json();
    assert_eq!(
        (v["unhandled"].as_i64(), v["open"].as_i64()),
        (Some(1), Some(0)),
        "{v}"
    );

    // Another commune's unit is not this reader's to watch.
    let outside = b.get(&format!("/alerts/pulse?unit={HA_PHONG}")).await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND, "{}", outside.body);
}
