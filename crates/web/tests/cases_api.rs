#![allow(clippy::unwrap_used)]
//! The case register through the JSON API and its export, as a national
//! system or a province pulls them: jurisdiction (a province sees its own
//! cases, the national level all; a unit outside is 404), filters, paging
//! with the whole count, bad parameters (422, each error naming its field in
//! both languages), and the CSV/XLSX export (permission, inert formulas,
//! audit). SQLite, or PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

mod support;

use support::{HA_KHANH, call, get, token};

use axum::Router;
use axum::http::{Method, StatusCode, header};
use chrono::Local;
use phongdich_store::testing::TestDb;
use phongdich_store::{Actor, CaseInput};
use serde_json::Value;

const QUANG_NINH: &str = "22";
const PHUC_XA: &str = "00001";

/// An F0 living in `commune`, confirmed on `on` (dd/mm/yyyy); the case id.
/// A GET with the token, answered with its status, content type and bytes.
async fn fetch(app: &Router, path: &str, token: &str) -> (StatusCode, String, Vec<u8>) {
    let r = support::api(app, Method::GET, path, Some(token), None).await;
    let ctype = r
        .headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (r.status, ctype, r.bytes)
}

/// An F0 living in `commune`, confirmed on `on` (dd/mm/yyyy); the case id.
async fn f0(db: &TestDb, name: &str, commune: &str, on: &str) -> i64 {
    let system = Actor::system("test");
    let today = Local::now().date_naive();
    let person = phongdich_domain::PersonInput {
        full_name: name.into(),
        birth: "1980".into(),
        sex: "nữ".into(),
        commune_code: commune.into(),
        ..Default::default()
    }
    .parse(today)
    .unwrap();
    let id = db
        .store
        .create_person(&system, &person, true)
        .await
        .unwrap()
        .id;
    let case = CaseInput::found_in_community(id, on, on, "rt_pcr");
    db.store
        .confirm_case(&system, &case, today)
        .await
        .unwrap()
        .0
        .id
}

fn codes(list: &Value) -> Vec<&str> {
    list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_case_register_by_jurisdiction_filters_and_pages() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let a = f0(&db, "Hoàng Văn Một", HA_KHANH, "10/08/2021").await;
    let b = f0(&db, "Hoàng Thị Hai", HA_KHANH, "11/08/2021").await;
    let c = f0(&db, "Hoàng Văn Ba", PHUC_XA, "12/08/2021").await;
    for sql in [
        format!("UPDATE cases SET official_code = 'BN11' WHERE id = {a}"),
        format!(
            "UPDATE cases SET official_code = 'BN12', source_kind = 'imported', source_ref = 'GB', import_country = 'GB', course = 'recovered', recovered_on = '2021-08-25' WHERE id = {b}"
        ),
        format!(
            "INSERT INTO case_sources (case_id, kind, country, created_by, created_at) VALUES ({b}, 'imported', 'GB', 't', 't')"
        ),
        format!("UPDATE cases SET official_code = 'BN13' WHERE id = {c}"),
    ] {
        db.execute(&sql).await.unwrap();
    }
    let province = token(&db, QUANG_NINH, "viewer").await;
    let national = token(&db, "VN", "viewer").await;

    // A province sees its own cases, by code and name, latest first.
    let (status, list) = get(&app, "/api/v1/cases", &province).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(
        (list["total"].as_i64(), list["unit_code"].as_str()),
        (Some(2), Some(QUANG_NINH))
    );
    assert_eq!(codes(&list), ["BN12", "BN11"]);
    let first = &list["entries"][0];
    assert_eq!(first["full_name"], "Hoàng Thị Hai");
    assert_eq!(first["commune_name"], "Phường Hà Khánh");
    assert_eq!(first["status"], "recovered");
    assert_eq!(first["recovered_on"], "2021-08-25");
    // The national level sees every province.
    let (status, list) = get(&app, "/api/v1/cases", &national).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(
        (list["total"].as_i64(), list["unit_code"].as_str()),
        (Some(3), Some("VN"))
    );
    let (_, list) = get(&app, &format!("/api/v1/cases?unit={PHUC_XA}"), &national).await;
    assert_eq!(codes(&list), ["BN13"]);
    // Outside the province: not found, like any record there.
    for unit in [PHUC_XA, "01", "VN"] {
        let (status, p) = get(&app, &format!("/api/v1/cases?unit={unit}"), &province).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{unit}: {p}");
    }

    // Filters: country by name, status, source kind, dates.
    for (query, expected) in [
        ("country=Anh", vec!["BN12"]),
        ("country=GB&status=recovered", vec!["BN12"]),
        ("status=active", vec!["BN13", "BN11"]),
        ("source=investigating", vec!["BN13", "BN11"]),
        ("source=imported", vec!["BN12"]),
        (
            "confirmed_from=11/08/2021&confirmed_to=2021-08-12",
            vec!["BN13", "BN12"],
        ),
        ("recovered_from=2021-08-25", vec!["BN12"]),
        ("deceased_from=2021-08-01", vec![]),
    ] {
        let (status, list) = get(&app, &format!("/api/v1/cases?{query}"), &national).await;
        assert_eq!(status, StatusCode::OK, "{query}: {list}");
        assert_eq!(codes(&list), expected, "{query}");
        assert_eq!(
            list["total"].as_i64(),
            Some(expected.len() as i64),
            "{query}"
        );
    }
    // A page with the whole count.
    let (_, list) = get(&app, "/api/v1/cases?limit=1&offset=1", &national).await;
    assert_eq!(
        (list["total"].as_i64(), codes(&list)),
        (Some(3), vec!["BN12"])
    );
    assert_eq!(list["paging"]["limit"], 1);
    let (_, list) = get(&app, "/api/v1/cases?limit=99999", &national).await;
    assert_eq!(list["paging"]["limit"], 1000);

    // Bad parameters name their field in both languages.
    for (query, field) in [
        ("confirmed_from=hom-qua", "confirmed_from"),
        (
            "deceased_from=2021-09-01&deceased_to=2021-08-01",
            "deceased_from",
        ),
        ("source=tin-don", "source"),
        ("country=Atlantis", "country"),
        ("country=Vi%E1%BB%87t%20Nam", "country"),
        ("cluster=abc", "cluster"),
        ("status=sick", "status"),
        ("offset=x", "offset"),
        ("unit=12a", "unit"),
    ] {
        let (status, p) = get(&app, &format!("/api/v1/cases?{query}"), &national).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {p}");
        let e = &p["errors"][0];
        assert_eq!(e["field"].as_str(), Some(field), "{query}: {p}");
        assert!(
            !e["message_vi"].as_str().unwrap().is_empty()
                && !e["message_en"].as_str().unwrap().is_empty()
        );
    }
}

