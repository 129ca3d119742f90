#![allow(clippy::unwrap_used)]
//! Cases, contacts and F-classes through the store, on SQLite or PostgreSQL:
//! the classes a tracer and a committee read right after each write.

use chrono::NaiveDate;
use phongdich_domain::contact::ContactInput;
use phongdich_domain::{Role, UnitCode};
use phongdich_store::testing::{
    HA_KHANH, HA_PHONG, TestDb, class_level, create_person, d, household_contact, person_input,
    today, tracer,
};
use phongdich_store::{Actor, CaseInput, Scope, Store, StoreError};

async fn person(s: &Store, name: &str, commune: &str) -> i64 {
    create_person(s, &person_input(name, "1980", "nam", commune), today()).await
}

/// A contact with `b`, who lives outside the tracer's commune: recorded
/// with their national ID (given to `b` here), the hand-over path.
async fn handed_over(
    db: &TestDb,
    a: i64,
    b: i64,
    date: &str,
) -> phongdich_domain::contact::NewContact {
    let nid = format!("022085{b:06}");
    db.execute(&format!(
        "UPDATE persons SET national_id = '{nid}' WHERE id = {b}"
    ))
    .await
    .unwrap();
    phongdich_domain::contact::NewContact {
        other_national_id: Some(nid),
        ..household_contact(a, b, date)
    }
}

fn case(p: i64, sample_on: &str) -> CaseInput {
    CaseInput {
        person_id: p,
        confirmed_on: sample_on.into(),
        sample_on: sample_on.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn classes_follow_every_write_and_survive_a_restart() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = tracer(HA_KHANH);
    let names = [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Phạm Thị Dung",
        "Hoàng Văn Em",
        "Vũ Thị Gấm",
    ];
    let mut ids = Vec::new();
    for n in names {
        ids.push(person(s, n, HA_KHANH).await);
    }
    // Household chain: 0 — 1 — 2 — 3 — 4 — 5, on consecutive days.
    for i in 0..5 {
        s.add_contact(
            &t,
            &household_contact(ids[i], ids[i + 1], &format!("2021-08-{:02}", 5 + i)),
        )
        .await
        .unwrap();
    }
    assert_eq!(class_level(s, ids[1]).await, None, "no F0 yet");
    let (c, changes) = s
        .confirm_case(&t, &case(ids[0], "2021-08-06"), today())
        .await
        .unwrap();
    assert_eq!(
        c.code,
        format!("PD{}", c.id),
        "no number given: the record's own code"
    );
    assert_eq!(changes.len(), 5, "F0 and F1..F4: {changes:?}");
    let levels = |v: Vec<Option<i64>>| v;
    let mut now = Vec::new();
    for &p in &ids {
        now.push(class_level(s, p).await);
    }
    assert_eq!(
        now,
        levels(vec![Some(0), Some(1), Some(2), Some(3), Some(4), None])
    );
    let (info, history) = s.person_class(&Scope::national(), ids[3]).await.unwrap();
    assert_eq!(info.unwrap().path, ids[..4].to_vec());
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].cause, format!("case:{}", c.id));
    assert_eq!(
        s.class_counts(&Scope::national()).await.unwrap(),
        [1, 1, 1, 1, 1]
    );

    // The F1 turns positive: everyone behind moves up a class.
    let (c1, _) = s
        .confirm_case(&t, &case(ids[1], "2021-08-08"), today())
        .await
        .unwrap();
    let mut now = Vec::new();
    for &p in &ids {
        now.push(class_level(s, p).await);
    }
    assert_eq!(
        now,
        vec![Some(0), Some(0), Some(1), Some(2), Some(3), Some(4)]
    );

    // Both recover: they are no longer F0, but the people they exposed stay
    // in their classes for their own periods (domain-rules §2) …
    s.set_case_course_on(&t, c.id, "recovered", None, Some(d(20, 8)))
        .await
        .unwrap();
    s.set_case_course_on(&t, c1.id, "recovered", None, Some(d(20, 8)))
        .await
        .unwrap();
    let mut now = Vec::new();
    for &p in &ids {
        now.push(class_level(s, p).await);
    }
    assert_eq!(now, vec![None, None, Some(1), Some(2), Some(3), Some(4)]);
    // … which end 28 days (5599/BYT-MT: 14 + 14) after their last exposure:
    // ids[5] was last exposed on 9/8 → F4 through 6/9, released on 7/9.
    // (ids[2..5] were last exposed on 6/8, 7/8, 8/8: ended by then.)
    let ended = s.expire_classes(d(6, 9)).await.unwrap();
    assert_eq!(ended.len(), 3, "{ended:?}");
    assert_eq!(class_level(s, ids[5]).await, Some(4));
    let ended = s.expire_classes(d(8, 9)).await.unwrap();
    assert_eq!(ended.len(), 1, "{ended:?}");
    for &p in &ids {
        assert_eq!(class_level(s, p).await, None);
    }
    let (_, history) = s.person_class(&Scope::national(), ids[2]).await.unwrap();
    assert_eq!(history.last().unwrap().level, None);
    assert_eq!(history.last().unwrap().cause, "expired");

    // A restart rebuilds the engine from the tables: the next write sees it all.
    let reopened = Store::open(&db.url).await.unwrap();
    let late = person(&reopened, "Đỗ Văn Hùng", HA_KHANH).await;
    reopened
        .add_contact(&t, &household_contact(ids[5], late, "2021-08-20"))
        .await
        .unwrap();
    let (c2, changes) = reopened
        .confirm_case(&t, &case(ids[5], "2021-08-19"), today())
        .await
        .unwrap();
    assert_eq!(class_level(&reopened, late).await, Some(1));
    assert_eq!(
        class_level(&reopened, ids[4]).await,
        None,
        "met 5 on 2021-08-09, before 5's window"
    );
    assert!(
        changes
            .iter()
            .any(|c| c.person_id == late && c.after == Some(1))
    );
    assert_eq!(c2.person_id, ids[5]);
    reopened.close().await;
}

