//! JSON API v1: one module per resource, extractors that answer bad input with
//! problem details, and the OpenAPI document assembled from the handlers.

mod admin;
mod audit;
mod campaigns;
mod cases;
mod dashboard;
mod declarations;
mod docs;
mod persons;
mod quarantine;
mod reports;
mod response;
mod testing;
mod tracing;
mod treatment;
mod units;

use crate::AppState;
use crate::problem::Problem;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "phongdich API",
        description = "Operations system of Vietnam's epidemic steering committees. Errors are RFC 9457 problem details with Vietnamese and English messages."
    ),
    paths(
        health,
        units::list,
        units::show,
        units::children,
        units::descendants,
        units::add_hamlet,
        persons::search,
        persons::create,
        persons::show,
        persons::update,
        persons::check_duplicates,
        persons::duplicate_pairs,
        persons::merge,
        audit::list,
        audit::undo,
        admin::users,
        admin::add_user,
        admin::disable_user,
        admin::enable_user,
        admin::set_role,
        admin::tokens,
        admin::create_token,
        admin::revoke_token,
        tracing::confirm,
        cases::list,
        cases::export,
        tracing::show,
        tracing::correct,
        tracing::course,
        tracing::add_contact,
        tracing::set_status,
        tracing::person_tracing,
        tracing::contact_reviews,
        tracing::record_contact_review,
        tracing::list,
        tracing::counts,
        tracing::chain,
        tracing::create_cluster,
        tracing::clusters,
        tracing::cluster,
        tracing::add_member,
        testing::create_sample,
        testing::show_sample,
        testing::create_pool,
        testing::create_result,
        testing::sampling_list,
        testing::overdue,
        testing::turnaround,
        testing::reviews,
        testing::review,
        testing::setting,
        testing::set_setting,
        campaigns::create,
        quarantine::propose,
        quarantine::places,
        quarantine::create_place,
        quarantine::admit,
        quarantine::discharge,
        quarantine::transfer,
        quarantine::destinations,
        quarantine::occupancy,
        treatment::enrol,
        treatment::of_person,
        treatment::record_vitals,
        treatment::vitals,
        treatment::alerts,
        treatment::acknowledge,
        treatment::act,
        response::shifts,
        response::add_shifts,
        response::cancel_shift,
        response::response_times,
        response::equipment,
        response::add_equipment,
        response::lend,
        response::return_equipment,
        quarantine::create,
        quarantine::order_all_f1,
        quarantine::show,
        quarantine::release,
        quarantine::extend,
        quarantine::day,
        quarantine::of_person,
        quarantine::rules,
        quarantine::save_rule,
        declarations::declare,
        declarations::of_order,
        declarations::order_link,
        declarations::treatment_link,
        declarations::revoke,
        campaigns::list,
        campaigns::show,
        campaigns::people,
        campaigns::next_round,
        campaigns::close,
        dashboard::dashboard,
        reports::figures,
        reports::figure_records,
        reports::submit,
        reports::show,
        reports::of_unit,
        reports::review,
        reports::board,
        reports::remind,
    ),
    components(schemas(Problem, phongdich_domain::FieldError, phongdich_domain::PersonInput)),
    modifiers(&Security, &Problems),
    security(("bearer" = []), ("session" = []))
)]
pub struct ApiDoc;

/// Errors as the server sends them, written once for every operation: a
/// problem document (RFC 9457) is `application/problem+json`, not
/// `application/json`; an operation that reads parameters or a body may
/// answer 400 (unreadable: a number out of range, a malformed date or
/// JSON) and 422 (read, but invalid: the error of each field), and every
/// operation but the health check 401 without a token or session and 403
/// when the caller's role does not allow it. Each
/// operation's id is made unique from its method and path.
struct Problems;

