//! Administrative units: search, tree navigation, hamlets.

use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use phongdich_store::{NewHamlet, Unit};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(show))
        .routes(routes!(children))
        .routes(routes!(descendants))
        .routes(routes!(add_hamlet))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct UnitSearch {
    /// Name to look for, with or without diacritics, words in any order.
    q: Option<String>,
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 200, _>")]
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
}

/// Search units by name, or list the top units of the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/units", params(UnitSearch), responses((status = 200, body = [Unit])))]
pub(super) async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<UnitSearch>,
) -> Result<Json<Vec<Unit>>, Problem> {
    let units = match p.q.as_deref().filter(|q| !q.trim().is_empty()) {
        Some(q) => {
            s.store
                .search_units(q, &actor.scope, p.limit.unwrap_or(20))
                .await?
        }
        None => s.store.root_units(&actor.scope).await?,
    };
    Ok(Json(units))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct UnitDetail {
    unit: Unit,
    /// From the province down to the parent.
    ancestors: Vec<Unit>,
    children: Vec<Unit>,
}

async fn visible(
    s: &AppState,
    actor: &phongdich_store::Actor,
    code: &str,
) -> Result<Unit, Problem> {
    let unit = s.store.unit(code).await?;
    if !actor.scope.contains(&unit) {
        return Err(phongdich_store::StoreError::NotFound {
            entity: phongdich_store::Entity::Unit,
            id: code.to_owned(),
        }
        .into());
    }
    Ok(unit)
}

/// One unit with its ancestors and children.
#[utoipa::path(get, path = "/api/v1/units/{code}", params(("code" = String, Path, description = "Unit code, zero-padded")),
    responses((status = 200, body = UnitDetail), (status = 404, body = Problem)))]
pub(super) async fn show(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<UnitDetail>, Problem> {
    let unit = visible(&s, &actor, &code).await?;
    let ancestors = s.store.ancestors(&unit.code).await?;
    let children = s.store.children(&unit.code).await?;
    Ok(Json(UnitDetail {
        unit,
        ancestors,
        children,
    }))
}

/// Direct children of a unit.
#[utoipa::path(get, path = "/api/v1/units/{code}/children", params(("code" = String, Path)), responses((status = 200, body = [Unit]), (status = 404, body = Problem)))]
pub(super) async fn children(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<Unit>>, Problem> {
    let unit = visible(&s, &actor, &code).await?;
    Ok(Json(s.store.children(&unit.code).await?))
}

/// Every unit under a unit, parents first.
#[utoipa::path(get, path = "/api/v1/units/{code}/descendants", params(("code" = String, Path)), responses((status = 200, body = [Unit]), (status = 404, body = Problem)))]
pub(super) async fn descendants(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<Unit>>, Problem> {
    let unit = visible(&s, &actor, &code).await?;
    Ok(Json(s.store.descendants(&unit.code).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct HamletBody {
    name: String,
    /// `thôn`, `ấp`, `bản`, `tổ dân phố`, …
    #[serde(default)]
    kind: String,
}

/// Add a hamlet or residential group under a commune.
#[utoipa::path(post, path = "/api/v1/units/{code}/hamlets", params(("code" = String, Path, description = "Commune code")), request_body = HamletBody,
    responses((status = 201, body = Unit), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn add_hamlet(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<HamletBody>,
) -> Result<(StatusCode, Json<Unit>), Problem> {
    let unit = s
        .store
        .add_hamlet(
            &actor,
            &NewHamlet {
                commune_code: code,
                name: body.name,
                kind: body.kind,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(unit)))
}
