//! Samples and test results: what a lab sends, checked at the edge, and the
//! rule that turns a positive result into a confirmed case (F0).
//!
//! Rules (domain-rules.md §2–3): RT-PCR positive confirms an F0; from the
//! Ministry's letter 11042/BYT-DP of 29/12/2021 an F1 with a positive antigen
//! test is confirmed too. A negative pool clears all its members; a positive
//! pool sends every member back for an individual sample; an inconclusive
//! result asks for a new sample.

use crate::contact::parse_date;
use crate::{FieldError, Invalid};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The largest pool the system accepts (3486/QĐ-BYT: 5 or 10; households up
/// to 10–15; configurable per campaign up to this).
pub const POOL_MAX: usize = 20;

/// The day from which an F1 with a positive antigen test is an F0.
pub fn antigen_confirms_f1_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 12, 29).unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TestKind {
    RtPcr,
    Antigen,
}

impl TestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TestKind::RtPcr => "rt_pcr",
            TestKind::Antigen => "antigen",
        }
    }

    /// `rt_pcr`, `rt-pcr`, `pcr`, `antigen`, `test nhanh`, `kháng nguyên`…
    pub fn parse(s: &str) -> Option<TestKind> {
        let t = crate::text::fold(s).replace(['-', '_', ' '], "");
        match t.as_str() {
            "rtpcr" | "pcr" => Some(TestKind::RtPcr),
            "antigen" | "testnhanh" | "khangnguyen" | "rapid" | "ag" => Some(TestKind::Antigen),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Positive,
    Negative,
    Inconclusive,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Positive => "positive",
            Outcome::Negative => "negative",
            Outcome::Inconclusive => "inconclusive",
        }
    }

    /// `positive` / `dương tính` / `+`, `negative` / `âm tính` / `-`, `inconclusive` / `nghi ngờ`.
    pub fn parse(s: &str) -> Option<Outcome> {
        match crate::text::fold(s).as_str() {
            "positive" | "duong tinh" | "+" | "pos" => Some(Outcome::Positive),
            "negative" | "am tinh" | "-" | "neg" => Some(Outcome::Negative),
            "inconclusive" | "nghi ngo" | "khong xac dinh" | "invalid" => {
                Some(Outcome::Inconclusive)
            }
            _ => None,
        }
    }
}

/// What a result means for the samples it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SampleStatus {
    /// Taken, no result yet.
    Collected,
    Negative,
    Positive,
    /// Its pool was positive: an individual sample is needed.
    PoolPositive,
    /// Inconclusive: a new sample is needed.
    Resample,
}

impl SampleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SampleStatus::Collected => "collected",
            SampleStatus::Negative => "negative",
            SampleStatus::Positive => "positive",
            SampleStatus::PoolPositive => "pool_positive",
            SampleStatus::Resample => "resample",
        }
    }

    pub fn parse(s: &str) -> Option<SampleStatus> {
        [
            SampleStatus::Collected,
            SampleStatus::Negative,
            SampleStatus::Positive,
            SampleStatus::PoolPositive,
            SampleStatus::Resample,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    /// The status a result gives a sample: individually, or as a member of a pool.
    pub fn after(outcome: Outcome, pooled: bool) -> SampleStatus {
        match (outcome, pooled) {
            (Outcome::Negative, _) => SampleStatus::Negative,
            (Outcome::Positive, false) => SampleStatus::Positive,
            (Outcome::Positive, true) => SampleStatus::PoolPositive,
            (Outcome::Inconclusive, _) => SampleStatus::Resample,
        }
    }

    /// Whether the person must be sampled again, individually.
    pub fn needs_sample(self) -> bool {
        matches!(self, SampleStatus::PoolPositive | SampleStatus::Resample)
    }
}

/// Whether a positive individual result confirms the person as F0 under the
/// rules in force on `resulted_on`, given their current class (1 = F1).
pub fn confirms_f0(
    kind: TestKind,
    outcome: Outcome,
    class: Option<u8>,
    resulted_on: NaiveDate,
) -> bool {
    outcome == Outcome::Positive
        && match kind {
            TestKind::RtPcr => true,
            TestKind::Antigen => class == Some(1) && resulted_on >= antigen_confirms_f1_from(),
        }
}

/// A result as typed on a form or read from a lab file.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ResultInput {
    /// The sample's or the pool's code, as on its label (e.g. `S123`, `P45`).
    pub code: String,
    /// `rt_pcr` or `antigen`.
    pub test_kind: String,
    /// `positive`, `negative` or `inconclusive` (Vietnamese accepted).
    pub outcome: String,
    /// Ct per target gene, e.g. `N:24.5; E:26.1` (RT-PCR only; optional).
    #[serde(default)]
    pub ct: String,
    /// dd/mm/yyyy or yyyy-mm-dd.
    pub resulted_on: String,
    /// The lab that ran the test.
    #[serde(default)]
    pub lab: String,
}

/// A checked result.
#[derive(Debug, Clone, PartialEq)]
pub struct NewResult {
    pub code: String,
    pub kind: TestKind,
    pub outcome: Outcome,
    /// (gene, Ct), in the order given.
    pub ct: Vec<(String, f64)>,
    pub resulted_on: NaiveDate,
    pub lab: Option<String>,
}

impl NewResult {
    /// `N:24.5;E:26.1` — the form the Ct values are stored in.
    pub fn ct_text(&self) -> String {
        self.ct
            .iter()
            .map(|(g, v)| format!("{g}:{v}"))
            .collect::<Vec<_>>()
            .join(";")
    }
}

