//! Green zones (*vùng xanh*): the list (alerts of zones that lost their
//! status first, for their team to take; then green zones and lost ones),
//! the form to declare one (a whole unit, or a place drawn under a commune),
//! and a zone's page: its team, its checkpoints with their hours and who is
//! on duty there now (shifts of the duty roster, put on from this page), and
//! — once an F0 was confirmed inside — the case, the day and the team alerted.

use super::picker::{UnitGroups, unit_field};
use super::{Page, PageResult, field_error, form_errors, layout, show_day, show_time, text_field};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use phongdich_domain::{FieldError, Permission};
use phongdich_store::{GreenZone, GreenZoneInput, ShiftInput, ZoneCheckpointInput};
use serde::Deserialize;

/// This module's routes; merged once in [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/green-zones", get(list).post(create))
        .route("/green-zones/{id}", get(detail))
        .route("/green-zones/{id}/checkpoints", post(add_checkpoint))
        .route("/green-zones/{id}/shifts", post(add_shift))
        .route("/green-zones/{id}/acknowledge", post(acknowledge))
        .route("/green-zones/{id}/withdraw", post(withdraw))
}

fn done_message(l: Lang, done: &str) -> Option<&'static str> {
    Some(match done {
        "created" => l.t("Đã công nhận vùng xanh.", "The green zone was declared."),
        "checkpoint" => l.t("Đã thêm chốt.", "The checkpoint was added."),
        "shift" => l.t("Đã xếp ca trực chốt.", "The checkpoint's shift was added."),
        "acknowledged" => l.t("Đã nhận cảnh báo.", "The alert was taken."),
        "withdrawn" => l.t(
            "Đã thu hồi công nhận vùng xanh.",
            "The green zone's status was withdrawn.",
        ),
        _ => return None,
    })
}

fn status_label(l: Lang, status: &str) -> &'static str {
    match status {
        "green" => l.t("vùng xanh", "green"),
        "withdrawn" => l.t("đã thu hồi công nhận", "status withdrawn"),
        _ => l.t("mất trạng thái vùng xanh", "no longer green"),
    }
}

/// Where a zone is: the drawn place's name and the unit's.
fn where_label(lang: Lang, z: &GreenZone) -> String {
    match &z.place {
        Some(p) => format!("{p} — {}", z.unit_name),
        None if !z.addresses.is_empty() => format!(
            "{} {} — {}",
            z.addresses.len(),
            lang.t("địa chỉ", "addresses"),
            z.unit_name
        ),
        None => z.unit_name.clone(),
    }
}