impl utoipa::Modify for Problems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
        const PROBLEM: &str = "#/components/schemas/Problem";
        const MEDIA: &str = "application/problem+json";
        let problem = |what: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(what)
                    .content(MEDIA, Content::new(Some(Ref::new(PROBLEM))))
                    .build(),
            )
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                ("get", &mut item.get),
                ("put", &mut item.put),
                ("post", &mut item.post),
                ("delete", &mut item.delete),
                ("patch", &mut item.patch),
            ];
            for (method, op) in operations {
                let Some(op) = op else { continue };
                // A unique id from the method and path (the handlers'
                // names repeat across modules: `list`, `show`…).
                let words: Vec<&str> = path
                    .split(['/', '{', '}', '-'])
                    .filter(|w| !w.is_empty() && *w != "api" && *w != "v1")
                    .collect();
                op.operation_id = Some(format!("{method}_{}", words.join("_")));
                for response in op.responses.responses.values_mut() {
                    let RefOr::T(response) = response else {
                        continue;
                    };
                    let is_problem = response.content.get("application/json").is_some_and(
                        |c| matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location == PROBLEM),
                    );
                    if is_problem && let Some(c) = response.content.shift_remove("application/json")
                    {
                        response.content.insert(MEDIA.to_owned(), c);
                    }
                }
                let reads_input = op.parameters.as_ref().is_some_and(|p| !p.is_empty())
                    || op.request_body.is_some();
                let responses = &mut op.responses.responses;
                if reads_input {
                    responses.entry("400".into()).or_insert_with(|| {
                        problem("The request cannot be read: a parameter out of its range, a malformed value or body.")
                    });
                    responses.entry("422".into()).or_insert_with(|| {
                        problem("The input is invalid: the error of each field.")
                    });
                }
                if path != "/healthz" {
                    responses
                        .entry("401".into())
                        .or_insert_with(|| problem("No valid token or session."));
                    responses
                        .entry("403".into())
                        .or_insert_with(|| problem("The caller's role does not allow this."));
                }
            }
        }
    }
}

