#![allow(clippy::unwrap_used)]
//! Lockdown areas through the store, on SQLite or PostgreSQL: a commune and
//! a drawn place locked down for their F0, the people inside counted against
//! the test's own count, extended and lifted with their decisions kept,
//! overlaps and bad dates refused, and every crossing of jurisdiction tried.
//!
//! The dates follow Quảng Ninh's practice of August 2021 (a ward or a street
//! locked down for 14 days from an F0's confirmation, extended by decision).

use chrono::{NaiveDate, TimeZone, Utc};
use phongdich_domain::{Clock, PersonInput, Role};
use phongdich_store::testing::{
    HA_KHANH, HA_LONG, HA_PHONG, QUANG_NINH, TestDb, actor, create_person, seed_f2,
};
use phongdich_store::{
    CampaignInput, LockdownChangeInput, LockdownInput, NewHamlet, Store, StoreError,
};

fn day(d: u32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, m, d).unwrap()
}

/// 20/08/2021, 09:00 in Vietnam.
async fn db() -> TestDb {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 8, 20, 2, 0, 0).unwrap();
    db.store = db.store.clone().with_clock(Clock::fixed(at));
    db
}

fn whole(unit: &str) -> LockdownInput {
    LockdownInput {
        unit_code: unit.into(),
        reason: "F0 trong cộng đồng chưa rõ nguồn lây".into(),
        decision: "15/QĐ-UBND".into(),
        issued_by: "UBND phường Hà Khánh".into(),
        from_on: "10/08/2021".into(),
        planned_until: "24/08/2021".into(),
        ..Default::default()
    }
}

async fn resident(s: &Store, name: &str, commune: &str, street: &str, hamlet: Option<&str>) -> i64 {
    create_person(
        s,
        &PersonInput {
            full_name: name.into(),
            birth: "1980".into(),
            sex: "nữ".into(),
            commune_code: commune.into(),
            hamlet_code: hamlet.unwrap_or_default().into(),
            street_address: street.into(),
            ..Default::default()
        },
        day(20, 8),
    )
    .await
}

use phongdich_store::testing::invalid_fields as codes;

fn change(kind: &str, on: &str) -> LockdownChangeInput {
    LockdownChangeInput {
        kind: kind.into(),
        on: on.into(),
        decision: format!("{kind}/QĐ-UBND"),
        reason: "Theo đề nghị của trạm y tế".into(),
    }
}

