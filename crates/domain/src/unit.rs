//! Administrative unit codes (Decision 124/2004/QĐ-TTg): province 2 digits,
//! district 3, commune 5, shown zero-padded; hamlets get `CCCCC-NNN` under their commune.
//! Above the provinces, the national level (the Ministry of Health and the
//! national steering committee) has the reserved code `VN`.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum UnitLevel {
    /// The whole country (`VN`): the Ministry and the national steering committee.
    National,
    Province,
    District,
    Commune,
    Hamlet,
}

impl UnitLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitLevel::National => "national",
            UnitLevel::Province => "province",
            UnitLevel::District => "district",
            UnitLevel::Commune => "commune",
            UnitLevel::Hamlet => "hamlet",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "national" => UnitLevel::National,
            "province" => UnitLevel::Province,
            "district" => UnitLevel::District,
            "commune" => UnitLevel::Commune,
            "hamlet" => UnitLevel::Hamlet,
            _ => return None,
        })
    }

    /// Digits of a national code at this level.
    fn width(self) -> usize {
        match self {
            UnitLevel::National | UnitLevel::Province => 2,
            UnitLevel::District => 3,
            UnitLevel::Commune | UnitLevel::Hamlet => 5,
        }
    }
}

/// A unit code in its canonical zero-padded form. The padded width tells the level,
/// so one string names one unit across all levels.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

impl UnitCode {
    /// The reserved code of the national level, above the 63 provinces.
    pub const NATIONAL: &'static str = "VN";

    /// The national level's unit (`VN`).
    pub fn nation() -> Self {
        UnitCode(Self::NATIONAL.to_owned())
    }

    /// The code of a national unit from its unpadded number (as in the GSO list).
    pub fn national(level: UnitLevel, number: u32) -> Self {
        UnitCode(format!("{:0w$}", number, w = level.width()))
    }

    /// The code of the `seq`-th hamlet of a commune.
    pub fn hamlet(commune: &UnitCode, seq: u32) -> Self {
        UnitCode(format!("{}-{:03}", commune.0, seq))
    }

