//! Quarantine: the rule an order would follow, orders (one person, or every
//! F1 at once), release and extension, the day's lists, province rules.

use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use phongdich_domain::quarantine::QuarantineRule;
use phongdich_store::{OrderInput, Paging, Proposal, QuarantineDay, QuarantineOrder};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(places, create_place))
        .routes(routes!(admit))
        .routes(routes!(destinations))
        .routes(routes!(occupancy))
        .routes(routes!(transfer))
        .routes(routes!(discharge))
        .routes(routes!(propose))
        .routes(routes!(create))
        .routes(routes!(order_all_f1))
        .routes(routes!(show))
        .routes(routes!(release))
        .routes(routes!(extend))
        .routes(routes!(day))
        .routes(routes!(of_person))
        .routes(routes!(rules, save_rule))
}

/// The rule in force and the dates an order would have (nothing is saved).
#[utoipa::path(post, path = "/api/v1/quarantine/proposals", request_body = OrderInput,
    responses((status = 200, body = Proposal), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn propose(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<OrderInput>,
) -> Result<Json<Proposal>, Problem> {
    Ok(Json(s.store.propose_order(&actor.scope, &body).await?))
}

/// Issue a quarantine order computed from the rule in force on its first day.
#[utoipa::path(post, path = "/api/v1/quarantine/orders", request_body = OrderInput,
    responses((status = 201, body = QuarantineOrder), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn create(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<OrderInput>,
) -> Result<(StatusCode, Json<QuarantineOrder>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.create_order(&actor, &body).await?),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(super) struct StartInput {
    /// The first day of the orders (dd/mm/yyyy or yyyy-mm-dd).
    start_on: String,
}

/// Orders for every F1 of the caller's jurisdiction who has none.
#[utoipa::path(post, path = "/api/v1/quarantine/orders/f1", request_body = StartInput,
    responses((status = 201, body = Vec<QuarantineOrder>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn order_all_f1(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<StartInput>,
) -> Result<(StatusCode, Json<Vec<QuarantineOrder>>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.order_all_f1(&actor, &body.start_on).await?),
    ))
}

/// One order.
#[utoipa::path(get, path = "/api/v1/quarantine/orders/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = QuarantineOrder), (status = 404, body = Problem)))]
pub(super) async fn show(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<QuarantineOrder>, Problem> {
    Ok(Json(s.store.quarantine_order(&actor.scope, id).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(super) struct ReleaseInput {
    /// The day of release (today by default).
    #[serde(default)]
    released_on: Option<String>,
}

/// Release, only when the rule allows (every reason otherwise).
#[utoipa::path(post, path = "/api/v1/quarantine/orders/{id}/release", params(("id" = i64, Path)), request_body = ReleaseInput,
    responses((status = 200, body = QuarantineOrder), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn release(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReleaseInput>,
) -> Result<Json<QuarantineOrder>, Problem> {
    let on = match body.released_on.as_deref().map(str::trim) {
        None | Some("") => s.today(),
        Some(d) => phongdich_domain::contact::parse_date("released_on", d)
            .map_err(|e| phongdich_store::StoreError::from(phongdich_domain::Invalid(vec![e])))?,
    };
    Ok(Json(s.store.release_order(&actor, id, on).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(super) struct ExtendInput {
    planned_end: String,
    reason: String,
}

/// Extend an order to a later last day, with the reason.
#[utoipa::path(post, path = "/api/v1/quarantine/orders/{id}/extend", params(("id" = i64, Path)), request_body = ExtendInput,
    responses((status = 200, body = QuarantineOrder), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn extend(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ExtendInput>,
) -> Result<Json<QuarantineOrder>, Problem> {
    Ok(Json(
        s.store
            .extend_order(&actor, id, &body.planned_end, &body.reason)
            .await?,
    ))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct DayParams {
    /// The day (today by default).
    day: Option<String>,
    /// Entries of each list to skip (0 by default).
    #[serde(default, deserialize_with = "crate::api::in_range::<0, 1000000000, _>")]
    #[param(minimum = 0, maximum = 1000000000)]
    offset: Option<i64>,
    /// Entries of each list to give, at most (100 by default, 1,000 at most).
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 1000, _>")]
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
}

/// The day's lists of the caller's jurisdiction: tests due, orders ending,
/// orders overdue, missed health declarations, F0 at home missing readings,
/// alerts not yet dealt with — each with its whole count and one page of
/// entries — the declarations with symptoms and the free beds.
#[utoipa::path(get, path = "/api/v1/quarantine/day", params(DayParams),
    responses((status = 200, body = QuarantineDay), (status = 422, body = Problem)))]
pub(super) async fn day(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<DayParams>,
) -> Result<Json<QuarantineDay>, Problem> {
    let day = match p.day.as_deref().map(str::trim) {
        None | Some("") => s.today(),
        Some(d) => phongdich_domain::contact::parse_date("day", d)
            .map_err(|e| phongdich_store::StoreError::from(phongdich_domain::Invalid(vec![e])))?,
    };
    let paging = Paging::new(
        p.offset.unwrap_or(0),
        p.limit.unwrap_or(Paging::DEFAULT_LIMIT),
    );
    Ok(Json(
        s.store.quarantine_day(&actor.scope, day, paging).await?,
    ))
}

/// A person's quarantine orders, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/quarantine", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<QuarantineOrder>), (status = 404, body = Problem)))]
pub(super) async fn of_person(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<QuarantineOrder>>, Problem> {
    Ok(Json(s.store.orders_of(&actor.scope, id).await?))
}

/// The rules a province applies: the national ones and its own.
#[utoipa::path(get, path = "/api/v1/provinces/{code}/quarantine-rules", params(("code" = String, Path)),
    responses((status = 200, body = Vec<QuarantineRule>), (status = 404, body = Problem)))]
pub(super) async fn rules(
    State(s): State<AppState>,
    Caller(_actor): Caller,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<QuarantineRule>>, Problem> {
    let unit = s.store.unit(&code).await?;
    Ok(Json(s.store.quarantine_rules(&unit.province_code).await?))
}

/// Add a province rule, or a new version of one (same code); province administrators.
#[utoipa::path(post, path = "/api/v1/provinces/{code}/quarantine-rules", params(("code" = String, Path)),
    request_body = QuarantineRule,
    responses((status = 201, body = QuarantineRule), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn save_rule(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(mut body): ApiJson<QuarantineRule>,
) -> Result<(StatusCode, Json<QuarantineRule>), Problem> {
    body.province_code = Some(code);
    Ok((
        StatusCode::CREATED,
        Json(s.store.save_province_rule(&actor, &body).await?),
    ))
}

/// The places of the caller's jurisdiction with their beds now.
#[utoipa::path(get, path = "/api/v1/places",
    responses((status = 200, body = Vec<phongdich_store::Place>), (status = 401, body = Problem)))]
pub(super) async fn places(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<phongdich_store::Place>>, Problem> {
    Ok(Json(s.store.places(&actor.scope).await?))
}

/// Add a place (centralised site, field hospital, hospital) with its beds.
#[utoipa::path(post, path = "/api/v1/places", request_body = phongdich_store::PlaceInput,
    responses((status = 201, body = phongdich_store::Place), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn create_place(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<phongdich_store::PlaceInput>,
) -> Result<(StatusCode, Json<phongdich_store::Place>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.create_place(&actor, &body).await?),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(super) struct AdmitInput {
    person_id: i64,
    /// `regular`, `oxygen` or `icu`.
    bed_type: String,
    admitted_on: String,
}

/// Admit a person to a bed (refused when none of that type is free).
#[utoipa::path(post, path = "/api/v1/places/{id}/admissions", params(("id" = i64, Path)), request_body = AdmitInput,
    responses((status = 201, body = phongdich_store::Admission), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn admit(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AdmitInput>,
) -> Result<(StatusCode, Json<phongdich_store::Admission>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(
            s.store
                .admit(
                    &actor,
                    id,
                    body.person_id,
                    &body.bed_type,
                    &body.admitted_on,
                )
                .await?,
        ),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(super) struct DischargeInput {
    discharged_on: String,
}

/// Discharge an admission.
#[utoipa::path(post, path = "/api/v1/admissions/{id}/discharge", params(("id" = i64, Path)), request_body = DischargeInput,
    responses((status = 200, body = phongdich_store::Admission), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(super) async fn discharge(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DischargeInput>,
) -> Result<Json<phongdich_store::Admission>, Problem> {
    Ok(Json(
        s.store.discharge(&actor, id, &body.discharged_on).await?,
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(super) struct TransferInput {
    /// The receiving place (one of `/api/v1/places/destinations`).
    to_place_id: i64,
    /// `regular`, `oxygen` or `icu`.
    bed_type: String,
    transferred_on: String,
}

/// Move a person to another place: the admission ends and a new one begins.
#[utoipa::path(post, path = "/api/v1/admissions/{id}/transfer", params(("id" = i64, Path)), request_body = TransferInput,
    responses((status = 201, body = phongdich_store::Admission), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn transfer(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<TransferInput>,
) -> Result<(StatusCode, Json<phongdich_store::Admission>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(
            s.store
                .transfer(
                    &actor,
                    id,
                    body.to_place_id,
                    &body.bed_type,
                    &body.transferred_on,
                )
                .await?,
        ),
    ))
}

/// Where the caller may send someone: the places of the jurisdiction, and the
/// hospitals and field hospitals of the caller's province.
#[utoipa::path(get, path = "/api/v1/places/destinations",
    responses((status = 200, body = Vec<phongdich_store::Place>)))]
pub(super) async fn destinations(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<phongdich_store::Place>>, Problem> {
    Ok(Json(s.store.transfer_destinations(&actor.scope).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct OccupancyParams {
    /// First day (14 days ago by default).
    from: Option<String>,
    /// Last day (today by default); at most 366 days after `from`.
    to: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct OccupancyDay {
    day: String,
    occupied: i64,
}

/// Beds occupied in a place on each day.
#[utoipa::path(get, path = "/api/v1/places/{id}/occupancy", params(("id" = i64, Path), OccupancyParams),
    responses((status = 200, body = Vec<OccupancyDay>), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn occupancy(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<OccupancyParams>,
) -> Result<Json<Vec<OccupancyDay>>, Problem> {
    let today = s.today();
    let day = |field: &str, v: &Option<String>, default| match v
        .as_deref()
        .filter(|v| !v.trim().is_empty())
    {
        None => Ok(default),
        Some(v) => phongdich_domain::contact::parse_date(field, v),
    };
    let invalid = |e| {
        Problem::from(phongdich_store::StoreError::from(
            phongdich_domain::Invalid(vec![e]),
        ))
    };
    let from = day("from", &p.from, today - chrono::Days::new(14)).map_err(invalid)?;
    let to = day("to", &p.to, today).map_err(invalid)?;
    Ok(Json(
        s.store
            .occupancy(&actor.scope, id, from, to)
            .await?
            .into_iter()
            .map(|(day, occupied)| OccupancyDay { day, occupied })
            .collect(),
    ))
}
