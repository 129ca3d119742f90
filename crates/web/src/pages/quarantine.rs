//! Quarantine on the pages: a person's orders (issue one computed from the
//! rule in force, extend it, release it when the rule allows, print the
//! release certificate), and the day's lists of the user's jurisdiction with
//! orders for every F1 in one click.

use super::{Page, PageResult, Within, field_error, layout, show_date};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use phongdich_domain::quarantine::{QuarantineKind, Situation};
use phongdich_domain::{FieldError, Permission};
use phongdich_store::{DayList, OrderInput, Paging, Person, QuarantineOrder, StoreError};
use serde::Deserialize;

fn kind_label(l: Lang, k: &str) -> &'static str {
    QuarantineKind::parse(k)
        .map(|k| {
            let (vi, en) = k.label();
            l.t(vi, en)
        })
        .unwrap_or("")
}

fn situation_label(l: Lang, s: &str) -> &'static str {
    Situation::parse(s)
        .map(|s| {
            let (vi, en) = s.label();
            l.t(vi, en)
        })
        .unwrap_or("")
}

fn status_label(l: Lang, s: &str) -> &'static str {
    match s {
        "active" => l.t("Đang cách ly", "In quarantine"),
        "released" => l.t("Đã hoàn thành cách ly", "Released"),
        "cancelled" => l.t("Đã huỷ", "Cancelled"),
        _ => "",
    }
}

/// Where an order is served; a centralised one admitted nowhere yet says so
/// (its site is recorded on admission).
fn place_text(l: Lang, place: Option<&str>, kind: &str) -> String {
    match (place, kind) {
        (Some(p), _) => p.to_owned(),
        (None, "centralised") => l
            .t(
                "Chưa nhận vào nơi cách ly tập trung",
                "Not yet admitted to a site",
            )
            .to_owned(),
        (None, _) => "—".to_owned(),
    }
}

