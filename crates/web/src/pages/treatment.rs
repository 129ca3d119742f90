//! Home treatment on the pages: enrolment and vital signs on an F0's page,
//! and the alerts of the user's jurisdiction with the response to each.

use super::vitals::{VitalsForm, check, number, number_field, sign_label, vitals_fields};
use super::{Page, PageResult, UnitFilter, Within, field_error, layout, show_time};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use phongdich_domain::treatment::Enrolment;
use phongdich_domain::{FieldError, Permission};
use phongdich_store::{AlertAction, Person, StoreError};
use serde::Deserialize;

fn action_label(l: Lang, a: &str) -> &'static str {
    match a {
        "visit" => l.t("Đến thăm khám", "Visit"),
        "oxygen" => l.t("Cho thở oxy", "Oxygen"),
        "transfer" => l.t("Chuyển viện", "Transfer to hospital"),
        _ => "",
    }
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "—".into())
}

/// The home-treatment part of a person's page (for F0).
pub(super) async fn section(
    s: &AppState,
    page: &Page,
    p: &Person,
    errors: &[FieldError],
) -> Markup {
    let l = page.lang;
    let treatments = s
        .store
        .treatments_of(&page.actor.scope, p.id)
        .await
        .unwrap_or_default();
    let (class, _) = s
        .store
        .person_class(&page.actor.scope, p.id)
        .await
        .unwrap_or((None, Vec::new()));
    let is_f0 = class.is_some_and(|c| c.level == 0);
    if !is_f0 && treatments.is_empty() {
        return html! {};
    }
    let active = treatments.iter().find(|t| t.status == "active");
    let vitals = match active.or(treatments.first()) {
        Some(t) => s
            .store
            .vitals_of(&page.actor.scope, t.id)
            .await
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let can = page.can(Permission::Treat) && p.merged_into.is_none();
    let age = page.today().year_ce().1 as i64 - p.birth_year;
    let loans = match active.or(treatments.first()) {
        Some(t) => s
            .store
            .loans_of_treatment(&page.actor.scope, t.id)
            .await
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let available: Vec<_> = if can && active.is_some() {
        s.store
            .oxygen_equipment(&page.actor.scope)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e.status == "available")
            .collect()
    } else {
        Vec::new()
    };
    let link = match active {
        Some(t) => super::declarations::treatment_part(s, page, t).await,
        None => html! {},
    };
    html! {
        section #home-treatment aria-labelledby="h-home" {
            h2 #h-home { (l.t("Điều trị tại nhà", "Home treatment")) }
            @if errors.iter().any(|e| e.code == "not_eligible" || (e.code == "conflict" && e.field != "equipment_id")) {
                div.alert role="alert" {
                    p { (l.t("Không đủ điều kiện điều trị tại nhà:", "Not eligible for home treatment:")) }
                    @for e in errors.iter().filter(|e| e.code == "not_eligible" || e.code == "conflict") { p { (l.t(&e.message_vi, &e.message_en)) } }
                }
            }
            @for t in &treatments {
                p.treatment data-status=(t.status) {
                    (l.t("Từ ngày ", "Since ")) (super::show_date(&t.enrolled_on)) " · "
                    @match t.status.as_str() {
                        "active" => { (l.t("đang điều trị tại nhà", "treated at home")) }
                        "transferred" => { strong { (l.t("đã chuyển viện", "transferred to hospital")) } }
                        _ => { (l.t("đã kết thúc", "ended")) }
                    }
                }
            }
            @if can && active.is_none() && is_f0 {
                details open[errors.iter().any(|e| e.code == "not_eligible")] {
                    summary { (l.t("Đưa vào điều trị tại nhà", "Enrol in home treatment")) }
                    form.stack method="post" action={ "/persons/" (p.id) "/home-treatment" } {
                        (page.csrf_field())
                        (number_field(l, errors, "age_years", ("Tuổi", "Age"), &age.max(0).to_string()))
                        (check(l, "mild_or_no_symptoms", ("Không triệu chứng hoặc triệu chứng nhẹ", "No or mild symptoms"), true))
                        (number_field(l, errors, "breathing_rate", ("Nhịp thở (lần/phút)", "Breathing rate (per minute)"), ""))
                        (number_field(l, errors, "spo2", ("SpO2 (%)", "SpO2 (%)"), ""))
                        (number_field(l, errors, "doses", ("Số mũi vắc xin", "Vaccine doses"), "0"))
                        (number_field(l, errors, "last_dose_days_ago", ("Mũi cuối cách đây (ngày)", "Last dose, days ago"), ""))
                        (check(l, "underlying_disease", ("Có bệnh nền", "Underlying disease"), false))
                        (check(l, "pregnant", ("Đang mang thai", "Pregnant"), false))
                        (check(l, "can_self_care_and_call", ("Tự chăm sóc được và liên lạc được qua điện thoại", "Can self-care and be reached by phone"), true))
                        button type="submit" { (l.t("Đưa vào điều trị tại nhà", "Enrol")) }
                    }
                }
            }
            @if let (Some(t), true) = (active, can) {
                details open[errors.iter().any(|e| e.code == "out_of_range" || e.code == "required")] {
                    summary { (l.t("Ghi chỉ số sinh tồn", "Record vital signs")) }
                    form.stack method="post" action={ "/home-treatments/" (t.id) "/vitals" } {
                        (page.csrf_field())
                        (vitals_fields(l, errors, &VitalsForm::default()))
                        button type="submit" { (l.t("Lưu chỉ số", "Save")) }
                    }
                }
            }
            @if !loans.is_empty() || active.is_some_and(|_| can) {
                div #oxygen-loans {
                    h3 { (l.t("Thiết bị oxy", "Oxygen equipment")) }
                    @for loan in &loans {
                        p { (l.t("Mượn lúc ", "Lent at ")) (show_time(&loan.lent_at)) " (" (loan.lent_by) ")"
                            @if let Some(r) = &loan.returned_at { " · " (l.t("đã trả ", "returned ")) (show_time(r)) }
                            " · " a href="/oxygen" { "#" (loan.equipment_id) } }
                    }
                    @if let (Some(t), true) = (active, can) {
                        form.inline method="post" action={ "/home-treatments/" (t.id) "/oxygen" } {
                            (page.csrf_field())
                            label for="lend-equipment" { (l.t("Cho mượn", "Lend")) }
                            select #lend-equipment name="equipment_id" {
                                option value="" { (l.t("— chọn thiết bị —", "— choose —")) }
                                @for e in &available { option value=(e.id) { (e.label) " · " (e.capacity) } }
                            }
                            button type="submit" { (l.t("Cho mượn", "Lend")) }
                            (field_error(l, errors, "equipment_id"))
                        }
                    }
                }
            }
            (link)
            @if !vitals.is_empty() {
                div.table-wrap { table.responsive #vitals {
                    thead { tr {
                        th { (l.t("Lúc", "When")) } th { "SpO2" } th { (l.t("Nhịp thở", "Breathing")) } th { (l.t("Mạch", "Pulse")) }
                        th { (l.t("Nhiệt độ", "Temp.")) } th { (l.t("Dấu hiệu cảnh báo", "Warning signs")) }
                    } }
                    tbody { @for v in &vitals { tr.warning[!v.signs.is_empty()] {
                        td data-label=(l.t("Lúc", "When")) { (show_time(&v.at)) }
                        td data-label="SpO2" { (opt(v.vitals.spo2)) }
                        td data-label=(l.t("Nhịp thở", "Breathing")) { (opt(v.vitals.breathing_rate)) }
                        td data-label=(l.t("Mạch", "Pulse")) { (opt(v.vitals.pulse)) }
                        td data-label=(l.t("Nhiệt độ", "Temp.")) { (opt(v.vitals.temperature)) }
                        td data-label=(l.t("Dấu hiệu cảnh báo", "Warning signs")) {
                            (v.signs.iter().map(|c| sign_label(l, c)).collect::<Vec<_>>().join(", "))
                            @if v.alert_id.is_some() { " " a href="/alerts" { (l.t("→ cảnh báo", "→ alert")) } }
                        }
                    } } }
                } }
            }
        }
    }
}

