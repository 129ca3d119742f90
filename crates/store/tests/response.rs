#![allow(clippy::unwrap_used)]
//! Rapid response through the store, on SQLite or PostgreSQL: the duty
//! roster, alerts routed to the team on duty and escalated when nobody takes
//! them, response times, and oxygen equipment lent and returned.

use chrono::{Duration, NaiveDate, Utc};
use phongdich_domain::treatment::{Enrolment, Vitals};
use phongdich_domain::{PersonInput, Role, UnitCode};
use phongdich_store::testing::{HA_KHANH, HA_LONG, HA_PHONG, MONG_CAI, QUANG_NINH, TestDb, actor};
use phongdich_store::{
    ALERT_ESCALATION_MINUTES, Actor, AlertAction, AuditFilter, CaseInput, EquipmentInput, Scope,
    ShiftInput, Store, StoreError,
};

fn shift(unit: &str, team: &str, from: chrono::DateTime<Utc>, hours: i64) -> ShiftInput {
    ShiftInput {
        unit_code: unit.into(),
        team: team.into(),
        members: "BS. Lan, ĐD. Hùng".into(),
        phone: "0203 3835 115".into(),
        starts_at: from.to_rfc3339(),
        ends_at: (from + Duration::hours(hours)).to_rfc3339(),
        repeat_days: None,
        checkpoint_id: None,
    }
}

