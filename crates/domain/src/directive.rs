//! Distancing directives (*giãn cách xã hội*) in force per area, and travel
//! permits (*giấy đi đường*) under Directive 16.
//!
//! The rule table says what each directive means, with its document; the
//! values are those of `docs/domain-rules.md` §7 (gatherings, distance,
//! businesses) — where the directive's own text says more (its lists of
//! essential services, its exceptions), the committees' decisions applying it
//! are the reference, and a province adds its own measures to an area's
//! application as text. A directive is applied to a unit (province, district,
//! commune, hamlet) for a period by a decision; the most local application in
//! force on a day is the one that applies there (a district under Directive
//! 16 inside a province under 19 lives by 16).

use crate::contact::parse_date;
use crate::error::{FieldError, Invalid};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Kinds of business a directive opens or closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Business {
    /// Food markets, supermarkets, pharmacies, fuel, banks, medical care.
    Essential,
    /// Restaurants, shops and services that are not essential.
    Other,
    /// Bars, karaoke, massage and spas.
    BarsKaraokeSpas,
}

impl Business {
    pub const ALL: [Business; 3] = [
        Business::Essential,
        Business::Other,
        Business::BarsKaraokeSpas,
    ];

    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Business::Essential => (
                "Hàng hóa, dịch vụ thiết yếu (chợ, siêu thị, nhà thuốc, xăng dầu, ngân hàng, khám chữa bệnh)",
                "Essential goods and services (food markets, supermarkets, pharmacies, fuel, banks, medical care)",
            ),
            Business::Other => (
                "Nhà hàng, cửa hàng, dịch vụ không thiết yếu",
                "Restaurants, shops and services that are not essential",
            ),
            Business::BarsKaraokeSpas => (
                "Quán bar, karaoke, massage, spa",
                "Bars, karaoke, massage and spas",
            ),
        }
    }
}

/// What a directive means.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DirectiveRule {
    /// `15`, `16` or `19`.
    pub code: &'static str,
    /// The document and its date.
    pub document: &'static str,
    pub title_vi: &'static str,
    pub title_en: &'static str,
    /// People stay home but for essentials.
    pub stay_home: bool,
    /// Gatherings, as the rule table words them.
    pub gatherings_vi: &'static str,
    pub gatherings_en: &'static str,
    /// Distance kept between people, in metres.
    pub distance_m: u32,
    /// Businesses that may open.
    pub open: &'static [Business],
    /// Travel within the area needs a permit (giấy đi đường), as provinces
    /// under Directive 16 required it in 2021.
    pub permits: bool,
}

/// The rule table: Directives 15, 16 and 19 of the Prime Minister (2020),
/// reapplied per area in 2021 (`docs/domain-rules.md` §7).
pub const RULES: [DirectiveRule; 3] = [
    DirectiveRule {
        code: "15",
        document: "Chỉ thị 15/CT-TTg, 27/3/2020",
        title_vi: "Chỉ thị 15: giãn cách xã hội mức cao",
        title_en: "Directive 15: heightened distancing",
        stay_home: false,
        gatherings_vi: "Không tập trung quá 20 người trong một phòng; không tụ tập từ 10 người trở lên ngoài nơi công cộng",
        gatherings_en: "No events of more than 20 people in a room; no groups of 10 or more outside",
        distance_m: 2,
        open: &[Business::Essential],
        permits: false,
    },
    DirectiveRule {
        code: "16",
        document: "Chỉ thị 16/CT-TTg, 31/3/2020",
        title_vi: "Chỉ thị 16: cách ly toàn xã hội",
        title_en: "Directive 16: social isolation",
        stay_home: true,
        gatherings_vi: "Ở nhà, chỉ ra ngoài khi thật cần thiết; không tụ tập quá 2 người nơi công cộng",
        gatherings_en: "Stay home but for essentials; no groups of more than 2 in public",
        distance_m: 2,
        open: &[Business::Essential],
        permits: true,
    },
    DirectiveRule {
        code: "19",
        document: "Chỉ thị 19/CT-TTg, 24/4/2020",
        title_vi: "Chỉ thị 19: phòng, chống dịch trong tình hình mới",
        title_en: "Directive 19: prevention in the new situation",
        stay_home: false,
        gatherings_vi: "Không tụ tập đông người",
        gatherings_en: "No crowding",
        distance_m: 1,
        open: &[Business::Essential, Business::Other],
        permits: false,
    },
];

