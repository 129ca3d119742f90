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
    OverdueSample, Pool, PoolInput, ResultOutcome, Sample, SampleInput, SamplingItem, Turnaround,
};

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Record one individual sample.
#[utoipa::path(post, path = "/api/v1/samples", request_body = SampleInput,
    responses((status = 201, body = Sample), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_sample(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<SampleInput>,
) -> Result<(StatusCode, Json<Sample>), Problem> {
    let sample = s.store.record_sample(&actor, &body, today()).await?;
    Ok((StatusCode::CREATED, Json(sample)))
}

/// One sample by the code on its label.
#[utoipa::path(get, path = "/api/v1/samples/{code}", params(("code" = String, Path)),
    responses((status = 200, body = Sample), (status = 404, body = Problem)))]
pub async fn show_sample(
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
pub async fn create_pool(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<PoolInput>,
) -> Result<(StatusCode, Json<Pool>), Problem> {
    let pool = s.store.record_pool(&actor, &body, today()).await?;
    Ok((StatusCode::CREATED, Json(pool)))
}

/// Record a lab result for a sample or a pool. The same result sent again
/// changes nothing (`unchanged`). A negative pool clears its members, a
/// positive pool puts them on the sampling list, and a positive individual
/// result that makes an F0 confirms the case with its class changes.
#[utoipa::path(post, path = "/api/v1/results", request_body = ResultInput,
    responses((status = 201, body = ResultOutcome), (status = 200, body = ResultOutcome, description = "already recorded"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_result(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<ResultInput>,
) -> Result<(StatusCode, Json<ResultOutcome>), Problem> {
    let out = s.store.record_result(&actor, &body, today()).await?;
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
pub async fn sampling_list(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<SamplingItem>>, Problem> {
    Ok(Json(s.store.sampling_list(&actor.scope).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct TargetParams {
    /// The turnaround target in hours (24 by default).
    hours: Option<i64>,
}

/// Samples of the caller's jurisdiction still without a result past the target, oldest first.
#[utoipa::path(get, path = "/api/v1/testing/overdue", params(TargetParams),
    responses((status = 200, body = Vec<OverdueSample>), (status = 401, body = Problem)))]
pub async fn overdue(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<TargetParams>,
) -> Result<Json<Vec<OverdueSample>>, Problem> {
    let hours = p.hours.unwrap_or(24);
    Ok(Json(
        s.store
            .overdue_samples(&actor.scope, today(), hours)
            .await?,
    ))
}

/// Turnaround of the caller's jurisdiction: F1 → sample, and sample → result per lab.
#[utoipa::path(get, path = "/api/v1/testing/turnaround", params(TargetParams),
    responses((status = 200, body = Turnaround), (status = 401, body = Problem)))]
pub async fn turnaround(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<TargetParams>,
) -> Result<Json<Turnaround>, Problem> {
    let hours = p.hours.unwrap_or(24);
    Ok(Json(
        s.store.turnaround(&actor.scope, today(), hours).await?,
    ))
}
