#![allow(clippy::unwrap_used)]
//! The web application as its users meet it, driven in process through the
//! whole router (authentication middleware included): API callers with tokens,
//! browsers with a session cookie and forms, across two communes of Hạ Long.
//! Runs on SQLite, or on PostgreSQL when PHONGDICH_TEST_POSTGRES is set.
//!
//! Requests come without a peer address here, so the audit log files them
//! under the source "local".

mod support;

use support::{
    Browser, HA_KHANH, HA_PHONG, HOST, PASSWORD, Resp, add_user, api, form_encode, named_token,
    send, token,
};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use phongdich_store::testing::TestDb;
use phongdich_store::{Actor, AuditEntry, AuditFilter};
use serde_json::{Value, json};
use std::net::SocketAddr;

// Hà Nội (01), Quận Ba Đình (001).
const BA_DINH: &str = "001";

/// Full identifiers of Bình, who lives in Hà Phong.
const BINH_ID: &str = "022190004321";
const BINH_PHONE: &str = "0987654321";

async fn api_get(app: &Router, path: &str, token: &str) -> Resp {
    api(app, Method::GET, path, Some(token), None).await
}

/// A problem document: status, media type and both messages.
fn assert_problem(r: &Resp, status: StatusCode, kind: &str) -> Value {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(
        r.header(header::CONTENT_TYPE),
        "application/problem+json",
        "{}",
        r.body
    );
    let p = r.json();
    assert_eq!(p["status"], status.as_u16(), "{p}");
    assert_eq!(p["type"], format!("/problems/{kind}"), "{p}");
    for key in ["title", "detail", "message_vi", "message_en"] {
        assert!(
            p[key].as_str().is_some_and(|s| !s.is_empty()),
            "{key} missing: {p}"
        );
    }
    p
}

