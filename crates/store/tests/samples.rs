#![allow(clippy::unwrap_used)]
//! Samples, pools and lab results through the store, on SQLite or PostgreSQL:
//! what the sampling list and the classes show right after each result.

use chrono::NaiveDate;
use phongdich_domain::Role;
use phongdich_domain::contact::ContactInput;
use phongdich_domain::testing::ResultInput;
use phongdich_store::testing::{
    HA_KHANH, HA_PHONG, TestDb, actor, class_level, create_person, person_input, today,
};
use phongdich_store::{Actor, CaseInput, PoolInput, SampleInput, Scope, Store, StoreError};

async fn person(s: &Store, name: &str, commune: &str) -> i64 {
    create_person(s, &person_input(name, "1985", "nữ", commune), today()).await
}

fn result(code: &str, kind: &str, outcome: &str, on: &str) -> ResultInput {
    ResultInput {
        code: code.into(),
        test_kind: kind.into(),
        outcome: outcome.into(),
        ct: String::new(),
        resulted_on: on.into(),
        lab: "CDC Quảng Ninh".into(),
    }
}

fn pool(ids: &[i64]) -> PoolInput {
    PoolInput {
        person_ids: ids.to_vec(),
        collected_on: "20/08/2021".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_negative_pool_clears_its_members_and_a_positive_one_sends_them_back() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::HealthStaff);
    let lab = actor(HA_KHANH, Role::LabStaff);
    let mut ids = Vec::new();
    for name in [
        "Nguyễn Thị Lan",
        "Trần Văn Minh",
        "Lê Thị Hoa",
        "Phạm Văn Nam",
        "Vũ Thị Mai",
    ] {
        ids.push(person(s, name, HA_KHANH).await);
    }
    let clear = s
        .record_pool(&staff, &pool(&ids[..3]), today())
        .await
        .unwrap();
    assert_eq!(clear.samples.len(), 3);
    assert!(clear.code.starts_with('P'));
    let dirty = s
        .record_pool(&staff, &pool(&ids[3..]), today())
        .await
        .unwrap();

    let out = s
        .record_result(
            &lab,
            &result(&clear.code, "rt_pcr", "âm tính", "21/08/2021"),
            today(),
        )
        .await
        .unwrap();
    assert!(out.samples.iter().all(|x| x.status == "negative"));
    let out = s
        .record_result(
            &lab,
            &result(&dirty.code, "RT-PCR", "dương tính", "21/08/2021"),
            today(),
        )
        .await
        .unwrap();
    assert!(out.samples.iter().all(|x| x.status == "pool_positive"));
    assert_eq!(out.case_code, None, "a positive pool confirms nobody");
    assert_eq!(class_level(s, ids[3]).await, None);

    let list = s.sampling_list(&staff.scope).await.unwrap();
    let listed: Vec<i64> = list.iter().map(|i| i.person_id).collect();
    assert_eq!(
        listed,
        [ids[3], ids[4]],
        "the positive pool's members, to sample again"
    );
    assert!(
        list.iter()
            .all(|i| i.reason == "pool_positive" && i.since_on == "2021-08-21")
    );

    // An individual sample taken: off the list until its result.
    s.record_sample(
        &staff,
        &SampleInput {
            person_id: ids[3],
            collected_on: "22/08/2021".into(),
            ..Default::default()
        },
        today(),
    )
    .await
    .unwrap();
    let listed: Vec<i64> = s
        .sampling_list(&staff.scope)
        .await
        .unwrap()
        .iter()
        .map(|i| i.person_id)
        .collect();
    assert_eq!(listed, [ids[4]]);
}

