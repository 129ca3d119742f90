//! Errors as RFC 9457 problem details, with a Vietnamese and an English message
//! and, for invalid input, every field at fault.

use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use phongdich_domain::FieldError;
use phongdich_store::{DuplicateCandidate, StoreError};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem, relative to the server.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub message_vi: String,
    pub message_en: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The record already holding a unique value (national ID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<DuplicateCandidate>,
}

impl Problem {
    pub fn new(
        status: StatusCode,
        kind: &str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        let en = en.into();
        Problem {
            kind: format!("/problems/{kind}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: en.clone(),
            message_vi: vi.into(),
            message_en: en,
            errors: Vec::new(),
            existing: None,
            candidates: Vec::new(),
        }
    }

    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "Dữ liệu nhập chưa hợp lệ; xem lỗi từng trường.",
            "The input is invalid; see the error for each field.",
        );
        p.detail = errors
            .iter()
            .map(|e| e.message_en.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        p.errors = errors;
        p
    }

    pub fn bad_request(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, "bad-request", vi, en)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        (status, [(CONTENT_TYPE, "application/problem+json")], body).into_response()
    }
}

/// The refusal of a national ID another record holds, naming that record
/// only when the caller may see it (`existing`).
pub(crate) fn duplicate_national_id(existing: Option<i64>) -> FieldError {
    match existing {
        Some(id) => FieldError::new(
            "national_id",
            "duplicate",
            format!("Số định danh này đã có ở hồ sơ #{id}."),
            format!("This national ID is already registered to person #{id}."),
        ),
        None => FieldError::new(
            "national_id",
            "duplicate",
            "Số định danh này đã có ở một hồ sơ ngoài địa bàn của bạn.",
            "This national ID is already registered to a person outside your jurisdiction.",
        ),
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(invalid) => Problem::invalid(invalid.0),
            StoreError::NotFound { entity, id } => Problem::new(
                StatusCode::NOT_FOUND,
                "not-found",
                format!(
                    "Không tìm thấy {} {id} (hoặc nằm ngoài phạm vi của bạn).",
                    entity.vi()
                ),
                format!("No {entity} {id} (or it lies outside your jurisdiction)."),
            ),
            StoreError::DuplicateNationalId { existing_id } => {
                let e = duplicate_national_id(existing_id);
                let mut p = Problem::new(
                    StatusCode::CONFLICT,
                    "duplicate-national-id",
                    e.message_vi,
                    e.message_en,
                );
                p.existing = existing_id.map(|id| format!("/api/v1/persons/{id}"));
                p.errors = vec![FieldError::new(
                    "national_id",
                    "duplicate",
                    p.message_vi.clone(),
                    p.message_en.clone(),
                )];
                p
            }
            StoreError::LikelyDuplicates { candidates } => {
                let mut p = Problem::new(
                    StatusCode::CONFLICT,
                    "likely-duplicate",
                    "Có thể người này đã có trong danh sách; xem các hồ sơ nghi trùng. Nếu đúng là người khác, gửi lại với confirm_not_duplicate = true.",
                    "This person may already be registered; see the likely duplicates. If it is someone else, send again with confirm_not_duplicate = true.",
                );
                p.candidates = candidates;
                p
            }
            StoreError::Conflict {
                message_vi,
                message_en,
            } => Problem::new(StatusCode::CONFLICT, "conflict", message_vi, message_en),
            StoreError::Forbidden { permission } => Problem::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("Vai trò của bạn không được phép {}.", permission.label().0),
                format!("Your role does not allow you to {}.", permission.label().1),
            ),
            StoreError::Unauthorized {
                message_vi,
                message_en,
            } => Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                message_vi,
                message_en,
            ),
            StoreError::Throttled {
                message_vi,
                message_en,
                ..
            } => Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "throttled",
                message_vi,
                message_en,
            ),
            other => {
                tracing::error!(error = %other, "internal error");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Lỗi hệ thống; thao tác không được ghi. Hãy thử lại hoặc báo quản trị.",
                    "Internal error; nothing was saved. Try again or tell the administrator.",
                )
            }
        }
    }
}
