#![allow(clippy::unwrap_used)]
//! Green zones through the JSON API and the pages on 25/10/2021: a ward
//! declares a street green, adds its checkpoint and puts a team on duty
//! there; an F0 confirmed at one of its addresses ends it and the alert
//! waits on the zones' page for the team to take; bad input comes back in
//! both languages with what was typed; crossings of jurisdiction are
//! refused. SQLite, or PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

mod support;

use axum::http::{Method, StatusCode};
use chrono::{TimeZone, Utc};
use phongdich_domain::PersonInput;
use phongdich_store::testing::{TestDb, create_person};
use serde_json::json;
use support::{Browser, HA_KHANH, HA_PHONG, api, token};

async fn db() -> TestDb {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 10, 25, 2, 0, 0).unwrap();
    db.store = db
        .store
        .clone()
        .with_clock(phongdich_domain::Clock::fixed(at));
    db
}

async fn resident(db: &TestDb, name: &str, commune: &str, street: &str) -> i64 {
    create_person(
        &db.store,
        &PersonInput {
            full_name: name.into(),
            birth: "1979".into(),
            sex: "nam".into(),
            commune_code: commune.into(),
            street_address: street.into(),
            ..Default::default()
        },
        db.store.today(),
    )
    .await
}

fn zone_body() -> serde_json::Value {
    json!({
        "name": "Vùng xanh phố Lê Lợi", "unit_code": HA_KHANH, "place": "Phố Lê Lợi",
        "addresses": "Số 12 Lê Lợi\nSố 14 Lê Lợi", "declared_on": "20/10/2021",
        "team": "Tổ COVID cộng đồng khu 3", "team_phone": "0912345678"
    })
}