#[tokio::test]
async fn the_case_register_exports_as_csv_and_xlsx_audited_and_inert() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let a = f0(&db, "Hoàng Văn Một", HA_KHANH, "10/08/2021").await;
    f0(&db, "Hoàng Văn Ba", PHUC_XA, "12/08/2021").await;
    // A source typed to run as a formula in a spreadsheet.
    db.execute(&format!(
        "UPDATE cases SET official_code = 'BN11', source_ref = '=HYPERLINK(\"http://x\")' WHERE id = {a}"
    ))
    .await
    .unwrap();
    let viewer = token(&db, QUANG_NINH, "viewer").await;
    let staff = token(&db, QUANG_NINH, "health_staff").await;

    // Viewers may read the list, not take it away.
    let (status, _, _) = fetch(&app, "/api/v1/cases/export", &viewer).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, ctype, bytes) = fetch(&app, "/api/v1/cases/export?format=csv", &staff).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/csv"), "{ctype}");
    let text = String::from_utf8(bytes).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let headers = rows.headers().unwrap().clone();
    assert_eq!(&headers[0], "case_code");
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1, "only the province's case: {text}");
    let cell = |name: &str| {
        let i = headers.iter().position(|h| h == name).unwrap();
        records[0][i].to_owned()
    };
    assert_eq!(cell("case_code"), "BN11");
    assert_eq!(cell("full_name"), "Hoàng Văn Một");
    assert_eq!(cell("commune"), "Phường Hà Khánh");
    assert_eq!(cell("sources"), "'=HYPERLINK(\"http://x\")");

    // The same filters as the list; a unit outside is not found.
    let (status, _, bytes) = fetch(&app, "/api/v1/cases/export?status=deceased", &staff).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(String::from_utf8(bytes).unwrap().lines().count(), 1);
    let (status, _, _) = fetch(
        &app,
        &format!("/api/v1/cases/export?unit={PHUC_XA}"),
        &staff,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, bytes) = fetch(&app, "/api/v1/cases/export?format=pdf&status=x", &staff).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = serde_json::from_slice(&bytes).unwrap();
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["status", "format"]);

    // XLSX: a workbook.
    let (status, ctype, bytes) = fetch(&app, "/api/v1/cases/export?format=xlsx", &staff).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.contains("spreadsheetml"), "{ctype}");
    assert_eq!(&bytes[..2], b"PK");

    // Each export is in the audit log, with its filters and row count.
    let audited = db
        .strings(
            "SELECT after_json FROM audit_log WHERE action = 'export' AND entity = 'cases' ORDER BY id",
        )
        .await;
    assert_eq!(audited.len(), 3, "csv, csv filtered, xlsx");
    let first: Value = serde_json::from_str(audited[0].as_deref().unwrap()).unwrap();
    assert_eq!(
        (first["unit"].as_str(), first["rows"].as_i64()),
        (Some(QUANG_NINH), Some(1))
    );
    let second: Value = serde_json::from_str(audited[1].as_deref().unwrap()).unwrap();
    assert_eq!(second["filter"]["status"], "deceased");
}

