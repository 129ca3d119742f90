#![allow(clippy::unwrap_used)]
//! The dashboard's series on SQLite or PostgreSQL: new F0 per day by source
//! with the 7-day average, tests per day by outcome (samples and pools), each
//! commune's new F0 per day for the sparklines, the clusters with the most
//! active F0 — and nothing from outside the reader's jurisdiction.

use phongdich_domain::Role;
use phongdich_domain::testing::ResultInput;
use phongdich_store::testing::{HA_KHANH, HA_LONG, HA_PHONG, MONG_CAI, TestDb, actor, d, person};
use phongdich_store::{
    Actor, CaseInput, ClusterInput, DashboardQuery, PoolInput, SampleInput, Store, StoreError,
};

/// A commune of Móng Cái (Ka Long).
const KA_LONG: &str = "06709";

/// A new F0 confirmed on `day` of August: `source` is `community`,
/// `quarantine` or `imported`. Returns the person and the case.
async fn f0(s: &Store, name: &str, commune: &str, day: u32, source: &str) -> (i64, i64) {
    let id = person(s, name, commune).await;
    let on = format!("{day:02}/08/2021");
    let mut case = CaseInput::found_in_community(id, &on, &on, "rt_pcr");
    match source {
        "quarantine" => case.detected_where = "quarantine".into(),
        "imported" => {
            case.source_kind = "imported".into();
            case.source_ref = "KR".into();
        }
        _ => {}
    }
    let (case, _) = s
        .confirm_case(&Actor::system("test"), &case, d(day, 8))
        .await
        .unwrap();
    (id, case.id)
}

fn query(unit: &str, from: &str, to: &str) -> DashboardQuery {
    DashboardQuery {
        unit: unit.into(),
        from: from.into(),
        to: to.into(),
    }
}

