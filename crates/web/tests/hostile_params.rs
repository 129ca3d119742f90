#![allow(clippy::unwrap_used)]
//! Hostile query parameters (issue 16 §6): every numeric parameter of the
//! API has a range, a value outside it is refused with a problem document
//! naming the parameter, and no value can make a request panic (found:
//! `GET /api/v1/testing/overdue?hours=193392902324` overflowed the date
//! arithmetic and the connection closed without an answer). Dates far out
//! of range are refused the same way. Runs on SQLite, or on PostgreSQL when
//! PHONGDICH_TEST_POSTGRES is set.

mod support;

use support::get_text;

use axum::http::StatusCode;
use phongdich_store::testing::TestDb;

/// Values no parameter accepts whole: too large, negative, beyond i64.
const HOSTILE: [&str; 5] = [
    "193392902324",
    "9223372036854775807",
    "-9223372036854775808",
    "-1",
    "99999999999999999999999",
];

/// (path, numeric parameter) of the API's reads.
const NUMERIC: [(&str, &str); 16] = [
    ("/api/v1/testing/overdue", "hours"),
    ("/api/v1/testing/turnaround", "hours"),
    ("/api/v1/alerts/response-times", "days"),
    ("/api/v1/persons", "limit"),
    ("/api/v1/persons", "offset"),
    ("/api/v1/units", "limit"),
    ("/api/v1/audit", "limit"),
    ("/api/v1/audit", "before_id"),
    ("/api/v1/quarantine/day", "limit"),
    ("/api/v1/quarantine/day", "offset"),
    ("/api/v1/tracing/list?level=1", "limit"),
    ("/api/v1/tracing/list?level=1", "offset"),
    ("/api/v1/tracing/list", "level"),
    ("/api/v1/reports/figure?key=f0_new&unit=22", "limit"),
    ("/api/v1/reports/figure?key=f0_new&unit=22", "offset"),
    ("/api/v1/units/22/reports", "limit"),
];

/// Date parameters, with dates at the edges of what a calendar can hold.
const DATES: [(&str, &str); 7] = [
    ("/api/v1/quarantine/day", "day"),
    ("/api/v1/reports/figure?key=f0_new&unit=22", "to"),
    ("/api/v1/reports/figure?key=f0_new&unit=22", "from"),
    ("/api/v1/dashboard?unit=22", "to"),
    ("/api/v1/dashboard?unit=22", "from"),
    ("/api/v1/duty-shifts", "from"),
    ("/api/v1/reports/board?unit=22", "day"),
];

/// A database, a token of Quảng Ninh's administrator, the application.
async fn province_admin() -> (TestDb, String, axum::Router) {
    let db = TestDb::new().await;
    let token = support::token(&db, "22", "admin").await;
    let app = support::app(&db);
    (db, token, app)
}

fn with(path: &str, key: &str, value: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}{key}={value}")
}

#[tokio::test]
async fn a_number_out_of_range_is_refused_by_name_and_never_panics() {
    let (_db, token, app) = province_admin().await;
    let mut wrong = Vec::new();
    for (path, key) in NUMERIC {
        for value in HOSTILE {
            let uri = with(path, key, value);
            let (status, body) = get_text(&app, &uri, &token).await;
            // Refused, naming the parameter (an offset or an id of any size
            // in range is fine: the list is then empty).
            let refused = status == StatusCode::BAD_REQUEST && body.contains(key);
            let any_size = matches!(key, "offset" | "before_id");
            let fine = any_size && status == StatusCode::OK && !value.starts_with('-');
            if !(refused || fine) {
                wrong.push(format!("{uri}: {status} {body}"));
            }
        }
    }
    for (path, key) in DATES {
        // The calendar's ends and years no record can have: refused as
        // invalid (1900–2100), never carried into date arithmetic.
        for value in [
            "%2B262143-12-31",
            "-262144-01-01",
            "0000-01-01",
            "9999-12-31",
            "1899-12-31",
            "31/12/2101",
        ] {
            let uri = with(path, key, value);
            let (status, body) = get_text(&app, &uri, &token).await;
            let invalid =
                status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::BAD_REQUEST;
            if !invalid || !body.contains(key) {
                wrong.push(format!("{uri}: {status} {body}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn numbers_in_range_still_answer() {
    let (_db, token, app) = province_admin().await;
    for (uri, expected) in [
        ("/api/v1/testing/overdue?hours=48", StatusCode::OK),
        ("/api/v1/testing/overdue?hours=720", StatusCode::OK),
        ("/api/v1/testing/overdue?hours=721", StatusCode::BAD_REQUEST),
        ("/api/v1/testing/overdue?hours=0", StatusCode::BAD_REQUEST),
        ("/api/v1/alerts/response-times?days=90", StatusCode::OK),
        (
            "/api/v1/alerts/response-times?days=91",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/v1/persons?limit=500&offset=5", StatusCode::OK),
        ("/api/v1/persons?limit=501", StatusCode::BAD_REQUEST),
        ("/api/v1/quarantine/day?day=2021-08-05", StatusCode::OK),
        ("/api/v1/quarantine/day?day=05/08/2021", StatusCode::OK),
    ] {
        let (status, body) = get_text(&app, uri, &token).await;
        assert_eq!(status, expected, "{uri}: {body}");
    }
}
