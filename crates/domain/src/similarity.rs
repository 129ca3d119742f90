//! When two names are "similar" for duplicate detection. Names are compared folded
//! (no diacritics, lower case), so "Nguyễn Văn Hùng" and "Nguyen Van Hung" are equal
//! and a typo or a dropped middle name still counts as similar.
//!
//! `names_similar` is token-order tolerant with an edit distance on the given
//! name; `given_name_key` is the blocking key for duplicate search: candidates
//! are people in the same commune with the same birth year and the same
//! given-name key, or with the same phone, and full names are then compared
//! here — so a typo in the given name is only caught through the phone.
//! `ids_tell_apart`: two people with different national IDs of the same kind
//! (two CCCDs, two CMNDs) are never a likely duplicate (a city ward holds many
//! namesakes born the same year); a CMND and a CCCD, or a person without an ID,
//! are still judged by name.

use crate::text;

/// The folded given name (last word of a Vietnamese full name).
pub fn given_name_key(full_name: &str) -> String {
    text::tokens(full_name).pop().unwrap_or_default()
}

/// Similar: equal folded words in any order, one name's words contained in the
/// other's (a missing middle name), or Jaro–Winkler ≥ 0.92 on the folded names.
pub fn names_similar(a: &str, b: &str) -> bool {
    let (fa, fb) = (text::fold(a), text::fold(b));
    if fa == fb {
        return true;
    }
    let mut ta: Vec<&str> = fa.split(' ').collect();
    let mut tb: Vec<&str> = fb.split(' ').collect();
    ta.sort_unstable();
    tb.sort_unstable();
    if ta == tb {
        return true;
    }
    let (short, long) = if ta.len() <= tb.len() {
        (&ta, &tb)
    } else {
        (&tb, &ta)
    };
    if short.len() >= 2 && short.iter().all(|t| long.contains(t)) {
        return true;
    }
    strsim::jaro_winkler(&fa, &fb) >= 0.92
}

/// Two stored national IDs that tell two people apart: both present and of
/// the same kind (two 12-digit CCCDs, or two 9-digit CMNDs) yet different.
/// Such people are never a likely duplicate, however alike their names,
/// birth years and communes (a ward of a city holds many a "Nguyễn Văn
/// Hùng, 1985"): a CCCD is one person's for life, and the same ID is already
/// a certain duplicate. A CMND and a CCCD can be the same person's (the CCCD
/// replaced the CMND), so that pair, like a pair where one has no ID, is
/// still judged by name, birth year, commune and phone.
///
/// The IDs are the stored forms (`NationalId::as_str`: digits only).
pub fn ids_tell_apart(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.len() == b.len() && a != b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_names() {
        assert!(names_similar("Nguyễn Văn Hùng", "nguyen van hung"));
        assert!(names_similar("Nguyễn Văn Hùng", "Hùng Nguyễn Văn"));
        assert!(names_similar("Trần Thị Mai", "Trần Mai"));
        assert!(names_similar("Lê Văn Thành", "Lê Văn Thanhh"));
        assert!(!names_similar("Nguyễn Văn Hùng", "Nguyễn Thị Lan"));
        assert!(!names_similar("Phạm Minh Tuấn", "Phạm Quốc Tuấn"));
        assert_eq!(given_name_key("Nguyễn Văn Hùng"), "hung");
    }

    #[test]
    fn different_ids_of_one_kind_tell_people_apart() {
        // Two CCCDs of men born in 1985 in Hà Nội (province 001, century-sex 0, year 85).
        let (a, b) = ("001085012345", "001085067890");
        assert!(ids_tell_apart(Some(a), Some(b)));
        assert!(
            !ids_tell_apart(Some(a), Some(a)),
            "the same ID is the same person"
        );
        // A CMND and a CCCD may be one person's: judged by the other fields.
        assert!(!ids_tell_apart(Some("012345678"), Some(a)));
        assert!(ids_tell_apart(Some("012345678"), Some("012345679")));
        assert!(!ids_tell_apart(None, Some(a)));
        assert!(!ids_tell_apart(None, None));
    }
}
