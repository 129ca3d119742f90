//! Rapid response on the pages: the duty roster (who is on duty now, units
//! with nobody on duty, the coming week's shifts, a week of shifts added at
//! once, the escalation delay, response times) and the oxygen equipment with
//! what is lent to whom.

use super::{Page, PageResult, UnitFilter, Within, field_error, layout, show_time};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::{Duration, Utc};
use maud::{Markup, html};
use phongdich_domain::{FieldError, Permission, UnitLevel};
use phongdich_store::{
    ALERT_ESCALATION_MINUTES, DutyShift, EquipmentInput, ResponseTimes, ShiftInput, StoreError,
};
use serde::Deserialize;

fn kind_label(l: Lang, k: &str) -> &'static str {
    match k {
        "concentrator" => l.t("Máy tạo oxy", "Concentrator"),
        "cylinder" => l.t("Bình oxy", "Cylinder"),
        _ => "",
    }
}

fn minutes(l: Lang, m: Option<i64>) -> String {
    match m {
        Some(m) => format!("{m}{}", l.t(" phút", " min")),
        None => "—".into(),
    }
}

/// The response-time figures, shown on the roster and the alerts page.
pub(super) fn times_summary(l: Lang, t: &ResponseTimes) -> Markup {
    html! {
        dl.figures #response-times {
            div { dt { (l.t("Cảnh báo 7 ngày qua", "Alerts, last 7 days")) } dd { (super::num(l, t.raised)) } }
            div { dt { (l.t("Thời gian tiếp nhận (trung vị)", "Time to take (median)")) } dd { (minutes(l, t.median_minutes_to_acknowledge)) } }
            div { dt { (l.t("Thời gian xử lý (trung vị)", "Time to act (median)")) } dd { (minutes(l, t.median_minutes_to_act)) } }
            div { dt { (l.t("Phải chuyển lên cấp trên", "Escalated")) } dd { (super::num(l, t.escalated)) } }
            div { dt { (l.t("Đang chờ tiếp nhận", "Waiting to be taken")) } dd {
                (super::num(l, t.open))
                @if let Some(m) = t.oldest_open_minutes { " (" (l.t("lâu nhất ", "oldest ")) (minutes(l, Some(m))) ")" }
            } }
        }
    }
}

pub(super) async fn response_times(
    s: &AppState,
    page: &Page,
) -> Result<ResponseTimes, super::PageError> {
    response_times_in(s, page, &page.actor.scope).await
}

/// The last week's response times within `scope` (the reader's, or narrower).
pub(super) async fn response_times_in(
    s: &AppState,
    page: &Page,
    scope: &phongdich_store::Scope,
) -> Result<ResponseTimes, super::PageError> {
    let now = page.now();
    s.store
        .response_times(scope, now - Duration::days(7), now)
        .await
        .map_err(|e| page.fail(e))
}