/// API tokens (`Authorization: Bearer pd_…`) for integrations, or the browser
/// session cookie (state-changing requests then also need `X-CSRF-Token`).
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "API token created by an administrator (page /tokens or `phongdich token add`), bound to a unit and a role.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::caller::SESSION_COOKIE,
                "Browser session after /login; unsafe methods also need the X-CSRF-Token header.",
            ))),
        );
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/docs", get(docs::page))
        .route("/api/v1/docs.js", get(docs::script))
        .route("/api/v1/units", get(units::list))
        .route("/api/v1/units/{code}", get(units::show))
        .route("/api/v1/units/{code}/children", get(units::children))
        .route("/api/v1/units/{code}/descendants", get(units::descendants))
        .route("/api/v1/units/{code}/hamlets", post(units::add_hamlet))
        .route(
            "/api/v1/persons",
            get(persons::search).post(persons::create),
        )
        .route(
            "/api/v1/persons/duplicates/check",
            post(persons::check_duplicates),
        )
        .route(
            "/api/v1/persons/{id}",
            get(persons::show).put(persons::update),
        )
        .route("/api/v1/duplicates", get(persons::duplicate_pairs))
        .route("/api/v1/merges", post(persons::merge))
        .route("/api/v1/cases", get(cases::list).post(tracing::confirm))
        .route("/api/v1/cases/export", get(cases::export))
        .route(
            "/api/v1/cases/{id}",
            get(tracing::show).patch(tracing::correct),
        )
        .route("/api/v1/cases/{id}/course", post(tracing::course))
        .route("/api/v1/contacts", post(tracing::add_contact))
        .route(
            "/api/v1/persons/{id}/status",
            axum::routing::put(tracing::set_status),
        )
        .route("/api/v1/persons/{id}/tracing", get(tracing::person_tracing))
        .route(
            "/api/v1/persons/{id}/contact-reviews",
            get(tracing::contact_reviews).post(tracing::record_contact_review),
        )
        .route("/api/v1/tracing/list", get(tracing::list))
        .route("/api/v1/tracing/counts", get(tracing::counts))
        .route("/api/v1/chains/{person_id}", get(tracing::chain))
        .route(
            "/api/v1/clusters",
            get(tracing::clusters).post(tracing::create_cluster),
        )
        .route("/api/v1/clusters/{id}", get(tracing::cluster))
        .route("/api/v1/clusters/{id}/members", post(tracing::add_member))
        .route("/api/v1/samples", post(testing::create_sample))
        .route("/api/v1/samples/{code}", get(testing::show_sample))
        .route("/api/v1/pools", post(testing::create_pool))
        .route("/api/v1/results", post(testing::create_result))
        .route("/api/v1/sampling-list", get(testing::sampling_list))
        .route("/api/v1/testing/overdue", get(testing::overdue))
        .route("/api/v1/testing/turnaround", get(testing::turnaround))
        .route("/api/v1/reviews", get(testing::reviews))
        .route("/api/v1/reviews/{result_id}", post(testing::review))
        .route(
            "/api/v1/provinces/{code}/settings/{name}",
            get(testing::setting).put(testing::set_setting),
        )
        .route(
            "/api/v1/campaigns",
            get(campaigns::list).post(campaigns::create),
        )
        .route("/api/v1/campaigns/{id}", get(campaigns::show))
        .route("/api/v1/campaigns/{id}/people", get(campaigns::people))
        .route("/api/v1/campaigns/{id}/rounds", post(campaigns::next_round))
        .route("/api/v1/campaigns/{id}/close", post(campaigns::close))
        .route(
            "/api/v1/persons/{id}/home-treatment",
            get(treatment::of_person).post(treatment::enrol),
        )
        .route(
            "/api/v1/home-treatments/{id}/vitals",
            get(treatment::vitals).post(treatment::record_vitals),
        )
        .route("/api/v1/alerts", get(treatment::alerts))
        .route(
            "/api/v1/alerts/{id}/acknowledge",
            post(treatment::acknowledge),
        )
        .route("/api/v1/alerts/{id}/action", post(treatment::act))
        .route(
            "/api/v1/alerts/response-times",
            get(response::response_times),
        )
        .route(
            "/api/v1/duty-shifts",
            get(response::shifts).post(response::add_shifts),
        )
        .route(
            "/api/v1/duty-shifts/{id}/cancel",
            post(response::cancel_shift),
        )
        .route(
            "/api/v1/oxygen-equipment",
            get(response::equipment).post(response::add_equipment),
        )
        .route("/api/v1/oxygen-equipment/{id}/lend", post(response::lend))
        .route(
            "/api/v1/oxygen-equipment/{id}/return",
            post(response::return_equipment),
        )
        .route(
            "/api/v1/places",
            get(quarantine::places).post(quarantine::create_place),
        )
        .route("/api/v1/places/{id}/admissions", post(quarantine::admit))
        .route("/api/v1/places/destinations", get(quarantine::destinations))
        .route("/api/v1/places/{id}/occupancy", get(quarantine::occupancy))
        .route(
            "/api/v1/admissions/{id}/transfer",
            post(quarantine::transfer),
        )
        .route(
            "/api/v1/admissions/{id}/discharge",
            post(quarantine::discharge),
        )
        .route("/api/v1/quarantine/proposals", post(quarantine::propose))
        .route("/api/v1/quarantine/orders", post(quarantine::create))
        .route(
            "/api/v1/quarantine/orders/f1",
            post(quarantine::order_all_f1),
        )
        .route("/api/v1/quarantine/orders/{id}", get(quarantine::show))
        .route(
            "/api/v1/quarantine/orders/{id}/release",
            post(quarantine::release),
        )
        .route(
            "/api/v1/quarantine/orders/{id}/extend",
            post(quarantine::extend),
        )
        .route("/api/v1/quarantine/day", get(quarantine::day))
        .route(
            "/api/v1/quarantine/orders/{id}/declarations",
            get(declarations::of_order).post(declarations::declare),
        )
        .route(
            "/api/v1/quarantine/orders/{id}/link",
            post(declarations::order_link),
        )
        .route(
            "/api/v1/home-treatments/{id}/link",
            post(declarations::treatment_link),
        )
        .route("/api/v1/links/{id}/revoke", post(declarations::revoke))
        .route(
            "/api/v1/persons/{id}/quarantine",
            get(quarantine::of_person),
        )
        .route(
            "/api/v1/provinces/{code}/quarantine-rules",
            get(quarantine::rules).post(quarantine::save_rule),
        )
        .route("/api/v1/dashboard", get(dashboard::dashboard))
        .route("/api/v1/reports", post(reports::submit))
        .route("/api/v1/reports/figures", get(reports::figures))
        .route("/api/v1/reports/figure", get(reports::figure_records))
        .route("/api/v1/reports/board", get(reports::board))
        .route("/api/v1/reports/remind", post(reports::remind))
        .route("/api/v1/reports/{id}", get(reports::show))
        .route("/api/v1/reports/{id}/review", post(reports::review))
        .route("/api/v1/units/{code}/reports", get(reports::of_unit))
        .route("/api/v1/audit", get(audit::list))
        .route("/api/v1/audit/{id}/undo", post(audit::undo))
        .route("/api/v1/users", get(admin::users).post(admin::add_user))
        .route(
            "/api/v1/users/{username}/disable",
            post(admin::disable_user),
        )
        .route("/api/v1/users/{username}/enable", post(admin::enable_user))
        .route("/api/v1/users/{username}/role", post(admin::set_role))
        .route(
            "/api/v1/tokens",
            get(admin::tokens).post(admin::create_token),
        )
        .route("/api/v1/tokens/{id}/revoke", post(admin::revoke_token))
        .fallback(not_found)
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

