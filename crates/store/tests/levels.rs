#![allow(clippy::unwrap_used)]
//! Epidemic levels through the store, on SQLite or PostgreSQL, for the week
//! of 18–24/10/2021 under 4800/QĐ-BYT (domain-rules §6): hand-drawn communes
//! with the levels the guidance gives, then every commune of Hạ Long against
//! the test's own count of the cases it confirmed and its own reading of the
//! bands; the committee's review (a level set without a reason refused) and
//! publication, and jurisdiction.

use chrono::{NaiveDate, TimeZone, Utc};
use phongdich_domain::{Clock, Role};
use phongdich_store::testing::{HA_KHANH, HA_LONG, HA_PHONG, TestDb, actor, person};
use phongdich_store::{CaseInput, CoverageInput, LevelOverride, Store, StoreError};

fn day(d: u32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, m, d).unwrap()
}

/// Monday 25/10/2021, 09:00 in Vietnam.
async fn db() -> TestDb {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 10, 25, 2, 0, 0).unwrap();
    db.store = db.store.clone().with_clock(Clock::fixed(at));
    db
}

/// A case of someone living in `commune`, confirmed on `on`, found `where_`.
async fn case(s: &Store, commune: &str, on: NaiveDate, where_: &str, n: usize) {
    let p = person(s, &format!("Nguyễn Văn Ca{}", letters(n)), commune).await;
    s.confirm_case(
        &phongdich_store::Actor::system("test"),
        &CaseInput {
            person_id: p,
            confirmed_on: on.to_string(),
            sample_on: on.to_string(),
            source_kind: "investigating".into(),
            detected_where: where_.into(),
            ..Default::default()
        },
        day(25, 10),
    )
    .await
    .unwrap();
}

/// Hạ Khánh of 10,000 people, its coverage entered met as of 10/10/2021
/// (90 %, 90 %, capacity met) by Quảng Ninh's administrator, who is returned.
async fn vaccinated_ha_khanh(db: &TestDb) -> phongdich_store::Actor {
    db.execute(&format!(
        "UPDATE units SET population = 10000 WHERE code = '{HA_KHANH}'"
    ))
    .await
    .unwrap();
    let province = actor("22", Role::Admin);
    db.store
        .enter_coverage(
            &province,
            &CoverageInput {
                as_of: "10/10/2021".into(),
                ..coverage(HA_KHANH, "90", "90", "met")
            },
        )
        .await
        .unwrap();
    province
}

fn letters(mut n: usize) -> String {
    let mut s = String::new();
    for _ in 0..3 {
        s.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
    }
    s
}

fn coverage(unit: &str, adult: &str, elderly: &str, capacity: &str) -> CoverageInput {
    CoverageInput {
        unit_code: unit.into(),
        as_of: "20/10/2021".into(),
        adult_one_dose: adult.into(),
        elderly_full: elderly.into(),
        capacity: capacity.into(),
    }
}

fn codes(e: &StoreError) -> Vec<String> {
    match e {
        StoreError::Invalid(i) => i.0.iter().map(|f| f.code.to_owned()).collect(),
        other => panic!("expected invalid fields, got {other:?}"),
    }
}