/// A UTC time as a form shows it: Vietnam's time, `dd/mm/yyyy hh:mm` (24 h).
pub(super) fn local_input(t: chrono::DateTime<Utc>) -> String {
    t.with_timezone(&phongdich_store::vietnam())
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct ShiftForm {
    #[serde(default)]
    unit_code: String,
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

pub(super) async fn duty_page(State(s): State<AppState>, page: Page) -> PageResult {
    duty_render(&s, &page, &[], &ShiftForm::default()).await
}

async fn duty_render(
    s: &AppState,
    page: &Page,
    errors: &[FieldError],
    typed: &ShiftForm,
) -> PageResult {
    let l = page.lang;
    let now = page.now();
    let shifts = s
        .store
        .duty_shifts(
            &page.actor.scope,
            now - Duration::hours(24),
            now + Duration::days(7),
        )
        .await
        .map_err(|e| page.fail(e))?;
    let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let on_duty: Vec<&DutyShift> = shifts
        .iter()
        .filter(|x| x.cancelled_at.is_none() && x.starts_at <= stamp && x.ends_at > stamp)
        .collect();
    let units = super::unit_choices(s, page).await?;
    let uncovered: Vec<_> = units
        .iter()
        .filter(|u| {
            u.level != UnitLevel::Hamlet
                && !on_duty
                    .iter()
                    .any(|x| x.unit_code == u.code && x.checkpoint_id.is_none())
        })
        .collect();
    let coming: Vec<&DutyShift> = shifts.iter().filter(|x| x.ends_at > stamp).collect();
    let times = response_times(s, page).await?;
    let pulse = s
        .store
        .alert_pulse(&page.actor.scope)
        .await
        .map_err(|e| page.fail(e))?;
    let can = page.can(Permission::ManageResponse);
    let province = page
        .actor
        .scope
        .root()
        .filter(|r| r.level() == UnitLevel::Province && page.can(Permission::Configure))
        .map(|r| r.as_str().to_owned());
    let escalation = match &province {
        Some(p) => Some(
            s.store
                .setting(p, ALERT_ESCALATION_MINUTES)
                .await
                .map_err(|e| page.fail(e))?,
        ),
        None => None,
    };
    let start_default = if typed.starts_at.is_empty() {
        local_input(now)
    } else {
        typed.starts_at.clone()
    };
    let end_default = if typed.ends_at.is_empty() {
        local_input(now + Duration::hours(12))
    } else {
        typed.ends_at.clone()
    };
    let content = html! {
        h1 { (l.t("Trực phản ứng nhanh", "Rapid-response duty roster")) }
        p { a href="/alerts" { (l.t("Cảnh báo →", "Alerts →")) } " · " a href="/oxygen" { (l.t("Thiết bị oxy →", "Oxygen equipment →")) } }
        (super::live::live_region(l, "/alerts/pulse", &pulse, html! {
        p #waiting {
            @if pulse.unhandled == 0 { (l.t("Không có cảnh báo nào đang chờ.", "No alert is waiting.")) }
            @else {
                a href="/alerts" { strong { (pulse.unhandled) } (l.t(" cảnh báo đang chờ xử lý", " alerts waiting")) }
                " (" (pulse.open) (l.t(" chưa được tiếp nhận)", " not yet taken)"))
            }
        }
        (times_summary(l, &times))
        section aria-labelledby="h-now" {
            h2 #h-now { (l.t("Đang trực", "On duty now")) }
            @if on_duty.is_empty() {
                p.muted { (l.t("Không có đội nào đang trực.", "No team is on duty.")) }
            } @else {
                div.table-wrap { table.responsive #on-duty {
                    thead { tr { th { (l.t("Đơn vị", "Unit")) } th { (l.t("Đội", "Team")) } th { (l.t("Điện thoại", "Phone")) } th { (l.t("Đến", "Until")) } } }
                    tbody { @for x in &on_duty { tr {
                        td data-label=(l.t("Đơn vị", "Unit")) { (x.unit_name) }
                        td data-label=(l.t("Đội", "Team")) { strong { (x.team) } @if !x.members.is_empty() { br; small { (x.members) } } (checkpoint_note(l, x)) }
                        td data-label=(l.t("Điện thoại", "Phone")) { a href={ "tel:" (x.phone.replace(' ', "")) } { (x.phone) } }
                        td data-label=(l.t("Đến", "Until")) { (show_time(&x.ends_at)) }
                    } } }
                } }
            }
            @if !uncovered.is_empty() {
                div.alert role="status" #uncovered {
                    p { strong { (l.t("Chưa có đội trực lúc này: ", "No team on duty now: ")) }
                        (uncovered.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ")) }
                    p { small { (l.t("Cảnh báo của những nơi này sẽ chuyển đến đội trực của cấp trên.", "Their alerts go to the team on duty at the level above.")) } }
                }
            }
        }
        section aria-labelledby="h-coming" {
            h2 #h-coming { (l.t("Các ca trực trong 7 ngày tới", "Shifts in the next 7 days")) }
            @if coming.is_empty() {
                p.muted { (l.t("Chưa xếp ca nào.", "No shifts yet.")) }
            } @else {
                div.table-wrap { table.responsive #shifts {
                    thead { tr {
                        th { (l.t("Từ", "From")) } th { (l.t("Đến", "Until")) } th { (l.t("Đơn vị", "Unit")) }
                        th { (l.t("Đội", "Team")) } th { (l.t("Điện thoại", "Phone")) } th {}
                    } }
                    tbody { @for x in &coming { tr.cancelled[x.cancelled_at.is_some()] data-shift=(x.id) {
                        td data-label=(l.t("Từ", "From")) { (show_time(&x.starts_at)) }
                        td data-label=(l.t("Đến", "Until")) { (show_time(&x.ends_at)) }
                        td data-label=(l.t("Đơn vị", "Unit")) { (x.unit_name) }
                        td data-label=(l.t("Đội", "Team")) { (x.team) (checkpoint_note(l, x)) }
                        td data-label=(l.t("Điện thoại", "Phone")) { (x.phone) }
                        td {
                            @if x.cancelled_at.is_some() { (l.t("Đã huỷ", "Cancelled")) }
                            @else if can {
                                form.inline method="post" action={ "/duty/" (x.id) "/cancel" } {
                                    (page.csrf_field())
                                    button.secondary type="submit" { (l.t("Huỷ ca", "Cancel")) }
                                }
                            }
                        }
                    } } }
                } }
            }
        }
        }))
        @if can {
            section aria-labelledby="h-add" {
                h2 #h-add { (l.t("Xếp ca trực", "Add shifts")) }
                @if errors.iter().any(|e| e.field == "shift") {
                    div.alert role="alert" { (field_error(l, errors, "shift")) }
                }
                form.stack #add-shift method="post" action="/duty" {
                    (page.csrf_field())
                    div.field { label for="d-unit" { (l.t("Đơn vị", "Unit")) }
                        select #d-unit name="unit_code" { @for u in units.iter().filter(|u| u.level != UnitLevel::Hamlet) {
                            option value=(u.code) selected[u.code == typed.unit_code] { (u.name) } } }
                        (field_error(l, errors, "unit_code")) }
                    div.field { label for="d-team" { (l.t("Tên đội", "Team")) } input #d-team name="team" value=(typed.team); (field_error(l, errors, "team")) }
                    div.field { label for="d-members" { (l.t("Thành viên", "Members")) } input #d-members name="members" value=(typed.members); }
                    div.field { label for="d-phone" { (l.t("Số điện thoại trực", "Duty phone")) } input #d-phone name="phone" inputmode="tel" value=(typed.phone); (field_error(l, errors, "phone")) }
                    div.field { label for="d-start" { (l.t("Bắt đầu", "Starts")) } input #d-start name="starts_at" value=(start_default) placeholder="dd/mm/yyyy hh:mm" inputmode="numeric"; (field_error(l, errors, "starts_at")) }
                    div.field { label for="d-end" { (l.t("Kết thúc", "Ends")) } input #d-end name="ends_at" value=(end_default) placeholder="dd/mm/yyyy hh:mm" inputmode="numeric"; (field_error(l, errors, "ends_at")) }
                    div.field { label for="d-repeat" { (l.t("Lặp lại trong (ngày)", "Repeat on (days)")) }
                        input #d-repeat name="repeat_days" inputmode="numeric" value=(if typed.repeat_days.is_empty() { "1" } else { typed.repeat_days.as_str() });
                        (field_error(l, errors, "repeat_days")) }
                    button type="submit" { (l.t("Xếp ca", "Add")) }
                }
            }
        }
        @if let (Some(p), Some(e)) = (&province, &escalation) {
            section aria-labelledby="h-escalation" {
                h2 #h-escalation { (l.t("Chuyển cảnh báo lên cấp trên", "Escalation")) }
                form.inline #escalation method="post" action="/duty/escalation" {
                    (page.csrf_field())
                    input type="hidden" name="province" value=(p);
                    label for="esc-min" { (l.t("Cảnh báo chưa được tiếp nhận sau (phút)", "Alerts not taken after (minutes)")) }
                    input #esc-min name="value" inputmode="numeric" size="4" value=(e.value);
                    button type="submit" { (l.t("Lưu", "Save")) }
                    @if !e.updated_by.is_empty() { " " small.muted { (e.updated_by) ", " (show_time(&e.updated_at)) } }
                }
                p { small { (l.t("Xã → huyện → tỉnh; mỗi lần chuyển, thời gian được tính lại.", "Commune → district → province; the clock restarts at each step.")) } }
            }
        }
    };
    Ok(layout(
        page,
        &super::live::live_title(l.t("Trực phản ứng nhanh", "Duty roster"), &pulse),
        content,
    ))
}

/// "· at the checkpoint …" for a shift that guards a green zone's checkpoint.
fn checkpoint_note(l: Lang, x: &DutyShift) -> Markup {
    html! {
        @if let Some(p) = &x.checkpoint_place {
            br; small.muted { (l.t("Trực chốt vùng xanh: ", "Green zone checkpoint: ")) (p) }
        }
    }
}

pub(super) async fn add_shifts(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<ShiftForm>,
) -> PageResult {
    page.require(Permission::ManageResponse)?;
    let repeat = f.repeat_days.trim();
    let input = ShiftInput {
        unit_code: f.unit_code.clone(),
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
        checkpoint_id: None,
    };
    match s.store.add_shifts(&page.actor, &input).await {
        Ok(_) => Ok(Redirect::to("/duty").into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "shift").map_err(|e| page.fail(e))?;
            duty_render(&s, &page, &errors, &f).await
        }
    }
}

