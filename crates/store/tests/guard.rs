#![allow(clippy::unwrap_used)]
//! Records and the tracing engine never disagree, on SQLite or PostgreSQL: a
//! class-changing write dropped (client gone), aborted, panicking, failing or
//! cut short during its commit leaves the engine in memory classifying as
//! the tables do; a lab result, the case it confirms and the link between
//! them commit together or not at all.

use chrono::NaiveDate;
use phongdich_domain::testing::ResultInput;
use phongdich_domain::{Role, UnitCode};
use phongdich_store::testing::{
    HA_KHANH, TestDb, actor, class_level, create_person, household_contact, person_input, today,
};
use phongdich_store::{Actor, CaseInput, SampleInput, Scope, Store, WriteFailpoint};
use std::future::Future;
use std::sync::Arc;
use tokio::sync::Notify;

async fn person(s: &Store, name: &str) -> i64 {
    create_person(s, &person_input(name, "1980", "nam", HA_KHANH), today()).await
}

fn case(p: i64, on: &str) -> CaseInput {
    CaseInput::found_in_community(p, on, on, "rt_pcr")
}

/// The engine in memory (when loaded), the stored classes and a fresh load
/// of the tables agree; returns whether the engine was loaded.
async fn agree(s: &Store, when: &str) -> bool {
    let check = s.check_classes().await.unwrap();
    assert!(check.agree(), "{when}: {check:?}");
    check.engine_loaded
}

/// Run `write` until it reaches the failpoint armed with `reached`, then
/// drop it, as axum drops the handler of a client gone.
async fn dropped_at_failpoint<T: std::fmt::Debug>(
    reached: Arc<Notify>,
    write: impl Future<Output = T>,
) {
    tokio::select! {
        out = write => panic!("the write finished: {out:?}"),
        () = reached.notified() => {}
    }
}

fn pause(s: &Store) -> Arc<Notify> {
    let reached = Arc::new(Notify::new());
    s.arm_write_failpoint(WriteFailpoint::PauseBeforeCommit(reached.clone()));
    reached
}

/// Four people in a line of household contacts: A–B on 10/08, B–C on
/// 12/08, C–D on 14/08 (the last not yet recorded).
async fn line(s: &Store) -> [i64; 4] {
    let t = actor(HA_KHANH, Role::ContactTracer);
    let ids = [
        person(s, "Nguyễn Văn An").await,
        person(s, "Trần Thị Bình").await,
        person(s, "Lê Văn Cường").await,
        person(s, "Phạm Thị Dung").await,
    ];
    s.add_contact(&t, &household_contact(ids[0], ids[1], "10/08/2021"))
        .await
        .unwrap();
    s.add_contact(&t, &household_contact(ids[1], ids[2], "12/08/2021"))
        .await
        .unwrap();
    ids
}

#[tokio::test]
async fn every_class_write_dropped_before_its_commit_leaves_the_engine_as_the_tables() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = actor(HA_KHANH, Role::ContactTracer);
    let [a, b, c, d] = line(s).await;

    // confirm_case: the engine made B F1 and C F2, then the client went away.
    let reached = pause(s);
    dropped_at_failpoint(reached, s.confirm_case(&t, &case(a, "11/08/2021"), today())).await;
    assert!(
        agree(s, "confirmation dropped").await,
        "engine kept, reverted"
    );
    assert_eq!(
        (class_level(s, a).await, class_level(s, b).await),
        (None, None)
    );
    assert_eq!(s.case_code_of(a).await.unwrap(), None);
    // The engine is usable and right: the same confirmation now commits.
    let (confirmed, _) = s
        .confirm_case(&t, &case(a, "11/08/2021"), today())
        .await
        .unwrap();
    assert_eq!(
        (class_level(s, b).await, class_level(s, c).await),
        (Some(1), Some(2))
    );
    agree(s, "confirmation committed").await;

    // add_contact: D would become F3.
    let reached = pause(s);
    dropped_at_failpoint(
        reached,
        s.add_contact(&t, &household_contact(c, d, "14/08/2021")),
    )
    .await;
    assert!(agree(s, "contact dropped").await);
    assert_eq!(class_level(s, d).await, None);
    assert!(
        s.contacts_of(&Scope::national(), d)
            .await
            .unwrap()
            .is_empty()
    );

    // set_person_status: B isolated before meeting C would release C.
    let reached = pause(s);
    dropped_at_failpoint(
        reached,
        s.set_person_status(&t, b, NaiveDate::from_ymd_opt(2021, 8, 11), None),
    )
    .await;
    assert!(agree(s, "status dropped").await);
    assert_eq!(class_level(s, c).await, Some(2));

    // set_case_course: A recovered would release the chain.
    let reached = pause(s);
    dropped_at_failpoint(
        reached,
        s.set_case_course_on(
            &t,
            confirmed.id,
            "recovered",
            None,
            NaiveDate::from_ymd_opt(2021, 8, 20),
        ),
    )
    .await;
    assert!(agree(s, "course dropped").await);
    assert_eq!(
        (class_level(s, a).await, class_level(s, b).await),
        (Some(0), Some(1))
    );

    // And each committed without the failpoint, still in agreement.
    s.add_contact(&t, &household_contact(c, d, "14/08/2021"))
        .await
        .unwrap();
    assert_eq!(class_level(s, d).await, Some(3));
    s.set_person_status(&t, b, NaiveDate::from_ymd_opt(2021, 8, 11), None)
        .await
        .unwrap();
    s.set_case_course_on(
        &t,
        confirmed.id,
        "recovered",
        None,
        NaiveDate::from_ymd_opt(2021, 8, 20),
    )
    .await
    .unwrap();
    assert!(agree(s, "all committed").await);
}

