//! What can go wrong in the store, in terms a caller can answer a user with.

use crate::persons::DuplicateCandidate;
use phongdich_domain::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// Absent, or outside the caller's jurisdiction: the two are not told apart.
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    /// The national ID belongs to another record: named (`existing_id`)
    /// only when the caller may see it.
    #[error("national ID already registered to another person")]
    DuplicateNationalId { existing_id: Option<i64> },
    #[error("likely duplicate of {} existing person(s)", candidates.len())]
    LikelyDuplicates { candidates: Vec<DuplicateCandidate> },
    #[error("{message_en}")]
    Conflict {
        message_vi: String,
        message_en: String,
    },
    /// The caller's role does not allow this.
    #[error("not permitted: {permission:?}")]
    Forbidden {
        permission: phongdich_domain::Permission,
    },
    /// Login refused: wrong name or password, disabled, or throttled.
    #[error("{message_en}")]
    Unauthorized {
        message_vi: String,
        message_en: String,
    },
    /// Too many failed logins from this address (for this account): try
    /// again after `retry_after` seconds.
    #[error("{message_en}")]
    Throttled {
        retry_after: u64,
        message_vi: String,
        message_en: String,
    },
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("stored JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("data file: {0}")]
    Data(String),
}

impl StoreError {
    pub(crate) fn not_found(entity: &'static str, id: impl ToString) -> Self {
        StoreError::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    pub(crate) fn conflict(vi: impl Into<String>, en: impl Into<String>) -> Self {
        StoreError::Conflict {
            message_vi: vi.into(),
            message_en: en.into(),
        }
    }
}