pub(super) async fn cancel_shift(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> PageResult {
    s.store
        .cancel_shift(&page.actor, id)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to("/duty").into_response())
}

#[derive(Deserialize, Default)]
pub(super) struct EscalationForm {
    #[serde(default)]
    province: String,
    #[serde(default)]
    value: String,
}

pub(super) async fn save_escalation(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<EscalationForm>,
) -> PageResult {
    s.store
        .set_setting(&page.actor, &f.province, ALERT_ESCALATION_MINUTES, &f.value)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to("/duty").into_response())
}

pub(super) async fn oxygen_page(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<UnitFilter>,
) -> PageResult {
    let within = Within::of(&s, &page, &q.unit).await?;
    oxygen_in(&s, &page, &within, &[]).await
}

async fn oxygen_render(s: &AppState, page: &Page, errors: &[FieldError]) -> PageResult {
    oxygen_in(s, page, &Within::whole(page), errors).await
}

/// The equipment kept by `within` (the reader's jurisdiction, or a unit in it).
async fn oxygen_in(
    s: &AppState,
    page: &Page,
    within: &Within,
    errors: &[FieldError],
) -> PageResult {
    let l = page.lang;
    let all = s
        .store
        .oxygen_equipment(&within.scope)
        .await
        .map_err(|e| page.fail(e))?;
    let units = super::unit_choices(s, page).await?;
    let count = |kind: &str, status: &str| {
        all.iter()
            .filter(|e| e.kind == kind && e.status == status)
            .count() as i64
    };
    let can_lend = page.can(Permission::Treat);
    let content = html! {
        h1 { (l.t("Thiết bị oxy", "Oxygen equipment")) }
        (within.notice(page))
        dl.figures #oxygen-figures {
            @for k in phongdich_store::EquipmentKind::ALL.iter().map(|k| k.as_str()) {
                div { dt { (kind_label(l, k)) (l.t(" sẵn sàng", " available")) } dd { (super::num(l, count(k, "available"))) } }
                div { dt { (kind_label(l, k)) (l.t(" đang cho mượn", " lent")) } dd { (super::num(l, count(k, "lent"))) } }
            }
        }
        @if all.is_empty() {
            p.muted { (l.t("Chưa có thiết bị nào.", "No equipment yet.")) }
        } @else {
            div.table-wrap { table.responsive #equipment {
                thead { tr {
                    th { (l.t("Số hiệu", "Number")) } th { (l.t("Loại", "Kind")) } th { (l.t("Công suất", "Capacity")) }
                    th { (l.t("Đơn vị", "Unit")) } th { (l.t("Tình trạng", "Status")) } th {}
                } }
                tbody { @for e in &all { tr data-status=(e.status) {
                    td data-label=(l.t("Số hiệu", "Number")) { (e.label) }
                    td data-label=(l.t("Loại", "Kind")) { (kind_label(l, &e.kind)) }
                    td data-label=(l.t("Công suất", "Capacity")) { (e.capacity) }
                    td data-label=(l.t("Đơn vị", "Unit")) { (e.unit_code) }
                    td data-label=(l.t("Tình trạng", "Status")) {
                        @match &e.loan {
                            Some(loan) => {
                                (l.t("Cho mượn: ", "Lent to ")) a href={ "/persons/" (loan.person_id) "#home-treatment" } { (loan.full_name) }
                                " · " (show_time(&loan.lent_at))
                                @if loan.treatment_status != "active" {
                                    br; strong.warning { (l.t("Đã kết thúc điều trị tại nhà — thu hồi thiết bị", "Home treatment over — collect it")) }
                                }
                            }
                            None => { (if e.status == "available" { l.t("Sẵn sàng", "Available") } else { l.t("Ngừng sử dụng", "Retired") }) }
                        }
                    }
                    td {
                        @if can_lend && e.loan.is_some() {
                            form.inline method="post" action={ "/oxygen/" (e.id) "/return" } {
                                (page.csrf_field())
                                button.secondary type="submit" { (l.t("Đã trả", "Returned")) }
                            }
                        }
                    }
                } } }
            } }
        }
        @if page.can(Permission::ManageResponse) {
            details open[!errors.is_empty() || all.is_empty()] {
                summary { (l.t("Thêm thiết bị", "Add equipment")) }
                form.stack #add-equipment method="post" action="/oxygen" {
                    (page.csrf_field())
                    div.field { label for="o-kind" { (l.t("Loại", "Kind")) }
                        select #o-kind name="kind" { @for k in phongdich_store::EquipmentKind::ALL.iter().map(|k| k.as_str()) { option value=(k) { (kind_label(l, k)) } } }
                        (field_error(l, errors, "kind")) }
                    div.field { label for="o-label" { (l.t("Số hiệu", "Number")) } input #o-label name="label"; (field_error(l, errors, "label")) }
                    div.field { label for="o-capacity" { (l.t("Công suất (L/phút, L)", "Capacity (L/min, L)")) } input #o-capacity name="capacity"; }
                    div.field { label for="o-unit" { (l.t("Đơn vị quản lý", "Kept by")) }
                        select #o-unit name="unit_code" { @for u in units.iter().filter(|u| u.level != UnitLevel::Hamlet) { option value=(u.code) { (u.name) } } }
                        (field_error(l, errors, "unit_code")) }
                    button type="submit" { (l.t("Thêm", "Add")) }
                }
            }
        }
    };
    Ok(layout(
        page,
        l.t("Thiết bị oxy", "Oxygen equipment"),
        content,
    ))
}

