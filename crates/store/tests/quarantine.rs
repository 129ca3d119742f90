#![allow(clippy::unwrap_used)]
//! Quarantine orders through the store, on SQLite or PostgreSQL: from an F1
//! through an order computed by the rule in force, its tests and its release.

use chrono::NaiveDate;
use phongdich_domain::contact::ContactInput;
use phongdich_domain::quarantine::{QuarantineKind, QuarantineRule, Situation};
use phongdich_domain::testing::ResultInput;
use phongdich_domain::{PersonInput, Role};
use phongdich_store::testing::{HA_KHANH, HA_PHONG, TestDb, actor, create_person, d, person_input};
use phongdich_store::{
    Actor, CaseInput, OrderInput, Paging, QuarantineDay, SampleInput, Store, StoreError,
};

async fn person(s: &Store, name: &str) -> i64 {
    let input = PersonInput {
        street_address: "Tổ 5, khu 3".into(),
        ..person_input(name, "1990", "nữ", HA_KHANH)
    };
    create_person(s, &input, d(1, 8)).await
}

async fn test_on(s: &Store, person_id: i64, day: &str, outcome: &str) {
    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    let today = d(30, 8);
    let sample = s
        .record_sample(
            &staff,
            &SampleInput {
                person_id,
                collected_on: day.into(),
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
    s.record_result(
        &actor(HA_KHANH, Role::LabStaff),
        &ResultInput {
            code: sample.code,
            test_kind: "rt_pcr".into(),
            outcome: outcome.into(),
            resulted_on: day.into(),
            ..Default::default()
        },
        today,
    )
    .await
    .unwrap();
}

/// Three people of a household: the first confirmed F0 on 31/7/2021 after
/// living with the other two on 29/7/2021 (so they are F1 since 29/7).
async fn f0_and_household(s: &Store, names: [&str; 3]) -> [i64; 3] {
    let system = Actor::system("test");
    let [f0, b, c] = [
        person(s, names[0]).await,
        person(s, names[1]).await,
        person(s, names[2]).await,
    ];
    for other in [b, c] {
        let contact = ContactInput {
            person_id: f0,
            other_person_id: other,
            date: "29/07/2021".into(),
            setting: "household".into(),
            ..Default::default()
        }
        .parse(d(1, 8))
        .unwrap();
        s.add_contact(&system, &contact).await.unwrap();
    }
    let case = CaseInput::found_in_community(f0, "31/07/2021", "31/07/2021", "rt_pcr");
    s.confirm_case(&system, &case, d(1, 8)).await.unwrap();
    [f0, b, c]
}

fn f1_order(person_id: i64) -> OrderInput {
    OrderInput {
        person_id,
        situation: "f1".into(),
        start_on: "01/08/2021".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn an_f1_is_ordered_tested_and_released_only_when_the_rule_allows() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    let a = person(s, "Hồ Thị Cách").await;

    let proposal = s.propose_order(&staff.scope, &f1_order(a)).await.unwrap();
    assert_eq!(proposal.rule.source, "5599/BYT-MT");
    let order = s.create_order(&staff, &f1_order(a)).await.unwrap();
    assert_eq!(
        (order.kind.as_str(), order.planned_end.as_str()),
        ("centralised", "2021-08-14")
    );
    assert_eq!(order.test_days, ["2021-08-01", "2021-08-07", "2021-08-14"]);
    assert_eq!(order.place.as_deref(), None, "a site, named on admission");
    let again = s.create_order(&staff, &f1_order(a)).await.unwrap_err();
    assert!(matches!(again, StoreError::Conflict { .. }), "{again:?}");

    // The day lists follow the order.
    let listed = s.sampling_list_on(&staff.scope, d(7, 8)).await.unwrap();
    assert!(
        listed
            .iter()
            .any(|i| i.person_id == a && i.reason == "scheduled_test"),
        "day 7's test is on the day's sampling list"
    );
    let day7 = s
        .quarantine_day(&staff.scope, d(7, 8), Paging::default())
        .await
        .unwrap();
    assert_eq!((day7.tests_due.total, day7.active), (1, 1));
    assert_eq!(day7.tests_due.entries[0].order_id, order.id);
    let day14 = s
        .quarantine_day(&staff.scope, d(14, 8), Paging::default())
        .await
        .unwrap();
    assert_eq!(day14.ending.total, 1);
    let day16 = s
        .quarantine_day(&staff.scope, d(16, 8), Paging::default())
        .await
        .unwrap();
    assert_eq!(day16.overdue.total, 1, "not forgotten past its last day");

    test_on(s, a, "01/08/2021", "negative").await;
    test_on(s, a, "07/08/2021", "negative").await;
    let listed = s.sampling_list_on(&staff.scope, d(7, 8)).await.unwrap();
    assert!(
        !listed.iter().any(|i| i.reason == "scheduled_test"),
        "taken"
    );
    let StoreError::Invalid(i) = s
        .release_order(&staff, order.id, d(10, 8))
        .await
        .unwrap_err()
    else {
        panic!()
    };
    let codes: Vec<&str> = i.0.iter().map(|e| e.code).collect();
    assert_eq!(codes, ["too_early", "missing_test"]);
    assert!(
        i.0.iter()
            .all(|e| !e.message_vi.is_empty() && !e.message_en.is_empty())
    );
    test_on(s, a, "14/08/2021", "negative").await;
    // Another commune cannot see it, nor release it.
    let other = actor(HA_PHONG, Role::QuarantineStaff);
    let err = s
        .release_order(&other, order.id, d(14, 8))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    let released = s.release_order(&staff, order.id, d(14, 8)).await.unwrap();
    assert_eq!(
        (released.status.as_str(), released.released_on.as_deref()),
        ("released", Some("2021-08-14"))
    );
    let entries = s
        .audit_entries(
            &Actor::system("test"),
            &phongdich_store::AuditFilter {
                entity: Some("quarantine_order".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(entries.len(), 2, "issued and released, both on file");
}

#[tokio::test]
async fn every_f1_gets_an_order_in_one_go_and_an_extension_needs_a_reason() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    f0_and_household(s, ["Mai Văn Nguồn", "Mai Thị Bé", "Mai Văn Cả"]).await;
    let orders = s.order_all_f1(&staff, "01/08/2021").await.unwrap();
    assert_eq!(orders.len(), 2);
    assert!(
        s.order_all_f1(&staff, "01/08/2021")
            .await
            .unwrap()
            .is_empty(),
        "once"
    );
    assert!(
        s.order_all_f1(&actor(HA_KHANH, Role::ContactTracer), "01/08/2021")
            .await
            .is_err(),
        "a tracer does not issue orders"
    );

    let err = s
        .extend_order(&staff, orders[0].id, "20/08/2021", " ")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)));
    let longer = s
        .extend_order(
            &staff,
            orders[0].id,
            "20/08/2021",
            "Xét nghiệm ngày 14 dương tính trong hộ",
        )
        .await
        .unwrap();
    assert_eq!(
        (longer.planned_end.as_str(), longer.monitoring_end.as_str()),
        ("2021-08-20", "2021-09-03")
    );
}

#[tokio::test]
async fn a_province_adds_its_own_rule_and_new_orders_follow_it() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    let admin = actor("22", Role::Admin);
    let a = person(s, "Lò Văn Về").await;
    let mut rule = QuarantineRule {
        code: "qn-2021-08-vung-dich".into(),
        situation: Situation::FromEpidemicArea,
        from: d(10, 8),
        who: None,
        kind: QuarantineKind::Centralised,
        days: 14,
        monitoring_days: 7,
        test_days: vec![1, 7, 14],
        release_needs_negative_tests: true,
        source: "Công văn UBND tỉnh Quảng Ninh".into(),
        province_code: Some("22".into()),
    };
    let err = s
        .save_province_rule(&actor("193", Role::Admin), &rule)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Forbidden { .. }),
        "a district may not"
    );
    s.save_province_rule(&admin, &rule).await.unwrap();
    rule.monitoring_days = 14;
    s.save_province_rule(&admin, &rule).await.unwrap();
    // Another province may not version Quảng Ninh's rule (nor a national one).
    let hai_phong = actor("31", Role::Admin);
    let theirs = QuarantineRule {
        province_code: Some("31".into()),
        ..rule.clone()
    };
    for code in ["qn-2021-08-vung-dich", "5599-f1"] {
        let StoreError::Invalid(i) = s
            .save_province_rule(
                &hai_phong,
                &QuarantineRule {
                    code: code.into(),
                    ..theirs.clone()
                },
            )
            .await
            .unwrap_err()
        else {
            panic!("{code} refused")
        };
        assert_eq!((i.0[0].field.as_str(), i.0[0].code), ("code", "taken"));
    }
    // Besides the rules seeded for 18/10/2021 (returnees), which stay apart.
    let versions = s.province_rule_versions("22").await.unwrap();
    assert_eq!(
        versions
            .iter()
            .filter(|v| v.code == "qn-2021-08-vung-dich")
            .map(|v| (v.version, v.current))
            .collect::<Vec<_>>(),
        [(2, true), (1, false)]
    );
    assert!(s.province_rule_versions("31").await.unwrap().is_empty());
    let input = OrderInput {
        person_id: a,
        situation: "from_epidemic_area".into(),
        start_on: "15/08/2021".into(),
        doses: 2,
        last_dose_on: "01/07/2021".into(),
        ..Default::default()
    };
    let p = s.propose_order(&staff.scope, &input).await.unwrap();
    assert_eq!(
        (p.rule.code.as_str(), p.rule.monitoring_days),
        ("qn-2021-08-vung-dich", 14),
        "the province's latest version, even for the vaccinated"
    );
    let before = OrderInput {
        start_on: "05/08/2021".into(),
        ..input.clone()
    };
    let p = s.propose_order(&staff.scope, &before).await.unwrap();
    assert_eq!(p.rule.code, "moh-2021-08-area-protected", "before its date");
    let err = s
        .propose_order(
            &staff.scope,
            &OrderInput {
                situation: "tourist".into(),
                start_on: "hôm qua".into(),
                ..input
            },
        )
        .await
        .unwrap_err();
    let StoreError::Invalid(i) = err else {
        panic!()
    };
    assert_eq!(i.0.len(), 2);
}

