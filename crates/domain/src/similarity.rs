//! When two names are "similar" for duplicate detection. Names are compared folded
//! (no diacritics, lower case), so "Nguyễn Văn Hùng" and "Nguyen Van Hung" are equal
//! and a typo or a dropped middle name still counts as similar.

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
}
