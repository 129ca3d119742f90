//! Quarantine rules as data: who (the situation and, for F1, vaccination or
//! recovery), from which day, what kind, how long, which test days and what
//! release needs. The national rule sets of the Ministry of Health ship as
//! defaults (`national_rules`); a province adds its own, which take
//! precedence from their effective date. The rule in force on the day an
//! order starts decides the order — later rules do not rewrite running orders.

use crate::FieldError;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// Why someone is quarantined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Situation {
    /// A close contact of an F0.
    F1,
    /// Coming from an epidemic area inside the country.
    FromEpidemicArea,
    /// Arriving from abroad.
    ArrivalAbroad,
}

impl Situation {
    pub const ALL: [Situation; 3] = [
        Situation::F1,
        Situation::FromEpidemicArea,
        Situation::ArrivalAbroad,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Situation::F1 => "f1",
            Situation::FromEpidemicArea => "from_epidemic_area",
            Situation::ArrivalAbroad => "arrival_abroad",
        }
    }

    pub fn parse(s: &str) -> Option<Situation> {
        Situation::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Situation::F1 => ("F1 (tiếp xúc gần)", "F1 (close contact)"),
            Situation::FromEpidemicArea => ("Về từ vùng dịch", "From an epidemic area"),
            Situation::ArrivalAbroad => ("Nhập cảnh", "Arrival from abroad"),
        }
    }
}

/// Where the quarantine is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuarantineKind {
    /// At a centralised site (barracks, dormitory, requisitioned hotel).
    Centralised,
    /// At home, with a notice on the door.
    Home,
    /// No quarantine: self-monitoring and precautions only.
    SelfMonitoring,
}

impl QuarantineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuarantineKind::Centralised => "centralised",
            QuarantineKind::Home => "home",
            QuarantineKind::SelfMonitoring => "self_monitoring",
        }
    }

    pub fn parse(s: &str) -> Option<QuarantineKind> {
        [
            QuarantineKind::Centralised,
            QuarantineKind::Home,
            QuarantineKind::SelfMonitoring,
        ]
        .into_iter()
        .find(|k| k.as_str() == s.trim())
    }

    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            QuarantineKind::Centralised => ("Cách ly tập trung", "Centralised quarantine"),
            QuarantineKind::Home => ("Cách ly tại nhà", "Home quarantine"),
            QuarantineKind::SelfMonitoring => ("Tự theo dõi sức khỏe", "Self-monitoring"),
        }
    }
}

/// Who a rule is for, beyond the situation: "protected" people are those
/// fully vaccinated (at least `min_doses`, the last between `dose_after_days`
/// and `dose_before_days` ago) or recovered within `recovered_within_days`.
/// A rule with `protected: None` is for everyone in the situation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Protection {
    /// `true`: only protected people; `false`: only the others.
    pub protected: bool,
    pub min_doses: u8,
    /// The last dose at least this many days before the start (e.g. 14).
    pub dose_after_days: u32,
    /// … and at most this many (e.g. 180); `None`: no upper limit.
    pub dose_before_days: Option<u32>,
    /// Recovered from COVID-19 at most this many days before (e.g. 180).
    pub recovered_within_days: Option<u32>,
}

/// One rule set: for a situation, from a day, what the quarantine is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QuarantineRule {
    /// A stable code, e.g. `10696-f1-protected`.
    pub code: String,
    pub situation: Situation,
    /// In force from this day (until a later rule for the same people).
    pub from: NaiveDate,
    pub who: Option<Protection>,
    pub kind: QuarantineKind,
    /// Days of quarantine (0 when there is none).
    pub days: u32,
    /// Days of self-monitoring after it.
    pub monitoring_days: u32,
    /// Test days, counted from day 1 = the first day.
    pub test_days: Vec<u32>,
    /// Release needs every test on the test days negative.
    pub release_needs_negative_tests: bool,
    /// The document it comes from, e.g. `10696/BYT-MT`.
    pub source: String,
    /// `None` for the national rules; a province's code for its own.
    pub province_code: Option<String>,
}

/// What is known of a person's protection on the first day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Circumstances {
    pub doses: u8,
    pub last_dose_on: Option<NaiveDate>,
    pub recovered_on: Option<NaiveDate>,
}

