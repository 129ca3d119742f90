//! Distancing directives and travel permits: "what applies here on a day"
//! (a unit chosen by name and a day: the directive in force, what it means
//! from the rule table — gatherings, distance, which businesses may open,
//! permits — the province's own measures, the applications it overrides,
//! and the lockdowns holding there), the applications with their decisions
//! (apply, end early), and travel permits (issue to a person picked by name,
//! the printable permit with its QR code, revoke, the checks made of it).

use super::picker::{UnitGroups, unit_field};
use super::{Page, PageResult, field_error, form_errors, layout, show_day, show_time, text_field};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use phongdich_domain::directive::{Business, PURPOSES, rule};
use phongdich_domain::{FieldError, Permission};
use phongdich_store::{DirectiveArea, DirectiveEndInput, DirectiveInput, Permit, PermitInput};
use serde::Deserialize;

/// This module's routes; merged once in [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/directives", get(directives_page).post(apply))
        .route("/directives/{id}/end", post(end))
        .route("/permits", get(permits_page).post(issue))
        .route("/permits/{id}", get(permit_page))
        .route("/permits/{id}/revoke", post(revoke))
}

fn directive_title(l: Lang, code: &str) -> String {
    match rule(code) {
        Some(r) => l.t(r.title_vi, r.title_en).to_owned(),
        None => code.to_owned(),
    }
}

fn done_message(l: Lang, done: &str) -> Option<&'static str> {
    Some(match done {
        "applied" => l.t("Đã ghi quyết định áp dụng.", "The directive was applied."),
        "ended" => l.t("Đã ghi quyết định kết thúc.", "The directive was ended."),
        "issued" => l.t("Đã cấp giấy đi đường.", "The permit was issued."),
        "revoked" => l.t("Đã thu hồi giấy đi đường.", "The permit was revoked."),
        _ => return None,
    })
}

/// What a directive means, from the rule table.
fn rule_card(l: Lang, code: &str) -> Markup {
    let Some(r) = rule(code) else {
        return html! {};
    };
    html! {
        dl.facts #directive-rule {
            dt { (l.t("Văn bản", "Document")) } dd { (r.document) }
            dt { (l.t("Tụ tập", "Gatherings")) } dd { (l.t(r.gatherings_vi, r.gatherings_en)) }
            dt { (l.t("Khoảng cách", "Distance")) } dd { (r.distance_m) " m" }
            dt { (l.t("Ra khỏi nhà", "Leaving home")) } dd {
                @if r.stay_home { (l.t("Chỉ khi thật cần thiết", "Only for essentials")) } @else { (l.t("Được, giữ 5K", "Allowed, keeping the 5K")) }
            }
            dt { (l.t("Giấy đi đường", "Travel permit")) } dd {
                @if r.permits { strong { (l.t("Cần (người đi làm, công vụ, khám bệnh…)", "Needed (work, public duty, medical care…)")) } } @else { (l.t("Không cần", "Not needed")) }
            }
        }
        div.table-wrap { table.responsive #directive-business {
            thead { tr { th { (l.t("Loại hình", "Kind of business")) } th { (l.t("Được mở cửa?", "May open?")) } } }
            tbody { @for b in Business::ALL { tr {
                @let (vi, en) = b.label();
                td data-label=(l.t("Loại hình", "Kind of business")) { (l.t(vi, en)) }
                td data-label=(l.t("Được mở cửa?", "May open?")) data-open=(r.open.contains(&b)) {
                    @if r.open.contains(&b) { strong { (l.t("Được", "Yes")) } } @else { (l.t("Không", "No")) }
                }
            } } }
        } }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct HereQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    done: String,
}

async fn directives_page(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<HereQuery>,
) -> PageResult {
    page.require(Permission::ViewPersons)?;
    render(&s, &page, &q, &DirectiveInput::default(), &[], &[]).await
}

