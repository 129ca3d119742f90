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

#[cfg(test)]
mod tests {
    use super::*;

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
