#![allow(clippy::unwrap_used)]
//! Report figures computed from the records, on SQLite or PostgreSQL: each
//! commune's counts, the district's as their sum (with what the district keeps
//! itself), and nothing from outside the reader's jurisdiction.

use chrono::TimeZone;
use phongdich_domain::Role;
use phongdich_domain::contact::ContactInput;
use phongdich_domain::testing::ResultInput;
use phongdich_store::testing::{HA_KHANH, HA_LONG, HA_PHONG, TestDb, actor, d, person};
use phongdich_store::{Actor, CaseInput, EquipmentInput, OrderInput, SampleInput, StoreError};

#[tokio::test]
async fn a_districts_figures_are_the_sum_of_its_communes() {
    let db = TestDb::new().await;
    let s = &db.store;
    let system = Actor::system("test");
    // Hà Khánh: two F0 on 10/8 (one found in quarantine), three contacts of the first.
    let a = person(s, "Lý Văn Một", HA_KHANH).await;
    let b = person(s, "Lý Thị Hai", HA_KHANH).await;
    let mut contacts = Vec::new();
    for name in ["Lý Văn Ba", "Lý Văn Bốn", "Lý Văn Năm"] {
        contacts.push(person(s, name, HA_KHANH).await);
    }
    for c in &contacts {
        let input = ContactInput {
            person_id: a,
            other_person_id: *c,
            date: "08/08/2021".into(),
            setting: "household".into(),
            ..Default::default()
        };
        s.add_contact(&system, &input.parse(d(10, 8)).unwrap())
            .await
            .unwrap();
    }
    s.confirm_case(
        &system,
        &CaseInput::found_in_community(a, "10/08/2021", "09/08/2021", "rt_pcr"),
        d(10, 8),
    )
    .await
    .unwrap();
    let mut in_quarantine = CaseInput::found_in_community(b, "10/08/2021", "09/08/2021", "rt_pcr");
    in_quarantine.detected_where = "quarantine".into();
    s.confirm_case(&system, &in_quarantine, d(10, 8))
        .await
        .unwrap();
    // Hà Phong: one imported F0 on 11/8; one earlier F0 (1/8), before the period.
    let c = person(s, "Trần Văn Về", HA_PHONG).await;
    let mut imported = CaseInput::found_in_community(c, "11/08/2021", "10/08/2021", "rt_pcr");
    imported.source_kind = "imported".into();
    imported.source_ref = "KR".into();
    s.confirm_case(&system, &imported, d(11, 8)).await.unwrap();
    let e = person(s, "Trần Thị Cũ", HA_PHONG).await;
    s.confirm_case(
        &system,
        &CaseInput::found_in_community(e, "01/08/2021", "31/07/2021", "rt_pcr"),
        d(1, 8),
    )
    .await
    .unwrap();
    // One F1 quarantined at home and sampled negative; one sampled, waiting.
    let staff = actor(HA_KHANH, Role::HealthStaff);
    let order = OrderInput {
        person_id: contacts[0],
        situation: "f1".into(),
        start_on: "10/08/2021".into(),
        ..Default::default()
    };
    s.create_order(&staff, &order).await.unwrap();
    for (who, outcome) in [(contacts[0], Some("negative")), (contacts[1], None)] {
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
        if let Some(outcome) = outcome {
            let r = ResultInput {
                code: sample.code.clone(),
                test_kind: "rt_pcr".into(),
                outcome: outcome.into(),
                resulted_on: "11/08/2021".into(),
                ..Default::default()
            };
            s.record_result(&staff, &r, d(11, 8)).await.unwrap();
        }
    }
    // The district keeps a concentrator; Hà Khánh one too.
    for (label, unit) in [("MTO-1", HA_LONG), ("MTO-2", HA_KHANH)] {
        s.add_equipment(
            &system,
            &EquipmentInput {
                kind: "concentrator".into(),
                label: label.into(),
                capacity: "5 L/phút".into(),
                unit_code: unit.into(),
            },
        )
        .await
        .unwrap();
    }

    let district = actor(HA_LONG, Role::Viewer);
    let r = s
        .report_figures(&district.scope, HA_LONG, d(10, 8), d(11, 8), d(1, 8))
        .await
        .unwrap();
    let f = &r.figures;
    assert_eq!(
        (
            f.f0_new,
            f.f0_new_community,
            f.f0_new_quarantine,
            f.f0_new_imported
        ),
        (3, 1, 1, 1)
    );
    assert_eq!(
        (f.f0_home, f.f0_cumulative),
        (4, 4),
        "the 1/8 case counts since the wave"
    );
    assert_eq!((f.f1, f.f1_quarantined, f.f1_sampled), (3, 1, 2));
    // Reviewed: none — an order or a sample is not a contact review (rà soát).
    assert_eq!((f.f1_negative, f.f1_pending, f.f1_reviewed), (1, 1, 0));
    assert_eq!(
        (f.quarantine_centralised, f.samples_taken),
        (1, 2),
        "5599: centralised"
    );
    assert_eq!((f.tests_done, f.tests_negative), (1, 1));
    assert_eq!(
        f.oxygen_equipment, 2,
        "the district's own and the commune's"
    );
    assert_eq!(r.rates.turnaround_days, Some(1.0));

    let khanh = r.children.iter().find(|c| c.unit_code == HA_KHANH).unwrap();
    let phong = r.children.iter().find(|c| c.unit_code == HA_PHONG).unwrap();
    assert_eq!((khanh.figures.f0_new, phong.figures.f0_new), (2, 1));
    assert_eq!(
        khanh.figures.oxygen_equipment, 1,
        "the district's own is in no commune"
    );
    let mut sum = phongdich_domain::report::Figures::default();
    for c in &r.children {
        sum.add(&c.figures);
    }
    sum.oxygen_equipment += 1;
    assert_eq!(
        &sum, f,
        "the district is its communes plus what it keeps itself"
    );

    // The commune's own report equals its line in the district's.
    let own = s
        .report_figures(&staff.scope, HA_KHANH, d(10, 8), d(11, 8), d(1, 8))
        .await
        .unwrap();
    assert_eq!(own.figures, khanh.figures);
    // Hà Phong's staff cannot read Hà Khánh's report, nor the district's.
    let neighbour = actor(HA_PHONG, Role::HealthStaff);
    for unit in [HA_KHANH, HA_LONG] {
        assert!(matches!(
            s.report_figures(&neighbour.scope, unit, d(10, 8), d(11, 8), d(1, 8))
                .await,
            Err(StoreError::NotFound { .. })
        ));
    }
}

