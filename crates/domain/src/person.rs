//! A person of the registry: the checked types a person is made of, and the
//! parse from raw input (a form, an API body, a spreadsheet row) into them.
//!
//! `PersonInput` (raw strings as typed or imported) is parsed by
//! `PersonInput::parse(today)` into `NewPerson`: `NationalId` CMND 9 / CCCD 12
//! digits, with the CCCD's province, century-and-sex digit and birth year
//! checked against the other fields; `PhoneNumber` normalised to `0…` from
//! `+84`/`84`/spaces/dots; `Birth` (a date or a year), `Sex`, `Vulnerability`.
//! `PersonInput::parse_case` makes anonymised case persons (name = the case
//! number and `anonymous`, `age_years` kept as given with the birth year it
//! implies, sex `unknown`).

use crate::error::{FieldError, Invalid};
use crate::text;
use crate::unit::{PROVINCE_CODES_2021, UnitCode, UnitLevel};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
    /// Not stated: only anonymised case records (a published case list) may
    /// leave it so ([`PersonInput::parse_case`]).
    Unknown,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
            Sex::Unknown => "unknown",
        }
    }

    /// Accepts the Vietnamese and English words and their usual abbreviations.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        match text::fold(s).as_str() {
            "nam" | "male" | "m" | "trai" => Ok(Sex::Male),
            "nu" | "female" | "f" | "gai" => Ok(Sex::Female),
            "khong ro" | "chua ro" | "unknown" | "?" | "-" | "kr" => Ok(Sex::Unknown),
            _ => Err(FieldError::new(
                "sex",
                "invalid_sex",
                format!("Giới tính «{s}» không hợp lệ: ghi Nam hoặc Nữ."),
                format!("Sex “{s}” is invalid: use male or female (Nam / Nữ)."),
            )),
        }
    }
}

/// Birth date when known, otherwise the birth year (common in tracing lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Birth {
    Date(NaiveDate),
    Year(i32),
}

impl Birth {
    pub fn year(self) -> i32 {
        match self {
            Birth::Date(d) => d.year(),
            Birth::Year(y) => y,
        }
    }

    pub fn date(self) -> Option<NaiveDate> {
        match self {
            Birth::Date(d) => Some(d),
            Birth::Year(_) => None,
        }
    }

    /// Accepts `YYYY-MM-DD`, `DD/MM/YYYY` (Vietnamese forms) or a bare year.
    pub fn parse(s: &str, today: NaiveDate) -> Result<Self, FieldError> {
        let s = s.trim();
        let bad = || {
            FieldError::new(
                "birth",
                "invalid_birth",
                format!("Ngày sinh «{s}» không hợp lệ: ghi dd/mm/yyyy, yyyy-mm-dd hoặc năm sinh."),
                format!("Birth “{s}” is invalid: use dd/mm/yyyy, yyyy-mm-dd or a year."),
            )
        };
        let birth = if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
            Birth::Year(s.parse().map_err(|_| bad())?)
        } else if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Birth::Date(d)
        } else if let Ok(d) = NaiveDate::parse_from_str(s, "%d/%m/%Y") {
            Birth::Date(d)
        } else if let Ok(d) = NaiveDate::parse_from_str(s, "%d-%m-%Y") {
            Birth::Date(d)
        } else {
            return Err(bad());
        };
        let too_early = birth.year() < 1900;
        let in_future = match birth {
            Birth::Date(d) => d > today,
            Birth::Year(y) => y > today.year(),
        };
        if too_early || in_future {
            return Err(FieldError::new(
                "birth",
                "birth_out_of_range",
                format!("Ngày sinh «{s}» phải từ năm 1900 đến hôm nay."),
                format!("Birth “{s}” must lie between 1900 and today."),
            ));
        }
        Ok(birth)
    }
}

impl fmt::Display for Birth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Birth::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Birth::Year(y) => write!(f, "{y}"),
        }
    }
}

/// National identity number: the old 9-digit CMND or the 12-digit CCCD.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "number", rename_all = "snake_case")]
pub enum NationalId {
    Cmnd(String),
    Cccd(String),
}

impl NationalId {
    pub fn as_str(&self) -> &str {
        match self {
            NationalId::Cmnd(s) | NationalId::Cccd(s) => s,
        }
    }