use chrono::Datelike;

#[derive(Deserialize, Default)]
pub(super) struct EnrolForm {
    #[serde(default)]
    age_years: String,
    #[serde(default)]
    mild_or_no_symptoms: Option<String>,
    #[serde(default)]
    breathing_rate: String,
    #[serde(default)]
    spo2: String,
    #[serde(default)]
    doses: String,
    #[serde(default)]
    last_dose_days_ago: String,
    #[serde(default)]
    underlying_disease: Option<String>,
    #[serde(default)]
    pregnant: Option<String>,
    #[serde(default)]
    can_self_care_and_call: Option<String>,
}

fn refusal(e: StoreError) -> Result<Vec<FieldError>, StoreError> {
    super::refusal_fields(e, "treatment")
}

pub(super) async fn enrol(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<EnrolForm>,
) -> PageResult {
    page.require(Permission::Treat)?;
    let mut errors = Vec::new();
    let e = Enrolment {
        age_years: number("age_years", &f.age_years, &mut errors).unwrap_or(0),
        mild_or_no_symptoms: f.mild_or_no_symptoms.is_some(),
        breathing_rate: number("breathing_rate", &f.breathing_rate, &mut errors).unwrap_or(0),
        spo2: number("spo2", &f.spo2, &mut errors).unwrap_or(0),
        doses: number("doses", &f.doses, &mut errors).unwrap_or(0),
        last_dose_days_ago: number("last_dose_days_ago", &f.last_dose_days_ago, &mut errors),
        underlying_disease: f.underlying_disease.is_some(),
        pregnant: f.pregnant.is_some(),
        can_self_care_and_call: f.can_self_care_and_call.is_some(),
    };
    for (field, missing) in [
        ("breathing_rate", f.breathing_rate.trim().is_empty()),
        ("spo2", f.spo2.trim().is_empty()),
    ] {
        if missing {
            errors.push(FieldError::new(
                field,
                "out_of_range",
                "Cần đo chỉ số này.",
                "This must be measured.",
            ));
        }
    }
    let result = if errors.is_empty() {
        s.store
            .enrol_home_treatment(&page.actor, id, &e, page.today())
            .await
            .map(|_| ())
    } else {
        Err(phongdich_domain::Invalid(errors).into())
    };
    back(&s, &page, id, result, "enrolled").await
}

