#![allow(clippy::unwrap_used)]
//! Lockdown areas through the JSON API and the pages on 20/08/2021: a
//! commune locks down a street for its F0 (from the cluster's page), sees the
//! people inside, extends and lifts it; bad input comes back in both
//! languages with what was typed; every crossing of jurisdiction is refused.
//! SQLite, or PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

mod support;

use axum::http::{Method, StatusCode};
use chrono::{TimeZone, Utc};
use phongdich_domain::{PersonInput, Role};
use phongdich_store::ClusterInput;
use phongdich_store::testing::{TestDb, actor, create_person};
use serde_json::json;
use support::{Browser, HA_KHANH, HA_PHONG, api, token};

async fn db() -> TestDb {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 8, 20, 2, 0, 0).unwrap();
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

#[tokio::test]
async fn the_api_locks_down_lists_the_people_extends_lifts_and_refuses_crossings() {
    let db = db().await;
    let app = support::app(&db);
    let commune = token(&db, HA_KHANH, "health_staff").await;
    let neighbour = token(&db, HA_PHONG, "health_staff").await;
    let viewer = token(&db, HA_KHANH, "viewer").await;
    let checkpoint = token(&db, "22", "checkpoint_officer").await;
    let inside = resident(&db, "Nguyễn Thị Lê", HA_KHANH, "Số 12 Lê Lợi").await;
    resident(&db, "Trần Văn Ngoài", HA_KHANH, "Số 14 Lê Lợi").await;

    let body = json!({
        "unit_code": HA_KHANH, "place": "Số 12 Lê Lợi",
        "reason": "F0 cộng đồng", "decision": "21/QĐ-UBND", "issued_by": "UBND phường Hà Khánh",
        "from_on": "18/08/2021", "planned_until": "31/08/2021"
    });
    // A viewer may read but not lock down; a checkpoint officer not even read.
    let r = api(
        &app,
        Method::POST,
        "/api/v1/lockdowns",
        Some(&viewer),
        Some(body.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = api(
        &app,
        Method::GET,
        "/api/v1/lockdowns",
        Some(&checkpoint),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    let r = api(
        &app,
        Method::POST,
        "/api/v1/lockdowns",
        Some(&commune),
        Some(body.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.value()["id"].as_i64().unwrap();
    assert_eq!(r.value()["unit_name"], "Phường Hà Khánh");

    // Again, overlapping: 409 in both languages.
    let r = api(
        &app,
        Method::POST,
        "/api/v1/lockdowns",
        Some(&commune),
        Some(body.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("21/QĐ-UBND"), "{}", r.body);
    // An end before the start, a lockdown of the neighbour: 422 naming the fields.
    let mut bad = body.clone();
    bad["unit_code"] = json!(HA_PHONG);
    bad["planned_until"] = json!("01/08/2021");
    let r = api(
        &app,
        Method::POST,
        "/api/v1/lockdowns",
        Some(&commune),
        Some(bad),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("planned_until") && r.body.contains("unit_code"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("trước ngày bắt đầu") && r.body.contains("before the lockdown"),
        "{}",
        r.body
    );

    // The people inside: one, by name.
    let (status, v) = support::get(&app, &format!("/api/v1/lockdowns/{id}/people"), &commune).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["person_id"], inside);
    assert_eq!(v["items"][0]["full_name"], "Nguyễn Thị Lê");
    let (_, v) = support::get(
        &app,
        &format!("/api/v1/persons/{inside}/lockdowns"),
        &commune,
    )
    .await;
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");

    // The neighbour neither sees nor lifts it.
    let (status, _) = support::get(&app, &format!("/api/v1/lockdowns/{id}"), &neighbour).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let lift = json!({"kind": "lift", "on": "20/08/2021", "decision": "25/QĐ-UBND", "reason": "Hết ca mới"});
    let r = api(
        &app,
        Method::POST,
        &format!("/api/v1/lockdowns/{id}/changes"),
        Some(&neighbour),
        Some(lift.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // Extended, then lifted; lifting again is refused.
    let extend = json!({"kind": "extend", "on": "04/09/2021", "decision": "24/QĐ-UBND", "reason": "Còn F0 mới"});
    let r = api(
        &app,
        Method::POST,
        &format!("/api/v1/lockdowns/{id}/changes"),
        Some(&commune),
        Some(extend),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.value()["planned_until"], "2021-09-04");
    let r = api(
        &app,
        Method::POST,
        &format!("/api/v1/lockdowns/{id}/changes"),
        Some(&commune),
        Some(lift.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = api(
        &app,
        Method::POST,
        &format!("/api/v1/lockdowns/{id}/changes"),
        Some(&commune),
        Some(lift),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let (_, v) = support::get(&app, &format!("/api/v1/lockdowns/{id}"), &commune).await;
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["impose", "extend", "lift"]);
}

#[tokio::test]
async fn a_commune_locks_down_a_cluster_from_its_page_and_lifts_it() {
    let db = db().await;
    let app = support::app(&db);
    resident(&db, "Phạm Văn Chợ", HA_KHANH, "Chợ Hà Khánh, ki-ốt 3").await;
    let cluster = db
        .store
        .create_cluster(
            &actor(HA_KHANH, Role::HealthStaff),
            &ClusterInput {
                name: "Chợ Hà Khánh".into(),
                kind: "market".into(),
                place: "Chợ Hà Khánh".into(),
                unit_code: HA_KHANH.into(),
                started_on: "15/08/2021".into(),
            },
        )
        .await
        .unwrap();
    let mut b = Browser::logged_in(&db, &app, "tyt.hakhanh", HA_KHANH, "health_staff").await;
    let page = b.get(&format!("/clusters/{}", cluster.id)).await;
    let href = page.href_after("id=\"lock-down-cluster\"");
    let form = b.get(&href).await;
    assert_eq!(form.status, StatusCode::OK);
    // Prefilled: the unit chosen by name, the place, the reason.
    assert!(
        form.body.contains("selected>Phường Hà Khánh</option>"),
        "{}",
        form.body
    );
    assert!(form.body.contains("value=\"Chợ Hà Khánh\""));
    assert!(form.body.contains("value=\"Ổ dịch Chợ Hà Khánh\""));
    let csrf = form.csrf();
    let cluster_id = cluster.id.to_string();
    let mut fields = vec![
        ("_csrf", csrf.as_str()),
        ("unit_code", HA_KHANH),
        ("place", "Chợ Hà Khánh"),
        ("addresses", ""),
        ("reason", "Ổ dịch Chợ Hà Khánh"),
        ("cluster_id", cluster_id.as_str()),
        ("case_codes", ""),
        ("decision", ""),
        ("issued_by", "UBND phường Hà Khánh"),
        ("from_on", "20/08/2021"),
        ("planned_until", "03/09/2021"),
    ];
    // The decision missing: 422, what was typed stays, the error in Vietnamese.
    let bad = b.post("/lockdowns", &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("Cần số quyết định phong tỏa."),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("value=\"UBND phường Hà Khánh\""));
    fields[7] = ("decision", "30/QĐ-UBND");
    let ok = b.post("/lockdowns", &fields).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let detail = b.get(ok.location()).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.body.contains("Đã ghi quyết định phong tỏa."));
    assert!(
        detail.body.contains("Phạm Văn Chợ"),
        "the market's trader is inside"
    );
    assert!(
        detail.body.contains(">Chợ Hà Khánh</a>"),
        "the cluster linked by name"
    );
    // A hamlet's dashboard draws too (levels are its commune's).
    let hamlet = db
        .store
        .add_hamlet(
            &actor(HA_KHANH, Role::Admin),
            &phongdich_store::NewHamlet {
                commune_code: HA_KHANH.into(),
                name: "Khu 7".into(),
                kind: "khu phố".into(),
            },
        )
        .await
        .unwrap();
    let dash = b.get(&format!("/dashboard?unit={}", hamlet.code)).await;
    assert_eq!(dash.status, StatusCode::OK, "{}", dash.body);
    assert!(dash.body.contains("id=\"zones\""));
    // The dashboard lists it among the lockdowns holding today.
    let dash = b.get("/dashboard").await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(dash.body.contains("id=\"zones\""), "{}", dash.body);
    assert!(
        dash.body.contains("Chợ Hà Khánh — Phường Hà Khánh"),
        "the lockdown by name"
    );
    // Testing of the people inside, ordered from the area's page: the form
    // comes prefilled with the area as its target.
    let order = b.get(&detail.href_after("id=\"test-lockdown\"")).await;
    assert_eq!(order.status, StatusCode::OK);
    assert!(
        order.body.contains("value=\"lockdown\" checked"),
        "{}",
        order.body
    );
    assert!(order.body.contains("Người trong khu phong tỏa"));
    // Lifted today from the page.
    let csrf = detail.csrf();
    let id = ok
        .location()
        .trim_start_matches("/lockdowns/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let lifted = b
        .post(
            &format!("/lockdowns/{id}/changes"),
            &[
                ("_csrf", &csrf),
                ("kind", "lift"),
                ("on", "20/08/2021"),
                ("decision", "31/QĐ-UBND"),
                ("reason", "Không còn F0"),
            ],
        )
        .await;
    assert_eq!(lifted.status, StatusCode::SEE_OTHER, "{}", lifted.body);
    let after = b.get(lifted.location()).await;
    assert!(after.body.contains("Đã gỡ phong tỏa."));
    assert!(after.body.contains("Gỡ phong tỏa từ"));
    assert!(
        !after.body.contains("id=\"lockdown-change\""),
        "a lifted lockdown has no form"
    );
}
