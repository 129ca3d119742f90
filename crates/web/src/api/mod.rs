//! JSON API v1: one module per resource, extractors that answer bad input with
//! problem details, and the OpenAPI document assembled from the handlers.
//!
//! Registering a resource: `<resource>.rs` holds the handlers, each with its
//! `#[utoipa::path(…)]`, and `pub(super) fn routes() ->
//! OpenApiRouter<AppState>` with one `.routes(routes!(…))` line per path; this
//! file gets `mod <resource>;` and a line in `RESOURCES`. `routes!` registers
//! the route and its OpenAPI operation together, so neither exists without the
//! other. The document is post-processed once (`Problems`): problems as
//! `application/problem+json`, 400 and 422 on every operation that reads input,
//! 401 and 403 on every secured one, unique operation ids from method and path.
//! CI validates it (`openapi-spec-validator`) and fuzzes the running server
//! with it (`.ci/fuzz-api`, schemathesis, both engines). Every number in a
//! query has a range (`in_range::<LO, HI, _>` as the serde `deserialize_with`,
//! documented as `minimum`/`maximum`); a value outside is a 400 naming the
//! parameter, never clamped. Dates typed anywhere are 1900–2100
//! (`domain::contact::parse_date`), so date arithmetic cannot overflow. Every
//! operation but `/healthz` needs authentication: a test checks the document
//! and calls every live route without credentials (401).

mod admin;
mod audit;
mod campaigns;
mod cases;
mod dashboard;
mod declarations;
mod directives;
mod docs;
mod green_zones;
mod persons;
mod quarantine;
mod reports;
mod response;
mod returnees;
mod testing;
mod tracing;
mod treatment;
mod units;
mod zones;

use crate::AppState;
use crate::problem::Problem;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::routing::get;
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A resource's `routes()`: its handlers, each with its OpenAPI operation.
type Routes = fn() -> OpenApiRouter<AppState>;

/// The API's resources, each with the tag its operations carry in the
/// document. A new resource is a module with a `routes()` function and a
/// line here.
const RESOURCES: &[(&str, Routes)] = &[
    ("units", units::routes),
    ("persons", persons::routes),
    ("cases", cases::routes),
    ("tracing", tracing::routes),
    ("reports", reports::routes),
    ("testing", testing::routes),
    ("campaigns", campaigns::routes),
    ("treatment", treatment::routes),
    ("response", response::routes),
    ("quarantine", quarantine::routes),
    ("declarations", declarations::routes),
    ("returnees", returnees::routes),
    ("zones", zones::routes),
    ("green-zones", green_zones::routes),
    ("directives", directives::routes),
    ("dashboard", dashboard::routes),
    ("audit", audit::routes),
    ("admin", admin::routes),
];

/// What the document says besides its operations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "phongdich API",
        description = "Operations system of Vietnam's epidemic steering committees. Errors are RFC 9457 problem details with Vietnamese and English messages."
    ),
    components(schemas(Problem, phongdich_domain::FieldError, phongdich_domain::PersonInput)),
    modifiers(&Security),
    security(("bearer" = []), ("session" = []))
)]
struct ApiInfo;

/// The OpenAPI document of the API, assembled from the routes themselves:
/// an operation is in it exactly when its handler is routed.
#[derive(Debug)]
pub struct ApiDoc;

impl OpenApi for ApiDoc {
    fn openapi() -> utoipa::openapi::OpenApi {
        documented().into_openapi()
    }
}

/// Every documented route, with its document (the problem responses and
/// operation ids of [`Problems`] added).
fn documented() -> OpenApiRouter<AppState> {
    let mut router = RESOURCES.iter().fold(
        OpenApiRouter::with_openapi(ApiInfo::openapi())
            .merge(tagged("", OpenApiRouter::new().routes(routes!(health)))),
        |router, (tag, routes)| router.merge(tagged(tag, routes())),
    );
    utoipa::Modify::modify(&Problems, router.get_openapi_mut());
    router
}

/// `routes`, each operation tagged `tag` (the health check's list of tags
/// is empty, as the document has always had it).
fn tagged(tag: &str, mut routes: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    for item in routes.get_openapi_mut().paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let tags = op.tags.get_or_insert_with(Vec::new);
            if !tag.is_empty() && tags.is_empty() {
                tags.push(tag.to_owned());
            }
        }
    }
    routes
}

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

pub(crate) fn routes() -> Router<AppState> {
    let (router, doc) = documented().split_for_parts();
    // Written once: the document does not change while the server runs.
    let doc = axum::body::Bytes::from(serde_json::to_vec(&doc).unwrap_or_default());
    let json = [(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    )];
    router
        .route(
            "/api/v1/openapi.json",
            get(move || std::future::ready((json.clone(), doc.clone()))),
        )
        .route("/api/v1/docs", get(docs::page))
        .route("/api/v1/docs.js", get(docs::script))
        .fallback(not_found)
}

/// No route: a problem for the API and for programs, the app's own page
/// for a browser (a mistyped address), within the frame when logged in.
async fn not_found(
    axum::extract::State(s): axum::extract::State<AppState>,
    req: Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let wants_page = !req.uri().path().starts_with("/api/")
        && req
            .headers()
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"));
    if !wants_page {
        return Problem::new(
            axum::http::StatusCode::NOT_FOUND,
            "not-found",
            "Không có trang hoặc địa chỉ API này.",
            "No such page or API route.",
        )
        .into_response();
    }
    let problem = Problem::new(
        axum::http::StatusCode::NOT_FOUND,
        "not-found",
        "Không có trang này: có thể địa chỉ bị gõ sai. Hãy chọn chức năng trên thanh điều hướng.",
        "There is no such page: the address may be mistyped. Choose from the menu.",
    );
    crate::pages::not_found_page(&s, req, problem).await
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
pub(crate) struct ApiJson<T>(pub T);

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
pub(crate) struct ApiQuery<T>(pub T);

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
pub(crate) fn in_range<'de, const LO: i64, const HI: i64, D: serde::Deserializer<'de>>(
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
pub(crate) fn required_in_range<'de, const LO: i64, const HI: i64, D: serde::Deserializer<'de>>(
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
pub(crate) struct ApiPath<T>(pub T);

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