    /// Digits only; spaces and dots as people write them are ignored.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let digits: String = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) || !matches!(digits.len(), 9 | 12) {
            return Err(FieldError::new(
                "national_id",
                "invalid_national_id",
                format!("Số định danh «{s}» không hợp lệ: CMND 9 chữ số hoặc CCCD 12 chữ số."),
                format!("National ID “{s}” is invalid: CMND has 9 digits, CCCD 12."),
            ));
        }
        if digits.len() == 9 {
            return Ok(NationalId::Cmnd(digits));
        }
        let province: u32 = digits[..3].parse().unwrap_or(0);
        if !PROVINCE_CODES_2021.contains(&province) {
            return Err(FieldError::new(
                "national_id",
                "cccd_province",
                format!(
                    "CCCD «{digits}»: ba chữ số đầu ({}) không phải mã tỉnh nơi đăng ký khai sinh.",
                    &digits[..3]
                ),
                format!(
                    "CCCD “{digits}”: the first three digits ({}) are not a province code of birth registration.",
                    &digits[..3]
                ),
            ));
        }
        Ok(NationalId::Cccd(digits))
    }

    /// For a CCCD, the sex and birth century encoded in its fourth digit and the
    /// last two digits of the birth year in the fifth and sixth.
    pub fn cccd_sex_and_year(&self) -> Option<(Sex, i32)> {
        let NationalId::Cccd(d) = self else {
            return None;
        };
        let gender_century = (d.as_bytes()[3] - b'0') as i32;
        let yy: i32 = d[4..6].parse().ok()?;
        let sex = if gender_century % 2 == 0 {
            Sex::Male
        } else {
            Sex::Female
        };
        let century = 1900 + 100 * (gender_century / 2);
        Some((sex, century + yy))
    }

    /// The province code where the birth was registered (CCCD only), zero-padded.
    pub fn cccd_province(&self) -> Option<UnitCode> {
        let NationalId::Cccd(d) = self else {
            return None;
        };
        d[..3]
            .parse()
            .ok()
            .map(|n| UnitCode::national(UnitLevel::Province, n))
    }
}

/// A Vietnamese phone number in national form (`0…`): a 10-digit mobile
/// (03, 05, 07, 08, 09) or an 11-digit landline (02x area codes since 2017).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let mut digits: String = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
            .collect();
        if let Some(rest) = digits.strip_prefix("+84").or_else(|| {
            digits
                .strip_prefix("84")
                .filter(|r| r.len() >= 9 && !r.starts_with('0'))
        }) {
            digits = format!("0{rest}");
        }
        let all_digits = digits.bytes().all(|b| b.is_ascii_digit());
        let mobile = digits.len() == 10
            && matches!(&digits.get(..2), Some("03" | "05" | "07" | "08" | "09"));
        let landline = digits.len() == 11 && digits.starts_with("02");
        if all_digits && (mobile || landline) {
            return Ok(PhoneNumber(digits));
        }
        let old_mobile = all_digits && digits.len() == 11 && digits.starts_with("01");
        Err(if old_mobile {
            FieldError::new(
                "phone",
                "old_mobile_prefix",
                format!(
                    "Số điện thoại «{s}» dùng đầu số 11 số cũ; từ 2018 đã chuyển sang 10 số (ví dụ 0162… → 032…)."
                ),
                format!(
                    "Phone “{s}” uses an old 11-digit mobile prefix, converted to 10 digits in 2018 (e.g. 0162… → 032…)."
                ),
            )
        } else {
            FieldError::new(
                "phone",
                "invalid_phone",
                format!(
                    "Số điện thoại «{s}» không hợp lệ: di động 10 số (03, 05, 07, 08, 09) hoặc cố định 11 số (02…), có thể bắt đầu bằng +84."
                ),
                format!(
                    "Phone “{s}” is invalid: a 10-digit mobile (03, 05, 07, 08, 09) or 11-digit landline (02…), optionally starting +84."
                ),
            )
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// International form for SMS gateways: `+84…`.
    pub fn international(&self) -> String {
        format!("+84{}", &self.0[1..])
    }
}

/// Why a person needs extra care during quarantine, lockdown or home treatment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vulnerability {
    ElderlyAlone,
    Disability,
    PoorHousehold,
    Pregnant,
    ChronicDisease,
}

