//! Tracing rules as dated versions, chosen by the date of the event like the
//! quarantine rules (`quarantine::rule_in_force`): the look-back of an F0's
//! transmission period, the tracing depth and how long each class lasts. The
//! F1 criteria themselves are in `contact::F1Rules::on`.
//!
//! What each document says, as far as it could be checked (domain-rules §2):
//! - Decision 3638/QĐ-BYT of 30/7/2021 (interim guidance, part II, 1.3–1.4):
//!   the transmission period runs from 2 days before onset — for an
//!   asymptomatic case, 2 days before the positive sample — until a negative
//!   test or Ct ≥ 30; F2 are contacts of an F1 "from when the F1 could have
//!   been infected until the F1 was quarantined".
//! - Official letter 11042/BYT-DP of 29/12/2021: the same look-back (2 days
//!   before onset, or before the positive sample when asymptomatic) until a
//!   negative test or Ct > 30, as published on 30/12/2021.
//!   ASSUMPTION: no document checked here gives 3 days for asymptomatic cases;
//!   domain-rules §2 mentions "2 or 3 days depending on the document". A
//!   province that follows a 3-day look-back changes `lookback_asymptomatic`.
//! - Depth: F3 and F4 are local practice (reports: "traced F1, F2, F3, F4"),
//!   not a Ministry rule; 4 throughout (configurable, dated).
//! - Periods: a class lasts the F1 quarantine plus monitoring period of the
//!   national F1 rule in force for everyone (not the shorter rules for the
//!   vaccinated: the engine does not know doses; an earlier release comes
//!   through the person's quarantine order). ASSUMPTION: F2–F4 last as long
//!   as F1 (no document gives their period; domain-rules §2 says only that
//!   F3/F4 self-monitor at home).

use crate::quarantine::{QuarantineKind, Situation, national_rules};
use chrono::NaiveDate;
use serde::Serialize;

/// One version of the tracing rules, in force from `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TracingRules {
    pub from: NaiveDate,
    /// The document, e.g. `3638/QĐ-BYT`.
    pub source: &'static str,
    /// Days before symptom onset the transmission period starts.
    pub lookback_symptomatic: i64,
    /// Days before the positive sample, for an asymptomatic case.
    pub lookback_asymptomatic: i64,
    /// Classes traced: F1..F(depth).
    pub depth: u8,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid calendar date")
}

/// The national versions, oldest first. The first also applies before its
/// date (cases recorded from earlier in 2021).
pub fn national_tracing_rules() -> Vec<TracingRules> {
    vec![
        TracingRules {
            from: date(2021, 7, 30),
            source: "3638/QĐ-BYT",
            lookback_symptomatic: 2,
            lookback_asymptomatic: 2,
            depth: 4,
        },
        TracingRules {
            from: date(2021, 12, 29),
            source: "11042/BYT-DP",
            lookback_symptomatic: 2,
            lookback_asymptomatic: 2,
            depth: 4,
        },
    ]
}

/// The version in force on a day (the first one before it starts).
pub fn tracing_rules_on(day: NaiveDate) -> TracingRules {
    let all = national_tracing_rules();
    all.iter()
        .rev()
        .find(|r| r.from <= day)
        .or(all.first())
        .cloned()
        .unwrap_or(TracingRules {
            from: day,
            source: "3638/QĐ-BYT",
            lookback_symptomatic: 2,
            lookback_asymptomatic: 2,
            depth: 4,
        })
}

/// The first day of an F0's transmission period: the look-back in force on
/// the anchor day (onset when symptomatic, else the positive sample).
pub fn transmission_start(onset: Option<NaiveDate>, sample: NaiveDate) -> NaiveDate {
    match onset {
        Some(o) => o - chrono::Days::new(tracing_rules_on(o).lookback_symptomatic as u64),
        None => sample - chrono::Days::new(tracing_rules_on(sample).lookback_asymptomatic as u64),
    }
}

/// From each date on, how many days a class lasts after its last exposure:
/// the national F1 rule for everyone (quarantine + monitoring days). Before
/// the first national rule (5/5/2021): 14 days, the 2020 practice
/// (ASSUMPTION, no document checked).
pub fn class_periods() -> Vec<(NaiveDate, u32)> {
    let mut out = vec![(date(2020, 1, 1), 14)];
    let mut rules: Vec<_> = national_rules()
        .into_iter()
        .filter(|r| r.situation == Situation::F1 && r.who.is_none())
        .collect();
    rules.sort_by_key(|r| r.from);
    for r in rules {
        let days = match r.kind {
            QuarantineKind::SelfMonitoring => r.monitoring_days,
            _ => r.days + r.monitoring_days,
        };
        out.push((r.from, days.max(1)));
    }
    out
}

/// From each date on, the tracing depth.
pub fn depths() -> Vec<(NaiveDate, u8)> {
    national_tracing_rules()
        .iter()
        .map(|r| (r.from, r.depth))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_look_back_of_3638_and_11042() {
        // 3638/QĐ-BYT: 2 days before onset, or before the positive sample.
        let onset = date(2021, 8, 10);
        assert_eq!(
            transmission_start(Some(onset), date(2021, 8, 12)),
            date(2021, 8, 8)
        );
        assert_eq!(
            transmission_start(None, date(2021, 8, 12)),
            date(2021, 8, 10)
        );
        // 11042/BYT-DP: the same 2 days.
        assert_eq!(transmission_start(None, date(2022, 1, 5)), date(2022, 1, 3));
        assert_eq!(tracing_rules_on(date(2022, 1, 5)).source, "11042/BYT-DP");
        assert_eq!(tracing_rules_on(date(2021, 6, 1)).source, "3638/QĐ-BYT");
    }

    #[test]
    fn class_periods_follow_the_f1_quarantine_rules() {
        let p = class_periods();
        let on = |d: NaiveDate| p.iter().rev().find(|(f, _)| *f <= d).map(|x| x.1);
        assert_eq!(on(date(2021, 3, 1)), Some(14));
        assert_eq!(
            on(date(2021, 6, 1)),
            Some(21),
            "May 2021: 21 days centralised"
        );
        assert_eq!(on(date(2021, 8, 1)), Some(28), "5599/BYT-MT: 14 + 14");
        assert_eq!(on(date(2022, 3, 1)), Some(10), "762/BYT-DP: 7 + 3");
        assert_eq!(on(date(2022, 5, 1)), Some(10), "1909/BYT-DP: 10 days");
    }
}
