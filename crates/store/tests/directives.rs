#![allow(clippy::unwrap_used)]
//! Directives in force and travel permits through the store, on SQLite or
//! PostgreSQL. The hand-drawn case follows Quảng Ninh's autumn 2021 (the
//! province under Directive 19, a city district under 16 for a spell);
//! "what applies here" is then checked day by day against a brute force that
//! paints each application's days and picks the most local one. Permits:
//! a route out of the province refused, checks at checkpoints kept with what
//! they found, revoked, expired, another province's checkpoint refused.

use chrono::{Days, NaiveDate, TimeZone, Utc};
use phongdich_domain::{Clock, PersonInput, Role};
use phongdich_store::testing::{
    HA_KHANH, HA_LONG, HA_PHONG, PHUC_XA, QUANG_NINH, TestDb, actor, create_person,
};
use phongdich_store::{DirectiveEndInput, DirectiveInput, PermitInput, Store, StoreError};

fn day(d: u32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, m, d).unwrap()
}

fn dd(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// 31/12/2021, 09:00 in Vietnam.
async fn db() -> TestDb {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 12, 31, 2, 0, 0).unwrap();
    db.store = db.store.clone().with_clock(Clock::fixed(at));
    db
}

fn apply(directive: &str, unit: &str, from: NaiveDate, until: NaiveDate) -> DirectiveInput {
    DirectiveInput {
        directive: directive.into(),
        unit_code: unit.into(),
        from_on: dd(from),
        until_on: dd(until),
        decision: format!("{directive}-{unit}-{from}/QĐ-UBND"),
        issued_by: "UBND".into(),
        own_measures: String::new(),
    }
}

use phongdich_store::testing::invalid_fields as codes;

async fn applies(s: &Store, unit: &str, on: NaiveDate) -> Option<(String, String)> {
    s.directives_on(&phongdich_store::Scope::national(), unit, on)
        .await
        .unwrap()
        .applies
        .map(|a| (a.directive, a.unit_code))
}

