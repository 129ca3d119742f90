#![allow(clippy::unwrap_used)]
//! Testing campaigns through the store, on SQLite or PostgreSQL: ordering one,
//! sampling its targets, watching the figures per unit, repeating rounds, and
//! the jurisdiction of everything a campaign shows.

use chrono::{NaiveDate, NaiveDateTime};
use phongdich_domain::contact::ContactInput;
use phongdich_domain::testing::ResultInput;
use phongdich_domain::{PersonInput, Role};
use phongdich_store::testing::{
    CAM_PHA, HA_KHANH, HA_LONG, HA_PHONG, MONG_DUONG, QUANG_NINH, TestDb, actor, create_person,
    person_input, today,
};
use phongdich_store::{Actor, CampaignInput, CaseInput, PoolInput, SampleInput, Store, StoreError};

fn at(day: u32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2021, 9, day)
        .unwrap()
        .and_hms_opt(hour, 0, 0)
        .unwrap()
}

async fn person(s: &Store, name: &str, commune: &str, national_id: &str) -> i64 {
    let input = PersonInput {
        national_id: national_id.into(),
        ..person_input(name, "1985", "nam", commune)
    };
    create_person(s, &input, today()).await
}

/// An F0 in Hà Khánh with household contacts: two in Hà Khánh, one in Hà
/// Phong, and one in Mông Dương (another district). Returns (f0, f1s).
async fn outbreak(s: &Store) -> (i64, Vec<i64>) {
    let f0 = person(s, "Nguyễn Văn An", HA_KHANH, "").await;
    let f1s = vec![
        person(s, "Trần Thị Bích", HA_KHANH, "").await,
        person(s, "Lê Văn Cường", HA_KHANH, "").await,
        person(s, "Phạm Thị Dung", HA_PHONG, "").await,
        person(s, "Vũ Văn Em", MONG_DUONG, "").await,
    ];
    let tracer = Actor::system("test");
    for f1 in &f1s {
        let c = ContactInput {
            person_id: f0,
            other_person_id: *f1,
            date: "28/08/2021".into(),
            setting: "household".into(),
            ..Default::default()
        }
        .parse(today())
        .unwrap();
        s.add_contact(&tracer, &c).await.unwrap();
    }
    let case = CaseInput::found_in_community(f0, "30/08/2021", "30/08/2021", "rt_pcr");
    s.confirm_case(&tracer, &case, today()).await.unwrap();
    (f0, f1s)
}

fn f1_campaign() -> CampaignInput {
    CampaignInput {
        name: "Xét nghiệm F1 Hạ Long".into(),
        unit_code: HA_LONG.into(),
        target: "f1".into(),
        deadline: "16:00 02/09/2021".into(),
        pool_size: Some(2),
        every_days: Some(3),
        teams: vec!["Tổ 1 Hà Khánh, Tổ 2 Hà Phong".into()],
        ..Default::default()
    }
}

fn result(code: &str, outcome: &str) -> ResultInput {
    ResultInput {
        code: code.into(),
        test_kind: "rt_pcr".into(),
        outcome: outcome.into(),
        ct: String::new(),
        resulted_on: "01/09/2021".into(),
        lab: "CDC Quảng Ninh".into(),
    }
}

fn page() -> phongdich_store::Paging {
    phongdich_store::Paging::new(0, 100)
}

