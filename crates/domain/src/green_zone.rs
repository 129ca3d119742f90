//! Green zones (*vùng xanh*) as typed and their checked form: an area —
//! a whole unit (province, district, commune, hamlet) or a place drawn under
//! a commune by its name and/or addresses, as lockdowns are drawn — that the
//! committee declares free of F0 from a day, with the community team
//! responsible (*tổ COVID cộng đồng*), and the checkpoints guarding it
//! (place and hours; the team on duty comes from the duty roster).
//!
//! A zone stays green until an F0 is confirmed living inside it on or after
//! the day it was declared: it then loses the status at once, in the case's
//! own write, and its team is alerted (the store does this). A new
//! declaration, once the area is free again, is a new zone; nothing is
//! deleted. Whether the unit exists and lies in the writer's jurisdiction,
//! whether an F0 under treatment lives inside, and whether another green
//! zone holds the same area, the store checks.

use crate::contact::parse_date;
use crate::error::{FieldError, Invalid};
use crate::lockdown::match_terms;
use chrono::{NaiveDate, NaiveTime};
use serde::Deserialize;

/// A green zone as typed (form, API).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct GreenZoneInput {
    /// What people call it, e.g. `Vùng xanh tổ 5 phường Bạch Đằng`.
    pub name: String,
    /// The unit declared green (province, district, commune or hamlet), or —
    /// with `place` or `addresses` — the commune or hamlet the drawn place lies in.
    pub unit_code: String,
    /// A named place under the commune: a street, a residential block, a market.
    pub place: String,
    /// Addresses inside the drawn zone, one a line.
    pub addresses: String,
    /// Declared green from (dd/mm/yyyy or yyyy-mm-dd); today or a day gone by.
    pub declared_on: String,
    /// The decision or notice declaring it, if there is one.
    pub decision: String,
    /// The community team responsible.
    pub team: String,
    /// Its leader.
    pub team_leader: String,
    /// The number the team answers on.
    pub team_phone: String,
}

/// A green zone whose fields were checked; `unit_code` as typed (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGreenZone {
    pub name: String,
    pub unit_code: String,
    pub place: Option<String>,
    pub addresses: Vec<String>,
    pub declared_on: NaiveDate,
    pub decision: Option<String>,
    pub team: String,
    pub team_leader: Option<String>,
    pub team_phone: String,
}

impl NewGreenZone {
    /// A place drawn under a commune, not a whole unit.
    pub fn is_drawn(&self) -> bool {
        self.place.is_some() || !self.addresses.is_empty()
    }
}

fn text(
    field: &str,
    value: &str,
    max: usize,
    required: Option<(&str, &str)>,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let v = crate::text::clean(value);
    if v.is_empty() {
        if let Some((vi, en)) = required {
            errors.push(FieldError::new(field, "required", vi, en));
        }
        return None;
    }
    if v.chars().count() > max {
        errors.push(FieldError::new(
            field,
            "too_long",
            format!("Tối đa {max} ký tự."),
            format!("At most {max} characters."),
        ));
    }
    Some(v)
}