#[tokio::test]
async fn the_most_local_directive_in_force_applies_and_an_end_is_a_decision_kept() {
    let db = db().await;
    let s = &db.store;
    let province = actor(QUANG_NINH, Role::Admin);
    let city = actor(HA_LONG, Role::HealthStaff);
    let ward = actor(HA_KHANH, Role::HealthStaff);
    s.apply_directive(&province, &apply("19", QUANG_NINH, day(1, 10), day(31, 10)))
        .await
        .unwrap();
    let spell = s
        .apply_directive(
            &city,
            &DirectiveInput {
                own_measures: "Chợ truyền thống bán theo phiếu đi chợ".into(),
                ..apply("16", HA_LONG, day(10, 10), day(20, 10))
            },
        )
        .await
        .unwrap();
    // The same unit twice over the same days: refused, naming the decision.
    let e = s
        .apply_directive(&city, &apply("15", HA_LONG, day(18, 10), day(25, 10)))
        .await
        .unwrap_err();
    let StoreError::Conflict { message_en, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(message_en.contains("Directive 16") && message_en.contains("end that one first"));
    // An end before the start; an unknown directive; a unit beyond the ward.
    let e = s
        .apply_directive(&ward, &apply("17", HA_LONG, day(10, 10), day(1, 10)))
        .await
        .unwrap_err();
    assert_eq!(
        codes(&e),
        [
            ("directive".into(), "invalid_choice".into()),
            ("until_on".into(), "before_start".into()),
            ("unit_code".into(), "not_found".into()),
        ]
    );

    // Hà Khánh lives by the city's 16 within the province's 19.
    assert_eq!(
        applies(s, HA_KHANH, day(9, 10)).await,
        Some(("19".into(), QUANG_NINH.into()))
    );
    let here = s
        .directives_on(&ward.scope, HA_KHANH, day(15, 10))
        .await
        .unwrap();
    assert_eq!(here.applies.as_ref().unwrap().directive, "16");
    assert_eq!(
        here.applies.as_ref().unwrap().own_measures.as_deref(),
        Some("Chợ truyền thống bán theo phiếu đi chợ")
    );
    assert_eq!(here.overridden.len(), 1);
    assert_eq!(here.overridden[0].directive, "19");
    assert_eq!(applies(s, HA_KHANH, day(1, 11)).await, None);
    // The ward reads its province's measures, not another city's unit.
    assert!(
        s.directives_on(&ward.scope, QUANG_NINH, day(15, 10))
            .await
            .is_ok()
    );
    assert!(matches!(
        s.directives_on(&ward.scope, HA_PHONG, day(15, 10))
            .await
            .unwrap_err(),
        StoreError::NotFound { .. }
    ));

    // The city ends its 16 from 18/10: from then, the province's 19.
    let e = s
        .end_directive(
            &ward,
            spell.id,
            &DirectiveEndInput {
                on: "18/10/2021".into(),
                decision: "x".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::NotFound { .. }),
        "seen from below, not held: {e:?}"
    );
    let ended = s
        .end_directive(
            &city,
            spell.id,
            &DirectiveEndInput {
                on: "18/10/2021".into(),
                decision: "25/QĐ-UBND".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(ended.ended_on, Some(day(18, 10)));
    assert_eq!(
        applies(s, HA_KHANH, day(17, 10)).await,
        Some(("16".into(), HA_LONG.into()))
    );
    assert_eq!(
        applies(s, HA_KHANH, day(18, 10)).await,
        Some(("19".into(), QUANG_NINH.into()))
    );
    let e = s
        .end_directive(
            &city,
            spell.id,
            &DirectiveEndInput {
                on: "19/10/2021".into(),
                decision: "26/QĐ-UBND".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(codes(&e), [("on".into(), "ended".into())]);
    // A decision for days to come, cancelled on its first day before it starts.
    let planned = s
        .apply_directive(
            &city,
            &apply(
                "19",
                HA_LONG,
                NaiveDate::from_ymd_opt(2022, 1, 10).unwrap(),
                NaiveDate::from_ymd_opt(2022, 1, 20).unwrap(),
            ),
        )
        .await
        .unwrap();
    let cancelled = s
        .end_directive(
            &city,
            planned.id,
            &DirectiveEndInput {
                on: "10/01/2022".into(),
                decision: "hủy".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(cancelled.ended_on, NaiveDate::from_ymd_opt(2022, 1, 10));
    // Once ended, the days after are free for another decision.
    s.apply_directive(&city, &apply("15", HA_LONG, day(18, 10), day(25, 10)))
        .await
        .unwrap();
    let audited = db
        .count("SELECT COUNT(*) FROM audit_log WHERE entity = 'directive_area'")
        .await;
    assert_eq!(audited, 6, "four applied, two ended");
}

/// A deterministic stream of numbers (no dependency on a random crate).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[tokio::test]
async fn what_applies_agrees_day_by_day_with_a_brute_force_over_random_decisions() {
    let db = db().await;
    let s = &db.store;
    let admin = actor(QUANG_NINH, Role::Admin);
    let start = day(1, 10);
    let days = 90u64;
    let units = [QUANG_NINH, HA_LONG, HA_KHANH];
    // painted[level][day] = the directive holding there that day.
    let mut painted: Vec<Vec<Option<String>>> = vec![vec![None; days as usize]; units.len()];
    let mut rng = Lcg(20211001);
    for (level, unit) in units.iter().enumerate() {
        let mut at = rng.next(10);
        while at < days {
            let len = 1 + rng.next(20);
            let until = (at + len - 1).min(days - 1);
            let directive = ["15", "16", "19"][rng.next(3) as usize];
            let a = s
                .apply_directive(
                    &admin,
                    &apply(
                        directive,
                        unit,
                        start + Days::new(at),
                        start + Days::new(until),
                    ),
                )
                .await
                .unwrap();
            // Now and then ended early (from a day after its first).
            let mut last = until;
            if until > at + 1 && rng.next(3) == 0 {
                let end = at + 1 + rng.next(until - at);
                s.end_directive(
                    &admin,
                    a.id,
                    &DirectiveEndInput {
                        on: dd(start + Days::new(end)),
                        decision: "kết thúc sớm".into(),
                    },
                )
                .await
                .unwrap();
                last = end - 1;
            }
            for d in at..=last {
                painted[level][d as usize] = Some(directive.to_owned());
            }
            at = until + 1 + rng.next(8);
        }
    }
    let mut held = 0;
    for d in 0..days {
        // The brute force: the ward's own, else the city's, else the province's.
        let expected = (0..units.len()).rev().find_map(|level| {
            painted[level][d as usize]
                .clone()
                .map(|x| (x, units[level].to_owned()))
        });
        let got = applies(s, HA_KHANH, start + Days::new(d)).await;
        assert_eq!(got, expected, "on {}", start + Days::new(d));
        held += usize::from(expected.is_some());
    }
    assert!(held > 30, "the random decisions cover days: {held}");
}

async fn resident(s: &Store, name: &str, commune: &str) -> i64 {
    create_person(
        s,
        &PersonInput {
            full_name: name.into(),
            birth: "1985".into(),
            sex: "nam".into(),
            commune_code: commune.into(),
            ..Default::default()
        },
        day(31, 12),
    )
    .await
}

fn permit(person: i64) -> PermitInput {
    PermitInput {
        person_id: Some(person),
        plate: "14A-123.45".into(),
        purpose: "work".into(),
        purpose_detail: "Bệnh viện Bãi Cháy".into(),
        from_unit: HA_KHANH.into(),
        to_unit: HA_PHONG.into(),
        route: "Đường 18".into(),
        valid_from: "31/12/2021".into(),
        valid_until: "13/01/2022".into(),
    }
}

#[tokio::test]
async fn a_permit_is_issued_within_the_province_checked_revoked_and_expires() {
    let db = db().await;
    let s = &db.store;
    let ward = actor(HA_KHANH, Role::HealthStaff);
    let who = resident(s, "Nguyễn Văn Đi Làm", HA_KHANH).await;
    let elsewhere = resident(s, "Lê Văn Phong", HA_PHONG).await;

    // A route ending outside the province; a person of another ward.
    let e = s
        .issue_permit(
            &ward,
            &PermitInput {
                to_unit: PHUC_XA.into(),
                ..permit(who)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(codes(&e), [("to_unit".into(), "outside_province".into())]);
    let e = s.issue_permit(&ward, &permit(elsewhere)).await.unwrap_err();
    assert_eq!(codes(&e), [("person_id".into(), "not_found".into())]);
    let e = s
        .issue_permit(&actor(HA_KHANH, Role::Viewer), &permit(who))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }));

    // No Directive 16 at either end on its first day: no permit is needed.
    let e = s.issue_permit(&ward, &permit(who)).await.unwrap_err();
    assert_eq!(codes(&e), [("valid_from".into(), "no_directive_16".into())]);
    // Directive 19 over the province is not 16 either; Hạ Long under 16
    // from 31/12 (both ends of the route are in it) is.
    s.apply_directive(
        &actor(QUANG_NINH, Role::Admin),
        &apply("19", QUANG_NINH, day(1, 12), day(31, 12)),
    )
    .await
    .unwrap();
    let e = s.issue_permit(&ward, &permit(who)).await.unwrap_err();
    assert_eq!(codes(&e), [("valid_from".into(), "no_directive_16".into())]);
    s.apply_directive(
        &actor(HA_LONG, Role::Admin),
        &apply("16", HA_LONG, day(31, 12), day(31, 12)),
    )
    .await
    .unwrap();
    let p = s.issue_permit(&ward, &permit(who)).await.unwrap();
    assert!(
        phongdich_domain::directive::is_permit_code(&p.code),
        "{}",
        p.code
    );
    assert_eq!(
        (p.from_name.as_str(), p.to_name.as_str()),
        ("Phường Hà Khánh", "Phường Hà Phong")
    );

    // Checked at a checkpoint of the province: valid, and kept.
    let officer = actor(QUANG_NINH, Role::CheckpointOfficer);
    let c = s
        .check_permit(&officer, &p.code.to_lowercase(), "Chốt cầu Bãi Cháy")
        .await
        .unwrap();
    assert_eq!(c.result, "valid");
    assert_eq!(c.permit.full_name, "Nguyễn Văn Đi Làm");
    // Another province's checkpoint: not found there (nor told it exists); an unknown code: not found.
    let e = s
        .check_permit(
            &actor("01", Role::CheckpointOfficer),
            &p.code,
            "Chốt Pháp Vân",
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");
    let e = s
        .check_permit(&officer, "GDD-00000000", "Chốt cầu Bãi Cháy")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");

    // Revoked: the next check says so; revoking again is refused.
    let e = s.revoke_permit(&ward, p.id, " ").await.unwrap_err();
    assert_eq!(codes(&e), [("reason".into(), "required".into())]);
    s.revoke_permit(&ward, p.id, "Đổi nơi làm việc")
        .await
        .unwrap();
    let c = s
        .check_permit(&officer, &p.code, "Chốt cầu Bãi Cháy")
        .await
        .unwrap();
    assert_eq!(c.result, "revoked");
    assert!(matches!(
        s.revoke_permit(&ward, p.id, "lần nữa").await.unwrap_err(),
        StoreError::Conflict { .. }
    ));
    let d = s.permit(&ward.scope, p.id).await.unwrap();
    assert_eq!(d.state, "revoked");
    assert_eq!(
        d.checks
            .iter()
            .map(|c| c.result.as_str())
            .collect::<Vec<_>>(),
        ["revoked", "valid"]
    );
    // A second permit, checked after its last day: expired.
    let q = s.issue_permit(&ward, &permit(who)).await.unwrap();
    let later = s.clone().with_clock(Clock::fixed(
        Utc.with_ymd_and_hms(2022, 1, 14, 2, 0, 0).unwrap(),
    ));
    assert_eq!(
        later
            .check_permit(&officer, &q.code, "Chốt")
            .await
            .unwrap()
            .result,
        "expired"
    );
    // The neighbouring ward does not see the ward's permits.
    assert!(
        s.permits(&actor(HA_PHONG, Role::HealthStaff).scope)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        s.permit(&actor(HA_PHONG, Role::HealthStaff).scope, p.id)
            .await
            .unwrap_err(),
        StoreError::NotFound { .. }
    ));
    let audited = db
        .count("SELECT COUNT(*) FROM audit_log WHERE entity = 'travel_permit'")
        .await;
    assert_eq!(audited, 3, "two issued, one revoked");
}
