//! Treating F0 at home (domain rules §5): who may be treated at home
//! (4038/QĐ-BYT, 21/8/2021), and the warning signs that call for a
//! rapid-response visit or a transfer — the Sept 2021 handbook
//! (4377/QĐ-BYT) until 30/1/2022, the thresholds of 261/QĐ-BYT from 31/1/2022.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What is checked at enrolment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
pub struct Enrolment {
    pub age_years: u32,
    /// No symptoms, or mild ones only.
    pub mild_or_no_symptoms: bool,
    /// Breaths per minute.
    pub breathing_rate: u32,
    /// SpO2 in percent.
    pub spo2: u32,
    pub doses: u8,
    /// Days since the last dose, when one was given.
    pub last_dose_days_ago: Option<u32>,
    pub underlying_disease: bool,
    pub pregnant: bool,
    /// Can look after themselves (or has a carer) and reach staff by phone.
    pub can_self_care_and_call: bool,
}

impl Enrolment {
    /// An F0 of `age_years` who meets every criterion of every rule in
    /// force (mild or no symptoms, 18 breaths a minute, SpO2 97 %, two doses,
    /// able to look after themselves and call) — the demo's and the tests'
    /// patient at home.
    pub fn well(age_years: u32) -> Enrolment {
        Enrolment {
            age_years,
            mild_or_no_symptoms: true,
            breathing_rate: 18,
            spo2: 97,
            doses: 2,
            can_self_care_and_call: true,
            ..Default::default()
        }
    }
}

/// The criteria for treating an F0 at home in force over a period (domain
/// rules §5): chosen by the day of enrolment, like the quarantine and
/// tracing rules, so a later document is a new version, not an edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EligibilityRule {
    /// First day in force.
    pub from: NaiveDate,
    pub document: &'static str,
    /// Highest breathing rate (per minute) allowed at home.
    pub max_breathing: u32,
    /// Lowest SpO2 (%) allowed at home.
    pub min_spo2: u32,
    /// Doses that count as vaccinated, and the days after a single dose.
    pub full_doses: u8,
    pub single_dose_days: u32,
    /// Ages that count as low risk when unvaccinated (with no underlying
    /// disease, not pregnant).
    pub low_risk_ages: (u32, u32),
}

/// The versions known, oldest first. 4038/QĐ-BYT (21/8/2021), section II.1:
/// no or mild symptoms, breathing ≤ 20/min, SpO2 ≥ 96 %; vaccinated (2 doses,
/// or 1 dose more than 14 days earlier) or aged 1–49 without listed
/// underlying disease and not pregnant; able to self-care and to call staff.
/// No earlier national document is on file: before 21/8/2021 the same
/// criteria are applied (provinces' own pilots, e.g. Ho Chi Minh City in
/// July 2021, used similar ones) — a province rule would be a new version.
pub const ELIGIBILITY_RULES: &[EligibilityRule] = &[EligibilityRule {
    from: match NaiveDate::from_ymd_opt(2021, 8, 21) {
        Some(d) => d,
        None => NaiveDate::MIN,
    },
    document: "4038/QĐ-BYT",
    max_breathing: 20,
    min_spo2: 96,
    full_doses: 2,
    single_dose_days: 14,
    low_risk_ages: (1, 49),
}];

/// The eligibility rule in force on `day` (the first version before it began).
pub fn eligibility_rule_on(day: NaiveDate) -> &'static EligibilityRule {
    ELIGIBILITY_RULES
        .iter()
        .rev()
        .find(|r| r.from <= day)
        .unwrap_or(&ELIGIBILITY_RULES[0])
}

/// The reasons someone may not be treated at home under the rule in force
/// on `day`: (code, Vietnamese, English). Empty when they may.
pub fn ineligibility_on(
    e: &Enrolment,
    day: NaiveDate,
) -> Vec<(&'static str, &'static str, &'static str)> {
    let rule = eligibility_rule_on(day);
    let mut out = Vec::new();
    if !e.mild_or_no_symptoms {
        out.push((
            "symptoms",
            "Có triệu chứng từ mức trung bình trở lên.",
            "Symptoms beyond mild.",
        ));
    }
    if e.breathing_rate > rule.max_breathing {
        out.push((
            "breathing",
            "Nhịp thở trên 20 lần/phút.",
            "Breathing rate above 20 per minute.",
        ));
    }
    if e.spo2 < rule.min_spo2 {
        out.push(("spo2", "SpO2 dưới 96%.", "SpO2 below 96 %."));
    }
    let vaccinated = e.doses >= rule.full_doses
        || (e.doses == 1
            && e.last_dose_days_ago
                .is_some_and(|d| d > rule.single_dose_days));
    let (young, old) = rule.low_risk_ages;
    let low_risk = (young..=old).contains(&e.age_years) && !e.underlying_disease && !e.pregnant;
    if !vaccinated && !low_risk {
        out.push((
            "risk",
            "Chưa tiêm đủ vắc xin và thuộc nhóm nguy cơ (tuổi, bệnh nền hoặc mang thai).",
            "Not vaccinated and at risk (age, underlying disease or pregnancy).",
        ));
    }
    if !e.can_self_care_and_call {
        out.push((
            "care",
            "Không tự chăm sóc được hoặc không liên lạc được qua điện thoại.",
            "Cannot self-care or be reached by phone.",
        ));
    }
    out
}

/// [`ineligibility_on`] under the first rule (4038/QĐ-BYT).
pub fn ineligibility(e: &Enrolment) -> Vec<(&'static str, &'static str, &'static str)> {
    ineligibility_on(e, ELIGIBILITY_RULES[0].from)
}

