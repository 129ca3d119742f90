#![allow(clippy::unwrap_used)]
//! The report figures kept per commune and day (migrations 17, 20) against a
//! recount from the records, on SQLite or PostgreSQL: after every kind of
//! write the figures' rows must be exactly what counting everything again
//! gives — so no write the triggers miss can leave a report stale.

use phongdich_domain::contact::ContactInput;
use phongdich_domain::testing::ResultInput;
use phongdich_domain::treatment::{Enrolment, Vitals};
use phongdich_domain::{PersonInput, Role, UnitCode};
use phongdich_store::testing::{
    HA_KHANH, HA_PHONG, QUANG_NINH, TestDb, actor, d, figures_against_lists, person, person_input,
};
use phongdich_store::{
    Actor, CaseInput, DAY_KEYS, OrderInput, PersonUpdate, STOCK_KEYS, SampleInput, Scope,
};

fn woman_of_1970(name: &str, commune: &str) -> PersonInput {
    person_input(name, "1970", "nữ", commune)
}

/// Every row the figures keep for the province, as text.
async fn kept(db: &TestDb) -> Vec<Option<String>> {
    let (days, stocks) = (DAY_KEYS, STOCK_KEYS);
    let text = |cols: &[&str]| cols.join(" || ' ' || ");
    let mut rows = db
        .strings(&format!(
            "SELECT 'day ' || commune_code || ' ' || day || ' ' || {} || ' ' || {} FROM figure_days \
             WHERE province_code = '{QUANG_NINH}' ORDER BY commune_code, day",
            text(&days),
            text(&stocks)
        ))
        .await;
    rows.extend(
        db.strings(&format!(
            "SELECT 'tat ' || commune_code || ' ' || day || ' ' || days_taken || ' ' || tests \
             FROM figure_turnaround WHERE province_code = '{QUANG_NINH}' ORDER BY commune_code, day, days_taken"
        ))
        .await,
    );
    rows
}

/// The rows kept after the last write equal a recount of the province.
async fn same_as_recount(db: &TestDb, after: &str) -> Vec<Option<String>> {
    let province = Scope::unit(UnitCode::parse(QUANG_NINH).unwrap());
    db.store.refresh_figures(&province).await.unwrap();
    let incremental = kept(db).await;
    let counted = db.store.recount_figures(&province).await.unwrap();
    assert!(counted > 100, "every commune of the province: {counted}");
    assert_eq!(incremental, kept(db).await, "after {after}");
    // Every figure opens exactly its records, on the days the story changes
    // (the stocks as they stood at each day's end) and over its whole span.
    let mut wrong = Vec::new();
    for unit in [QUANG_NINH, HA_PHONG] {
        wrong.extend(figures_against_lists(&db.store, unit, d(1, 8), d(30, 9), d(1, 8)).await);
        for day in [
            d(8, 8),
            d(10, 8),
            d(11, 8),
            d(12, 8),
            d(16, 8),
            d(23, 8),
            d(24, 8),
            d(7, 9),
        ] {
            wrong.extend(figures_against_lists(&db.store, unit, day, day, d(1, 8)).await);
        }
    }
    assert!(wrong.is_empty(), "after {after}: {wrong:#?}");
    incremental
}

fn has(rows: &[Option<String>], prefix: &str) -> bool {
    rows.iter().flatten().any(|r| r.starts_with(prefix))
}

