//! Contacts between two people and whether one meets the F1 criteria of the
//! rule set in force on the day of the contact (Decision 3638/QĐ-BYT of
//! 30/7/2021; Official letter 11042/BYT-DP of 29/12/2021; caregiving distance
//! 1 m from Official letter 1909/BYT-DP of 15/4/2022) — see [`F1Rules`].

use crate::error::{FieldError, Invalid};
use chrono::Datelike;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    Household,
    Workplace,
    School,
    Healthcare,
    Community,
    Transport,
    Venue,
}

impl Setting {
    pub const ALL: [Setting; 7] = [
        Setting::Household,
        Setting::Workplace,
        Setting::School,
        Setting::Healthcare,
        Setting::Community,
        Setting::Transport,
        Setting::Venue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Setting::Household => "household",
            Setting::Workplace => "workplace",
            Setting::School => "school",
            Setting::Healthcare => "healthcare",
            Setting::Community => "community",
            Setting::Transport => "transport",
            Setting::Venue => "venue",
        }
    }

    pub fn parse(s: &str) -> Option<Setting> {
        let f = crate::text::fold(s);
        Setting::ALL
            .into_iter()
            .find(|x| x.as_str() == f)
            .or(match f.as_str() {
                "ho gia dinh" | "gia dinh" | "cung nha" => Some(Setting::Household),
                "noi lam viec" | "co quan" | "cong ty" => Some(Setting::Workplace),
                "truong hoc" | "truong" => Some(Setting::School),
                "co so y te" | "benh vien" => Some(Setting::Healthcare),
                "cong dong" => Some(Setting::Community),
                "phuong tien" | "xe" | "chuyen bay" => Some(Setting::Transport),
                "dia diem" | "cho" | "quan" => Some(Setting::Venue),
                _ => None,
            })
    }
}

/// A contact as typed or imported.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ContactInput {
    pub person_id: i64,
    pub other_person_id: i64,
    /// First day of the contact (YYYY-MM-DD or DD/MM/YYYY).
    pub date: String,
    /// Last day, for a contact over several days (household); empty for one day.
    pub until: String,
    pub setting: String,
    /// Closest distance in metres, if known.
    pub distance_m: Option<f64>,
    /// Minutes spent together, if known.
    pub duration_min: Option<i64>,
    /// Both wore masks throughout.
    pub masked: bool,
    /// Direct physical contact.
    pub body_contact: bool,
    /// Looked after the F0 (care, treatment).
    pub caregiving: bool,
    /// Full personal protective equipment while caregiving.
    pub protective_equipment: bool,
    /// Same closed space (room, vehicle).
    pub closed_space: bool,
    /// The contact's national ID (CCCD/CMND), needed when they live outside
    /// the recorder's jurisdiction: knowing it is how a tracer hands a
    /// contact over to the unit where they live (a record number alone does
    /// not reach outside the jurisdiction).
    pub other_national_id: String,
}

/// A checked contact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewContact {
    pub person_id: i64,
    pub other_person_id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub setting: Setting,
    pub distance_m: Option<f64>,
    pub duration_min: Option<i64>,
    pub masked: bool,
    pub body_contact: bool,
    pub caregiving: bool,
    pub protective_equipment: bool,
    pub closed_space: bool,
    /// [`ContactInput::other_national_id`], when given.
    pub other_national_id: Option<String>,
}

pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate, FieldError> {
    let t = s.trim();
    let d = NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y"))
        .map_err(|_| {
            FieldError::new(
                field,
                "invalid_date",
                format!("Ngày «{t}» không hợp lệ: ghi dd/mm/yyyy hoặc yyyy-mm-dd."),
                format!("Date “{t}” is invalid: use dd/mm/yyyy or yyyy-mm-dd."),
            )
        })?;
    // No record of the system falls outside these years; the calendar's
    // far ends would also overflow the arithmetic done with the day.
    if !(YEARS.0..=YEARS.1).contains(&d.year()) {
        return Err(FieldError::new(
            field,
            "invalid_date",
            format!("Ngày «{t}» nằm ngoài các năm {}–{}.", YEARS.0, YEARS.1),
            format!("Date “{t}” is outside the years {}–{}.", YEARS.0, YEARS.1),
        ));
    }
    Ok(d)
}

/// The years a date typed into the system may fall in.
pub const YEARS: (i32, i32) = (1900, 2100);