pub(super) async fn add_equipment(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<EquipmentInput>,
) -> PageResult {
    page.require(Permission::ManageResponse)?;
    match s.store.add_equipment(&page.actor, &f).await {
        Ok(_) => Ok(Redirect::to("/oxygen").into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "label").map_err(|e| page.fail(e))?;
            oxygen_render(&s, &page, &errors).await
        }
    }
}

pub(super) async fn return_equipment(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> PageResult {
    s.store
        .return_equipment(&page.actor, id)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to("/oxygen").into_response())
}

#[derive(Deserialize, Default)]
pub(super) struct LendForm {
    #[serde(default)]
    equipment_id: String,
}

/// Lend from the F0's page; back to it, with the refusal beside the field.
pub(super) async fn lend(
    State(s): State<AppState>,
    page: Page,
    Path(treatment_id): Path<i64>,
    Form(f): Form<LendForm>,
) -> PageResult {
    let person_id = s
        .store
        .treatment_person(&page.actor.scope, treatment_id)
        .await
        .map_err(|e| page.fail(e))?;
    let result = match f.equipment_id.trim().parse::<i64>() {
        Ok(e) => s
            .store
            .lend_equipment(&page.actor, e, treatment_id)
            .await
            .map(|_| ()),
        Err(_) => Err(StoreError::from(phongdich_domain::Invalid(vec![
            FieldError::new(
                "equipment_id",
                "required",
                "Chọn thiết bị.",
                "Choose the equipment.",
            ),
        ]))),
    };
    // The loan form is on the record's home-treatment section.
    let refusal = |e| super::refusal_fields(e, "treatment");
    super::persons::back_to_record(
        &s,
        &page,
        (person_id, "home-treatment", "lent"),
        result,
        refusal,
    )
    .await
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/duty", get(duty_page).post(add_shifts))
        .route("/duty/{id}/cancel", post(cancel_shift))
        .route("/duty/escalation", post(save_escalation))
        .route("/oxygen", get(oxygen_page).post(add_equipment))
        .route("/oxygen/{id}/return", post(return_equipment))
        .route("/home-treatments/{id}/oxygen", post(lend))
}