/// Back to the person's record at the home-treatment section.
pub(super) async fn back(
    s: &AppState,
    page: &Page,
    person_id: i64,
    result: Result<(), StoreError>,
    done: &str,
) -> PageResult {
    super::persons::back_to_record(
        s,
        page,
        (person_id, "home-treatment", done),
        result,
        refusal,
    )
    .await
}

pub(super) async fn record_vitals(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<VitalsForm>,
) -> PageResult {
    page.require(Permission::Treat)?;
    let person_id: i64 = s
        .store
        .treatment_person(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?;
    let result = match f.vitals() {
        Ok(v) => s
            .store
            .record_vitals(&page.actor, id, &v, page.today())
            .await
            .map(|_| ()),
        Err(errors) => Err(phongdich_domain::Invalid(errors).into()),
    };
    back(&s, &page, person_id, result, "vitals").await
}

/// The alerts of the user's jurisdiction: open ones first with their age,
/// the team each went to (and how often it went up a level), then those
/// dealt with and how fast.
pub(super) async fn alerts(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<UnitFilter>,
) -> PageResult {
    let l = page.lang;
    // The alerts and times of the unit asked for; the equipment and
    // hospitals offered when answering stay the reader's own.
    let within = Within::of(&s, &page, &q.unit).await?;
    let alerts = s
        .store
        .treatment_alerts(&within.scope)
        .await
        .map_err(|e| page.fail(e))?;
    let times = super::response::response_times_in(&s, &page, &within.scope).await?;
    let can = page.can(Permission::Treat);
    let equipment: Vec<_> = if can {
        s.store
            .oxygen_equipment(&page.actor.scope)
            .await
            .map_err(|e| page.fail(e))?
            .into_iter()
            .filter(|e| e.status == "available")
            .collect()
    } else {
        Vec::new()
    };
    let hospitals: Vec<_> = if can && page.can(Permission::Quarantine) {
        s.store
            .transfer_destinations(&page.actor.scope)
            .await
            .map_err(|e| page.fail(e))?
            .into_iter()
            .filter(|p| p.kind != "centralised")
            .collect()
    } else {
        Vec::new()
    };
    let mine = page.actor.scope.root().map(|r| r.as_str().to_owned());
    let now = page.now();
    let age = |at: &str| {
        chrono::DateTime::parse_from_rfc3339(at)
            .map(|t| (now - t.with_timezone(&chrono::Utc)).num_minutes())
            .unwrap_or(0)
    };
    let codes: Vec<&str> = alerts.iter().map(|a| a.level_unit.as_str()).collect();
    let levels = s.store.unit_names(&codes).await.map_err(|e| page.fail(e))?;
    let pulse = s
        .store
        .alert_pulse(&within.scope)
        .await
        .map_err(|e| page.fail(e))?;
    let list = html! {
        @if alerts.is_empty() {
            p.muted { (l.t("Không có cảnh báo.", "No alerts.")) }
        } @else {
            div.table-wrap { table.responsive #alerts {
                thead { tr {
                    th { (l.t("Người bệnh", "Patient")) } th { (l.t("Dấu hiệu", "Signs")) } th { (l.t("Lúc", "Raised")) }
                    th { (l.t("Đội trực", "Team")) } th { (l.t("Tình trạng", "Status")) } th { (l.t("Xử lý", "Response")) }
                } }
                tbody { @for a in &alerts { tr data-status=(a.status) data-level=(a.level_unit) .mine[mine.as_deref() == Some(a.level_unit.as_str()) && a.status != "closed"] {
                    td data-label=(l.t("Người bệnh", "Patient")) { a href={ "/persons/" (a.person_id) "#home-treatment" } { (a.full_name) } }
                    td data-label=(l.t("Dấu hiệu", "Signs")) { @for (_, vi, en) in &a.signs { (l.t(vi, en)) " " } }
                    td data-label=(l.t("Lúc", "Raised")) { (show_time(&a.raised_at)) }
                    td data-label=(l.t("Đội trực", "Team")) {
                        @match (&a.team, &a.team_phone) {
                            (Some(team), Some(phone)) => { (team) " · " a href={ "tel:" (phone.replace(' ', "")) } { (phone) } }
                            _ => { em { (l.t("Không có đội trực", "No team on duty")) } }
                        }
                        " (" span title=(a.level_unit) { (levels.get(&a.level_unit).unwrap_or(&a.level_unit)) } ")"
                        @if a.escalations > 0 {
                            br; strong.escalated { (l.t("Đã chuyển lên cấp trên ", "Escalated ")) (a.escalations) (l.t(" lần", "×")) }
                        }
                    }
                    td data-label=(l.t("Tình trạng", "Status")) {
                        @match a.status.as_str() {
                            "open" => { strong { (l.t("Chưa tiếp nhận", "Not yet taken")) } " · " (age(&a.raised_at)) (l.t(" phút", " min")) }
                            "acknowledged" => { (l.t("Đã tiếp nhận: ", "Taken by ")) (a.acknowledged_by.as_deref().unwrap_or("")) " (" (opt(a.minutes_to_acknowledge)) (l.t(" phút", " min")) ")" }
                            _ => { (action_label(l, a.action.as_deref().unwrap_or(""))) " · " (a.acted_by.as_deref().unwrap_or("")) " (" (opt(a.minutes_to_act)) (l.t(" phút", " min")) ")"
                                @if let Some(n) = a.action_note.as_deref().filter(|n| !n.is_empty()) { " — " (n) } }
                        }
                    }
                    td data-label=(l.t("Xử lý", "Response")) {
                        @if can && a.status == "open" {
                            form.inline method="post" action={ "/alerts/" (a.id) "/acknowledge" } {
                                (page.csrf_field())
                                button type="submit" { (l.t("Tiếp nhận", "Take it")) }
                            }
                        }
                        @if can && a.status != "closed" {
                            form.inline method="post" action={ "/alerts/" (a.id) "/action" } {
                                (page.csrf_field())
                                select name="action" aria-label=(l.t("Việc đã làm", "What was done")) {
                                    @for x in ["visit", "oxygen", "transfer"] { option value=(x) { (action_label(l, x)) } }
                                }
                                select name="equipment_id" aria-label=(l.t("Thiết bị oxy cho mượn", "Oxygen equipment lent")) {
                                    option value="" { (l.t("— không mượn thiết bị —", "— no equipment —")) }
                                    @for e in &equipment { option value=(e.id) { (e.label) " · " (e.capacity) } }
                                }
                                @if !hospitals.is_empty() {
                                    select name="place_id" aria-label=(l.t("Nơi tiếp nhận khi chuyển viện", "Receiving hospital")) {
                                        option value="" { (l.t("— nơi tiếp nhận (khi chuyển viện) —", "— receiving hospital (transfers) —")) }
                                        @for h in &hospitals { option value=(h.id) { (h.name) " (" (h.beds.iter().map(|b| b.free).sum::<i64>()) (l.t(" trống", " free")) ")" } }
                                    }
                                    select name="bed_type" aria-label=(l.t("Loại giường", "Bed type")) {
                                        option value="regular" { (l.t("Giường thường", "Regular bed")) }
                                        option value="oxygen" { (l.t("Giường có oxy", "Oxygen bed")) }
                                        option value="icu" { (l.t("Hồi sức tích cực", "ICU")) }
                                    }
                                }
                                input name="note" placeholder=(l.t("Ghi chú (nơi chuyển đến…)", "Note (where to…)")) aria-label=(l.t("Ghi chú", "Note"));
                                button type="submit" { (l.t("Ghi nhận", "Record")) }
                            }
                        }
                    }
                } } }
            } }
        }
    };
    let content = html! {
        h1 { (l.t("Cảnh báo điều trị tại nhà", "Home-treatment alerts")) }
        (within.notice(&page))
        p { a href="/duty" { (l.t("Lịch trực →", "Duty roster →")) } " · " a href=(within.on("/oxygen")) { (l.t("Thiết bị oxy →", "Oxygen equipment →")) } }
        (super::live::live_region(l, &within.on("/alerts/pulse"), &pulse, html! {
            (super::response::times_summary(l, &times))
            (list)
        }))
    };
    Ok(layout(
        &page,
        &super::live::live_title(l.t("Cảnh báo", "Alerts"), &pulse),
        content,
    ))
}

pub(super) async fn acknowledge(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> PageResult {
    s.store
        .acknowledge_alert(&page.actor, id)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to("/alerts").into_response())
}

#[derive(Deserialize, Default)]
pub(super) struct ActionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
    #[serde(default, deserialize_with = "crate::pages::empty_as_none")]
    equipment_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::pages::empty_as_none")]
    place_id: Option<i64>,
    #[serde(default)]
    bed_type: String,
}

pub(super) async fn act(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> PageResult {
    s.store
        .act_on_alert(
            &page.actor,
            id,
            &AlertAction {
                action: f.action,
                note: f.note,
                equipment_id: f.equipment_id,
                place_id: f.place_id,
                bed_type: Some(f.bed_type).filter(|b| !b.is_empty()),
            },
        )
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to("/alerts").into_response())
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/persons/{id}/home-treatment", post(enrol))
        .route("/home-treatments/{id}/vitals", post(record_vitals))
        .route("/alerts", get(alerts))
        .route("/alerts/{id}/acknowledge", post(acknowledge))
        .route("/alerts/{id}/action", post(act))
}
