#![allow(clippy::unwrap_used)]
//! Daily health declarations and personal links through the store, on
//! SQLite or PostgreSQL: staff declare for a person, the person declares
//! through their own link, the day lists show who missed it and who has
//! symptoms; links expire, are revoked, and open nothing else.

use phongdich_domain::declaration::DeclarationInput;
use phongdich_domain::treatment::{Enrolment, Vitals};
use phongdich_domain::{PersonInput, Role};
use phongdich_store::testing::{HA_KHANH, HA_PHONG, TestDb, actor, create_person, d, person_input};
use phongdich_store::{
    Actor, AuditFilter, CaseInput, LinkAccess, LinkFor, OrderInput, Store, StoreError,
};

async fn person(s: &Store, name: &str) -> i64 {
    create_person(s, &person_input(name, "1990", "nữ", HA_KHANH), d(1, 8)).await
}

/// A home quarantine from 1 August 2021: 14 days, until the 14th.
async fn order(s: &Store, name: &str) -> i64 {
    let id = person(s, name).await;
    let input = OrderInput {
        person_id: id,
        situation: "from_epidemic_area".into(),
        start_on: "01/08/2021".into(),
        ..Default::default()
    };
    let o = s
        .create_order(&actor(HA_KHANH, Role::QuarantineStaff), &input)
        .await
        .unwrap();
    assert_eq!(
        (o.kind.as_str(), o.planned_end.as_str()),
        ("home", "2021-08-14")
    );
    o.id
}