impl Vulnerability {
    pub const ALL: [Vulnerability; 5] = [
        Vulnerability::ElderlyAlone,
        Vulnerability::Disability,
        Vulnerability::PoorHousehold,
        Vulnerability::Pregnant,
        Vulnerability::ChronicDisease,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Vulnerability::ElderlyAlone => "elderly_alone",
            Vulnerability::Disability => "disability",
            Vulnerability::PoorHousehold => "poor_household",
            Vulnerability::Pregnant => "pregnant",
            Vulnerability::ChronicDisease => "chronic_disease",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Vulnerability::ElderlyAlone => "người cao tuổi sống một mình",
            Vulnerability::Disability => "người khuyết tật",
            Vulnerability::PoorHousehold => "hộ nghèo",
            Vulnerability::Pregnant => "phụ nữ mang thai",
            Vulnerability::ChronicDisease => "bệnh nền",
        }
    }

    /// Accepts the English keys and the Vietnamese words, folded.
    pub fn parse(s: &str) -> Option<Self> {
        let f = text::fold(s).replace(' ', "_");
        Vulnerability::ALL
            .into_iter()
            .find(|v| v.as_str() == f || text::fold(v.label_vi()).replace(' ', "_") == f)
            .or(match f.as_str() {
                "cao_tuoi_song_mot_minh" | "elderly" => Some(Vulnerability::ElderlyAlone),
                "khuyet_tat" => Some(Vulnerability::Disability),
                "ngheo" | "poor" => Some(Vulnerability::PoorHousehold),
                "mang_thai" | "co_thai" => Some(Vulnerability::Pregnant),
                "benh_man_tinh" | "chronic" => Some(Vulnerability::ChronicDisease),
                _ => None,
            })
    }
}

/// A person as typed: every field a string, nothing checked yet. Forms, the API
/// and spreadsheet rows all arrive in this shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PersonInput {
    pub full_name: String,
    /// `YYYY-MM-DD`, `DD/MM/YYYY` or a year.
    pub birth: String,
    pub sex: String,
    pub national_id: String,
    pub phone: String,
    /// Commune code (5 digits) of the address.
    pub commune_code: String,
    /// Hamlet / residential group code (`CCCCC-NNN`), optional.
    pub hamlet_code: String,
    pub street_address: String,
    pub occupation: String,
    pub workplace: String,
    /// Comma- or semicolon-separated vulnerability keys or Vietnamese words.
    pub vulnerabilities: String,
    /// Age in whole years, in place of a birth date or year (published case
    /// lists); only for case records ([`PersonInput::parse_case`]).
    pub age: String,
}

/// A person whose every field has been checked. Unit existence is the store's job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewPerson {
    pub full_name: String,
    pub birth: Birth,
    pub sex: Sex,
    pub national_id: Option<NationalId>,
    pub phone: Option<PhoneNumber>,
    pub commune_code: UnitCode,
    pub hamlet_code: Option<UnitCode>,
    pub street_address: Option<String>,
    pub occupation: Option<String>,
    pub workplace: Option<String>,
    pub vulnerabilities: Vec<Vulnerability>,
    /// Known only by a case number (published lists): the name holds it.
    pub anonymous: bool,
    /// The age given in place of a birth date or year; `birth` is then the
    /// year it implies (approximate by up to one year).
    pub age_years: Option<i32>,
}

fn optional_text(field: &str, s: &str, max: usize, errors: &mut Vec<FieldError>) -> Option<String> {
    let s = text::clean(s);
    if s.chars().count() > max {
        errors.push(FieldError::new(
            field,
            "too_long",
            format!("Trường {field} dài quá {max} ký tự."),
            format!("Field {field} is longer than {max} characters."),
        ));
    }
    (!s.is_empty()).then_some(s)
}

fn parse_name(s: &str) -> Result<String, FieldError> {
    let name = text::clean(s);
    if name.is_empty() {
        return Err(FieldError::required("full_name", "họ và tên", "Full name"));
    }
    let ok_chars = name
        .chars()
        .all(|c| c.is_alphabetic() || c == ' ' || c == '\'' || c == '-');
    let words = name.split(' ').count();
    if !ok_chars || name.chars().count() > 100 || words < 2 {
        return Err(FieldError::new(
            "full_name",
            "invalid_name",
            format!(
                "Họ và tên «{name}» không hợp lệ: cần ít nhất họ và tên, chỉ gồm chữ cái, tối đa 100 ký tự."
            ),
            format!(
                "Full name “{name}” is invalid: give at least family and given name, letters only, at most 100 characters."
            ),
        ));
    }
    Ok(name)
}