impl Protection {
    /// Whether someone with `c` is protected on `start` by this definition.
    pub fn covers(&self, c: &Circumstances, start: NaiveDate) -> bool {
        let vaccinated = c.doses >= self.min_doses
            && c.last_dose_on.is_some_and(|d| {
                let days = (start - d).num_days();
                days >= i64::from(self.dose_after_days)
                    && self
                        .dose_before_days
                        .is_none_or(|max| days <= i64::from(max))
            });
        let recovered = self.recovered_within_days.is_some_and(|max| {
            c.recovered_on.is_some_and(|d| {
                let days = (start - d).num_days();
                (0..=i64::from(max)).contains(&days)
            })
        });
        (vaccinated || recovered) == self.protected
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid calendar date")
}

#[allow(clippy::too_many_arguments)]
fn rule(
    code: &str,
    situation: Situation,
    from: NaiveDate,
    who: Option<Protection>,
    kind: QuarantineKind,
    days: u32,
    monitoring_days: u32,
    test_days: &[u32],
    source: &str,
) -> QuarantineRule {
    QuarantineRule {
        code: code.into(),
        situation,
        from,
        who,
        kind,
        days,
        monitoring_days,
        test_days: test_days.to_vec(),
        release_needs_negative_tests: !test_days.is_empty(),
        source: source.into(),
        province_code: None,
    }
}

fn protection(protected: bool, max_dose_days: Option<u32>, recovered_days: u32) -> Protection {
    Protection {
        protected,
        min_doses: 2,
        dose_after_days: 14,
        dose_before_days: max_dose_days,
        recovered_within_days: Some(recovered_days),
    }
}

/// The Ministry of Health's rule sets of 2021–2022 (domain rules §4).
pub fn national_rules() -> Vec<QuarantineRule> {
    use QuarantineKind::*;
    use Situation::*;
    let mut v = Vec::new();
    for s in [F1, ArrivalAbroad] {
        v.push(rule(
            &format!("moh-2021-05-{}", s.as_str()),
            s,
            date(2021, 5, 5),
            None,
            Centralised,
            21,
            0,
            &[1, 7, 14, 21],
            "Bộ Y tế, 5/2021",
        ));
        v.push(rule(
            &format!("5599-{}", s.as_str()),
            s,
            date(2021, 7, 14),
            None,
            Centralised,
            14,
            14,
            &[1, 7, 14],
            "5599/BYT-MT",
        ));
    }
    // People from epidemic areas (MoH guidance, August 2021).
    v.push(rule(
        "moh-2021-08-area-protected",
        FromEpidemicArea,
        date(2021, 8, 1),
        Some(protection(true, None, 180)),
        Home,
        7,
        0,
        &[1, 7],
        "Bộ Y tế, 8/2021",
    ));
    v.push(rule(
        "moh-2021-08-area",
        FromEpidemicArea,
        date(2021, 8, 1),
        None,
        Home,
        14,
        14,
        &[1, 7, 14],
        "Bộ Y tế, 8/2021",
    ));
    v.push(rule(
        "10696-f1-protected",
        F1,
        date(2021, 12, 16),
        Some(protection(true, Some(180), 180)),
        Home,
        7,
        7,
        &[1, 7],
        "10696/BYT-MT",
    ));
    v.push(rule(
        "762-f1-protected",
        F1,
        date(2022, 2, 21),
        Some(protection(true, None, 90)),
        Home,
        5,
        5,
        &[5],
        "762/BYT-DP",
    ));
    v.push(rule(
        "762-f1",
        F1,
        date(2022, 2, 21),
        None,
        Home,
        7,
        3,
        &[7],
        "762/BYT-DP",
    ));
    v.push(rule(
        "1909-f1",
        F1,
        date(2022, 4, 15),
        None,
        SelfMonitoring,
        0,
        10,
        &[],
        "1909/BYT-DP",
    ));
    v
}

/// The rule for someone in `situation` whose quarantine starts on `start`:
/// among the rules in force that day (the latest effective date for the
/// situation, the province's own before the national ones), the first whose
/// `who` covers the person, preferring rules with a condition over the
/// catch-all of the same date.
pub fn rule_in_force<'a>(
    rules: &'a [QuarantineRule],
    situation: Situation,
    start: NaiveDate,
    province: &str,
    c: &Circumstances,
) -> Option<&'a QuarantineRule> {
    let applicable = |r: &&QuarantineRule| {
        r.situation == situation
            && r.from <= start
            && r.province_code.as_deref().is_none_or(|p| p == province)
            && r.who.as_ref().is_none_or(|w| w.covers(c, start))
    };
    rules.iter().filter(applicable).max_by_key(|r| {
        (
            r.from,
            r.province_code.is_some(),
            r.who.is_some(),
            std::cmp::Reverse(r.code.clone()),
        )
    })
}

/// An order's dates, computed from its rule and its first day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Plan {
    pub start: NaiveDate,
    /// The last day of quarantine (the start itself when there is none).
    pub planned_end: NaiveDate,
    /// The last day of self-monitoring after it.
    pub monitoring_end: NaiveDate,
    pub test_days: Vec<NaiveDate>,
}

