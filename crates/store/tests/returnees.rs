#![allow(clippy::unwrap_used)]
//! Returnees through the store, on SQLite or PostgreSQL: a registration
//! matched to the registry, scanned at a checkpoint (once per idempotency
//! key), confirmed home by the commune with the quarantine order Quảng Ninh's
//! rule of 18/10/2021 gives, and every crossing refused.

use chrono::{NaiveDate, TimeZone, Utc};
use phongdich_domain::returnees::{Obligation, RegistrationInput, Status};
use phongdich_domain::{Clock, PersonInput, Role};
use phongdich_store::testing::{HA_KHANH, HA_LONG, HA_NOI, PHUC_XA, QUANG_NINH, TestDb, actor};
use phongdich_store::{AreaInput, Registered, ScanInput, Store, StoreError};

fn day(d: u32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, m, d).unwrap()
}

/// 25/10/2021, 09:00 in Vietnam.
async fn db() -> TestDb {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 10, 25, 2, 0, 0).unwrap();
    db.store = db.store.clone().with_clock(Clock::fixed(at));
    db
}

fn trip(name: &str, cccd: &str, origin: &str) -> RegistrationInput {
    RegistrationInput {
        person: PersonInput {
            full_name: name.into(),
            birth: "1990".into(),
            sex: "male".into(),
            national_id: cccd.into(),
            phone: "0912345678".into(),
            commune_code: HA_KHANH.into(),
            street_address: "Tổ 3, khu 5".into(),
            ..Default::default()
        },
        origin_code: origin.into(),
        origin_address: "Số 1 Phúc Xá".into(),
        departure_on: "24/10/2021".into(),
        arrival_on: "25/10/2021".into(),
        means: "own_vehicle".into(),
        ..Default::default()
    }
}

/// Hà Nội on Quảng Ninh's list from 01/10/2021 until further notice.
async fn hanoi_listed(s: &Store) {
    let province = actor(QUANG_NINH, Role::Admin);
    s.add_epidemic_area(
        &province,
        &AreaInput {
            unit_code: HA_NOI.into(),
            from_on: "01/10/2021".into(),
            until_on: String::new(),
            decision: "Thông báo 12/TB-BCĐ".into(),
        },
    )
    .await
    .unwrap();
}

async fn register(s: &Store, input: &RegistrationInput) -> Registered {
    s.register_returnee(&actor(HA_KHANH, Role::HealthStaff), input, "officer")
        .await
        .unwrap()
}

fn scan(code: &str, key: &str, rapid: &str) -> ScanInput {
    ScanInput {
        code: code.into(),
        checkpoint: "Chốt Km 3 QL18".into(),
        idempotency_key: key.into(),
        rapid_result: rapid.into(),
    }
}

