//! Epidemic levels (*cấp độ dịch*) under Resolution 128/NQ-CP (11/10/2021)
//! and the Ministry's guidance 4800/QĐ-BYT (12/10/2021): four levels per
//! commune, each week, from three criteria.
//!
//! - **C1** new community cases per 100,000 population per week: the band
//!   (1 below 20, 2 from 20, 3 from 50, 4 from 150 under 4800/QĐ-BYT).
//! - **C2** vaccination: at least 70 % of people aged 18+ with one dose and
//!   80 % of the elderly fully vaccinated (65+ in October 2021, 50+ from
//!   November 2021 — which group the entered figure counts is the data's).
//! - **C3** treatment capacity: not met → the level may not be lowered.
//!
//! The combining rule is configurable ([`Combine`]); the one seeded is the
//! one `docs/domain-rules.md` §6 states (the C1 band, one level higher when
//! C2 is not met, capped at 4; C3 holds the level from falling) — the
//! guidance's full matrix could not be checked. Provinces may move the C1
//! bounds and the C2 thresholds (not the criteria): a province's own rule set
//! is a [`LevelRules`] with its code. Decision 218/QĐ-BYT (27/01/2022) is a
//! later rule set whose lower bands could not be verified here, so it is not
//! seeded: a province enters it as its own rule set when it applies it.
//!
//! Nothing is guessed silently: a commune without a population has no C1
//! (and no proposed level — said why); coverage never entered counts as C2
//! not met, and the explanation says it was not entered.

use crate::text::{grouped, one_decimal};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How the criteria give the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    /// The C1 band; one level higher when C2 is not met (at most 4); when
    /// C3 is not met, not below last week's published level.
    C1PlusOneIfC2Unmet,
}

/// A rule set: thresholds and the combining rule, from a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LevelRules {
    pub code: String,
    /// The document it comes from, e.g. `Quyết định 4800/QĐ-BYT ngày 12/10/2021`.
    pub source: String,
    pub valid_from: NaiveDate,
    /// A province's own rule set; none for the Ministry's.
    pub province_code: Option<String>,
    /// C1: the lowest rates (new community cases per 100,000 per week) of
    /// bands 2, 3 and 4.
    pub c1_bounds: [f64; 3],
    /// C2: the least share (%) of people aged 18+ with at least one dose.
    pub c2_adult_one_dose: f64,
    /// C2: the least share (%) of the elderly fully vaccinated.
    pub c2_elderly_full: f64,
    pub combine: Combine,
}

/// The Ministry's rule sets, oldest first.
pub fn national_level_rules() -> Vec<LevelRules> {
    vec![LevelRules {
        code: "4800-2021".into(),
        source: "Nghị quyết 128/NQ-CP ngày 11/10/2021; Quyết định 4800/QĐ-BYT ngày 12/10/2021"
            .into(),
        valid_from: NaiveDate::from_ymd_opt(2021, 10, 12).unwrap_or_default(),
        province_code: None,
        c1_bounds: [20.0, 50.0, 150.0],
        c2_adult_one_dose: 70.0,
        c2_elderly_full: 80.0,
        combine: Combine::C1PlusOneIfC2Unmet,
    }]
}

/// The rule set in force for `province` on `day`: the province's own latest
/// one from that day, else the Ministry's latest; none before the first.
pub fn rules_on<'a>(
    rules: &'a [LevelRules],
    province: &str,
    day: NaiveDate,
) -> Option<&'a LevelRules> {
    // The latest in force: the province's own or the Ministry's. A
    // Ministry's set issued after a province's own replaces it (218/QĐ-BYT
    // replaced 4800's bands, and with them the provinces' adjustments of
    // those bands); on the same day the province's own holds.
    rules
        .iter()
        .filter(|r| r.valid_from <= day)
        .filter(|r| r.province_code.as_deref().is_none_or(|p| p == province))
        .max_by_key(|r| (r.valid_from, r.province_code.is_some()))
}