#[tokio::test]
async fn the_kept_figures_equal_a_recount_after_every_kind_of_write() {
    let db = TestDb::new().await;
    let s = &db.store;
    let system = Actor::system("test");
    let staff = actor(HA_KHANH, Role::HealthStaff);
    same_as_recount(&db, "nothing").await;

    // A (Hà Khánh) met B and C; B met D (Hà Phong).
    let a = person(s, "Vũ Văn Nguồn", HA_KHANH).await;
    let b = person(s, "Vũ Thị Gần", HA_KHANH).await;
    let c = person(s, "Vũ Văn Cùng", HA_KHANH).await;
    let dd = person(s, "Phạm Thị Xa", HA_PHONG).await;
    for (x, y) in [(a, b), (a, c), (b, dd)] {
        let input = ContactInput {
            person_id: x,
            other_person_id: y,
            date: "08/08/2021".into(),
            setting: "household".into(),
            ..Default::default()
        };
        s.add_contact(&system, &input.parse(d(10, 8)).unwrap())
            .await
            .unwrap();
    }
    same_as_recount(&db, "contacts").await;

    let (case_a, _) = s
        .confirm_case(
            &system,
            &CaseInput::found_in_community(a, "10/08/2021", "09/08/2021", "rt_pcr"),
            d(10, 8),
        )
        .await
        .unwrap();
    let rows = same_as_recount(&db, "an F0 confirmed").await;
    assert!(
        has(&rows, &format!("day {HA_KHANH} 2021-08-10 1 1 0 0")),
        "{rows:?}"
    );
    let province = Scope::unit(UnitCode::parse(QUANG_NINH).unwrap());
    let on = |day| s.figures_by_unit(&province, day, day, d(1, 8));
    assert_eq!(
        on(d(10, 8)).await.unwrap()[HA_PHONG].f2,
        1,
        "D is F2 in Hà Phong"
    );

    let order = s
        .create_order(
            &staff,
            &OrderInput {
                person_id: b,
                situation: "f1".into(),
                start_on: "10/08/2021".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    same_as_recount(&db, "a quarantine order").await;
    // The tracing team reached B on 11/8 and confirmed the contact (rà soát).
    s.record_contact_review(&staff, b, "11/08/2021", "confirmed", "")
        .await
        .unwrap();
    same_as_recount(&db, "a contact review").await;
    let reviewed = |day| async move { on(day).await.unwrap()[HA_KHANH].f1_reviewed };
    assert_eq!((reviewed(d(10, 8)).await, reviewed(d(11, 8)).await), (0, 1));

    let mut codes = Vec::new();
    for who in [b, c] {
        let sample = s
            .record_sample(
                &staff,
                &SampleInput {
                    person_id: who,
                    collected_on: "10/08/2021".into(),
                    ..Default::default()
                },
                d(10, 8),
            )
            .await
            .unwrap();
        codes.push(sample.code);
    }
    same_as_recount(&db, "samples").await;
    for (code, outcome, on) in [
        (&codes[0], "negative", "11/08/2021"),
        (&codes[1], "positive", "12/08/2021"),
    ] {
        let r = ResultInput {
            code: code.clone(),
            test_kind: "rt_pcr".into(),
            outcome: outcome.into(),
            resulted_on: on.into(),
            ..Default::default()
        };
        s.record_result(&staff, &r, d(12, 8)).await.unwrap();
        same_as_recount(&db, &format!("a {outcome} result")).await;
    }
    let rows = kept(&db).await;
    assert!(
        has(&rows, &format!("tat {HA_KHANH} 2021-08-12 2 1")),
        "{rows:?}"
    );

    // B's tests of days 7 and 14 of her quarantine, then her release.
    for (day, on) in [(16, "16/08/2021"), (23, "23/08/2021")] {
        let sample = s
            .record_sample(
                &staff,
                &SampleInput {
                    person_id: b,
                    collected_on: on.into(),
                    ..Default::default()
                },
                d(day, 8),
            )
            .await
            .unwrap();
        let r = ResultInput {
            code: sample.code,
            test_kind: "rt_pcr".into(),
            outcome: "negative".into(),
            resulted_on: on.into(),
            ..Default::default()
        };
        s.record_result(&staff, &r, d(day, 8)).await.unwrap();
    }
    same_as_recount(&db, "the quarantine's tests").await;
    s.release_order(&staff, order.id, d(24, 8)).await.unwrap();
    same_as_recount(&db, "a release").await;
    s.set_case_course(&system, case_a.id, "recovered", Some(d(20, 8)))
        .await
        .unwrap();
    same_as_recount(&db, "a recovery").await;

    // C, positive, is treated at home and raises an alert.
    let e = Enrolment {
        age_years: 40,
        mild_or_no_symptoms: true,
        breathing_rate: 18,
        spo2: 97,
        can_self_care_and_call: true,
        doses: 2,
        ..Default::default()
    };
    let t = s
        .enrol_home_treatment(&staff, c, &e, d(12, 8))
        .await
        .unwrap();
    let bad = Vitals {
        spo2: Some(93),
        breathing_rate: Some(24),
        ..Default::default()
    };
    let r = s.record_vitals(&staff, t.id, &bad, d(12, 8)).await.unwrap();
    assert!(r.alert_id.is_some());
    same_as_recount(&db, "an alert").await;

    // B moves to Hà Phong: she was traced in Hà Khánh, and counts there.
    let before = s.person(&system.scope, b).await.unwrap();
    s.update_person(
        &system,
        b,
        &PersonUpdate {
            expected_version: before.version,
            person: woman_of_1970("Vũ Thị Gần", HA_PHONG)
                .parse(d(1, 8))
                .unwrap(),
        },
    )
    .await
    .unwrap();
    let rows = same_as_recount(&db, "a move").await;
    // F1 newly traced, by the first day of their F1 period: B and C in Hà
    // Khánh, where they lived then; nobody in Hà Phong, B's home now.
    let f1_new = |commune: &str| -> i64 {
        rows.iter()
            .flatten()
            .filter(|r| r.starts_with(&format!("day {commune} ")))
            .map(|r| r.split(' ').nth(10).unwrap().parse::<i64>().unwrap())
            .sum()
    };
    assert!(f1_new(HA_KHANH) >= 2, "{rows:?}");
    assert_eq!(f1_new(HA_PHONG), 0, "{rows:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn readers_recounting_while_others_write_lose_no_change() {
    let db = TestDb::new().await;
    let s = &db.store;
    let province = Scope::unit(UnitCode::parse(QUANG_NINH).unwrap());
    let mut people = Vec::new();
    let names = [
        "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Khoa", "Lan", "Minh", "Nam", "Oanh",
        "Phúc", "Quân", "Sơn", "Tâm", "Uyên", "Vinh", "Xuân", "Yến", "Bảo", "Cường", "Đức", "Hùng",
    ];
    for (i, name) in names.iter().enumerate() {
        let commune = if i % 2 == 0 { HA_KHANH } else { HA_PHONG };
        people.push((person(s, &format!("Lê Văn {name}"), commune).await, commune));
    }
    s.refresh_figures(&province).await.unwrap();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Two readers recount while three writers record samples.
    let mut readers = Vec::new();
    for _ in 0..2 {
        let (store, scope, done) = (s.clone(), province.clone(), done.clone());
        readers.push(tokio::spawn(async move {
            let mut rounds = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                store.refresh_figures(&scope).await.unwrap();
                rounds += 1;
            }
            rounds
        }));
    }
    let mut writers = Vec::new();
    for chunk in people.chunks(8) {
        let (store, chunk) = (s.clone(), chunk.to_vec());
        writers.push(tokio::spawn(async move {
            for (who, commune) in chunk {
                store
                    .record_sample(
                        &actor(commune, Role::HealthStaff),
                        &SampleInput {
                            person_id: who,
                            collected_on: "10/08/2021".into(),
                            ..Default::default()
                        },
                        d(10, 8),
                    )
                    .await
                    .unwrap();
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    for r in readers {
        assert!(r.await.unwrap() > 0);
    }
    let rows = same_as_recount(&db, "concurrent samples").await;
    let taken: i64 = rows
        .iter()
        .flatten()
        .filter(|r| r.starts_with("day ") && r.contains(" 2021-08-10 "))
        .map(|r| r.split(' ').nth(12).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(taken, 24, "every sample counted: {rows:?}");
}

#[tokio::test]
async fn an_f1_whose_source_changes_is_not_traced_anew() {
    let db = TestDb::new().await;
    let s = &db.store;
    let b = person(s, "Hồ Thị Một", HA_KHANH).await;
    // The periods as the tracing store writes them: B is F1 from 10/8; her
    // source F0 changes on 11/8 (a new F1 period continuing the first, the
    // day after it ends); she is released on 12/8 (her period ends the day
    // before) and traced again on 13/8 — F1 newly traced twice, on the days
    // her F1 periods began.
    for (from, to) in [
        ("2021-08-10", "'2021-08-10'"),
        ("2021-08-11", "'2021-08-11'"),
        ("2021-08-13", "NULL"),
    ] {
        db.execute(&format!(
            "INSERT INTO class_periods (person_id, level, from_on, to_on, province_code, district_code, commune_code) \
             VALUES ({b}, 1, '{from}', {to}, '22', '193', '{HA_KHANH}')"
        ))
        .await
        .unwrap();
    }
    let rows = same_as_recount(&db, "history entries").await;
    let traced: Vec<&str> = rows
        .iter()
        .flatten()
        .filter(|r| r.starts_with(&format!("day {HA_KHANH} ")))
        .filter(|r| r.split(' ').nth(10) != Some("0"))
        .map(|r| r.split(' ').nth(2).unwrap())
        .collect();
    assert_eq!(traced, ["2021-08-10", "2021-08-13"], "{rows:?}");
    let khanh = Scope::unit(UnitCode::parse(HA_KHANH).unwrap());
    let f = s
        .figures_by_unit(&khanh, d(10, 8), d(13, 8), d(1, 8))
        .await
        .unwrap();
    assert_eq!(
        f[HA_KHANH].f1_new, 2,
        "traced twice in the period, on two days"
    );
}
