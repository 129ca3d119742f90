//! The case register: every case of the caller's jurisdiction with filters,
//! a page at a time with the whole count, and its CSV/XLSX export (audited).
//! The filters are checked and applied by the store (`Store::case_register`).

use super::ApiQuery;
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use phongdich_domain::{FieldError, Invalid};
use phongdich_sheets::Format;
use phongdich_store::{CaseFilter, CaseFilterParams, CaseRegister, StoreError};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(export))
}

/// The cases of the caller's jurisdiction (or of one unit inside it: `VN`,
/// a province, district or commune) that pass every filter given, latest
/// confirmed first: each with its code (official number, else the
/// province's, else the record's), the person's name, the commune, the
/// dates of its course, its status and sources. `total` counts them all;
/// `entries` is one page (`offset`, `limit`: 100 by default, 1,000 at most).
/// A unit outside the jurisdiction is not found.
#[utoipa::path(get, path = "/api/v1/cases", params(CaseFilterParams),
    responses((status = 200, body = CaseRegister), (status = 401, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<CaseFilterParams>,
) -> Result<Json<CaseRegister>, Problem> {
    let (filter, paging) = CaseFilter::parse(&p).map_err(StoreError::from)?;
    Ok(Json(
        s.store.case_register(&actor.scope, &filter, paging).await?,
    ))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ExportParams {
    /// `csv` (default) or `xlsx`.
    format: Option<String>,
}

/// The same list as `GET /api/v1/cases` with the same filters, whole (no
/// paging), as a CSV or XLSX file; needs the permission to export people
/// and is recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/cases/export", params(CaseFilterParams, ExportParams),
    responses((status = 200, description = "The file (text/csv or XLSX)", content_type = "text/csv"),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn export(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<CaseFilterParams>,
    ApiQuery(e): ApiQuery<ExportParams>,
) -> Result<Response, Problem> {
    let format = match e.format.as_deref().map(str::trim) {
        None | Some("") => Ok(Format::Csv),
        Some(f) => Format::parse(f).map_err(|_| {
            Invalid(vec![FieldError::new(
                "format",
                "invalid_format",
                format!("Định dạng «{f}» không hợp lệ: csv hoặc xlsx."),
                format!("Format “{f}” is invalid: csv or xlsx."),
            )])
        }),
    };
    let (filter, format) = match (CaseFilter::parse(&p), format) {
        (Ok((filter, _)), Ok(format)) => (filter, format),
        (a, b) => {
            let mut errors = a.err().map(|i| i.0).unwrap_or_default();
            errors.extend(b.err().map(|i| i.0).unwrap_or_default());
            return Err(StoreError::from(Invalid(errors)).into());
        }
    };
    let buf = phongdich_sheets::SharedBuf::default();
    if let Err(e) = phongdich_sheets::export::export_cases(
        &s.store,
        &actor,
        &filter,
        format,
        Box::new(buf.clone()),
    )
    .await
    {
        return Err(match e.downcast::<StoreError>() {
            Ok(se) => (*se).into(),
            Err(other) => Problem::bad_request(other.to_string(), other.to_string()),
        });
    }
    let (ctype, ext) = match format {
        Format::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    Ok((
        [
            (header::CONTENT_TYPE, ctype.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"ca-benh.{ext}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        buf.bytes(),
    )
        .into_response())
}
