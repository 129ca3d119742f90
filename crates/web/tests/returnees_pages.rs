#![allow(clippy::unwrap_used)]
//! Returnees on the pages, as the people who use them would, on 25/10/2021:
//! the province lists Hà Nội, the commune health worker registers an arrival
//! by name and reads the code, the checkpoint officer types it (a reload of
//! the answer records nothing twice), the commune confirms the person home.
//! SQLite, or PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use phongdich_store::testing::TestDb;
use support::{Browser, HA_KHANH};

#[tokio::test]
async fn register_scan_and_confirm_home_through_the_pages() {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 10, 25, 2, 0, 0).unwrap();
    db.store = db
        .store
        .clone()
        .with_clock(phongdich_domain::Clock::fixed(at));
    let app = support::app(&db);

    // The province's list.
    let mut province = Browser::logged_in(&db, &app, "bcd.quangninh", "22", "admin").await;
    let csrf = province.csrf().await;
    let bad = province
        .post(
            "/epidemic-areas",
            &[
                ("_csrf", &csrf),
                ("unit_code", "01"),
                ("from_on", "31/02/2021"),
                ("decision", "TB 12"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("value=\"TB 12\""), "what was typed stays");
    let added = province
        .post(
            "/epidemic-areas",
            &[
                ("_csrf", &csrf),
                ("unit_code", "01"),
                ("from_on", "01/10/2021"),
                ("decision", "Thông báo 12/TB-BCĐ"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let list = province.get("/epidemic-areas?done=area").await;
    assert!(
        list.body.contains("Thành phố Hà Nội") && list.body.contains("01/10/2021"),
        "{}",
        list.body
    );

    // The commune registers by name: the origin and the commune are chosen
    // from lists of names.
    let mut commune = Browser::logged_in(&db, &app, "tyt.hakhanh", HA_KHANH, "health_staff").await;
    let form = commune.get("/returnees/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains(">Thành phố Hà Nội</option>"),
        "provinces by name"
    );
    assert!(
        form.body.contains(">Phường Hà Khánh</option>"),
        "the commune by name"
    );
    let csrf = form.csrf();
    let fields = [
        ("_csrf", csrf.as_str()),
        ("full_name", "Trần Văn Về"),
        ("birth", "1990"),
        ("sex", "male"),
        ("national_id", "022090001234"),
        ("phone", "0912345678"),
        ("commune_code", HA_KHANH),
        ("origin_code", "01"),
        ("departure_on", "24/10/2021"),
        ("arrival_on", "25/10/2021"),
        ("means", "own_vehicle"),
        ("doses", "0"),
    ];
    let made = commune.post("/returnees/new", &fields).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let card = commune.get(made.location()).await;
    assert!(card.body.contains("Đã đăng ký người về."), "{}", card.body);
    assert!(
        card.body.contains("cách ly tại nhà") || card.body.contains("Cách ly tại nhà"),
        "the obligation in words: {}",
        card.body
    );
    let code = card
        .body
        .split("class=\"code-big\"><strong>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(code.len(), 12, "V-XXXX-XXXXX: {code}");
    // The same trip again: refused on the form, with the first code named.
    let twice = commune.post("/returnees/new", &fields).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        twice.body.contains(&code.replace('-', "")),
        "{}",
        twice.body
    );

    // The checkpoint types the code as read out, dashes and all.
    let mut officer = Browser::logged_in(&db, &app, "chot.km3", "22", "checkpoint_officer").await;
    let home = officer.get("/").await;
    assert_eq!(home.location(), "/checkpoint");
    let page = officer.get("/checkpoint").await;
    let csrf = page.csrf();
    let key = page
        .body
        .split("name=\"idempotency_key\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let scan = [
        ("_csrf", csrf.as_str()),
        ("idempotency_key", key.as_str()),
        ("code", code.as_str()),
        ("checkpoint", "Chốt Km 3 QL18"),
        ("rapid_result", "negative"),
    ];
    let first = officer.post("/checkpoint", &scan).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(
        first.body.contains("Đã ghi nhận qua chốt") && first.body.contains("Trần Văn Về"),
        "{}",
        first.body
    );
    assert!(
        first.body.contains("value=\"Chốt Km 3 QL18\""),
        "the checkpoint's name stays for the next scan"
    );
    let reload = officer.post("/checkpoint", &scan).await;
    assert!(
        reload.body.contains("Lượt quét này đã được ghi trước đó"),
        "{}",
        reload.body
    );
    assert_eq!(db.rows("checkpoint_scans").await, 1);
    let unknown = officer
        .post(
            "/checkpoint",
            &[
                ("_csrf", &csrf),
                ("idempotency_key", "x-1"),
                ("code", "V0000000000"),
                ("checkpoint", "Chốt Km 3 QL18"),
            ],
        )
        .await;
    assert!(unknown.status.is_client_error(), "{}", unknown.body);
    // The officer has no hand-over list.
    assert_eq!(
        officer.get("/returnees").await.status,
        StatusCode::FORBIDDEN
    );

    // The commune's hand-over: through the checkpoint; confirm home.
    let list = commune.get("/returnees?day=25/10/2021").await;
    assert!(
        list.body.contains("Trần Văn Về") && list.body.contains("Chốt Km 3 QL18"),
        "{}",
        list.body
    );
    assert!(
        list.body.contains("id=\"unvaccinated\""),
        "the unvaccinated listed for the vaccination team"
    );
    // The row's "home" form: action="/returnees/{id}/home".
    let id = list
        .body
        .split("/home\"")
        .next()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let csrf = list.csrf();
    let done = commune
        .post(
            &format!("/returnees/{id}/home"),
            &[("_csrf", &csrf), ("home_on", "25/10/2021")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let after = commune.get(done.location()).await;
    assert!(after.body.contains("Đã xác nhận về nhà"), "{}", after.body);
    assert_eq!(db.rows("quarantine_orders").await, 1);

    // A list from the sending province, uploaded: a good row and a bad one.
    let csv = "Họ và tên,Năm sinh,Giới tính,Mã xã,Tỉnh đi,Huyện đi,Ngày đi,Ngày đến,Phương tiện\r\n\
               Lê Thị Nhập,1995,Nữ,06649,TP HCM,Quận 7,23/10/2021,25/10/2021,Xe khách\r\n\
               Lê Văn Sai,1995,Nam,06649,Bình Dương,Quận 7,23/10/2021,25/10/2021,Xe khách\r\n";
    let csrf = commune.csrf().await;
    let req = Request::builder()
        .method(Method::POST)
        .uri("/returnees/import")
        .header(header::HOST, support::HOST)
        .header(header::COOKIE, format!("pd_session={}", commune.session().unwrap()))
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=X")
        .body(Body::from(format!(
            "--X\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
             --X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ds.csv\"\r\n\r\n{csv}\r\n--X--\r\n"
        )))
        .unwrap();
    let r = support::send(&app, req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("Đã đăng ký, người mới") && r.body.contains("Lê Thị Nhập"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("quận/huyện"),
        "the bad row's reason: {}",
        r.body
    );
    assert_eq!(db.rows("returnee_registrations").await, 2);

    // The province's dashboard counts them, by origin.
    let dash = province
        .get("/dashboard?from=25/10/2021&to=25/10/2021")
        .await;
    assert_eq!(dash.status, StatusCode::OK, "{}", dash.body);
    let section = dash.body.split("id=\"returnee-figures\"").nth(1).unwrap();
    assert!(
        section.contains("Thành phố Hồ Chí Minh") && !section.contains("Phường Phúc Xá"),
        "{section}"
    );
    assert!(
        section.contains("Thành phố Hà Nội"),
        "origins by province: {section}"
    );
}

/// Districts by name, not by code: the province's list and the
/// registration form take a district typed within the province chosen,
/// suggested from that province's districts.
#[tokio::test]
async fn a_district_of_origin_is_typed_by_name_within_its_province() {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 10, 25, 2, 0, 0).unwrap();
    db.store = db
        .store
        .clone()
        .with_clock(phongdich_domain::Clock::fixed(at));
    let app = support::app(&db);
    let mut province = Browser::logged_in(&db, &app, "bcd.quangninh", "22", "admin").await;
    let suggestions = province.get("/units/79/districts").await;
    assert_eq!(suggestions.status, StatusCode::OK);
    assert!(
        suggestions.body.contains("<option value=\"Quận 7\">"),
        "{}",
        suggestions.body
    );
    let csrf = province.csrf().await;
    let area = |district: &str| -> Vec<(&'static str, String)> {
        vec![
            ("_csrf", csrf.clone()),
            ("unit_code", "79".to_owned()),
            ("district", district.to_owned()),
            ("from_on", "01/10/2021".to_owned()),
            ("decision", "Thông báo 15/TB-BCĐ".to_owned()),
        ]
    };
    let unknown = area("Quận 99");
    let unknown: Vec<(&str, &str)> = unknown.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = province.post("/epidemic-areas", &unknown).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Quận 99") && refused.body.contains("value=\"Quận 99\""),
        "named in the message, kept in the field: {}",
        refused.body
    );
    assert!(
        refused.body.contains("<option value=\"Quận 7\">"),
        "the province's districts suggested again"
    );
    // Typed without diacritics and without "Quận".
    let typed = area("binh thanh");
    let typed: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let added = province.post("/epidemic-areas", &typed).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let list = province.get("/epidemic-areas?done=area").await;
    assert!(
        list.body.contains("Quận Bình Thạnh, Thành phố Hồ Chí Minh"),
        "the district with its province: {}",
        list.body
    );

    let mut commune = Browser::logged_in(&db, &app, "tyt.hakhanh", HA_KHANH, "health_staff").await;
    let form = commune.get("/returnees/new").await;
    let csrf = form.csrf();
    let made = commune
        .post(
            "/returnees/new",
            &[
                ("_csrf", csrf.as_str()),
                ("full_name", "Lý Văn Bình Thạnh"),
                ("birth", "1991"),
                ("sex", "male"),
                ("phone", "0912345679"),
                ("commune_code", HA_KHANH),
                ("origin_code", "79"),
                ("origin_district", "Quận Bình Thạnh"),
                ("departure_on", "24/10/2021"),
                ("arrival_on", "25/10/2021"),
                ("means", "own_vehicle"),
                ("doses", "0"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let card = commune.get(made.location()).await;
    assert!(
        card.body.contains("Quận Bình Thạnh") && card.body.contains("Cách ly tại nhà 14 ngày"),
        "from the district, on the list: home quarantine: {}",
        card.body
    );
}

#[tokio::test]
async fn people_register_their_own_return_on_the_public_page() {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 10, 25, 2, 0, 0).unwrap();
    db.store = db
        .store
        .clone()
        .with_clock(phongdich_domain::Clock::fixed(at));
    let app = support::app(&db);
    let mut phone = Browser::new(&app);
    let page = phone.get("/ve/22").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Đăng ký về Tỉnh Quảng Ninh"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(">Phường Hà Khánh</option>"),
        "communes by name"
    );
    assert!(
        !page.body.contains("name=\"_csrf\""),
        "no account, no session token"
    );
    assert_eq!(phone.get("/ve/99").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        phone.get("/ve/193").await.status,
        StatusCode::NOT_FOUND,
        "a district is not a province"
    );
    let mut fields = vec![
        ("full_name", "Trần Thị Tự Khai"),
        ("birth", "1993"),
        ("sex", "female"),
        ("commune_code", HA_KHANH),
        ("origin_code", "79"),
        ("departure_on", "24/10/2021"),
        ("arrival_on", "25/10/2021"),
        ("means", "bus"),
        ("doses", "2"),
        ("last_dose_on", "01/09/2021"),
    ];
    let no_phone = phone.post("/ve/22", &fields).await;
    assert_eq!(no_phone.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_phone.body.contains("Cần số điện thoại"),
        "{}",
        no_phone.body
    );
    assert!(
        no_phone.body.contains("value=\"Trần Thị Tự Khai\""),
        "what was typed stays"
    );
    fields.push(("phone", "0987654321"));
    let done = phone.post("/ve/22", &fields).await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.body);
    assert!(
        done.body.contains("code-big") && done.body.contains("<svg"),
        "{}",
        done.body
    );
    assert_eq!(
        db.strings("SELECT channel FROM returnee_registrations")
            .await,
        [Some("public".to_owned())]
    );
    // A commune outside the province is not found, and nothing is written.
    let mut elsewhere = fields.clone();
    elsewhere[3] = ("commune_code", "00001");
    elsewhere[0] = ("full_name", "Lê Văn Nơi Khác");
    let refused = phone.post("/ve/22", &elsewhere).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(db.rows("returnee_registrations").await, 1);
    // A staff session in the same browser is neither used nor asked for its token.
    let mut staff = Browser::logged_in(&db, &app, "tyt.hakhanh", HA_KHANH, "health_staff").await;
    let mut again = fields.clone();
    again[0] = ("full_name", "Trần Văn Cùng Máy");
    again[2] = ("sex", "male");
    let r = staff.post("/ve/22", &again).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test]
async fn the_province_plans_a_convoy_seats_it_by_code_and_prints_it() {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 10, 20, 2, 0, 0).unwrap();
    db.store = db
        .store
        .clone()
        .with_clock(phongdich_domain::Clock::fixed(at));
    let app = support::app(&db);
    let mut codes = Vec::new();
    for (name, cccd) in [
        ("Trần Văn An", "022090000001"),
        ("Lê Văn Bình", "022090000002"),
    ] {
        let t = phongdich_domain::returnees::RegistrationInput {
            person: phongdich_domain::PersonInput {
                full_name: name.into(),
                birth: "1990".into(),
                sex: "male".into(),
                national_id: cccd.into(),
                commune_code: HA_KHANH.into(),
                ..Default::default()
            },
            origin_code: "79".into(),
            departure_on: "24/10/2021".into(),
            arrival_on: "25/10/2021".into(),
            means: "own_vehicle".into(),
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
    let mut province = Browser::logged_in(&db, &app, "bcd.quangninh", "22", "admin").await;
    let csrf = province.csrf().await;
    let plan = |capacity: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("name", "Đoàn xe số 3 đón từ TP HCM".to_owned()),
            ("means", "convoy".to_owned()),
            ("capacity", capacity.to_owned()),
            ("departs_on", "24/10/2021".to_owned()),
            ("departure_point", "Bến xe Miền Đông".to_owned()),
        ]
    };
    let bad = plan("không");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = province.post("/returnees/batches", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Số chỗ từ 1 đến 2000"), "{}", r.body);
    let good = plan("45");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = province.post("/returnees/batches", &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page_of_batch = r.location().to_owned();
    let listed = format!("{}\nV-NOPE\n{}", codes[0], codes[1]);
    let r = province
        .post(
            &format!("{page_of_batch}/passengers"),
            &[("_csrf", &csrf), ("codes", &listed)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("Đã xếp chỗ: 2, không xếp được: 1."),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("Ghế 1; phương tiện đổi thành «Đoàn xe của tỉnh»."),
        "{}",
        r.body
    );
    assert_eq!(
        r.body.matches("class=\"card seat-card\"").count(),
        2,
        "a seat card each"
    );
    let r = province
        .post(
            &format!("{page_of_batch}/state"),
            &[("_csrf", &csrf), ("state", "departed")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let shown = province.get(r.location()).await;
    assert!(shown.body.contains("Đã xuất phát"), "{}", shown.body);
    assert!(
        shown.body.contains("id=\"no-shows\""),
        "not yet through a checkpoint: {}",
        shown.body
    );
    // A commune reads the batches but does not plan them.
    let mut commune = Browser::logged_in(&db, &app, "tyt.hakhanh", HA_KHANH, "health_staff").await;
    let list = commune.get("/returnees/batches").await;
    assert!(
        list.body.contains("Đoàn xe số 3") && !list.body.contains("id=\"plan-batch\""),
        "{}",
        list.body
    );
}