fn days(list: &[String]) -> String {
    list.iter()
        .map(|d| show_date(d))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The quarantine part of a person's page.
pub(super) async fn section(
    s: &AppState,
    page: &Page,
    p: &Person,
    errors: &[FieldError],
) -> Markup {
    let l = page.lang;
    let orders = s
        .store
        .orders_of(&page.actor.scope, p.id)
        .await
        .unwrap_or_default();
    let can = page.can(Permission::Quarantine) && p.merged_into.is_none();
    let active = orders.iter().any(|o| o.status == "active");
    let declarations = match orders.iter().find(|o| o.status == "active") {
        Some(o) => super::declarations::order_part(s, page, o, errors).await,
        None => html! {},
    };
    let err = |f: &str| field_error(l, errors, f);
    html! {
        section #quarantine aria-labelledby="h-quarantine" {
            h2 #h-quarantine { (l.t("Cách ly", "Quarantine")) }
            @if errors.iter().any(|e| e.field == "tests") {
                div.alert role="alert" {
                    p { (l.t("Chưa thể kết thúc cách ly:", "Cannot release yet:")) }
                    @for e in errors.iter().filter(|e| e.field == "tests" || e.field == "released_on") {
                        p { (l.t(&e.message_vi, &e.message_en)) }
                    }
                }
            }
            @for o in &orders {
                div.order data-status=(o.status) {
                    p {
                        strong { (l.t("Quyết định số ", "Order no. ")) (o.id) } " · " (kind_label(l, &o.kind)) " · "
                        (situation_label(l, &o.situation)) " · " (status_label(l, &o.status))
                    }
                    dl.facts {
                        dt { (l.t("Từ ngày", "From")) } dd { (show_date(&o.start_on)) }
                        dt { (l.t("Đến hết ngày", "Until")) } dd { (show_date(&o.planned_end)) }
                        dt { (l.t("Tự theo dõi đến", "Self-monitoring until")) } dd { (show_date(&o.monitoring_end)) }
                        dt { (l.t("Ngày xét nghiệm", "Test days")) } dd.test-days { (days(&o.test_days)) }
                        dt { (l.t("Nơi cách ly", "Where")) } dd { (place_text(l, o.place.as_deref(), &o.kind)) }
                        dt { (l.t("Căn cứ", "Rule")) } dd { (o.source) " (" (o.rule_code) ")" }
                        @if let Some(r) = &o.extension_reason { dt { (l.t("Gia hạn vì", "Extended because")) } dd { (r) } }
                        @if let Some(d) = &o.released_on { dt { (l.t("Kết thúc ngày", "Released on")) } dd { (show_date(d)) } }
                    }
                    @if o.status == "released" {
                        p { a href={ "/quarantine/orders/" (o.id) "/certificate" } #certificate { (l.t("In giấy xác nhận hoàn thành cách ly", "Print the release certificate")) } }
                    }
                    @if can && o.status == "active" {
                        form.inline method="post" action={ "/quarantine/orders/" (o.id) "/release" } data-confirm=(l.t("Kết thúc cách ly cho người này?", "Release this person from quarantine?")) {
                            (page.csrf_field())
                            label for={ "rel-" (o.id) } { (l.t("Ngày kết thúc", "Release day")) }
                            " " input id={ "rel-" (o.id) } name="released_on" value=(page.today().format("%d/%m/%Y")) size="10";
                            " " button type="submit" { (l.t("Kết thúc cách ly", "Release")) }
                        }
                        details {
                            summary { (l.t("Gia hạn", "Extend")) }
                            form.stack method="post" action={ "/quarantine/orders/" (o.id) "/extend" } {
                                (page.csrf_field())
                                div.field.invalid[errors.iter().any(|e| e.field == "planned_end")] {
                                    label for={ "ext-end-" (o.id) } { (l.t("Đến hết ngày", "New last day")) }
                                    input id={ "ext-end-" (o.id) } name="planned_end" placeholder="dd/mm/yyyy";
                                    (err("planned_end"))
                                }
                                div.field.invalid[errors.iter().any(|e| e.field == "reason")] {
                                    label for={ "ext-reason-" (o.id) } { (l.t("Lý do", "Reason")) }
                                    input id={ "ext-reason-" (o.id) } name="reason";
                                    (err("reason"))
                                }
                                button type="submit" { (l.t("Gia hạn", "Extend")) }
                            }
                        }
                    }
                }
            }
            (declarations)
            @if orders.is_empty() {
                p.muted { (l.t("Chưa có quyết định cách ly.", "No quarantine order.")) }
            }
            @if can && !active {
                details open[errors.iter().any(|e| ["situation", "start_on", "last_dose_on", "recovered_on"].contains(&e.field.as_str()))] {
                    summary { (l.t("Ra quyết định cách ly", "Issue a quarantine order")) }
                    form.stack method="post" action={ "/persons/" (p.id) "/quarantine" } {
                        (page.csrf_field())
                        div.field {
                            label for="q-situation" { (l.t("Đối tượng", "Situation")) }
                            select #q-situation name="situation" {
                                @for st in Situation::ALL { option value=(st.as_str()) { (situation_label(l, st.as_str())) } }
                            }
                            (err("situation"))
                        }
                        div.field.invalid[errors.iter().any(|e| e.field == "start_on")] {
                            label for="q-start_on" { (l.t("Ngày bắt đầu", "First day")) }
                            input #q-start_on name="start_on" value=(page.today().format("%d/%m/%Y"));
                            (err("start_on"))
                        }
                        div.field {
                            label for="q-place" { (l.t("Nơi cách ly (để trống: tại nhà theo địa chỉ)", "Where (empty: at home, the address)")) }
                            input #q-place name="place";
                        }
                        div.field {
                            label for="q-doses" { (l.t("Số mũi vắc xin đã tiêm", "Vaccine doses received")) }
                            input #q-doses name="doses" inputmode="numeric" value="0";
                        }
                        div.field.invalid[errors.iter().any(|e| e.field == "last_dose_on")] {
                            label for="q-last_dose_on" { (l.t("Ngày tiêm mũi cuối", "Date of the last dose")) }
                            input #q-last_dose_on name="last_dose_on" placeholder="dd/mm/yyyy";
                            (err("last_dose_on"))
                        }
                        div.field.invalid[errors.iter().any(|e| e.field == "recovered_on")] {
                            label for="q-recovered_on" { (l.t("Ngày khỏi bệnh COVID-19 (nếu có)", "Recovered from COVID-19 on (if so)")) }
                            input #q-recovered_on name="recovered_on" placeholder="dd/mm/yyyy";
                            (err("recovered_on"))
                        }
                        p.muted { (l.t("Thời gian, hình thức và ngày xét nghiệm theo quy định có hiệu lực vào ngày bắt đầu.",
                            "Length, kind and test days follow the rule in force on the first day.")) }
                        button type="submit" { (l.t("Ra quyết định", "Issue the order")) }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct OrderForm {
    #[serde(default)]
    situation: String,
    #[serde(default)]
    start_on: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    doses: String,
    #[serde(default)]
    last_dose_on: String,
    #[serde(default)]
    recovered_on: String,
}

fn refusal(e: StoreError) -> Result<Vec<FieldError>, StoreError> {
    super::refusal_fields(e, "tests")
}

pub(super) async fn create(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<OrderForm>,
) -> PageResult {
    page.require(Permission::Quarantine)?;
    let input = OrderInput {
        person_id: id,
        situation: f.situation,
        start_on: f.start_on,
        place: f.place,
        doses: f.doses.trim().parse().unwrap_or(0),
        last_dose_on: f.last_dose_on,
        recovered_on: f.recovered_on,
    };
    let result = s.store.create_order(&page.actor, &input).await;
    after_action(&s, &page, id, result, None, "ordered").await
}

#[derive(Deserialize, Default)]
pub(super) struct ReleaseForm {
    #[serde(default)]
    released_on: String,
}

/// Back to the person's page after an action on one of their orders:
/// the order on success, the refusal's reasons beside it otherwise.
async fn after_action(
    s: &AppState,
    page: &Page,
    person_id: i64,
    result: Result<QuarantineOrder, StoreError>,
    all_under: Option<&str>,
    done: &str,
) -> PageResult {
    match result {
        // The record says what was done (`persons::Done`).
        Ok(_) => Ok(
            Redirect::to(&format!("/persons/{person_id}?done={done}#quarantine")).into_response(),
        ),
        Err(e) => {
            let mut errors = refusal(e).map_err(|e| page.fail(e))?;
            if let Some(field) = all_under {
                for e in &mut errors {
                    e.field = field.into();
                }
            }
            super::persons::person_page(s, page, person_id, &errors).await
        }
    }
}

/// The order an action is about, within the user's jurisdiction.
async fn order_for(
    s: &AppState,
    page: &Page,
    id: i64,
) -> Result<QuarantineOrder, super::PageError> {
    page.require(Permission::Quarantine)?;
    s.store
        .quarantine_order(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))
}

pub(super) async fn release(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<ReleaseForm>,
) -> PageResult {
    let order = order_for(&s, &page, id).await?;
    let result = match phongdich_domain::contact::parse_date("released_on", &f.released_on) {
        Ok(on) => s.store.release_order(&page.actor, id, on).await,
        Err(e) => Err(phongdich_domain::Invalid(vec![e]).into()),
    };
    after_action(
        &s,
        &page,
        order.person_id,
        result,
        Some("tests"),
        "released",
    )
    .await
}

#[derive(Deserialize, Default)]
pub(super) struct ExtendForm {
    #[serde(default)]
    planned_end: String,
    #[serde(default)]
    reason: String,
}

pub(super) async fn extend(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<ExtendForm>,
) -> PageResult {
    let order = order_for(&s, &page, id).await?;
    let result = s
        .store
        .extend_order(&page.actor, id, &f.planned_end, &f.reason)
        .await;
    after_action(&s, &page, order.person_id, result, None, "extended").await
}

fn order_table(l: Lang, id: &str, list: &DayList, paging: Paging) -> Markup {
    html! {
        @if list.total == 0 {
            p.muted { (l.t("Không có.", "None.")) }
        } @else if list.entries.is_empty() {
            p.muted { (l.t("Không còn trên trang này.", "No more on this page.")) }
        } @else {
            @if list.total > list.entries.len() as i64 {
                p.muted.range { (l.t("Từ ", "Showing ")) (paging.offset + 1) "–" (paging.offset + list.entries.len() as i64)
                    (l.t(" trong ", " of ")) (list.total) }
            }
            div.table-wrap { table.responsive id=(id) {
                thead { tr {
                    th { (l.t("Người", "Person")) } th { (l.t("Hình thức", "Kind")) } th { (l.t("Từ", "From")) }
                    th { (l.t("Đến hết", "Until")) } th { (l.t("Ngày xét nghiệm", "Test days")) } th { (l.t("Nơi", "Where")) }
                } }
                tbody { @for o in &list.entries { tr {
                    td data-label=(l.t("Người", "Person")) { a href={ "/persons/" (o.person_id) "#quarantine" } { (o.full_name) } }
                    td data-label=(l.t("Hình thức", "Kind")) { (kind_label(l, &o.kind)) }
                    td data-label=(l.t("Từ", "From")) { (show_date(&o.start_on)) }
                    td data-label=(l.t("Đến hết", "Until")) { (show_date(&o.planned_end)) }
                    td data-label=(l.t("Ngày xét nghiệm", "Test days")) { (days(&o.test_days)) }
                    td data-label=(l.t("Nơi", "Where")) { (place_text(l, o.place.as_deref(), &o.kind)) }
                } } }
            } }
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct DayQuery {
    #[serde(default)]
    day: String,
    /// Which page of each list (from 1): a district's list can name thousands.
    #[serde(default)]
    page: Option<String>,
    /// Orders just issued in bulk.
    #[serde(default)]
    issued: Option<usize>,
    /// A province, district or commune inside the reader's jurisdiction.
    #[serde(default)]
    unit: String,
}

/// The day's lists: tests due, orders ending, orders past their last day,
/// missed and flagged declarations, free beds, open alerts, F0 at home
/// missing readings — one store call. Counts are whole; the lists show one
/// page of 100 each, with a link to the next.
pub(super) async fn day_page(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<DayQuery>,
) -> PageResult {
    let l = page.lang;
    let day = phongdich_domain::contact::parse_date("day", &q.day).unwrap_or_else(|_| page.today());
    let n = q
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<i64>().ok())
        .unwrap_or(1)
        .max(1);
    let paging = Paging::page(n);
    let within = Within::of(&s, &page, &q.unit).await?;
    let unit_q = within.query();
    let d = s
        .store
        .quarantine_day(&within.scope, day, paging)
        .await
        .map_err(|e| page.fail(e))?;
    let (missing, open_alerts, places) = (&d.missing_vitals, &d.open_alerts, &d.free_beds);
    let more = [
        d.tests_due.total,
        d.ending.total,
        d.overdue.total,
        d.missed_declaration.total,
        missing.total,
    ]
    .iter()
    .any(|t| paging.has_more(*t));
    let link = |n: i64| {
        format!(
            "/quarantine?day={}{unit_q}&page={n}",
            day.format("%d/%m/%Y")
        )
    };
    let content = html! {
        h1 { (l.t("Cách ly", "Quarantine")) }
        (within.notice(&page))
        p { (super::rules::link(l)) }
        @if let Some(n) = q.issued {
            p.notice role="status" { (l.t("Đã ra quyết định cách ly cho ", "Orders issued for ")) strong { (n) } (l.t(" F1.", " F1s.")) }
        }
        form.filters method="get" action="/quarantine" {
            div.field { label for="q-day" { (l.t("Ngày", "Day")) } input #q-day name="day" value=(day.format("%d/%m/%Y")); }
            @if let Some(u) = &within.unit { input type="hidden" name="unit" value=(u.code); }
            button type="submit" { (l.t("Xem", "Show")) }
        }
        p { (l.t("Đang cách ly: ", "In quarantine: ")) strong #active { (super::num(l, d.active)) } }
        h2 { (l.t("Xét nghiệm đến hạn", "Tests due")) " (" span #tests-due-total { (d.tests_due.total) } ")" }
        (order_table(l, "tests-due", &d.tests_due, paging))
        h2 { (l.t("Kết thúc cách ly trong ngày", "Ending that day")) " (" span #ending-total { (d.ending.total) } ")" }
        (order_table(l, "ending", &d.ending, paging))
        h2 { (l.t("Đã quá ngày kết thúc — cần kết thúc hoặc gia hạn", "Past their last day — release or extend")) " (" span #overdue-total { (d.overdue.total) } ")" }
        (order_table(l, "overdue", &d.overdue, paging))
        (super::declarations::day_lists(l, &d, day == page.today()))
        h2 { (l.t("Giường còn trống", "Free beds")) }
        @if places.is_empty() {
            p.muted { a href=(within.on("/places")) { (l.t("Chưa khai báo nơi cách ly, điều trị.", "No places declared yet.")) } }
        } @else {
            ul #free-beds { @for p in places {
                li { a href=(within.on("/places")) { (p.name) } ": "
                    (p.beds.iter().map(|b| format!("{} {}", super::num(l, b.free), bed_label(l, &b.bed_type).to_lowercase())).collect::<Vec<_>>().join(", ")) }
            } }
        }
        h2 { (l.t("Cảnh báo chưa xử lý xong", "Alerts not yet dealt with")) " (" (open_alerts.total) ")" }
        @if let Some(oldest) = &open_alerts.oldest {
            p { (l.t("Cũ nhất từ ", "Oldest since ")) (super::show_time(oldest)) " · " a href=(within.on("/alerts")) { (l.t("Xem cảnh báo", "See the alerts")) } }
        }
        h2 { (l.t("F0 tại nhà chưa đủ 2 lần đo chỉ số trong ngày", "F0 at home without the day's two readings")) " (" (missing.total) ")" }
        @if !missing.entries.is_empty() {
            ul #missing-vitals { @for m in &missing.entries {
                li { a href={ "/persons/" (m.person_id) "#home-treatment" } { (m.full_name) } " — " (m.readings) "/2" }
            } }
        } @else if missing.total > 0 {
            p.muted { (l.t("Không còn trên trang này.", "No more on this page.")) }
        }
        @if n > 1 || more {
            nav.pager aria-label=(l.t("Trang", "Pages")) {
                @if n > 1 { a href=(link(n - 1)) rel="prev" { "← " (l.t("Trang trước", "Previous")) } }
                span { (l.t("Trang", "Page")) " " (n) }
                @if more { a #next-page href=(link(n + 1)) rel="next" { (l.t("Trang sau", "Next")) " →" } }
            }
        }
        @if page.can(Permission::Quarantine) {
            form.inline method="post" action="/quarantine/f1" data-confirm=(l.t("Ra quyết định cách ly cho mọi F1 chưa có quyết định?", "Issue quarantine orders for every F1 without one?")) {
                (page.csrf_field())
                // A page narrowed to a unit issues that unit's orders only.
                @if let Some(u) = &within.unit { input type="hidden" name="unit" value=(u.code); }
                label for="f1-start" {
                    (l.t("Ra quyết định cách ly cho mọi F1 chưa có", "Issue orders for every F1 without one"))
                    @if let Some(u) = &within.unit { " " (l.t("ở", "in")) " " (u.name) }
                    ", " (l.t("bắt đầu từ", "starting"))
                }
                input #f1-start name="start_on" value=(page.today().format("%d/%m/%Y")) size="10";
                button type="submit" #order-all-f1 { (l.t("Ra quyết định", "Issue orders")) }
            }
            p.muted { (l.t("Theo quy định có hiệu lực vào ngày bắt đầu; nơi quy định chỉ còn tự theo dõi sức khỏe thì không ra quyết định.",
                "By the rule in force on the first day; where the rule is self-monitoring only, no order is issued.")) }
        }
    };
    Ok(layout(&page, l.t("Cách ly", "Quarantine"), content))
}

#[derive(Deserialize, Default)]
pub(super) struct StartForm {
    #[serde(default)]
    start_on: String,
    /// The unit the page was narrowed to (empty: the whole jurisdiction).
    #[serde(default)]
    unit: String,
}

pub(super) async fn order_all_f1(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<StartForm>,
) -> PageResult {
    page.require(Permission::Quarantine)?;
    // Narrowed in the store to a unit inside the reader's jurisdiction.
    let within = Within::of(&s, &page, &f.unit).await?;
    let actor = phongdich_store::Actor {
        scope: within.scope.clone(),
        ..page.actor.clone()
    };
    let orders = s
        .store
        .order_all_f1(&actor, &f.start_on)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to(&format!(
        "/quarantine?issued={}{}",
        orders.len(),
        within.query()
    ))
    .into_response())
}

/// The release certificate, printable on A4.
pub(super) async fn certificate(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> PageResult {
    let l = page.lang;
    let o = s
        .store
        .quarantine_order(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?;
    if o.status != "released" {
        return Err(page.fail(StoreError::NotFound {
            entity: phongdich_store::Entity::ReleaseCertificate,
            id: id.to_string(),
        }));
    }
    // Release waited for negative tests only when the rule said so.
    let rule = s
        .store
        .order_rule(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?;
    let person = s
        .store
        .person(&page.actor.scope, o.person_id)
        .await
        .map_err(|e| page.fail(e))?;
    let commune = s
        .store
        .unit(&o.commune_code)
        .await
        .map_err(|e| page.fail(e))?;
    // A self-monitoring order served no quarantine: nothing to have
    // completed, only the monitoring (1909/BYT-DP: precautions for 10 days).
    let quarantined = o.kind != "self_monitoring";
    let ended = o.released_on.as_deref().unwrap_or(&o.planned_end);
    let content = html! {
        div.document #certificate {
            div.doc-head {
                div { p { strong { (l.t("BAN CHỈ ĐẠO PHÒNG, CHỐNG DỊCH", "EPIDEMIC STEERING COMMITTEE")) } } p { (commune.name) } }
                div { p { strong { (l.t("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM")) } }
                      p { (l.t("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness")) } }
            }
            @if quarantined { h1 { (l.t("GIẤY XÁC NHẬN HOÀN THÀNH CÁCH LY", "CERTIFICATE OF COMPLETED QUARANTINE")) } }
            @else { h1 { (l.t("GIẤY XÁC NHẬN TỰ THEO DÕI SỨC KHỎE", "CERTIFICATE OF SELF-MONITORING")) } }
            p { (l.t("Số: ", "No.: ")) (o.id) "/XNCL" }
            p { (l.t("Xác nhận Ông/Bà: ", "This certifies that ")) strong { (person.full_name) }
                (l.t(", sinh năm ", ", born ")) (person.birth_year) }
            p { (l.t("Địa chỉ: ", "Address: "))
                (person.street_address.iter().map(String::as_str).chain([commune.name.as_str()]).collect::<Vec<_>>().join(", ")) }
            @if quarantined {
                p { (l.t("Đã hoàn thành ", "has completed ")) (kind_label(l, &o.kind).to_lowercase())
                    (l.t(" từ ngày ", " from ")) (show_date(&o.start_on)) (l.t(" đến ngày ", " to ")) (show_date(ended))
                    (l.t(", theo ", ", under ")) (o.source) "." }
            } @else {
                p { (l.t("Thuộc diện tự theo dõi sức khỏe, không phải cách ly, theo ", "was required to keep to self-monitoring, without quarantine, under "))
                    (o.source) (l.t(", từ ngày ", ", from ")) (show_date(&o.start_on)) "." }
            }
            @if o.test_days.is_empty() {
                p { (l.t("Không yêu cầu xét nghiệm.", "No test was required.")) }
            } @else if rule.release_needs_negative_tests {
                p { (l.t("Xét nghiệm vào các ngày: ", "Tested on: ")) (days(&o.test_days)) (l.t(" — âm tính.", " — negative.")) }
            } @else {
                p { (l.t("Ngày xét nghiệm: ", "Test days: ")) (days(&o.test_days))
                    (l.t(" (kết quả âm tính không là điều kiện kết thúc cách ly).", " (a negative result was not a condition of release).")) }
            }
            @if o.monitoring_end.as_str() > ended {
                p { @if quarantined { (l.t("Tiếp tục tự theo dõi sức khỏe đến hết ngày ", "Continue self-monitoring until the end of ")) }
                    @else { (l.t("Tự theo dõi sức khỏe đến hết ngày ", "Self-monitoring until the end of ")) }
                    (show_date(&o.monitoring_end)) "." }
            }
            div.signature { p { (commune.name) ", " (l.t("ngày ", "")) (show_date(o.released_on.as_deref().unwrap_or(""))) }
                p { strong { (l.t("TM. BAN CHỈ ĐẠO", "FOR THE COMMITTEE")) } } p.muted { (l.t("(Ký, ghi rõ họ tên, đóng dấu)", "(Signature, name, seal)")) } }
        }
        p.no-print { (super::print_button(l.t("In", "Print"))) }
    };
    Ok(layout(
        &page,
        l.t("Giấy xác nhận hoàn thành cách ly", "Release certificate"),
        content,
    ))
}

fn place_kind_label(l: Lang, k: &str) -> &'static str {
    match k {
        "centralised" => l.t("Khu cách ly tập trung", "Centralised quarantine site"),
        "field_hospital" => l.t("Bệnh viện dã chiến", "Field hospital"),
        "hospital" => l.t("Bệnh viện", "Hospital"),
        _ => "",
    }
}

fn bed_label(l: Lang, b: &str) -> &'static str {
    match b {
        "regular" => l.t("Giường thường", "Regular beds"),
        "oxygen" => l.t("Giường có oxy", "Oxygen beds"),
        "icu" => l.t("Hồi sức tích cực", "ICU beds"),
        _ => "",
    }
}

/// The places of the user's jurisdiction, their beds and who is in them.
pub(super) async fn places_page(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<PlacesQuery>,
) -> PageResult {
    let within = Within::of(&s, &page, &q.unit).await?;
    let l = page.lang;
    // What the last action on the page did (`?done=`, after its redirect).
    let done = match q.done.as_str() {
        "place" => Some(l.t("Đã thêm nơi cách ly, điều trị.", "Place added.")),
        "admitted" => Some(l.t("Đã nhận người vào.", "Person admitted.")),
        "discharged" => Some(l.t("Đã cho ra.", "Discharged.")),
        "transferred" => Some(l.t("Đã chuyển nơi.", "Transferred.")),
        _ => None,
    };
    places_in(&s, &page, &within, Vec::new(), done).await
}

/// `/places?unit=&done=`.
#[derive(Deserialize, Default)]
pub(super) struct PlacesQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    done: String,
}

async fn places_render(s: &AppState, page: &Page, errors: Vec<FieldError>) -> PageResult {
    places_in(s, page, &Within::whole(page), errors, None).await
}

/// The places of `within` (the reader's jurisdiction, or a unit inside it).
async fn places_in(
    s: &AppState,
    page: &Page,
    within: &Within,
    errors: Vec<FieldError>,
    done: Option<&str>,
) -> PageResult {
    let l = page.lang;
    let places = s
        .store
        .places(&within.scope)
        .await
        .map_err(|e| page.fail(e))?;
    let mut inside = Vec::new();
    for p in &places {
        inside.push(
            s.store
                .admissions(&within.scope, p.id, true)
                .await
                .map_err(|e| page.fail(e))?,
        );
    }
    let communes = super::unit_choices(s, page).await?;
    let can = page.can(Permission::Quarantine);
    let destinations = if can {
        s.store
            .transfer_destinations(&page.actor.scope)
            .await
            .map_err(|e| page.fail(e))?
    } else {
        Vec::new()
    };
    let fortnight = page.today() - chrono::Days::new(13);
    let mut history = Vec::new();
    for p in &places {
        history.push(
            s.store
                .occupancy(&within.scope, p.id, fortnight, page.today())
                .await
                .map_err(|e| page.fail(e))?,
        );
    }
    let content = html! {
        h1 { (l.t("Nơi cách ly, điều trị", "Quarantine and treatment places")) }
        @if let Some(m) = done { div.notice.done #done role="status" { p { (m) } } }
        (within.notice(page))
        @if !errors.is_empty() {
            div.alert role="alert" { @for e in &errors { p { (l.t(&e.message_vi, &e.message_en)) } } }
        }
        @for ((p, people), days) in places.iter().zip(&inside).zip(&history) {
            section.place data-place=(p.id) {
                h2 { (p.name) }
                p { (place_kind_label(l, &p.kind)) " · " (p.oxygen_points) (l.t(" điểm oxy · ", " oxygen points · ")) (p.staff) (l.t(" nhân viên", " staff")) }
                div.table-wrap { table.responsive.beds {
                    thead { tr { th { (l.t("Loại giường", "Beds")) } th.num { (l.t("Tổng", "Capacity")) } th.num { (l.t("Đang dùng", "Occupied")) } th.num { (l.t("Còn trống", "Free")) } } }
                    tbody { @for b in &p.beds { tr {
                        td { (bed_label(l, &b.bed_type)) }
                        td.num { (super::num(l, b.capacity)) } td.num { (super::num(l, b.occupied)) } td.num.free { (super::num(l, b.free)) }
                    } } }
                } }
                (occupancy_chart(l, p, days))
                @if !people.is_empty() {
                    ul { @for a in people { li {
                        a href={ "/persons/" (a.person_id) } { (a.full_name) } " · " (bed_label(l, &a.bed_type)) " · " (l.t("vào ", "since ")) (show_date(&a.admitted_on))
                        @if can {
                            " " form.inline method="post" action={ "/admissions/" (a.id) "/discharge" } {
                                (page.csrf_field())
                                input type="hidden" name="discharged_on" value=(page.today().format("%d/%m/%Y"));
                                button.secondary type="submit" { (l.t("Cho ra hôm nay", "Discharge today")) }
                            }
                            @if destinations.iter().any(|d| d.id != p.id) {
                            " " form.inline method="post" action={ "/admissions/" (a.id) "/transfer" } {
                                (page.csrf_field())
                                input type="hidden" name="transferred_on" value=(page.today().format("%d/%m/%Y"));
                                select name="to_place_id" aria-label=(l.t("Chuyển đến", "Transfer to")) {
                                    @for d in destinations.iter().filter(|d| d.id != p.id) {
                                        option value=(d.id) { (d.name) " (" (d.beds.iter().map(|b| b.free).sum::<i64>()) (l.t(" trống", " free")) ")" }
                                    }
                                }
                                select name="bed_type" aria-label=(l.t("Loại giường", "Bed type")) { @for b in phongdich_store::BedType::ALL.iter().map(|b| b.as_str()) { option value=(b) { (bed_label(l, b)) } } }
                                button.secondary type="submit" { (l.t("Chuyển", "Transfer")) }
                            }
                            }
                        }
                    } } }
                }
                @if can {
                    form.inline method="post" action={ "/places/" (p.id) "/admissions" } {
                        (page.csrf_field())
                        div.field { (super::picker::person_input(l, &format!("adm-{}", p.id), "person_id", ("Nhận người", "Admit a person"), "", false, true)) }
                        select name="bed_type" aria-label=(l.t("Loại giường", "Bed type")) { @for b in &p.beds { option value=(b.bed_type) { (bed_label(l, &b.bed_type)) } } }
                        input type="hidden" name="admitted_on" value=(page.today().format("%d/%m/%Y"));
                        button type="submit" { (l.t("Nhận vào", "Admit")) }
                    }
                }
            }
        }
        @if places.is_empty() { p.muted { (l.t("Chưa có nơi cách ly, điều trị nào.", "No places yet.")) } }
        @if can {
            details open[!errors.is_empty() || places.is_empty()] {
                summary { (l.t("Thêm nơi cách ly, điều trị", "Add a place")) }
                form.stack #add-place method="post" action="/places" {
                    (page.csrf_field())
                    div.field { label for="pl-name" { (l.t("Tên", "Name")) } input #pl-name name="name"; (field_error(l, &errors, "name")) }
                    div.field { label for="pl-kind" { (l.t("Loại", "Kind")) }
                        select #pl-kind name="kind" { @for k in phongdich_store::PlaceKind::ALL.iter().map(|k| k.as_str()) { option value=(k) { (place_kind_label(l, k)) } } } }
                    div.field { label for="pl-commune" { (l.t("Xã/phường", "Commune")) }
                        select #pl-commune name="commune_code" { @for u in &communes { option value=(u.code) { (u.name) } } }
                        (field_error(l, &errors, "commune_code")) }
                    div.field { label for="pl-address" { (l.t("Địa chỉ", "Address")) } input #pl-address name="address"; }
                    @for b in phongdich_store::BedType::ALL.iter().map(|b| b.as_str()) {
                        div.field { label for={ "pl-" (b) } { (bed_label(l, b)) } input id={ "pl-" (b) } name=(b) inputmode="numeric" value="0"; }
                    }
                    (field_error(l, &errors, "beds"))
                    div.field { label for="pl-oxygen" { (l.t("Điểm cung cấp oxy", "Oxygen points")) } input #pl-oxygen name="oxygen_points" inputmode="numeric" value="0"; }
                    div.field { label for="pl-staff" { (l.t("Nhân viên", "Staff")) } input #pl-staff name="staff" inputmode="numeric" value="0"; }
                    button type="submit" { (l.t("Thêm", "Add")) }
                }
            }
        }
    };
    Ok(layout(
        page,
        l.t("Nơi cách ly, điều trị", "Places"),
        content,
    ))
}

/// Beds occupied each day of the last fortnight against the capacity, as
/// bars (no script; readable when printed).
fn occupancy_chart(l: Lang, p: &phongdich_store::Place, days: &[(String, i64)]) -> Markup {
    let capacity: i64 = p.beds.iter().map(|b| b.capacity).sum::<i64>().max(1);
    let top = days.iter().map(|d| d.1).max().unwrap_or(0).max(capacity);
    let (w, h, bar) = (14 * 22, 60, 16);
    let y = |n: i64| h - (n * h / top.max(1));
    html! {
        figure.occupancy {
            svg width=(w) height=(h + 16) viewBox={ "0 0 " (w) " " (h + 16) } role="img"
                aria-label=(format!("{} {}", l.t("Số giường đang dùng 14 ngày qua; tổng", "Beds occupied, last 14 days; capacity"), capacity)) {
                @for (i, (day, n)) in days.iter().enumerate() {
                    rect x=(i * 22 + 3) y=(y(*n)) width=(bar) height=(h - y(*n)) fill=(if *n >= capacity { "#b71c1c" } else { "#1565c0" }) {
                        title { (show_date(day)) ": " (n) }
                    }
                }
                line x1="0" x2=(w) y1=(y(capacity)) y2=(y(capacity)) stroke="#555" stroke-dasharray="4 3" {}
                text x="0" y=(h + 13) font-size="11" { (days.first().map(|d| show_date(&d.0)).unwrap_or_default()) }
                text x=(w) y=(h + 13) font-size="11" text-anchor="end" { (days.last().map(|d| show_date(&d.0)).unwrap_or_default()) }
            }
            figcaption { (l.t("Giường đang dùng 14 ngày qua (vạch: tổng số giường ", "Beds occupied over 14 days (dashes: capacity ")) (capacity) ")" }
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct TransferForm {
    #[serde(default)]
    to_place_id: String,
    #[serde(default)]
    bed_type: String,
    #[serde(default)]
    transferred_on: String,
}

pub(super) async fn transfer(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<TransferForm>,
) -> PageResult {
    let to = f.to_place_id.trim().parse::<i64>().unwrap_or(0);
    match s
        .store
        .transfer(&page.actor, id, to, &f.bed_type, &f.transferred_on)
        .await
    {
        Ok(_) => Ok(Redirect::to("/places?done=transferred").into_response()),
        Err(e) => {
            let errors = refusal(e).map_err(|e| page.fail(e))?;
            places_render(&s, &page, errors).await
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct PlaceForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    commune_code: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    regular: String,
    #[serde(default)]
    oxygen: String,
    #[serde(default)]
    icu: String,
    #[serde(default)]
    oxygen_points: String,
    #[serde(default)]
    staff: String,
}

pub(super) async fn create_place(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<PlaceForm>,
) -> PageResult {
    page.require(Permission::Quarantine)?;
    let n = |v: &str| v.trim().parse::<i64>().unwrap_or(-1);
    let input = phongdich_store::PlaceInput {
        name: f.name,
        kind: f.kind,
        commune_code: f.commune_code,
        address: f.address,
        beds: [
            ("regular", &f.regular),
            ("oxygen", &f.oxygen),
            ("icu", &f.icu),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty() && v.trim() != "0")
        .map(|(t, v)| (t.to_owned(), n(v)))
        .collect(),
        oxygen_points: if f.oxygen_points.trim().is_empty() {
            0
        } else {
            n(&f.oxygen_points)
        },
        staff: if f.staff.trim().is_empty() {
            0
        } else {
            n(&f.staff)
        },
    };
    match s.store.create_place(&page.actor, &input).await {
        Ok(_) => Ok(Redirect::to("/places?done=place").into_response()),
        Err(e) => {
            let errors = refusal(e).map_err(|e| page.fail(e))?;
            places_render(&s, &page, errors).await
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct AdmitForm {
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    bed_type: String,
    #[serde(default)]
    admitted_on: String,
}

pub(super) async fn admit(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<AdmitForm>,
) -> PageResult {
    page.require(Permission::Quarantine)?;
    let person_id = match super::picker::resolve_person(&s.store, &page, "person_id", &f.person_id)
        .await
        .map_err(|e| page.fail(e))?
    {
        Ok(id) => id.unwrap_or(0),
        Err(e) => return places_render(&s, &page, vec![e]).await,
    };
    match s
        .store
        .admit(&page.actor, id, person_id, &f.bed_type, &f.admitted_on)
        .await
    {
        Ok(_) => Ok(Redirect::to("/places?done=admitted").into_response()),
        Err(StoreError::NotFound {
            entity: phongdich_store::Entity::Person,
            ..
        }) => {
            let e = FieldError::new(
                "person_id",
                "not_found",
                "Không tìm thấy người này trong phạm vi của bạn.",
                "No such person within your jurisdiction.",
            );
            places_render(&s, &page, vec![e]).await
        }
        Err(e) => {
            let errors = refusal(e).map_err(|e| page.fail(e))?;
            places_render(&s, &page, errors).await
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct DischargeForm {
    #[serde(default)]
    discharged_on: String,
}

pub(super) async fn discharge(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<DischargeForm>,
) -> PageResult {
    match s.store.discharge(&page.actor, id, &f.discharged_on).await {
        Ok(_) => Ok(Redirect::to("/places?done=discharged").into_response()),
        Err(e) => {
            let errors = refusal(e).map_err(|e| page.fail(e))?;
            places_render(&s, &page, errors).await
        }
    }
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/persons/{id}/quarantine", post(create))
        .route("/quarantine", get(day_page))
        .route("/places", get(places_page).post(create_place))
        .route("/places/{id}/admissions", post(admit))
        .route("/admissions/{id}/discharge", post(discharge))
        .route("/admissions/{id}/transfer", post(transfer))
        .route("/quarantine/f1", post(order_all_f1))
        .route("/quarantine/orders/{id}/release", post(release))
        .route("/quarantine/orders/{id}/extend", post(extend))
        .route("/quarantine/orders/{id}/certificate", get(certificate))
}