fn declaration(temperature: f64, symptoms: &[&str]) -> DeclarationInput {
    DeclarationInput {
        temperature: Some(temperature),
        symptoms: symptoms.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn fields(e: StoreError) -> Vec<String> {
    match e {
        StoreError::Invalid(i) => i.0.into_iter().map(|e| e.field).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

#[tokio::test]
async fn declarations_fill_the_day_lists_and_a_second_one_replaces_the_first() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    let a = order(s, "Đỗ Thị Khai").await;
    let b = order(s, "Lò Văn Báo").await;

    let missed = s.missed_declarations(&staff.scope, d(5, 8)).await.unwrap();
    assert_eq!(missed.iter().map(|o| o.id).collect::<Vec<_>>(), [a, b]);

    let first = s
        .declare(&staff, a, &declaration(36.6, &[]), d(5, 8))
        .await
        .unwrap();
    assert!(!first.flagged);
    assert_eq!(
        (first.day.as_str(), first.recorded_by.as_str()),
        ("2021-08-05", staff.name.as_str())
    );
    let day = s
        .quarantine_day(&staff.scope, d(5, 8), phongdich_store::Paging::default())
        .await
        .unwrap();
    assert_eq!(
        day.missed_declaration
            .entries
            .iter()
            .map(|o| o.order_id)
            .collect::<Vec<_>>(),
        [b]
    );
    assert!(day.declared_symptoms.is_empty());

    // Later the same day: a fever and loss of smell. It replaces the first.
    let second = s
        .declare(
            &staff,
            a,
            &DeclarationInput {
                day: "05/08/2021".into(),
                contact_with_f0: true,
                note: "  đo lúc  chiều ".into(),
                ..declaration(38.04, &["loss_of_taste_smell", "fever"])
            },
            d(6, 8),
        )
        .await
        .unwrap();
    assert_eq!(second.id, first.id, "one declaration per order and day");
    assert_eq!(second.temperature, Some(38.0));
    assert_eq!(second.symptoms, ["fever", "loss_of_taste_smell"]);
    assert_eq!(second.note.as_deref(), Some("đo lúc chiều"));
    assert!(second.flagged && second.contact_with_f0);
    let list = s.declarations_of(&staff.scope, a).await.unwrap();
    assert_eq!(list.len(), 1);
    let day = s
        .quarantine_day(&staff.scope, d(5, 8), phongdich_store::Paging::default())
        .await
        .unwrap();
    assert_eq!(
        day.declared_symptoms
            .iter()
            .map(|x| x.person_id)
            .collect::<Vec<_>>(),
        [list[0].person_id]
    );
    // A fever alone flags too.
    s.declare(&staff, b, &declaration(37.5, &[]), d(5, 8))
        .await
        .unwrap();
    let day = s
        .quarantine_day(&staff.scope, d(5, 8), phongdich_store::Paging::default())
        .await
        .unwrap();
    assert_eq!(
        (
            day.declared_symptoms.len(),
            day.missed_declaration.total as usize
        ),
        (2, 0)
    );

    let audit = s
        .audit_entries(
            &Actor::system("test"),
            &AuditFilter {
                entity: Some("health_declaration".into()),
                entity_id: Some(first.id.to_string()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["update", "create"]);
    assert_eq!(audit[0].before.as_ref().unwrap()["temperature"], 36.6);
    assert_eq!(audit[0].after.as_ref().unwrap()["temperature"], 38.0);

    // Days outside the order are not counted; neither are self-monitoring orders.
    assert!(
        s.missed_declarations(&staff.scope, d(15, 8))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.missed_declarations(&staff.scope, d(31, 7))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_declaration_is_checked_field_by_field() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    let a = order(s, "Mạc Văn Đo").await;
    let bad = DeclarationInput {
        day: "20/08/2021".into(),
        symptoms: vec!["headache".into()],
        ..declaration(33.0, &[])
    };
    let e = s.declare(&staff, a, &bad, d(25, 8)).await.unwrap_err();
    assert_eq!(fields(e), ["day", "temperature", "symptoms"]);
    let future = DeclarationInput {
        day: "07/08/2021".into(),
        ..declaration(36.5, &[])
    };
    let e = s.declare(&staff, a, &future, d(6, 8)).await.unwrap_err();
    assert_eq!(fields(e), ["day"]);
    let e = s
        .declare(&staff, a, &declaration(43.6, &[]), d(6, 8))
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["temperature"]);
    assert!(s.declarations_of(&staff.scope, a).await.unwrap().is_empty());
}

#[tokio::test]
async fn only_staff_of_the_order_s_unit_declare_and_make_links() {
    let db = TestDb::new().await;
    let s = &db.store;
    let a = order(s, "Vương Thị Xa").await;
    let neighbour = actor(HA_PHONG, Role::QuarantineStaff);
    let e = s
        .declare(&neighbour, a, &declaration(36.5, &[]), d(5, 8))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");
    let e = s
        .create_link(&neighbour, LinkFor::Order(a), "", d(5, 8))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");
    let e = s.declarations_of(&neighbour.scope, a).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");
    let viewer = actor(HA_KHANH, Role::Viewer);
    let e = s
        .declare(&viewer, a, &declaration(36.5, &[]), d(5, 8))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    let e = s
        .create_link(&viewer, LinkFor::Order(a), "", d(5, 8))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");

    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    let link = s
        .create_link(&staff, LinkFor::Order(a), "", d(5, 8))
        .await
        .unwrap();
    let e = s
        .revoke_link(&neighbour, link.link.id, d(5, 8))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");
    // The district sees the commune's links.
    let district = actor("193", Role::QuarantineStaff);
    assert_eq!(
        s.personal_link(&district.scope, link.link.id, d(5, 8))
            .await
            .unwrap()
            .status,
        "active"
    );
}

#[tokio::test]
async fn a_person_declares_through_their_link_until_it_expires_or_is_revoked() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    let a = order(s, "Đinh Thị Hoà").await;
    let b = order(s, "Hà Văn Bên").await;
    let e = s
        .create_link(&staff, LinkFor::Order(a), "0912 ab", d(5, 8))
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["contact_phone"]);
    let new = s
        .create_link(&staff, LinkFor::Order(a), "0203 3825 123", d(5, 8))
        .await
        .unwrap();
    assert_eq!((new.token.len(), new.code.len()), (64, 8));
    assert_eq!(new.link.valid_until.as_deref(), Some("2021-08-15"));

    // The link, and the code however typed, open the same page: given name only.
    let LinkAccess::Open(page) = s.open_link(&new.token, "10.0.0.1", d(5, 8)).await.unwrap() else {
        panic!("the link works");
    };
    assert_eq!(page.given_name, "Hoà");
    assert_eq!(page.contact_phone.as_deref(), Some("02033825123"));
    let o = page.order.as_ref().unwrap();
    assert_eq!((o.id, o.today.is_none()), (a, true));
    let typed = format!("{}-{}", &new.code[..4].to_lowercase(), &new.code[4..]);
    let LinkAccess::Open(by_code) = s.open_link(&typed, "10.0.0.1", d(5, 8)).await.unwrap() else {
        panic!("the code works");
    };
    assert_eq!(by_code.link_id, page.link_id);

    // The declaration is for today and for the link's own order only.
    let made = s
        .declare_by_link(
            &new.token,
            "10.0.0.1",
            &DeclarationInput {
                day: "01/08/2021".into(),
                ..declaration(36.7, &["cough"])
            },
            d(5, 8),
        )
        .await
        .unwrap();
    assert_eq!((made.order_id, made.day.as_str()), (a, "2021-08-05"));
    assert_eq!(made.recorded_by, format!("link:{}", new.link.id));
    assert!(made.flagged);
    let missed = s.missed_declarations(&staff.scope, d(5, 8)).await.unwrap();
    assert_eq!(missed.iter().map(|o| o.id).collect::<Vec<_>>(), [b]);
    let LinkAccess::Open(page) = s.open_link(&new.token, "10.0.0.1", d(5, 8)).await.unwrap() else {
        panic!()
    };
    assert!(
        page.order.unwrap().today.is_some(),
        "today's status: declared"
    );
    let audit = s
        .audit_entries(
            &Actor::system("test"),
            &AuditFilter {
                entity: Some("health_declaration".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (audit[0].actor.as_str(), audit[0].source.as_str()),
        (made.recorded_by.as_str(), "10.0.0.1")
    );

    // The day after the last day still opens (to finish the last day); not later.
    assert!(matches!(
        s.open_link(&new.token, "10.0.0.1", d(15, 8)).await.unwrap(),
        LinkAccess::Open(_)
    ));
    match s.open_link(&new.token, "10.0.0.1", d(16, 8)).await.unwrap() {
        LinkAccess::Expired { ended_on } => assert_eq!(ended_on.as_deref(), Some("2021-08-14")),
        other => panic!("expired: {other:?}"),
    }
    let e = s
        .declare_by_link(&new.token, "10.0.0.1", &declaration(36.5, &[]), d(16, 8))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Unauthorized { .. }), "{e:?}");

    // A new link replaces the old one; a revoked link opens nothing.
    let newer = s
        .create_link(&staff, LinkFor::Order(a), "", d(6, 8))
        .await
        .unwrap();
    assert!(matches!(
        s.open_link(&new.token, "10.0.0.1", d(6, 8)).await.unwrap(),
        LinkAccess::Revoked
    ));
    let revoked = s.revoke_link(&staff, newer.link.id, d(6, 8)).await.unwrap();
    assert_eq!(revoked.status, "revoked");
    assert!(matches!(
        s.open_link(&newer.code, "10.0.0.1", d(6, 8)).await.unwrap(),
        LinkAccess::Revoked
    ));
    let links = s
        .links_of(&staff.scope, made.person_id, d(6, 8))
        .await
        .unwrap();
    assert_eq!(
        links.iter().map(|l| l.status.as_str()).collect::<Vec<_>>(),
        ["revoked", "revoked"]
    );
}

#[tokio::test]
async fn wrong_codes_are_throttled_by_address() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    let a = order(s, "Lục Thị Mã").await;
    let new = s
        .create_link(&staff, LinkFor::Order(a), "", d(5, 8))
        .await
        .unwrap();
    for _ in 0..20 {
        let e = s
            .open_link("2345-6789", "10.0.0.9", d(5, 8))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");
    }
    let e = s
        .open_link(&new.code, "10.0.0.9", d(5, 8))
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Unauthorized { .. }),
        "even the right code waits: {e:?}"
    );
    // Another address, and the full link, still work.
    assert!(matches!(
        s.open_link(&new.code, "10.0.0.10", d(5, 8)).await.unwrap(),
        LinkAccess::Open(_)
    ));
    assert!(matches!(
        s.open_link(&new.token, "10.0.0.9", d(5, 8)).await.unwrap(),
        LinkAccess::Open(_)
    ));
}

