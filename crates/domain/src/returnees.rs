//! People returning to the province (*người về địa phương*): a registration
//! as typed and as checked, its code (printed as a QR code and scanned at
//! checkpoints), the province's list of epidemic areas, and the obligation
//! an arrival carries.
//!
//! The obligation is not a second rule table: an arrival from an epidemic
//! area is a quarantine order of situation `from_epidemic_area`, decided by
//! the quarantine rules (national and the province's own, versioned and
//! audited there) in force on the arrival day. An arrival from anywhere else
//! carries no order. Whether the origin is an epidemic area is read from the
//! province's list at the **departure** day (domain rules §6: the area is
//! judged where and when the person left it).

use crate::case::TestKind;
use crate::choice::{choice, one_of};
use crate::quarantine::{
    Circumstances, EPIDEMIC_START, Plan, QuarantineRule, Situation, plan, rule_in_force,
};
use crate::{FieldError, Invalid, NewPerson, PersonInput, UnitCode};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

choice!(
    /// How a returnee travels.
    Means {
        OwnVehicle = "own_vehicle",
        Convoy = "convoy",
        Bus = "bus",
        Flight = "flight",
        Train = "train",
    }
);

impl Means {
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Means::OwnVehicle => ("Phương tiện cá nhân", "Own vehicle"),
            Means::Convoy => ("Đoàn xe của tỉnh", "The province's convoy"),
            Means::Bus => ("Xe khách", "Bus"),
            Means::Flight => ("Máy bay", "Flight"),
            Means::Train => ("Tàu hỏa", "Train"),
        }
    }
}

choice!(
    /// Where a registration stands.
    Status {
        /// Expected: registered, not yet seen at a checkpoint.
        Registered = "registered",
        /// Seen at a checkpoint on the way in.
        Checked = "checked",
        /// Confirmed at home by the commune.
        Home = "home",
        /// Withdrawn (the trip will not happen, or was registered by mistake).
        Cancelled = "cancelled",
    }
);

impl Status {
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Status::Registered => (
                "Đã đăng ký, chưa qua chốt",
                "Registered, not yet at a checkpoint",
            ),
            Status::Checked => (
                "Đã qua chốt, chưa về nhà",
                "Through a checkpoint, not yet home",
            ),
            Status::Home => ("Đã về nhà", "Home"),
            Status::Cancelled => ("Đã hủy", "Cancelled"),
        }
    }
}

choice!(
    /// A test's outcome as a returnee reports it or a checkpoint reads it.
    TestOutcome { Negative = "negative", Positive = "positive" }
);

/// Days between departure and arrival beyond which the dates are taken for a
/// typing mistake (the longest trip inside Viet Nam takes two days by road).
pub const LONGEST_TRIP_DAYS: u64 = 7;

/// A registration as typed: the person (their destination address as their
/// address) and the trip. Forms, the API and file rows arrive in this shape.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RegistrationInput {
    /// Who: name, birth, sex, CCCD, phone, and where they are going
    /// (commune, hamlet, street address).
    pub person: PersonInput,
    /// Where from: a province, district or commune code.
    pub origin_code: String,
    /// The address there.
    pub origin_address: String,
    /// Planned departure, dd/mm/yyyy or yyyy-mm-dd.
    pub departure_on: String,
    /// Planned arrival, dd/mm/yyyy or yyyy-mm-dd.
    pub arrival_on: String,
    /// `own_vehicle`, `convoy`, `bus`, `flight` or `train`.
    pub means: String,
    /// Another registration's code: travelling together (a household, a
    /// group); blank for a registration of its own.
    pub travels_with: String,
    /// Vaccine doses received (0–4).
    pub doses: u8,
    pub last_dose_on: String,
    /// The vaccine product, as written on the certificate.
    pub vaccine: String,
    /// The last test before leaving: `rt_pcr` or `antigen`, blank if none.
    pub test_kind: String,
    pub test_on: String,
    /// `negative` or `positive`.
    pub test_result: String,
}

/// The last test before leaving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PriorTest {
    pub kind: TestKind,
    pub on: NaiveDate,
    pub outcome: TestOutcome,
}