#[tokio::test]
async fn a_commune_locked_down_for_its_f0_is_extended_then_lifted_and_keeps_its_history() {
    let db = db().await;
    let s = &db.store;
    // An F0 (with an F1 and two F2) in Hà Khánh, three more people there,
    // two in Hà Phong.
    seed_f2(s, HA_KHANH, 2).await;
    for n in ["Phạm Thị Ba", "Vũ Văn Bốn", "Đỗ Thị Năm"] {
        resident(s, n, HA_KHANH, "Tổ 1", None).await;
    }
    for n in ["Hoàng Văn Sáu", "Ngô Thị Bảy"] {
        resident(s, n, HA_PHONG, "Tổ 2", None).await;
    }
    let case_code = db.strings("SELECT code FROM cases").await[0]
        .clone()
        .unwrap();
    let commune = actor(HA_KHANH, Role::HealthStaff);
    let l = s
        .create_lockdown(
            &commune,
            &LockdownInput {
                case_codes: case_code.to_lowercase(),
                ..whole(HA_KHANH)
            },
        )
        .await
        .unwrap();
    assert_eq!(l.unit_name, "Phường Hà Khánh");
    assert_eq!(l.unit_level, "commune");
    assert_eq!(l.cases.len(), 1);
    assert_eq!(l.cases[0].code, case_code);
    assert_eq!(l.cases[0].full_name, "Nguyễn Văn Gốc");

    // The people inside: the test's own count of Hà Khánh's people.
    let d = s.lockdown(&commune.scope, l.id).await.unwrap();
    let expected = db
        .count(&format!(
            "SELECT COUNT(*) FROM persons WHERE commune_code = '{HA_KHANH}' AND merged_into IS NULL"
        ))
        .await;
    assert_eq!(expected, 7);
    assert_eq!(d.people, expected);
    assert_eq!(d.state, "active");
    assert_eq!(d.events.len(), 1);
    assert_eq!(d.events[0].kind, "impose");
    let (people, total) = s.lockdown_people(&commune.scope, l.id, 0, 3).await.unwrap();
    assert_eq!((people.len(), total), (3, 7));
    // By name.
    assert_eq!(people[0].full_name, "Đỗ Thị Năm");

    // Overlapping the same commune: refused, naming the decision in force.
    let e = s
        .create_lockdown(
            &commune,
            &LockdownInput {
                from_on: "24/08/2021".into(),
                planned_until: "30/08/2021".into(),
                ..whole(HA_KHANH)
            },
        )
        .await
        .unwrap_err();
    let StoreError::Conflict { message_vi, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(message_vi.contains("15/QĐ-UBND"), "{message_vi}");

    // Extended to 31/08 (not to a day before the planned end), then lifted
    // on 20/08 (not tomorrow, not before the start).
    let e = s
        .change_lockdown(&commune, l.id, &change("extend", "23/08/2021"))
        .await
        .unwrap_err();
    assert_eq!(codes(&e), [("on".to_owned(), "not_later".to_owned())]);
    let l2 = s
        .change_lockdown(&commune, l.id, &change("extend", "31/08/2021"))
        .await
        .unwrap();
    assert_eq!(l2.planned_until, day(31, 8));
    assert_eq!(l2.version, l.version + 1);
    let e = s
        .change_lockdown(&commune, l.id, &change("lift", "21/08/2021"))
        .await
        .unwrap_err();
    assert_eq!(codes(&e), [("on".to_owned(), "future".to_owned())]);
    let l3 = s
        .change_lockdown(&commune, l.id, &change("lift", "20/08/2021"))
        .await
        .unwrap();
    assert_eq!(l3.lifted_on, Some(day(20, 8)));
    let e = s
        .change_lockdown(&commune, l.id, &change("extend", "10/09/2021"))
        .await
        .unwrap_err();
    assert_eq!(codes(&e), [("kind".to_owned(), "lifted".to_owned())]);

    // History: three decisions, three audit entries; nothing deleted.
    let d = s.lockdown(&commune.scope, l.id).await.unwrap();
    let kinds: Vec<&str> = d.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["impose", "extend", "lift"]);
    assert_eq!(d.events[1].on_day, day(31, 8));
    assert_eq!(d.events[2].decision, "lift/QĐ-UBND");
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'lockdown'")
            .await,
        3
    );
    assert_eq!(db.rows("lockdowns").await, 1);
    // Lifted from 20/08 (it held until 19/08): a new one from 20/08 no
    // longer overlaps.
    let second = s
        .create_lockdown(
            &commune,
            &LockdownInput {
                from_on: "20/08/2021".into(),
                planned_until: "04/09/2021".into(),
                decision: "16/QĐ-UBND".into(),
                ..whole(HA_KHANH)
            },
        )
        .await
        .unwrap();
    // Holding on 19/08: the first; on 20/08: the second only.
    let on = |d| s.lockdowns(&commune.scope, Some(d));
    assert_eq!(
        on(day(19, 8))
            .await
            .unwrap()
            .iter()
            .map(|x| x.id)
            .collect::<Vec<_>>(),
        [l.id]
    );
    assert_eq!(
        on(day(20, 8))
            .await
            .unwrap()
            .iter()
            .map(|x| x.id)
            .collect::<Vec<_>>(),
        [second.id]
    );
}

