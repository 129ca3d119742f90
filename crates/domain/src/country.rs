//! Countries of imported cases (*ca nhập cảnh*): an ISO 3166-1 alpha-2 code,
//! typed as the code (alpha-2 or alpha-3), or as the Vietnamese or English
//! name committees write (`Anh`, `Vương quốc Anh`, `UK`, `Mỹ`, `Hoa Kỳ`,
//! `USA`…), and shown by name. "Imported, country unknown" is the value
//! [`UNKNOWN`]; Vietnam is not a country a case is imported from; anything
//! else is refused with the value, never guessed.

use crate::error::FieldError;
use crate::text::fold;
use isocountry::CountryCode;

/// Imported, country unknown (ISO 3166 leaves `XX` to users; used as
/// "unknown state" by several registries).
pub const UNKNOWN: &str = "XX";

/// Vietnamese names (as committees write them) of the countries cases came
/// from in 2020–2022, and the usual ones besides; alpha-2 code first. Folded
/// forms are compared, so diacritics are optional when typing.
const VI: &[(&str, &[&str])] = &[
    (
        "AE",
        &["Các Tiểu vương quốc Ả Rập Thống nhất", "UAE", "Dubai"],
    ),
    ("AF", &["Afghanistan"]),
    ("AO", &["Angola"]),
    ("AR", &["Argentina", "Ác-hen-ti-na"]),
    ("AT", &["Áo"]),
    ("AU", &["Úc", "Australia", "Ô-xtrây-li-a"]),
    ("BD", &["Bangladesh", "Băng-la-đét"]),
    ("BE", &["Bỉ"]),
    ("BH", &["Bahrain", "Ba-ranh"]),
    ("BN", &["Brunei", "Bru-nây"]),
    ("BR", &["Brazil", "Bra-xin"]),
    ("BY", &["Belarus", "Bê-la-rút"]),
    ("CA", &["Canada", "Ca-na-đa"]),
    ("CH", &["Thụy Sĩ"]),
    ("CL", &["Chile", "Chi-lê"]),
    ("CN", &["Trung Quốc"]),
    ("CO", &["Colombia", "Cô-lôm-bi-a"]),
    ("CU", &["Cuba", "Cu Ba"]),
    ("CZ", &["Séc", "Cộng hòa Séc", "Czech"]),
    ("DE", &["Đức", "CHLB Đức"]),
    ("DK", &["Đan Mạch"]),
    ("DZ", &["Algeria", "An-giê-ri"]),
    ("EG", &["Ai Cập"]),
    ("ES", &["Tây Ban Nha"]),
    ("FI", &["Phần Lan"]),
    ("FR", &["Pháp"]),
    (
        "GB",
        &[
            "Anh",
            "Vương quốc Anh",
            "UK",
            "United Kingdom",
            "Britain",
            "Great Britain",
            "England",
            "Scotland",
            "Wales",
        ],
    ),
    ("GH", &["Ghana", "Ga-na"]),
    ("GQ", &["Guinea Xích Đạo", "Equatorial Guinea"]),
    ("GR", &["Hy Lạp"]),
    ("HK", &["Hồng Kông", "Hong Kong"]),
    ("HU", &["Hungary", "Hung-ga-ri"]),
    ("ID", &["Indonesia", "In-đô-nê-xi-a"]),
    ("IE", &["Ireland", "Ai-len", "Ai Len"]),
    ("IL", &["Israel", "I-xra-en"]),
    ("IN", &["Ấn Độ", "India"]),
    ("IQ", &["Iraq", "I-rắc"]),
    ("IR", &["Iran", "I-ran"]),
    ("IT", &["Ý", "Italia", "Italy"]),
    ("JO", &["Jordan", "Gioóc-đa-ni"]),
    ("JP", &["Nhật Bản", "Nhật", "Japan"]),
    ("KE", &["Kenya", "Kê-ni-a"]),
    ("KH", &["Campuchia", "Cam-pu-chia", "Cambodia"]),
    ("KP", &["Triều Tiên", "Bắc Triều Tiên", "North Korea"]),
    ("KR", &["Hàn Quốc", "Nam Hàn", "South Korea", "Korea"]),
    ("KW", &["Kuwait", "Cô-oét", "Cô Oét"]),
    ("KZ", &["Kazakhstan", "Ca-dắc-xtan"]),
    ("LA", &["Lào", "Laos"]),
    ("LK", &["Sri Lanka", "Xri Lan-ca"]),
    ("MM", &["Myanmar", "Mi-an-ma", "Burma"]),
    ("MN", &["Mông Cổ", "Mongolia"]),
    ("MO", &["Ma Cao", "Macao", "Macau"]),
    ("MX", &["Mexico", "Mê-hi-cô"]),
    ("MY", &["Malaysia", "Ma-lai-xi-a"]),
    ("NG", &["Nigeria", "Ni-giê-ri-a"]),
    ("NL", &["Hà Lan", "Netherlands", "Holland"]),
    ("NO", &["Na Uy", "Norway"]),
    ("NP", &["Nepal", "Nê-pan"]),
    ("NZ", &["New Zealand", "Niu Di-lân"]),
    ("OM", &["Oman", "Ô-man"]),
    ("PE", &["Peru", "Pê-ru"]),
    ("PH", &["Philippines", "Phi-líp-pin", "Philippin"]),
    ("PK", &["Pakistan", "Pa-ki-xtan"]),
    ("PL", &["Ba Lan", "Poland"]),
    ("PT", &["Bồ Đào Nha", "Portugal"]),
    ("QA", &["Qatar", "Ca-ta"]),
    ("RO", &["Romania", "Ru-ma-ni"]),
    ("RU", &["Nga", "Liên bang Nga", "Russia"]),
    ("SA", &["Ả Rập Xê Út", "Ả-rập Xê-út", "Saudi Arabia"]),
    ("SE", &["Thụy Điển", "Sweden"]),
    ("SG", &["Singapore", "Xin-ga-po"]),
    ("SK", &["Slovakia", "Xlô-va-ki-a"]),
    ("TH", &["Thái Lan", "Thailand"]),
    ("TR", &["Thổ Nhĩ Kỳ", "Turkey", "Türkiye"]),
    ("TW", &["Đài Loan", "Taiwan"]),
    ("UA", &["Ukraine", "U-crai-na"]),
    (
        "US",
        &["Mỹ", "Hoa Kỳ", "USA", "US", "United States", "America"],
    ),
    ("UZ", &["Uzbekistan", "U-dơ-bê-ki-xtan"]),
    ("VE", &["Venezuela", "Vê-nê-xu-ê-la"]),
    ("VN", &["Việt Nam", "Vietnam"]),
    ("ZA", &["Nam Phi", "South Africa"]),
];