impl ContactInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewContact, Invalid> {
        let mut errors = Vec::new();
        if self.person_id <= 0 || self.other_person_id <= 0 {
            errors.push(FieldError::new(
                "other_person_id",
                "required",
                "Cần hai người của lần tiếp xúc.",
                "A contact needs two people.",
            ));
        } else if self.person_id == self.other_person_id {
            errors.push(FieldError::new(
                "other_person_id",
                "same_person",
                "Một người không thể tiếp xúc với chính mình.",
                "A person cannot be their own contact.",
            ));
        }
        let from = parse_date("date", &self.date)
            .map_err(|e| errors.push(e))
            .ok();
        let to = if self.until.trim().is_empty() {
            from
        } else {
            parse_date("until", &self.until)
                .map_err(|e| errors.push(e))
                .ok()
        };
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                errors.push(FieldError::new(
                    "until",
                    "before_start",
                    "Ngày kết thúc trước ngày bắt đầu.",
                    "The last day is before the first.",
                ));
            }
            if f > today {
                errors.push(FieldError::new(
                    "date",
                    "in_future",
                    "Ngày tiếp xúc ở tương lai.",
                    "The contact date is in the future.",
                ));
            }
        }
        let setting = Setting::parse(&self.setting);
        if self.setting.trim().is_empty() {
            // Never a default: household makes an F1 of anyone (QĐ 2986/QĐ-BYT),
            // so the tracer says where the contact was.
            errors.push(FieldError::new(
                "setting",
                "required",
                "Chọn bối cảnh tiếp xúc (hộ gia đình, nơi làm việc, …).",
                "Choose where the contact was (household, workplace, …).",
            ));
        } else if setting.is_none() {
            errors.push(FieldError::new(
                "setting",
                "invalid_setting",
                "Bối cảnh không hợp lệ: hộ gia đình, nơi làm việc, trường học, cơ sở y tế, cộng đồng, phương tiện, địa điểm.",
                "Setting is invalid: household, workplace, school, healthcare, community, transport, venue.",
            ));
        }
        if self
            .distance_m
            .is_some_and(|d| !(0.0..=1000.0).contains(&d))
        {
            errors.push(FieldError::new(
                "distance_m",
                "out_of_range",
                "Khoảng cách phải từ 0 đến 1000 m.",
                "The distance must be between 0 and 1000 m.",
            ));
        }
        if self
            .duration_min
            .is_some_and(|d| !(0..=60 * 24 * 60).contains(&d))
        {
            errors.push(FieldError::new(
                "duration_min",
                "out_of_range",
                "Thời lượng (phút) không hợp lệ.",
                "The duration (minutes) is out of range.",
            ));
        }
        match (from, to, setting, errors.is_empty()) {
            (Some(from), Some(to), Some(setting), true) => Ok(NewContact {
                person_id: self.person_id,
                other_person_id: self.other_person_id,
                from,
                to,
                setting,
                distance_m: self.distance_m,
                duration_min: self.duration_min,
                masked: self.masked,
                body_contact: self.body_contact,
                caregiving: self.caregiving,
                protective_equipment: self.protective_equipment,
                closed_space: self.closed_space,
                other_national_id: Some(self.other_national_id.trim().to_owned())
                    .filter(|n| !n.is_empty()),
            }),
            _ => Err(Invalid(errors)),
        }
    }
}

/// The F1 criteria as data, so a new official letter is a new rule set.
///
/// - Decision 3638/QĐ-BYT of 30/7/2021 (part II, 1.3), as domain-rules §2
///   states it: direct body contact; within 2 m or in the same closed space
///   for ≥ 15 minutes while masked; within 2 m unmasked for any time; caring
///   for the F0 without full protective equipment. The same closed space
///   includes living in one home (the decision's examples of a closed space
///   name a room and a family).
/// - Official letter 11042/BYT-DP of 29/12/2021: direct body contact; within
///   2 m or in the same closed space for ≥ 15 minutes; care without full
///   protective equipment. A brief unmasked encounter (a lift, a shop) no
///   longer makes an F1 (as the press reported the letter on 30/12/2021:
///   ASSUMPTION that the "unmasked, any time" criterion was dropped; masks no
///   longer change the 15 minutes).
/// - Official letter 1909/BYT-DP of 15/4/2022: care within 1 m (was 2 m).
///
/// Unknown values never make a criterion hold: a contact whose distance (or
/// duration) is unknown qualifies only through a criterion that does not
/// need it, and the reason says what is missing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct F1Rules {
    /// The document the criteria come from.
    pub source: &'static str,
    /// "Within 2 m".
    pub near_m: f64,
    /// Within `near_m`, or in the same closed space: at least this long.
    pub masked_min: i64,
    /// Within `near_m` without masks counts for any duration.
    pub unmasked_any_time: bool,
    /// Caring without full protective equipment within this distance.
    pub care_m: f64,
}

