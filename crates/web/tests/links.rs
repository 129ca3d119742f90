#![allow(clippy::unwrap_used)]
//! Every number of a report or dashboard opens the list of the people behind
//! it, for the figure's unit and period: a province reader following a
//! commune's figure sees that commune's people only; `unit=` outside the
//! reader's jurisdiction is refused with the not-found page and shows
//! nobody; the F0 by day list holds exactly the cases confirmed those days.
//! Driven in process through the whole router with a session, as a browser.
//! SQLite, or PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

mod support;

use support::{Browser, HA_KHANH, HA_PHONG, href_after};

use axum::http::StatusCode;
use chrono::NaiveDate;
use phongdich_domain::PersonInput;
use phongdich_store::testing::TestDb;
use phongdich_store::{Actor, CaseInput, Store};

// Quảng Ninh (22), Thành phố Hạ Long (193): communes Hà Khánh and Hà Phong.
const QUANG_NINH: &str = "22";
const HA_LONG: &str = "193";
// Hà Nội (01), Ba Đình: commune Phúc Xá.
const PHUC_XA: &str = "00001";

/// A past period, so that the tests do not depend on the clock.
const DAY: &str = "2021-08-05";

fn d(day: u32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, month, day).unwrap()
}

async fn person(s: &Store, name: &str, commune: &str) -> i64 {
    let input = PersonInput {
        full_name: name.into(),
        birth: "1985".into(),
        sex: "nam".into(),
        commune_code: commune.into(),
        ..Default::default()
    };
    s.create_person(&Actor::system("test"), &input.parse(d(1, 8)).unwrap(), true)
        .await
        .unwrap()
        .id
}

/// A person of `commune` confirmed as F0 on `day` (yyyy-mm-dd).
async fn f0(s: &Store, name: &str, commune: &str, day: &str) -> i64 {
    let p = person(s, name, commune).await;
    s.confirm_case(
        &Actor::system("test"),
        &CaseInput::found_in_community(p, day, day, "rt_pcr"),
        d(31, 8),
    )
    .await
    .unwrap()
    .0
    .id
}

