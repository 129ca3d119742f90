//! What the web layer's test binaries share (`mod support;` in each): the
//! application on a test database, API calls with a token, pages with a
//! session cookie, tokens and accounts. Each binary uses part of it.
#![allow(dead_code, clippy::unwrap_used)]

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use phongdich_store::testing::TestDb;
use phongdich_store::{Actor, NewUser};
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use tower::ServiceExt;

/// The site's name, sent as `Host` on every request.
pub const HOST: &str = "phongdich.test";
/// The password of every account [`add_user`] makes.
pub const PASSWORD: &str = "mat-khau-rat-dai-2024";

// Quảng Ninh (22), Thành phố Hạ Long (193): communes Hà Khánh and Hà Phong.
pub const HA_KHANH: &str = "06649";
pub const HA_PHONG: &str = "06652";

/// The whole application on the test database.
pub fn app(db: &TestDb) -> Router {
    phongdich_web::router(db.store.clone())
}

/// A response, read to the end.
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
    /// The body as text (bytes that are not UTF-8 replaced).
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}), status {}: {}", self.status, self.body))
    }

    /// The body as JSON, or `null` when it is not JSON.
    pub fn value(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }

    /// Status and JSON body (`null` when not JSON), as most tests read it.
    pub fn answer(&self) -> (StatusCode, Value) {
        (self.status, self.value())
    }

    pub fn location(&self) -> &str {
        self.header(header::LOCATION)
    }

    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    }

    /// The anti-forgery token of the first form on the page.
    pub fn csrf(&self) -> String {
        let marker = "name=\"_csrf\" value=\"";
        let start = self
            .body
            .find(marker)
            .unwrap_or_else(|| panic!("no _csrf field on the page: {}", self.body))
            + marker.len();
        let len = self.body[start..].find('"').unwrap();
        self.body[start..start + len].to_owned()
    }

    /// The first link after `marker` on the page, as a browser follows it.
    pub fn href_after(&self, marker: &str) -> String {
        href_after(&self.body, marker)
    }

    pub fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or_else(|| panic!("no {name} header (status {}): {}", self.status, self.body))
    }
}

/// The first link after `marker` in `html`, as a browser follows it.
pub fn href_after(html: &str, marker: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} on the page: {html}"));
    let rest = &html[at..];
    let start = rest.find("href=\"").unwrap() + 6;
    let len = rest[start..].find('"').unwrap();
    rest[start..start + len].replace("&amp;", "&")
}

/// Send one request through the whole router.
pub async fn send(app: &Router, req: Request<Body>) -> Resp {
    let response = app.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

/// A JSON API call, with an API token when given.
pub async fn api(
    app: &Router,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Resp {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, HOST);
    if let Some(token) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    };
    send(app, req.unwrap()).await
}

/// [`api`], answered as its status and JSON body (`null` when not JSON).
pub async fn call(
    app: &Router,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    api(app, method, path, token, body).await.answer()
}

/// A GET with a token, answered as its status and JSON body.
pub async fn get(app: &Router, path: &str, token: &str) -> (StatusCode, Value) {
    call(app, Method::GET, path, Some(token), None).await
}

/// A GET with a token, answered as its status and text.
pub async fn get_text(app: &Router, path: &str, token: &str) -> (StatusCode, String) {
    let r = api(app, Method::GET, path, Some(token), None).await;
    (r.status, r.body)
}

/// A page, with a session cookie (`pd_session=…`), as its status and text.
pub async fn page(app: &Router, path: &str, cookie: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .uri(path)
        .header(header::HOST, HOST)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let r = send(app, req).await;
    (r.status, r.body)
}

/// `application/x-www-form-urlencoded`, as a browser encodes a form.
pub fn form_encode(fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    out.push(b as char)
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A browser: keeps its cookies, sends the site's Host and, optionally, headers
/// of its own on every request.
pub struct Browser {
    pub app: Router,
    pub cookies: BTreeMap<String, String>,
    pub headers: Vec<(&'static str, String)>,
    /// The address the server sees the request come from.
    pub peer: Option<SocketAddr>,
}

impl Browser {
    pub fn new(app: &Router) -> Browser {
        Browser {
            app: app.clone(),
            cookies: BTreeMap::new(),
            headers: Vec::new(),
            peer: None,
        }
    }

    pub fn session(&self) -> Option<&str> {
        self.cookies.get("pd_session").map(String::as_str)
    }

    pub async fn request(&mut self, method: Method, path: &str, body: Option<String>) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, HOST);
        for (name, value) in &self.headers {
            req = req.header(*name, value.as_str());
        }
        if !self.cookies.is_empty() {
            let jar = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req = req.header(header::COOKIE, jar);
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(b)),
            None => req.body(Body::empty()),
        };
        let mut req = req.unwrap();
        if let Some(peer) = self.peer {
            req.extensions_mut().insert(ConnectInfo(peer));
        }
        let r = send(&self.app, req).await;
        for c in r.set_cookies() {
            let pair = c.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || c.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        r
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.request(Method::GET, path, None).await
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        self.request(Method::POST, path, Some(form_encode(fields)))
            .await
    }

    /// Log in through the form; panics unless the login succeeds.
    pub async fn login(&mut self, username: &str) -> Resp {
        let r = self
            .post(
                "/login",
                &[
                    ("username", username),
                    ("password", PASSWORD),
                    ("next", "/persons"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login {username}: {}",
            r.body
        );
        assert!(self.session().is_some(), "no session cookie for {username}");
        r
    }

    /// A browser logged in as a new user `username` of `role` at `unit`.
    pub async fn logged_in(
        db: &TestDb,
        app: &Router,
        username: &str,
        unit: &str,
        role: &str,
    ) -> Browser {
        add_user(db, username, unit, role).await;
        let mut b = Browser::new(app);
        b.login(username).await;
        b
    }

    /// The anti-forgery token of the current session, from a page's form.
    pub async fn csrf(&mut self) -> String {
        let page = self.get("/account").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        page.csrf()
    }
}

/// An API token named "test" for `unit` with `role`.
pub async fn token(db: &TestDb, unit: &str, role: &str) -> String {
    named_token(db, "test", unit, role).await
}

/// An API token named `name` for `unit` with `role`.
pub async fn named_token(db: &TestDb, name: &str, unit: &str, role: &str) -> String {
    db.store
        .create_api_token(&Actor::system("test"), name, unit, role)
        .await
        .unwrap()
        .1
}

/// An account with [`PASSWORD`].
pub async fn add_user(db: &TestDb, username: &str, unit: &str, role: &str) {
    db.store
        .add_user(
            &Actor::system("test"),
            &NewUser {
                username: username.into(),
                display_name: format!("Người dùng {username}"),
                unit_code: unit.into(),
                role: role.into(),
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
}

/// Upload `content` as the `file` field (named `filename`) of a form posting
/// to `path`, with the session's anti-forgery token, as a browser does.
pub async fn upload(
    app: &Router,
    session: &str,
    path: &str,
    csrf: &str,
    filename: &str,
    content: &str,
) -> Resp {
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::HOST, HOST)
        .header(header::COOKIE, format!("pd_session={session}"))
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=X")
        .body(Body::from(format!(
            "--X\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
             --X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\r\n{content}\r\n--X--\r\n"
        )))
        .unwrap();
    send(app, req).await
}
