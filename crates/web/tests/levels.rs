#![allow(clippy::unwrap_used)]
//! Epidemic levels through the JSON API and the page, on Monday 25/10/2021
//! (the week of 18–24/10 under 4800/QĐ-BYT): coverage entered, the week's
//! proposals read, a level other than proposed refused without a reason and
//! published with one; a commune reads only itself. SQLite, or PostgreSQL
//! when PHONGDICH_TEST_POSTGRES is set.

mod support;

use axum::http::{Method, StatusCode};
use chrono::{TimeZone, Utc};
use phongdich_store::testing::TestDb;
use serde_json::json;
use support::{Browser, HA_KHANH, HA_PHONG, api, token};

#[tokio::test]
async fn a_district_reviews_and_publishes_the_weeks_levels() {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 10, 25, 2, 0, 0).unwrap();
    db.store = db
        .store
        .clone()
        .with_clock(phongdich_domain::Clock::fixed(at));
    // Every commune of Hạ Long has a population: each gets a proposal.
    db.execute(
        "UPDATE units SET population = 8000 WHERE level = 'commune' AND district_code = '193'",
    )
    .await
    .unwrap();
    let app = support::app(&db);
    let district = token(&db, "193", "health_staff").await;
    let commune = token(&db, HA_PHONG, "health_staff").await;

    let r = api(
        &app,
        Method::POST,
        "/api/v1/levels/coverage",
        Some(&district),
        Some(json!({"unit_code": HA_KHANH, "as_of": "20/10/2021", "adult_one_dose": "91", "elderly_full": "88", "capacity": "met"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = api(
        &app,
        Method::POST,
        "/api/v1/levels/coverage",
        Some(&district),
        Some(json!({"unit_code": HA_KHANH, "as_of": "20/10/2021", "adult_one_dose": "191"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("0 đến 100") && r.body.contains("0 to 100"),
        "{}",
        r.body
    );

    let (status, v) = support::get(&app, "/api/v1/levels?week=20/10/2021", &district).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["week_start"], "2021-10-18");
    let khanh = v["communes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["unit_code"] == HA_KHANH)
        .unwrap()
        .clone();
    // No case, vaccinated: level 1 (green); the others lack coverage: 2.
    assert_eq!(khanh["proposed"]["level"], 1, "{khanh}");
    let others = v["communes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["unit_code"] != HA_KHANH);
    assert!(others.clone().all(|c| c["proposed"]["level"] == 2));

    // Level 3 for Hà Phong without a reason: refused, nothing published.
    let r = api(
        &app,
        Method::POST,
        "/api/v1/levels/publish",
        Some(&district),
        Some(json!({"week": "20/10/2021", "overrides": [{"unit_code": HA_PHONG, "level": 3, "reason": ""}]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("cần ghi lý do") && r.body.contains("a reason is needed"),
        "{}",
        r.body
    );
    assert_eq!(db.rows("epidemic_levels").await, 0);
    // A commune cannot publish its neighbours' (it sees only itself).
    let (_, own) = support::get(&app, "/api/v1/levels?week=20/10/2021", &commune).await;
    assert_eq!(own["communes"].as_array().unwrap().len(), 1);

    // Through the page: Hà Phong set at 3 with a reason.
    let mut b = Browser::logged_in(&db, &app, "ttyt.halong", "193", "health_staff").await;
    let page = b.get("/levels?week=20/10/2021").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("18/10/2021") && page.body.contains("24/10/2021"));
    assert!(page.body.contains("Phường Hà Khánh"));
    let csrf = page.csrf();
    let level = format!("level_{HA_PHONG}");
    let reason = format!("reason_{HA_PHONG}");
    let done = b
        .post(
            "/levels/publish",
            &[
                ("_csrf", &csrf),
                ("week", "18/10/2021"),
                (&level, "3"),
                (&reason, "Chợ đầu mối chưa kiểm soát"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let after = b.get(done.location()).await;
    assert!(after.body.contains("Đã công bố cấp độ dịch của tuần."));
    assert!(after.body.contains("Chợ đầu mối chưa kiểm soát"));
    let (_, v) = support::get(&app, "/api/v1/levels?week=2021-10-18", &district).await;
    let phong = v["communes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["unit_code"] == HA_PHONG)
        .unwrap()
        .clone();
    assert_eq!(phong["published"], 3, "{phong}");
    assert_eq!(phong["proposed"]["level"], 2);
    let total: i64 = v["published_counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_i64().unwrap())
        .sum();
    assert_eq!(total as usize, v["communes"].as_array().unwrap().len());
}

/// The map: the country's 63 provinces with the boundaries' attribution for
/// a national account; a province's communes as tiles (no invented
/// geometry), coloured by level or by lockdown, each linking to its dashboard.
#[tokio::test]
async fn the_maps_draw_the_country_by_province_and_a_province_by_commune() {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 10, 25, 2, 0, 0).unwrap();
    db.store = db
        .store
        .clone()
        .with_clock(phongdich_domain::Clock::fixed(at));
    db.execute(
        "UPDATE units SET population = 8000 WHERE level = 'commune' AND province_code = '22'",
    )
    .await
    .unwrap();
    let app = support::app(&db);
    let province = token(&db, "22", "admin").await;
    let r = api(
        &app,
        Method::POST,
        "/api/v1/lockdowns",
        Some(&province),
        Some(
            json!({"unit_code": HA_KHANH, "reason": "F0", "decision": "1/QĐ", "issued_by": "UBND",
                    "from_on": "20/10/2021", "planned_until": "30/10/2021"}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let mut nation = Browser::logged_in(&db, &app, "bo.yte", "VN", "admin").await;
    let page = nation.get("/map").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.body.matches("<path class=").count(),
        63,
        "63 provinces"
    );
    assert!(page.body.contains("href=\"/dashboard?unit=22\""));
    assert!(
        page.body
            .contains("Open Development Vietnam (Open Development Mekong), CC BY-SA 4.0")
    );

    let mut qn = Browser::logged_in(&db, &app, "bcd.quangninh", "22", "admin").await;
    let page = qn.get("/map?by=lockdown").await;
    assert_eq!(page.status, StatusCode::OK);
    let tiles = page.body.matches("<rect class=").count();
    let communes = db
        .count("SELECT COUNT(*) FROM units WHERE level = 'commune' AND province_code = '22'")
        .await;
    assert_eq!(tiles as i64, communes, "a tile per commune");
    assert!(
        page.body
            .contains(&format!("data-unit=\"{HA_KHANH}\"><rect class=\"s4\"")),
        "Hà Khánh wholly locked down"
    );
    assert!(
        !page.body.contains("CC BY-SA"),
        "no boundaries drawn, no attribution"
    );
    assert!(page.body.contains("không phải ranh giới thật"));
    let by_level = qn.get("/map").await;
    assert!(
        by_level.body.contains("rect class=\"s2 proposed\""),
        "proposed, not published: dashed"
    );
    // Each tile explains its level in the reader's language only.
    assert!(
        by_level.body.contains("tiêu chí 1 — ") && !by_level.body.contains("criterion 1 — "),
        "Vietnamese explanations on a Vietnamese page"
    );
}

#[tokio::test]
async fn a_province_adds_its_own_rule_set_and_the_district_reads_its_own_level() {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 11, 1, 2, 0, 0).unwrap();
    db.store = db
        .store
        .clone()
        .with_clock(phongdich_domain::Clock::fixed(at));
    db.execute(
        "UPDATE units SET population = 8000 WHERE level = 'commune' AND district_code = '193'",
    )
    .await
    .unwrap();
    let app = support::app(&db);
    let mut b = Browser::logged_in(&db, &app, "qtv.qn", "22", "admin").await;
    let page = b.get("/levels/rules").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("4800-2021") && page.body.contains("id=\"rules-form\""));
    let csrf = page.csrf();
    let mut fields = vec![
        ("_csrf", csrf.as_str()),
        ("code", "qn-2021-11"),
        ("source", "Quyết định 3952/QĐ-UBND tỉnh Quảng Ninh"),
        ("valid_from", "01/11/2021"),
        ("band2", "30"),
        ("band3", "hai mươi"),
        ("band4", "200"),
        ("adult_one_dose", "80"),
        ("elderly_full", "85"),
    ];
    // A word where a number goes: refused with the field said, what was typed kept.
    let bad = b.post("/levels/rules", &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("«hai mươi» không phải là một số."),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("value=\"qn-2021-11\""));
    // Bounds that do not rise: the store's own check.
    fields[5] = ("band3", "20");
    let bad = b.post("/levels/rules", &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    fields[5] = ("band3", "100");
    let ok = b.post("/levels/rules", &fields).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let listed = b.get(ok.location()).await;
    assert!(listed.body.contains("Đã lưu bộ tiêu chí."));
    assert!(listed.body.contains("qn-2021-11") && listed.body.contains("30 · 100 · 200"));
    // A district's health staff read the rule sets, may not add one.
    let mut d = Browser::logged_in(&db, &app, "ttyt.halong", "193", "health_staff").await;
    let read = d.get("/levels/rules").await;
    assert!(read.body.contains("qn-2021-11") && !read.body.contains("id=\"rules-form\""));
    // The district's week: its own level beside its communes', under the province's set.
    let week = d.get("/levels?week=01/11/2021").await;
    assert_eq!(week.status, StatusCode::OK, "{}", week.body);
    let areas = week
        .body
        .split("id=\"areas\"")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    assert!(areas.contains("data-unit=\"193\""), "{areas}");
    assert!(
        areas.contains("qn-2021-11"),
        "the area judged by the province's own set"
    );
    // A national administrator enters a decision of the Ministry from its
    // text; from its day it replaces the province's older own set.
    let mut n = Browser::logged_in(&db, &app, "qtv.bo", "VN", "admin").await;
    let page = n.get("/levels/rules").await;
    assert!(
        page.body.contains("Thêm bộ tiêu chí của Bộ Y tế"),
        "{}",
        page.body
    );
    let csrf = page.csrf();
    let ok = n
        .post(
            "/levels/rules",
            &[
                ("_csrf", csrf.as_str()),
                ("code", "byt-thu-2022"),
                ("source", "Quyết định của Bộ Y tế (thử)"),
                ("valid_from", "08/11/2021"),
                ("band2", "50"),
                ("band3", "150"),
                ("band4", "600"),
                ("adult_one_dose", "70"),
                ("elderly_full", "80"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let week = d.get("/levels?week=08/11/2021").await;
    assert!(week.body.contains("byt-thu-2022"), "{}", week.body);
}

#[tokio::test]
async fn a_district_imports_its_communes_coverage_from_a_file_row_by_row() {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 10, 25, 2, 0, 0).unwrap();
    db.store = db
        .store
        .clone()
        .with_clock(phongdich_domain::Clock::fixed(at));
    let app = support::app(&db);
    let mut b = Browser::logged_in(&db, &app, "ttyt.halong", "193", "health_staff").await;
    let page = b.get("/levels").await;
    assert!(
        page.body.contains("id=\"coverage-import\""),
        "{}",
        page.body
    );
    let csrf = page.csrf();
    let csv = format!(
        "Mã xã,Tên xã,Ngày,Tỷ lệ ≥18 tuổi tiêm ít nhất 1 mũi (%),Tỷ lệ người cao tuổi tiêm đủ (%),Năng lực điều trị\n\
         {HA_KHANH},Hà Khánh,20/10/2021,\"91,5\",88%,Đạt\n\
         {HA_PHONG},Hà Phong,20/10/2021,130,80,không đạt\n\
         00001,Phúc Xá,20/10/2021,90,90,đạt\n"
    );
    let r = support::upload(
        &app,
        b.session().unwrap(),
        "/levels/coverage/import",
        &csrf,
        "tiem.csv",
        &csv,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains("3 dòng: <strong>1</strong> đã ghi, <strong>2</strong> bị từ chối"),
        "{}",
        r.body
    );
    // The good row entered, its capacity word said; the bad ones with their reasons.
    assert!(
        r.body.contains("Năng lực điều trị «Đạt» đọc là đạt"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("«130» không phải là tỷ lệ từ 0 đến 100%."),
        "the share over 100 %: {}",
        r.body
    );
    assert!(
        r.body.contains("trong phạm vi của bạn"),
        "another province's commune: {}",
        r.body
    );
    assert_eq!(
        db.count(&format!("SELECT COUNT(*) FROM commune_coverage WHERE unit_code = '{HA_KHANH}' AND adult_one_dose = 91.5 AND capacity_met = 1")).await,
        1
    );
    assert_eq!(db.rows("commune_coverage").await, 1);

    // A second file (CRLF line ends, as Excel writes CSV): a code whose name is another commune's (refused, both
    // named), and shares written as fractions (a spreadsheet's percent cells).
    let csv = format!(
        "Mã xã,Tên xã,Ngày,Tỷ lệ ≥18 tuổi tiêm ít nhất 1 mũi (%),Tỷ lệ người cao tuổi tiêm đủ (%)\r\n\
         {HA_KHANH},Hà Phong,21/10/2021,0.9,0.8\r\n\
         {HA_PHONG},Phường Hà Phong,21/10/2021,0.915,0.88\r\n"
    );
    let csrf = b.get("/levels").await.csrf();
    let r = support::upload(
        &app,
        b.session().unwrap(),
        "/levels/coverage/import",
        &csrf,
        "tiem2.csv",
        &csv,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains("Mã 06649 là Phường Hà Khánh, không phải «Hà Phong»."),
        "{}",
        r.body
    );
    assert!(r.body.contains("Tỷ lệ ghi dạng phân số"), "{}", r.body);
    assert_eq!(
        db.count(&format!("SELECT COUNT(*) FROM commune_coverage WHERE unit_code = '{HA_PHONG}' AND adult_one_dose = 91.5 AND elderly_full = 88")).await,
        1
    );
    assert_eq!(db.rows("commune_coverage").await, 2);
}