/// The rule of a directive by its code.
pub fn rule(code: &str) -> Option<&'static DirectiveRule> {
    RULES.iter().find(|r| r.code == code.trim())
}

/// A directive applied to an area, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DirectiveInput {
    /// `15`, `16` or `19`.
    pub directive: String,
    /// The unit it applies to (province, district, commune or hamlet).
    pub unit_code: String,
    /// From (dd/mm/yyyy or yyyy-mm-dd).
    pub from_on: String,
    /// Until, included, as decided (an end may come earlier).
    pub until_on: String,
    /// The decision applying it, e.g. `2686/QĐ-UBND`.
    pub decision: String,
    pub issued_by: String,
    /// The province's own measures on top of the directive, in words.
    pub own_measures: String,
}

/// A checked application; the unit as typed (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDirective {
    pub directive: &'static str,
    pub unit_code: String,
    pub from_on: NaiveDate,
    pub until_on: NaiveDate,
    pub decision: String,
    pub issued_by: String,
    pub own_measures: Option<String>,
}

fn text(
    field: &str,
    v: &str,
    required: Option<(&str, &str)>,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let v = crate::text::clean(v);
    if v.is_empty() {
        if let Some((vi, en)) = required {
            errors.push(FieldError::new(field, "required", vi, en));
        }
        return None;
    }
    if v.chars().count() > 2000 {
        errors.push(FieldError::new(
            field,
            "too_long",
            "Tối đa 2.000 ký tự.",
            "At most 2,000 characters.",
        ));
    }
    Some(v)
}

/// "The end is before the start (dd/mm/yyyy)".
fn before_start(field: &str, start: NaiveDate) -> FieldError {
    FieldError::new(
        field,
        "before_start",
        format!(
            "Ngày kết thúc trước ngày bắt đầu ({}).",
            start.format("%d/%m/%Y")
        ),
        format!(
            "The end is before the start ({}).",
            start.format("%d/%m/%Y")
        ),
    )
}

impl DirectiveInput {
    pub fn parse(&self) -> Result<NewDirective, Invalid> {
        let mut errors = Vec::new();
        let directive = rule(&self.directive).map(|r| r.code);
        if directive.is_none() {
            errors.push(FieldError::new(
                "directive",
                "invalid_choice",
                "Chọn Chỉ thị 15, 16 hoặc 19.",
                "Choose Directive 15, 16 or 19.",
            ));
        }
        let unit_code = self.unit_code.trim().to_owned();
        if unit_code.is_empty() {
            errors.push(FieldError::new(
                "unit_code",
                "required",
                "Chọn địa bàn áp dụng.",
                "Choose the area it applies to.",
            ));
        }
        let from = parse_date("from_on", &self.from_on)
            .map_err(|e| errors.push(e))
            .ok();
        let until = parse_date("until_on", &self.until_on)
            .map_err(|e| errors.push(e))
            .ok();
        if let (Some(f), Some(u)) = (from, until)
            && u < f
        {
            errors.push(before_start("until_on", f));
        }
        let decision = text(
            "decision",
            &self.decision,
            Some((
                "Cần số quyết định áp dụng.",
                "The decision's number is needed.",
            )),
            &mut errors,
        );
        let issued_by = text(
            "issued_by",
            &self.issued_by,
            Some((
                "Cần cơ quan ban hành.",
                "The body that issued it is needed.",
            )),
            &mut errors,
        );
        let own_measures = text("own_measures", &self.own_measures, None, &mut errors);
        match (directive, from, until, decision, issued_by) {
            (Some(directive), Some(from_on), Some(until_on), Some(decision), Some(issued_by))
                if errors.is_empty() =>
            {
                Ok(NewDirective {
                    directive,
                    unit_code,
                    from_on,
                    until_on,
                    decision,
                    issued_by,
                    own_measures,
                })
            }
            _ => Err(Invalid(errors)),
        }
    }
}

/// An application ended before its planned day, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DirectiveEndInput {
    /// The first day it no longer applies (dd/mm/yyyy); today or a day gone by.
    pub on: String,
    pub decision: String,
}