#[tokio::test]
async fn a_campaign_fills_as_samples_and_results_come_in() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (_, f1s) = outbreak(s).await;
    let district = actor(HA_LONG, Role::HealthStaff);
    let lab = actor(HA_LONG, Role::LabStaff);
    let c = s
        .create_campaign(&district, &f1_campaign(), at(1, 8))
        .await
        .unwrap();
    assert_eq!(c.teams, ["Tổ 1 Hà Khánh", "Tổ 2 Hà Phong"]);
    assert_eq!(c.rounds.len(), 1);
    assert_eq!(c.rounds[0].deadline, "2021-09-02 16:00");
    assert_eq!(
        c.rounds[0].targeted, 3,
        "the F1s living in Hạ Long, not the one in Cẩm Phả"
    );
    assert_eq!(c.next_round_on.as_deref(), Some("2021-09-04"));

    let p = s
        .campaign_progress(&district.scope, c.id, None, None, at(1, 9))
        .await
        .unwrap();
    assert_eq!((p.total.targeted, p.total.not_sampled), (3, 3));
    let per: Vec<(&str, i64)> = p
        .units
        .iter()
        .map(|u| (u.unit_code.as_str(), u.targeted))
        .collect();
    assert_eq!(per, [(HA_KHANH, 2), (HA_PHONG, 1)]);

    // The pool size is the campaign's: three in one pool is refused.
    let pool = |ids: &[i64]| PoolInput {
        person_ids: ids.to_vec(),
        collected_on: "01/09/2021".into(),
        campaign_id: Some(c.id),
        ..Default::default()
    };
    let err = s
        .record_pool(&district, &pool(&f1s[..3]), today())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    let pooled = s
        .record_pool(&district, &pool(&f1s[..2]), today())
        .await
        .unwrap();
    assert!(pooled.samples.iter().all(|x| x.campaign_id == Some(c.id)));
    let single = s
        .record_sample(
            &district,
            &SampleInput {
                person_id: f1s[2],
                collected_on: "01/09/2021".into(),
                campaign_id: Some(c.id),
                ..Default::default()
            },
            today(),
        )
        .await
        .unwrap();
    let p = s
        .campaign_progress(&district.scope, c.id, None, None, at(1, 12))
        .await
        .unwrap();
    assert_eq!(
        (p.total.sampled, p.total.pending, p.total.not_sampled),
        (3, 3, 0)
    );

    s.record_result(&lab, &result(&pooled.code, "negative"), today())
        .await
        .unwrap();
    let out = s
        .record_result(&lab, &result(&single.code, "positive"), today())
        .await
        .unwrap();
    assert!(out.case_code.is_some(), "a positive F1 becomes an F0");
    let p = s
        .campaign_progress(&district.scope, c.id, None, None, at(1, 18))
        .await
        .unwrap();
    let t = &p.total;
    assert_eq!(
        (t.targeted, t.negative, t.positive, t.pending, t.not_sampled),
        (3, 2, 1, 0, 0)
    );
    assert!(!p.overdue);

    // The list behind each number.
    let positive = s
        .campaign_people(
            &district.scope,
            c.id,
            None,
            None,
            "positive",
            page(),
            today(),
        )
        .await
        .unwrap()
        .people;
    assert_eq!(positive.len(), 1);
    assert_eq!(positive[0].person_id, f1s[2]);
    assert_eq!(
        positive[0].sample_code.as_deref(),
        Some(single.code.as_str())
    );
    let negative = s
        .campaign_people(
            &district.scope,
            c.id,
            None,
            Some(HA_KHANH),
            "negative",
            page(),
            today(),
        )
        .await
        .unwrap()
        .people;
    assert_eq!(
        negative.iter().map(|x| x.person_id).collect::<Vec<_>>(),
        f1s[..2]
    );
    assert!(
        negative
            .iter()
            .all(|x| x.pool_code.as_deref() == Some(pooled.code.as_str()))
    );
    let bad = s
        .campaign_people(&district.scope, c.id, None, None, "done", page(), today())
        .await;
    assert!(matches!(bad, Err(StoreError::Invalid(_))));
}

