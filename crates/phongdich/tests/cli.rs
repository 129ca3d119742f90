#![allow(clippy::unwrap_used)]
//! The `phongdich` binary end to end, as an operator uses it: import a
//! spreadsheet, export the tree, serve the API. Runs on SQLite, or on the
//! PostgreSQL server named by PHONGDICH_TEST_POSTGRES when that is set.

mod support;
use phongdich_store::testing::{HA_KHANH, HA_PHONG, POSTGRES_ENV, TestDb};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::Path;
use support::{Server, phongdich, phongdich_with_input};

// Quảng Ninh (22), Thành phố Hạ Long (193).
const CAO_XANH: &str = "06658";
const BAI_CHAY: &str = "06673";

/// `import persons FILE --report REPORT`.
fn import_persons_args<'a>(file: &'a Path, report: &'a Path) -> [&'a str; 5] {
    [
        "import",
        "persons",
        file.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]
}

fn read_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (headers, rows)
}

/// The import report keyed by line: (outcome, person id, Vietnamese reason, English reason).
fn read_report(path: &Path) -> HashMap<u64, (String, String, String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let (headers, rows) = read_csv(&text);
    assert_eq!(
        headers,
        [
            "dong_line",
            "ket_qua_outcome",
            "person_id",
            "ly_do",
            "reason"
        ]
    );
    rows.into_iter()
        .map(|r| {
            (
                r[0].parse().unwrap(),
                (r[1].clone(), r[2].clone(), r[3].clone(), r[4].clone()),
            )
        })
        .collect()
}

fn export_persons(db: &TestDb, unit: &str) -> Vec<HashMap<String, String>> {
    let out = phongdich(
        db,
        &["export", "persons", "--unit", unit, "--format", "csv"],
    );
    let (headers, rows) = read_csv(&String::from_utf8(out.stdout).unwrap());
    rows.into_iter()
        .map(|r| headers.iter().cloned().zip(r).collect())
        .collect()
}

