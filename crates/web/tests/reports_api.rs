#![allow(clippy::unwrap_used)]
//! Rapid situation reports through the JSON API: live figures that add up,
//! sending (frozen), the level above returning and approving, the board and
//! reminders, and jurisdiction — a neighbouring commune gets 404, a viewer
//! reads but does not send, a commune does not review its own. SQLite, or
//! PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

mod support;

use support::{HA_KHANH, HA_PHONG, call, page as html_page, token};

use axum::Router;
use axum::http::{Method, StatusCode};
use phongdich_store::Actor;
use phongdich_store::testing::TestDb;
use serde_json::json;

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

const HA_LONG: &str = "193";
/// A past day, so that the test does not depend on the clock.
const DAY: &str = "2021-08-05";

async fn confirm(app: &Router, t: &str, person: i64) {
    let (status, body) = call(
        app,
        Method::POST,
        "/api/v1/cases",
        Some(t),
        Some(json!({"person_id": person, "sample_on": DAY, "confirmed_on": DAY})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn a_commune_sends_its_report_the_district_returns_and_approves_it() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let commune = token(&db, HA_KHANH, "health_staff").await;
    let district = token(&db, HA_LONG, "health_staff").await;
    let neighbour = token(&db, HA_PHONG, "health_staff").await;
    let viewer = token(&db, HA_KHANH, "viewer").await;
    let a = person(&app, &commune, "Nguyễn Văn An", HA_KHANH).await;
    confirm(&app, &commune, a).await;

    // Live figures: the commune's own by default; the district's add up.
    let figures = format!("/api/v1/reports/figures?from={DAY}&to={DAY}");
    let (status, mine) = call(&app, Method::GET, &figures, Some(&commune), None).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine["unit_code"], HA_KHANH);
    assert_eq!(mine["figures"]["f0_new"], 1);
    assert_eq!(mine["figures"]["f0_new_community"], 1);
    let (status, whole) = call(
        &app,
        Method::GET,
        &format!("{figures}&unit={HA_LONG}"),
        Some(&district),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{whole}");
    let children = whole["children"].as_array().unwrap();
    let sum: i64 = children
        .iter()
        .map(|c| c["figures"]["f0_new"].as_i64().unwrap())
        .sum();
    assert_eq!((whole["figures"]["f0_new"].as_i64(), sum), (Some(1), 1));
    assert!(children.iter().any(|c| c["unit_code"] == HA_KHANH));

    // A neighbouring commune sees neither the figures nor the report; a
    // viewer reads them but does not send.
    let (status, p) = call(
        &app,
        Method::GET,
        &format!("{figures}&unit={HA_KHANH}"),
        Some(&neighbour),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    assert!(p["message_vi"].is_string() && p["message_en"].is_string());
    let (status, _) = call(&app, Method::GET, &figures, Some(&viewer), None).await;
    assert_eq!(status, StatusCode::OK);
    let send =
        json!({"unit_code": HA_KHANH, "from": DAY, "to": DAY, "comments": "Tình hình ổn định."});
    let (status, p) = call(
        &app,
        Method::POST,
        "/api/v1/reports",
        Some(&viewer),
        Some(send.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{p}");
    let (status, p) = call(
        &app,
        Method::POST,
        "/api/v1/reports",
        Some(&neighbour),
        Some(send.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");

    // Sent: frozen, once per period.
    let (status, report) = call(
        &app,
        Method::POST,
        "/api/v1/reports",
        Some(&commune),
        Some(send.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(
        (report["version"].as_i64(), report["status"].as_str()),
        (Some(1), Some("submitted"))
    );
    let id = report["id"].as_i64().unwrap();
    let (status, p) = call(
        &app,
        Method::POST,
        "/api/v1/reports",
        Some(&commune),
        Some(send.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{p}");
    let b = person(&app, &commune, "Trần Thị Bình", HA_KHANH).await;
    confirm(&app, &commune, b).await;
    let path = format!("/api/v1/reports/{id}");
    let (_, sent) = call(&app, Method::GET, &path, Some(&viewer), None).await;
    assert_eq!(sent["figures"]["figures"]["f0_new"], 1, "{sent}");
    let (_, live) = call(&app, Method::GET, &figures, Some(&commune), None).await;
    assert_eq!(live["figures"]["f0_new"], 2);
    let (status, _) = call(&app, Method::GET, &path, Some(&neighbour), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The commune cannot approve its own; the district returns it with a reason.
    let review = format!("{path}/review");
    let (status, p) = call(
        &app,
        Method::POST,
        &review,
        Some(&commune),
        Some(json!({"approve": true})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let (status, p) = call(
        &app,
        Method::POST,
        &review,
        Some(&neighbour),
        Some(json!({"approve": true})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    let (status, p) = call(
        &app,
        Method::POST,
        &review,
        Some(&district),
        Some(json!({"approve": false})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "note");
    let (status, returned) = call(
        &app,
        Method::POST,
        &review,
        Some(&district),
        Some(json!({"approve": false, "note": "Thiếu số F0 mới trong ngày."})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{returned}");
    assert_eq!(returned["status"], "returned");

    // Version 2, with the corrected records, approved.
    let (status, v2) = call(
        &app,
        Method::POST,
        "/api/v1/reports",
        Some(&commune),
        Some(send),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v2}");
    assert_eq!(
        (
            v2["version"].as_i64(),
            v2["figures"]["figures"]["f0_new"].as_i64()
        ),
        (Some(2), Some(2))
    );
    let v2_id = v2["id"].as_i64().unwrap();
    let (status, approved) = call(
        &app,
        Method::POST,
        &format!("/api/v1/reports/{v2_id}/review"),
        Some(&district),
        Some(json!({"approve": true})),
    )
    .await;
    assert_eq!(
        (status, approved["status"].as_str()),
        (StatusCode::OK, Some("approved"))
    );
    let (_, list) = call(
        &app,
        Method::GET,
        &format!("/api/v1/units/{HA_KHANH}/reports"),
        Some(&viewer),
        None,
    )
    .await;
    let versions: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [2, 1]);
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/units/{HA_KHANH}/reports"),
        Some(&neighbour),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The district's board: the commune sent (late: the day is long past),
    // the others missing; a reminder for one of them.
    let (status, p) = call(
        &app,
        Method::POST,
        "/api/v1/reports/remind",
        Some(&commune),
        Some(json!({"unit_code": HA_KHANH, "day": DAY})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    let (status, p) = call(
        &app,
        Method::POST,
        "/api/v1/reports/remind",
        Some(&district),
        Some(json!({"unit_code": HA_PHONG, "day": DAY})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{p}");
    let (status, board) = call(
        &app,
        Method::GET,
        &format!("/api/v1/reports/board?day={DAY}"),
        Some(&district),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{board}");
    assert_eq!(board["deadline"], "17:00");
    let units = board["units"].as_array().unwrap();
    let of = |code: &str| units.iter().find(|u| u["unit_code"] == code).unwrap();
    let k = of(HA_KHANH);
    assert_eq!(
        (
            k["report_id"].as_i64(),
            k["status"].as_str(),
            k["late"].as_bool()
        ),
        (Some(v2_id), Some("approved"), Some(true))
    );
    let p = of(HA_PHONG);
    assert_eq!(
        (p["missing"].as_bool(), p["reminded_at"].is_string()),
        (Some(true), true)
    );
    assert!(
        units
            .iter()
            .filter(|u| u["unit_code"] != HA_KHANH)
            .all(|u| u["missing"] == true)
    );
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/reports/board?unit={HA_LONG}&day={DAY}"),
        Some(&neighbour),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_figure_lists_exactly_its_records_a_page_at_a_time_within_the_jurisdiction() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let district = token(&db, HA_LONG, "health_staff").await;
    for (name, commune) in [
        ("Đào Văn Một", HA_KHANH),
        ("Đào Văn Hai", HA_KHANH),
        ("Đào Văn Ba", HA_KHANH),
        ("Đào Văn Bốn", HA_PHONG),
    ] {
        let p = person(&app, &district, name, commune).await;
        confirm(&app, &district, p).await;
    }
    let figures = format!("/api/v1/reports/figures?unit={HA_LONG}&from={DAY}&to={DAY}");
    let (status, report) = call(&app, Method::GET, &figures, Some(&district), None).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    // The F0 in treatment at the end of the day, two at a time.
    let list = |offset: i64| {
        format!(
            "/api/v1/reports/figure?key=f0_active&unit={HA_LONG}&from={DAY}&to={DAY}&offset={offset}&limit=2"
        )
    };
    let mut names = Vec::new();
    for offset in [0, 2, 4] {
        let (status, page) = call(&app, Method::GET, &list(offset), Some(&district), None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["total"], report["figures"]["f0_active"], "{page}");
        for e in page["entries"].as_array().unwrap() {
            names.push(e["full_name"].as_str().unwrap().to_owned());
        }
    }
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 4, "every case once: {names:?}");
    // A bad page size is refused, not clipped.
    let (status, body) = call(
        &app,
        Method::GET,
        &format!("/api/v1/reports/figure?key=f0_new&unit={HA_LONG}&limit=5000"),
        Some(&district),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // An unknown figure, and a unit outside the jurisdiction, are not found.
    let commune = token(&db, HA_PHONG, "health_staff").await;
    for (who, path) in [
        (
            &district,
            format!("/api/v1/reports/figure?key=f9&unit={HA_LONG}"),
        ),
        (
            &commune,
            format!("/api/v1/reports/figure?key=f0_new&unit={HA_KHANH}&from={DAY}&to={DAY}"),
        ),
    ] {
        let (status, body) = call(&app, Method::GET, &path, Some(who), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert!(!body.to_string().contains("Đào Văn"), "{body}");
    }
}

/// The text as maud escapes it in an attribute or element.
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[tokio::test]
async fn every_figure_shows_its_definition_on_the_report_the_print_and_the_dashboard() {
    use phongdich_domain::report::{LINES, definition};
    let db = TestDb::new().await;
    let app = support::app(&db);
    db.store
        .add_user(
            &Actor::system("test"),
            &phongdich_store::NewUser {
                username: "yte.hakhanh".into(),
                display_name: "Cán bộ y tế".into(),
                unit_code: HA_KHANH.into(),
                role: "health_staff".into(),
                password: "mat-khau-du-dai-2024".into(),
            },
        )
        .await
        .unwrap();
    let (_, session) = db
        .store
        .login("yte.hakhanh", "mat-khau-du-dai-2024", "test")
        .await
        .unwrap();
    for (lang, cookie) in [
        ("vi", format!("pd_session={}", session.token)),
        ("en", format!("pd_session={}; pd_lang=en", session.token)),
    ] {
        let (status, report) =
            html_page(&app, &format!("/reports?from={DAY}&to={DAY}"), &cookie).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let print_path = format!("/reports/print?unit={HA_KHANH}&from={DAY}&to={DAY}&lang={lang}");
        let (status, print) = html_page(&app, &print_path, &cookie).await;
        assert_eq!(status, StatusCode::OK, "{print}");
        assert!(
            print.contains(if lang == "vi" {
                ">Ghi chú<"
            } else {
                ">Notes<"
            }),
            "the notes section"
        );
        for (n, line) in LINES.iter().enumerate() {
            let (vi, en) = definition(line.key).unwrap();
            let d = escaped(if lang == "vi" { vi } else { en });
            // On the page: a tooltip and a tap-to-open definition.
            assert!(
                report.contains(&format!("data-definition=\"{}\"", line.key))
                    && report.contains(&format!("title=\"{d}\"")),
                "{lang}: report page lacks the definition of {}",
                line.key
            );
            // In print: the numbered note, referred to from the figure.
            assert!(
                print.contains(&format!("id=\"note-{}\"", line.key)) && print.contains(&d),
                "{lang}: printed notes lack {}",
                line.key
            );
            assert!(
                print.contains(&format!("href=\"#note-{}\">{}</a>", line.key, n + 1)),
                "{lang}: figure {} does not refer to note {}",
                line.key,
                n + 1
            );
        }
        let (status, dash) = html_page(&app, "/dashboard", &cookie).await;
        assert_eq!(status, StatusCode::OK);
        for key in [
            "f0_new",
            "f0_home",
            "f0_hospital",
            "f1",
            "f1_reviewed",
            "tests_done",
            "alerts_open",
            "f0_cumulative",
        ] {
            assert!(
                dash.contains(&format!("data-definition=\"{key}\"")),
                "{lang}: dashboard card {key} lacks its definition"
            );
        }
    }
}