#[tokio::test]
async fn a_positive_result_confirms_the_f0_and_the_classes_follow_at_once() {
    let db = TestDb::new().await;
    let s = &db.store;
    let tracer = actor(HA_KHANH, Role::ContactTracer);
    let staff = actor(HA_KHANH, Role::HealthStaff);
    let lab = actor(HA_KHANH, Role::LabStaff);
    let (a, b, c) = (
        person(s, "Nguyễn Văn An", HA_KHANH).await,
        person(s, "Trần Thị Bích", HA_KHANH).await,
        person(s, "Lê Văn Cường", HA_KHANH).await,
    );
    for (x, y, on) in [(a, b, "10/08/2021"), (b, c, "12/08/2021")] {
        let contact = ContactInput {
            person_id: x,
            other_person_id: y,
            date: on.into(),
            setting: "household".into(),
            ..Default::default()
        }
        .parse(today())
        .unwrap();
        s.add_contact(&tracer, &contact).await.unwrap();
    }
    let case = CaseInput::found_in_community(a, "11/08/2021", "11/08/2021", "rt_pcr");
    s.confirm_case(&tracer, &case, today()).await.unwrap();
    assert_eq!(
        (class_level(s, b).await, class_level(s, c).await),
        (Some(1), Some(2))
    );
    // B is an F1 not yet sampled: on the list.
    let list = s.sampling_list(&staff.scope).await.unwrap();
    assert!(
        list.iter()
            .any(|i| i.person_id == b && i.reason == "f1_not_sampled")
    );

    let sample = s
        .record_sample(
            &staff,
            &SampleInput {
                person_id: b,
                collected_on: "13/08/2021".into(),
                lab: "CDC Quảng Ninh".into(),
                ..Default::default()
            },
            today(),
        )
        .await
        .unwrap();
    let mut positive = result(&sample.code, "rt_pcr", "positive", "14/08/2021");
    positive.ct = "N:22.5; E:24".into();
    let out = s.record_result(&lab, &positive, today()).await.unwrap();
    assert!(!out.unchanged);
    assert!(
        out.case_code
            .as_deref()
            .is_some_and(|c| c.starts_with("PD"))
    );
    assert_eq!(class_level(s, b).await, Some(0), "B is an F0");
    assert_eq!(
        class_level(s, c).await,
        Some(1),
        "C moved up to F1 in the same call"
    );
    assert!(
        out.class_changes
            .iter()
            .any(|ch| ch.person_id == c && ch.after == Some(1))
    );
    // Infected by A's case, found through B's chain.
    let cases = s.class_counts(&Scope::national()).await.unwrap();
    assert_eq!(cases[0], 2);

    // The lab sends the same file again: nothing changes.
    let again = s.record_result(&lab, &positive, today()).await.unwrap();
    assert!(again.unchanged);
    assert_eq!(again.result_id, out.result_id);
    assert_eq!(again.case_code, None);
}

#[tokio::test]
async fn antigen_confirms_only_an_f1_and_only_from_late_december_2021() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::HealthStaff);
    let lab = actor(HA_KHANH, Role::LabStaff);
    let late = NaiveDate::from_ymd_opt(2022, 1, 10).unwrap();
    let p = person(s, "Đỗ Văn Hùng", HA_KHANH).await;
    let sample = s
        .record_sample(
            &staff,
            &SampleInput {
                person_id: p,
                collected_on: "05/01/2022".into(),
                ..Default::default()
            },
            late,
        )
        .await
        .unwrap();
    let out = s
        .record_result(
            &lab,
            &result(&sample.code, "test nhanh", "dương tính", "05/01/2022"),
            late,
        )
        .await
        .unwrap();
    assert_eq!(
        out.case_code, None,
        "not an F1: antigen alone does not confirm"
    );
    assert_eq!(out.samples[0].status, "positive");
    assert_eq!(class_level(s, p).await, None);
}