#[tokio::test]
async fn import_persons_lands_good_rows_and_reports_bad_ones_by_line() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("danh-sach.csv");
    let report = dir.path().join("bao-cao.csv");
    // As Excel saves "CSV UTF-8": with a BOM, Vietnamese headers, an STT column.
    let csv = format!(
        "\u{feff}STT,Họ và tên,Ngày sinh (dd/mm/yyyy),Giới tính,Số CCCD/CMND,SĐT,Mã xã,Địa chỉ\n\
         1,Nguyễn Văn An,12/03/1985,Nam,022085001234,0912345678,{HA_KHANH},\"Số 5, tổ 3\"\n\
         2,Trần Thị Bình,1990-07-21,Nữ,022190004321,,{HA_PHONG},\n\
         3,Lê Văn Cường,1978,Nam,,0987 654 321,{BAI_CHAY},\n\
         4,Hoàng Văn Đức,31/02/1990,Nam,,,{HA_KHANH},\n\
         5,Phạm Thị Dung,05/05/2001,Nữ,123456789,,{CAO_XANH},\n\
         6,Vũ Văn Giang,1970,Nam,,,99999,\n\
         7,Đỗ Thị Hà,1995,Nữ,12345,,{HA_PHONG},\n"
    );
    std::fs::write(&file, csv).unwrap();

    let out = phongdich(&db, &import_persons_args(&file, &report));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("7 dòng / rows: 4 đã nhập / imported, 3 bị từ chối / refused"),
        "{stdout}"
    );
    assert!(stdout.contains(report.to_str().unwrap()), "{stdout}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("ignoring unknown column: STT"), "{stderr}");

    assert_eq!(
        db.ints("SELECT COUNT(*) FROM persons").await,
        [Some(4)],
        "only the good rows are stored"
    );
    let people = export_persons(&db, "22");
    let mut names: Vec<&str> = people.iter().map(|p| p["full_name"].as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "Lê Văn Cường",
            "Nguyễn Văn An",
            "Phạm Thị Dung",
            "Trần Thị Bình"
        ]
    );
    let an = people
        .iter()
        .find(|p| p["full_name"] == "Nguyễn Văn An")
        .unwrap();
    assert_eq!(an["birth"], "1985-03-12");
    assert_eq!(an["sex"], "Nam");
    assert_eq!(an["national_id"], "022085001234");
    assert_eq!(an["phone"], "0912345678");
    assert_eq!(an["commune_code"], HA_KHANH);
    assert_eq!(an["street_address"], "Số 5, tổ 3");
    let cuong = people
        .iter()
        .find(|p| p["full_name"] == "Lê Văn Cường")
        .unwrap();
    assert_eq!(cuong["birth"], "1978");
    assert_eq!(cuong["phone"], "0987654321", "spaces as people type them");
    assert_eq!(
        export_persons(&db, "01").len(),
        0,
        "nobody landed in Hà Nội"
    );

    let report = read_report(&report);
    let mut lines: Vec<u64> = report.keys().copied().collect();
    lines.sort_unstable();
    assert_eq!(lines, [5, 7, 8], "the report lists exactly the bad rows");
    // Each reason names the field as the template's header does.
    for (line, (field_vi, field_en), vi, en) in [
        (
            5,
            ("Ngày sinh", "Date of birth"),
            "Ngày sinh «31/02/1990» không hợp lệ",
            "Birth “31/02/1990” is invalid",
        ),
        (
            7,
            ("Mã xã", "Commune code"),
            "Không có đơn vị hành chính mã «99999»",
            "No administrative unit with code “99999”",
        ),
        (
            8,
            ("Số CCCD/CMND", "National ID"),
            "Số định danh «12345» không hợp lệ",
            "National ID “12345” is invalid",
        ),
    ] {
        let (outcome, id, reason_vi, reason_en) = &report[&line];
        assert_eq!(outcome, "refused_invalid", "line {line}");
        assert_eq!(id, "", "line {line} has no person");
        assert!(
            reason_vi.starts_with(&format!("{field_vi}: ")) && reason_vi.contains(vi),
            "line {line}: {reason_vi}"
        );
        assert!(
            reason_en.starts_with(&format!("{field_en}: ")) && reason_en.contains(en),
            "line {line}: {reason_en}"
        );
    }
}

#[tokio::test]
async fn import_persons_refuses_a_national_id_repeated_in_the_file() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nguoi.csv");
    let report = dir.path().join("nguoi.report.csv");
    // Line 4 repeats line 2's CCCD, written with spaces.
    let csv = format!(
        "Họ và tên,Ngày sinh,Giới tính,CCCD,Mã xã\n\
         Nguyễn Văn An,12/03/1985,Nam,022085001234,{HA_KHANH}\n\
         Trần Thị Bình,21/07/1990,Nữ,022190004321,{HA_PHONG}\n\
         Ngô Văn Bảo,12/03/1985,Nam,022 085 001 234,{BAI_CHAY}\n"
    );
    std::fs::write(&file, csv).unwrap();
    let args = import_persons_args(&file, &report);

    let out = phongdich(&db, &args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("3 dòng / rows: 2 đã nhập / imported, 1 bị từ chối / refused"),
        "{stdout}"
    );
    assert_eq!(db.ints("SELECT COUNT(*) FROM persons").await, [Some(2)]);
    let first = read_report(&report);
    assert_eq!(first.len(), 1, "{first:?}");
    let (outcome, _, vi, en) = &first[&4];
    assert_eq!(outcome, "refused_duplicate_national_id");
    assert_eq!(vi, "Số định danh trùng với dòng 2 của cùng tệp.");
    assert_eq!(en, "National ID repeats line 2 of the same file.");
    let people = export_persons(&db, "193");
    let an = people
        .iter()
        .find(|p| p["national_id"] == "022085001234")
        .unwrap();
    assert_eq!(an["full_name"], "Nguyễn Văn An", "the first row wins");
    assert!(people.iter().all(|p| p["full_name"] != "Ngô Văn Bảo"));

    // Importing the same file again adds nobody and points at the stored records.
    let out = phongdich(&db, &args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("3 dòng / rows: 0 đã nhập / imported, 3 bị từ chối / refused"),
        "{stdout}"
    );
    assert_eq!(db.ints("SELECT COUNT(*) FROM persons").await, [Some(2)]);
    let again = read_report(&report);
    for line in [2, 4] {
        let (outcome, person_id, vi, en) = &again[&line];
        assert_eq!(outcome, "refused_duplicate_national_id");
        let id = &an["id"];
        // The row names the record that holds the ID (the page links it).
        assert_eq!(person_id, &id.to_string());
        assert!(vi.contains(&format!("hồ sơ #{id}.")), "{vi}");
        assert!(en.contains(&format!("person #{id}.")), "{en}");
        assert!(!vi.contains("/api/"), "{vi}");
    }
    assert_eq!(again[&3].0, "refused_duplicate_national_id");
}

