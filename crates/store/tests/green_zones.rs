#![allow(clippy::unwrap_used)]
//! Green zones through the store, on SQLite or PostgreSQL: declared only
//! when no F0 under treatment lives inside, guarded by checkpoints whose
//! team on duty comes from the roster, and ended — in the case's own write —
//! when an F0 living inside is confirmed, with the alert routed to the shift
//! on duty at a checkpoint (else the commune's), taken once by the team.
//! Every crossing of jurisdiction is tried.
//!
//! The practice followed: Hà Nội and Quảng Ninh's "vùng xanh" of autumn 2021
//! (a ward's residential group or a street declared free of F0 by the ward's
//! committee, guarded by the community COVID team's checkpoints, and "lost"
//! as soon as an F0 appears in it in the community).

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use phongdich_domain::{Clock, PersonInput, Role};
use phongdich_store::testing::{
    HA_KHANH, HA_LONG, HA_PHONG, MONG_CAI, MONG_DUONG, TestDb, actor, create_person,
};
use phongdich_store::{
    CaseInput, GreenZoneInput, ShiftInput, Store, StoreError, ZoneCheckpointInput,
};

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

async fn resident(s: &Store, name: &str, commune: &str, street: &str) -> i64 {
    create_person(
        s,
        &PersonInput {
            full_name: name.into(),
            birth: "1980".into(),
            sex: "nữ".into(),
            commune_code: commune.into(),
            street_address: street.into(),
            ..Default::default()
        },
        day(25, 10),
    )
    .await
}

async fn confirm(s: &Store, person: i64, on: &str, found: &str) -> String {
    s.confirm_case(
        &phongdich_store::Actor::system("test"),
        &CaseInput {
            person_id: person,
            confirmed_on: on.into(),
            sample_on: on.into(),
            source_kind: "investigating".into(),
            detected_where: found.into(),
            ..Default::default()
        },
        day(25, 10),
    )
    .await
    .unwrap()
    .0
    .code
}

fn zone(name: &str, unit: &str) -> GreenZoneInput {
    GreenZoneInput {
        name: name.into(),
        unit_code: unit.into(),
        declared_on: "20/10/2021".into(),
        decision: "12/TB-UBND".into(),
        team: "Tổ COVID cộng đồng".into(),
        team_phone: "0912 345 678".into(),
        ..Default::default()
    }
}

use phongdich_store::testing::invalid_fields as codes;