#[tokio::test]
async fn bad_input_is_refused_whole_and_other_units_are_not_found() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::HealthStaff);
    let lab_elsewhere = actor(HA_PHONG, Role::LabStaff);
    let ids = [
        person(s, "Nguyễn Văn Một", HA_KHANH).await,
        person(s, "Nguyễn Văn Hai", HA_KHANH).await,
    ];
    let outsider = person(s, "Trần Văn Ba", HA_PHONG).await;

    // One person is not a pool; someone of another commune is "not found".
    let err = s
        .record_pool(&staff, &pool(&ids[..1]), today())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(e) if e.0[0].field == "person_ids"),
        "{err:?}"
    );
    let err = s
        .record_pool(&staff, &pool(&[ids[0], ids[1], outsider]), today())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    let mut big = pool(&ids);
    big.max_size = Some(25);
    assert!(matches!(
        s.record_pool(&staff, &big, today()).await.unwrap_err(),
        StoreError::Invalid(_)
    ));
    let mut future = pool(&ids);
    future.collected_on = "02/09/2021".into();
    assert!(matches!(
        s.record_pool(&staff, &future, today()).await.unwrap_err(),
        StoreError::Invalid(e) if e.0[0].field == "collected_on"
    ));
    let p = s.record_pool(&staff, &pool(&ids), today()).await.unwrap();

    // A lab of another commune cannot see, let alone resolve, this pool.
    let err = s
        .record_result(
            &lab_elsewhere,
            &result(&p.code, "rt_pcr", "negative", "21/08/2021"),
            today(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    assert!(matches!(
        s.sample_by_code(&lab_elsewhere.scope, &p.samples[0].code)
            .await
            .unwrap_err(),
        StoreError::NotFound { .. }
    ));
    // Wrong role: a contact tracer does not enter results.
    let err = s
        .record_result(
            &actor(HA_KHANH, Role::ContactTracer),
            &result(&p.code, "rt_pcr", "negative", "21/08/2021"),
            today(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden { .. }), "{err:?}");
    // Nothing of that reached the samples.
    let samples = s.samples_of(&staff.scope, ids[0]).await.unwrap();
    assert_eq!(samples.len(), 1);
    assert_eq!(samples[0].status, "collected");
    assert_eq!(samples[0].pool_code.as_deref(), Some(p.code.as_str()));
}

#[tokio::test]
async fn results_waiting_past_the_target_are_listed_and_turnaround_is_counted_per_lab() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::HealthStaff);
    let lab = actor(HA_KHANH, Role::LabStaff);
    let ids = [
        person(s, "Nguyễn Văn Sớm", HA_KHANH).await,
        person(s, "Trần Văn Muộn", HA_KHANH).await,
        person(s, "Lê Thị Nay", HA_KHANH).await,
    ];
    let sample = |person_id: i64, on: &str, lab: &str| SampleInput {
        person_id,
        collected_on: on.into(),
        lab: lab.into(),
        ..Default::default()
    };
    let done = s
        .record_sample(
            &staff,
            &sample(ids[0], "20/08/2021", "CDC Quảng Ninh"),
            today(),
        )
        .await
        .unwrap();
    s.record_result(
        &lab,
        &result(&done.code, "rt_pcr", "negative", "21/08/2021"),
        today(),
    )
    .await
    .unwrap();
    let late = s
        .record_sample(
            &staff,
            &sample(ids[1], "30/08/2021", "CDC Quảng Ninh"),
            today(),
        )
        .await
        .unwrap();
    s.record_sample(
        &staff,
        &sample(ids[2], "01/09/2021", "BV Bãi Cháy"),
        today(),
    )
    .await
    .unwrap();

    let overdue = s.overdue_samples(&staff.scope, today(), 24).await.unwrap();
    let codes: Vec<(&str, i64)> = overdue
        .iter()
        .map(|o| (o.code.as_str(), o.days_waiting))
        .collect();
    assert_eq!(
        codes,
        [(late.code.as_str(), 2)],
        "only the sample waiting past 24 h"
    );
    assert!(
        s.overdue_samples(&actor(HA_PHONG, Role::HealthStaff).scope, today(), 24)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.overdue_samples(&staff.scope, today(), 72)
            .await
            .unwrap()
            .len(),
        0
    );

    let t = s.turnaround(&staff.scope, today(), 24).await.unwrap();
    let cdc = t
        .labs
        .iter()
        .find(|l| l.lab.as_deref() == Some("CDC Quảng Ninh"))
        .unwrap();
    assert_eq!(
        (
            cdc.results,
            cdc.median_days,
            cdc.within_target_percent,
            cdc.overdue
        ),
        (1, 1.0, 100.0, 1)
    );
    let bv = t
        .labs
        .iter()
        .find(|l| l.lab.as_deref() == Some("BV Bãi Cháy"))
        .unwrap();
    assert_eq!(
        (bv.results, bv.overdue),
        (0, 0),
        "taken today: not yet overdue"
    );
}

