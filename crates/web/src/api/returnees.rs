//! Returnees: registrations (the person matched to the registry, the
//! obligation the rules give), the day's hand-over, a code's registration,
//! confirmation home (which issues the quarantine order) and cancellation;
//! checkpoint scans, each kept once under the device's idempotency key; the
//! province's list of epidemic areas.

use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use phongdich_domain::Permission;
use phongdich_domain::returnees::{BatchInput, BatchState};
use phongdich_domain::returnees::{EpidemicArea, Obligation, RegistrationInput};
use phongdich_store::{
    AreaInput, BatchDetail, Handover, QuarantineOrder, Registered, Registration, ScanInput,
    ScanOutcome, SeatOutcome, StoreError, TransportBatch,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handover, register))
        .routes(routes!(register_list))
        .routes(routes!(by_code))
        .routes(routes!(home))
        .routes(routes!(cancel))
        .routes(routes!(scan))
        .routes(routes!(areas, add_area))
        .routes(routes!(end_area))
        .routes(routes!(batches, add_batch))
        .routes(routes!(batch))
        .routes(routes!(seat))
        .routes(routes!(batch_state))
}

fn day_or_today(s: &AppState, field: &str, v: Option<&str>) -> Result<NaiveDate, StoreError> {
    match v.map(str::trim) {
        None | Some("") => Ok(s.today()),
        Some(d) => phongdich_domain::contact::parse_date(field, d)
            .map_err(|e| StoreError::from(phongdich_domain::Invalid(vec![e]))),
    }
}

/// Register a returnee: the person is found by CCCD (or by the duplicate
/// rules, reported in `matched`) or registered; the answer carries the code
/// to print as a QR code and what the arrival must do under the rules in
/// force on the planned arrival day.
#[utoipa::path(post, path = "/api/v1/returnees", request_body = RegistrationInput,
    responses((status = 201, body = Registered), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub(super) async fn register(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<RegistrationInput>,
) -> Result<(StatusCode, Json<Registered>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.register_returnee(&actor, &body, "api").await?),
    ))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct DayParams {
    /// The arrival day (today by default), dd/mm/yyyy or yyyy-mm-dd.
    day: Option<String>,
}

/// The day's hand-over within the caller's jurisdiction: who is registered
/// to arrive that day, and who was expected earlier and is not home yet.
#[utoipa::path(get, path = "/api/v1/returnees", params(DayParams),
    responses((status = 200, body = Handover), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn handover(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<DayParams>,
) -> Result<Json<Handover>, Problem> {
    actor.require(Permission::Returnees)?;
    let day = day_or_today(&s, "day", p.day.as_deref())?;
    Ok(Json(s.store.returnee_handover(&actor.scope, day).await?))
}

/// A registration and its obligation.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct RegistrationView {
    registration: Registration,
    obligation: Obligation,
}

