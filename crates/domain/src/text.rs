//! Vietnamese text: NFC normalisation for storage and a folded form for search.
//!
//! The folded form is lower case, without diacritics, with `đ` as `d` and single
//! spaces, so "Thành phố Hạ Long", "thanh pho ha long" and "HẠ  LONG" meet.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The first control character of `s` that text may not hold (all but tab,
/// line feed and carriage return, which notes may hold): a NUL byte makes
/// PostgreSQL refuse the text while SQLite stores it, and escape sequences
/// reach terminals and spreadsheets. Checked in every text a request or an
/// imported file brings.
pub fn forbidden_char(s: &str) -> Option<char> {
    s.chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// NFC form with surrounding and repeated whitespace removed: how text is stored.
pub fn clean(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lower case, no diacritics, `đ` → `d`, punctuation as space, single spaces.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c if c.is_alphanumeric() => c,
            _ => {
                pending_space = !out.is_empty();
                continue;
            }
        };
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// The folded words of a text, in order.
pub fn tokens(s: &str) -> Vec<String> {
    fold(s)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An integer with its thousands grouped as the language writes them:
/// 297.000 in Vietnamese, 297,000 in English.
pub fn grouped(n: i64, vi: bool) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut s = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        s.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            s.push(if vi { '.' } else { ',' });
        }
        s.push(c);
    }
    s
}

/// `x` to one decimal (half away from zero), the decimal dropped when it is
/// 0, thousands grouped: 1.234,5 in Vietnamese, 1,234.5 in English.
pub fn one_decimal(x: f64, vi: bool) -> String {
    let tenths = (x * 10.0).round() as i64;
    let mut s = grouped(tenths / 10, vi);
    if tenths < 0 && tenths / 10 == 0 {
        s.insert(0, '-');
    }
    let d = (tenths % 10).unsigned_abs();
    if d != 0 {
        s.push(if vi { ',' } else { '.' });
        s.push(char::from(b'0' + d as u8));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_each_language_writes_them() {
        assert_eq!(grouped(0, true), "0");
        assert_eq!(grouped(999, true), "999");
        assert_eq!(grouped(297_000, true), "297.000");
        assert_eq!(grouped(297_000, false), "297,000");
        assert_eq!(grouped(1_234_567, true), "1.234.567");
        assert_eq!(grouped(-1_000, false), "-1,000");
        assert_eq!(one_decimal(82.5, true), "82,5");
        assert_eq!(one_decimal(82.5, false), "82.5");
        assert_eq!(one_decimal(70.0, true), "70");
        assert_eq!(one_decimal(1234.46, true), "1.234,5");
        assert_eq!(one_decimal(1234.44, false), "1,234.4");
        assert_eq!(one_decimal(0.04, false), "0");
        assert_eq!(one_decimal(-0.5, false), "-0.5");
        assert_eq!(one_decimal(19.96, true), "20");
        // Against the standard library's formatting, away from ties.
        for i in 0..20_000 {
            let x = f64::from(i) * 0.731 + 0.013;
            if ((x * 10.0).fract() - 0.5).abs() < 1e-6 {
                continue;
            }
            let std = format!("{x:.1}");
            let std = std.strip_suffix(".0").unwrap_or(&std).to_owned();
            assert_eq!(one_decimal(x, false).replace(',', ""), std, "{x}");
        }
    }

    #[test]
    fn fold_removes_diacritics_and_case() {
        assert_eq!(fold("Thành phố Hạ Long"), "thanh pho ha long");
        assert_eq!(fold("  ĐẶNG   Thị  Ngọc-Ánh "), "dang thi ngoc anh");
        assert_eq!(fold("Nguyễn Văn Đức"), fold("nguyen van duc"));
    }

    #[test]
    fn clean_composes_to_nfc() {
        let decomposed = "Nguye\u{302}\u{303}n";
        assert_eq!(clean(decomposed), "Nguyễn");
        assert_eq!(clean("  Lê   Văn  "), "Lê Văn");
    }

    #[test]
    fn tokens_split_folded_words() {
        assert_eq!(
            tokens("Hạ Long, Quảng Ninh"),
            vec!["ha", "long", "quang", "ninh"]
        );
        assert!(tokens("  ").is_empty());
    }
}
