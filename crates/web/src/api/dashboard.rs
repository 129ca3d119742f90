//! The dashboard's figures and series for other systems to pull.

use super::ApiQuery;
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use phongdich_store::{Dashboard, DashboardQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(dashboard))
}

/// A unit's dashboard for a period: the report figures of the period (with
/// the units one level below), of its last day and of the day before; new F0
/// per day by source with the 7-day average; tests per day by result; each
/// unit below's new F0 over the last 14 days; the 10 active clusters with the
/// most active F0. The caller's own unit and the last 28 days by default; at
/// most 120 days. A unit outside the caller's jurisdiction is not found.
#[utoipa::path(get, path = "/api/v1/dashboard", params(DashboardQuery),
    responses((status = 200, body = Dashboard), (status = 401, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn dashboard(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> Result<Json<Dashboard>, Problem> {
    let today = s.today();
    Ok(Json(s.store.dashboard(&actor.scope, &q, today).await?))
}
