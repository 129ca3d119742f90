#![allow(clippy::unwrap_used)]
//! F0 treated at home through the store, on SQLite or PostgreSQL: enrolment,
//! vital signs, an alert and a transfer to hospital.

use chrono::NaiveDate;
use phongdich_domain::treatment::{Enrolment, Vitals};
use phongdich_domain::{PersonInput, Role};
use phongdich_store::testing::{HA_KHANH, HA_PHONG, TestDb, actor};
use phongdich_store::{Actor, AlertAction, CaseInput, Paging, StoreError};

#[tokio::test]
async fn an_f0_at_home_raises_an_alert_and_is_transferred_to_hospital() {
    let db = TestDb::new().await;
    let s = &db.store;
    let on = NaiveDate::from_ymd_opt(2021, 9, 20).unwrap();
    let input = PersonInput {
        full_name: "Triệu Thị Nhà".into(),
        birth: "1961".into(),
        sex: "nữ".into(),
        commune_code: HA_KHANH.into(),
        ..Default::default()
    };
    let system = Actor::system("test");
    let id = s
        .create_person(&system, &input.parse(on).unwrap(), true)
        .await
        .unwrap()
        .id;
    let staff = actor(HA_KHANH, Role::HealthStaff);
    let mut e = Enrolment {
        age_years: 60,
        mild_or_no_symptoms: true,
        breathing_rate: 18,
        spo2: 97,
        can_self_care_and_call: true,
        ..Default::default()
    };
    let err = s
        .enrol_home_treatment(&staff, id, &e, on)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { .. }),
        "not an F0 yet: {err:?}"
    );
    let case = CaseInput::found_in_community(id, "19/09/2021", "19/09/2021", "rt_pcr");
    let (case, _) = s.confirm_case(&system, &case, on).await.unwrap();
    let StoreError::Invalid(i) = s
        .enrol_home_treatment(&staff, id, &e, on)
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(i.0[0].field, "risk", "60 and unvaccinated: not at home");
    e.doses = 2;
    let t = s.enrol_home_treatment(&staff, id, &e, on).await.unwrap();
    assert_eq!(t.status, "active");

    let today = phongdich_domain::Clock::system().today();
    let missing = s
        .missing_vitals(&staff.scope, today, Paging::default())
        .await
        .unwrap();
    assert_eq!(
        (missing.total, missing.entries[0].readings),
        (1, 0),
        "no reading yet today"
    );
    let fine = Vitals {
        spo2: Some(97),
        breathing_rate: Some(18),
        pulse: Some(80),
        ..Default::default()
    };
    let r = s.record_vitals(&staff, t.id, &fine, on).await.unwrap();
    assert!(r.alert_id.is_none() && r.signs.is_empty());
    let missing = s
        .missing_vitals(&staff.scope, today, Paging::default())
        .await
        .unwrap();
    assert_eq!(missing.entries[0].readings, 1, "one of the day's two");
    let day = s
        .quarantine_day(&staff.scope, today, Paging::default())
        .await
        .unwrap();
    assert_eq!(
        (
            day.missing_vitals.total,
            day.missing_vitals.entries[0].readings
        ),
        (1, 1),
        "the day page's one call reads the same list"
    );
    let elsewhere = actor(HA_PHONG, Role::HealthStaff).scope;
    let none = s
        .missing_vitals(&elsewhere, today, Paging::default())
        .await
        .unwrap();
    assert_eq!((none.total, none.entries.len()), (0, 0));
    let bad = Vitals {
        spo2: Some(93),
        breathing_rate: Some(24),
        ..Default::default()
    };
    let r = s.record_vitals(&staff, t.id, &bad, on).await.unwrap();
    assert_eq!(r.signs, ["breathing", "spo2"]);
    let missing = s
        .missing_vitals(&staff.scope, today, Paging::default())
        .await
        .unwrap();
    assert_eq!(missing.total, 0, "both taken");
    let alert_id = r.alert_id.unwrap();
    let nonsense = Vitals {
        spo2: Some(130),
        ..Default::default()
    };
    assert!(matches!(
        s.record_vitals(&staff, t.id, &nonsense, on).await,
        Err(StoreError::Invalid(_))
    ));

    let other = actor(HA_PHONG, Role::HealthStaff);
    assert!(s.treatment_alerts(&other.scope).await.unwrap().is_empty());
    assert!(matches!(
        s.acknowledge_alert(&other, alert_id).await,
        Err(StoreError::NotFound { .. })
    ));
    let alerts = s.treatment_alerts(&staff.scope).await.unwrap();
    assert_eq!((alerts.len(), alerts[0].status.as_str()), (1, "open"));
    let open = s
        .open_alerts(&staff.scope, Paging::default())
        .await
        .unwrap();
    assert_eq!((open.total, open.entries[0].id), (1, alert_id));
    assert_eq!(
        open.oldest.as_deref(),
        Some(open.entries[0].raised_at.as_str())
    );
    let day = s
        .quarantine_day(&staff.scope, today, Paging::default())
        .await
        .unwrap();
    assert_eq!(
        (
            day.open_alerts.total,
            day.open_alerts.entries[0].id,
            &day.open_alerts.oldest
        ),
        (1, alert_id, &open.oldest),
        "the day page's one call reads the same list"
    );
    assert_eq!(
        s.open_alerts(&other.scope, Paging::default())
            .await
            .unwrap()
            .total,
        0
    );
    let a = s.acknowledge_alert(&staff, alert_id).await.unwrap();
    assert!(a.minutes_to_acknowledge.is_some());
    let open = s
        .open_alerts(&staff.scope, Paging::default())
        .await
        .unwrap();
    assert_eq!(
        (open.total, open.entries[0].status.as_str()),
        (1, "acknowledged"),
        "taken, not yet dealt with"
    );
    let a = s
        .act_on_alert(
            &staff,
            alert_id,
            &AlertAction {
                action: "transfer".into(),
                note: "Bệnh viện dã chiến số 1".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (a.status.as_str(), a.action.as_deref()),
        ("closed", Some("transfer"))
    );
    let t = &s.treatments_of(&staff.scope, id).await.unwrap()[0];
    assert_eq!(t.status, "transferred");
    assert_eq!(
        s.open_alerts(&staff.scope, Paging::default())
            .await
            .unwrap()
            .total,
        0,
        "dealt with"
    );
    assert_eq!(
        s.missing_vitals(&staff.scope, today, Paging::default())
            .await
            .unwrap()
            .total,
        0,
        "in hospital, no readings due at home"
    );
    assert_eq!(
        s.case(&staff.scope, case.id).await.unwrap().course.as_str(),
        "hospital"
    );
    let entries = s
        .audit_entries(&system, &phongdich_store::AuditFilter::default())
        .await
        .unwrap();
    for entity in ["home_treatment", "vital_signs", "treatment_alert"] {
        assert!(
            entries.iter().any(|e| e.entity == entity),
            "{entity} audited"
        );
    }
}
