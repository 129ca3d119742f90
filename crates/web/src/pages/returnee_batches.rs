//! Transport batches on the pages: the province's list and the form to plan
//! one; a batch's page with its state, the codes to seat (each answered), the
//! passenger list (A4) and the seat cards to print, and who did not show up.

use super::{Page, PageResult, field_error, form_errors, layout, show_day, show_time, text_field};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::html;
use phongdich_domain::returnees::{BatchInput, BatchState, Means, Status};
use phongdich_domain::{FieldError, Permission, UnitLevel};
use phongdich_store::{SeatOutcome, StoreError, codes_of};
use serde::Deserialize;

pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/returnees/batches", get(list).post(create))
        .route("/returnees/batches/{id}", get(show))
        .route("/returnees/batches/{id}/passengers", post(seat))
        .route("/returnees/batches/{id}/state", post(move_on))
}

fn state_label(l: Lang, s: BatchState) -> &'static str {
    let (vi, en) = s.label();
    l.t(vi, en)
}

fn means_label(l: Lang, m: Means) -> &'static str {
    let (vi, en) = m.label();
    l.t(vi, en)
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct BatchForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    means: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    departs_on: String,
    #[serde(default)]
    departure_point: String,
    #[serde(default)]
    route: String,
}

fn plans(page: &Page) -> bool {
    page.can(Permission::Returnees)
        && page
            .actor
            .scope
            .root()
            .is_some_and(|r| r.level() == UnitLevel::Province)
}

async fn list(State(s): State<AppState>, page: Page) -> PageResult {
    page.require(Permission::Returnees)?;
    render_list(&s, &page, &BatchForm::default(), &[]).await
}

async fn render_list(
    s: &AppState,
    page: &Page,
    f: &BatchForm,
    errors: &[FieldError],
) -> PageResult {
    let l = page.lang;
    let batches = s
        .store
        .batches(&page.actor.scope)
        .await
        .map_err(|e| page.fail(e))?;
    let means: Vec<(&str, &str)> = Means::ALL
        .iter()
        .filter(|m| **m != Means::OwnVehicle)
        .map(|m| (m.as_str(), means_label(l, *m)))
        .collect();
    let content = html! {
        h1 { (l.t("Đợt đón người về", "Transport batches")) }
        p { a href="/returnees" { (l.t("← Người về địa phương", "← Returnees")) } }
        @if batches.is_empty() {
            p.muted { (l.t("Chưa có đợt đón nào.", "No batch yet.")) }
        } @else {
            div.table-wrap { table.responsive #batches {
                thead { tr {
                    th { (l.t("Đợt", "Batch")) } th { (l.t("Ngày đi", "Leaves")) } th { (l.t("Điểm xuất phát", "From")) }
                    th { (l.t("Chỗ", "Seats")) } th { (l.t("Đã đến", "Arrived")) } th { (l.t("Trạng thái", "State")) }
                } }
                tbody { @for b in &batches { tr {
                    td data-label=(l.t("Đợt", "Batch")) { a href={ "/returnees/batches/" (b.id) } { (b.name) } br; small { (means_label(l, b.means)) } }
                    td data-label=(l.t("Ngày đi", "Leaves")) { (show_day(b.departs_on)) }
                    td data-label=(l.t("Điểm xuất phát", "From")) { (b.departure_point) }
                    td data-label=(l.t("Chỗ", "Seats")) { (b.assigned) " / " (b.capacity) }
                    td data-label=(l.t("Đã đến", "Arrived")) { (b.arrived) }
                    td data-label=(l.t("Trạng thái", "State")) { (state_label(l, b.state)) }
                } } }
            } }
        }
        @if plans(page) {
            section aria-labelledby="h-plan" {
                h2 #h-plan { (l.t("Lập đợt đón", "Plan a batch")) }
                (form_errors(l, errors, &["name", "means", "capacity", "departs_on", "departure_point", "route"]))
                form.stack #plan-batch method="post" action="/returnees/batches" novalidate {
                    (page.csrf_field())
                    (text_field(l, "name", ("Tên đợt", "Name"), &f.name, errors, "required"))
                    div.field.invalid[errors.iter().any(|e| e.field == "means")] {
                        label for="f-means" { (l.t("Phương tiện", "Means")) }
                        select #f-means name="means" {
                            @for (v, t) in &means { option value=(v) selected[*v == f.means] { (t) } }
                        }
                        (field_error(l, errors, "means"))
                    }
                    (text_field(l, "capacity", ("Số chỗ", "Seats"), &f.capacity, errors, "required inputmode=\"numeric\""))
                    (text_field(l, "departs_on", ("Ngày đi (dd/mm/yyyy)", "Leaves on (dd/mm/yyyy)"), &f.departs_on, errors, "required inputmode=\"numeric\""))
                    (text_field(l, "departure_point", ("Điểm xuất phát", "Departure point"), &f.departure_point, errors, "required"))
                    (text_field(l, "route", ("Lộ trình", "Route"), &f.route, errors, ""))
                    button type="submit" { (l.t("Lập đợt đón", "Plan")) }
                }
            }
        }
    };
    Ok(layout(page, l.t("Đợt đón", "Transport batches"), content))
}