/// The alert of a zone that lost its status: which F0, when, who was told.
fn alert_box(page: &Page, z: &GreenZone, with_link: bool) -> Markup {
    let l = page.lang;
    html! {
        div.alert role="alert" data-zone=(z.id) {
            p {
                strong {
                    @if with_link { a href={ "/green-zones/" (z.id) } { (z.name) } } @else { (z.name) }
                    (l.t(" mất trạng thái vùng xanh", " is no longer green"))
                }
                @if let (Some(c), Some(d)) = (&z.lost_case, z.lost_on) {
                    ": " (l.t("F0 ", "F0 ")) (c.code)
                    @if !c.full_name.is_empty() { " (" (c.full_name) ")" }
                    (l.t(" xác nhận ngày ", " confirmed on ")) (show_day(d))
                }
                "."
            }
            p {
                @match &z.alerted_shift {
                    Some(s) => { (l.t("Đã báo đội trực ", "Routed to the team on duty ")) strong { (s.team) } " (" (s.unit_name) ", " a href={ "tel:" (s.phone.replace(' ', "")) } { (s.phone) } ")" },
                    None => { (l.t("Không có đội nào đang trực; gọi tổ phụ trách ", "No team was on duty; call the zone's team ")) strong { (z.team) } " " a href={ "tel:" (z.team_phone) } { (z.team_phone) } },
                }
                @if let Some(at) = &z.alerted_at { " · " (show_time(at)) }
            }
            @if page.can(Permission::Zones) {
                form.inline method="post" action={ "/green-zones/" (z.id) "/acknowledge" } {
                    (page.csrf_field())
                    button type="submit" { (l.t("Đã nhận, đang xử lý", "Taken, on it")) }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    #[serde(default)]
    done: String,
}

async fn list(State(s): State<AppState>, page: Page, Query(q): Query<ListQuery>) -> PageResult {
    page.require(Permission::ViewPersons)?;
    let f = GreenZoneInput {
        declared_on: show_day(page.today()),
        ..Default::default()
    };
    render_list(&s, &page, &f, &q.done, &[]).await
}

async fn render_list(
    s: &AppState,
    page: &Page,
    f: &GreenZoneInput,
    done: &str,
    errors: &[FieldError],
) -> PageResult {
    let l = page.lang;
    let all = s
        .store
        .green_zones(&page.actor.scope)
        .await
        .map_err(|e| page.fail(e))?;
    let alerts: Vec<&GreenZone> = all.iter().filter(|z| z.alert_open()).collect();
    let can = page.can(Permission::Zones);
    let units: UnitGroups = if can {
        super::zones::with_hamlets(s, page)
            .await
            .map_err(|e| page.fail(e))?
    } else {
        None
    };
    let green = all.iter().filter(|z| z.status == "green").count();
    let content = html! {
        h1 { (l.t("Vùng xanh", "Green zones")) }
        @if let Some(m) = done_message(l, done) { p.notice role="status" { (m) } }
        @if !alerts.is_empty() {
            section #zone-alerts aria-labelledby="h-alerts" {
                h2 #h-alerts { (l.t("Cảnh báo chờ nhận", "Alerts waiting")) " (" (alerts.len()) ")" }
                @for z in &alerts { (alert_box(page, z, true)) }
            }
        }
        section aria-labelledby="h-zones" {
            h2 #h-zones { (l.t("Các vùng", "Zones")) " — " (green) " " (l.t("vùng xanh", "green")) }
            @if all.is_empty() { p.muted { (l.t("Chưa có vùng xanh nào.", "No green zone yet.")) } }
            @else {
                div.table-wrap { table.responsive #green-zones {
                    thead { tr {
                        th { (l.t("Vùng", "Zone")) } th { (l.t("Khu vực", "Area")) } th { (l.t("Từ ngày", "Since")) }
                        th { (l.t("Tổ phụ trách", "Team")) } th { (l.t("Trạng thái", "State")) }
                    } }
                    tbody { @for z in &all { tr data-zone=(z.id) {
                        td data-label=(l.t("Vùng", "Zone")) { a href={ "/green-zones/" (z.id) } { strong { (z.name) } } }
                        td data-label=(l.t("Khu vực", "Area")) { (where_label(l, z)) }
                        td data-label=(l.t("Từ ngày", "Since")) { (show_day(z.declared_on)) }
                        td data-label=(l.t("Tổ phụ trách", "Team")) { (z.team) br; small { a href={ "tel:" (z.team_phone) } { (z.team_phone) } } }
                        td data-label=(l.t("Trạng thái", "State")) {
                            span.badge data-state=(z.status) { (status_label(l, &z.status)) }
                            @if let Some(d) = z.lost_on { br; small { (l.t("từ ", "from ")) (show_day(d)) } }
                            @if let Some(d) = z.withdrawn_on { br; small { (l.t("từ ", "from ")) (show_day(d)) } }
                        }
                    } } }
                } }
            }
        }
        @if can {
            section #new-zone aria-labelledby="h-new" {
                h2 #h-new { (l.t("Công nhận vùng xanh", "Declare a green zone")) }
                p.muted { (l.t(
                    "Cả một đơn vị (xã, thôn/tổ…), hoặc một nơi trong xã: tên nơi và/hoặc các địa chỉ, mỗi dòng một. Không công nhận được khi còn F0 đang điều trị sống trong khu. Vùng tự mất trạng thái khi có F0 sống trong khu được xác nhận, và đội trực được báo.",
                    "A whole unit (commune, hamlet…), or a place within a commune: its name and/or its addresses, one a line. Refused while an F0 under treatment lives inside. The zone loses its status by itself when an F0 living inside is confirmed, and the team on duty is alerted."
                )) }
                (form_errors(l, errors, &["name", "unit_code", "place", "addresses", "declared_on", "decision", "team", "team_leader", "team_phone"]))
                form.stack #zone-form method="post" action="/green-zones" novalidate {
                    (page.csrf_field())
                    (text_field(l, "name", ("Tên vùng xanh", "The zone's name"), &f.name, errors, "required"))
                    (unit_field(l, "unit_code", ("Đơn vị (hoặc xã/thôn có nơi đó)", "Unit (or the commune/hamlet the place is in)"), &f.unit_code, errors, &units))
                    (text_field(l, "place", ("Tên nơi (không bắt buộc)", "The place's name (optional)"), &f.place, errors, ""))
                    div.field.invalid[errors.iter().any(|e| e.field == "addresses")] {
                        label for="f-addresses" { (l.t("Các địa chỉ, mỗi dòng một (không bắt buộc)", "Addresses, one a line (optional)")) }
                        textarea #f-addresses name="addresses" rows="3" { (f.addresses) }
                        (field_error(l, errors, "addresses"))
                    }
                    (text_field(l, "declared_on", ("Công nhận từ ngày (dd/mm/yyyy)", "Green from (dd/mm/yyyy)"), &f.declared_on, errors, "required inputmode=\"numeric\""))
                    (text_field(l, "decision", ("Số quyết định/thông báo (không bắt buộc)", "Decision or notice no. (optional)"), &f.decision, errors, ""))
                    (text_field(l, "team", ("Tổ chịu trách nhiệm", "Team responsible"), &f.team, errors, "required"))
                    (text_field(l, "team_leader", ("Tổ trưởng (không bắt buộc)", "Team leader (optional)"), &f.team_leader, errors, ""))
                    (text_field(l, "team_phone", ("Điện thoại của tổ", "The team's phone"), &f.team_phone, errors, "required inputmode=\"tel\""))
                    button type="submit" { (l.t("Công nhận", "Declare")) }
                }
            }
        }
    };
    Ok(layout(page, l.t("Vùng xanh", "Green zones"), content))
}

