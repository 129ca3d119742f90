//! Rapid situation reports: live figures for any unit and period of the
//! caller's jurisdiction, sending (frozen figures), reviewing by the level
//! above, the day's board of the units below, reminders.

use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use phongdich_domain::Invalid;
use phongdich_store::{Actor, ReportFigures, SituationReport, StoreError, Submission};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit))
        .routes(routes!(figures))
        .routes(routes!(figure_records))
        .routes(routes!(board))
        .routes(routes!(remind))
        .routes(routes!(show))
        .routes(routes!(review))
        .routes(routes!(of_unit))
}

/// A day given as `YYYY-MM-DD` or `dd/mm/yyyy`; `default` when absent.
fn day(field: &str, v: &Option<String>, default: NaiveDate) -> Result<NaiveDate, StoreError> {
    match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => phongdich_domain::contact::parse_date(field, v)
            .map_err(|e| StoreError::from(Invalid(vec![e]))),
    }
}

/// The unit asked for, else the caller's own.
fn unit_or_own(actor: &Actor, unit: &Option<String>) -> Option<String> {
    unit.as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .or(actor.scope.home().map(String::from))
}

fn no_unit() -> Problem {
    Problem::bad_request("Cần tham số «unit».", "The “unit” parameter is needed.")
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct FiguresParams {
    /// The unit (province, district or commune); the caller's own by default.
    unit: Option<String>,
    /// First day (`YYYY-MM-DD` or `dd/mm/yyyy`); `to` by default.
    from: Option<String>,
    /// Last day; today (Vietnam's time) by default.
    to: Option<String>,
}

/// A unit's report figures for a period, computed live from the records:
/// the unit's figures (the sum over the units below), each unit one level
/// below, and the medians.
#[utoipa::path(get, path = "/api/v1/reports/figures", params(FiguresParams),
    responses((status = 200, body = ReportFigures), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn figures(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<FiguresParams>,
) -> Result<Json<ReportFigures>, Problem> {
    let code = unit_or_own(&actor, &p.unit).ok_or_else(no_unit)?;
    let (from, to) = period(&p.from, &p.to, s.today()).map_err(|e| *e)?;
    let unit = s.store.unit(&code).await?;
    let wave = s.store.wave_start(&unit.province_code).await?;
    Ok(Json(
        s.store
            .report_figures(&actor.scope, &unit.code, from, to, wave)
            .await?,
    ))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct FigureRecordsParams {
    /// The figure's key, as in the report (`f0_home`, `f1_pending`…).
    key: String,
    /// The unit (province, district or commune); the caller's own by default.
    unit: Option<String>,
    /// First day (`YYYY-MM-DD` or `dd/mm/yyyy`); `to` by default.
    from: Option<String>,
    /// Last day; today (Vietnam's time) by default. Stocks are listed as
    /// they stood at its end.
    to: Option<String>,
    /// Entries to skip (0 by default).
    #[serde(default, deserialize_with = "crate::api::in_range::<0, 1000000000, _>")]
    #[param(minimum = 0, maximum = 1000000000)]
    offset: Option<i64>,
    /// Entries to give (100 by default, 1 to 1,000).
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 1000, _>")]
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
}

/// The period asked for: `from..=to`, forwards, at most a year.
fn period(
    from: &Option<String>,
    to: &Option<String>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), Box<Problem>> {
    let to = day("to", to, today).map_err(|e| Box::new(e.into()))?;
    let from = day("from", from, to).map_err(|e| Box::new(e.into()))?;
    phongdich_domain::report::check_period(from, to)
        .map_err(|e| Box::new(Problem::bad_request(e.message_vi, e.message_en)))?;
    Ok((from, to))
}

/// The records behind one figure of a unit's report for a period — exactly
/// as many as the figure counts (`total`), a page at a time: the people (or
/// samples, tests) with the day that dates each and the commune it is
/// counted in.
#[utoipa::path(get, path = "/api/v1/reports/figure", params(FigureRecordsParams),
    responses((status = 200, body = phongdich_store::FigureList), (status = 400, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn figure_records(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<FigureRecordsParams>,
) -> Result<Json<phongdich_store::FigureList>, Problem> {
    let code = unit_or_own(&actor, &p.unit).ok_or_else(no_unit)?;
    let (from, to) = period(&p.from, &p.to, s.today()).map_err(|e| *e)?;
    let offset = p.offset.unwrap_or(0);
    let limit = p.limit.unwrap_or(phongdich_store::Paging::DEFAULT_LIMIT);
    if offset < 0 || !(1..=phongdich_store::Paging::MAX_LIMIT).contains(&limit) {
        return Err(Problem::bad_request(
            "«offset» không âm; «limit» từ 1 đến 1.000.",
            "“offset” is not negative; “limit” is 1 to 1,000.",
        ));
    }
    let unit = s.store.unit(&code).await?;
    let wave = s.store.wave_start(&unit.province_code).await?;
    Ok(Json(
        s.store
            .figure_list(
                &actor.scope,
                p.key.trim(),
                &unit.code,
                phongdich_store::FigurePeriod {
                    from,
                    to,
                    wave_start: wave,
                },
                phongdich_store::Paging::new(offset, limit),
            )
            .await?,
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(super) struct ReportInput {
    /// The caller's own unit (each unit sends its own report).
    pub unit_code: String,
    /// First day of the period (`YYYY-MM-DD` or `dd/mm/yyyy`); `to` by default.
    pub from: Option<String>,
    /// Last day; today (Vietnam's time) by default.
    pub to: Option<String>,
    /// The committee's comments.
    #[serde(default)]
    pub comments: String,
}

/// Send the unit's report for a period: the figures are computed now and
/// kept as they are; a period has one version until the level above returns it.
#[utoipa::path(post, path = "/api/v1/reports", request_body = ReportInput,
    responses((status = 201, body = SituationReport), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn submit(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<ReportInput>,
) -> Result<(StatusCode, Json<SituationReport>), Problem> {
    let today = s.today();
    let to = day("to", &body.to, today)?;
    let from = day("from", &body.from, to)?;
    Ok((
        StatusCode::CREATED,
        Json(
            s.store
                .submit_report(
                    &actor,
                    body.unit_code.trim(),
                    from,
                    to,
                    &body.comments,
                    today,
                )
                .await?,
        ),
    ))
}

/// A report as sent, with its review.
#[utoipa::path(get, path = "/api/v1/reports/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = SituationReport), (status = 404, body = Problem)))]
pub(super) async fn show(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<SituationReport>, Problem> {
    Ok(Json(s.store.situation_report(&actor.scope, id).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ListParams {
    /// At most this many (100 by default, 1–1,000), newest period first.
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 1000, _>")]
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
}

/// The reports a unit has sent, every version, newest period first.
#[utoipa::path(get, path = "/api/v1/units/{code}/reports", params(("code" = String, Path), ListParams),
    responses((status = 200, body = Vec<SituationReport>), (status = 404, body = Problem)))]
pub(super) async fn of_unit(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<Vec<SituationReport>>, Problem> {
    Ok(Json(
        s.store
            .reports_of_unit(&actor.scope, &code, p.limit.unwrap_or(100))
            .await?,
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(super) struct ReviewInput {
    /// `true` approves; `false` returns it to the unit, with a `note`.
    pub approve: bool,
    /// Why it is returned (needed to return).
    #[serde(default)]
    pub note: String,
}

/// The level above approves a report, or returns it with a reason.
#[utoipa::path(post, path = "/api/v1/reports/{id}/review", params(("id" = i64, Path)), request_body = ReviewInput,
    responses((status = 200, body = SituationReport), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn review(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReviewInput>,
) -> Result<Json<SituationReport>, Problem> {
    Ok(Json(
        s.store
            .review_report(&actor, id, body.approve, &body.note)
            .await?,
    ))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct BoardParams {
    /// The district or province; the caller's own by default.
    unit: Option<String>,
    /// The day; today (Vietnam's time) by default.
    day: Option<String>,
}

/// Where the units one level below stand with a day's report.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct Board {
    pub unit_code: String,
    pub day: String,
    /// The province's deadline, `HH:MM` Vietnam's time.
    pub deadline: String,
    pub units: Vec<Submission>,
}

/// The day's board: each unit one level below — sent (when, late), reviewed,
/// missing after the province's deadline, reminded.
#[utoipa::path(get, path = "/api/v1/reports/board", params(BoardParams),
    responses((status = 200, body = Board), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn board(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<BoardParams>,
) -> Result<Json<Board>, Problem> {
    let code = unit_or_own(&actor, &p.unit).ok_or_else(no_unit)?;
    let day = day("day", &p.day, s.today())?;
    let units = s
        .store
        .submissions(&actor.scope, &code, day, s.now())
        .await?;
    let unit = s.store.unit(&code).await?;
    let deadline = s.store.report_deadline(&unit.province_code).await?;
    Ok(Json(Board {
        unit_code: unit.code,
        day: day.to_string(),
        deadline: deadline.format("%H:%M").to_string(),
        units,
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(super) struct RemindInput {
    /// A unit below the caller's.
    pub unit_code: String,
    /// The day of the report; today by default.
    pub day: Option<String>,
}

/// Remind a unit below to send the day's report (it sees the reminder on its
/// report page).
#[utoipa::path(post, path = "/api/v1/reports/remind", request_body = RemindInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn remind(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<RemindInput>,
) -> Result<StatusCode, Problem> {
    let day = day("day", &body.day, s.today())?;
    s.store.remind(&actor, body.unit_code.trim(), day).await?;
    Ok(StatusCode::NO_CONTENT)
}
