//! Green zones (*vùng xanh*): declared free of F0 with the team responsible,
//! their checkpoints and the roster's shifts on duty there, and the alert
//! raised when an F0 confirmed inside ends the zone (taken by its team).

use super::{ApiJson, ApiPath};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use phongdich_domain::Permission;
use phongdich_store::{
    GreenZone, GreenZoneDetail, GreenZoneInput, ZoneCheckpoint, ZoneCheckpointInput,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(detail))
        .routes(routes!(add_checkpoint))
        .routes(routes!(acknowledge))
        .routes(routes!(withdraw))
}

/// The green zones the caller sees — in their jurisdiction, and those over
/// their own unit: green ones first, then lost ones (at most 1,000).
#[utoipa::path(get, path = "/api/v1/green-zones",
    responses((status = 200, body = Vec<GreenZone>), (status = 403, body = Problem)))]
pub(super) async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<GreenZone>>, Problem> {
    actor.require(Permission::ViewPersons)?;
    Ok(Json(s.store.green_zones(&actor.scope).await?))
}

/// Declare a green zone: a unit of the caller's jurisdiction, or a place
/// drawn under a commune. Refused while an F0 under treatment lives inside
/// (their codes said), while another green zone holds the same area, or
/// from a day to come.
#[utoipa::path(post, path = "/api/v1/green-zones", request_body = GreenZoneInput,
    responses((status = 201, body = GreenZone), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub(super) async fn create(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<GreenZoneInput>,
) -> Result<(StatusCode, Json<GreenZone>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.create_green_zone(&actor, &body).await?),
    ))
}

/// A green zone with its checkpoints, their hours and who is on duty there
/// now (the duty roster's shifts named for each checkpoint).
#[utoipa::path(get, path = "/api/v1/green-zones/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = GreenZoneDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn detail(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<GreenZoneDetail>, Problem> {
    actor.require(Permission::ViewPersons)?;
    Ok(Json(s.store.green_zone(&actor.scope, id).await?))
}

/// Add a checkpoint to a green zone the caller's jurisdiction holds; its
/// team on duty is put on the duty roster (`POST /api/v1/duty-shifts` with
/// `checkpoint_id`).
#[utoipa::path(post, path = "/api/v1/green-zones/{id}/checkpoints", params(("id" = i64, Path)),
    request_body = ZoneCheckpointInput,
    responses((status = 201, body = ZoneCheckpoint), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn add_checkpoint(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ZoneCheckpointInput>,
) -> Result<(StatusCode, Json<ZoneCheckpoint>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.add_zone_checkpoint(&actor, id, &body).await?),
    ))
}

/// The zone's team has seen that it lost its status (once; audited).
#[utoipa::path(post, path = "/api/v1/green-zones/{id}/acknowledge", params(("id" = i64, Path)),
    responses((status = 200, body = GreenZone), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub(super) async fn acknowledge(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<GreenZone>, Problem> {
    Ok(Json(s.store.acknowledge_zone_alert(&actor, id).await?))
}

/// Why and from when a green zone's status is withdrawn.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(super) struct Withdrawal {
    /// From this day (dd/mm/yyyy or yyyy-mm-dd), between the declaration and today.
    #[serde(default)]
    on: String,
    #[serde(default)]
    reason: String,
}

/// The committee holding the zone withdraws its status (no F0 needed: the
/// conditions no longer hold). Audited; a zone lost or withdrawn already: 409.
#[utoipa::path(post, path = "/api/v1/green-zones/{id}/withdraw", params(("id" = i64, Path)), request_body = Withdrawal,
    responses((status = 200, body = GreenZone), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn withdraw(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Withdrawal>,
) -> Result<Json<GreenZone>, Problem> {
    Ok(Json(
        s.store
            .withdraw_green_zone(&actor, id, &body.on, &body.reason)
            .await?,
    ))
}