#[tokio::test]
async fn the_time_from_becoming_f1_to_sampling_is_counted() {
    let db = TestDb::new().await;
    let s = &db.store;
    let tracer = actor(HA_KHANH, Role::ContactTracer);
    let staff = actor(HA_KHANH, Role::HealthStaff);
    // Class history is stamped with the real clock: use real days here.
    let now = phongdich_domain::Clock::system().today();
    let ago = |d: u64| (now - chrono::Days::new(d)).format("%d/%m/%Y").to_string();
    let (a, b) = (
        person(s, "Phan Văn Nguồn", HA_KHANH).await,
        person(s, "Phan Thị Tiếp", HA_KHANH).await,
    );
    let contact = ContactInput {
        person_id: a,
        other_person_id: b,
        date: ago(3),
        setting: "household".into(),
        ..Default::default()
    }
    .parse(now)
    .unwrap();
    s.add_contact(&tracer, &contact).await.unwrap();
    let case = CaseInput::found_in_community(a, &ago(2), &ago(3), "rt_pcr");
    s.confirm_case(&tracer, &case, now).await.unwrap();
    let before = s.turnaround(&staff.scope, now, 24).await.unwrap();
    assert_eq!(before.f1_to_sample_median_days, None, "not sampled yet");
    let sample = SampleInput {
        person_id: b,
        collected_on: ago(0),
        ..Default::default()
    };
    s.record_sample(&staff, &sample, now).await.unwrap();
    let after = s.turnaround(&staff.scope, now, 24).await.unwrap();
    assert_eq!(after.f1_to_sample_median_days, Some(0.0));
    assert_eq!(after.f1_sampled_within_target_percent, Some(100.0));
}

