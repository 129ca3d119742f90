#![allow(clippy::unwrap_used)]
//! A rapid report's CSV and XLSX for a province, a district and a commune:
//! every row has as many cells as the header (the median lines too, though
//! they are counted for the unit only), so a spreadsheet or a CSV reader
//! opens the file. Issue 18, bug 1: a province's or district's CSV answered
//! 400 ("found record with 4 fields, but the previous record has 17").
//! SQLite, or PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

mod support;

use support::{Browser, HA_KHANH};

use axum::http::StatusCode;
use phongdich_store::testing::TestDb;

// Quảng Ninh (22) and its city Hạ Long (193).
const QUANG_NINH: &str = "22";
const HA_LONG: &str = "193";
const DAY: &str = "2021-08-05";

#[tokio::test]
async fn a_reports_csv_is_rectangular_at_every_level() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let mut province = Browser::logged_in(&db, &app, "tinh", QUANG_NINH, "health_staff").await;
    for (unit, children) in [(QUANG_NINH, true), (HA_LONG, true), (HA_KHANH, false)] {
        let r = province
            .get(&format!("/reports.csv?unit={unit}&from={DAY}&to={DAY}"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{unit}: {}", r.body);
        let mut reader = csv::Reader::from_reader(r.body.trim_start_matches('\u{feff}').as_bytes());
        let width = reader.headers().unwrap().len();
        // key, line, value, change, then one column a unit below.
        assert_eq!(width > 4, children, "{unit}: {width} columns");
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert!(records.iter().all(|r| r.len() == width), "{unit}");
        let medians = records
            .iter()
            .find(|r| &r[0] == "turnaround_days")
            .unwrap_or_else(|| panic!("{unit}: no median row"));
        assert!(
            medians.iter().skip(4).all(str::is_empty),
            "{unit}: {medians:?}"
        );
        let xlsx = province
            .get(&format!("/reports.xlsx?unit={unit}&from={DAY}&to={DAY}"))
            .await;
        assert_eq!(xlsx.status, StatusCode::OK, "{unit}");
    }
}

/// Issue 18, bug 5: a period ending before it starts was accepted by the
/// report page (which then offered to send it) and the figure lists; bug
/// 10: the dashboard's filter said "Not saved" of a period too long.
#[tokio::test]
async fn a_backwards_or_too_long_period_is_refused_in_words() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let mut b = Browser::logged_in(&db, &app, "tinh", QUANG_NINH, "health_staff").await;
    for path in [
        format!("/reports?unit={QUANG_NINH}&from=2021-08-06&to=2021-08-05"),
        format!("/reports/figure?key=f0_new&unit={QUANG_NINH}&from=2021-08-06&to=2021-08-05"),
    ] {
        let r = b.get(&path).await;
        assert!(r.status.is_client_error(), "{path}: {}", r.status);
        assert!(
            r.body
                .contains("Từ ngày 06/08/2021 sau đến ngày 05/08/2021"),
            "{path}: {}",
            r.body
        );
        assert!(!r.body.contains("id=\"send\""), "{path}: no Send form");
    }
    let r = b
        .get(&format!(
            "/dashboard?unit={QUANG_NINH}&from=2020-01-01&to=2021-08-05"
        ))
        .await;
    assert!(r.body.contains("Chưa hiển thị được"), "{}", r.body);
    assert!(!r.body.contains("Chưa lưu"), "{}", r.body);
}