#[tokio::test]
async fn hand_drawn_communes_get_the_levels_of_4800_and_the_committee_publishes_them() {
    let db = db().await;
    let s = &db.store;
    db.execute(&format!(
        "UPDATE units SET population = 10000 WHERE code = '{HA_KHANH}'"
    ))
    .await
    .unwrap();
    db.execute(&format!(
        "UPDATE units SET population = 5000 WHERE code = '{HA_PHONG}'"
    ))
    .await
    .unwrap();
    // Hà Khánh: five community cases in the week (50 per 100,000: band 3),
    // one found in quarantine and one the Monday after (neither counts);
    // vaccinated (C2 met) → level 3.
    for (i, on) in [18, 19, 20, 22, 24].into_iter().enumerate() {
        case(s, HA_KHANH, day(on, 10), "community", i).await;
    }
    case(s, HA_KHANH, day(21, 10), "quarantine", 10).await;
    case(s, HA_KHANH, day(25, 10), "community", 11).await;
    // Hà Phong: one case (20 per 100,000 in 5,000: band 2), coverage never
    // entered (C2 counted as not met) → level 3.
    case(s, HA_PHONG, day(23, 10), "hospital", 12).await;
    let province = actor("22", Role::Admin);
    s.enter_coverage(&province, &coverage(HA_KHANH, "85", "82,5", "met"))
        .await
        .unwrap();
    // Bad coverage: refused in words.
    let e = s
        .enter_coverage(&province, &coverage(HA_KHANH, "120", "x", "maybe"))
        .await
        .unwrap_err();
    assert_eq!(codes(&e), ["invalid", "invalid", "invalid_choice"]);

    let w = s.week_levels(&province.scope, day(20, 10)).await.unwrap();
    assert_eq!(w.week_start, day(18, 10));
    let khanh = w.communes.iter().find(|c| c.unit_code == HA_KHANH).unwrap();
    assert_eq!(khanh.cases, 5);
    assert_eq!(khanh.proposed.level, Some(3));
    assert_eq!(khanh.proposed.c1_rate, Some(50.0));
    assert!(khanh.proposed.c2_met);
    assert!(
        khanh.proposed.why_vi().contains("82,5%"),
        "{}",
        khanh.proposed.why_vi()
    );
    let phong = w.communes.iter().find(|c| c.unit_code == HA_PHONG).unwrap();
    assert_eq!((phong.cases, phong.proposed.level), (1, Some(3)));
    assert!(
        phong
            .proposed
            .why_en()
            .contains("no vaccination coverage entered")
    );
    // A commune without a population: no proposal, and the reason.
    let unknown = w.communes.iter().find(|c| c.population.is_none()).unwrap();
    assert_eq!(unknown.proposed.level, None);

    // The committee sets Hà Phong at 2 — not without a reason.
    let e = s
        .publish_levels(
            &province,
            day(20, 10),
            &[LevelOverride {
                unit_code: HA_PHONG.into(),
                level: 2,
                reason: " ".into(),
            }],
        )
        .await
        .unwrap_err();
    assert!(codes(&e).contains(&"reason_required".to_owned()), "{e:?}");
    // Communes without a proposal need a level too: give every such one 1
    // with a reason, and Hà Phong 2 with its reason.
    let mut overrides: Vec<LevelOverride> = w
        .communes
        .iter()
        .filter(|c| c.proposed.level.is_none())
        .map(|c| LevelOverride {
            unit_code: c.unit_code.clone(),
            level: 1,
            reason: "Không có ca; dân số chưa cập nhật".into(),
        })
        .collect();
    overrides.push(LevelOverride {
        unit_code: HA_PHONG.into(),
        level: 2,
        reason: "Ca duy nhất đã được cách ly tại bệnh viện".into(),
    });
    let n = s
        .publish_levels(&province, day(20, 10), &overrides)
        .await
        .unwrap();
    assert_eq!(n, w.communes.len());
    let after = s.week_levels(&province.scope, day(24, 10)).await.unwrap();
    let phong = after
        .communes
        .iter()
        .find(|c| c.unit_code == HA_PHONG)
        .unwrap();
    assert_eq!(phong.published, Some(2));
    assert_eq!(
        phong.reason.as_deref(),
        Some("Ca duy nhất đã được cách ly tại bệnh viện")
    );
    let khanh = after
        .communes
        .iter()
        .find(|c| c.unit_code == HA_KHANH)
        .unwrap();
    assert_eq!((khanh.published, khanh.reason.as_deref()), (Some(3), None));
    assert_eq!(after.published_counts.iter().sum::<i64>(), n as i64);
    // Rolled up to the province: 6 cases over the 15,000 people of the two
    // communes with a population (40 per 100,000), the highest level 3.
    let r = after.by_province();
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].cases, r[0].population, r[0].rate),
        (6, 15_000, Some(40.0))
    );
    assert_eq!(r[0].highest, Some(3));
    assert_eq!(
        r[0].communes_by_level.iter().sum::<i64>() as usize,
        after.communes.len()
    );
    // Published once: again is refused; the audit has the committee's choice.
    let e = s
        .publish_levels(&province, day(20, 10), &[])
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
    let audit = db
        .strings("SELECT after_json FROM audit_log WHERE entity = 'epidemic_levels'")
        .await;
    assert_eq!(audit.len(), 1);
    assert!(audit[0].as_deref().unwrap().contains("Ca duy nhất"));

    // Next week: Hà Khánh's C3 not met holds last week's 3 though no case.
    s.enter_coverage(&province, &coverage(HA_KHANH, "85", "82.5", "not_met"))
        .await
        .unwrap();
    let next = s.week_levels(&province.scope, day(25, 10)).await.unwrap();
    let khanh = next
        .communes
        .iter()
        .find(|c| c.unit_code == HA_KHANH)
        .unwrap();
    assert_eq!(khanh.cases, 1);
    assert_eq!(khanh.previous, Some(3));
    assert_eq!(khanh.proposed.level, Some(3));
    assert!(khanh.proposed.held);

    // Jurisdiction: Hà Phong sees itself only and cannot set Hà Khánh.
    let phong_actor = actor(HA_PHONG, Role::HealthStaff);
    let own = s
        .week_levels(&phong_actor.scope, day(25, 10))
        .await
        .unwrap();
    assert_eq!(own.communes.len(), 1);
    let e = s
        .publish_levels(
            &phong_actor,
            day(25, 10),
            &[LevelOverride {
                unit_code: HA_KHANH.into(),
                level: 1,
                reason: "x".into(),
            }],
        )
        .await
        .unwrap_err();
    assert_eq!(codes(&e), ["not_found"]);
    let e = s
        .enter_coverage(&phong_actor, &coverage(HA_KHANH, "80", "80", ""))
        .await
        .unwrap_err();
    assert_eq!(codes(&e), ["not_found"]);
    // Before 4800/QĐ-BYT there is no level.
    let e = s
        .week_levels(&phong_actor.scope, day(4, 10))
        .await
        .unwrap_err();
    assert_eq!(codes(&e), ["before_rules"]);
}

