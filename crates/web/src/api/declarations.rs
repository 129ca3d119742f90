//! Health declarations and personal links: staff declare for a person in
//! quarantine and read an order's declarations; links for an order or a
//! home treatment are made (token and code returned once) and revoked.
//! The person's own page (`/k/…`) is HTML only.

use super::{ApiJson, ApiPath};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use phongdich_domain::declaration::DeclarationInput;
use phongdich_store::{HealthDeclaration, LinkFor, NewLink, PersonalLink};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(of_order, declare))
        .routes(routes!(order_link))
        .routes(routes!(treatment_link))
        .routes(routes!(revoke))
}

/// Record a day's declaration (today by default); a second one for the same
/// day replaces the first.
#[utoipa::path(post, path = "/api/v1/quarantine/orders/{id}/declarations", params(("id" = i64, Path)),
    request_body = DeclarationInput,
    responses((status = 201, body = HealthDeclaration), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn declare(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DeclarationInput>,
) -> Result<(StatusCode, Json<HealthDeclaration>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.declare(&actor, id, &body, s.today()).await?),
    ))
}

/// An order's declarations, latest day first.
#[utoipa::path(get, path = "/api/v1/quarantine/orders/{id}/declarations", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<HealthDeclaration>), (status = 404, body = Problem)))]
pub(super) async fn of_order(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<HealthDeclaration>>, Problem> {
    Ok(Json(s.store.declarations_of(&actor.scope, id).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
pub(super) struct LinkInput {
    /// The team's phone, shown on the person's page.
    #[serde(default)]
    contact_phone: String,
}

/// A personal link for an active order: the person declares at `/k/<token>`,
/// or types the code at `/k`. Earlier links of the order are revoked.
#[utoipa::path(post, path = "/api/v1/quarantine/orders/{id}/link", params(("id" = i64, Path)), request_body = LinkInput,
    responses((status = 201, body = NewLink), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn order_link(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<LinkInput>,
) -> Result<(StatusCode, Json<NewLink>), Problem> {
    link(&s, &actor, LinkFor::Order(id), &body).await
}

/// A personal link for an active home treatment: the F0 records vital signs
/// at `/k/<token>`; warning signs raise an alert.
#[utoipa::path(post, path = "/api/v1/home-treatments/{id}/link", params(("id" = i64, Path)), request_body = LinkInput,
    responses((status = 201, body = NewLink), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn treatment_link(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<LinkInput>,
) -> Result<(StatusCode, Json<NewLink>), Problem> {
    link(&s, &actor, LinkFor::Treatment(id), &body).await
}

async fn link(
    s: &AppState,
    actor: &phongdich_store::Actor,
    target: LinkFor,
    body: &LinkInput,
) -> Result<(StatusCode, Json<NewLink>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(
            s.store
                .create_link(actor, target, &body.contact_phone, s.today())
                .await?,
        ),
    ))
}

/// Revoke a personal link at once; revoking it again changes nothing.
#[utoipa::path(post, path = "/api/v1/links/{id}/revoke", params(("id" = i64, Path)),
    responses((status = 200, body = PersonalLink), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn revoke(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PersonalLink>, Problem> {
    Ok(Json(s.store.revoke_link(&actor, id, s.today()).await?))
}