/// One set of vital signs.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct Vitals {
    pub spo2: Option<u32>,
    pub breathing_rate: Option<u32>,
    pub pulse: Option<u32>,
    pub temperature: Option<f64>,
    pub systolic: Option<u32>,
    pub diastolic: Option<u32>,
    #[serde(default)]
    pub chest_pain: bool,
    #[serde(default)]
    pub altered_consciousness: bool,
}

/// A warning sign found: (code, Vietnamese, English).
pub type Sign = (&'static str, String, String);

/// The handbook of 261/QĐ-BYT applies from this day.
pub fn thresholds_of_2022_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 1, 31).expect("a valid date")
}

/// The warning signs in `v` for someone aged `age_years`, by the rules in
/// force on `on`.
pub fn warning_signs(v: &Vitals, age_years: u32, on: NaiveDate) -> Vec<Sign> {
    let later = on >= thresholds_of_2022_from();
    let mut out: Vec<Sign> = Vec::new();
    let breathing_limit = match age_years {
        0..=4 => 40,
        5..=11 => 30,
        _ if later => 20,
        _ => 21,
    };
    if let Some(b) = v.breathing_rate
        && b >= breathing_limit
    {
        out.push((
            "breathing",
            format!("Nhịp thở {b} lần/phút (ngưỡng {breathing_limit})."),
            format!("Breathing rate {b}/min (threshold {breathing_limit})."),
        ));
    }
    let spo2_limit = if later { 96 } else { 95 };
    if let Some(s) = v.spo2
        && s <= spo2_limit
    {
        out.push((
            "spo2",
            format!("SpO2 {s}% (ngưỡng ≤ {spo2_limit}%)."),
            format!("SpO2 {s} % (threshold ≤ {spo2_limit} %)."),
        ));
    }
    if later {
        if let Some(p) = v.pulse
            && !(50..=120).contains(&p)
        {
            out.push((
                "pulse",
                format!("Mạch {p} lần/phút."),
                format!("Pulse {p}/min."),
            ));
        }
        if let (Some(sys), Some(dia)) = (v.systolic, v.diastolic)
            && (sys < 90 || dia < 60)
        {
            out.push((
                "blood_pressure",
                format!("Huyết áp {sys}/{dia} mmHg."),
                format!("Blood pressure {sys}/{dia} mmHg."),
            ));
        }
        if v.chest_pain {
            out.push(("chest_pain", "Đau tức ngực.".into(), "Chest pain.".into()));
        }
        if v.altered_consciousness {
            out.push((
                "consciousness",
                "Thay đổi ý thức.".into(),
                "Altered consciousness.".into(),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {

    /// The rule is chosen by the day of enrolment (4038/QĐ-BYT, 21/8/2021,
    /// the only national version on file; applied before it too).
    #[test]
    fn eligibility_follows_the_rule_of_the_day() {
        assert_eq!(eligibility_rule_on(d(2021, 8, 21)).document, "4038/QĐ-BYT");
        assert_eq!(eligibility_rule_on(d(2021, 7, 1)).document, "4038/QĐ-BYT");
        assert_eq!(eligibility_rule_on(d(2022, 3, 1)).min_spo2, 96);
        let breathless = Enrolment {
            age_years: 30,
            mild_or_no_symptoms: true,
            breathing_rate: 21,
            spo2: 97,
            can_self_care_and_call: true,
            ..Enrolment::default()
        };
        let codes: Vec<&str> = ineligibility_on(&breathless, d(2021, 9, 1))
            .iter()
            .map(|r| r.0)
            .collect();
        assert_eq!(codes, ["breathing"]);
    }

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn eligibility_follows_4038() {
        let ok = Enrolment {
            age_years: 35,
            mild_or_no_symptoms: true,
            breathing_rate: 18,
            spo2: 97,
            can_self_care_and_call: true,
            ..Default::default()
        };
        assert!(
            ineligibility(&ok).is_empty(),
            "young, healthy, unvaccinated: yes"
        );
        let old = Enrolment {
            age_years: 70,
            ..ok.clone()
        };
        assert_eq!(ineligibility(&old)[0].0, "risk");
        let old_vaccinated = Enrolment { doses: 2, ..old };
        assert!(ineligibility(&old_vaccinated).is_empty());
        let breathless = Enrolment {
            breathing_rate: 22,
            spo2: 95,
            ..ok
        };
        let codes: Vec<&str> = ineligibility(&breathless).iter().map(|r| r.0).collect();
        assert_eq!(codes, ["breathing", "spo2"]);
    }

    #[test]
    fn thresholds_change_with_the_handbook_in_force() {
        let v = Vitals {
            spo2: Some(96),
            breathing_rate: Some(20),
            pulse: Some(125),
            ..Default::default()
        };
        assert!(
            warning_signs(&v, 40, d(2021, 9, 15)).is_empty(),
            "Sept 2021: 96 % and 20/min are fine"
        );
        let codes: Vec<&str> = warning_signs(&v, 40, d(2022, 2, 1))
            .iter()
            .map(|s| s.0)
            .collect();
        assert_eq!(codes, ["breathing", "spo2", "pulse"]);
        let child = Vitals {
            breathing_rate: Some(35),
            ..Default::default()
        };
        assert_eq!(warning_signs(&child, 7, d(2021, 9, 15))[0].0, "breathing");
        assert!(
            warning_signs(&child, 3, d(2021, 9, 15)).is_empty(),
            "under 5: 40/min"
        );
    }
}