async fn create(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<GreenZoneInput>,
) -> PageResult {
    page.require(Permission::Zones)?;
    match s.store.create_green_zone(&page.actor, &f).await {
        Ok(z) => Ok(Redirect::to(&format!("/green-zones/{}?done=created", z.id)).into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "unit_code").map_err(|e| page.fail(e))?;
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
}

/// A shift at a checkpoint as typed on the zone's page.
#[derive(Deserialize, Default, Clone)]
pub(super) struct ShiftForm {
    #[serde(default, deserialize_with = "super::empty_as_none")]
    checkpoint_id: Option<i64>,
    #[serde(default)]
    team: String,
    #[serde(default)]
    members: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    repeat_days: String,
}

async fn detail(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> PageResult {
    page.require(Permission::ViewPersons)?;
    render_detail(&s, &page, id, &q.done, &Typed::default(), &[]).await
}

/// What the zone page's forms hold: empty, or what was posted to the one
/// refused.
#[derive(Default)]
struct Typed {
    checkpoint: ZoneCheckpointInput,
    shift: ShiftForm,
    withdrawal: WithdrawForm,
}

async fn render_detail(
    s: &AppState,
    page: &Page,
    id: i64,
    done: &str,
    typed: &Typed,
    errors: &[FieldError],
) -> PageResult {
    let (checkpoint, shift, withdrawal) = (&typed.checkpoint, &typed.shift, &typed.withdrawal);
    let l = page.lang;
    let d = s
        .store
        .green_zone(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?;
    let z = &d.zone;
    let green = z.status == "green";
    // Withdrawn only by a scope holding the zone (a ward under a city-wide
    // zone sees it, the city withdraws it).
    let holds = s
        .store
        .unit(&z.unit_code)
        .await
        .map_err(|e| page.fail(e))
        .map(|u| page.actor.scope.contains(&u))?;
    let can = page.can(Permission::Zones) && green;
    let can_roster = page.can(Permission::ManageResponse) && green && !d.checkpoints.is_empty();
    let now = page.now();
    let start = if shift.starts_at.is_empty() {
        super::response::local_input(now)
    } else {
        shift.starts_at.clone()
    };
    let end = if shift.ends_at.is_empty() {
        super::response::local_input(now + chrono::Duration::hours(12))
    } else {
        shift.ends_at.clone()
    };
    // Each form shows its own errors only (the handler that failed says whose).
    let withdrawing = withdrawal.posted;
    let (checkpoint_errors, shift_errors, withdraw_errors): (
        &[FieldError],
        &[FieldError],
        &[FieldError],
    ) = if withdrawing {
        (&[], &[], errors)
    } else if shift.checkpoint_id.is_some() || !shift.team.is_empty() || !shift.phone.is_empty() {
        (&[], errors, &[])
    } else {
        (errors, &[], &[])
    };
    let withdraw_on = if withdrawal.on.is_empty() {
        show_day(page.today())
    } else {
        withdrawal.on.clone()
    };
    let content = html! {
        h1 { (l.t("Vùng xanh: ", "Green zone: ")) (z.name) }
        @if let Some(m) = done_message(l, done) { p.notice role="status" { (m) } }
        p { span.badge data-state=(z.status) { (status_label(l, &z.status)) } }
        @if z.alert_open() { (alert_box(page, z, false)) }
        @else if let (Some(d), Some(why)) = (z.withdrawn_on, &z.withdrawn_reason) {
            p #zone-withdrawn { (l.t("Thu hồi công nhận từ ", "Status withdrawn from ")) (show_day(d)) ": " (why) }
        }
        @else if let (Some(c), Some(d)) = (&z.lost_case, z.lost_on) {
            p #zone-lost { (l.t("Mất trạng thái từ ", "No longer green from ")) (show_day(d)) ": F0 " (c.code)
                @if !c.full_name.is_empty() { " (" (c.full_name) ")" }
                @if let Some(by) = &z.acknowledged_by { " · " (l.t("cảnh báo đã được ", "alert taken by ")) (by) (l.t(" nhận", "")) }
            }
        }
        dl.facts #zone-facts {
            dt { (l.t("Khu vực", "Area")) } dd { (where_label(l, z)) }
            @if !z.addresses.is_empty() { dt { (l.t("Địa chỉ", "Addresses")) } dd { ul.plain { @for a in &z.addresses { li { (a) } } } } }
            dt { (l.t("Vùng xanh từ", "Green since")) } dd { (show_day(z.declared_on)) }
            @if let Some(dec) = &z.decision { dt { (l.t("Quyết định", "Decision")) } dd { (dec) } }
            dt { (l.t("Tổ phụ trách", "Team")) } dd {
                (z.team) @if let Some(t) = &z.team_leader { " — " (t) }
                " · " a href={ "tel:" (z.team_phone) } { (z.team_phone) }
            }
        }
        section aria-labelledby="h-checkpoints" {
            h2 #h-checkpoints { (l.t("Chốt kiểm soát", "Checkpoints")) " (" (d.checkpoints.len()) ")" }
            @if d.checkpoints.is_empty() { p.muted { (l.t("Chưa có chốt nào.", "No checkpoint yet.")) } }
            @else {
                div.table-wrap { table.responsive #zone-checkpoints {
                    thead { tr { th { (l.t("Chốt", "Checkpoint")) } th { (l.t("Giờ", "Hours")) } th { (l.t("Đang trực", "On duty now")) } th { (l.t("Ca tiếp theo", "Next shift")) } } }
                    tbody { @for k in &d.checkpoints { tr data-checkpoint=(k.id) {
                        td data-label=(l.t("Chốt", "Checkpoint")) { strong { (k.place) } }
                        td data-label=(l.t("Giờ", "Hours")) {
                            @match (&k.opens, &k.closes) {
                                (Some(o), Some(c)) => { (o) "–" (c) },
                                _ => { "24/24" },
                            }
                            br; small.muted { @if k.open_now { (l.t("đang mở", "open now")) } @else { (l.t("đang đóng", "closed now")) } }
                        }
                        td data-label=(l.t("Đang trực", "On duty now")) {
                            @if k.on_duty.is_empty() { span.muted { (l.t("chưa có ai", "nobody")) } }
                            @for x in &k.on_duty { strong { (x.team) } " " a href={ "tel:" (x.phone.replace(' ', "")) } { (x.phone) } " " small { (l.t("đến ", "until ")) (show_time(&x.ends_at)) } br; }
                        }
                        td data-label=(l.t("Ca tiếp theo", "Next shift")) {
                            @if let Some(x) = &k.next_shift { (x.team) " " small { (show_time(&x.starts_at)) } } @else { span.muted { "—" } }
                        }
                    } } }
                } }
            }
        }
        @if can {
            section aria-labelledby="h-add-checkpoint" {
                h2 #h-add-checkpoint { (l.t("Thêm chốt", "Add a checkpoint")) }
                (form_errors(l, checkpoint_errors, &["place", "opens", "closes"]))
                form.stack #checkpoint-form method="post" action={ "/green-zones/" (z.id) "/checkpoints" } novalidate {
                    (page.csrf_field())
                    (text_field(l, "place", ("Nơi đặt chốt", "Where it stands"), &checkpoint.place, checkpoint_errors, "required"))
                    (text_field(l, "opens", ("Mở lúc (HH:MM; để trống nếu 24/24)", "Opens at (HH:MM; empty if round the clock)"), &checkpoint.opens, checkpoint_errors, "inputmode=\"numeric\""))
                    (text_field(l, "closes", ("Đóng lúc (HH:MM)", "Closes at (HH:MM)"), &checkpoint.closes, checkpoint_errors, "inputmode=\"numeric\""))
                    button type="submit" { (l.t("Thêm chốt", "Add")) }
                }
            }
        }
        @if can_roster {
            section aria-labelledby="h-add-shift" {
                h2 #h-add-shift { (l.t("Xếp ca trực chốt", "Put a team on duty at a checkpoint")) }
                p.muted { (l.t("Ca trực vào lịch trực chung của đơn vị.", "The shift goes on the unit's duty roster.")) }
                (form_errors(l, shift_errors, &["checkpoint_id", "team", "phone", "starts_at", "ends_at", "repeat_days", "unit_code", "shift"]))
                form.stack #shift-form method="post" action={ "/green-zones/" (z.id) "/shifts" } novalidate {
                    (page.csrf_field())
                    div.field {
                        label for="f-checkpoint_id" { (l.t("Chốt", "Checkpoint")) }
                        select #f-checkpoint_id name="checkpoint_id" {
                            @for k in &d.checkpoints { option value=(k.id) selected[shift.checkpoint_id == Some(k.id)] { (k.place) } }
                        }
                        (field_error(l, shift_errors, "checkpoint_id"))
                    }
                    (text_field(l, "team", ("Tên đội", "Team"), &shift.team, shift_errors, "required"))
                    (text_field(l, "members", ("Thành viên", "Members"), &shift.members, shift_errors, ""))
                    (text_field(l, "phone", ("Điện thoại", "Phone"), &shift.phone, shift_errors, "required inputmode=\"tel\""))
                    (text_field(l, "starts_at", ("Bắt đầu (dd/mm/yyyy hh:mm)", "Starts (dd/mm/yyyy hh:mm)"), &start, shift_errors, "required inputmode=\"numeric\""))
                    (text_field(l, "ends_at", ("Kết thúc (dd/mm/yyyy hh:mm)", "Ends (dd/mm/yyyy hh:mm)"), &end, shift_errors, "required inputmode=\"numeric\""))
                    (text_field(l, "repeat_days", ("Lặp lại trong (ngày)", "Repeat on (days)"), if shift.repeat_days.is_empty() { "1" } else { &shift.repeat_days }, shift_errors, "inputmode=\"numeric\""))
                    button type="submit" { (l.t("Xếp ca", "Add")) }
                }
            }
        }
        @if can && holds {
            section aria-labelledby="h-withdraw" {
                h2 #h-withdraw { (l.t("Thu hồi công nhận vùng xanh", "Withdraw the green zone's status")) }
                p.muted { (l.t(
                    "Khi vùng không còn đủ điều kiện dù chưa có F0 (ví dụ chốt không còn duy trì). Vùng mất trạng thái khi có F0 thì tự động, không cần thu hồi.",
                    "When the zone no longer meets the conditions though no F0 was found (e.g. its checkpoints are no longer kept). A zone with an F0 loses its status by itself."
                )) }
                (form_errors(l, withdraw_errors, &["on", "reason"]))
                form.stack #withdraw-form method="post" action={ "/green-zones/" (z.id) "/withdraw" } novalidate
                    data-confirm=(l.t("Thu hồi công nhận vùng xanh này? Không hoàn tác được.", "Withdraw this zone's green status? This cannot be undone.")) {
                    (page.csrf_field())
                    (text_field(l, "on", ("Từ ngày (dd/mm/yyyy)", "From (dd/mm/yyyy)"), &withdraw_on, withdraw_errors, "required inputmode=\"numeric\""))
                    (text_field(l, "reason", ("Lý do", "Reason"), &withdrawal.reason, withdraw_errors, "required"))
                    button type="submit" { (l.t("Thu hồi", "Withdraw")) }
                }
            }
        }
        p { a href="/green-zones" { (l.t("← Các vùng xanh", "← Green zones")) } " " (super::print_button(l.t("In", "Print"))) }
    };
    Ok(layout(page, &z.name, content))
}