#[tokio::test]
async fn series_by_source_and_day_sparklines_per_commune_and_clusters() {
    let db = TestDb::new().await;
    let s = &db.store;
    let system = Actor::system("test");
    // Hà Khánh: 2 on 5/8 (one found in quarantine), 1 imported on 9/8, 1 on 3/8
    // (before the period but within the 7-day average of its first days).
    let (a, _) = f0(s, "Lý Văn Một", HA_KHANH, 5, "community").await;
    let (b, case_b) = f0(s, "Lý Thị Hai", HA_KHANH, 5, "quarantine").await;
    f0(s, "Lý Văn Ba", HA_KHANH, 9, "imported").await;
    f0(s, "Lý Văn Sớm", HA_KHANH, 3, "community").await;
    // Hà Phong: 3 on 9/8.
    let mut phong = Vec::new();
    for name in ["Trần Văn A", "Trần Văn B", "Trần Văn C"] {
        phong.push(f0(s, name, HA_PHONG, 9, "community").await.0);
    }
    // Another district of the province: counts for the province only.
    f0(s, "Phạm Văn Xa", KA_LONG, 9, "community").await;

    // Tests: a negative sample on 6/8, a positive antigen test on 9/8 in Hà
    // Khánh (which confirms no F0 in 2021); a negative pool on 9/8 in Hà
    // Phong (one test).
    let khanh_staff = actor(HA_KHANH, Role::HealthStaff);
    let contact = person(s, "Lý Văn Tiếp", HA_KHANH).await;
    for (day, kind, outcome) in [(6, "rt_pcr", "negative"), (9, "antigen", "positive")] {
        let sample = s
            .record_sample(
                &khanh_staff,
                &SampleInput {
                    person_id: contact,
                    collected_on: format!("{:02}/08/2021", day - 1),
                    ..Default::default()
                },
                d(day, 8),
            )
            .await
            .unwrap();
        let r = ResultInput {
            code: sample.code,
            test_kind: kind.into(),
            outcome: outcome.into(),
            resulted_on: format!("{day:02}/08/2021"),
            ..Default::default()
        };
        s.record_result(&khanh_staff, &r, d(day, 8)).await.unwrap();
    }
    let phong_staff = actor(HA_PHONG, Role::HealthStaff);
    let mut members = Vec::new();
    for name in ["Đỗ Văn Một", "Đỗ Văn Hai"] {
        members.push(person(s, name, HA_PHONG).await);
    }
    let pool = s
        .record_pool(
            &phong_staff,
            &PoolInput {
                person_ids: members,
                collected_on: "08/08/2021".into(),
                ..Default::default()
            },
            d(8, 8),
        )
        .await
        .unwrap();
    let r = ResultInput {
        code: pool.code,
        test_kind: "rt_pcr".into(),
        outcome: "negative".into(),
        resulted_on: "09/08/2021".into(),
        ..Default::default()
    };
    s.record_result(&phong_staff, &r, d(9, 8)).await.unwrap();

    // Clusters: the market in Hà Phong with 3 active F0; the household in Hà
    // Khánh with 2 F0, one of whom recovered; a closed one is not listed.
    let cluster = |name: &str, unit: &str| ClusterInput {
        name: name.into(),
        kind: "market".into(),
        place: String::new(),
        unit_code: unit.into(),
        started_on: "05/08/2021".into(),
    };
    let market = s
        .create_cluster(&system, &cluster("Chợ Hà Phong", HA_PHONG))
        .await
        .unwrap();
    for p in &phong {
        s.add_cluster_member(&system, market.id, *p).await.unwrap();
    }
    let home = s
        .create_cluster(&system, &cluster("Nhà ông Một", HA_KHANH))
        .await
        .unwrap();
    for p in [a, b, contact] {
        s.add_cluster_member(&system, home.id, p).await.unwrap();
    }
    s.set_case_course(&system, case_b, "recovered", Some(d(10, 8)))
        .await
        .unwrap();

    // The district's dashboard for 5/8–10/8.
    let district = actor(HA_LONG, Role::Viewer);
    let dash = s
        .dashboard(
            &district.scope,
            &query("", "05/08/2021", "10/08/2021"),
            d(31, 8),
        )
        .await
        .unwrap();
    assert_eq!(dash.unit_code, HA_LONG, "the reader's unit by default");
    assert_eq!(dash.curve.len(), 6, "one entry per day, empty days too");
    let day = |n: usize| &dash.curve[n];
    assert_eq!(day(0).day, "2021-08-05");
    assert_eq!(
        (day(0).community, day(0).quarantine, day(0).imported),
        (1, 1, 0)
    );
    assert_eq!(
        (day(4).community, day(4).quarantine, day(4).imported),
        (3, 0, 1),
        "9/8: Hà Phong's three and Hà Khánh's imported one; not Móng Cái's"
    );
    assert_eq!(day(1).total(), 0);
    // 7-day average: on 5/8 the window 30/7–5/8 holds the 3/8 case and 5/8's two.
    assert!((day(0).average_7d - 3.0 / 7.0).abs() < 1e-9);
    assert!(
        (day(5).average_7d - 6.0 / 7.0).abs() < 1e-9,
        "4/8–10/8: 2 + 4"
    );
    // The curve adds up to the report's new F0 by source.
    let f = &dash.period.figures;
    let sum = |k: fn(&phongdich_store::CurveDay) -> i64| dash.curve.iter().map(k).sum::<i64>();
    assert_eq!(
        (
            sum(|d| d.community),
            sum(|d| d.quarantine),
            sum(|d| d.imported)
        ),
        (f.f0_new_community, f.f0_new_quarantine, f.f0_new_imported)
    );
    assert_eq!(f.f0_new, 6);

    // Tests by day: 6/8 one negative; 9/8 a positive sample and a negative pool.
    assert_eq!(dash.tests.len(), 6);
    let t = |day: &str| dash.tests.iter().find(|t| t.day == day).unwrap();
    assert_eq!((t("2021-08-06").positive, t("2021-08-06").negative), (0, 1));
    assert_eq!((t("2021-08-09").positive, t("2021-08-09").negative), (1, 1));
    assert_eq!(
        dash.tests
            .iter()
            .map(|t| t.positive + t.negative + t.other)
            .sum::<i64>(),
        f.tests_done
    );

    // Last day vs the day before: 10/8 had none, 9/8 had four.
    assert_eq!((dash.last_day.f0_new, dash.day_before.f0_new), (0, 4));
    assert_eq!(dash.change.f0_new, -4);

    // Sparklines: 14 days ending 10/8, per commune of the district.
    assert_eq!(dash.sparkline_days.len(), 14);
    assert_eq!(dash.sparkline_days.last().unwrap(), "2021-08-10");
    let unit = |code: &str| dash.units.iter().find(|u| u.unit_code == code).unwrap();
    let khanh = unit(HA_KHANH);
    assert_eq!(khanh.f0_new_by_day.len(), 14);
    // 28/7 … 10/8: 3/8 is index 6, 5/8 index 8, 9/8 index 12.
    assert_eq!(
        (
            khanh.f0_new_by_day[6],
            khanh.f0_new_by_day[8],
            khanh.f0_new_by_day[12]
        ),
        (1, 2, 1)
    );
    assert_eq!(unit(HA_PHONG).f0_new_by_day[12], 3);
    assert_eq!(
        (khanh.figures.f0_new, unit(HA_PHONG).figures.f0_new),
        (3, 3)
    );

    // Clusters: the market first (3 active), then the household (1 of 2 active).
    let top: Vec<(&str, i64, i64)> = dash
        .clusters
        .iter()
        .map(|c| (c.name.as_str(), c.active_f0, c.members))
        .collect();
    assert_eq!(top, [("Chợ Hà Phong", 3, 3), ("Nhà ông Một", 1, 3)]);

    // The province sees Móng Cái's case and a series per district.
    let province = actor("22", Role::Viewer);
    let dash = s
        .dashboard(
            &province.scope,
            &query("", "05/08/2021", "10/08/2021"),
            d(31, 8),
        )
        .await
        .unwrap();
    assert_eq!(dash.curve[4].community, 4);
    let by_district = |code: &str| {
        dash.units
            .iter()
            .find(|u| u.unit_code == code)
            .map(|u| u.f0_new_by_day[12])
    };
    assert_eq!(
        (by_district(HA_LONG), by_district(MONG_CAI)),
        (Some(4), Some(1))
    );
}

