//! The audit log: read it, and undo what can be undone from it (merges).

use super::{ApiPath, ApiQuery};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use phongdich_store::{AuditEntry, AuditFilter, MergeOutcome};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(undo))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct AuditParams {
    entity: Option<String>,
    entity_id: Option<String>,
    action: Option<String>,
    /// Who acted (user name, or `token:NAME`).
    actor: Option<String>,
    /// Entries at or after this time or date (UTC).
    from: Option<String>,
    /// Entries before this time or date (UTC).
    to: Option<String>,
    /// Entries older than this id, to page backwards.
    #[serde(
        default,
        deserialize_with = "crate::api::in_range::<1, 9223372036854775807, _>"
    )]
    #[param(minimum = 1)]
    before_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 1000, _>")]
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
}

/// Audit entries of the caller's jurisdiction, newest first (administrators).
#[utoipa::path(get, path = "/api/v1/audit", params(AuditParams), responses((status = 200, body = [AuditEntry])))]
pub(super) async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<AuditParams>,
) -> Result<Json<Vec<AuditEntry>>, Problem> {
    let filter = AuditFilter {
        entity: p.entity,
        entity_id: p.entity_id,
        action: p.action,
        actor: p.actor,
        from: p.from,
        to: p.to,
        before_id: p.before_id,
        limit: p.limit.unwrap_or(100),
    };
    Ok(Json(s.store.audit_entries(&actor, &filter).await?))
}

/// Undo the change an audit entry records (a merge).
#[utoipa::path(post, path = "/api/v1/audit/{id}/undo", params(("id" = i64, Path)),
    responses((status = 200, body = MergeOutcome), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(super) async fn undo(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<MergeOutcome>, Problem> {
    Ok(Json(s.store.undo_merge(&actor, id).await?))
}