/// Every commune of Hạ Long against the test's own count: cases generated
/// over two weeks (a quarter found in quarantine), populations set, and
/// the level read off 4800's bands by a separate formula (no coverage: C2
/// not met, one level up, capped at 4).
#[tokio::test]
async fn every_commune_of_ha_long_agrees_with_a_count_of_its_cases() {
    let db = db().await;
    let s = &db.store;
    let communes: Vec<String> = db
        .strings(&format!(
            "SELECT code FROM units WHERE level = 'commune' AND district_code = '{HA_LONG}' ORDER BY code"
        ))
        .await
        .into_iter()
        .flatten()
        .collect();
    assert!(communes.len() >= 20, "{}", communes.len());
    for (i, c) in communes.iter().enumerate() {
        db.execute(&format!(
            "UPDATE units SET population = {} WHERE code = '{c}'",
            3000 + 1000 * (i % 7)
        ))
        .await
        .unwrap();
    }
    // A fixed pseudo-random walk: commune, day (11–31/10), where found.
    let mut x: u64 = 7;
    let mut made: Vec<(String, NaiveDate, bool)> = Vec::new();
    for n in 0..90 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let c = &communes[(x >> 33) as usize % communes.len()];
        let on = day(11 + ((x >> 20) % 14) as u32, 10);
        let community = !(x >> 8).is_multiple_of(4);
        case(
            s,
            c,
            on,
            if community { "community" } else { "quarantine" },
            n,
        )
        .await;
        made.push((c.clone(), on, community));
    }
    let district = actor(HA_LONG, Role::HealthStaff);
    for week in [day(11, 10), day(18, 10)] {
        let w = s.week_levels(&district.scope, week).await.unwrap();
        assert_eq!(w.communes.len(), communes.len());
        for (i, c) in communes.iter().enumerate() {
            let expected = made
                .iter()
                .filter(|(m, on, community)| {
                    m == c && *community && *on >= week && *on < week + chrono::Days::new(7)
                })
                .count() as i64;
            let got = w.communes.iter().find(|l| &l.unit_code == c).unwrap();
            assert_eq!(got.cases, expected, "{c} week of {week}");
            let population = (3000 + 1000 * (i % 7)) as f64;
            let per_100k = expected as f64 * 100_000.0 / population;
            let band = if per_100k >= 150.0 {
                4
            } else if per_100k >= 50.0 {
                3
            } else if per_100k >= 20.0 {
                2
            } else {
                1
            };
            assert_eq!(
                got.proposed.level,
                Some((band + 1).min(4)),
                "{c}: {}",
                got.proposed.why_en()
            );
        }
        // The district as a whole: its community cases of the week over the
        // sum of its communes' populations, by the test's own count; no
        // coverage entered, so one level up. Only the district for its reader.
        assert_eq!(w.areas.len(), 1);
        let area = &w.areas[0];
        assert_eq!(
            (area.unit_code.as_str(), area.unit_level.as_str()),
            (HA_LONG, "district")
        );
        let cases = made
            .iter()
            .filter(|(_, on, community)| {
                *community && *on >= week && *on < week + chrono::Days::new(7)
            })
            .count() as f64;
        let population: f64 = (0..communes.len())
            .map(|i| (3000 + 1000 * (i % 7)) as f64)
            .sum();
        let rate = cases * 100_000.0 / population;
        let band = 1 + [20.0, 50.0, 150.0].iter().filter(|b| rate >= **b).count() as u8;
        assert_eq!(
            area.assessment.level,
            Some((band + 1).min(4)),
            "{}",
            area.assessment.why_en()
        );
        assert_eq!(area.communes, communes.len() as i64);
        assert_eq!(area.without_coverage, communes.len() as i64);
        assert_eq!(
            area.communes_by_level.iter().sum::<i64>(),
            communes.len() as i64
        );
    }
}

