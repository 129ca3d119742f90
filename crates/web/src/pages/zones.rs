//! Lockdown areas (*phong tỏa*): the list (holding today, and the others),
//! the form (a whole unit chosen by name, or a place drawn under a commune
//! by its name and addresses; from a cluster's page, prefilled with it), an
//! area's page (its decisions, the people and households inside within the
//! reader's jurisdiction, addresses nobody lives at, extend and lift), and
//! the person's record section "lives in a lockdown area".

use super::picker::{UnitGroups, unit_field, units_to_choose};
use super::{Page, PageResult, field_error, form_errors, layout, num, show_day, text_field};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use phongdich_domain::{FieldError, Permission};
use phongdich_store::{Lockdown, LockdownChangeInput, LockdownInput, Person};
use serde::Deserialize;

/// This module's routes; merged once in [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/lockdowns", get(list).post(create))
        .route("/lockdowns/{id}", get(detail))
        .route("/lockdowns/{id}/changes", post(change))
}

fn state_label(l: Lang, state: &str) -> &'static str {
    match state {
        "upcoming" => l.t("sắp phong tỏa", "upcoming"),
        "active" => l.t("đang phong tỏa", "locked down"),
        _ => l.t("đã kết thúc", "ended"),
    }
}

fn done_message(l: Lang, done: &str) -> Option<&'static str> {
    Some(match done {
        "created" => l.t("Đã ghi quyết định phong tỏa.", "The lockdown was recorded."),
        "extend" => l.t("Đã gia hạn phong tỏa.", "The lockdown was extended."),
        "lift" => l.t("Đã gỡ phong tỏa.", "The lockdown was lifted."),
        _ => return None,
    })
}

/// Where an area is: the unit's name, and the drawn place's.
fn where_label(lang: Lang, l: &Lockdown) -> String {
    match &l.place {
        Some(p) => format!("{p} — {}", l.unit_name),
        None if !l.addresses.is_empty() => format!(
            "{} {} — {}",
            l.addresses.len(),
            lang.t("địa chỉ", "addresses"),
            l.unit_name
        ),
        None => l.unit_name.clone(),
    }
}