/// Whether `end` (the first day free) fits an application from `from_on`
/// until `until_on`, ended on `ended_on` (if it was), on `today`: an end on
/// its first day cancels it (even before it starts); a later one falls on
/// or before its planned end, and today at the latest.
pub fn check_end(
    end: NaiveDate,
    from_on: NaiveDate,
    until_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), FieldError> {
    if let Some(e) = ended_on {
        return Err(FieldError::new(
            "on",
            "ended",
            format!("Đã thôi áp dụng từ ngày {}.", e.format("%d/%m/%Y")),
            format!("It ended on {}.", e.format("%d/%m/%Y")),
        ));
    }
    // Ended on its first day: cancelled (a decision that never took
    // effect, or a mistake), whenever that day is.
    if end == from_on {
        return Ok(());
    }
    if end < from_on {
        return Err(before_start("on", from_on));
    }
    if end > until_on {
        return Err(FieldError::new(
            "on",
            "after_end",
            format!(
                "Sau ngày kết thúc đã định ({}): không cần quyết định kết thúc sớm.",
                until_on.format("%d/%m/%Y")
            ),
            format!(
                "After its planned end ({}): nothing to end early.",
                until_on.format("%d/%m/%Y")
            ),
        ));
    }
    if end > today {
        return Err(FieldError::new(
            "on",
            "future",
            "Chỉ kết thúc từ hôm nay hoặc một ngày đã qua.",
            "It ends from today or a day gone by.",
        ));
    }
    Ok(())
}

/// The last day an application holds: the day before it was ended, else its planned end.
pub fn last_day(until_on: NaiveDate, ended_on: Option<NaiveDate>) -> NaiveDate {
    match ended_on {
        Some(e) => e.pred_opt().unwrap_or(e).min(until_on),
        None => until_on,
    }
}

/// A travel permit as typed (form, API): a person (and their vehicle, if
/// any), a purpose, a route within the province, a period.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PermitInput {
    /// The person it is issued to (chosen by name on the page).
    pub person_id: Option<i64>,
    /// A vehicle's number plate, when it covers one.
    pub plate: String,
    /// `work` (an essential business or public duty), `medical`, `supply`
    /// (food and goods), `other`.
    pub purpose: String,
    /// The purpose in words (the workplace, the hospital…).
    pub purpose_detail: String,
    /// Where from and where to: units (communes or districts) of the province.
    pub from_unit: String,
    pub to_unit: String,
    /// The way taken, in words.
    pub route: String,
    pub valid_from: String,
    /// Included; at most 31 days after `valid_from`.
    pub valid_until: String,
}

/// Purposes a permit is issued for.
pub const PURPOSES: [(&str, &str, &str); 4] = [
    (
        "work",
        "Đi làm (cơ sở thiết yếu, công vụ)",
        "Work (essential business, public duty)",
    ),
    ("medical", "Khám, chữa bệnh", "Medical care"),
    (
        "supply",
        "Cung ứng lương thực, hàng hóa",
        "Supplying food and goods",
    ),
    ("other", "Việc cần thiết khác", "Other essential errand"),
];

/// At most this many days a permit.
pub const MAX_PERMIT_DAYS: u64 = 31;

/// A checked permit; the units as typed (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPermit {
    pub person_id: i64,
    pub plate: Option<String>,
    pub purpose: &'static str,
    pub purpose_detail: String,
    pub from_unit: String,
    pub to_unit: String,
    pub route: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

