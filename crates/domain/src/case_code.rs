//! Case numbers as authorities give them and as people type them.
//!
//! - A **national** case number is `BN` and digits (`BN1234`), unique
//!   nationally (the Ministry's numbering). Typed loosely — `BN 1234`,
//!   `bn1234`, `BN-1234`, `Bệnh nhân 1234`, `BN01234` — it is one number.
//! - A province's **own** numbering is free text (letters, digits, `-`, `.`,
//!   `/`), kept upper case without spaces; unique within the province.
//! - A case without either has the record's own code, `PD` and the record id.
//!
//! "Infected by" holds one or several sources: `BN1, BN2`, `BN1; BN2`,
//! `BN1 và BN2`, a case and a cluster, a case and a country.

/// A national case number in its one spelling (`BN` + the number without
/// leading zeros), if `s` is one (a bare number counts as one).
pub fn national(s: &str) -> Option<String> {
    let f = crate::text::fold(s);
    // A bare number in a national list's "Mã BN" or "infected by" column is
    // the national number too (lists write `1234` under the heading "BN").
    let rest = f
        .strip_prefix("benh nhan")
        .or_else(|| f.strip_prefix("bn"))
        .unwrap_or(&f);
    let digits: String = rest
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '#' | ':'))
        .collect();
    if digits.is_empty() || digits.len() > 9 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    (n > 0).then(|| format!("BN{n}"))
}

/// The record's own code (`PD12`), if `s` is one.
pub fn record(s: &str) -> Option<i64> {
    let t: String = s.trim().chars().filter(|c| *c != ' ').collect();
    let up = t.to_uppercase();
    let digits = up.strip_prefix("PD")?;
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|n| *n > 0)
}

/// The record's own code for a case id.
pub fn record_code(id: i64) -> String {
    format!("PD{id}")
}

/// A province's own case number in its one spelling (upper case, no spaces),
/// or `None` when it holds other characters or is longer than 40.
pub fn local(s: &str) -> Option<String> {
    let t: String = crate::text::clean(s)
        .chars()
        .filter(|c| *c != ' ')
        .collect::<String>()
        .to_uppercase();
    let ok = !t.is_empty()
        && t.chars().count() <= 40
        && t.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '/' | '_'));
    ok.then_some(t)
}

/// The sources listed in an "infected by" cell: split on `,`, `;`, `+`, line
/// breaks and the words `và` / `and`; empty parts dropped, order kept.
pub fn split_sources(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    for piece in s.split([',', ';', '+', '\n', '\r']) {
        let mut rest = piece.trim().to_owned();
        loop {
            let lower = lower_same_offsets(&rest);
            let cut = [" và ", " and ", " va "]
                .iter()
                .filter_map(|w| lower.find(w).map(|i| (i, w.len())))
                .min();
            match cut {
                Some((i, len)) => {
                    let (head, tail) = (rest[..i].trim().to_owned(), rest[i + len..].to_owned());
                    if !head.is_empty() {
                        parts.push(head);
                    }
                    rest = tail.trim().to_owned();
                }
                None => break,
            }
        }
        let rest = rest.trim();
        if !rest.is_empty() {
            parts.push(rest.to_owned());
        }
    }
    parts
}

/// `s` in lower case with every character at the same byte offset (a letter
/// whose lower case has another length, such as the Kelvin sign or `İ`, is
/// kept as it is), so that an offset found in it also cuts `s`.
fn lower_same_offsets(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
                _ => c,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_numbers_typed_loosely_are_one_number() {
        for typed in [
            "BN1234",
            "bn1234",
            "BN 1234",
            "BN-1234",
            " Bn 01234 ",
            "Bệnh nhân 1234",
            "BN#1234",
        ] {
            assert_eq!(national(typed).as_deref(), Some("BN1234"), "{typed}");
        }
        assert_eq!(national("1234").as_deref(), Some("BN1234"));
        for not in [
            "BN",
            "BNX12",
            "BN0",
            "Chợ Bình Điền",
            "Anh",
            "PD12",
            "BN12a",
        ] {
            assert_eq!(national(not), None, "{not}");
        }
    }

    #[test]
    fn record_codes() {
        assert_eq!(record("PD12"), Some(12));
        assert_eq!(record("pd 12"), Some(12));
        assert_eq!(record("BN12"), None);
        assert_eq!(record_code(7), "PD7");
    }

    #[test]
    fn local_numbers() {
        assert_eq!(local("qn 123").as_deref(), Some("QN123"));
        assert_eq!(local("HN-2021/45").as_deref(), Some("HN-2021/45"));
        assert_eq!(local("a,b"), None);
        assert_eq!(local(""), None);
    }

    #[test]
    fn several_sources() {
        assert_eq!(split_sources("BN1, BN2"), ["BN1", "BN2"]);
        assert_eq!(split_sources("BN1; BN2"), ["BN1", "BN2"]);
        assert_eq!(split_sources("BN1 và BN2"), ["BN1", "BN2"]);
        assert_eq!(
            split_sources("BN1 + Chợ Long Biên"),
            ["BN1", "Chợ Long Biên"]
        );
        assert_eq!(split_sources("BN 1,, Anh ;"), ["BN 1", "Anh"]);
        assert_eq!(split_sources("BN1\r\nBN2"), ["BN1", "BN2"]);
        assert!(split_sources("  ").is_empty());
    }

    #[test]
    fn letters_whose_lower_case_is_another_length_do_not_shift_the_cut() {
        // U+212A KELVIN SIGN lowers to ASCII `k` (three bytes become one),
        // `İ` to `i` and a combining dot (two bytes become three): the
        // separator found in the lower-case text must cut the text as typed.
        assert_eq!(split_sources("\u{212A} và BN2"), ["\u{212A}", "BN2"]);
        assert_eq!(
            split_sources("\u{212A}\u{212A} and x"),
            ["\u{212A}\u{212A}", "x"]
        );
        assert_eq!(split_sources("İİİİ và BN2"), ["İİİİ", "BN2"]);
        assert_eq!(split_sources("BN1 VÀ BN2 AND BN3"), ["BN1", "BN2", "BN3"]);
    }
}