/// A province's own thresholds apply from their day (4800/QĐ-BYT lets a
/// province move the C1 bounds, not the criteria); bad sets are refused.
#[tokio::test]
async fn a_provinces_own_rule_set_applies_from_its_day() {
    use phongdich_domain::levels::{LevelRules, national_level_rules};
    let db = db().await;
    let s = &db.store;
    let province = vaccinated_ha_khanh(&db).await;
    // One case a week in each week: 10 per 100,000.
    case(s, HA_KHANH, day(13, 10), "community", 0).await;
    case(s, HA_KHANH, day(20, 10), "community", 1).await;
    let own = LevelRules {
        code: "qn-2021-10".into(),
        source: "Quyết định của UBND tỉnh Quảng Ninh (thử)".into(),
        valid_from: day(18, 10),
        province_code: Some("22".into()),
        c1_bounds: [10.0, 50.0, 150.0],
        ..national_level_rules().remove(0)
    };
    // A commune's account, bounds not rising, a day before the guidance: refused.
    let e = s
        .save_level_rules(&actor(HA_KHANH, Role::Admin), &own)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    let e = s
        .save_level_rules(
            &province,
            &LevelRules {
                c1_bounds: [50.0, 20.0, 150.0],
                valid_from: day(1, 10),
                ..own.clone()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(codes(&e), ["invalid", "before_rules"]);
    s.save_level_rules(&province, &own).await.unwrap();
    let e = s.save_level_rules(&province, &own).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
    let level = |w: phongdich_store::WeekLevels| {
        let c = w
            .communes
            .into_iter()
            .find(|c| c.unit_code == HA_KHANH)
            .unwrap();
        (c.rule_code, c.proposed.level)
    };
    let before = s.week_levels(&province.scope, day(11, 10)).await.unwrap();
    assert_eq!(level(before), ("4800-2021".to_owned(), Some(1)));
    let after = s.week_levels(&province.scope, day(18, 10)).await.unwrap();
    assert_eq!(level(after), ("qn-2021-10".to_owned(), Some(2)));
}

/// A new decision of the Ministry entered by configuration, as 218/QĐ-BYT
/// replaced 4800's bands on 27/1/2022 (the bands here are the test's own):
/// only a national administrator enters it; from its day it applies, and
/// replaces a province's own set issued before it; a province's set issued
/// after it applies again from its day.
#[tokio::test]
async fn a_ministry_rule_set_entered_by_configuration_replaces_the_older_ones() {
    use phongdich_domain::levels::{LevelRules, national_level_rules};
    let db = db().await;
    let s = &db.store;
    let province = vaccinated_ha_khanh(&db).await;
    // One community case a week: 10 per 100,000.
    for (n, d) in [(0, 13), (1, 20), (2, 25)] {
        case(s, HA_KHANH, day(d, 10), "community", n).await;
    }
    let national = actor("VN", Role::Admin);
    let own = LevelRules {
        code: "qn-2021-10".into(),
        source: "Quyết định của UBND tỉnh Quảng Ninh (thử)".into(),
        valid_from: day(18, 10),
        province_code: Some("22".into()),
        c1_bounds: [8.0, 50.0, 150.0],
        ..national_level_rules().remove(0)
    };
    s.save_level_rules(&province, &own).await.unwrap();
    let ministry = LevelRules {
        code: "moh-test".into(),
        source: "Quyết định của Bộ Y tế (thử)".into(),
        valid_from: day(25, 10),
        province_code: None,
        c1_bounds: [50.0, 150.0, 600.0],
        ..national_level_rules().remove(0)
    };
    // A province's administrator does not enter the Ministry's.
    let e = s.save_level_rules(&province, &ministry).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    let saved = s.save_level_rules(&national, &ministry).await.unwrap();
    assert_eq!(saved.province_code, None);
    let level = |w: phongdich_store::WeekLevels| {
        let c = w
            .communes
            .into_iter()
            .find(|c| c.unit_code == HA_KHANH)
            .unwrap();
        (c.rule_code, c.proposed.level)
    };
    for (d, rule, expected) in [
        (day(11, 10), "4800-2021", 1),
        (day(18, 10), "qn-2021-10", 2),
        (day(25, 10), "moh-test", 1),
    ] {
        let w = s.week_levels(&province.scope, d).await.unwrap();
        assert_eq!(level(w), (rule.to_owned(), Some(expected)), "week of {d}");
    }
    // Listed for the province with the province's own, audited.
    let listed: Vec<String> = s
        .level_rules_of("22")
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.code)
        .collect();
    assert_eq!(listed, ["4800-2021", "qn-2021-10", "moh-test"]);
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'level_rules' AND entity_id = 'moh-test'"
        )
        .await,
        1
    );
}

