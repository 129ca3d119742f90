#![allow(clippy::unwrap_used)]
//! Health declarations through the JSON API and the person's own page
//! (`/k/…`) reached without an account. SQLite, or PostgreSQL when
//! PHONGDICH_TEST_POSTGRES is set.

mod support;

use support::{HA_KHANH, HA_PHONG, Resp as Answer, api, send, token};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use phongdich_store::testing::TestDb;
use phongdich_store::{Actor, NewUser};
use serde_json::json;

/// A request from the person's phone: no token, maybe a cookie, a form.
async fn phone(
    app: &Router,
    method: Method,
    path: &str,
    form: &str,
    extra: &[(&str, &str)],
) -> Answer {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, support::HOST);
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let req = if form.is_empty() {
        req.body(Body::empty())
    } else {
        req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.to_owned()))
    };
    send(app, req.unwrap()).await
}

#[tokio::test]
async fn staff_declare_and_link_and_the_person_declares_from_their_phone() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let t = token(&db, HA_KHANH, "quarantine_staff").await;
    let (status, person) = {
        let a = api(
            &app,
            Method::POST,
            "/api/v1/persons",
            Some(&t),
            Some(json!({"full_name": "Đặng Thị Hằng", "birth": "1980", "sex": "nữ", "commune_code": HA_KHANH, "confirm_not_duplicate": true})),
        )
        .await;
        (a.status, a.value())
    };
    assert_eq!(status, StatusCode::CREATED, "{person}");
    // Home quarantine from an epidemic area, started four days ago: day 5 of 14.
    let today = phongdich_domain::Clock::system().today();
    let start = (today - chrono::Days::new(4))
        .format("%d/%m/%Y")
        .to_string();
    let order = api(
        &app,
        Method::POST,
        "/api/v1/quarantine/orders",
        Some(&t),
        Some(json!({"person_id": person["id"], "situation": "from_epidemic_area", "start_on": start})),
    )
    .await;
    assert_eq!(order.status, StatusCode::CREATED, "{}", order.body);
    let order_id = order.value()["id"].as_i64().unwrap();
    let day = api(&app, Method::GET, "/api/v1/quarantine/day", Some(&t), None).await;
    assert_eq!(
        day.value()["missed_declaration"]["entries"][0]["order_id"],
        order_id,
        "{}",
        day.body
    );

    // Checked field by field, in both languages.
    let declarations = format!("/api/v1/quarantine/orders/{order_id}/declarations");
    let bad = api(
        &app,
        Method::POST,
        &declarations,
        Some(&t),
        Some(json!({"temperature": 50, "symptoms": ["sneezing"]})),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let bad = bad.value();
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["temperature", "symptoms"]);
    let made = api(
        &app,
        Method::POST,
        &declarations,
        Some(&t),
        Some(json!({"temperature": 38.2, "symptoms": ["cough"]})),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.value()["flagged"], true);
    let day = api(&app, Method::GET, "/api/v1/quarantine/day", Some(&t), None)
        .await
        .value();
    assert_eq!(day["missed_declaration"]["total"], json!(0));
    assert_eq!(day["declared_symptoms"][0]["order_id"], order_id);
    let list = api(&app, Method::GET, &declarations, Some(&t), None)
        .await
        .value();
    assert_eq!(list.as_array().unwrap().len(), 1);

    // Other communes do not see the order; viewers cannot declare.
    let neighbour = token(&db, HA_PHONG, "quarantine_staff").await;
    let link_path = format!("/api/v1/quarantine/orders/{order_id}/link");
    for path in [&declarations, &link_path] {
        let a = api(&app, Method::POST, path, Some(&neighbour), Some(json!({}))).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}: {}", a.body);
    }
    let viewer = token(&db, HA_KHANH, "viewer").await;
    let a = api(
        &app,
        Method::POST,
        &declarations,
        Some(&viewer),
        Some(json!({})),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);

    // The link: the person's page, without an account.
    let link = api(
        &app,
        Method::POST,
        &link_path,
        Some(&t),
        Some(json!({"contact_phone": "0203 3825 123"})),
    )
    .await;
    assert_eq!(link.status, StatusCode::CREATED, "{}", link.body);
    let link = link.value();
    let page_path = format!("/k/{}", link["token"].as_str().unwrap());
    let page = phone(&app, Method::GET, &page_path, "", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Hằng") && !page.body.contains("Đặng Thị"),
        "given name only"
    );
    assert!(page.body.contains("5/14"), "{}", page.body);
    assert!(
        page.body.contains("Đã khai báo hôm nay"),
        "staff's declaration counts"
    );

    // A post from another site is refused; one from the page, even with a
    // staff session in the same browser and no anti-forgery token, is taken.
    let form = "temperature=36%2C7&contact_with_f0=no&note=";
    let send_path = format!("{page_path}/declaration");
    let foreign = phone(
        &app,
        Method::POST,
        &send_path,
        form,
        &[("origin", "https://evil.example")],
    )
    .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    db.store
        .add_user(
            &Actor::system("test"),
            &NewUser {
                username: "cachly.hakhanh".into(),
                display_name: "Cán bộ cách ly".into(),
                unit_code: HA_KHANH.into(),
                role: "quarantine_staff".into(),
                password: "mat-khau-du-dai-2024".into(),
            },
        )
        .await
        .unwrap();
    let (_, session) = db
        .store
        .login("cachly.hakhanh", "mat-khau-du-dai-2024", "test")
        .await
        .unwrap();
    let cookie = format!("pd_session={}", session.token);
    let sent = phone(
        &app,
        Method::POST,
        &send_path,
        form,
        &[("origin", "http://phongdich.test"), ("cookie", &cookie)],
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), format!("{page_path}?sent=1"));
    let list = api(&app, Method::GET, &declarations, Some(&t), None)
        .await
        .value();
    assert_eq!(list[0]["temperature"], 36.7, "replaced: {list}");
    assert_eq!(
        list[0]["recorded_by"],
        format!("link:{}", link["link"]["id"])
    );
    let wrong = phone(&app, Method::POST, &send_path, "temperature=abc", &[]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Cần một số."), "{}", wrong.body);

    // The typed code leads to the same page.
    let code = link["code"].as_str().unwrap().to_lowercase();
    let typed = phone(
        &app,
        Method::POST,
        "/k",
        &format!("code={}-{}", &code[..4], &code[4..]),
        &[],
    )
    .await;
    assert_eq!(typed.status, StatusCode::SEE_OTHER);
    // The code stays out of the address (and so of the browser's history):
    // it rides in a cookie only this site's `/k` pages get.
    let upper = code.to_uppercase();
    assert_eq!(typed.location(), "/k/ma");
    let cookies = typed.set_cookies();
    let [set] = &cookies[..] else {
        panic!("one cookie: {:?}", cookies)
    };
    for part in [
        format!("pd_code={upper};"),
        "Path=/k".into(),
        "HttpOnly".into(),
        "SameSite=Strict".into(),
    ] {
        assert!(set.contains(&part), "{part} not in {set}");
    }
    let cookie = format!("pd_code={upper}");
    let by_code = phone(&app, Method::GET, "/k/ma", "", &[("cookie", &cookie)]).await;
    assert_eq!(by_code.status, StatusCode::OK, "{}", by_code.body);
    assert!(by_code.body.contains("Hằng"), "{}", by_code.body);
    assert!(
        by_code.body.contains("action=\"/k/ma/declaration\"") && !by_code.body.contains(&upper),
        "{}",
        by_code.body
    );
    let sent = phone(
        &app,
        Method::POST,
        "/k/ma/declaration",
        form,
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), "/k/ma?sent=1");
    // Without the cookie (another browser, or it expired): the code form.
    let forgotten = phone(&app, Method::GET, "/k/ma", "", &[]).await;
    assert_eq!(forgotten.status, StatusCode::SEE_OTHER);
    assert_eq!(forgotten.location(), "/k");
    let unknown = phone(
        &app,
        Method::GET,
        "/k/ZZZZ-ZZZZ",
        "",
        &[("cookie", "pd_lang=en")],
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(
        unknown.body.contains("The link or code is not right"),
        "{}",
        unknown.body
    );

    // Revoked: a clear page, not an error.
    let link_id = link["link"]["id"].as_i64().unwrap();
    let revoked = api(
        &app,
        Method::POST,
        &format!("/api/v1/links/{link_id}/revoke"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(revoked.value()["status"], "revoked", "{}", revoked.body);
    let gone = phone(&app, Method::GET, &page_path, "", &[]).await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(
        gone.body.contains("Đường dẫn đã bị thu hồi"),
        "{}",
        gone.body
    );
    let late = phone(&app, Method::POST, &send_path, form, &[]).await;
    assert_eq!(late.status, StatusCode::GONE);
    let a = api(
        &app,
        Method::POST,
        &format!("/api/v1/links/{link_id}/revoke"),
        Some(&neighbour),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}
