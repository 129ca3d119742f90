#![allow(clippy::unwrap_used)]
//! Crossing a jurisdiction (issue 16 §8), tried as a commune's tracer would:
//! a contact with a person of another commune found only by record number
//! (which could be guessed) made that person F1 there. The rule now: a
//! contact reaches outside the recorder's jurisdiction only with the other
//! person's national ID as well — what a tracer has who met them, and the
//! hand-over to the unit where they live; a record number alone is refused
//! exactly as a number nobody holds is. A national ID held by a record the
//! writer cannot see is refused without that record's number. SQLite, or
//! PostgreSQL when PHONGDICH_TEST_POSTGRES is set.

use phongdich_domain::contact::ContactInput;
use phongdich_domain::{PersonInput, Role};
use phongdich_store::testing::{HA_KHANH, HA_PHONG, TestDb, actor, person, today};
use phongdich_store::{Actor, CaseInput, Scope, StoreError};

// Quảng Ninh, Hạ Long: Hà Khánh and Hà Phong.
const BINH_ID: &str = "022090004321";

fn contact(a: i64, b: i64, national_id: &str) -> phongdich_domain::contact::NewContact {
    ContactInput {
        person_id: a,
        other_person_id: b,
        date: "28/08/2021".into(),
        setting: "workplace".into(),
        duration_min: Some(30),
        closed_space: true,
        other_national_id: national_id.into(),
        ..Default::default()
    }
    .parse(today())
    .unwrap()
}

fn refusal(e: StoreError) -> (String, String, String) {
    match e {
        StoreError::Invalid(i) => (
            i.0[0].field.clone(),
            i.0[0].message_vi.clone(),
            i.0[0].message_en.clone(),
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn binh(db: &TestDb) -> i64 {
    let input = PersonInput {
        full_name: "Lê Văn Bình".into(),
        birth: "1990".into(),
        sex: "nam".into(),
        national_id: BINH_ID.into(),
        commune_code: HA_PHONG.into(),
        ..Default::default()
    };
    db.store
        .create_person(&Actor::system("test"), &input.parse(today()).unwrap(), true)
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn a_contact_outside_the_commune_needs_the_persons_national_id() {
    let db = TestDb::new().await;
    let tracer = actor(HA_KHANH, Role::ContactTracer);
    let f0 = person(&db.store, "Nguyễn Văn An", HA_KHANH).await;
    db.store
        .confirm_case(
            &Actor::system("test"),
            &CaseInput::found_in_community(f0, "30/08/2021", "30/08/2021", "rt_pcr"),
            today(),
        )
        .await
        .unwrap();
    let binh = binh(&db).await;
    let contacts = || async { db.ints("SELECT COUNT(*) FROM contacts").await[0].unwrap() };

    // By record number alone: refused, exactly as a number nobody holds.
    let by_number = refusal(
        db.store
            .add_contact(&tracer, &contact(f0, binh, ""))
            .await
            .unwrap_err(),
    );
    let nobody = refusal(
        db.store
            .add_contact(&tracer, &contact(f0, 999_999, ""))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        by_number, nobody,
        "the refusal tells nothing of other units"
    );
    assert_eq!(by_number.0, "other_person_id");
    assert!(by_number.1.contains("CCCD") && by_number.2.contains("national ID"));
    // With a wrong national ID: the same.
    let wrong = refusal(
        db.store
            .add_contact(&tracer, &contact(f0, binh, "022090009999"))
            .await
            .unwrap_err(),
    );
    assert_eq!(wrong, nobody);
    assert_eq!(contacts().await, 0, "nothing written");
    let (binh_class, _) = db
        .store
        .person_class(&Scope::national(), binh)
        .await
        .unwrap();
    assert!(binh_class.is_none(), "Bình was not classed");

    // With his national ID: recorded, handed over — Bình is F1 in Hà Phong's lists.
    db.store
        .add_contact(&tracer, &contact(f0, binh, BINH_ID))
        .await
        .unwrap();
    assert_eq!(contacts().await, 1);
    let (class, _) = db
        .store
        .person_class(&Scope::national(), binh)
        .await
        .unwrap();
    assert_eq!(class.unwrap().level, 1);
    let handed = db.store.handed_over(&tracer.scope, f0).await.unwrap();
    assert_eq!(handed.get(&binh).map(|h| h.0.as_str()), Some(HA_PHONG));

    // Someone of the commune is reached by record number, as before.
    let neighbour = person(&db.store, "Trần Thị Cúc", HA_KHANH).await;
    db.store
        .add_contact(&tracer, &contact(f0, neighbour, ""))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_national_id_held_elsewhere_is_refused_without_naming_its_record() {
    let db = TestDb::new().await;
    let binh = binh(&db).await;
    let input = PersonInput {
        full_name: "Lê Bình".into(),
        birth: "1990".into(),
        sex: "nam".into(),
        national_id: BINH_ID.into(),
        commune_code: HA_KHANH.into(),
        ..Default::default()
    };
    let parsed = input.parse(today()).unwrap();
    // Hà Khánh cannot see Hà Phong's Bình: refused, his number not given.
    let ha_khanh = actor(HA_KHANH, Role::HealthStaff);
    match db.store.create_person(&ha_khanh, &parsed, true).await {
        Err(StoreError::DuplicateNationalId { existing_id }) => assert_eq!(existing_id, None),
        other => panic!("expected a duplicate national ID, got {other:?}"),
    }
    // The city (Hạ Long) sees both communes: the record is named.
    let city = actor("193", Role::HealthStaff);
    let parsed_in_city = PersonInput {
        commune_code: HA_KHANH.into(),
        ..input
    }
    .parse(today())
    .unwrap();
    match db.store.create_person(&city, &parsed_in_city, true).await {
        Err(StoreError::DuplicateNationalId { existing_id }) => assert_eq!(existing_id, Some(binh)),
        other => panic!("expected a duplicate national ID, got {other:?}"),
    }
}