fn field_of(e: &StoreError) -> Vec<String> {
    match e {
        StoreError::Invalid(i) => i.0.iter().map(|f| f.field.clone()).collect(),
        other => panic!("expected invalid fields, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unvaccinated_arrival_from_hanoi_gets_home_quarantine_from_the_day_through_the_checkpoint()
 {
    let db = db().await;
    let s = &db.store;
    hanoi_listed(s).await;
    let reg = register(s, &trip("Trần Văn Về", "022090001234", PHUC_XA)).await;
    assert_eq!(reg.matched, "created");
    assert_eq!(reg.registration.status, Status::Registered);
    assert_eq!(reg.registration.commune_name, "Phường Hà Khánh");
    // Quảng Ninh, 18/10/2021: not fully vaccinated — home quarantine 14
    // days, tests on days 1, 7 and 14.
    let Obligation::Order { rule, plan, area } = &reg.obligation else {
        panic!("from Hà Nội: an order, got {:?}", reg.obligation);
    };
    assert_eq!(rule.code, "qn-2021-10-18-area");
    assert_eq!(area.unit_code, HA_NOI);
    assert_eq!(plan.test_days, [day(25, 10), day(31, 10), day(7, 11)]);

    // The checkpoint: first scan arrives, a second scan says "again", the
    // same scan re-sent records nothing.
    let officer = actor(QUANG_NINH, Role::CheckpointOfficer);
    let code = reg.registration.code.to_lowercase();
    let first = s
        .scan_returnee(&officer, &scan(&code, "dev1-0001", "negative"))
        .await
        .unwrap();
    assert_eq!(first.outcome, "arrived");
    assert_eq!(first.registration.status, Status::Checked);
    assert_eq!(
        first.registration.checkpoint_result.as_deref(),
        Some("negative")
    );
    let replay = s
        .scan_returnee(&officer, &scan(&code, "dev1-0001", "negative"))
        .await
        .unwrap();
    assert_eq!(replay.outcome, "replayed");
    let again = s
        .scan_returnee(&officer, &scan(&code, "dev2-0001", ""))
        .await
        .unwrap();
    assert_eq!(again.outcome, "again");
    assert_eq!(db.rows("checkpoint_scans").await, 2);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM samples").await,
        0,
        "a negative rapid test stays on the scan"
    );

    // The commune confirms the person home: the order counts from the day
    // through the checkpoint.
    let commune = actor(HA_KHANH, Role::HealthStaff);
    let (home, order) = s
        .confirm_returnee_home(&commune, reg.registration.id, day(25, 10))
        .await
        .unwrap();
    assert_eq!(home.status, Status::Home);
    let order = order.expect("an order for an arrival from an epidemic area");
    assert_eq!(home.order_id, Some(order.id));
    assert_eq!(order.kind.as_str(), "home");
    assert_eq!(order.test_days, ["2021-10-25", "2021-10-31", "2021-11-07"]);
    assert_eq!(order.planned_end.as_str(), "2021-11-07");
    let twice = s
        .confirm_returnee_home(&commune, reg.registration.id, day(25, 10))
        .await
        .unwrap_err();
    assert!(matches!(twice, StoreError::Conflict { .. }), "{twice:?}");
    // Audited: create, arrive, scan, home.
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'returnee'")
            .await,
        4
    );
}

/// The province's list and rules are kept in memory for the scans' answers
/// (`ArrivalRulesCache`): a change is in the very next answer.
#[tokio::test]
async fn what_a_scan_answers_follows_the_list_and_the_rules_the_moment_they_change() {
    let db = db().await;
    let s = &db.store;
    hanoi_listed(s).await;
    let reg = register(s, &trip("Đỗ Văn Quét", "022090002468", PHUC_XA)).await;
    let officer = actor(QUANG_NINH, Role::CheckpointOfficer);
    let code = reg.registration.code.clone();
    let test_days = |o: &Obligation| match o {
        Obligation::Order { plan, .. } => plan.test_days.clone(),
        other => panic!("an order, got {other:?}"),
    };
    let first = s
        .scan_returnee(&officer, &scan(&code, "k-1", "negative"))
        .await
        .unwrap();
    assert_eq!(
        test_days(&first.obligation),
        [day(25, 10), day(31, 10), day(7, 11)]
    );

    // The province revises its rule: tests on days 1 and 5 only.
    let province = actor(QUANG_NINH, Role::Admin);
    let mut rule = s
        .quarantine_rules(QUANG_NINH)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.code == "qn-2021-10-18-area")
        .unwrap();
    rule.test_days = vec![1, 5];
    s.save_province_rule(&province, &rule).await.unwrap();
    let second = s
        .scan_returnee(&officer, &scan(&code, "k-2", ""))
        .await
        .unwrap();
    assert_eq!(second.outcome, "again");
    assert_eq!(test_days(&second.obligation), [day(25, 10), day(29, 10)]);

    // Hà Nội taken off the list from before the departure: nothing to do.
    let area = s.epidemic_areas(QUANG_NINH).await.unwrap()[0].id;
    s.end_epidemic_area(&province, area, "20/10/2021")
        .await
        .unwrap();
    let third = s
        .scan_returnee(&officer, &scan(&code, "k-3", ""))
        .await
        .unwrap();
    assert_eq!(third.obligation, Obligation::None);
}

#[tokio::test]
async fn a_fully_vaccinated_arrival_self_monitors_and_one_from_a_listed_district_only_if_it_was_listed_at_departure()
 {
    let db = db().await;
    let s = &db.store;
    hanoi_listed(s).await;
    let mut vaccinated = trip("Lê Thị Hai Mũi", "022190004321", PHUC_XA);
    vaccinated.person.sex = "female".into();
    vaccinated.doses = 2;
    vaccinated.last_dose_on = "01/09/2021".into();
    let reg = register(s, &vaccinated).await;
    let Obligation::Order { rule, plan, .. } = &reg.obligation else {
        panic!("{:?}", reg.obligation);
    };
    assert_eq!(rule.code, "qn-2021-10-18-area-protected");
    assert_eq!(plan.test_days, [day(25, 10), day(31, 10)]);

    // Hải Phòng (31) is not on the list: no order, and confirming home makes none.
    let free = register(s, &trip("Phạm Văn Tự Do", "022090005555", "31")).await;
    assert_eq!(free.obligation, Obligation::None);
    let commune = actor(HA_KHANH, Role::HealthStaff);
    let (_, order) = s
        .confirm_returnee_home(&commune, free.registration.id, day(25, 10))
        .await
        .unwrap();
    assert!(order.is_none());
    assert_eq!(db.rows("quarantine_orders").await, 0);

    // An area listed from 26/10 does not reach a departure of 24/10.
    let province = actor(QUANG_NINH, Role::Admin);
    s.add_epidemic_area(
        &province,
        &AreaInput {
            unit_code: "26".into(),
            from_on: "26/10/2021".into(),
            until_on: String::new(),
            decision: "Thông báo 13/TB-BCĐ".into(),
        },
    )
    .await
    .unwrap();
    let early = register(s, &trip("Vĩnh Phúc Sớm", "022090006666", "26")).await;
    assert_eq!(early.obligation, Obligation::None);

    // Đồng Nai listed after a registration, from before its departure: at
    // home the order follows the list as it stands, and the registration
    // says it came from an epidemic area.
    let late = register(s, &trip("Đồng Nai Muộn", "022090007777", "75")).await;
    assert_eq!(
        (late.obligation.clone(), late.registration.area_id),
        (Obligation::None, None)
    );
    s.add_epidemic_area(
        &province,
        &AreaInput {
            unit_code: "75".into(),
            from_on: "20/10/2021".into(),
            until_on: String::new(),
            decision: "Thông báo 14/TB-BCĐ".into(),
        },
    )
    .await
    .unwrap();
    let (home, order) = s
        .confirm_returnee_home(&commune, late.registration.id, day(25, 10))
        .await
        .unwrap();
    assert!(order.is_some());
    assert!(home.area_id.is_some());
}

