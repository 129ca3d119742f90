//! F0 treated at home: enrolment, vital signs, alerts and the response to them.

use super::{ApiJson, ApiPath};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use phongdich_domain::treatment::{Enrolment, Vitals};
use phongdich_store::{AlertAction, HomeTreatment, TreatmentAlert, VitalRecord};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(of_person, enrol))
        .routes(routes!(vitals, record_vitals))
        .routes(routes!(alerts))
        .routes(routes!(acknowledge))
        .routes(routes!(act))
}

/// Enrol an F0 in home treatment (refused with the reasons when 4038/QĐ-BYT does not allow it).
#[utoipa::path(post, path = "/api/v1/persons/{id}/home-treatment", params(("id" = i64, Path)), request_body = Enrolment,
    responses((status = 201, body = HomeTreatment), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn enrol(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Enrolment>,
) -> Result<(StatusCode, Json<HomeTreatment>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(
            s.store
                .enrol_home_treatment(&actor, id, &body, s.today())
                .await?,
        ),
    ))
}

/// A person's home treatments, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/home-treatment", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<HomeTreatment>), (status = 404, body = Problem)))]
pub(super) async fn of_person(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<HomeTreatment>>, Problem> {
    Ok(Json(s.store.treatments_of(&actor.scope, id).await?))
}

/// Record vital signs; warning signs raise an alert for the response team.
#[utoipa::path(post, path = "/api/v1/home-treatments/{id}/vitals", params(("id" = i64, Path)), request_body = Vitals,
    responses((status = 201, body = VitalRecord), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn record_vitals(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Vitals>,
) -> Result<(StatusCode, Json<VitalRecord>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.record_vitals(&actor, id, &body, s.today()).await?),
    ))
}

/// The vital signs of a home treatment, newest first.
#[utoipa::path(get, path = "/api/v1/home-treatments/{id}/vitals", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<VitalRecord>), (status = 404, body = Problem)))]
pub(super) async fn vitals(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<VitalRecord>>, Problem> {
    Ok(Json(s.store.vitals_of(&actor.scope, id).await?))
}

/// Alerts of the caller's jurisdiction: open ones first, oldest first.
#[utoipa::path(get, path = "/api/v1/alerts",
    responses((status = 200, body = Vec<TreatmentAlert>), (status = 401, body = Problem)))]
pub(super) async fn alerts(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<TreatmentAlert>>, Problem> {
    Ok(Json(s.store.treatment_alerts(&actor.scope).await?))
}

/// Take an alert (the time to acknowledge is kept).
#[utoipa::path(post, path = "/api/v1/alerts/{id}/acknowledge", params(("id" = i64, Path)),
    responses((status = 200, body = TreatmentAlert), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(super) async fn acknowledge(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TreatmentAlert>, Problem> {
    Ok(Json(s.store.acknowledge_alert(&actor, id).await?))
}

/// Record what was done: `visit`, `oxygen` or `transfer` (to hospital).
#[utoipa::path(post, path = "/api/v1/alerts/{id}/action", params(("id" = i64, Path)), request_body = AlertAction,
    responses((status = 200, body = TreatmentAlert), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn act(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AlertAction>,
) -> Result<Json<TreatmentAlert>, Problem> {
    Ok(Json(s.store.act_on_alert(&actor, id, &body).await?))
}
