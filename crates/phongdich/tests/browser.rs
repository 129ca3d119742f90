#![allow(clippy::unwrap_used)]
//! The web pages in a real browser, as people use them: headless Chromium
//! driven over WebDriver by a chromedriver this test starts itself. A commune
//! health worker registers a person (correcting a mistyped national ID),
//! finds them again with and without diacritics, switches the language; a
//! worker of the neighbouring commune cannot open the record; the province
//! administrator sees it all in the audit log. Screenshots of the main pages
//! in both languages, at 1280 px and on a 360 px phone, are left under
//! `target/screenshots/` for a person to look at.
//!
//! Runs on SQLite, or on the PostgreSQL server named by
//! PHONGDICH_TEST_POSTGRES when that is set. Needs Debian's `chromium` and
//! `chromium-driver`; without them it fails, saying how to install them.

mod support;
use fantoccini::{Client, ClientBuilder, Locator};
use phongdich_store::testing::{HA_KHANH, HA_PHONG, QUANG_NINH, TestDb};
use serde_json::{Value, json};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::Server;

// Quảng Ninh (22), Thành phố Hạ Long (193).

const PASSWORD: &str = "mat-khau-du-dai-2024";
const WORKER: &str = "yte.hakhanh";
const NEIGHBOUR: &str = "yte.haphong";
const ADMIN: &str = "quantri.quangninh";

const NAME: &str = "Nguyễn Văn Bình";
const GOOD_ID: &str = "022085001234";

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const INSTALL_HINT: &str = "install them with: apt-get install -y chromium chromium-driver";

/// How long a page may take to show what the test waits for.
const PATIENCE: Duration = Duration::from_secs(20);

/// One browser at a time: two Chromiums and two servers on a 2-core machine
/// made page loads slow enough to time out.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn add_user(db: &TestDb, username: &str, name: &str, unit: &str, role: &str) {
    let args = ["user", "add", username, "--name", name, "--unit", unit];
    let args = [&args[..], &["--role", role]].concat();
    let out = support::phongdich_with_input(db, &args, &format!("{PASSWORD}\n"));
    assert!(
        out.status.success(),
        "phongdich user add {username} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// On a fresh machine of this kind the browser is not installed yet: the
/// README's test command installs Debian's packages (from the package
/// registry, the only network this project uses) when it can, once.
fn install_browser_if_missing() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists() {
            return;
        }
        eprintln!("chromium/chromedriver missing: apt-get install -y chromium chromium-driver");
        let apt = |args: &[&str]| {
            Command::new("apt-get")
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status()
                .map(|s| s.success())
                .unwrap_or(false)
        };
        if !apt(&["install", "-y", "-q", "chromium", "chromium-driver"]) {
            apt(&["update", "-q"]);
            apt(&["install", "-y", "-q", "chromium", "chromium-driver"]);
        }
    });
}

/// A chromedriver on a free local port, with a fresh browser profile; the
/// driver, and any browser left behind by a failed test, are killed when
/// this is dropped.
struct Driver {
    child: Child,
    url: String,
    profile: tempfile::TempDir,
    log: PathBuf,
}

impl Driver {
    fn start() -> Driver {
        install_browser_if_missing();
        for (path, what) in [(CHROMEDRIVER, "chromedriver"), (CHROMIUM, "chromium")] {
            assert!(
                Path::new(path).exists(),
                "{what} is missing ({path} not found): the browser tests need Debian's \
                 chromium and chromium-driver packages; {INSTALL_HINT}"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let profile = tempfile::tempdir().unwrap();
        let log = profile.path().join("chromedriver.log");
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}; {INSTALL_HINT}"));
        let mut driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            profile,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!(
                    "chromedriver exited at start ({status}); {INSTALL_HINT}\n{}",
                    driver.log_tail()
                );
            }
            let ready = ureq::get(&format!("{}/status", driver.url))
                .timeout(Duration::from_secs(2))
                .call()
                .ok()
                .and_then(|r| r.into_json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == json!(true));
            if ready {
                return driver;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on {} within 30 s; {INSTALL_HINT}\n{}",
                driver.url,
                driver.log_tail()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// A new browser session: headless Chromium with its own empty profile.
    async fn browser(&self) -> Client {
        let profile = self.profile.path().join("chromium");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "chromedriver could not start Chromium: {e}; {INSTALL_HINT}\n{}",
                    self.log_tail()
                )
            })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // A browser whose session was never closed (the test failed) would
        // outlive its driver: end the processes started on this profile.
        let marker = format!("--user-data-dir={}", self.profile.path().display());
        let Ok(procs) = std::fs::read_dir("/proc") else {
            return;
        };
        for entry in procs.flatten() {
            let pid = entry.file_name().to_string_lossy().into_owned();
            if !pid.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
                continue;
            };
            if String::from_utf8_lossy(&cmdline).contains(&marker) {
                let _ = Command::new("kill").args(["-KILL", &pid]).status();
            }
        }
    }
}