#[tokio::test]
async fn units_see_only_their_part_and_run_only_their_own() {
    let db = TestDb::new().await;
    let s = &db.store;
    outbreak(s).await;
    let district = actor(HA_LONG, Role::HealthStaff);
    let c = s
        .create_campaign(&district, &f1_campaign(), at(1, 8))
        .await
        .unwrap();

    // A commune under it sees the campaign and only its own people.
    let commune = actor(HA_PHONG, Role::HealthStaff);
    let p = s
        .campaign_progress(&commune.scope, c.id, None, None, at(1, 9))
        .await
        .unwrap();
    assert_eq!(p.total.targeted, 1);
    assert_eq!(p.units.len(), 1);
    assert_eq!(p.units[0].unit_code, HA_PHONG);
    let listed = s
        .campaign_people(
            &commune.scope,
            c.id,
            None,
            None,
            "targeted",
            page(),
            today(),
        )
        .await
        .unwrap()
        .people;
    assert!(listed.iter().all(|x| x.commune_code == HA_PHONG));
    assert_eq!(s.campaigns(&commune.scope, today()).await.unwrap().len(), 1);
    // … but may not repeat or close it.
    let err = s
        .start_round(&commune, c.id, None, at(4, 7))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden { .. }), "{err:?}");
    let err = s.close_campaign(&commune, c.id, today()).await.unwrap_err();
    assert!(matches!(err, StoreError::Forbidden { .. }), "{err:?}");

    // Another district does not see it at all.
    let other = actor(CAM_PHA, Role::HealthStaff);
    let err = s
        .campaign_progress(&other.scope, c.id, None, None, at(1, 9))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    assert!(s.campaigns(&other.scope, today()).await.unwrap().is_empty());
    // Nor may it take samples under it.
    let err = s
        .record_sample(
            &other,
            &SampleInput {
                person_id: 1,
                collected_on: "01/09/2021".into(),
                campaign_id: Some(c.id),
                ..Default::default()
            },
            today(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    // A commune cannot order a campaign for its district, nor a viewer at all.
    let err = s
        .create_campaign(&commune, &f1_campaign(), at(1, 8))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    let err = s
        .create_campaign(&actor(HA_LONG, Role::Viewer), &f1_campaign(), at(1, 8))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden { .. }), "{err:?}");
    // The province above sees it, broken down by district.
    let province = actor(QUANG_NINH, Role::Viewer);
    let p = s
        .campaign_progress(&province.scope, c.id, None, None, at(1, 9))
        .await
        .unwrap();
    assert_eq!(p.total.targeted, 3);
    let p = s
        .campaign_progress(&province.scope, c.id, None, Some(QUANG_NINH), at(1, 9))
        .await
        .unwrap();
    assert_eq!(p.units.len(), 1);
    assert_eq!(p.units[0].unit_code, HA_LONG);
}

