//! Cases (F0), contacts, isolation and release, and the F-classes that follow
//! from them at once; work lists and counts by unit.

use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use phongdich_domain::contact::ContactInput;
use phongdich_domain::{FieldError, Invalid};
use phongdich_sheets::Cell;
use phongdich_store::{
    Case, CaseInput, ClassChange, ClassHistoryEntry, ClassInfo, ClassPage, Contact, ContactReview,
    StoreError,
};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The resource's routes, each registered with its OpenAPI operation.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(confirm))
        .routes(routes!(show, correct))
        .routes(routes!(course))
        .routes(routes!(add_contact))
        .routes(routes!(set_status))
        .routes(routes!(person_tracing))
        .routes(routes!(contact_reviews, record_contact_review))
        .routes(routes!(list))
        .routes(routes!(counts))
        .routes(routes!(chain))
        .routes(routes!(clusters, create_cluster))
        .routes(routes!(cluster))
        .routes(routes!(add_member))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct CaseResult {
    case: Case,
    /// Every class that changed with this confirmation, in the same transaction.
    changes: Vec<ClassChange>,
}

/// Confirm a person as F0; contacts are re-classified before the answer.
#[utoipa::path(post, path = "/api/v1/cases", request_body = CaseInput,
    responses((status = 201, body = CaseResult), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn confirm(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<CaseInput>,
) -> Result<(StatusCode, Json<CaseResult>), Problem> {
    let (case, changes) = s.store.confirm_case(&actor, &body, s.today()).await?;
    Ok((StatusCode::CREATED, Json(CaseResult { case, changes })))
}

/// A case with every source it names.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct CaseDetail {
    #[serde(flatten)]
    case: Case,
    /// Each source a link of the chain: a case, a cluster or a country.
    sources: Vec<phongdich_store::CaseSource>,
}