#[tokio::test]
async fn a_site_admits_until_its_beds_are_full_and_counts_them_per_day() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    let input = phongdich_store::PlaceInput {
        name: "Ký túc xá Trường Cao đẳng Y tế".into(),
        kind: "centralised".into(),
        commune_code: HA_KHANH.into(),
        beds: vec![("regular".into(), 2)],
        staff: 12,
        ..Default::default()
    };
    let err = s
        .create_place(&actor(HA_PHONG, Role::QuarantineStaff), &input)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(_)),
        "another commune's site: {err:?}"
    );
    let place = s.create_place(&staff, &input).await.unwrap();
    let (a, b, c) = (
        person(s, "Đào Văn Một").await,
        person(s, "Đào Thị Hai").await,
        person(s, "Đào Văn Ba").await,
    );
    s.create_order(&staff, &f1_order(a)).await.unwrap();
    let first = s
        .admit(&staff, place.id, a, "regular", "01/08/2021")
        .await
        .unwrap();
    s.admit(&staff, place.id, b, "regular", "02/08/2021")
        .await
        .unwrap();
    let full = s
        .admit(&staff, place.id, c, "regular", "02/08/2021")
        .await
        .unwrap_err();
    assert!(matches!(full, StoreError::Conflict { .. }), "{full:?}");
    let again = s
        .admit(&staff, place.id, a, "regular", "02/08/2021")
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::Conflict { .. }));
    let now = s.place(&staff.scope, place.id).await.unwrap();
    assert_eq!((now.beds[0].occupied, now.beds[0].free), (2, 0));
    // The day page's one call gives the same beds as the list of places.
    let day = s
        .quarantine_day(&staff.scope, d(2, 8), Paging::default())
        .await
        .unwrap();
    let beds = &day.free_beds[0];
    assert_eq!(
        (beds.place_id, beds.name.as_str()),
        (place.id, now.name.as_str())
    );
    assert_eq!(
        beds.beds
            .iter()
            .map(|b| (b.bed_type.as_str(), b.capacity, b.occupied, b.free))
            .collect::<Vec<_>>(),
        now.beds
            .iter()
            .map(|b| (b.bed_type.as_str(), b.capacity, b.occupied, b.free))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        s.free_beds(&actor(HA_PHONG, Role::Viewer).scope)
            .await
            .unwrap()
            .len(),
        0,
        "another district's places"
    );
    let order = &s.orders_of(&staff.scope, a).await.unwrap()[0];
    assert_eq!(
        order.place.as_deref(),
        Some("Ký túc xá Trường Cao đẳng Y tế")
    );
    s.discharge(&staff, first.id, "03/08/2021").await.unwrap();
    let days = s
        .occupancy(&staff.scope, place.id, d(1, 8), d(4, 8))
        .await
        .unwrap();
    let counts: Vec<i64> = days.iter().map(|x| x.1).collect();
    assert_eq!(counts, [1, 2, 1, 1]);
    assert!(
        s.places(&actor(HA_PHONG, Role::Viewer).scope)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.places(&actor("193", Role::Viewer).scope)
            .await
            .unwrap()
            .len(),
        1,
        "the district sees it"
    );
}