impl F1Rules {
    /// The rule set in force on a day (the day of the contact).
    pub fn on(day: NaiveDate) -> F1Rules {
        let from = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MAX);
        if day >= from(2022, 4, 15) {
            F1Rules {
                source: "1909/BYT-DP",
                near_m: 2.0,
                masked_min: 15,
                unmasked_any_time: false,
                care_m: 1.0,
            }
        } else if day >= from(2021, 12, 29) {
            F1Rules {
                source: "11042/BYT-DP",
                near_m: 2.0,
                masked_min: 15,
                unmasked_any_time: false,
                care_m: 2.0,
            }
        } else {
            F1Rules {
                source: "3638/QĐ-BYT",
                near_m: 2.0,
                masked_min: 15,
                unmasked_any_time: true,
                care_m: 2.0,
            }
        }
    }
}

/// Whether a contact meets the F1 criteria, and why (Vietnamese, English),
/// naming the document.
pub fn qualifies(c: &NewContact, rules: &F1Rules) -> (bool, String, String) {
    let src = rules.source;
    let yes = |vi: String, en: String| (true, format!("{vi} ({src})"), format!("{en} ({src})"));
    let near = c.distance_m.map(|d| d <= rules.near_m);
    let long = c.duration_min.map(|m| m >= rules.masked_min);
    if c.body_contact {
        return yes(
            "Tiếp xúc cơ thể trực tiếp.".into(),
            "Direct body contact.".into(),
        );
    }
    if c.caregiving && !c.protective_equipment && c.distance_m.is_none_or(|d| d <= rules.care_m) {
        return yes(
            format!(
                "Chăm sóc trong phạm vi {} m, không đủ đồ bảo hộ.",
                rules.care_m
            ),
            format!(
                "Care within {} m without full protective equipment.",
                rules.care_m
            ),
        );
    }
    if c.setting == Setting::Household && long != Some(false) {
        return yes(
            "Sống cùng nhà: cùng không gian kín.".into(),
            "Lives in the same home: the same closed space.".into(),
        );
    }
    if rules.unmasked_any_time && near == Some(true) && !c.masked {
        return yes(
            format!("Trong phạm vi {} m, không đeo khẩu trang.", rules.near_m),
            format!("Within {} m without masks.", rules.near_m),
        );
    }
    if (near == Some(true) || c.closed_space) && long == Some(true) {
        return yes(
            format!(
                "Trong phạm vi {} m hoặc cùng không gian kín từ {} phút trở lên.",
                rules.near_m, rules.masked_min
            ),
            format!(
                "Within {} m or in the same closed space for {} minutes or more.",
                rules.near_m, rules.masked_min
            ),
        );
    }
    // Not an F1: say what was missing or fell short.
    let mut vi = Vec::new();
    let mut en = Vec::new();
    match near {
        None if !c.closed_space => {
            vi.push("chưa rõ khoảng cách".to_string());
            en.push("distance unknown".to_string());
        }
        Some(false) if !c.closed_space => {
            vi.push(format!("xa hơn {} m", rules.near_m));
            en.push(format!("farther than {} m", rules.near_m));
        }
        _ => {}
    }
    match long {
        None => {
            vi.push("chưa rõ thời gian".into());
            en.push("duration unknown".into());
        }
        Some(false) => {
            vi.push(format!("dưới {} phút", rules.masked_min));
            en.push(format!("under {} minutes", rules.masked_min));
        }
        Some(true) => {}
    }
    if near == Some(true) && !c.masked && !rules.unmasked_any_time {
        vi.push("không đeo khẩu trang nhưng theo văn bản này phải đủ thời gian".into());
        en.push("unmasked, but this document needs the duration too".into());
    }
    (
        false,
        format!(
            "Không đủ tiêu chí F1 ({src}): {}; vẫn được ghi nhận.",
            vi.join(", ")
        ),
        format!(
            "Does not meet the F1 criteria ({src}): {}; recorded all the same.",
            en.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact() -> NewContact {
        ContactInput {
            person_id: 1,
            other_person_id: 2,
            date: "2021-08-01".into(),
            setting: "workplace".into(),
            ..ContactInput::default()
        }
        .parse(NaiveDate::from_ymd_opt(2021, 9, 1).unwrap_or_default())
        .map_err(|e| e.0)
        .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn the_f1_criteria_of_3638() {
        let r = F1Rules::on(NaiveDate::from_ymd_opt(2021, 8, 1).unwrap_or_default());
        let mut c = contact();
        assert!(!qualifies(&c, &r).0, "nothing known: not F1");
        c.distance_m = Some(1.5);
        assert!(qualifies(&c, &r).0, "within 2 m unmasked");
        c.masked = true;
        assert!(!qualifies(&c, &r).0, "masked, briefly");
        c.duration_min = Some(15);
        assert!(qualifies(&c, &r).0, "masked, 15 minutes");
        c.distance_m = Some(5.0);
        assert!(!qualifies(&c, &r).0);
        c.closed_space = true;
        assert!(qualifies(&c, &r).0, "same closed space for 15 minutes");
        let mut care = contact();
        care.caregiving = true;
        care.masked = true;
        care.distance_m = Some(1.5);
        assert!(qualifies(&care, &r).0);
        let later = F1Rules::on(NaiveDate::from_ymd_opt(2022, 5, 1).unwrap_or_default());
        assert!(!qualifies(&care, &later).0, "1 m from 15/4/2022");
        care.protective_equipment = true;
        assert!(!qualifies(&care, &r).0);
    }

    #[test]
    fn household_and_unknown_values_as_each_document_says() {
        let r3638 = F1Rules::on(NaiveDate::from_ymd_opt(2021, 8, 1).unwrap_or_default());
        let r11042 = F1Rules::on(NaiveDate::from_ymd_opt(2022, 1, 10).unwrap_or_default());
        assert_eq!(
            (r3638.source, r11042.source),
            ("3638/QĐ-BYT", "11042/BYT-DP")
        );
        // Living together is the same closed space, whatever the distance.
        let mut home = contact();
        home.setting = Setting::Household;
        home.distance_m = Some(4.0);
        let (ok, vi, en) = qualifies(&home, &r3638);
        assert!(ok && en.contains("same home") && en.contains("3638") && vi.contains("cùng nhà"));
        assert!(qualifies(&home, &r11042).0);
        // … unless it is known to have lasted less than 15 minutes.
        home.duration_min = Some(5);
        let (ok, _, en) = qualifies(&home, &r3638);
        assert!(!ok && en.contains("under 15 minutes"), "{en}");
        // Unknown distance or duration makes no criterion hold, and says so.
        let mut c = contact();
        c.duration_min = Some(60);
        let (ok, _, en) = qualifies(&c, &r3638);
        assert!(!ok && en.contains("distance unknown"), "{en}");
        c.distance_m = Some(1.0);
        c.duration_min = None;
        assert!(
            qualifies(&c, &r3638).0,
            "3638: within 2 m unmasked, any time"
        );
        let (ok, _, en) = qualifies(&c, &r11042);
        assert!(
            !ok && en.contains("duration unknown"),
            "11042 needs 15 minutes: {en}"
        );
        c.duration_min = Some(20);
        c.masked = true;
        assert!(
            qualifies(&c, &r11042).0,
            "11042: within 2 m for 15 minutes, masked or not"
        );
    }

    /// Issue 18, bug 9: a contact saved without a setting became a household
    /// contact — an F1 under any rule. The setting must be chosen.
    #[test]
    fn a_contact_without_a_setting_is_refused_not_made_household() {
        let e = ContactInput {
            person_id: 1,
            other_person_id: 2,
            date: "05/08/2021".into(),
            setting: "  ".into(),
            ..ContactInput::default()
        }
        .parse(NaiveDate::from_ymd_opt(2021, 9, 1).unwrap_or_default())
        .err()
        .map(|e| e.0)
        .unwrap_or_default();
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].field.as_str(), e[0].code), ("setting", "required"));
    }

    #[test]
    fn bad_contacts_name_their_fields() {
        let bad = ContactInput {
            person_id: 3,
            other_person_id: 3,
            date: "31/02/2021".into(),
            setting: "moon".into(),
            distance_m: Some(-1.0),
            ..ContactInput::default()
        }
        .parse(NaiveDate::from_ymd_opt(2021, 9, 1).unwrap_or_default())
        .err()
        .map(|e| e.0.into_iter().map(|f| f.field).collect::<Vec<_>>())
        .unwrap_or_default();
        assert_eq!(
            bad,
            vec!["other_person_id", "date", "setting", "distance_m"]
        );
    }
}