#[tokio::test]
async fn where_the_province_reviews_a_positive_waits_for_a_health_officer() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::HealthStaff);
    let lab = actor(HA_KHANH, Role::LabStaff);
    let province_admin = actor("22", Role::Admin);
    // Only the province's own administrator sets it.
    let err = s
        .set_setting(
            &actor("193", Role::Admin),
            "22",
            "f0_confirmation",
            "review",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden { .. }), "{err:?}");
    let err = s
        .set_setting(&province_admin, "22", "f0_confirmation", "sometimes")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert_eq!(
        s.setting("22", "f0_confirmation").await.unwrap().value,
        "automatic"
    );
    s.set_setting(&province_admin, "22", "f0_confirmation", "review")
        .await
        .unwrap();

    let mut ids = Vec::new();
    for name in ["Tạ Văn Xem", "Tạ Thị Xét", "Tạ Văn Lại"] {
        ids.push(person(s, name, HA_KHANH).await);
    }
    let mut codes = Vec::new();
    for id in &ids[..2] {
        let sample = s
            .record_sample(
                &staff,
                &SampleInput {
                    person_id: *id,
                    collected_on: "30/08/2021".into(),
                    ..Default::default()
                },
                today(),
            )
            .await
            .unwrap();
        let out = s
            .record_result(
                &lab,
                &result(&sample.code, "rt_pcr", "positive", "31/08/2021"),
                today(),
            )
            .await
            .unwrap();
        assert!(out.review_pending && out.case_code.is_none(), "{out:?}");
        codes.push(sample.code);
    }
    assert_eq!(
        class_level(s, ids[0]).await,
        None,
        "not an F0 before the review"
    );
    let pending = s.pending_reviews(&staff.scope).await.unwrap();
    assert_eq!(pending.len(), 2);
    assert!(
        s.pending_reviews(&actor(HA_PHONG, Role::HealthStaff).scope)
            .await
            .unwrap()
            .is_empty(),
        "another commune does not see them"
    );
    let err = s
        .review_result(
            &actor(HA_PHONG, Role::HealthStaff),
            pending[0].result_id,
            true,
            today(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    let err = s
        .review_result(&lab, pending[0].result_id, true, today())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden { .. }), "{err:?}");

    let out = s
        .review_result(&staff, pending[0].result_id, true, today())
        .await
        .unwrap();
    assert!(out.case_code.is_some());
    assert_eq!(class_level(s, ids[0]).await, Some(0), "confirmed on review");
    s.review_result(&staff, pending[1].result_id, false, today())
        .await
        .unwrap();
    assert_eq!(class_level(s, ids[1]).await, None, "dismissed: no case");
    let again = s
        .review_result(&staff, pending[1].result_id, true, today())
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::Conflict { .. }), "{again:?}");
    assert!(s.pending_reviews(&staff.scope).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_batch_of_results_resolves_like_one_at_a_time_and_twice_changes_nothing() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::HealthStaff);
    let lab = actor(HA_KHANH, Role::LabStaff);
    let tracer = actor(HA_KHANH, Role::ContactTracer);
    let mut ids = Vec::new();
    for name in [
        "Âu Văn Một",
        "Âu Thị Hai",
        "Âu Văn Ba",
        "Âu Thị Bốn",
        "Âu Văn Năm",
        "Âu Thị Sáu",
    ] {
        ids.push(person(s, name, HA_KHANH).await);
    }
    let elsewhere = person(s, "Âu Văn Xa", HA_PHONG).await;
    // Six is an F1 of an F0 (One's household); Five is Six's contact.
    for (x, y, on) in [
        (ids[0], ids[5], "25/08/2021"),
        (ids[5], ids[4], "28/08/2021"),
    ] {
        let c = ContactInput {
            person_id: x,
            other_person_id: y,
            date: on.into(),
            setting: "household".into(),
            ..Default::default()
        }
        .parse(today())
        .unwrap();
        s.add_contact(&tracer, &c).await.unwrap();
    }
    let case = CaseInput::found_in_community(ids[0], "26/08/2021", "26/08/2021", "rt_pcr");
    s.confirm_case(&tracer, &case, today()).await.unwrap();
    let clean = s
        .record_pool(&staff, &pool(&ids[1..3]), today())
        .await
        .unwrap();
    let dirty = s
        .record_pool(&staff, &pool(&ids[3..5]), today())
        .await
        .unwrap();
    let single = |p: i64| SampleInput {
        person_id: p,
        collected_on: "28/08/2021".into(),
        ..Default::default()
    };
    let six = s
        .record_sample(&staff, &single(ids[5]), today())
        .await
        .unwrap();
    let far = s
        .record_sample(
            &actor(HA_PHONG, Role::HealthStaff),
            &single(elsewhere),
            today(),
        )
        .await
        .unwrap();
    let rows = vec![
        result(&clean.code, "rt_pcr", "negative", "29/08/2021"),
        result(&dirty.code, "rt_pcr", "positive", "29/08/2021"),
        result(&six.code, "rt_pcr", "positive", "29/08/2021"),
        result(&six.code, "rt_pcr", "positive", "29/08/2021"),
        result("S999999", "rt_pcr", "negative", "29/08/2021"),
        result(&far.code, "rt_pcr", "negative", "29/08/2021"),
        result(&clean.code, "rt_pcr", "maybe", "29/08/2021"),
    ];
    let out = s.record_results(&lab, &rows, today()).await.unwrap();
    let ok: Vec<_> = out.iter().map(|o| o.as_ref().ok()).collect();
    assert_eq!(ok[0].unwrap().samples, 2);
    assert_eq!(
        ok[1].unwrap().needing,
        2,
        "a positive pool: both to sample again"
    );
    let confirmed = ok[2].unwrap();
    assert!(confirmed.case_code.is_some() && confirmed.class_changes > 0);
    assert!(ok[3].unwrap().unchanged, "the same row twice in one file");
    assert!(matches!(out[4], Err(StoreError::NotFound { .. })));
    assert!(
        matches!(out[5], Err(StoreError::NotFound { .. })),
        "another commune's sample"
    );
    assert!(matches!(out[6], Err(StoreError::Invalid(_))));
    assert_eq!(class_level(s, ids[5]).await, Some(0), "Six is an F0");
    assert_eq!(
        class_level(s, ids[4]).await,
        Some(1),
        "and Five an F1, in the same call"
    );
    let statuses = |code: String| async move {
        s.pool_by_code(&Scope::national(), &code)
            .await
            .unwrap()
            .samples
            .into_iter()
            .map(|x| x.status)
            .collect::<Vec<_>>()
    };
    assert_eq!(statuses(clean.code.clone()).await, ["negative", "negative"]);
    assert_eq!(
        statuses(dirty.code.clone()).await,
        ["pool_positive", "pool_positive"]
    );
    let far_now = s
        .sample_by_code(&Scope::national(), &far.code)
        .await
        .unwrap();
    assert_eq!(far_now.status, "collected", "untouched");

    // The same file again: nothing changes, and the audit log has one entry per result.
    let again = s.record_results(&lab, &rows, today()).await.unwrap();
    assert!(again[..4].iter().all(|o| o.as_ref().unwrap().unchanged));
    let entries = s
        .audit_entries(
            &Actor::system("test"),
            &phongdich_store::AuditFilter {
                entity: Some("test_result".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(entries.len(), 3);
    assert!(
        entries
            .iter()
            .all(|e| e.unit_code.as_deref() == Some(HA_KHANH))
    );
}