#[tokio::test]
async fn a_national_account_pulls_the_national_dashboard_and_report() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let day = Local::now().date_naive();
    let today = day.format("%d/%m/%Y").to_string();
    let period = format!("from={}&to={}", day - chrono::Days::new(2), day);
    f0(&db, "Hoàng Văn Một", HA_KHANH, &today).await;
    f0(&db, "Hoàng Văn Ba", PHUC_XA, &today).await;
    let national = token(&db, "VN", "viewer").await;
    let province = token(&db, QUANG_NINH, "viewer").await;

    let (status, d) = get(&app, "/api/v1/dashboard", &national).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(
        (d["unit_code"].as_str(), d["unit_level"].as_str()),
        (Some("VN"), Some("national"))
    );
    assert_eq!(d["period"]["figures"]["f0_new"], 2);
    assert_eq!(d["units"].as_array().unwrap().len(), 63);
    let (status, r) = get(
        &app,
        &format!("/api/v1/reports/figures?{period}"),
        &national,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["unit_code"], "VN");
    assert_eq!(r["figures"]["f0_new"], 2);
    // A province's account does not reach the national figures.
    let (status, p) = get(&app, "/api/v1/dashboard?unit=VN", &province).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    let (status, p) = get(&app, "/api/v1/reports/figures?unit=VN", &province).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    let (_, d) = get(&app, "/api/v1/dashboard", &province).await;
    assert_eq!(d["period"]["figures"]["f0_new"], 1);
}

/// A case that came from another province, through the API: corrected with
/// its origin (by name, district by code), read back with codes and names,
/// listed by the kind `other_province`; the case's own province and a name
/// that names no province are refused (422) naming the field.
#[tokio::test]
async fn a_case_from_another_province_through_the_api() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let a = f0(&db, "Hoàng Văn Một", HA_KHANH, "10/08/2021").await;
    f0(&db, "Hoàng Thị Hai", HA_KHANH, "11/08/2021").await;
    let tracer = token(&db, QUANG_NINH, "contact_tracer").await;
    let viewer = token(&db, QUANG_NINH, "viewer").await;

    let (status, body) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/cases/{a}"),
        Some(&tracer),
        Some(serde_json::json!({"source_kind": "other_province", "origin_province": "Thanh pho Ho Chi Minh", "origin_district": "778"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["case"]["source_kind"], "other_province");
    let (status, body) = get(&app, &format!("/api/v1/cases/{a}"), &viewer).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["sources"],
        serde_json::json!([{
            "kind": "other_province",
            "province_code": "79",
            "province_name": "Thành phố Hồ Chí Minh",
            "district_code": "778",
            "district_name": "Quận 7",
            "exposure_on": null,
            "source_person_id": null,
        }])
    );
    let (status, list) = get(&app, "/api/v1/cases?source=other_province", &viewer).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 1);
    assert_eq!(list["entries"][0]["case_id"], a);

    for (origin, field, code) in [
        ("Quảng Ninh", "origin_province", "own_province"),
        ("Tỉnh Không Có", "origin_province", "unknown_unit"),
    ] {
        let (status, body) = call(
            &app,
            Method::PATCH,
            &format!("/api/v1/cases/{a}"),
            Some(&tracer),
            Some(serde_json::json!({"origin_province": origin})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{origin}: {body}");
        let text = body.to_string();
        assert!(
            text.contains(field) && text.contains(code),
            "{origin}: {text}"
        );
    }
    let (_, body) = get(&app, &format!("/api/v1/cases/{a}"), &viewer).await;
    assert_eq!(
        body["sources"][0]["province_code"], "79",
        "refusals changed nothing"
    );
}
