//! Zones: lockdown areas (a whole unit or a place drawn under a commune),
//! their extensions and lifting (each a decision, kept), the people inside,
//! and the areas a person lives in now.

use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use phongdich_domain::Permission;
use phongdich_store::{
    CoverageInput, LevelOverride, Lockdown, LockdownChangeInput, LockdownDetail, LockdownInput,
    LockdownPerson, StoreError, WeekLevels,
};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(detail))
        .routes(routes!(people))
        .routes(routes!(change))
        .routes(routes!(of_person))
        .routes(routes!(levels))
        .routes(routes!(publish_levels))
        .routes(routes!(coverage))
        .routes(routes!(level_rules, save_level_rules))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ListParams {
    /// Only the lockdowns holding on this day (dd/mm/yyyy or yyyy-mm-dd).
    active_on: Option<String>,
}

/// The lockdowns the caller sees — in their jurisdiction, and those over
/// their own unit — newest first (at most 1,000).
#[utoipa::path(get, path = "/api/v1/lockdowns", params(ListParams),
    responses((status = 200, body = Vec<Lockdown>), (status = 403, body = Problem)))]
pub(super) async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<Vec<Lockdown>>, Problem> {
    actor.require(Permission::ViewPersons)?;
    let day = match p.active_on.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => Some(
            phongdich_domain::contact::parse_date("active_on", d)
                .map_err(|e| StoreError::from(phongdich_domain::Invalid(vec![e])))?,
        ),
    };
    Ok(Json(s.store.lockdowns(&actor.scope, day).await?))
}

/// Lock down a unit of the caller's jurisdiction, or a place drawn under a
/// commune (a named place, addresses one a line). Refused: an overlap with a
/// lockdown of the same area, an end before the start, a unit, case or
/// cluster that does not resolve within the caller's jurisdiction.
#[utoipa::path(post, path = "/api/v1/lockdowns", request_body = LockdownInput,
    responses((status = 201, body = Lockdown), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub(super) async fn create(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<LockdownInput>,
) -> Result<(StatusCode, Json<Lockdown>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.create_lockdown(&actor, &body).await?),
    ))
}