#[tokio::test]
async fn a_communes_figure_opens_the_list_of_that_commune_for_the_reports_period() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let s = &db.store;
    f0(s, "Nguyễn Văn An", HA_KHANH, DAY).await;
    f0(s, "Trần Thị Bình", HA_PHONG, DAY).await;
    f0(s, "Lê Văn Cường", HA_KHANH, "2021-08-03").await;
    f0(s, "Phạm Văn Dũng", PHUC_XA, DAY).await;
    let mut province = Browser::logged_in(&db, &app, "tinh", QUANG_NINH, "health_staff").await;

    // The province reads Hà Khánh's report: its new F0 open Hà Khánh's
    // cases confirmed that day, not Hà Phong's nor earlier ones.
    let report = province
        .get(&format!("/reports?unit={HA_KHANH}&from={DAY}&to={DAY}"))
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let href = report.href_after("data-key=\"f0_new\"");
    assert_eq!(
        href,
        format!("/reports/figure?key=f0_new&unit={HA_KHANH}&from={DAY}&to={DAY}")
    );
    let list = province.get(&href).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("Nguyễn Văn An"), "{}", list.body);
    for other in ["Trần Thị Bình", "Lê Văn Cường", "Phạm Văn Dũng"] {
        assert!(!list.body.contains(other), "{other}: {}", list.body);
    }
    // Exactly the report's figure, and the page says which unit and day.
    assert!(
        list.body.contains("<strong id=\"figure-total\">1</strong>"),
        "{}",
        list.body
    );
    assert!(list.body.contains("Hà Khánh"), "{}", list.body);

    // The F0 at home at the end of the day (a stock): Hà Khánh's two F0,
    // not Hà Phong's.
    let href = report.href_after("data-key=\"f0_home\"");
    assert_eq!(
        href,
        format!("/reports/figure?key=f0_home&unit={HA_KHANH}&from={DAY}&to={DAY}")
    );
    let list = province.get(&href).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("Nguyễn Văn An") && list.body.contains("Lê Văn Cường"));
    assert!(!list.body.contains("Trần Thị Bình"), "{}", list.body);
    assert!(
        list.body.contains("<strong id=\"figure-total\">2</strong>"),
        "{}",
        list.body
    );

    // Every other figure's list carries the unit and opens.
    for key in ["f1", "quarantine_home", "tests_done", "alerts_open"] {
        let href = report.href_after(&format!("data-key=\"{key}\""));
        assert!(href.contains(&format!("unit={HA_KHANH}")), "{key}: {href}");
        let page = province.get(&href).await;
        assert_eq!(page.status, StatusCode::OK, "{key} {href}: {}", page.body);
        assert!(
            page.body.contains("id=\"figure-total\""),
            "{key}: {}",
            page.body
        );
    }
    for key in ["beds", "oxygen_equipment"] {
        let href = report.href_after(&format!("data-key=\"{key}\""));
        assert!(href.contains(&format!("unit={HA_KHANH}")), "{key}: {href}");
        let page = province.get(&href).await;
        assert_eq!(page.status, StatusCode::OK, "{key} {href}: {}", page.body);
        assert!(
            page.body.contains("id=\"narrowed\""),
            "{key}: {}",
            page.body
        );
    }

    // The district's report: the figure in Hà Phong's row of the units below
    // opens Hà Phong's list.
    let district = province
        .get(&format!("/reports?unit={HA_LONG}&from={DAY}&to={DAY}"))
        .await;
    assert_eq!(district.status, StatusCode::OK, "{}", district.body);
    let row = district
        .body
        .find(&format!("data-unit=\"{HA_PHONG}\""))
        .unwrap();
    let cell = row + district.body[row..].find("data-key=\"f0_new\"").unwrap();
    let href = href_after(&district.body[cell..], "data-key");
    assert!(href.contains(&format!("unit={HA_PHONG}")), "{href}");
    let list = province.get(&href).await;
    assert!(list.body.contains("Trần Thị Bình"), "{}", list.body);
    assert!(!list.body.contains("Nguyễn Văn An"), "{}", list.body);

    // The dashboard of Hà Khánh: the period's new F0 open the same list.
    let dash = province
        .get(&format!(
            "/dashboard?unit={HA_KHANH}&from=2021-08-01&to={DAY}"
        ))
        .await;
    assert_eq!(dash.status, StatusCode::OK, "{}", dash.body);
    let href = dash.href_after("data-key=\"f0_period\"");
    assert_eq!(
        href,
        format!("/reports/figure?key=f0_new&unit={HA_KHANH}&from=2021-08-01&to={DAY}")
    );
    let list = province.get(&href).await;
    assert!(
        list.body.contains("<strong id=\"figure-total\">2</strong>"),
        "{}",
        list.body
    );
    assert!(!list.body.contains("Trần Thị Bình"), "{}", list.body);
}

