//! Validation errors that name the field at fault and explain it in Vietnamese and English.

use serde::Serialize;

/// One thing wrong with one field of an input, said in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The input field at fault, as named in the API (`national_id`, `phone`, …).
    pub field: String,
    /// A stable machine-readable code (`invalid_format`, `required`, …).
    pub code: &'static str,
    pub message_vi: String,
    pub message_en: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: &'static str,
        message_vi: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code,
            message_vi: message_vi.into(),
            message_en: message_en.into(),
        }
    }

    pub fn required(field: &str, label_vi: &str, label_en: &str) -> Self {
        Self::new(
            field,
            "required",
            format!("Thiếu {label_vi}."),
            format!("{label_en} is required."),
        )
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} / {}",
            self.field, self.message_vi, self.message_en
        )
    }
}

/// Every problem found in one input, so a user can fix them all at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", self.0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct Invalid(pub Vec<FieldError>);

impl From<FieldError> for Invalid {
    fn from(e: FieldError) -> Self {
        Invalid(vec![e])
    }
}

impl std::error::Error for FieldError {}