async fn create(State(s): State<AppState>, page: Page, Form(f): Form<BatchForm>) -> PageResult {
    page.require(Permission::Returnees)?;
    // Not a number: 0, which the domain refuses with the range.
    let capacity = f.capacity.trim().parse::<u32>().unwrap_or(0);
    let input = BatchInput {
        name: f.name.clone(),
        means: f.means.clone(),
        capacity,
        departs_on: f.departs_on.clone(),
        departure_point: f.departure_point.clone(),
        route: f.route.clone(),
    };
    match s.store.create_batch(&page.actor, &input).await {
        Ok(b) => Ok(Redirect::to(&format!("/returnees/batches/{}", b.id)).into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "name").map_err(|e| page.fail(e))?;
            let mut r = render_list(&s, &page, &f, &errors).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct ShowQuery {
    #[serde(default)]
    done: String,
}

async fn show(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    page.require(Permission::Returnees)?;
    let notice = match q.done.as_str() {
        "state" => Some(page.t(
            "Đã cập nhật trạng thái đợt đón.",
            "The batch's state was updated.",
        )),
        _ => None,
    };
    render_batch(&s, &page, id, &[], notice, &[]).await
}

async fn render_batch(
    s: &AppState,
    page: &Page,
    id: i64,
    answers: &[SeatOutcome],
    notice: Option<&str>,
    errors: &[FieldError],
) -> PageResult {
    let l = page.lang;
    let d = s
        .store
        .batch(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?;
    let b = &d.batch;
    let gone = matches!(b.state, BatchState::Departed | BatchState::Arrived);
    let no_shows: Vec<_> = d
        .passengers
        .iter()
        .filter(|p| gone && p.status == Status::Registered)
        .collect();
    let can = plans(page);
    let content = html! {
        h1 { (b.name) }
        p { a href="/returnees/batches" { (l.t("← Các đợt đón", "← Transport batches")) } }
        @if let Some(m) = notice { p.notice role="status" { (m) } }
        (form_errors(l, errors, &["codes"]))
        dl.facts #batch-facts {
            dt { (l.t("Phương tiện", "Means")) } dd { (means_label(l, b.means)) }
            dt { (l.t("Ngày đi", "Leaves on")) } dd { (show_day(b.departs_on)) }
            dt { (l.t("Điểm xuất phát", "Departure point")) } dd { (b.departure_point) }
            @if let Some(r) = &b.route { dt { (l.t("Lộ trình", "Route")) } dd { (r) } }
            dt { (l.t("Số chỗ", "Seats")) } dd { (b.assigned) " / " (b.capacity) }
            dt { (l.t("Trạng thái", "State")) } dd #batch-state {
                (state_label(l, b.state))
                @if let Some(t) = &b.departed_at { br; small { (l.t("xuất phát ", "departed ")) (show_time(t)) } }
                @if let Some(t) = &b.arrived_at { br; small { (l.t("đến ", "arrived ")) (show_time(t)) } }
            }
        }
        @if can {
            div.no-print {
                @for next in [BatchState::Departed, BatchState::Arrived, BatchState::Cancelled] {
                    @if b.state.can_become(next) {
                        form.inline method="post" action={ "/returnees/batches/" (b.id) "/state" }
                            data-confirm=[(next == BatchState::Cancelled).then(|| l.t("Hủy đợt đón này? Hành khách sẽ được bỏ xếp chỗ.", "Cancel this batch? Its passengers lose their seats."))] {
                            (page.csrf_field())
                            input type="hidden" name="state" value=(next.as_str());
                            button.secondary[next == BatchState::Cancelled] type="submit" { (match next {
                                BatchState::Departed => l.t("Đã xuất phát", "Departed"),
                                BatchState::Arrived => l.t("Đã đến", "Arrived"),
                                _ => l.t("Hủy đợt", "Cancel the batch"),
                            }) }
                        }
                        " "
                    }
                }
            }
        }
        @if !answers.is_empty() {
            section aria-labelledby="h-answers" {
                h2 #h-answers { (l.t("Kết quả xếp chỗ", "Seating")) }
                div.table-wrap { table.responsive #seat-answers {
                    thead { tr { th { (l.t("Mã", "Code")) } th { (l.t("Người", "Person")) } th { (l.t("Kết quả", "Outcome")) } } }
                    tbody { @for a in answers { tr.warning[a.outcome == "refused"] {
                        td.mono data-label=(l.t("Mã", "Code")) { (a.code) }
                        td data-label=(l.t("Người", "Person")) { (a.full_name.clone().unwrap_or_default()) }
                        td data-label=(l.t("Kết quả", "Outcome")) { (l.t(&a.message_vi, &a.message_en)) }
                    } } }
                } }
            }
        }
        @if can && b.state == BatchState::Planned {
            section.no-print aria-labelledby="h-seat" {
                h2 #h-seat { (l.t("Xếp chỗ theo mã đăng ký", "Seat by registration code")) }
                form.stack #seat-form method="post" action={ "/returnees/batches/" (b.id) "/passengers" } {
                    (page.csrf_field())
                    div.field {
                        label for="f-codes" { (l.t("Mã đăng ký (mỗi dòng một mã)", "Registration codes (one a line)")) }
                        textarea #f-codes name="codes" rows="6" autocomplete="off" {}
                        (field_error(l, errors, "codes"))
                    }
                    button type="submit" { (l.t("Xếp chỗ", "Seat them")) }
                }
            }
        }
        @if !no_shows.is_empty() {
            section aria-labelledby="h-no-shows" {
                h2 #h-no-shows { (l.t("Chưa qua chốt (không đi hoặc chưa đến)", "Not through a checkpoint (did not show up or not arrived)")) " (" (no_shows.len()) ")" }
                ul #no-shows { @for p in &no_shows { li {
                    (p.seat.map(|s| s.to_string()).unwrap_or_default()) ". " a href={ "/returnees/" (p.id) } { (p.full_name) }
                    @if let Some(ph) = &p.phone { " · " a href={ "tel:" (ph) } { (ph) } }
                } } }
            }
        }
        section aria-labelledby="h-passengers" {
            h2 #h-passengers { (l.t("Danh sách hành khách", "Passenger list")) " (" (d.passengers.len()) ")" }
            p.no-print { (super::print_button(l.t("In danh sách và thẻ ghế", "Print the list and seat cards"))) }
            div.table-wrap { table.responsive #passengers {
                thead { tr {
                    th { (l.t("Ghế", "Seat")) } th { (l.t("Họ tên", "Name")) } th { (l.t("Năm sinh", "Born")) }
                    th { (l.t("Điện thoại", "Phone")) } th { (l.t("Về", "Going to")) } th { (l.t("Mã", "Code")) } th { (l.t("Trạng thái", "Status")) }
                } }
                tbody { @for p in &d.passengers { tr {
                    td data-label=(l.t("Ghế", "Seat")) { (p.seat.map(|s| s.to_string()).unwrap_or_default()) }
                    td data-label=(l.t("Họ tên", "Name")) { a href={ "/returnees/" (p.id) } { (p.full_name) } }
                    td data-label=(l.t("Năm sinh", "Born")) { (p.birth_year) }
                    td data-label=(l.t("Điện thoại", "Phone")) { (p.phone.clone().unwrap_or_default()) }
                    td data-label=(l.t("Về", "Going to")) { (p.hamlet_name.clone().unwrap_or_default()) @if p.hamlet_name.is_some() { ", " } (p.commune_name) }
                    td.mono data-label=(l.t("Mã", "Code")) { (p.code) }
                    td data-label=(l.t("Trạng thái", "Status")) { ({ let (vi, en) = p.status.label(); l.t(vi, en) }) }
                } } }
            } }
        }
        @if !d.passengers.is_empty() {
            section.seat-cards aria-labelledby="h-cards" {
                h2 #h-cards { (l.t("Thẻ ghế", "Seat cards")) }
                div.cards { @for p in &d.passengers {
                    div.card.seat-card {
                        p { strong { (b.name) } " · " (l.t("Ghế ", "Seat ")) strong { (p.seat.map(|s| s.to_string()).unwrap_or_default()) } }
                        (super::testing::qr_svg(&p.code, 96))
                        p { strong { (p.full_name) } " (" (p.birth_year) ")" br; (l.t("Về ", "To ")) (p.commune_name) }
                        p.mono { (p.code) }
                    }
                } }
            }
        }
    };
    Ok(layout(page, &b.name, content))
}

