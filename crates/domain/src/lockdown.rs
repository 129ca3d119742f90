//! Lockdown areas (*phong tỏa*, *khoanh vùng*) as typed and their checked
//! form: a whole unit (province, district, commune, hamlet) or a place drawn
//! under a commune — a named place (a street segment, a building, a market)
//! and/or a list of addresses. Whether the unit exists, lies in the writer's
//! jurisdiction and is a commune or hamlet for a drawn place, whether it
//! overlaps another lockdown of the same area, and which cases and cluster
//! it names, the store checks.
//!
//! The dates follow the committees' decisions (*Quyết định phong tỏa tạm
//! thời*): a start, a planned end that an extension moves, and a lifting
//! (*gỡ phong tỏa*) that ends it — each with its decision; none of them
//! deletes what came before.

use crate::contact::parse_date;
use crate::error::{FieldError, Invalid};
use chrono::NaiveDate;
use serde::Deserialize;

/// At most this many addresses in one drawn area.
pub const MAX_ADDRESSES: usize = 200;

/// A lockdown as typed (form, API).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LockdownInput {
    /// The unit locked down (province, district, commune or hamlet), or —
    /// with `place` or `addresses` — the commune or hamlet the drawn place lies in.
    pub unit_code: String,
    /// A named place under the commune: a street segment, a building, a market.
    pub place: String,
    /// Addresses inside the drawn area, one a line (as people's addresses are written).
    pub addresses: String,
    /// Why: what the committee's decision says.
    pub reason: String,
    /// The cluster that caused it, if any.
    pub cluster_id: Option<i64>,
    /// The F0 that caused it: their case codes, separated by commas, spaces or lines.
    pub case_codes: String,
    /// The decision's number, e.g. `123/QĐ-UBND`.
    pub decision: String,
    /// The body that issued it, e.g. `UBND phường Bạch Đằng`.
    pub issued_by: String,
    /// From (dd/mm/yyyy or yyyy-mm-dd).
    pub from_on: String,
    /// Planned end, included.
    pub planned_until: String,
}

/// A lockdown whose fields were checked; `unit_code` is as typed (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLockdown {
    pub unit_code: String,
    pub place: Option<String>,
    pub addresses: Vec<String>,
    pub reason: String,
    pub cluster_id: Option<i64>,
    pub case_codes: Vec<String>,
    pub decision: String,
    pub issued_by: String,
    pub from_on: NaiveDate,
    pub planned_until: NaiveDate,
}

impl NewLockdown {
    /// A place drawn under a commune, not a whole unit.
    pub fn is_drawn(&self) -> bool {
        self.place.is_some() || !self.addresses.is_empty()
    }

    /// What a person's street address is matched against when the area is
    /// drawn: the addresses, or the place's name when none are listed.
    pub fn match_terms(&self) -> Vec<String> {
        match_terms(self.place.as_deref(), &self.addresses)
    }
}

/// The folded terms a drawn area matches addresses by (see
/// [`address_matches`]): its addresses, else its place's name.
pub fn match_terms(place: Option<&str>, addresses: &[String]) -> Vec<String> {
    let terms: Vec<String> = if addresses.is_empty() {
        place.into_iter().map(crate::text::fold).collect()
    } else {
        addresses.iter().map(|a| crate::text::fold(a)).collect()
    };
    terms.into_iter().filter(|t| !t.is_empty()).collect()
}

/// Whether a street address lies in a drawn area: its folded form (no
/// diacritics, lower case, spaces collapsed) contains one of the area's
/// terms as whole words — "so 5 le loi" is inside "so 5 le loi, to 3", not
/// inside "so 15 le loi".
pub fn address_matches(street: &str, terms: &[String]) -> bool {
    let street = crate::text::fold(street);
    let words: Vec<&str> = street
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    terms.iter().any(|t| {
        let want: Vec<&str> = t
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        !want.is_empty() && words.windows(want.len()).any(|w| w == want.as_slice())
    })
}

fn required(field: &str, vi: &str, en: &str, value: &str, errors: &mut Vec<FieldError>) -> String {
    let v = crate::text::clean(value);
    if v.is_empty() {
        errors.push(FieldError::new(field, "required", vi, en));
    } else if v.chars().count() > 500 {
        errors.push(FieldError::new(
            field,
            "too_long",
            "Tối đa 500 ký tự.",
            "At most 500 characters.",
        ));
    }
    v
}