impl PersonInput {
    /// Check every field, collecting all problems; `today` bounds birth dates.
    pub fn parse(&self, today: NaiveDate) -> Result<NewPerson, Invalid> {
        self.parse_with(today, None)
    }

    /// A person of a case record: when the case has a number (`case_code`),
    /// the record may be anonymised as published lists are — no name (the
    /// name shown is the case number), an age in years (as of `age_on`, the
    /// confirmation) instead of a birth date or year, sex unknown. Without a
    /// number every field is required as usual. Nothing is invented: the
    /// person is marked anonymous and the age is kept as given.
    pub fn parse_case(
        &self,
        today: NaiveDate,
        case_code: Option<&str>,
        age_on: NaiveDate,
    ) -> Result<NewPerson, Invalid> {
        self.parse_with(today, case_code.map(|c| (c, age_on)))
    }

    fn parse_with(
        &self,
        today: NaiveDate,
        case: Option<(&str, NaiveDate)>,
    ) -> Result<NewPerson, Invalid> {
        let mut errors = Vec::new();
        let anonymous = case.is_some() && self.full_name.trim().is_empty();
        let full_name = match case {
            Some((code, _)) if anonymous => Some(code.to_owned()),
            _ => parse_name(&self.full_name).map_err(|e| errors.push(e)).ok(),
        };
        let mut age_years = None;
        let age = self.age.trim();
        if !age.is_empty() {
            match (age.parse::<i32>(), case) {
                (Ok(a), Some((_, on)))
                    if (0..=120).contains(&a) && self.birth.trim().is_empty() =>
                {
                    if on.year() - a >= 1900 {
                        age_years = Some(a);
                    } else {
                        errors.push(FieldError::new(
                            "age",
                            "age_out_of_range",
                            "Tuổi không hợp lệ: năm sinh suy ra trước 1900.",
                            "The age is out of range: it implies a birth before 1900.",
                        ));
                    }
                }
                (Ok(_), Some(_)) if !self.birth.trim().is_empty() => {}
                (Ok(_), None) => errors.push(FieldError::new(
                    "age",
                    "age_needs_case_number",
                    "Chỉ ghi tuổi thay ngày sinh cho ca bệnh có mã BN.",
                    "An age in place of a birth date is only for a case with its case number.",
                )),
                _ => errors.push(FieldError::new(
                    "age",
                    "invalid_age",
                    format!("Tuổi «{age}» không hợp lệ: số năm từ 0 đến 120."),
                    format!("Age “{age}” is invalid: whole years from 0 to 120."),
                )),
            }
        }
        let birth = if let (Some(a), Some((_, on))) = (age_years, case) {
            Some(Birth::Year(on.year() - a))
        } else if self.birth.trim().is_empty() {
            errors.push(FieldError::required(
                "birth",
                "ngày hoặc năm sinh",
                "Birth date or year",
            ));
            None
        } else {
            Birth::parse(&self.birth, today)
                .map_err(|e| errors.push(e))
                .ok()
        };
        let sex = if self.sex.trim().is_empty() && case.is_some() {
            Some(Sex::Unknown)
        } else if self.sex.trim().is_empty() {
            errors.push(FieldError::required("sex", "giới tính", "Sex"));
            None
        } else {
            match Sex::parse(&self.sex) {
                Ok(Sex::Unknown) if case.is_none() => {
                    errors.push(FieldError::new(
                        "sex",
                        "invalid_sex",
                        "Giới tính «không rõ» chỉ dùng cho ca bệnh có mã BN.",
                        "Sex “unknown” is only for a case with its case number.",
                    ));
                    None
                }
                r => r.map_err(|e| errors.push(e)).ok(),
            }
        };
        let national_id = (!self.national_id.trim().is_empty())
            .then(|| {
                NationalId::parse(&self.national_id)
                    .map_err(|e| errors.push(e))
                    .ok()
            })
            .flatten();
        let phone = (!self.phone.trim().is_empty())
            .then(|| {
                PhoneNumber::parse(&self.phone)
                    .map_err(|e| errors.push(e))
                    .ok()
            })
            .flatten();
        let commune_code = if self.commune_code.trim().is_empty() {
            errors.push(FieldError::required(
                "commune_code",
                "mã xã/phường",
                "Commune code",
            ));
            None
        } else {
            match UnitCode::parse_at(&self.commune_code, Some(UnitLevel::Commune)) {
                Ok(c) if c.level() == UnitLevel::Commune => Some(c),
                Ok(_) | Err(_) => {
                    errors.push(FieldError::new(
                        "commune_code",
                        "invalid_commune_code",
                        format!(
                            "Mã xã «{}» không hợp lệ: 5 chữ số.",
                            self.commune_code.trim()
                        ),
                        format!(
                            "Commune code “{}” is invalid: 5 digits.",
                            self.commune_code.trim()
                        ),
                    ));
                    None
                }
            }
        };
        let hamlet_code = match self.hamlet_code.trim() {
            "" => None,
            h => match UnitCode::parse(h) {
                Ok(c) if c.level() == UnitLevel::Hamlet => {
                    if commune_code
                        .as_ref()
                        .is_some_and(|cc| c.hamlet_commune().as_ref() != Some(cc))
                    {
                        errors.push(FieldError::new(
                            "hamlet_code",
                            "hamlet_not_in_commune",
                            format!("Thôn/tổ «{h}» không thuộc xã đã chọn."),
                            format!("Hamlet “{h}” does not belong to the chosen commune."),
                        ));
                    }
                    Some(c)
                }
                _ => {
                    errors.push(FieldError::new(
                        "hamlet_code",
                        "invalid_hamlet_code",
                        format!("Mã thôn/tổ «{h}» không hợp lệ: dạng 00001-001."),
                        format!("Hamlet code “{h}” is invalid: like 00001-001."),
                    ));
                    None
                }
            },
        };
        let street_address =
            optional_text("street_address", &self.street_address, 200, &mut errors);
        let occupation = optional_text("occupation", &self.occupation, 100, &mut errors);
        let workplace = optional_text("workplace", &self.workplace, 200, &mut errors);
        let mut vulnerabilities = Vec::new();
        for part in self
            .vulnerabilities
            .split([',', ';', '|'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match Vulnerability::parse(part) {
                Some(v) if !vulnerabilities.contains(&v) => vulnerabilities.push(v),
                Some(_) => {}
                None => errors.push(FieldError::new(
                    "vulnerabilities",
                    "invalid_vulnerability",
                    format!("Diện ưu tiên «{part}» không hợp lệ: cao tuổi sống một mình, khuyết tật, hộ nghèo, mang thai, bệnh nền."),
                    format!("Vulnerability “{part}” is invalid: elderly_alone, disability, poor_household, pregnant, chronic_disease."),
                )),
            }
        }
        vulnerabilities.sort();

        if let (Some(id), Some(sex), Some(birth)) =
            (&national_id, sex.filter(|s| *s != Sex::Unknown), birth)
            && let Some((id_sex, id_year)) = id.cccd_sex_and_year()
        {
            if id_sex != sex {
                errors.push(FieldError::new(
                    "national_id",
                    "cccd_sex_mismatch",
                    "Chữ số thứ 4 của CCCD (giới tính, thế kỷ) không khớp với giới tính đã ghi.",
                    "The CCCD's fourth digit (sex and century) does not match the sex given.",
                ));
            }
            if id_year != birth.year() {
                errors.push(FieldError::new(
                    "national_id",
                    "cccd_birth_year_mismatch",
                    format!(
                        "CCCD ghi năm sinh {id_year}, khác năm sinh đã ghi {}.",
                        birth.year()
                    ),
                    format!(
                        "The CCCD encodes birth year {id_year}, not the {} given.",
                        birth.year()
                    ),
                ));
            }
        }
        if vulnerabilities.contains(&Vulnerability::Pregnant) && sex == Some(Sex::Male) {
            errors.push(FieldError::new(
                "vulnerabilities",
                "pregnant_male",
                "Diện «mang thai» chỉ áp dụng cho nữ.",
                "“Pregnant” applies only to women.",
            ));
        }

        match (full_name, birth, sex, commune_code) {
            (Some(full_name), Some(birth), Some(sex), Some(commune_code)) if errors.is_empty() => {
                Ok(NewPerson {
                    full_name,
                    birth,
                    sex,
                    national_id,
                    phone,
                    commune_code,
                    hamlet_code,
                    street_address,
                    occupation,
                    workplace,
                    vulnerabilities,
                    anonymous,
                    age_years,
                })
            }
            _ => Err(Invalid(errors)),
        }
    }
}

impl NewPerson {
    /// The folded given name (last word): the blocking key for duplicate search.
    pub fn given_name_key(&self) -> String {
        crate::similarity::given_name_key(&self.full_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 9, 1).unwrap()
    }