/// A registration whose fields were checked. Whether the units exist, the
/// person matches someone registered and the trip is not registered twice,
/// the store finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRegistration {
    pub person: NewPerson,
    pub origin_code: UnitCode,
    pub origin_address: Option<String>,
    pub departure_on: NaiveDate,
    pub arrival_on: NaiveDate,
    pub means: Means,
    pub travels_with: Option<String>,
    pub circumstances: Circumstances,
    pub vaccine: Option<String>,
    pub prior_test: Option<PriorTest>,
}

fn date(field: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    match crate::contact::parse_date(field, s) {
        Ok(d) if d < EPIDEMIC_START => {
            errors.push(FieldError::new(
                field,
                "too_early",
                format!(
                    "Ngày không được trước {} (trước khi có dịch).",
                    EPIDEMIC_START.format("%d/%m/%Y")
                ),
                format!(
                    "The date cannot be before {} (before the epidemic).",
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
    }
}

fn optional_date(field: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        None
    } else {
        date(field, s, errors)
    }
}

impl RegistrationInput {
    /// Check every field, collecting every fault: the person's (CCCD against
    /// birth year and sex included), then the trip's.
    pub fn parse(&self, today: NaiveDate) -> Result<NewRegistration, Invalid> {
        let mut errors = Vec::new();
        let person = match self.person.parse(today) {
            Ok(p) => Some(p),
            Err(Invalid(e)) => {
                errors.extend(e);
                None
            }
        };
        let origin = match UnitCode::parse(self.origin_code.trim()) {
            Ok(c) => Some(c),
            Err(_) => {
                errors.push(FieldError::new(
                    "origin_code",
                    if self.origin_code.trim().is_empty() {
                        "required"
                    } else {
                        "invalid"
                    },
                    "Nơi đi phải là mã tỉnh, huyện hoặc xã.",
                    "Where from must be a province, district or commune code.",
                ));
                None
            }
        };
        let departure = date("departure_on", &self.departure_on, &mut errors);
        let arrival = date("arrival_on", &self.arrival_on, &mut errors);
        if let (Some(d), Some(a)) = (departure, arrival) {
            if a < d {
                errors.push(FieldError::new(
                    "arrival_on",
                    "before_departure",
                    format!(
                        "Ngày đến ({}) trước ngày đi ({}).",
                        a.format("%d/%m/%Y"),
                        d.format("%d/%m/%Y")
                    ),
                    format!(
                        "The arrival ({}) is before the departure ({}).",
                        a.format("%d/%m/%Y"),
                        d.format("%d/%m/%Y")
                    ),
                ));
            } else if a > d + Days::new(LONGEST_TRIP_DAYS) {
                errors.push(FieldError::new(
                    "arrival_on",
                    "trip_too_long",
                    format!("Chuyến đi dài hơn {LONGEST_TRIP_DAYS} ngày: hãy kiểm tra ngày đi và ngày đến."),
                    format!("The trip lasts more than {LONGEST_TRIP_DAYS} days: check the departure and arrival."),
                ));
            }
        }
        let means = one_of::<Means>("means", &self.means, &mut errors);
        if self.doses > 4 {
            errors.push(FieldError::new(
                "doses",
                "invalid",
                "Số mũi vắc-xin từ 0 đến 4.",
                "Vaccine doses are 0 to 4.",
            ));
        }
        let last_dose_on = optional_date("last_dose_on", &self.last_dose_on, &mut errors);
        if self.doses > 0 && last_dose_on.is_none() && self.last_dose_on.trim().is_empty() {
            errors.push(FieldError::new(
                "last_dose_on",
                "required",
                "Có tiêm vắc-xin thì cần ngày tiêm mũi cuối.",
                "With vaccine doses, the last dose's date is needed.",
            ));
        }
        if self.doses == 0 && last_dose_on.is_some() {
            errors.push(FieldError::new(
                "doses",
                "required",
                "Có ngày tiêm mũi cuối thì cần số mũi đã tiêm.",
                "With a last dose's date, the number of doses is needed.",
            ));
        }
        if let (Some(l), Some(d)) = (last_dose_on, departure)
            && l > d
        {
            errors.push(FieldError::new(
                "last_dose_on",
                "after_departure",
                "Ngày tiêm mũi cuối sau ngày đi.",
                "The last dose is after the departure.",
            ));
        }
        let prior_test = if self.test_kind.trim().is_empty()
            && self.test_on.trim().is_empty()
            && self.test_result.trim().is_empty()
        {
            None
        } else {
            let kind = one_of::<TestKind>("test_kind", &self.test_kind, &mut errors);
            let on = date("test_on", &self.test_on, &mut errors);
            if let (Some(t), Some(a)) = (on, arrival)
                && t > a
            {
                errors.push(FieldError::new(
                    "test_on",
                    "after_arrival",
                    "Ngày xét nghiệm sau ngày đến.",
                    "The test is after the arrival.",
                ));
            }
            let outcome = one_of::<TestOutcome>("test_result", &self.test_result, &mut errors);
            match (kind, on, outcome) {
                (Some(kind), Some(on), Some(outcome)) => Some(PriorTest { kind, on, outcome }),
                _ => None,
            }
        };
        let travels_with = crate::text::clean(&self.travels_with);
        let travels_with = if travels_with.is_empty() {
            None
        } else {
            match normalise_code(&travels_with) {
                Some(c) => Some(c),
                None => {
                    errors.push(FieldError::new(
                        "travels_with",
                        "invalid",
                        format!("«{travels_with}» không phải là mã đăng ký."),
                        format!("“{travels_with}” is not a registration code."),
                    ));
                    None
                }
            }
        };
        for (field, value, most) in [
            ("origin_address", &self.origin_address, 300),
            ("vaccine", &self.vaccine, 100),
        ] {
            if value.chars().count() > most {
                errors.push(FieldError::new(
                    field,
                    "too_long",
                    format!("Tối đa {most} ký tự."),
                    format!("At most {most} characters."),
                ));
            }
        }
        let clean = |s: &str| Some(crate::text::clean(s)).filter(|s| !s.is_empty());
        match (person, origin, departure, arrival, means) {
            (
                Some(person),
                Some(origin_code),
                Some(departure_on),
                Some(arrival_on),
                Some(means),
            ) if errors.is_empty() => Ok(NewRegistration {
                person,
                origin_code,
                origin_address: clean(&self.origin_address),
                departure_on,
                arrival_on,
                means,
                travels_with,
                circumstances: Circumstances {
                    doses: self.doses,
                    last_dose_on,
                    recovered_on: None,
                },
                vaccine: clean(&self.vaccine),
                prior_test,
            }),
            _ => Err(Invalid(errors)),
        }
    }
}

choice!(
    /// Where a transport batch (a convoy, a bus, a flight) stands.
    BatchState {
        Planned = "planned",
        Departed = "departed",
        Arrived = "arrived",
        Cancelled = "cancelled",
    }
);

impl BatchState {
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            BatchState::Planned => ("Đã lên kế hoạch", "Planned"),
            BatchState::Departed => ("Đã xuất phát", "Departed"),
            BatchState::Arrived => ("Đã đến", "Arrived"),
            BatchState::Cancelled => ("Đã hủy", "Cancelled"),
        }
    }

    /// The states a batch may move to from this one: planned → departed →
    /// arrived; a planned batch may be cancelled.
    pub fn can_become(self, next: BatchState) -> bool {
        matches!(
            (self, next),
            (BatchState::Planned, BatchState::Departed)
                | (BatchState::Departed, BatchState::Arrived)
                | (BatchState::Planned, BatchState::Cancelled)
        )
    }
}

/// The most seats a batch may have (a train of the province's own).
pub const MAX_SEATS: u32 = 2000;

/// A transport batch as typed: the province's convoy, bus, flight or train.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct BatchInput {
    /// e.g. `Đoàn xe số 3 đón từ Bình Dương`.
    pub name: String,
    /// `convoy`, `bus`, `flight` or `train`.
    pub means: String,
    /// Seats, 1–2000.
    pub capacity: u32,
    /// The day it leaves, dd/mm/yyyy or yyyy-mm-dd.
    pub departs_on: String,
    pub departure_point: String,
    pub route: String,
}