impl LockdownInput {
    /// Check every field but the unit, the cluster and the cases, collecting every fault.
    pub fn parse(&self) -> Result<NewLockdown, Invalid> {
        let mut errors = Vec::new();
        let unit_code = self.unit_code.trim().to_owned();
        if unit_code.is_empty() {
            errors.push(FieldError::new(
                "unit_code",
                "required",
                "Chọn đơn vị bị phong tỏa (hoặc xã/thôn có nơi phong tỏa).",
                "Choose the unit locked down (or the commune/hamlet the place lies in).",
            ));
        }
        let place = Some(crate::text::clean(&self.place)).filter(|p| !p.is_empty());
        if place.as_ref().is_some_and(|p| p.chars().count() > 200) {
            errors.push(FieldError::new(
                "place",
                "too_long",
                "Tên nơi phong tỏa tối đa 200 ký tự.",
                "The place's name is at most 200 characters.",
            ));
        }
        let mut addresses: Vec<String> = Vec::new();
        for line in self.addresses.lines() {
            let a = crate::text::clean(line);
            if a.is_empty() {
                continue;
            }
            if a.chars().count() > 200 {
                errors.push(FieldError::new(
                    "addresses",
                    "too_long",
                    format!(
                        "Địa chỉ «{}…» quá 200 ký tự.",
                        a.chars().take(30).collect::<String>()
                    ),
                    format!(
                        "The address “{}…” is over 200 characters.",
                        a.chars().take(30).collect::<String>()
                    ),
                ));
                continue;
            }
            if match_terms(None, std::slice::from_ref(&a)).is_empty() {
                errors.push(FieldError::new(
                    "addresses",
                    "invalid",
                    format!("«{a}» không phải là một địa chỉ."),
                    format!("“{a}” is not an address."),
                ));
                continue;
            }
            if !addresses
                .iter()
                .any(|b| crate::text::fold(b) == crate::text::fold(&a))
            {
                addresses.push(a);
            }
        }
        if addresses.len() > MAX_ADDRESSES {
            errors.push(FieldError::new(
                "addresses",
                "too_many",
                format!("Tối đa {MAX_ADDRESSES} địa chỉ một khu phong tỏa; chia thành nhiều khu."),
                format!("At most {MAX_ADDRESSES} addresses an area; split it into several."),
            ));
        }
        let reason = required(
            "reason",
            "Cần lý do phong tỏa.",
            "The reason for the lockdown is needed.",
            &self.reason,
            &mut errors,
        );
        let decision = required(
            "decision",
            "Cần số quyết định phong tỏa.",
            "The decision's number is needed.",
            &self.decision,
            &mut errors,
        );
        let issued_by = required(
            "issued_by",
            "Cần cơ quan ban hành quyết định.",
            "The body that issued the decision is needed.",
            &self.issued_by,
            &mut errors,
        );
        let case_codes = split_codes(&self.case_codes);
        if case_codes.len() > 500 {
            errors.push(FieldError::new(
                "case_codes",
                "too_many",
                "Tối đa 500 mã ca bệnh.",
                "At most 500 case codes.",
            ));
        }
        let from = parse_date("from_on", &self.from_on)
            .map_err(|e| errors.push(e))
            .ok();
        let until = parse_date("planned_until", &self.planned_until)
            .map_err(|e| errors.push(e))
            .ok();
        if let (Some(f), Some(u)) = (from, until)
            && u < f
        {
            errors.push(end_before_start("planned_until", f));
        }
        match (from, until) {
            (Some(from_on), Some(planned_until)) if errors.is_empty() => Ok(NewLockdown {
                unit_code,
                place,
                addresses,
                reason,
                cluster_id: self.cluster_id,
                case_codes,
                decision,
                issued_by,
                from_on,
                planned_until,
            }),
            _ => Err(Invalid(errors)),
        }
    }
}

/// "The end is before the start (dd/mm/yyyy)", for `field`.
pub fn end_before_start(field: &str, start: NaiveDate) -> FieldError {
    FieldError::new(
        field,
        "before_start",
        format!(
            "Ngày kết thúc trước ngày bắt đầu phong tỏa ({}).",
            start.format("%d/%m/%Y")
        ),
        format!(
            "The end is before the lockdown's start ({}).",
            start.format("%d/%m/%Y")
        ),
    )
}

/// Case codes as typed: separated by commas, semicolons, spaces or lines;
/// upper-cased, each once.
pub fn split_codes(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in s.split(|c: char| c == ',' || c == ';' || c.is_whitespace()) {
        let c = c.trim().to_uppercase();
        if !c.is_empty() && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// An extension or a lifting as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LockdownChangeInput {
    /// `extend` (a new planned end) or `lift` (the day it is lifted from).
    pub kind: String,
    /// The new planned end, included (extend), or the first day no longer
    /// locked down (lift).
    pub on: String,
    /// The decision that extends or lifts it.
    pub decision: String,
    pub reason: String,
}

/// What a change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Extend,
    Lift,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Extend => "extend",
            ChangeKind::Lift => "lift",
        }
    }
}

/// A checked change; whether its day fits the lockdown the store checks
/// with [`check_change`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockdownChange {
    pub kind: ChangeKind,
    pub on: NaiveDate,
    pub decision: String,
    pub reason: String,
}