/// What a commune's week holds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Criteria {
    /// New community cases found there in the week.
    pub cases: i64,
    /// Its population, if known.
    pub population: Option<i64>,
    /// Share (%) of people aged 18+ with at least one dose, if entered.
    pub adult_one_dose: Option<f64>,
    /// Share (%) of the elderly fully vaccinated, if entered.
    pub elderly_full: Option<f64>,
    /// Whether treatment capacity is met, if assessed (entered).
    pub capacity_met: Option<bool>,
    /// Oxygen concentrators and cylinders the commune keeps on record (not
    /// retired), when capacity was not entered: one or more counts C3 as met
    /// from the records (4800/QĐ-BYT judges a commune's capacity by its
    /// oxygen); none leaves C3 not assessed (no record is not no capacity).
    pub oxygen_units: Option<i64>,
    /// Last week's published level, if any.
    pub previous: Option<u8>,
}

impl Criteria {
    /// C3 as judged: entered, else met from the records when oxygen is kept.
    pub fn capacity(&self) -> Option<bool> {
        self.capacity_met
            .or(self.oxygen_units.filter(|n| *n > 0).map(|_| true))
    }
}

/// A level and why. The explanation is written when asked for
/// ([`Assessment::why_vi`], [`Assessment::why_en`], and in the serialized
/// form): a country's week assesses ten thousand communes and shows a few
/// hundred (BENCHMARKS.md, epidemic levels).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(into = "AssessmentWire")]
pub struct Assessment {
    /// 1–4; none when C1 cannot be computed (no population).
    pub level: Option<u8>,
    /// New community cases per 100,000 per week.
    pub c1_rate: Option<f64>,
    pub c1_band: Option<u8>,
    /// Whether C2 is met (coverage never entered: not met).
    pub c2_met: bool,
    pub c3_met: Option<bool>,
    /// The level held at last week's because C3 is not met.
    pub held: bool,
    /// What the explanation is written from.
    pub basis: Basis,
}

/// What an assessment was made from, for its explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Basis {
    pub criteria: Criteria,
    /// The rule set's code and its C2 thresholds.
    pub rule_code: String,
    pub c2_adult_one_dose: f64,
    pub c2_elderly_full: f64,
    /// An area's communes without coverage, of those with a population,
    /// when some have it (said instead of "no coverage entered").
    pub without_coverage: Option<(i64, i64)>,
}

/// An [`Assessment`] as the API gives it: the explanation written out.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Assessment)]
pub struct AssessmentWire {
    /// 1–4; none when C1 cannot be computed (no population).
    pub level: Option<u8>,
    /// New community cases per 100,000 per week.
    pub c1_rate: Option<f64>,
    pub c1_band: Option<u8>,
    /// Whether C2 is met (coverage never entered: not met).
    pub c2_met: bool,
    pub c3_met: Option<bool>,
    /// The level held at last week's because C3 is not met.
    pub held: bool,
    pub why_vi: String,
    pub why_en: String,
}

impl From<Assessment> for AssessmentWire {
    fn from(a: Assessment) -> Self {
        AssessmentWire {
            why_vi: a.why_vi(),
            why_en: a.why_en(),
            level: a.level,
            c1_rate: a.c1_rate,
            c1_band: a.c1_band,
            c2_met: a.c2_met,
            c3_met: a.c3_met,
            held: a.held,
        }
    }
}

impl Assessment {
    /// Which criterion gave the level, with the numbers, in Vietnamese.
    pub fn why_vi(&self) -> String {
        self.why(true)
    }

    /// The same in English.
    pub fn why_en(&self) -> String {
        self.why(false)
    }