#[tokio::test]
async fn rounds_repeat_with_the_group_as_it_stands_and_a_late_round_is_overdue() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (_, f1s) = outbreak(s).await;
    let district = actor(HA_LONG, Role::HealthStaff);
    let c = s
        .create_campaign(&district, &f1_campaign(), at(1, 8))
        .await
        .unwrap();
    s.record_sample(
        &district,
        &SampleInput {
            person_id: f1s[0],
            collected_on: "01/09/2021".into(),
            ..Default::default()
        },
        today(),
    )
    .await
    .unwrap();
    // Round 1 past its deadline with people not sampled.
    let p = s
        .campaign_progress(&district.scope, c.id, None, None, at(2, 17))
        .await
        .unwrap();
    assert!(p.overdue);
    assert_eq!((p.total.sampled, p.total.not_sampled), (1, 2));

    let err = s
        .start_round(&district, c.id, None, at(1, 20))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    let c = s
        .start_round(&district, c.id, None, at(4, 7))
        .await
        .unwrap();
    assert_eq!(c.rounds.len(), 2);
    assert_eq!(c.rounds[1].starts_on, "2021-09-04");
    assert_eq!(
        c.rounds[1].deadline, "2021-09-05 16:00",
        "as long as the first round"
    );
    assert_eq!(c.next_round_on.as_deref(), Some("2021-09-07"));
    // Round 1's sample does not count in round 2, and round 1 keeps its figures.
    let now = at(4, 8);
    let p2 = s
        .campaign_progress(&district.scope, c.id, None, None, now)
        .await
        .unwrap();
    assert_eq!((p2.round_no, p2.total.sampled), (2, 0));
    let p1 = s
        .campaign_progress(&district.scope, c.id, Some(1), None, now)
        .await
        .unwrap();
    assert_eq!(p1.total.sampled, 1);

    let c = s.close_campaign(&district, c.id, today()).await.unwrap();
    assert_eq!((c.status.as_str(), c.next_round_on), ("closed", None));
    let err = s
        .start_round(&district, c.id, None, at(8, 7))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    let entries = s
        .audit_entries(
            &Actor::system("test"),
            &phongdich_store::AuditFilter {
                entity: Some("campaign".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(entries.len(), 2, "ordered and closed, both on file");
}

#[tokio::test]
async fn a_list_with_one_unknown_line_is_refused_whole() {
    let db = TestDb::new().await;
    let s = &db.store;
    let a = person(s, "Đỗ Thị Hạnh", HA_KHANH, "022085000123").await;
    let b = person(s, "Ngô Văn Hùng", HA_PHONG, "").await;
    let far = person(s, "Hoàng Văn Khải", MONG_DUONG, "").await;
    let district = actor(HA_LONG, Role::HealthStaff);
    let mut input = CampaignInput {
        name: "Tiểu thương chợ Hạ Long 1".into(),
        unit_code: HA_LONG.into(),
        target: "list".into(),
        person_ids: vec![b, far],
        national_ids: vec!["022 085 000 123".into(), "022085999999".into()],
        deadline: "2021-09-01T20:00".into(),
        ..Default::default()
    };
    let err = s
        .create_campaign(&district, &input, at(1, 8))
        .await
        .unwrap_err();
    let StoreError::Invalid(i) = err else {
        panic!("{err:?}")
    };
    let fields: Vec<&str> = i.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["person_ids[1]", "national_ids[1]"]);
    assert!(
        s.campaigns(&district.scope, today())
            .await
            .unwrap()
            .is_empty()
    );

    input.person_ids = vec![b];
    input.national_ids.pop();
    let c = s
        .create_campaign(&district, &input, at(1, 8))
        .await
        .unwrap();
    assert_eq!((c.rounds[0].targeted, c.pool_size), (2, 5));
    let listed = s
        .campaign_people(
            &district.scope,
            c.id,
            None,
            None,
            "not_sampled",
            page(),
            today(),
        )
        .await
        .unwrap()
        .people;
    let mut ids: Vec<i64> = listed.iter().map(|x| x.person_id).collect();
    ids.sort_unstable();
    assert_eq!(ids, [a, b]);
}

#[tokio::test]
async fn bad_orders_say_what_is_wrong() {
    let db = TestDb::new().await;
    let s = &db.store;
    let district = actor(HA_LONG, Role::HealthStaff);
    let input = CampaignInput {
        name: " ".into(),
        unit_code: HA_LONG.into(),
        target: "everyone".into(),
        deadline: "31/08/2021 16:00".into(),
        pool_size: Some(25),
        every_days: Some(0),
        ..Default::default()
    };
    let StoreError::Invalid(i) = s
        .create_campaign(&district, &input, at(1, 8))
        .await
        .unwrap_err()
    else {
        panic!()
    };
    let mut fields: Vec<&str> = i.0.iter().map(|e| e.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["deadline", "every_days", "name", "pool_size", "target"]
    );
    assert!(
        i.0.iter()
            .all(|e| !e.message_vi.is_empty() && !e.message_en.is_empty())
    );
    // A whole unit: everyone living there but known F0s, pools of 10.
    outbreak(s).await;
    let c = s
        .create_campaign(
            &district,
            &CampaignInput {
                name: "Toàn dân Hà Khánh".into(),
                unit_code: HA_KHANH.into(),
                target: "unit".into(),
                deadline: "02/09/2021".into(),
                ..Default::default()
            },
            at(1, 8),
        )
        .await
        .unwrap();
    assert_eq!((c.rounds[0].targeted, c.pool_size), (2, 10));
    assert_eq!(c.rounds[0].deadline, "2021-09-02 23:59");
}

fn codes(e: StoreError) -> Vec<(String, &'static str)> {
    let StoreError::Invalid(i) = e else {
        panic!("expected a refusal, got {e:?}")
    };
    assert!(
        i.0.iter()
            .all(|e| !e.message_vi.is_empty() && !e.message_en.is_empty())
    );
    i.0.into_iter().map(|e| (e.field, e.code)).collect()
}

/// A committee enters on 8 September the F1 campaign it ran from 1
/// September (round 1, deadline 16:00 on the 2nd) and its second round of
/// the 4th: accepted, with samples dated inside each round counted in that
/// round's figures, and a sample dated the day before round 1 counted in
/// none. An F1 traced on the 6th, after round 1's deadline, is not its target.
#[tokio::test]
async fn a_campaign_entered_late_counts_the_samples_dated_in_its_rounds() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (f0, f1s) = outbreak(s).await;
    let late_f1 = person(s, "Đỗ Thị Giang", HA_KHANH, "").await;
    let contact = ContactInput {
        person_id: f0,
        other_person_id: late_f1,
        date: "06/09/2021".into(),
        setting: "household".into(),
        ..Default::default()
    }
    .parse(at(8, 9).date())
    .unwrap();
    s.add_contact(&Actor::system("test"), &contact)
        .await
        .unwrap();

    let district = actor(HA_LONG, Role::HealthStaff);
    let lab = actor(HA_LONG, Role::LabStaff);
    let now = at(8, 10);
    let input = CampaignInput {
        starts_on: "01/09/2021".into(),
        ..f1_campaign()
    };
    let c = s.create_campaign(&district, &input, now).await.unwrap();
    assert_eq!(c.rounds[0].starts_on, "2021-09-01");
    assert_eq!(c.rounds[0].deadline, "2021-09-02 16:00");
    assert_eq!(
        c.rounds[0].targeted, 3,
        "the F1s of Hạ Long exposed by the deadline, not the one traced on the 6th"
    );
    assert_eq!(
        c.next_round_on.as_deref(),
        Some("2021-09-08"),
        "due on the 4th, so today"
    );

    let sample = |person_id: i64, on: &str| SampleInput {
        person_id,
        collected_on: on.into(),
        campaign_id: Some(c.id),
        ..Default::default()
    };
    let today = now.date();
    let a = s
        .record_sample(&district, &sample(f1s[0], "01/09/2021"), today)
        .await
        .unwrap();
    s.record_sample(&district, &sample(f1s[1], "02/09/2021"), today)
        .await
        .unwrap();
    // The day before round 1: in no round.
    s.record_sample(&district, &sample(f1s[2], "31/08/2021"), today)
        .await
        .unwrap();
    s.record_result(&lab, &result(&a.code, "negative"), today)
        .await
        .unwrap();

    // Round 2, entered for the 4th: its deadline as far from its start as round 1's.
    let err = s
        .start_round(&district, c.id, Some("01/09/2021"), now)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    assert_eq!(
        codes(
            s.start_round(&district, c.id, Some("09/09/2021"), now)
                .await
                .unwrap_err()
        ),
        [("starts_on".to_string(), "in_future")]
    );
    let c = s
        .start_round(&district, c.id, Some("2021-09-04"), now)
        .await
        .unwrap();
    assert_eq!(c.rounds[1].starts_on, "2021-09-04");
    assert_eq!(c.rounds[1].deadline, "2021-09-05 16:00");
    assert_eq!(c.rounds[1].targeted, 3);
    // In round 2's window, so not in round 1's.
    s.record_sample(&district, &sample(f1s[2], "04/09/2021"), today)
        .await
        .unwrap();

    let scope = &district.scope;
    let progress = |round| async move {
        let p = s
            .campaign_progress(scope, c.id, Some(round), None, now)
            .await
            .unwrap();
        let row = |u: &phongdich_store::UnitProgress| {
            (
                u.unit_code.clone(),
                [
                    u.targeted,
                    u.sampled,
                    u.negative,
                    u.positive,
                    u.pending,
                    u.not_sampled,
                ],
            )
        };
        (
            row(&p.total),
            p.units.iter().map(row).collect::<Vec<_>>(),
            p.overdue,
        )
    };
    let (total, units, overdue) = progress(1).await;
    assert_eq!(total, (HA_LONG.to_string(), [3, 2, 1, 0, 1, 1]));
    assert_eq!(
        units,
        [
            (HA_KHANH.to_string(), [2, 2, 1, 0, 1, 0]),
            (HA_PHONG.to_string(), [1, 0, 0, 0, 0, 1]),
        ]
    );
    assert!(overdue, "its deadline passed with one not sampled");
    let (total, units, _) = progress(2).await;
    assert_eq!(total, (HA_LONG.to_string(), [3, 1, 0, 0, 1, 2]));
    assert_eq!(
        units,
        [
            (HA_KHANH.to_string(), [2, 0, 0, 0, 0, 2]),
            (HA_PHONG.to_string(), [1, 1, 0, 0, 1, 0]),
        ]
    );
    // The lists behind round 1's figures hold the same people.
    let people = |status: &'static str| async move {
        s.campaign_people(scope, c.id, Some(1), None, status, page(), today)
            .await
            .unwrap()
            .people
            .into_iter()
            .map(|x| x.person_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(people("negative").await, [f1s[0]]);
    assert_eq!(people("pending").await, [f1s[1]]);
    assert_eq!(people("not_sampled").await, [f1s[2]]);
}

/// What stays refused when a campaign is entered late: a first day in the
/// future or before 2020, and a deadline not after the first day began.
#[tokio::test]
async fn a_late_campaign_with_impossible_dates_is_refused() {
    let db = TestDb::new().await;
    let s = &db.store;
    let district = &actor(HA_LONG, Role::HealthStaff);
    let now = at(8, 10);
    let refused = |starts_on: &str, deadline: &str| {
        let input = CampaignInput {
            starts_on: starts_on.into(),
            deadline: deadline.into(),
            ..f1_campaign()
        };
        async move { codes(s.create_campaign(district, &input, now).await.unwrap_err()) }
    };
    let one = |field: &str, code: &'static str| vec![(field.to_string(), code)];
    assert_eq!(
        refused("09/09/2021", "16:00 10/09/2021").await,
        one("starts_on", "in_future")
    );
    assert_eq!(
        refused("31/12/2019", "16:00 02/01/2020").await,
        one("starts_on", "too_early")
    );
    assert_eq!(
        refused("01/09/2021", "16:00 31/08/2021").await,
        one("deadline", "before_start")
    );
    // The start of today, or typed with the year wrong.
    assert_eq!(
        refused("", "00:00 08/09/2021").await,
        one("deadline", "before_start")
    );
    assert_eq!(
        refused("", "16:00 02/09/2012").await,
        one("deadline", "before_start")
    );
    // A deadline earlier today, after the round's first day began: entered late, accepted.
    let input = CampaignInput {
        deadline: "08:00 08/09/2021".into(),
        ..f1_campaign()
    };
    let c = s.create_campaign(district, &input, now).await.unwrap();
    assert_eq!(c.rounds[0].starts_on, "2021-09-08");
}

/// Issue 18, bug 2: the list behind a figure stopped at 2,000 and gave 2,000
/// as its count. Every page says how many there are in all, and the pages
/// together list everyone once, in the one order.
#[tokio::test]
async fn the_people_behind_a_figure_come_in_pages_with_their_whole_count() {
    let db = TestDb::new().await;
    let s = &db.store;
    let (_, f1s) = outbreak(s).await;
    let district = actor(HA_LONG, Role::HealthStaff);
    let c = s
        .create_campaign(&district, &f1_campaign(), at(1, 8))
        .await
        .unwrap();
    let list = |offset: i64, limit: i64| {
        s.campaign_people(
            &district.scope,
            c.id,
            None,
            None,
            "not_sampled",
            phongdich_store::Paging::new(offset, limit),
            today(),
        )
    };
    let whole = list(0, 100).await.unwrap();
    assert_eq!(whole.total, 3, "the F1 living in Hạ Long");
    let first = list(0, 2).await.unwrap();
    let second = list(2, 2).await.unwrap();
    let beyond = list(4, 2).await.unwrap();
    assert_eq!((first.total, second.total, beyond.total), (3, 3, 3));
    assert_eq!((first.people.len(), second.people.len()), (2, 1));
    assert!(beyond.people.is_empty());
    let paged: Vec<i64> = first
        .people
        .iter()
        .chain(&second.people)
        .map(|x| x.person_id)
        .collect();
    let all: Vec<i64> = whole.people.iter().map(|x| x.person_id).collect();
    assert_eq!(paged, all);
    let mut expected = f1s[..3].to_vec();
    expected.sort_unstable();
    let mut got = all.clone();
    got.sort_unstable();
    assert_eq!(got, expected);
}