impl LockdownChangeInput {
    pub fn parse(&self) -> Result<LockdownChange, Invalid> {
        let mut errors = Vec::new();
        let kind = match self.kind.trim() {
            "extend" => Some(ChangeKind::Extend),
            "lift" => Some(ChangeKind::Lift),
            _ => {
                errors.push(FieldError::new(
                    "kind",
                    "invalid_choice",
                    "Chọn gia hạn (extend) hoặc gỡ phong tỏa (lift).",
                    "Choose extend or lift.",
                ));
                None
            }
        };
        let on = parse_date("on", &self.on).map_err(|e| errors.push(e)).ok();
        let decision = required(
            "decision",
            "Cần số quyết định.",
            "The decision's number is needed.",
            &self.decision,
            &mut errors,
        );
        let reason = required(
            "reason",
            "Cần lý do.",
            "The reason is needed.",
            &self.reason,
            &mut errors,
        );
        match (kind, on) {
            (Some(kind), Some(on)) if errors.is_empty() => Ok(LockdownChange {
                kind,
                on,
                decision,
                reason,
            }),
            _ => Err(Invalid(errors)),
        }
    }
}

/// Whether `change` fits a lockdown from `from_on`, planned until
/// `planned_until`, lifted on `lifted_on` (if it was), on `today`:
/// a lifted lockdown changes no more; an extension moves the end past the
/// planned one; a lifting falls between the start and today (a lockdown is
/// lifted when it ends, not in advance).
pub fn check_change(
    change: &LockdownChange,
    from_on: NaiveDate,
    planned_until: NaiveDate,
    lifted_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), Invalid> {
    let day = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    if let Some(l) = lifted_on {
        return Err(Invalid(vec![FieldError::new(
            "kind",
            "lifted",
            format!("Khu này đã được gỡ phong tỏa ngày {}.", day(l)),
            format!("This area was lifted on {}.", day(l)),
        )]));
    }
    let e = match change.kind {
        ChangeKind::Extend if change.on <= planned_until => Some(FieldError::new(
            "on",
            "not_later",
            format!(
                "Gia hạn phải đến sau ngày kết thúc dự kiến hiện nay ({}).",
                day(planned_until)
            ),
            format!(
                "An extension must end after the planned end now ({}).",
                day(planned_until)
            ),
        )),
        ChangeKind::Lift if change.on < from_on => Some(end_before_start("on", from_on)),
        ChangeKind::Lift if change.on > today => Some(FieldError::new(
            "on",
            "future",
            "Chỉ gỡ phong tỏa vào hôm nay hoặc một ngày đã qua.",
            "A lockdown is lifted today or on a day gone by.",
        )),
        _ => None,
    };
    match e {
        Some(e) => Err(Invalid(vec![e])),
        None => Ok(()),
    }
}

/// The last day a lockdown holds: the day before it was lifted (lifted
/// *from* that day, as the decisions say: *gỡ phong tỏa từ 0 giờ ngày …*),
/// else its planned end.
pub fn last_day(planned_until: NaiveDate, lifted_on: Option<NaiveDate>) -> NaiveDate {
    match lifted_on {
        Some(d) => d.pred_opt().unwrap_or(d).min(planned_until),
        None => planned_until,
    }
}