#[tokio::test]
async fn a_write_aborted_failing_or_panicking_leaves_the_engine_as_the_tables() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = actor(HA_KHANH, Role::ContactTracer);
    let [a, b, _, _] = line(s).await;

    // The task running the write aborted while it waits to commit.
    let reached = pause(s);
    let task = tokio::spawn({
        let (s, t) = (s.clone(), t.clone());
        async move { s.confirm_case(&t, &case(a, "11/08/2021"), today()).await }
    });
    reached.notified().await;
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    assert!(agree(s, "aborted").await, "engine kept, reverted");
    assert_eq!(class_level(s, b).await, None);

    // A statement failing after the engine change: the error path.
    s.arm_write_failpoint(WriteFailpoint::FailBeforeCommit);
    s.confirm_case(&t, &case(a, "11/08/2021"), today())
        .await
        .unwrap_err();
    assert!(agree(s, "failed").await);
    assert_eq!(class_level(s, b).await, None);

    // A panic between the engine change and the commit: the engine is
    // dropped and loaded again from the tables on next use.
    s.arm_write_failpoint(WriteFailpoint::PanicBeforeCommit);
    let task = tokio::spawn({
        let (s, t) = (s.clone(), t.clone());
        async move { s.confirm_case(&t, &case(a, "11/08/2021"), today()).await }
    });
    assert!(task.await.unwrap_err().is_panic());
    assert!(!agree(s, "panicked").await, "engine discarded");
    assert_eq!(class_level(s, b).await, None);

    s.confirm_case(&t, &case(a, "11/08/2021"), today())
        .await
        .unwrap();
    assert_eq!(class_level(s, b).await, Some(1));
    assert!(agree(s, "reloaded and committed").await);
}

#[tokio::test]
async fn a_write_cut_short_during_its_commit_reloads_the_engine_from_the_tables() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = actor(HA_KHANH, Role::ContactTracer);
    let [a, b, c, _] = line(s).await;
    let reached = Arc::new(Notify::new());
    s.arm_write_failpoint(WriteFailpoint::PauseInCommit(reached.clone()));
    dropped_at_failpoint(reached, s.confirm_case(&t, &case(a, "11/08/2021"), today())).await;
    assert!(
        !agree(s, "cut short in commit").await,
        "outcome unknown: engine discarded"
    );
    s.add_contact(&t, &household_contact(c, a, "20/08/2021"))
        .await
        .unwrap();
    assert!(agree(s, "reloaded").await);
    assert_eq!(class_level(s, b).await, None);
}

#[tokio::test]
async fn a_merge_and_the_classes_it_changes_commit_together() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = actor(HA_KHANH, Role::ContactTracer);
    let admin = Actor::system("test");
    let [a, b, c, _] = line(s).await;
    s.confirm_case(&t, &case(a, "11/08/2021"), today())
        .await
        .unwrap();
    // E, a second record of C, met F (unknown to the chain until merged).
    let e = person(s, "Lê Văn Cường").await;
    let f = person(s, "Vũ Văn Phúc").await;
    s.add_contact(&t, &household_contact(e, f, "15/08/2021"))
        .await
        .unwrap();
    assert_eq!(class_level(s, f).await, None);
    let reached = pause(s);
    dropped_at_failpoint(reached, s.merge_persons(&admin, c, e)).await;
    assert!(agree(s, "merge dropped").await);
    assert_eq!(class_level(s, f).await, None);
    s.merge_persons(&admin, c, e).await.unwrap();
    assert_eq!(
        (class_level(s, b).await, class_level(s, f).await),
        (Some(1), Some(3))
    );
    assert!(agree(s, "merged").await);
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let n: i64 = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
    pool.close().await;
    n
}

fn positive(code: &str) -> ResultInput {
    ResultInput {
        code: code.into(),
        test_kind: "rt_pcr".into(),
        outcome: "positive".into(),
        ct: String::new(),
        resulted_on: "14/08/2021".into(),
        lab: "CDC Quảng Ninh".into(),
    }
}