impl GreenZoneInput {
    /// Check every field but the unit, collecting every fault; `today` is
    /// Vietnam's (a zone is declared green today or from a day gone by).
    pub fn parse(&self, today: NaiveDate) -> Result<NewGreenZone, Invalid> {
        let mut errors = Vec::new();
        let name = text(
            "name",
            &self.name,
            200,
            Some(("Cần tên vùng xanh.", "The zone's name is needed.")),
            &mut errors,
        );
        let unit_code = self.unit_code.trim().to_owned();
        if unit_code.is_empty() {
            errors.push(FieldError::new(
                "unit_code",
                "required",
                "Chọn đơn vị được công nhận vùng xanh (hoặc xã/thôn có nơi đó).",
                "Choose the unit declared green (or the commune/hamlet the place is in).",
            ));
        }
        let place = text("place", &self.place, 200, None, &mut errors);
        let mut addresses: Vec<String> = Vec::new();
        for line in self.addresses.lines() {
            let Some(a) = text("addresses", line, 200, None, &mut errors) else {
                continue;
            };
            if match_terms(None, std::slice::from_ref(&a)).is_empty() {
                errors.push(FieldError::new(
                    "addresses",
                    "invalid",
                    format!("«{a}» không phải là một địa chỉ."),
                    format!("“{a}” is not an address."),
                ));
            } else if !addresses
                .iter()
                .any(|b| crate::text::fold(b) == crate::text::fold(&a))
            {
                addresses.push(a);
            }
        }
        if addresses.len() > crate::lockdown::MAX_ADDRESSES {
            errors.push(FieldError::new(
                "addresses",
                "too_many",
                format!(
                    "Tối đa {} địa chỉ một vùng; chia thành nhiều vùng.",
                    crate::lockdown::MAX_ADDRESSES
                ),
                format!(
                    "At most {} addresses a zone; split it into several.",
                    crate::lockdown::MAX_ADDRESSES
                ),
            ));
        }
        let declared_on = parse_date("declared_on", &self.declared_on)
            .map_err(|e| errors.push(e))
            .ok();
        if declared_on.is_some_and(|d| d > today) {
            errors.push(FieldError::new(
                "declared_on",
                "future",
                "Vùng xanh được công nhận từ hôm nay hoặc một ngày đã qua.",
                "A zone is declared green from today or a day gone by.",
            ));
        }
        let decision = text("decision", &self.decision, 200, None, &mut errors);
        let team = text(
            "team",
            &self.team,
            200,
            Some((
                "Cần tổ chịu trách nhiệm (tổ COVID cộng đồng).",
                "The team responsible is needed (the community COVID team).",
            )),
            &mut errors,
        );
        let team_leader = text("team_leader", &self.team_leader, 200, None, &mut errors);
        let team_phone = match crate::PhoneNumber::parse(&self.team_phone) {
            Ok(p) => Some(p.as_str().to_owned()),
            Err(_) if self.team_phone.trim().is_empty() => {
                errors.push(FieldError::new(
                    "team_phone",
                    "required",
                    "Cần số điện thoại của tổ.",
                    "The team's phone number is needed.",
                ));
                None
            }
            Err(mut e) => {
                e.field = "team_phone".into();
                errors.push(e);
                None
            }
        };
        match (name, declared_on, team, team_phone) {
            (Some(name), Some(declared_on), Some(team), Some(team_phone)) if errors.is_empty() => {
                Ok(NewGreenZone {
                    name,
                    unit_code,
                    place,
                    addresses,
                    declared_on,
                    decision,
                    team,
                    team_leader,
                    team_phone,
                })
            }
            _ => Err(Invalid(errors)),
        }
    }
}

/// A checkpoint of a green zone as typed: where, and its hours.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ZoneCheckpointInput {
    /// Where it stands, e.g. `Đầu ngõ 12 Lê Lợi`.
    pub place: String,
    /// Opens at (HH:MM, Vietnam's time); empty with `closes` empty: round the clock.
    pub opens: String,
    /// Closes at (HH:MM); before `opens` when the checkpoint works through the night.
    pub closes: String,
}

/// A checked checkpoint; `hours` is `None` round the clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewZoneCheckpoint {
    pub place: String,
    pub hours: Option<(NaiveTime, NaiveTime)>,
}

fn parse_time(field: &str, s: &str) -> Result<NaiveTime, FieldError> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| {
        FieldError::new(
            field,
            "invalid",
            format!("«{}» không phải giờ dạng HH:MM (ví dụ 06:00).", s.trim()),
            format!("“{}” is not a time as HH:MM (e.g. 06:00).", s.trim()),
        )
    })
}

impl ZoneCheckpointInput {
    pub fn parse(&self) -> Result<NewZoneCheckpoint, Invalid> {
        let mut errors = Vec::new();
        let place = text(
            "place",
            &self.place,
            200,
            Some(("Cần nơi đặt chốt.", "The checkpoint's place is needed.")),
            &mut errors,
        );
        let hours = match (self.opens.trim(), self.closes.trim()) {
            ("", "") => None,
            (o, c) => {
                let o = parse_time("opens", o).map_err(|e| errors.push(e)).ok();
                let c = parse_time("closes", c).map_err(|e| errors.push(e)).ok();
                match (o, c) {
                    (Some(o), Some(c)) if o == c => {
                        errors.push(FieldError::new(
                            "closes",
                            "same",
                            "Giờ đóng trùng giờ mở; để trống cả hai nếu chốt trực 24/24.",
                            "Closing equals opening; leave both empty for a checkpoint open round the clock.",
                        ));
                        None
                    }
                    (Some(o), Some(c)) => Some((o, c)),
                    _ => None,
                }
            }
        };
        match place {
            Some(place) if errors.is_empty() => Ok(NewZoneCheckpoint { place, hours }),
            _ => Err(Invalid(errors)),
        }
    }
}