    /// The explanation in one language (`vi`: Vietnamese), for a page that
    /// shows one.
    pub fn why(&self, vi: bool) -> String {
        let t = |v: &'static str, e: &'static str| if vi { v } else { e };
        let b = &self.basis;
        let c = &b.criteria;
        let (Some(level), Some(rate), Some(band)) = (self.level, self.c1_rate, self.c1_band) else {
            return if vi {
                format!(
                    "Chưa có dân số của xã: không tính được tiêu chí 1 ({} ca cộng đồng trong tuần).",
                    grouped(c.cases, true)
                )
            } else {
                format!(
                    "The commune's population is not known: criterion 1 cannot be computed ({} community cases in the week).",
                    grouped(c.cases, false)
                )
            };
        };
        let c2 = match (c.adult_one_dose, c.elderly_full) {
            (Some(a), Some(e)) => {
                let met = if self.c2_met {
                    t("đạt", "met")
                } else {
                    t("không đạt", "not met")
                };
                let (a, na, e, ne) = (
                    one_decimal(a, vi),
                    one_decimal(b.c2_adult_one_dose, vi),
                    one_decimal(e, vi),
                    one_decimal(b.c2_elderly_full, vi),
                );
                if vi {
                    format!(
                        "tiêu chí 2 {met}: {a}% người từ 18 tuổi đã tiêm ít nhất 1 mũi (cần {na}%), {e}% người cao tuổi tiêm đủ (cần {ne}%)"
                    )
                } else {
                    format!(
                        "criterion 2 {met}: {a}% of people 18+ with at least one dose (needs {na}%), {e}% of the elderly fully vaccinated (needs {ne}%)"
                    )
                }
            }
            _ => match b.without_coverage {
                Some((n, total)) if vi => format!(
                    "tiêu chí 2 coi như không đạt: {n}/{total} xã chưa nhập tỷ lệ tiêm chủng"
                ),
                Some((n, total)) => format!(
                    "criterion 2 counted as not met: {n} of {total} communes without vaccination coverage entered"
                ),
                None => t(
                    "tiêu chí 2 coi như không đạt: chưa nhập tỷ lệ tiêm chủng",
                    "criterion 2 counted as not met: no vaccination coverage entered",
                )
                .to_owned(),
            },
        };
        let from_records = c.capacity_met.is_none() && self.c3_met.is_some();
        let units = c.oxygen_units.unwrap_or_default();
        let c3 = match (self.c3_met, self.held) {
            (Some(false), true) => t(
                "; tiêu chí 3 không đạt: giữ cấp của tuần trước",
                "; criterion 3 not met: last week's level is kept",
            )
            .to_owned(),
            (Some(false), false) => t(
                "; tiêu chí 3 không đạt (không hạ cấp)",
                "; criterion 3 not met (no lowering)",
            )
            .to_owned(),
            (Some(true), _) if from_records && vi => {
                format!("; tiêu chí 3 đạt theo hồ sơ: {units} máy/bình oxy của xã")
            }
            (Some(true), _) if from_records => {
                format!(
                    "; criterion 3 met from the records: {units} oxygen units kept by the commune"
                )
            }
            (Some(true), _) => t("; tiêu chí 3 đạt", "; criterion 3 met").to_owned(),
            (None, _) => t("; tiêu chí 3 chưa đánh giá", "; criterion 3 not assessed").to_owned(),
        };
        let (cases, population, rate) = (
            grouped(c.cases, vi),
            grouped(c.population.unwrap_or_default(), vi),
            one_decimal(rate, vi),
        );
        let code = &b.rule_code;
        if vi {
            format!(
                "Cấp {level}: tiêu chí 1 — {cases} ca cộng đồng / {population} dân = {rate} ca/100.000 dân/tuần, mức {band}; {c2}{c3} ({code})."
            )
        } else {
            format!(
                "Level {level}: criterion 1 — {cases} community cases / {population} people = {rate} per 100,000 per week, band {band}; {c2}{c3} ({code})."
            )
        }
    }
}

/// The band of a rate under `bounds` (the lowest rates of bands 2–4).
pub fn band(rate: f64, bounds: &[f64; 3]) -> u8 {
    1 + bounds.iter().filter(|b| rate >= **b).count() as u8
}

/// Assess a commune's week under `rules`.
pub fn assess(rules: &LevelRules, c: &Criteria) -> Assessment {
    let basis = Basis {
        criteria: *c,
        rule_code: rules.code.clone(),
        c2_adult_one_dose: rules.c2_adult_one_dose,
        c2_elderly_full: rules.c2_elderly_full,
        without_coverage: None,
    };
    let rate = c
        .population
        .filter(|p| *p > 0)
        .map(|p| c.cases as f64 * 100_000.0 / p as f64);
    let Some(rate) = rate else {
        return Assessment {
            level: None,
            c1_rate: None,
            c1_band: None,
            c2_met: false,
            c3_met: c.capacity(),
            held: false,
            basis,
        };
    };
    let b = band(rate, &rules.c1_bounds);
    let c2_met = match (c.adult_one_dose, c.elderly_full) {
        (Some(a), Some(e)) => a >= rules.c2_adult_one_dose && e >= rules.c2_elderly_full,
        _ => false,
    };
    let mut level = match rules.combine {
        Combine::C1PlusOneIfC2Unmet => (b + u8::from(!c2_met)).min(4),
    };
    let capacity = c.capacity();
    let mut held = false;
    if capacity == Some(false)
        && let Some(p) = c.previous.filter(|p| *p > level)
    {
        level = p;
        held = true;
    }
    Assessment {
        level: Some(level),
        c1_rate: Some(rate),
        c1_band: Some(b),
        c2_met,
        c3_met: capacity,
        held,
        basis,
    }
}