#[derive(Deserialize, Default)]
pub(super) struct SeatForm {
    #[serde(default)]
    codes: String,
}

async fn seat(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<SeatForm>,
) -> PageResult {
    page.require(Permission::Returnees)?;
    let codes = codes_of(&f.codes);
    if codes.is_empty() {
        let e = FieldError::new("codes", "required", "Chưa có mã nào.", "No code was given.");
        return render_batch(&s, &page, id, &[], None, &[e]).await;
    }
    match s.store.assign_to_batch(&page.actor, id, &codes).await {
        Ok(answers) => {
            let seated = answers.iter().filter(|a| a.outcome == "assigned").count();
            let refused = answers.iter().filter(|a| a.outcome == "refused").count();
            let notice = format!(
                "{} {seated}, {} {refused}.",
                page.t("Đã xếp chỗ:", "Seated:"),
                page.t("không xếp được:", "refused:")
            );
            render_batch(&s, &page, id, &answers, Some(&notice), &[]).await
        }
        Err(e @ (StoreError::Conflict { .. } | StoreError::Invalid(_))) => {
            let errors = super::refusal_fields(e, "codes").map_err(|e| page.fail(e))?;
            render_batch(&s, &page, id, &[], None, &errors).await
        }
        Err(e) => Err(page.fail(e)),
    }
}

#[derive(Deserialize)]
pub(super) struct StateForm {
    state: String,
}

async fn move_on(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<StateForm>,
) -> PageResult {
    let Some(next) = BatchState::from_stored(&f.state) else {
        return Err(page.fail(StoreError::from(phongdich_domain::Invalid(vec![
            FieldError::new(
                "state",
                "invalid_choice",
                "Trạng thái không hợp lệ.",
                "Not a state.",
            ),
        ]))));
    };
    s.store
        .set_batch_state(&page.actor, id, next)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to(&format!("/returnees/batches/{id}?done=state")).into_response())
}