#[tokio::test]
async fn a_recovered_f0_gets_the_rule_for_the_recovered_without_typing_it() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    let system = Actor::system("test");
    let id = person(s, "Ma Thị Khỏi").await;
    let case = CaseInput::found_in_community(id, "01/11/2021", "01/11/2021", "rt_pcr");
    let (case, _) = s.confirm_case(&system, &case, d(1, 11)).await.unwrap();
    let input = OrderInput {
        person_id: id,
        situation: "f1".into(),
        start_on: "20/12/2021".into(),
        ..Default::default()
    };
    let p = s.propose_order(&staff.scope, &input).await.unwrap();
    assert_eq!(
        p.rule.source, "5599/BYT-MT",
        "still ill: no recovery on record"
    );
    s.set_case_course(
        &system,
        case.id,
        "recovered",
        NaiveDate::from_ymd_opt(2021, 11, 15),
    )
    .await
    .unwrap();
    let p = s.propose_order(&staff.scope, &input).await.unwrap();
    assert_eq!(
        (p.rule.source.as_str(), p.rule.days),
        ("10696/BYT-MT", 7),
        "recovered 35 days before: 7 days at home"
    );
}

/// The day's lists for the staff of Hà Khánh, first page.
async fn lists(s: &Store, day: NaiveDate) -> QuarantineDay {
    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    s.quarantine_day(&staff.scope, day, Paging::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn test_day_rows_follow_an_order_through_extension_and_release() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    let a = person(s, "Vi Văn Theo").await;
    let order = s.create_order(&staff, &f1_order(a)).await.unwrap();
    for day in [d(1, 8), d(7, 8), d(14, 8)] {
        let l = lists(s, day).await;
        assert_eq!(l.tests_due.total, 1, "test due on {day}");
        assert_eq!(l.tests_due.entries[0].order_id, order.id);
        assert_eq!(l.tests_due.entries[0].test_days, order.test_days);
    }
    assert_eq!(
        lists(s, d(8, 8)).await.tests_due.total,
        0,
        "no test that day"
    );
    // The district and the province see the same rows; another commune none.
    for unit in ["193", "22"] {
        let l = s
            .quarantine_day(&actor(unit, Role::Viewer).scope, d(7, 8), Paging::default())
            .await
            .unwrap();
        assert_eq!((l.active, l.tests_due.total), (1, 1), "seen from {unit}");
    }
    let other = s
        .quarantine_day(
            &actor(HA_PHONG, Role::Viewer).scope,
            d(7, 8),
            Paging::default(),
        )
        .await
        .unwrap();
    assert_eq!((other.active, other.tests_due.total), (0, 0));

    s.extend_order(&staff, order.id, "20/08/2021", "Hộ có F0 mới")
        .await
        .unwrap();
    let l = lists(s, d(14, 8)).await;
    assert_eq!(
        (l.tests_due.total, l.ending.total, l.overdue.total),
        (1, 0, 0),
        "extended: the day-14 test stays, the order no longer ends that day"
    );
    let l = lists(s, d(20, 8)).await;
    assert_eq!(
        (l.ending.total, l.ending.entries[0].planned_end.as_str()),
        (1, "2021-08-20")
    );
    assert_eq!(lists(s, d(21, 8)).await.overdue.total, 1);

    for day in ["01/08/2021", "07/08/2021", "14/08/2021"] {
        test_on(s, a, day, "negative").await;
    }
    s.release_order(&staff, order.id, d(20, 8)).await.unwrap();
    for day in [d(1, 8), d(7, 8), d(14, 8), d(20, 8), d(21, 8)] {
        let l = lists(s, day).await;
        assert_eq!(
            (l.active, l.tests_due.total, l.ending.total, l.overdue.total),
            (0, 0, 0, 0),
            "released: off every list on {day}"
        );
    }
    assert!(
        s.sampling_list_on(&staff.scope, d(14, 8))
            .await
            .unwrap()
            .iter()
            .all(|i| i.reason != "scheduled_test"),
        "and off the sampling list"
    );
    // The order itself keeps its test days.
    let kept = s.quarantine_order(&staff.scope, order.id).await.unwrap();
    assert_eq!(kept.test_days, ["2021-08-01", "2021-08-07", "2021-08-14"]);
}

#[tokio::test]
async fn day_lists_are_paged_with_whole_counts() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    let mut orders = Vec::new();
    let given = ["An", "Bình", "Chi", "Dũng", "Em", "Giang", "Hà"];
    for g in given {
        let p = person(s, &format!("Lục Văn {g}")).await;
        orders.push(s.create_order(&staff, &f1_order(p)).await.unwrap().id);
    }
    let mut seen = Vec::new();
    for page in 0..4 {
        let l = s
            .quarantine_day(&staff.scope, d(7, 8), Paging::new(page * 3, 3))
            .await
            .unwrap();
        assert_eq!(
            (l.tests_due.total, l.active),
            (7, 7),
            "whole counts on page {page}"
        );
        assert_eq!(l.tests_due.entries.len(), [3, 3, 1, 0][page as usize]);
        assert_eq!(
            Paging::new(page * 3, 3).has_more(l.tests_due.total),
            page < 2
        );
        seen.extend(l.tests_due.entries.iter().map(|e| e.order_id));
    }
    assert_eq!(seen, orders, "disjoint pages covering the list, in order");
    let l = s
        .quarantine_day(&staff.scope, d(16, 8), Paging::new(5, 100))
        .await
        .unwrap();
    assert_eq!((l.overdue.total, l.overdue.entries.len()), (7, 2));
    assert_eq!(l.overdue.entries[1].order_id, orders[6]);
    assert_eq!(Paging::page(3), Paging::new(200, 100));
    assert_eq!(
        Paging::new(-5, 1_000_000),
        Paging::new(0, Paging::MAX_LIMIT)
    );
}