async fn render(
    s: &AppState,
    page: &Page,
    q: &HereQuery,
    typed: &DirectiveInput,
    errors: &[FieldError],
    end_errors: &[FieldError],
) -> PageResult {
    let l = page.lang;
    let mut here_errors = Vec::new();
    let day = if q.day.trim().is_empty() {
        page.today()
    } else {
        match phongdich_domain::contact::parse_date("day", &q.day) {
            Ok(d) => d,
            Err(e) => {
                here_errors.push(e);
                page.today()
            }
        }
    };
    let home = page.actor.scope.home().map(|c| c.to_string());
    let unit = if q.unit.trim().is_empty() {
        home.clone().unwrap_or_default()
    } else {
        q.unit.trim().to_owned()
    };
    let here = if unit.is_empty() || unit == "VN" {
        None
    } else {
        Some(
            s.store
                .directives_on(&page.actor.scope, &unit, day)
                .await
                .map_err(|e| page.fail(e))?,
        )
    };
    // The lockdowns holding there that day, as the reader may see them
    // (within their scope, or over their unit): at the unit, under it, or
    // over it.
    let lockdowns = match &here {
        Some(h) => {
            let u = s.store.unit(&h.unit_code).await.map_err(|e| page.fail(e))?;
            s.store
                .lockdowns(&page.actor.scope, Some(day))
                .await
                .map_err(|e| page.fail(e))?
                .into_iter()
                .filter(|x| {
                    let under = [
                        Some(&x.unit_code),
                        x.hamlet_code.as_ref(),
                        x.commune_code.as_ref(),
                        x.district_code.as_ref(),
                        Some(&x.province_code),
                    ]
                    .into_iter()
                    .flatten()
                    .any(|c| *c == u.code);
                    under || u.lineage().any(|c| c == x.unit_code)
                })
                .collect()
        }
        None => Vec::new(),
    };
    let areas = s
        .store
        .directive_areas(&page.actor.scope)
        .await
        .map_err(|e| page.fail(e))?;
    let can = page.can(Permission::Zones);
    let units: UnitGroups = super::zones::with_hamlets(s, page)
        .await
        .map_err(|e| page.fail(e))?;
    let today = page.today();
    let content = html! {
        h1 { (l.t("Chỉ thị giãn cách", "Distancing directives")) }
        @if let Some(m) = done_message(l, &q.done) { p.notice role="status" { (m) } }
        section aria-labelledby="h-here" {
            h2 #h-here { (l.t("Ở đây, ngày này, áp dụng gì?", "What applies here on a day?")) }
            form.inline #here method="get" action="/directives" {
                (unit_field(l, "unit", ("Địa bàn", "Area"), &unit, &here_errors, &units))
                (text_field(l, "day", ("Ngày (dd/mm/yyyy)", "Day (dd/mm/yyyy)"), &show_day(day), &here_errors, "inputmode=\"numeric\""))
                button type="submit" { (l.t("Xem", "Show")) }
            }
            @if let Some(h) = &here {
                div #directive-here {
                    @match &h.applies {
                        Some(a) => {
                            p.big { strong { (h.unit_name) ", " (show_day(h.day)) ": " (directive_title(l, &a.directive)) } }
                            p { (l.t("Theo quyết định ", "By decision ")) (a.decision) " — " (a.issued_by) " · " (a.unit_name) ", "
                                (show_day(a.from_on)) " – " (show_day(a.until_on))
                                @if let Some(e) = a.ended_on { " " small { (l.t("(kết thúc từ ", "(ended from ")) (show_day(e)) ")" } } }
                            (rule_card(l, &a.directive))
                            @if let Some(m) = &a.own_measures { div.alert role="note" #own-measures { p { strong { (l.t("Biện pháp riêng của địa phương: ", "The province's own measures: ")) } (m) } } }
                            @if !h.overridden.is_empty() {
                                p.muted #overridden { (l.t("Thay cho: ", "Instead of: "))
                                    @for (i, o) in h.overridden.iter().enumerate() { @if i > 0 { "; " } (directive_title(l, &o.directive)) " (" (o.unit_name) ")" } }
                            }
                        },
                        None => { p.big { strong { (h.unit_name) ", " (show_day(h.day)) ": " } (l.t("không áp dụng chỉ thị giãn cách nào.", "no distancing directive applies.")) } },
                    }
                    @if !lockdowns.is_empty() {
                        p #here-lockdowns { strong { (l.t("Đang phong tỏa trong địa bàn: ", "Locked down within the area: ")) }
                            @for (i, x) in lockdowns.iter().enumerate() { @if i > 0 { ", " } a href={ "/lockdowns/" (x.id) } { (x.place.clone().unwrap_or(x.unit_name.clone())) } } }
                    }
                }
            }
        }
        section aria-labelledby="h-areas" {
            h2 #h-areas { (l.t("Các quyết định áp dụng", "Decisions applying them")) " (" (areas.len()) ")" }
            @if !end_errors.is_empty() {
                div.alert role="alert" #end-errors {
                    p { (l.t("Chưa ghi quyết định kết thúc:", "The end was not recorded:")) }
                    @for e in end_errors { p { (l.t(&e.message_vi, &e.message_en)) } }
                }
            }
            @if areas.is_empty() { p.muted { (l.t("Chưa có quyết định nào.", "No decision yet.")) } }
            @else {
                div.table-wrap { table.responsive #directive-areas {
                    thead { tr { th { (l.t("Chỉ thị", "Directive")) } th { (l.t("Địa bàn", "Area")) } th { (l.t("Thời gian", "Period")) } th { (l.t("Quyết định", "Decision")) } th {} } }
                    tbody { @for a in &areas { tr data-area=(a.id) {
                        td data-label=(l.t("Chỉ thị", "Directive")) { strong { (l.t("Chỉ thị ", "Directive ")) (a.directive) } @if a.holds_on(today) { " " span.badge data-state="active" { (l.t("đang áp dụng", "in force")) } } }
                        td data-label=(l.t("Địa bàn", "Area")) { a href={ "/directives?unit=" (a.unit_code) } { (a.unit_name) } }
                        td data-label=(l.t("Thời gian", "Period")) { (show_day(a.from_on)) " – " (show_day(a.until_on))
                            @if let Some(e) = a.ended_on { br; small { (l.t("kết thúc từ ", "ended from ")) (show_day(e)) " (" (a.end_decision.clone().unwrap_or_default()) ")" } } }
                        td data-label=(l.t("Quyết định", "Decision")) { (a.decision) br; small.muted { (a.issued_by) } }
                        td { @if can && a.ended_on.is_none() && a.until_on >= today && a.from_on < today { (end_form(page, a)) } }
                    } } }
                } }
            }
        }
        @if can {
            section #apply aria-labelledby="h-apply" {
                h2 #h-apply { (l.t("Áp dụng chỉ thị cho một địa bàn", "Apply a directive to an area")) }
                (form_errors(l, errors, &["directive", "unit_code", "from_on", "until_on", "decision", "issued_by", "own_measures"]))
                form.stack #directive-form method="post" action="/directives" novalidate {
                    (page.csrf_field())
                    fieldset {
                        legend { (l.t("Chỉ thị", "Directive")) }
                        @for r in phongdich_domain::directive::RULES {
                            label { input type="radio" name="directive" value=(r.code) checked[typed.directive == r.code]; " " (l.t(r.title_vi, r.title_en)) }
                        }
                        (field_error(l, errors, "directive"))
                    }
                    (unit_field(l, "unit_code", ("Địa bàn", "Area"), &typed.unit_code, errors, &units))
                    (text_field(l, "from_on", ("Từ ngày (dd/mm/yyyy)", "From (dd/mm/yyyy)"), &typed.from_on, errors, "required inputmode=\"numeric\""))
                    (text_field(l, "until_on", ("Đến hết ngày (dd/mm/yyyy)", "Until (dd/mm/yyyy)"), &typed.until_on, errors, "required inputmode=\"numeric\""))
                    (text_field(l, "decision", ("Số quyết định", "Decision no."), &typed.decision, errors, "required"))
                    (text_field(l, "issued_by", ("Cơ quan ban hành", "Issued by"), &typed.issued_by, errors, "required"))
                    div.field.invalid[errors.iter().any(|e| e.field == "own_measures")] {
                        label for="f-own_measures" { (l.t("Biện pháp riêng của địa phương (không bắt buộc)", "The province's own measures (optional)")) }
                        textarea #f-own_measures name="own_measures" rows="3" { (typed.own_measures) }
                        (field_error(l, errors, "own_measures"))
                    }
                    button type="submit" { (l.t("Áp dụng", "Apply")) }
                }
            }
        }
        p { a href="/permits" { (l.t("Giấy đi đường →", "Travel permits →")) } }
    };
    Ok(layout(
        page,
        l.t("Chỉ thị giãn cách", "Distancing directives"),
        content,
    ))
}