#[tokio::test]
async fn a_drawn_street_holds_the_people_at_its_addresses_and_says_which_address_nobody_lives_at() {
    let db = db().await;
    let s = &db.store;
    let hamlet = s
        .add_hamlet(
            &actor(HA_KHANH, Role::Admin),
            &NewHamlet {
                commune_code: HA_KHANH.into(),
                name: "Khu 5".into(),
                kind: "khu phố".into(),
            },
        )
        .await
        .unwrap();
    // Hand-drawn: who lives at "Số 5 Lê Lợi" and "Số 7 Lê Lợi" — with or
    // without diacritics, with more after the number — and who does not.
    let inside = [
        resident(s, "An Văn Một", HA_KHANH, "Số 5 Lê Lợi", Some(&hamlet.code)).await,
        resident(s, "An Văn Hai", HA_KHANH, "so 5 le loi, to 3", None).await,
        resident(s, "An Văn Ba", HA_KHANH, "SỐ 7 LÊ LỢI", None).await,
    ];
    let outside = [
        resident(s, "Bùi Văn Bốn", HA_KHANH, "Số 15 Lê Lợi", None).await,
        resident(s, "Bùi Văn Năm", HA_KHANH, "Số 5 Lê Lai", None).await,
        resident(s, "Bùi Văn Sáu", HA_KHANH, "", None).await,
        // The same address in another commune.
        resident(s, "Bùi Văn Bảy", HA_PHONG, "Số 5 Lê Lợi", None).await,
    ];
    let commune = actor(HA_KHANH, Role::HealthStaff);
    let l = s
        .create_lockdown(
            &commune,
            &LockdownInput {
                place: "Phố Lê Lợi (số 5–9)".into(),
                addresses: "Số 5 Lê Lợi\nSố 7 Lê Lợi\nSố 9 Lê Lợi\n".into(),
                ..whole(HA_KHANH)
            },
        )
        .await
        .unwrap();
    assert_eq!(l.addresses.len(), 3);
    let d = s.lockdown(&commune.scope, l.id).await.unwrap();
    assert_eq!(d.people, 3);
    assert_eq!(d.unmatched_addresses, ["Số 9 Lê Lợi"]);
    let (people, _) = s
        .lockdown_people(&commune.scope, l.id, 0, 100)
        .await
        .unwrap();
    let mut ids: Vec<i64> = people.iter().map(|p| p.person_id).collect();
    ids.sort_unstable();
    assert_eq!(ids, inside);
    for id in outside {
        assert!(!ids.contains(&id));
    }
    // Each person's page lists the areas they live in today.
    let of = s
        .lockdowns_of_person(&commune.scope, inside[1])
        .await
        .unwrap();
    assert_eq!(of.iter().map(|l| l.id).collect::<Vec<_>>(), [l.id]);
    assert!(
        s.lockdowns_of_person(&commune.scope, outside[0])
            .await
            .unwrap()
            .is_empty()
    );

    // A testing campaign of the street's people: exactly those three, in
    // the street's commune; the neighbour cannot name the area.
    let now = day(20, 8).and_hms_opt(9, 0, 0).unwrap();
    let campaign = s
        .create_campaign(
            &commune,
            &CampaignInput {
                name: "Xét nghiệm phố Lê Lợi".into(),
                target: "lockdown".into(),
                lockdown_id: Some(l.id),
                deadline: "16:00 20/08/2021".into(),
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(campaign.unit_code, HA_KHANH);
    assert_eq!(campaign.lockdown_id, Some(l.id));
    assert_eq!(campaign.rounds[0].targeted, 3);
    let mut targeted = db
        .ints(&format!(
            "SELECT t.person_id FROM campaign_targets t JOIN campaign_rounds r ON r.id = t.round_id \
             WHERE r.campaign_id = {} ORDER BY t.person_id",
            campaign.id
        ))
        .await
        .into_iter()
        .flatten()
        .collect::<Vec<i64>>();
    targeted.sort_unstable();
    assert_eq!(targeted, inside);
    let e = s
        .create_campaign(
            &actor(HA_PHONG, Role::HealthStaff),
            &CampaignInput {
                name: "x".into(),
                target: "lockdown".into(),
                lockdown_id: Some(l.id),
                deadline: "16:00 20/08/2021".into(),
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap_err();
    assert!(
        codes(&e).contains(&("lockdown_id".to_owned(), "not_found".to_owned())),
        "{e:?}"
    );

    // The same street again, overlapping: refused; a drawn place above a
    // commune: refused in words.
    let e = s
        .create_lockdown(
            &commune,
            &LockdownInput {
                place: "phố lê lợi (số 5-9)".into(),
                from_on: "20/08/2021".into(),
                planned_until: "22/08/2021".into(),
                ..whole(HA_KHANH)
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
    let e = s
        .create_lockdown(
            &actor(QUANG_NINH, Role::Admin),
            &LockdownInput {
                place: "Chợ Hạ Long 1".into(),
                ..whole(HA_LONG)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        codes(&e),
        [("unit_code".to_owned(), "not_a_commune".to_owned())]
    );
}

#[tokio::test]
async fn bad_lockdowns_are_refused_in_words_and_nothing_is_written() {
    let db = db().await;
    let s = &db.store;
    let commune = actor(HA_KHANH, Role::HealthStaff);
    let e = s
        .create_lockdown(
            &commune,
            &LockdownInput {
                from_on: "24/08/2021".into(),
                planned_until: "10/08/2021".into(),
                case_codes: "QN-9999".into(),
                cluster_id: Some(999),
                decision: " ".into(),
                ..whole(HA_KHANH)
            },
        )
        .await
        .unwrap_err();
    let fields: Vec<String> = codes(&e).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        ["decision", "planned_until", "case_codes", "cluster_id"]
    );
    let e = s
        .create_lockdown(&commune, &whole("99999"))
        .await
        .unwrap_err();
    assert_eq!(
        codes(&e),
        [("unit_code".to_owned(), "not_found".to_owned())]
    );
    assert_eq!(db.rows("lockdowns").await, 0);
    assert_eq!(db.rows("lockdown_events").await, 0);
}

#[tokio::test]
async fn jurisdiction_holds_for_every_read_and_write_of_a_lockdown() {
    let db = db().await;
    let s = &db.store;
    resident(s, "Lê Văn Khánh", HA_KHANH, "Tổ 1", None).await;
    resident(s, "Lê Văn Phong", HA_PHONG, "Tổ 1", None).await;
    let khanh = actor(HA_KHANH, Role::HealthStaff);
    let phong = actor(HA_PHONG, Role::HealthStaff);
    let province = actor(QUANG_NINH, Role::Admin);
    // A commune cannot lock down its neighbour (as if it did not exist).
    let e = s
        .create_lockdown(&khanh, &whole(HA_PHONG))
        .await
        .unwrap_err();
    assert_eq!(
        codes(&e),
        [("unit_code".to_owned(), "not_found".to_owned())]
    );
    // A viewer cannot lock down at all.
    let e = s
        .create_lockdown(&actor(HA_KHANH, Role::Viewer), &whole(HA_KHANH))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    let own = s.create_lockdown(&khanh, &whole(HA_KHANH)).await.unwrap();
    // The neighbour neither sees nor changes it.
    assert!(matches!(
        s.lockdown(&phong.scope, own.id).await.unwrap_err(),
        StoreError::NotFound { .. }
    ));
    assert!(matches!(
        s.change_lockdown(&phong, own.id, &change("lift", "20/08/2021"))
            .await
            .unwrap_err(),
        StoreError::NotFound { .. }
    ));
    assert!(s.lockdowns(&phong.scope, None).await.unwrap().is_empty());
    // The province locks down the whole city of Hạ Long: each commune sees
    // it, counts only its own people inside, and cannot lift it.
    let city = s
        .create_lockdown(
            &province,
            &LockdownInput {
                issued_by: "UBND tỉnh Quảng Ninh".into(),
                ..whole(HA_LONG)
            },
        )
        .await
        .unwrap();
    let seen = s.lockdown(&phong.scope, city.id).await.unwrap();
    assert_eq!(seen.people, 1);
    assert_eq!(
        s.lockdown(&province.scope, city.id).await.unwrap().people,
        2
    );
    let listed: Vec<i64> = s
        .lockdowns(&phong.scope, None)
        .await
        .unwrap()
        .iter()
        .map(|l| l.id)
        .collect();
    assert_eq!(listed, [city.id]);
    let e = s
        .change_lockdown(&phong, city.id, &change("lift", "20/08/2021"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
    // A case of another commune cannot be named.
    seed_f2(s, HA_PHONG, 0).await;
    let other_case = db.strings("SELECT code FROM cases").await[0]
        .clone()
        .unwrap();
    let e = s
        .create_lockdown(
            &khanh,
            &LockdownInput {
                case_codes: other_case,
                from_on: "01/09/2021".into(),
                planned_until: "02/09/2021".into(),
                ..whole(HA_KHANH)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        codes(&e),
        [("case_codes".to_owned(), "not_found".to_owned())]
    );
}

/// Two committees' clerks lock down the same street at the same moment:
/// one lockdown is written, the other is refused as an overlap (on
/// PostgreSQL's several writers as on SQLite's one).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_overlapping_lockdowns_at_once_write_one() {
    let db = db().await;
    let s = &db.store;
    let commune = actor(HA_KHANH, Role::HealthStaff);
    let input = LockdownInput {
        place: "Ngõ 5 Lê Lợi".into(),
        ..whole(HA_KHANH)
    };
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (s, a, i) = (s.clone(), commune.clone(), input.clone());
        tasks.push(tokio::spawn(async move { s.create_lockdown(&a, &i).await }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Conflict { .. }) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(db.rows("lockdowns").await, 1);
}