/// History entered late, before the first national rule on file (5/5/2021):
/// an F1 of the summer 2020 wave has no rule until the province adds its own
/// (then the order follows it, dated 2020); an order of 2021 still follows
/// the national rule of its day.
#[tokio::test]
async fn a_province_rule_covers_the_days_before_the_first_national_rule() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    let a = person(s, "Hoàng Thị Hoa").await;
    let input = OrderInput {
        start_on: "01/08/2020".into(),
        ..f1_order(a)
    };
    let StoreError::Invalid(i) = s.propose_order(&staff.scope, &input).await.unwrap_err() else {
        panic!("no rule in force in 2020 yet")
    };
    assert_eq!(
        (i.0[0].field.as_str(), i.0[0].code),
        ("start_on", "no_rule")
    );
    assert!(!i.0[0].message_vi.is_empty() && !i.0[0].message_en.is_empty());

    let rule = QuarantineRule {
        code: "qn-2020-07-f1".into(),
        situation: Situation::F1,
        from: NaiveDate::from_ymd_opt(2020, 7, 28).unwrap(),
        who: None,
        kind: QuarantineKind::Centralised,
        days: 14,
        monitoring_days: 14,
        test_days: vec![1, 14],
        release_needs_negative_tests: true,
        source: "Công văn UBND tỉnh Quảng Ninh (đợt dịch Đà Nẵng)".into(),
        province_code: Some("22".into()),
    };
    s.save_province_rule(&actor("22", Role::Admin), &rule)
        .await
        .unwrap();
    let order = s.create_order(&staff, &input).await.unwrap();
    assert_eq!(
        (
            order.rule_code.as_str(),
            order.start_on.as_str(),
            order.planned_end.as_str()
        ),
        ("qn-2020-07-f1", "2020-08-01", "2020-08-14")
    );
    let b = person(s, "Hoàng Văn Hải").await;
    let p = s.propose_order(&staff.scope, &f1_order(b)).await.unwrap();
    assert_ne!(
        p.rule.code, "qn-2020-07-f1",
        "the national rule of 1/8/2021"
    );
}