async fn audit(db: &TestDb, action: &str) -> Vec<AuditEntry> {
    db.store
        .audit_entries(
            &Actor::system("t"),
            &AuditFilter {
                action: Some(action.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
}

async fn person_count(db: &TestDb) -> i64 {
    db.ints("SELECT COUNT(*) FROM persons").await[0].unwrap()
}

fn binh() -> Value {
    json!({
        "full_name": "Trần Thị Bình",
        "birth": "21/07/1990",
        "sex": "Nữ",
        "national_id": BINH_ID,
        "phone": BINH_PHONE,
        "commune_code": HA_PHONG,
    })
}

fn an() -> Value {
    json!({
        "full_name": "Nguyễn Văn An",
        "birth": "12/03/1985",
        "sex": "Nam",
        "national_id": "022085001234",
        "phone": "0912345678",
        "commune_code": HA_KHANH,
    })
}

/// A value for a URL query.
fn query(value: &str) -> String {
    form_encode(&[("", value)])[1..].to_owned()
}

fn token_names(r: &Resp) -> Vec<String> {
    let mut names: Vec<String> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort_unstable();
    names
}

/// Register a person through the API; returns the id.
async fn register(app: &Router, token: &str, person: Value) -> i64 {
    let r = api(
        app,
        Method::POST,
        "/api/v1/persons",
        Some(token),
        Some(person),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

// 1. API authentication.

#[tokio::test]
async fn the_api_needs_a_valid_unrevoked_token() {
    let db = TestDb::new().await;
    let app = support::app(&db);

    let r = api(&app, Method::GET, "/api/v1/persons", None, None).await;
    let p = assert_problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(
        p["message_vi"].as_str().unwrap().contains("đăng nhập"),
        "{p}"
    );
    assert!(p["message_en"].as_str().unwrap().contains("token"), "{p}");
    // Writes too, and a made-up token or a stale session cookie opens nothing.
    let r = api(&app, Method::POST, "/api/v1/persons", None, Some(an())).await;
    assert_problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    let r = api(&app, Method::GET, "/api/v1/persons", Some("pd_0000"), None).await;
    assert_problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    let mut stranger = Browser::new(&app);
    stranger
        .cookies
        .insert("pd_session".into(), "f00d".repeat(16));
    let r = stranger.get("/api/v1/persons").await;
    assert_problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(person_count(&db).await, 0);

    let (t, secret) = db
        .store
        .create_api_token(&Actor::system("test"), "hệ thống báo cáo", "22", "viewer")
        .await
        .unwrap();
    assert!(secret.starts_with("pd_"), "{secret}");
    let r = api_get(&app, "/api/v1/persons", &secret).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["items"], json!([]));

    db.store
        .revoke_api_token(&Actor::system("test"), t.id)
        .await
        .unwrap();
    let r = api_get(&app, "/api/v1/persons", &secret).await;
    let p = assert_problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(p["message_en"].as_str().unwrap().contains("revoked"), "{p}");

    // What anyone may read: liveness and the API's description.
    let r = api(&app, Method::GET, "/healthz", None, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "ok");
    let r = api(&app, Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["paths"]["/api/v1/persons"].is_object());
}

// 2. Login, session cookie, CSRF, logout, language.

#[tokio::test]
async fn a_wrong_password_shows_the_login_page_again_with_the_error() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    let app = support::app(&db);
    let mut b = Browser::new(&app);

    let r = b
        .post(
            "/login",
            &[
                ("username", "khanh.yte"),
                ("password", "sai-mat-khau-roi"),
                ("next", "/persons"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.set_cookies().is_empty(), "{:?}", r.set_cookies());
    assert!(r.body.contains("lang=\"vi\""), "{}", r.body);
    assert!(
        r.body.contains("Sai tên đăng nhập hoặc mật khẩu"),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"khanh.yte\""), "typed name kept");
    assert!(!r.body.contains("sai-mat-khau-roi"), "password not echoed");
    // An unknown account reads the same.
    let r = b
        .post(
            "/login",
            &[("username", "khong.co.ai"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Sai tên đăng nhập hoặc mật khẩu"));
    assert_eq!(b.get("/persons").await.status, StatusCode::SEE_OTHER);
}

/// A browser at an address: the peer the server sees (a client, or a proxy).
fn browser_at(app: &Router, peer: &str) -> Browser {
    let mut b = Browser::new(app);
    b.peer = Some(SocketAddr::new(peer.parse().unwrap(), 40000));
    b
}

async fn wrong_login(b: &mut Browser, username: &str) -> Resp {
    b.post(
        "/login",
        &[("username", username), ("password", "doan-mo-mat-khau")],
    )
    .await
}

async fn right_login(b: &mut Browser, username: &str) -> Resp {
    b.post("/login", &[("username", username), ("password", PASSWORD)])
        .await
}

#[track_caller]
fn assert_throttled(r: &Resp, retry_after: &str) {
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(r.header(header::RETRY_AFTER), retry_after);
    assert!(r.set_cookies().is_empty(), "{:?}", r.set_cookies());
}

#[tokio::test]
async fn an_attacker_hammering_an_account_does_not_lock_its_user_out() {
    let mut db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    db.store = (db.store.clone()).with_clock(phongdich_domain::Clock::fixed(chrono::Utc::now()));
    let app = support::app(&db);
    let mut attacker = browser_at(&app, "203.0.113.66");
    for _ in 0..5 {
        let r = wrong_login(&mut attacker, "khanh.yte").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    // Now the attacker waits, whatever it tries, and is told so in both languages.
    for _ in 0..20 {
        assert_throttled(&wrong_login(&mut attacker, "khanh.yte").await, "1");
    }
    let r = right_login(&mut attacker, "khanh.yte").await;
    assert_throttled(&r, "1");
    assert!(r.body.contains("hãy thử lại sau 1 giây"), "{}", r.body);
    attacker.get("/lang?to=en&next=/login").await;
    let r = right_login(&mut attacker, "khanh.yte").await;
    assert_throttled(&r, "1");
    assert!(r.body.contains("try again in 1 second"), "{}", r.body);

    // The user, from their own address, logs in.
    let mut user = browser_at(&app, "192.0.2.10");
    assert_eq!(
        right_login(&mut user, "khanh.yte").await.status,
        StatusCode::SEE_OTHER
    );
    // Five failures on file, one row for the whole throttled burst.
    assert_eq!(audit(&db, "login_failed").await.len(), 5);
    let throttled = audit(&db, "login_throttled").await;
    assert_eq!(throttled.len(), 1, "{throttled:?}");
    assert_eq!(throttled[0].source, "203.0.113.66");
    let logins = audit(&db, "login").await;
    assert_eq!(logins[0].source, "192.0.2.10");
}

#[tokio::test]
async fn behind_a_trusted_proxy_clients_are_told_apart_by_x_forwarded_for() {
    let mut db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    db.store = (db.store.clone()).with_clock(phongdich_domain::Clock::fixed(chrono::Utc::now()));
    let config = phongdich_web::Config {
        trusted_proxies: vec!["10.0.0.2".parse().unwrap(), "fd00::/8".parse().unwrap()],
        ..Default::default()
    };
    let app = phongdich_web::router_with(db.store.clone(), config);
    // Both come through the proxy at 10.0.0.2.
    let mut attacker = browser_at(&app, "10.0.0.2");
    // What the client sent itself comes first; the proxy appends the address it saw.
    attacker
        .headers
        .push(("x-forwarded-for", "192.0.2.10, 203.0.113.66".to_owned()));
    for _ in 0..5 {
        wrong_login(&mut attacker, "khanh.yte").await;
    }
    assert_throttled(&wrong_login(&mut attacker, "khanh.yte").await, "1");
    let failed = audit(&db, "login_failed").await;
    assert!(
        failed.iter().all(|e| e.source == "203.0.113.66"),
        "the right-most address not of a proxy: {failed:?}"
    );

    let mut user = browser_at(&app, "10.0.0.2");
    user.headers
        .push(("x-forwarded-for", "192.0.2.10".to_owned()));
    assert_eq!(
        right_login(&mut user, "khanh.yte").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(audit(&db, "login").await[0].source, "192.0.2.10");

    // Through two proxies of ours, and with the standard `Forwarded` header.
    let mut chained = browser_at(&app, "fd00::7");
    chained
        .headers
        .push(("x-forwarded-for", "198.51.100.23, 10.0.0.2".to_owned()));
    assert_eq!(
        right_login(&mut chained, "khanh.yte").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(audit(&db, "login").await[0].source, "198.51.100.23");
    let mut standard = browser_at(&app, "10.0.0.2");
    standard.headers.push((
        "forwarded",
        "for=192.0.2.99;proto=https, for=\"[2001:db8::5]:4711\"".to_owned(),
    ));
    assert_eq!(
        right_login(&mut standard, "khanh.yte").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(audit(&db, "login").await[0].source, "2001:db8::5");
}

#[tokio::test]
async fn an_untrusted_peers_forwarded_headers_are_ignored() {
    let mut db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    db.store = (db.store.clone()).with_clock(phongdich_domain::Clock::fixed(chrono::Utc::now()));
    let config = phongdich_web::Config {
        trusted_proxies: vec!["10.0.0.2".parse().unwrap()],
        ..Default::default()
    };
    let app = phongdich_web::router_with(db.store.clone(), config);
    let mut attacker = browser_at(&app, "203.0.113.66");
    for i in 0..5 {
        // A new address claimed each time does not make a new client.
        attacker.headers = vec![
            ("x-forwarded-for", format!("192.0.2.{i}")),
            ("forwarded", format!("for=192.0.2.{i}")),
        ];
        wrong_login(&mut attacker, "khanh.yte").await;
    }
    attacker.headers = vec![("x-forwarded-for", "192.0.2.77".to_owned())];
    assert_throttled(&right_login(&mut attacker, "khanh.yte").await, "1");
    let failed = audit(&db, "login_failed").await;
    assert!(
        failed.iter().all(|e| e.source == "203.0.113.66"),
        "{failed:?}"
    );
}

// Security headers on every answer.

#[track_caller]
fn assert_hardened(r: &Resp, what: &str) {
    let csp = r.header(header::CONTENT_SECURITY_POLICY);
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{what}: {part} not in {csp}");
    }
    assert!(!csp.contains("unsafe"), "{what}: {csp}");
    assert_eq!(r.header(header::X_FRAME_OPTIONS), "DENY", "{what}");
    assert_eq!(
        r.header(header::X_CONTENT_TYPE_OPTIONS),
        "nosniff",
        "{what}"
    );
    let referrer = r.header(header::REFERRER_POLICY);
    assert!(
        referrer == "same-origin" || referrer == "no-referrer",
        "{what}: {referrer}"
    );
}

#[tokio::test]
async fn pages_api_answers_and_static_files_carry_the_security_headers() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    let secret = named_token(&db, "tich-hop", HA_KHANH, "health_staff").await;
    let app = support::app(&db);

    // A page with personal data: never stored by the browser or a proxy.
    let mut b = Browser::new(&app);
    b.login("khanh.yte").await;
    let page = b.get("/persons").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_hardened(&page, "page");
    assert_eq!(page.header(header::CACHE_CONTROL), "no-store");
    // The login page and a refusal too.
    let login = Browser::new(&app).get("/login").await;
    assert_hardened(&login, "login page");
    assert_eq!(login.header(header::CACHE_CONTROL), "no-store");

    // An API answer, and an API refusal from the authentication layer.
    let answer = api_get(&app, "/api/v1/persons", &secret).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_hardened(&answer, "API");
    assert_eq!(answer.header(header::CACHE_CONTROL), "no-store");
    let refused = api_get(&app, "/api/v1/persons", "khong-phai-ma").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_hardened(&refused, "API refusal");
    assert_eq!(refused.header(header::CACHE_CONTROL), "no-store");

    // Static files may be cached; they are hardened all the same.
    for path in [
        "/static/app.css",
        "/static/chain.js",
        "/static/print.js",
        "/api/v1/docs.js",
    ] {
        let r = Browser::new(&app).get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_hardened(&r, path);
        assert_ne!(r.header(header::CACHE_CONTROL), "no-store", "{path}");
    }
}

/// The policy allows no inline script or style: the pages must need none.
#[test]
fn the_pages_have_no_inline_scripts_handlers_or_styles() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // The pages, and the API's documentation page.
    let mut files = vec![src.join("api/docs.rs")];
    for entry in std::fs::read_dir(src.join("pages")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for bad in [
            "onclick=",
            "onchange=",
            "onsubmit=",
            "onload=",
            "oninput=",
            "javascript:",
            " style=",
        ] {
            assert!(
                !text.contains(bad),
                "{}: {bad} would be blocked by the Content-Security-Policy",
                path.display()
            );
        }
        // A script element without a src is inline code, unless it holds data.
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (i, _) in line.match_indices("script ") {
                let rest = &line[i + "script ".len()..];
                if rest.starts_with('{') || rest.starts_with('#') || rest.starts_with("type=") {
                    assert!(
                        rest.contains("type=\"application/json\""),
                        "{}: inline script in {line}",
                        path.display()
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn login_sets_a_safe_cookie_that_opens_the_pages() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    let app = support::app(&db);

    // Without a session, pages lead to the login form and back.
    let mut b = Browser::new(&app);
    let r = b.get("/persons?q=an").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login?next=/persons%3Fq%3Dan");
    let form = b.get(r.location()).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("name=\"next\" value=\"/persons?q=an\""),
        "{}",
        form.body
    );

    let r = b.login("khanh.yte").await;
    assert_eq!(r.location(), "/persons");
    let cookies = r.set_cookies();
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    let flags: Vec<&str> = cookies[0].split("; ").collect();
    assert!(
        flags[0].starts_with("pd_session=") && flags[0].len() > 40,
        "{flags:?}"
    );
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(flags.contains(&flag), "{flag} missing: {flags:?}");
    }
    assert!(!flags.contains(&"Secure"), "plain HTTP: {flags:?}");

    let page = b.get("/persons").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<html lang=\"vi\">"), "{}", page.body);
    assert!(page.body.contains("Người dân"));
    assert!(page.body.contains("Đăng xuất"));

    // Behind a TLS-terminating proxy the cookie is marked Secure.
    let mut tls = Browser::new(&app);
    tls.headers.push(("x-forwarded-proto", "https".to_owned()));
    let r = tls.login("khanh.yte").await;
    let cookie = r.set_cookies()[0].to_owned();
    assert!(cookie.split("; ").any(|f| f == "Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert_ne!(tls.session(), b.session(), "each login has its own session");

    // `next` only ever leads to a page of this site.
    for next in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "/login",
    ] {
        let mut c = Browser::new(&app);
        let r = c
            .post(
                "/login",
                &[
                    ("username", "khanh.yte"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "next={next}: {}", r.body);
        assert_eq!(
            r.location(),
            "/quarantine",
            "next={next}: a health worker's day list"
        );
    }
    let mut c = Browser::new(&app);
    let r = c
        .post(
            "/login",
            &[
                ("username", "khanh.yte"),
                ("password", PASSWORD),
                ("next", "/units?q=ha"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/units?q=ha");
}

#[tokio::test]
async fn posts_with_a_session_need_the_csrf_token_and_our_origin() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    let app = support::app(&db);
    let mut b = Browser::new(&app);
    b.login("khanh.yte").await;
    let form = b.get("/persons/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let csrf = form.csrf();
    assert_eq!(csrf.len(), 64, "{csrf}");
    let person = |name: &'static str, nid: &'static str| {
        vec![
            ("full_name", name),
            ("birth", "1985"),
            ("sex", "male"),
            ("national_id", nid),
            ("commune_code", HA_KHANH),
        ]
    };

    // A form without the token, or with someone else's, changes nothing.
    let r = b
        .post("/persons/new", &person("Nguyễn Văn An", "022085001234"))
        .await;
    let p = assert_problem(&r, StatusCode::FORBIDDEN, "csrf");
    assert!(
        p["message_vi"].as_str().unwrap().contains("tải lại trang"),
        "{p}"
    );
    let mut forged = person("Nguyễn Văn An", "022085001234");
    forged.push(("_csrf", "0123456789abcdef"));
    assert_eq!(
        b.post("/persons/new", &forged).await.status,
        StatusCode::FORBIDDEN
    );
    // Nor does a script without the header, or a multipart upload whose first
    // part is not the token (a file first, the token after it, is refused too:
    // only the first part is read before the body goes on).
    let r = b.request(Method::POST, "/api/v1/persons", None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/import")
        .header(header::HOST, HOST)
        .header(
            header::COOKIE,
            format!("pd_session={}", b.session().unwrap()),
        )
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=X")
        .body(Body::from(format!(
            "--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx\r\n\
             --X\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--X--\r\n"
        )))
        .unwrap();
    assert_eq!(send(&app, req).await.status, StatusCode::FORBIDDEN);
    // Logging out is a change too.
    assert_eq!(b.post("/logout", &[]).await.status, StatusCode::FORBIDDEN);
    assert!(
        b.get("/persons").await.status == StatusCode::OK,
        "still logged in"
    );
    assert_eq!(person_count(&db).await, 0);

    // With the token from the page, it works: as a form field, …
    let mut ok = person("Nguyễn Văn An", "022085001234");
    ok.push(("_csrf", &csrf));
    let r = b.post("/persons/new", &ok).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().starts_with("/persons/"), "{}", r.location());
    assert_eq!(person_count(&db).await, 1);
    // … as the header scripts send, …
    req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/persons")
        .header(header::HOST, HOST)
        .header(
            header::COOKIE,
            format!("pd_session={}", b.session().unwrap()),
        )
        .header("x-csrf-token", csrf.as_str())
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(binh().to_string().replace(HA_PHONG, HA_KHANH)))
        .unwrap();
    let r = send(&app, req).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // … or in the query string.
    let third = person("Lê Văn Cường", "022085000111");
    let r = b
        .request(
            Method::POST,
            &format!("/persons/new?_csrf={csrf}"),
            Some(form_encode(&third)),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(person_count(&db).await, 3);
    // A form shown again after such a post does not carry the token on into
    // its links (and so into history, logs and Referer headers).
    let r = b
        .request(
            Method::POST,
            &format!("/persons/new?_csrf={csrf}"),
            Some(form_encode(&person("Lê Văn Dũng", "12345"))),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("next=/persons/new\""), "{}", r.body);
    assert!(!r.body.contains("_csrf%3D"), "{}", r.body);

    // Another site's page posting with the user's cookie and even the right
    // token is refused by its Origin; our own origin passes.
    b.headers
        .push(("origin", "https://evil.example".to_owned()));
    let mut evil = person("Kẻ Giả Mạo", "022085000999");
    evil.push(("_csrf", &csrf));
    let r = b.post("/persons/new", &evil).await;
    let p = assert_problem(&r, StatusCode::FORBIDDEN, "csrf");
    assert!(
        p["message_en"].as_str().unwrap().contains("another site"),
        "{p}"
    );
    // A look-alike host is another site too.
    b.headers[0].1 = format!("http://{HOST}.evil.example");
    assert_eq!(
        b.post("/persons/new", &evil).await.status,
        StatusCode::FORBIDDEN
    );
    // Even without a session (a login planted from elsewhere).
    let mut planted = Browser::new(&app);
    planted
        .headers
        .push(("origin", "https://evil.example".to_owned()));
    let r = planted
        .post(
            "/login",
            &[("username", "khanh.yte"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(planted.session().is_none());
    assert_eq!(person_count(&db).await, 3);

    b.headers[0].1 = format!("http://{HOST}");
    let r = b.post("/persons/new", &evil).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(person_count(&db).await, 4);
}

#[tokio::test]
async fn logging_out_ends_the_session() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    let app = support::app(&db);
    let mut b = Browser::new(&app);
    b.login("khanh.yte").await;
    let session = b.session().unwrap().to_owned();
    let csrf = b.csrf().await;

    let r = b.post("/logout", &[("_csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/login");
    let cleared = r.set_cookies()[0].to_owned();
    assert!(cleared.starts_with("pd_session=;"), "{cleared}");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert!(b.session().is_none());

    // The old cookie, kept by an attacker or a stale tab, opens nothing now.
    b.cookies.insert("pd_session".into(), session);
    let r = b.get("/persons").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"), "{}", r.location());
    let r = b.get("/api/v1/persons").await;
    assert_problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(audit(&db, "logout").await.len(), 1);
}

#[tokio::test]
async fn logging_in_again_from_a_logged_in_browser_replaces_the_session() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    add_user(&db, "khanh.admin", HA_KHANH, "admin").await;
    let app = support::app(&db);
    let mut b = Browser::new(&app);
    b.login("khanh.yte").await;
    let old = b.session().unwrap().to_owned();

    // The login page, opened while logged in, still logs in (as someone else).
    let form = b.get("/login").await;
    assert_eq!(form.status, StatusCode::OK);
    let mut fields = vec![
        ("username", "khanh.admin"),
        ("password", PASSWORD),
        ("next", "/users"),
    ];
    let csrf = form.csrf();
    fields.push(("_csrf", &csrf));
    let r = b.post("/login", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/users");
    assert_ne!(b.session().unwrap(), old);
    let users = b.get("/users").await;
    assert_eq!(users.status, StatusCode::OK, "{}", users.body);

    // The session from before is gone.
    let mut stale = Browser::new(&app);
    stale.cookies.insert("pd_session".into(), old);
    assert_eq!(stale.get("/persons").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_language_switch_keeps_to_this_site() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    let app = support::app(&db);
    let mut b = Browser::new(&app);
    b.login("khanh.yte").await;

    let r = b.get("/lang?to=en&next=/persons%3Fq%3Dan").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/persons?q=an");
    let cookie = r.set_cookies()[0];
    assert!(cookie.starts_with("pd_lang=en;"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    let page = b.get("/persons").await;
    assert!(page.body.contains("<html lang=\"en\">"), "{}", page.body);
    assert!(page.body.contains("People") && page.body.contains("Log out"));
    assert!(!page.body.contains("Đăng xuất"));
    // Errors come in English too.
    let r = b.get("/persons/999999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("No person 999999"), "{}", r.body);
    // And the login page of a logged-out browser.
    let mut anon = Browser::new(&app);
    anon.get("/lang?to=en&next=/login").await;
    assert!(anon.get("/login").await.body.contains("User name"));

    let r = b.get("/lang?to=vi&next=/persons").await;
    assert!(r.set_cookies()[0].starts_with("pd_lang=vi;"));
    assert!(b.get("/persons").await.body.contains("<html lang=\"vi\">"));

    // Never off to another site, however the address is dressed up.
    for next in [
        "//evil.com",
        "//evil.com/persons",
        "https://evil.com",
        "/%5Cevil.com",
        "/%5C%5Cevil.com",
        "/%09/evil.com",
        "%2F%2Fevil.com",
    ] {
        let r = b.get(&format!("/lang?to=en&next={next}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "next={next}: {}", r.body);
        let location = r.location();
        assert!(
            location.starts_with('/')
                && !location.starts_with("//")
                && !location.contains('\\')
                && !location.chars().any(char::is_control)
                && !location.contains("evil.com"),
            "next={next} → {location}"
        );
    }
}

// 3. Jurisdiction.

#[tokio::test]
async fn another_communes_person_is_invisible_through_the_api() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let khanh = named_token(&db, "yte-ha-khanh", HA_KHANH, "health_staff").await;
    let phong = named_token(&db, "yte-ha-phong", HA_PHONG, "health_staff").await;
    let an_id = register(&app, &khanh, an()).await;
    let binh_id = register(&app, &phong, binh()).await;

    // Hà Phong sees Bình (so the checks below are not empty by accident).
    let r = api_get(&app, &format!("/api/v1/persons/{binh_id}"), &phong).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for q in ["tran thi binh", BINH_ID, BINH_PHONE] {
        let r = api_get(&app, &format!("/api/v1/persons?q={}", query(q)), &phong).await;
        assert_eq!(r.json()["items"][0]["id"], binh_id, "q={q}: {}", r.body);
    }

    // Hà Khánh gets what a nonexistent id gets.
    let hidden = api_get(&app, &format!("/api/v1/persons/{binh_id}"), &khanh).await;
    let p = assert_problem(&hidden, StatusCode::NOT_FOUND, "not-found");
    let missing = api_get(&app, "/api/v1/persons/999999", &khanh).await;
    let m = assert_problem(&missing, StatusCode::NOT_FOUND, "not-found");
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&p), keys(&m));
    for key in ["message_vi", "message_en", "detail"] {
        assert_eq!(
            p[key].as_str().unwrap().replace(&binh_id.to_string(), "N"),
            m[key].as_str().unwrap().replace("999999", "N"),
            "{p} / {m}"
        );
    }
    assert!(!hidden.body.contains("Bình") && !hidden.body.contains(BINH_ID));

    let mut edit = binh();
    edit["full_name"] = json!("Trần Thị Bình Sửa");
    edit["version"] = json!(1);
    let r = api(
        &app,
        Method::PUT,
        &format!("/api/v1/persons/{binh_id}"),
        Some(&khanh),
        Some(edit.clone()),
    )
    .await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    // Moving her into Hà Khánh is no way in either.
    edit["commune_code"] = json!(HA_KHANH);
    let r = api(
        &app,
        Method::PUT,
        &format!("/api/v1/persons/{binh_id}"),
        Some(&khanh),
        Some(edit),
    )
    .await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");

    for q in ["tran thi binh", "binh", BINH_ID, BINH_PHONE] {
        let path = format!("/api/v1/persons?q={}", query(q));
        let r = api_get(&app, &path, &khanh).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["items"], json!([]), "q={q}");
    }
    let r = api_get(&app, "/api/v1/persons", &khanh).await;
    let ids: Vec<i64> = r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [an_id]);
    let r = api_get(&app, &format!("/api/v1/persons?unit={HA_PHONG}"), &khanh).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");

    // No merging across the line, in either direction.
    for (kept, merged) in [(an_id, binh_id), (binh_id, an_id)] {
        let r = api(
            &app,
            Method::POST,
            "/api/v1/merges",
            Some(&khanh),
            Some(json!({ "kept_id": kept, "merged_id": merged })),
        )
        .await;
        assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    }
    // Nor registering someone into Hà Phong.
    let mut cuong = an();
    cuong["full_name"] = json!("Lê Văn Cường");
    cuong["national_id"] = json!("");
    cuong["phone"] = json!("");
    cuong["commune_code"] = json!(HA_PHONG);
    let r = api(
        &app,
        Method::POST,
        "/api/v1/persons",
        Some(&khanh),
        Some(cuong),
    )
    .await;
    let p = assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "commune_code", "{p}");
    // Nor adding a hamlet there.
    let admin = named_token(&db, "admin-ha-khanh", HA_KHANH, "admin").await;
    let r = api(
        &app,
        Method::POST,
        &format!("/api/v1/units/{HA_PHONG}/hamlets"),
        Some(&admin),
        Some(json!({ "name": "Tổ 99" })),
    )
    .await;
    assert!(r.status.is_client_error(), "{} {}", r.status, r.body);

    let r = api_get(&app, &format!("/api/v1/persons/{binh_id}"), &phong).await;
    assert_eq!(r.json()["full_name"], "Trần Thị Bình");
    assert_eq!(r.json()["version"], 1);
    assert_eq!(r.json()["merged_into"], Value::Null);
    assert_eq!(person_count(&db).await, 2);
}

#[tokio::test]
async fn another_communes_person_is_invisible_on_the_pages() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    add_user(&db, "phong.yte", HA_PHONG, "health_staff").await;
    let app = support::app(&db);
    let khanh_token = named_token(&db, "yte-ha-khanh", HA_KHANH, "health_staff").await;
    let phong_token = named_token(&db, "yte-ha-phong", HA_PHONG, "health_staff").await;
    let an_id = register(&app, &khanh_token, an()).await;
    let binh_id = register(&app, &phong_token, binh()).await;

    let mut phong = Browser::new(&app);
    phong.login("phong.yte").await;
    let r = phong.get(&format!("/persons/{binh_id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Trần Thị Bình") && r.body.contains(BINH_ID));
    assert!(
        phong
            .get("/persons?q=tran+thi+binh")
            .await
            .body
            .contains("Trần Thị Bình")
    );

    let mut khanh = Browser::new(&app);
    khanh.login("khanh.yte").await;
    let csrf = khanh.csrf().await;
    for path in [
        format!("/persons/{binh_id}"),
        format!("/persons/{binh_id}/edit"),
    ] {
        let r = khanh.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
        assert!(
            r.body.contains("<html lang=\"vi\">"),
            "an error page: {}",
            r.body
        );
        assert!(r.body.contains("Không tìm thấy người"), "{}", r.body);
        assert!(
            !r.body.contains("Bình") && !r.body.contains(BINH_ID),
            "{}",
            r.body
        );
    }
    let r = khanh
        .post(
            &format!("/persons/{binh_id}/edit"),
            &[
                ("_csrf", &csrf),
                ("full_name", "Trần Thị Bình Sửa"),
                ("birth", "1990"),
                ("sex", "female"),
                ("commune_code", HA_KHANH),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    for q in ["tran+thi+binh", BINH_ID, BINH_PHONE] {
        let r = khanh.get(&format!("/persons?q={q}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains("Bình"), "q={q}: {}", r.body);
        assert!(r.body.contains("Không có ai phù hợp."), "q={q}");
    }
    let list = khanh.get("/persons").await;
    assert!(list.body.contains("Nguyễn Văn An") && !list.body.contains("Bình"));
    let r = khanh
        .post(
            "/merges",
            &[
                ("_csrf", &csrf),
                ("kept_id", &an_id.to_string()),
                ("merged_id", &binh_id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = khanh
        .get(&format!("/persons/export?unit={HA_PHONG}&format=csv"))
        .await;
    assert!(r.status.is_client_error(), "{}: {}", r.status, r.body);
    assert!(!r.body.contains("Bình"));

    let r = phong.get(&format!("/persons/{binh_id}")).await;
    assert!(
        r.body.contains("Trần Thị Bình") && r.body.contains("(v1)"),
        "{}",
        r.body
    );
    assert_eq!(
        db.ints("SELECT COUNT(*) FROM persons WHERE merged_into IS NOT NULL")
            .await,
        [Some(0)]
    );
}

#[tokio::test]
async fn administrators_read_only_their_own_jurisdictions_audit_log() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let khanh = named_token(&db, "yte-ha-khanh", HA_KHANH, "health_staff").await;
    let phong = named_token(&db, "yte-ha-phong", HA_PHONG, "health_staff").await;
    let khanh_admin = named_token(&db, "admin-ha-khanh", HA_KHANH, "admin").await;
    let phong_admin = named_token(&db, "admin-ha-phong", HA_PHONG, "admin").await;
    let ba_dinh_admin = named_token(&db, "admin-ba-dinh", BA_DINH, "admin").await;
    let an_id = register(&app, &khanh, an()).await;
    let binh_id = register(&app, &phong, binh()).await;
    // A look at Bình in full is on file in Hà Phong.
    api_get(&app, &format!("/api/v1/persons/{binh_id}"), &phong).await;

    let entries = |r: Resp| -> Vec<Value> {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json().as_array().unwrap().clone()
    };
    let about = |es: &[Value], entity: &str, id: i64| {
        es.iter()
            .filter(|e| {
                e["entity"] == entity
                    && e["entity_id"].as_str().and_then(|s| s.parse::<i64>().ok()) == Some(id)
            })
            .count()
    };

    let theirs = entries(api_get(&app, "/api/v1/audit", &phong_admin).await);
    assert_eq!(
        about(&theirs, "person", binh_id),
        2,
        "create and view: {theirs:?}"
    );
    assert_eq!(about(&theirs, "person", an_id), 0);

    let ours = entries(api_get(&app, "/api/v1/audit", &khanh_admin).await);
    assert_eq!(about(&ours, "person", an_id), 1, "{ours:?}");
    assert_eq!(about(&ours, "person", binh_id), 0, "{ours:?}");
    for e in &ours {
        assert_ne!(e["unit_code"], HA_PHONG, "{e}");
        assert!(!e.to_string().contains("Bình"), "{e}");
    }
    // Asking for it by name changes nothing.
    let r = api_get(
        &app,
        &format!("/api/v1/audit?entity=person&entity_id={binh_id}"),
        &khanh_admin,
    )
    .await;
    assert_eq!(entries(r), Vec::<Value>::new());

    // Ba Đình (Hà Nội) sees nothing of Quảng Ninh.
    let far = entries(api_get(&app, "/api/v1/audit", &ba_dinh_admin).await);
    for e in &far {
        assert!(
            !["22", "193", HA_KHANH, HA_PHONG].contains(&e["unit_code"].as_str().unwrap_or("")),
            "{e}"
        );
        assert_ne!(e["entity"], "person", "{e}");
    }
    let r = api_get(&app, "/api/v1/persons", &ba_dinh_admin).await;
    assert_eq!(r.json()["items"], json!([]));
    for id in [an_id, binh_id] {
        let r = api_get(&app, &format!("/api/v1/persons/{id}"), &ba_dinh_admin).await;
        assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    }
    let r = api_get(&app, "/api/v1/duplicates", &ba_dinh_admin).await;
    assert_eq!(r.json(), json!([]));
    // Nor its accounts and tokens.
    let r = api_get(&app, "/api/v1/tokens", &ba_dinh_admin).await;
    assert_eq!(token_names(&r), ["admin-ba-dinh"]);
    let r = api_get(&app, "/api/v1/tokens", &khanh_admin).await;
    assert_eq!(token_names(&r), ["admin-ha-khanh", "yte-ha-khanh"]);
    let phong_token_id = db
        .store
        .api_tokens(&phongdich_store::Scope::national())
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "yte-ha-phong")
        .unwrap()
        .id;
    let r = api(
        &app,
        Method::POST,
        &format!("/api/v1/tokens/{phong_token_id}/revoke"),
        Some(&khanh_admin),
        None,
    )
    .await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    assert_eq!(
        api_get(&app, "/api/v1/persons", &phong).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_audit_pages_keep_to_the_administrators_commune() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.admin", HA_KHANH, "admin").await;
    add_user(&db, "phong.yte", HA_PHONG, "health_staff").await;
    let app = support::app(&db);
    let phong = named_token(&db, "yte-ha-phong", HA_PHONG, "health_staff").await;
    let khanh = named_token(&db, "yte-ha-khanh", HA_KHANH, "health_staff").await;
    register(&app, &phong, binh()).await;
    register(&app, &khanh, an()).await;

    // A row a careless script wrote: in the CSV its cells cannot run.
    db.execute(&format!(
        "INSERT INTO audit_log (at, actor, source, action, entity, entity_id, unit_code, \
         province_code, district_code, commune_code) \
         VALUES ('{}', '=HYPERLINK(\"http://x\")', '@cmd', 'create', 'person', '-1+1', '{HA_KHANH}', \
         '22', '193', '{HA_KHANH}')",
        chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ")
    ))
    .await
    .unwrap();
    let mut b = Browser::new(&app);
    b.login("khanh.admin").await;
    for path in ["/audit", "/audit.csv", "/audit?entity=person"] {
        let r = b.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.body.contains("Nguyễn Văn An"), "{path}: {}", r.body);
        assert!(
            !r.body.contains("Bình") && !r.body.contains(BINH_ID),
            "{path}"
        );
        if path == "/audit.csv" {
            assert!(
                r.body
                    .contains(",\"'=HYPERLINK(\"\"http://x\"\")\",'@cmd,create,person,'-1+1,"),
                "{}",
                r.body
            );
        }
    }
    let users = b.get("/users").await;
    assert!(users.body.contains("khanh.admin") && !users.body.contains("phong.yte"));
    let tokens = b.get("/tokens").await;
    assert!(tokens.body.contains("yte-ha-khanh") && !tokens.body.contains("yte-ha-phong"));
    let csrf = users.csrf();
    let r = b
        .post(
            "/users/phong.yte",
            &[("_csrf", &csrf), ("action", "disable")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let disabled = db
        .ints("SELECT COUNT(*) FROM users WHERE disabled_at IS NOT NULL")
        .await;
    assert_eq!(disabled, [Some(0)]);
}

// 4. Privacy.

#[tokio::test]
async fn identifiers_are_masked_for_viewers_and_audited_for_health_staff() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.xem", HA_KHANH, "viewer").await;
    let app = support::app(&db);
    let staff = named_token(&db, "yte-ha-khanh", HA_KHANH, "health_staff").await;
    let viewer = named_token(&db, "bao-cao", HA_KHANH, "viewer").await;
    let volunteer = named_token(&db, "tinh-nguyen", "22", "aid_volunteer").await;
    let id = register(&app, &staff, an()).await;
    let before = audit(&db, "view_identifiers").await.len();

    for t in [&viewer, &volunteer] {
        let list = api_get(&app, "/api/v1/persons", t).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        let one = api_get(&app, &format!("/api/v1/persons/{id}"), t).await;
        assert_eq!(one.status, StatusCode::OK, "{}", one.body);
        for (r, p) in [(&list, list.json()["items"][0].clone()), (&one, one.json())] {
            assert_eq!(p["id"], id);
            assert_eq!(p["full_name"], "Nguyễn Văn An");
            assert_eq!(p["national_id"], "•••••••••234", "{p}");
            assert_eq!(p["phone"], "•••••••678", "{p}");
            assert!(!r.body.contains("022085001234") && !r.body.contains("0912345678"));
        }
    }
    assert_eq!(
        audit(&db, "view_identifiers").await.len(),
        before,
        "nothing shown, nothing to record"
    );
    // A viewer's pages mask them too.
    let mut b = Browser::new(&app);
    b.login("khanh.xem").await;
    for path in ["/persons".to_owned(), format!("/persons/{id}")] {
        let r = b.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(
            r.body.contains("•••••••••234") && r.body.contains("•••••••678"),
            "{path}"
        );
        assert!(
            !r.body.contains("022085001234") && !r.body.contains("0912345678"),
            "{path}"
        );
    }

    let one = api_get(&app, &format!("/api/v1/persons/{id}"), &staff).await;
    assert_eq!(one.json()["national_id"], "022085001234");
    assert_eq!(one.json()["phone"], "0912345678");
    let list = api_get(&app, "/api/v1/persons?q=nguyen+van+an", &staff).await;
    assert_eq!(list.json()["items"][0]["national_id"], "022085001234");
    let views = audit(&db, "view_identifiers").await;
    assert_eq!(views.len(), before + 2, "{views:?}");
    for v in &views[..2] {
        assert_eq!(v.actor, "token:yte-ha-khanh");
        assert_eq!(v.source, "local");
        assert_eq!(v.entity, "person");
        assert_eq!(v.entity_id, id.to_string());
        assert_eq!(v.unit_code.as_deref(), Some(HA_KHANH));
        assert_eq!(v.after.as_ref().unwrap()["person_ids"], json!([id]));
    }
}

// 5. Permissions.

#[tokio::test]
async fn roles_decide_what_a_caller_may_do() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    add_user(&db, "khanh.xem", HA_KHANH, "viewer").await;
    let app = support::app(&db);
    let viewer = named_token(&db, "bao-cao", HA_KHANH, "viewer").await;
    let staff = named_token(&db, "yte-ha-khanh", HA_KHANH, "health_staff").await;

    let r = api(
        &app,
        Method::POST,
        "/api/v1/persons",
        Some(&viewer),
        Some(an()),
    )
    .await;
    let p = assert_problem(&r, StatusCode::FORBIDDEN, "forbidden");
    assert!(p["message_vi"].as_str().unwrap().contains("Vai trò"), "{p}");
    // Refused for the role before the input is even looked at.
    let r = api(
        &app,
        Method::POST,
        "/api/v1/persons",
        Some(&viewer),
        Some(json!({ "full_name": "" })),
    )
    .await;
    assert_problem(&r, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(person_count(&db).await, 0);

    let id = register(&app, &staff, an()).await;
    let mut edit = an();
    edit["occupation"] = json!("giáo viên");
    edit["version"] = json!(1);
    let r = api(
        &app,
        Method::PUT,
        &format!("/api/v1/persons/{id}"),
        Some(&viewer),
        Some(edit.clone()),
    )
    .await;
    assert_problem(&r, StatusCode::FORBIDDEN, "forbidden");
    let r = api(
        &app,
        Method::PUT,
        &format!("/api/v1/persons/{id}"),
        Some(&staff),
        Some(edit),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["occupation"], "giáo viên");
    for path in ["/api/v1/users", "/api/v1/tokens", "/api/v1/audit"] {
        let r = api_get(&app, path, &staff).await;
        assert_problem(&r, StatusCode::FORBIDDEN, "forbidden");
    }
    let r = api(
        &app,
        Method::POST,
        "/api/v1/tokens",
        Some(&staff),
        Some(json!({ "name": "x", "unit_code": HA_KHANH, "role": "admin" })),
    )
    .await;
    assert_problem(&r, StatusCode::FORBIDDEN, "forbidden");

    let mut b = Browser::new(&app);
    b.login("khanh.yte").await;
    let nav = b.get("/persons").await;
    assert!(
        !nav.body.contains("href=\"/users\""),
        "no link to what is refused"
    );
    for path in ["/users", "/tokens", "/audit", "/audit.csv"] {
        let r = b.get(path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
        assert!(
            r.header(header::CONTENT_TYPE).starts_with("text/html"),
            "{path}"
        );
        assert!(r.body.contains("403"), "{path}");
        assert!(
            r.body.contains("Vai trò của bạn không được phép"),
            "{path}: {}",
            r.body
        );
    }
    let csrf = b.csrf().await;
    let r = b
        .post(
            "/users",
            &[
                ("_csrf", &csrf),
                ("username", "ke.gian"),
                ("display_name", "Kẻ Gian"),
                ("unit_code", HA_KHANH),
                ("role", "admin"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        db.ints("SELECT COUNT(*) FROM users WHERE username = 'ke.gian'")
            .await,
        [Some(0)]
    );

    let mut v = Browser::new(&app);
    v.login("khanh.xem").await;
    assert_eq!(v.get("/persons/new").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        v.get(&format!("/persons/{id}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        v.get(&format!("/persons/{id}")).await.status,
        StatusCode::OK
    );
}

// 6. Forms.

#[tokio::test]
async fn the_person_form_shows_errors_beside_fields_and_keeps_what_was_typed() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    let app = support::app(&db);
    let mut b = Browser::new(&app);
    b.login("khanh.yte").await;
    let form = b.get("/persons/new").await;
    assert!(
        form.body.contains(&format!(
            "<option value=\"{HA_KHANH}\" title=\"{HA_KHANH}\" selected>Phường Hà Khánh</option>"
        )),
        "commune chosen by name: {}",
        form.body
    );
    let csrf = form.csrf();
    let mut fields = vec![
        ("_csrf", csrf.as_str()),
        ("full_name", "Trần Thị Bình"),
        ("birth", "21/07/1990"),
        ("sex", "female"),
        ("national_id", "12345"),
        ("phone", BINH_PHONE),
        ("commune_code", HA_KHANH),
        ("street_address", "Số 7, tổ 2"),
    ];

    let r = b.post("/persons/new", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let at = r
        .body
        .find("id=\"err-national_id\"")
        .unwrap_or_else(|| panic!("{}", r.body));
    let error: String = r.body[at..].chars().take(200).collect();
    assert!(
        error.contains("Số định danh «12345» không hợp lệ"),
        "{error}"
    );
    let input = r.body.find("name=\"national_id\"").unwrap();
    assert!(
        at > input && at - input < 300,
        "the error sits beside its field"
    );
    assert!(r.body.contains("name=\"national_id\" value=\"12345\" aria-invalid=\"true\" aria-describedby=\"err-national_id\""), "{}", r.body);
    assert!(
        r.body
            .contains("name=\"full_name\" value=\"Trần Thị Bình\""),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("name=\"street_address\" value=\"Số 7, tổ 2\"")
    );
    assert!(r.body.contains("option value=\"female\" selected"));
    assert!(r.body.contains("Chưa lưu"), "{}", r.body);
    assert!(
        !r.body.contains("id=\"err-full_name\""),
        "only the faulty field is marked"
    );
    assert_eq!(person_count(&db).await, 0, "nothing stored");

    fields[4].1 = BINH_ID;
    let r = b.post("/persons/new", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = db.ints("SELECT id FROM persons").await[0].unwrap();
    assert_eq!(r.location(), format!("/persons/{id}?done=registered"));
    let page = b.get(r.location()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Trần Thị Bình") && page.body.contains(BINH_ID));
    assert!(page.body.contains("Đã đăng ký người mới."), "{}", page.body);

    // The same national ID again: refused beside the field, naming the record.
    fields[1].1 = "Trần Bình";
    let r = b.post("/persons/new", &fields).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("id=\"err-national_id\""));
    assert!(r.body.contains(&format!("hồ sơ #{id}")), "{}", r.body);
    assert_eq!(person_count(&db).await, 1);
}

// 7. Audit of logins and changes.

#[tokio::test]
async fn logins_and_changes_are_in_the_audit_log_with_before_and_after() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    let app = support::app(&db);
    let mut b = Browser::new(&app);
    let r = b
        .post(
            "/login",
            &[("username", "khanh.yte"), ("password", "sai-mat-khau-1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    b.login("khanh.yte").await;
    let csrf = b.csrf().await;
    let r = b
        .post(
            "/persons/new",
            &[
                ("_csrf", &csrf),
                ("full_name", "Nguyễn Văn An"),
                ("birth", "12/03/1985"),
                ("sex", "male"),
                ("commune_code", HA_KHANH),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location().split('?').next().unwrap().to_owned();
    let id = path.rsplit('/').next().unwrap().to_owned();
    let edit = b.get(&format!("{path}/edit")).await;
    assert!(
        edit.body.contains("name=\"version\" value=\"1\""),
        "{}",
        edit.body
    );
    let r = b
        .post(
            &format!("{path}/edit"),
            &[
                ("_csrf", &csrf),
                ("version", "1"),
                ("full_name", "Nguyễn Văn Ân"),
                ("birth", "12/03/1985"),
                ("sex", "male"),
                ("commune_code", HA_KHANH),
                ("occupation", "ngư dân"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // An edit based on the old version is refused, not lost silently.
    let r = b
        .post(
            &format!("{path}/edit"),
            &[
                ("_csrf", &csrf),
                ("version", "1"),
                ("full_name", "Nguyễn An"),
                ("birth", "1985"),
                ("sex", "male"),
                ("commune_code", HA_KHANH),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    let failed = audit(&db, "login_failed").await;
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].entity_id, "khanh.yte");
    assert_eq!(failed[0].source, "local");
    assert_eq!(
        failed[0].unit_code.as_deref(),
        Some(HA_KHANH),
        "filed under the account's unit"
    );
    let logins = audit(&db, "login").await;
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0].actor, "khanh.yte");
    assert_eq!(logins[0].source, "local");
    assert!(logins[0].id > failed[0].id);

    let created = audit(&db, "create")
        .await
        .into_iter()
        .filter(|e| e.entity == "person")
        .collect::<Vec<_>>();
    assert_eq!(created.len(), 1);
    let c = &created[0];
    assert_eq!(c.actor, "khanh.yte");
    assert_eq!(c.entity_id, id);
    assert_eq!(c.unit_code.as_deref(), Some(HA_KHANH));
    assert_eq!(c.before, None);
    assert_eq!(c.after.as_ref().unwrap()["full_name"], "Nguyễn Văn An");

    let updated = audit(&db, "update").await;
    assert_eq!(updated.len(), 1, "the stale edit left no entry");
    let u = &updated[0];
    assert_eq!(u.actor, "khanh.yte");
    assert_eq!(u.entity_id, id);
    assert_eq!(u.before.as_ref().unwrap()["full_name"], "Nguyễn Văn An");
    assert_eq!(u.before.as_ref().unwrap()["occupation"], Value::Null);
    assert_eq!(u.after.as_ref().unwrap()["full_name"], "Nguyễn Văn Ân");
    assert_eq!(u.after.as_ref().unwrap()["occupation"], "ngư dân");
    assert_eq!(u.after.as_ref().unwrap()["version"], 2);
}

/// A multipart upload of `csv` as the import page sends it, with `length`
/// as its Content-Length when given (a client may announce any).
fn upload_request(session: &str, csrf: &str, csv: &str, length: Option<u64>) -> Request<Body> {
    // The token is the upload's first part, as the page sends it (issue 18
    // §3: never in the address).
    let body = format!(
        "--X\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
         --X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ds.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--X--\r\n"
    );
    let length = length.unwrap_or(body.len() as u64);
    Request::builder()
        .method(Method::POST)
        .uri("/import")
        .header(header::HOST, HOST)
        .header(header::COOKIE, format!("pd_session={session}"))
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=X")
        .header(header::CONTENT_LENGTH, length)
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn bodies_have_limits_and_imports_wait_their_turn() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    let app = support::app(&db);
    let mut b = Browser::new(&app);
    b.login("khanh.yte").await;
    let csrf = b.get("/import").await.csrf();
    let session = b.session().unwrap().to_owned();
    let csv = format!("Họ và tên,Năm sinh,Giới tính,Mã xã\nNguyễn Văn An,1985,Nam,{HA_KHANH}\n");

    // An upload announcing more than 50 MB is refused before it is read.
    let r = send(
        &app,
        upload_request(&session, &csrf, &csv, Some(60_000_000)),
    )
    .await;
    let p = assert_problem(&r, StatusCode::PAYLOAD_TOO_LARGE, "too-large");
    assert!(p["message_vi"].as_str().unwrap().contains("50 MB"), "{p}");
    assert!(p["message_en"].as_str().unwrap().contains("50 MB"), "{p}");
    // A JSON body past 1 MB too.
    let token = named_token(&db, "script", HA_KHANH, "health_staff").await;
    let mut big = an();
    big["street_address"] = Value::String("x".repeat(1_100_000));
    let r = api(
        &app,
        Method::POST,
        "/api/v1/persons",
        Some(&token),
        Some(big),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert_eq!(person_count(&db).await, 0);
    // Without the token (or with another), refused; no page puts it in an address.
    let r = send(&app, upload_request(&session, "forged", &csv, None)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    for path in ["/import", "/tracing", "/testing", "/campaigns"] {
        let page = b.get(path).await;
        assert!(!page.body.contains("_csrf="), "{path}: {}", page.body);
    }
    // A small upload goes through.
    let r = send(&app, upload_request(&session, &csrf, &csv, None)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location().starts_with("/import/runs/"),
        "{}",
        r.location()
    );
    assert_eq!(person_count(&db).await, 1);
    // The page lists it among the user's imports, with its state.
    let page = b.get("/import").await;
    assert!(page.body.contains("id=\"import-runs\""), "{}", page.body);
    assert!(
        page.body.contains("ds.csv") && page.body.contains("xong"),
        "{}",
        page.body
    );

    // With every place for an import taken, another waits its turn.
    let full = phongdich_web::router_with(
        db.store.clone(),
        phongdich_web::Config {
            import_slots: 0,
            ..Default::default()
        },
    );
    let r = send(&full, upload_request(&session, &csrf, &csv, None)).await;
    let p = assert_problem(&r, StatusCode::SERVICE_UNAVAILABLE, "busy");
    assert!(p["message_vi"].as_str().unwrap().contains("thử lại"), "{p}");
    assert_eq!(r.header(header::RETRY_AFTER), "60");
    assert_eq!(
        send(
            &full,
            Request::builder()
                .uri("/import")
                .header(header::HOST, HOST)
                .header(header::COOKIE, format!("pd_session={session}"))
                .body(Body::empty())
                .unwrap()
        )
        .await
        .status,
        StatusCode::OK,
        "the page itself is not an import"
    );
    assert_eq!(person_count(&db).await, 1);
}

/// A record that is not there (or not the caller's) is named in both
/// languages, not as "a record" (issue 17 §7).
#[tokio::test]
async fn not_found_names_the_record_in_both_languages() {
    let db = TestDb::new().await;
    let t = token(&db, HA_KHANH, "health_staff").await;
    let app = support::app(&db);
    for (path, vi, en) in [
        ("/api/v1/campaigns/987654", "đợt xét nghiệm", "campaign"),
        ("/api/v1/clusters/987654", "ổ dịch", "cluster"),
        ("/api/v1/persons/987654", "người", "person"),
    ] {
        let (status, p) = support::get(&app, path, &t).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {p}");
        let (mvi, men) = (
            p["message_vi"].as_str().unwrap(),
            p["message_en"].as_str().unwrap(),
        );
        assert!(
            mvi.contains(&format!("Không tìm thấy {vi} 987654")),
            "{mvi}"
        );
        assert!(men.contains(&format!("No {en} 987654")), "{men}");
    }
}

/// Issue 18, bug 3: the import page spoke in codes — `refused_invalid`,
/// `full_name: …`, a link into the API. Now the outcome and the field are in
/// the reader's language, and a refused duplicate links to the person's page.
#[tokio::test]
async fn an_import_report_speaks_the_readers_language() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    let app = support::app(&db);
    let mut b = Browser::new(&app);
    b.login("khanh.yte").await;
    let csrf = b.get("/import").await.csrf();
    let session = b.session().unwrap().to_owned();
    let csv = format!(
        "Họ và tên,Năm sinh,Giới tính,Mã xã,Số CCCD/CMND\n\
         Nguyễn Văn An,1985,Nam,{HA_KHANH},022085000123\n\
         ,1990,Nữ,{HA_KHANH},\n"
    );
    // Redirected after the post (a reload does not import twice) to the
    // import's own page, finished: a small file is done before the answer.
    let posted = send(&app, upload_request(&session, &csrf, &csv, None)).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let r = b.get(posted.location()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Từ chối: dữ liệu sai"), "{}", r.body);
    assert!(
        !r.body.contains("http-equiv=\"refresh\""),
        "finished: {}",
        r.body
    );
    // The whole row report, to download; another user's is not theirs to read.
    let file = b.get(&format!("{}/report.csv", posted.location())).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    assert!(
        file.header(header::CONTENT_DISPOSITION)
            .starts_with("attachment")
    );
    assert!(
        file.body.contains("refused_invalid") && file.body.lines().count() == 2,
        "{}",
        file.body
    );
    add_user(&db, "phong.yte", HA_PHONG, "health_staff").await;
    let mut other = Browser::new(&app);
    other.login("phong.yte").await;
    assert_eq!(
        other.get(posted.location()).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .get(&format!("{}/report.csv", posted.location()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(r.body.contains("Họ và tên: "), "{}", r.body);
    for raw in ["refused_invalid", "full_name:", "/api/v1/persons"] {
        assert!(!r.body.contains(raw), "{raw}: {}", r.body);
    }
    // The same person again: refused, linked to the page of the record.
    let again = send(&app, upload_request(&session, &csrf, &csv, None)).await;
    let again = b.get(again.location()).await;
    assert!(
        again.body.contains("Từ chối: trùng số định danh"),
        "{}",
        again.body
    );
    let href = support::href_after(&again.body, "id=\"import-report\"");
    assert!(href.starts_with("/persons/"), "{href}");
    assert!(!again.body.contains("/api/v1/persons"), "{}", again.body);
}

/// Issue 18, bug 9: the contact form preselected "household", so a contact
/// saved without choosing became a household contact (an F1). The setting
/// starts unchosen, and a contact posted without one is refused and not
/// recorded.
#[tokio::test]
async fn a_contacts_setting_is_chosen_never_defaulted() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    let app = support::app(&db);
    let token = named_token(&db, "script", HA_KHANH, "health_staff").await;
    let a = register(&app, &token, an()).await;
    let mut neighbour = binh();
    neighbour["commune_code"] = Value::String(HA_KHANH.into());
    let b = register(&app, &token, neighbour).await;
    let mut browser = Browser::new(&app);
    browser.login("khanh.yte").await;
    let page = browser.get(&format!("/persons/{a}")).await;
    let at = page
        .body
        .find("id=\"c-setting\"")
        .expect("the contact form");
    let select = &page.body[at..at + page.body[at..].find("</select>").unwrap()];
    assert!(select.contains("required"), "{select}");
    let first = &select[select.find("<option").unwrap()..];
    assert!(first.starts_with("<option value=\"\" selected"), "{select}");
    assert_eq!(select.matches("selected").count(), 1, "{select}");
    let csrf = page.csrf();
    let r = browser
        .post(
            &format!("/persons/{a}/contacts"),
            &[
                ("_csrf", &csrf),
                ("other_person_id", &b.to_string()),
                ("date", "05/08/2021"),
                ("setting", ""),
            ],
        )
        .await;
    assert!(r.body.contains("Chọn bối cảnh tiếp xúc"), "{}", r.body);
    assert_eq!(db.rows("contacts").await, 0, "nothing recorded");
    // What was typed is kept for the user to correct (issue 18 §3).
    assert!(
        r.body
            .contains("name=\"date\" placeholder=\"dd/mm/yyyy\" required value=\"05/08/2021\""),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains(&format!("name=\"other_person_id\" value=\"{b}\"")),
        "{}",
        r.body
    );
}

/// Issue 18 §2: a mistyped address gives the app's own page (in the frame,
/// with the menu) to a browser, a problem to a program; a refusal names the
/// permission in words, not `(ManageUsers)`.
#[tokio::test]
async fn a_mistyped_address_and_a_refusal_speak_to_people() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    let app = support::app(&db);
    let mut b = Browser::new(&app);
    b.login("khanh.yte").await;
    b.headers
        .push(("accept", "text/html,application/xhtml+xml".into()));
    let r = b.get("/nguoi-dan").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.header(header::CONTENT_TYPE).starts_with("text/html"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Không có trang này"), "{}", r.body);
    assert!(
        r.body.contains("li class=\"group\""),
        "the menu is there: {}",
        r.body
    );
    // An API path stays a problem, whatever the client accepts.
    let r = b.get("/api/v1/nguoi-dan").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.header(header::CONTENT_TYPE).contains("json"),
        "{}",
        r.body
    );
    // A page the role may not open says what is not allowed, in words.
    let r = b.get("/users").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("quản lý tài khoản và mã API"), "{}", r.body);
    assert!(!r.body.contains("ManageUsers"), "{}", r.body);
}

/// Issue 18 §2: after logging in each role lands where its work is — the
/// committee on the dashboard, health staff on the day's quarantine list, a
/// tracer on tracing, a lab on testing; a page asked for still wins.
#[tokio::test]
async fn each_role_lands_where_its_work_is() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    for (role, landing) in [
        ("admin", "/dashboard"),
        ("viewer", "/dashboard"),
        ("health_staff", "/quarantine"),
        ("quarantine_staff", "/quarantine"),
        ("contact_tracer", "/tracing"),
        ("lab_staff", "/testing/awaiting"),
        ("aid_volunteer", "/persons"),
    ] {
        let name = format!("u.{role}");
        add_user(&db, &name, HA_KHANH, role).await;
        let mut b = Browser::new(&app);
        let r = b
            .post("/login", &[("username", &name), ("password", PASSWORD)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{role}: {}", r.body);
        assert_eq!(r.location(), landing, "{role}");
        let page = b.get(landing).await;
        assert_eq!(page.status, StatusCode::OK, "{role} may open {landing}");
        assert_eq!(
            b.get("/").await.location(),
            landing,
            "{role}: the home address"
        );
    }
}

/// Issue 18 §3: after a contact is saved or an F0 confirmed, the record says
/// so, with how many classes changed.
#[tokio::test]
async fn the_record_says_what_the_last_action_did() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.yte", HA_KHANH, "health_staff").await;
    let app = support::app(&db);
    let token = named_token(&db, "script", HA_KHANH, "health_staff").await;
    let a = register(&app, &token, an()).await;
    let mut neighbour = binh();
    neighbour["commune_code"] = Value::String(HA_KHANH.into());
    let b = register(&app, &token, neighbour).await;
    let mut browser = Browser::new(&app);
    browser.login("khanh.yte").await;
    let csrf = browser.get(&format!("/persons/{a}")).await.csrf();
    let day = (chrono::Utc::now().date_naive() - chrono::Days::new(2))
        .format("%d/%m/%Y")
        .to_string();
    let r = browser
        .post(
            &format!("/persons/{a}/contacts"),
            &[
                ("_csrf", &csrf),
                ("other_person_id", &b.to_string()),
                ("date", &day),
                ("setting", "household"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let shown = browser.get(r.location()).await;
    assert!(
        shown
            .body
            .contains("Đã ghi nhận tiếp xúc: không ai đổi phân loại."),
        "{}",
        shown.body
    );
    let r = browser
        .post(
            &format!("/persons/{a}/case"),
            &[
                ("_csrf", &csrf),
                ("confirmed_on", &day),
                ("sample_on", &day),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().contains("done=confirmed"), "{}", r.location());
    let shown = browser.get(r.location()).await;
    let at = shown.body.find("id=\"done\"").expect("the message");
    let message = &shown.body[at..at + shown.body[at..].find("</div>").unwrap()];
    assert!(
        message.contains("Đã khẳng định ca bệnh (F0): "),
        "{message}"
    );
    assert!(
        message.contains("lượt phân loại F thay đổi"),
        "the neighbour became F1: {message}"
    );
    // The F1 neighbour's quarantine order: issued, the record says so.
    let r = browser
        .post(
            &format!("/persons/{b}/quarantine"),
            &[("_csrf", &csrf), ("situation", "f1"), ("start_on", &day)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let shown = browser.get(r.location()).await;
    assert!(
        shown.body.contains("Đã ra quyết định cách ly."),
        "{}",
        shown.body
    );
    // A made-up word shows nothing.
    let other = browser.get(&format!("/persons/{a}?done=hacked&n=5")).await;
    assert!(!other.body.contains("id=\"done\""), "{}", other.body);
}

/// Issue 18 §3: a merge asks first (the two records named), and a pair can be
/// answered "not the same person"; the question comes from a script file.
#[tokio::test]
async fn a_merge_asks_first_and_a_pair_can_be_told_apart() {
    let db = TestDb::new().await;
    add_user(&db, "khanh.admin", HA_KHANH, "admin").await;
    let app = support::app(&db);
    let token = named_token(&db, "script", HA_KHANH, "admin").await;
    let mut again = an();
    again["national_id"] = Value::String(String::new());
    again["confirm_not_duplicate"] = Value::Bool(true);
    let first = register(&app, &token, an()).await;
    let r = api(
        &app,
        Method::POST,
        "/api/v1/persons",
        Some(&token),
        Some(again),
    )
    .await;
    assert!(r.status.is_success(), "{}", r.body);
    let mut b = Browser::new(&app);
    b.login("khanh.admin").await;
    let list = b.get("/duplicates").await;
    assert!(
        list.body.contains("data-confirm=\"Gộp Nguyễn Văn An"),
        "{}",
        list.body
    );
    assert!(
        list.body.contains(&format!("(#{first})?\"")),
        "{}",
        list.body
    );
    assert!(
        list.body.contains("<script src=\"/static/confirm.js\""),
        "{}",
        list.body
    );
    // The pair side by side: both records, the line that differs marked.
    let at = list
        .body
        .find("href=\"/duplicates/")
        .expect("the compare link")
        + 6;
    let end = at + list.body[at..].find('"').unwrap();
    let compare = b.get(&list.body[at..end]).await;
    assert_eq!(compare.status, StatusCode::OK, "{}", compare.body);
    assert!(
        compare.body.contains("Hai hồ sơ này có phải một người?"),
        "{}",
        compare.body
    );
    let differs: Vec<&str> = compare
        .body
        .split("<tr class=\"differs\">")
        .skip(1)
        .collect();
    assert_eq!(differs.len(), 1, "only the ID differs: {}", compare.body);
    assert!(differs[0].contains("CCCD/CMND"), "{}", differs[0]);
    assert_eq!(
        compare.body.matches("action=\"/merges\"").count(),
        2,
        "keep either record: {}",
        compare.body
    );
    assert!(compare.body.contains(&format!("Giữ hồ sơ #{first}")));
    let gone = b.get("/duplicates/999999").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "{}", gone.body);
    let at = list.body.find("/dismiss\"").expect("the dismiss form");
    let start = list.body[..at].rfind("action=\"").unwrap() + 8;
    let action = &list.body[start..at + 8];
    let r = b.post(action, &[("_csrf", &list.csrf())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = b.get("/duplicates").await;
    assert!(list.body.contains("Không có cặp nào."), "{}", list.body);
    let js = b.get("/static/confirm.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.body.contains("data-confirm"));
}

/// Issue 18 §3: dates are typed dd/mm/yyyy and times in 24 h everywhere — no
/// browser date or time picker, which falls back to the locale's
/// MM/DD/YYYY and 12-hour clock.
#[test]
fn no_page_uses_a_browser_date_or_time_picker() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/pages");
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for bad in [
            "type=\"date\"",
            "type=\"datetime-local\"",
            "type=\"time\"",
            "type=\"month\"",
        ] {
            assert!(!text.contains(bad), "{}: {bad}", path.display());
        }
    }
}
