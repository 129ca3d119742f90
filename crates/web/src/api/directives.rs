//! Distancing directives applied to areas, what applies at a unit on a day,
//! and travel permits (issued, revoked, checked at a checkpoint).

use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use phongdich_domain::Permission;
use phongdich_store::{
    DirectiveArea, DirectiveEndInput, DirectiveInput, DirectivesHere, Permit, PermitCheck,
    PermitDetail, PermitInput, StoreError,
};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, apply))
        .routes(routes!(end))
        .routes(routes!(here))
        .routes(routes!(permits, issue))
        .routes(routes!(permit))
        .routes(routes!(revoke))
        .routes(routes!(check))
}

/// The applications the caller sees (theirs and those over their unit), newest first.
#[utoipa::path(get, path = "/api/v1/directives",
    responses((status = 200, body = Vec<DirectiveArea>), (status = 403, body = Problem)))]
pub(super) async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<DirectiveArea>>, Problem> {
    actor.require(Permission::ViewPersons)?;
    Ok(Json(s.store.directive_areas(&actor.scope).await?))
}

/// Apply Directive 15, 16 or 19 to a unit of the caller's jurisdiction for
/// a period. Refused: an overlap with another application to the same unit
/// (end it first), an end before the start, an unknown unit.
#[utoipa::path(post, path = "/api/v1/directives", request_body = DirectiveInput,
    responses((status = 201, body = DirectiveArea), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub(super) async fn apply(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<DirectiveInput>,
) -> Result<(StatusCode, Json<DirectiveArea>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.apply_directive(&actor, &body).await?),
    ))
}

/// End an application early: `on` is the first day it no longer applies.
#[utoipa::path(post, path = "/api/v1/directives/{id}/end", params(("id" = i64, Path)),
    request_body = DirectiveEndInput,
    responses((status = 200, body = DirectiveArea), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn end(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DirectiveEndInput>,
) -> Result<Json<DirectiveArea>, Problem> {
    Ok(Json(s.store.end_directive(&actor, id, &body).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct HereParams {
    /// A unit in the caller's jurisdiction, or over their own unit.
    unit: String,
    /// dd/mm/yyyy or yyyy-mm-dd; today (Vietnam) when absent.
    day: Option<String>,
}

/// What applies at a unit on a day: the most local application in force,
/// and those it overrides.
#[utoipa::path(get, path = "/api/v1/directives/here", params(HereParams),
    responses((status = 200, body = DirectivesHere), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub(super) async fn here(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<HereParams>,
) -> Result<Json<DirectivesHere>, Problem> {
    actor.require(Permission::ViewPersons)?;
    let day = match p.day.as_deref().map(str::trim) {
        None | Some("") => s.today(),
        Some(d) => phongdich_domain::contact::parse_date("day", d)
            .map_err(|e| StoreError::from(phongdich_domain::Invalid(vec![e])))?,
    };
    Ok(Json(
        s.store.directives_on(&actor.scope, &p.unit, day).await?,
    ))
}

/// The permits issued within the caller's jurisdiction, newest first.
#[utoipa::path(get, path = "/api/v1/permits",
    responses((status = 200, body = Vec<Permit>), (status = 403, body = Problem)))]
pub(super) async fn permits(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<Permit>>, Problem> {
    actor.require(Permission::ViewPersons)?;
    Ok(Json(s.store.permits(&actor.scope).await?))
}

/// Issue a travel permit to a person of the caller's jurisdiction. Refused:
/// a route with an end outside the person's province, more than 31 days,
/// an end before the start.
#[utoipa::path(post, path = "/api/v1/permits", request_body = PermitInput,
    responses((status = 201, body = Permit), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn issue(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<PermitInput>,
) -> Result<(StatusCode, Json<Permit>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.issue_permit(&actor, &body).await?),
    ))
}

/// A permit, its state today and the checks made of it.
#[utoipa::path(get, path = "/api/v1/permits/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = PermitDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn permit(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PermitDetail>, Problem> {
    actor.require(Permission::ViewPersons)?;
    Ok(Json(s.store.permit(&actor.scope, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct RevokeBody {
    reason: String,
}

/// Revoke a permit (once; audited): checkpoints refuse it from then on.
#[utoipa::path(post, path = "/api/v1/permits/{id}/revoke", params(("id" = i64, Path)), request_body = RevokeBody,
    responses((status = 200, body = Permit), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn revoke(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RevokeBody>,
) -> Result<Json<Permit>, Problem> {
    Ok(Json(s.store.revoke_permit(&actor, id, &body.reason).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct CheckBody {
    /// The permit's code, as scanned or typed (`GDD-…`).
    code: String,
    /// The checkpoint's name.
    checkpoint: String,
}

/// Check a permit at a checkpoint of its province: what it finds (`valid`,
/// `revoked`, `expired`, `not_yet`) and the permit; the check is kept. A
/// code unknown here — or another province's — is 404.
#[utoipa::path(post, path = "/api/v1/permits/check", request_body = CheckBody,
    responses((status = 200, body = PermitCheck), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub(super) async fn check(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<CheckBody>,
) -> Result<Json<PermitCheck>, Problem> {
    Ok(Json(
        s.store
            .check_permit(&actor, &body.code, &body.checkpoint)
            .await?,
    ))
}