/// A batch whose fields were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBatch {
    pub name: String,
    pub means: Means,
    pub capacity: u32,
    pub departs_on: NaiveDate,
    pub departure_point: String,
    pub route: Option<String>,
}

impl BatchInput {
    pub fn parse(&self) -> Result<NewBatch, Invalid> {
        let mut errors = Vec::new();
        let name = crate::text::clean(&self.name);
        if name.is_empty() || name.chars().count() > 200 {
            errors.push(FieldError::new(
                "name",
                "required",
                "Cần tên đợt đón (tối đa 200 ký tự).",
                "The batch needs a name (at most 200 characters).",
            ));
        }
        let means = one_of::<Means>("means", &self.means, &mut errors);
        if means == Some(Means::OwnVehicle) {
            errors.push(FieldError::new(
                "means",
                "invalid_choice",
                "Đợt đón là đoàn xe, xe khách, chuyến bay hoặc tàu.",
                "A batch is a convoy, a bus, a flight or a train.",
            ));
        }
        if self.capacity == 0 || self.capacity > MAX_SEATS {
            errors.push(FieldError::new(
                "capacity",
                "out_of_range",
                format!("Số chỗ từ 1 đến {MAX_SEATS}."),
                format!("Seats are 1 to {MAX_SEATS}."),
            ));
        }
        let departs_on = date("departs_on", &self.departs_on, &mut errors);
        let departure_point = crate::text::clean(&self.departure_point);
        if departure_point.chars().count() > 300 || self.route.chars().count() > 500 {
            errors.push(FieldError::new(
                "route",
                "too_long",
                "Điểm xuất phát tối đa 300 ký tự, lộ trình 500.",
                "At most 300 characters for the departure point, 500 for the route.",
            ));
        }
        if departure_point.is_empty() {
            errors.push(FieldError::new(
                "departure_point",
                "required",
                "Cần điểm xuất phát.",
                "The departure point is needed.",
            ));
        }
        let route = Some(crate::text::clean(&self.route)).filter(|r| !r.is_empty());
        match (means, departs_on) {
            (Some(means), Some(departs_on)) if errors.is_empty() => Ok(NewBatch {
                name,
                means,
                capacity: self.capacity,
                departs_on,
                departure_point,
                route,
            }),
            _ => Err(Invalid(errors)),
        }
    }
}