fn period(l: Lang, x: &Lockdown) -> Markup {
    html! {
        (show_day(x.from_on)) " – "
        (show_day(x.planned_until))
        @match x.lifted_on {
            Some(d) => { " " small { (l.t("(gỡ phong tỏa từ ", "(lifted from ")) (show_day(d)) ")" } },
            None => { " " small.muted { (l.t("(dự kiến)", "(planned)")) } },
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    #[serde(default)]
    done: String,
    /// Prefill the form from this cluster.
    #[serde(default)]
    cluster: Option<i64>,
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct LockdownForm {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    addresses: String,
    #[serde(default)]
    reason: String,
    #[serde(default, deserialize_with = "super::empty_as_none")]
    cluster_id: Option<i64>,
    #[serde(default)]
    case_codes: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    issued_by: String,
    #[serde(default)]
    from_on: String,
    #[serde(default)]
    planned_until: String,
}

impl LockdownForm {
    fn input(&self) -> LockdownInput {
        LockdownInput {
            unit_code: self.unit_code.clone(),
            place: self.place.clone(),
            addresses: self.addresses.clone(),
            reason: self.reason.clone(),
            cluster_id: self.cluster_id,
            case_codes: self.case_codes.clone(),
            decision: self.decision.clone(),
            issued_by: self.issued_by.clone(),
            from_on: self.from_on.clone(),
            planned_until: self.planned_until.clone(),
        }
    }
}

async fn list(State(s): State<AppState>, page: Page, Query(q): Query<ListQuery>) -> PageResult {
    page.require(Permission::ViewPersons)?;
    let mut f = LockdownForm::default();
    if let Some(id) = q.cluster {
        let c = s
            .store
            .cluster(&page.actor.scope, id)
            .await
            .map_err(|e| page.fail(e))?
            .cluster;
        let unit = s.store.unit(&c.unit_code).await.map_err(|e| page.fail(e))?;
        let commune = matches!(
            unit.level,
            phongdich_domain::UnitLevel::Commune | phongdich_domain::UnitLevel::Hamlet
        );
        f = LockdownForm {
            unit_code: c.unit_code.clone(),
            place: if commune {
                c.place.clone().unwrap_or_default()
            } else {
                String::new()
            },
            reason: format!("Ổ dịch {}", c.name),
            cluster_id: Some(c.id),
            from_on: show_day(page.today()),
            planned_until: show_day(page.today() + chrono::Days::new(13)),
            ..Default::default()
        };
    }
    render_list(&s, &page, &f, &q.done, &[]).await
}

async fn render_list(
    s: &AppState,
    page: &Page,
    f: &LockdownForm,
    done: &str,
    errors: &[FieldError],
) -> PageResult {
    let l = page.lang;
    let today = page.today();
    let all = s
        .store
        .lockdowns(&page.actor.scope, None)
        .await
        .map_err(|e| page.fail(e))?;
    let (active, others): (Vec<&Lockdown>, Vec<&Lockdown>) =
        all.iter().partition(|x| x.state_on(today) == "active");
    let can = page.can(Permission::Zones);
    let units: UnitGroups = if can {
        with_hamlets(s, page).await.map_err(|e| page.fail(e))?
    } else {
        None
    };
    let table = |rows: &[&Lockdown], id: &str| {
        html! {
            div.table-wrap { table.responsive id=(id) {
                thead { tr {
                    th { (l.t("Khu vực", "Area")) } th { (l.t("Thời gian", "Period")) }
                    th { (l.t("Lý do", "Reason")) } th { (l.t("Quyết định", "Decision")) } th { (l.t("Trạng thái", "State")) }
                } }
                tbody { @for x in rows { tr {
                    td data-label=(l.t("Khu vực", "Area")) { a href={ "/lockdowns/" (x.id) } { strong { (where_label(l, x)) } } }
                    td data-label=(l.t("Thời gian", "Period")) { (period(l, x)) }
                    td data-label=(l.t("Lý do", "Reason")) {
                        (x.reason)
                        @if let (Some(c), Some(n)) = (x.cluster_id, &x.cluster_name) { br; small { a href={ "/clusters/" (c) } { (l.t("Ổ dịch ", "Cluster ")) (n) } } }
                    }
                    td data-label=(l.t("Quyết định", "Decision")) { (x.decision) br; small.muted { (x.issued_by) } }
                    td data-label=(l.t("Trạng thái", "State")) { span.badge data-state=(x.state_on(today)) { (state_label(l, x.state_on(today))) } }
                } } }
            } }
        }
    };
    let content = html! {
        h1 { (l.t("Khu vực phong tỏa", "Lockdown areas")) }
        @if let Some(m) = done_message(l, done) { p.notice role="status" { (m) } }
        section aria-labelledby="h-active" {
            h2 #h-active { (l.t("Đang phong tỏa hôm nay", "Locked down today")) " (" (active.len()) ")" }
            @if active.is_empty() { p.muted { (l.t("Không có khu vực nào đang bị phong tỏa.", "No area is locked down.")) } }
            @else { (table(&active, "active-lockdowns")) }
        }
        @if !others.is_empty() {
            section aria-labelledby="h-others" {
                h2 #h-others { (l.t("Sắp tới và đã kết thúc", "Upcoming and ended")) " (" (others.len()) ")" }
                (table(&others, "other-lockdowns"))
            }
        }
        @if can {
            section #new-lockdown aria-labelledby="h-new" {
                h2 #h-new { (l.t("Phong tỏa một khu vực", "Lock down an area")) }
                p.muted { (l.t(
                    "Phong tỏa cả một đơn vị (tỉnh, huyện, xã, thôn/tổ), hoặc một nơi trong xã: ghi tên nơi (đoạn phố, tòa nhà, chợ) và/hoặc các địa chỉ, mỗi dòng một địa chỉ — người có địa chỉ đó trong sổ được tính là ở trong khu phong tỏa.",
                    "Lock down a whole unit (province, district, commune, hamlet), or a place within a commune: its name (a street segment, a building, a market) and/or its addresses, one a line — people registered at those addresses count as inside."
                )) }
                (form_errors(l, errors, &["unit_code", "place", "addresses", "reason", "cluster_id", "case_codes", "decision", "issued_by", "from_on", "planned_until"]))
                form.stack #lockdown-form method="post" action="/lockdowns" novalidate {
                    (page.csrf_field())
                    (unit_field(l, "unit_code", ("Đơn vị (hoặc xã/thôn có nơi phong tỏa)", "Unit (or the commune/hamlet the place is in)"), &f.unit_code, errors, &units))
                    (text_field(l, "place", ("Tên nơi phong tỏa (không bắt buộc)", "The place's name (optional)"), &f.place, errors, ""))
                    div.field.invalid[errors.iter().any(|e| e.field == "addresses")] {
                        label for="f-addresses" { (l.t("Các địa chỉ, mỗi dòng một (không bắt buộc)", "Addresses, one a line (optional)")) }
                        textarea #f-addresses name="addresses" rows="3" { (f.addresses) }
                        (field_error(l, errors, "addresses"))
                    }
                    (text_field(l, "reason", ("Lý do", "Reason"), &f.reason, errors, "required"))
                    (text_field(l, "case_codes", ("Mã ca bệnh F0 liên quan (cách nhau bởi dấu phẩy)", "Case codes of the F0 concerned (comma-separated)"), &f.case_codes, errors, ""))
                    @if let Some(c) = f.cluster_id { input type="hidden" name="cluster_id" value=(c); (field_error(l, errors, "cluster_id")) }
                    (text_field(l, "decision", ("Số quyết định", "Decision no."), &f.decision, errors, "required"))
                    (text_field(l, "issued_by", ("Cơ quan ban hành", "Issued by"), &f.issued_by, errors, "required"))
                    (text_field(l, "from_on", ("Từ ngày (dd/mm/yyyy)", "From (dd/mm/yyyy)"), &f.from_on, errors, "required inputmode=\"numeric\""))
                    (text_field(l, "planned_until", ("Đến hết ngày, dự kiến (dd/mm/yyyy)", "Until, planned (dd/mm/yyyy)"), &f.planned_until, errors, "required inputmode=\"numeric\""))
                    button type="submit" { (l.t("Phong tỏa", "Lock down")) }
                }
            }
        }
    };
    Ok(layout(
        page,
        l.t("Khu vực phong tỏa", "Lockdown areas"),
        content,
    ))
}

/// The units a lockdown may name: [`units_to_choose`], and for a commune's
/// reader its hamlets too.
pub(super) async fn with_hamlets(
    s: &AppState,
    page: &Page,
) -> Result<UnitGroups, phongdich_store::StoreError> {
    let mut groups = units_to_choose(&s.store, page).await?;
    if let (Some(groups), Some(root)) = (groups.as_mut(), page.actor.scope.root())
        && root.level() == phongdich_domain::UnitLevel::Commune
    {
        let hamlets = s.store.children(root.as_str()).await?;
        if let Some(first) = groups.first_mut() {
            first.1.extend(hamlets);
        }
    }
    Ok(groups)
}

async fn create(State(s): State<AppState>, page: Page, Form(f): Form<LockdownForm>) -> PageResult {
    page.require(Permission::Zones)?;
    match s.store.create_lockdown(&page.actor, &f.input()).await {
        Ok(x) => Ok(Redirect::to(&format!("/lockdowns/{}?done=created", x.id)).into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "from_on").map_err(|e| page.fail(e))?;
            let mut r = render_list(&s, &page, &f, "", &errors).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct DetailQuery {
    #[serde(default)]
    done: String,
    #[serde(default)]
    offset: usize,
}

/// People listed on an area's page at once.
const PAGE: usize = 200;

async fn detail(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> PageResult {
    page.require(Permission::ViewPersons)?;
    render_detail(&s, &page, id, &q, &LockdownChangeInput::default(), &[]).await
}

async fn render_detail(
    s: &AppState,
    page: &Page,
    id: i64,
    q: &DetailQuery,
    typed: &LockdownChangeInput,
    errors: &[FieldError],
) -> PageResult {
    let l = page.lang;
    let d = s
        .store
        .lockdown(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?;
    let offset = q.offset.min(1_000_000);
    let (people, total) = s
        .store
        .lockdown_people(&page.actor.scope, id, offset, PAGE)
        .await
        .map_err(|e| page.fail(e))?;
    let x = &d.lockdown;
    let can = page.can(Permission::Zones) && x.lifted_on.is_none();
    let err = |f: &str| field_error(l, errors, f);
    let content = html! {
        h1 { (l.t("Phong tỏa: ", "Lockdown: ")) (where_label(l, x)) }
        @if let Some(m) = done_message(l, &q.done) { p.notice role="status" { (m) } }
        p { span.badge data-state=(d.state) { (state_label(l, &d.state)) } }
        dl.facts #lockdown-facts {
            dt { (l.t("Đơn vị", "Unit")) } dd { span title=(x.unit_code) { (x.unit_name) } }
            @if let Some(p) = &x.place { dt { (l.t("Nơi", "Place")) } dd { (p) } }
            @if !x.addresses.is_empty() { dt { (l.t("Địa chỉ", "Addresses")) } dd { ul.plain { @for a in &x.addresses { li { (a) } } } } }
            dt { (l.t("Thời gian", "Period")) } dd { (period(l, x)) }
            dt { (l.t("Lý do", "Reason")) } dd { (x.reason) }
            @if let (Some(c), Some(n)) = (x.cluster_id, &x.cluster_name) { dt { (l.t("Ổ dịch", "Cluster")) } dd { a href={ "/clusters/" (c) } { (n) } } }
            @if !x.cases.is_empty() {
                dt { (l.t("Ca bệnh", "Cases")) }
                dd { @for (i, c) in x.cases.iter().enumerate() {
                    @if i > 0 { ", " }
                    (c.code) @if !c.full_name.is_empty() { " (" (c.full_name) ")" }
                } }
            }
            dt { (l.t("Quyết định", "Decision")) } dd { (x.decision) " — " (x.issued_by) }
            dt { (l.t("Người trong khu", "People inside")) } dd #people-inside { strong { (num(l, d.people)) } " " (l.t("người", "people")) ", " (num(l, d.households)) " " (l.t("hộ", "households")) }
        }
        @if page.can(Permission::RunCampaigns) && d.people > 0 {
            p { a.button.secondary #test-lockdown href={ "/campaigns?lockdown=" (x.id) } { (l.t("Tổ chức xét nghiệm người trong khu", "Order testing of the people inside")) } }
        }
        @if !d.unmatched_addresses.is_empty() {
            div.alert role="status" #unmatched {
                p { (l.t("Không có ai trong sổ ở các địa chỉ sau (kiểm tra lại cách ghi):", "Nobody registered lives at these addresses (check how they are written):")) }
                ul { @for a in &d.unmatched_addresses { li { (a) } } }
            }
        }
        section aria-labelledby="h-events" {
            h2 #h-events { (l.t("Các quyết định", "Decisions")) }
            div.table-wrap { table.responsive #lockdown-events {
                thead { tr { th { (l.t("Việc", "What")) } th { (l.t("Ngày", "Day")) } th { (l.t("Quyết định", "Decision")) } th { (l.t("Lý do", "Reason")) } th { (l.t("Người ghi", "Recorded by")) } } }
                tbody { @for e in &d.events { tr {
                    td data-label=(l.t("Việc", "What")) { (match e.kind.as_str() { "impose" => l.t("Phong tỏa từ", "Locked down from"), "extend" => l.t("Gia hạn đến", "Extended to"), _ => l.t("Gỡ phong tỏa từ", "Lifted from") }) }
                    td data-label=(l.t("Ngày", "Day")) { (show_day(e.on_day)) }
                    td data-label=(l.t("Quyết định", "Decision")) { (e.decision) }
                    td data-label=(l.t("Lý do", "Reason")) { (e.reason) }
                    td data-label=(l.t("Người ghi", "Recorded by")) { (e.recorded_by) }
                } } }
            } }
        }
        @if can {
            section aria-labelledby="h-change" {
                h2 #h-change { (l.t("Gia hạn hoặc gỡ phong tỏa", "Extend or lift")) }
                (form_errors(l, errors, &["kind", "on", "decision", "reason"]))
                form.stack #lockdown-change method="post" action={ "/lockdowns/" (x.id) "/changes" } novalidate {
                    (page.csrf_field())
                    fieldset {
                        legend { (l.t("Việc", "What")) }
                        label { input type="radio" name="kind" value="extend" checked[typed.kind != "lift"]; " " (l.t("Gia hạn đến ngày", "Extend to")) }
                        label { input type="radio" name="kind" value="lift" checked[typed.kind == "lift"]; " " (l.t("Gỡ phong tỏa từ ngày", "Lift from")) }
                        (err("kind"))
                    }
                    (text_field(l, "on", ("Ngày (dd/mm/yyyy)", "Day (dd/mm/yyyy)"), &typed.on, errors, "required inputmode=\"numeric\""))
                    (text_field(l, "decision", ("Số quyết định", "Decision no."), &typed.decision, errors, "required"))
                    (text_field(l, "reason", ("Lý do", "Reason"), &typed.reason, errors, "required"))
                    button type="submit" { (l.t("Ghi", "Save")) }
                }
            }
        }
        section aria-labelledby="h-people" {
            h2 #h-people { (l.t("Người trong khu phong tỏa", "People inside")) " (" (num(l, total as i64)) ")" }
            @if people.is_empty() { p.muted { (l.t("Không có ai trong sổ.", "Nobody registered.")) } }
            @else {
                div.table-wrap { table.responsive #lockdown-people {
                    thead { tr { th { (l.t("Họ tên", "Name")) } th { (l.t("Năm sinh", "Born")) } th { (l.t("Địa chỉ", "Address")) } } }
                    tbody { @for p in &people { tr {
                        td data-label=(l.t("Họ tên", "Name")) { a href={ "/persons/" (p.person_id) } { (p.full_name) } }
                        td data-label=(l.t("Năm sinh", "Born")) { (p.birth_year) }
                        td data-label=(l.t("Địa chỉ", "Address")) { (p.street_address.clone().unwrap_or_default()) @if let Some(h) = &p.hamlet_name { ", " (h) } }
                    } } }
                } }
                nav.pager {
                    @if offset > 0 { a href={ "/lockdowns/" (x.id) "?offset=" (offset.saturating_sub(PAGE)) } { (l.t("← Trước", "← Previous")) } " " }
                    @if offset + PAGE < total { a href={ "/lockdowns/" (x.id) "?offset=" (offset + PAGE) } { (l.t("Tiếp →", "Next →")) } }
                }
            }
        }
        p { a href="/lockdowns" { (l.t("← Các khu vực phong tỏa", "← Lockdown areas")) } " " (super::print_button(l.t("In", "Print"))) }
    };
    Ok(layout(page, &where_label(l, x), content))
}

async fn change(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<LockdownChangeInput>,
) -> PageResult {
    page.require(Permission::Zones)?;
    match s.store.change_lockdown(&page.actor, id, &f).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/lockdowns/{id}?done={}", f.kind.trim())).into_response())
        }
        Err(e) => {
            let errors = super::refusal_fields(e, "on").map_err(|e| page.fail(e))?;
            let mut r = render_detail(&s, &page, id, &DetailQuery::default(), &f, &errors).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

/// The person's record: the lockdown areas they live in today.
pub(super) async fn section(
    s: &AppState,
    page: &Page,
    p: &Person,
    _errors: &[FieldError],
) -> Markup {
    let l = page.lang;
    let areas = s
        .store
        .lockdowns_of_person(&page.actor.scope, p.id)
        .await
        .unwrap_or_default();
    if areas.is_empty() {
        return html! {};
    }
    html! {
        section #lockdowns aria-labelledby="h-lockdowns" {
            h2 #h-lockdowns { (l.t("Đang ở trong khu phong tỏa", "Lives in a lockdown area")) }
            ul { @for x in &areas {
                li { a href={ "/lockdowns/" (x.id) } { (where_label(l, x)) } " · " (period(l, x)) " · " (x.decision) }
            } }
        }
    }
}

/// The dashboard's section for `unit` (within the reader's scope) on `day`:
/// the lockdowns holding, and the week's levels of its communes with their
/// change since the week before.
pub(super) async fn dashboard_section(
    s: &AppState,
    page: &Page,
    unit: &str,
    day: chrono::NaiveDate,
) -> Result<Markup, phongdich_store::StoreError> {
    let l = page.lang;
    let code = phongdich_domain::UnitCode::parse(unit)
        .map_err(|e| phongdich_store::StoreError::from(phongdich_domain::Invalid::from(e)))?;
    let scope = phongdich_store::Scope::unit(code);
    let lockdowns = s.store.lockdowns(&scope, Some(day)).await?;
    let zones = s.store.green_zones(&scope).await?;
    let green = zones.iter().filter(|z| z.status == "green").count();
    let lost: Vec<&phongdich_store::GreenZone> = zones
        .iter()
        .filter(|z| {
            z.status == "lost"
                && (z.alert_open() || z.lost_on.is_some_and(|d| d + chrono::Days::new(7) > day))
        })
        .collect();
    // Before the first rule set (12/10/2021) a week has no levels.
    let w = match s.store.week_levels(&scope, day).await {
        Ok(w) => Some(w),
        Err(phongdich_store::StoreError::Invalid(_)) => None,
        Err(e) => return Err(e),
    };
    let counted = w.as_ref().map(phongdich_store::ReportLevels::of);
    let (counts, up, down, none) = counted.as_ref().map_or(([0; 4], 0, 0, 0), |r| {
        (r.by_level, r.up, r.down, r.without_level)
    });
    let week = show_day(w.as_ref().map_or(day, |w| w.week_start));
    Ok(html! {
        section #zones aria-labelledby="h-zones" {
            h2 #h-zones { (l.t("Phong tỏa, vùng xanh và cấp độ dịch", "Lockdowns, green zones and epidemic levels")) }
            div.dash-columns {
                div {
                    h3 { (l.t("Đang phong tỏa", "Locked down")) " (" (lockdowns.len()) ")" }
                    @if lockdowns.is_empty() { p.muted { (l.t("Không có khu vực nào.", "No area.")) } }
                    ul { @for x in lockdowns.iter().take(8) {
                        li { a href={ "/lockdowns/" (x.id) } { (where_label(l, x)) } " · " (l.t("từ ", "since ")) (show_day(x.from_on)) }
                    } }
                    @if lockdowns.len() > 8 { p { a href="/lockdowns" { (l.t("Tất cả →", "All →")) } } }
                }
                div #zone-green {
                    h3 { (l.t("Vùng xanh", "Green zones")) " (" (green) ")" }
                    @if lost.is_empty() { p.muted { (l.t("Không vùng nào mất trạng thái trong 7 ngày qua.", "No zone lost its status in the last 7 days.")) } }
                    ul { @for z in &lost {
                        li { a href={ "/green-zones/" (z.id) } { (z.name) } " · " (l.t("mất trạng thái ", "lost ")) (z.lost_on.map(show_day).unwrap_or_default())
                            @if z.alert_open() { " · " strong { (l.t("chưa ai nhận cảnh báo", "alert not taken")) } } }
                    } }
                    p { a href="/green-zones" { (l.t("Các vùng xanh →", "Green zones →")) } }
                }
                @if w.is_none() {
                    div { p.muted { (l.t("Cấp độ dịch được đánh giá từ ngày 12/10/2021 (Quyết định 4800/QĐ-BYT).", "Epidemic levels are assessed from 12/10/2021 (Decision 4800/QĐ-BYT).")) } }
                } @else {
                div {
                    h3 { (l.t("Cấp độ các xã, tuần ", "Communes' levels, week of ")) (week) }
                    p #zone-levels {
                        @for (i, n) in counts.iter().enumerate() {
                            span.level data-level=(i + 1) { (l.t("Cấp ", "Level ")) (i + 1) } " " (num(l, *n)) "  "
                        }
                        @if none > 0 { br; small.muted { (num(l, none)) (l.t(" xã chưa có cấp (thiếu dân số)", " communes without a level (no population)")) } }
                    }
                    p { "↑ " (num(l, up)) (l.t(" xã tăng cấp, ", " communes up, ")) "↓ " (num(l, down)) (l.t(" xã giảm cấp so với tuần trước", " down since the week before")) }
                    p { a href={ "/levels?week=" (week) } { (l.t("Bảng cấp độ →", "Levels' table →")) } " · " a href={ "/map?week=" (week) } { (l.t("Bản đồ →", "Map →")) } }
                }
                }
            }
        }
    })
}