#[tokio::test]
async fn export_units_prints_the_whole_tree_with_padded_codes() {
    let db = TestDb::new().await;
    let out = phongdich(&db, &["export", "units", "--format", "csv"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let (headers, rows) = read_csv(&text);
    assert_eq!(
        headers,
        [
            "code",
            "level",
            "name",
            "kind",
            "parent_code",
            "province_code",
            "district_code",
            "commune_code",
            "population"
        ]
    );
    // The national level first (parents before children), then the tree.
    assert_eq!(rows.len(), 1 + 63 + 705 + 10_603);
    assert_eq!(
        rows[0][..6],
        ["VN", "national", "Toàn quốc", "quốc gia", "", "VN"]
    );
    let mut by_level: HashMap<&str, usize> = HashMap::new();
    for r in &rows[1..] {
        *by_level.entry(r[1].as_str()).or_default() += 1;
        let width = match r[1].as_str() {
            "province" => 2,
            "district" => 3,
            "commune" => 5,
            other => panic!("unexpected level {other} in {r:?}"),
        };
        assert_eq!(r[0].len(), width, "{r:?}");
        assert!(r[0].bytes().all(|b| b.is_ascii_digit()), "{r:?}");
    }
    assert_eq!(
        by_level,
        HashMap::from([("province", 63), ("district", 705), ("commune", 10_603)])
    );
    let find = |code: &str| rows.iter().find(|r| r[0] == code).unwrap();
    assert_eq!(
        find("01")[..6],
        [
            "01",
            "province",
            "Thành phố Hà Nội",
            "thành phố trung ương",
            "VN",
            "01"
        ]
    );
    assert_eq!(
        find("001")[..7],
        ["001", "district", "Quận Ba Đình", "quận", "01", "01", "001"]
    );
    assert_eq!(
        find("00001")[..8],
        [
            "00001",
            "commune",
            "Phường Phúc Xá",
            "phường",
            "001",
            "01",
            "001",
            "00001"
        ]
    );
    assert_eq!(find("193")[2], "Thành phố Hạ Long");
    assert_eq!(find(HA_KHANH)[4], "193");
    // Parents come before their children.
    let pos = |code: &str| rows.iter().position(|r| r[0] == code).unwrap();
    assert!(pos("01") < pos("001") && pos("001") < pos("00001"));
}

/// Status, content type and JSON body of a response, whatever its status.
fn answer(result: Result<ureq::Response, ureq::Error>) -> (u16, String, Value) {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = response.status();
    let content_type = response.header("content-type").unwrap_or("").to_owned();
    let body = response.into_string().unwrap();
    let json = serde_json::from_str(&body)
        .unwrap_or_else(|e| panic!("not JSON ({e}), status {status}: {body}"));
    (status, content_type, json)
}

fn get(url: &str) -> (u16, String, Value) {
    answer(ureq::get(url).call())
}

/// `Authorization: Bearer <token>`.
fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn get_auth(url: &str, token: &str) -> (u16, String, Value) {
    answer(ureq::get(url).set("Authorization", &bearer(token)).call())
}

fn get_query(url: &str, token: &str, key: &str, value: &str) -> (u16, String, Value) {
    answer(
        ureq::get(url)
            .set("Authorization", &bearer(token))
            .query(key, value)
            .call(),
    )
}

fn post(url: &str, token: &str, body: &Value) -> (u16, String, Value) {
    answer(
        ureq::post(url)
            .set("Authorization", &bearer(token))
            .send_json(body),
    )
}

fn assert_problem(status: u16, content_type: &str, body: &Value, expected: u16, kind: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(content_type, "application/problem+json", "{body}");
    assert_eq!(body["status"], expected, "{body}");
    assert_eq!(body["type"], format!("/problems/{kind}"), "{body}");
    for key in ["title", "detail", "message_vi", "message_en"] {
        assert!(
            body[key].as_str().is_some_and(|s| !s.is_empty()),
            "{key} missing: {body}"
        );
    }
}

#[tokio::test]
async fn serve_answers_the_json_api() {
    let db = TestDb::new().await;
    // An API token for the integration, created as an operator would.
    let out = phongdich(
        &db,
        &[
            "token",
            "add",
            "--name",
            "test",
            "--unit",
            "22",
            "--role",
            "health_staff",
        ],
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(
        token.starts_with("pd_") && token.len() > 40 && !token.contains(char::is_whitespace),
        "stdout is the secret alone: {token:?}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("shown only once"), "{stderr}");
    let listed = String::from_utf8(phongdich(&db, &["token", "list"]).stdout).unwrap();
    assert!(listed.contains("\ttest\t"), "{listed}");
    assert!(listed.contains("health_staff\t22\tactive"), "{listed}");
    assert!(
        !listed.contains(&token),
        "the secret is never listed: {listed}"
    );
    let token = token.as_str();
    let server = Server::start(&db);

    let (status, _, health) = get(&server.url("/healthz"));
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["status"], "ok");
    let engine = match std::env::var(POSTGRES_ENV) {
        Ok(url) if !url.is_empty() => "postgres",
        _ => "sqlite",
    };
    assert_eq!(health["database"], engine);
    assert!(health["schema_version"].as_i64().unwrap() >= 1);

    let (status, content_type, doc) = get(&server.url("/api/v1/openapi.json"));
    assert_eq!(status, 200);
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    assert!(doc["openapi"].as_str().unwrap().starts_with('3'), "{doc}");
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/persons",
        "/api/v1/persons/{id}",
        "/api/v1/units",
        "/healthz",
    ] {
        assert!(paths.contains_key(path), "{path} not documented");
    }
    assert!(paths["/api/v1/persons"]["post"].is_object());

    // Everything else needs the token.
    let (status, content_type, problem) = get(&server.url("/api/v1/units?q=ha+long"));
    assert_problem(status, &content_type, &problem, 401, "unauthorized");
    let (status, content_type, problem) = get_auth(&server.url("/api/v1/persons"), "pd_wrong");
    assert_problem(status, &content_type, &problem, 401, "unauthorized");

    // Units are found with or without diacritics.
    for q in ["ha long", "Hạ Long", "HA LONG"] {
        let (status, _, units) = get_query(&server.url("/api/v1/units"), token, "q", q);
        assert_eq!(status, 200, "{units}");
        let ha_long = units
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == "Thành phố Hạ Long")
            .unwrap_or_else(|| panic!("q={q}: {units}"));
        assert_eq!(ha_long["code"], "193");
        assert_eq!(ha_long["level"], "district");
        assert_eq!(ha_long["province_code"], "22");
    }

    // Invalid input: 422 naming every field at fault, in both languages.
    let persons = server.url("/api/v1/persons");
    let (status, content_type, problem) = post(
        &persons,
        token,
        &json!({
            "full_name": "An",
            "birth": "31/02/1990",
            "sex": "x",
            "national_id": "12345",
            "commune_code": HA_KHANH,
        }),
    );
    assert_problem(status, &content_type, &problem, 422, "validation");
    let errors = problem["errors"].as_array().unwrap();
    let fields: Vec<&str> = errors
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for field in ["full_name", "birth", "sex", "national_id"] {
        assert!(fields.contains(&field), "{field} not named: {problem}");
    }
    assert!(!fields.contains(&"commune_code"), "{problem}");
    for e in errors {
        for key in ["code", "message_vi", "message_en"] {
            assert!(e[key].as_str().is_some_and(|s| !s.is_empty()), "{e}");
        }
    }
    let birth = errors.iter().find(|e| e["field"] == "birth").unwrap();
    assert!(
        birth["message_vi"].as_str().unwrap().contains("Ngày sinh"),
        "{birth}"
    );
    assert!(
        birth["message_en"].as_str().unwrap().contains("Birth"),
        "{birth}"
    );
    assert_eq!(db.ints("SELECT COUNT(*) FROM persons").await, [Some(0)]);

    // A valid person is registered.
    let an = json!({
        "full_name": "Nguyễn Văn An",
        "birth": "12/03/1985",
        "sex": "Nam",
        "national_id": "022085001234",
        "phone": "+84 912 345 678",
        "commune_code": HA_KHANH,
        "street_address": "Số 5, tổ 3",
    });
    let (status, _, created) = post(&persons, token, &an);
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["full_name"], "Nguyễn Văn An");
    assert_eq!(created["birth_date"], "1985-03-12");
    assert_eq!(created["birth_year"], 1985);
    assert_eq!(created["sex"], "male");
    assert_eq!(created["national_id"], "022085001234");
    assert_eq!(created["phone"], "0912345678");
    assert_eq!(created["commune_code"], HA_KHANH);
    assert_eq!(created["district_code"], "193");
    assert_eq!(created["province_code"], "22");

    // The same national ID again: 409 pointing at the existing record.
    let mut again = an.clone();
    again["full_name"] = json!("Ngô Văn Bảo");
    again["phone"] = json!("");
    again["commune_code"] = json!(BAI_CHAY);
    let (status, content_type, problem) = post(&persons, token, &again);
    assert_problem(
        status,
        &content_type,
        &problem,
        409,
        "duplicate-national-id",
    );
    let link = format!("/api/v1/persons/{id}");
    assert_eq!(problem["existing"], link, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "national_id", "{problem}");
    assert!(
        problem["message_en"]
            .as_str()
            .unwrap()
            .contains(&format!("#{id}"))
    );
    let (status, _, existing) = get_auth(&server.url(&link), token);
    assert_eq!(status, 200, "{existing}");
    assert_eq!(existing["full_name"], "Nguyễn Văn An");
    assert_eq!(db.ints("SELECT COUNT(*) FROM persons").await, [Some(1)]);

    // Found by name without diacritics, in any word order, and by national ID.
    for q in ["nguyen van an", "an nguyen", "022085001234"] {
        let (status, _, page) = get_query(&persons, token, "q", q);
        assert_eq!(status, 200, "{page}");
        let items = page["items"].as_array().unwrap();
        assert!(items.iter().any(|p| p["id"] == id), "q={q}: {page}");
    }
    let (_, _, page) = get_query(&persons, token, "q", "tran thi binh");
    assert_eq!(page["items"], json!([]), "{page}");

    let (status, content_type, problem) = get_auth(&server.url("/api/v1/persons/999999"), token);
    assert_problem(status, &content_type, &problem, 404, "not-found");
    assert!(
        problem["message_en"].as_str().unwrap().contains("999999"),
        "{problem}"
    );
}

