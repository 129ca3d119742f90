//! The rapid-response team's inputs as typed and checked: a duty shift (or
//! the same hours on following days) and a piece of oxygen equipment.
//! Whether the unit exists and lies in the writer's jurisdiction the store
//! checks.

use crate::choice::choice;
use crate::clock::vietnam;
use crate::error::{FieldError, Invalid};
use crate::text::clean;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

fn invalid(field: &str, vi: impl Into<String>, en: impl Into<String>) -> FieldError {
    FieldError::new(field, "invalid", vi, en)
}

/// A time typed in a form (Vietnam's time, `YYYY-MM-DDTHH:MM`) or given by
/// the API (RFC 3339, any offset), as UTC.
pub fn parse_time(field: &str, s: &str) -> Result<DateTime<Utc>, FieldError> {
    use chrono::TimeZone;
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f)
            && let Some(local) = vietnam().from_local_datetime(&t).single()
        {
            return Ok(local.with_timezone(&Utc));
        }
    }
    Err(FieldError::new(
        field,
        if s.is_empty() { "required" } else { "invalid" },
        "Nhập ngày giờ dạng dd/mm/yyyy hh:mm.",
        "Give a date and time as dd/mm/yyyy hh:mm.",
    ))
}

/// Shifts as asked for: one, or the same hours repeated on following days.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ShiftInput {
    /// The commune, district or province whose team it is.
    pub unit_code: String,
    pub team: String,
    /// Names (and roles) of the members.
    #[serde(default)]
    pub members: String,
    /// The number the team answers on.
    pub phone: String,
    /// Start, local time (`YYYY-MM-DDTHH:MM`) or RFC 3339.
    pub starts_at: String,
    /// End, after the start, at most 24 hours later.
    pub ends_at: String,
    /// The same shift on this many days in a row (1–31; 1 by default).
    #[serde(default)]
    pub repeat_days: Option<u32>,
    /// The green zone's checkpoint the team guards, if it is one's.
    #[serde(default)]
    pub checkpoint_id: Option<i64>,
}

/// Shifts whose fields were checked; `unit_code` as typed (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShifts {
    pub unit_code: String,
    pub team: String,
    pub members: String,
    pub phone: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The first shift and this many days in all (1–31).
    pub repeat_days: u32,
}

impl ShiftInput {
    /// Check every field but the unit, collecting every fault; `now` bounds
    /// how far ahead shifts are set (90 days).
    pub fn parse(&self, now: DateTime<Utc>) -> Result<NewShifts, Invalid> {
        let mut errors = Vec::new();
        let team = clean(&self.team);
        let members = clean(&self.members);
        let phone = clean(&self.phone);
        if team.is_empty() {
            errors.push(FieldError::new(
                "team",
                "required",
                "Nhập tên đội.",
                "Give the team's name.",
            ));
        }
        if phone.chars().filter(char::is_ascii_digit).count() < 3 {
            errors.push(FieldError::new(
                "phone",
                "required",
                "Nhập số điện thoại trực của đội.",
                "Give the number the team answers on.",
            ));
        }
        let starts = parse_time("starts_at", &self.starts_at)
            .map_err(|e| errors.push(e))
            .ok();
        let ends = parse_time("ends_at", &self.ends_at)
            .map_err(|e| errors.push(e))
            .ok();
        if let (Some(s), Some(e)) = (starts, ends)
            && (e <= s || e - s > Duration::hours(24))
        {
            errors.push(invalid(
                "ends_at",
                "Ca trực phải kết thúc sau khi bắt đầu, dài tối đa 24 giờ.",
                "A shift ends after it starts and lasts at most 24 hours.",
            ));
        }
        if let Some(s) = starts
            && s > now + Duration::days(90)
        {
            errors.push(invalid(
                "starts_at",
                "Chỉ xếp ca trong 90 ngày tới.",
                "Shifts can be set up to 90 days ahead.",
            ));
        }
        let repeat_days = self.repeat_days.unwrap_or(1);
        if !(1..=31).contains(&repeat_days) {
            errors.push(invalid(
                "repeat_days",
                "Lặp lại từ 1 đến 31 ngày.",
                "Repeat on 1 to 31 days.",
            ));
        }
        match (starts, ends) {
            (Some(starts_at), Some(ends_at)) if errors.is_empty() => Ok(NewShifts {
                unit_code: self.unit_code.trim().to_owned(),
                team,
                members,
                phone,
                starts_at,
                ends_at,
                repeat_days,
            }),
            _ => Err(Invalid(errors)),
        }
    }
}

choice!(
    /// What kind of oxygen equipment a unit keeps.
    EquipmentKind {
        Concentrator = "concentrator",
        Cylinder = "cylinder",
    }
);

