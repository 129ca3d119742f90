#![allow(clippy::unwrap_used)]
//! The dashboard through the JSON API, as another system pulls it: the
//! caller's unit and the last 28 days by default, another unit below, a unit
//! outside the caller's jurisdiction (404) and bad periods (422, each error
//! naming its field in both languages). SQLite, or PostgreSQL when
//! PHONGDICH_TEST_POSTGRES is set.

mod support;

use support::{HA_KHANH, HA_PHONG, get, token};

use axum::http::StatusCode;
use chrono::Days;
use phongdich_store::testing::TestDb;
use phongdich_store::{Actor, CaseInput};
use serde_json::Value;

const HA_LONG: &str = "193";

/// An F0 living in `commune`, confirmed `days_ago` days before today.
async fn f0(db: &TestDb, name: &str, commune: &str, days_ago: u64) {
    let system = Actor::system("test");
    let today = phongdich_domain::Clock::system().today();
    let person = phongdich_domain::PersonInput {
        full_name: name.into(),
        birth: "1980".into(),
        sex: "nữ".into(),
        commune_code: commune.into(),
        ..Default::default()
    }
    .parse(today)
    .unwrap();
    let id = db
        .store
        .create_person(&system, &person, true)
        .await
        .unwrap()
        .id;
    let on = (today - Days::new(days_ago)).format("%d/%m/%Y").to_string();
    let case = CaseInput::found_in_community(id, &on, &on, "rt_pcr");
    db.store.confirm_case(&system, &case, today).await.unwrap();
}

fn sum(series: &Value, key: &str) -> i64 {
    series
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d[key].as_i64().unwrap())
        .sum()
}

#[tokio::test]
async fn the_dashboard_of_a_unit_and_its_period() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    f0(&db, "Hoàng Thị Một", HA_KHANH, 0).await;
    f0(&db, "Hoàng Thị Hai", HA_KHANH, 2).await;
    f0(&db, "Đặng Văn Ba", HA_PHONG, 2).await;
    f0(&db, "Đặng Văn Xưa", HA_PHONG, 40).await;
    let district = token(&db, HA_LONG, "viewer").await;
    let commune = token(&db, HA_KHANH, "viewer").await;

    // The district by default: its own unit, 28 days ending today.
    let (status, d) = get(&app, "/api/v1/dashboard", &district).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["unit_code"], HA_LONG);
    assert_eq!(d["curve"].as_array().unwrap().len(), 28);
    assert_eq!(d["tests"].as_array().unwrap().len(), 28);
    assert_eq!(
        sum(&d["curve"], "community"),
        3,
        "the 40-day-old case is before the period"
    );
    assert_eq!(d["period"]["figures"]["f0_new"], 3);
    assert_eq!(d["last_day"]["f0_new"], 1);
    assert_eq!(d["change"]["f0_new"], 1);
    let units = d["units"].as_array().unwrap();
    let khanh = units.iter().find(|u| u["unit_code"] == HA_KHANH).unwrap();
    let days: Vec<i64> = khanh["f0_new_by_day"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(days.len(), 14);
    assert_eq!((days[13], days[11]), (1, 1), "today and two days ago");

    // A commune of the district, for a chosen period.
    let to = phongdich_domain::Clock::system().today();
    let from = to - Days::new(59);
    let path = format!("/api/v1/dashboard?unit={HA_PHONG}&from={from}&to={to}");
    let (status, d) = get(&app, &path, &district).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["curve"].as_array().unwrap().len(), 60);
    assert_eq!(sum(&d["curve"], "community"), 2);

    // Outside the caller's jurisdiction: not found, like any record there.
    for unit in [HA_PHONG, HA_LONG] {
        let (status, p) = get(&app, &format!("/api/v1/dashboard?unit={unit}"), &commune).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{unit}: {p}");
    }

    // Bad periods name their field in both languages.
    let tomorrow = to + Days::new(1);
    let long_ago = to - Days::new(120);
    for (query, field, code) in [
        ("from=hom-qua".to_owned(), "from", "invalid_date"),
        (format!("to={tomorrow}"), "to", "future"),
        (format!("from={long_ago}&to={to}"), "from", "too_long"),
        (
            format!("from={to}&to={}", to - Days::new(1)),
            "from",
            "after_end",
        ),
    ] {
        let (status, p) = get(&app, &format!("/api/v1/dashboard?{query}"), &district).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {p}");
        let e = &p["errors"][0];
        assert_eq!(
            (e["field"].as_str(), e["code"].as_str()),
            (Some(field), Some(code)),
            "{query}"
        );
        assert!(
            !e["message_vi"].as_str().unwrap().is_empty()
                && !e["message_en"].as_str().unwrap().is_empty()
        );
    }
}

/// The server's "today" is the store's clock, in Vietnam's time (issue 17
/// §4): at 17:30 UTC on 4 December it is already the 5th in Hà Nội, and the
/// default period ends there, whatever the machine's clock says.
#[tokio::test]
async fn the_default_period_ends_on_the_clocks_day_in_vietnam() {
    use chrono::TimeZone;
    let mut db = TestDb::new().await;
    db.store = db.store.clone().with_clock(phongdich_domain::Clock::fixed(
        chrono::Utc
            .with_ymd_and_hms(2021, 12, 4, 17, 30, 0)
            .unwrap(),
    ));
    let t = token(&db, HA_KHANH, "health_staff").await;
    let app = support::app(&db);
    let (status, body) = get(&app, "/api/v1/dashboard", &t).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["to"], "2021-12-05");
    assert_eq!(body["from"], "2021-11-08");
}