    pub fn level(&self) -> UnitLevel {
        if self.0 == Self::NATIONAL {
            return UnitLevel::National;
        }
        match self.0.len() {
            2 => UnitLevel::Province,
            3 => UnitLevel::District,
            5 => UnitLevel::Commune,
            _ => UnitLevel::Hamlet,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The commune a hamlet belongs to, from its code.
    pub fn hamlet_commune(&self) -> Option<UnitCode> {
        (self.level() == UnitLevel::Hamlet).then(|| UnitCode(self.0[..5].to_owned()))
    }

    /// Parse a code as users type it. Padded codes tell their level by width;
    /// an unpadded number needs the level it is expected at. `VN` (any case)
    /// is the national level, unless another level is expected.
    pub fn parse_at(s: &str, expected: Option<UnitLevel>) -> Result<Self, FieldError> {
        let s = s.trim();
        if s.eq_ignore_ascii_case(Self::NATIONAL)
            && matches!(expected, None | Some(UnitLevel::National))
        {
            return Ok(Self::nation());
        }
        let bad = || {
            FieldError::new(
                "unit_code",
                "invalid_unit_code",
                format!(
                    "Mã đơn vị hành chính «{s}» không hợp lệ: toàn quốc VN, tỉnh 2 chữ số, huyện 3, xã 5, thôn dạng 00001-001."
                ),
                format!(
                    "Administrative unit code “{s}” is invalid: national VN, province 2 digits, district 3, commune 5, hamlet like 00001-001."
                ),
            )
        };
        if let Some((commune, seq)) = s.split_once('-') {
            let ok = commune.len() == 5
                && commune.bytes().all(|b| b.is_ascii_digit())
                && seq.len() == 3
                && seq.bytes().all(|b| b.is_ascii_digit());
            return if ok {
                Ok(UnitCode(s.to_owned()))
            } else {
                Err(bad())
            };
        }
        if s.is_empty() || s.len() > 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let number: u32 = s.parse().map_err(|_| bad())?;
        let level = match (expected, s.len()) {
            (Some(UnitLevel::National), _) => return Err(bad()),
            (Some(level), _) if level != UnitLevel::Hamlet => level,
            (_, 2) => UnitLevel::Province,
            (_, 3) => UnitLevel::District,
            (_, 5) => UnitLevel::Commune,
            _ => return Err(bad()),
        };
        if s.len() > level.width() {
            return Err(bad());
        }
        Ok(UnitCode::national(level, number))
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Self::parse_at(s, None)
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for UnitCode {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        UnitCode::parse(&s)
    }
}

impl From<UnitCode> for String {
    fn from(c: UnitCode) -> String {
        c.0
    }
}

/// Province codes of the 2021 list: CCCD numbers start with one of these (3 digits).
pub const PROVINCE_CODES_2021: [u32; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

/// A province or district named as case lists and committees write it: a
/// unit code (`79`, `079` for a district), or a name with or without
/// diacritics and its title — `Từ TP. Hồ Chí Minh`, `tỉnh Bình Dương`,
/// `Hà Nội`, `quận 7`. [`unit_name_key`] gives the key both sides compare by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitReference {
    /// Digits only: a code, padded by the caller for the level it expects.
    Code(String),
    /// The folded name without "từ", "về từ" and the unit's title.
    Name(String),
}

/// Titles a province or district name may carry, folded, longest first.
const TITLES: [&[&str]; 7] = [
    &["thanh", "pho", "truc", "thuoc", "trung", "uong"],
    &["thanh", "pho"],
    &["thi", "xa"],
    &["tinh"],
    &["tp"],
    &["quan"],
    &["huyen"],
];

/// Names written for a province other than its official one (folded).
const ALIASES: [(&str, &str); 5] = [
    ("hcm", "ho chi minh"),
    ("tphcm", "ho chi minh"),
    ("sai gon", "ho chi minh"),
    ("hue", "thua thien hue"),
    ("brvt", "ba ria vung tau"),
];

/// The key a unit's name is compared by: folded, without a leading "từ" /
/// "về từ" ("coming from") and without its title (`Thành phố Hồ Chí Minh`,
/// `TP. Hồ Chí Minh` and `ho chi minh` all give `ho chi minh`). A title
/// alone is kept (`Quận 1` gives `1`, but `Thành phố` stays itself).
pub fn unit_name_key(name: &str) -> String {
    let tokens = crate::text::tokens(name);
    let mut t: &[String] = &tokens;
    for lead in [&["ve", "tu"][..], &["tu"][..]] {
        if t.len() > lead.len() && t.iter().zip(lead).all(|(a, b)| a == b) {
            t = &t[lead.len()..];
            break;
        }
    }
    if let Some(title) = TITLES
        .iter()
        .find(|title| t.len() > title.len() && t.iter().zip(title.iter()).all(|(a, b)| a == b))
    {
        t = &t[title.len()..];
    }
    let key = t.join(" ");
    match ALIASES.iter().find(|(alias, _)| *alias == key) {
        Some((_, official)) => (*official).to_owned(),
        None => key,
    }
}

/// Read a typed reference to a province or district (see [`UnitReference`]);
/// `None` when empty.
pub fn unit_reference(s: &str) -> Option<UnitReference> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    if t.chars().all(|c| c.is_ascii_digit()) {
        return Some(UnitReference::Code(t.to_owned()));
    }
    let key = unit_name_key(t);
    (!key.is_empty()).then_some(UnitReference::Name(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_padded_and_know_their_level() {
        assert_eq!(UnitCode::national(UnitLevel::Province, 1).as_str(), "01");
        assert_eq!(UnitCode::national(UnitLevel::District, 1).as_str(), "001");
        assert_eq!(UnitCode::national(UnitLevel::Commune, 4).as_str(), "00004");
        assert_eq!(UnitCode::parse("193").unwrap().level(), UnitLevel::District);
        assert_eq!(
            UnitCode::parse("06649").unwrap().level(),
            UnitLevel::Commune
        );
        let h = UnitCode::hamlet(&UnitCode::parse("06649").unwrap(), 7);
        assert_eq!(h.as_str(), "06649-007");
        assert_eq!(h.level(), UnitLevel::Hamlet);
        assert_eq!(h.hamlet_commune().unwrap().as_str(), "06649");
    }

    #[test]
    fn unpadded_numbers_need_a_level() {
        let c = UnitCode::parse_at("6649", Some(UnitLevel::Commune)).unwrap();
        assert_eq!(c.as_str(), "06649");
        assert_eq!(
            UnitCode::parse_at("1", Some(UnitLevel::Province))
                .unwrap()
                .as_str(),
            "01"
        );
        assert!(UnitCode::parse("6649").is_err());
        assert!(UnitCode::parse("12a").is_err());
        assert!(UnitCode::parse_at("123456", Some(UnitLevel::Commune)).is_err());
        assert!(UnitCode::parse("06649-7").is_err());
    }

    #[test]
    fn the_national_level_is_vn() {
        let vn = UnitCode::parse(" vn ").unwrap();
        assert_eq!(vn.as_str(), "VN");
        assert_eq!(vn.level(), UnitLevel::National);
        assert_eq!(UnitCode::nation(), vn);
        assert!(UnitLevel::National < UnitLevel::Province);
        assert!(UnitCode::parse_at("VN", Some(UnitLevel::Commune)).is_err());
        assert!(UnitCode::parse_at("01", Some(UnitLevel::National)).is_err());
        assert!(UnitCode::parse("VX").is_err());
    }

    #[test]
    fn provinces_are_named_with_or_without_title_and_diacritics() {
        let key = |s: &str| unit_reference(s);
        let name = |s: &str| Some(UnitReference::Name(s.into()));
        assert_eq!(key("Từ TP. Hồ Chí Minh"), name("ho chi minh"));
        assert_eq!(key("về từ Thành phố Hồ Chí Minh"), name("ho chi minh"));
        assert_eq!(key("TPHCM"), name("ho chi minh"));
        assert_eq!(key("tỉnh Bình Dương"), name("binh duong"));
        assert_eq!(key("Tinh Binh Duong"), name("binh duong"));
        assert_eq!(key("Hà Nội"), name("ha noi"));
        assert_eq!(
            key("Thanh Hóa"),
            name("thanh hoa"),
            "not the title “thành phố”"
        );
        assert_eq!(key("Tuyên Quang"), name("tuyen quang"));
        assert_eq!(key("Quận 7"), name("7"));
        assert_eq!(key(" 79 "), Some(UnitReference::Code("79".into())));
        assert_eq!(key("  "), None);
        assert_eq!(unit_name_key("Thành phố Hồ Chí Minh"), "ho chi minh");
        assert_eq!(unit_name_key("Tỉnh Bà Rịa - Vũng Tàu"), "ba ria vung tau");
    }
}
