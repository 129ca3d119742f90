//! Samples (single and pooled), lab results, and the sampling list. A result
//! that confirms an F0 re-classifies the contacts before the answer.

use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use phongdich_domain::testing::ResultInput;
use phongdich_store::{
    AwaitingResults, OverdueSample, PendingReview, Pool, PoolInput, ProvinceSetting, ResultOutcome,
    Sample, SampleInput, SamplingItem, Turnaround,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_sample))
        .routes(routes!(show_sample))
        .routes(routes!(create_pool))
        .routes(routes!(create_result))
        .routes(routes!(sampling_list))
        .routes(routes!(overdue))
        .routes(routes!(awaiting))
        .routes(routes!(turnaround))
        .routes(routes!(reviews))
        .routes(routes!(review))
        .routes(routes!(setting, set_setting))
}

/// Record one individual sample.
#[utoipa::path(post, path = "/api/v1/samples", request_body = SampleInput,
    responses((status = 201, body = Sample), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn create_sample(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<SampleInput>,
) -> Result<(StatusCode, Json<Sample>), Problem> {
    let sample = s.store.record_sample(&actor, &body, s.today()).await?;
    Ok((StatusCode::CREATED, Json(sample)))
}

/// One sample by the code on its label.
#[utoipa::path(get, path = "/api/v1/samples/{code}", params(("code" = String, Path)),
    responses((status = 200, body = Sample), (status = 404, body = Problem)))]
pub(super) async fn show_sample(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Sample>, Problem> {
    Ok(Json(s.store.sample_by_code(&actor.scope, &code).await?))
}

/// Record a pool: one sample per member under one pool code (2–10 people by
/// default, up to 20 for a household or when `max_size` says so).
#[utoipa::path(post, path = "/api/v1/pools", request_body = PoolInput,
    responses((status = 201, body = Pool), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn create_pool(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<PoolInput>,
) -> Result<(StatusCode, Json<Pool>), Problem> {
    let pool = s.store.record_pool(&actor, &body, s.today()).await?;
    Ok((StatusCode::CREATED, Json(pool)))
}

/// Record a lab result for a sample or a pool. The same result sent again
/// changes nothing (`unchanged`). A negative pool clears its members, a
/// positive pool puts them on the sampling list, and a positive individual
/// result that makes an F0 confirms the case with its class changes.
#[utoipa::path(post, path = "/api/v1/results", request_body = ResultInput,
    responses((status = 201, body = ResultOutcome), (status = 200, body = ResultOutcome, description = "already recorded"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn create_result(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<ResultInput>,
) -> Result<(StatusCode, Json<ResultOutcome>), Problem> {
    let out = s.store.record_result(&actor, &body, s.today()).await?;
    let status = if out.unchanged {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(out)))
}

/// Who must be sampled in the caller's jurisdiction, oldest need first.
#[utoipa::path(get, path = "/api/v1/sampling-list",
    responses((status = 200, body = Vec<SamplingItem>), (status = 401, body = Problem)))]
pub(super) async fn sampling_list(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<SamplingItem>>, Problem> {
    Ok(Json(s.store.sampling_list(&actor.scope).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct TargetParams {
    /// The turnaround target in hours (24 by default).
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 720, _>")]
    #[param(minimum = 1, maximum = 720)]
    hours: Option<i64>,
}

/// Samples of the caller's jurisdiction still without a result past the target, oldest first.
#[utoipa::path(get, path = "/api/v1/testing/overdue", params(TargetParams),
    responses((status = 200, body = Vec<OverdueSample>), (status = 401, body = Problem)))]
pub(super) async fn overdue(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<TargetParams>,
) -> Result<Json<Vec<OverdueSample>>, Problem> {
    let hours = p.hours.unwrap_or(24);
    Ok(Json(
        s.store
            .overdue_samples(&actor.scope, s.today(), hours)
            .await?,
    ))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct AwaitingParams {
    /// One lab's work (an empty value: samples with no lab named).
    #[serde(default)]
    lab: Option<String>,
    #[serde(default, deserialize_with = "crate::api::in_range::<0, 100000000, _>")]
    #[param(minimum = 0)]
    offset: Option<i64>,
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 1000, _>")]
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
}

/// Pools and lone samples of the caller's jurisdiction awaiting a result,
/// oldest first (a lab's work list), with the whole count and the labs named.
#[utoipa::path(get, path = "/api/v1/testing/awaiting", params(AwaitingParams),
    responses((status = 200, body = AwaitingResults), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub(super) async fn awaiting(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<AwaitingParams>,
) -> Result<Json<AwaitingResults>, Problem> {
    let paging = phongdich_store::Paging::new(
        p.offset.unwrap_or(0),
        p.limit.unwrap_or(phongdich_store::Paging::DEFAULT_LIMIT),
    );
    Ok(Json(
        s.store
            .awaiting_results(&actor.scope, p.lab.as_deref(), paging, s.today())
            .await?,
    ))
}

/// Turnaround of the caller's jurisdiction: F1 → sample, and sample → result per lab.
#[utoipa::path(get, path = "/api/v1/testing/turnaround", params(TargetParams),
    responses((status = 200, body = Turnaround), (status = 401, body = Problem)))]
pub(super) async fn turnaround(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<TargetParams>,
) -> Result<Json<Turnaround>, Problem> {
    let hours = p.hours.unwrap_or(24);
    Ok(Json(
        s.store.turnaround(&actor.scope, s.today(), hours).await?,
    ))
}

/// Positive results waiting for a health officer's review before they confirm
/// an F0 (where the province confirms after review), oldest first.
#[utoipa::path(get, path = "/api/v1/reviews",
    responses((status = 200, body = Vec<PendingReview>), (status = 401, body = Problem)))]
pub(super) async fn reviews(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<PendingReview>>, Problem> {
    Ok(Json(s.store.pending_reviews(&actor.scope).await?))
}

/// A health officer's review of a positive result (named apart from the
/// report review's `ReviewInput`: one schema name, one schema).
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = ResultReviewInput)]
pub(super) struct ReviewInput {
    /// `true` confirms the F0 (the classes follow at once); `false` does not.
    confirm: bool,
}