fn end_form(page: &Page, a: &DirectiveArea) -> Markup {
    let l = page.lang;
    html! {
        details {
            summary { (l.t("Kết thúc sớm", "End early")) }
            form.stack method="post" action={ "/directives/" (a.id) "/end" } {
                (page.csrf_field())
                div.field { label for={ "end-on-" (a.id) } { (l.t("Thôi áp dụng từ ngày", "No longer from")) } input id={ "end-on-" (a.id) } name="on" inputmode="numeric" value=(show_day(page.today())); }
                div.field { label for={ "end-dec-" (a.id) } { (l.t("Số quyết định", "Decision no.")) } input id={ "end-dec-" (a.id) } name="decision"; }
                button type="submit" { (l.t("Ghi", "Save")) }
            }
        }
    }
}

async fn apply(State(s): State<AppState>, page: Page, Form(f): Form<DirectiveInput>) -> PageResult {
    page.require(Permission::Zones)?;
    match s.store.apply_directive(&page.actor, &f).await {
        Ok(a) => Ok(
            Redirect::to(&format!("/directives?unit={}&done=applied", a.unit_code)).into_response(),
        ),
        Err(e) => {
            let errors = super::refusal_fields(e, "unit_code").map_err(|e| page.fail(e))?;
            let mut r = render(&s, &page, &HereQuery::default(), &f, &errors, &[]).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

async fn end(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<DirectiveEndInput>,
) -> PageResult {
    page.require(Permission::Zones)?;
    match s.store.end_directive(&page.actor, id, &f).await {
        Ok(a) => Ok(
            Redirect::to(&format!("/directives?unit={}&done=ended", a.unit_code)).into_response(),
        ),
        Err(e) => {
            let errors = super::refusal_fields(e, "on").map_err(|e| page.fail(e))?;
            let mut r = render(
                &s,
                &page,
                &HereQuery::default(),
                &DirectiveInput::default(),
                &[],
                &errors,
            )
            .await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

fn purpose_label(l: Lang, code: &str) -> String {
    PURPOSES
        .iter()
        .find(|p| p.0 == code)
        .map(|p| l.t(p.1, p.2).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

fn state_label(l: Lang, state: &str) -> &'static str {
    match state {
        "valid" => l.t("còn hiệu lực", "valid"),
        "revoked" => l.t("đã thu hồi", "revoked"),
        "expired" => l.t("hết hạn", "expired"),
        _ => l.t("chưa đến ngày", "not yet valid"),
    }
}

/// The permit form as typed: the person by name (the picker).
#[derive(Deserialize, Default, Clone)]
pub(super) struct PermitForm {
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    plate: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    purpose_detail: String,
    #[serde(default)]
    from_unit: String,
    #[serde(default)]
    to_unit: String,
    #[serde(default)]
    route: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_until: String,
}

#[derive(Deserialize, Default)]
pub(super) struct DoneQuery {
    #[serde(default)]
    done: String,
}

async fn permits_page(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    page.require(Permission::ViewPersons)?;
    let f = PermitForm {
        valid_from: show_day(page.today()),
        valid_until: show_day(page.today() + chrono::Days::new(13)),
        ..Default::default()
    };
    render_permits(&s, &page, &f, &q.done, &[]).await
}

async fn render_permits(
    s: &AppState,
    page: &Page,
    f: &PermitForm,
    done: &str,
    errors: &[FieldError],
) -> PageResult {
    let l = page.lang;
    let permits = s
        .store
        .permits(&page.actor.scope)
        .await
        .map_err(|e| page.fail(e))?;
    let can = page.can(Permission::Zones);
    let units: UnitGroups = route_units(s, page).await.map_err(|e| page.fail(e))?;
    let today = page.today();
    let content = html! {
        h1 { (l.t("Giấy đi đường", "Travel permits")) }
        @if let Some(m) = done_message(l, done) { p.notice role="status" { (m) } }
        p.muted { (l.t(
            "Cấp khi địa bàn áp dụng Chỉ thị 16: cho người đi làm, công vụ, khám chữa bệnh, cung ứng hàng hóa; lộ trình trong tỉnh, tối đa 31 ngày. Chốt kiểm soát quét mã QR trên giấy.",
            "Issued where Directive 16 applies: for work, public duty, medical care, supplies; a route within the province, 31 days at most. Checkpoints scan the QR code on the permit."
        )) }
        @if permits.is_empty() { p.muted { (l.t("Chưa cấp giấy nào.", "No permit issued yet.")) } }
        @else {
            div.table-wrap { table.responsive #permits {
                thead { tr { th { (l.t("Mã", "Code")) } th { (l.t("Người", "Person")) } th { (l.t("Mục đích", "Purpose")) } th { (l.t("Lộ trình", "Route")) } th { (l.t("Hiệu lực", "Valid")) } } }
                tbody { @for p in &permits {
                    @let state = phongdich_domain::directive::permit_state(p.valid_from, p.valid_until, p.revoked_at.is_some(), today);
                    tr {
                        td data-label=(l.t("Mã", "Code")) { a href={ "/permits/" (p.id) } { (p.code) } }
                        td data-label=(l.t("Người", "Person")) { (p.full_name) " (" (p.birth_year) ")" @if let Some(pl) = &p.plate { br; small { (pl) } } }
                        td data-label=(l.t("Mục đích", "Purpose")) { (purpose_label(l, &p.purpose)) }
                        td data-label=(l.t("Lộ trình", "Route")) { (p.from_name) " → " (p.to_name) }
                        td data-label=(l.t("Hiệu lực", "Valid")) { (show_day(p.valid_from)) " – " (show_day(p.valid_until)) br; span.badge data-state=(state) { (state_label(l, state)) } }
                    }
                } }
            } }
        }
        @if can {
            section #new-permit aria-labelledby="h-new-permit" {
                h2 #h-new-permit { (l.t("Cấp giấy đi đường", "Issue a permit")) }
                (form_errors(l, errors, &["person_id", "plate", "purpose", "purpose_detail", "from_unit", "to_unit", "route", "valid_from", "valid_until"]))
                form.stack #permit-form method="post" action="/permits" novalidate {
                    (page.csrf_field())
                    div.field.invalid[errors.iter().any(|e| e.field == "person_id")] {
                        (super::picker::person_input(l, "f-person_id", "person_id", ("Người được cấp", "Issued to"), &f.person_id, false, true))
                        (field_error(l, errors, "person_id"))
                    }
                    (text_field(l, "plate", ("Biển số xe (nếu có)", "Number plate (if any)"), &f.plate, errors, ""))
                    fieldset {
                        legend { (l.t("Mục đích", "Purpose")) }
                        @for (code, vi, en) in PURPOSES {
                            label { input type="radio" name="purpose" value=(code) checked[f.purpose == code]; " " (l.t(vi, en)) }
                        }
                        (field_error(l, errors, "purpose"))
                    }
                    (text_field(l, "purpose_detail", ("Cụ thể (nơi làm việc, cơ sở y tế…)", "In words (the workplace, the hospital…)"), &f.purpose_detail, errors, "required"))
                    (unit_field(l, "from_unit", ("Đi từ", "From"), &f.from_unit, errors, &units))
                    (unit_field(l, "to_unit", ("Đến", "To"), &f.to_unit, errors, &units))
                    (text_field(l, "route", ("Lộ trình (đường đi)", "Route (the roads taken)"), &f.route, errors, ""))
                    (text_field(l, "valid_from", ("Từ ngày (dd/mm/yyyy)", "From (dd/mm/yyyy)"), &f.valid_from, errors, "required inputmode=\"numeric\""))
                    (text_field(l, "valid_until", ("Đến hết ngày (dd/mm/yyyy)", "Until (dd/mm/yyyy)"), &f.valid_until, errors, "required inputmode=\"numeric\""))
                    button type="submit" { (l.t("Cấp giấy", "Issue")) }
                }
            }
        }
        p { a href="/directives" { (l.t("← Chỉ thị giãn cách", "← Distancing directives")) } }
    };
    Ok(layout(
        page,
        l.t("Giấy đi đường", "Travel permits"),
        content,
    ))
}

/// The ends a permit's route may have: the districts and communes of the
/// reader's province, grouped by district (a route crosses the reader's own
/// jurisdiction); the reader's own units for the whole country's reader.
async fn route_units(s: &AppState, page: &Page) -> Result<UnitGroups, phongdich_store::StoreError> {
    let Some(province) = s.store.province_of_scope(&page.actor.scope).await? else {
        return super::picker::units_to_choose(&s.store, page).await;
    };
    let units = s.store.descendants(&province).await?;
    let mut groups: Vec<(String, Vec<phongdich_store::Unit>)> = Vec::new();
    for d in units
        .iter()
        .filter(|u| u.level == phongdich_domain::UnitLevel::District)
    {
        let mut list = vec![d.clone()];
        list.extend(
            units
                .iter()
                .filter(|c| {
                    c.level == phongdich_domain::UnitLevel::Commune
                        && c.district_code.as_deref() == Some(d.code.as_str())
                })
                .cloned(),
        );
        groups.push((d.name.clone(), list));
    }
    Ok(Some(groups))
}

async fn issue(State(s): State<AppState>, page: Page, Form(f): Form<PermitForm>) -> PageResult {
    page.require(Permission::Zones)?;
    let mut errors = Vec::new();
    let person_id = match super::picker::resolve_person(&s.store, &page, "person_id", &f.person_id)
        .await
        .map_err(|e| page.fail(e))?
    {
        Ok(id) => id,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let input = PermitInput {
        person_id,
        plate: f.plate.clone(),
        purpose: f.purpose.clone(),
        purpose_detail: f.purpose_detail.clone(),
        from_unit: f.from_unit.clone(),
        to_unit: f.to_unit.clone(),
        route: f.route.clone(),
        valid_from: f.valid_from.clone(),
        valid_until: f.valid_until.clone(),
    };
    let result = if errors.is_empty() {
        s.store.issue_permit(&page.actor, &input).await
    } else {
        Err(phongdich_store::StoreError::from(
            phongdich_domain::Invalid(errors),
        ))
    };
    match result {
        Ok(p) => Ok(Redirect::to(&format!("/permits/{}?done=issued", p.id)).into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "person_id").map_err(|e| page.fail(e))?;
            let mut r = render_permits(&s, &page, &f, "", &errors).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

async fn permit_page(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    page.require(Permission::ViewPersons)?;
    render_permit(&s, &page, id, &q.done, &[]).await
}

async fn render_permit(
    s: &AppState,
    page: &Page,
    id: i64,
    done: &str,
    errors: &[FieldError],
) -> PageResult {
    let l = page.lang;
    let d = s
        .store
        .permit(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?;
    let p: &Permit = &d.permit;
    let content = html! {
        h1.no-print { (l.t("Giấy đi đường ", "Travel permit ")) (p.code) }
        @if let Some(m) = done_message(l, done) { p.notice.no-print role="status" { (m) } }
        article.permit #permit-card {
            h2 { (l.t("GIẤY ĐI ĐƯỜNG", "TRAVEL PERMIT")) }
            p.muted { (p.issued_name) " · " (l.t("theo Chỉ thị 16/CT-TTg", "under Directive 16/CT-TTg")) }
            div.permit-qr { (super::testing::qr_svg(&p.code, 160)) p { strong { (p.code) } } }
            dl.facts {
                dt { (l.t("Họ tên", "Name")) } dd { a href={ "/persons/" (p.person_id) } { (p.full_name) } " (" (p.birth_year) ")" }
                @if let Some(pl) = &p.plate { dt { (l.t("Phương tiện", "Vehicle")) } dd { (pl) } }
                dt { (l.t("Mục đích", "Purpose")) } dd { (purpose_label(l, &p.purpose)) ": " (p.purpose_detail) }
                dt { (l.t("Lộ trình", "Route")) } dd { (p.from_name) " → " (p.to_name) @if let Some(r) = &p.route { br; (r) } }
                dt { (l.t("Hiệu lực", "Valid")) } dd { (show_day(p.valid_from)) " – " (show_day(p.valid_until)) }
                dt { (l.t("Trạng thái", "State")) } dd { span.badge data-state=(d.state) #permit-state { (state_label(l, &d.state)) }
                    @if let Some(r) = &p.revoked_reason { br; small { (l.t("Lý do: ", "Reason: ")) (r) } } }
            }
        }
        @if page.can(Permission::Zones) && p.revoked_at.is_none() {
            section.no-print aria-labelledby="h-revoke" {
                h2 #h-revoke { (l.t("Thu hồi", "Revoke")) }
                (form_errors(l, errors, &["reason"]))
                form.stack #revoke-form method="post" action={ "/permits/" (p.id) "/revoke" }
                    data-confirm=(l.t("Thu hồi giấy đi đường này? Chốt sẽ không chấp nhận giấy nữa.", "Revoke this permit? Checkpoints will refuse it.")) {
                    (page.csrf_field())
                    (text_field(l, "reason", ("Lý do", "Reason"), "", errors, "required"))
                    button type="submit" { (l.t("Thu hồi", "Revoke")) }
                }
            }
        }
        section.no-print aria-labelledby="h-checks" {
            h2 #h-checks { (l.t("Các lần kiểm tra tại chốt", "Checks at checkpoints")) " (" (d.checks.len()) ")" }
            @if d.checks.is_empty() { p.muted { (l.t("Chưa có lần kiểm tra nào.", "Not checked yet.")) } }
            @else {
                div.table-wrap { table.responsive #permit-checks {
                    thead { tr { th { (l.t("Lúc", "At")) } th { (l.t("Chốt", "Checkpoint")) } th { (l.t("Kết quả", "Result")) } th { (l.t("Người kiểm tra", "Checked by")) } } }
                    tbody { @for c in &d.checks { tr {
                        td data-label=(l.t("Lúc", "At")) { (show_time(&c.checked_at)) }
                        td data-label=(l.t("Chốt", "Checkpoint")) { (c.checkpoint) }
                        td data-label=(l.t("Kết quả", "Result")) { (state_label(l, &c.result)) }
                        td data-label=(l.t("Người kiểm tra", "Checked by")) { (c.checked_by) }
                    } } }
                } }
            }
        }
        p.no-print { a href="/permits" { (l.t("← Giấy đi đường", "← Travel permits")) } " " (super::print_button(l.t("In giấy", "Print the permit"))) }
    };
    Ok(layout(page, &p.code, content))
}

#[derive(Deserialize, Default)]
pub(super) struct RevokeForm {
    #[serde(default)]
    reason: String,
}

async fn revoke(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<RevokeForm>,
) -> PageResult {
    page.require(Permission::Zones)?;
    match s.store.revoke_permit(&page.actor, id, &f.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/permits/{id}?done=revoked")).into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "reason").map_err(|e| page.fail(e))?;
            let mut r = render_permit(&s, &page, id, "", &errors).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}