#[tokio::test]
async fn contacts_not_meeting_the_f1_criteria_are_kept_but_carry_nothing() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = tracer(HA_KHANH);
    let a = person(s, "Nguyễn Văn An", HA_KHANH).await;
    let b = person(s, "Trần Thị Bình", HA_KHANH).await;
    let far = ContactInput {
        person_id: a,
        other_person_id: b,
        date: "2021-08-09".into(),
        setting: "venue".into(),
        distance_m: Some(5.0),
        duration_min: Some(5),
        masked: true,
        ..Default::default()
    }
    .parse(today())
    .unwrap();
    let (c, _) = s.add_contact(&t, &far).await.unwrap();
    assert!(!c.qualifies);
    assert!(c.why_en.contains("Does not meet"));
    s.confirm_case(&t, &case(a, "2021-08-08"), today())
        .await
        .unwrap();
    assert_eq!(class_level(s, b).await, None);
    assert_eq!(s.contacts_of(&Scope::national(), b).await.unwrap().len(), 1);
}

#[tokio::test]
async fn isolation_and_release_are_applied_at_once() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = tracer(HA_KHANH);
    let f0 = person(s, "Nguyễn Văn An", HA_KHANH).await;
    let f1 = person(s, "Trần Thị Bình", HA_KHANH).await;
    let f2 = person(s, "Lê Văn Cường", HA_KHANH).await;
    s.add_contact(&t, &household_contact(f0, f1, "2021-08-08"))
        .await
        .unwrap();
    s.add_contact(&t, &household_contact(f1, f2, "2021-08-12"))
        .await
        .unwrap();
    s.confirm_case(&t, &case(f0, "2021-08-09"), today())
        .await
        .unwrap();
    assert_eq!(class_level(s, f2).await, Some(2));
    // Quarantined on the 11th: the contact on the 12th no longer counts.
    s.set_person_status(&t, f1, NaiveDate::from_ymd_opt(2021, 8, 11), None)
        .await
        .unwrap();
    assert_eq!(class_level(s, f2).await, None);
    assert_eq!(class_level(s, f1).await, Some(1));
    // Released after 14 days: no longer F1.
    s.set_person_status(
        &t,
        f1,
        NaiveDate::from_ymd_opt(2021, 8, 11),
        NaiveDate::from_ymd_opt(2021, 8, 25),
    )
    .await
    .unwrap();
    assert_eq!(class_level(s, f1).await, None);
}

