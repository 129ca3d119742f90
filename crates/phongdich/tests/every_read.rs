#![allow(clippy::unwrap_used)]
//! Every page and every read of the API answers without a server error on a
//! database where every table the reads count from has rows (issue 16 §2:
//! on PostgreSQL `SUM` of a `BIGINT` column is `numeric`, which the driver
//! cannot read — the report, the dashboard and sending a report failed as
//! soon as a place had beds, and no test had a place with beds).
//!
//! The demo's records (people, contacts, F0–F4, a campaign with a pool and
//! samples, results, quarantine orders, contact reviews, a quarantine site
//! and a hospital with beds and admissions, a cluster, home treatment with an
//! alert and a concentrator lent, a report sent) are read through the whole
//! router as the province's administrator: the pages crawled from the home
//! page by their links, the API's reads from its OpenAPI document. Runs on
//! SQLite, or on PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

mod support;

use phongdich_store::testing::TestDb;
use phongdich_store::{Actor, Scope};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::Read;
use support::{Server, phongdich};

/// Pages read at most (a crawl of the demo reaches a few hundred).
const MAX_PAGES: usize = 700;
/// Variants (query strings) read at most of one path.
const MAX_VARIANTS: usize = 12;
/// The demo accounts' password (`demo.rs`).
const DEMO_PASSWORD: &str = "phongdich-demo-2021";

/// An HTTP client of the running server: a session cookie or a token.
struct Client {
    agent: ureq::Agent,
    base: String,
    cookie: Option<String>,
    bearer: Option<String>,
}

impl Client {
    fn new(server: &Server) -> Client {
        Client {
            agent: ureq::AgentBuilder::new().redirects(0).build(),
            base: server.url(""),
            cookie: None,
            bearer: None,
        }
    }

    /// (status, content type — or `redirect <location>` —, body as text)
    /// of a GET, or of a form POST.
    fn request(&mut self, path: &str, form: Option<&[(&str, &str)]>) -> (u16, String, String) {
        let url = format!("{}{path}", self.base);
        let mut req = match form {
            Some(_) => self.agent.post(&url),
            None => self.agent.get(&url),
        };
        if let Some(c) = &self.cookie {
            req = req.set("Cookie", c);
        }
        if let Some(t) = &self.bearer {
            req = req.set("Authorization", &format!("Bearer {t}"));
        }
        let result = match form {
            Some(f) => req.send_form(f),
            None => req.call(),
        };
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("GET {path}: {e}"),
        };
        let status = response.status();
        let kind = match response.header("location") {
            // A redirect: where to, as the kind of answer.
            Some(to) if (300..400).contains(&status) => format!("redirect {to}"),
            _ => response.header("content-type").unwrap_or("").to_owned(),
        };
        let cookies: Vec<String> = response
            .all("set-cookie")
            .iter()
            .filter(|c| !c.contains("Max-Age=0"))
            .map(|c| c.split(';').next().unwrap_or_default().to_owned())
            .collect();
        if !cookies.is_empty() {
            self.cookie = Some(cookies.join("; "));
        }
        let mut bytes = Vec::new();
        response.into_reader().read_to_end(&mut bytes).unwrap();
        (status, kind, String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// The links of a page to pages of the site (`href="/…"`), without
/// fragments; what logs out or only changes something is left out.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("href=\"") {
        rest = &rest[at + 6..];
        let Some(end) = rest.find('"') else { break };
        let href = rest[..end].replace("&amp;", "&");
        rest = &rest[end..];
        let href = href.split('#').next().unwrap_or_default().to_owned();
        if href.starts_with('/') && !href.starts_with("//") && !href.starts_with("/logout") {
            out.push(href);
        }
    }
    out
}

/// The first 300 characters of a body.
fn head(body: &str) -> String {
    body.chars().take(300).collect()
}

fn demo(db: &TestDb) {
    phongdich(db, &["demo", "--persons", "3000", "--no-serve"]);
}