/// C3 from the records (4800/QĐ-BYT judges a commune's capacity by its
/// oxygen): a commune that entered none but keeps two concentrators is met
/// from its records, said so; what is entered wins; none on record is not
/// assessed.
#[tokio::test]
async fn capacity_comes_from_the_oxygen_a_commune_keeps_unless_entered() {
    let db = db().await;
    let s = &db.store;
    for c in [HA_KHANH, HA_PHONG, "06655"] {
        db.execute(&format!(
            "UPDATE units SET population = 10000 WHERE code = '{c}'"
        ))
        .await
        .unwrap();
    }
    let district = actor(HA_LONG, Role::HealthStaff);
    for (i, unit) in [HA_KHANH, HA_KHANH, HA_PHONG].iter().enumerate() {
        s.add_equipment(
            &district,
            &phongdich_store::EquipmentInput {
                kind: "concentrator".into(),
                label: format!("OXY-{i}"),
                capacity: "5 L/phút".into(),
                unit_code: (*unit).into(),
            },
        )
        .await
        .unwrap();
    }
    // Hà Phong entered its capacity as not met: that wins over its record.
    s.enter_coverage(&district, &coverage(HA_PHONG, "", "", "not_met"))
        .await
        .unwrap();
    // Registered today (25/10): not in the week before, in this one.
    let before = s.week_levels(&district.scope, day(18, 10)).await.unwrap();
    assert!(
        before
            .communes
            .iter()
            .all(|c| c.unit_code == HA_PHONG || c.proposed.c3_met.is_none())
    );
    let w = s.week_levels(&district.scope, day(25, 10)).await.unwrap();
    let of = |code: &str| w.communes.iter().find(|c| c.unit_code == code).unwrap();
    let khanh = &of(HA_KHANH).proposed;
    assert_eq!(khanh.c3_met, Some(true));
    assert!(
        khanh
            .why_en()
            .contains("met from the records: 2 oxygen units"),
        "{}",
        khanh.why_en()
    );
    assert_eq!(of(HA_PHONG).proposed.c3_met, Some(false));
    // The week's end is Monday 00:00 in Vietnam (Sunday 17:00 UTC): a unit
    // registered at 23:30 on Sunday counts for that week, one at 00:30 on
    // Monday does not.
    for (label, at) in [("OXY-late", (24, 16, 30)), ("OXY-next", (24, 17, 30))] {
        let hamlet_free = db.store.clone().with_clock(Clock::fixed(
            Utc.with_ymd_and_hms(2021, 10, at.0, at.1, at.2, 0).unwrap(),
        ));
        hamlet_free
            .add_equipment(
                &district,
                &phongdich_store::EquipmentInput {
                    kind: "cylinder".into(),
                    label: label.into(),
                    capacity: "40 L".into(),
                    unit_code: "06655".into(),
                },
            )
            .await
            .unwrap();
    }
    let week_before = s.week_levels(&district.scope, day(18, 10)).await.unwrap();
    let c = week_before
        .communes
        .iter()
        .find(|c| c.unit_code == "06655")
        .unwrap();
    assert!(
        c.proposed
            .why_en()
            .contains("met from the records: 1 oxygen units"),
        "Sunday 23:30 counts, Monday 00:30 does not: {}",
        c.proposed.why_en()
    );
    let others: Vec<_> = w
        .communes
        .iter()
        .filter(|c| c.unit_code != HA_KHANH && c.unit_code != HA_PHONG && c.unit_code != "06655")
        .collect();
    assert!(others.iter().all(|c| c.proposed.c3_met.is_none()));
}