impl PermitInput {
    /// Every field but the person and the units (the store resolves them).
    pub fn parse(&self, today: NaiveDate) -> Result<NewPermit, Invalid> {
        let mut errors = Vec::new();
        if self.person_id.is_none() {
            errors.push(FieldError::new(
                "person_id",
                "required",
                "Chọn người được cấp giấy.",
                "Choose the person the permit is for.",
            ));
        }
        let plate = text("plate", &self.plate, None, &mut errors).map(|p| p.to_uppercase());
        if plate.as_ref().is_some_and(|p| {
            p.chars().count() > 12
                || !p
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ' '))
        }) {
            errors.push(FieldError::new(
                "plate",
                "invalid",
                "Biển số chỉ gồm chữ, số, dấu chấm, gạch (tối đa 12 ký tự), ví dụ 14A-123.45.",
                "A plate is letters, digits, dots and dashes (at most 12), e.g. 14A-123.45.",
            ));
        }
        let purpose = PURPOSES
            .iter()
            .find(|p| p.0 == self.purpose.trim())
            .map(|p| p.0);
        if purpose.is_none() {
            errors.push(FieldError::new(
                "purpose",
                "invalid_choice",
                "Chọn mục đích đi lại.",
                "Choose the purpose of travel.",
            ));
        }
        let purpose_detail = text(
            "purpose_detail",
            &self.purpose_detail,
            Some((
                "Ghi rõ mục đích (nơi làm việc, cơ sở y tế…).",
                "Say the purpose (the workplace, the hospital…).",
            )),
            &mut errors,
        );
        for (field, v) in [("from_unit", &self.from_unit), ("to_unit", &self.to_unit)] {
            if v.trim().is_empty() {
                errors.push(FieldError::new(
                    field,
                    "required",
                    "Chọn nơi đi và nơi đến.",
                    "Choose where from and where to.",
                ));
            }
        }
        let route = text("route", &self.route, None, &mut errors);
        let from = parse_date("valid_from", &self.valid_from)
            .map_err(|e| errors.push(e))
            .ok();
        let until = parse_date("valid_until", &self.valid_until)
            .map_err(|e| errors.push(e))
            .ok();
        if let (Some(f), Some(u)) = (from, until) {
            if u < f {
                errors.push(before_start("valid_until", f));
            } else if u > f + chrono::Days::new(MAX_PERMIT_DAYS - 1) {
                errors.push(FieldError::new(
                    "valid_until",
                    "too_long",
                    format!("Giấy đi đường có hạn tối đa {MAX_PERMIT_DAYS} ngày."),
                    format!("A permit is valid for {MAX_PERMIT_DAYS} days at most."),
                ));
            }
        }
        if until.is_some_and(|u| u < today) {
            errors.push(FieldError::new(
                "valid_until",
                "past",
                "Giấy đã hết hạn trước khi cấp.",
                "The permit would have expired before it is issued.",
            ));
        }
        match (self.person_id, purpose, purpose_detail, from, until) {
            (
                Some(person_id),
                Some(purpose),
                Some(purpose_detail),
                Some(valid_from),
                Some(valid_until),
            ) if errors.is_empty() => Ok(NewPermit {
                person_id,
                plate,
                purpose,
                purpose_detail,
                from_unit: self.from_unit.trim().to_owned(),
                to_unit: self.to_unit.trim().to_owned(),
                route,
                valid_from,
                valid_until,
            }),
            _ => Err(Invalid(errors)),
        }
    }
}

/// What a check of a permit finds on `day`: `valid`, `revoked`,
/// `expired` or `not_yet`.
pub fn permit_state(
    valid_from: NaiveDate,
    valid_until: NaiveDate,
    revoked: bool,
    day: NaiveDate,
) -> &'static str {
    if revoked {
        "revoked"
    } else if day < valid_from {
        "not_yet"
    } else if day > valid_until {
        "expired"
    } else {
        "valid"
    }
}