/// A piece of oxygen equipment as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EquipmentInput {
    /// `concentrator` or `cylinder`.
    pub kind: String,
    /// Inventory number or serial, unique in the province.
    pub label: String,
    /// e.g. "5 L/phút", "40 L".
    #[serde(default)]
    pub capacity: String,
    /// The unit that keeps it (commune health station, district centre…).
    pub unit_code: String,
}

/// Equipment whose fields were checked; `unit_code` as typed (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEquipment {
    pub kind: EquipmentKind,
    pub label: String,
    pub capacity: String,
    pub unit_code: String,
}

impl EquipmentInput {
    /// Check every field but the unit, collecting every fault.
    pub fn parse(&self) -> Result<NewEquipment, Invalid> {
        let mut errors = Vec::new();
        let kind = EquipmentKind::from_stored(self.kind.trim());
        if kind.is_none() {
            errors.push(invalid(
                "kind",
                "Chọn máy tạo oxy (concentrator) hoặc bình oxy (cylinder).",
                "Choose a concentrator or a cylinder.",
            ));
        }
        let label = clean(&self.label);
        if label.is_empty() || label.chars().count() > 40 {
            errors.push(FieldError::new(
                "label",
                "required",
                "Nhập số hiệu (tối đa 40 ký tự).",
                "Give the inventory number (at most 40 characters).",
            ));
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(NewEquipment {
                kind,
                label,
                capacity: clean(&self.capacity),
                unit_code: self.unit_code.trim().to_owned(),
            }),
            _ => Err(Invalid(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2021, 9, 1, 1, 0, 0).unwrap()
    }

    fn shift() -> ShiftInput {
        ShiftInput {
            unit_code: " 06649 ".into(),
            team: " Tổ  phản ứng nhanh ".into(),
            members: "".into(),
            phone: "0203 3825 115".into(),
            starts_at: "01/09/2021 07:00".into(),
            ends_at: "2021-09-01T19:00".into(),
            repeat_days: Some(3),
            checkpoint_id: None,
        }
    }

    #[test]
    fn a_shift_is_read_in_vietnams_time() {
        let s = shift().parse(now()).unwrap();
        assert_eq!(s.team, "Tổ phản ứng nhanh");
        assert_eq!(s.unit_code, "06649");
        // 07:00 in Hà Nội is midnight UTC.
        assert_eq!(
            s.starts_at,
            Utc.with_ymd_and_hms(2021, 9, 1, 0, 0, 0).unwrap()
        );
        assert_eq!(
            s.ends_at,
            Utc.with_ymd_and_hms(2021, 9, 1, 12, 0, 0).unwrap()
        );
        assert_eq!(s.repeat_days, 3);
        let api = ShiftInput {
            starts_at: "2021-09-01T07:00:00+07:00".into(),
            repeat_days: None,
            ..shift()
        }
        .parse(now())
        .unwrap();
        assert_eq!(api.starts_at, s.starts_at);
        assert_eq!(api.repeat_days, 1);
    }

    #[test]
    fn every_fault_of_a_shift_is_named_at_once() {
        let e = ShiftInput {
            team: " ".into(),
            phone: "11".into(),
            starts_at: "2021-09-01T07:00".into(),
            ends_at: "2021-09-02T07:01".into(),
            repeat_days: Some(32),
            ..shift()
        }
        .parse(now())
        .unwrap_err();
        let fields: Vec<(&str, &str)> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            fields,
            [
                ("team", "required"),
                ("phone", "required"),
                ("ends_at", "invalid"),
                ("repeat_days", "invalid"),
            ]
        );
        // More than 90 days ahead; a time that is not one.
        let e = ShiftInput {
            starts_at: "01/12/2021 07:00".into(),
            ends_at: "sáng mai".into(),
            ..shift()
        }
        .parse(now())
        .unwrap_err();
        let fields: Vec<(&str, &str)> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(fields, [("ends_at", "invalid"), ("starts_at", "invalid")]);
    }

    #[test]
    fn equipment_is_a_concentrator_or_a_cylinder_with_a_label() {
        let ok = EquipmentInput {
            kind: " cylinder ".into(),
            label: " BOX-01 ".into(),
            capacity: "40 L".into(),
            unit_code: "06649".into(),
        }
        .parse()
        .unwrap();
        assert_eq!(
            (ok.kind, ok.label.as_str()),
            (EquipmentKind::Cylinder, "BOX-01")
        );
        let e = EquipmentInput {
            kind: "Cylinder".into(),
            label: "x".repeat(41),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["kind", "label"]);
        for k in EquipmentKind::ALL {
            assert_eq!(EquipmentKind::from_stored(k.as_str()), Some(*k));
        }
    }
}