/// An F0 of Hà Khánh treated at home.
async fn patient(s: &Store) -> i64 {
    let on = NaiveDate::from_ymd_opt(2021, 9, 20).unwrap();
    let system = Actor::system("test");
    let input = PersonInput {
        full_name: "Lê Văn Thở".into(),
        birth: "1980".into(),
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
    let e = Enrolment {
        age_years: 41,
        mild_or_no_symptoms: true,
        breathing_rate: 18,
        spo2: 97,
        doses: 2,
        can_self_care_and_call: true,
        ..Default::default()
    };
    s.enrol_home_treatment(&actor(HA_KHANH, Role::HealthStaff), id, &e, on)
        .await
        .unwrap()
        .id
}

async fn raise(s: &Store, treatment: i64) -> i64 {
    let bad = Vitals {
        spo2: Some(92),
        ..Default::default()
    };
    let on = NaiveDate::from_ymd_opt(2021, 9, 21).unwrap();
    s.record_vitals(&actor(HA_KHANH, Role::HealthStaff), treatment, &bad, on)
        .await
        .unwrap()
        .alert_id
        .unwrap()
}

#[tokio::test]
async fn the_roster_is_kept_within_ones_unit_and_refuses_bad_shifts() {
    let db = TestDb::new().await;
    let s = &db.store;
    let district = actor(HA_LONG, Role::HealthStaff);
    let now = Utc::now();
    let mut week = shift(
        HA_KHANH,
        "Tổ phản ứng nhanh 1",
        now - Duration::hours(1),
        12,
    );
    week.repeat_days = Some(7);
    let made = s.add_shifts(&district, &week).await.unwrap();
    assert_eq!(made.len(), 7, "one a day for a week");
    assert_eq!(made[0].unit_name, "Phường Hà Khánh");
    assert!(made[6].starts_at > made[5].starts_at);

    let StoreError::Invalid(i) = s
        .add_shifts(
            &district,
            &ShiftInput {
                team: " ".into(),
                phone: "".into(),
                ends_at: (now - Duration::hours(2)).to_rfc3339(),
                repeat_days: Some(40),
                ..shift(HA_KHANH, "x", now, 8)
            },
        )
        .await
        .unwrap_err()
    else {
        panic!("refused")
    };
    let fields: Vec<&str> = i.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["team", "phone", "ends_at", "repeat_days"]);
    assert!(
        i.0.iter()
            .all(|e| !e.message_vi.is_empty() && !e.message_en.is_empty())
    );

    // Outside the actor's unit: not found; a tracer may not keep the roster.
    assert!(matches!(
        s.add_shifts(&district, &shift(MONG_CAI, "Móng Cái", now, 8))
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.add_shifts(
            &actor(HA_KHANH, Role::ContactTracer),
            &shift(HA_KHANH, "x", now, 8)
        )
        .await,
        Err(StoreError::Forbidden { .. })
    ));
    let window = (now - Duration::days(1), now + Duration::days(8));
    let seen = |unit: &str| {
        let scope = Scope::unit(UnitCode::parse(unit).unwrap());
        async move {
            s.duty_shifts(&scope, window.0, window.1)
                .await
                .unwrap()
                .len()
        }
    };
    assert_eq!(seen(HA_KHANH).await, 7);
    assert_eq!(seen(HA_LONG).await, 7);
    assert_eq!(seen(QUANG_NINH).await, 7);
    assert_eq!(seen(HA_PHONG).await, 0, "the neighbouring commune");
    assert!(matches!(
        s.cancel_shift(&actor(HA_PHONG, Role::HealthStaff), made[0].id)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let cancelled = s
        .cancel_shift(&actor(HA_KHANH, Role::HealthStaff), made[0].id)
        .await
        .unwrap();
    assert!(cancelled.cancelled_at.is_some());
    assert!(matches!(
        s.cancel_shift(&district, made[0].id).await,
        Err(StoreError::Conflict { .. })
    ));
}

#[tokio::test]
async fn an_untaken_alert_goes_to_the_team_on_duty_then_up_a_level() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = patient(s).await;
    let now = Utc::now();
    let province_admin = actor(QUANG_NINH, Role::Admin);
    // The commune has no team on duty now (its shift ended); the district has one.
    s.add_shifts(
        &province_admin,
        &shift(HA_KHANH, "Trạm Hà Khánh", now - Duration::hours(20), 12),
    )
    .await
    .unwrap();
    s.add_shifts(
        &province_admin,
        &shift(HA_LONG, "Đội Hạ Long", now - Duration::hours(2), 12),
    )
    .await
    .unwrap();
    s.add_shifts(
        &province_admin,
        &shift(
            QUANG_NINH,
            "Trung tâm 115 tỉnh",
            now - Duration::hours(2),
            24,
        ),
    )
    .await
    .unwrap();
    let first = raise(s, t).await;
    let a = &s.treatment_alerts(&province_admin.scope).await.unwrap()[0];
    assert_eq!(
        (a.id, a.level_unit.as_str(), a.team.as_deref()),
        (first, HA_LONG, Some("Đội Hạ Long")),
        "routed to the nearest level with a team on duty"
    );
    assert_eq!(a.team_phone.as_deref(), Some("0203 3835 115"));

    // With a commune team on duty, a new alert stays in the commune.
    s.add_shifts(
        &province_admin,
        &shift(HA_KHANH, "Trạm Hà Khánh", now - Duration::hours(1), 12),
    )
    .await
    .unwrap();
    let second = raise(s, t).await;
    let find = |id: i64| async move {
        s.treatment_alerts(&Scope::national())
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.id == id)
            .unwrap()
    };
    assert_eq!(find(second).await.level_unit, HA_KHANH);

    // The province waits 15 minutes; nothing moves before that.
    s.set_setting(&province_admin, QUANG_NINH, ALERT_ESCALATION_MINUTES, "15")
        .await
        .unwrap();
    assert!(matches!(
        s.set_setting(&province_admin, QUANG_NINH, ALERT_ESCALATION_MINUTES, "2")
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(
        s.escalate_alerts(now + Duration::minutes(10))
            .await
            .unwrap()
            .is_empty()
    );
    let moved = s
        .escalate_alerts(now + Duration::minutes(16))
        .await
        .unwrap();
    assert_eq!(moved, [first, second]);
    let (a, b) = (find(first).await, find(second).await);
    assert_eq!(
        (a.level_unit.as_str(), a.team.as_deref(), a.escalations),
        (QUANG_NINH, Some("Trung tâm 115 tỉnh"), 1)
    );
    assert_eq!(
        (b.level_unit.as_str(), b.team.as_deref()),
        (HA_LONG, Some("Đội Hạ Long"))
    );
    // The clock restarts at each escalation; the province is the top.
    assert!(
        s.escalate_alerts(now + Duration::minutes(20))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.escalate_alerts(now + Duration::minutes(40))
            .await
            .unwrap(),
        [second]
    );
    assert!(
        s.escalate_alerts(now + Duration::minutes(90))
            .await
            .unwrap()
            .is_empty()
    );

    // Once taken, an alert no longer escalates, and the times are counted.
    let staff = actor(HA_KHANH, Role::HealthStaff);
    s.acknowledge_alert(&staff, first).await.unwrap();
    let times = s
        .response_times(
            &province_admin.scope,
            now - Duration::hours(1),
            now + Duration::minutes(30),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            times.raised,
            times.acknowledged,
            times.escalated,
            times.open
        ),
        (2, 1, 2, 1)
    );
    assert_eq!(times.median_minutes_to_acknowledge, Some(0));
    assert!(times.oldest_open_minutes.unwrap() >= 29);
    let other = s
        .response_times(
            &actor(MONG_CAI, Role::HealthStaff).scope,
            now - Duration::hours(1),
            now,
        )
        .await
        .unwrap();
    assert_eq!(other.raised, 0, "another district's alerts are not counted");

    let entries = s
        .audit_entries(
            &Actor::system("test"),
            &AuditFilter {
                action: Some("escalate".into()),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(entries.len(), 3, "each escalation audited");
    assert_eq!(entries[0].actor, "system");
}

#[tokio::test]
async fn oxygen_is_lent_with_an_alert_and_comes_back() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = patient(s).await;
    let staff = actor(HA_KHANH, Role::HealthStaff);
    let input = EquipmentInput {
        kind: "concentrator".into(),
        label: "MTO-HK-01".into(),
        capacity: "5 L/phút".into(),
        unit_code: HA_KHANH.into(),
    };
    let e = s.add_equipment(&staff, &input).await.unwrap();
    assert_eq!(e.status, "available");
    let StoreError::Invalid(i) = s.add_equipment(&staff, &input).await.unwrap_err() else {
        panic!()
    };
    assert_eq!((i.0[0].field.as_str(), i.0[0].code), ("label", "duplicate"));
    assert!(matches!(
        s.add_equipment(
            &staff,
            &EquipmentInput {
                kind: "balloon".into(),
                label: "X".into(),
                ..input.clone()
            }
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.add_equipment(
            &staff,
            &EquipmentInput {
                label: "MTO-HP-01".into(),
                unit_code: HA_PHONG.into(),
                ..input.clone()
            }
        )
        .await,
        Err(StoreError::NotFound { .. })
    ));

    let alert = raise(s, t).await;
    // Another commune's staff can neither see the equipment nor lend it.
    let neighbour = actor(HA_PHONG, Role::HealthStaff);
    assert!(
        s.oxygen_equipment(&neighbour.scope)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        s.lend_equipment(&neighbour, e.id, t).await,
        Err(StoreError::NotFound { .. })
    ));
    let wrong = AlertAction {
        action: "visit".into(),
        note: String::new(),
        equipment_id: Some(e.id),
        ..Default::default()
    };
    assert!(matches!(
        s.act_on_alert(&staff, alert, &wrong).await,
        Err(StoreError::Invalid(_))
    ));
    let a = s
        .act_on_alert(
            &staff,
            alert,
            &AlertAction {
                action: "oxygen".into(),
                note: "Thở oxy 3 L/phút".into(),
                equipment_id: Some(e.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(a.status, "closed");
    let lent = s.equipment(&staff.scope, e.id).await.unwrap();
    let loan = lent.loan.as_ref().unwrap();
    assert_eq!(
        (
            lent.status.as_str(),
            loan.treatment_id,
            loan.alert_id,
            loan.full_name.as_str()
        ),
        ("lent", t, Some(alert), "Lê Văn Thở")
    );
    // Lent already: a second loan is refused, and nothing else changed.
    let second = raise(s, t).await;
    assert!(matches!(
        s.act_on_alert(
            &staff,
            second,
            &AlertAction {
                action: "oxygen".into(),
                note: String::new(),
                equipment_id: Some(e.id),
                ..Default::default()
            },
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
    let still = s
        .treatment_alerts(&staff.scope)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.id == second)
        .unwrap();
    assert_eq!(
        still.status, "open",
        "the refused action left the alert open"
    );

    let back = s.return_equipment(&staff, e.id).await.unwrap();
    assert!(back.loan.is_none() && back.status == "available");
    assert!(matches!(
        s.return_equipment(&staff, e.id).await,
        Err(StoreError::Conflict { .. })
    ));
    let history = s.loans_of_treatment(&staff.scope, t).await.unwrap();
    assert_eq!(history.len(), 1);
    assert!(history[0].returned_at.is_some());
    let loan = s.lend_equipment(&staff, e.id, t).await.unwrap();
    assert!(loan.alert_id.is_none());
    assert!(matches!(
        s.lend_equipment(&actor(HA_KHANH, Role::Viewer), e.id, t)
            .await,
        Err(StoreError::Forbidden { .. })
    ));
}

#[tokio::test]
async fn a_transfer_from_home_admits_the_f0_to_the_provinces_field_hospital() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = patient(s).await;
    let province = actor(QUANG_NINH, Role::Admin);
    let place = |name: &str, kind: &str, commune: &str| phongdich_store::PlaceInput {
        name: name.into(),
        kind: kind.into(),
        commune_code: commune.into(),
        beds: vec![("regular".into(), 1), ("oxygen".into(), 1)],
        ..Default::default()
    };
    // A field hospital in Móng Cái, a hospital in Hà Phong, a site in Hà Phong.
    let field = s
        .create_place(
            &province,
            &place("Bệnh viện dã chiến số 1", "field_hospital", "06709"),
        )
        .await
        .unwrap();
    let hospital = s
        .create_place(
            &province,
            &place("Bệnh viện Bãi Cháy", "hospital", HA_PHONG),
        )
        .await
        .unwrap();
    let site = s
        .create_place(
            &province,
            &place("Khu cách ly Hà Phong", "centralised", HA_PHONG),
        )
        .await
        .unwrap();
    let staff = actor(HA_KHANH, Role::HealthStaff);
    let offered: Vec<i64> = s
        .transfer_destinations(&staff.scope)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    assert!(offered.contains(&field.id) && offered.contains(&hospital.id));
    assert!(
        !offered.contains(&site.id),
        "another commune's site is not offered"
    );

    let alert = raise(s, t).await;
    let to_site = AlertAction {
        action: "transfer".into(),
        place_id: Some(site.id),
        ..Default::default()
    };
    assert!(matches!(
        s.act_on_alert(&staff, alert, &to_site).await,
        Err(StoreError::Invalid(_))
    ));
    let to_field = AlertAction {
        action: "transfer".into(),
        note: "SpO2 92".into(),
        place_id: Some(field.id),
        bed_type: Some("oxygen".into()),
        ..Default::default()
    };
    let a = s.act_on_alert(&staff, alert, &to_field).await.unwrap();
    assert_eq!(a.action.as_deref(), Some("transfer"));
    let inside = s.admissions(&province.scope, field.id, true).await.unwrap();
    assert_eq!(
        (
            inside.len(),
            inside[0].bed_type.as_str(),
            inside[0].full_name.as_str()
        ),
        (1, "oxygen", "Lê Văn Thở")
    );
    assert_eq!(
        s.place(&province.scope, field.id).await.unwrap().beds[0].free,
        0,
        "the oxygen bed is taken"
    );

    // The field hospital moves the patient on to the hospital.
    let today = phongdich_domain::Clock::system()
        .today()
        .format("%d/%m/%Y")
        .to_string();
    let moved = s
        .transfer(&province, inside[0].id, hospital.id, "regular", &today)
        .await
        .unwrap();
    assert_eq!(moved.place_id, hospital.id);
    assert!(
        s.admissions(&province.scope, field.id, true)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        s.transfer(&province, inside[0].id, hospital.id, "regular", &today)
            .await,
        Err(StoreError::Conflict { .. })
    ));
    // Hà Khánh's staff cannot move someone out of a place it does not run.
    assert!(matches!(
        s.transfer(&staff, moved.id, field.id, "regular", &today)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let entries = s
        .audit_entries(
            &Actor::system("test"),
            &AuditFilter {
                entity: Some("admission".into()),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(entries.iter().any(|e| e.action == "transfer"));
    assert_eq!(entries.iter().filter(|e| e.action == "create").count(), 2);
}