/// A district's or province's week from its communes': the same criteria
/// over the larger area — the week's community cases over the population
/// of the communes whose population is known (C1), coverage weighted by
/// population and met only when every such commune has it entered (C2;
/// the elderly's share is weighted by the whole population, the elderly
/// counts not being kept), capacity met only when every commune's is (C3:
/// one not met is not met, one not assessed leaves it not assessed). No
/// previous level: areas are not published here.
///
/// Decision 4800/QĐ-BYT assesses districts and provinces too; its own table
/// for them could not be checked here, so the area's level is the rule
/// set's own criteria applied to the area as a whole, and the share of its
/// communes at each level is shown beside it (`docs/domain-rules.md` §6).
pub fn area_criteria(communes: &[Criteria]) -> Criteria {
    let known: Vec<&Criteria> = communes
        .iter()
        .filter(|c| c.population.is_some_and(|p| p > 0))
        .collect();
    let population: i64 = known.iter().filter_map(|c| c.population).sum();
    let weighted = |pick: fn(&Criteria) -> Option<f64>| -> Option<f64> {
        if known.is_empty() || known.iter().any(|c| pick(c).is_none()) {
            return None;
        }
        let sum: f64 = known
            .iter()
            .map(|c| pick(c).unwrap_or_default() * c.population.unwrap_or_default() as f64)
            .sum();
        Some(sum / population as f64)
    };
    let capacity_met = if communes.iter().any(|c| c.capacity() == Some(false)) {
        Some(false)
    } else if communes.is_empty() || communes.iter().any(|c| c.capacity().is_none()) {
        None
    } else {
        Some(true)
    };
    Criteria {
        cases: known.iter().map(|c| c.cases).sum(),
        population: (population > 0).then_some(population),
        adult_one_dose: weighted(|c| c.adult_one_dose),
        elderly_full: weighted(|c| c.elderly_full),
        capacity_met,
        oxygen_units: None,
        previous: None,
    }
}