/// Day `n` of a quarantine that starts on `start` (day 1 = the start).
pub fn day(start: NaiveDate, n: u32) -> NaiveDate {
    start + Days::new(u64::from(n.max(1) - 1))
}

pub fn plan(rule: &QuarantineRule, start: NaiveDate) -> Plan {
    let planned_end = day(start, rule.days.max(1));
    // Self-monitoring alone (no quarantine days) starts on day 1 itself:
    // "precautions for 10 days" (1909/BYT-DP) are days 1 to 10.
    let monitoring_end = if rule.days == 0 {
        day(start, rule.monitoring_days)
    } else {
        planned_end + Days::new(u64::from(rule.monitoring_days))
    };
    Plan {
        start,
        planned_end,
        monitoring_end,
        test_days: rule.test_days.iter().map(|n| day(start, *n)).collect(),
    }
}

/// Why a release cannot happen yet, in both languages; empty when it may.
/// `tests`: the person's test results during the order (day, negative?).
pub fn release_blockers(
    rule: &QuarantineRule,
    plan: &Plan,
    tests: &[(NaiveDate, bool)],
    on: NaiveDate,
) -> Vec<FieldError> {
    let mut out = Vec::new();
    if on < plan.planned_end {
        out.push(FieldError::new(
            "released_on",
            "too_early",
            format!(
                "Chưa hết thời gian cách ly: ngày cuối là {}.",
                plan.planned_end.format("%d/%m/%Y")
            ),
            format!(
                "The quarantine is not over: its last day is {}.",
                plan.planned_end.format("%d/%m/%Y")
            ),
        ));
    }
    if rule.release_needs_negative_tests {
        for d in &plan.test_days {
            // A test on the day, or the day after (results come a day late).
            let window = [*d, *d + Days::new(1)];
            let on_day: Vec<bool> = tests
                .iter()
                .filter(|(t, _)| window.contains(t))
                .map(|(_, neg)| *neg)
                .collect();
            if on_day.is_empty() {
                out.push(FieldError::new(
                    "tests",
                    "missing_test",
                    format!("Thiếu xét nghiệm ngày {}.", d.format("%d/%m/%Y")),
                    format!("No test on {}.", d.format("%d/%m/%Y")),
                ));
            } else if !on_day.iter().all(|n| *n) {
                out.push(FieldError::new(
                    "tests",
                    "not_negative",
                    format!("Xét nghiệm ngày {} không âm tính.", d.format("%d/%m/%Y")),
                    format!("The test on {} is not negative.", d.format("%d/%m/%Y")),
                ));
            }
        }
    }
    out
}

/// No order starts before this day: the first case in Viet Nam was
/// confirmed on 23/1/2020, so an earlier first day is a typing mistake.
pub const EPIDEMIC_START: NaiveDate = match NaiveDate::from_ymd_opt(2020, 1, 1) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// An F1's order may start at most this many days before the person's
/// exposure (their class's `since_on`): quarantine is counted from the
/// exposure, and two days allow for a contact date known only roughly.
pub const DAYS_BEFORE_EXPOSURE: u64 = 2;

/// An order as asked for.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OrderInput {
    pub person_id: i64,
    /// `f1`, `from_epidemic_area` or `arrival_abroad`.
    pub situation: String,
    /// The first day (dd/mm/yyyy or yyyy-mm-dd).
    pub start_on: String,
    /// A site and bed, or the home address (empty: the person's address for
    /// an order at home; none for a centralised one, whose admission names
    /// its site).
    #[serde(default)]
    pub place: String,
    /// Vaccine doses received, for the rules that depend on it.
    #[serde(default)]
    pub doses: u8,
    #[serde(default)]
    pub last_dose_on: String,
    /// When the person recovered from COVID-19, if they did (blank: taken
    /// from the person's own case when it is recovered with a negative test).
    #[serde(default)]
    pub recovered_on: String,
}

/// An order whose fields were checked. Which rule applies, and the person's
/// recovery when none was given, the store finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub situation: Situation,
    pub start_on: NaiveDate,
    /// The place as typed (cleaned); `None` when blank.
    pub place: Option<String>,
    pub circumstances: Circumstances,
}

fn optional_date(field: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        return None;
    }
    match crate::contact::parse_date(field, s) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

