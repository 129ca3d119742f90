//! People: search, register, read, edit, duplicates and merge.

use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use phongdich_domain::PersonInput;
use phongdich_store::{DuplicateCandidate, MergeOutcome, Person, PersonQuery, PersonUpdate};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search, create))
        .routes(routes!(check_duplicates))
        .routes(routes!(show, update))
        .routes(routes!(duplicate_pairs))
        .routes(routes!(merge))
}

/// Mask national ID and phone for roles that do not need them; for the
/// others, record that they were shown in full.
async fn disclose(
    s: &AppState,
    actor: &phongdich_store::Actor,
    people: &mut [Person],
    path: &str,
) -> Result<(), Problem> {
    use phongdich_domain::access::mask;
    if !actor
        .role
        .can(phongdich_domain::Permission::ViewIdentifiers)
    {
        for p in people.iter_mut() {
            p.national_id = p.national_id.as_deref().map(mask);
            p.phone = p.phone.as_deref().map(mask);
        }
        return Ok(());
    }
    let ids: Vec<i64> = people
        .iter()
        .filter(|p| p.national_id.is_some() || p.phone.is_some())
        .map(|p| p.id)
        .collect();
    if !ids.is_empty() {
        let entity_id = if ids.len() == 1 {
            ids[0].to_string()
        } else {
            "list".to_owned()
        };
        s.store
            .record_event(
                actor,
                "view_identifiers",
                "person",
                &entity_id,
                &serde_json::json!({ "person_ids": ids, "path": path }),
            )
            .await?;
    }
    Ok(())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct SearchParams {
    /// A name (diacritics optional, any word order, last word may be partial),
    /// a national ID or a phone number.
    q: Option<String>,
    /// Only people living in this unit or under it.
    unit: Option<String>,
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 500, _>")]
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
    #[serde(default, deserialize_with = "crate::api::in_range::<0, 1000000000, _>")]
    #[param(minimum = 0, maximum = 1000000000)]
    offset: Option<i64>,
    /// `name` (A–Z) or `newest`; by default the cheapest order.
    sort: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct PersonPage {
    items: Vec<Person>,
    has_more: bool,
    offset: i64,
}

/// Search people within the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/persons", params(SearchParams), responses((status = 200, body = PersonPage), (status = 404, body = Problem)))]
pub(super) async fn search(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Json<PersonPage>, Problem> {
    let query = PersonQuery {
        q: p.q,
        unit: p.unit,
        limit: p.limit,
        offset: p.offset,
        sort: p.sort,
    };
    let (mut items, has_more) = s.store.search_persons(&actor.scope, &query).await?;
    disclose(&s, &actor, &mut items, "/api/v1/persons").await?;
    Ok(Json(PersonPage {
        items,
        has_more,
        offset: p.offset.unwrap_or(0).max(0),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct CreateBody {
    #[serde(flatten)]
    person: PersonInput,
    /// Register even though likely duplicates were shown; the pair is kept for review.
    #[serde(default)]
    confirm_not_duplicate: bool,
}

/// Register a person. 409 with `existing` when the national ID is taken, or with
/// `candidates` when the person is likely registered already.
#[utoipa::path(post, path = "/api/v1/persons", request_body = CreateBody,
    responses((status = 201, body = Person), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn create(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<CreateBody>,
) -> Result<(StatusCode, Json<Person>), Problem> {
    // The role first: a caller who may not register anyone learns nothing
    // from having the input checked.
    actor.require(phongdich_domain::Permission::EditPersons)?;
    let person = body
        .person
        .parse(s.today())
        .map_err(|e| Problem::invalid(e.0))?;
    let created = s
        .store
        .create_person(&actor, &person, body.confirm_not_duplicate)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// One person. Merged records answer with `merged_into` set.
#[utoipa::path(get, path = "/api/v1/persons/{id}", params(("id" = i64, Path)), responses((status = 200, body = Person), (status = 404, body = Problem)))]
pub(super) async fn show(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Person>, Problem> {
    let mut p = [s.store.person(&actor.scope, id).await?];
    disclose(&s, &actor, &mut p, "/api/v1/persons/{id}").await?;
    let [p] = p;
    Ok(Json(p))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct UpdateBody {
    #[serde(flatten)]
    person: PersonInput,
    /// The `version` the edit was based on; a stale one is refused with 409.
    version: i64,
}

/// Replace a person's details.
#[utoipa::path(put, path = "/api/v1/persons/{id}", params(("id" = i64, Path)), request_body = UpdateBody,
    responses((status = 200, body = Person), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn update(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<UpdateBody>,
) -> Result<Json<Person>, Problem> {
    actor.require(phongdich_domain::Permission::EditPersons)?;
    let person = body
        .person
        .parse(s.today())
        .map_err(|e| Problem::invalid(e.0))?;
    Ok(Json(
        s.store
            .update_person(
                &actor,
                id,
                &PersonUpdate {
                    expected_version: body.version,
                    person,
                },
            )
            .await?,
    ))
}

/// Likely duplicates of a person not yet registered (nothing is written).
#[utoipa::path(post, path = "/api/v1/persons/duplicates/check", request_body = PersonInput,
    responses((status = 200, body = [DuplicateCandidate]), (status = 422, body = Problem)))]
pub(super) async fn check_duplicates(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<PersonInput>,
) -> Result<Json<Vec<DuplicateCandidate>>, Problem> {
    let person = body.parse(s.today()).map_err(|e| Problem::invalid(e.0))?;
    Ok(Json(
        s.store.likely_duplicates(&actor.scope, &person).await?,
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct DuplicatePair {
    id: i64,
    person: Person,
    other: Person,
    reason: String,
}

/// Open likely-duplicate pairs awaiting review.
#[utoipa::path(get, path = "/api/v1/duplicates", responses((status = 200, body = [DuplicatePair])))]
pub(super) async fn duplicate_pairs(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<DuplicatePair>>, Problem> {
    let pairs = s.store.open_duplicate_pairs(&actor.scope, 200).await?;
    Ok(Json(
        pairs
            .into_iter()
            .map(|(id, person, other, reason)| DuplicatePair {
                id,
                person,
                other,
                reason,
            })
            .collect(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct MergeBody {
    /// The record that stays.
    kept_id: i64,
    /// The record merged into it; it stays stored, marked `merged_into`.
    merged_id: i64,
}

/// Merge two records of the same person. Undo with `POST /api/v1/audit/{audit_id}/undo`.
#[utoipa::path(post, path = "/api/v1/merges", request_body = MergeBody,
    responses((status = 201, body = MergeOutcome), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(super) async fn merge(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<MergeBody>,
) -> Result<(StatusCode, Json<MergeOutcome>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(
            s.store
                .merge_persons(&actor, body.kept_id, body.merged_id)
                .await?,
        ),
    ))
}