#[tokio::test]
async fn tracing_stays_within_the_tracers_jurisdiction() {
    let db = TestDb::new().await;
    let s = &db.store;
    let here = tracer(HA_KHANH);
    let there = tracer(HA_PHONG);
    let a = person(s, "Nguyễn Văn An", HA_KHANH).await;
    let b = person(s, "Trần Thị Bình", HA_PHONG).await;
    // A contact living in another commune can be recorded from here (with
    // their national ID) …
    s.add_contact(&here, &handed_over(&db, a, b, "2021-08-09").await)
        .await
        .unwrap();
    let (c, _) = s
        .confirm_case(&here, &case(a, "2021-08-08"), today())
        .await
        .unwrap();
    // … and appears on that commune's work list, not on this one's.
    let theirs = s.class_list(&there.scope, 1, 100).await.unwrap();
    assert_eq!(
        theirs.iter().map(|c| c.person_id).collect::<Vec<_>>(),
        vec![b]
    );
    assert!(s.class_list(&here.scope, 1, 100).await.unwrap().is_empty());
    assert_eq!(s.class_counts(&there.scope).await.unwrap(), [0, 1, 0, 0, 0]);
    // The other commune cannot confirm, read or change what is not theirs.
    assert!(matches!(
        s.case(&there.scope, c.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.confirm_case(&there, &case(a, "2021-08-08"), today())
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.set_case_course(&there, c.id, "recovered", None).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.person_class(&there.scope, a).await,
        Err(StoreError::NotFound { .. })
    ));
    // A viewer cannot trace.
    let viewer = Actor {
        role: Role::Viewer,
        ..here.clone()
    };
    assert!(matches!(
        s.add_contact(&viewer, &household_contact(a, b, "2021-08-10"))
            .await,
        Err(StoreError::Forbidden { .. })
    ));
    // Bad input is refused field by field, and nothing is written.
    let bad = CaseInput {
        person_id: a,
        sample_on: "31/02/2021".into(),
        course: "flying".into(),
        source_kind: "imported".into(),
        ..Default::default()
    };
    match s.confirm_case(&here, &bad, today()).await {
        Err(StoreError::Invalid(i)) => {
            let f: Vec<&str> = i.0.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(f, vec!["sample_on", "course", "source_ref"]);
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[tokio::test]
async fn the_chain_of_an_f0_lists_everyone_through_it() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = tracer(HA_KHANH);
    let a = person(s, "Nguyễn Văn An", HA_KHANH).await;
    let b = person(s, "Trần Thị Bình", HA_KHANH).await;
    let c = person(s, "Lê Văn Cường", HA_PHONG).await;
    s.add_contact(&t, &household_contact(a, b, "2021-08-09"))
        .await
        .unwrap();
    s.add_contact(&t, &handed_over(&db, b, c, "2021-08-10").await)
        .await
        .unwrap();
    s.confirm_case(&t, &case(a, "2021-08-08"), today())
        .await
        .unwrap();
    let chain = s.chain(&t.scope, a).await.unwrap();
    let nodes: Vec<(i64, i64, bool)> = chain
        .nodes
        .iter()
        .map(|n| (n.person_id, n.level, n.in_scope))
        .collect();
    assert_eq!(nodes, vec![(a, 0, true), (b, 1, true), (c, 2, false)]);
    let edges: Vec<(i64, i64, &str)> = chain
        .edges
        .iter()
        .map(|e| (e.from, e.to, e.on.as_str()))
        .collect();
    assert_eq!(edges, vec![(a, b, "2021-08-09"), (b, c, "2021-08-10")]);
    assert!(matches!(
        s.chain(&tracer(HA_PHONG).scope, a).await,
        Err(StoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn clusters_gather_their_cases_and_count_by_class() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = tracer(HA_KHANH);
    let market = s
        .create_cluster(
            &t,
            &phongdich_store::ClusterInput {
                name: "Chợ Hạ Long I".into(),
                kind: "market".into(),
                place: "Phố Hạ Long".into(),
                unit_code: HA_KHANH.into(),
                started_on: "2021-08-01".into(),
            },
        )
        .await
        .unwrap();
    let a = person(s, "Nguyễn Văn An", HA_KHANH).await;
    let b = person(s, "Trần Thị Bình", HA_KHANH).await;
    s.add_contact(&t, &household_contact(a, b, "2021-08-09"))
        .await
        .unwrap();
    // A case whose source is the cluster, written without diacritics, joins it.
    let input = CaseInput {
        source_kind: "cluster".into(),
        source_ref: "cho ha long i".into(),
        ..case(a, "2021-08-08")
    };
    s.confirm_case(&t, &input, today()).await.unwrap();
    s.add_cluster_member(&t, market.id, b).await.unwrap();
    let detail = s.cluster(&t.scope, market.id).await.unwrap();
    assert_eq!(detail.counts, [1, 1, 0, 0, 0, 0]);
    assert_eq!(detail.members.len(), 2);
    // Out of jurisdiction: not found; bad input: refused by field.
    assert!(matches!(
        s.cluster(&tracer(HA_PHONG).scope, market.id).await,
        Err(StoreError::NotFound { .. })
    ));
    match s
        .create_cluster(
            &t,
            &phongdich_store::ClusterInput {
                kind: "moon".into(),
                unit_code: HA_PHONG.into(),
                started_on: "x".into(),
                ..Default::default()
            },
        )
        .await
    {
        Err(StoreError::Invalid(i)) => {
            let f: Vec<&str> = i.0.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(f, vec!["name", "kind", "started_on", "unit_code"]);
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(s.clusters(&t.scope).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_f1_waiting_list_shows_who_is_not_isolated_yet() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = tracer(HA_KHANH);
    let f0 = person(s, "Nguyễn Văn An", HA_KHANH).await;
    let early = person(s, "Trần Thị Bình", HA_KHANH).await;
    let late = person(s, "Lê Văn Cường", HA_KHANH).await;
    let isolated = person(s, "Phạm Thị Dung", HA_KHANH).await;
    s.add_contact(&t, &household_contact(f0, late, "2021-08-12"))
        .await
        .unwrap();
    s.add_contact(&t, &household_contact(f0, early, "2021-08-09"))
        .await
        .unwrap();
    s.add_contact(&t, &household_contact(f0, isolated, "2021-08-10"))
        .await
        .unwrap();
    s.confirm_case(&t, &case(f0, "2021-08-08"), today())
        .await
        .unwrap();
    s.set_person_status(&t, isolated, NaiveDate::from_ymd_opt(2021, 8, 13), None)
        .await
        .unwrap();
    let waiting: Vec<i64> = s
        .class_list_not_isolated(&t.scope, 1, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.person_id)
        .collect();
    assert_eq!(
        waiting,
        vec![early, late],
        "longest waiting first, isolated left out"
    );
    assert_eq!(s.class_list(&t.scope, 1, 100).await.unwrap().len(), 3);
}

#[tokio::test]
async fn an_f1_turning_positive_is_recorded_as_infected_by_the_f0_and_joins_its_chain() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = tracer(HA_KHANH);
    let a = person(s, "Nguyễn Văn An", HA_KHANH).await;
    let b = person(s, "Trần Thị Bình", HA_KHANH).await;
    let c = person(s, "Lê Văn Cường", HA_KHANH).await;
    s.add_contact(&t, &household_contact(a, b, "2021-08-09"))
        .await
        .unwrap();
    s.add_contact(&t, &household_contact(b, c, "2021-08-11"))
        .await
        .unwrap();
    let (ca, _) = s
        .confirm_case(&t, &case(a, "2021-08-08"), today())
        .await
        .unwrap();
    let (cb, _) = s
        .confirm_case(&t, &case(b, "2021-08-12"), today())
        .await
        .unwrap();
    assert_eq!(cb.source_kind, "case");
    assert_eq!(cb.source_ref.as_deref(), Some(ca.code.as_str()));
    assert_eq!(
        s.case_person_by_code(&ca.code.to_lowercase())
            .await
            .unwrap(),
        Some(a)
    );
    let chain = s.chain(&t.scope, a).await.unwrap();
    let mut nodes: Vec<(i64, i64)> = chain.nodes.iter().map(|n| (n.person_id, n.level)).collect();
    nodes.sort();
    assert_eq!(nodes, vec![(a, 0), (b, 0), (c, 1)]);
    let mut edges: Vec<(i64, i64)> = chain.edges.iter().map(|e| (e.from, e.to)).collect();
    edges.sort();
    assert_eq!(edges, vec![(a, b), (b, c)]);
}

#[tokio::test]
async fn merging_two_records_moves_their_contacts_and_the_classes_follow() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = tracer(HA_KHANH);
    let a = person(s, "Nguyễn Văn An", HA_KHANH).await;
    let b = person(s, "Trần Thị Bình", HA_KHANH).await;
    let b2 = person(s, "Tran Thi Binh", HA_KHANH).await;
    let d = person(s, "Lê Văn Dũng", HA_KHANH).await;
    s.add_contact(&t, &household_contact(a, b, "2021-08-09"))
        .await
        .unwrap();
    s.add_contact(&t, &household_contact(b2, d, "2021-08-10"))
        .await
        .unwrap();
    s.confirm_case(&t, &case(a, "2021-08-08"), today())
        .await
        .unwrap();
    assert_eq!(
        class_level(s, d).await,
        None,
        "d met the second record only"
    );
    let staff = Actor {
        role: Role::HealthStaff,
        ..t.clone()
    };
    let merge = s.merge_persons(&staff, b, b2).await.unwrap();
    assert_eq!(
        class_level(s, d).await,
        Some(2),
        "the contact moved to the kept record"
    );
    s.undo_merge(&staff, merge.audit_id).await.unwrap();
    assert_eq!(class_level(s, d).await, None, "and back with the undo");
}

#[tokio::test]
async fn an_f0_recovering_mid_quarantine_leaves_its_f1s_f1_until_their_own_period_ends() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = tracer(HA_KHANH);
    let f0 = person(s, "Nguyễn Văn An", HA_KHANH).await;
    let early = person(s, "Trần Thị Bình", HA_KHANH).await;
    let late = person(s, "Lê Văn Cường", HA_KHANH).await;
    let after = person(s, "Phạm Thị Dung", HA_KHANH).await;
    s.add_contact(&t, &household_contact(f0, early, "2021-08-05"))
        .await
        .unwrap();
    s.add_contact(&t, &household_contact(f0, late, "2021-08-12"))
        .await
        .unwrap();
    s.add_contact(&t, &household_contact(f0, after, "2021-08-20"))
        .await
        .unwrap();
    let (c, _) = s
        .confirm_case(&t, &case(f0, "2021-08-06"), today())
        .await
        .unwrap();
    assert_eq!(class_level(s, after).await, Some(1));
    // Recovered on 15/8: the window closes that day; nobody is released …
    let (closed, changes) = s
        .set_case_course_on(&t, c.id, "recovered", None, Some(d(15, 8)))
        .await
        .unwrap();
    assert_eq!(
        closed.recovered_on.map(|d| d.to_string()).as_deref(),
        Some("2021-08-15")
    );
    assert_eq!(class_level(s, f0).await, None, "no longer an F0");
    assert_eq!(
        (class_level(s, early).await, class_level(s, late).await),
        (Some(1), Some(1))
    );
    // … except whom it "met" after it recovered.
    assert_eq!(class_level(s, after).await, None);
    assert_eq!(changes.len(), 2, "{changes:?}");
    // Each F1 lasts 28 days (5599/BYT-MT) from its own last exposure.
    s.expire_classes(d(2, 9)).await.unwrap();
    assert_eq!(
        (class_level(s, early).await, class_level(s, late).await),
        (Some(1), Some(1))
    );
    s.expire_classes(d(3, 9)).await.unwrap();
    assert_eq!(
        (class_level(s, early).await, class_level(s, late).await),
        (None, Some(1))
    );
    // A restart keeps the day (set again by the server's first sweep).
    let reopened = Store::open(&db.url).await.unwrap();
    reopened.expire_classes(d(3, 9)).await.unwrap();
    assert_eq!(class_level(&reopened, late).await, Some(1));
    reopened.expire_classes(d(10, 9)).await.unwrap();
    assert_eq!(class_level(&reopened, late).await, None);
    reopened.close().await;
}

#[tokio::test]
async fn a_quarantine_order_stops_onward_exposure_when_centralised_not_for_the_household_at_home() {
    use phongdich_store::OrderInput;
    let db = TestDb::new().await;
    let s = &db.store;
    let t = tracer(HA_KHANH);
    let staff = Actor {
        role: Role::HealthStaff,
        ..t.clone()
    };
    let f0 = person(s, "Nguyễn Văn An", HA_KHANH).await;
    let at_home = person(s, "Trần Thị Bình", HA_KHANH).await;
    let away = person(s, "Lê Văn Cường", HA_KHANH).await;
    let home_mate = person(s, "Phạm Thị Dung", HA_KHANH).await;
    let visitor = person(s, "Hoàng Văn Em", HA_KHANH).await;
    let away_mate = person(s, "Vũ Thị Gấm", HA_KHANH).await;
    s.add_contact(&t, &household_contact(f0, at_home, "2021-08-05"))
        .await
        .unwrap();
    s.add_contact(&t, &household_contact(f0, away, "2021-08-05"))
        .await
        .unwrap();
    s.confirm_case(&t, &case(f0, "2021-08-06"), today())
        .await
        .unwrap();
    let order = |p: i64, place: &str| OrderInput {
        person_id: p,
        situation: "f1".into(),
        start_on: "2021-08-07".into(),
        place: place.into(),
        ..Default::default()
    };
    // 5599/BYT-MT: 14 days centralised (a province may send F1 home: here
    // the order's kind is what the rule gives, centralised; the home order
    // comes from a province rule below).
    let centralised = s.create_order(&staff, &order(away, "KTX")).await.unwrap();
    assert_eq!(centralised.kind, "centralised");
    s.save_province_rule(
        &Actor {
            role: Role::Admin,
            scope: Scope::unit(UnitCode::parse("22").unwrap()),
            ..t.clone()
        },
        &phongdich_domain::quarantine::QuarantineRule {
            code: "qn-f1-home".into(),
            situation: phongdich_domain::quarantine::Situation::F1,
            from: d(1, 8),
            who: None,
            kind: phongdich_domain::quarantine::QuarantineKind::Home,
            days: 14,
            monitoring_days: 14,
            test_days: vec![1, 7, 14],
            release_needs_negative_tests: false,
            source: "QN".into(),
            province_code: Some("22".into()),
        },
    )
    .await
    .unwrap();
    let home = s.create_order(&staff, &order(at_home, "")).await.unwrap();
    assert_eq!(home.kind, "home");
    // After the orders started: the household of the home-quarantined F1 is
    // exposed, a visitor is not, nor is the household of the one away.
    s.add_contact(&t, &household_contact(at_home, home_mate, "2021-08-10"))
        .await
        .unwrap();
    let mut visit = household_contact(at_home, visitor, "2021-08-10");
    visit.setting = phongdich_domain::contact::Setting::Community;
    visit.distance_m = Some(1.0);
    s.add_contact(&t, &visit).await.unwrap();
    s.add_contact(&t, &household_contact(away, away_mate, "2021-08-10"))
        .await
        .unwrap();
    assert_eq!(class_level(s, home_mate).await, Some(2));
    assert_eq!(class_level(s, visitor).await, None);
    assert_eq!(class_level(s, away_mate).await, None);
    // The history names the order as the cause of what it changed.
    let (_, history) = s.person_class(&Scope::national(), at_home).await.unwrap();
    assert_eq!(history.len(), 1);
    // Release clears the F1 and what it passed on before.
    let released = s.release_order(&staff, home.id, d(20, 8)).await.unwrap();
    assert_eq!(released.status, "released");
    assert_eq!(class_level(s, at_home).await, None);
    assert_eq!(class_level(s, home_mate).await, None);
    let (_, history) = s.person_class(&Scope::national(), at_home).await.unwrap();
    assert_eq!(history.last().unwrap().cause, format!("order:{}", home.id));
}

#[tokio::test]
async fn a_class_list_pages_through_everyone_once_with_the_whole_count() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (_, f1, f2) = phongdich_store::testing::seed_f2(s, HA_KHANH, 23).await;
    // One F2 lives elsewhere: outside Hà Khánh's scope, on nobody's page there.
    let away = person(s, "Ở Hà Phong", HA_PHONG).await;
    s.add_contact(
        &Actor::system("test"),
        &household_contact(f1, away, "2021-08-02"),
    )
    .await
    .unwrap();
    let t = tracer(HA_KHANH);
    for waiting in [false, true] {
        let mut seen = Vec::new();
        let mut offset = 0;
        loop {
            let page = s
                .class_page(
                    &t.scope,
                    2,
                    waiting,
                    phongdich_store::Paging::new(offset, 5),
                )
                .await
                .unwrap();
            assert_eq!(page.total, 23, "the whole count on every page");
            assert_eq!(page.paging.offset, offset);
            if page.entries.is_empty() {
                break;
            }
            assert!(page.entries.len() <= 5);
            seen.extend(page.entries.iter().map(|c| c.person_id));
            offset += 5;
        }
        assert_eq!(offset, 25, "five pages of 5 then an empty one");
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), seen.len(), "no one twice");
        assert_eq!(sorted, f2, "everyone of the class, once");
    }
    // The nation sees the F2 of Hà Phong too; F1 is one person.
    let all = s
        .class_page(
            &Scope::national(),
            2,
            false,
            phongdich_store::Paging::new(20, 5),
        )
        .await
        .unwrap();
    assert_eq!((all.total, all.entries.len()), (24, 4));
    assert_eq!(s.class_counts(&t.scope).await.unwrap(), [1, 1, 23, 0, 0]);
    // A limit beyond 1,000 is clipped by the store (the API refuses it).
    let big = s
        .class_page(
            &t.scope,
            2,
            false,
            phongdich_store::Paging {
                offset: 0,
                limit: 5000,
            },
        )
        .await
        .unwrap();
    assert_eq!(big.paging.limit, 1000);
}

fn field_codes(e: StoreError) -> Vec<(String, &'static str)> {
    match e {
        StoreError::Invalid(i) => i.0.into_iter().map(|f| (f.field, f.code)).collect(),
        e => panic!("expected invalid, got {e:?}"),
    }
}

#[tokio::test]
async fn a_contact_review_is_dated_checked_in_the_store_and_audited() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (f0, f1, f2) = phongdich_store::testing::seed_f2(s, HA_KHANH, 2).await;
    let stranger = person(s, "Võ Thị Lạ", HA_KHANH).await;
    let t = tracer(HA_KHANH);
    let today = d(10, 8);
    let r = s
        .record_contact_review_on(
            &t,
            f1,
            "05/08/2021",
            "confirmed",
            "  gọi điện,  xác nhận ",
            today,
        )
        .await
        .unwrap();
    assert_eq!(
        (
            r.person_id,
            r.reviewed_on.as_str(),
            r.outcome.as_str(),
            r.level
        ),
        (f1, "2021-08-05", "confirmed", 1)
    );
    assert_eq!(r.note.as_deref(), Some("gọi điện, xác nhận"));
    assert_eq!(r.commune_code, HA_KHANH);
    // Reached: not a close contact after all — an outcome of its own.
    let other = s
        .record_contact_review_on(&t, f2[0], "2021-08-10", "not_a_contact", "", today)
        .await
        .unwrap();
    assert_eq!((other.level, other.note), (2, None));

    // The future, a day before the class began, a bad outcome: refused, each named.
    let e = s
        .record_contact_review_on(&t, f1, "2021-08-11", "confirmed", "", today)
        .await
        .unwrap_err();
    assert_eq!(field_codes(e), vec![("reviewed_on".into(), "in_future")]);
    let e = s
        .record_contact_review_on(&t, f1, "2021-07-20", "maybe", "", today)
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(e),
        vec![
            ("outcome".into(), "invalid"),
            ("reviewed_on".into(), "before_class")
        ]
    );
    // Someone who is not F1–F4 (an F0, or nobody's contact) is not reviewed.
    for p in [f0, stranger] {
        let e = s
            .record_contact_review_on(&t, p, "2021-08-09", "confirmed", "", today)
            .await
            .unwrap_err();
        assert_eq!(field_codes(e), vec![("person_id".into(), "not_a_contact")]);
    }
    // Another commune's tracer does not find the person, nor their reviews;
    // a viewer may not record one.
    let there = tracer(HA_PHONG);
    assert!(matches!(
        s.record_contact_review_on(&there, f1, "2021-08-09", "confirmed", "", today)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.contact_reviews(&there.scope, f1).await,
        Err(StoreError::NotFound { .. })
    ));
    let viewer = Actor {
        role: Role::Viewer,
        ..tracer(HA_KHANH)
    };
    assert!(matches!(
        s.record_contact_review_on(&viewer, f1, "2021-08-09", "confirmed", "", today)
            .await,
        Err(StoreError::Forbidden { .. })
    ));
    // Vietnam's today is the default bound: 2021 is in the past.
    let later = s
        .record_contact_review(&t, f1, "2021-08-08", "not_reached", "")
        .await
        .unwrap();
    let list = s.contact_reviews(&t.scope, f1).await.unwrap();
    assert_eq!(
        list.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![later.id, r.id],
        "latest day first"
    );
    assert_eq!(
        db.strings(
            "SELECT entity_id FROM audit_log WHERE entity = 'contact_review' AND action = 'create' ORDER BY id"
        )
        .await,
        vec![
            Some(r.id.to_string()),
            Some(other.id.to_string()),
            Some(later.id.to_string())
        ]
    );
}