#[tokio::test]
async fn an_f0_at_home_records_vital_signs_through_their_link_and_raises_an_alert() {
    let db = TestDb::new().await;
    let s = &db.store;
    let on = d(20, 9);
    let system = Actor::system("test");
    let input = PersonInput {
        full_name: "Triệu Văn Thở".into(),
        birth: "1985".into(),
        sex: "nam".into(),
        commune_code: HA_KHANH.into(),
        ..Default::default()
    };
    let id = s
        .create_person(&system, &input.parse(on).unwrap(), true)
        .await
        .unwrap()
        .id;
    let case = CaseInput::found_in_community(id, "19/09/2021", "19/09/2021", "rt_pcr");
    s.confirm_case(&system, &case, on).await.unwrap();
    let nurse = actor(HA_KHANH, Role::HealthStaff);
    let t = s
        .enrol_home_treatment(
            &nurse,
            id,
            &Enrolment {
                age_years: 36,
                mild_or_no_symptoms: true,
                breathing_rate: 18,
                spo2: 97,
                doses: 2,
                can_self_care_and_call: true,
                ..Default::default()
            },
            on,
        )
        .await
        .unwrap();
    // Quarantine staff cannot make a treatment's link.
    let e = s
        .create_link(
            &actor(HA_KHANH, Role::QuarantineStaff),
            LinkFor::Treatment(t.id),
            "",
            on,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    let link = s
        .create_link(&nurse, LinkFor::Treatment(t.id), "", on)
        .await
        .unwrap();
    assert_eq!(
        link.link.valid_until, None,
        "open while the treatment goes on"
    );
    let e = s
        .declare_by_link(&link.token, "10.0.0.2", &declaration(36.5, &[]), on)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");

    let e = s
        .record_vitals_by_link(&link.token, "10.0.0.2", &Vitals::default(), on)
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["spo2"], "the staff's rules");
    let v = s
        .record_vitals_by_link(
            &link.token,
            "10.0.0.2",
            &Vitals {
                spo2: Some(93),
                breathing_rate: Some(19),
                ..Default::default()
            },
            on,
        )
        .await
        .unwrap();
    assert_eq!(v.signs, ["spo2"]);
    assert_eq!(v.recorded_by, format!("link:{}", link.link.id));
    let alerts = s.treatment_alerts(&nurse.scope).await.unwrap();
    assert_eq!((alerts.len(), alerts[0].status.as_str()), (1, "open"));
    assert_eq!(Some(alerts[0].id), v.alert_id);
}