#[tokio::test]
async fn a_commune_sees_only_its_own_and_cannot_open_another_unit() {
    let db = TestDb::new().await;
    let s = &db.store;
    f0(s, "Lý Văn Một", HA_KHANH, 5, "community").await;
    let (p, _) = f0(s, "Trần Văn Hai", HA_PHONG, 5, "community").await;
    let market = s
        .create_cluster(
            &Actor::system("test"),
            &ClusterInput {
                name: "Chợ Hà Phong".into(),
                kind: "market".into(),
                place: String::new(),
                unit_code: HA_PHONG.into(),
                started_on: "05/08/2021".into(),
            },
        )
        .await
        .unwrap();
    s.add_cluster_member(&Actor::system("test"), market.id, p)
        .await
        .unwrap();
    let khanh = actor(HA_KHANH, Role::HealthStaff);
    let dash = s
        .dashboard(
            &khanh.scope,
            &query("", "05/08/2021", "06/08/2021"),
            d(31, 8),
        )
        .await
        .unwrap();
    assert_eq!(dash.unit_code, HA_KHANH);
    assert_eq!(dash.curve[0].total(), 1, "Hà Phong's case is not counted");
    assert!(dash.clusters.is_empty(), "Hà Phong's market is not listed");
    assert!(
        dash.units.is_empty(),
        "a commune has no units below with cases"
    );
    for unit in [HA_PHONG, HA_LONG, MONG_CAI] {
        assert!(
            matches!(
                s.dashboard(
                    &khanh.scope,
                    &query(unit, "05/08/2021", "06/08/2021"),
                    d(31, 8)
                )
                .await,
                Err(StoreError::NotFound { .. })
            ),
            "{unit} is outside Hà Khánh"
        );
    }
    // The series themselves are filtered by the scope they are given.
    let by_unit = s
        .f0_by_unit_and_day(&khanh.scope, "commune_code", d(1, 8), d(10, 8))
        .await
        .unwrap();
    assert_eq!(by_unit.keys().collect::<Vec<_>>(), [HA_KHANH]);
    // Bad dates name their fields.
    match s
        .dashboard(
            &khanh.scope,
            &query("", "01/01/2021", "31/08/2021"),
            d(31, 8),
        )
        .await
    {
        Err(StoreError::Invalid(i)) => assert_eq!(i.0[0].field, "from"),
        other => panic!("{other:?}"),
    }
}