impl ResultInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewResult, Invalid> {
        let mut errors = Vec::new();
        let code = crate::text::clean(&self.code).to_uppercase();
        if code.is_empty() {
            errors.push(FieldError::new(
                "code",
                "required",
                "Cần mã mẫu hoặc mã gộp.",
                "A sample or pool code is required.",
            ));
        }
        let kind = TestKind::parse(&self.test_kind);
        if kind.is_none() {
            errors.push(FieldError::new(
                "test_kind",
                "invalid",
                format!(
                    "Loại xét nghiệm «{}» không hợp lệ: rt_pcr hoặc antigen.",
                    self.test_kind.trim()
                ),
                format!(
                    "Test kind “{}” is invalid: rt_pcr or antigen.",
                    self.test_kind.trim()
                ),
            ));
        }
        let outcome = Outcome::parse(&self.outcome);
        if outcome.is_none() {
            errors.push(FieldError::new(
                "outcome",
                "invalid",
                format!(
                    "Kết quả «{}» không hợp lệ: dương tính, âm tính hoặc không xác định.",
                    self.outcome.trim()
                ),
                format!(
                    "Outcome “{}” is invalid: positive, negative or inconclusive.",
                    self.outcome.trim()
                ),
            ));
        }
        let resulted_on = match parse_date("resulted_on", &self.resulted_on) {
            Ok(d) if d > today => {
                errors.push(FieldError::new(
                    "resulted_on",
                    "in_future",
                    "Ngày có kết quả ở tương lai.",
                    "The result date is in the future.",
                ));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let mut ct = Vec::new();
        for part in self.ct.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let parsed = part.split_once(':').and_then(|(g, v)| {
                let v: f64 = v.trim().replace(',', ".").parse().ok()?;
                let g = g.trim().to_uppercase();
                (!g.is_empty() && (0.0..=50.0).contains(&v)).then_some((g, v))
            });
            match parsed {
                Some(x) => ct.push(x),
                None => errors.push(FieldError::new(
                    "ct",
                    "invalid",
                    format!("Giá trị Ct «{part}» không hợp lệ: ghi GEN:số (0–50), ví dụ N:24,5."),
                    format!("Ct value “{part}” is invalid: write GENE:number (0–50), e.g. N:24.5."),
                )),
            }
        }
        if !ct.is_empty() && kind == Some(TestKind::Antigen) {
            errors.push(FieldError::new(
                "ct",
                "not_for_antigen",
                "Test nhanh kháng nguyên không có giá trị Ct.",
                "A rapid antigen test has no Ct values.",
            ));
        }
        let lab = crate::text::clean(&self.lab);
        match (kind, outcome, resulted_on) {
            (Some(kind), Some(outcome), Some(resulted_on)) if errors.is_empty() => Ok(NewResult {
                code,
                kind,
                outcome,
                ct,
                resulted_on,
                lab: (!lab.is_empty()).then_some(lab),
            }),
            _ => Err(Invalid(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn lab_words_in_both_languages_parse() {
        assert_eq!(TestKind::parse("RT-PCR"), Some(TestKind::RtPcr));
        assert_eq!(TestKind::parse("Test nhanh"), Some(TestKind::Antigen));
        assert_eq!(Outcome::parse("Dương tính"), Some(Outcome::Positive));
        assert_eq!(Outcome::parse("âm tính"), Some(Outcome::Negative));
        assert_eq!(Outcome::parse("maybe"), None);
    }

    #[test]
    fn a_result_names_every_bad_field() {
        let bad = ResultInput {
            code: " ".into(),
            test_kind: "blood".into(),
            outcome: "maybe".into(),
            ct: "N:abc".into(),
            resulted_on: "31/02/2021".into(),
            lab: String::new(),
        };
        let e = bad.parse(day(2021, 9, 1)).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            ["code", "test_kind", "outcome", "resulted_on", "ct"]
        );
        let good = ResultInput {
            code: "s12".into(),
            test_kind: "pcr".into(),
            outcome: "dương tính".into(),
            ct: "N:24,5; E:26.1".into(),
            resulted_on: "02/09/2021".into(),
            lab: "CDC Quảng Ninh".into(),
        }
        .parse(day(2021, 9, 2))
        .unwrap();
        assert_eq!(good.code, "S12");
        assert_eq!(good.ct_text(), "N:24.5;E:26.1");
    }

    #[test]
    fn pools_and_individuals_follow_the_ministry_rules() {
        assert_eq!(
            SampleStatus::after(Outcome::Negative, true),
            SampleStatus::Negative
        );
        assert_eq!(
            SampleStatus::after(Outcome::Positive, true),
            SampleStatus::PoolPositive
        );
        assert!(SampleStatus::after(Outcome::Inconclusive, false).needs_sample());
        let (pcr, ag, pos) = (TestKind::RtPcr, TestKind::Antigen, Outcome::Positive);
        assert!(confirms_f0(pcr, pos, None, day(2021, 8, 1)));
        assert!(!confirms_f0(
            pcr,
            Outcome::Negative,
            Some(1),
            day(2021, 8, 1)
        ));
        // Antigen: only an F1, and only from 29/12/2021.
        assert!(!confirms_f0(ag, pos, Some(1), day(2021, 12, 28)));
        assert!(confirms_f0(ag, pos, Some(1), day(2021, 12, 29)));
        assert!(!confirms_f0(ag, pos, Some(2), day(2022, 1, 5)));
    }
}
