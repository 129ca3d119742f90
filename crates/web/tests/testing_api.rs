#![allow(clippy::unwrap_used)]
//! Samples, pools and lab results through the JSON API, as a sampling team and
//! a lab use it. SQLite, or PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

mod support;

use support::{HA_KHANH, HA_PHONG, call, token};

use axum::Router;
use axum::http::{Method, StatusCode};
use phongdich_store::testing::TestDb;
use serde_json::{Value, json};

async fn person(app: &Router, t: &str, name: &str) -> i64 {
    let (status, body) = call(
        app,
        Method::POST,
        "/api/v1/persons",
        Some(t),
        Some(json!({"full_name": name, "birth": "1990", "sex": "nữ", "commune_code": HA_KHANH, "confirm_not_duplicate": true})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_team_pools_samples_and_the_lab_resolves_them() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let staff = token(&db, HA_KHANH, "health_staff").await;
    let lab = token(&db, HA_KHANH, "lab_staff").await;
    let other_lab = token(&db, HA_PHONG, "lab_staff").await;
    let mut ids = Vec::new();
    for name in ["Hoàng Thị Thu", "Đặng Văn Tú", "Bùi Thị Yến"] {
        ids.push(person(&app, &staff, name).await);
    }
    let (status, pool) = call(
        &app,
        Method::POST,
        "/api/v1/pools",
        Some(&staff),
        Some(json!({"person_ids": ids, "collected_on": "2021-08-20", "lab": "CDC Quảng Ninh"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{pool}");
    let code = pool["code"].as_str().unwrap().to_owned();
    assert_eq!(pool["samples"].as_array().unwrap().len(), 3);

    // The lab of another commune does not see the pool; a bad result names its fields.
    let body = json!({"code": code, "test_kind": "rt_pcr", "outcome": "dương tính", "resulted_on": "2021-08-21"});
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/results",
        Some(&other_lab),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, problem) = call(
        &app,
        Method::POST,
        "/api/v1/results",
        Some(&lab),
        Some(json!({"code": code, "test_kind": "blood", "outcome": "yes", "resulted_on": "2099-01-01"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["test_kind", "outcome", "resulted_on"]);
    assert!(
        problem["errors"][0]["message_vi"]
            .as_str()
            .unwrap()
            .contains("không hợp lệ")
    );

    let (status, out) = call(
        &app,
        Method::POST,
        "/api/v1/results",
        Some(&lab),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
    assert!(
        out["samples"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "pool_positive")
    );
    let (status, again) = call(
        &app,
        Method::POST,
        "/api/v1/results",
        Some(&lab),
        Some(body),
    )
    .await;
    assert_eq!(
        (status, again["unchanged"].as_bool()),
        (StatusCode::OK, Some(true))
    );

    let (status, list) = call(
        &app,
        Method::GET,
        "/api/v1/sampling-list",
        Some(&staff),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let listed: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["person_id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, ids);
    let (_, list) = call(
        &app,
        Method::GET,
        "/api/v1/sampling-list",
        Some(&other_lab),
        None,
    )
    .await;
    assert_eq!(
        list.as_array().unwrap().len(),
        0,
        "nothing of Hà Khánh in Hà Phong's list"
    );

    // A lab cannot take samples; the team can, and the sample is found by its label.
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/samples",
        Some(&lab),
        Some(json!({"person_id": ids[0], "collected_on": "2021-08-22"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, sample) = call(
        &app,
        Method::POST,
        "/api/v1/samples",
        Some(&staff),
        Some(json!({"person_id": ids[0], "collected_on": "2021-08-22", "specimen": "saliva"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sample}");
    let path = format!("/api/v1/samples/{}", sample["code"].as_str().unwrap());
    let (status, shown) = call(&app, Method::GET, &path, Some(&lab), None).await;
    assert_eq!(
        (status, shown["specimen"].as_str()),
        (StatusCode::OK, Some("saliva"))
    );
    let (status, _) = call(&app, Method::GET, &path, Some(&other_lab), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Taken in 2021 and still without a result: overdue, for Hà Khánh only.
    let (status, overdue) = call(
        &app,
        Method::GET,
        "/api/v1/testing/overdue?hours=24",
        Some(&staff),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{overdue}");
    let codes: Vec<&str> = overdue
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, [sample["code"].as_str().unwrap()]);
    let (_, none) = call(
        &app,
        Method::GET,
        "/api/v1/testing/overdue",
        Some(&other_lab),
        None,
    )
    .await;
    assert_eq!(none.as_array().unwrap().len(), 0);
    let (status, t) = call(
        &app,
        Method::GET,
        "/api/v1/testing/turnaround",
        Some(&staff),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{t}");
    let cdc = t["labs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lab"] == "CDC Quảng Ninh")
        .unwrap();
    assert_eq!(
        (cdc["results"].as_i64(), cdc["median_days"].as_f64()),
        (Some(3), Some(1.0))
    );
    let (status, _) = call(
        &app,
        Method::GET,
        "/api/v1/testing/overdue?hours=abc",
        Some(&staff),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_campaign_is_ordered_sampled_and_followed_through_the_api() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let staff = token(&db, HA_KHANH, "health_staff").await;
    let lab = token(&db, HA_KHANH, "lab_staff").await;
    let other = token(&db, HA_PHONG, "health_staff").await;
    let mut ids = Vec::new();
    for name in ["Lương Thị Nga", "Cao Văn Phúc", "Đinh Thị Quế"] {
        ids.push(person(&app, &staff, name).await);
    }
    let today = phongdich_domain::Clock::system()
        .today()
        .format("%d/%m/%Y")
        .to_string();

    // Refused with every reason, and nothing created.
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v1/campaigns",
        Some(&staff),
        Some(json!({"name": "", "unit_code": HA_KHANH, "target": "list", "person_ids": [ids[0], 999999],
            "deadline": "hôm qua"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "deadline"], "{body}");
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v1/campaigns",
        Some(&staff),
        Some(
            json!({"name": "Chợ Hà Khánh", "unit_code": HA_KHANH, "target": "list",
            "person_ids": [ids[0], 999999], "deadline": "31/12/2099 16:00"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "person_ids[1]", "{body}");
    let (_, list) = call(&app, Method::GET, "/api/v1/campaigns", Some(&staff), None).await;
    assert_eq!(list, json!([]));

    let (status, c) = call(
        &app,
        Method::POST,
        "/api/v1/campaigns",
        Some(&staff),
        Some(
            json!({"name": "Chợ Hà Khánh", "unit_code": HA_KHANH, "target": "list",
            "person_ids": ids, "deadline": "31/12/2099 16:00", "pool_size": 2, "teams": ["Tổ 3"]}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let id = c["id"].as_i64().unwrap();
    assert_eq!(c["rounds"][0]["targeted"], 3);

    let (status, pool) = call(
        &app,
        Method::POST,
        "/api/v1/pools",
        Some(&staff),
        Some(json!({"person_ids": [ids[0], ids[1]], "collected_on": today, "campaign_id": id})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{pool}");
    let (status, single) = call(
        &app,
        Method::POST,
        "/api/v1/samples",
        Some(&staff),
        Some(json!({"person_id": ids[2], "collected_on": today, "campaign_id": id})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{single}");
    for (code, outcome) in [(&pool["code"], "negative"), (&single["code"], "positive")] {
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v1/results",
            Some(&lab),
            Some(json!({"code": code, "test_kind": "rt_pcr", "outcome": outcome, "resulted_on": today})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    let (status, p) = call(
        &app,
        Method::GET,
        &format!("/api/v1/campaigns/{id}"),
        Some(&staff),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    let t = &p["total"];
    assert_eq!(
        (
            &t["targeted"],
            &t["negative"],
            &t["positive"],
            &t["not_sampled"]
        ),
        (&json!(3), &json!(2), &json!(1), &json!(0)),
        "{p}"
    );
    let (_, people) = call(
        &app,
        Method::GET,
        &format!("/api/v1/campaigns/{id}/people?status=positive"),
        Some(&staff),
        None,
    )
    .await;
    assert_eq!(people["people"][0]["person_id"], ids[2], "{people}");
    assert_eq!(people["total"], 1, "{people}");
    assert_eq!(people["paging"]["limit"], 500, "{people}");
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/campaigns/{id}/people?limit=1001"),
        Some(&staff),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a page of 1,000 at most");
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/campaigns/{id}/people?status=half"),
        Some(&staff),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Another commune neither sees it nor runs it.
    for (method, path) in [
        (Method::GET, format!("/api/v1/campaigns/{id}")),
        (Method::POST, format!("/api/v1/campaigns/{id}/close")),
    ] {
        let (status, _) = call(&app, method, &path, Some(&other), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/campaigns/{id}/rounds"),
        Some(&staff),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "a second round today: {body}");
    assert!(body["message_vi"].as_str().is_some_and(|m| !m.is_empty()));
    let (status, c) = call(
        &app,
        Method::POST,
        &format!("/api/v1/campaigns/{id}/close"),
        Some(&staff),
        None,
    )
    .await;
    assert_eq!((status, &c["status"]), (StatusCode::OK, &json!("closed")));
}

#[tokio::test]
async fn a_province_that_reviews_positives_has_them_confirmed_through_the_api() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let staff = token(&db, HA_KHANH, "health_staff").await;
    let lab = token(&db, HA_KHANH, "lab_staff").await;
    let admin = token(&db, "22", "admin").await;
    let path = "/api/v1/provinces/22/settings/f0_confirmation";
    let (status, _) = call(
        &app,
        Method::PUT,
        path,
        Some(&staff),
        Some(json!({"value": "review"})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "health staff may not change it"
    );
    let (status, body) = call(
        &app,
        Method::PUT,
        path,
        Some(&admin),
        Some(json!({"value": "review"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = call(&app, Method::GET, path, Some(&staff), None).await;
    assert_eq!(body["value"], "review");

    let id = person(&app, &staff, "Hà Văn Duyệt").await;
    let today = phongdich_domain::Clock::system()
        .today()
        .format("%d/%m/%Y")
        .to_string();
    let (_, sample) = call(
        &app,
        Method::POST,
        "/api/v1/samples",
        Some(&staff),
        Some(json!({"person_id": id, "collected_on": today})),
    )
    .await;
    let (status, out) = call(
        &app,
        Method::POST,
        "/api/v1/results",
        Some(&lab),
        Some(json!({"code": sample["code"], "test_kind": "rt_pcr", "outcome": "positive", "resulted_on": today})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
    assert_eq!(
        (&out["review_pending"], &out["case_code"]),
        (&json!(true), &Value::Null)
    );
    let (_, reviews) = call(&app, Method::GET, "/api/v1/reviews", Some(&staff), None).await;
    let result_id = reviews[0]["result_id"].as_i64().unwrap();
    let (status, out) = call(
        &app,
        Method::POST,
        &format!("/api/v1/reviews/{result_id}"),
        Some(&staff),
        Some(json!({"confirm": true})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert!(
        out["case_code"]
            .as_str()
            .is_some_and(|c| c.starts_with("PD")),
        "{out}"
    );
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/reviews/{result_id}"),
        Some(&staff),
        Some(json!({"confirm": false})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "decided once");
}

#[tokio::test]
async fn a_quarantine_order_follows_the_rule_in_force_through_the_api() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let staff = token(&db, HA_KHANH, "quarantine_staff").await;
    let other = token(&db, HA_PHONG, "quarantine_staff").await;
    let viewer = token(&db, HA_KHANH, "viewer").await;
    let id = person(&app, &staff, "Lã Thị Ở").await;
    let order = json!({"person_id": id, "situation": "f1", "start_on": "20/12/2021",
        "doses": 2, "last_dose_on": "01/10/2021"});
    let (status, p) = call(
        &app,
        Method::POST,
        "/api/v1/quarantine/proposals",
        Some(&staff),
        Some(order.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["rule"]["source"], "10696/BYT-MT", "{p}");
    assert_eq!(p["plan"]["test_days"], json!(["2021-12-20", "2021-12-26"]));
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/quarantine/orders",
        Some(&viewer),
        Some(order.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, o) = call(
        &app,
        Method::POST,
        "/api/v1/quarantine/orders",
        Some(&staff),
        Some(order.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{o}");
    assert_eq!(
        (&o["kind"], &o["planned_end"]),
        (&json!("home"), &json!("2021-12-26"))
    );
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/quarantine/orders",
        Some(&staff),
        Some(order),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "one active order per person");
    let oid = o["id"].as_i64().unwrap();
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/quarantine/orders/{oid}/release"),
        Some(&staff),
        Some(json!({"released_on": "26/12/2021"})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no tests yet: {body}"
    );
    assert_eq!(body["errors"].as_array().unwrap().len(), 2, "{body}");
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/quarantine/orders/{oid}"),
        Some(&other),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another commune");
    let (_, day) = call(
        &app,
        Method::GET,
        "/api/v1/quarantine/day?day=26/12/2021",
        Some(&staff),
        None,
    )
    .await;
    assert_eq!(day["tests_due"]["entries"][0]["order_id"], oid, "{day}");
    assert_eq!(day["ending"]["entries"][0]["order_id"], oid, "{day}");
    assert_eq!(day["ending"]["total"], 1, "{day}");
    assert!(
        day["tests_due"]["entries"][0].get("rule_json").is_none(),
        "narrow rows"
    );
    // The next page: the count stays whole, no entry is repeated.
    let (status, next) = call(
        &app,
        Method::GET,
        "/api/v1/quarantine/day?day=26/12/2021&offset=1&limit=1",
        Some(&staff),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{next}");
    assert_eq!(next["tests_due"]["total"], 1, "{next}");
    assert_eq!(next["tests_due"]["entries"], json!([]), "{next}");
    assert_eq!(next["paging"], json!({"offset": 1, "limit": 1}), "{next}");
    let (_, mine) = call(
        &app,
        Method::GET,
        &format!("/api/v1/persons/{id}/quarantine"),
        Some(&staff),
        None,
    )
    .await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let (_, rules) = call(
        &app,
        Method::GET,
        "/api/v1/provinces/22/quarantine-rules",
        Some(&staff),
        None,
    )
    .await;
    assert!(rules.as_array().unwrap().len() >= 10, "the national rules");
}

#[tokio::test]
async fn a_district_keeps_its_roster_and_lends_oxygen_through_the_api() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let district = token(&db, "193", "health_staff").await;
    let neighbour = token(&db, HA_PHONG, "health_staff").await;
    let province_admin = token(&db, "22", "admin").await;
    let viewer = token(&db, HA_KHANH, "viewer").await;
    let now = chrono::Utc::now();
    let shift = json!({
        "unit_code": HA_KHANH, "team": "Tổ phản ứng nhanh 1", "phone": "0203 3835 115",
        "starts_at": (now - chrono::Duration::hours(1)).to_rfc3339(),
        "ends_at": (now + chrono::Duration::hours(11)).to_rfc3339(), "repeat_days": 2,
    });
    let (status, body) = call(&app, Method::POST, "/api/v1/duty-shifts", Some(&district), Some(json!({
        "unit_code": HA_KHANH, "team": "", "phone": "115", "starts_at": "hôm nay", "ends_at": "",
    }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["team", "starts_at", "ends_at"]);
    assert!(
        body["errors"][0]["message_en"]
            .as_str()
            .unwrap()
            .contains("team")
    );
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v1/duty-shifts",
        Some(&district),
        Some(shift.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body.as_array().unwrap().len(), 2);
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/duty-shifts",
        Some(&viewer),
        Some(shift.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, seen) = call(
        &app,
        Method::GET,
        "/api/v1/duty-shifts",
        Some(&neighbour),
        None,
    )
    .await;
    assert_eq!(
        seen.as_array().unwrap().len(),
        0,
        "another commune's roster is not shown"
    );
    let (_, seen) = call(
        &app,
        Method::GET,
        "/api/v1/duty-shifts?to=2000-01-01T00:00:00Z",
        Some(&district),
        None,
    )
    .await;
    assert_eq!(seen["errors"][0]["field"], "to");

    let (status, body) = call(
        &app,
        Method::PUT,
        "/api/v1/provinces/22/settings/alert_escalation_minutes",
        Some(&province_admin),
        Some(json!({"value": "1000"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = call(
        &app,
        Method::PUT,
        "/api/v1/provinces/22/settings/alert_escalation_minutes",
        Some(&province_admin),
        Some(json!({"value": "20"})),
    )
    .await;
    assert_eq!(
        (status, body["value"].as_str()),
        (StatusCode::OK, Some("20")),
        "{body}"
    );

    let (status, e) = call(
        &app,
        Method::POST,
        "/api/v1/oxygen-equipment",
        Some(&district),
        Some(json!({
            "kind": "cylinder", "label": "BO-HL-07", "capacity": "40 L", "unit_code": "193",
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
    let (_, list) = call(
        &app,
        Method::GET,
        "/api/v1/oxygen-equipment",
        Some(&neighbour),
        None,
    )
    .await;
    assert!(
        list.as_array().unwrap().is_empty(),
        "the district's cylinder is not the commune's"
    );
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/oxygen-equipment/{}/lend", e["id"]),
        Some(&district),
        Some(json!({"treatment_id": 999})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, times) = call(
        &app,
        Method::GET,
        "/api/v1/alerts/response-times?days=3",
        Some(&district),
        None,
    )
    .await;
    assert_eq!(
        (status, times["raised"].as_i64()),
        (StatusCode::OK, Some(0))
    );
}

/// Issue 18 §3: "all N" samples everyone not yet sampled on a campaign's
/// list, every page of it, not only the people ticked on the one shown.
#[tokio::test]
async fn a_team_samples_everyone_left_on_a_campaigns_list_at_once() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let staff = token(&db, HA_KHANH, "health_staff").await;
    let mut ids = Vec::new();
    for name in ["Lương Thị Nga", "Cao Văn Phúc", "Đinh Thị Quế"] {
        ids.push(person(&app, &staff, name).await);
    }
    let (status, c) = call(
        &app,
        Method::POST,
        "/api/v1/campaigns",
        Some(&staff),
        Some(
            json!({"name": "Chợ Hà Khánh", "unit_code": HA_KHANH, "target": "list",
            "person_ids": ids, "deadline": "31/12/2099 16:00"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let id = c["id"].as_i64().unwrap();
    let mut b = support::Browser::logged_in(&db, &app, "laymau", HA_KHANH, "health_staff").await;
    let list = b
        .get(&format!("/campaigns/{id}/people?status=not_sampled"))
        .await;
    assert!(list.body.contains("id=\"take-all\""), "{}", list.body);
    assert!(
        list.body.contains("tất cả 3 người chưa lấy mẫu"),
        "{}",
        list.body
    );
    let csrf = list.csrf();
    let r = b
        .post(
            &format!("/campaigns/{id}/sample"),
            &[
                ("_csrf", &csrf),
                ("unit", ""),
                ("mode", "single_all"),
                ("specimen", "nasopharyngeal"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("/campaigns/{id}?sampled=3"));
    assert_eq!(db.rows("samples").await, 3);
}