#[tokio::test]
async fn every_page_and_api_read_answers_on_a_database_where_every_table_has_rows() {
    let db = TestDb::new().await;
    demo(&db);
    // The records the reads count from are there (a table left empty is a
    // read this test does not prove).
    for table in [
        "persons",
        "contacts",
        "cases",
        "case_courses",
        "person_classes",
        "class_periods",
        "samples",
        "pools",
        "test_results",
        "campaigns",
        "quarantine_orders",
        "contact_reviews",
        "places",
        "place_beds",
        "admissions",
        "clusters",
        "cluster_members",
        "home_treatments",
        "treatment_alerts",
        "oxygen_equipment",
        "oxygen_loans",
        "situation_reports",
    ] {
        assert!(db.rows(table).await > 0, "the demo has no {table}");
    }

    let server = Server::start(&db);
    let mut browser = Client::new(&server);
    let (status, _, body) = browser.request(
        "/login",
        Some(&[
            ("username", "admin"),
            ("password", DEMO_PASSWORD),
            ("next", "/"),
        ]),
    );
    assert_eq!(status, 303, "login: {body}");

    // Pages: breadth first from the home page, both languages.
    let mut queue: VecDeque<String> = ["/", "/?lang=en"].map(String::from).into();
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    let mut variants: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut pages = 0;
    while let Some(path) = queue.pop_front() {
        if pages >= MAX_PAGES {
            break;
        }
        pages += 1;
        let (status, kind, body) = browser.request(&path, None);
        if status >= 500 {
            failures.push(format!("GET {path}: {status} {}", head(&body)));
            continue;
        }
        let found = match kind.strip_prefix("redirect ") {
            Some(to) => vec![to.to_owned()],
            None if kind.starts_with("text/html") => links(&body),
            None => continue,
        };
        for link in found.into_iter().filter(|l| l.starts_with('/')) {
            let bare = link.split('?').next().unwrap_or_default().to_owned();
            let n = variants.entry(bare).or_default();
            if *n < MAX_VARIANTS && seen.insert(link.clone()) {
                *n += 1;
                queue.push_back(link);
            }
        }
    }
    eprintln!("{pages} pages read ({} paths)", variants.len());
    assert!(
        pages > 100,
        "the crawl reached only {pages} pages: the links are not being followed"
    );
    // Logged in all along: the pages behind the login were read.
    for path in [
        "/dashboard",
        "/reports",
        "/tracing",
        "/places",
        "/oxygen",
        "/quarantine",
    ] {
        assert!(
            variants.contains_key(path),
            "the crawl never reached {path}"
        );
    }

    // The API's reads, every GET of the document, path parameters filled
    // with records of the demo (a 404 for a record of another kind is fine;
    // a server error is not).
    let admin = db.store.user(&Scope::national(), "admin").await.unwrap();
    let (_, secret) = db
        .store
        .create_api_token(
            &Actor::system("test"),
            "every read",
            &admin.unit_code,
            admin.role.as_str(),
        )
        .await
        .unwrap();
    let mut api = Client::new(&server);
    api.bearer = Some(secret);
    let (status, _, doc) = api.request("/api/v1/openapi.json", None);
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
    let mut reads = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if item.get("get").is_none() {
            continue;
        }
        for id in ["1", "2", "5"] {
            let filled: String = path
                .split('/')
                .map(|seg| {
                    if seg.starts_with('{') {
                        if seg.contains("code") || seg.contains("unit") {
                            "22"
                        } else {
                            id
                        }
                    } else {
                        seg
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let full = if filled.starts_with("/api/v1") {
                filled
            } else {
                format!("/api/v1{filled}")
            };
            reads += 1;
            let (status, _, body) = api.request(&full, None);
            if status >= 500 {
                failures.push(format!("GET {full}: {status} {}", head(&body)));
            }
            if !path.contains('{') {
                break;
            }
        }
    }
    eprintln!("{reads} API reads");
    assert!(
        reads > 30,
        "only {reads} API reads: the document was not read"
    );
    assert!(
        failures.is_empty(),
        "{} of {pages} pages and {reads} API reads failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
