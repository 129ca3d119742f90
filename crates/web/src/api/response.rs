//! Rapid response: the duty roster, response times of alerts, and oxygen
//! equipment lent to F0 at home.

use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use phongdich_domain::{FieldError, Invalid};
use phongdich_store::{
    DutyShift, EquipmentInput, OxygenEquipment, OxygenLoan, ResponseTimes, ShiftInput, StoreError,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(response_times))
        .routes(routes!(shifts, add_shifts))
        .routes(routes!(cancel_shift))
        .routes(routes!(equipment, add_equipment))
        .routes(routes!(lend))
        .routes(routes!(return_equipment))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ShiftParams {
    /// From (RFC 3339 or local `YYYY-MM-DDTHH:MM`); now by default.
    from: Option<String>,
    /// Until; 7 days after `from` by default, at most 62 days after it.
    to: Option<String>,
}

/// Shifts of the caller's jurisdiction overlapping a window (cancelled ones too).
#[utoipa::path(get, path = "/api/v1/duty-shifts", params(ShiftParams),
    responses((status = 200, body = Vec<DutyShift>), (status = 422, body = Problem)))]
pub(super) async fn shifts(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<ShiftParams>,
) -> Result<Json<Vec<DutyShift>>, Problem> {
    let time = |field: &str, v: &Option<String>| {
        v.as_deref()
            .filter(|v| !v.trim().is_empty())
            .map(|v| phongdich_store::parse_time(field, v))
            .transpose()
    };
    let invalid = |e| Problem::from(StoreError::from(Invalid(vec![e])));
    let from = time("from", &p.from)
        .map_err(invalid)?
        .unwrap_or_else(Utc::now);
    let to = time("to", &p.to)
        .map_err(invalid)?
        .unwrap_or(from + Duration::days(7));
    if to <= from || to - from > Duration::days(62) {
        return Err(StoreError::from(Invalid(vec![FieldError::new(
            "to",
            "invalid",
            "«to» phải sau «from», tối đa 62 ngày.",
            "“to” must be after “from”, at most 62 days later.",
        )]))
        .into());
    }
    Ok(Json(s.store.duty_shifts(&actor.scope, from, to).await?))
}

/// Put a shift on the roster, or the same hours on several days in a row.
#[utoipa::path(post, path = "/api/v1/duty-shifts", request_body = ShiftInput,
    responses((status = 201, body = Vec<DutyShift>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn add_shifts(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<ShiftInput>,
) -> Result<(StatusCode, Json<Vec<DutyShift>>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.add_shifts(&actor, &body).await?),
    ))
}

/// Take a shift off the roster.
#[utoipa::path(post, path = "/api/v1/duty-shifts/{id}/cancel", params(("id" = i64, Path)),
    responses((status = 200, body = DutyShift), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(super) async fn cancel_shift(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DutyShift>, Problem> {
    Ok(Json(s.store.cancel_shift(&actor, id).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct TimesParams {
    /// Alerts raised in the last this many days (7 by default, 1–90).
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 90, _>")]
    #[param(minimum = 1, maximum = 90)]
    days: Option<i64>,
}

/// How fast the alerts of the caller's jurisdiction were taken and acted on.
#[utoipa::path(get, path = "/api/v1/alerts/response-times", params(TimesParams),
    responses((status = 200, body = ResponseTimes)))]
pub(super) async fn response_times(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<TimesParams>,
) -> Result<Json<ResponseTimes>, Problem> {
    let days = p.days.unwrap_or(7);
    let now = s.now();
    Ok(Json(
        s.store
            .response_times(&actor.scope, now - Duration::days(days), now)
            .await?,
    ))
}

/// Oxygen concentrators and cylinders of the caller's jurisdiction, with their loans.
#[utoipa::path(get, path = "/api/v1/oxygen-equipment",
    responses((status = 200, body = Vec<OxygenEquipment>)))]
pub(super) async fn equipment(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<OxygenEquipment>>, Problem> {
    Ok(Json(s.store.oxygen_equipment(&actor.scope).await?))
}

/// Register a concentrator or cylinder.
#[utoipa::path(post, path = "/api/v1/oxygen-equipment", request_body = EquipmentInput,
    responses((status = 201, body = OxygenEquipment), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn add_equipment(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<EquipmentInput>,
) -> Result<(StatusCode, Json<OxygenEquipment>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.add_equipment(&actor, &body).await?),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(super) struct LendInput {
    /// The home treatment of the F0 who takes it.
    pub treatment_id: i64,
}

/// Lend a piece of equipment to an F0 treated at home.
#[utoipa::path(post, path = "/api/v1/oxygen-equipment/{id}/lend", params(("id" = i64, Path)), request_body = LendInput,
    responses((status = 201, body = OxygenLoan), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn lend(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<LendInput>,
) -> Result<(StatusCode, Json<OxygenLoan>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(
            s.store
                .lend_equipment(&actor, id, body.treatment_id)
                .await?,
        ),
    ))
}

/// The equipment came back.
#[utoipa::path(post, path = "/api/v1/oxygen-equipment/{id}/return", params(("id" = i64, Path)),
    responses((status = 200, body = OxygenEquipment), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(super) async fn return_equipment(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<OxygenEquipment>, Problem> {
    Ok(Json(s.store.return_equipment(&actor, id).await?))
}