#[tokio::test]
async fn the_registry_is_matched_and_a_trip_is_not_registered_twice() {
    let db = db().await;
    let s = &db.store;
    hanoi_listed(s).await;
    let first = register(s, &trip("Trần Văn Về", "022090001234", PHUC_XA)).await;
    assert_eq!(first.matched, "created");
    // The same CCCD another day: the same person.
    let mut later = trip("Trần Văn Về", "022090001234", PHUC_XA);
    later.departure_on = "26/10/2021".into();
    later.arrival_on = "27/10/2021".into();
    let second = register(s, &later).await;
    assert_eq!(second.matched, "national_id");
    assert_eq!(second.registration.person_id, first.registration.person_id);
    assert_eq!(db.rows("persons").await, 1);
    // The same trip again: refused, naming the first code.
    let e = s
        .register_returnee(
            &actor(HA_KHANH, Role::HealthStaff),
            &trip("Trần Văn Về", "022090001234", PHUC_XA),
            "officer",
        )
        .await
        .unwrap_err();
    match &e {
        StoreError::Conflict { message_en, .. } => {
            assert!(
                message_en.contains(&first.registration.code),
                "{message_en}"
            )
        }
        other => panic!("{other:?}"),
    }
    // Travelling together: the group is the first registration's.
    let mut wife = trip("Nguyễn Thị Vợ", "022190001111", PHUC_XA);
    wife.person.sex = "female".into();
    wife.travels_with = first.registration.code.clone();
    let w = register(s, &wife).await;
    assert_eq!(w.registration.group_code, first.registration.code);
    // A code that does not resolve is an error, never a registration alone.
    let mut stray = trip("Người Lạc", "022090009999", PHUC_XA);
    stray.travels_with = phongdich_domain::returnees::code_from(42);
    let e = s
        .register_returnee(&actor(HA_KHANH, Role::HealthStaff), &stray, "officer")
        .await
        .unwrap_err();
    assert_eq!(field_of(&e), ["travels_with"]);
    assert_eq!(
        db.rows("returnee_registrations").await,
        3,
        "nothing half-written"
    );
}

