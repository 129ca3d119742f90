//! Samples and test results: what a lab sends, checked at the edge, and the
//! rule that turns a positive result into a confirmed case (F0).
//!
//! Rules (domain-rules.md §2–3): RT-PCR positive confirms an F0; from the
//! Ministry's letter 11042/BYT-DP of 29/12/2021 an F1 with a positive antigen
//! test is confirmed too. A negative pool clears all its members; a positive
//! pool sends every member back for an individual sample; an inconclusive
//! result asks for a new sample.

use crate::choice::choice;
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

choice!(
    /// The specimen a sampling team takes.
    Specimen {
        Nasopharyngeal = "nasopharyngeal",
        Oropharyngeal = "oropharyngeal",
        Nasal = "nasal",
        Saliva = "saliva",
    }
);

/// One sample, as typed at the door.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SampleInput {
    pub person_id: i64,
    /// `nasopharyngeal` (default), `oropharyngeal`, `nasal`, `saliva`.
    #[serde(default)]
    pub specimen: String,
    /// dd/mm/yyyy or yyyy-mm-dd.
    pub collected_on: String,
    /// Where: an address, a site, a checkpoint.
    #[serde(default)]
    pub collected_where: String,
    /// The lab it goes to.
    #[serde(default)]
    pub lab: String,
    /// The testing campaign it is taken for, if any.
    #[serde(default)]
    pub campaign_id: Option<i64>,
}

/// A pool: the people sampled together (a household, or a list at the door).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PoolInput {
    pub person_ids: Vec<i64>,
    /// All members of one household (pools up to 20 allowed then).
    #[serde(default)]
    pub household: bool,
    /// Largest pool allowed here (default: the campaign's pool size, else 10;
    /// at most 20).
    #[serde(default)]
    pub max_size: Option<usize>,
    #[serde(default)]
    pub specimen: String,
    pub collected_on: String,
    #[serde(default)]
    pub collected_where: String,
    #[serde(default)]
    pub lab: String,
    /// The testing campaign it is taken for, if any.
    #[serde(default)]
    pub campaign_id: Option<i64>,
}

/// The shared fields of a sample or a pool, checked. Whether the person and
/// the campaign exist and lie in the writer's jurisdiction the store checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub specimen: Specimen,
    pub collected_on: NaiveDate,
    pub collected_where: Option<String>,
    pub lab: Option<String>,
}

/// A pool whose fields were checked: its distinct members, ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPool {
    pub person_ids: Vec<i64>,
    pub household: bool,
    pub taken: Taken,
}