/// Words that say "imported, country unknown".
const UNKNOWN_WORDS: &[&str] = &[
    "khong ro",
    "chua ro",
    "khong ro quoc gia",
    "nhap canh",
    "nhap canh khong ro",
    "unknown",
    "unknown country",
    "imported",
    "xx",
];

/// The country's name in Vietnamese (the first of its names in the Vietnamese table) or English (ISO).
pub fn name(code: &str, vietnamese: bool) -> String {
    if code == UNKNOWN {
        return if vietnamese {
            "Nhập cảnh, chưa rõ quốc gia".into()
        } else {
            "Imported, country unknown".into()
        };
    }
    if vietnamese && let Some((_, names)) = VI.iter().find(|(c, _)| *c == code) {
        return names[0].to_owned();
    }
    CountryCode::for_alpha2(code)
        .map(|c| c.name().to_owned())
        .unwrap_or_else(|_| code.to_owned())
}

fn not_a_country(value: &str) -> FieldError {
    FieldError::new(
        "country",
        "unknown_country",
        format!(
            "Không nhận ra quốc gia «{value}»: ghi mã ISO (GB, US, JP…) hoặc tên nước (Anh, Mỹ, Nhật Bản…), hoặc «không rõ»."
        ),
        format!(
            "Country “{value}” is not recognised: give the ISO code (GB, US, JP…) or the name (UK, USA, Japan…), or “unknown”."
        ),
    )
}