/// A lockdown with its decisions, its state today and how many people
/// (households) of the caller's jurisdiction are registered inside.
#[utoipa::path(get, path = "/api/v1/lockdowns/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = LockdownDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn detail(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<LockdownDetail>, Problem> {
    actor.require(Permission::ViewPersons)?;
    Ok(Json(s.store.lockdown(&actor.scope, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PeopleParams {
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 1000, _>")]
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
    #[serde(default, deserialize_with = "crate::api::in_range::<0, 1000000000, _>")]
    #[param(minimum = 0, maximum = 1000000000)]
    offset: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct PeoplePage {
    items: Vec<LockdownPerson>,
    /// Everyone inside within the caller's jurisdiction.
    total: usize,
}

/// The people registered inside a lockdown, within the caller's
/// jurisdiction, by name (`limit`, default 100, from `offset`).
#[utoipa::path(get, path = "/api/v1/lockdowns/{id}/people", params(("id" = i64, Path), PeopleParams),
    responses((status = 200, body = PeoplePage), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn people(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<PeopleParams>,
) -> Result<Json<PeoplePage>, Problem> {
    actor.require(Permission::ViewPersons)?;
    let (items, total) = s
        .store
        .lockdown_people(
            &actor.scope,
            id,
            p.offset.unwrap_or(0) as usize,
            p.limit.unwrap_or(100) as usize,
        )
        .await?;
    Ok(Json(PeoplePage { items, total }))
}

/// Extend (`kind` = `extend`, `on` the new planned end, included) or lift
/// (`lift`, `on` the first day no longer locked down — the decisions' "gỡ
/// phong tỏa từ 0 giờ ngày …") a lockdown of the caller's jurisdiction, by a
/// decision; a lifted one changes no more.
#[utoipa::path(post, path = "/api/v1/lockdowns/{id}/changes", params(("id" = i64, Path)),
    request_body = LockdownChangeInput,
    responses((status = 200, body = Lockdown), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn change(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<LockdownChangeInput>,
) -> Result<Json<Lockdown>, Problem> {
    Ok(Json(s.store.change_lockdown(&actor, id, &body).await?))
}

/// The lockdowns holding today where a person of the caller's jurisdiction lives.
#[utoipa::path(get, path = "/api/v1/persons/{id}/lockdowns", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Lockdown>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn of_person(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<Lockdown>>, Problem> {
    actor.require(Permission::ViewPersons)?;
    Ok(Json(s.store.lockdowns_of_person(&actor.scope, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct WeekParams {
    /// A day of the week wanted (dd/mm/yyyy or yyyy-mm-dd); this week when empty.
    week: Option<String>,
}

fn day_or_today(
    s: &AppState,
    field: &str,
    v: Option<&str>,
) -> Result<chrono::NaiveDate, StoreError> {
    match v.map(str::trim) {
        None | Some("") => Ok(s.today()),
        Some(d) => phongdich_domain::contact::parse_date(field, d)
            .map_err(|e| StoreError::from(phongdich_domain::Invalid(vec![e]))),
    }
}

/// The epidemic levels of a week (Monday to Sunday) for every commune of the
/// caller's jurisdiction: the criteria, the level they give under the rule
/// set in force (4800/QĐ-BYT or the province's own) with its explanation,
/// the level published if it was, and last week's.
#[utoipa::path(get, path = "/api/v1/levels", params(WeekParams),
    responses((status = 200, body = WeekLevels), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn levels(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<WeekParams>,
) -> Result<Json<WeekLevels>, Problem> {
    actor.require(Permission::ViewPersons)?;
    let day = day_or_today(&s, "week", p.week.as_deref())?;
    Ok(Json(s.store.week_levels(&actor.scope, day).await?))
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub(super) struct Publish {
    /// A day of the week (dd/mm/yyyy or yyyy-mm-dd); this week when empty.
    week: String,
    /// Levels set other than proposed, each with its reason (required where
    /// it differs; a commune without a proposal needs one).
    overrides: Vec<LevelOverride>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Published {
    /// Communes whose level was published.
    published: usize,
}

/// Publish the week's levels of the caller's communes not yet published.
#[utoipa::path(post, path = "/api/v1/levels/publish", request_body = Publish,
    responses((status = 200, body = Published), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub(super) async fn publish_levels(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<Publish>,
) -> Result<Json<Published>, Problem> {
    if body.overrides.len() > 20_000 {
        return Err(StoreError::from(phongdich_domain::Invalid(vec![
            phongdich_domain::FieldError::new(
                "overrides",
                "too_many",
                "Tối đa 20.000 dòng.",
                "At most 20,000 lines.",
            ),
        ]))
        .into());
    }
    let day = day_or_today(&s, "week", Some(&body.week))?;
    let published = s.store.publish_levels(&actor, day, &body.overrides).await?;
    Ok(Json(Published { published }))
}

/// Record a commune's vaccination coverage and treatment capacity as of a
/// day (the latest as of a week's end is what its level reads).
#[utoipa::path(post, path = "/api/v1/levels/coverage", request_body = CoverageInput,
    responses((status = 201), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn coverage(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<CoverageInput>,
) -> Result<StatusCode, Problem> {
    s.store.enter_coverage(&actor, &body).await?;
    Ok(StatusCode::CREATED)
}

/// The level rule sets that apply in the caller's province: the Ministry's
/// (4800/QĐ-BYT) and the province's own, each from its day.
#[utoipa::path(get, path = "/api/v1/levels/rules",
    responses((status = 200, body = Vec<phongdich_domain::levels::LevelRules>), (status = 403, body = Problem)))]
pub(super) async fn level_rules(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<phongdich_domain::levels::LevelRules>>, Problem> {
    actor.require(Permission::ViewPersons)?;
    let province = s
        .store
        .province_of_scope(&actor.scope)
        .await?
        .unwrap_or_default();
    Ok(Json(s.store.level_rules_of(&province).await?))
}

/// Save a province's own rule set (its C1 bounds and C2 thresholds from a
/// day, with the decision that sets them): a province's administrator.
#[utoipa::path(post, path = "/api/v1/levels/rules", request_body = phongdich_domain::levels::LevelRules,
    responses((status = 201, body = phongdich_domain::levels::LevelRules), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn save_level_rules(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<phongdich_domain::levels::LevelRules>,
) -> Result<(StatusCode, Json<phongdich_domain::levels::LevelRules>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.save_level_rules(&actor, &body).await?),
    ))
}