#[tokio::test]
async fn a_zone_is_declared_only_free_of_f0_and_turns_red_when_an_f0_inside_is_confirmed() {
    let db = db().await;
    let s = &db.store;
    let ward = actor(HA_KHANH, Role::HealthStaff);
    // An F0 under treatment at Tổ 1, Hà Khánh; people of Lê Lợi street.
    let sick = resident(s, "Nguyễn Văn Ốm", HA_KHANH, "Tổ 1, khu 2").await;
    let sick_code = confirm(s, sick, "2021-10-18", "community").await;
    let five = resident(s, "Trần Thị Năm", HA_KHANH, "số 5 Lê Lợi, tổ 3").await;
    let fifteen = resident(s, "Lê Văn Mười Lăm", HA_KHANH, "Số 15 Lê Lợi").await;

    // The whole ward is not free of F0: refused, the case named.
    let e = s
        .create_green_zone(&ward, &zone("Vùng xanh phường Hà Khánh", HA_KHANH))
        .await
        .unwrap_err();
    assert_eq!(codes(&e), [("unit_code".into(), "has_f0".into())]);
    let StoreError::Invalid(i) = &e else {
        unreachable!()
    };
    assert!(i.0[0].message_en.contains(&sick_code), "{:?}", i.0[0]);
    assert!(
        i.0[0].message_vi.contains(": 1 F0 sống trong khu"),
        "{:?}",
        i.0[0]
    );

    // Lê Lợi street (two addresses, typed without diacritics) is: declared.
    let street = s
        .create_green_zone(
            &ward,
            &GreenZoneInput {
                place: "Phố Lê Lợi".into(),
                addresses: "So 5 Le Loi\nSố 7 Lê Lợi".into(),
                ..zone("Vùng xanh phố Lê Lợi", HA_KHANH)
            },
        )
        .await
        .unwrap();
    assert_eq!(street.status, "green");
    assert_eq!(street.unit_name, "Phường Hà Khánh");
    assert_eq!(street.team_phone, "0912345678");
    // The same street again while it is green: refused.
    let again = s
        .create_green_zone(
            &ward,
            &GreenZoneInput {
                place: "phố le loi".into(),
                ..zone("Lại Lê Lợi", HA_KHANH)
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::Conflict { .. }), "{again:?}");
    // From a day to come: refused.
    let future = s
        .create_green_zone(
            &ward,
            &GreenZoneInput {
                declared_on: "26/10/2021".into(),
                ..zone("Ngày mai", HA_KHANH)
            },
        )
        .await
        .unwrap_err();
    assert!(codes(&future).contains(&("declared_on".into(), "future".into())));

    // A checkpoint, and its team on the roster (on duty now, 12 hours).
    let k = s
        .add_zone_checkpoint(
            &ward,
            street.id,
            &ZoneCheckpointInput {
                place: "Đầu phố Lê Lợi".into(),
                opens: "06:00".into(),
                closes: "22:00".into(),
            },
        )
        .await
        .unwrap();
    assert!(k.open_now, "09:00 is within 06:00–22:00");
    assert!(k.on_duty.is_empty());
    let now = Utc.with_ymd_and_hms(2021, 10, 25, 2, 0, 0).unwrap();
    let shift = s
        .add_shifts(
            &ward,
            &ShiftInput {
                unit_code: HA_KHANH.into(),
                team: "Tổ chốt Lê Lợi".into(),
                members: "Ông Hải, bà Hoa".into(),
                phone: "0987 654 321".into(),
                starts_at: (now - Duration::hours(1)).to_rfc3339(),
                ends_at: (now + Duration::hours(11)).to_rfc3339(),
                repeat_days: None,
                checkpoint_id: Some(k.id),
            },
        )
        .await
        .unwrap();
    assert_eq!(shift[0].checkpoint_place.as_deref(), Some("Đầu phố Lê Lợi"));
    let d = s.green_zone(&ward.scope, street.id).await.unwrap();
    assert_eq!(d.checkpoints.len(), 1);
    assert_eq!(d.checkpoints[0].on_duty.len(), 1);
    assert_eq!(d.checkpoints[0].on_duty[0].team, "Tổ chốt Lê Lợi");
    // Hà Phong's roster cannot name Hà Khánh's checkpoint.
    let e = s
        .add_shifts(
            &actor(HA_PHONG, Role::HealthStaff),
            &ShiftInput {
                unit_code: HA_PHONG.into(),
                team: "Tổ khác".into(),
                phone: "0987 654 322".into(),
                starts_at: now.to_rfc3339(),
                ends_at: (now + Duration::hours(2)).to_rfc3339(),
                members: String::new(),
                repeat_days: None,
                checkpoint_id: Some(k.id),
            },
        )
        .await
        .unwrap_err();
    assert!(codes(&e).contains(&("checkpoint_id".into(), "invalid".into())));

    // An F0 at "Số 15 Lê Lợi" is not at number 5: the zone stays green.
    confirm(s, fifteen, "2021-10-25", "community").await;
    let z = s.green_zone(&ward.scope, street.id).await.unwrap().zone;
    assert_eq!(z.status, "green");

    // An F0 at number 5 confirmed today: the zone is lost in the same
    // write, routed to the checkpoint's shift on duty.
    let code = confirm(s, five, "2021-10-25", "community").await;
    let z = s.green_zone(&ward.scope, street.id).await.unwrap().zone;
    assert_eq!(z.status, "lost");
    assert_eq!(z.lost_on, Some(day(25, 10)));
    let c = z.lost_case.clone().unwrap();
    assert_eq!(
        (c.code.as_str(), c.full_name.as_str()),
        (code.as_str(), "Trần Thị Năm")
    );
    let alerted = z.alerted_shift.clone().unwrap();
    assert_eq!(alerted.shift_id, shift[0].id);
    assert_eq!(alerted.team, "Tổ chốt Lê Lợi");
    assert!(z.alert_open());
    assert_eq!(s.zone_alerts(&ward.scope).await.unwrap().len(), 1);
    // Audited: declared, then lost (by the write that confirmed the case).
    let audited = db
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'green_zone' AND entity_id = '{}'",
            street.id
        ))
        .await;
    assert_eq!(audited, 2);
    // A lost zone takes no more checkpoints.
    let e = s
        .add_zone_checkpoint(
            &ward,
            street.id,
            &ZoneCheckpointInput {
                place: "Cuối phố".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");

    // The team takes the alert, once; a neighbouring ward cannot.
    let e = s
        .acknowledge_zone_alert(&actor(HA_PHONG, Role::HealthStaff), street.id)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");
    let taken = s.acknowledge_zone_alert(&ward, street.id).await.unwrap();
    assert_eq!(taken.acknowledged_by.as_deref(), Some("health_staff@06649"));
    assert!(s.zone_alerts(&ward.scope).await.unwrap().is_empty());
    let e = s
        .acknowledge_zone_alert(&ward, street.id)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");

    // Once the area is free again, a new declaration is a new zone; the
    // lost one keeps its history. (The F0 at number 5 has recovered.)
    let five_case: i64 = db
        .ints(&format!("SELECT id FROM cases WHERE person_id = {five}"))
        .await[0]
        .unwrap();
    s.set_case_course(&ward, five_case, "recovered", Some(day(25, 10)))
        .await
        .unwrap();
    // Not from the day the F0 was confirmed; from the next day on.
    let next_day = s.clone().with_clock(Clock::fixed(
        Utc.with_ymd_and_hms(2021, 10, 26, 2, 0, 0).unwrap(),
    ));
    let renewed = next_day
        .create_green_zone(
            &ward,
            &GreenZoneInput {
                place: "Phố Lê Lợi".into(),
                addresses: "Số 5 Lê Lợi\nSố 7 Lê Lợi".into(),
                declared_on: "26/10/2021".into(),
                ..zone("Vùng xanh phố Lê Lợi (lần 2)", HA_KHANH)
            },
        )
        .await
        .unwrap();
    assert_ne!(renewed.id, street.id);
    let all = s.green_zones(&ward.scope).await.unwrap();
    assert_eq!(
        all.iter().map(|z| z.status.as_str()).collect::<Vec<_>>(),
        ["green", "lost"],
        "green ones first"
    );
}

#[tokio::test]
async fn only_a_community_case_confirmed_from_the_declaration_ends_a_zone() {
    let db = db().await;
    let s = &db.store;
    let ward = actor(HA_PHONG, Role::HealthStaff);
    let a = resident(s, "Phạm Văn Một", HA_PHONG, "Tổ 4").await;
    let b = resident(s, "Phạm Văn Hai", HA_PHONG, "Tổ 4").await;
    let c = resident(s, "Phạm Văn Ba", HA_PHONG, "Tổ 5").await;
    let z = s
        .create_green_zone(&ward, &zone("Vùng xanh phường Hà Phong", HA_PHONG))
        .await
        .unwrap();
    // Found in centralised quarantine: was not in the zone.
    confirm(s, a, "2021-10-24", "quarantine").await;
    // Confirmed before the declaration (a list entered late): the committee
    // had judged the zone without it.
    confirm(s, b, "2021-10-19", "community").await;
    let now = s.green_zone(&ward.scope, z.id).await.unwrap().zone;
    assert_eq!(now.status, "green");
    // With no checkpoint shift and nobody on the roster: no team alerted,
    // the zone's own team is the one to call.
    confirm(s, c, "2021-10-25", "community").await;
    let now = s.green_zone(&ward.scope, z.id).await.unwrap().zone;
    assert_eq!(now.status, "lost");
    assert!(now.alerted_shift.is_none());
    assert!(now.alert_open());
}

#[tokio::test]
async fn a_zone_declared_for_days_gone_by_is_refused_when_an_f0_was_confirmed_since() {
    let db = db().await;
    let s = &db.store;
    let ward = actor(HA_PHONG, Role::HealthStaff);
    let p = resident(s, "Hà Văn Khỏi", HA_PHONG, "Tổ 1").await;
    let code = confirm(s, p, "2021-10-22", "community").await;
    let case: i64 = db
        .ints(&format!("SELECT id FROM cases WHERE person_id = {p}"))
        .await[0]
        .unwrap();
    s.set_case_course(&ward, case, "recovered", Some(day(24, 10)))
        .await
        .unwrap();
    // Recovered now, but confirmed on 22/10: a zone from 20/10 would have
    // been lost that day.
    let e = s
        .create_green_zone(&ward, &zone("Vùng xanh Hà Phong", HA_PHONG))
        .await
        .unwrap_err();
    assert_eq!(codes(&e), [("unit_code".into(), "has_f0".into())]);
    let StoreError::Invalid(i) = &e else {
        unreachable!()
    };
    assert!(i.0[0].message_en.contains(&code), "{:?}", i.0[0]);
    // From the day after the case, it is green.
    s.create_green_zone(
        &ward,
        &GreenZoneInput {
            declared_on: "23/10/2021".into(),
            ..zone("Vùng xanh Hà Phong", HA_PHONG)
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn jurisdiction_holds_for_green_zones() {
    let db = db().await;
    let s = &db.store;
    let ward = actor(HA_KHANH, Role::HealthStaff);
    let city = actor(HA_LONG, Role::HealthStaff);
    let z = s
        .create_green_zone(&ward, &zone("Vùng xanh Hà Khánh", HA_KHANH))
        .await
        .unwrap();
    let wide = s
        .create_green_zone(&city, &zone("Vùng xanh thành phố", HA_LONG))
        .await
        .unwrap();
    // Another ward: cannot declare here, does not see the ward's zone, sees the city's.
    let other = actor(HA_PHONG, Role::HealthStaff);
    let e = s
        .create_green_zone(&other, &zone("Lấn", HA_KHANH))
        .await
        .unwrap_err();
    assert_eq!(codes(&e), [("unit_code".into(), "not_found".into())]);
    assert!(matches!(
        s.green_zone(&other.scope, z.id).await.unwrap_err(),
        StoreError::NotFound { .. }
    ));
    let seen: Vec<i64> = s
        .green_zones(&other.scope)
        .await
        .unwrap()
        .iter()
        .map(|z| z.id)
        .collect();
    assert_eq!(seen, [wide.id]);
    // Seen from below is not held: the ward adds no checkpoint to the city's zone.
    let e = s
        .add_zone_checkpoint(
            &ward,
            wide.id,
            &ZoneCheckpointInput {
                place: "Cầu Bãi Cháy".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");
    // Another city sees neither; a viewer declares nothing.
    assert!(
        s.green_zones(&actor(MONG_CAI, Role::HealthStaff).scope)
            .await
            .unwrap()
            .is_empty()
    );
    let e = s
        .create_green_zone(&actor(HA_KHANH, Role::Viewer), &zone("x", HA_KHANH))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    // An F0 in Hà Khánh ends both the ward's zone and the city's.
    let p = resident(s, "Đinh Văn Xa", HA_KHANH, "Tổ 9").await;
    confirm(s, p, "2021-10-25", "community").await;
    let lost: Vec<String> = s
        .green_zones(&city.scope)
        .await
        .unwrap()
        .iter()
        .map(|z| z.status.clone())
        .collect();
    assert_eq!(lost, ["lost", "lost"]);
    // Hà Phong, reading the city's zone from below, does not see the case's name.
    let from_below = s.green_zone(&other.scope, wide.id).await.unwrap().zone;
    assert_eq!(from_below.lost_case.unwrap().full_name, "");
    // Nor does it take the city's alert: it sees the loss, the city's team acts.
    let e = s.acknowledge_zone_alert(&other, wide.id).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");
    assert!(s.acknowledge_zone_alert(&city, wide.id).await.is_ok());
}

#[tokio::test]
async fn the_rapid_report_says_what_held_on_its_last_day() {
    let db = db().await;
    let s = &db.store;
    let ward = actor(HA_KHANH, Role::HealthStaff);
    for n in ["Cao Văn Một", "Cao Thị Hai"] {
        resident(s, n, HA_KHANH, "Số 3 Hạ Long").await;
    }
    let f0 = resident(s, "Cao Văn Ba", HA_KHANH, "Số 9 Lê Lợi").await;
    let z = s
        .create_green_zone(
            &ward,
            &GreenZoneInput {
                addresses: "Số 9 Lê Lợi".into(),
                ..zone("Vùng xanh số 9", HA_KHANH)
            },
        )
        .await
        .unwrap();
    let l = s
        .create_lockdown(
            &ward,
            &phongdich_store::LockdownInput {
                unit_code: HA_KHANH.into(),
                addresses: "Số 3 Hạ Long".into(),
                reason: "F0".into(),
                decision: "7/QĐ-UBND".into(),
                issued_by: "UBND phường".into(),
                from_on: "21/10/2021".into(),
                planned_until: "03/11/2021".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    confirm(s, f0, "2021-10-25", "community").await;
    let scope = &ward.scope;
    let report = |from: NaiveDate, to: NaiveDate| async move {
        s.report_figures(scope, HA_KHANH, from, to, day(1, 10))
            .await
            .unwrap()
            .zones
            .unwrap()
    };
    // 20/10: the zone green, no lockdown yet.
    let r = report(day(20, 10), day(20, 10)).await;
    assert_eq!((r.green_zones, r.lockdowns.len()), (1, 0));
    assert!(r.green_zones_lost.is_empty());
    // 21–24/10: the lockdown holds, two people inside; the zone still green.
    let r = report(day(21, 10), day(24, 10)).await;
    assert_eq!(r.green_zones, 1);
    assert_eq!(r.lockdowns.len(), 1);
    assert_eq!((r.lockdowns[0].id, r.lockdowns[0].people), (l.id, 2));
    assert_eq!(r.lockdowns[0].from_on, day(21, 10));
    // 25/10: the zone lost that day, with its case.
    let r = report(day(25, 10), day(25, 10)).await;
    assert_eq!(r.green_zones, 0);
    assert_eq!(r.green_zones_lost.len(), 1);
    assert_eq!(r.green_zones_lost[0].id, z.id);
    assert_eq!(r.green_zones_lost[0].lost_on, day(25, 10));
    assert!(r.green_zones_lost[0].case_code.is_some());
    assert_eq!(r.lockdowns_in_force, 1);
    // The last complete week before Monday 25/10: 18–24/10; the ward's one commune.
    let levels = r.levels.unwrap();
    assert_eq!(levels.week_start, day(18, 10));
    assert_eq!(
        levels.by_level.iter().sum::<i64>() + levels.without_level,
        1
    );
}

/// An F0 put inside a zone by a later write: a case corrected to one found
/// in the community, or an F0 under treatment whose address moves in. Each
/// ends the zone in its own write; a recovered F0 moving in does not.
#[tokio::test]
async fn a_correction_or_a_move_that_puts_an_f0_inside_ends_the_zone() {
    let db = db().await;
    let s = &db.store;
    let system = phongdich_store::Actor::system("test");
    let ward = actor(HA_PHONG, Role::HealthStaff);
    let z = s
        .create_green_zone(&ward, &zone("Vùng xanh phường Hà Phong", HA_PHONG))
        .await
        .unwrap();
    // Confirmed in centralised quarantine: the zone stands...
    let a = resident(s, "Phạm Văn Cách Ly", HA_PHONG, "Tổ 4").await;
    let case = s
        .confirm_case(
            &system,
            &CaseInput {
                person_id: a,
                confirmed_on: "2021-10-24".into(),
                sample_on: "2021-10-24".into(),
                source_kind: "investigating".into(),
                detected_where: "quarantine".into(),
                ..Default::default()
            },
            day(25, 10),
        )
        .await
        .unwrap()
        .0;
    assert_eq!(
        s.green_zone(&ward.scope, z.id).await.unwrap().zone.status,
        "green"
    );
    // ...until the record is corrected: found in the community after all.
    s.correct_case(
        &system,
        case.id,
        &CaseInput {
            detected_where: "community".into(),
            ..Default::default()
        },
        day(25, 10),
    )
    .await
    .unwrap();
    let lost = s.green_zone(&ward.scope, z.id).await.unwrap().zone;
    assert_eq!(lost.status, "lost");
    assert_eq!(lost.lost_on, Some(day(24, 10)));
    assert_eq!(lost.lost_case.map(|c| c.case_id), Some(case.id));

    // A zone in Hà Khánh; two F0s living in Mông Dương, one recovered.
    let commune = actor(HA_KHANH, Role::HealthStaff);
    let z = s
        .create_green_zone(&commune, &zone("Vùng xanh phường Hà Khánh", HA_KHANH))
        .await
        .unwrap();
    let recovered = resident(s, "Lê Thị Khỏi", MONG_DUONG, "Tổ 1").await;
    let ill = resident(s, "Lê Thị Đang Điều Trị", MONG_DUONG, "Tổ 1").await;
    confirm(s, ill, "2021-10-22", "community").await;
    let old = s
        .confirm_case(
            &system,
            &CaseInput {
                person_id: recovered,
                confirmed_on: "2021-10-01".into(),
                sample_on: "2021-10-01".into(),
                source_kind: "investigating".into(),
                detected_where: "community".into(),
                ..Default::default()
            },
            day(25, 10),
        )
        .await
        .unwrap()
        .0;
    s.correct_case(
        &system,
        old.id,
        &CaseInput {
            course: "recovered".into(),
            recovered_on: "2021-10-15".into(),
            ..Default::default()
        },
        day(25, 10),
    )
    .await
    .unwrap();
    let system = &system;
    let move_in = |id: i64, name: &'static str| async move {
        let p = s
            .person(&phongdich_store::Scope::national(), id)
            .await
            .unwrap();
        s.update_person(
            system,
            id,
            &phongdich_store::PersonUpdate {
                expected_version: p.version,
                person: PersonInput {
                    full_name: name.into(),
                    birth: "1980".into(),
                    sex: "nữ".into(),
                    commune_code: HA_KHANH.into(),
                    street_address: "Tổ 3, khu 5".into(),
                    ..Default::default()
                }
                .parse(day(25, 10))
                .unwrap(),
            },
        )
        .await
        .unwrap();
    };
    move_in(recovered, "Lê Thị Khỏi").await;
    assert_eq!(
        s.green_zone(&commune.scope, z.id)
            .await
            .unwrap()
            .zone
            .status,
        "green",
        "a recovered F0 moving in leaves the zone green"
    );
    move_in(ill, "Lê Thị Đang Điều Trị").await;
    let lost = s.green_zone(&commune.scope, z.id).await.unwrap().zone;
    assert_eq!(lost.status, "lost", "an F0 under treatment moved in");
    assert_eq!(lost.lost_on, Some(day(25, 10)));
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'green_zone' AND action = 'update'"
        )
        .await,
        2
    );
}

/// Withdrawn by the committee holding the zone (audited), not by a commune
/// under a city-wide zone; a lost zone is not withdrawn; a withdrawn one is
/// not lost by a later F0.
#[tokio::test]
async fn a_zone_is_withdrawn_only_by_its_holder_and_only_while_green() {
    let db = db().await;
    let s = &db.store;
    let city = actor(HA_LONG, Role::HealthStaff);
    let ward = actor(HA_KHANH, Role::HealthStaff);
    let z = s
        .create_green_zone(&city, &zone("Vùng xanh TP Hạ Long", HA_LONG))
        .await
        .unwrap();
    let e = s
        .withdraw_green_zone(&ward, z.id, "25/10/2021", "Không duy trì chốt")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");
    let w = s
        .withdraw_green_zone(&city, z.id, "24/10/2021", "Không duy trì chốt")
        .await
        .unwrap();
    assert_eq!(
        (
            w.status.as_str(),
            w.withdrawn_on,
            w.withdrawn_reason.as_deref()
        ),
        ("withdrawn", Some(day(24, 10)), Some("Không duy trì chốt"))
    );
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'green_zone' AND action = 'withdraw'"
        )
        .await,
        1
    );
    // An F0 inside afterwards does not make it "lost".
    let f0 = resident(s, "Trần Văn Sau", HA_KHANH, "Tổ 1").await;
    confirm(s, f0, "2021-10-25", "community").await;
    assert_eq!(
        s.green_zone(&city.scope, z.id).await.unwrap().zone.status,
        "withdrawn"
    );
    // A lost zone is not withdrawn.
    let ward_zone = s
        .create_green_zone(
            &actor(HA_PHONG, Role::HealthStaff),
            &zone("Vùng xanh Hà Phong", HA_PHONG),
        )
        .await
        .unwrap();
    let g = resident(s, "Trần Văn Mất", HA_PHONG, "Tổ 2").await;
    confirm(s, g, "2021-10-25", "community").await;
    let e = s
        .withdraw_green_zone(
            &actor(HA_PHONG, Role::HealthStaff),
            ward_zone.id,
            "25/10/2021",
            "x",
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
}

/// An F0 confirmed elsewhere after the declaration, recovered, then moved
/// into the zone: the move leaves it green, and so does a later correction
/// of the case that changes neither where nor when it was found (review of
/// stop 31: any correction used to judge the case again at the new address).
#[tokio::test]
async fn a_correction_that_changes_neither_where_nor_when_leaves_the_zone_green() {
    let db = db().await;
    let s = &db.store;
    let system = phongdich_store::Actor::system("test");
    let commune = actor(HA_KHANH, Role::HealthStaff);
    let z = s
        .create_green_zone(&commune, &zone("Vùng xanh phường Hà Khánh", HA_KHANH))
        .await
        .unwrap();
    let p = resident(s, "Vũ Thị Đã Khỏi", MONG_DUONG, "Tổ 1").await;
    let case = s
        .confirm_case(
            &system,
            &CaseInput {
                person_id: p,
                confirmed_on: "2021-10-22".into(),
                sample_on: "2021-10-22".into(),
                source_kind: "investigating".into(),
                detected_where: "community".into(),
                ..Default::default()
            },
            day(25, 10),
        )
        .await
        .unwrap()
        .0;
    s.correct_case(
        &system,
        case.id,
        &CaseInput {
            course: "recovered".into(),
            recovered_on: "2021-10-24".into(),
            ..Default::default()
        },
        day(25, 10),
    )
    .await
    .unwrap();
    let before = s
        .person(&phongdich_store::Scope::national(), p)
        .await
        .unwrap();
    s.update_person(
        &system,
        p,
        &phongdich_store::PersonUpdate {
            expected_version: before.version,
            person: PersonInput {
                full_name: "Vũ Thị Đã Khỏi".into(),
                birth: "1980".into(),
                sex: "nữ".into(),
                commune_code: HA_KHANH.into(),
                street_address: "Tổ 3, khu 5".into(),
                ..Default::default()
            }
            .parse(day(25, 10))
            .unwrap(),
        },
    )
    .await
    .unwrap();
    s.correct_case(
        &system,
        case.id,
        &CaseInput {
            local_code: "QN-1234".into(),
            ..Default::default()
        },
        day(25, 10),
    )
    .await
    .unwrap();
    assert_eq!(
        s.green_zone(&commune.scope, z.id)
            .await
            .unwrap()
            .zone
            .status,
        "green"
    );
}

/// Merging two records of one person can put an F0 under treatment inside a
/// zone: the kept record (living in the zone) takes the merged one's case.
/// The zone is lost in the merge's own write; undoing the merge does not
/// make it green again (the loss stays on record).
#[tokio::test]
async fn a_merge_that_puts_an_f0_inside_ends_the_zone() {
    let db = db().await;
    let s = &db.store;
    let system = phongdich_store::Actor::system("test");
    let commune = actor(HA_KHANH, Role::HealthStaff);
    let z = s
        .create_green_zone(&commune, &zone("Vùng xanh phường Hà Khánh", HA_KHANH))
        .await
        .unwrap();
    let kept = resident(s, "Đỗ Văn Gộp", HA_KHANH, "Tổ 3, khu 5").await;
    let merged = resident(s, "Đỗ Văn Gộp", MONG_DUONG, "Tổ 1").await;
    confirm(s, merged, "2021-10-22", "community").await;
    assert_eq!(
        s.green_zone(&commune.scope, z.id)
            .await
            .unwrap()
            .zone
            .status,
        "green",
        "the F0 lives elsewhere"
    );
    let outcome = s.merge_persons(&system, kept, merged).await.unwrap();
    let lost = s.green_zone(&commune.scope, z.id).await.unwrap().zone;
    assert_eq!(
        lost.status, "lost",
        "the kept record now holds an F0 under treatment"
    );
    assert_eq!(lost.lost_on, Some(day(25, 10)));
    s.undo_merge(&system, outcome.audit_id).await.unwrap();
    assert_eq!(
        s.green_zone(&commune.scope, z.id)
            .await
            .unwrap()
            .zone
            .status,
        "lost"
    );
}