fn parse_taken(
    specimen: &str,
    collected_on: &str,
    collected_where: &str,
    lab: &str,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Option<Taken> {
    let specimen = match specimen.trim() {
        "" => Specimen::Nasopharyngeal,
        s => match Specimen::from_stored(s) {
            Some(sp) => sp,
            None => {
                let all: Vec<&str> = Specimen::ALL.iter().map(|s| s.as_str()).collect();
                errors.push(FieldError::new(
                    "specimen",
                    "invalid",
                    format!("Loại bệnh phẩm «{s}» không hợp lệ: {}.", all.join(", ")),
                    format!("Specimen “{s}” is invalid: {}.", all.join(", ")),
                ));
                return None;
            }
        },
    };
    let collected_on = match parse_date("collected_on", collected_on) {
        Ok(d) if d > today => {
            errors.push(FieldError::new(
                "collected_on",
                "in_future",
                "Ngày lấy mẫu ở tương lai.",
                "The sampling date is in the future.",
            ));
            return None;
        }
        Ok(d) => d,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    let text = |s: &str| {
        let s = crate::text::clean(s);
        (!s.is_empty()).then_some(s)
    };
    Some(Taken {
        specimen,
        collected_on,
        collected_where: text(collected_where),
        lab: text(lab),
    })
}

impl SampleInput {
    /// Check the specimen and the day (not after `today`); the first fault.
    pub fn parse(&self, today: NaiveDate) -> Result<Taken, Invalid> {
        let mut errors = Vec::new();
        parse_taken(
            &self.specimen,
            &self.collected_on,
            &self.collected_where,
            &self.lab,
            today,
            &mut errors,
        )
        .ok_or(Invalid(errors))
    }
}

impl PoolInput {
    /// Check the pool's size — `max_size`, else `default_max` (the store's:
    /// the campaign's pool size, [`POOL_MAX`] for a household, else 10) —,
    /// the specimen and the day.
    pub fn parse(&self, today: NaiveDate, default_max: usize) -> Result<NewPool, Invalid> {
        let mut errors = Vec::new();
        let max = self.max_size.unwrap_or(default_max);
        let mut ids = self.person_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        if !(2..=POOL_MAX).contains(&max) {
            errors.push(FieldError::new(
                "max_size",
                "invalid",
                format!("Cỡ gộp tối đa phải từ 2 đến {POOL_MAX}."),
                format!("The largest pool must be between 2 and {POOL_MAX}."),
            ));
        } else if ids.len() < 2 || ids.len() > max {
            errors.push(FieldError::new(
                "person_ids",
                "pool_size",
                format!(
                    "Một mẫu gộp có từ 2 đến {max} người khác nhau (có {}).",
                    ids.len()
                ),
                format!(
                    "A pool holds 2 to {max} different people (got {}).",
                    ids.len()
                ),
            ));
        }
        let taken = parse_taken(
            &self.specimen,
            &self.collected_on,
            &self.collected_where,
            &self.lab,
            today,
            &mut errors,
        );
        match taken {
            Some(taken) if errors.is_empty() => Ok(NewPool {
                person_ids: ids,
                household: self.household,
                taken,
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

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_sample_defaults_to_a_nasopharyngeal_swab_and_refuses_a_day_ahead() {
        let today = d(2021, 8, 10);
        let s = SampleInput {
            collected_on: "10/08/2021".into(),
            collected_where: "  Chốt   Cầu Ông Lãnh ".into(),
            ..SampleInput::default()
        }
        .parse(today)
        .unwrap();
        assert_eq!(s.specimen, Specimen::Nasopharyngeal);
        assert_eq!(s.collected_on, today);
        assert_eq!(s.collected_where.as_deref(), Some("Chốt Cầu Ông Lãnh"));
        assert_eq!(s.lab, None);
        let Invalid(e) = SampleInput {
            collected_on: "2021-08-11".into(),
            ..SampleInput::default()
        }
        .parse(today)
        .unwrap_err();
        assert_eq!(
            (e[0].field.as_str(), e[0].code),
            ("collected_on", "in_future")
        );
        let Invalid(e) = SampleInput {
            specimen: "blood".into(),
            collected_on: "2021-08-10".into(),
            ..SampleInput::default()
        }
        .parse(today)
        .unwrap_err();
        assert_eq!((e[0].field.as_str(), e[0].code), ("specimen", "invalid"));
        assert!(
            e[0].message_en
                .contains("nasopharyngeal, oropharyngeal, nasal, saliva")
        );
    }

    #[test]
    fn a_pool_counts_distinct_people_against_its_largest_size() {
        // 3486/QĐ-BYT: pools of 5 or 10; a household up to POOL_MAX here.
        let today = d(2021, 8, 10);
        let pool = |ids: &[i64], max: Option<usize>| PoolInput {
            person_ids: ids.to_vec(),
            max_size: max,
            collected_on: "10/08/2021".into(),
            ..PoolInput::default()
        };
        let p = pool(&[7, 3, 7, 5], None).parse(today, 10).unwrap();
        assert_eq!(p.person_ids, vec![3, 5, 7]);
        let Invalid(e) = pool(&[1, 2, 3], None).parse(today, 2).unwrap_err();
        assert_eq!(
            (e[0].field.as_str(), e[0].code),
            ("person_ids", "pool_size")
        );
        let Invalid(e) = pool(&[1, 1], None).parse(today, 10).unwrap_err();
        assert_eq!(e[0].code, "pool_size");
        let Invalid(e) = pool(&[1, 2], Some(POOL_MAX + 1))
            .parse(today, 10)
            .unwrap_err();
        assert_eq!((e[0].field.as_str(), e[0].code), ("max_size", "invalid"));
        // Size and day faults are named together.
        let mut bad = pool(&[1], None);
        bad.collected_on = "31/02/2021".into();
        let Invalid(e) = bad.parse(today, 10).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["person_ids", "collected_on"]);
    }
}