#[tokio::test]
async fn bad_trips_and_units_are_refused_with_their_fields() {
    let db = db().await;
    let s = &db.store;
    let officer = actor(HA_KHANH, Role::HealthStaff);
    let mut back = trip("Ngược Ngày", "022090001234", PHUC_XA);
    back.arrival_on = "20/10/2021".into();
    let e = s
        .register_returnee(&officer, &back, "officer")
        .await
        .unwrap_err();
    assert_eq!(field_of(&e), ["arrival_on"]);
    let inside = trip("Trong Tỉnh", "022090001234", HA_LONG);
    let e = s
        .register_returnee(&officer, &inside, "officer")
        .await
        .unwrap_err();
    assert_eq!(field_of(&e), ["origin_code"]);
    let nowhere = trip("Không Nơi", "022090001234", "99999");
    let e = s
        .register_returnee(&officer, &nowhere, "officer")
        .await
        .unwrap_err();
    assert_eq!(field_of(&e), ["origin_code"]);
    // A commune registers only people coming to it.
    let other = actor("06652", Role::HealthStaff);
    let e = s
        .register_returnee(&other, &trip("Sai Xã", "022090001234", PHUC_XA), "officer")
        .await
        .unwrap_err();
    assert_eq!(field_of(&e), ["commune_code"]);
    assert_eq!(db.rows("returnee_registrations").await, 0);
    assert_eq!(
        db.rows("persons").await,
        0,
        "no person left behind by a refused registration"
    );
    // Overlapping entries of the province's list are refused.
    hanoi_listed(s).await;
    let e = s
        .add_epidemic_area(
            &actor(QUANG_NINH, Role::Admin),
            &AreaInput {
                unit_code: HA_NOI.into(),
                from_on: "10/10/2021".into(),
                until_on: "20/10/2021".into(),
                decision: "trùng".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(field_of(&e), ["from_on"]);
    // A commune's account keeps no province's list.
    let e = s
        .add_epidemic_area(
            &actor(HA_KHANH, Role::HealthStaff),
            &AreaInput {
                unit_code: "31".into(),
                from_on: "10/10/2021".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
}

#[tokio::test]
async fn checkpoints_cannot_cross_jurisdiction_or_pass_cancelled_codes() {
    let db = db().await;
    let s = &db.store;
    hanoi_listed(s).await;
    let reg = register(s, &trip("Trần Văn Về", "022090001234", PHUC_XA)).await;
    let code = reg.registration.code.clone();
    // Hà Nội's checkpoint does not see Quảng Ninh's registrations.
    let hanoi = actor(HA_NOI, Role::CheckpointOfficer);
    let e = s
        .scan_returnee(&hanoi, &scan(&code, "k1", ""))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
    assert_eq!(db.rows("checkpoint_scans").await, 0);
    // A checkpoint officer cannot register or confirm.
    let officer = actor(QUANG_NINH, Role::CheckpointOfficer);
    let e = s
        .register_returnee(&officer, &trip("X", "022090001235", PHUC_XA), "officer")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    let e = s
        .confirm_returnee_home(&officer, reg.registration.id, day(25, 10))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    // Another commune cannot see, confirm or cancel it.
    let other = actor("06652", Role::HealthStaff);
    let e = s
        .returnee(&other.scope, reg.registration.id)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");
    let e = s
        .cancel_returnee(&other, reg.registration.id, "nhầm")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");
    // A typo in the code: the check symbol catches it.
    let mut typo: Vec<char> = code.chars().collect();
    typo[3] = if typo[3] == '7' { '8' } else { '7' };
    let typo: String = typo.into_iter().collect();
    let e = s
        .scan_returnee(&officer, &scan(&typo, "k2", ""))
        .await
        .unwrap_err();
    assert_eq!(field_of(&e), ["code"]);
    // Cancelled: the checkpoint is told, nothing recorded.
    let commune = actor(HA_KHANH, Role::HealthStaff);
    let c = s
        .cancel_returnee(&commune, reg.registration.id, "không về nữa")
        .await
        .unwrap();
    assert_eq!(c.status, Status::Cancelled);
    let e = s
        .scan_returnee(&officer, &scan(&code, "k3", ""))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
    assert_eq!(db.rows("checkpoint_scans").await, 0);
    // Cancelled, the trip may be registered again.
    let again = register(s, &trip("Trần Văn Về", "022090001234", PHUC_XA)).await;
    assert_ne!(again.registration.code, code);
}

#[tokio::test]
async fn a_positive_rapid_test_at_the_checkpoint_enters_the_testing_flow_once() {
    let db = db().await;
    let s = &db.store;
    hanoi_listed(s).await;
    let reg = register(s, &trip("Trần Văn Dương", "022090001234", PHUC_XA)).await;
    let officer = actor(QUANG_NINH, Role::CheckpointOfficer);
    // Through first, tested after: the positive comes with the second scan.
    let first = s
        .scan_returnee(&officer, &scan(&reg.registration.code, "p0", ""))
        .await
        .unwrap();
    assert_eq!(first.outcome, "arrived");
    assert_eq!(
        first.registration.phone, None,
        "a checkpoint does not read phones"
    );
    assert_eq!(db.rows("samples").await, 0);
    let out = s
        .scan_returnee(&officer, &scan(&reg.registration.code, "p1", "positive"))
        .await
        .unwrap();
    assert_eq!(out.outcome, "again");
    assert!(out.registration.checkpoint_sample_id.is_some());
    assert_eq!(db.rows("samples").await, 1);
    let replay = s
        .scan_returnee(&officer, &scan(&reg.registration.code, "p1", "positive"))
        .await
        .unwrap();
    assert_eq!(replay.outcome, "replayed");
    assert_eq!(
        db.rows("samples").await,
        1,
        "a re-sent scan makes no second sample"
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM test_results WHERE outcome = 'positive'")
            .await,
        1
    );
}

#[tokio::test]
async fn the_handover_lists_the_day_and_the_overdue_within_the_commune() {
    let db = db().await;
    let s = &db.store;
    hanoi_listed(s).await;
    let today = register(s, &trip("Hôm Nay", "022090001234", PHUC_XA)).await;
    let mut early = trip("Hôm Qua", "022090002222", PHUC_XA);
    early.departure_on = "23/10/2021".into();
    early.arrival_on = "24/10/2021".into();
    let early = register(s, &early).await;
    let commune = actor(HA_KHANH, Role::HealthStaff);
    let h = s
        .returnee_handover(&commune.scope, day(25, 10))
        .await
        .unwrap();
    assert_eq!(
        h.arriving.iter().map(|r| r.id).collect::<Vec<_>>(),
        [today.registration.id]
    );
    assert_eq!(
        h.overdue.iter().map(|r| r.id).collect::<Vec<_>>(),
        [early.registration.id]
    );
    let other = actor("06652", Role::HealthStaff);
    let h = s
        .returnee_handover(&other.scope, day(25, 10))
        .await
        .unwrap();
    assert!(h.arriving.is_empty() && h.overdue.is_empty());
    s.confirm_returnee_home(&commune, early.registration.id, day(25, 10))
        .await
        .unwrap();
    let h = s
        .returnee_handover(&commune.scope, day(25, 10))
        .await
        .unwrap();
    assert!(h.overdue.is_empty());
}

/// What the test did to one registration, kept by the test itself: the
/// oracle the figures are checked against.
struct Done {
    arrival: NaiveDate,
    from_area: bool,
    unvaccinated: bool,
    origin_province: &'static str,
    checked: Option<NaiveDate>,
    positive: bool,
    home: Option<NaiveDate>,
    cancelled: Option<NaiveDate>,
}

/// 10:00 in Vietnam on `d`.
fn at(d: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(3, 0, 0).unwrap())
}

#[tokio::test]
async fn the_figures_of_every_period_agree_with_a_count_of_what_happened() {
    let mut db = TestDb::new().await;
    let clock = Clock::fixed(at(day(15, 10)));
    db.store = db.store.clone().with_clock(clock.clone());
    let s = &db.store;
    hanoi_listed(s).await;
    let commune = actor(HA_KHANH, Role::HealthStaff);
    let officer = actor(QUANG_NINH, Role::CheckpointOfficer);
    let origins = [
        (PHUC_XA, HA_NOI, true),
        ("31", "31", false),
        ("79", "79", false),
    ];
    let mut done = Vec::new();
    let mut ids = Vec::new();
    for i in 0..30u32 {
        let arrival = day(20 + i % 10, 10);
        let (origin, province, listed) = origins[(i % 3) as usize];
        let mut t = trip(
            &format!(
                "Người Về {}",
                ["An", "Bình", "Cường", "Dũng", "Giang", "Hải"][(i % 6) as usize]
            ),
            &format!("022090{:06}", 500 + i),
            origin,
        );
        t.person.full_name = format!(
            "{} Văn {}",
            ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng"][(i % 5) as usize],
            ["An", "Bình", "Cường", "Dũng", "Giang", "Hải"][(i / 5) as usize]
        );
        t.departure_on = (arrival - chrono::Days::new(1))
            .format("%d/%m/%Y")
            .to_string();
        t.arrival_on = arrival.format("%d/%m/%Y").to_string();
        let unvaccinated = i % 4 == 0;
        if !unvaccinated {
            t.doses = 2;
            t.last_dose_on = "01/09/2021".into();
        }
        let r = register(s, &t).await;
        ids.push(r.registration.id);
        done.push(Done {
            arrival,
            from_area: listed,
            unvaccinated,
            origin_province: province,
            checked: None,
            positive: false,
            home: None,
            cancelled: None,
        });
    }
    // Events in time order, the clock moved to each.
    let mut events: Vec<(NaiveDate, usize, u32)> = Vec::new();
    for (k, d) in done.iter().enumerate() {
        match k % 5 {
            0 => {}
            1 => events.push((d.arrival, k, 1)),
            2 => {
                events.push((d.arrival, k, 1));
                events.push((d.arrival + chrono::Days::new(1), k, 2));
            }
            3 => events.push((d.arrival + chrono::Days::new(2), k, 2)),
            _ => events.push((d.arrival - chrono::Days::new(1), k, 3)),
        }
    }
    events.sort();
    for (on, k, what) in events {
        clock.set(at(on));
        match what {
            1 => {
                let positive = k % 7 == 1;
                let code = s.returnee(&commune.scope, ids[k]).await.unwrap().code;
                s.scan_returnee(
                    &officer,
                    &scan(
                        &code,
                        &format!("k{k}"),
                        if positive { "positive" } else { "negative" },
                    ),
                )
                .await
                .unwrap();
                done[k].checked = Some(on);
                done[k].positive = positive;
            }
            2 => {
                s.confirm_returnee_home(&commune, ids[k], on).await.unwrap();
                done[k].home = Some(on);
            }
            _ => {
                s.cancel_returnee(&commune, ids[k], "không về")
                    .await
                    .unwrap();
                done[k].cancelled = Some(on);
            }
        }
    }
    clock.set(at(day(5, 11)));
    let first = day(18, 10);
    for a in 0..16u64 {
        for b in a..16u64 {
            let (from, to) = (first + chrono::Days::new(a), first + chrono::Days::new(b));
            let within = |x: Option<NaiveDate>| x.is_some_and(|x| from <= x && x <= to);
            let live = |d: &Done| d.cancelled.is_none_or(|c| c > to);
            let arriving: Vec<&Done> = done
                .iter()
                .filter(|d| within(Some(d.arrival)) && live(d))
                .collect();
            let count = |f: &dyn Fn(&Done) -> bool| done.iter().filter(|d| f(d)).count() as i64;
            let got = s.returnee_figures(&commune.scope, from, to).await.unwrap();
            let mut by_origin: Vec<(String, i64)> = Vec::new();
            for d in &arriving {
                match by_origin.iter_mut().find(|o| o.0 == d.origin_province) {
                    Some(o) => o.1 += 1,
                    None => by_origin.push((d.origin_province.to_owned(), 1)),
                }
            }
            by_origin.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            let expected = (
                arriving.len() as i64,
                arriving.iter().filter(|d| d.from_area).count() as i64,
                arriving.iter().filter(|d| d.unvaccinated).count() as i64,
                count(&|d| within(d.checked)),
                count(&|d| within(d.checked) && d.positive),
                count(&|d| within(d.home)),
                // Everyone from Hà Nội (listed) gets an order once home.
                count(&|d| within(d.home) && d.from_area),
                count(&|d| d.arrival < to && d.home.is_none_or(|h| h > to) && live(d)),
                by_origin,
            );
            let actual = (
                got.arriving,
                got.from_epidemic_area,
                got.unvaccinated,
                got.through_checkpoint,
                got.positive_at_checkpoint,
                got.home,
                got.ordered,
                got.overdue_at_end,
                got.by_origin
                    .iter()
                    .map(|o| (o.province_code.clone(), o.arriving))
                    .collect::<Vec<_>>(),
            );
            assert_eq!(actual, expected, "{from} – {to}");
            // The rapid report's lines, the commune's and rolled up to the
            // province, and what each line's list opens (self-monitoring
            // orders, which the arrivals from outside the list get, in
            // neither quarantine stock).
            let received = (
                count(&|d| within(d.home)),
                count(&|d| within(d.home) && d.from_area),
            );
            for unit in [HA_KHANH, QUANG_NINH] {
                let report = s
                    .report_figures(&phongdich_store::Scope::national(), unit, from, to, first)
                    .await
                    .unwrap();
                assert_eq!(
                    (
                        report.figures.returnees_received,
                        report.figures.returnees_received_epidemic
                    ),
                    received,
                    "{unit} {from} – {to}"
                );
                if a % 4 == 0 {
                    let off =
                        phongdich_store::testing::figures_against_lists(s, unit, from, to, first)
                            .await;
                    assert!(off.is_empty(), "{off:?}");
                }
            }
        }
    }
    // The whole time: every kind of event was counted at least once.
    let all = s
        .returnee_figures(&commune.scope, first, day(2, 11))
        .await
        .unwrap();
    assert!(
        all.arriving > 0
            && all.through_checkpoint > 0
            && all.positive_at_checkpoint > 0
            && all.home > 0
            && all.ordered > 0
            && all.overdue_at_end > 0
            && all.by_origin.len() == 3,
        "{all:?}"
    );
    // Another commune sees none of it.
    let other = actor("06652", Role::HealthStaff);
    let none = s
        .returnee_figures(&other.scope, first, day(2, 11))
        .await
        .unwrap();
    assert_eq!((none.arriving, none.home, none.overdue_at_end), (0, 0, 0));
}

#[tokio::test]
async fn a_convoy_seats_who_may_ride_and_says_why_not_for_the_others() {
    let db = db().await;
    let s = &db.store;
    let province = actor(QUANG_NINH, Role::Admin);
    let commune = actor(HA_KHANH, Role::HealthStaff);
    let convoy = phongdich_domain::returnees::BatchInput {
        name: "Đoàn xe số 3 đón từ TP HCM".into(),
        means: "convoy".into(),
        capacity: 2,
        departs_on: "24/10/2021".into(),
        departure_point: "Bến xe Miền Đông".into(),
        route: "QL1A – QL18".into(),
    };
    let e = s.create_batch(&commune, &convoy).await.unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict { .. }),
        "a commune does not plan convoys: {e:?}"
    );
    let batch = s.create_batch(&province, &convoy).await.unwrap();
    let mut codes = Vec::new();
    for (name, cccd, departs) in [
        ("Trần Văn An", "022090000001", "24/10/2021"),
        ("Lê Văn Bình", "022090000002", "24/10/2021"),
        ("Phạm Văn Cường", "022090000003", "24/10/2021"),
        ("Hoàng Văn Dũng", "022090000004", "23/10/2021"),
        ("Vũ Văn Giang", "022090000005", "24/10/2021"),
    ] {
        let mut t = trip(name, cccd, "79");
        t.departure_on = departs.into();
        codes.push(register(s, &t).await.registration);
    }
    s.cancel_returnee(&commune, codes[4].id, "không đi nữa")
        .await
        .unwrap();
    let asked: Vec<String> = [0, 1, 0, 3, 4, 2]
        .iter()
        .map(|&i| codes[i].code.to_lowercase())
        .chain(["V-NOPE".to_owned()])
        .collect();
    let answer = s
        .assign_to_batch(&province, batch.id, &asked)
        .await
        .unwrap();
    let got: Vec<(&str, Option<i64>)> = answer
        .iter()
        .map(|o| (o.outcome.as_str(), o.seat))
        .collect();
    assert_eq!(
        got,
        [
            ("assigned", Some(1)),
            ("assigned", Some(2)),
            ("already", Some(1)),
            ("refused", None),
            ("refused", None),
            ("refused", None),
            ("refused", None),
        ]
    );
    assert!(
        answer[0].message_en.contains("means changed"),
        "{:?}",
        answer[0]
    );
    assert!(
        answer[3].message_en.contains("leave on 23/10/2021"),
        "{:?}",
        answer[3]
    );
    assert!(
        answer[4].message_en.contains("cancelled"),
        "{:?}",
        answer[4]
    );
    assert!(
        answer[5].message_en.contains("seats are taken"),
        "{:?}",
        answer[5]
    );
    let detail = s.batch(&province.scope, batch.id).await.unwrap();
    assert_eq!(
        detail
            .passengers
            .iter()
            .map(|p| (p.seat, p.full_name.as_str()))
            .collect::<Vec<_>>(),
        [(Some(1), "Trần Văn An"), (Some(2), "Lê Văn Bình")]
    );
    assert_eq!(detail.batch.assigned, 2);
    // Another province does not see it.
    let e = s
        .batch(&actor(HA_NOI, Role::Admin).scope, batch.id)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");
    // Departed: nobody more; one arrives through the checkpoint, one does not show up.
    use phongdich_domain::returnees::BatchState;
    s.set_batch_state(&province, batch.id, BatchState::Departed)
        .await
        .unwrap();
    let e = s
        .assign_to_batch(&province, batch.id, &[codes[2].code.clone()])
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
    s.scan_returnee(
        &actor(QUANG_NINH, Role::CheckpointOfficer),
        &scan(&codes[0].code, "b-1", ""),
    )
    .await
    .unwrap();
    let arrived = s
        .set_batch_state(&province, batch.id, BatchState::Arrived)
        .await
        .unwrap();
    assert_eq!((arrived.assigned, arrived.arrived), (2, 1), "one no-show");
    let e = s
        .set_batch_state(&province, batch.id, BatchState::Cancelled)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
    // A cancelled batch frees its passengers.
    let bus = s
        .create_batch(
            &province,
            &phongdich_domain::returnees::BatchInput {
                name: "Xe khách 2".into(),
                means: "bus".into(),
                capacity: 40,
                ..convoy.clone()
            },
        )
        .await
        .unwrap();
    s.assign_to_batch(&province, bus.id, &[codes[2].code.clone()])
        .await
        .unwrap();
    s.set_batch_state(&province, bus.id, BatchState::Cancelled)
        .await
        .unwrap();
    let freed = s.returnee(&commune.scope, codes[2].id).await.unwrap();
    assert_eq!((freed.batch_id, freed.seat), (None, None));
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'transport_batch'")
            .await,
        7
    );
}

