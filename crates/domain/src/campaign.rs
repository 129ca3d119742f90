//! A testing campaign as ordered and checked: its name, target group, pool
//! size, rounds' rhythm, first day and deadline. Whether the unit exists and
//! lies in the writer's jurisdiction, and who is on a list, the store checks.

use crate::choice::choice;
use crate::error::{FieldError, Invalid};
use crate::testing::POOL_MAX;
use crate::text::clean;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

choice!(
    /// Whom a campaign tests.
    TargetKind {
        /// Every F1 living in the unit.
        F1 = "f1",
        /// Everyone living there, known F0 excepted.
        Unit = "unit",
        /// The people named.
        List = "list",
        /// The people registered inside a lockdown area (as they stand when
        /// the campaign begins; later rounds test the same people).
        Lockdown = "lockdown",
    }
);

/// What a committee orders.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CampaignInput {
    pub name: String,
    /// The unit it covers (province, district or commune code).
    pub unit_code: String,
    /// `f1` (every F1 living in the unit), `unit` (everyone living there,
    /// known F0 excepted) or `list` (the people named below).
    pub target: String,
    /// For `list`: record numbers.
    #[serde(default)]
    pub person_ids: Vec<i64>,
    /// For `list`: national IDs (CMND or CCCD).
    #[serde(default)]
    pub national_ids: Vec<String>,
    /// For `lockdown`: the lockdown area whose people are tested.
    #[serde(default)]
    pub lockdown_id: Option<i64>,
    /// The first round's first day (`yyyy-mm-dd` or `dd/mm/yyyy`); today when
    /// empty. A day in the past records a campaign entered after the fact:
    /// samples taken from that day count to it.
    #[serde(default)]
    pub starts_on: String,
    /// Local time: `yyyy-mm-ddTHH:MM`, `yyyy-mm-dd HH:MM` or `dd/mm/yyyy HH:MM`;
    /// after the round's first day began (in the past for a campaign entered late).
    pub deadline: String,
    /// Largest pool (2–20); 5 for F1 and lists, 10 for a whole unit by default.
    #[serde(default)]
    pub pool_size: Option<i64>,
    /// Days between rounds for a repeated campaign (e.g. 3).
    #[serde(default)]
    pub every_days: Option<i64>,
    /// The sampling teams assigned.
    #[serde(default)]
    pub teams: Vec<String>,
}

/// A campaign whose fields were checked; `unit_code` as typed (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCampaign {
    pub name: String,
    pub unit_code: String,
    pub target: TargetKind,
    pub pool_size: i64,
    pub every_days: Option<i64>,
    pub starts_on: NaiveDate,
    pub deadline: NaiveDateTime,
    /// Each team once per line or comma, cleaned, blanks dropped.
    pub teams: Vec<String>,
}

impl CampaignInput {
    /// Check every field but the unit and the list's people, collecting
    /// every fault; `today` is Vietnam's.
    pub fn parse(&self, today: NaiveDate) -> Result<NewCampaign, Invalid> {
        let mut errors = Vec::new();
        let name = clean(&self.name);
        if name.is_empty() {
            errors.push(FieldError::new(
                "name",
                "required",
                "Cần tên đợt xét nghiệm.",
                "The campaign needs a name.",
            ));
        }
        let target = TargetKind::from_stored(&self.target.trim().to_lowercase());
        if target.is_none() {
            errors.push(FieldError::new(
                "target",
                "invalid",
                "Đối tượng phải là: tất cả F1 (f1), toàn bộ người dân (unit), danh sách (list) hoặc người trong khu phong tỏa (lockdown).",
                "The target must be every F1 (f1), everyone living there (unit), a list (list) or the people inside a lockdown area (lockdown).",
            ));
        }
        if target == Some(TargetKind::Lockdown) && self.lockdown_id.is_none() {
            errors.push(FieldError::new(
                "lockdown_id",
                "required",
                "Chọn khu phong tỏa có người cần xét nghiệm.",
                "Choose the lockdown area whose people are to be tested.",
            ));
        }
        let pool_size = self
            .pool_size
            .unwrap_or(if target == Some(TargetKind::Unit) {
                10
            } else {
                5
            });
        if !(1..=POOL_MAX as i64).contains(&pool_size) {
            errors.push(FieldError::new(
                "pool_size",
                "invalid",
                format!("Cỡ gộp từ 1 (không gộp) đến {POOL_MAX}."),
                format!("The pool size is 1 (no pooling) to {POOL_MAX}."),
            ));
        }
        if let Some(d) = self.every_days
            && !(1..=60).contains(&d)
        {
            errors.push(FieldError::new(
                "every_days",
                "invalid",
                "Số ngày giữa hai vòng từ 1 đến 60.",
                "Days between rounds must be 1 to 60.",
            ));
        }
        let starts_on = parse_round_start(&self.starts_on, today)
            .map_err(|e| errors.push(e))
            .ok();
        let deadline = match parse_deadline(&self.deadline) {
            Some(t) => match starts_on.and_then(|s| deadline_error(t, s)) {
                Some(e) => {
                    errors.push(e);
                    None
                }
                None => Some(t),
            },
            None => {
                errors.push(FieldError::new(
                    "deadline",
                    "invalid",
                    "Hạn hoàn thành không hợp lệ (ví dụ 16:00 03/12/2026).",
                    "The deadline is not valid (e.g. 2026-12-03 16:00).",
                ));
                None
            }
        };
        if target == Some(TargetKind::List)
            && self.person_ids.is_empty()
            && self.national_ids.is_empty()
        {
            errors.push(FieldError::new(
                "person_ids",
                "required",
                "Danh sách không có ai.",
                "The list names nobody.",
            ));
        }
        let teams = self
            .teams
            .iter()
            .flat_map(|t| t.split([',', ';', '\n']))
            .map(clean)
            .filter(|t| !t.is_empty())
            .collect();
        match (target, starts_on, deadline) {
            (Some(target), Some(starts_on), Some(deadline)) if errors.is_empty() => {
                Ok(NewCampaign {
                    name,
                    unit_code: self.unit_code.trim().to_owned(),
                    target,
                    pool_size,
                    every_days: self.every_days,
                    starts_on,
                    deadline,
                    teams,
                })
            }
            _ => Err(Invalid(errors)),
        }
    }
}