#[tokio::test]
async fn a_report_sent_stays_as_sent_and_the_level_above_reviews_it() {
    let db = TestDb::new().await;
    let s = &db.store;
    let system = Actor::system("test");
    let today = chrono::Utc::now()
        .with_timezone(&phongdich_store::vietnam())
        .date_naive();
    let a = person(s, "Đỗ Văn Gửi", HA_KHANH).await;
    let day = today.format("%d/%m/%Y").to_string();
    s.confirm_case(
        &system,
        &CaseInput::found_in_community(a, &day, &day, "rt_pcr"),
        today,
    )
    .await
    .unwrap();
    let commune = actor(HA_KHANH, Role::HealthStaff);
    let district = actor(HA_LONG, Role::Admin);
    let viewer = actor(HA_KHANH, Role::Viewer);
    assert!(matches!(
        s.submit_report(&viewer, HA_KHANH, today, today, "", today)
            .await,
        Err(StoreError::Forbidden { .. })
    ));
    assert!(
        matches!(
            s.submit_report(&district, HA_KHANH, today, today, "", today)
                .await,
            Err(StoreError::Invalid(_))
        ),
        "the district does not send the commune's report"
    );
    let sent = s
        .submit_report(
            &commune,
            HA_KHANH,
            today,
            today,
            "Đã khoanh vùng tổ 5.",
            today,
        )
        .await
        .unwrap();
    assert_eq!(
        (
            sent.status.as_str(),
            sent.version,
            sent.figures.figures.f0_new
        ),
        ("submitted", 1, 1)
    );
    assert!(matches!(
        s.submit_report(&commune, HA_KHANH, today, today, "", today)
            .await,
        Err(StoreError::Conflict { .. })
    ));

    // A second F0 later the same day: the report as sent does not change.
    let b = person(s, "Đỗ Thị Sau", HA_KHANH).await;
    s.confirm_case(
        &system,
        &CaseInput::found_in_community(b, &day, &day, "rt_pcr"),
        today,
    )
    .await
    .unwrap();
    let again = s.situation_report(&commune.scope, sent.id).await.unwrap();
    assert_eq!(again.figures.figures.f0_new, 1, "frozen");
    let live = s
        .report_figures(&commune.scope, HA_KHANH, today, today, today)
        .await
        .unwrap();
    assert_eq!(live.figures.f0_new, 2);

    // The commune cannot review itself, the neighbour cannot see it; the
    // district returns it (a reason is needed), then approves the next version.
    assert!(s.review_report(&commune, sent.id, true, "").await.is_err());
    assert!(matches!(
        s.review_report(&actor(HA_PHONG, Role::Admin), sent.id, true, "")
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.review_report(&district, sent.id, false, " ").await,
        Err(StoreError::Invalid(_))
    ));
    let returned = s
        .review_report(&district, sent.id, false, "Thiếu ca thứ hai.")
        .await
        .unwrap();
    assert_eq!(returned.status, "returned");
    let v2 = s
        .submit_report(
            &commune,
            HA_KHANH,
            today,
            today,
            "Bổ sung ca thứ hai.",
            today,
        )
        .await
        .unwrap();
    assert_eq!((v2.version, v2.figures.figures.f0_new), (2, 2));
    let approved = s.review_report(&district, v2.id, true, "").await.unwrap();
    assert_eq!(approved.status, "approved");

    // The district's board: Hà Khánh sent, the others missing once the deadline passed.
    let before_deadline = phongdich_store::vietnam()
        .from_local_datetime(&today.and_hms_opt(8, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    let board = s
        .submissions(&district.scope, HA_LONG, today, before_deadline)
        .await
        .unwrap();
    assert!(board.len() > 20, "every commune of Hạ Long");
    let khanh = board.iter().find(|b| b.unit_code == HA_KHANH).unwrap();
    assert_eq!(
        (khanh.report_id, khanh.status.as_deref()),
        (Some(v2.id), Some("approved"))
    );
    assert!(
        board.iter().all(|b| !b.missing),
        "not missing before the deadline"
    );
    let after = before_deadline + chrono::Duration::hours(12);
    let board = s
        .submissions(&district.scope, HA_LONG, today, after)
        .await
        .unwrap();
    let phong = board.iter().find(|b| b.unit_code == HA_PHONG).unwrap();
    assert!(phong.missing);
    s.remind(&district, HA_PHONG, today).await.unwrap();
    assert!(matches!(
        s.remind(&commune, HA_PHONG, today).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(s.reminders(HA_PHONG, today).await.unwrap().len(), 1);
    let board = s
        .submissions(&district.scope, HA_LONG, today, after)
        .await
        .unwrap();
    assert!(
        board
            .iter()
            .find(|b| b.unit_code == HA_PHONG)
            .unwrap()
            .reminded_at
            .is_some()
    );
    let history = s
        .reports_of_unit(&district.scope, HA_KHANH, 10)
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert!(
        s.previous_report(&commune.scope, HA_KHANH, today)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_hamlet_has_its_report_and_dashboard_from_the_people_living_there() {
    let db = TestDb::new().await;
    let s = &db.store;
    let system = Actor::system("test");
    let hamlet = s
        .add_hamlet(
            &system,
            &phongdich_store::NewHamlet {
                commune_code: HA_KHANH.into(),
                name: "Tổ dân phố 5".into(),
                kind: "tổ dân phố".into(),
            },
        )
        .await
        .unwrap();
    // Two F0 in the commune, one of them living in the hamlet.
    let mut people = Vec::new();
    for (name, in_hamlet) in [("Hồ Văn Thôn", true), ("Hồ Văn Xã", false)] {
        let input = phongdich_domain::PersonInput {
            full_name: name.into(),
            birth: "1975".into(),
            sex: "nam".into(),
            commune_code: HA_KHANH.into(),
            hamlet_code: if in_hamlet {
                hamlet.code.clone()
            } else {
                String::new()
            },
            ..Default::default()
        };
        let p = s
            .create_person(&system, &input.parse(d(1, 8)).unwrap(), true)
            .await
            .unwrap();
        people.push(p.id);
        s.confirm_case(
            &system,
            &CaseInput::found_in_community(p.id, "10/08/2021", "10/08/2021", "rt_pcr"),
            d(10, 8),
        )
        .await
        .unwrap();
    }
    let national = phongdich_store::Scope::national();
    let report = s
        .report_figures(&national, &hamlet.code, d(10, 8), d(10, 8), d(1, 8))
        .await
        .unwrap();
    assert_eq!((report.figures.f0_new, report.figures.f0_active), (1, 1));
    let commune = s
        .report_figures(&national, HA_KHANH, d(10, 8), d(10, 8), d(1, 8))
        .await
        .unwrap();
    assert_eq!(commune.figures.f0_new, 2);
    let list = s
        .figure_list(
            &national,
            "f0_new",
            &hamlet.code,
            phongdich_store::FigurePeriod {
                from: d(10, 8),
                to: d(10, 8),
                wave_start: d(1, 8),
            },
            phongdich_store::Paging::new(0, 10),
        )
        .await
        .unwrap();
    assert_eq!(list.total, 1);
    assert_eq!(list.entries[0].full_name.as_deref(), Some("Hồ Văn Thôn"));
    // Its dashboard reads too.
    let dash = s
        .dashboard(
            &national,
            &phongdich_store::DashboardQuery {
                unit: hamlet.code.clone(),
                from: "2021-08-04".into(),
                to: "2021-08-10".into(),
            },
            d(20, 8),
        )
        .await
        .unwrap();
    assert_eq!(dash.period.figures.f0_new, 1);
    assert_eq!(dash.curve.iter().map(|c| c.total()).sum::<i64>(), 1);
}

/// Issue 18, bug 6: a report read "F0 at home 5, cumulative F0 4". Not
/// figures frozen at different moments — the province had declared its wave
/// to start after some cases were confirmed: those still in treatment count
/// in the stocks (at home, in hospital) but not in the cumulative F0 since the
/// wave began. The report now counts them (`f0_active_before_wave`), so that
/// `f0_active = F0 since the wave still in treatment + f0_active_before_wave`
/// always holds. Hand-drawn first, then against a brute force over a random
/// plan of confirmations and course steps, counted here from the plan.
#[tokio::test]
async fn a_report_counts_the_f0_in_treatment_from_before_the_wave() {
    let db = TestDb::new().await;
    let s = &db.store;
    let system = Actor::system("test");
    // Quảng Ninh's wave starts on 5/8/2021 (Decision of the province; a setting).
    s.set_setting(&system, "22", "wave_start", "2021-08-05")
        .await
        .unwrap();
    // Four F0 at home: two confirmed on 1/8 (before the wave), two on 6/8.
    for (name, day) in [
        ("Lê Văn Trước", "01/08/2021"),
        ("Lê Thị Trước", "01/08/2021"),
        ("Lê Văn Sau", "06/08/2021"),
        ("Lê Thị Sau", "06/08/2021"),
    ] {
        let p = person(s, name, HA_KHANH).await;
        s.confirm_case(
            &system,
            &CaseInput::found_in_community(p, day, day, "rt_pcr"),
            d(10, 8),
        )
        .await
        .unwrap();
    }
    let wave = s.wave_start("22").await.unwrap();
    let r = s
        .report_figures(
            &phongdich_store::Scope::national(),
            HA_KHANH,
            d(7, 8),
            d(7, 8),
            wave,
        )
        .await
        .unwrap();
    assert_eq!(r.figures.f0_home, 4);
    assert_eq!(r.figures.f0_cumulative, 2);
    assert_eq!(r.f0_active_before_wave, 2);
    // Before the wave began, nobody confirmed since: all four… of those by then.
    let r = s
        .report_figures(
            &phongdich_store::Scope::national(),
            HA_KHANH,
            d(3, 8),
            d(3, 8),
            wave,
        )
        .await
        .unwrap();
    assert_eq!(
        (
            r.figures.f0_active,
            r.figures.f0_cumulative,
            r.f0_active_before_wave
        ),
        (2, 0, 2)
    );
}

#[tokio::test]
async fn f0_in_treatment_before_and_since_the_wave_add_up_against_a_brute_force() {
    let db = TestDb::new().await;
    let s = &db.store;
    let system = Actor::system("test");
    s.set_setting(&system, "22", "wave_start", "2021-08-05")
        .await
        .unwrap();
    let wave = d(5, 8);
    // A small generator (no dependency): xorshift.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    // The plan: each case's confirmation day and its steps (course, day).
    let mut plan: Vec<(chrono::NaiveDate, Vec<(&str, chrono::NaiveDate)>)> = Vec::new();
    let given = [
        "An", "Bình", "Cúc", "Dũng", "Đào", "Giang", "Hà", "Hải", "Khánh", "Lan", "Long", "Mai",
        "Minh", "Nam", "Nga", "Oanh", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Uyên", "Vân", "Yến",
    ];
    for (i, g) in given.iter().enumerate() {
        let confirmed = d(25, 7) + chrono::Days::new(next(20));
        let unit = if i % 2 == 0 { HA_KHANH } else { HA_PHONG };
        let p = person(s, &format!("Phạm Thị {g}"), unit).await;
        let day = confirmed.format("%d/%m/%Y").to_string();
        let (case, _) = s
            .confirm_case(
                &system,
                &CaseInput::found_in_community(p, &day, &day, "rt_pcr"),
                d(31, 8),
            )
            .await
            .unwrap();
        let mut steps = vec![("home", confirmed)];
        let mut on = confirmed;
        for _ in 0..next(3) {
            on = on + chrono::Days::new(1 + next(5));
            let course = ["hospital", "icu", "home", "recovered", "deceased"][next(5) as usize];
            let negative = (course == "recovered").then_some(on);
            s.set_case_course_on(&system, case.id, course, negative, Some(on))
                .await
                .unwrap();
            steps.push((course, on));
            if matches!(course, "recovered" | "deceased") {
                break;
            }
        }
        plan.push((confirmed, steps));
    }
    let active_on = |steps: &[(&str, chrono::NaiveDate)], to: chrono::NaiveDate| {
        steps
            .iter()
            .rev()
            .find(|(_, on)| *on <= to)
            .is_some_and(|(c, _)| matches!(*c, "home" | "hospital" | "icu" | "unplaced"))
    };
    for to in (0..20).map(|n| d(28, 7) + chrono::Days::new(n)) {
        let r = s
            .report_figures(&phongdich_store::Scope::national(), HA_LONG, to, to, wave)
            .await
            .unwrap();
        let before = plan
            .iter()
            .filter(|(c, st)| *c < wave && *c <= to && active_on(st, to))
            .count() as i64;
        let since = plan
            .iter()
            .filter(|(c, st)| *c >= wave && *c <= to && active_on(st, to))
            .count() as i64;
        let cumulative = plan.iter().filter(|(c, _)| *c >= wave && *c <= to).count() as i64;
        assert_eq!(r.f0_active_before_wave, before, "{to}");
        assert_eq!(r.figures.f0_active, before + since, "{to}");
        assert_eq!(r.figures.f0_cumulative, cumulative, "{to}");
    }
}