/// A capacity entered alone, after the coverage, keeps the coverage (each
/// figure's latest entry counts); an entry with nothing in it is refused,
/// as it would have read "nothing known" from its day on.
#[tokio::test]
async fn each_figures_latest_entry_counts_and_an_empty_entry_is_refused() {
    let db = db().await;
    let s = &db.store;
    let province = vaccinated_ha_khanh(&db).await;
    s.enter_coverage(
        &province,
        &CoverageInput {
            as_of: "19/10/2021".into(),
            ..coverage(HA_KHANH, "", "", "not_met")
        },
    )
    .await
    .unwrap();
    let e = s
        .enter_coverage(
            &province,
            &CoverageInput {
                as_of: "20/10/2021".into(),
                ..coverage(HA_KHANH, "", "", "")
            },
        )
        .await
        .unwrap_err();
    assert_eq!(codes(&e), ["empty"]);
    let w = s.week_levels(&province.scope, day(18, 10)).await.unwrap();
    let c = w.communes.iter().find(|c| c.unit_code == HA_KHANH).unwrap();
    assert!(
        c.proposed.c2_met,
        "the coverage of 10/10 still holds: {:?}",
        c.proposed
    );
    assert_eq!(c.proposed.c3_met, Some(false), "the capacity of 19/10");
}