#[tokio::test]
async fn the_api_declares_a_zone_adds_a_checkpoint_ends_it_with_an_f0_and_refuses_crossings() {
    let db = db().await;
    let app = support::app(&db);
    let ward = token(&db, HA_KHANH, "health_staff").await;
    let neighbour = token(&db, HA_PHONG, "health_staff").await;
    let viewer = token(&db, HA_KHANH, "viewer").await;
    let inside = resident(&db, "Nguyễn Thị Lê", HA_KHANH, "Số 12 Lê Lợi").await;

    let r = api(
        &app,
        Method::POST,
        "/api/v1/green-zones",
        Some(&viewer),
        Some(zone_body()),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = api(
        &app,
        Method::POST,
        "/api/v1/green-zones",
        Some(&neighbour),
        Some(zone_body()),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("within your jurisdiction"), "{}", r.body);
    // Bad input: every fault at once, in both languages.
    let r = api(
        &app,
        Method::POST,
        "/api/v1/green-zones",
        Some(&ward),
        Some(json!({"name": "", "unit_code": HA_KHANH, "declared_on": "31/02/2021", "team": "x", "team_phone": "12"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for f in ["\"name\"", "\"declared_on\"", "\"team_phone\""] {
        assert!(r.body.contains(f), "{f} in {}", r.body);
    }
    assert!(r.body.contains("Cần tên vùng xanh.") && r.body.contains("The zone's name is needed."));

    let r = api(
        &app,
        Method::POST,
        "/api/v1/green-zones",
        Some(&ward),
        Some(zone_body()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.value()["id"].as_i64().unwrap();
    assert_eq!(r.value()["status"], "green");
    let r = api(
        &app,
        Method::POST,
        "/api/v1/green-zones",
        Some(&ward),
        Some(zone_body()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    let r = api(
        &app,
        Method::POST,
        &format!("/api/v1/green-zones/{id}/checkpoints"),
        Some(&ward),
        Some(json!({"place": "Đầu phố Lê Lợi", "opens": "22:00", "closes": "06:00"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.value()["open_now"], false, "09:00 is outside 22:00–06:00");
    let r = api(
        &app,
        Method::POST,
        &format!("/api/v1/green-zones/{id}/checkpoints"),
        Some(&neighbour),
        Some(json!({"place": "Lấn"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = api(
        &app,
        Method::GET,
        &format!("/api/v1/green-zones/{id}"),
        Some(&neighbour),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // The F0 at number 12, confirmed through the API: the zone is lost.
    let r = api(
        &app,
        Method::POST,
        "/api/v1/cases",
        Some(&ward),
        Some(
            json!({"person_id": inside, "confirmed_on": "25/10/2021", "sample_on": "25/10/2021",
            "source_kind": "investigating"}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = api(
        &app,
        Method::GET,
        &format!("/api/v1/green-zones/{id}"),
        Some(&ward),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let z = &r.value()["zone"];
    assert_eq!(z["status"], "lost");
    assert_eq!(z["lost_on"], "2021-10-25");
    assert_eq!(z["lost_case"]["full_name"], "Nguyễn Thị Lê");
    let r = api(
        &app,
        Method::POST,
        &format!("/api/v1/green-zones/{id}/acknowledge"),
        Some(&ward),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = api(
        &app,
        Method::POST,
        &format!("/api/v1/green-zones/{id}/acknowledge"),
        Some(&ward),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
}

#[tokio::test]
async fn the_pages_declare_a_zone_put_a_team_at_its_checkpoint_and_show_the_alert() {
    let db = db().await;
    let app = support::app(&db);
    let inside = resident(&db, "Phạm Văn Chốt", HA_KHANH, "Số 12 Lê Lợi").await;
    let mut b = Browser::logged_in(&db, &app, "tyt.hakhanh", HA_KHANH, "health_staff").await;
    let list = b.get("/green-zones").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Công nhận vùng xanh"));
    let csrf = list.csrf();
    let mut fields = vec![
        ("_csrf", csrf.as_str()),
        ("name", "Vùng xanh phố Lê Lợi"),
        ("unit_code", HA_KHANH),
        ("place", "Phố Lê Lợi"),
        ("addresses", "Số 12 Lê Lợi"),
        ("declared_on", "20/10/2021"),
        ("decision", ""),
        ("team", "Tổ COVID cộng đồng khu 3"),
        ("team_leader", "Ông Hải"),
        ("team_phone", "09123"),
    ];
    let bad = b.post("/green-zones", &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("value=\"Tổ COVID cộng đồng khu 3\""),
        "what was typed stays"
    );
    assert!(bad.body.contains("id=\"err-team_phone\""), "{}", bad.body);
    fields[9] = ("team_phone", "0912 345 678");
    let ok = b.post("/green-zones", &fields).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let detail = b.get(ok.location()).await;
    assert!(detail.body.contains("Đã công nhận vùng xanh."));
    let path = ok.location().split('?').next().unwrap().to_owned();
    let csrf = detail.csrf();
    let added = b
        .post(
            &format!("{path}/checkpoints"),
            &[
                ("_csrf", &csrf),
                ("place", "Đầu phố Lê Lợi"),
                ("opens", ""),
                ("closes", ""),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let detail = b.get(added.location()).await;
    assert!(detail.body.contains("Đầu phố Lê Lợi") && detail.body.contains("24/24"));
    let checkpoint = detail
        .body
        .split("data-checkpoint=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let csrf = detail.csrf();
    let shift = b
        .post(
            &format!("{path}/shifts"),
            &[
                ("_csrf", &csrf),
                ("checkpoint_id", &checkpoint),
                ("team", "Tổ chốt Lê Lợi"),
                ("members", ""),
                ("phone", "0987654321"),
                ("starts_at", "25/10/2021 07:00"),
                ("ends_at", "25/10/2021 19:00"),
                ("repeat_days", "1"),
            ],
        )
        .await;
    assert_eq!(shift.status, StatusCode::SEE_OTHER, "{}", shift.body);
    let detail = b.get(shift.location()).await;
    assert!(detail.body.contains("Đã xếp ca trực chốt."));
    let on_duty = detail
        .body
        .split("data-label=\"Đang trực\">")
        .nth(1)
        .and_then(|rest| rest.split("</td>").next())
        .unwrap_or_default()
        .to_owned();
    assert!(
        on_duty.contains("Tổ chốt Lê Lợi"),
        "on duty now at 09:00: {on_duty}"
    );
    // The roster says which checkpoint the shift guards.
    let roster = b.get("/duty").await;
    assert!(
        roster.body.contains("Trực chốt vùng xanh: Đầu phố Lê Lợi"),
        "{}",
        roster.body
    );

    // An F0 at number 12: the alert waits on the list, names the case and the team.
    db.store
        .confirm_case(
            &phongdich_store::Actor::system("test"),
            &phongdich_store::CaseInput {
                person_id: inside,
                confirmed_on: "25/10/2021".into(),
                sample_on: "25/10/2021".into(),
                source_kind: "investigating".into(),
                ..Default::default()
            },
            db.store.today(),
        )
        .await
        .unwrap();
    let list = b.get("/green-zones").await;
    assert!(list.body.contains("id=\"zone-alerts\""), "{}", list.body);
    assert!(list.body.contains("Phạm Văn Chốt"));
    assert!(list.body.contains("Đã báo đội trực"));
    let dash = b.get("/dashboard").await;
    assert!(dash.body.contains("chưa ai nhận cảnh báo"), "{}", dash.body);
    // The rapid report of the day says so, and opens the zone.
    let report = b.get("/reports?from=25/10/2021&to=25/10/2021").await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let green = report
        .body
        .split("id=\"report-green\"")
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or_default()
        .to_owned();
    assert!(
        green.contains("Vùng xanh: </strong>0") && green.contains("Vùng xanh phố Lê Lợi"),
        "{green}"
    );
    assert!(green.contains(&format!("href=\"{path}\"")), "{green}");
    let csrf = list.csrf();
    let taken = b
        .post(&format!("{path}/acknowledge"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    let after = b.get(taken.location()).await;
    assert!(after.body.contains("Đã nhận cảnh báo."));
    assert!(after.body.contains("id=\"zone-lost\""));
    // In English too.
    b.cookies.insert("pd_lang".into(), "en".into());
    let en = b.get(&path).await;
    assert!(
        en.body.contains("No longer green from 25/10/2021"),
        "{}",
        en.body
    );
    assert!(en.body.contains(">Checkpoints"), "{}", en.body);
}

/// The committee withdraws a zone's status without an F0: the neighbour
/// cannot, a reason and a day within the zone's life are needed (said in
/// both languages, what was typed kept on the page), twice is refused, and
/// the page and the report say it.
#[tokio::test]
async fn a_zone_is_withdrawn_by_the_committee_holding_it_and_by_nobody_else() {
    let db = db().await;
    let app = support::app(&db);
    let ward = token(&db, HA_KHANH, "health_staff").await;
    let neighbour = token(&db, HA_PHONG, "health_staff").await;
    let r = api(
        &app,
        Method::POST,
        "/api/v1/green-zones",
        Some(&ward),
        Some(zone_body()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.value()["id"].as_i64().unwrap();
    let path = format!("/api/v1/green-zones/{id}/withdraw");
    let body = json!({"on": "24/10/2021", "reason": "Chốt không còn duy trì"});
    let r = api(
        &app,
        Method::POST,
        &path,
        Some(&neighbour),
        Some(body.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = api(
        &app,
        Method::POST,
        &path,
        Some(&ward),
        Some(json!({"on": "19/10/2021", "reason": " "})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("Cần lý do thu hồi") && r.body.contains("Give the reason"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("from the declaration (20/10/2021) to today"),
        "{}",
        r.body
    );
    let r = api(&app, Method::POST, &path, Some(&ward), Some(body.clone())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.value()["status"], "withdrawn");
    assert_eq!(r.value()["withdrawn_on"], "2021-10-24");
    let r = api(&app, Method::POST, &path, Some(&ward), Some(body)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // The page says it; the report of 23/10 still counts the zone, that of 24/10 not.
    let mut b = Browser::logged_in(&db, &app, "tyt.hakhanh", HA_KHANH, "health_staff").await;
    let page = b.get(&format!("/green-zones/{id}")).await;
    assert!(
        page.body
            .contains("Thu hồi công nhận từ 24/10/2021: Chốt không còn duy trì"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("id=\"withdraw-form\""),
        "no form once withdrawn"
    );
    let count = |from: &str| {
        let store = db.store.clone();
        let from = chrono::NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap();
        async move {
            let scope =
                phongdich_store::Scope::unit(phongdich_domain::UnitCode::parse(HA_KHANH).unwrap());
            store
                .report_figures(&scope, HA_KHANH, from, from, from)
                .await
                .unwrap()
                .zones
                .unwrap()
                .green_zones
        }
    };
    assert_eq!(count("2021-10-23").await, 1);
    assert_eq!(count("2021-10-24").await, 0);
}

/// On the page: a refused withdrawal keeps the reason typed and names the field.
#[tokio::test]
async fn a_refused_withdrawal_on_the_page_keeps_what_was_typed() {
    let db = db().await;
    let app = support::app(&db);
    let ward = token(&db, HA_KHANH, "health_staff").await;
    let r = api(
        &app,
        Method::POST,
        "/api/v1/green-zones",
        Some(&ward),
        Some(zone_body()),
    )
    .await;
    let id = r.value()["id"].as_i64().unwrap();
    let mut b = Browser::logged_in(&db, &app, "tyt.hakhanh", HA_KHANH, "health_staff").await;
    let page = b.get(&format!("/green-zones/{id}")).await;
    assert!(page.body.contains("id=\"withdraw-form\""), "{}", page.body);
    let csrf = page.csrf();
    let refused = b
        .post(
            &format!("/green-zones/{id}/withdraw"),
            &[
                ("_csrf", &csrf),
                ("on", "01/11/2021"),
                ("reason", "Không duy trì chốt"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("value=\"Không duy trì chốt\""),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("Ngày thu hồi từ ngày công nhận"),
        "{}",
        refused.body
    );
    let done = b
        .post(
            &format!("/green-zones/{id}/withdraw"),
            &[
                ("_csrf", &csrf),
                ("on", "25/10/2021"),
                ("reason", "Không duy trì chốt"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let after = b.get(done.location()).await;
    assert!(
        after.body.contains("Đã thu hồi công nhận vùng xanh."),
        "{}",
        after.body
    );
}

/// A ward under a city-wide zone sees it but is not offered its withdrawal
/// (the store would refuse it: the city holds the zone); the city is.
#[tokio::test]
async fn the_withdrawal_is_offered_only_to_the_zones_holder() {
    let db = db().await;
    let app = support::app(&db);
    let city = token(&db, "193", "health_staff").await;
    let mut body = zone_body();
    body["unit_code"] = json!("193");
    body["place"] = json!("");
    body["addresses"] = json!("");
    let r = api(
        &app,
        Method::POST,
        "/api/v1/green-zones",
        Some(&city),
        Some(body),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.value()["id"].as_i64().unwrap();
    let mut ward = Browser::logged_in(&db, &app, "tyt.hakhanh", HA_KHANH, "health_staff").await;
    let page = ward.get(&format!("/green-zones/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("id=\"withdraw-form\""));
    let mut holder = Browser::logged_in(&db, &app, "ttyt.halong", "193", "health_staff").await;
    let page = holder.get(&format!("/green-zones/{id}")).await;
    assert!(page.body.contains("id=\"withdraw-form\""), "{}", page.body);
}