/// Whether a scanned code is a permit's (`GDD-` and eight letters or digits).
pub fn is_permit_code(code: &str) -> bool {
    let c = code.trim().to_uppercase();
    c.strip_prefix("GDD-")
        .is_some_and(|r| r.len() == 8 && r.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A permit's code from random bits: `GDD-` and eight symbols of
/// Crockford's base 32 (no I, L, O, U to misread).
pub fn permit_code(bits: u64) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut s = String::from("GDD-");
    for i in (0..8).rev() {
        s.push(ALPHABET[((bits >> (5 * i)) & 31) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%d/%m/%Y").unwrap()
    }

    #[test]
    fn the_rule_table_follows_the_directives() {
        // domain-rules §7: 15 and 16 keep 2 m and open essentials only; 19 keeps
        // 1 m and reopens most business, not bars, karaoke and spas.
        let r15 = rule("15").unwrap();
        assert_eq!(
            (r15.distance_m, r15.open, r15.stay_home),
            (2, &[Business::Essential][..], false)
        );
        let r16 = rule(" 16 ").unwrap();
        assert!(r16.stay_home && r16.permits);
        assert_eq!(r16.distance_m, 2);
        let r19 = rule("19").unwrap();
        assert_eq!(r19.distance_m, 1);
        assert!(
            r19.open.contains(&Business::Other) && !r19.open.contains(&Business::BarsKaraokeSpas)
        );
        assert!(rule("17").is_none());
        for r in RULES {
            assert!(
                !r.open.contains(&Business::BarsKaraokeSpas),
                "{} keeps bars closed",
                r.code
            );
            assert!(r.document.contains(&format!("{}/CT-TTg", r.code)));
        }
    }

    #[test]
    fn an_application_checks_its_fields_and_its_end() {
        let ok = DirectiveInput {
            directive: "16".into(),
            unit_code: "01".into(),
            from_on: "24/07/2021".into(),
            until_on: "06/08/2021".into(),
            decision: "17/CT-UBND".into(),
            issued_by: "UBND TP Hà Nội".into(),
            own_measures: String::new(),
        };
        let n = ok.parse().unwrap();
        assert_eq!(n.directive, "16");
        assert_eq!(n.own_measures, None);
        let e = DirectiveInput {
            directive: "17".into(),
            until_on: "01/07/2021".into(),
            ..ok.clone()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["directive", "until_on"]);
        let (from, until) = (d("24/07/2021"), d("06/08/2021"));
        assert!(check_end(d("01/08/2021"), from, until, None, d("02/08/2021")).is_ok());
        // Ended on its first day: cancelled, even before it starts.
        assert!(check_end(from, from, until, None, d("02/08/2021")).is_ok());
        assert!(check_end(from, from, until, None, d("01/07/2021")).is_ok());
        assert_eq!(
            check_end(d("23/07/2021"), from, until, None, d("02/08/2021"))
                .unwrap_err()
                .code,
            "before_start"
        );
        assert_eq!(
            check_end(d("07/08/2021"), from, until, None, d("10/08/2021"))
                .unwrap_err()
                .code,
            "after_end"
        );
        assert_eq!(
            check_end(d("03/08/2021"), from, until, None, d("02/08/2021"))
                .unwrap_err()
                .code,
            "future"
        );
        assert_eq!(
            check_end(
                d("01/08/2021"),
                from,
                until,
                Some(d("31/07/2021")),
                d("02/08/2021")
            )
            .unwrap_err()
            .code,
            "ended"
        );
        assert_eq!(last_day(until, Some(d("01/08/2021"))), d("31/07/2021"));
        assert_eq!(last_day(until, None), until);
    }

    #[test]
    fn a_permit_is_for_a_person_a_purpose_and_at_most_a_month() {
        let p = PermitInput {
            person_id: Some(7),
            plate: "29a-123.45".into(),
            purpose: "work".into(),
            purpose_detail: "Siêu thị BigC Thăng Long".into(),
            from_unit: "00001".into(),
            to_unit: "00004".into(),
            valid_from: "10/08/2021".into(),
            valid_until: "09/09/2021".into(),
            ..Default::default()
        };
        let n = p.parse(d("10/08/2021")).unwrap();
        assert_eq!(n.plate.as_deref(), Some("29A-123.45"));
        let e = PermitInput {
            valid_until: "10/09/2021".into(),
            plate: "29A 123 45 67 89".into(),
            purpose: "holiday".into(),
            ..p.clone()
        }
        .parse(d("10/08/2021"))
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["plate", "purpose", "valid_until"]);
        assert_eq!(
            permit_state(d("10/08/2021"), d("20/08/2021"), false, d("09/08/2021")),
            "not_yet"
        );
        assert_eq!(
            permit_state(d("10/08/2021"), d("20/08/2021"), false, d("20/08/2021")),
            "valid"
        );
        assert_eq!(
            permit_state(d("10/08/2021"), d("20/08/2021"), false, d("21/08/2021")),
            "expired"
        );
        assert_eq!(
            permit_state(d("10/08/2021"), d("20/08/2021"), true, d("15/08/2021")),
            "revoked"
        );
        assert!(is_permit_code(" gdd-ab12cd34 "));
        assert!(!is_permit_code("GDD-AB12") && !is_permit_code("RT-AB12CD34"));
        for bits in [0, u64::MAX, 0x1234_5678_9abc] {
            assert!(is_permit_code(&permit_code(bits)), "{}", permit_code(bits));
        }
        assert_eq!(permit_code(0), "GDD-00000000");
    }
}