#[tokio::test]
async fn user_accounts_are_managed_from_the_command_line() {
    let db = TestDb::new().await;
    let password = "mat-khau-rat-dai-2024";
    let add = |username: &str, input: &str| {
        phongdich_with_input(
            &db,
            &[
                "user",
                "add",
                username,
                "--name",
                "Quản trị Hà Khánh",
                "--unit",
                HA_KHANH,
                "--role",
                "admin",
            ],
            input,
        )
    };

    // The password comes from standard input, never from the command line.
    let out = add("khanh.admin", &format!("{password}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("khanh.admin (admin, 06649)"), "{stdout}");
    assert!(!stdout.contains(password));
    let list = String::from_utf8(phongdich(&db, &["user", "list"]).stdout).unwrap();
    assert_eq!(
        list.lines().collect::<Vec<_>>(),
        ["khanh.admin\tQuản trị Hà Khánh\tadmin\t06649\tactive"]
    );
    let (user, _) = db
        .store
        .login("khanh.admin", password, "test")
        .await
        .unwrap();
    assert_eq!(user.unit_code, HA_KHANH);

    // A short password, or none, is refused in both languages; nothing is created.
    let out = add("ngan.qua", "ngan\n");
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("Mật khẩu cần ít nhất 10 ký tự.")
            && stderr.contains("The password needs at least 10 characters."),
        "{stderr}"
    );
    let out = add("khong.mat.khau", "");
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("Không có mật khẩu") && stderr.contains("no password"),
        "{stderr}"
    );
    // The same name twice is refused too.
    let out = add("khanh.admin", &format!("{password}-2\n"));
    assert!(!out.status.success());
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("This user name is already taken")
    );
    assert_eq!(db.ints("SELECT COUNT(*) FROM users").await, [Some(1)]);

    // Disabling ends the account's use at once; enabling restores it.
    let out = phongdich(&db, &["user", "disable", "khanh.admin"]);
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("disabled: khanh.admin")
    );
    let list = String::from_utf8(phongdich(&db, &["user", "list"]).stdout).unwrap();
    assert!(list.trim_end().ends_with("\tdisabled"), "{list}");
    assert!(
        db.store
            .login("khanh.admin", password, "test")
            .await
            .is_err()
    );
    phongdich(&db, &["user", "enable", "khanh.admin"]);
    assert!(
        db.store
            .login("khanh.admin", password, "test")
            .await
            .is_ok()
    );

    let out = phongdich_with_input(&db, &["user", "disable", "khong.co.ai"], "");
    assert!(!out.status.success());
}

