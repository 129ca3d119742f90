//! Closed vocabularies (a case's course, a cluster's kind, …): enums stored
//! as their snake_case word, read from what was typed with an
//! `invalid_choice` field error listing the words.

use crate::error::FieldError;

/// A closed vocabulary stored as its snake_case word.
pub trait Choice: Sized + Copy + 'static {
    /// Every value, in the order listed to users.
    const ALL: &'static [Self];
    /// The stored word.
    fn as_str(self) -> &'static str;
    /// The stored word, exactly (no trimming, no case folding).
    fn from_str_exact(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }
}

/// Read `value` (trimmed, lower-cased) as one of `T`'s words; else an
/// `invalid_choice` error on `field` listing the words.
pub fn one_of<T: Choice>(field: &str, value: &str, errors: &mut Vec<FieldError>) -> Option<T> {
    let v = value.trim().to_lowercase();
    if let Some(c) = T::from_str_exact(&v) {
        return Some(c);
    }
    let allowed: Vec<&str> = T::ALL.iter().map(|c| c.as_str()).collect();
    errors.push(FieldError::new(
        field,
        "invalid_choice",
        format!(
            "Giá trị «{value}» không hợp lệ; chọn một trong: {}.",
            allowed.join(", ")
        ),
        format!(
            "“{value}” is not valid; use one of: {}.",
            allowed.join(", ")
        ),
    ));
    None
}

/// Declare a closed vocabulary: the enum, its serde words and [`Choice`].
macro_rules! choice_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $crate::choice::Choice for $name {
            const ALL: &'static [Self] = &[$($name::$v),+];
            fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }
        }

        impl $name {
            /// Every value, in the order listed to users.
            pub const ALL: &'static [Self] = &[$($name::$v),+];
            /// The stored word.
            pub fn as_str(self) -> &'static str {
                <Self as $crate::choice::Choice>::as_str(self)
            }
            /// The stored word, exactly.
            pub fn from_stored(s: &str) -> Option<Self> {
                <Self as $crate::choice::Choice>::from_str_exact(s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use choice_enum as choice;