#[tokio::test]
async fn a_unit_outside_the_jurisdiction_is_refused_and_shows_nobody() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let s = &db.store;
    f0(s, "Phạm Văn Dũng", PHUC_XA, DAY).await;
    f0(s, "Trần Thị Bình", HA_PHONG, DAY).await;
    let mut province = Browser::logged_in(&db, &app, "tinh", QUANG_NINH, "health_staff").await;
    let mut commune = Browser::logged_in(&db, &app, "xa-ha-khanh", HA_KHANH, "health_staff").await;

    let lists = [
        "/tracing?level=0&unit=",
        "/tracing?level=0&confirmed_from=2021-08-05&unit=",
        "/quarantine?unit=",
        "/alerts?unit=",
        "/places?unit=",
        "/oxygen?unit=",
        "/testing?unit=",
        "/reports/figure?key=f0_new&from=2021-08-01&to=2021-08-31&unit=",
        "/reports/figure?key=f1&unit=",
    ];
    // Another province (or one of its communes) from a province; a
    // neighbouring commune or the district above from a commune.
    for (browser, units) in [
        (&mut province, vec!["01", PHUC_XA]),
        (&mut commune, vec![HA_PHONG, HA_LONG]),
    ] {
        for unit in units {
            for list in lists {
                let r = browser.get(&format!("{list}{unit}")).await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{list}{unit}: {}", r.body);
                assert!(r.body.contains("nằm ngoài phạm vi"), "{}", r.body);
                assert!(!r.body.contains("Phạm Văn Dũng") && !r.body.contains("Trần Thị Bình"));
            }
        }
    }
    // In English too.
    commune.cookies.insert("pd_lang".into(), "en".into());
    let r = commune
        .get(&format!("/tracing?level=0&unit={HA_PHONG}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("outside your jurisdiction"), "{}", r.body);

    // A malformed or unknown code: a clear error, not a server error.
    let r = province.get("/tracing?level=0&unit=abc").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Mã đơn vị hành chính"), "{}", r.body);
    let r = commune.get("/places?unit=12%3B%20DROP").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Administrative unit code"), "{}", r.body);
    let r = province.get("/alerts?unit=99999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // Inside: the province narrows to its commune and sees Bình there.
    let r = province
        .get(&format!("/tracing?level=0&unit={HA_PHONG}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Trần Thị Bình"));
}

#[tokio::test]
async fn the_f0_by_day_list_shows_exactly_the_cases_confirmed_those_days() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let s = &db.store;
    f0(s, "Ca Ngày Bốn", HA_KHANH, "2021-08-04").await;
    f0(s, "Ca Ngày Năm", HA_KHANH, "2021-08-05").await;
    f0(s, "Ca Ngày Sáu", HA_PHONG, "2021-08-06").await;
    let recovered = f0(s, "Ca Khỏi Bệnh", HA_KHANH, "2021-08-01").await;
    f0(s, "Ca Ngày Bảy", HA_KHANH, "2021-08-07").await;
    s.set_case_course(
        &Actor::system("test"),
        recovered,
        "recovered",
        Some(d(6, 8)),
    )
    .await
    .unwrap();
    let mut district = Browser::logged_in(&db, &app, "huyen", HA_LONG, "viewer").await;

    let names = [
        "Ca Ngày Bốn",
        "Ca Ngày Năm",
        "Ca Ngày Sáu",
        "Ca Ngày Bảy",
        "Ca Khỏi Bệnh",
    ];
    let shown = |r: &support::Resp| -> Vec<&str> {
        names
            .iter()
            .copied()
            .filter(|n| r.body.contains(n))
            .collect()
    };
    // Either spelling of the dates.
    for q in [
        "confirmed_from=05/08/2021&confirmed_to=06/08/2021",
        "confirmed_from=2021-08-05&confirmed_to=2021-08-06",
    ] {
        let r = district.get(&format!("/tracing?level=0&{q}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(shown(&r), ["Ca Ngày Năm", "Ca Ngày Sáu"], "{q}");
        assert!(
            r.body.contains("<span id=\"case-total\">2</span>"),
            "{}",
            r.body
        );
    }
    // One day alone; one commune of it.
    let r = district.get("/tracing?confirmed_to=07/08/2021").await;
    assert_eq!(shown(&r), ["Ca Ngày Bảy"]);
    let r = district
        .get(&format!(
            "/tracing?level=0&unit={HA_KHANH}&confirmed_from=04/08/2021&confirmed_to=07/08/2021"
        ))
        .await;
    assert_eq!(shown(&r), ["Ca Ngày Bốn", "Ca Ngày Năm", "Ca Ngày Bảy"]);
    // Recovered on the day of the negative test.
    let r = district
        .get("/tracing?level=0&confirmed_from=06/08/2021&status=recovered")
        .await;
    assert_eq!(shown(&r), ["Ca Khỏi Bệnh"]);

    // Wrong input: each error beside its field, in both languages.
    let r = district
        .get("/tracing?level=0&confirmed_from=32/08/2021&confirmed_to=2021-08-01&status=alive")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("Ngày «32/08/2021» không hợp lệ"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("Chọn: được khẳng định, khỏi bệnh hoặc tử vong.")
    );
    assert!(shown(&r).is_empty());
    district.cookies.insert("pd_lang".into(), "en".into());
    let r = district
        .get("/tracing?level=0&confirmed_from=07/08/2021&confirmed_to=05/08/2021")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body
            .contains("The last day must be on or after the first."),
        "{}",
        r.body
    );
}