/// Wait until `check` gives a value, or fail with `what` and the page's text.
async fn wait_until<T, F, Fut>(c: &Client, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        if Instant::now() > deadline {
            let url = c.current_url().await.map(|u| u.to_string());
            panic!(
                "timed out waiting for {what}\nat {url:?}\npage text:\n{}",
                body_text(c).await
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn body_text(c: &Client) -> String {
    match c.find(Locator::Css("body")).await {
        Ok(b) => b.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// The text of the first element matching `css`, if there is one.
async fn text_of(c: &Client, css: &str) -> Option<String> {
    c.find(Locator::Css(css)).await.ok()?.text().await.ok()
}

/// Wait until the page's main heading reads `expected`.
async fn wait_heading(c: &Client, expected: &str) {
    wait_until(c, &format!("the heading {expected:?}"), || async {
        text_of(c, "h1").await.filter(|h| h == expected)
    })
    .await;
}

/// Wait until the page's notice says `expected`, and give its whole text.
/// The page before a post may carry a notice of its own: it is not read
/// (nor is it read while it goes away, which fails as a stale element).
async fn wait_notice(c: &Client, expected: &str) -> String {
    wait_until(c, &format!("a notice saying {expected:?}"), || async {
        text_of(c, "p.notice")
            .await
            .filter(|t| t.contains(expected))
    })
    .await
}

/// Wait until an element matching `css` is on the page.
async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    wait_until(c, &format!("an element {css:?}"), || async {
        c.find(Locator::Css(css)).await.ok()
    })
    .await
}

async fn fill(c: &Client, name: &str, value: &str) {
    // Waited for: after a post the next page may still be loading.
    let input = wait_for(c, &format!("main [name='{name}']")).await;
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

async fn value_of(c: &Client, name: &str) -> String {
    c.find(Locator::Css(&format!("main [name='{name}']")))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Press the submit button of the form in the page's content (not the
/// header's log-out button).
async fn submit(c: &Client, form_css: &str) {
    let question = c
        .find(Locator::Css(&format!("main {form_css}")))
        .await
        .unwrap()
        .attr("data-confirm")
        .await
        .unwrap();
    c.find(Locator::Css(&format!(
        "main {form_css} button[type='submit']"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    // A form that cannot be undone asks first (`/static/confirm.js`); the
    // user reads the question and agrees.
    if let Some(q) = question {
        assert_eq!(c.get_alert_text().await.unwrap(), q);
        c.accept_alert().await.unwrap();
    }
}

async fn log_in(c: &Client, server: &Server, username: &str, password: &str) {
    // The tests begin on the people list, whatever the role's own landing.
    c.goto(&server.url("/login?next=%2Fpersons")).await.unwrap();
    wait_for(c, "#f-username").await;
    fill(c, "username", username).await;
    fill(c, "password", password).await;
    submit(c, "form").await;
    // Landed, or refused: the next step must not race the redirect (a
    // `goto` before it lands is overtaken by it).
    wait_until(c, "the login to land or be refused", || async {
        let away = c.current_url().await.is_ok_and(|u| u.path() != "/login");
        let refused = text_of(c, "div.alert").await.is_some();
        (away || refused).then_some(())
    })
    .await;
}

async fn log_out(c: &Client) {
    c.find(Locator::Css("header form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, "#f-username").await;
}

/// Follow the language link in the page (header, or the login page's foot).
async fn switch_language(c: &Client, to: &str) {
    c.find(Locator::Css(&format!("a[href^='/lang?to={to}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(c, &format!("the page in {to}"), || async {
        let lang = c.find(Locator::Css("html")).await.ok()?.attr("lang").await;
        lang.ok().flatten().filter(|l| l == to)
    })
    .await;
}

/// Search the people list for `q`; the names in the results.
async fn search(c: &Client, server: &Server, q: &str) -> Vec<String> {
    c.goto(&server.url("/persons")).await.unwrap();
    wait_for(c, "form.filters").await;
    fill(c, "q", q).await;
    submit(c, "form.filters").await;
    wait_until(c, &format!("the results for {q:?}"), || async {
        let url = c.current_url().await.ok()?;
        url.query()?.contains("q=").then_some(())
    })
    .await;
    let mut names = Vec::new();
    for a in c
        .find_all(Locator::Css("table tbody td a[href^='/persons/']"))
        .await
        .unwrap()
    {
        names.push(a.text().await.unwrap());
    }
    names
}

/// The texts of the audit log's rows, one string per row.
async fn audit_rows(c: &Client) -> Vec<String> {
    let mut rows = Vec::new();
    for tr in c.find_all(Locator::Css("table tbody tr")).await.unwrap() {
        let mut cells = Vec::new();
        for td in tr.find_all(Locator::Css("td")).await.unwrap() {
            cells.push(td.text().await.unwrap());
        }
        rows.push(cells.join(" | "));
    }
    rows
}

/// Interface text in an English page that is not English: any element
/// matching `css` whose text holds a non-ASCII letter (Vietnamese has many).
async fn untranslated(c: &Client, css: &str) -> Vec<String> {
    let mut found = Vec::new();
    for e in c.find_all(Locator::Css(css)).await.unwrap() {
        if e.attr("lang").await.unwrap().is_some() {
            continue; // The link to the other language is meant to be in it.
        }
        let text = e.text().await.unwrap();
        if text.chars().any(|ch| ch.is_alphabetic() && !ch.is_ascii()) {
            found.push(text);
        }
    }
    found
}

/// How far the page is wider than the window (0 when nothing overflows).
async fn horizontal_overflow(c: &Client) -> i64 {
    c.execute(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
        vec![],
    )
    .await
    .unwrap()
    .as_i64()
    .unwrap()
}

/// Screenshots of the pages, whole length, under `target/screenshots/`.
struct Shots {
    dir: PathBuf,
}

impl Shots {
    fn new() -> Shots {
        // CARGO_TARGET_TMPDIR is `<target>/tmp`.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .unwrap()
            .join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        Shots { dir }
    }

    /// Save the whole page at `width` px: the window is made as tall as the
    /// page for the shot, then set back to `width` × 900.
    async fn take(&self, c: &Client, name: &str, width: u32) {
        c.set_window_size(width, 900).await.unwrap();
        // The window's height includes the (invisible) browser frame.
        let sizes = c
            .execute(
                "return [Math.ceil(document.documentElement.scrollHeight), \
                         window.outerHeight - window.innerHeight];",
                vec![],
            )
            .await
            .unwrap();
        let page = sizes[0].as_u64().unwrap();
        let frame = sizes[1].as_u64().unwrap();
        let height = (page + frame).clamp(900, 4000);
        c.set_window_size(width, u32::try_from(height).unwrap())
            .await
            .unwrap();
        let png = c.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a screenshot is a PNG");
        let path = self.dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        eprintln!("screenshot: {}", path.display());
        c.set_window_size(width, 900).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_are_registered_found_kept_within_their_commune_and_audited() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    add_user(&db, WORKER, "Trần Thị Hà", HA_KHANH, "health_staff");
    add_user(&db, NEIGHBOUR, "Lê Văn Phong", HA_PHONG, "health_staff");
    add_user(&db, ADMIN, "Phạm Quản Trị", QUANG_NINH, "admin");
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();

    // 1. The commune health worker logs in; the interface is Vietnamese.
    c.goto(&server.url("/login")).await.unwrap();
    wait_heading(&c, "phongdich — Đăng nhập").await;
    shots.take(&c, "login-vi", 1280).await;
    log_in(&c, &server, WORKER, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    shots.take(&c, "persons-vi", 1280).await;

    // 2. Register a person with a mistyped national ID: the error stands
    // beside the field and what was typed is kept; correct it and save.
    c.find(Locator::Css("a[href='/persons/new']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_heading(&c, "Thêm người").await;
    assert_eq!(
        value_of(&c, "commune_code").await,
        HA_KHANH,
        "a commune worker's own commune is filled in"
    );
    fill(&c, "full_name", NAME).await;
    fill(&c, "birth", "12/03/1985").await;
    c.find(Locator::Css("main select[name='sex']"))
        .await
        .unwrap()
        .select_by_value("male")
        .await
        .unwrap();
    fill(&c, "national_id", "12345").await;
    fill(&c, "phone", "0912345678").await;
    submit(&c, "form").await;
    let error = wait_for(&c, "span.field-error#err-national_id").await;
    let message = error.text().await.unwrap();
    assert!(!message.trim().is_empty(), "the error says something");
    let error_box = c
        .find(Locator::Css(".field.invalid"))
        .await
        .unwrap()
        .find(Locator::Css("input"))
        .await
        .unwrap();
    assert_eq!(
        error_box.attr("name").await.unwrap().as_deref(),
        Some("national_id"),
        "the national ID field, and only it, is marked"
    );
    assert_eq!(
        c.find_all(Locator::Css(".field.invalid"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        c.find(Locator::Css("#f-national_id"))
            .await
            .unwrap()
            .attr("aria-describedby")
            .await
            .unwrap()
            .as_deref(),
        Some("err-national_id"),
        "the error is tied to its field for screen readers"
    );
    assert_eq!(value_of(&c, "full_name").await, NAME, "the name is kept");
    assert_eq!(value_of(&c, "birth").await, "12/03/1985");
    assert_eq!(value_of(&c, "sex").await, "male");
    assert_eq!(value_of(&c, "national_id").await, "12345");
    assert_eq!(value_of(&c, "phone").await, "0912345678");
    assert_eq!(
        text_of(&c, "div.alert").await.as_deref(),
        Some("Chưa lưu: hãy sửa các lỗi được đánh dấu.")
    );
    shots.take(&c, "person-form-errors-vi", 1280).await;
    fill(&c, "national_id", GOOD_ID).await;
    submit(&c, "form").await;
    wait_heading(&c, NAME).await;
    let person_url = c.current_url().await.unwrap();
    // The record, saying it was registered.
    assert_eq!(person_url.query(), Some("done=registered"));
    assert!(
        text_of(&c, "#done")
            .await
            .unwrap()
            .contains("Đã đăng ký người mới")
    );
    let person_url = person_url.path().to_owned();
    let person_id: i64 = person_url
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("saving leads to the person's page, not {person_url}"));
    let facts = text_of(&c, "dl.facts").await.unwrap();
    // The commune by name (its code in the tooltip).
    for expected in [
        GOOD_ID,
        "12/03/1985",
        "Nam",
        "Phường Hà Khánh",
        "0912345678",
    ] {
        assert!(facts.contains(expected), "{expected:?} in:\n{facts}");
    }
    shots.take(&c, "person-vi", 1280).await;

    // 3. Found by name, with its diacritics or typed without them.
    for q in [NAME, "nguyen van binh"] {
        assert_eq!(search(&c, &server, q).await, [NAME], "searching {q:?}");
    }
    assert_eq!(
        value_of(&c, "q").await,
        "nguyen van binh",
        "the search box keeps the query"
    );
    // On a phone: nothing runs off the side of the screen.
    shots.take(&c, "persons-vi-360", 360).await;
    let inner = c
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap();
    assert!(
        inner.as_i64().unwrap() <= 400,
        "the window narrows to a phone's width (inner width {inner})"
    );
    assert_eq!(
        horizontal_overflow(&c).await,
        0,
        "the people list is wider than a 360 px phone"
    );
    c.set_window_size(1280, 900).await.unwrap();

    // 4. English, remembered across a reload; then back to Vietnamese.
    switch_language(&c, "en").await;
    wait_heading(&c, "People").await;
    c.refresh().await.unwrap();
    wait_heading(&c, "People").await;
    assert_eq!(
        search(&c, &server, "nguyen van binh").await,
        [NAME],
        "the search works in English too"
    );
    let left = untranslated(&c, "header nav a, h1, label, th, button, .pager").await;
    assert!(
        left.is_empty(),
        "Vietnamese left in the English list: {left:?}"
    );
    shots.take(&c, "persons-en", 1280).await;
    shots.take(&c, "persons-en-360", 360).await;
    assert_eq!(
        horizontal_overflow(&c).await,
        0,
        "the English people list is wider than a 360 px phone"
    );
    c.set_window_size(1280, 900).await.unwrap();

    c.goto(&server.url("/persons/new")).await.unwrap();
    wait_heading(&c, "Add a person").await;
    fill(&c, "full_name", "Đỗ Thị Hoa").await;
    fill(&c, "birth", "1990").await;
    fill(&c, "national_id", "12345").await;
    submit(&c, "form").await;
    let error = wait_for(&c, "span.field-error#err-national_id").await;
    let message = error.text().await.unwrap();
    assert!(
        !message
            .chars()
            .any(|ch| ch.is_alphabetic() && !ch.is_ascii()),
        "the error is in English: {message:?}"
    );
    assert_eq!(value_of(&c, "full_name").await, "Đỗ Thị Hoa");
    let left = untranslated(&c, "h1, label, button, .alert, .field-error").await;
    assert!(
        left.is_empty(),
        "Vietnamese left in the English form: {left:?}"
    );
    shots.take(&c, "person-form-errors-en", 1280).await;

    c.goto(&person_url).await.unwrap();
    wait_heading(&c, NAME).await;
    let facts = text_of(&c, "dl.facts").await.unwrap();
    assert!(facts.contains("Male"), "{facts}");
    let left = untranslated(&c, "header nav a, dt, .button").await;
    assert!(
        left.is_empty(),
        "Vietnamese left on the English person page: {left:?}"
    );
    shots.take(&c, "person-en", 1280).await;

    switch_language(&c, "vi").await;
    wait_heading(&c, NAME).await;
    assert!(text_of(&c, "dl.facts").await.unwrap().contains("Nam"));

    // 5. Log out; a mistyped password is refused; the worker of the
    // neighbouring commune cannot open the person, not even by address.
    log_out(&c).await;
    assert_eq!(
        c.current_url().await.unwrap().path(),
        "/login",
        "logging out leads to the login page"
    );
    c.goto(&person_url).await.unwrap();
    wait_for(&c, "#f-username").await;
    assert!(
        !body_text(&c).await.contains(NAME),
        "logged out, the person is not shown"
    );
    switch_language(&c, "en").await;
    wait_heading(&c, "phongdich — Log in").await;
    shots.take(&c, "login-en", 1280).await;
    switch_language(&c, "vi").await;
    wait_heading(&c, "phongdich — Đăng nhập").await;

    log_in(&c, &server, WORKER, "not-the-password").await;
    let refusal = wait_until(&c, "the login refusal", || async {
        text_of(&c, "div.alert").await
    })
    .await;
    assert!(refusal.contains("Sai tên đăng nhập"), "{refusal}");
    assert_eq!(
        value_of(&c, "username").await,
        WORKER,
        "the user name is kept"
    );

    log_in(&c, &server, NEIGHBOUR, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&person_url).await.unwrap();
    let heading = wait_until(&c, "an error page", || async {
        text_of(&c, "h1").await.filter(|h| h != "Người dân")
    })
    .await;
    assert!(heading.starts_with("404"), "not found, not {heading:?}");
    shots.take(&c, "person-404-vi", 1280).await;
    let page = body_text(&c).await;
    for secret in [NAME, GOOD_ID, "0912345678"] {
        assert!(!page.contains(secret), "{secret:?} leaked:\n{page}");
    }
    assert!(
        search(&c, &server, "nguyen van binh").await.is_empty(),
        "nor is the person listed for the neighbouring commune"
    );
    log_out(&c).await;

    // 6. The province administrator sees it all in the audit log.
    log_in(&c, &server, ADMIN, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    // The administration group, then its audit log in the row below.
    click(&c, "header nav li.group > a[href='/units']").await;
    wait_for(&c, "nav.subnav").await;
    click(&c, "nav.subnav a[href='/audit']").await;
    wait_heading(&c, "Nhật ký thao tác").await;
    let rows = audit_rows(&c).await;
    let listed = |action: &str, actor: &str, entity: &str| {
        rows.iter().any(|r| {
            let cells: Vec<&str> = r.split(" | ").collect();
            cells.len() >= 6
                && cells[2] == actor
                && cells[4].ends_with(&format!("({action})"))
                && cells[5] == entity
        })
    };
    assert!(
        listed("create", WORKER, &format!("person {person_id}")),
        "the registration is listed:\n{}",
        rows.join("\n")
    );
    for (action, actor, entity) in [
        ("login", WORKER, format!("user {WORKER}")),
        ("login_failed", WORKER, format!("user {WORKER}")),
        ("login", NEIGHBOUR, format!("user {NEIGHBOUR}")),
        ("login", ADMIN, format!("user {ADMIN}")),
    ] {
        assert!(
            listed(action, actor, &entity),
            "{action} of {actor} is listed:\n{}",
            rows.join("\n")
        );
    }
    shots.take(&c, "audit-vi", 1280).await;
    switch_language(&c, "en").await;
    wait_heading(&c, "Audit log").await;
    let left = untranslated(&c, "header nav a, h1, label, th, button, .button").await;
    assert!(
        left.is_empty(),
        "Vietnamese left in the English audit log: {left:?}"
    );
    shots.take(&c, "audit-en", 1280).await;
    switch_language(&c, "vi").await;

    // 7. The same man registered again without his ID: the form warns, the
    // administrator saves anyway, then compares the pair side by side and
    // merges the new record into the old one.
    c.goto(&server.url("/persons/new")).await.unwrap();
    wait_heading(&c, "Thêm người").await;
    fill(&c, "full_name", NAME).await;
    fill(&c, "birth", "12/03/1985").await;
    for (name, value) in [("sex", "male"), ("commune_code", HA_KHANH)] {
        c.find(Locator::Css(&format!("main select[name='{name}']")))
            .await
            .unwrap()
            .select_by_value(value)
            .await
            .unwrap();
    }
    fill(&c, "phone", "0987654321").await;
    submit(&c, "form").await;
    wait_for(&c, "input[name='confirm_not_duplicate']")
        .await
        .click()
        .await
        .unwrap();
    submit(&c, "form").await;
    wait_heading(&c, NAME).await;
    c.goto(&server.url("/duplicates")).await.unwrap();
    wait_heading(&c, "Hồ sơ nghi trùng chờ rà soát (1)").await;
    click(&c, "main a[href^='/duplicates/']").await;
    wait_heading(&c, "Hai hồ sơ này có phải một người?").await;
    let differs = c
        .find_all(Locator::Css("#compare tr.differs th"))
        .await
        .unwrap();
    let mut lines = Vec::new();
    for th in differs {
        lines.push(th.text().await.unwrap());
    }
    for expected in ["CCCD/CMND", "Điện thoại"] {
        assert!(
            lines.iter().any(|l| l.starts_with(expected)),
            "{expected} differs: {lines:?}"
        );
    }
    assert!(
        !lines.iter().any(|l| l.starts_with("Họ và tên")),
        "the names are the same: {lines:?}"
    );
    shots.take(&c, "duplicate-compare-vi", 1280).await;
    shots.take(&c, "duplicate-compare-vi-390", 390).await;
    assert!(horizontal_overflow(&c).await <= 0, "fits a 390 px phone");
    c.set_window_size(1280, 900).await.unwrap();
    submit(&c, "form[action='/merges']").await;
    wait_heading(&c, NAME).await;
    assert_eq!(
        c.current_url().await.unwrap().path(),
        person_url,
        "the older record is kept"
    );
    assert!(text_of(&c, "#done").await.unwrap().contains("gộp"));

    c.close().await.unwrap();
    drop(driver);
    drop(server);
}

/// Open the `<details>` holding the form that posts to `action`.
async fn open_form(c: &Client, action: &str) {
    c.find(Locator::Css(&format!(
        "details:has(form[action='{action}']) > summary"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
}

async fn record_contact(
    c: &Client,
    server: &Server,
    from: i64,
    to: i64,
    date: &str,
    extra: &[(&str, &str)],
) {
    c.goto(&server.url(&format!("/persons/{from}")))
        .await
        .unwrap();
    wait_for(c, "#tracing").await;
    let action = format!("/persons/{from}/contacts");
    open_form(c, &action).await;
    fill(c, "other_person_id", &to.to_string()).await;
    fill(c, "date", date).await;
    // The setting has no default: the tracer chooses it.
    choose(c, &action, "setting", "household").await;
    for (name, value) in extra {
        fill(c, name, value).await;
    }
    submit(c, &format!("form[action='{action}']")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tracer_records_contacts_confirms_an_f0_and_the_classes_follow() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    const TRACER: &str = "truyvet.hakhanh";
    const OTHER: &str = "yte.haphong2";
    add_user(&db, TRACER, "Đỗ Thị Truy", HA_KHANH, "contact_tracer");
    add_user(&db, OTHER, "Lê Văn Phong", HA_PHONG, "health_staff");
    let ids = register(
        &db,
        &[
            ("Nguyễn Văn An", HA_KHANH),
            ("Trần Thị Bích", HA_KHANH),
            ("Lê Văn Cường", HA_KHANH),
            ("Phạm Thị Dung", HA_PHONG),
        ],
    )
    .await;
    let [a, b, cuong, d] = [ids[0], ids[1], ids[2], ids[3]];
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();
    log_in(&c, &server, TRACER, PASSWORD).await;
    wait_heading(&c, "Người dân").await;

    record_contact(&c, &server, a, b, "05/08/2021", &[]).await;
    wait_for(&c, "#contacts").await;
    record_contact(
        &c,
        &server,
        b,
        cuong,
        "06/08/2021",
        &[("distance_m", "1"), ("duration_min", "30")],
    )
    .await;
    wait_for(&c, "#contacts").await;
    // Dung lives in Hà Phong: her record number alone does not reach her
    // (it could be guessed); with her national ID she is handed over.
    const DUNG_ID: &str = "022080001234";
    db.execute(&format!(
        "UPDATE persons SET national_id = '{DUNG_ID}' WHERE id = {d}"
    ))
    .await
    .unwrap();
    record_contact(&c, &server, b, d, "06/08/2021", &[]).await;
    let error = wait_for(&c, "#tracing span.field-error#err-other_person_id").await;
    assert!(
        error.text().await.unwrap().contains("CCCD"),
        "the tracer is told to give the national ID"
    );
    record_contact(
        &c,
        &server,
        b,
        d,
        "06/08/2021",
        &[("other_national_id", DUNG_ID)],
    )
    .await;
    wait_for(&c, "#contacts").await;
    // The tracer sees that she was handed over.
    let handed = wait_for(&c, "#contacts .handed-over").await;
    let handed = handed.text().await.unwrap();
    assert!(
        handed.contains("đã chuyển cho") && handed.contains(HA_PHONG),
        "the contact in another commune is shown as handed over: {handed}"
    );
    // A mistyped date: the error stands beside the field, nothing recorded.
    record_contact(&c, &server, a, cuong, "31/02/2021", &[]).await;
    let error = wait_for(&c, "#tracing span.field-error#err-date").await;
    assert!(!error.text().await.unwrap().trim().is_empty());
    // Issue 18 §3: the form keeps what was typed, to correct it.
    assert_eq!(
        value_of(&c, "date").await,
        "31/02/2021",
        "the typed date kept"
    );
    assert_eq!(
        value_of(&c, "setting").await,
        "household",
        "the setting chosen kept"
    );

    // Confirm A as F0: B becomes F1, Cường F2, and Dung (another commune) F2.
    c.goto(&server.url(&format!("/persons/{a}"))).await.unwrap();
    wait_for(&c, "#tracing").await;
    open_form(&c, &format!("/persons/{a}/case")).await;
    fill(&c, "sample_on", "04/08/2021").await;
    submit(&c, &format!("form[action='/persons/{a}/case']")).await;
    wait_until(&c, "the F0 badge", || async {
        text_of(&c, ".class-badge").await.filter(|t| t == "F0")
    })
    .await;
    c.goto(&server.url(&format!("/persons/{cuong}")))
        .await
        .unwrap();
    let badge = wait_for(&c, ".class-badge").await;
    assert_eq!(badge.text().await.unwrap(), "F2");
    let chain = text_of(&c, ".class-line").await.unwrap();
    // By name, the F0 with its case number, each a link to the record.
    assert!(
        chain.contains("Nguyễn Văn An (PD") && chain.contains("→ Trần Thị Bích →"),
        "the chain names A and B: {chain}"
    );
    for id in [a, b] {
        wait_for(
            &c,
            &format!(".class-line a[href='/persons/{id}'][title='#{id}']"),
        )
        .await;
    }
    shots.take(&c, "tracing-person-vi", 1280).await;
    c.goto(&server.url("/tracing?level=1")).await.unwrap();
    wait_heading(&c, "Danh sách truy vết").await;
    let list = body_text(&c).await;
    assert!(
        list.contains("Trần Thị Bích"),
        "B is on the F1 list:\n{list}"
    );
    shots.take(&c, "tracing-list-vi", 1280).await;

    // The neighbouring commune sees its own F2 handed over, not our F0.
    log_out(&c).await;
    log_in(&c, &server, OTHER, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url("/tracing?level=2")).await.unwrap();
    wait_heading(&c, "Danh sách truy vết").await;
    let list = body_text(&c).await;
    assert!(
        list.contains("Phạm Thị Dung"),
        "D is on Hà Phong's F2 list:\n{list}"
    );
    assert!(!list.contains("Lê Văn Cường"), "Hà Khánh's F2 is not");
    c.goto(&server.url(&format!("/persons/{a}"))).await.unwrap();
    wait_until(&c, "the 404 page", || async {
        text_of(&c, "h1").await.filter(|t| t.starts_with("404"))
    })
    .await;
    assert!(!body_text(&c).await.contains("Nguyễn Văn An"));
}

/// The drawing of a chain: (visible elements matching `css` in the SVG).
/// The options the person picker lists under `field`.
async fn options(c: &Client, field: &str) -> Vec<String> {
    let mut out = Vec::new();
    for o in c
        .find_all(Locator::Css(&format!("#{field}-list [data-value]")))
        .await
        .unwrap()
    {
        out.push(o.attr("data-value").await.unwrap().unwrap_or_default());
    }
    out
}

/// Issue 18 §1: a tracer names the contact by typing, tells two namesakes
/// apart by birth year in the list, picks with the keyboard, and registers
/// a newcomer from the list without losing the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tracer_picks_people_by_name_and_registers_a_newcomer_from_the_picker() {
    use fantoccini::key::Key;
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    const TRACER: &str = "truyvet.hakhanh";
    add_user(&db, TRACER, "Đỗ Thị Truy", HA_KHANH, "contact_tracer");
    let ids = register(
        &db,
        &[("Trần Thị Bích", HA_KHANH), ("Nguyễn Văn An", HA_KHANH)],
    )
    .await;
    let (bich, an_80) = (ids[0], ids[1]);
    let an_95 = {
        let input = phongdich_domain::PersonInput {
            full_name: "Nguyễn Văn An".into(),
            birth: "1995".into(),
            sex: "nam".into(),
            commune_code: HA_KHANH.into(),
            ..Default::default()
        };
        let p = input
            .parse(phongdich_domain::Clock::system().today())
            .unwrap();
        let system = phongdich_store::Actor::system("test");
        db.store.create_person(&system, &p, true).await.unwrap().id
    };
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();
    log_in(&c, &server, TRACER, PASSWORD).await;
    wait_heading(&c, "Người dân").await;

    c.goto(&server.url(&format!("/persons/{bich}")))
        .await
        .unwrap();
    wait_for(&c, "#tracing").await;
    let action = format!("/persons/{bich}/contacts");
    open_form(&c, &action).await;
    let field = wait_for(&c, "input#c-other[role='combobox']").await;
    field.send_keys("nguyen van an").await.unwrap();
    let listed = wait_until(&c, "two namesakes listed", || async {
        Some(options(&c, "c-other").await).filter(|o| o.len() == 2)
    })
    .await;
    assert!(
        listed.iter().any(|o| o.contains("1980")) && listed.iter().any(|o| o.contains("1995")),
        "{listed:?}"
    );
    assert_eq!(
        field.attr("aria-expanded").await.unwrap().as_deref(),
        Some("true")
    );
    shots.take(&c, "picker-vi", 1280).await;
    // ↓ ↓ Enter: the second of the list.
    field
        .send_keys(&(Key::Down + &(Key::Down + &Key::Enter.to_string())))
        .await
        .unwrap();
    let value = value_of(&c, "other_person_id").await;
    let chosen = if value.ends_with(&format!("(#{an_95})")) {
        an_95
    } else {
        an_80
    };
    assert!(
        value.ends_with(&format!("(#{chosen})")) && value.starts_with("Nguyễn Văn An · "),
        "{value}"
    );
    assert_eq!(
        field.attr("aria-expanded").await.unwrap().as_deref(),
        Some("false")
    );
    fill(&c, "date", "05/08/2021").await;
    choose(&c, &action, "setting", "household").await;
    submit(&c, &format!("form[action='{action}']")).await;
    let row = wait_for(&c, &format!("#contacts a[href='/persons/{chosen}']")).await;
    assert_eq!(row.text().await.unwrap(), "Nguyễn Văn An");

    // Nobody by that name: register them from the list, and come back.
    open_form(&c, &action).await;
    let field = wait_for(&c, "input#c-other[role='combobox']").await;
    field.send_keys("pham van moi").await.unwrap();
    let fresh = wait_for(&c, "#c-other-list [data-new]").await;
    c.set_window_size(390, 900).await.unwrap();
    shots.take(&c, "picker-new-vi-390", 390).await;
    c.set_window_size(1280, 900).await.unwrap();
    fresh.click().await.unwrap();
    wait_heading(&c, "Thêm người").await;
    assert_eq!(value_of(&c, "full_name").await, "pham van moi");
    fill(&c, "full_name", "Phạm Văn Mới").await;
    fill(&c, "birth", "1988").await;
    choose(&c, "/persons/new", "sex", "male").await;
    submit(&c, "form[action='/persons/new']").await;
    let back = wait_until(&c, "the contact form again, filled", || async {
        let v = value_of(&c, "other_person_id").await;
        Some(v).filter(|v| v.starts_with("Phạm Văn Mới · 1988 (#"))
    })
    .await;
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with(&format!("/persons/{bich}")),
        "{back}"
    );
    assert_eq!(db.rows("persons").await, 4);
}

async fn drawn(c: &Client, css: &str) -> i64 {
    c.execute(
        "return Array.from(document.querySelectorAll('#chain-view svg ' + arguments[0])) \
           .filter(e => e.getBoundingClientRect().width > 0 || e.getBoundingClientRect().height > 0).length;",
        vec![json!(css)],
    )
    .await
    .unwrap()
    .as_i64()
    .unwrap()
}

/// Move the chain's date slider to `value` as a hand would (an input event).
async fn slide_to(c: &Client, value: i64) {
    c.execute(
        "const s = document.getElementById('chain-date'); s.value = arguments[0]; \
         s.dispatchEvent(new Event('input'));",
        vec![json!(value)],
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_page_draws_every_case_and_link_of_a_chain_of_known_shape() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    let k = phongdich_store::testing::known_chain(&db.store).await;
    const TRACER: &str = "truyvet.chuoi";
    add_user(&db, TRACER, "Đỗ Thị Chuỗi", HA_KHANH, "contact_tracer");
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();
    log_in(&c, &server, TRACER, PASSWORD).await;
    wait_heading(&c, "Người dân").await;

    // Asked from the case of generation 2 with two sources: the whole chain.
    c.goto(&server.url(&format!("/chains/{}", k.c1)))
        .await
        .unwrap();
    wait_for(&c, "#chain-view[data-ready='17']").await;
    // 15 cases (one recovered with its recovered secondary, one deceased),
    // F1 and F2; 17 links, 14 of them dated by the later case's confirmation.
    assert_eq!(drawn(&c, ".node").await, 17);
    assert_eq!(drawn(&c, ".node.case").await, 15);
    assert_eq!(drawn(&c, ".node.case.recovered").await, 2);
    assert_eq!(drawn(&c, ".node.case.deceased").await, 1);
    assert_eq!(drawn(&c, ".node.case.outside").await, 1, "Hà Phong's case");
    assert_eq!(drawn(&c, ".node.contact").await, 2);
    assert_eq!(drawn(&c, ".edge").await, 17);
    assert_eq!(drawn(&c, ".edge.case").await, 15);
    assert_eq!(drawn(&c, ".edge.confirmation").await, 14);
    assert_eq!(drawn(&c, ".node.asked").await, 1);
    // Two links reach the case asked for, from two cases of generation 1.
    for (to, from) in [(k.c1, vec![k.b[0], k.b[1]]), (k.f2, vec![k.f1])] {
        let drawn_from = c
            .execute(
                "return Array.from(document.querySelectorAll('#chain-view .edge[data-to=\"' + arguments[0] + '\"]')) \
                   .map(e => Number(e.getAttribute('data-from'))).sort((a, b) => a - b);",
                vec![json!(to)],
            )
            .await
            .unwrap();
        assert_eq!(drawn_from, json!(from), "the links into {to}");
    }
    let generation_x = c
        .execute(
            "const xs = {}; document.querySelectorAll('#chain-view .node').forEach(n => { \
               const m = /translate\\(([-0-9.]+),/.exec(n.getAttribute('transform')); xs[m[1]] = true; }); \
             return Object.keys(xs).length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(generation_x, json!(7), "seven columns: generations 0 to 6");

    // The slider runs from the first case's confirmation (01/08) to the
    // last link (21/08).
    let slider = wait_for(&c, "#chain-date").await;
    assert_eq!(slider.attr("max").await.unwrap().as_deref(), Some("20"));
    assert_eq!(
        slider.attr("data-first").await.unwrap().as_deref(),
        Some("2021-08-01")
    );
    assert_eq!(
        text_of(&c, "#chain-date-label").await.as_deref(),
        Some("21/08/2021")
    );
    slide_to(&c, 0).await;
    assert_eq!(
        text_of(&c, "#chain-date-label").await.as_deref(),
        Some("01/08/2021")
    );
    assert_eq!(drawn(&c, ".edge").await, 0);
    assert_eq!(drawn(&c, ".node").await, 1, "only A, confirmed on 01/08");
    slide_to(&c, 3).await;
    assert_eq!(drawn(&c, ".edge").await, 1, "only A → B1 by 04/08");
    assert_eq!(drawn(&c, ".node").await, 2);
    slide_to(&c, 19).await;
    assert_eq!(
        drawn(&c, ".edge").await,
        16,
        "all but the F2's link by 20/08"
    );
    slide_to(&c, 20).await;
    assert_eq!(drawn(&c, ".edge").await, 17);

    // The same chain as a table, without JavaScript too.
    let rows = c
        .find_all(Locator::Css("#chain-table tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 17);
    let table = text_of(&c, "#chain-table").await.unwrap();
    assert!(table.contains("Nguyễn Thị An"), "{table}");
    assert!(table.contains("ngày khẳng định"), "{table}");
    assert!(
        !table.contains("Vũ Văn Phúc") && !table.contains("Lương Thị Rạng"),
        "no names from Hà Phong: {table}"
    );
    shots.take(&c, "chain-vi", 1280).await;

    // On a phone: the drawing fits the screen's width, the page does not run off it.
    c.set_window_size(390, 900).await.unwrap();
    c.goto(&server.url(&format!("/chains/{}", k.c1)))
        .await
        .unwrap();
    wait_for(&c, "#chain-view[data-ready='17']").await;
    assert_eq!(drawn(&c, ".node").await, 17);
    assert_eq!(drawn(&c, ".edge").await, 17);
    assert_eq!(
        horizontal_overflow(&c).await,
        0,
        "the chain page on a phone"
    );
    shots.take(&c, "chain-vi-390", 390).await;
    // What the phone shows of the drawing itself, at the screen's height.
    c.execute(
        "document.getElementById('chain-view').scrollIntoView();",
        vec![],
    )
    .await
    .unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(shots.dir.join("chain-vi-390-drawing.png"), png).unwrap();
    c.set_window_size(1280, 900).await.unwrap();
    switch_language(&c, "en").await;
    c.goto(&server.url(&format!("/chains/{}", k.a)))
        .await
        .unwrap();
    wait_for(&c, "#chain-view[data-ready='17']").await;
    assert!(body_text(&c).await.contains("exposure unknown"));
    shots.take(&c, "chain-en", 1280).await;
}

/// Fill a field of the form that posts to `action` (several forms on a page
/// share field names).
async fn fill_in(c: &Client, action: &str, name: &str, value: &str) {
    let input = c
        .find(Locator::Css(&format!(
            "main form[action^='{action}'] [name='{name}']"
        )))
        .await
        .unwrap();
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

async fn choose(c: &Client, action: &str, name: &str, value: &str) {
    c.execute(
        &format!(
            "document.querySelector(\"main form[action^='{action}'] [name='{name}']\").value = arguments[0];"
        ),
        vec![serde_json::json!(value)],
    )
    .await
    .unwrap();
}

/// Register people (born 1980) straight in the store; their record numbers.
async fn register(db: &TestDb, people: &[(&str, &str)]) -> Vec<i64> {
    let system = phongdich_store::Actor::system("test");
    let today = phongdich_domain::Clock::system().today();
    let mut ids = Vec::new();
    for (name, commune) in people {
        let input = phongdich_domain::PersonInput {
            full_name: (*name).into(),
            birth: "1980".into(),
            sex: "nam".into(),
            commune_code: (*commune).into(),
            ..Default::default()
        };
        let person = input.parse(today).unwrap();
        let created = db.store.create_person(&system, &person, true).await;
        ids.push(created.unwrap().id);
    }
    ids
}

/// Log in as `user` and open the testing page.
async fn on_testing_page(c: &Client, server: &Server, user: &str) {
    log_in(c, server, user, PASSWORD).await;
    wait_heading(c, "Người dân").await;
    c.goto(&server.url("/testing")).await.unwrap();
    wait_heading(c, "Xét nghiệm").await;
}

/// Enter a positive result for `code`; wait for the notice containing `expect`.
async fn enter_positive(c: &Client, code: &str, ct: &str, on: &str, expect: &str) {
    open_form(c, "/testing/results").await;
    fill_in(c, "/testing/results", "code", code).await;
    choose(c, "/testing/results", "outcome", "positive").await;
    fill_in(c, "/testing/results", "ct", ct).await;
    fill_in(c, "/testing/results", "resulted_on", on).await;
    submit(c, "form[action='/testing/results']").await;
    wait_until(c, expect, || async {
        text_of(c, "p.notice").await.filter(|t| t.contains(expect))
    })
    .await;
}

/// Fill and send the form posting to `action`.
async fn send_form(c: &Client, action: &str, fields: &[(&str, &str)]) {
    for (name, value) in fields {
        fill_in(c, action, name, value).await;
    }
    submit(c, &format!("form[action='{action}']")).await;
}

/// The label code (`P12`, `S34`) in the notice after saving a sample or pool.
async fn saved_code(c: &Client, prefix: char) -> String {
    let notice = wait_for(c, "p.notice").await.text().await.unwrap();
    notice
        .split_whitespace()
        .map(|w| w.trim_end_matches('.'))
        .find(|w| {
            w.len() > 1 && w.starts_with(prefix) && w[1..].chars().all(|ch| ch.is_ascii_digit())
        })
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_pools_samples_the_lab_resolves_them_and_a_positive_becomes_f0() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    const TEAM: &str = "laymau.hakhanh";
    const LAB: &str = "xetnghiem.hakhanh";
    add_user(&db, TEAM, "Vũ Thị Mẫu", HA_KHANH, "health_staff");
    add_user(&db, LAB, "Ngô Văn Lab", HA_KHANH, "lab_staff");
    let ids = register(
        &db,
        &[("Hoàng Văn Hải", HA_KHANH), ("Đinh Thị Hà", HA_KHANH)],
    )
    .await;
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();

    // A pool with a typo in the members: the error stands beside the field.
    on_testing_page(&c, &server, TEAM).await;
    open_form(&c, "/testing/pools").await;
    let typo = format!("{}, x{}", ids[0], ids[1]);
    send_form(
        &c,
        "/testing/pools",
        &[("person_ids", &typo), ("collected_on", "20/08/2021")],
    )
    .await;
    let error = wait_for(&c, "form[action='/testing/pools'] .field-error").await;
    assert!(
        error
            .text()
            .await
            .unwrap()
            .contains(&format!("x{}", ids[1]))
    );
    let members = format!("{}, {}", ids[0], ids[1]);
    send_form(
        &c,
        "/testing/pools",
        &[("person_ids", &members), ("collected_on", "20/08/2021")],
    )
    .await;
    let pool_code = saved_code(&c, 'P').await;
    // Its printable label: the code as a QR code and in letters, with the members.
    c.find(Locator::Css("#label-link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let label = wait_for(&c, "#label").await.text().await.unwrap();
    assert!(
        label.contains(&pool_code) && label.contains("2 người"),
        "{label}"
    );
    assert!(
        c.find(Locator::Css("#label svg")).await.is_ok(),
        "a QR code"
    );
    shots.take(&c, "label-vi", 640).await;
    log_out(&c).await;

    // The lab: the pool is positive, both members go on the list.
    on_testing_page(&c, &server, LAB).await;
    // The lab's own list: the pool waits there, answered on its row.
    c.goto(&server.url("/testing/awaiting")).await.unwrap();
    wait_for(
        &c,
        &format!("#awaiting tr[data-code='{pool_code}'] form.row-result"),
    )
    .await;
    shots.take(&c, "awaiting-vi", 1280).await;
    shots.take(&c, "awaiting-vi-390", 390).await;
    c.set_window_size(1280, 900).await.unwrap();
    c.goto(&server.url("/testing")).await.unwrap();
    wait_heading(&c, "Xét nghiệm").await;
    enter_positive(&c, &pool_code, "", "21/08/2021", "lấy mẫu lại").await;
    let list = text_of(&c, "#sampling-list").await.unwrap();
    assert!(
        list.contains("Hoàng Văn Hải") && list.contains("Đinh Thị Hà"),
        "{list}"
    );
    assert!(
        list.contains("21/08/2021"),
        "listed since the result's day: {list}"
    );
    shots.take(&c, "testing-vi", 1280).await;
    switch_language(&c, "en").await;
    wait_heading(&c, "Testing").await;
    let left = untranslated(&c, "header nav a, h1, h2, label, th, button, summary").await;
    assert!(
        left.is_empty(),
        "Vietnamese left in the English testing page: {left:?}"
    );
    shots.take(&c, "testing-en", 1280).await;
    switch_language(&c, "vi").await;
    log_out(&c).await;

    // The team samples Hải alone (off the list); the lab finds it positive: an F0.
    on_testing_page(&c, &server, TEAM).await;
    open_form(&c, "/testing/samples").await;
    let hai = ids[0].to_string();
    send_form(
        &c,
        "/testing/samples",
        &[("person_id", &hai), ("collected_on", "22/08/2021")],
    )
    .await;
    let sample_code = saved_code(&c, 'S').await;
    let list = text_of(&c, "#sampling-list").await.unwrap_or_default();
    assert!(
        !list.contains("Hoàng Văn Hải"),
        "sampled again: off the list: {list}"
    );
    // Taken in 2021, no result yet: it waits past 24 hours.
    let overdue = text_of(&c, "#overdue").await.unwrap();
    assert!(overdue.contains(&sample_code), "{overdue}");
    log_out(&c).await;
    on_testing_page(&c, &server, LAB).await;
    enter_positive(&c, &sample_code, "N:21,5", "23/08/2021", "Khẳng định F0 PD").await;
    c.goto(&server.url(&format!("/persons/{}", ids[0])))
        .await
        .unwrap();
    let badge = wait_for(&c, ".class-badge").await;
    assert_eq!(badge.text().await.unwrap(), "F0");
    let samples = text_of(&c, "#samples").await.unwrap();
    assert!(
        samples.contains(&sample_code) && samples.contains("Dương tính"),
        "{samples}"
    );
    c.close().await.unwrap();
    drop(driver);
    drop(server);
}

/// An F0 in Hà Khánh confirmed in the store with household contacts: the
/// contacts are F1. Returns their record numbers.
async fn f0_with_contacts(db: &TestDb, f0: &str, contacts: &[&str]) -> Vec<i64> {
    let mut people = vec![(f0, HA_KHANH)];
    people.extend(contacts.iter().map(|c| (*c, HA_KHANH)));
    let ids = register(db, &people).await;
    let system = phongdich_store::Actor::system("test");
    let today = phongdich_domain::Clock::system().today();
    let yesterday = (today - chrono::Days::new(1))
        .format("%d/%m/%Y")
        .to_string();
    for other in &ids[1..] {
        let c = phongdich_domain::contact::ContactInput {
            person_id: ids[0],
            other_person_id: *other,
            date: yesterday.clone(),
            setting: "household".into(),
            ..Default::default()
        }
        .parse(today)
        .unwrap();
        db.store.add_contact(&system, &c).await.unwrap();
    }
    let case =
        phongdich_store::CaseInput::found_in_community(ids[0], &yesterday, &yesterday, "rt_pcr");
    db.store.confirm_case(&system, &case, today).await.unwrap();
    ids[1..].to_vec()
}

/// The figure `status` of the progress table's total row.
async fn total_figure(c: &Client, status: &str) -> String {
    text_of(c, &format!("#progress tfoot a[data-figure='{status}']"))
        .await
        .unwrap_or_default()
}

/// Tick the people on a campaign list and press `button`.
async fn tick_and_sample(c: &Client, ids: &[i64], button: &str) {
    for id in ids {
        wait_for(c, &format!("input[name='person_id'][value='{id}']"))
            .await
            .click()
            .await
            .unwrap();
    }
    c.find(Locator::Css(button))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_is_ordered_sampled_and_filled_in_by_the_lab() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    const TEAM: &str = "chiendich.hakhanh";
    const LAB: &str = "lab.hakhanh";
    const PROVINCE: &str = "quantri.tinh";
    add_user(&db, TEAM, "Trịnh Thị Đợt", HA_KHANH, "health_staff");
    add_user(&db, LAB, "Mạc Văn Lab", HA_KHANH, "lab_staff");
    add_user(&db, PROVINCE, "Lý Văn Tỉnh", QUANG_NINH, "admin");
    let f1s = f0_with_contacts(
        &db,
        "Kiều Văn Nguồn",
        &["Kiều Thị Một", "Kiều Văn Hai", "Kiều Thị Ba"],
    )
    .await;
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();

    // Ordered without a deadline: refused, the error beside the field.
    log_in(&c, &server, TEAM, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url("/campaigns")).await.unwrap();
    wait_heading(&c, "Đợt xét nghiệm").await;
    fill(&c, "name", "Xét nghiệm F1 Hà Khánh").await;
    fill(&c, "pool_size", "2").await;
    fill(&c, "every_days", "3").await;
    fill(&c, "teams", "Tổ 1").await;
    submit(&c, "form#order").await;
    let error = wait_for(&c, "#order .invalid .field-error").await;
    assert!(
        error.text().await.unwrap().contains("Hạn"),
        "deadline error"
    );
    assert_eq!(value_of(&c, "name").await, "Xét nghiệm F1 Hà Khánh", "kept");
    let tomorrow = (phongdich_domain::Clock::system().today() + chrono::Duration::days(1))
        .format("%Y-%m-%dT16:00")
        .to_string();
    choose(&c, "/campaigns", "deadline", &tomorrow).await;
    submit(&c, "form#order").await;
    wait_heading(&c, "Xét nghiệm F1 Hà Khánh").await;
    assert_eq!(total_figure(&c, "targeted").await, "3");
    assert_eq!(total_figure(&c, "not_sampled").await, "3");

    // The team samples two in one pool and the third alone, from the list.
    c.find(Locator::Css("#sample-now"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    tick_and_sample(&c, &f1s[..2], "#take-pool").await;
    let pool_code = saved_code(&c, 'P').await;
    assert_eq!(total_figure(&c, "pending").await, "2");
    c.find(Locator::Css("#sample-now"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The one left: "everyone on this page" ticks her.
    click(&c, "#select-page").await;
    let ticked = c
        .find(Locator::Css(&format!(
            "input[name='person_id'][value='{}']",
            f1s[2]
        )))
        .await
        .unwrap()
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(ticked.as_deref(), Some("true"));
    click(&c, "#take-single").await;
    wait_until(&c, "the notice of one sample", || async {
        text_of(&c, "p.notice")
            .await
            .filter(|t| t.contains("1 mẫu đơn"))
    })
    .await;
    assert_eq!(total_figure(&c, "not_sampled").await, "0");
    let single_code = {
        c.goto(&server.url(&format!("/persons/{}", f1s[2])))
            .await
            .unwrap();
        let samples = text_of(&c, "#samples").await.unwrap();
        samples
            .split_whitespace()
            .find(|w| w.starts_with('S') && w[1..].chars().all(|ch| ch.is_ascii_digit()))
            .unwrap()
            .to_owned()
    };
    log_out(&c).await;

    // The province confirms F0 only after a health officer's review.
    on_testing_page(&c, &server, PROVINCE).await;
    c.find(Locator::Css("#settings summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    choose(&c, "/testing/settings", "value", "review").await;
    submit(&c, "form[action='/testing/settings']").await;
    wait_until(&c, "the setting saved", || async {
        text_of(&c, "p.notice")
            .await
            .filter(|t| t.contains("cài đặt"))
    })
    .await;
    log_out(&c).await;

    // The lab: the pool negative, the single positive — waiting for review.
    let today = phongdich_domain::Clock::system()
        .today()
        .format("%d/%m/%Y")
        .to_string();
    on_testing_page(&c, &server, LAB).await;
    open_form(&c, "/testing/results").await;
    fill_in(&c, "/testing/results", "code", &pool_code).await;
    choose(&c, "/testing/results", "outcome", "negative").await;
    fill_in(&c, "/testing/results", "resulted_on", &today).await;
    submit(&c, "form[action='/testing/results']").await;
    wait_for(&c, "p.notice").await;
    enter_positive(&c, &single_code, "", &today, "chờ cán bộ y tế xem xét").await;
    log_out(&c).await;

    // The team reviews it and confirms the F0.
    on_testing_page(&c, &server, TEAM).await;
    let waiting = text_of(&c, "#reviews").await.unwrap();
    assert!(
        waiting.contains("Kiều Thị Ba") && waiting.contains("(F1)"),
        "{waiting}"
    );
    c.find(Locator::Css("#reviews button[value='confirm']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(&c, "the F0 confirmed", || async {
        text_of(&c, "p.notice")
            .await
            .filter(|t| t.contains("Khẳng định F0 PD"))
    })
    .await;
    log_out(&c).await;

    // The committee's view: every figure filled, each opening its list.
    log_in(&c, &server, TEAM, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url("/campaigns")).await.unwrap();
    let row = text_of(&c, "#campaigns tbody").await.unwrap();
    assert!(row.contains("3 / 3"), "{row}");
    c.find(Locator::LinkText("Xét nghiệm F1 Hà Khánh"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_heading(&c, "Xét nghiệm F1 Hà Khánh").await;
    assert_eq!(total_figure(&c, "negative").await, "2");
    assert_eq!(total_figure(&c, "positive").await, "1");
    shots.take(&c, "campaign-vi", 1280).await;
    shots.take(&c, "campaign-vi-phone", 360).await;
    assert!(horizontal_overflow(&c).await <= 0, "fits a 360 px phone");
    c.set_window_size(1280, 900).await.unwrap();
    switch_language(&c, "en").await;
    wait_for(&c, "#progress").await;
    let left = untranslated(&c, "header nav a, h2, label, th, button").await;
    assert!(left.is_empty(), "Vietnamese left: {left:?}");
    shots.take(&c, "campaign-en", 1280).await;
    switch_language(&c, "vi").await;
    wait_for(&c, "#progress").await;
    c.find(Locator::Css("#progress tfoot a[data-figure='positive']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let listed = wait_for(&c, "#campaign-people").await.text().await.unwrap();
    assert!(
        listed.contains("Kiều Thị Ba") && !listed.contains("Kiều Thị Một"),
        "{listed}"
    );
    c.close().await.unwrap();
    drop(driver);
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_f1_is_quarantined_tested_and_released_with_a_certificate() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    const STAFF: &str = "cachly.hakhanh";
    add_user(&db, STAFF, "Phan Thị Ly", HA_KHANH, "quarantine_staff");
    let ids = register(&db, &[("Tăng Văn Cách", HA_KHANH)]).await;
    let id = ids[0];
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();
    log_in(&c, &server, STAFF, PASSWORD).await;
    wait_heading(&c, "Người dân").await;

    // An order as an F1 from 1 August 2021: 5599/BYT-MT, 14 days, tests on days 1, 7, 14.
    c.goto(&server.url(&format!("/persons/{id}")))
        .await
        .unwrap();
    let form = format!("/persons/{id}/quarantine");
    open_form(&c, &form).await;
    fill_in(&c, &form, "start_on", "01/08/2021").await;
    submit(&c, &format!("form[action='{form}']")).await;
    let order = wait_for(&c, "#quarantine .order")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        order.contains("5599/BYT-MT") && order.contains("14/08/2021"),
        "{order}"
    );
    let days = text_of(&c, "#quarantine .test-days").await.unwrap();
    assert_eq!(days, "01/08/2021, 07/08/2021, 14/08/2021");

    // The site: added with one bed, the person admitted; it is then full.
    c.goto(&server.url("/places")).await.unwrap();
    wait_heading(&c, "Nơi cách ly, điều trị").await;
    fill_in(&c, "/places", "name", "Khu cách ly Trường Chính trị").await;
    fill_in(&c, "/places", "regular", "1").await;
    submit(&c, "form#add-place").await;
    let admit = wait_for(&c, "form[action$='/admissions']")
        .await
        .attr("action")
        .await
        .unwrap()
        .unwrap();
    fill_in(&c, &admit, "person_id", &id.to_string()).await;
    submit(&c, &format!("form[action='{admit}']")).await;
    wait_until(&c, "the person admitted", || async {
        text_of(&c, "section.place")
            .await
            .filter(|t| t.contains("Tăng Văn Cách"))
    })
    .await;
    assert_eq!(text_of(&c, "section.place td.free").await.unwrap(), "0");
    let bars = c
        .find_all(Locator::Css("section.place figure.occupancy rect"))
        .await
        .unwrap();
    assert_eq!(bars.len(), 14, "a bar a day for a fortnight");
    shots.take(&c, "places-vi", 1280).await;
    c.goto(&server.url(&format!("/persons/{id}")))
        .await
        .unwrap();
    let order = wait_for(&c, "#quarantine .order")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        order.contains("Khu cách ly Trường Chính trị"),
        "the order names the site: {order}"
    );

    // Released too early: every reason is shown, nothing changes.
    let release = c
        .find(Locator::Css("#quarantine form[action$='/release']"))
        .await
        .unwrap();
    let action = release.attr("action").await.unwrap().unwrap();
    fill_in(&c, &action, "released_on", "10/08/2021").await;
    submit(&c, &format!("form[action='{action}']")).await;
    let alert = wait_for(&c, "#quarantine .alert")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        alert.contains("14/08/2021") && alert.contains("Thiếu xét nghiệm ngày 01/08/2021"),
        "{alert}"
    );
    shots.take(&c, "quarantine-person-vi", 1280).await;

    // The tests of days 1, 7 and 14, negative; then the release and its certificate.
    let staff = phongdich_store::Actor::system("test");
    let today = phongdich_domain::Clock::system().today();
    for day in ["01/08/2021", "07/08/2021", "14/08/2021"] {
        let sample = db
            .store
            .record_sample(
                &staff,
                &phongdich_store::SampleInput {
                    person_id: id,
                    collected_on: day.into(),
                    ..Default::default()
                },
                today,
            )
            .await
            .unwrap();
        db.store
            .record_result(
                &staff,
                &phongdich_domain::testing::ResultInput {
                    code: sample.code,
                    test_kind: "rt_pcr".into(),
                    outcome: "negative".into(),
                    resulted_on: day.into(),
                    ..Default::default()
                },
                today,
            )
            .await
            .unwrap();
    }
    c.goto(&server.url(&format!("/persons/{id}")))
        .await
        .unwrap();
    wait_for(&c, "#quarantine").await;
    fill_in(&c, &action, "released_on", "14/08/2021").await;
    submit(&c, &format!("form[action='{action}']")).await;
    wait_for(&c, "#certificate").await.click().await.unwrap();
    let cert = wait_for(&c, "div#certificate").await.text().await.unwrap();
    assert!(
        cert.contains("GIẤY XÁC NHẬN HOÀN THÀNH CÁCH LY")
            && cert.contains("Tăng Văn Cách")
            && cert.contains("Độc lập - Tự do - Hạnh phúc"),
        "{cert}"
    );
    shots.take(&c, "quarantine-certificate-vi", 1280).await;
    switch_language(&c, "en").await;
    wait_for(&c, "div#certificate").await;
    shots.take(&c, "quarantine-certificate-en", 1280).await;

    // The day list of 7 August 2021 had the test due.
    c.goto(&server.url("/quarantine?day=07/08/2021"))
        .await
        .unwrap();
    wait_heading(&c, "Quarantine").await;
    let left = untranslated(&c, "header nav a, h1, h2, label, th, button").await;
    assert!(left.is_empty(), "Vietnamese left: {left:?}");
    switch_language(&c, "vi").await;
    wait_heading(&c, "Cách ly").await;
    c.close().await.unwrap();
    drop(driver);
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_f0_at_home_raises_an_alert_that_ends_in_a_transfer() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    const NURSE: &str = "dieuduong.hakhanh";
    add_user(&db, NURSE, "Hà Thị Điều", HA_KHANH, "health_staff");
    let contacts = f0_with_contacts(&db, "Vi Văn Bệnh", &["Vi Thị Nhà"]).await;
    let f0 = contacts[0] - 1;
    // The province's field hospital (in Móng Cái) and hospital (in Hà Phong).
    let province = phongdich_store::Actor::system("test");
    let mut hospitals = Vec::new();
    for (name, kind, commune) in [
        ("Bệnh viện dã chiến số 1", "field_hospital", "06709"),
        ("Bệnh viện Bãi Cháy", "hospital", HA_PHONG),
    ] {
        let place = phongdich_store::PlaceInput {
            name: name.into(),
            kind: kind.into(),
            commune_code: commune.into(),
            beds: vec![("oxygen".into(), 20), ("regular".into(), 50)],
            ..Default::default()
        };
        hospitals.push(db.store.create_place(&province, &place).await.unwrap().id);
    }
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();
    log_in(&c, &server, NURSE, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url(&format!("/persons/{f0}")))
        .await
        .unwrap();
    let enrol = format!("/persons/{f0}/home-treatment");
    open_form(&c, &enrol).await;
    // SpO2 95: not eligible, the reason is shown.
    fill_in(&c, &enrol, "breathing_rate", "18").await;
    fill_in(&c, &enrol, "spo2", "95").await;
    submit(&c, &format!("form[action='{enrol}']")).await;
    let alert = wait_for(&c, "#home-treatment .alert")
        .await
        .text()
        .await
        .unwrap();
    assert!(alert.contains("SpO2 dưới 96%"), "{alert}");
    // The form stays open with the refusal.
    fill_in(&c, &enrol, "breathing_rate", "18").await;
    fill_in(&c, &enrol, "spo2", "97").await;
    submit(&c, &format!("form[action='{enrol}']")).await;
    let line = wait_for(&c, "#home-treatment p.treatment")
        .await
        .text()
        .await
        .unwrap();
    assert!(line.contains("đang điều trị tại nhà"), "{line}");

    // Vital signs with SpO2 93 and 26 breaths a minute: an alert.
    let form = c
        .find(Locator::Css("#home-treatment form[action$='/vitals']"))
        .await
        .unwrap();
    let action = form.attr("action").await.unwrap().unwrap();
    open_form(&c, &action).await;
    fill_in(&c, &action, "spo2", "93").await;
    fill_in(&c, &action, "breathing_rate", "26").await;
    submit(&c, &format!("form[action='{action}']")).await;
    let row = wait_for(&c, "#vitals tr.warning")
        .await
        .text()
        .await
        .unwrap();
    assert!(row.contains("SpO2") && row.contains("Nhịp thở"), "{row}");
    shots.take(&c, "home-treatment-vi", 1280).await;
    // The day list: one reading of two, and an alert waiting.
    c.goto(&server.url("/quarantine")).await.unwrap();
    let missing = wait_for(&c, "#missing-vitals").await.text().await.unwrap();
    assert!(missing.contains("Vi Văn Bệnh — 1/2"), "{missing}");
    assert!(body_text(&c).await.contains("Cảnh báo chưa xử lý xong (1)"));

    // The response team takes it and transfers the patient.
    c.goto(&server.url("/alerts")).await.unwrap();
    wait_heading(&c, "Cảnh báo điều trị tại nhà").await;
    let open = text_of(&c, "#alerts tbody").await.unwrap();
    assert!(
        open.contains("Vi Văn Bệnh") && open.contains("Chưa tiếp nhận"),
        "{open}"
    );
    c.find(Locator::Css("#alerts form[action$='/acknowledge'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(&c, "the alert taken", || async {
        text_of(&c, "#alerts tbody")
            .await
            .filter(|t| t.contains("Đã tiếp nhận"))
    })
    .await;
    let act = c
        .find(Locator::Css("#alerts form[action$='/action']"))
        .await
        .unwrap()
        .attr("action")
        .await
        .unwrap()
        .unwrap();
    choose(&c, &act, "action", "transfer").await;
    choose(&c, &act, "place_id", &hospitals[0].to_string()).await;
    choose(&c, &act, "bed_type", "oxygen").await;
    fill_in(&c, &act, "note", "Bệnh viện dã chiến số 1").await;
    submit(&c, &format!("form[action='{act}']")).await;
    wait_until(&c, "the transfer recorded", || async {
        text_of(&c, "#alerts tbody")
            .await
            .filter(|t| t.contains("Chuyển viện") && t.contains("Bệnh viện dã chiến số 1"))
    })
    .await;
    shots.take(&c, "alerts-vi", 1280).await;
    switch_language(&c, "en").await;
    wait_heading(&c, "Home-treatment alerts").await;
    let left = untranslated(&c, "header nav a, h1, th, button").await;
    assert!(left.is_empty(), "Vietnamese left: {left:?}");
    switch_language(&c, "vi").await;
    c.goto(&server.url(&format!("/persons/{f0}")))
        .await
        .unwrap();
    let line = wait_for(&c, "#home-treatment p.treatment")
        .await
        .text()
        .await
        .unwrap();
    assert!(line.contains("đã chuyển viện"), "{line}");
    // Admitted to an oxygen bed of the field hospital, as the province sees it.
    let admitted = db
        .store
        .admissions(&phongdich_store::Scope::national(), hospitals[0], true)
        .await
        .unwrap();
    assert_eq!(
        (admitted.len(), admitted[0].bed_type.as_str()),
        (1, "oxygen")
    );
    c.close().await.unwrap();
    drop(driver);
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_on_duty_takes_an_alert_and_lends_a_concentrator() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    const DISTRICT: &str = "yte.halong";
    const NURSE: &str = "dieuduong.hakhanh";
    add_user(&db, DISTRICT, "Trần Văn Điều Phối", "193", "health_staff");
    add_user(&db, NURSE, "Hà Thị Điều", HA_KHANH, "health_staff");
    let contacts = f0_with_contacts(&db, "Lò Văn Thở", &["Lò Thị Nhà"]).await;
    let f0 = contacts[0] - 1;
    let system = phongdich_store::Actor::system("test");
    let today = phongdich_domain::Clock::system().today();
    let enrolment = phongdich_domain::treatment::Enrolment::well(44);
    let treatment = db
        .store
        .enrol_home_treatment(&system, f0, &enrolment, today)
        .await
        .unwrap();
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();

    // The district puts Hà Khánh's team on duty for a week; a missing name is refused.
    log_in(&c, &server, DISTRICT, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url("/duty")).await.unwrap();
    wait_heading(&c, "Trực phản ứng nhanh").await;
    assert!(
        text_of(&c, "#uncovered")
            .await
            .unwrap()
            .contains("Phường Hà Khánh")
    );
    choose(&c, "/duty", "unit_code", HA_KHANH).await;
    send_form(&c, "/duty", &[("phone", "0203 3835 115")]).await;
    let error = wait_for(&c, "#add-shift .field-error")
        .await
        .text()
        .await
        .unwrap();
    assert!(error.contains("Nhập tên đội"), "{error}");
    assert_eq!(
        value_of(&c, "phone").await,
        "0203 3835 115",
        "typed values kept"
    );
    let vn = chrono::Utc::now().with_timezone(&phongdich_store::vietnam());
    // Typed as people write them: dd/mm/yyyy hh:mm, 24 h.
    let start = (vn - chrono::Duration::hours(1)).format("%d/%m/%Y %H:%M");
    let end = (vn + chrono::Duration::hours(11)).format("%d/%m/%Y %H:%M");
    choose(&c, "/duty", "starts_at", &start.to_string()).await;
    choose(&c, "/duty", "ends_at", &end.to_string()).await;
    choose(&c, "/duty", "unit_code", HA_KHANH).await;
    send_form(
        &c,
        "/duty",
        &[
            ("team", "Tổ phản ứng nhanh Hà Khánh"),
            ("members", "BS. Lan, ĐD. Hùng"),
            ("repeat_days", "7"),
        ],
    )
    .await;
    let on_duty = wait_for(&c, "#on-duty").await.text().await.unwrap();
    assert!(on_duty.contains("Tổ phản ứng nhanh Hà Khánh") && on_duty.contains("0203 3835 115"));
    let rows = c
        .find_all(Locator::Css("#shifts tbody tr"))
        .await
        .unwrap()
        .len();
    assert_eq!(rows, 7, "a shift a day for a week");
    shots.take(&c, "duty-vi", 1280).await;
    switch_language(&c, "en").await;
    wait_heading(&c, "Rapid-response duty roster").await;
    let left = untranslated(&c, "h1, h2, th, button, label, dt").await;
    assert!(left.is_empty(), "Vietnamese left: {left:?}");
    shots.take(&c, "duty-en", 1280).await;
    switch_language(&c, "vi").await;

    // A concentrator kept by the commune.
    c.goto(&server.url("/oxygen")).await.unwrap();
    wait_heading(&c, "Thiết bị oxy").await;
    choose(&c, "/oxygen", "unit_code", HA_KHANH).await;
    send_form(
        &c,
        "/oxygen",
        &[("label", "MTO-HK-01"), ("capacity", "5 L/phút")],
    )
    .await;
    wait_until(&c, "the concentrator listed", || async {
        text_of(&c, "#equipment")
            .await
            .filter(|t| t.contains("MTO-HK-01"))
    })
    .await;
    log_out(&c).await;

    // SpO2 93 at home: the alert goes to the team on duty.
    let nurse = phongdich_store::Actor {
        name: NURSE.into(),
        source: "test".into(),
        scope: phongdich_store::Scope::unit(phongdich_domain::UnitCode::parse(HA_KHANH).unwrap()),
        role: phongdich_domain::Role::HealthStaff,
    };
    let low = phongdich_domain::treatment::Vitals {
        spo2: Some(93),
        ..Default::default()
    };
    // Issue 18 §3: the team's alerts page is open, the bell on; the alert
    // arrives without anyone touching the page, its count in the tab.
    log_in(&c, &server, NURSE, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url("/alerts")).await.unwrap();
    wait_heading(&c, "Cảnh báo điều trị tại nhà").await;
    assert!(
        text_of(&c, "#live")
            .await
            .unwrap()
            .contains("Không có cảnh báo")
    );
    assert_eq!(c.title().await.unwrap(), "Cảnh báo — phongdich");
    click(&c, "#bell").await;
    assert_eq!(
        c.find(Locator::Css("#bell"))
            .await
            .unwrap()
            .attr("aria-pressed")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    c.execute(
        "document.getElementById('live').setAttribute('data-every', '1');",
        vec![],
    )
    .await
    .unwrap();
    let at = c.current_url().await.unwrap();
    db.store
        .record_vitals(&nurse, treatment.id, &low, today)
        .await
        .unwrap();
    wait_until(&c, "the alert shown by itself", || async {
        text_of(&c, "#alerts tbody tr.mine").await
    })
    .await;
    wait_until(&c, "the count in the title", || async {
        c.title().await.ok().filter(|t| t.starts_with("(1) "))
    })
    .await;
    assert_eq!(c.current_url().await.unwrap(), at, "no navigation");
    let row = text_of(&c, "#alerts tbody tr.mine").await.unwrap();
    assert!(
        row.contains("Lò Văn Thở") && row.contains("Tổ phản ứng nhanh Hà Khánh"),
        "{row}"
    );
    // Issue 18, bug 7: an alert with its response form fits a phone.
    shots.take(&c, "alerts-vi-phone", 390).await;
    assert!(
        horizontal_overflow(&c).await <= 0,
        "the alerts fit a 390 px phone"
    );
    c.set_window_size(1280, 900).await.unwrap();
    let act = c
        .find(Locator::Css("#alerts form[action$='/action']"))
        .await
        .unwrap()
        .attr("action")
        .await
        .unwrap()
        .unwrap();
    choose(&c, &act, "action", "oxygen").await;
    let equipment: Vec<String> = c
        .execute(
            "return [...document.querySelectorAll(\"#alerts select[name='equipment_id'] option\")].map(o => o.value);",
            vec![],
        )
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .filter(|v| !v.is_empty())
        .collect();
    assert_eq!(equipment.len(), 1, "the one concentrator on offer");
    choose(&c, &act, "equipment_id", &equipment[0]).await;
    fill_in(&c, &act, "note", "Thở oxy 3 L/phút").await;
    submit(&c, &format!("form[action='{act}']")).await;
    wait_until(&c, "oxygen recorded", || async {
        text_of(&c, "#alerts tbody")
            .await
            .filter(|t| t.contains("Cho thở oxy") && t.contains("Thở oxy 3 L/phút"))
    })
    .await;
    let raised = text_of(&c, "#response-times div:first-child dd").await;
    assert_eq!(raised.as_deref(), Some("1"), "one alert this week");
    shots.take(&c, "alerts-team-vi", 1280).await;

    // The concentrator is out with the patient, then comes back.
    c.goto(&server.url("/oxygen")).await.unwrap();
    let row = wait_for(&c, "#equipment tr[data-status='lent']")
        .await
        .text()
        .await
        .unwrap();
    assert!(row.contains("Lò Văn Thở"), "{row}");
    shots.take(&c, "oxygen-vi", 1280).await;
    c.goto(&server.url(&format!("/persons/{f0}")))
        .await
        .unwrap();
    let loans = wait_for(&c, "#oxygen-loans").await.text().await.unwrap();
    assert!(loans.contains("Mượn lúc"), "{loans}");
    c.goto(&server.url("/oxygen")).await.unwrap();
    c.find(Locator::Css("#equipment form[action$='/return'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&c, "#equipment tr[data-status='available']").await;
    assert_eq!(horizontal_overflow(&c).await, 0);
    c.close().await.unwrap();
    drop(driver);
    drop(server);

    let entries = db
        .store
        .audit_entries(
            &system,
            &phongdich_store::AuditFilter {
                limit: 200,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    for (entity, action) in [
        ("duty_shift", "create"),
        ("oxygen_equipment", "create"),
        ("oxygen_equipment", "lend"),
        ("oxygen_equipment", "return"),
        ("treatment_alert", "update"),
    ] {
        assert!(
            entries
                .iter()
                .any(|e| e.entity == entity && e.action == action),
            "{entity} {action} audited"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_province_administrator_adds_and_revises_a_quarantine_rule() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    add_user(&db, ADMIN, "Quản trị tỉnh", QUANG_NINH, "admin");
    add_user(&db, WORKER, "Cán bộ Hà Khánh", HA_KHANH, "health_staff");
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();
    log_in(&c, &server, ADMIN, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url("/quarantine/rules")).await.unwrap();
    wait_heading(&c, "Quy định cách ly").await;
    let national = text_of(&c, "#rules").await.unwrap();
    assert!(national.contains("5599/BYT-MT") && national.contains("1909/BYT-DP"));

    // Test days that are not numbers, and no source: refused, typed values kept.
    choose(&c, "/quarantine/rules", "situation", "from_epidemic_area").await;
    send_form(
        &c,
        "/quarantine/rules",
        &[
            ("code", "qn-vung-dich-2021"),
            ("from", "10/08/2021"),
            ("days", "14"),
            ("monitoring_days", "7"),
            ("test_days", "một, bảy"),
        ],
    )
    .await;
    let error = wait_for(&c, "#err-test_days").await.text().await.unwrap();
    assert!(error.contains("Ngày xét nghiệm là các số"), "{error}");
    assert_eq!(value_of(&c, "code").await, "qn-vung-dich-2021");
    send_form(
        &c,
        "/quarantine/rules",
        &[
            ("test_days", "1, 7, 14"),
            ("source", "Công văn 3775/UBND-YT tỉnh Quảng Ninh"),
        ],
    )
    .await;
    // The province's own rules include those seeded for returnees (18/10/2021).
    let mine = "#rules tr.own[data-code='qn-vung-dich-2021']";
    let own = wait_for(&c, mine).await.text().await.unwrap();
    assert!(
        own.contains("3775/UBND-YT") && own.contains("1, 7, 14"),
        "{own}"
    );

    // A new version: 21 days; the first stays on file.
    c.find(Locator::Css(&format!("{mine} a")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(&c, "the form filled from the rule", || async {
        Some(value_of(&c, "days").await).filter(|d| d == "14")
    })
    .await;
    send_form(&c, "/quarantine/rules", &[("days", "21")]).await;
    // The list is on the page before and after the post: wait for the new one.
    let versions = wait_until(&c, "the second version listed", || async {
        text_of(&c, "#rule-versions")
            .await
            .filter(|t| t.contains("v2"))
    })
    .await;
    assert!(versions.contains("v1"), "{versions}");
    shots.take(&c, "quarantine-rules-vi", 1280).await;
    switch_language(&c, "en").await;
    wait_heading(&c, "Quarantine rules").await;
    let left = untranslated(&c, "h1, h2, th, label, button").await;
    assert!(left.is_empty(), "Vietnamese left: {left:?}");
    shots.take(&c, "quarantine-rules-en", 1280).await;
    switch_language(&c, "vi").await;
    log_out(&c).await;

    // A commune worker sees the rules but cannot change them.
    log_in(&c, &server, WORKER, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url("/quarantine/rules")).await.unwrap();
    wait_heading(&c, "Quy định cách ly").await;
    let own = text_of(&c, "#rules tr.own[data-code='qn-vung-dich-2021']")
        .await
        .unwrap();
    assert!(own.contains("21"), "{own}");
    assert!(c.find(Locator::Css("#add-rule")).await.is_err());
    c.close().await.unwrap();
    drop(driver);
    drop(server);
    // Two versions of its rule, besides the 18/10/2021 rules seeded for returnees.
    let versions = db.store.province_rule_versions(QUANG_NINH).await.unwrap();
    assert_eq!(
        versions
            .iter()
            .filter(|v| v.code == "qn-vung-dich-2021")
            .count(),
        2
    );
    let audit = db
        .store
        .audit_entries(
            &phongdich_store::Actor::system("test"),
            &phongdich_store::AuditFilter {
                entity: Some("quarantine_rule".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(audit.len(), 2);
    assert!(audit.iter().all(|e| e.actor == ADMIN));
}

/// Make a personal link from the person's page (the form posting to
/// `action`); the address on the printable card.
async fn make_link(c: &Client, shots: &Shots, action: &str, shot: &str) -> String {
    fill_in(c, action, "contact_phone", "0203 3825 123").await;
    submit(c, &format!("form[action='{action}']")).await;
    let url = wait_for(c, "#link-url").await.text().await.unwrap();
    let code = text_of(c, "#link-code").await.unwrap();
    assert_eq!(code.len(), 9, "ABCD-EFGH: {code}");
    assert!(
        c.find(Locator::Css("#link-card svg")).await.is_ok(),
        "a QR code"
    );
    shots.take(c, shot, 1280).await;
    url
}

/// Open a personal link as the person does: logged out, on a 360 × 740 phone.
async fn open_on_phone(c: &Client, url: &str) {
    log_out(c).await;
    c.set_window_size(360, 740).await.unwrap();
    c.goto(url).await.unwrap();
    wait_for(c, "main.phone").await;
    assert!(horizontal_overflow(c).await <= 0, "fits a 360 px phone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_in_quarantine_declares_from_their_phone_through_a_personal_link() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    const STAFF: &str = "cachly.hakhanh";
    add_user(&db, STAFF, "Phan Thị Ly", HA_KHANH, "quarantine_staff");
    let id = register(&db, &[("Lương Thị Khai", HA_KHANH)]).await[0];
    // At home from an epidemic area, from four days ago: day 5 of 14.
    let today = phongdich_domain::Clock::system().today();
    let order = db
        .store
        .create_order(
            &phongdich_store::Actor::system("test"),
            &phongdich_store::OrderInput {
                person_id: id,
                situation: "from_epidemic_area".into(),
                start_on: (today - chrono::Days::new(4)).to_string(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();
    log_in(&c, &server, STAFF, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url("/quarantine")).await.unwrap();
    let missed = wait_for(&c, "#missed-declaration")
        .await
        .text()
        .await
        .unwrap();
    assert!(missed.contains("Lương Thị Khai — ngày 5/14"), "{missed}");

    c.goto(&server.url(&format!("/persons/{id}")))
        .await
        .unwrap();
    wait_for(&c, "#declarations").await;
    shots
        .take(&c, "quarantine-person-declarations-vi", 1280)
        .await;
    let url = make_link(
        &c,
        &shots,
        &format!("/quarantine/orders/{}/link", order.id),
        "personal-link-vi",
    )
    .await;

    open_on_phone(&c, &url).await;
    wait_heading(&c, "Khai báo y tế hằng ngày").await;
    let text = body_text(&c).await;
    assert!(
        text.contains("Chào Khai!") && !text.contains("Lương"),
        "the given name only: {text}"
    );
    assert!(text.contains("Ngày 5/14 cách ly"), "{text}");
    assert_eq!(
        text_of(&c, "#today-status").await.unwrap(),
        "Chưa khai báo hôm nay"
    );
    shots.take(&c, "phone-declaration-vi", 360).await;
    let action = url
        .split_once("/k/")
        .map(|(_, t)| format!("/k/{t}/declaration"))
        .unwrap();
    fill_in(&c, &action, "temperature", "37,8").await;
    c.find(Locator::Css("input[name='symptoms'][value='cough']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit(&c, "form.phone-form").await;
    wait_until(&c, "the declaration sent", || async {
        text_of(&c, "p.notice")
            .await
            .filter(|t| t.contains("Đã gửi"))
    })
    .await;
    let status = text_of(&c, "#today-status").await.unwrap();
    assert!(
        status.contains("Đã khai báo hôm nay") && status.contains("lấy mẫu"),
        "{status}"
    );
    shots.take(&c, "phone-declared-vi", 360).await;
    switch_language(&c, "en").await;
    wait_heading(&c, "Daily health declaration").await;
    let left = untranslated(&c, "h1, label, legend, button, #today-status").await;
    assert!(left.is_empty(), "Vietnamese left: {left:?}");
    shots.take(&c, "phone-declared-en", 360).await;

    // The wrong code, typed by hand: a clear answer, not an error page.
    c.goto(&server.url("/k")).await.unwrap();
    wait_for(&c, "#f-code").await;
    fill_in(&c, "/k", "code", "ZZZZ-ZZZZ").await;
    submit(&c, "form").await;
    let refused = wait_for(&c, "p.alert").await.text().await.unwrap();
    assert!(refused.contains("not right"), "{refused}");
    shots.take(&c, "phone-code-en", 360).await;
    switch_language(&c, "vi").await;

    // The day list: no longer missed; the symptoms to sample.
    c.set_window_size(1280, 900).await.unwrap();
    log_in(&c, &server, STAFF, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url("/quarantine")).await.unwrap();
    wait_heading(&c, "Cách ly").await;
    assert!(
        body_text(&c).await.contains("Chưa khai báo hôm nay (0)"),
        "no longer missed"
    );
    assert!(c.find(Locator::Css("#missed-declaration")).await.is_err());
    let flagged = text_of(&c, "#declared-symptoms").await.unwrap();
    assert!(
        flagged.contains("Lương Thị Khai — 37,8 °C, Ho"),
        "{flagged}"
    );
    shots.take(&c, "quarantine-day-declarations-vi", 1280).await;
    c.close().await.unwrap();
    drop(driver);
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_f0_at_home_records_spo2_93_from_their_phone_and_the_team_is_alerted() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    const NURSE: &str = "dieuduong.hakhanh";
    add_user(&db, NURSE, "Hà Thị Điều", HA_KHANH, "health_staff");
    let contacts = f0_with_contacts(&db, "Nông Văn Thở", &["Nông Thị Nhà"]).await;
    let f0 = contacts[0] - 1;
    let today = phongdich_domain::Clock::system().today();
    db.store
        .enrol_home_treatment(
            &phongdich_store::Actor::system("test"),
            f0,
            &phongdich_domain::treatment::Enrolment {
                age_years: 41,
                mild_or_no_symptoms: true,
                breathing_rate: 18,
                spo2: 97,
                doses: 2,
                can_self_care_and_call: true,
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();
    log_in(&c, &server, NURSE, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url(&format!("/persons/{f0}")))
        .await
        .unwrap();
    let action = wait_for(&c, "#home-treatment form.make-link")
        .await
        .attr("action")
        .await
        .unwrap()
        .unwrap();
    let url = make_link(&c, &shots, &action, "personal-link-f0-vi").await;

    open_on_phone(&c, &url).await;
    wait_heading(&c, "Theo dõi sức khỏe tại nhà").await;
    assert!(body_text(&c).await.contains("Hôm nay đã ghi 0/2 lần"));
    shots.take(&c, "phone-vitals-vi", 360).await;
    let form = url
        .split_once("/k/")
        .map(|(_, t)| format!("/k/{t}/vitals"))
        .unwrap();
    fill_in(&c, &form, "spo2", "93").await;
    fill_in(&c, &form, "breathing_rate", "19").await;
    fill_in(&c, &form, "pulse", "88").await;
    submit(&c, "form.phone-form").await;
    let alerted = wait_for(&c, "#alerted").await.text().await.unwrap();
    assert!(
        alerted.contains("Hãy bình tĩnh")
            && alerted.contains("SpO2")
            && alerted.contains("đã được báo")
            && alerted.contains("0203"),
        "{alerted}"
    );
    assert!(body_text(&c).await.contains("Hôm nay đã ghi 1/2 lần"));
    shots.take(&c, "phone-vitals-alert-vi", 360).await;
    switch_language(&c, "en").await;
    let alerted = wait_for(&c, "#alerted").await.text().await.unwrap();
    assert!(
        alerted.contains("Stay calm") && alerted.contains("has been alerted"),
        "{alerted}"
    );
    shots.take(&c, "phone-vitals-alert-en", 360).await;
    switch_language(&c, "vi").await;

    // The response team sees the alert, raised through the link.
    c.set_window_size(1280, 900).await.unwrap();
    log_in(&c, &server, NURSE, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url("/alerts")).await.unwrap();
    wait_heading(&c, "Cảnh báo điều trị tại nhà").await;
    let open = text_of(&c, "#alerts tbody").await.unwrap();
    assert!(
        open.contains("Nông Văn Thở") && open.contains("Chưa tiếp nhận") && open.contains("SpO2"),
        "{open}"
    );
    c.close().await.unwrap();
    drop(driver);
    drop(server);
}

/// Confirm an F0 `days_ago` days before today for each of `people` (record
/// numbers), found where `source` says (`community`, `quarantine`, `imported`).
async fn confirm_on(db: &TestDb, people: &[i64], days_ago: u64, source: &str) {
    let system = phongdich_store::Actor::system("test");
    let today = phongdich_domain::Clock::system().today();
    let on = (today - chrono::Days::new(days_ago))
        .format("%d/%m/%Y")
        .to_string();
    for id in people {
        let mut case = phongdich_store::CaseInput::found_in_community(*id, &on, &on, "rt_pcr");
        match source {
            "quarantine" => case.detected_where = "quarantine".into(),
            "imported" => {
                case.source_kind = "imported".into();
                case.source_ref = "LA".into();
            }
            _ => {}
        }
        db.store.confirm_case(&system, &case, today).await.unwrap();
    }
}

/// Apply the page's print rules on screen, so a screenshot shows the page
/// as it prints (WebDriver has no print-media switch).
async fn as_printed(c: &Client) {
    c.execute(
        "const rules = [];
         for (const sheet of document.styleSheets) {
           for (const r of sheet.cssRules) {
             if (r.media && r.media.mediaText === 'print') {
               for (const inner of r.cssRules) rules.push(inner.cssText);
             }
           }
         }
         const style = document.createElement('style');
         style.textContent = rules.join('\\n');
         document.head.appendChild(style);",
        vec![],
    )
    .await
    .unwrap();
}

/// Click the first element matching `css`.
async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// The unit codes of the dashboard's units table, top to bottom.
async fn unit_rows(c: &Client) -> Vec<String> {
    let mut codes = Vec::new();
    for row in c
        .find_all(Locator::Css("#unit-table tbody tr"))
        .await
        .unwrap()
    {
        codes.push(row.attr("data-unit").await.unwrap().unwrap_or_default());
    }
    codes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_district_dashboard_shows_the_curve_and_sorts_its_communes() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    const DISTRICT: &str = "yte.halong";
    add_user(&db, DISTRICT, "Đoàn Thị Quận", "193", "health_staff");
    // Hà Khánh: yesterday's F0 with two F1, and a few more over the fortnight;
    // Hà Phong: a rising outbreak around its market.
    let contacts = f0_with_contacts(&db, "Vũ Văn Gốc", &["Vũ Thị Con", "Vũ Văn Cháu"]).await;
    let given = [
        "An", "Bình", "Cường", "Dũng", "Giang", "Hạnh", "Khoa", "Lan", "Minh", "Nga", "Oanh",
        "Phúc", "Quân", "Sơn", "Tâm", "Uyên", "Vân", "Xuân", "Yến", "Hùng",
    ];
    let names: Vec<String> = given
        .iter()
        .enumerate()
        .map(|(i, g)| {
            format!(
                "{} {g}",
                ["Nguyễn Văn", "Trần Thị", "Lê Văn", "Phạm Thị"][i % 4]
            )
        })
        .collect();
    let mut people = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let commune = if i < 6 { HA_KHANH } else { HA_PHONG };
        people.push((name.as_str(), commune));
    }
    let ids = register(&db, &people).await;
    let (khanh, phong) = ids.split_at(6);
    for (who, days_ago, source) in [
        (&khanh[0..1], 12, "community"),
        (&khanh[1..2], 9, "quarantine"),
        (&khanh[2..3], 6, "community"),
        (&khanh[3..4], 4, "imported"),
        (&khanh[4..6], 0, "quarantine"),
        (&phong[0..1], 10, "community"),
        (&phong[1..2], 7, "community"),
        (&phong[2..4], 5, "community"),
        (&phong[4..6], 3, "quarantine"),
        (&phong[6..9], 2, "community"),
        (&phong[9..11], 1, "community"),
        (&phong[11..14], 0, "community"),
    ] {
        confirm_on(&db, who, days_ago, source).await;
    }
    let system = phongdich_store::Actor::system("test");
    // The contacts tested negative twice: results 2 days ago and today.
    let today = phongdich_domain::Clock::system().today();
    let ago = |n: u64| {
        (today - chrono::Days::new(n))
            .format("%d/%m/%Y")
            .to_string()
    };
    for (taken, resulted) in [(3, 2), (1, 0)] {
        for id in &contacts {
            let sample = phongdich_store::SampleInput {
                person_id: *id,
                collected_on: ago(taken),
                ..Default::default()
            };
            let sample = db
                .store
                .record_sample(&system, &sample, today)
                .await
                .unwrap();
            let result = phongdich_domain::testing::ResultInput {
                code: sample.code,
                test_kind: "rt_pcr".into(),
                outcome: "negative".into(),
                resulted_on: ago(resulted),
                ..Default::default()
            };
            db.store
                .record_result(&system, &result, today)
                .await
                .unwrap();
        }
    }
    let market = db
        .store
        .create_cluster(
            &system,
            &phongdich_store::ClusterInput {
                name: "Chợ Hà Phong".into(),
                kind: "market".into(),
                place: "Khu 5".into(),
                unit_code: HA_PHONG.into(),
                started_on: (phongdich_domain::Clock::system().today() - chrono::Days::new(10))
                    .format("%d/%m/%Y")
                    .to_string(),
            },
        )
        .await
        .unwrap();
    for id in &phong[0..8] {
        db.store
            .add_cluster_member(&system, market.id, *id)
            .await
            .unwrap();
    }

    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();
    c.set_window_size(1280, 900).await.unwrap();
    log_in(&c, &server, DISTRICT, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    click(&c, "header nav li.group > a[href='/dashboard']").await;
    wait_heading(&c, "Bảng điều hành — Thành phố Hạ Long").await;

    // Today: 2 in Hà Khánh + 3 in Hà Phong; yesterday 1 + 2.
    let new_today = text_of(&c, "#key-figures [data-key='f0_new']")
        .await
        .unwrap();
    assert!(
        new_today.contains("F0 mới\n5") && new_today.contains("▲ 2 so với"),
        "{new_today}"
    );
    let period = text_of(&c, "#key-figures [data-key='f0_period']")
        .await
        .unwrap();
    assert!(period.ends_with("21"), "{period}");
    // The curve: a bar part per source and day, the average line, the legend.
    let parts = c
        .find_all(Locator::Css("#epi-curve rect[data-series]"))
        .await
        .unwrap();
    assert_eq!(parts.len(), 12, "one part per day and source with cases");
    assert!(
        c.find(Locator::Css("#epi-curve polyline.average"))
            .await
            .is_ok()
    );
    let legend = text_of(&c, "#epi-curve figcaption").await.unwrap();
    assert!(
        legend.contains("Trong cộng đồng")
            && legend.contains("Đang cách ly")
            && legend.contains("Nhập cảnh")
            && legend.contains("Trung bình 7 ngày"),
        "{legend}"
    );
    let clusters = text_of(&c, "#top-clusters").await.unwrap();
    assert!(clusters.contains("Chợ Hà Phong"), "{clusters}");
    assert_eq!(
        c.find(Locator::Css("#top-clusters a[href^='/clusters/']"))
            .await
            .unwrap()
            .attr("href")
            .await
            .unwrap(),
        Some(format!("/clusters/{}", market.id))
    );
    assert_eq!(
        text_of(&c, "#class-counts")
            .await
            .map(|t| t.contains("F1\n2")),
        Some(true),
        "the two household contacts"
    );

    // The units table: most new F0 first, then sorted by a click on a heading.
    let rows = unit_rows(&c).await;
    assert_eq!(&rows[..2], [HA_PHONG, HA_KHANH], "{rows:?}");
    let phong_line = text_of(&c, "#unit-table tr[data-unit='06652']")
        .await
        .unwrap();
    assert!(phong_line.starts_with("Phường Hà Phong 14"), "{phong_line}");
    assert!(
        c.find(Locator::Css(
            "#unit-table tr[data-unit='06652'] svg.sparkline rect"
        ))
        .await
        .is_ok()
    );
    shots.take(&c, "dashboard-vi", 1280).await;
    click(&c, "#unit-table th[data-sort='f0_new'] a").await;
    wait_for(
        &c,
        "#unit-table th[data-sort='f0_new'][aria-sort='ascending']",
    )
    .await;
    let rows = unit_rows(&c).await;
    assert_eq!(
        &rows[rows.len() - 2..],
        [HA_KHANH, HA_PHONG],
        "fewest first now"
    );
    click(&c, "#unit-table th[data-sort='name'] a").await;
    wait_for(
        &c,
        "#unit-table th[data-sort='name'][aria-sort='ascending']",
    )
    .await;
    let names = text_of(&c, "#unit-table tbody").await.unwrap();
    assert!(
        names.find("Phường Bãi Cháy") < names.find("Phường Hà Khánh"),
        "A–Z by name"
    );

    // Filter: Hà Phong over the last 7 days.
    let from = (phongdich_domain::Clock::system().today() - chrono::Days::new(6))
        .format("%d/%m/%Y")
        .to_string();
    choose(&c, "/dashboard", "unit", HA_PHONG).await;
    fill_in(&c, "/dashboard", "from", &from).await;
    submit(&c, "form[action='/dashboard']").await;
    wait_heading(&c, "Bảng điều hành — Phường Hà Phong").await;
    let period = text_of(&c, "#key-figures [data-key='f0_period']")
        .await
        .unwrap();
    assert!(period.ends_with("12"), "7 days of Hà Phong: {period}");
    assert_eq!(
        c.find_all(Locator::Css("#epi-curve g"))
            .await
            .unwrap()
            .len(),
        7
    );
    // Its numbers open Hà Phong's lists, for the days they count.
    let href = c
        .find(Locator::Css("#key-figures [data-key='f0_period'] a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        href.starts_with(&format!("/reports/figure?key=f0_new&unit={HA_PHONG}&from=")),
        "{href}"
    );
    // A period too long names its field.
    fill_in(&c, "/dashboard", "from", "01/01/2020").await;
    submit(&c, "form[action='/dashboard']").await;
    let error = wait_for(&c, "#err-from").await.text().await.unwrap();
    assert!(error.contains("Tối đa 120 ngày"), "{error}");

    // Back to the district, in English, and as printed.
    c.goto(&server.url("/dashboard")).await.unwrap();
    wait_heading(&c, "Bảng điều hành — Thành phố Hạ Long").await;
    switch_language(&c, "en").await;
    wait_heading(&c, "Dashboard — Thành phố Hạ Long").await;
    let legend = text_of(&c, "#epi-curve figcaption").await.unwrap();
    assert!(legend.contains("In the community") && legend.contains("7-day average"));
    assert_eq!(
        untranslated(
            &c,
            "main h2, main label, main thead th, main dt, main figcaption li, main button, main summary"
        )
        .await,
        Vec::<String>::new()
    );
    shots.take(&c, "dashboard-en", 1280).await;
    switch_language(&c, "vi").await;
    wait_heading(&c, "Bảng điều hành — Thành phố Hạ Long").await;
    as_printed(&c).await;
    // A4 portrait at 96 dpi, less the margins.
    shots.take(&c, "dashboard-print-vi", 720).await;
    c.close().await.unwrap();
    drop(driver);
    drop(server);
}

/// The text of the report's cell `cell` (`value`, `change`, `corrected`) on
/// the line `key`.
async fn report_cell(c: &Client, key: &str, cell: &str) -> String {
    text_of(c, &format!("#figures tr[data-key='{key}'] td.{cell}"))
        .await
        .unwrap_or_default()
}

/// The number of the report shown (`/reports/12…`).
async fn report_id(c: &Client) -> i64 {
    wait_until(c, "a report's address", || async {
        let url = c.current_url().await.ok()?;
        let rest = url.path().strip_prefix("/reports/")?;
        rest.parse::<i64>().ok()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commune_sends_its_rapid_report_the_district_returns_and_approves_it() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    const DISTRICT_ADMIN: &str = "quantri.halong";
    add_user(&db, WORKER, "Trần Thị Hà", HA_KHANH, "health_staff");
    add_user(&db, DISTRICT_ADMIN, "Vũ Văn Long", "193", "admin");
    add_user(&db, ADMIN, "Phạm Quản Trị", QUANG_NINH, "admin");
    let contacts = f0_with_contacts(&db, "Nguyễn Văn An", &["Trần Thị Bình", "Lê Văn Cường"]).await;
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();

    // 1. The commune's health worker sends the day's report with a comment.
    log_in(&c, &server, WORKER, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    // The reports group, then the rapid report in the row below.
    click(&c, "header nav li.group > a[href='/dashboard']").await;
    click(&c, "nav.subnav a[href='/reports']").await;
    wait_heading(&c, "Báo cáo nhanh — Phường Hà Khánh").await;
    wait_for(&c, "#figures").await;
    assert_eq!(report_cell(&c, "f1", "value").await, "2");
    assert_eq!(report_cell(&c, "f0_cumulative", "value").await, "1");
    assert_eq!(report_cell(&c, "f1", "change").await, "—");
    let link = c
        .find(Locator::Css("#figures tr[data-key='f1'] td.value a"))
        .await
        .unwrap();
    let f1_href = link.attr("href").await.unwrap().unwrap_or_default();
    assert!(
        f1_href.starts_with(&format!("/reports/figure?key=f1&unit={HA_KHANH}&from=")),
        "{f1_href}"
    );
    let new_f0 = c
        .find(Locator::Css("#figures tr[data-key='f0_new'] td.value a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        new_f0.starts_with(&format!("/reports/figure?key=f0_new&unit={HA_KHANH}&from=")),
        "new F0 open the F0 confirmed in the period: {new_f0}"
    );
    // The F1 figure opens exactly its two people, by name, on a phone too.
    c.goto(&server.url(&f1_href)).await.unwrap();
    assert_eq!(text_of(&c, "#figure-total").await.as_deref(), Some("2"));
    assert_eq!(
        c.find_all(Locator::Css("#figure-list tbody tr"))
            .await
            .unwrap()
            .len(),
        2
    );
    shots.take(&c, "figure-list-vi", 1280).await;
    c.set_window_size(390, 900).await.unwrap();
    shots.take(&c, "figure-list-phone", 390).await;
    c.set_window_size(1280, 900).await.unwrap();
    c.back().await.unwrap();
    wait_for(&c, "#figures").await;
    assert!(
        text_of(&c, "#report-status")
            .await
            .unwrap()
            .contains("Bản nháp")
    );
    fill(
        &c,
        "comments",
        "Tình hình ổn định; đề nghị bổ sung 200 test nhanh.",
    )
    .await;
    submit(&c, "form#send").await;
    wait_until(&c, "the notice of the report sent", || async {
        text_of(&c, "p.notice")
            .await
            .filter(|t| t.contains("Đã gửi báo cáo"))
    })
    .await;
    let v1 = report_id(&c).await;
    assert!(text_of(&c, "#report-status").await.unwrap().contains("v1"));

    // 2. A new F0 is confirmed: the sent report keeps its figures and shows
    //    the difference with the records now.
    let system = phongdich_store::Actor::system("test");
    let today = phongdich_domain::Clock::system().today();
    let yesterday = (today - chrono::Days::new(1))
        .format("%d/%m/%Y")
        .to_string();
    let case = phongdich_store::CaseInput::found_in_community(
        contacts[0],
        &yesterday,
        &yesterday,
        "rt_pcr",
    );
    db.store.confirm_case(&system, &case, today).await.unwrap();
    c.refresh().await.unwrap();
    wait_for(&c, "#figures td.corrected").await;
    assert_eq!(report_cell(&c, "f0_cumulative", "value").await, "1");
    assert_eq!(report_cell(&c, "f0_cumulative", "corrected").await, "+1");
    assert_eq!(
        text_of(&c, "#comments").await.unwrap(),
        "Tình hình ổn định; đề nghị bổ sung 200 test nhanh."
    );
    shots.take(&c, "report-vi", 1280).await;
    log_out(&c).await;

    // 3. The province's administrator sets the deadline to midnight on the
    //    board: every unit that has not sent today is now missing.
    log_in(&c, &server, ADMIN, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url("/reports/board?unit=193"))
        .await
        .unwrap();
    wait_heading(&c, "Tình hình gửi báo cáo — Thành phố Hạ Long").await;
    fill(&c, "deadline", "00:00").await;
    submit(&c, "form#deadline-form").await;
    wait_until(&c, "the deadline saved", || async {
        text_of(&c, "#deadline").await.filter(|t| t == "00:00")
    })
    .await;
    log_out(&c).await;

    // 4. The district's administrator sees the board, reminds a ward, and
    //    returns the commune's report with a reason.
    log_in(&c, &server, DISTRICT_ADMIN, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url("/reports/board")).await.unwrap();
    wait_heading(&c, "Tình hình gửi báo cáo — Thành phố Hạ Long").await;
    let sent = text_of(&c, &format!("#board tr[data-unit='{HA_KHANH}'] td.state"))
        .await
        .unwrap();
    assert!(sent.contains("Đã gửi") && sent.contains("muộn"), "{sent}");
    let missing = c
        .find_all(Locator::Css("#board tr.missing"))
        .await
        .unwrap()
        .len();
    let units = c
        .find_all(Locator::Css("#board tbody tr"))
        .await
        .unwrap()
        .len();
    assert_eq!(missing, units - 1, "everyone but the sender is missing");
    assert_eq!(
        text_of(&c, "#missing-count").await.unwrap(),
        (units - 1).to_string()
    );
    c.find(Locator::Css(&format!(
        "#board tr[data-unit='{HA_PHONG}'] form button"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_until(&c, "the reminder", || async {
        text_of(
            &c,
            &format!("#board tr[data-unit='{HA_PHONG}'] td.reminded"),
        )
        .await
        .filter(|t| !t.is_empty())
    })
    .await;
    assert!(
        c.find(Locator::Css("#settings")).await.is_err(),
        "the province's admin only"
    );
    shots.take(&c, "report-board-vi", 1280).await;
    c.find(Locator::Css(&format!(
        "#board tr[data-unit='{HA_KHANH}'] td a"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_for(&c, "#review").await;
    fill(&c, "note", "Đề nghị ghi rõ số F0 mới phát hiện chiều nay.").await;
    submit(&c, "form#return").await;
    wait_until(&c, "the report returned", || async {
        text_of(&c, "p.notice")
            .await
            .filter(|t| t.contains("trả lại"))
    })
    .await;
    log_out(&c).await;

    // 5. The commune sees why, and sends version 2 with the records as they are now.
    log_in(&c, &server, WORKER, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url("/reports")).await.unwrap();
    let status = wait_for(&c, "#report-status").await.text().await.unwrap();
    assert!(
        status.contains("Bản nháp") && status.contains("F0 mới phát hiện chiều nay"),
        "{status}"
    );
    assert_eq!(report_cell(&c, "f0_cumulative", "value").await, "2");
    fill(&c, "comments", "Đã bổ sung: 1 F0 mới trong ngày.").await;
    submit(&c, "form#send").await;
    wait_for(&c, "p.notice").await;
    let v2 = report_id(&c).await;
    assert_ne!(v1, v2);
    let versions = c.find_all(Locator::Css("#history tbody tr")).await.unwrap();
    assert_eq!(versions.len(), 2);
    log_out(&c).await;

    // 6. The district approves it.
    log_in(&c, &server, DISTRICT_ADMIN, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url(&format!("/reports/{v2}")))
        .await
        .unwrap();
    wait_for(&c, "#review").await;
    submit(&c, "form#approve").await;
    wait_until(&c, "the report approved", || async {
        text_of(&c, "p.notice")
            .await
            .filter(|t| t.contains("Đã duyệt"))
    })
    .await;
    assert!(
        text_of(&c, "#report-status")
            .await
            .unwrap()
            .contains("Đã duyệt")
    );

    // 7. The A4 document in both languages, and the CSV file.
    c.goto(&server.url(&format!("/reports/{v2}/print")))
        .await
        .unwrap();
    let doc = wait_for(&c, "#report-document").await.text().await.unwrap();
    for expected in [
        "BAN CHỈ ĐẠO PHÒNG, CHỐNG DỊCH COVID-19",
        "PHƯỜNG HÀ KHÁNH",
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        &format!("Số: {v2}/BC-BCĐ"),
        "Quảng Ninh, ngày",
        "BÁO CÁO NHANH",
        "Tình hình dịch COVID-19 trên địa bàn Phường Hà Khánh",
        "Kính gửi: Ban Chỉ đạo phòng, chống dịch COVID-19 Thành phố Hạ Long",
        "Đã bổ sung: 1 F0 mới trong ngày.",
        "TM. BAN CHỈ ĐẠO",
        "TRƯỞNG BAN",
    ] {
        assert!(doc.contains(expected), "{expected:?} in\n{doc}");
    }
    shots.take(&c, "report-print-vi", 1000).await;
    c.find(Locator::Css("a[lang='en']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(&c, "the English document", || async {
        let lang = c.find(Locator::Css("html")).await.ok()?.attr("lang").await;
        lang.ok().flatten().filter(|l| l == "en")
    })
    .await;
    let doc = wait_for(&c, "#report-document").await.text().await.unwrap();
    for expected in [
        "SOCIALIST REPUBLIC OF VIET NAM",
        "Independence - Freedom - Happiness",
        "RAPID REPORT",
        "FOR THE STEERING COMMITTEE",
        "New F0",
    ] {
        assert!(doc.contains(expected), "{expected:?} in\n{doc}");
    }
    assert_eq!(untranslated(&c, "#figures th").await, Vec::<String>::new());
    shots.take(&c, "report-print-en", 1000).await;
    let csv = c
        .execute(
            "return fetch(arguments[0]).then(r => r.text());",
            vec![json!(format!("/reports/{v2}.csv"))],
        )
        .await
        .unwrap();
    let csv = csv.as_str().unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "Mã,Chỉ tiêu,Số liệu,Thay đổi", "{csv}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("f0_cumulative,") && l.contains(",2,")),
        "{csv}"
    );
    assert!(lines.iter().any(|l| l.starts_with("f1,")), "{csv}");
    c.close().await.unwrap();
    drop(driver);
    drop(server);
}

/// Issue 18, §2: the navigation is grouped by what people do — one row of
/// groups on a desktop with the current group's pages below it, one menu
/// button on a phone that opens every page of every group (`/places` and
/// `/oxygen` among them), in both languages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_menu_groups_the_work_in_one_row_and_folds_on_a_phone() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    add_user(&db, ADMIN, "Quản Trị Tỉnh", "22", "admin");
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();
    c.set_window_size(1280, 900).await.unwrap();
    log_in(&c, &server, ADMIN, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    let groups = c
        .execute(
            "return [...document.querySelectorAll('header nav li.group > a')].map(a => a.textContent);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        groups,
        serde_json::json!([
            "Người dân",
            "Dịch tễ",
            "Xét nghiệm",
            "Cách ly & điều trị",
            "Người về",
            "Báo cáo",
            "Quản trị"
        ])
    );
    // One row: every group's link on the same line as the first.
    let rows = c
        .execute(
            "return new Set([...document.querySelectorAll('header nav li.group > a')].map(a => a.getBoundingClientRect().top)).size;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        rows,
        serde_json::json!(1),
        "the groups fit one row at 1280 px"
    );
    click(&c, "header nav li.group > a[href='/quarantine']").await;
    wait_for(&c, "nav.subnav a[href='/places']").await;
    click(&c, "nav.subnav a[href='/places']").await;
    wait_for(&c, "nav.subnav a[href='/places'][aria-current='page']").await;
    shots.take(&c, "menu-vi", 1280).await;

    // A phone: the menu is one button; opened, it lists the pages.
    c.set_window_size(390, 800).await.unwrap();
    c.goto(&server.url("/persons")).await.unwrap();
    wait_heading(&c, "Người dân").await;
    let shown = |css: &'static str| {
        let c = c.clone();
        async move {
            c.execute(
                &format!("const e = document.querySelector(\"{css}\"); return !!e && e.offsetParent !== null;"),
                vec![],
            )
            .await
            .unwrap()
        }
    };
    assert_eq!(
        shown("header nav a[href='/oxygen']").await,
        serde_json::json!(false)
    );
    shots.take(&c, "menu-closed-vi-phone", 390).await;
    click(&c, "label.menu-button").await;
    assert_eq!(
        shown("header nav a[href='/oxygen']").await,
        serde_json::json!(true)
    );
    assert!(
        horizontal_overflow(&c).await <= 0,
        "the open menu fits the phone"
    );
    shots.take(&c, "menu-open-vi-phone", 390).await;
    click(&c, "header nav ul.sub a[href='/oxygen']").await;
    wait_for(&c, "nav.subnav, main h1").await;
    c.set_window_size(1280, 900).await.unwrap();
    switch_language(&c, "en").await;
    c.goto(&server.url("/persons")).await.unwrap();
    wait_for(&c, "header nav li.group > a").await;
    let left = untranslated(&c, "header nav a, nav.subnav a, label.menu-button").await;
    assert!(left.is_empty(), "untranslated: {left:?}");
    shots.take(&c, "menu-en", 1280).await;
}

/// Issue 19: a commune health worker registers a man coming home from Hà Nội
/// (on Quảng Ninh's list), reads his code; the checkpoint officer types it on
/// a 390 px phone; the commune confirms him home from the day's hand-over.
#[tokio::test]
async fn a_returnee_is_registered_passes_the_checkpoint_on_a_phone_and_is_confirmed_home() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    add_user(&db, WORKER, "Cán bộ Hà Khánh", HA_KHANH, "health_staff");
    add_user(
        &db,
        "chot.km3",
        "Cán bộ chốt Km 3",
        QUANG_NINH,
        "checkpoint_officer",
    );
    db.store
        .add_epidemic_area(
            &phongdich_store::testing::actor(QUANG_NINH, phongdich_domain::Role::Admin),
            &phongdich_store::AreaInput {
                unit_code: "01".into(),
                from_on: "01/10/2021".into(),
                until_on: String::new(),
                decision: "Thông báo 12/TB-BCĐ".into(),
            },
        )
        .await
        .unwrap();
    let today = phongdich_domain::Clock::system().today();
    let day = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();

    // 1. The commune worker registers him from the menu's "Người về" group.
    log_in(&c, &server, WORKER, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url("/returnees/new")).await.unwrap();
    wait_heading(&c, "Đăng ký người về địa phương").await;
    choose(&c, "/returnees/new", "sex", "male").await;
    choose(&c, "/returnees/new", "commune_code", HA_KHANH).await;
    choose(&c, "/returnees/new", "origin_code", "01").await;
    choose(&c, "/returnees/new", "means", "own_vehicle").await;
    send_form(
        &c,
        "/returnees/new",
        &[
            ("full_name", "Trần Văn Về"),
            ("birth", "1990"),
            ("national_id", "022090001234"),
            ("phone", "0912345678"),
            ("departure_on", &day(today - chrono::Days::new(1))),
            ("arrival_on", &day(today)),
        ],
    )
    .await;
    wait_heading(&c, "Trần Văn Về (1990)").await;
    let code = text_of(&c, ".code-big").await.unwrap();
    assert_eq!(code.len(), 12, "V-XXXX-XXXXX: {code}");
    assert!(
        c.find(Locator::Css("#returnee-card svg")).await.is_ok(),
        "a QR code"
    );
    let must = text_of(&c, "#obligation").await.unwrap();
    assert!(must.contains("14"), "home quarantine of 14 days: {must}");
    shots.take(&c, "returnee-card-vi", 1280).await;
    log_out(&c).await;

    // 2. The checkpoint officer, on a phone, lands on the scan form.
    c.set_window_size(390, 844).await.unwrap();
    log_in(&c, &server, "chot.km3", PASSWORD).await;
    // Logged in (the people list is not theirs to read), then their own page.
    wait_until(&c, "the login done", || async {
        let url = c.current_url().await.ok()?;
        (!url.path().starts_with("/login")).then_some(())
    })
    .await;
    c.goto(&server.url("/")).await.unwrap();
    wait_heading(&c, "Chốt kiểm soát").await;
    send_form(
        &c,
        "/checkpoint",
        &[
            ("code", &code.to_lowercase()),
            ("checkpoint", "Chốt Km 3 QL18"),
        ],
    )
    .await;
    // One small request answered in place (`/static/checkpoint.js`).
    let answer = wait_until(&c, "the scan answered", || async {
        text_of(&c, "#scan-result")
            .await
            .filter(|t| t.contains("Đã ghi nhận qua chốt"))
    })
    .await;
    assert!(answer.contains("Trần Văn Về"), "{answer}");
    assert!(
        answer.contains("Cách ly tại nhà 14 ngày"),
        "the obligation: {answer}"
    );
    assert_eq!(
        horizontal_overflow(&c).await,
        0,
        "no sideways scroll on a phone"
    );
    shots.take(&c, "checkpoint-vi-390", 390).await;
    // The checkpoint's name stays for the next scan; in English too.
    assert_eq!(value_of(&c, "checkpoint").await, "Chốt Km 3 QL18");
    switch_language(&c, "en").await;
    wait_heading(&c, "Checkpoint").await;
    let left = untranslated(&c, "h1, h2, label, legend, button").await;
    assert!(left.is_empty(), "Vietnamese left: {left:?}");
    shots.take(&c, "checkpoint-en-390", 390).await;
    switch_language(&c, "vi").await;
    wait_heading(&c, "Chốt kiểm soát").await;

    // The connection drops as two more arrive: the first scan never reaches
    // the server, the second reaches it but its answer is lost. Both are kept
    // on the phone and sent again with their keys when the connection is
    // back: each recorded once.
    let mut codes = Vec::new();
    for (name, sex, cccd) in [
        ("Lê Thị Mất Sóng", "female", "022190002222"),
        ("Phạm Văn Chờ", "male", "022090003333"),
    ] {
        let t = phongdich_domain::returnees::RegistrationInput {
            person: phongdich_domain::PersonInput {
                full_name: name.into(),
                birth: "1990".into(),
                sex: sex.into(),
                national_id: cccd.into(),
                commune_code: HA_KHANH.into(),
                ..Default::default()
            },
            origin_code: "01".into(),
            means: "bus".into(),
            departure_on: day(today - chrono::Days::new(1)),
            arrival_on: day(today),
            ..Default::default()
        };
        let r = db
            .store
            .register_returnee(
                &phongdich_store::testing::actor(HA_KHANH, phongdich_domain::Role::HealthStaff),
                &t,
                "officer",
            )
            .await
            .unwrap();
        codes.push(r.registration.code);
    }
    // The phone's connection, played by the test: `drop` (nothing reaches
    // the server), `lost` (the request arrives, its answer does not), then
    // back online. While it is down the page's own retries fail the same way.
    c.execute(
        "window.__fetch = window.fetch; window.__mode = 'online'; \
         window.fetch = function (u, o) { \
           if (window.__mode === 'drop') return Promise.reject(new TypeError('offline')); \
           if (window.__mode === 'lost') return window.__fetch(u, o).then(function () { throw new TypeError('lost'); }); \
           return window.__fetch(u, o); };",
        vec![],
    )
    .await
    .unwrap();
    for (code, mode) in codes.iter().zip(["drop", "lost"]) {
        c.execute(&format!("window.__mode = '{mode}';"), vec![])
            .await
            .unwrap();
        fill(&c, "code", code).await;
        submit(&c, "form#scan").await;
        wait_until(&c, "the scan kept on the phone", || async {
            text_of(&c, "#scan-result")
                .await
                .filter(|t| t.contains("Mất kết nối") && t.contains(code.as_str()))
        })
        .await;
    }
    let waiting = text_of(&c, "#scan-queue").await.unwrap();
    assert!(waiting.contains("2 lượt quét đang chờ gửi"), "{waiting}");
    shots.take(&c, "checkpoint-offline-vi-390", 390).await;
    c.execute(
        "window.__mode = 'online'; window.dispatchEvent(new Event('online'));",
        vec![],
    )
    .await
    .unwrap();
    wait_until(&c, "the queue sent", || async {
        let left = c
            .execute(
                "return JSON.parse(localStorage.getItem('pd-scan-queue') || '[]').length;",
                vec![],
            )
            .await
            .ok()?;
        (left == json!(0)).then_some(())
    })
    .await;
    assert_eq!(
        db.count("SELECT COUNT(*) FROM checkpoint_scans").await,
        3,
        "three scans, each once"
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM returnee_registrations WHERE status = 'checked'")
            .await,
        3
    );
    log_out(&c).await;

    // 3. The commune's hand-over of the day: through the checkpoint; home.

    log_in(&c, &server, WORKER, PASSWORD).await;
    wait_heading(&c, "Người dân").await;
    c.goto(&server.url("/returnees")).await.unwrap();
    wait_heading(&c, "Người về địa phương").await;
    let row = wait_for(
        &c,
        &format!("#arriving tr[data-code='{}']", code.replace('-', "")),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        row.contains("Trần Văn Về") && row.contains("Chốt Km 3 QL18"),
        "{row}"
    );
    assert_eq!(horizontal_overflow(&c).await, 0);
    shots.take(&c, "returnees-handover-vi-390", 390).await;
    c.set_window_size(1280, 900).await.unwrap();
    submit(
        &c,
        &format!("#arriving tr[data-code='{}'] form", code.replace('-', "")),
    )
    .await;
    wait_notice(&c, "Đã xác nhận về nhà").await;
    switch_language(&c, "en").await;
    wait_heading(&c, "Returnees").await;
    let left = untranslated(&c, "h1, h2, th, label, button").await;
    assert!(left.is_empty(), "Vietnamese left: {left:?}");
    shots.take(&c, "returnees-handover-en", 1280).await;
    switch_language(&c, "vi").await;
    log_out(&c).await;

    // 4. Someone registers their own return on the province's public page,
    // on a 390 px phone, without an account.
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&server.url("/ve/22")).await.unwrap();
    wait_heading(&c, "Đăng ký về Tỉnh Quảng Ninh").await;
    assert_eq!(horizontal_overflow(&c).await, 0);
    let action = "/ve/22";
    choose(&c, action, "sex", "female").await;
    choose(&c, action, "commune_code", HA_KHANH).await;
    choose(&c, action, "origin_code", "79").await;
    choose(&c, action, "means", "bus").await;
    for (name, value) in [
        ("full_name", "Võ Thị Tự Khai"),
        ("birth", "1993"),
        ("phone", "0987654321"),
        ("departure_on", &day(today - chrono::Days::new(1))),
        ("arrival_on", &day(today)),
    ] {
        fill_in(&c, action, name, value).await;
    }
    shots.take(&c, "returnee-public-form-vi-390", 390).await;
    submit(&c, "form#public-registration").await;
    wait_heading(&c, "Đã đăng ký").await;
    assert!(
        c.find(Locator::Css("#returnee-card svg")).await.is_ok(),
        "a QR code"
    );
    assert_eq!(horizontal_overflow(&c).await, 0);
    shots.take(&c, "returnee-public-done-vi-390", 390).await;
    c.close().await.unwrap();
    drop(driver);
    drop(server);
    assert_eq!(
        db.rows("quarantine_orders").await,
        1,
        "the order issued on confirmation"
    );
}

/// The province's side of returnees, desktop and phone, both languages: its
/// list of epidemic areas (an entry ended from its row), a convoy and its
/// passenger list, the dashboard's returnee section and the rapid report's
/// "returnees received" with its list.
#[tokio::test]
async fn the_province_ends_an_epidemic_area_plans_a_convoy_and_counts_returnees_received() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    add_user(&db, "tinh.qn", "Cán bộ tỉnh", QUANG_NINH, "admin");
    let province = phongdich_store::testing::actor(QUANG_NINH, phongdich_domain::Role::Admin);
    let commune = phongdich_store::testing::actor(HA_KHANH, phongdich_domain::Role::HealthStaff);
    db.store
        .add_epidemic_area(
            &province,
            &phongdich_store::AreaInput {
                unit_code: "01".into(),
                from_on: "01/10/2021".into(),
                until_on: String::new(),
                decision: "Thông báo 12/TB-BCĐ".into(),
            },
        )
        .await
        .unwrap();
    let today = phongdich_domain::Clock::system().today();
    let day = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut codes = Vec::new();
    let mut ids = Vec::new();
    for (i, name) in ["Trần Văn Một", "Lê Thị Hai", "Phạm Văn Ba"]
        .iter()
        .enumerate()
    {
        let r = db
            .store
            .register_returnee(
                &commune,
                &phongdich_domain::returnees::RegistrationInput {
                    person: phongdich_domain::PersonInput {
                        full_name: (*name).into(),
                        birth: format!("{}", 1980 + i),
                        sex: if name.contains("Thị") {
                            "female"
                        } else {
                            "male"
                        }
                        .into(),
                        commune_code: HA_KHANH.into(),
                        phone: format!("091234560{i}"),
                        ..Default::default()
                    },
                    origin_code: "00001".into(),
                    departure_on: day(today - chrono::Days::new(1)),
                    arrival_on: day(today),
                    means: "convoy".into(),
                    ..Default::default()
                },
                "officer",
            )
            .await
            .unwrap();
        codes.push(r.registration.code);
        ids.push(r.registration.id);
    }
    db.store
        .confirm_returnee_home(&commune, ids[0], today)
        .await
        .unwrap();
    let convoy = db
        .store
        .create_batch(
            &province,
            &phongdich_domain::returnees::BatchInput {
                name: "Đoàn xe số 3 đón từ Hà Nội".into(),
                means: "convoy".into(),
                capacity: 30,
                departs_on: day(today - chrono::Days::new(1)),
                departure_point: "Bến xe Mỹ Đình".into(),
                route: "QL18".into(),
            },
        )
        .await
        .unwrap();
    db.store
        .assign_to_batch(&province, convoy.id, &codes[1..])
        .await
        .unwrap();
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();

    // 1. The list of epidemic areas: Hà Nội ends today, from its row.
    log_in(&c, &server, "tinh.qn", PASSWORD).await;
    c.goto(&server.url("/epidemic-areas")).await.unwrap();
    wait_heading(&c, "Vùng dịch").await;
    let row = wait_for(&c, "#areas tbody tr").await.text().await.unwrap();
    assert!(row.contains("khi có thông báo mới"), "{row}");
    let until = wait_for(&c, "#areas tbody tr input[name='until_on']").await;
    until.send_keys(&day(today)).await.unwrap();
    submit(&c, "#areas tbody tr form").await;
    wait_notice(&c, "Đã ghi ngày kết thúc").await;
    let row = wait_for(&c, "#areas tbody tr").await.text().await.unwrap();
    assert!(row.contains(&day(today)), "{row}");
    // A district by name: choosing the province brings its districts as
    // the field's suggestions.
    wait_for(&c, "#f-unit_code")
        .await
        .select_by_value("79")
        .await
        .unwrap();
    wait_for(&c, "#dl-district option[value='Quận Bình Thạnh']").await;
    fill(&c, "district", "Quận Bình Thạnh").await;
    fill(&c, "from_on", &day(today - chrono::Days::new(3))).await;
    fill(&c, "decision", "Thông báo 15/TB-BCĐ").await;
    submit(&c, "#add-area").await;
    wait_notice(&c, "Đã thêm vùng dịch").await;
    let table = wait_for(&c, "#areas").await.text().await.unwrap();
    assert!(table.contains("Quận Bình Thạnh"), "{table}");
    shots.take(&c, "epidemic-areas-vi", 1280).await;
    switch_language(&c, "en").await;
    wait_heading(&c, "Epidemic areas").await;
    c.set_window_size(390, 844).await.unwrap();
    assert_eq!(horizontal_overflow(&c).await, 0);
    let left = untranslated(&c, "h1, h2, th, label, button").await;
    assert!(left.is_empty(), "Vietnamese left: {left:?}");
    shots.take(&c, "epidemic-areas-en-390", 390).await;

    // 2. The convoy and its passenger list.
    c.goto(&server.url("/returnees/batches")).await.unwrap();
    wait_heading(&c, "Transport batches").await;
    assert_eq!(horizontal_overflow(&c).await, 0);
    shots.take(&c, "returnee-batches-en-390", 390).await;
    switch_language(&c, "vi").await;
    c.goto(&server.url(&format!("/returnees/batches/{}", convoy.id)))
        .await
        .unwrap();
    wait_heading(&c, "Đoàn xe số 3 đón từ Hà Nội").await;
    let text = body_text(&c).await;
    assert!(
        text.contains("Lê Thị Hai") && text.contains("Phạm Văn Ba"),
        "{text}"
    );
    shots.take(&c, "returnee-batch-vi", 1280).await;

    // 3. The dashboard's returnee section and the report's line, whose
    // figure opens its list.
    c.goto(&server.url("/dashboard")).await.unwrap();
    wait_for(&c, "#returnees").await;
    shots.take(&c, "dashboard-returnees-vi", 1280).await;
    c.goto(&server.url(&format!(
        "/reports?unit={QUANG_NINH}&from={}&to={}",
        today.format("%Y-%m-%d"),
        today.format("%Y-%m-%d")
    )))
    .await
    .unwrap();
    let line = wait_for(&c, "[data-key='returnees_received']").await;
    let label = line
        .find(Locator::Css("th"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        label.contains("Người về địa phương đã tiếp nhận"),
        "{label}"
    );
    // One returnee was confirmed home today: the figure is 1, and it opens
    // the list of that one person.
    let figure = line.find(Locator::Css("td.value")).await.unwrap();
    assert_eq!(figure.text().await.unwrap().trim(), "1");
    let href = figure
        .find(Locator::Css("a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(href.contains("returnees_received"), "{href}");
    shots.take(&c, "report-returnees-vi", 1280).await;
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_commune_locks_down_a_hamlet_from_a_clusters_page_sees_the_people_inside_and_lifts_it() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    add_user(
        &db,
        "yte.khu5",
        "Trạm y tế Hà Khánh",
        HA_KHANH,
        "health_staff",
    );
    let commune = phongdich_store::testing::actor(HA_KHANH, phongdich_domain::Role::HealthStaff);
    let today = phongdich_domain::Clock::system().today();
    let day = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    let hamlet = db
        .store
        .add_hamlet(
            &phongdich_store::testing::actor(HA_KHANH, phongdich_domain::Role::Admin),
            &phongdich_store::NewHamlet {
                commune_code: HA_KHANH.into(),
                name: "Khu 5".into(),
                kind: "khu phố".into(),
            },
        )
        .await
        .unwrap();
    for (name, in_hamlet) in [
        ("Trần Văn Khu", true),
        ("Lê Thị Năm", true),
        ("Phạm Văn Phố", true),
        ("Đỗ Văn Ngoài", false),
    ] {
        phongdich_store::testing::create_person(
            &db.store,
            &phongdich_domain::PersonInput {
                full_name: name.into(),
                birth: "1975".into(),
                sex: if name.contains("Thị") {
                    "nữ"
                } else {
                    "nam"
                }
                .into(),
                commune_code: HA_KHANH.into(),
                hamlet_code: if in_hamlet {
                    hamlet.code.clone()
                } else {
                    String::new()
                },
                street_address: "Tổ 2".into(),
                ..Default::default()
            },
            today,
        )
        .await;
    }
    let cluster = db
        .store
        .create_cluster(
            &commune,
            &phongdich_store::ClusterInput {
                name: "Khu 5 Hà Khánh".into(),
                kind: "village".into(),
                place: String::new(),
                unit_code: HA_KHANH.into(),
                started_on: day(today - chrono::Days::new(2)),
            },
        )
        .await
        .unwrap();
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();

    // 1. From the cluster's page, the form comes prefilled; the commune
    // picks the hamlet by name and records the decision.
    log_in(&c, &server, "yte.khu5", PASSWORD).await;
    wait_for(&c, "header form[action='/logout']").await;
    c.goto(&server.url(&format!("/clusters/{}", cluster.id)))
        .await
        .unwrap();
    wait_for(&c, "#lock-down-cluster")
        .await
        .click()
        .await
        .unwrap();
    wait_heading(&c, "Khu vực phong tỏa").await;
    assert_eq!(value_of(&c, "reason").await, "Ổ dịch Khu 5 Hà Khánh");
    let mut hamlets = Vec::new();
    for o in c
        .find_all(Locator::Css("#f-unit_code option"))
        .await
        .unwrap()
    {
        hamlets.push(o.text().await.unwrap());
    }
    assert!(
        hamlets.iter().any(|o| o == "Khu 5"),
        "the hamlet by name: {hamlets:?}"
    );
    choose(&c, "/lockdowns", "unit_code", &hamlet.code).await;
    fill_in(&c, "/lockdowns", "decision", "45/QĐ-UBND").await;
    fill_in(&c, "/lockdowns", "issued_by", "UBND phường Hà Khánh").await;
    shots.take(&c, "lockdown-form-vi", 1280).await;
    submit(&c, "#lockdown-form").await;
    wait_notice(&c, "Đã ghi quyết định phong tỏa").await;
    let inside = wait_for(&c, "#people-inside").await.text().await.unwrap();
    assert!(inside.starts_with("3 người"), "{inside}");
    let names: Vec<String> = {
        let mut v = Vec::new();
        for a in c
            .find_all(Locator::Css("#lockdown-people tbody td a"))
            .await
            .unwrap()
        {
            v.push(a.text().await.unwrap());
        }
        v
    };
    assert_eq!(names, ["Lê Thị Năm", "Phạm Văn Phố", "Trần Văn Khu"]);
    shots.take(&c, "lockdown-vi", 1280).await;

    // 2. On a phone, in English: lifted today.
    switch_language(&c, "en").await;
    c.set_window_size(390, 844).await.unwrap();
    assert_eq!(horizontal_overflow(&c).await, 0);
    let left = untranslated(&c, "h2, th, label, button, legend").await;
    assert!(left.is_empty(), "Vietnamese left: {left:?}");
    c.find(Locator::Css("#lockdown-change input[value='lift']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill_in(&c, "/lockdowns/", "on", &day(today)).await;
    fill_in(&c, "/lockdowns/", "decision", "46/QĐ-UBND").await;
    fill_in(&c, "/lockdowns/", "reason", "No new case for 14 days").await;
    submit(&c, "#lockdown-change").await;
    wait_notice(&c, "The lockdown was lifted").await;
    let events = wait_for(&c, "#lockdown-events tbody")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        events.contains("Lifted from") && events.contains("46/QĐ-UBND"),
        "{events}"
    );
    assert!(c.find(Locator::Css("#lockdown-change")).await.is_err());
    let state = wait_for(&c, "span.badge[data-state]")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(state, "ended", "lifted from today");
    assert_eq!(horizontal_overflow(&c).await, 0);
    shots.take(&c, "lockdown-lifted-en-390", 390).await;

    // 3. The list: it has ended, and says so in both languages.
    c.goto(&server.url("/lockdowns")).await.unwrap();
    wait_heading(&c, "Lockdown areas").await;
    assert_eq!(horizontal_overflow(&c).await, 0);
    shots.take(&c, "lockdowns-en-390", 390).await;
    switch_language(&c, "vi").await;
    wait_heading(&c, "Khu vực phong tỏa").await;
    let row = wait_for(&c, "#active-lockdowns tbody tr, #other-lockdowns tbody tr")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        row.contains("Khu 5") && row.contains("gỡ phong tỏa từ"),
        "{row}"
    );
    assert!(row.contains("đã kết thúc"), "lifted today: ended — {row}");
    shots.take(&c, "lockdowns-vi", 1280).await;
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_district_reviews_and_publishes_the_weeks_epidemic_levels() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    add_user(
        &db,
        "ttyt.halong",
        "Trung tâm y tế Hạ Long",
        "193",
        "health_staff",
    );
    db.execute(
        "UPDATE units SET population = 9000 WHERE level = 'commune' AND district_code = '193'",
    )
    .await
    .unwrap();
    let district = phongdich_store::testing::actor("193", phongdich_domain::Role::HealthStaff);
    let today = phongdich_domain::Clock::system().today();
    let day = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    db.store
        .enter_coverage(
            &district,
            &phongdich_store::CoverageInput {
                unit_code: HA_KHANH.into(),
                as_of: day(today),
                adult_one_dose: "92".into(),
                elderly_full: "85".into(),
                capacity: "met".into(),
            },
        )
        .await
        .unwrap();
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();
    log_in(&c, &server, "ttyt.halong", PASSWORD).await;
    wait_for(&c, "header form[action='/logout']").await;
    c.goto(&server.url("/levels")).await.unwrap();
    wait_heading(&c, "Cấp độ dịch").await;
    // Hà Khánh, vaccinated and without a case: level 1; the others (no
    // coverage entered) 2. The committee sets Hà Phong at 3, with a reason.
    let khanh = wait_for(&c, &format!("#levels tr[data-unit='{HA_KHANH}']"))
        .await
        .text()
        .await
        .unwrap();
    assert!(khanh.contains("Cấp 1"), "{khanh}");
    choose(&c, "/levels/publish", &format!("level_{HA_PHONG}"), "3").await;
    fill_in(
        &c,
        "/levels/publish",
        &format!("reason_{HA_PHONG}"),
        "Chợ đầu mối chưa kiểm soát",
    )
    .await;
    shots.take(&c, "levels-vi", 1280).await;
    submit(&c, "#levels-form").await;
    wait_notice(&c, "Đã công bố").await;
    let phong = wait_for(&c, &format!("#levels tr[data-unit='{HA_PHONG}']"))
        .await
        .text()
        .await
        .unwrap();
    assert!(phong.contains("Chợ đầu mối chưa kiểm soát"), "{phong}");
    // The district itself, assessed from its communes.
    let area = wait_for(&c, "#areas tr[data-unit='193']")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        area.contains("Thành phố Hạ Long") && area.contains("Cấp"),
        "{area}"
    );
    shots.take(&c, "levels-district-vi", 1280).await;
    // Coverage from a file, as the district's health centre keeps it: one
    // row entered, one whose name is not its code's refused with the reason.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tiem-chung.csv");
    std::fs::write(
        &file,
        format!(
            "Mã xã,Tên xã,Ngày,Tỷ lệ người từ 18 tuổi tiêm ít nhất 1 mũi (%),Tỷ lệ người cao tuổi tiêm đủ (%),Năng lực điều trị\n\
             {HA_PHONG},Phường Hà Phong,{},91.5,82,Đạt\n\
             {HA_KHANH},Phường Hà Phong,{},80,70,không đạt\n",
            day(today),
            day(today)
        ),
    )
    .unwrap();
    wait_for(&c, "#f-coverage-file")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    submit(&c, "#coverage-import").await;
    let summary = wait_for(&c, "#import-summary").await.text().await.unwrap();
    assert!(
        summary.contains("1 đã ghi") && summary.contains("1 bị từ chối"),
        "{summary}"
    );
    let rows = wait_for(&c, "#coverage-rows").await.text().await.unwrap();
    assert!(
        rows.contains("«Đạt» đọc là đạt") && rows.contains("không phải «Phường Hà Phong»"),
        "{rows}"
    );
    shots.take(&c, "coverage-import-vi", 1280).await;
    c.goto(&server.url("/levels")).await.unwrap();
    wait_heading(&c, "Cấp độ dịch").await;
    switch_language(&c, "en").await;
    wait_heading(&c, "Epidemic levels").await;
    c.set_window_size(390, 844).await.unwrap();
    assert_eq!(horizontal_overflow(&c).await, 0);
    let left = untranslated(&c, "h2, th, label, button").await;
    assert!(left.is_empty(), "Vietnamese left: {left:?}");
    shots.take(&c, "levels-en-390", 390).await;
    // The district's map: a tile per commune, Hà Phong published at 3.
    c.set_window_size(1280, 900).await.unwrap();
    c.goto(&server.url("/map")).await.unwrap();
    wait_heading(&c, "Epidemic map").await;
    let tile = wait_for(&c, &format!("svg a[data-unit='{HA_PHONG}'] rect"))
        .await
        .attr("class")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(tile, "s3");
    shots.take(&c, "map-district-en", 1280).await;
    // The country's map, for the Ministry.
    log_out(&c).await;
    add_user(&db, "bo.yte", "Bộ Y tế", "VN", "admin");
    log_in(&c, &server, "bo.yte", PASSWORD).await;
    wait_for(&c, "header form[action='/logout']").await;
    c.goto(&server.url("/map?by=level")).await.unwrap();
    wait_for(&c, "svg.country").await;
    let text = body_text(&c).await;
    assert!(text.contains("CC BY-SA 4.0"), "the boundaries' attribution");
    shots.take(&c, "map-country", 1280).await;
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_ward_declares_a_green_zone_that_turns_red_when_an_f0_is_confirmed_in_it() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    add_user(
        &db,
        "yte.leloi",
        "Trạm y tế Hà Khánh",
        HA_KHANH,
        "health_staff",
    );
    let today = phongdich_domain::Clock::system().today();
    let day = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut ids = Vec::new();
    for (name, street) in [
        ("Hoàng Thị Xanh", "Số 12 Lê Lợi"),
        ("Vũ Văn Đỏ", "Số 21 Trần Phú"),
    ] {
        ids.push(
            phongdich_store::testing::create_person(
                &db.store,
                &phongdich_domain::PersonInput {
                    full_name: name.into(),
                    birth: "1982".into(),
                    sex: if name.contains("Thị") {
                        "nữ"
                    } else {
                        "nam"
                    }
                    .into(),
                    commune_code: HA_KHANH.into(),
                    street_address: street.into(),
                    ..Default::default()
                },
                today,
            )
            .await,
        );
    }
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();

    // 1. The ward declares Lê Lợi street green and sets its checkpoint.
    log_in(&c, &server, "yte.leloi", PASSWORD).await;
    wait_for(&c, "header form[action='/logout']").await;
    c.goto(&server.url("/green-zones")).await.unwrap();
    wait_heading(&c, "Vùng xanh").await;
    fill_in(&c, "/green-zones", "name", "Vùng xanh phố Lê Lợi").await;
    choose(&c, "/green-zones", "unit_code", HA_KHANH).await;
    fill_in(&c, "/green-zones", "place", "Phố Lê Lợi").await;
    fill_in(&c, "/green-zones", "addresses", "Số 12 Lê Lợi").await;
    fill_in(&c, "/green-zones", "declared_on", &day(today)).await;
    fill_in(&c, "/green-zones", "team", "Tổ COVID cộng đồng khu 3").await;
    fill_in(&c, "/green-zones", "team_phone", "0912 345 678").await;
    shots.take(&c, "green-zone-form-vi", 1280).await;
    submit(&c, "#zone-form").await;
    wait_notice(&c, "Đã công nhận vùng xanh").await;
    fill_in(&c, "/green-zones/", "place", "Đầu phố Lê Lợi").await;
    fill_in(&c, "/green-zones/", "opens", "06:00").await;
    fill_in(&c, "/green-zones/", "closes", "22:00").await;
    submit(&c, "#checkpoint-form").await;
    wait_notice(&c, "Đã thêm chốt").await;
    let row = wait_for(&c, "#zone-checkpoints tbody tr")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        row.contains("Đầu phố Lê Lợi") && row.contains("06:00–22:00"),
        "{row}"
    );
    let state = wait_for(&c, "span.badge[data-state]")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(state, "vùng xanh");
    shots.take(&c, "green-zone-vi", 1280).await;

    // 2. An F0 confirmed at number 12 (by the tracers): the zone is lost,
    // and the alert waits on the list for the team.
    db.store
        .confirm_case(
            &phongdich_store::testing::actor(HA_KHANH, phongdich_domain::Role::ContactTracer),
            &phongdich_store::CaseInput {
                person_id: ids[0],
                confirmed_on: day(today),
                sample_on: day(today),
                source_kind: "investigating".into(),
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
    c.goto(&server.url("/green-zones")).await.unwrap();
    wait_heading(&c, "Vùng xanh").await;
    let alert = wait_for(&c, "#zone-alerts div.alert")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        alert.contains("Vùng xanh phố Lê Lợi mất trạng thái vùng xanh")
            && alert.contains("Hoàng Thị Xanh"),
        "{alert}"
    );
    assert!(
        alert.contains("gọi tổ phụ trách Tổ COVID cộng đồng khu 3"),
        "nobody on the roster: {alert}"
    );
    shots.take(&c, "green-zone-alert-vi", 1280).await;

    // 3. On a phone, in English: the team takes it.
    switch_language(&c, "en").await;
    c.set_window_size(390, 844).await.unwrap();
    wait_heading(&c, "Green zones").await;
    assert_eq!(horizontal_overflow(&c).await, 0);
    let left = untranslated(&c, "h1, h2, th, label, button").await;
    assert!(left.is_empty(), "Vietnamese left: {left:?}");
    shots.take(&c, "green-zone-alert-en-390", 390).await;
    c.find(Locator::Css("#zone-alerts form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_notice(&c, "The alert was taken").await;
    let lost = wait_for(&c, "#zone-lost").await.text().await.unwrap();
    assert!(
        lost.contains("No longer green from") && lost.contains(&day(today)),
        "{lost}"
    );
    let state = wait_for(&c, "span.badge[data-state]")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(state, "no longer green");
    assert_eq!(horizontal_overflow(&c).await, 0);
    shots.take(&c, "green-zone-lost-en-390", 390).await;
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_ward_reads_what_applies_issues_a_travel_permit_and_a_checkpoint_checks_it() {
    let _one = ONE_BROWSER.lock().await;
    let db = TestDb::new().await;
    add_user(
        &db,
        "yte.giay",
        "Trạm y tế Hà Khánh",
        HA_KHANH,
        "health_staff",
    );
    add_user(
        &db,
        "chot.baichay",
        "Chốt cầu Bãi Cháy",
        QUANG_NINH,
        "checkpoint_officer",
    );
    let today = phongdich_domain::Clock::system().today();
    let day = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    db.store
        .apply_directive(
            &phongdich_store::testing::actor(QUANG_NINH, phongdich_domain::Role::Admin),
            &phongdich_store::DirectiveInput {
                directive: "16".into(),
                unit_code: "193".into(),
                from_on: day(today - chrono::Days::new(3)),
                until_on: day(today + chrono::Days::new(10)),
                decision: "112/QĐ-UBND".into(),
                issued_by: "UBND TP Hạ Long".into(),
                own_measures: "Đi chợ theo phiếu, 3 ngày một lần".into(),
            },
        )
        .await
        .unwrap();
    phongdich_store::testing::create_person(
        &db.store,
        &phongdich_domain::PersonInput {
            full_name: "Đặng Thị Giấy".into(),
            birth: "1988".into(),
            sex: "nữ".into(),
            commune_code: HA_KHANH.into(),
            ..Default::default()
        },
        today,
    )
    .await;
    let server = Server::start(&db);
    let driver = Driver::start();
    let c = driver.browser().await;
    let shots = Shots::new();

    // 1. What applies in the ward today: the city's Directive 16.
    log_in(&c, &server, "yte.giay", PASSWORD).await;
    wait_for(&c, "header form[action='/logout']").await;
    c.goto(&server.url("/directives")).await.unwrap();
    wait_heading(&c, "Chỉ thị giãn cách").await;
    let here = wait_for(&c, "#directive-here").await.text().await.unwrap();
    assert!(
        here.contains("Chỉ thị 16: cách ly toàn xã hội") && here.contains("Đi chợ theo phiếu"),
        "{here}"
    );
    shots.take(&c, "directives-vi", 1280).await;
    switch_language(&c, "en").await;
    c.set_window_size(390, 844).await.unwrap();
    wait_heading(&c, "Distancing directives").await;
    assert_eq!(horizontal_overflow(&c).await, 0);
    let left = untranslated(&c, "h1, h2, th, label, button, legend").await;
    assert!(left.is_empty(), "Vietnamese left: {left:?}");
    shots.take(&c, "directives-en-390", 390).await;
    switch_language(&c, "vi").await;
    c.set_window_size(1280, 900).await.unwrap();

    // 2. A permit for her, picked by name.
    c.goto(&server.url("/permits")).await.unwrap();
    wait_heading(&c, "Giấy đi đường").await;
    fill_in(&c, "/permits", "person_id", "Dang Thi Giay").await;
    c.execute(
        "document.querySelector(\"main form[action='/permits'] input[name='purpose'][value='medical']\").checked = true;",
        vec![],
    )
    .await
    .unwrap();
    fill_in(&c, "/permits", "purpose_detail", "Bệnh viện Bãi Cháy").await;
    choose(&c, "/permits", "from_unit", HA_KHANH).await;
    choose(&c, "/permits", "to_unit", "06652").await;
    submit(&c, "#permit-form").await;
    wait_notice(&c, "Đã cấp giấy đi đường").await;
    let card = wait_for(&c, "#permit-card").await.text().await.unwrap();
    assert!(
        card.contains("Đặng Thị Giấy") && card.contains("Bệnh viện Bãi Cháy"),
        "{card}"
    );
    let code = card
        .split_whitespace()
        .find(|w| w.starts_with("GDD-"))
        .unwrap()
        .to_owned();
    assert!(
        c.find(Locator::Css("#permit-card svg")).await.is_ok(),
        "the QR code"
    );
    shots.take(&c, "permit-vi", 1280).await;
    // The card in English, on a phone (a permit is read by whoever stops the holder).
    switch_language(&c, "en").await;
    c.set_window_size(390, 844).await.unwrap();
    let card = wait_for(&c, "#permit-card").await.text().await.unwrap();
    assert!(card.contains(&code), "{card}");
    let left = untranslated(&c, "h1, h2, th, dt, label, button").await;
    assert!(left.is_empty(), "Vietnamese left: {left:?}");
    assert_eq!(horizontal_overflow(&c).await, 0);
    shots.take(&c, "permit-en-390", 390).await;
    switch_language(&c, "vi").await;
    c.set_window_size(1280, 900).await.unwrap();
    log_out(&c).await;

    // 3. The checkpoint, on a phone: the code typed, answered in place.
    c.set_window_size(390, 844).await.unwrap();
    log_in(&c, &server, "chot.baichay", PASSWORD).await;
    wait_until(&c, "the login done", || async {
        let url = c.current_url().await.ok()?;
        (!url.path().starts_with("/login")).then_some(())
    })
    .await;
    c.goto(&server.url("/checkpoint")).await.unwrap();
    wait_heading(&c, "Chốt kiểm soát").await;
    send_form(
        &c,
        "/checkpoint",
        &[
            ("code", &code.to_lowercase()),
            ("checkpoint", "Chốt cầu Bãi Cháy"),
        ],
    )
    .await;
    let answer = wait_until(&c, "the permit checked", || async {
        text_of(&c, "#scan-result")
            .await
            .filter(|t| t.contains("Giấy đi đường hợp lệ"))
    })
    .await;
    assert!(
        answer.contains("Đặng Thị Giấy") && answer.contains("Phường Hà Phong"),
        "{answer}"
    );
    assert_eq!(horizontal_overflow(&c).await, 0);
    shots.take(&c, "permit-checked-vi-390", 390).await;
    c.close().await.unwrap();
}