/// The ISO 3166-1 alpha-2 code of a country as typed, or [`UNKNOWN`].
/// Vietnam is refused (a case found here is not imported from here).
pub fn parse(value: &str) -> Result<String, FieldError> {
    let f = fold(value).replace(['.', '-', '_'], " ");
    let f = f.split_whitespace().collect::<Vec<_>>().join(" ");
    if f.is_empty() {
        return Err(not_a_country(value));
    }
    if UNKNOWN_WORDS.contains(&f.as_str()) {
        return Ok(UNKNOWN.into());
    }
    let code = lookup(value.trim(), &f).ok_or_else(|| not_a_country(value))?;
    if code == "VN" {
        return Err(FieldError::new(
            "country",
            "domestic",
            format!("«{value}» là Việt Nam: ca nhập cảnh phải ghi nước đi, hoặc «không rõ»."),
            format!(
                "“{value}” is Vietnam: an imported case names the country it came from, or “unknown”."
            ),
        ));
    }
    Ok(code)
}

/// Whether a typed value names a country (or "unknown"); for telling a
/// country from a cluster name or a case code in an "infected by" list.
pub fn is_country(value: &str) -> bool {
    parse(value).is_ok()
}

/// A code typed in capitals (`MY`, `GBR`) is a code; otherwise names come
/// first — `Mỹ` folds to `my`, which is also Malaysia's code — then codes in
/// any case, then the ISO English names.
fn lookup(raw: &str, f: &str) -> Option<String> {
    let compact = f.replace(' ', "");
    let code = |s: &str| -> Option<String> {
        let letters = s.chars().all(|c| c.is_ascii_alphabetic());
        match s.len() {
            2 if letters => CountryCode::for_alpha2_caseless(s).ok(),
            3 if letters => CountryCode::for_alpha3_caseless(s).ok(),
            _ => None,
        }
        .map(|c| c.alpha2().to_owned())
    };
    let raw_compact: String = raw.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
    if raw_compact.chars().all(|c| c.is_ascii_uppercase())
        && let Some(c) = code(&raw_compact)
    {
        return Some(c);
    }
    let same = |name: &str| {
        let n = fold(name).replace(['.', '-', '_'], " ");
        n.split_whitespace().collect::<Vec<_>>().join(" ") == f
            || n.replace([' ', '-'], "") == compact
    };
    if let Some((code, _)) = VI.iter().find(|(_, names)| names.iter().any(|n| same(n))) {
        return Some((*code).to_owned());
    }
    code(&compact).or_else(|| {
        CountryCode::iter()
            .find(|c| same(c.name()))
            .map(|c| c.alpha2().to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_become_one_code() {
        for (typed, code) in [
            ("Anh", "GB"),
            ("Vương quốc Anh", "GB"),
            ("vuong quoc anh", "GB"),
            ("UK", "GB"),
            ("gb", "GB"),
            ("GBR", "GB"),
            ("Pháp", "FR"),
            ("Mỹ", "US"),
            ("my", "US"),
            ("MY", "MY"),
            ("Malaysia", "MY"),
            ("Hoa Kỳ", "US"),
            ("USA", "US"),
            ("U.S.A.", "US"),
            ("United States of America", "US"),
            ("Nhật Bản", "JP"),
            ("Hàn Quốc", "KR"),
            ("Nga", "RU"),
            ("Ả Rập Xê Út", "SA"),
            ("Guinea Xích Đạo", "GQ"),
            ("Germany", "DE"),
            ("Đức", "DE"),
            ("không rõ", UNKNOWN),
            ("Unknown", UNKNOWN),
        ] {
            assert_eq!(parse(typed).as_deref(), Ok(code), "{typed}");
        }
    }

    #[test]
    fn vietnam_and_nonsense_are_refused() {
        assert_eq!(parse("Việt Nam").unwrap_err().code, "domestic");
        assert_eq!(parse("VN").unwrap_err().code, "domestic");
        assert_eq!(parse("QQ").unwrap_err().code, "unknown_country");
        assert_eq!(parse("Chợ Long Biên").unwrap_err().code, "unknown_country");
        assert_eq!(parse("").unwrap_err().code, "unknown_country");
    }

    #[test]
    fn shown_by_name() {
        assert_eq!(name("GB", true), "Anh");
        assert_eq!(
            name("GB", false),
            "United Kingdom of Great Britain and Northern Ireland"
        );
        assert_eq!(name("XX", false), "Imported, country unknown");
        assert_eq!(name("FJ", true), "Fiji");
    }
}