#[tokio::test]
async fn the_demo_has_an_outbreak_and_a_campaign_under_way() {
    let db = TestDb::new().await;
    let out = phongdich(&db, &["demo", "--persons", "20000", "--no-serve"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("campaign #"), "{said}");
    // A convoy from Hồ Chí Minh City arrived today (issue 19).
    let batches = db
        .store
        .batches(&phongdich_store::Scope::unit(
            phongdich_domain::UnitCode::parse("22").unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(batches.len(), 1, "{said}");
    assert_eq!(
        (
            batches[0].assigned,
            batches[0].arrived,
            batches[0].state.as_str()
        ),
        (24, 18, "arrived")
    );
    assert_eq!(db.rows("returnee_registrations").await, 30);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM returnee_registrations WHERE status = 'home' AND order_id IS NOT NULL")
            .await,
        9,
        "home with an order: from an epidemic area, all of them"
    );
    let campaigns = db
        .store
        .campaigns(
            &phongdich_store::Scope::national(),
            phongdich_domain::Clock::system().today(),
        )
        .await
        .unwrap();
    assert_eq!(campaigns.len(), 1);
    let p = db
        .store
        .campaign_progress(
            &phongdich_store::Scope::national(),
            campaigns[0].id,
            None,
            None,
            chrono::Utc::now()
                .with_timezone(&phongdich_store::vietnam())
                .naive_local(),
        )
        .await
        .unwrap();
    assert!(p.total.targeted >= 8, "{:?}", p.total);
    assert!(
        p.total.negative >= 2 && p.total.positive == 1,
        "{:?}",
        p.total
    );
    let counts = db
        .store
        .class_counts(&phongdich_store::Scope::national())
        .await
        .unwrap();
    assert_eq!(counts[0], 5, "four F0 and the campaign's positive");
    let national = phongdich_store::Scope::national();
    let alerts = db.store.treatment_alerts(&national).await.unwrap();
    assert_eq!(alerts.len(), 1, "one F0 at home with low SpO2");
    assert!(alerts[0].team.is_some(), "routed to the team on duty");
    let equipment = db.store.oxygen_equipment(&national).await.unwrap();
    assert_eq!(equipment.len(), 2);
    // The demo commune sent yesterday's rapid report: the F0 are in it.
    assert!(said.contains("demo rapid report"), "{said}");
    let id: i64 = said
        .split("(#")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    let report = db.store.situation_report(&national, id).await.unwrap();
    assert_eq!(report.status, "submitted");
    // The four F0 confirmed three days ago; the campaign's positive is today's.
    assert_eq!(
        report.figures.figures.f0_cumulative, 4,
        "{:?}",
        report.figures.figures
    );
}

#[tokio::test]
async fn recount_puts_the_report_figures_back_after_a_repair_outside_the_application() {
    let db = TestDb::new().await;
    let s = &db.store;
    let a = phongdich_store::testing::person(s, "Đinh Văn Đếm", HA_KHANH).await;
    let system = phongdich_store::Actor::system("test");
    let on = chrono::NaiveDate::from_ymd_opt(2021, 8, 10).unwrap();
    s.confirm_case(
        &system,
        &phongdich_store::CaseInput::found_in_community(a, "10/08/2021", "09/08/2021", "rt_pcr"),
        on,
    )
    .await
    .unwrap();
    let khanh = phongdich_store::Scope::unit(phongdich_domain::UnitCode::parse(HA_KHANH).unwrap());
    let f0_home =
        || async { s.figures_by_unit(&khanh, on, on, on).await.unwrap()[HA_KHANH].f0_home };
    assert_eq!(f0_home().await, 1);
    // Someone edits the kept rows by hand: the figures are wrong until a recount.
    db.execute(&format!(
        "UPDATE figure_days SET f0_home = 7 WHERE commune_code = '{HA_KHANH}' AND day = '2021-08-10'"
    ))
    .await
    .unwrap();
    assert_eq!(f0_home().await, 7);
    let out = phongdich(&db, &["recount", "--unit", "193"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("communes counted again"), "{text}");
    assert_eq!(f0_home().await, 1, "counted again from the records");
    // An unknown unit is refused, in both languages.
    let out = phongdich_with_input(&db, &["recount", "--unit", "99999"], "");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Đơn vị / unit 99999"), "{err}");
}

#[tokio::test]
async fn the_operator_makes_a_national_account_and_exports_the_case_register() {
    let db = TestDb::new().await;
    let out = phongdich_with_input(
        &db,
        &[
            "user",
            "add",
            "bo.yte",
            "--name",
            "Ban Chỉ đạo Quốc gia",
            "--unit",
            "VN",
            "--role",
            "admin",
        ],
        "mat-khau-quoc-gia-2021\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let user = db
        .store
        .user(&phongdich_store::Scope::national(), "bo.yte")
        .await
        .unwrap();
    assert_eq!(user.unit_code, "VN");
    assert!(user.actor("test").scope.is_national());

    let system = phongdich_store::Actor::system("test");
    for (name, commune) in [("Ngô Văn Một", HA_KHANH), ("Ngô Văn Hai", "00001")] {
        let id = phongdich_store::testing::person(&db.store, name, commune).await;
        let case = phongdich_store::CaseInput::found_in_community(
            id,
            "10/08/2021",
            "10/08/2021",
            "rt_pcr",
        );
        db.store
            .confirm_case(
                &system,
                &case,
                chrono::NaiveDate::from_ymd_opt(2021, 8, 20).unwrap(),
            )
            .await
            .unwrap();
    }
    let out = phongdich(&db, &["export", "cases", "--status", "active"]);
    let (headers, rows) = read_csv(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(headers[0], "case_code");
    assert_eq!(rows.len(), 2);
    let out = phongdich(
        &db,
        &[
            "export",
            "cases",
            "--unit",
            "22",
            "--confirmed-from",
            "10/08/2021",
        ],
    );
    let (_, rows) = read_csv(&String::from_utf8(out.stdout).unwrap());
    let name = headers.iter().position(|h| h == "full_name").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][name], "Ngô Văn Một");
    // A bad filter is refused, naming it.
    let out = phongdich_with_input(&db, &["export", "cases", "--status", "sick"], "");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sick"));
}

#[tokio::test]
async fn import_persons_stops_at_an_unclosed_quote_and_exits_non_zero() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nguoi.csv");
    let report = dir.path().join("nguoi.report.csv");
    // Line 3 opens a quote it never closes: line 4 must not vanish into it.
    let csv = format!(
        "Họ và tên,Ngày sinh,Giới tính,Mã xã\n\
         Nguyễn Văn An,12/03/1985,Nam,{HA_KHANH}\n\
         \"Trần Thị Bình,21/07/1990,Nữ,{HA_PHONG}\n\
         Ngô Văn Bảo,12/03/1985,Nam,{BAI_CHAY}\n"
    );
    std::fs::write(&file, csv).unwrap();
    let out = phongdich_with_input(&db, &import_persons_args(&file, &report), "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "exit 0:\n{stderr}");
    assert!(
        stderr.contains("Dòng 3")
            && stderr.contains("Line 3")
            && stderr.contains("1 rows before it"),
        "{stderr}"
    );
    assert_eq!(db.ints("SELECT COUNT(*) FROM persons").await, [Some(1)]);
    let report = read_report(&report);
    assert_eq!(report[&3].0, "refused_file_error", "{report:?}");
}

/// `import coverage`: the communes' coverage for the epidemic levels, every
/// row in the report with what a word was read as; a mistyped code whose
/// name does not match is refused, not entered for the neighbour.
#[tokio::test]
async fn import_coverage_enters_the_communes_and_reports_every_row() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tiem-chung.csv");
    let report = dir.path().join("bao-cao.csv");
    std::fs::write(
        &file,
        format!(
            "Mã xã,Tên xã,Ngày,Tỷ lệ người từ 18 tuổi tiêm ít nhất 1 mũi (%),Tỷ lệ người cao tuổi tiêm đủ (%),Năng lực điều trị\n\
             {HA_KHANH},Phường Hà Khánh,20/10/2021,91.5,82,Đạt\n\
             {HA_PHONG},Phường Hà Khánh,20/10/2021,80,70,không đạt\n"
        ),
    )
    .unwrap();
    let out = phongdich(
        &db,
        &[
            "import",
            "coverage",
            file.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
    );
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(
        said.contains("2 dòng / rows: 1 đã ghi / entered, 1 bị từ chối / refused"),
        "{said}"
    );
    let (headers, rows) = read_csv(&std::fs::read_to_string(&report).unwrap());
    assert_eq!(
        headers,
        ["line", "code", "name", "outcome", "reason_vi", "reason_en"]
    );
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0][0].as_str(), rows[0][3].as_str()), ("2", "entered"));
    assert!(
        rows[0][5].contains("Capacity “Đạt” read as met"),
        "{:?}",
        rows[0]
    );
    assert_eq!((rows[1][0].as_str(), rows[1][3].as_str()), ("3", "refused"));
    assert!(
        rows[1][5].contains("not “Phường Hà Khánh”"),
        "{:?}",
        rows[1]
    );
    assert_eq!(db.rows("commune_coverage").await, 1);
}