/// A deadline as people type it, or as a browser's `datetime-local` sends it.
pub fn parse_deadline(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    for f in [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%H:%M %d/%m/%Y",
        "%Hh%M %d/%m/%Y",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t);
        }
    }
    // A bare date means the end of that day.
    crate::contact::parse_date("deadline", s)
        .ok()
        .and_then(|d| d.and_hms_opt(23, 59, 0))
}

/// The earliest day a campaign may be dated: the epidemic reached Vietnam in
/// January 2020, so an earlier day is a typing error, not history.
fn earliest_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// A round's first day as typed: today when empty; refused after today (a
/// round begins when it is ordered or entered, never ahead) or before 2020.
pub fn parse_round_start(s: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    if s.trim().is_empty() {
        return Ok(today);
    }
    let d = crate::contact::parse_date("starts_on", s)?;
    if d > today {
        Err(FieldError::new(
            "starts_on",
            "in_future",
            format!(
                "Ngày bắt đầu {} ở tương lai: một vòng bắt đầu khi được ra lệnh (hoặc nhập lại ngày đã qua).",
                d.format("%d/%m/%Y")
            ),
            format!(
                "The first day {d} is in the future: a round begins when it is ordered (or is entered for a day already past)."
            ),
        ))
    } else if d < earliest_day() {
        Err(FieldError::new(
            "starts_on",
            "too_early",
            format!(
                "Ngày bắt đầu {} trước 01/01/2020: kiểm tra lại năm.",
                d.format("%d/%m/%Y")
            ),
            format!("The first day {d} is before 2020-01-01: check the year."),
        ))
    } else {
        Ok(d)
    }
}

/// A round's deadline must fall after its first day began.
fn deadline_error(deadline: NaiveDateTime, starts_on: NaiveDate) -> Option<FieldError> {
    (deadline <= starts_on.and_time(NaiveTime::MIN)).then(|| {
        FieldError::new(
            "deadline",
            "before_start",
            format!(
                "Hạn hoàn thành {} không sau ngày bắt đầu {}.",
                deadline.format("%H:%M %d/%m/%Y"),
                starts_on.format("%d/%m/%Y")
            ),
            format!(
                "The deadline {} is not after the first day {starts_on} began.",
                deadline.format("%Y-%m-%d %H:%M")
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 8, 10).unwrap()
    }

    fn input(target: &str) -> CampaignInput {
        CampaignInput {
            name: " Xét nghiệm   toàn dân ".into(),
            unit_code: " 26734 ".into(),
            target: target.into(),
            deadline: "16:00 11/08/2021".into(),
            teams: vec!["Tổ 1, Tổ 2".into(), " ; Tổ 3\n".into()],
            ..CampaignInput::default()
        }
    }

    #[test]
    fn a_whole_unit_pools_ten_others_five_and_teams_are_split() {
        let c = input(" UNIT ").parse(today()).unwrap();
        assert_eq!(c.name, "Xét nghiệm toàn dân");
        assert_eq!(c.unit_code, "26734");
        assert_eq!(c.target, TargetKind::Unit);
        assert_eq!(c.pool_size, 10);
        assert_eq!(c.starts_on, today());
        assert_eq!(
            c.deadline,
            NaiveDate::from_ymd_opt(2021, 8, 11)
                .unwrap()
                .and_hms_opt(16, 0, 0)
                .unwrap()
        );
        assert_eq!(c.teams, ["Tổ 1", "Tổ 2", "Tổ 3"]);
        assert_eq!(input("f1").parse(today()).unwrap().pool_size, 5);
    }

    #[test]
    fn every_fault_is_named_in_the_forms_order() {
        let mut i = input("list");
        i.name = String::new();
        i.pool_size = Some(21);
        i.every_days = Some(0);
        i.starts_on = "11/08/2021".into();
        let Invalid(e) = i.parse(today()).unwrap_err();
        let got: Vec<(&str, &str)> = e.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            [
                ("name", "required"),
                ("pool_size", "invalid"),
                ("every_days", "invalid"),
                ("starts_on", "in_future"),
                ("person_ids", "required"),
            ]
        );
    }

    #[test]
    fn a_deadline_falls_after_the_first_day_began() {
        let mut i = input("f1");
        i.starts_on = "09/08/2021".into();
        i.deadline = "08/08/2021 23:00".into();
        let Invalid(e) = i.parse(today()).unwrap_err();
        assert_eq!(
            (e[0].field.as_str(), e[0].code),
            ("deadline", "before_start")
        );
        i.deadline = "09/08/2021".into(); // a bare day: its end
        assert_eq!(
            i.parse(today()).unwrap().deadline.time(),
            NaiveTime::from_hms_opt(23, 59, 0).unwrap()
        );
        i.starts_on = "31/12/2019".into();
        let Invalid(e) = i.parse(today()).unwrap_err();
        assert_eq!(e[0].code, "too_early");
    }
}