/// Issue 18, bug 6: the report says how many F0 in treatment were confirmed
/// before the wave's first day — the reason its F0 at home can outnumber its
/// cumulative F0 — on the screen and on the page that is sent.
#[tokio::test]
async fn the_report_explains_f0_in_treatment_from_before_the_wave() {
    let db = TestDb::new().await;
    let system = phongdich_store::Actor::system("test");
    db.store
        .set_setting(&system, QUANG_NINH, "wave_start", "2021-08-05")
        .await
        .unwrap();
    for (name, day) in [("Lê Văn Trước", "01/08/2021"), ("Lê Thị Sau", "06/08/2021")] {
        let p = phongdich_store::testing::person(&db.store, name, HA_KHANH).await;
        let case = phongdich_store::CaseInput::found_in_community(p, day, day, "rt_pcr");
        db.store
            .confirm_case(&system, &case, phongdich_store::testing::d(10, 8))
            .await
            .unwrap();
    }
    let app = support::app(&db);
    let mut b = Browser::logged_in(&db, &app, "yte.xa", HA_KHANH, "health_staff").await;
    let r = b
        .get(&format!(
            "/reports?unit={HA_KHANH}&from=2021-08-07&to=2021-08-07"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("Trong số F0 đang điều trị có <strong>1</strong> người được khẳng định trước ngày bắt đầu đợt dịch (05/08/2021)"),
        "{}",
        r.body
    );
}

/// The zones section (lockdowns with the people inside, green zones and
/// those lost, the directive, the week's levels) is in the report's CSV and
/// XLSX as it is on the page, each as rows of the same width.
#[tokio::test]
async fn the_zones_section_is_in_the_reports_files() {
    let mut db = TestDb::new().await;
    let at = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2021, 10, 25, 2, 0, 0).unwrap();
    db.store = db
        .store
        .clone()
        .with_clock(phongdich_domain::Clock::fixed(at));
    let s = &db.store;
    let ward = phongdich_store::testing::actor(HA_KHANH, phongdich_domain::Role::HealthStaff);
    let system = phongdich_store::Actor::system("test");
    let d = |day: u32| chrono::NaiveDate::from_ymd_opt(2021, 10, day).unwrap();
    for n in ["Cao Văn Một", "Cao Thị Hai"] {
        phongdich_store::testing::create_person(
            s,
            &phongdich_domain::PersonInput {
                full_name: n.into(),
                birth: "1980".into(),
                sex: "nữ".into(),
                commune_code: HA_KHANH.into(),
                street_address: "Số 3 Hạ Long".into(),
                ..Default::default()
            },
            d(25),
        )
        .await;
    }
    s.create_lockdown(
        &ward,
        &phongdich_store::LockdownInput {
            unit_code: HA_KHANH.into(),
            addresses: "Số 3 Hạ Long".into(),
            reason: "F0".into(),
            decision: "7/QĐ-UBND".into(),
            issued_by: "UBND phường".into(),
            from_on: "21/10/2021".into(),
            planned_until: "03/11/2021".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    s.create_green_zone(
        &ward,
        &phongdich_store::GreenZoneInput {
            name: "Vùng xanh khu 5".into(),
            unit_code: HA_KHANH.into(),
            declared_on: "20/10/2021".into(),
            decision: "12/TB-UBND".into(),
            team: "Tổ COVID cộng đồng".into(),
            team_phone: "0912 345 678".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    s.apply_directive(
        &system,
        &phongdich_domain::directive::DirectiveInput {
            directive: "19".into(),
            unit_code: QUANG_NINH.into(),
            from_on: "01/10/2021".into(),
            until_on: "31/10/2021".into(),
            decision: "3600/QĐ-UBND".into(),
            issued_by: "UBND tỉnh Quảng Ninh".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let f0 = phongdich_store::testing::person(s, "Cao Văn Ba", HA_KHANH).await;
    s.confirm_case(
        &system,
        &phongdich_store::CaseInput::found_in_community(f0, "25/10/2021", "25/10/2021", "rt_pcr"),
        d(25),
    )
    .await
    .unwrap();
    let app = support::app(&db);
    let mut b = Browser::logged_in(&db, &app, "yte.xa", HA_KHANH, "health_staff").await;
    let r = b
        .get(&format!(
            "/reports.csv?unit={HA_KHANH}&from=2021-10-25&to=2021-10-25"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut reader = csv::Reader::from_reader(r.body.trim_start_matches('\u{feff}').as_bytes());
    let width = reader.headers().unwrap().len();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(records.iter().all(|r| r.len() == width));
    let row = |key: &str| {
        records
            .iter()
            .find(|r| &r[0] == key)
            .unwrap_or_else(|| panic!("no {key} row in {records:?}"))
            .clone()
    };
    assert_eq!(&row("lockdowns_in_force")[2], "1");
    assert!(records.iter().all(|r| &r[0] != "lockdowns_not_listed"));
    // Each listed item's key carries its record's id (unique keys per row).
    let keyed = |prefix: &str| {
        let rows: Vec<&csv::StringRecord> = records
            .iter()
            .filter(|r| r[0].starts_with(&format!("{prefix}:")))
            .collect();
        assert_eq!(rows.len(), 1, "{prefix}: {records:?}");
        assert!(
            rows[0][0][prefix.len() + 1..].parse::<i64>().is_ok(),
            "{:?}",
            rows[0]
        );
        rows[0].clone()
    };
    let people = keyed("lockdown_people");
    assert!(people[1].contains("Số 3 Hạ Long"), "{people:?}");
    assert_eq!(&people[2], "2");
    assert_eq!(&row("green_zones")[2], "0");
    let lost = keyed("green_zone_lost");
    assert!(
        lost[1].contains("Vùng xanh khu 5") && lost[1].contains("F0"),
        "{lost:?}"
    );
    assert_eq!(&lost[2], "25/10/2021");
    assert!(
        row("directive")[2].starts_with("Chỉ thị 19"),
        "{:?}",
        row("directive")
    );
    assert_eq!(&row("levels_week")[2], "18/10/2021");
    let communes: i64 = (1..=4)
        .map(|i| {
            row(&format!("communes_level_{i}"))[2]
                .parse::<i64>()
                .unwrap()
        })
        .sum::<i64>()
        + row("communes_without_level")[2].parse::<i64>().unwrap();
    assert_eq!(communes, 1, "the ward's one commune");
    let xlsx = b
        .get(&format!(
            "/reports.xlsx?unit={HA_KHANH}&from=2021-10-25&to=2021-10-25"
        ))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
}
