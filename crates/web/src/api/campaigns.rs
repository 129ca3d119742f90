//! Testing campaigns: order one, follow its live progress per unit, open the
//! list behind any figure, start the next round, close it.

use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use phongdich_store::{Campaign, CampaignInput, CampaignPeople, CampaignProgress, Paging};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show))
        .routes(routes!(people))
        .routes(routes!(next_round))
        .routes(routes!(close))
}

/// Order a campaign; its first round starts today (or on `starts_on`) with the target group as it stands.
///
/// `starts_on` a day already past (from 2020-01-01) records a campaign entered
/// after the fact: samples dated in its rounds count to them. The deadline
/// must fall after the first day began.
#[utoipa::path(post, path = "/api/v1/campaigns", request_body = CampaignInput,
    responses((status = 201, body = Campaign), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn create(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<CampaignInput>,
) -> Result<(StatusCode, Json<Campaign>), Problem> {
    let c = s
        .store
        .create_campaign(&actor, &body, s.now_local())
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// The campaigns of the caller's unit, of the units above it and below it; open ones first.
#[utoipa::path(get, path = "/api/v1/campaigns",
    responses((status = 200, body = Vec<Campaign>), (status = 401, body = Problem)))]
pub(super) async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<Campaign>>, Problem> {
    Ok(Json(
        s.store
            .campaigns(&actor.scope, s.now_local().date())
            .await?,
    ))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ProgressParams {
    /// The round (the current one by default).
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 1000, _>")]
    #[param(minimum = 1, maximum = 1000)]
    round: Option<i64>,
    /// Break the figures down under this unit (the campaign's by default).
    within: Option<String>,
}

/// Live progress of a round per unit: targeted, sampled, negative, positive,
/// pending, not yet sampled — counting only the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", params(("id" = i64, Path), ProgressParams),
    responses((status = 200, body = CampaignProgress), (status = 404, body = Problem)))]
pub(super) async fn show(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<ProgressParams>,
) -> Result<Json<CampaignProgress>, Problem> {
    Ok(Json(
        s.store
            .campaign_progress(
                &actor.scope,
                id,
                p.round,
                p.within.as_deref(),
                s.now_local(),
            )
            .await?,
    ))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PeopleParams {
    /// `targeted`, `sampled`, `negative`, `positive`, `pending` or `not_sampled`.
    status: Option<String>,
    /// The round (the current one by default).
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 1000, _>")]
    #[param(minimum = 1, maximum = 1000)]
    round: Option<i64>,
    /// Only the people living under this unit.
    unit: Option<String>,
    /// At most this many (500 by default, 1,000 at most); `total` says how
    /// many there are in all.
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 1000, _>")]
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
    /// Entries skipped (0 by default).
    #[serde(default, deserialize_with = "crate::api::in_range::<0, 1000000000, _>")]
    #[param(minimum = 0, maximum = 1000000000)]
    offset: Option<i64>,
}

/// The people behind one figure, by commune and household.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/people", params(("id" = i64, Path), PeopleParams),
    responses((status = 200, body = CampaignPeople), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn people(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<PeopleParams>,
) -> Result<Json<CampaignPeople>, Problem> {
    Ok(Json(
        s.store
            .campaign_people(
                &actor.scope,
                id,
                p.round,
                p.unit.as_deref(),
                p.status.as_deref().unwrap_or("targeted"),
                Paging::new(p.offset.unwrap_or(0), p.limit.unwrap_or(500)),
                s.now_local().date(),
            )
            .await?,
    ))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct RoundParams {
    /// The round's first day (`yyyy-mm-dd`), today by default; a day already
    /// past (after the last round's) for a round entered after the fact.
    starts_on: Option<String>,
}

/// Start the next round today (or on `starts_on`), with the target group as it stands now.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/rounds", params(("id" = i64, Path), RoundParams),
    responses((status = 201, body = Campaign), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(super) async fn next_round(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<RoundParams>,
) -> Result<(StatusCode, Json<Campaign>), Problem> {
    let c = s
        .store
        .start_round(&actor, id, p.starts_on.as_deref(), s.now_local())
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// Close a campaign: no more rounds.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/close", params(("id" = i64, Path)),
    responses((status = 200, body = Campaign), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(super) async fn close(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Campaign>, Problem> {
    Ok(Json(
        s.store
            .close_campaign(&actor, id, s.now_local().date())
            .await?,
    ))
}