/// Whether two periods (both ends included) share a day.
pub fn overlaps(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%d/%m/%Y").unwrap()
    }

    fn input() -> LockdownInput {
        LockdownInput {
            unit_code: " 06649 ".into(),
            place: "".into(),
            addresses: "".into(),
            reason: "Ổ dịch chợ Hạ Long 1".into(),
            cluster_id: None,
            case_codes: "qn-0001, QN-0002\nqn-0001".into(),
            decision: "12/QĐ-UBND".into(),
            issued_by: "UBND phường Bạch Đằng".into(),
            from_on: "10/08/2021".into(),
            planned_until: "24/08/2021".into(),
        }
    }

    #[test]
    fn a_whole_unit_parses_cleaned() {
        let l = input().parse().unwrap();
        assert_eq!(l.unit_code, "06649");
        assert!(!l.is_drawn());
        assert_eq!(l.case_codes, vec!["QN-0001", "QN-0002"]);
        assert_eq!(l.from_on, d("10/08/2021"));
        assert_eq!(l.planned_until, d("24/08/2021"));
    }

    #[test]
    fn every_fault_is_named_at_once() {
        let e = LockdownInput {
            unit_code: " ".into(),
            reason: " ".into(),
            decision: "".into(),
            issued_by: "".into(),
            from_on: "20/08/2021".into(),
            planned_until: "19/08/2021".into(),
            addresses: "Số 5 Lê Lợi\n---\n".into(),
            ..input()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "unit_code",
                "addresses",
                "reason",
                "decision",
                "issued_by",
                "planned_until"
            ]
        );
        let end = e.0.last().unwrap();
        assert_eq!(end.code, "before_start");
        assert!(end.message_vi.contains("20/08/2021"), "{}", end.message_vi);
    }

    #[test]
    fn a_drawn_area_keeps_each_address_once() {
        let l = LockdownInput {
            place: "Ngõ 12 phố Lê Lợi".into(),
            addresses: "Số 5 Lê Lợi\n  số 5  lê lợi \n\nSố 7 Lê Lợi".into(),
            ..input()
        }
        .parse()
        .unwrap();
        assert!(l.is_drawn());
        assert_eq!(l.addresses, vec!["Số 5 Lê Lợi", "Số 7 Lê Lợi"]);
        assert_eq!(l.match_terms(), vec!["so 5 le loi", "so 7 le loi"]);
        let too_many = (0..=MAX_ADDRESSES)
            .map(|i| format!("Số {i} Lê Lợi"))
            .collect::<Vec<_>>()
            .join("\n");
        let e = LockdownInput {
            addresses: too_many,
            ..input()
        }
        .parse()
        .unwrap_err();
        assert_eq!(e.0[0].code, "too_many");
    }

    #[test]
    fn addresses_match_by_whole_words_with_or_without_diacritics() {
        let terms = match_terms(None, &["Số 5 Lê Lợi".to_owned()]);
        assert!(address_matches("số 5 lê lợi, tổ 3", &terms));
        assert!(address_matches("SO 5 LE LOI", &terms));
        assert!(!address_matches("Số 15 Lê Lợi", &terms));
        assert!(!address_matches(
            "Số 5 Lê Lợi Mới",
            &["so 5 le loi moi x".to_owned()]
        ));
        let place = match_terms(Some("Chung cư Sunrise"), &[]);
        assert!(address_matches("P.1203 chung cu sunrise", &place));
        assert!(!address_matches("", &place));
    }

    #[test]
    fn changes_fit_the_lockdown_or_say_why_not() {
        let (from, until, today) = (d("10/08/2021"), d("24/08/2021"), d("20/08/2021"));
        let change = |kind, on: &str| LockdownChange {
            kind,
            on: d(on),
            decision: "x".into(),
            reason: "y".into(),
        };
        assert!(
            check_change(
                &change(ChangeKind::Extend, "31/08/2021"),
                from,
                until,
                None,
                today
            )
            .is_ok()
        );
        let e = check_change(
            &change(ChangeKind::Extend, "24/08/2021"),
            from,
            until,
            None,
            today,
        )
        .unwrap_err();
        assert_eq!(e.0[0].code, "not_later");
        assert!(
            check_change(
                &change(ChangeKind::Lift, "20/08/2021"),
                from,
                until,
                None,
                today
            )
            .is_ok()
        );
        // Lifted early, before the planned end: allowed.
        assert!(
            check_change(
                &change(ChangeKind::Lift, "10/08/2021"),
                from,
                until,
                None,
                today
            )
            .is_ok()
        );
        let e = check_change(
            &change(ChangeKind::Lift, "09/08/2021"),
            from,
            until,
            None,
            today,
        )
        .unwrap_err();
        assert_eq!(e.0[0].code, "before_start");
        let e = check_change(
            &change(ChangeKind::Lift, "21/08/2021"),
            from,
            until,
            None,
            today,
        )
        .unwrap_err();
        assert_eq!(e.0[0].code, "future");
        let e = check_change(
            &change(ChangeKind::Extend, "31/08/2021"),
            from,
            until,
            Some(d("15/08/2021")),
            today,
        )
        .unwrap_err();
        assert_eq!(e.0[0].code, "lifted");
    }

    #[test]
    fn a_lockdown_lifted_from_a_day_held_until_the_day_before() {
        assert_eq!(
            last_day(d("24/08/2021"), Some(d("20/08/2021"))),
            d("19/08/2021")
        );
        assert_eq!(last_day(d("24/08/2021"), None), d("24/08/2021"));
        // Lifted after its planned end (the decision came late): the plan's end.
        assert_eq!(
            last_day(d("24/08/2021"), Some(d("30/08/2021"))),
            d("24/08/2021")
        );
    }

    #[test]
    fn periods_overlap_when_they_share_a_day() {
        let p = |a: &str, b: &str| (d(a), d(b));
        assert!(overlaps(
            p("01/08/2021", "10/08/2021"),
            p("10/08/2021", "20/08/2021")
        ));
        assert!(!overlaps(
            p("01/08/2021", "09/08/2021"),
            p("10/08/2021", "20/08/2021")
        ));
        assert!(overlaps(
            p("01/08/2021", "30/08/2021"),
            p("10/08/2021", "20/08/2021")
        ));
    }
}