/// One case, with its sources.
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem)))]
pub(super) async fn show(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CaseDetail>, Problem> {
    let case = s.store.case(&actor.scope, id).await?;
    let sources = s.store.case_sources(case.id).await?;
    Ok(Json(CaseDetail { case, sources }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct CorrectionResult {
    case: Case,
    /// Every class that changed with the correction, in the same transaction.
    changes: Vec<ClassChange>,
    /// False when the body described the case as it was (nothing written).
    changed: bool,
}

/// Correct a case: blank fields keep what is on file; codes, dates, course,
/// hospital and sources (`infected_by`: every source, replacing the old
/// ones) replace it. Audited with before and after; the chain and classes
/// follow.
#[utoipa::path(patch, path = "/api/v1/cases/{id}", params(("id" = i64, Path)), request_body = CaseInput,
    responses((status = 200, body = CorrectionResult), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn correct(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CaseInput>,
) -> Result<Json<CorrectionResult>, Problem> {
    let (case, changes, changed) = s.store.correct_case(&actor, id, &body, s.today()).await?;
    Ok(Json(CorrectionResult {
        case,
        changes,
        changed,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct CourseBody {
    /// `home`, `hospital`, `icu`, `recovered`, `deceased`, `transferred_out`.
    course: String,
    /// The day the case tested negative (end of the transmission period).
    #[serde(default)]
    negative_on: Option<String>,
    /// The day of the course: recovered (discharged), died, moved to
    /// hospital or home on (today by default; required for recovered — or
    /// `negative_on` — and deceased).
    #[serde(default)]
    on: Option<String>,
}

/// Change a case's course. A recovered or deceased F0 stops exposing people
/// from that day; those it exposed keep their classes for their own periods.
#[utoipa::path(post, path = "/api/v1/cases/{id}/course", params(("id" = i64, Path)), request_body = CourseBody,
    responses((status = 200, body = CaseResult), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn course(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CourseBody>,
) -> Result<Json<CaseResult>, Problem> {
    let negative_on = match body.negative_on.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => Some(
            phongdich_domain::contact::parse_date("negative_on", d)
                .map_err(|e| Problem::invalid(vec![e]))?,
        ),
        None => None,
    };
    let on = match body.on.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => Some(
            phongdich_domain::contact::parse_date("on", d)
                .map_err(|e| Problem::invalid(vec![e]))?,
        ),
        None => None,
    };
    let (case, changes) = s
        .store
        .set_case_course_on(&actor, id, &body.course, negative_on, on)
        .await?;
    Ok(Json(CaseResult { case, changes }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct ContactResult {
    contact: Contact,
    changes: Vec<ClassChange>,
}

/// Record a contact between two people; whether it meets the F1 criteria is
/// answered with the reason, and classes follow at once.
#[utoipa::path(post, path = "/api/v1/contacts", request_body = ContactInput,
    responses((status = 201, body = ContactResult), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn add_contact(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<ContactInput>,
) -> Result<(StatusCode, Json<ContactResult>), Problem> {
    let c = body.parse(s.today()).map_err(|e| Problem::invalid(e.0))?;
    let (contact, changes) = s.store.add_contact(&actor, &c).await?;
    Ok((
        StatusCode::CREATED,
        Json(ContactResult { contact, changes }),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct StatusBody {
    /// First day of isolation or quarantine (no onward transmission from then).
    #[serde(default)]
    isolated_from: Option<String>,
    /// Day of release (quarantine completed, tests negative).
    #[serde(default)]
    released_on: Option<String>,
}

fn optional_date(field: &str, v: &Option<String>) -> Result<Option<chrono::NaiveDate>, FieldError> {
    match v.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => phongdich_domain::contact::parse_date(field, d).map(Some),
        None => Ok(None),
    }
}

/// Set a person's isolation start and release day.
#[utoipa::path(put, path = "/api/v1/persons/{id}/status", params(("id" = i64, Path)), request_body = StatusBody,
    responses((status = 200, body = [ClassChange]), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn set_status(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StatusBody>,
) -> Result<Json<Vec<ClassChange>>, Problem> {
    let mut errors = Vec::new();
    let iso = optional_date("isolated_from", &body.isolated_from)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let rel = optional_date("released_on", &body.released_on)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    if !errors.is_empty() {
        return Err(StoreError::Invalid(Invalid(errors)).into());
    }
    Ok(Json(s.store.set_person_status(&actor, id, iso, rel).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct PersonTracing {
    /// The current class, if any.
    class: Option<ClassInfo>,
    history: Vec<ClassHistoryEntry>,
    contacts: Vec<Contact>,
}

/// A person's class, class history (when, which class, through which F0 and
/// path) and recorded contacts.
#[utoipa::path(get, path = "/api/v1/persons/{id}/tracing", params(("id" = i64, Path)),
    responses((status = 200, body = PersonTracing), (status = 404, body = Problem)))]
pub(super) async fn person_tracing(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PersonTracing>, Problem> {
    let (class, history) = s.store.person_class(&actor.scope, id).await?;
    let contacts = s.store.contacts_of(&actor.scope, id).await?;
    Ok(Json(PersonTracing {
        class,
        history,
        contacts,
    }))
}

/// A review of a contact by the tracing team (*rà soát*).
#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct ContactReviewInput {
    /// The day the team reached (or tried to reach) the person: `yyyy-mm-dd`
    /// or `dd/mm/yyyy`; today (Vietnam) when absent; never in the future.
    reviewed_on: Option<String>,
    /// `confirmed` (reached, exposure confirmed), `not_reached` or
    /// `not_a_contact` (reached, no qualifying exposure).
    outcome: String,
    note: Option<String>,
}

/// Record that the tracing team reviewed a contact: reached them by call or
/// visit and checked the exposure. Only a current F1–F4 of the caller's
/// jurisdiction (another person is not found; someone not F1–F4 is refused);
/// audited. An F1 with a `confirmed` review dated within their F1 period
/// counts as "F1 reviewed" in the reports.
#[utoipa::path(post, path = "/api/v1/persons/{id}/contact-reviews", params(("id" = i64, Path)),
    request_body = ContactReviewInput,
    responses((status = 201, body = ContactReview), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn record_contact_review(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ContactReviewInput>,
) -> Result<(StatusCode, Json<ContactReview>), Problem> {
    let day = match body.reviewed_on.as_deref().map(str::trim) {
        None | Some("") => s.today().to_string(),
        Some(d) => d.to_owned(),
    };
    let review = s
        .store
        .record_contact_review(
            &actor,
            id,
            &day,
            &body.outcome,
            body.note.as_deref().unwrap_or(""),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(review)))
}

/// A person's contact reviews, latest day first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/contact-reviews", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ContactReview>), (status = 404, body = Problem)))]
pub(super) async fn contact_reviews(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<ContactReview>>, Problem> {
    Ok(Json(s.store.contact_reviews(&actor.scope, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ListParams {
    /// 0 = F0 … 4 = F4.
    #[serde(deserialize_with = "crate::api::required_in_range::<0, 4, _>")]
    #[param(minimum = 0, maximum = 4)]
    level: i64,
    /// People of the list to skip (0 by default; not negative).
    #[serde(default, deserialize_with = "crate::api::in_range::<0, 1000000000, _>")]
    #[param(minimum = 0, maximum = 1000000000)]
    offset: Option<i64>,
    /// People to give at most (200 by default, 1 to 1,000; another value is refused).
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 1000, _>")]
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
    /// Only people not yet isolated or quarantined, longest waiting first.
    not_isolated: Option<bool>,
}

/// The largest page of a work list the API gives.
const LIST_MAX_LIMIT: i64 = phongdich_store::Paging::MAX_LIMIT;

/// `offset` and `limit` of a list as asked, or the errors of each bad one:
/// a page is never silently clipped.
pub(crate) fn list_paging(
    offset: Option<i64>,
    limit: Option<i64>,
    default_limit: i64,
) -> Result<phongdich_store::Paging, Vec<FieldError>> {
    let mut errors = Vec::new();
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        errors.push(FieldError::new(
            "offset",
            "out_of_range",
            "offset không được âm (0 là từ đầu danh sách).",
            "offset must not be negative (0 is the start of the list).",
        ));
    }
    let limit = limit.unwrap_or(default_limit);
    if !(1..=LIST_MAX_LIMIT).contains(&limit) {
        errors.push(FieldError::new(
            "limit",
            "out_of_range",
            format!(
                "limit phải từ 1 đến {LIST_MAX_LIMIT} (đã gửi {limit}); xem trang sau bằng offset."
            ),
            format!(
                "limit must be 1 to {LIST_MAX_LIMIT} (got {limit}); read further pages with offset."
            ),
        ));
    }
    if errors.is_empty() {
        Ok(phongdich_store::Paging { offset, limit })
    } else {
        Err(errors)
    }
}

/// A 400 naming each field of a bad list window, in both languages.
pub(crate) fn bad_window(errors: Vec<FieldError>) -> Problem {
    let mut p = Problem::bad_request(
        errors
            .iter()
            .map(|e| e.message_vi.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        errors
            .iter()
            .map(|e| e.message_en.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    );
    p.errors = errors;
    p
}

/// Work list: people of one class in the caller's jurisdiction, most recent
/// first (`not_isolated`: oldest exposure first), ties by person id, a page
/// at a time: `total` counts the whole list, `entries` are `limit` people
/// from `offset`. A negative `offset` or a `limit` outside 1–1,000 is a 400.
#[utoipa::path(get, path = "/api/v1/tracing/list", params(ListParams),
    responses((status = 200, body = ClassPage), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<ClassPage>, Problem> {
    if !(0..=4).contains(&p.level) {
        return Err(Problem::invalid(vec![FieldError::new(
            "level",
            "out_of_range",
            "Cấp phải từ 0 (F0) đến 4 (F4).",
            "The level must be 0 (F0) to 4 (F4).",
        )]));
    }
    let paging = list_paging(p.offset, p.limit, 200).map_err(bad_window)?;
    Ok(Json(
        s.store
            .class_page(
                &actor.scope,
                p.level,
                p.not_isolated.unwrap_or(false),
                paging,
            )
            .await?,
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct ClassCounts {
    f0: i64,
    f1: i64,
    f2: i64,
    f3: i64,
    f4: i64,
}

/// How many people of each class live in the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/tracing/counts", responses((status = 200, body = ClassCounts)))]
pub(super) async fn counts(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<ClassCounts>, Problem> {
    let [f0, f1, f2, f3, f4] = s.store.class_counts(&actor.scope).await?;
    Ok(Json(ClassCounts { f0, f1, f2, f3, f4 }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ChainParams {
    /// `json` (default), `csv` (edge list with dates), `dot` (Graphviz) or `graphml`.
    format: Option<String>,
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The transmission chain a person belongs to: every case linked to theirs
/// through case sources (both ways), whatever its course, and the F1–F4
/// classified through those cases; every link dated by exposure, or by the
/// later case's confirmation when the exposure is unknown (`dated`); each
/// person's generation. Names only within the caller's jurisdiction. Export as
/// JSON, CSV, DOT or GraphML.
#[utoipa::path(get, path = "/api/v1/chains/{person_id}", params(("person_id" = i64, Path), ChainParams),
    responses((status = 200, body = phongdich_store::Chain), (status = 404, body = Problem)))]
pub(super) async fn chain(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<ChainParams>,
) -> Result<axum::response::Response, Problem> {
    use axum::response::IntoResponse;
    let chain = s.store.chain(&actor.scope, id).await?;
    let file = |ctype: &'static str, ext: &str, body: String| {
        (
            [
                (axum::http::header::CONTENT_TYPE, ctype.to_owned()),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"chuoi-lay-{id}.{ext}\""),
                ),
            ],
            body,
        )
            .into_response()
    };
    Ok(match p.format.as_deref().unwrap_or("json") {
        "csv" => {
            let node: std::collections::HashMap<i64, &phongdich_store::ChainNode> =
                chain.nodes.iter().map(|n| (n.person_id, n)).collect();
            let code = |p: i64| {
                node.get(&p)
                    .and_then(|n| n.case_code.clone())
                    .unwrap_or_default()
            };
            let generation = |p: i64| node.get(&p).map(|n| n.generation).unwrap_or_default();
            let rows: Vec<Vec<Cell>> = chain
                .edges
                .iter()
                .map(|e| {
                    vec![
                        Cell::number(e.from),
                        Cell::number(e.to),
                        Cell::from(e.on.to_string()),
                        Cell::from(format!(
                            "F{}",
                            node.get(&e.to).map(|n| n.level).unwrap_or_default()
                        )),
                        Cell::from(e.dated.to_string()),
                        Cell::from(e.kind.to_string()),
                        Cell::from(code(e.from)),
                        Cell::from(code(e.to)),
                        Cell::number(generation(e.from)),
                        Cell::number(generation(e.to)),
                    ]
                })
                .collect();
            let bytes = phongdich_sheets::table_bytes(
                phongdich_sheets::Format::Csv,
                &[
                    "source",
                    "target",
                    "date",
                    "target_class",
                    "dated",
                    "kind",
                    "source_code",
                    "target_code",
                    "source_generation",
                    "target_generation",
                ],
                &rows,
            )
            .map_err(|e| Problem::bad_request(e.to_string(), e.to_string()))?;
            let out = String::from_utf8(bytes).unwrap_or_default();
            file("text/csv; charset=utf-8", "csv", out)
        }
        "dot" => {
            let mut out = format!("digraph chain_{id} {{\n  rankdir=LR;\n");
            for n in &chain.nodes {
                let label = n
                    .case_code
                    .clone()
                    .unwrap_or_else(|| format!("#{}", n.person_id));
                out.push_str(&format!(
                    "  p{} [label=\"{} F{}\", class=\"F{}\", generation={}];\n",
                    n.person_id,
                    label.replace('"', ""),
                    n.level,
                    n.level,
                    n.generation
                ));
            }
            for e in &chain.edges {
                let style = if e.dated == "confirmation" {
                    ", style=dashed"
                } else {
                    ""
                };
                out.push_str(&format!(
                    "  p{} -> p{} [label=\"{}\"{style}];\n",
                    e.from, e.to, e.on
                ));
            }
            out.push_str("}\n");
            file("text/vnd.graphviz; charset=utf-8", "dot", out)
        }
        "graphml" => {
            let mut out = String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n  \
                 <key id=\"class\" for=\"node\" attr.name=\"class\" attr.type=\"string\"/>\n  \
                 <key id=\"code\" for=\"node\" attr.name=\"code\" attr.type=\"string\"/>\n  \
                 <key id=\"generation\" for=\"node\" attr.name=\"generation\" attr.type=\"int\"/>\n  \
                 <key id=\"commune\" for=\"node\" attr.name=\"commune\" attr.type=\"string\"/>\n  \
                 <key id=\"date\" for=\"edge\" attr.name=\"date\" attr.type=\"string\"/>\n  \
                 <key id=\"dated\" for=\"edge\" attr.name=\"dated\" attr.type=\"string\"/>\n  \
                 <key id=\"kind\" for=\"edge\" attr.name=\"kind\" attr.type=\"string\"/>\n  \
                 <graph id=\"chain\" edgedefault=\"directed\">\n",
            );
            for n in &chain.nodes {
                out.push_str(&format!(
                    "    <node id=\"p{}\"><data key=\"class\">F{}</data><data key=\"code\">{}</data>\
                     <data key=\"generation\">{}</data><data key=\"commune\">{}</data></node>\n",
                    n.person_id,
                    n.level,
                    xml_escape(n.case_code.as_deref().unwrap_or_default()),
                    n.generation,
                    xml_escape(&n.commune_code)
                ));
            }
            for (i, e) in chain.edges.iter().enumerate() {
                out.push_str(&format!(
                    "    <edge id=\"e{i}\" source=\"p{}\" target=\"p{}\"><data key=\"date\">{}</data>\
                     <data key=\"dated\">{}</data><data key=\"kind\">{}</data></edge>\n",
                    e.from,
                    e.to,
                    xml_escape(&e.on),
                    xml_escape(&e.dated),
                    xml_escape(&e.kind)
                ));
            }
            out.push_str("  </graph>\n</graphml>\n");
            file("application/graphml+xml; charset=utf-8", "graphml", out)
        }
        "json" => Json(chain).into_response(),
        other => {
            return Err(Problem::invalid(vec![FieldError::new(
                "format",
                "invalid_format",
                format!("Định dạng «{other}» không hỗ trợ: json, csv, dot, graphml."),
                format!("Format “{other}” is not supported: json, csv, dot, graphml."),
            )]));
        }
    })
}

/// Create a cluster (*ổ dịch*) in the caller's jurisdiction.
#[utoipa::path(post, path = "/api/v1/clusters", request_body = phongdich_store::ClusterInput,
    responses((status = 201, body = phongdich_store::Cluster), (status = 422, body = Problem)))]
pub(super) async fn create_cluster(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<phongdich_store::ClusterInput>,
) -> Result<(StatusCode, Json<phongdich_store::Cluster>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.create_cluster(&actor, &body).await?),
    ))
}

/// Clusters of the caller's jurisdiction, newest first.
#[utoipa::path(get, path = "/api/v1/clusters", responses((status = 200, body = [phongdich_store::Cluster])))]
pub(super) async fn clusters(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<phongdich_store::Cluster>>, Problem> {
    Ok(Json(s.store.clusters(&actor.scope).await?))
}

/// A cluster with its members and their counts by class.
#[utoipa::path(get, path = "/api/v1/clusters/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = phongdich_store::ClusterDetail), (status = 404, body = Problem)))]
pub(super) async fn cluster(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<phongdich_store::ClusterDetail>, Problem> {
    Ok(Json(s.store.cluster(&actor.scope, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct MemberBody {
    person_id: i64,
}

/// Add a person to a cluster.
#[utoipa::path(post, path = "/api/v1/clusters/{id}/members", params(("id" = i64, Path)), request_body = MemberBody,
    responses((status = 200, body = phongdich_store::ClusterDetail), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn add_member(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MemberBody>,
) -> Result<Json<phongdich_store::ClusterDetail>, Problem> {
    s.store
        .add_cluster_member(&actor, id, body.person_id)
        .await?;
    Ok(Json(s.store.cluster(&actor.scope, id).await?))
}