/// Whether a checkpoint with `hours` (None: round the clock) is open at
/// `at` (Vietnam's time); hours that close before they open run through
/// midnight.
pub fn open_at(hours: Option<(NaiveTime, NaiveTime)>, at: NaiveTime) -> bool {
    match hours {
        None => true,
        Some((o, c)) if o < c => o <= at && at < c,
        Some((o, c)) => at >= o || at < c,
    }
}

/// Whether a case confirmed on `confirmed_on` ends a zone declared green on
/// `declared_on`: only one confirmed on or after the declaration does (a
/// case list imported afterwards with older cases does not re-open what the
/// committee had already judged; an F0 still under treatment at the
/// declaration is refused when the zone is declared).
pub fn ends_zone(declared_on: NaiveDate, confirmed_on: NaiveDate) -> bool {
    confirmed_on >= declared_on
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%d/%m/%Y").unwrap()
    }

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    fn zone() -> GreenZoneInput {
        GreenZoneInput {
            name: "Vùng xanh tổ 5".into(),
            unit_code: "06988".into(),
            declared_on: "20/10/2021".into(),
            team: "Tổ COVID cộng đồng tổ 5".into(),
            team_phone: "0912 345 678".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_zone_checks_its_fields() {
        let z = zone().parse(d("25/10/2021")).unwrap();
        assert_eq!(z.team_phone, "0912345678");
        assert_eq!(z.declared_on, d("20/10/2021"));
        assert!(!z.is_drawn());
        let e = GreenZoneInput::default()
            .parse(d("25/10/2021"))
            .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        for f in ["name", "unit_code", "declared_on", "team", "team_phone"] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
    }

    #[test]
    fn a_zone_is_not_declared_for_tomorrow_and_its_addresses_are_addresses() {
        let e = zone().parse(d("19/10/2021")).unwrap_err();
        assert_eq!(e.0[0].code, "future");
        let z = GreenZoneInput {
            addresses: "Số 5 Lê Lợi\n\nsố 5 le loi\n---".into(),
            ..zone()
        };
        let e = z.parse(d("25/10/2021")).unwrap_err();
        assert!(e.0.iter().any(|e| e.field == "addresses"), "{e:?}");
        let z = GreenZoneInput {
            addresses: "Số 5 Lê Lợi\nsố 5 le loi".into(),
            ..zone()
        };
        let z = z.parse(d("25/10/2021")).unwrap();
        assert_eq!(z.addresses, ["Số 5 Lê Lợi"], "the same address once");
        assert!(z.is_drawn());
    }

    #[test]
    fn a_checkpoint_has_a_place_and_hours_that_may_run_through_the_night() {
        let c = ZoneCheckpointInput {
            place: "Đầu ngõ 12".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(c.hours, None);
        assert!(open_at(None, t("03:00")));
        let day = Some((t("06:00"), t("22:00")));
        assert!(open_at(day, t("06:00")) && open_at(day, t("21:59")));
        assert!(!open_at(day, t("22:00")) && !open_at(day, t("05:59")));
        let night = Some((t("22:00"), t("06:00")));
        assert!(open_at(night, t("23:00")) && open_at(night, t("05:00")));
        assert!(!open_at(night, t("12:00")));
        let e = ZoneCheckpointInput {
            place: "".into(),
            opens: "6h".into(),
            closes: "06:00".into(),
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["place", "opens"]);
        let e = ZoneCheckpointInput {
            place: "Chợ".into(),
            opens: "06:00".into(),
            closes: "06:00".into(),
        }
        .parse()
        .unwrap_err();
        assert_eq!(e.0[0].code, "same");
    }

    #[test]
    fn only_a_case_confirmed_from_the_declaration_ends_a_zone() {
        assert!(ends_zone(d("20/10/2021"), d("20/10/2021")));
        assert!(ends_zone(d("20/10/2021"), d("02/11/2021")));
        assert!(!ends_zone(d("20/10/2021"), d("19/10/2021")));
    }
}