impl OrderInput {
    /// Check the situation and the dates, collecting every fault.
    pub fn parse(&self) -> Result<NewOrder, crate::Invalid> {
        let mut errors = Vec::new();
        let situation = Situation::parse(&self.situation);
        if situation.is_none() {
            errors.push(FieldError::new(
                "situation",
                "invalid",
                "Đối tượng phải là: f1, from_epidemic_area, arrival_abroad.",
                "The situation must be f1, from_epidemic_area or arrival_abroad.",
            ));
        }
        let start = match crate::contact::parse_date("start_on", &self.start_on) {
            Ok(d) if d < EPIDEMIC_START => {
                errors.push(FieldError::new(
                    "start_on",
                    "too_early",
                    format!(
                        "Ngày bắt đầu không được trước {} (trước khi có dịch).",
                        EPIDEMIC_START.format("%d/%m/%Y")
                    ),
                    format!(
                        "The first day cannot be before {} (before the epidemic).",
                        EPIDEMIC_START.format("%d/%m/%Y")
                    ),
                ));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let circumstances = Circumstances {
            doses: self.doses,
            last_dose_on: optional_date("last_dose_on", &self.last_dose_on, &mut errors),
            recovered_on: optional_date("recovered_on", &self.recovered_on, &mut errors),
        };
        let place = crate::text::clean(&self.place);
        match (situation, start) {
            (Some(situation), Some(start_on)) if errors.is_empty() => Ok(NewOrder {
                situation,
                start_on,
                place: (!place.is_empty()).then_some(place),
                circumstances,
            }),
            _ => Err(crate::Invalid(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vaccinated(on: NaiveDate) -> Circumstances {
        Circumstances {
            doses: 2,
            last_dose_on: Some(on),
            recovered_on: None,
        }
    }

    #[test]
    fn each_period_gets_its_rule() {
        let rules = national_rules();
        let none = Circumstances::default();
        let pick = |on: NaiveDate, c: &Circumstances| {
            rule_in_force(&rules, Situation::F1, on, "22", c)
                .map(|r| (r.kind, r.days, r.test_days.clone()))
        };
        assert_eq!(pick(date(2021, 5, 1), &none), None, "before any rule");
        assert_eq!(
            pick(date(2021, 6, 1), &none),
            Some((QuarantineKind::Centralised, 21, vec![1, 7, 14, 21]))
        );
        assert_eq!(
            pick(date(2021, 8, 20), &none),
            Some((QuarantineKind::Centralised, 14, vec![1, 7, 14]))
        );
        // 10696: fully vaccinated within 14 days–6 months → 7 days at home.
        let dose = vaccinated(date(2021, 10, 1));
        assert_eq!(
            pick(date(2021, 12, 20), &dose),
            Some((QuarantineKind::Home, 7, vec![1, 7]))
        );
        // … but not the unvaccinated, nor a dose given a week before.
        assert_eq!(pick(date(2021, 12, 20), &none).unwrap().1, 14);
        assert_eq!(
            pick(date(2021, 12, 20), &vaccinated(date(2021, 12, 14)))
                .unwrap()
                .1,
            14
        );
        // Recovered within six months counts as protected.
        let recovered = Circumstances {
            recovered_on: Some(date(2021, 9, 1)),
            ..Default::default()
        };
        assert_eq!(pick(date(2021, 12, 20), &recovered).unwrap().1, 7);
        assert_eq!(
            pick(date(2022, 3, 1), &dose),
            Some((QuarantineKind::Home, 5, vec![5]))
        );
        assert_eq!(
            pick(date(2022, 3, 1), &none),
            Some((QuarantineKind::Home, 7, vec![7]))
        );
        assert_eq!(
            pick(date(2022, 5, 1), &none),
            Some((QuarantineKind::SelfMonitoring, 0, vec![]))
        );
    }

    #[test]
    fn a_province_rule_takes_precedence_from_its_date_in_its_province_only() {
        let mut rules = national_rules();
        rules.push(QuarantineRule {
            code: "qn-2021-09-area".into(),
            province_code: Some("22".into()),
            ..rule(
                "x",
                Situation::FromEpidemicArea,
                date(2021, 9, 10),
                None,
                QuarantineKind::Centralised,
                14,
                0,
                &[1, 7, 14],
                "Công văn của UBND tỉnh",
            )
        });
        let c = vaccinated(date(2021, 8, 1));
        let here = rule_in_force(
            &rules,
            Situation::FromEpidemicArea,
            date(2021, 9, 15),
            "22",
            &c,
        );
        assert_eq!(here.unwrap().code, "qn-2021-09-area");
        let there = rule_in_force(
            &rules,
            Situation::FromEpidemicArea,
            date(2021, 9, 15),
            "01",
            &c,
        );
        assert_eq!(there.unwrap().code, "moh-2021-08-area-protected");
        let before = rule_in_force(
            &rules,
            Situation::FromEpidemicArea,
            date(2021, 9, 5),
            "22",
            &c,
        );
        assert_eq!(before.unwrap().code, "moh-2021-08-area-protected");
    }

    #[test]
    fn release_waits_for_the_last_day_and_negative_tests_on_the_test_days() {
        let rules = national_rules();
        let r = rule_in_force(
            &rules,
            Situation::F1,
            date(2021, 8, 1),
            "22",
            &Circumstances::default(),
        )
        .unwrap();
        let p = plan(r, date(2021, 8, 1));
        assert_eq!(p.planned_end, date(2021, 8, 14));
        assert_eq!(p.monitoring_end, date(2021, 8, 28));
        assert_eq!(
            p.test_days,
            [date(2021, 8, 1), date(2021, 8, 7), date(2021, 8, 14)]
        );
        let tests = [(date(2021, 8, 1), true), (date(2021, 8, 8), true)];
        let early = release_blockers(r, &p, &tests, date(2021, 8, 10));
        let codes: Vec<&str> = early.iter().map(|e| e.code).collect();
        assert_eq!(codes, ["too_early", "missing_test"]);
        let tests = [
            (date(2021, 8, 1), true),
            (date(2021, 8, 8), true),
            (date(2021, 8, 14), false),
        ];
        let codes: Vec<&str> = release_blockers(r, &p, &tests, date(2021, 8, 14))
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, ["not_negative"]);
        let tests = [
            (date(2021, 8, 1), true),
            (date(2021, 8, 7), true),
            (date(2021, 8, 15), true),
        ];
        assert!(release_blockers(r, &p, &tests, date(2021, 8, 15)).is_empty());
    }

    #[test]
    fn an_order_input_names_every_bad_field_and_keeps_a_blank_place_blank() {
        let ok = OrderInput {
            person_id: 1,
            situation: "f1".into(),
            start_on: "05/08/2021".into(),
            place: "   ".into(),
            doses: 2,
            last_dose_on: "2021-07-01".into(),
            ..OrderInput::default()
        }
        .parse()
        .unwrap();
        assert_eq!(ok.situation, Situation::F1);
        assert_eq!(ok.start_on, NaiveDate::from_ymd_opt(2021, 8, 5).unwrap());
        assert_eq!(ok.place, None);
        assert_eq!(ok.circumstances.doses, 2);
        assert_eq!(
            ok.circumstances.last_dose_on,
            NaiveDate::from_ymd_opt(2021, 7, 1)
        );
        let crate::Invalid(e) = OrderInput {
            situation: "f5".into(),
            start_on: "".into(),
            recovered_on: "yesterday".into(),
            ..OrderInput::default()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["situation", "start_on", "recovered_on"]);
    }

    /// Issue 18, bug 8 (b): no order starts before the epidemic (the first
    /// case in Viet Nam was confirmed on 23/1/2020); 1/1/2020 is the floor.
    #[test]
    fn an_order_does_not_start_before_2020() {
        let on = |d: &str| {
            OrderInput {
                person_id: 1,
                situation: "f1".into(),
                start_on: d.into(),
                ..OrderInput::default()
            }
            .parse()
        };
        let crate::Invalid(e) = on("31/12/2019").unwrap_err();
        assert_eq!((e[0].field.as_str(), e[0].code), ("start_on", "too_early"));
        assert!(e[0].message_en.contains("01/01/2020") && e[0].message_vi.contains("01/01/2020"));
        assert!(on("01/08/2003").is_err(), "years before");
        assert_eq!(on("01/01/2020").unwrap().start_on, date(2020, 1, 1));
    }

    /// Issue 18, bug 4: "no quarantine; precautions for 10 days" (1909/BYT-DP,
    /// 15/4/2022) is ten days counting the first as day 1, as every rule's
    /// days are counted: 20/4 to 29/4, not to 30/4.
    #[test]
    fn self_monitoring_alone_lasts_its_days_from_day_one() {
        let rules = national_rules();
        let r = rules.iter().find(|r| r.code == "1909-f1").unwrap();
        let p = plan(r, date(2022, 4, 20));
        assert_eq!(
            (p.planned_end, p.monitoring_end, p.test_days.len()),
            (date(2022, 4, 20), date(2022, 4, 29), 0)
        );
        let r = rules.iter().find(|r| r.code == "762-f1").unwrap();
        let p = plan(r, date(2022, 3, 1));
        assert_eq!(
            (p.planned_end, p.monitoring_end),
            (date(2022, 3, 7), date(2022, 3, 10)),
            "7 days, then 3 days (762/BYT-DP)"
        );
    }
}
