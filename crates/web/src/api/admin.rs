//! Accounts and API tokens, for administrators, within their jurisdiction.

use super::{ApiJson, ApiPath};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use phongdich_domain::Permission;
use phongdich_store::{ApiToken, NewUser, User};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(users, add_user))
        .routes(routes!(disable_user))
        .routes(routes!(enable_user))
        .routes(routes!(set_role))
        .routes(routes!(tokens, create_token))
        .routes(routes!(revoke_token))
}

/// Accounts of the caller's unit and below.
#[utoipa::path(get, path = "/api/v1/users", responses((status = 200, body = [User]), (status = 403, body = Problem)))]
pub(super) async fn users(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<User>>, Problem> {
    actor.require(Permission::ManageUsers)?;
    Ok(Json(s.store.users(&actor.scope).await?))
}

/// Create an account in the caller's jurisdiction.
#[utoipa::path(post, path = "/api/v1/users", request_body = NewUser,
    responses((status = 201, body = User), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn add_user(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<User>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.add_user(&actor, &body).await?),
    ))
}

/// Disable an account (its sessions end at once).
#[utoipa::path(post, path = "/api/v1/users/{username}/disable", params(("username" = String, Path)),
    responses((status = 200, body = User), (status = 404, body = Problem)))]
pub(super) async fn disable_user(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<User>, Problem> {
    Ok(Json(
        s.store.set_user_disabled(&actor, &username, true).await?,
    ))
}

/// Enable a disabled account.
#[utoipa::path(post, path = "/api/v1/users/{username}/enable", params(("username" = String, Path)),
    responses((status = 200, body = User), (status = 404, body = Problem)))]
pub(super) async fn enable_user(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<User>, Problem> {
    Ok(Json(
        s.store.set_user_disabled(&actor, &username, false).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct RoleBody {
    role: String,
}

/// Change an account's role (audited; its sessions end).
#[utoipa::path(post, path = "/api/v1/users/{username}/role", params(("username" = String, Path)), request_body = RoleBody,
    responses((status = 200, body = User), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn set_role(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(username): ApiPath<String>,
    ApiJson(body): ApiJson<RoleBody>,
) -> Result<Json<User>, Problem> {
    Ok(Json(
        s.store.set_user_role(&actor, &username, &body.role).await?,
    ))
}

/// API tokens of the caller's unit and below (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", responses((status = 200, body = [ApiToken]), (status = 403, body = Problem)))]
pub(super) async fn tokens(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<ApiToken>>, Problem> {
    actor.require(Permission::ManageUsers)?;
    Ok(Json(s.store.api_tokens(&actor.scope).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct NewToken {
    /// Which system uses the token.
    name: String,
    unit_code: String,
    role: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct CreatedToken {
    token: ApiToken,
    /// The secret, shown this once: send it as `Authorization: Bearer …`.
    secret: String,
}

/// Create a token bound to a unit and a role.
#[utoipa::path(post, path = "/api/v1/tokens", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn create_token(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), Problem> {
    let (token, secret) = s
        .store
        .create_api_token(&actor, &body.name, &body.unit_code, &body.role)
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, secret })))
}

/// Revoke a token; it stops working at once.
#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", params(("id" = i64, Path)),
    responses((status = 200, body = ApiToken), (status = 404, body = Problem)))]
pub(super) async fn revoke_token(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ApiToken>, Problem> {
    Ok(Json(s.store.revoke_api_token(&actor, id).await?))
}