    fn input() -> PersonInput {
        PersonInput {
            full_name: "  Nguyễn   Văn An ".into(),
            birth: "15/03/1985".into(),
            sex: "Nam".into(),
            national_id: "022 085 001234".into(),
            phone: "+84 912 345 678".into(),
            commune_code: "6649".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_person_parses_into_checked_types() {
        let p = input().parse(today()).unwrap();
        assert_eq!(p.full_name, "Nguyễn Văn An");
        assert_eq!(
            p.birth,
            Birth::Date(NaiveDate::from_ymd_opt(1985, 3, 15).unwrap())
        );
        assert_eq!(p.national_id, Some(NationalId::Cccd("022085001234".into())));
        assert_eq!(p.phone.unwrap().as_str(), "0912345678");
        assert_eq!(p.commune_code.as_str(), "06649");
    }

    #[test]
    fn cccd_is_checked_against_sex_and_birth_year() {
        let mut i = input();
        i.sex = "Nữ".into();
        i.birth = "1986".into();
        let errs = i.parse(today()).unwrap_err().0;
        let codes: Vec<_> = errs.iter().map(|e| e.code).collect();
        assert_eq!(codes, vec!["cccd_sex_mismatch", "cccd_birth_year_mismatch"]);
        // Century digit 3 = female born in the 2000s.
        let id = NationalId::parse("001305000001").unwrap();
        assert_eq!(id.cccd_sex_and_year(), Some((Sex::Female, 2005)));
        assert_eq!(id.cccd_province().unwrap().as_str(), "01");
    }

    #[test]
    fn cccd_must_start_with_a_province_code() {
        let e = NationalId::parse("003085001234").unwrap_err();
        assert_eq!(e.code, "cccd_province");
        assert!(matches!(
            NationalId::parse("123456789"),
            Ok(NationalId::Cmnd(_))
        ));
        assert_eq!(
            NationalId::parse("12345").unwrap_err().code,
            "invalid_national_id"
        );
    }

    #[test]
    fn phones_in_every_usual_form() {
        for ok in [
            "0912345678",
            "+84912345678",
            "84 912 345 678",
            "091.234.5678",
            "02033 845 678",
            "(024) 3825 1234",
        ] {
            assert!(PhoneNumber::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            PhoneNumber::parse("+84912345678").unwrap().international(),
            "+84912345678"
        );
        assert_eq!(
            PhoneNumber::parse("01623456789").unwrap_err().code,
            "old_mobile_prefix"
        );
        for bad in ["0112345678", "091234567", "abc", "0412345678"] {
            assert_eq!(
                PhoneNumber::parse(bad).unwrap_err().code,
                "invalid_phone",
                "{bad}"
            );
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let i = PersonInput {
            full_name: "An".into(),
            birth: "31/02/1990".into(),
            sex: "x".into(),
            phone: "123".into(),
            commune_code: "".into(),
            vulnerabilities: "hộ nghèo; bay".into(),
            ..Default::default()
        };
        let errs = i.parse(today()).unwrap_err().0;
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "full_name",
                "birth",
                "sex",
                "phone",
                "commune_code",
                "vulnerabilities"
            ]
        );
        assert!(
            errs.iter()
                .all(|e| !e.message_vi.is_empty() && !e.message_en.is_empty())
        );
    }

    #[test]
    fn birth_forms_and_range() {
        assert_eq!(Birth::parse("1990", today()).unwrap(), Birth::Year(1990));
        assert!(Birth::parse("2030", today()).is_err());
        assert!(Birth::parse("1899", today()).is_err());
        assert_eq!(Birth::parse("2021-08-31", today()).unwrap().year(), 2021);
    }

    #[test]
    fn vulnerabilities_in_vietnamese_or_english() {
        let mut i = input();
        i.vulnerabilities = "Bệnh nền, disability, khuyết tật".into();
        let p = i.parse(today()).unwrap();
        assert_eq!(
            p.vulnerabilities,
            vec![Vulnerability::Disability, Vulnerability::ChronicDisease]
        );
        i.vulnerabilities = "mang thai".into();
        assert_eq!(i.parse(today()).unwrap_err().0[0].code, "pregnant_male");
    }
}