/// A registration by its code (as printed, scanned or typed; case and
/// dashes do not matter), within the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/returnees/by-code/{code}", params(("code" = String, Path)),
    responses((status = 200, body = RegistrationView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn by_code(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<RegistrationView>, Problem> {
    if !actor.role.can(Permission::Returnees) {
        actor.require(Permission::CheckArrivals)?;
    }
    let mut registration = s.store.returnee_by_code(&actor.scope, &code).await?;
    let obligation = s.store.returnee_obligation(&registration).await?;
    // A checkpoint reads what the scan needs, not the phone.
    if !actor.role.can(Permission::ViewIdentifiers) {
        registration.phone = None;
    }
    Ok(Json(RegistrationView {
        registration,
        obligation,
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub(super) struct HomeInput {
    /// The day the person reached home (today by default).
    home_on: Option<String>,
}

/// Confirmed home.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct HomeOutcome {
    registration: Registration,
    /// The quarantine order issued, when the origin was an epidemic area.
    order: Option<QuarantineOrder>,
}

/// The commune confirms the person is home: an arrival from an epidemic area
/// gets its quarantine order (counted from the day through the checkpoint)
/// in the same transaction.
#[utoipa::path(post, path = "/api/v1/returnees/{id}/home", params(("id" = i64, Path)), request_body = HomeInput,
    responses((status = 200, body = HomeOutcome), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn home(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<HomeInput>,
) -> Result<Json<HomeOutcome>, Problem> {
    let on = day_or_today(&s, "home_on", body.home_on.as_deref())?;
    let (registration, order) = s.store.confirm_returnee_home(&actor, id, on).await?;
    Ok(Json(HomeOutcome {
        registration,
        order,
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub(super) struct CancelInput {
    reason: String,
}

/// Withdraw a registration not yet home, with the reason (audited).
#[utoipa::path(post, path = "/api/v1/returnees/{id}/cancel", params(("id" = i64, Path)), request_body = CancelInput,
    responses((status = 200, body = Registration), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn cancel(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CancelInput>,
) -> Result<Json<Registration>, Problem> {
    Ok(Json(
        s.store.cancel_returnee(&actor, id, &body.reason).await?,
    ))
}

/// A checkpoint's scan. The first scan of a code records the arrival (and
/// the rapid test there; a positive one enters the testing flow); later ones
/// answer `again`; the same scan re-sent with its idempotency key answers
/// `replayed` and records nothing.
#[utoipa::path(post, path = "/api/v1/checkpoint/scans", request_body = ScanInput,
    responses((status = 200, body = ScanOutcome), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn scan(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<ScanInput>,
) -> Result<Json<ScanOutcome>, Problem> {
    Ok(Json(s.store.scan_returnee(&actor, &body).await?))
}

/// The caller's province's list of epidemic areas, oldest first.
#[utoipa::path(get, path = "/api/v1/epidemic-areas",
    responses((status = 200, body = Vec<EpidemicArea>), (status = 403, body = Problem)))]
pub(super) async fn areas(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<EpidemicArea>>, Problem> {
    // The national scope keeps no list of its own: an empty one.
    let areas = match s.store.province_of_scope(&actor.scope).await? {
        Some(province) => s.store.epidemic_areas(&province).await?,
        None => Vec::new(),
    };
    Ok(Json(areas))
}

/// Add an area to the caller's province's list (a province's account; an
/// entry overlapping another for the same unit is refused).
#[utoipa::path(post, path = "/api/v1/epidemic-areas", request_body = AreaInput,
    responses((status = 201, body = EpidemicArea), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub(super) async fn add_area(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<AreaInput>,
) -> Result<(StatusCode, Json<EpidemicArea>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.add_epidemic_area(&actor, &body).await?),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub(super) struct AreaEnd {
    /// The last day the place is an epidemic area, dd/mm/yyyy or yyyy-mm-dd.
    until_on: String,
}

/// End an entry of the caller's province's list (or move its end), as a
/// later notice says; the entry and its history stay (audited).
#[utoipa::path(post, path = "/api/v1/epidemic-areas/{id}/end", params(("id" = i64, Path)), request_body = AreaEnd,
    responses((status = 200, body = EpidemicArea), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn end_area(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AreaEnd>,
) -> Result<Json<EpidemicArea>, Problem> {
    Ok(Json(
        s.store
            .end_epidemic_area(&actor, id, &body.until_on)
            .await?,
    ))
}

/// The most registrations one list request may carry (a larger list goes in
/// several requests, or as a file through the import page).
const LIST_LIMIT: usize = 1000;

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub(super) struct RegistrationList {
    /// At most 1,000 registrations, each as `POST /api/v1/returnees` takes it.
    registrations: Vec<RegistrationInput>,
}

/// What became of one registration of a list.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct ListRow {
    /// The registration's place in the list, from 0.
    index: usize,
    /// `registered` or `refused`.
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    person_id: Option<i64>,
    /// `national_id`, `national_id_elsewhere`, `created` or
    /// `created_likely_duplicate`, when registered (as `Registered.matched`).
    #[serde(skip_serializing_if = "Option::is_none")]
    matched: Option<String>,
    /// Why it was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<Problem>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct ListOutcome {
    registered: usize,
    refused: usize,
    rows: Vec<ListRow>,
}

/// A sending province's or a transport operator's list: each registration
/// registered or refused on its own, every one answered with its index (a
/// refused one with its problem, as the single call would give it).
#[utoipa::path(post, path = "/api/v1/returnees/list", request_body = RegistrationList,
    responses((status = 200, body = ListOutcome), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn register_list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<RegistrationList>,
) -> Result<Json<ListOutcome>, Problem> {
    actor.require(Permission::Returnees)?;
    if body.registrations.len() > LIST_LIMIT {
        return Err(StoreError::from(phongdich_domain::Invalid(vec![
            phongdich_domain::FieldError::new(
                "registrations",
                "too_many",
                format!(
                    "Một lần gửi tối đa {LIST_LIMIT} đăng ký (đã gửi {}): chia danh sách thành nhiều lần.",
                    body.registrations.len()
                ),
                format!(
                    "At most {LIST_LIMIT} registrations a request ({} sent): split the list.",
                    body.registrations.len()
                ),
            ),
        ]))
        .into());
    }
    let mut out = ListOutcome {
        registered: 0,
        refused: 0,
        rows: Vec::with_capacity(body.registrations.len()),
    };
    // One list, registered in one pass: the same answers as one call per
    // registration (its `travels_with` codes included).
    let rows: Vec<phongdich_store::ListRow> = body
        .registrations
        .into_iter()
        .map(|input| phongdich_store::ListRow { input, group: None })
        .collect();
    let answers = s
        .store
        .register_returnee_list(&actor, &rows, "api", &mut Default::default())
        .await?;
    for (index, answer) in answers.into_iter().enumerate() {
        match answer {
            Ok(r) => {
                out.registered += 1;
                out.rows.push(ListRow {
                    index,
                    outcome: "registered",
                    code: Some(r.code),
                    person_id: Some(r.person_id),
                    matched: Some(r.matched),
                    problem: None,
                });
            }
            Err(
                e @ (StoreError::Invalid(_)
                | StoreError::Conflict { .. }
                | StoreError::NotFound { .. }
                | StoreError::DuplicateNationalId { .. }
                | StoreError::LikelyDuplicates { .. }),
            ) => {
                out.refused += 1;
                out.rows.push(ListRow {
                    index,
                    outcome: "refused",
                    code: None,
                    person_id: None,
                    matched: None,
                    problem: Some(Problem::from(e)),
                });
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Json(out))
}

/// The transport batches of the caller's province, latest first.
#[utoipa::path(get, path = "/api/v1/returnee-batches",
    responses((status = 200, body = Vec<TransportBatch>), (status = 403, body = Problem)))]
pub(super) async fn batches(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<TransportBatch>>, Problem> {
    actor.require(Permission::Returnees)?;
    Ok(Json(s.store.batches(&actor.scope).await?))
}

/// Plan a convoy, bus, flight or train (a province's account).
#[utoipa::path(post, path = "/api/v1/returnee-batches", request_body = BatchInput,
    responses((status = 201, body = TransportBatch), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub(super) async fn add_batch(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<BatchInput>,
) -> Result<(StatusCode, Json<TransportBatch>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.create_batch(&actor, &body).await?),
    ))
}

/// A batch and its passengers by seat.
#[utoipa::path(get, path = "/api/v1/returnee-batches/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = BatchDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn batch(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<BatchDetail>, Problem> {
    actor.require(Permission::Returnees)?;
    Ok(Json(s.store.batch(&actor.scope, id).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub(super) struct SeatInput {
    /// Registration codes (a transport operator's manifest), at most 2,000.
    codes: Vec<String>,
}

/// Seat registrations on a planned batch by their codes; each code answered.
#[utoipa::path(post, path = "/api/v1/returnee-batches/{id}/passengers", params(("id" = i64, Path)),
    request_body = SeatInput,
    responses((status = 200, body = Vec<SeatOutcome>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn seat(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SeatInput>,
) -> Result<Json<Vec<SeatOutcome>>, Problem> {
    Ok(Json(
        s.store.assign_to_batch(&actor, id, &body.codes).await?,
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(super) struct StateInput {
    /// `departed`, `arrived` or `cancelled`.
    state: BatchState,
}

/// Move a batch on: planned → departed → arrived, or planned → cancelled.
#[utoipa::path(post, path = "/api/v1/returnee-batches/{id}/state", params(("id" = i64, Path)),
    request_body = StateInput,
    responses((status = 200, body = TransportBatch), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn batch_state(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StateInput>,
) -> Result<Json<TransportBatch>, Problem> {
    Ok(Json(s.store.set_batch_state(&actor, id, body.state).await?))
}