/// The Monday starting the week holding `day` (weeks run Monday–Sunday).
pub fn week_of(day: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn r4800() -> LevelRules {
        national_level_rules().remove(0)
    }

    fn vaccinated() -> Criteria {
        Criteria {
            adult_one_dose: Some(85.0),
            elderly_full: Some(82.0),
            population: Some(10_000),
            ..Default::default()
        }
    }

    /// The latest set in force applies, a province's own or the Ministry's:
    /// a Ministry's set issued after a province's own replaces it; the
    /// province's own holds on the same day; another province's never.
    #[test]
    fn the_latest_rule_set_in_force_applies() {
        let national = |code: &str, from: NaiveDate| LevelRules {
            code: code.into(),
            valid_from: from,
            province_code: None,
            ..r4800()
        };
        let own = |code: &str, from: NaiveDate, p: &str| LevelRules {
            province_code: Some(p.into()),
            ..national(code, from)
        };
        let rules = vec![
            r4800(),
            own("qn-1", d(2021, 11, 1), "22"),
            own("hn-1", d(2021, 12, 1), "01"),
            national("moh-2", d(2022, 1, 27)),
            own("qn-2", d(2022, 1, 27), "22"),
        ];
        let on = |p: &str, day: NaiveDate| rules_on(&rules, p, day).map(|r| r.code.as_str());
        assert_eq!(on("22", d(2021, 10, 11)), None);
        assert_eq!(on("22", d(2021, 10, 12)), Some("4800-2021"));
        assert_eq!(on("22", d(2021, 11, 1)), Some("qn-1"));
        assert_eq!(on("22", d(2021, 12, 5)), Some("qn-1"));
        assert_eq!(on("01", d(2021, 12, 5)), Some("hn-1"));
        assert_eq!(on("79", d(2021, 12, 5)), Some("4800-2021"));
        assert_eq!(on("01", d(2022, 1, 27)), Some("moh-2"));
        assert_eq!(on("22", d(2022, 1, 27)), Some("qn-2"));
        assert_eq!(on("79", d(2022, 2, 1)), Some("moh-2"));
    }

    /// 4800/QĐ-BYT's C1 bands (domain-rules §6): 1 < 20; 2 20–< 50;
    /// 3 50–< 150; 4 ≥ 150 per 100,000 per week.
    #[test]
    fn the_c1_bands_of_4800_have_their_bounds_in_the_upper_band() {
        let b = r4800().c1_bounds;
        assert_eq!(band(0.0, &b), 1);
        assert_eq!(band(19.99, &b), 1);
        assert_eq!(band(20.0, &b), 2);
        assert_eq!(band(49.9, &b), 2);
        assert_eq!(band(50.0, &b), 3);
        assert_eq!(band(149.9, &b), 3);
        assert_eq!(band(150.0, &b), 4);
        assert_eq!(band(10_000.0, &b), 4);
    }

    #[test]
    fn a_vaccinated_commune_takes_its_c1_band() {
        // 10,000 people: 1 case = 10/100,000 (1); 2 = 20 (2); 5 = 50 (3); 15 = 150 (4).
        for (cases, level) in [
            (0, 1),
            (1, 1),
            (2, 2),
            (4, 2),
            (5, 3),
            (14, 3),
            (15, 4),
            (90, 4),
        ] {
            let a = assess(
                &r4800(),
                &Criteria {
                    cases,
                    ..vaccinated()
                },
            );
            assert_eq!(a.level, Some(level), "{cases} cases: {}", a.why_en());
            assert!(a.c2_met);
        }
        let a = assess(
            &r4800(),
            &Criteria {
                cases: 5,
                ..vaccinated()
            },
        );
        assert_eq!(
            a.why_vi(),
            "Cấp 3: tiêu chí 1 — 5 ca cộng đồng / 10.000 dân = 50 ca/100.000 dân/tuần, mức 3; tiêu chí 2 đạt: 85% người từ 18 tuổi đã tiêm ít nhất 1 mũi (cần 70%), 82% người cao tuổi tiêm đủ (cần 80%); tiêu chí 3 chưa đánh giá (4800-2021)."
        );
    }

    #[test]
    fn c2_not_met_raises_one_level_at_most_to_four_and_unknown_coverage_is_said() {
        let low = Criteria {
            adult_one_dose: Some(69.9),
            ..vaccinated()
        };
        assert_eq!(
            assess(&r4800(), &Criteria { cases: 0, ..low }).level,
            Some(2)
        );
        assert_eq!(
            assess(&r4800(), &Criteria { cases: 15, ..low }).level,
            Some(4)
        );
        let elderly = Criteria {
            elderly_full: Some(79.0),
            ..vaccinated()
        };
        assert_eq!(
            assess(
                &r4800(),
                &Criteria {
                    cases: 5,
                    ..elderly
                }
            )
            .level,
            Some(4)
        );
        let unknown = Criteria {
            adult_one_dose: None,
            elderly_full: None,
            ..vaccinated()
        };
        let a = assess(
            &r4800(),
            &Criteria {
                cases: 2,
                ..unknown
            },
        );
        assert_eq!(a.level, Some(3));
        assert!(
            a.why_en().contains("no vaccination coverage entered"),
            "{}",
            a.why_en()
        );
    }

    #[test]
    fn c3_not_met_keeps_last_weeks_level_from_falling() {
        let c = Criteria {
            cases: 0,
            capacity_met: Some(false),
            previous: Some(3),
            ..vaccinated()
        };
        let a = assess(&r4800(), &c);
        assert_eq!(a.level, Some(3));
        assert!(a.held);
        // Rising is not held back; met capacity lets it fall.
        let a = assess(&r4800(), &Criteria { cases: 20, ..c });
        assert_eq!(a.level, Some(4));
        assert!(!a.held);
        let a = assess(
            &r4800(),
            &Criteria {
                capacity_met: Some(true),
                ..c
            },
        );
        assert_eq!(a.level, Some(1));
    }

    #[test]
    fn no_population_no_level_and_the_reason_is_given() {
        let a = assess(
            &r4800(),
            &Criteria {
                cases: 3,
                population: None,
                ..vaccinated()
            },
        );
        assert_eq!(a.level, None);
        assert!(a.why_vi().contains("Chưa có dân số"));
    }

    #[test]
    fn a_provinces_own_rules_apply_from_their_day() {
        let mut own = r4800();
        own.code = "qn-2021-11".into();
        own.province_code = Some("22".into());
        own.valid_from = d(2021, 11, 1);
        own.c1_bounds = [10.0, 50.0, 150.0];
        let rules = vec![r4800(), own];
        assert_eq!(
            rules_on(&rules, "22", d(2021, 10, 20)).unwrap().code,
            "4800-2021"
        );
        assert_eq!(
            rules_on(&rules, "22", d(2021, 11, 1)).unwrap().code,
            "qn-2021-11"
        );
        assert_eq!(
            rules_on(&rules, "01", d(2021, 11, 1)).unwrap().code,
            "4800-2021"
        );
        assert!(rules_on(&rules, "22", d(2021, 10, 11)).is_none());
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(week_of(d(2021, 10, 24)), d(2021, 10, 18)); // a Sunday
        assert_eq!(week_of(d(2021, 10, 18)), d(2021, 10, 18));
    }

    #[test]
    fn an_area_is_its_communes_taken_together() {
        let c = |cases, population, adult, elderly, capacity| Criteria {
            cases,
            population,
            adult_one_dose: adult,
            elderly_full: elderly,
            capacity_met: capacity,
            oxygen_units: None,
            previous: Some(3),
        };
        // Two communes of 10,000 and 30,000 people, 3 and 9 cases: 12 in
        // 40,000 = 30 per 100,000 (band 2); coverage 60 % and 80 % weighted
        // = 75 % of adults, elderly 90 % and 70 % = 75 %.
        let a = area_criteria(&[
            c(3, Some(10_000), Some(60.0), Some(90.0), Some(true)),
            c(9, Some(30_000), Some(80.0), Some(70.0), Some(true)),
        ]);
        assert_eq!((a.cases, a.population), (12, Some(40_000)));
        assert_eq!(a.adult_one_dose, Some(75.0));
        assert_eq!(a.elderly_full, Some(75.0));
        assert_eq!((a.capacity_met, a.previous), (Some(true), None));
        let rules = &national_level_rules()[0];
        let x = assess(rules, &a);
        // C1 band 2; C2: 75 % ≥ 70 % but 75 % < 80 % of the elderly → not met → 3.
        assert_eq!((x.c1_band, x.c2_met, x.level), (Some(2), false, Some(3)));
        // A commune without population leaves its cases out of the rate;
        // one without coverage makes C2 unknown; one capacity not met is not met.
        let b = area_criteria(&[
            c(3, Some(10_000), Some(90.0), Some(90.0), None),
            c(50, None, None, None, Some(false)),
            c(1, Some(10_000), None, Some(90.0), Some(true)),
        ]);
        assert_eq!((b.cases, b.population), (4, Some(20_000)));
        assert_eq!((b.adult_one_dose, b.elderly_full), (None, Some(90.0)));
        assert_eq!(b.capacity_met, Some(false));
        assert_eq!(area_criteria(&[]).population, None);
    }

    #[test]
    fn capacity_comes_from_the_oxygen_on_record_when_not_entered() {
        let c = Criteria {
            cases: 1,
            oxygen_units: Some(3),
            ..vaccinated()
        };
        let a = assess(&r4800(), &c);
        assert_eq!(a.c3_met, Some(true));
        assert!(
            a.why_en().contains("met from the records: 3 oxygen units"),
            "{}",
            a.why_en()
        );
        // What was entered wins over the records; no oxygen on record is not assessed.
        let entered = assess(
            &r4800(),
            &Criteria {
                capacity_met: Some(false),
                previous: Some(3),
                ..c
            },
        );
        assert_eq!(
            (entered.c3_met, entered.level, entered.held),
            (Some(false), Some(3), true)
        );
        let none = assess(
            &r4800(),
            &Criteria {
                oxygen_units: Some(0),
                ..c
            },
        );
        assert_eq!(none.c3_met, None);
    }
}