#[tokio::test]
async fn a_look_alike_is_not_taken_for_the_returnee_and_the_typed_destination_and_phone_count() {
    let db = db().await;
    let s = &db.store;
    let district = actor(HA_LONG, Role::HealthStaff);
    // Registered in Hà Phong, with a CCCD and an old phone.
    let mut known = phongdich_store::testing::person_input("Trần Văn Về", "1990", "male", "06652");
    known.national_id = "022090001234".into();
    known.phone = "0911111111".into();
    let known_id = phongdich_store::testing::create_person(s, &known, day(1, 10)).await;
    // Coming home to Hà Khánh, with a new phone: the same person by CCCD,
    // the registration where they are going.
    let mut t = trip("Trần Văn Về", "022090001234", PHUC_XA);
    t.person.phone = "0922222222".into();
    let r = s.register_returnee(&district, &t, "officer").await.unwrap();
    assert_eq!(r.matched, "national_id");
    assert_eq!(r.registration.person_id, known_id);
    assert_eq!(r.registration.commune_code, HA_KHANH);
    assert_eq!(r.registration.phone.as_deref(), Some("0922222222"));
    let h = s
        .returnee_handover(&actor(HA_KHANH, Role::HealthStaff).scope, day(25, 10))
        .await
        .unwrap();
    assert_eq!(
        h.arriving.len(),
        1,
        "on the hand-over of the commune they go to"
    );
    // A namesake born the same year, no CCCD: someone new, the pair kept for review.
    let mut namesake = trip("Trần Văn Về", "", PHUC_XA);
    namesake.person.commune_code = "06652".into();
    namesake.person.phone = "0911111111".into();
    namesake.arrival_on = "26/10/2021".into();
    namesake.departure_on = "25/10/2021".into();
    let n = s
        .register_returnee(&district, &namesake, "officer")
        .await
        .unwrap();
    assert_eq!(n.matched, "created_likely_duplicate");
    assert_ne!(n.registration.person_id, known_id);
    // From the public page, a CCCD with another name is not attached, and
    // nothing says whose it is.
    let public = phongdich_store::Actor {
        name: "public@test".into(),
        source: "test".into(),
        scope: phongdich_store::Scope::unit(phongdich_domain::UnitCode::parse(QUANG_NINH).unwrap()),
        role: Role::HealthStaff,
    };
    let mut stranger = trip("Lê Văn Lạ", "022090001234", PHUC_XA);
    stranger.arrival_on = "27/10/2021".into();
    stranger.departure_on = "26/10/2021".into();
    let e = s
        .register_returnee(&public, &stranger, "public")
        .await
        .unwrap_err();
    match &e {
        StoreError::Conflict { message_en, .. } => {
            assert!(!message_en.contains("Trần"), "{message_en}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_record_kept_by_the_province_they_leave_follows_the_returnee_home() {
    let db = db().await;
    let s = &db.store;
    hanoi_listed(s).await;
    // Hà Nội keeps them (an F1 there, say), under an older spelling and
    // another phone.
    let mut kept = phongdich_store::testing::person_input("Trần Văn Vê", "1990", "male", PHUC_XA);
    kept.national_id = "022090001234".into();
    kept.phone = "0933333333".into();
    kept.street_address = "Ngõ 5 Phúc Xá".into();
    let id = phongdich_store::testing::create_person(s, &kept, day(1, 10)).await;
    let commune = actor(HA_KHANH, Role::HealthStaff);
    assert!(s.person(&commune.scope, id).await.is_err());
    // Registered in Quảng Ninh with that CCCD: on that record, under the
    // name typed — nothing of Hà Nội's record is shown.
    let r = register(s, &trip("Trần Văn Về", "022090001234", PHUC_XA)).await;
    assert_eq!(r.matched, "national_id_elsewhere");
    assert_eq!(r.registration.person_id, id);
    assert_eq!(r.registration.full_name, "Trần Văn Về");
    assert_eq!(r.registration.phone.as_deref(), Some("0912345678"));
    assert_eq!(
        r.registration.street_address.as_deref(),
        Some("Tổ 3, khu 5")
    );
    // The same trip twice is still refused, naming the name typed.
    let e = s
        .register_returnee(
            &commune,
            &trip("Trần Văn Về", "022090001234", PHUC_XA),
            "officer",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Conflict { message_en, .. } if message_en.contains("Trần Văn Về") && !message_en.contains("Vê ")),
        "{e:?}"
    );
    // Home: the record follows them — Hà Khánh's now, at the address they
    // went to — and the order is issued there.
    let (home, order) = s
        .confirm_returnee_home(&commune, r.registration.id, day(25, 10))
        .await
        .unwrap();
    assert!(order.is_some(), "from Hà Nội, listed: an order");
    assert_eq!(home.status, Status::Home);
    let p = s.person(&commune.scope, id).await.unwrap();
    assert_eq!(
        (p.commune_code.as_str(), p.street_address.as_deref()),
        (HA_KHANH, Some("Tổ 3, khu 5"))
    );
    assert!(
        s.person(&actor(PHUC_XA, Role::HealthStaff).scope, id)
            .await
            .is_err(),
        "Hà Nội no longer keeps them"
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'person' AND action = 'move'")
            .await,
        1
    );
    // From the public page the record is not attached: a neutral answer.
    let public = phongdich_store::Actor {
        name: "public@test".into(),
        source: "test".into(),
        scope: phongdich_store::Scope::unit(phongdich_domain::UnitCode::parse(QUANG_NINH).unwrap()),
        role: Role::HealthStaff,
    };
    let mut other =
        phongdich_store::testing::person_input("Lê Thị Khác", "1992", "female", PHUC_XA);
    other.national_id = "022192005555".into();
    phongdich_store::testing::create_person(s, &other, day(1, 10)).await;
    let mut t = trip("Lê Thị Khác", "022192005555", PHUC_XA);
    t.person.sex = "female".into();
    t.person.birth = "1992".into();
    let e = s
        .register_returnee(&public, &t, "public")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
}

#[tokio::test]
async fn a_positive_at_the_checkpoint_of_someone_kept_elsewhere_is_a_case_where_they_are_going() {
    let db = db().await;
    let s = &db.store;
    let mut kept = phongdich_store::testing::person_input("Đinh Văn Xa", "1990", "male", PHUC_XA);
    kept.national_id = "022090007777".into();
    let id = phongdich_store::testing::create_person(s, &kept, day(1, 10)).await;
    let reg = register(s, &trip("Đinh Văn Xa", "022090007777", PHUC_XA)).await;
    assert_eq!(reg.matched, "national_id_elsewhere");
    let officer = actor(QUANG_NINH, Role::CheckpointOfficer);
    let out = s
        .scan_returnee(&officer, &scan(&reg.registration.code, "x1", "positive"))
        .await
        .unwrap();
    assert_eq!(out.outcome, "arrived");
    // Sample, result (and a case, where the rules make one of an antigen
    // positive) and the link in one write: all there, in Hà Khánh.
    assert_eq!(
        db.strings("SELECT commune_code FROM samples").await,
        [Some(HA_KHANH.to_owned())]
    );
    assert_eq!(
        db.strings("SELECT outcome FROM test_results").await,
        [Some("positive".to_owned())]
    );
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM cases WHERE commune_code <> '{HA_KHANH}'"
        ))
        .await,
        0
    );
    let p = s
        .person(&actor(HA_KHANH, Role::HealthStaff).scope, id)
        .await
        .unwrap();
    assert_eq!(p.commune_code, HA_KHANH);
    assert_eq!(
        out.registration.checkpoint_sample_id,
        db.ints("SELECT id FROM samples").await[0]
    );
}

#[tokio::test]
async fn two_records_registered_for_the_same_days_trip_are_not_merged_until_one_is_cancelled() {
    let db = db().await;
    let s = &db.store;
    let commune = actor(HA_KHANH, Role::HealthStaff);
    let a = register(s, &trip("Trần Văn Một", "", PHUC_XA)).await;
    let b = register(s, &trip("Tran Van Mot", "", PHUC_XA)).await;
    let admin = actor(QUANG_NINH, Role::Admin);
    let e = s
        .merge_persons(&admin, a.registration.person_id, b.registration.person_id)
        .await
        .unwrap_err();
    match &e {
        StoreError::Conflict { message_en, .. } => {
            assert!(message_en.contains("25/10/2021"), "{message_en}");
            assert!(message_en.contains(&a.registration.code), "{message_en}");
        }
        other => panic!("a conflict in words, got {other:?}"),
    }
    s.cancel_returnee(&commune, b.registration.id, "trùng")
        .await
        .unwrap();
    s.merge_persons(&admin, a.registration.person_id, b.registration.person_id)
        .await
        .unwrap();
}