async fn add_checkpoint(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<ZoneCheckpointInput>,
) -> PageResult {
    page.require(Permission::Zones)?;
    match s.store.add_zone_checkpoint(&page.actor, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/green-zones/{id}?done=checkpoint")).into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "place").map_err(|e| page.fail(e))?;
            let mut r = render_detail(
                &s,
                &page,
                id,
                "",
                &Typed {
                    checkpoint: f,
                    ..Default::default()
                },
                &errors,
            )
            .await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

async fn add_shift(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<ShiftForm>,
) -> PageResult {
    page.require(Permission::ManageResponse)?;
    let zone = s
        .store
        .green_zone(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?
        .zone;
    // The team is the unit's: the zone's commune (a hamlet's), else its unit.
    let unit_code = zone.commune_code.clone().unwrap_or(zone.unit_code.clone());
    let repeat = f.repeat_days.trim();
    let input = ShiftInput {
        unit_code,
        team: f.team.clone(),
        members: f.members.clone(),
        phone: f.phone.clone(),
        starts_at: f.starts_at.clone(),
        ends_at: f.ends_at.clone(),
        repeat_days: if repeat.is_empty() {
            None
        } else {
            Some(repeat.parse().unwrap_or(0))
        },
        checkpoint_id: f.checkpoint_id,
    };
    let refused = if f.checkpoint_id.is_none() {
        Err(phongdich_store::StoreError::from(
            phongdich_domain::Invalid(vec![FieldError::new(
                "checkpoint_id",
                "required",
                "Chọn chốt.",
                "Choose the checkpoint.",
            )]),
        ))
    } else {
        s.store.add_shifts(&page.actor, &input).await.map(|_| ())
    };
    match refused {
        Ok(()) => Ok(Redirect::to(&format!("/green-zones/{id}?done=shift")).into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "shift").map_err(|e| page.fail(e))?;
            let mut r = render_detail(
                &s,
                &page,
                id,
                "",
                &Typed {
                    shift: f,
                    ..Default::default()
                },
                &errors,
            )
            .await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

/// The withdrawal form as posted (`posted` set by its handler).
#[derive(Deserialize, Default)]
pub(super) struct WithdrawForm {
    #[serde(default)]
    on: String,
    #[serde(default)]
    reason: String,
    #[serde(skip)]
    posted: bool,
}

async fn withdraw(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(mut f): Form<WithdrawForm>,
) -> PageResult {
    page.require(Permission::Zones)?;
    match s
        .store
        .withdraw_green_zone(&page.actor, id, &f.on, &f.reason)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/green-zones/{id}?done=withdrawn")).into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "reason").map_err(|e| page.fail(e))?;
            f.posted = true;
            let mut r = render_detail(
                &s,
                &page,
                id,
                "",
                &Typed {
                    withdrawal: f,
                    ..Default::default()
                },
                &errors,
            )
            .await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

async fn acknowledge(State(s): State<AppState>, page: Page, Path(id): Path<i64>) -> PageResult {
    page.require(Permission::Zones)?;
    s.store
        .acknowledge_zone_alert(&page.actor, id)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to(&format!("/green-zones/{id}?done=acknowledged")).into_response())
}
