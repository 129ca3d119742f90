#![allow(clippy::unwrap_used)]
//! Issue 18 §1: people are picked by name. The picker's list
//! (`/persons/pick?fragment=1`) finds people by name without diacritics, by
//! phone or by record number, tells namesakes apart by birth year and
//! hamlet, masks phones and never shows anyone outside the reader's
//! jurisdiction; a form sent without the script resolves the typed text on
//! the server: one match is taken, several are listed with their numbers,
//! none is an error — nothing is recorded until the person is certain.
//! SQLite, or PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

mod support;

use support::{Browser, HA_KHANH, HA_PHONG};

use axum::http::StatusCode;
use phongdich_domain::{Clock, PersonInput};
use phongdich_store::testing::TestDb;
use phongdich_store::{Actor, NewHamlet};

async fn person(
    db: &TestDb,
    name: &str,
    birth: &str,
    commune: &str,
    phone: &str,
    hamlet: &str,
) -> i64 {
    let input = PersonInput {
        full_name: name.into(),
        birth: birth.into(),
        sex: "nam".into(),
        commune_code: commune.into(),
        phone: phone.into(),
        hamlet_code: hamlet.into(),
        ..Default::default()
    };
    let p = input.parse(Clock::system().today()).unwrap();
    db.store
        .create_person(&Actor::system("test"), &p, true)
        .await
        .unwrap()
        .id
}

/// "Tổ 5 khu 3", a residential group of Hà Khánh.
async fn hamlet(db: &TestDb) -> phongdich_store::Unit {
    let hamlet = NewHamlet {
        commune_code: HA_KHANH.into(),
        name: "Tổ 5 khu 3".into(),
        kind: "tổ dân phố".into(),
    };
    db.store
        .add_hamlet(&Actor::system("test"), &hamlet)
        .await
        .unwrap()
}

/// The record numbers the picker's options carry, in order.
fn picked(fragment: &str) -> Vec<i64> {
    fragment
        .split("data-value=\"")
        .skip(1)
        .map(|v| {
            let v = &v[..v.find('"').unwrap()];
            let at = v.rfind("(#").unwrap();
            v[at + 2..v.len() - 1].parse().unwrap()
        })
        .collect()
}

#[tokio::test]
async fn the_picker_tells_namesakes_apart_and_stays_in_the_readers_commune() {
    let db = TestDb::new().await;
    let hamlet = hamlet(&db).await;
    let an_85 = person(&db, "Nguyễn Văn An", "1985", HA_KHANH, "", &hamlet.code).await;
    let an_90 = person(&db, "Nguyễn Văn An", "1990", HA_KHANH, "", "").await;
    let outside = person(&db, "Nguyễn Văn An", "1985", HA_PHONG, "", "").await;
    let bich = person(&db, "Trần Thị Bích", "1979", HA_KHANH, "0912345678", "").await;
    let app = support::app(&db);
    let mut b = Browser::logged_in(&db, &app, "truyvet", HA_KHANH, "contact_tracer").await;

    let list = b.get("/persons/pick?fragment=1&q=nguyen%20van%20an").await;
    assert_eq!(list.status, StatusCode::OK);
    let mut found = picked(&list.body);
    found.sort_unstable();
    assert_eq!(found, vec![an_85, an_90], "{}", list.body);
    assert!(
        list.body.contains("Tổ 5 khu 3, Phường Hà Khánh"),
        "{}",
        list.body
    );
    assert!(list.body.contains("1990"), "{}", list.body);
    assert!(list.body.contains("Đăng ký người mới"), "{}", list.body);

    // A birth year after the name keeps one; the phone finds Bích, masked.
    let one = b
        .get("/persons/pick?fragment=1&q=nguyen%20van%20an%201990")
        .await;
    assert_eq!(picked(&one.body), vec![an_90], "{}", one.body);
    let phone = b.get("/persons/pick?fragment=1&q=0912345678").await;
    assert_eq!(picked(&phone.body), vec![bich], "{}", phone.body);
    assert!(phone.body.contains("•••••••678"), "{}", phone.body);
    assert!(!phone.body.contains("ĐT 0912345678"), "{}", phone.body);

    // Someone in the next ward is not listed, not even by number.
    let by_id = b
        .get(&format!("/persons/pick?fragment=1&id={outside}"))
        .await;
    assert_eq!(picked(&by_id.body), Vec::<i64>::new(), "{}", by_id.body);
    let by_number = b
        .get(&format!("/persons/pick?fragment=1&q=%23{outside}"))
        .await;
    assert_eq!(
        picked(&by_number.body),
        Vec::<i64>::new(),
        "{}",
        by_number.body
    );

    // The page without the script: the same search, with numbers to copy.
    let page = b.get("/persons/pick?q=nguyen%20van%20an").await;
    assert!(page.body.contains(&format!("#{an_85}")), "{}", page.body);
    assert!(
        !page.body.contains(&format!("#{outside}<")),
        "{}",
        page.body
    );

    // A contact typed by name: ambiguous, then settled by the birth year.
    let today = Clock::system().today().format("%d/%m/%Y").to_string();
    let csrf = b.csrf().await;
    let path = format!("/persons/{bich}/contacts");
    let contact = |other: &'static str| {
        [
            ("_csrf", csrf.clone()),
            ("other_person_id", other.to_owned()),
            ("date", today.clone()),
            ("setting", "household".to_owned()),
        ]
    };
    let fields = contact("nguyen van an");
    let r = b
        .post(&path, &fields.each_ref().map(|(k, v)| (*k, v.as_str())))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Có nhiều người khớp"), "{}", r.body);
    assert!(
        r.body.contains(&format!("#{an_85}")) && r.body.contains(&format!("#{an_90}")),
        "{}",
        r.body
    );
    assert_eq!(
        db.rows("contacts").await,
        0,
        "nothing recorded while ambiguous"
    );

    let fields = contact("ai do khong co");
    let r = b
        .post(&path, &fields.each_ref().map(|(k, v)| (*k, v.as_str())))
        .await;
    assert!(r.body.contains("Không tìm thấy ai khớp"), "{}", r.body);
    assert_eq!(db.rows("contacts").await, 0);

    let fields = contact("nguyen van an 1990");
    let r = b
        .post(&path, &fields.each_ref().map(|(k, v)| (*k, v.as_str())))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let record = b.get(&format!("/persons/{bich}")).await;
    // The contact is shown by name, its record number in the tooltip.
    assert!(
        record
            .body
            .contains(&format!("title=\"#{an_90}\">Nguyễn Văn An</a>")),
        "{}",
        record.body
    );
}