/// Decide on a result waiting for review.
#[utoipa::path(post, path = "/api/v1/reviews/{result_id}", params(("result_id" = i64, Path)), request_body = ReviewInput,
    responses((status = 200, body = ResultOutcome), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(super) async fn review(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReviewInput>,
) -> Result<Json<ResultOutcome>, Problem> {
    Ok(Json(
        s.store
            .review_result(&actor, id, body.confirm, s.today())
            .await?,
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(super) struct SettingInput {
    value: String,
}

/// A province's setting (`f0_confirmation`: `automatic` or `review`;
/// `alert_escalation_minutes`: 5–240, 30 by default).
#[utoipa::path(get, path = "/api/v1/provinces/{code}/settings/{name}", params(("code" = String, Path), ("name" = String, Path)),
    responses((status = 200, body = ProvinceSetting), (status = 404, body = Problem)))]
pub(super) async fn setting(
    State(s): State<AppState>,
    Caller(_actor): Caller,
    ApiPath((code, name)): ApiPath<(String, String)>,
) -> Result<Json<ProvinceSetting>, Problem> {
    let unit = s.store.unit(&code).await?;
    Ok(Json(s.store.setting(&unit.code, &name).await?))
}

/// Change a setting of one's province (province administrators).
#[utoipa::path(put, path = "/api/v1/provinces/{code}/settings/{name}", params(("code" = String, Path), ("name" = String, Path)),
    request_body = SettingInput,
    responses((status = 200, body = ProvinceSetting), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn set_setting(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath((code, name)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<SettingInput>,
) -> Result<Json<ProvinceSetting>, Problem> {
    Ok(Json(
        s.store
            .set_setting(&actor, &code, &name, &body.value)
            .await?,
    ))
}