/// Crockford's base-32 alphabet: no I, L, O or U, so a code read aloud or
/// typed from a paper is not mistaken.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// The check symbols (mod 37) of Crockford's scheme.
const CHECK: &[u8; 37] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

/// A registration's code from 40 random bits: `V` then eight base-32 symbols
/// and a check symbol (one mistyped or two swapped symbols are caught).
pub fn code_from(bits: u64) -> String {
    let n = bits & ((1 << 40) - 1);
    let mut s = String::with_capacity(10);
    s.push('V');
    for i in (0..8).rev() {
        s.push(ALPHABET[((n >> (5 * i)) & 31) as usize] as char);
    }
    s.push(CHECK[(n % 37) as usize] as char);
    s
}

/// A typed or scanned code, normalised (upper case, spaces and dashes
/// dropped, O read as 0 and I or L as 1) if it is well formed and its check
/// symbol agrees; `None` otherwise.
pub fn normalise_code(typed: &str) -> Option<String> {
    let mut s: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_uppercase();
    // Codes are ASCII: anything else is not one (and is never sliced).
    if !s.is_ascii() || !s.starts_with('V') || s.len() != 10 {
        return None;
    }
    s.remove(0);
    let body: String = s[..8]
        .chars()
        .map(|c| match c {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    let mut n: u64 = 0;
    for c in body.bytes() {
        let v = ALPHABET.iter().position(|a| *a == c)? as u64;
        n = (n << 5) | v;
    }
    let check = s.as_bytes()[8];
    (CHECK[(n % 37) as usize] == check).then(|| format!("V{body}{}", check as char))
}

/// One entry of a province's list of epidemic areas: a unit (province,
/// district or commune, anywhere in the country) judged an epidemic area from
/// a day, until a day or until further notice, by a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EpidemicArea {
    pub id: i64,
    /// The province keeping the list.
    pub province_code: String,
    pub unit_code: String,
    pub unit_name: String,
    pub from_on: NaiveDate,
    pub until_on: Option<NaiveDate>,
    /// The decision or notice, e.g. `3567/UBND-VX`.
    pub decision: String,
}

/// The entry that makes someone leaving `origin` on `departure` come from an
/// epidemic area: an entry for the origin or any unit above it, in force that
/// day. `lineage`: the origin's code and those above it.
pub fn epidemic_area_of<'a>(
    areas: &'a [EpidemicArea],
    lineage: &[&str],
    departure: NaiveDate,
) -> Option<&'a EpidemicArea> {
    areas
        .iter()
        .filter(|a| {
            lineage.contains(&a.unit_code.as_str())
                && a.from_on <= departure
                && a.until_on.is_none_or(|u| departure <= u)
        })
        .min_by_key(|a| (a.from_on, a.id))
}