/// C1 is read from a roll-up the triggers on `cases` keep (migration 33,
/// `community_case_weeks`): it must equal counting the cases whatever wrote
/// them. A fixed pseudo-random walk of inserts, corrections of every column
/// the count depends on (day, source, where found, commune) and deletions,
/// written by plain SQL as any writer might, is checked after every step
/// against the test's own count of the rows it wrote (weeks from Monday by
/// the calendar, the rapid report's definition of a community case); the
/// week's levels read the same figures. Then the roll-up is dropped and
/// migration 33 run again: it is rebuilt from the cases on record.
#[tokio::test]
async fn the_weekly_community_counts_follow_every_write_to_the_cases() {
    use chrono::Datelike;
    use std::collections::BTreeMap;
    let db = db().await;
    let s = &db.store;
    let communes: Vec<(String, String, String)> = {
        let mut v = Vec::new();
        for c in [HA_KHANH, HA_PHONG, "06760", "00001"] {
            let row = db
                .strings(&format!(
                    "SELECT province_code || '|' || district_code FROM units WHERE code = '{c}'"
                ))
                .await;
            let pd = row[0].clone().unwrap();
            let (p, d) = pd.split_once('|').unwrap();
            v.push((c.to_owned(), d.to_owned(), p.to_owned()));
        }
        v
    };
    #[derive(Clone)]
    struct Row {
        commune: usize,
        on: NaiveDate,
        source: &'static str,
        found: &'static str,
    }
    const SOURCES: [&str; 4] = ["investigating", "case", "imported", "other_province"];
    const FOUND: [&str; 3] = ["community", "quarantine", "checkpoint"];
    let mut rows: BTreeMap<i64, Row> = BTreeMap::new();
    let expected = |rows: &BTreeMap<i64, Row>| -> BTreeMap<String, i64> {
        let mut m = BTreeMap::new();
        for r in rows.values() {
            if matches!(r.source, "imported" | "other_province") || r.found == "quarantine" {
                continue;
            }
            let monday = r.on - chrono::Days::new(u64::from(r.on.weekday().num_days_from_monday()));
            let (c, d, p) = &communes[r.commune];
            *m.entry(format!("{monday}|{c}|{d}|{p}")).or_insert(0) += 1;
        }
        m
    };
    let actual = || async {
        let mut m = BTreeMap::new();
        for r in db
            .strings(
                "SELECT week_start || '|' || commune_code || '|' || district_code || '|' || province_code || '#' || CAST(community AS TEXT) \
                 FROM community_case_weeks WHERE community <> 0",
            )
            .await
        {
            let r = r.unwrap();
            let (k, n) = r.split_once('#').unwrap();
            let n: i64 = n.parse().unwrap();
            assert!(n > 0, "a negative count: {r}");
            m.insert(k.to_owned(), n);
        }
        m
    };
    let mut people = Vec::new();
    for n in 0..45 {
        people.push(person(s, &format!("Trần Thị Tuần{}", letters(n)), HA_KHANH).await);
    }
    let mut x: u64 = 11;
    let mut next = || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        x >> 33
    };
    let mut made = 0usize;
    for step in 0..160 {
        let kind = next() % 10;
        let on = day(1, 10) + chrono::Days::new(next() % 40);
        if rows.is_empty() || (kind < 4 && made < people.len()) {
            let r = Row {
                commune: (next() % 4) as usize,
                on,
                source: SOURCES[(next() % 4) as usize],
                found: FOUND[(next() % 3) as usize],
            };
            let (c, d, p) = &communes[r.commune];
            db.execute(&format!(
                "INSERT INTO cases (code, person_id, confirmed_on, test_kind, source_kind, course, detected_where, \
                 province_code, district_code, commune_code, created_by, created_at, updated_at) \
                 VALUES ('W{made}', {}, '{}', 'rt_pcr', '{}', 'home', '{}', '{p}', '{d}', '{c}', 'test', 'x', 'x')",
                people[made], r.on, r.source, r.found
            ))
            .await
            .unwrap();
            let id = db
                .count(&format!("SELECT id FROM cases WHERE code = 'W{made}'"))
                .await;
            rows.insert(id, r);
            made += 1;
        } else {
            let ids: Vec<i64> = rows.keys().copied().collect();
            let id = ids[(next() as usize) % ids.len()];
            let r = rows.get_mut(&id).unwrap();
            let set = match kind {
                4 => {
                    r.on = on;
                    format!("confirmed_on = '{on}'")
                }
                5 => {
                    r.source = SOURCES[(next() % 4) as usize];
                    format!("source_kind = '{}'", r.source)
                }
                6 => {
                    r.found = FOUND[(next() % 3) as usize];
                    format!("detected_where = '{}'", r.found)
                }
                7 => {
                    r.commune = (next() % 4) as usize;
                    let (c, d, p) = &communes[r.commune];
                    format!("commune_code = '{c}', district_code = '{d}', province_code = '{p}'")
                }
                8 => {
                    // A write that touches none of the count's columns.
                    "course = 'hospital'".to_owned()
                }
                _ => {
                    rows.remove(&id);
                    db.execute(&format!("DELETE FROM cases WHERE id = {id}"))
                        .await
                        .unwrap();
                    assert_eq!(actual().await, expected(&rows), "step {step}: deleted {id}");
                    continue;
                }
            };
            db.execute(&format!("UPDATE cases SET {set} WHERE id = {id}"))
                .await
                .unwrap();
            assert_eq!(
                actual().await,
                expected(&rows),
                "step {step}: {set} of {id}"
            );
        }
        assert_eq!(actual().await, expected(&rows), "step {step}");
    }
    let want = expected(&rows);
    assert!(
        want.len() >= 5 && rows.len() >= 20,
        "the walk should spread over weeks and communes: {} rows, {want:?}",
        rows.len()
    );
    // The week's levels read the same figures (Hạ Long's two communes).
    let district = actor(HA_LONG, Role::HealthStaff);
    for week in [day(11, 10), day(18, 10), day(25, 10), day(1, 11)] {
        let w = s.week_levels(&district.scope, week).await.unwrap();
        for (i, (c, d, p)) in communes.iter().enumerate().take(2) {
            let n = want
                .get(&format!("{week}|{c}|{d}|{p}"))
                .copied()
                .unwrap_or(0);
            let got = w.communes.iter().find(|l| &l.unit_code == c).unwrap();
            assert_eq!(got.cases, n, "commune {i} week of {week}");
        }
    }
    // The communes are kept in memory while `units` is unchanged: a
    // population written after a read (here by plain SQL) shows in the next.
    for population in [12_345, 23_456] {
        db.execute(&format!(
            "UPDATE units SET population = {population} WHERE code = '{HA_KHANH}'"
        ))
        .await
        .unwrap();
        let w = s.week_levels(&district.scope, day(18, 10)).await.unwrap();
        let got = w.communes.iter().find(|l| l.unit_code == HA_KHANH).unwrap();
        assert_eq!(got.population, Some(population));
    }
    // Rebuilt from the cases by the migration.
    db.execute("DROP TABLE community_case_weeks").await.unwrap();
    db.execute("DROP TABLE units_version").await.unwrap();
    db.execute("DROP INDEX epidemic_levels_week").await.unwrap();
    db.execute("DROP INDEX commune_coverage_as_of")
        .await
        .unwrap();
    if s.dialect() == phongdich_store::Dialect::Postgres {
        db.execute("DROP FUNCTION community_case_weeks() CASCADE")
            .await
            .unwrap();
        db.execute("DROP FUNCTION community_case_weeks_truncate() CASCADE")
            .await
            .unwrap();
        db.execute("DROP FUNCTION units_version() CASCADE")
            .await
            .unwrap();
    } else {
        for t in [
            "community_case_weeks_insert",
            "community_case_weeks_delete",
            "community_case_weeks_update_old",
            "community_case_weeks_update_new",
            "units_version_insert",
            "units_version_update",
            "units_version_delete",
        ] {
            db.execute(&format!("DROP TRIGGER {t}")).await.unwrap();
        }
    }
    db.execute("DELETE FROM schema_migrations WHERE version = 33")
        .await
        .unwrap();
    assert_eq!(s.migrate().await.unwrap(), vec![33]);
    assert_eq!(actual().await, want);
}