async fn not_found() -> Problem {
    Problem::new(
        axum::http::StatusCode::NOT_FOUND,
        "not-found",
        "Không có trang hoặc địa chỉ API này.",
        "No such page or API route.",
    )
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct Health {
    status: &'static str,
    database: &'static str,
    schema_version: i64,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", security(()), responses((status = 200, body = Health), (status = 503, body = Problem)))]
async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<Json<Health>, Problem> {
    let unavailable = |_| {
        Problem::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Không kết nối được cơ sở dữ liệu.",
            "The database cannot be reached.",
        )
    };
    state.store.ping().await.map_err(unavailable)?;
    let schema_version = state.store.schema_version().await.map_err(unavailable)?;
    let database = match state.store.dialect() {
        phongdich_store::Dialect::Sqlite => "sqlite",
        phongdich_store::Dialect::Postgres => "postgres",
    };
    Ok(Json(Health {
        status: "ok",
        database,
        schema_version,
    }))
}

/// A JSON body; a malformed one is answered with a problem document.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(r) if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(crate::upload::too_large(crate::upload::FORM_BODY_LIMIT))
            }
            Err(r) => Err(Problem::bad_request(
                format!("Nội dung JSON không hợp lệ: {}", r.body_text()),
                format!("Invalid JSON body: {}", r.body_text()),
            )),
        }
    }
}

/// Query parameters; bad ones are answered with a problem document.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(q) => Ok(ApiQuery(q.0)),
            Err(r) => Err(query_problem(&r.body_text())),
        }
    }
}

/// A numeric query parameter, for `#[serde(deserialize_with = "in_range::<LO, HI, _>")]`:
/// a value outside `LO..=HI` is refused (400, the parameter named by the
/// query's error path) — never clamped quietly, never carried into
/// arithmetic that could overflow.
pub fn in_range<'de, const LO: i64, const HI: i64, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<i64>, D::Error> {
    let v = <Option<i64> as serde::Deserialize>::deserialize(d)?;
    match v {
        Some(n) if !(LO..=HI).contains(&n) => Err(serde::de::Error::custom(format!(
            "phải từ {LO} đến {HI}, không phải {n} / must be from {LO} to {HI}, not {n}"
        ))),
        _ => Ok(v),
    }
}

/// [`in_range`] for a required parameter.
pub fn required_in_range<'de, const LO: i64, const HI: i64, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<i64, D::Error> {
    in_range::<LO, HI, D>(d)?.ok_or_else(|| serde::de::Error::custom("required / bắt buộc"))
}

/// A query that cannot be read, as a 400 problem naming the parameter at
/// fault when the reader's error does (`limit: must be from 1 to 1000…`):
/// its own message when it gives one in both languages (`vi / en`, as
/// [`in_range`] does), else the reader's.
fn query_problem(text: &str) -> Problem {
    let detail = text
        .strip_prefix("Failed to deserialize query string: ")
        .unwrap_or(text);
    let named = detail.split_once(": ").filter(|(field, _)| {
        !field.is_empty() && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    let Some((field, why)) = named else {
        return Problem::bad_request(
            format!("Tham số truy vấn không hợp lệ: {detail}"),
            format!("Invalid query parameters: {detail}"),
        );
    };
    let (vi, en) = why.split_once(" / ").unwrap_or((why, why));
    let mut p = Problem::bad_request(
        format!("Tham số «{field}» không hợp lệ: {vi}."),
        format!("Query parameter “{field}” is invalid: {en}."),
    );
    p.errors = vec![phongdich_domain::FieldError::new(
        field,
        "invalid",
        p.message_vi.clone(),
        p.message_en.clone(),
    )];
    p
}

/// Path parameters; bad ones (a non-numeric id) are answered with a problem document.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(p) => Ok(ApiPath(p.0)),
            Err(r) => Err(Problem::bad_request(
                format!("Đường dẫn không hợp lệ: {}", r.body_text()),
                format!("Invalid path: {}", r.body_text()),
            )),
        }
    }
}