#[tokio::test]
async fn registering_from_the_picker_comes_back_to_the_form() {
    let db = TestDb::new().await;
    let app = support::app(&db);
    let mut b = Browser::logged_in(&db, &app, "yte", HA_KHANH, "health_staff").await;
    // What was typed lands in the field it looks like.
    let form = b
        .get(
            "/persons/new?full_name=pham%20van%20moi%201988&next=%2Ftesting&field=sample-person_id",
        )
        .await;
    assert!(
        form.body.contains("value=\"pham van moi\""),
        "{}",
        form.body
    );
    assert!(form.body.contains("value=\"1988\""), "{}", form.body);
    let by_phone = b.get("/persons/new?full_name=0987654321").await;
    assert!(
        by_phone.body.contains("value=\"0987654321\""),
        "{}",
        by_phone.body
    );
    // A foreign `next` is dropped.
    let foreign = b
        .get("/persons/new?full_name=x&next=%2F%2Fevil.example&field=a")
        .await;
    assert!(!foreign.body.contains("name=\"next\""), "{}", foreign.body);

    let csrf = form.csrf();
    let r = b
        .post(
            "/persons/new",
            &[
                ("_csrf", &csrf),
                ("full_name", "Phạm Văn Mới"),
                ("birth", "1988"),
                ("sex", "male"),
                ("commune_code", HA_KHANH),
                ("next", "/testing"),
                ("field", "sample-person_id"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.location();
    assert!(to.starts_with("/testing?picked="), "{to}");
    assert!(to.ends_with("&field=sample-person_id"), "{to}");
}

/// Issue 18 §1: units by name. A commune worker picks the hamlet from its
/// list; a district officer picks the commune from the district's list and
/// may type the hamlet's name (diacritics optional), which becomes its code;
/// a hamlet the commune does not have is refused, naming those it has.
#[tokio::test]
async fn hamlets_and_communes_are_chosen_by_name() {
    let db = TestDb::new().await;
    let hamlet = hamlet(&db).await;
    let app = support::app(&db);
    let mut commune = Browser::logged_in(&db, &app, "yte", HA_KHANH, "health_staff").await;
    let form = commune.get("/persons/new").await;
    assert!(
        form.body.contains(&format!(
            "<option value=\"{}\" title=\"{}\">Tổ 5 khu 3</option>",
            hamlet.code, hamlet.code
        )),
        "{}",
        form.body
    );
    assert!(
        form.body.contains("Phường Hà Khánh</option>"),
        "{}",
        form.body
    );

    // Hạ Long city (193): its communes, by name; the hamlet typed by name.
    let mut district = Browser::logged_in(&db, &app, "halong", "193", "health_staff").await;
    let form = district.get("/persons/new").await;
    assert!(
        form.body.contains("<optgroup label=\"Thành phố Hạ Long\">"),
        "{}",
        form.body
    );
    assert!(form.body.contains("— Chọn —"), "{}", form.body);
    // A cluster's unit too: by name, the district and its communes.
    let clusters = district.get("/clusters").await;
    assert!(
        clusters.body.contains(&format!(
            "<option value=\"{HA_KHANH}\" title=\"{HA_KHANH}\">Phường Hà Khánh</option>"
        )),
        "{}",
        clusters.body
    );
    assert!(
        clusters
            .body
            .contains("<option value=\"193\" title=\"193\" selected>Thành phố Hạ Long</option>"),
        "{}",
        clusters.body
    );
    let csrf = form.csrf();
    let person = |hamlet: &'static str| {
        [
            ("_csrf", csrf.clone()),
            ("full_name", "Lý Thị Hoa".to_owned()),
            ("birth", "1970".to_owned()),
            ("sex", "female".to_owned()),
            ("commune_code", HA_KHANH.to_owned()),
            ("hamlet_code", hamlet.to_owned()),
        ]
    };
    let fields = person("to 9");
    let r = district
        .post(
            "/persons/new",
            &fields.each_ref().map(|(k, v)| (*k, v.as_str())),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body
            .contains("Xã/phường không có thôn/tổ “to 9”. Có: Tổ 5 khu 3."),
        "{}",
        r.body
    );
    assert_eq!(db.rows("persons").await, 0);
    let fields = person("to 5 KHU 3");
    let r = district
        .post(
            "/persons/new",
            &fields.each_ref().map(|(k, v)| (*k, v.as_str())),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = district.get(r.location()).await;
    assert!(
        page.body.contains(&format!(
            "<span title=\"{}\">Tổ 5 khu 3</span>",
            hamlet.code
        )),
        "{}",
        page.body
    );
    assert!(page.body.contains(">Phường Hà Khánh</a>"), "{}", page.body);
}