#[tokio::test]
async fn a_result_the_case_it_confirms_and_their_link_commit_together() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = actor(HA_KHANH, Role::ContactTracer);
    let staff = actor(HA_KHANH, Role::HealthStaff);
    let lab = actor(HA_KHANH, Role::LabStaff);
    let [a, b, c, _] = line(s).await;
    s.confirm_case(&t, &case(a, "11/08/2021"), today())
        .await
        .unwrap();
    let sample = |p: i64| SampleInput {
        person_id: p,
        collected_on: "13/08/2021".into(),
        lab: "CDC Quảng Ninh".into(),
        ..Default::default()
    };
    let sb = s.record_sample(&staff, &sample(b), today()).await.unwrap();
    let status = |code: String| async move {
        s.sample_by_code(&Scope::national(), &code)
            .await
            .unwrap()
            .status
    };
    let before = status(sb.code.clone()).await;

    // The case confirmation fails: the result goes too.
    s.arm_write_failpoint(WriteFailpoint::FailBeforeCommit);
    s.record_result(&lab, &positive(&sb.code), today())
        .await
        .unwrap_err();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM test_results").await, 0);
    assert_eq!(status(sb.code.clone()).await, before);
    assert_eq!(s.case_code_of(b).await.unwrap(), None);
    assert_eq!(
        (class_level(s, b).await, class_level(s, c).await),
        (Some(1), Some(2))
    );
    assert!(agree(s, "result failed").await);

    // The lab's request dropped before the commit: the same.
    let reached = pause(s);
    dropped_at_failpoint(reached, s.record_result(&lab, &positive(&sb.code), today())).await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM test_results").await, 0);
    assert_eq!(s.case_code_of(b).await.unwrap(), None);
    assert!(agree(s, "result dropped").await);

    // Committed: result, case and link, all at once.
    let out = s
        .record_result(&lab, &positive(&sb.code), today())
        .await
        .unwrap();
    let code = out.case_code.clone().unwrap();
    assert_eq!(s.case_code_of(b).await.unwrap(), Some(code.clone()));
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT COUNT(*) FROM test_results r JOIN cases c ON c.id = r.case_id \
                 WHERE r.id = {} AND c.code = '{code}'",
                out.result_id
            )
        )
        .await,
        1
    );
    assert_eq!(class_level(s, c).await, Some(1));
    assert!(agree(s, "result committed").await);

    // A lab file: the batch, its positives' cases and links, or nothing.
    let sc = s.record_sample(&staff, &sample(c), today()).await.unwrap();
    s.arm_write_failpoint(WriteFailpoint::FailBeforeCommit);
    s.record_results(&lab, &[positive(&sc.code)], today())
        .await
        .unwrap_err();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM test_results").await, 1);
    assert_eq!(s.case_code_of(c).await.unwrap(), None);
    assert_eq!(class_level(s, c).await, Some(1));
    assert!(agree(s, "batch failed").await);
    let rows = s
        .record_results(&lab, &[positive(&sc.code)], today())
        .await
        .unwrap();
    let row = rows[0].as_ref().unwrap();
    let code = row.case_code.clone().unwrap();
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT COUNT(*) FROM test_results r JOIN cases c ON c.id = r.case_id \
                 WHERE r.id = {} AND c.code = '{code}'",
                row.result_id
            )
        )
        .await,
        1
    );
    assert_eq!(class_level(s, c).await, Some(0));
    assert!(agree(s, "batch committed").await);
}

#[tokio::test]
async fn a_reviewed_result_its_decision_the_case_and_their_link_commit_together() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(HA_KHANH, Role::HealthStaff);
    let lab = actor(HA_KHANH, Role::LabStaff);
    s.set_setting(
        &Actor {
            scope: Scope::unit(UnitCode::parse("22").unwrap()),
            ..actor(HA_KHANH, Role::Admin)
        },
        "22",
        "f0_confirmation",
        "review",
    )
    .await
    .unwrap();
    let [a, b, _, _] = line(s).await;
    let sample = s
        .record_sample(
            &staff,
            &SampleInput {
                person_id: a,
                collected_on: "12/08/2021".into(),
                ..Default::default()
            },
            today(),
        )
        .await
        .unwrap();
    let out = s
        .record_result(&lab, &positive(&sample.code), today())
        .await
        .unwrap();
    assert!(out.review_pending && out.case_code.is_none(), "{out:?}");
    assert_eq!(class_level(s, a).await, None);

    s.arm_write_failpoint(WriteFailpoint::FailBeforeCommit);
    s.review_result(&staff, out.result_id, true, today())
        .await
        .unwrap_err();
    assert_eq!(s.pending_reviews(&staff.scope).await.unwrap().len(), 1);
    assert_eq!(s.case_code_of(a).await.unwrap(), None);
    assert!(agree(s, "review failed").await);

    let reviewed = s
        .review_result(&staff, out.result_id, true, today())
        .await
        .unwrap();
    let code = reviewed.case_code.unwrap();
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT COUNT(*) FROM test_results r JOIN cases c ON c.id = r.case_id \
                 WHERE r.id = {} AND c.code = '{code}' AND r.review = 'confirmed'",
                out.result_id
            )
        )
        .await,
        1
    );
    assert_eq!(
        (class_level(s, a).await, class_level(s, b).await),
        (Some(0), Some(1))
    );
    assert!(agree(s, "reviewed").await);
}
