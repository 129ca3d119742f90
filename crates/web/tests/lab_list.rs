#![allow(clippy::unwrap_used)]
//! Issue 18 §2: a lab lands on its samples awaiting results — pools and lone
//! samples of its jurisdiction (a pooled sample is answered through its
//! pool), oldest first, narrowed to one lab, each row with its own result
//! form that comes back to the list. SQLite, or PostgreSQL when
//! PHONGDICH_TEST_POSTGRES is set.

mod support;

use support::{Browser, HA_KHANH, HA_PHONG};

use axum::http::StatusCode;
use phongdich_domain::Role;
use phongdich_store::testing::{TestDb, actor, person};
use phongdich_store::{PoolInput, SampleInput};

#[tokio::test]
async fn a_lab_sees_what_awaits_results_and_answers_row_by_row() {
    let db = TestDb::new().await;
    let s = &db.store;
    let today = phongdich_domain::Clock::system().today();
    let taken = (today - chrono::Days::new(2))
        .format("%d/%m/%Y")
        .to_string();
    let staff = actor(HA_KHANH, Role::HealthStaff);
    let a = person(s, "Đặng Văn Một", HA_KHANH).await;
    let b = person(s, "Đặng Thị Hai", HA_KHANH).await;
    let c = person(s, "Đặng Văn Ba", HA_KHANH).await;
    let pool = s
        .record_pool(
            &staff,
            &PoolInput {
                person_ids: vec![a, b],
                collected_on: taken.clone(),
                lab: "CDC Quảng Ninh".into(),
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
    let lone = s
        .record_sample(
            &staff,
            &SampleInput {
                person_id: c,
                collected_on: taken.clone(),
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
    // Next door, out of this lab's sight.
    let outside = person(s, "Đặng Văn Ngoài", HA_PHONG).await;
    let other = s
        .record_sample(
            &actor(HA_PHONG, Role::HealthStaff),
            &SampleInput {
                person_id: outside,
                collected_on: taken,
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();

    let app = support::app(&db);
    // The same list for a program: the whole count, the labs, a page.
    let token = support::token(&db, HA_KHANH, "lab_staff").await;
    let (status, v) = support::get(&app, "/api/v1/testing/awaiting?limit=1", &token).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 2, "{v}");
    assert_eq!(v["items"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["labs"], serde_json::json!(["CDC Quảng Ninh"]), "{v}");
    let mut lab = Browser::logged_in(&db, &app, "xetnghiem", HA_KHANH, "lab_staff").await;
    let list = lab.get("/testing/awaiting").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(
        list.body.contains("<span id=\"awaiting-total\">2</span>"),
        "{}",
        list.body
    );
    assert!(
        list.body.contains(&format!("data-code=\"{}\"", pool.code)),
        "{}",
        list.body
    );
    assert!(list.body.contains("Mẫu gộp 2 người"), "{}", list.body);
    assert!(
        list.body.contains(&format!("data-code=\"{}\"", lone.code)),
        "{}",
        list.body
    );
    assert!(list.body.contains("Đặng Văn Ba"), "{}", list.body);
    // The pool's members are answered through the pool, not listed alone.
    assert!(!list.body.contains("Đặng Văn Một"), "{}", list.body);
    assert!(!list.body.contains(&other.code), "{}", list.body);

    let one_lab = lab
        .get("/testing/awaiting?lab=CDC%20Qu%E1%BA%A3ng%20Ninh")
        .await;
    assert!(
        one_lab
            .body
            .contains("<span id=\"awaiting-total\">1</span>"),
        "{}",
        one_lab.body
    );
    assert!(one_lab.body.contains(&pool.code), "{}", one_lab.body);
    let unnamed = lab.get("/testing/awaiting?lab=-").await;
    assert!(
        unnamed
            .body
            .contains("<span id=\"awaiting-total\">1</span>"),
        "{}",
        unnamed.body
    );
    assert!(unnamed.body.contains(&lone.code), "{}", unnamed.body);

    // A row's own form: negative, and back to the list, one fewer.
    let csrf = list.csrf();
    let day = today.format("%d/%m/%Y").to_string();
    let r = lab
        .post(
            "/testing/results",
            &[
                ("_csrf", &csrf),
                ("code", &lone.code),
                ("back", "awaiting"),
                ("test_kind", "rt_pcr"),
                ("outcome", "negative"),
                ("resulted_on", &day),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/testing/awaiting?result=updated&n=1");
    let after = lab.get(r.location()).await;
    assert!(
        after.body.contains("<span id=\"awaiting-total\">1</span>"),
        "{}",
        after.body
    );
    assert!(
        after.body.contains("Đã lưu. 1 mẫu đã cập nhật."),
        "{}",
        after.body
    );
    assert!(
        !after.body.contains(&format!("data-code=\"{}\"", lone.code)),
        "{}",
        after.body
    );
}