/// What an arrival must do.
// Built once per registration and read at once: boxing the order would buy
// nothing but an indirection.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Obligation {
    /// Not from an epidemic area: a health declaration, nothing more.
    None,
    /// From an epidemic area: the quarantine order the rules give, with its
    /// dates counted from the arrival.
    Order {
        area: EpidemicArea,
        rule: QuarantineRule,
        plan: Plan,
    },
}

impl Obligation {
    /// In words, for the checkpoint and the commune.
    pub fn describe(&self) -> (String, String) {
        match self {
            Obligation::None => (
                "Không từ vùng dịch: khai báo y tế, thực hiện 5K.".into(),
                "Not from an epidemic area: a health declaration and the 5K.".into(),
            ),
            Obligation::Order { rule, plan, .. } => {
                let (kv, ke) = rule.kind.label();
                let days = |d: &[NaiveDate]| {
                    d.iter()
                        .map(|d| d.format("%d/%m").to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let tests = days(&plan.test_days);
                let (until_v, until_e) = if rule.days > 0 {
                    (
                        format!(
                            " {} ngày, đến hết {}",
                            rule.days,
                            plan.planned_end.format("%d/%m/%Y")
                        ),
                        format!(
                            " for {} days, to {}",
                            rule.days,
                            plan.planned_end.format("%d/%m/%Y")
                        ),
                    )
                } else {
                    (
                        format!(" đến hết {}", plan.monitoring_end.format("%d/%m/%Y")),
                        format!(" to {}", plan.monitoring_end.format("%d/%m/%Y")),
                    )
                };
                let (tv, te) = if tests.is_empty() {
                    (String::new(), String::new())
                } else {
                    (
                        format!("; xét nghiệm ngày {tests}"),
                        format!("; tests on {tests}"),
                    )
                };
                (
                    format!("{kv}{until_v}{tv} ({}).", rule.source),
                    format!("{ke}{until_e}{te} ({}).", rule.source),
                )
            }
        }
    }
}

/// The obligation of someone arriving on `arrival` in `province`, from an
/// epidemic area (`area`) or not, protected or not (`c`). An arrival from an
/// epidemic area with no rule in force is an error, never "nothing to do".
pub fn obligation(
    rules: &[QuarantineRule],
    area: Option<&EpidemicArea>,
    arrival: NaiveDate,
    province: &str,
    c: &Circumstances,
) -> Result<Obligation, FieldError> {
    let Some(area) = area else {
        return Ok(Obligation::None);
    };
    let rule = rule_in_force(rules, Situation::FromEpidemicArea, arrival, province, c)
        .ok_or_else(|| {
            FieldError::new(
                "arrival_on",
                "no_rule",
                "Không có quy định cách ly nào cho người về từ vùng dịch có hiệu lực vào ngày đến.",
                "No quarantine rule for arrivals from epidemic areas is in force on the arrival day.",
            )
        })?;
    Ok(Obligation::Order {
        area: area.clone(),
        rule: rule.clone(),
        plan: plan(rule, arrival),
    })
}

/// Rules provinces set for arrivals from epidemic areas in the autumn of
/// 2021, seeded as the province's own versions (which it may revise).
///
/// - Quảng Ninh (22), from 18/10/2021 (12:00): the province's temporary
///   guidance on travel, testing and quarantine of people coming into the
///   province, as reported by *Gia đình & Xã hội* on 19/10/2021: from an area
///   at level 4 or under medical isolation, not fully vaccinated — home
///   quarantine 14 days from arrival, then self-monitoring 14 days, tests on
///   days 1, 7 and 14; fully vaccinated or recovered (with a certificate) —
///   self-monitoring at home 7 days, tests on days 1 and 7. **Not verified
///   against the guidance's own text** (its number was not found): "fully
///   vaccinated" is read as in Quảng Ninh's rule of 13/10/2021 (two doses, the
///   last at least 14 days and at most 12 months before), "recovered" as
///   within 180 days.
pub fn provincial_rules_2021() -> Vec<QuarantineRule> {
    use crate::quarantine::{Protection, QuarantineKind};
    let from = NaiveDate::from_ymd_opt(2021, 10, 18).expect("a date");
    let source = "UBND tỉnh Quảng Ninh, hướng dẫn tạm thời từ 12h 18/10/2021";
    vec![
        QuarantineRule {
            code: "qn-2021-10-18-area-protected".into(),
            situation: Situation::FromEpidemicArea,
            from,
            who: Some(Protection {
                protected: true,
                min_doses: 2,
                dose_after_days: 14,
                dose_before_days: Some(365),
                recovered_within_days: Some(180),
            }),
            kind: QuarantineKind::SelfMonitoring,
            days: 0,
            monitoring_days: 7,
            test_days: vec![1, 7],
            release_needs_negative_tests: true,
            source: source.into(),
            province_code: Some("22".into()),
        },
        QuarantineRule {
            code: "qn-2021-10-18-area".into(),
            situation: Situation::FromEpidemicArea,
            from,
            who: None,
            kind: QuarantineKind::Home,
            days: 14,
            monitoring_days: 14,
            test_days: vec![1, 7, 14],
            release_needs_negative_tests: true,
            source: source.into(),
            province_code: Some("22".into()),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_with_letters_outside_ascii_is_not_a_code() {
        assert_eq!(normalise_code("V0000000À0"), None);
        assert_eq!(normalise_code("VĐĐĐĐĐĐĐĐ0"), None);
    }

    #[test]
    fn a_batch_moves_forward_only_and_is_checked() {
        use BatchState::*;
        for (from, to, ok) in [
            (Planned, Departed, true),
            (Departed, Arrived, true),
            (Planned, Cancelled, true),
            (Departed, Cancelled, false),
            (Arrived, Departed, false),
            (Planned, Arrived, false),
            (Cancelled, Planned, false),
        ] {
            assert_eq!(from.can_become(to), ok, "{from:?} → {to:?}");
        }
        let good = BatchInput {
            name: "Đoàn xe số 3".into(),
            means: "convoy".into(),
            capacity: 45,
            departs_on: "20/10/2021".into(),
            departure_point: "Bến xe Miền Đông".into(),
            route: String::new(),
        };
        assert_eq!(good.parse().unwrap().capacity, 45);
        let bad = BatchInput {
            means: "own_vehicle".into(),
            capacity: 0,
            departure_point: " ".into(),
            ..good
        };
        let fields: Vec<String> = bad
            .parse()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["means", "capacity", "departure_point"]);
    }
    use crate::quarantine::{QuarantineKind, national_rules};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn input() -> RegistrationInput {
        RegistrationInput {
            person: PersonInput {
                full_name: "Trần Văn Về".into(),
                birth: "1990".into(),
                sex: "male".into(),
                // 022 (Quảng Ninh), 0 (male, 1900s), 90 (1990).
                national_id: "022090001234".into(),
                phone: "0912345678".into(),
                commune_code: "06649".into(),
                ..Default::default()
            },
            origin_code: "79".into(),
            departure_on: "20/10/2021".into(),
            arrival_on: "21/10/2021".into(),
            means: "convoy".into(),
            ..Default::default()
        }
    }

    fn fields(e: Invalid) -> Vec<(String, String)> {
        e.0.into_iter()
            .map(|e| (e.field, e.code.to_string()))
            .collect()
    }

    #[test]
    fn a_registration_reads_its_trip() {
        let r = input().parse(d(2021, 10, 19)).unwrap();
        assert_eq!(r.origin_code.as_str(), "79");
        assert_eq!(r.arrival_on, d(2021, 10, 21));
        assert_eq!(r.means, Means::Convoy);
        assert_eq!(r.prior_test, None);
    }

    #[test]
    fn bad_trips_are_refused_field_by_field() {
        let mut i = input();
        i.arrival_on = "19/10/2021".into();
        i.means = "boat".into();
        i.doses = 2;
        let got = fields(i.parse(d(2021, 10, 19)).unwrap_err());
        assert_eq!(
            got,
            [
                ("arrival_on".into(), "before_departure".into()),
                ("means".into(), "invalid_choice".into()),
                ("last_dose_on".into(), "required".into()),
            ]
        );
        let mut i = input();
        i.arrival_on = "30/10/2021".into();
        i.test_kind = "antigen".into();
        i.test_on = "31/10/2021".into();
        i.test_result = "maybe".into();
        i.origin_code = "HCM".into();
        let got = fields(i.parse(d(2021, 10, 19)).unwrap_err());
        assert_eq!(
            got,
            [
                ("origin_code".into(), "invalid".into()),
                ("arrival_on".into(), "trip_too_long".into()),
                ("test_on".into(), "after_arrival".into()),
                ("test_result".into(), "invalid_choice".into()),
            ]
        );
    }

    #[test]
    fn a_cccd_that_contradicts_the_birth_year_is_refused() {
        let mut i = input();
        i.person.birth = "1985".into();
        let got = fields(i.parse(d(2021, 10, 19)).unwrap_err());
        assert!(
            got.iter().any(|(f, _)| f == "national_id"),
            "the CCCD says 1990: {got:?}"
        );
    }

    #[test]
    fn codes_catch_a_mistyped_or_swapped_symbol() {
        for bits in [0u64, 1, 31, 32, 0xFF_FFFF_FFFF, 0x12_3456_789A, 987_654_321] {
            let c = code_from(bits);
            assert_eq!(c.len(), 10, "{c}");
            assert_eq!(normalise_code(&c).as_deref(), Some(c.as_str()));
            assert_eq!(
                normalise_code(&format!(" {}-{} ", &c[..5], &c[5..]).to_lowercase()).as_deref(),
                Some(c.as_str())
            );
            // Every single-symbol change of the body is caught, and every
            // swap of two neighbours that differ (brute force).
            let body: Vec<u8> = c.as_bytes().to_vec();
            for i in 1..9 {
                for a in ALPHABET {
                    if *a == body[i] {
                        continue;
                    }
                    let mut m = body.clone();
                    m[i] = *a;
                    let m = String::from_utf8(m).unwrap();
                    assert_eq!(normalise_code(&m), None, "{c} → {m}");
                }
                if i < 8 && body[i] != body[i + 1] {
                    let mut m = body.clone();
                    m.swap(i, i + 1);
                    let m = String::from_utf8(m).unwrap();
                    assert_eq!(normalise_code(&m), None, "{c} swapped → {m}");
                }
            }
        }
        // O, I and L read as the digits they look like.
        let c = code_from(0);
        assert_eq!(c, "V000000000");
        assert_eq!(normalise_code("VOOOOOOOO0").as_deref(), Some("V000000000"));
        assert_eq!(normalise_code("X000000000"), None);
        assert_eq!(normalise_code("V00000000"), None);
    }

    fn area(id: i64, unit: &str, from: NaiveDate, until: Option<NaiveDate>) -> EpidemicArea {
        EpidemicArea {
            id,
            province_code: "22".into(),
            unit_code: unit.into(),
            unit_name: unit.into(),
            from_on: from,
            until_on: until,
            decision: "test".into(),
        }
    }

    #[test]
    fn an_area_is_judged_on_the_departure_day_at_any_level_above_the_origin() {
        let areas = [
            area(1, "79", d(2021, 7, 9), Some(d(2021, 10, 31))),
            area(2, "26734", d(2021, 11, 5), None),
        ];
        // A commune of HCMC (79 → 760 → 26734) in October: the province's entry.
        let lineage = ["26734", "760", "79"];
        assert_eq!(
            epidemic_area_of(&areas, &lineage, d(2021, 10, 20)).map(|a| a.id),
            Some(1)
        );
        // The last day counts; the day after, only the commune's own entry.
        assert_eq!(
            epidemic_area_of(&areas, &lineage, d(2021, 10, 31)).map(|a| a.id),
            Some(1)
        );
        assert_eq!(epidemic_area_of(&areas, &lineage, d(2021, 11, 1)), None);
        assert_eq!(
            epidemic_area_of(&areas, &lineage, d(2021, 11, 5)).map(|a| a.id),
            Some(2)
        );
        // Another district of HCMC after October: not an area.
        assert_eq!(
            epidemic_area_of(&areas, &["26740", "760", "79"], d(2021, 11, 5)),
            None
        );
    }

    #[test]
    fn quang_ninh_18_10_2021_quarantines_the_unvaccinated_14_days_and_monitors_the_vaccinated_7() {
        // Hand-drawn from the guidance as reported (see provincial_rules_2021).
        let mut rules = national_rules();
        rules.extend(provincial_rules_2021());
        let hcmc = area(1, "79", d(2021, 7, 9), None);
        let arrival = d(2021, 10, 21);
        let none = Circumstances::default();
        let Obligation::Order { rule, plan, .. } =
            obligation(&rules, Some(&hcmc), arrival, "22", &none).unwrap()
        else {
            panic!("an order");
        };
        assert_eq!(rule.code, "qn-2021-10-18-area");
        assert_eq!(rule.kind, QuarantineKind::Home);
        assert_eq!(plan.planned_end, d(2021, 11, 3));
        assert_eq!(plan.monitoring_end, d(2021, 11, 17));
        assert_eq!(
            plan.test_days,
            [d(2021, 10, 21), d(2021, 10, 27), d(2021, 11, 3)]
        );
        let vaccinated = Circumstances {
            doses: 2,
            last_dose_on: Some(d(2021, 9, 1)),
            recovered_on: None,
        };
        let Obligation::Order { rule, plan, .. } =
            obligation(&rules, Some(&hcmc), arrival, "22", &vaccinated).unwrap()
        else {
            panic!("an order");
        };
        assert_eq!(rule.kind, QuarantineKind::SelfMonitoring);
        assert_eq!(plan.monitoring_end, d(2021, 10, 27));
        assert_eq!(plan.test_days, [d(2021, 10, 21), d(2021, 10, 27)]);
        // A second dose 10 days before arrival does not protect yet.
        let recent = Circumstances {
            last_dose_on: Some(d(2021, 10, 11)),
            ..vaccinated.clone()
        };
        let Obligation::Order { rule, .. } =
            obligation(&rules, Some(&hcmc), arrival, "22", &recent).unwrap()
        else {
            panic!("an order");
        };
        assert_eq!(rule.code, "qn-2021-10-18-area");
        // Before 18/10 the Ministry's August guidance applies; in another
        // province too.
        let Obligation::Order { rule, .. } =
            obligation(&rules, Some(&hcmc), d(2021, 10, 17), "22", &none).unwrap()
        else {
            panic!("an order");
        };
        assert_eq!(rule.code, "moh-2021-08-area");
        let Obligation::Order { rule, .. } =
            obligation(&rules, Some(&hcmc), arrival, "01", &none).unwrap()
        else {
            panic!("an order");
        };
        assert_eq!(rule.code, "moh-2021-08-area");
        // Not from an area: nothing to order.
        assert_eq!(
            obligation(&rules, None, arrival, "22", &none).unwrap(),
            Obligation::None
        );
        // From an area before any rule: an error, not "nothing".
        let err = obligation(&rules, Some(&hcmc), d(2021, 7, 20), "22", &none).unwrap_err();
        assert_eq!(err.code, "no_rule");
    }
}