/// Issue 18, bug 8 (a): an order at a centralised site names the site — an
/// order issued before the admission has no place yet (the admission names
/// it), never the home address; a home order is served at home, so its place
/// is the person's address unless another is typed. 5599/BYT-MT (14/7/2021):
/// F1 quarantine is centralised; MoH guidance of August 2021: people from an
/// epidemic area stay home.
#[tokio::test]
async fn a_centralised_order_never_takes_the_home_address_for_its_site() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    let (a, b) = (
        person(s, "Lục Văn Tập").await,
        person(s, "Lục Thị Nhà").await,
    );
    let centralised = s.create_order(&staff, &f1_order(a)).await.unwrap();
    assert_eq!(
        (centralised.kind.as_str(), centralised.place.as_deref()),
        ("centralised", None),
        "no site named yet: not the home address"
    );
    let home = s
        .create_order(
            &staff,
            &OrderInput {
                situation: "from_epidemic_area".into(),
                ..f1_order(b)
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (home.kind.as_str(), home.place.as_deref()),
        ("home", Some("Tổ 5, khu 3"))
    );
    let place = s
        .create_place(
            &staff,
            &phongdich_store::PlaceInput {
                name: "Trường Chính trị tỉnh".into(),
                kind: "centralised".into(),
                commune_code: HA_KHANH.into(),
                beds: vec![("regular".into(), 10)],
                staff: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    s.admit(&staff, place.id, a, "regular", "01/08/2021")
        .await
        .unwrap();
    let named = s
        .quarantine_order(&staff.scope, centralised.id)
        .await
        .unwrap();
    assert_eq!(named.place.as_deref(), Some("Trường Chính trị tỉnh"));
}

/// Issue 18, bug 8 (b): an F1's quarantine is counted from their exposure
/// (domain rules §2, "how long a class lasts"), so an order may not start
/// long before it: an F1 exposed on 29/7/2021 may start on 27/7 (two days'
/// leeway for a contact date known only roughly) but not on 26/7, nor years
/// earlier; and no order starts before 1/1/2020, before the epidemic.
#[tokio::test]
async fn an_order_does_not_start_long_before_the_exposure() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::QuarantineStaff);
    let [_, b, c] = f0_and_household(s, ["Kha Văn Nguồn", "Kha Thị Bé", "Kha Văn Cả"]).await;
    let starting = |person_id: i64, on: &str| OrderInput {
        start_on: on.into(),
        ..f1_order(person_id)
    };
    for on in ["26/07/2021", "01/08/2020"] {
        let StoreError::Invalid(i) = s.create_order(&staff, &starting(b, on)).await.unwrap_err()
        else {
            panic!("an order from {on} for an F1 exposed on 29/7/2021")
        };
        assert_eq!(i.0[0].field, "start_on", "{on}: {i:?}");
        assert!(
            i.0[0].message_en.contains("29/07/2021") && i.0[0].message_vi.contains("29/07/2021"),
            "{on}: {i:?}"
        );
    }
    let StoreError::Invalid(i) = s
        .create_order(&staff, &starting(b, "31/12/2019"))
        .await
        .unwrap_err()
    else {
        panic!("before the epidemic")
    };
    assert_eq!(
        (i.0[0].field.as_str(), i.0[0].code),
        ("start_on", "too_early")
    );
    let order = s
        .create_order(&staff, &starting(b, "27/07/2021"))
        .await
        .unwrap();
    assert_eq!(order.start_on, "2021-07-27");
    let order = s
        .create_order(&staff, &starting(c, "01/08/2021"))
        .await
        .unwrap();
    assert_eq!(order.start_on, "2021-08-01");
}
