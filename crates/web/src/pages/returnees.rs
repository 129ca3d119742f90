//! Returnees on the pages: the commune's hand-over of a day (who arrives,
//! who is overdue; confirm home, which issues the quarantine order; cancel),
//! the registration form (the person by name, the origin province by name),
//! a registration's card with its code (as a QR code and to read out), the
//! checkpoint's scan form, and the province's list of epidemic areas.

use super::{Page, PageResult, field_error, form_errors, layout, show_day, show_time, text_field};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use phongdich_domain::returnees::{Means, Obligation, RegistrationInput, Status};
use phongdich_domain::{FieldError, Permission, PersonInput};
use phongdich_store::{AreaInput, Registration, ScanInput, Scope, StoreError};
use serde::Deserialize;

pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/returnees", get(handover))
        .route("/returnees/new", get(new_form).post(create))
        .route("/returnees/import", super::upload(post(import)))
        .route("/returnees/{id}", get(card))
        .route("/returnees/{id}/home", post(home))
        .route("/returnees/{id}/cancel", post(cancel))
        .route("/checkpoint", get(checkpoint_page).post(checkpoint_scan))
        .route("/epidemic-areas", get(areas_page).post(add_area))
        .route("/epidemic-areas/{id}/end", post(end_area))
        .route("/static/checkpoint.js", get(script))
}

fn status_label(l: Lang, s: Status) -> &'static str {
    let (vi, en) = s.label();
    l.t(vi, en)
}

fn means_label(l: Lang, m: Means) -> &'static str {
    let (vi, en) = m.label();
    l.t(vi, en)
}

fn obligation_text(l: Lang, o: &Obligation) -> String {
    let (vi, en) = o.describe();
    l.t(&vi, &en).to_owned()
}

/// The code as read out: `V-XXXX-XXXXX`, easier to type and to say.
fn spaced(code: &str) -> String {
    if code.len() == 10 {
        format!("{}-{}-{}", &code[..1], &code[1..5], &code[5..])
    } else {
        code.to_owned()
    }
}

#[derive(Deserialize, Default)]
pub(super) struct DayQuery {
    #[serde(default)]
    day: String,
    #[serde(default)]
    done: String,
}

fn done_message(l: Lang, done: &str) -> Option<&'static str> {
    Some(match done {
        "home" => l.t(
            "Đã xác nhận về nhà; quyết định cách ly (nếu có) đã được lập.",
            "Confirmed home; the quarantine order, if any, was issued.",
        ),
        "cancelled" => l.t("Đã hủy đăng ký.", "Registration cancelled."),
        "registered" => l.t("Đã đăng ký người về.", "Returnee registered."),
        "area" => l.t("Đã thêm vùng dịch.", "Epidemic area added."),
        "area_ended" => l.t(
            "Đã ghi ngày kết thúc vùng dịch.",
            "The epidemic area's last day is recorded.",
        ),
        _ => return None,
    })
}

async fn handover(State(s): State<AppState>, page: Page, Query(q): Query<DayQuery>) -> PageResult {
    page.require(Permission::Returnees)?;
    let l = page.lang;
    let (day, errors) = if q.day.trim().is_empty() {
        (page.today(), Vec::new())
    } else {
        match phongdich_domain::contact::parse_date("day", &q.day) {
            Ok(d) => (d, Vec::new()),
            Err(e) => (page.today(), vec![e]),
        }
    };
    let h = s
        .store
        .returnee_handover(&page.actor.scope, day)
        .await
        .map_err(|e| page.fail(e))?;
    let table = |rows: &[Registration], id: &str| {
        html! {
            div.table-wrap { table.responsive id=(id) {
                thead { tr {
                    th { (l.t("Họ tên", "Name")) } th { (l.t("Nơi về", "Going to")) } th { (l.t("Từ", "From")) }
                    th { (l.t("Ngày đến", "Arrival")) } th { (l.t("Trạng thái", "Status")) } th { (l.t("Việc", "Action")) }
                } }
                tbody { @for r in rows { tr data-code=(r.code) {
                    td data-label=(l.t("Họ tên", "Name")) {
                        a href={ "/returnees/" (r.id) } { strong { (r.full_name) } } " (" (r.birth_year) ")"
                        @if r.doses == 0 { " " span.badge.warn { (l.t("chưa tiêm", "unvaccinated")) } }
                        @if let Some(p) = &r.phone { br; small { a href={ "tel:" (p) } { (p) } } }
                    }
                    td data-label=(l.t("Nơi về", "Going to")) {
                        (r.hamlet_name.clone().unwrap_or_default()) @if r.hamlet_name.is_some() { ", " } (r.commune_name)
                    }
                    td data-label=(l.t("Từ", "From")) {
                        (r.origin_name)
                        @if r.area_id.is_some() { " " span.badge.warn { (l.t("vùng dịch", "epidemic area")) } }
                        br; small { (means_label(l, r.means)) }
                    }
                    td data-label=(l.t("Ngày đến", "Arrival")) { (show_day(r.arrival_on)) }
                    td data-label=(l.t("Trạng thái", "Status")) {
                        (status_label(l, r.status))
                        @if let Some(t) = &r.checked_at { br; small { (r.checkpoint.clone().unwrap_or_default()) ", " (show_time(t)) } }
                        @if r.checkpoint_result.as_deref() == Some("positive") { br; strong.error { (l.t("Test nhanh tại chốt DƯƠNG TÍNH", "Rapid test at the checkpoint POSITIVE")) } }
                    }
                    td data-label=(l.t("Việc", "Action")) {
                        @if r.order_id.is_some() && r.record_within(&page.actor.scope) {
                            a href={ "/persons/" (r.person_id) "#quarantine" } { (l.t("Quyết định cách ly →", "Quarantine order →")) }
                        }
                        @if matches!(r.status, Status::Registered | Status::Checked) {
                            form.inline method="post" action={ "/returnees/" (r.id) "/home" } {
                                (page.csrf_field())
                                label.visually-hidden for={ "home-" (r.id) } { (l.t("Ngày về nhà", "Day home")) }
                                input id={ "home-" (r.id) } name="home_on" size="10" inputmode="numeric" value=(show_day(page.today()));
                                button type="submit" { (l.t("Đã về nhà", "Home")) }
                            }
                        }
                    }
                } } }
            } }
        }
    };
    let content = html! {
        h1 { (l.t("Người về địa phương", "Returnees")) }
        @if let Some(m) = done_message(l, &q.done) { p.notice role="status" { (m) } }
        p {
            a.button href="/returnees/new" { (l.t("Đăng ký người về", "Register a returnee")) }
            " " a href="/returnees/batches" { (l.t("Đợt đón →", "Transport batches →")) }
            " " a href="/epidemic-areas" { (l.t("Danh sách vùng dịch →", "Epidemic areas →")) }
        }
        form.inline method="get" action="/returnees" {
            label for="r-day" { (l.t("Ngày đến", "Arrival day")) }
            input #r-day name="day" size="10" inputmode="numeric" value=(show_day(day));
            button type="submit" { (l.t("Xem", "Show")) }
            (field_error(l, &errors, "day"))
        }
        details #import-returnees {
            summary { (l.t("Nhập danh sách người về (CSV, XLSX)", "Import a list of returnees (CSV, XLSX)")) }
            p.muted { (l.t(
                "Mỗi dòng một người: các cột người dân (Họ và tên, Ngày sinh, Giới tính, CCCD, SĐT, Mã xã nơi về…) và Tỉnh đi, Huyện đi (tên hoặc mã), Ngày đi, Ngày đến, Phương tiện, Nhóm (cùng nhóm là đi cùng), Số mũi, Ngày tiêm mũi cuối, Loại xét nghiệm, Ngày xét nghiệm, Kết quả. Mỗi dòng được báo cáo.",
                "One person a row: the person columns (full_name, birth, sex, national_id, phone, commune_code they go to…) and origin_province, origin_district (name or code), departure_on, arrival_on, means, group (same group travels together), doses, last_dose_on, test_kind, test_on, test_result. Every row is reported."
            )) }
            form method="post" action="/returnees/import" enctype="multipart/form-data" {
                // The token as the first part of the upload, not in its address.
                (page.csrf_field())
                div.field { label for="ri-file" { (l.t("Tệp", "File")) } input #ri-file type="file" name="file" accept=".csv,.xlsx" required; }
                button type="submit" { (l.t("Nhập", "Import")) }
            }
        }
        section aria-labelledby="h-arriving" {
            h2 #h-arriving { (l.t("Đến ngày ", "Arriving on ")) (show_day(day)) " (" (h.arriving.len()) ")" }
            @if h.arriving.is_empty() { p.muted { (l.t("Không có ai đăng ký về ngày này.", "Nobody is registered to arrive that day.")) } }
            @else { (table(&h.arriving, "arriving")) }
        }
        @let unvaccinated: Vec<&Registration> = h.arriving.iter().filter(|r| r.doses == 0 && r.status != Status::Cancelled).collect();
        @if !unvaccinated.is_empty() {
            section aria-labelledby="h-unvaccinated" {
                h2 #h-unvaccinated { (l.t("Chưa tiêm vắc-xin: cần hẹn tiêm", "Unvaccinated: to be given an appointment")) " (" (unvaccinated.len()) ")" }
                ul #unvaccinated { @for r in &unvaccinated {
                    li { @if r.record_within(&page.actor.scope) { a href={ "/persons/" (r.person_id) } { (r.full_name) } } @else { (r.full_name) }
                        " (" (r.birth_year) ")"
                        @if let Some(p) = &r.phone { " · " a href={ "tel:" (p) } { (p) } }
                        " · " (r.hamlet_name.clone().unwrap_or_default()) @if r.hamlet_name.is_some() { ", " } (r.commune_name) }
                } }
            }
        }
        section aria-labelledby="h-overdue" {
            h2 #h-overdue { (l.t("Quá ngày, chưa xác nhận về nhà", "Overdue, not confirmed home")) " (" (h.overdue.len()) ")" }
            @if h.overdue.is_empty() { p.muted { (l.t("Không có.", "None.")) } }
            @else { (table(&h.overdue, "overdue")) }
        }
    };
    Ok(layout(
        &page,
        l.t("Người về địa phương", "Returnees"),
        content,
    ))
}

/// A registration form as posted (the officer's and the public page's; the
/// public page has no hamlet list nor prior test, which stay blank).
#[derive(Deserialize, Default, Clone)]
pub(super) struct RegistrationForm {
    #[serde(default)]
    pub(super) full_name: String,
    #[serde(default)]
    pub(super) birth: String,
    #[serde(default)]
    pub(super) sex: String,
    #[serde(default)]
    pub(super) national_id: String,
    #[serde(default)]
    pub(super) phone: String,
    #[serde(default)]
    pub(super) commune_code: String,
    #[serde(default)]
    pub(super) hamlet_code: String,
    #[serde(default)]
    pub(super) street_address: String,
    #[serde(default)]
    pub(super) origin_code: String,
    /// A district of the origin province, by name (or code); blank: the
    /// whole province.
    #[serde(default)]
    pub(super) origin_district: String,
    #[serde(default)]
    pub(super) origin_address: String,
    #[serde(default)]
    pub(super) departure_on: String,
    #[serde(default)]
    pub(super) arrival_on: String,
    #[serde(default)]
    pub(super) means: String,
    #[serde(default)]
    pub(super) travels_with: String,
    #[serde(default)]
    pub(super) doses: String,
    #[serde(default)]
    pub(super) last_dose_on: String,
    #[serde(default)]
    pub(super) vaccine: String,
    #[serde(default)]
    pub(super) test_kind: String,
    #[serde(default)]
    pub(super) test_on: String,
    #[serde(default)]
    pub(super) test_result: String,
}

impl RegistrationForm {
    /// The registration as the domain reads it; doses that are not a number
    /// from 0 to 4 are the form's own error (the field is a number there).
    pub(super) fn input(&self) -> Result<RegistrationInput, FieldError> {
        let doses = match self.doses.trim() {
            "" => 0,
            d => d.parse::<u8>().map_err(|_| {
                FieldError::new(
                    "doses",
                    "invalid",
                    "Số mũi vắc-xin từ 0 đến 4.",
                    "Vaccine doses are 0 to 4.",
                )
            })?,
        };
        Ok(RegistrationInput {
            person: PersonInput {
                full_name: self.full_name.clone(),
                birth: self.birth.clone(),
                sex: self.sex.clone(),
                national_id: self.national_id.clone(),
                phone: self.phone.clone(),
                commune_code: self.commune_code.clone(),
                hamlet_code: self.hamlet_code.clone(),
                street_address: self.street_address.clone(),
                ..Default::default()
            },
            origin_code: self.origin_code.clone(),
            origin_address: self.origin_address.clone(),
            departure_on: self.departure_on.clone(),
            arrival_on: self.arrival_on.clone(),
            means: self.means.clone(),
            travels_with: self.travels_with.clone(),
            doses,
            last_dose_on: self.last_dose_on.clone(),
            vaccine: self.vaccine.clone(),
            test_kind: self.test_kind.clone(),
            test_on: self.test_on.clone(),
            test_result: self.test_result.clone(),
        })
    }
}

const FIELDS: [&str; 21] = [
    "full_name",
    "birth",
    "sex",
    "national_id",
    "phone",
    "commune_code",
    "hamlet_code",
    "street_address",
    "origin_code",
    "origin_district",
    "origin_address",
    "departure_on",
    "arrival_on",
    "means",
    "travels_with",
    "doses",
    "last_dose_on",
    "vaccine",
    "test_kind",
    "test_on",
    "test_result",
];

async fn new_form(State(s): State<AppState>, page: Page) -> PageResult {
    page.require(Permission::Returnees)?;
    let today = show_day(page.today());
    let f = RegistrationForm {
        departure_on: today.clone(),
        arrival_on: today,
        doses: "0".into(),
        ..Default::default()
    };
    form_page(&s, &page, &f, &[]).await
}

pub(super) fn select(
    l: Lang,
    name: &str,
    label: (&str, &str),
    value: &str,
    options: &[(&str, &str)],
    errors: &[FieldError],
) -> Markup {
    let invalid = errors.iter().any(|e| e.field == name);
    html! {
        div.field.invalid[invalid] {
            label for={ "f-" (name) } { (l.t(label.0, label.1)) }
            select id={ "f-" (name) } name=(name) aria-invalid=[invalid.then_some("true")] {
                @for (v, text) in options { option value=(v) selected[*v == value] { (text) } }
            }
            (field_error(l, errors, name))
        }
    }
}

async fn form_page(
    s: &AppState,
    page: &Page,
    f: &RegistrationForm,
    errors: &[FieldError],
) -> PageResult {
    let l = page.lang;
    let units = super::picker::units_to_choose(&s.store, page)
        .await
        .map_err(|e| page.fail(e))?;
    let means: Vec<(&str, &str)> = Means::ALL
        .iter()
        .map(|m| (m.as_str(), means_label(l, *m)))
        .collect();
    let origin = origin_fields(
        s,
        page,
        ["origin_code", "origin_district"],
        ("Đi từ tỉnh/thành phố", "From (province)"),
        [&f.origin_code, &f.origin_district],
        errors,
    )
    .await
    .map_err(|e| page.fail(e))?;
    let content = html! {
        h1 { (l.t("Đăng ký người về địa phương", "Register a returnee")) }
        p.muted { (l.t(
            "Người đã có trong sổ (cùng số CCCD) được dùng lại; người mới được đăng ký cùng lúc.",
            "Someone already registered (same CCCD) is reused; someone new is registered at the same time."
        )) }
        (form_errors(l, errors, &FIELDS))
        form method="post" action="/returnees/new" novalidate {
            (page.csrf_field())
            fieldset {
                legend { (l.t("Người về", "The person")) }
                div.grid {
                    (text_field(l, "full_name", ("Họ và tên", "Full name"), &f.full_name, errors, "required autocomplete=\"off\""))
                    (text_field(l, "birth", ("Ngày sinh (dd/mm/yyyy) hoặc năm sinh", "Birth date (dd/mm/yyyy) or year"), &f.birth, errors, "required"))
                    (select(l, "sex", ("Giới tính", "Sex"), &f.sex, &[("", "—"), ("male", l.t("Nam", "Male")), ("female", l.t("Nữ", "Female"))], errors))
                    (text_field(l, "national_id", ("Số CCCD/CMND", "National ID (CCCD/CMND)"), &f.national_id, errors, "inputmode=\"numeric\""))
                    (text_field(l, "phone", ("Số điện thoại", "Phone"), &f.phone, errors, "inputmode=\"tel\""))
                    (super::picker::unit_field(l, "commune_code", ("Về xã/phường", "Going to (commune)"), &f.commune_code, errors, &units))
                    (text_field(l, "hamlet_code", ("Thôn/tổ dân phố (tên)", "Hamlet (name)"), &f.hamlet_code, errors, ""))
                    (text_field(l, "street_address", ("Địa chỉ nơi về (số nhà, đường)", "Address (house, street)"), &f.street_address, errors, ""))
                }
            }
            fieldset {
                legend { (l.t("Chuyến đi", "The trip")) }
                div.grid {
                    (origin)
                    (text_field(l, "origin_address", ("Địa chỉ nơi đi", "Address there"), &f.origin_address, errors, ""))
                    (text_field(l, "departure_on", ("Ngày đi (dd/mm/yyyy)", "Departure (dd/mm/yyyy)"), &f.departure_on, errors, "required inputmode=\"numeric\""))
                    (text_field(l, "arrival_on", ("Ngày đến (dd/mm/yyyy)", "Arrival (dd/mm/yyyy)"), &f.arrival_on, errors, "required inputmode=\"numeric\""))
                    (select(l, "means", ("Phương tiện", "Means"), &f.means, &means, errors))
                    (text_field(l, "travels_with", ("Đi cùng (mã đăng ký của người đi cùng)", "Travelling with (their registration code)"), &f.travels_with, errors, "autocomplete=\"off\""))
                }
            }
            fieldset {
                legend { (l.t("Tiêm chủng và xét nghiệm", "Vaccination and test")) }
                div.grid {
                    (select(l, "doses", ("Số mũi vắc-xin", "Vaccine doses"), &f.doses, &[("0", "0"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")], errors))
                    (text_field(l, "last_dose_on", ("Ngày tiêm mũi cuối", "Last dose on"), &f.last_dose_on, errors, "inputmode=\"numeric\""))
                    (text_field(l, "vaccine", ("Loại vắc-xin", "Vaccine"), &f.vaccine, errors, ""))
                    (select(l, "test_kind", ("Xét nghiệm trước khi đi", "Test before leaving"), &f.test_kind, &[("", l.t("Không có", "None")), ("rt_pcr", "RT-PCR"), ("antigen", l.t("Test nhanh kháng nguyên", "Rapid antigen"))], errors))
                    (text_field(l, "test_on", ("Ngày xét nghiệm", "Test date"), &f.test_on, errors, "inputmode=\"numeric\""))
                    (select(l, "test_result", ("Kết quả", "Result"), &f.test_result, &[("", "—"), ("negative", l.t("Âm tính", "Negative")), ("positive", l.t("Dương tính", "Positive"))], errors))
                }
            }
            button type="submit" { (l.t("Đăng ký", "Register")) }
            " " a.button.secondary href="/returnees" { (l.t("Quay lại", "Back")) }
        }
    };
    Ok(layout(
        page,
        l.t("Đăng ký người về", "Register a returnee"),
        content,
    ))
}

async fn create(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<RegistrationForm>,
) -> PageResult {
    page.require(Permission::Returnees)?;
    let mut input = match f.input() {
        Ok(i) => i,
        Err(e) => return form_page(&s, &page, &f, &[e]).await,
    };
    if let Some(e) = super::persons::resolve_hamlet(&s, &page, &mut input.person).await? {
        return form_page(&s, &page, &f, &[e]).await;
    }
    input.origin_code = match origin_of_form(
        &s,
        [&f.origin_code, &f.origin_district],
        ["origin_code", "origin_district"],
    )
    .await
    .map_err(|e| page.fail(e))?
    {
        Ok(code) => code,
        Err(e) => return form_page(&s, &page, &f, &[e]).await,
    };
    match s
        .store
        .register_returnee(&page.actor, &input, "officer")
        .await
    {
        Ok(r) => Ok(Redirect::to(&format!(
            "/returnees/{}?done=registered&matched={}",
            r.registration.id, r.matched
        ))
        .into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "full_name").map_err(|e| page.fail(e))?;
            let mut r = form_page(&s, &page, &f, &errors).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

/// The origin's fields: a province from the list and, optionally, one of
/// its districts typed by name (its districts suggested: rendered for the
/// province chosen, refreshed by `picker.js` when it changes); a code that
/// is no province (sent by a script) is shown as typed. The server reads
/// them with [`origin_of_form`].
async fn origin_fields(
    s: &AppState,
    page: &Page,
    [province_field, district_field]: [&str; 2],
    label: (&str, &str),
    [province, district]: [&str; 2],
    errors: &[FieldError],
) -> Result<Markup, StoreError> {
    let l = page.lang;
    let provinces = s.store.root_units(&Scope::national()).await?;
    let chosen = provinces.iter().find(|p| p.code == province.trim());
    if chosen.is_none() && !province.trim().is_empty() {
        return Ok(text_field(
            l,
            province_field,
            ("Đi từ (mã huyện/xã)", "From (district/commune code)"),
            province,
            errors,
            "inputmode=\"numeric\"",
        ));
    }
    let districts = match chosen {
        Some(p) => s.store.children(&p.code).await?,
        None => Vec::new(),
    };
    let list = format!("dl-{district_field}");
    let invalid = errors.iter().any(|e| e.field == province_field);
    Ok(html! {
        div.field.invalid[invalid] {
            label for={ "f-" (province_field) } { (l.t(label.0, label.1)) }
            select id={ "f-" (province_field) } name=(province_field) data-districts=(list) aria-invalid=[invalid.then_some("true")] {
                option value="" selected[chosen.is_none()] { (l.t("— Chọn tỉnh —", "— Choose a province —")) }
                @for p in &provinces { option value=(p.code) selected[chosen.is_some_and(|c| c.code == p.code)] { (p.name) } }
            }
            (field_error(l, errors, province_field))
        }
        (text_field(l, district_field, ("Quận/huyện (gõ tên; để trống: cả tỉnh)", "District (type its name; blank: the whole province)"), district, errors, &format!("list=\"{list}\" autocomplete=\"off\"")))
        datalist id=(list) data-province=(chosen.map(|p| p.code.as_str()).unwrap_or("")) { (super::units::district_options(&districts)) }
    })
}

/// The unit [`origin_fields`] name: the province chosen, or its district
/// typed by name or code (resolved within the province; one it does not
/// have is the district field's error, in words).
async fn origin_of_form(
    s: &AppState,
    [province, district]: [&str; 2],
    [province_field, district_field]: [&str; 2],
) -> Result<Result<String, FieldError>, StoreError> {
    if district.trim().is_empty() {
        return Ok(Ok(province.trim().to_owned()));
    }
    if province.trim().is_empty() {
        return Ok(Err(FieldError::new(
            province_field,
            "required",
            "Chọn tỉnh/thành phố có quận/huyện này.",
            "Choose the province the district is in.",
        )));
    }
    Ok(match s.store.resolve_origin(province, district).await? {
        Ok(phongdich_store::Source::OtherProvince {
            province_code,
            district_code,
            ..
        }) => Ok(district_code.unwrap_or(province_code)),
        Ok(_) => Ok(province.trim().to_owned()),
        Err(mut e) => {
            e.field = if e.field == "origin_district" {
                district_field
            } else {
                province_field
            }
            .to_owned();
            Err(e)
        }
    })
}

#[derive(Deserialize, Default)]
pub(super) struct CardQuery {
    #[serde(default)]
    done: String,
    #[serde(default)]
    matched: String,
}

async fn card(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<CardQuery>,
) -> PageResult {
    page.require(Permission::Returnees)?;
    let l = page.lang;
    let r = s
        .store
        .returnee(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?;
    let obligation = s
        .store
        .returnee_obligation(&r)
        .await
        .map_err(|e| page.fail(e))?;
    let matched = match q.matched.as_str() {
        "national_id" => Some(l.t("Đã có trong sổ (cùng số CCCD): dùng hồ sơ đó.", "Already registered (same CCCD): that record is used.")),
        "national_id_elsewhere" => Some(l.t(
            "Số CCCD này có ở hồ sơ do đơn vị khác quản lý: chuyến về ghi vào hồ sơ đó, hồ sơ chuyển về xã khi xác nhận đã về đến nhà.",
            "This CCCD is on a record another unit keeps: the trip is on that record, which moves to the commune when they are confirmed home.",
        )),
        "created_likely_duplicate" => Some(l.t(
            "Người mới: đã đăng ký vào sổ; giống một người đã có (tên, năm sinh, nơi ở hoặc SĐT) — cặp hồ sơ đã vào danh sách nghi trùng để rà soát.",
            "Someone new: added to the registry; they look like a registered person (name, birth year, place or phone) — the pair is on the duplicates list for review.",
        )),
        "created" => Some(l.t("Người mới: đã đăng ký vào sổ người dân.", "Someone new: added to the registry.")),
        _ => None,
    };
    let content = html! {
        h1 { (r.full_name) " (" (r.birth_year) ")" }
        @if let Some(m) = done_message(l, &q.done) { p.notice role="status" { (m) @if let Some(x) = matched { " " (x) } } }
        div.card #returnee-card {
            p { (l.t("Mã đăng ký", "Registration code")) }
            (super::testing::qr_svg(&r.code, 160))
            p.code-big { strong { (spaced(&r.code)) } }
            p.muted { (l.t("Đọc hoặc đưa mã này tại chốt kiểm soát.", "Read out or show this code at the checkpoint.")) }
        }
        dl.facts {
            dt { (l.t("Trạng thái", "Status")) } dd { (status_label(l, r.status)) }
            dt { (l.t("Nơi về", "Going to")) } dd { (r.hamlet_name.clone().unwrap_or_default()) @if r.hamlet_name.is_some() { ", " } (r.commune_name) }
            dt { (l.t("Đi từ", "From")) } dd { (r.origin_name) @if let Some(a) = &r.origin_address { " — " (a) } }
            dt { (l.t("Ngày đi – đến", "Departure – arrival")) } dd { (show_day(r.departure_on)) " – " (show_day(r.arrival_on)) }
            dt { (l.t("Phương tiện", "Means")) } dd { (means_label(l, r.means)) }
            @if r.group_code != r.code { dt { (l.t("Đi cùng nhóm", "Group")) } dd { (spaced(&r.group_code)) } }
            dt { (l.t("Vắc-xin", "Vaccine")) } dd { (r.doses) (l.t(" mũi", " doses")) @if let Some(d) = r.last_dose_on { ", " (show_day(d)) } }
            @if let Some(t) = &r.checked_at { dt { (l.t("Qua chốt", "Through the checkpoint")) } dd { (r.checkpoint.clone().unwrap_or_default()) ", " (show_time(t)) } }
            dt { (l.t("Phải thực hiện", "Must")) } dd #obligation { (obligation_text(l, &obligation)) }
        }
        p {
            @if r.record_within(&page.actor.scope) {
                a href={ "/persons/" (r.person_id) } { (l.t("Hồ sơ người dân →", "Person's record →")) }
            } @else {
                span.muted #record-elsewhere { (l.t(
                    "Hồ sơ người dân do nơi đi quản lý; chuyển về xã khi xác nhận về nhà.",
                    "The person's record is kept by the place they left; it moves here when they are confirmed home."
                )) }
            }
            " " a href={ "/returnees?day=" (show_day(r.arrival_on)) } { (l.t("Danh sách ngày đến →", "The arrival day's list →")) }
            " " (super::print_button(l.t("In phiếu", "Print")))
        }
        @if matches!(r.status, Status::Registered | Status::Checked) {
            details {
                summary { (l.t("Hủy đăng ký", "Cancel the registration")) }
                form.inline method="post" action={ "/returnees/" (r.id) "/cancel" } {
                    (page.csrf_field())
                    label for="c-reason" { (l.t("Lý do", "Reason")) }
                    input #c-reason name="reason" required;
                    button.secondary type="submit" { (l.t("Hủy đăng ký", "Cancel it")) }
                }
            }
        }
    };
    Ok(layout(&page, &r.full_name, content))
}

#[derive(Deserialize, Default)]
pub(super) struct HomeForm {
    #[serde(default)]
    home_on: String,
}

async fn home(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<HomeForm>,
) -> PageResult {
    let on = phongdich_domain::contact::parse_date("home_on", &f.home_on)
        .map_err(|e| page.fail(StoreError::from(phongdich_domain::Invalid(vec![e]))))?;
    let (r, _) = s
        .store
        .confirm_returnee_home(&page.actor, id, on)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to(&format!(
        "/returnees?day={}&done=home",
        show_day(r.arrival_on)
    ))
    .into_response())
}

#[derive(Deserialize, Default)]
pub(super) struct CancelForm {
    #[serde(default)]
    reason: String,
}

async fn cancel(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<CancelForm>,
) -> PageResult {
    let r = s
        .store
        .cancel_returnee(&page.actor, id, &f.reason)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to(&format!(
        "/returnees?day={}&done=cancelled",
        show_day(r.arrival_on)
    ))
    .into_response())
}

async fn script() -> axum::response::Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("checkpoint.js"),
    )
        .into_response()
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct ScanForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    checkpoint: String,
    #[serde(default)]
    idempotency_key: String,
    #[serde(default)]
    rapid_result: String,
}

/// A fresh key for the next scan: the form carries it, so the same form
/// sent twice (a double tap, a reload) is one scan.
fn scan_key() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    format!("web-{:016x}", h.finish())
}

async fn checkpoint_page(page: Page) -> PageResult {
    page.require(Permission::CheckArrivals)?;
    Ok(scan_page(&page, &ScanForm::default(), None, None, &[]))
}

fn scan_page(
    page: &Page,
    f: &ScanForm,
    outcome: Option<&phongdich_store::ScanOutcome>,
    permit: Option<&phongdich_store::PermitCheck>,
    errors: &[FieldError],
) -> axum::response::Response {
    let l = page.lang;
    let content = html! {
        h1 { (l.t("Chốt kiểm soát", "Checkpoint")) }
        @if let Some(c) = permit {
            @let p = &c.permit;
            @let (class, head) = match c.result.as_str() {
                "valid" => ("ok", l.t("Giấy đi đường hợp lệ", "Travel permit valid")),
                "revoked" => ("warn", l.t("Giấy đi đường ĐÃ BỊ THU HỒI", "Travel permit REVOKED")),
                "expired" => ("warn", l.t("Giấy đi đường HẾT HẠN", "Travel permit EXPIRED")),
                _ => ("warn", l.t("Giấy đi đường CHƯA ĐẾN NGÀY hiệu lực", "Travel permit NOT YET valid")),
            };
            div class={ "scan-result " (class) } role="status" aria-live="polite" #scan-result data-result=(c.result) {
                p { strong { (head) } }
                p.big { (p.full_name) " (" (p.birth_year) ")" @if let Some(pl) = &p.plate { " · " (pl) } }
                p { (p.from_name) " → " (p.to_name) " · " (show_day(p.valid_from)) " – " (show_day(p.valid_until)) }
                p { (p.purpose_detail) }
            }
        } @else if let Some(o) = outcome {
            @let r = &o.registration;
            @let (class, head) = match o.outcome.as_str() {
                "arrived" => ("ok", l.t("Đã ghi nhận qua chốt", "Arrival recorded")),
                "again" => ("warn", l.t("Đã qua chốt trước đó", "Already through a checkpoint")),
                _ => ("warn", l.t("Lượt quét này đã được ghi trước đó", "This scan was already recorded")),
            };
            div class={ "scan-result " (class) } role="status" aria-live="polite" #scan-result {
                p { strong { (head) } }
                p.big { (r.full_name) " (" (r.birth_year) ")" }
                p { (l.t("Về: ", "Going to: ")) (r.hamlet_name.clone().unwrap_or_default()) @if r.hamlet_name.is_some() { ", " } (r.commune_name)
                    " · " (l.t("Từ: ", "From: ")) (r.origin_name) }
                p #obligation { (obligation_text(l, &o.obligation)) }
                @if r.checkpoint_result.as_deref() == Some("positive") {
                    p.error { strong { (l.t("Test nhanh DƯƠNG TÍNH: đã chuyển vào xét nghiệm", "Rapid test POSITIVE: passed to testing"))
                        @if let Some(c) = &o.case_code { " — " (l.t("ca bệnh ", "case ")) (c) } } }
                }
            }
        } @else {
            div.scan-result role="status" aria-live="polite" #scan-result hidden {}
        }
        p.notice #scan-queue hidden {}
        (form_errors(l, errors, &["code", "checkpoint", "rapid_result", "idempotency_key"]))
        // The words the script shows (`/static/checkpoint.js`), in the reader's language.
        form.stack #scan method="post" action="/checkpoint" novalidate
            data-arrived=(l.t("Đã ghi nhận qua chốt", "Arrival recorded"))
            data-again=(l.t("Đã qua chốt trước đó", "Already through a checkpoint"))
            data-replayed=(l.t("Lượt quét này đã được ghi trước đó", "This scan was already recorded"))
            data-refused=(l.t("Không tiếp nhận", "Not received"))
            data-permit-valid=(l.t("Giấy đi đường hợp lệ", "Travel permit valid"))
            data-permit-revoked=(l.t("Giấy đi đường ĐÃ BỊ THU HỒI", "Travel permit REVOKED"))
            data-permit-expired=(l.t("Giấy đi đường HẾT HẠN", "Travel permit EXPIRED"))
            data-permit-not_yet=(l.t("Giấy đi đường CHƯA ĐẾN NGÀY hiệu lực", "Travel permit NOT YET valid"))
            data-permit-offline=(l.t("Mất kết nối: chưa kiểm tra được giấy đi đường, hãy thử lại.", "No connection: the permit could not be checked; try again."))
            data-going=(l.t("Về:", "Going to:"))
            data-from=(l.t("Từ:", "From:"))
            data-positive=(l.t("Test nhanh DƯƠNG TÍNH: đã chuyển vào xét nghiệm", "Rapid test POSITIVE: passed to testing"))
            data-offline=(l.t("Mất kết nối: lượt quét đã lưu trên máy và sẽ tự gửi lại khi có mạng.", "No connection: the scan is kept on this device and will be sent when the connection is back."))
            data-queued=(l.t("{n} lượt quét đang chờ gửi.", "{n} scans waiting to be sent."))
            data-login=(l.t("Phiên làm việc đã hết: hãy đăng nhập lại; các lượt quét vẫn được giữ trên máy.", "Your session has ended: log in again; the scans are kept on this device.")) {
            (page.csrf_field())
            input type="hidden" name="idempotency_key" value=(scan_key());
            (text_field(l, "code", ("Mã đăng ký hoặc giấy đi đường (quét hoặc gõ)", "Registration or permit code (scan or type)"), "", errors, "required autocomplete=\"off\""))
            // Shown by the script where the browser reads QR codes from the
            // camera (`BarcodeDetector`); a handheld scanner or typing works
            // everywhere.
            div #camera hidden data-stop=(l.t("Dừng camera", "Stop the camera"))
                data-none=(l.t("Không mở được camera: hãy gõ mã hoặc dùng máy quét.", "The camera could not be opened: type the code or use a scanner.")) {
                button type="button" #camera-start { (l.t("Quét mã QR bằng camera", "Scan the QR code with the camera")) }
                video #camera-view playsinline muted hidden {}
            }
            (text_field(l, "checkpoint", ("Tên chốt", "Checkpoint"), &f.checkpoint, errors, "required"))
            fieldset {
                legend { (l.t("Test nhanh tại chốt", "Rapid test here")) }
                label { input type="radio" name="rapid_result" value="" checked; " " (l.t("Không test", "Not tested")) }
                label { input type="radio" name="rapid_result" value="negative"; " " (l.t("Âm tính", "Negative")) }
                label { input type="radio" name="rapid_result" value="positive"; " " (l.t("Dương tính", "Positive")) }
                (field_error(l, errors, "rapid_result"))
            }
            button type="submit" { (l.t("Ghi nhận", "Record")) }
        }
        script src="/static/checkpoint.js" defer {}
    };
    layout(page, l.t("Chốt kiểm soát", "Checkpoint"), content)
}

async fn checkpoint_scan(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<ScanForm>,
) -> PageResult {
    page.require(Permission::CheckArrivals)?;
    // A travel permit's code: checked, not received as a returnee.
    if phongdich_domain::directive::is_permit_code(&f.code) {
        return match s
            .store
            .check_permit(&page.actor, &f.code, &f.checkpoint)
            .await
        {
            Ok(c) => Ok(scan_page(&page, &f, None, Some(&c), &[])),
            Err(StoreError::NotFound { .. }) => {
                let e = FieldError::new(
                    "code",
                    "not_found",
                    format!("Không có giấy đi đường mã {}.", f.code.trim()),
                    format!("No travel permit with code {}.", f.code.trim()),
                );
                let mut r = scan_page(&page, &f, None, None, &[e]);
                *r.status_mut() = axum::http::StatusCode::NOT_FOUND;
                Ok(r)
            }
            Err(e) => {
                let errors = super::refusal_fields(e, "code").map_err(|e| page.fail(e))?;
                let mut r = scan_page(&page, &f, None, None, &errors);
                *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
                Ok(r)
            }
        };
    }
    let input = ScanInput {
        code: f.code.clone(),
        checkpoint: f.checkpoint.clone(),
        idempotency_key: f.idempotency_key.clone(),
        rapid_result: f.rapid_result.clone(),
    };
    match s.store.scan_returnee(&page.actor, &input).await {
        Ok(o) => Ok(scan_page(&page, &f, Some(&o), None, &[])),
        Err(StoreError::NotFound { .. }) => {
            let e = FieldError::new(
                "code",
                "not_found",
                format!(
                    "Không có đăng ký mã {}: hướng dẫn người này đăng ký.",
                    f.code.trim()
                ),
                format!(
                    "No registration with code {}: ask the person to register.",
                    f.code.trim()
                ),
            );
            let mut r = scan_page(&page, &f, None, None, &[e]);
            *r.status_mut() = axum::http::StatusCode::NOT_FOUND;
            Ok(r)
        }
        Err(e) => {
            let errors = super::refusal_fields(e, "code").map_err(|e| page.fail(e))?;
            let mut r = scan_page(&page, &f, None, None, &errors);
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct AreaForm {
    #[serde(default)]
    unit_code: String,
    /// A district of the province chosen, by name (or code).
    #[serde(default)]
    district: String,
    #[serde(default)]
    from_on: String,
    #[serde(default)]
    until_on: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    done: String,
}

async fn areas_page(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<AreaForm>,
) -> PageResult {
    page.require(Permission::Returnees)?;
    areas_render(
        &s,
        &page,
        &AreaForm {
            done: q.done,
            ..Default::default()
        },
        &[],
    )
    .await
}

async fn areas_render(
    s: &AppState,
    page: &Page,
    f: &AreaForm,
    errors: &[FieldError],
) -> PageResult {
    let l = page.lang;
    let province = s
        .store
        .province_of_scope(&page.actor.scope)
        .await
        .map_err(|e| page.fail(e))?;
    let areas = match &province {
        Some(p) => s.store.epidemic_areas(p).await.map_err(|e| page.fail(e))?,
        None => Vec::new(),
    };
    let keeps = page
        .actor
        .scope
        .root()
        .is_some_and(|r| r.level() == phongdich_domain::UnitLevel::Province);
    let place = origin_fields(
        s,
        page,
        ["unit_code", "district"],
        ("Tỉnh/thành phố", "Province"),
        [&f.unit_code, &f.district],
        errors,
    )
    .await
    .map_err(|e| page.fail(e))?;
    let content = html! {
        h1 { (l.t("Vùng dịch", "Epidemic areas")) }
        @if let Some(m) = done_message(l, &f.done) { p.notice role="status" { (m) } }
        p.muted { (l.t(
            "Người về từ nơi có trong danh sách vào ngày đi phải thực hiện cách ly theo quy định đang có hiệu lực vào ngày đến.",
            "Arrivals from a place on the list on their day of departure follow the quarantine rule in force on their day of arrival."
        )) }
        @if province.is_none() {
            p { (l.t("Danh sách vùng dịch do từng tỉnh lập.", "Each province keeps its own list.")) }
        } @else if areas.is_empty() {
            p.muted { (l.t("Chưa có vùng dịch nào.", "No epidemic area yet.")) }
        } @else {
            div.table-wrap { table.responsive #areas {
                thead { tr { th { (l.t("Nơi", "Place")) } th { (l.t("Từ ngày", "From")) } th { (l.t("Đến ngày", "Until")) } th { (l.t("Văn bản", "Decision")) } @if keeps { th { (l.t("Kết thúc", "End")) } } } }
                tbody { @for a in &areas { tr {
                    td data-label=(l.t("Nơi", "Place")) { span title=(a.unit_code) { (a.unit_name) } }
                    td data-label=(l.t("Từ ngày", "From")) { (show_day(a.from_on)) }
                    td data-label=(l.t("Đến ngày", "Until")) { @match a.until_on { Some(d) => (show_day(d)), None => (l.t("khi có thông báo mới", "until further notice")) } }
                    td data-label=(l.t("Văn bản", "Decision")) { (a.decision) }
                    @if keeps { td data-label=(l.t("Kết thúc", "End")) {
                        form.inline method="post" action={ "/epidemic-areas/" (a.id) "/end" } {
                            (page.csrf_field())
                            @let field = format!("until-{}", a.id);
                            label for=(field) { (l.t("Đến hết ngày (dd/mm/yyyy)", "Last day (dd/mm/yyyy)")) }
                            input #(field) name="until_on" inputmode="numeric" required autocomplete="off"
                                value=[a.until_on.map(|d| d.format("%d/%m/%Y").to_string())];
                            button type="submit" { (l.t("Ghi", "Save")) }
                        }
                    } }
                } } }
            } }
        }
        @if keeps {
            section aria-labelledby="h-add-area" {
                h2 #h-add-area { (l.t("Thêm vùng dịch", "Add an epidemic area")) }
                (form_errors(l, errors, &["unit_code", "district", "from_on", "until_on", "decision"]))
                form.stack #add-area method="post" action="/epidemic-areas" novalidate {
                    (page.csrf_field())
                    (place)
                    (text_field(l, "from_on", ("Từ ngày (dd/mm/yyyy)", "From (dd/mm/yyyy)"), &f.from_on, errors, "required inputmode=\"numeric\""))
                    (text_field(l, "until_on", ("Đến ngày (để trống: đến khi có thông báo mới)", "Until (blank: until further notice)"), &f.until_on, errors, "inputmode=\"numeric\""))
                    (text_field(l, "decision", ("Số văn bản", "Decision or notice"), &f.decision, errors, "required"))
                    button type="submit" { (l.t("Thêm", "Add")) }
                }
            }
        }
    };
    Ok(layout(page, l.t("Vùng dịch", "Epidemic areas"), content))
}

async fn add_area(State(s): State<AppState>, page: Page, Form(f): Form<AreaForm>) -> PageResult {
    page.require(Permission::Returnees)?;
    let unit_code = match origin_of_form(&s, [&f.unit_code, &f.district], ["unit_code", "district"])
        .await
        .map_err(|e| page.fail(e))?
    {
        Ok(code) => code,
        Err(e) => {
            let mut r = areas_render(&s, &page, &f, &[e]).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(r);
        }
    };
    let input = AreaInput {
        unit_code,
        from_on: f.from_on.clone(),
        until_on: f.until_on.clone(),
        decision: f.decision.clone(),
    };
    match s.store.add_epidemic_area(&page.actor, &input).await {
        Ok(_) => Ok(Redirect::to("/epidemic-areas?done=area").into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "unit_code").map_err(|e| page.fail(e))?;
            let mut r = areas_render(&s, &page, &f, &errors).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

#[derive(serde::Deserialize, Default)]
pub(super) struct AreaEndForm {
    #[serde(default)]
    until_on: String,
}

async fn end_area(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<AreaEndForm>,
) -> PageResult {
    page.require(Permission::Returnees)?;
    match s
        .store
        .end_epidemic_area(&page.actor, id, &f.until_on)
        .await
    {
        Ok(_) => Ok(Redirect::to("/epidemic-areas?done=area_ended").into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "until_on").map_err(|e| page.fail(e))?;
            let mut r = areas_render(&s, &page, &AreaForm::default(), &errors).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

/// Upload a list of returnees: every row registered or refused with its
/// reasons, shown with each registration's code.
async fn import(
    State(s): State<AppState>,
    page: Page,
    mut multipart: axum::extract::Multipart,
) -> PageResult {
    page.require(Permission::Returnees)?;
    let l = page.lang;
    let (dir, saved) = crate::upload::save_upload(&mut multipart).await;
    let Some(path) = saved else {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(page.fail(StoreError::from(phongdich_domain::Invalid(vec![
            FieldError::new("file", "required", "Chưa chọn tệp.", "No file was chosen."),
        ]))));
    };
    let result = phongdich_sheets::returnees::import_returnees(
        &s.store,
        &page.actor,
        &path,
        &dir.join("report.csv"),
    )
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    let summary = match result {
        Ok(sm) => sm,
        Err(e) => {
            let msg = e.to_string();
            return Err(page.fail(StoreError::from(phongdich_domain::Invalid(vec![
                FieldError::new("file", "unreadable", msg.clone(), msg),
            ]))));
        }
    };
    let listed: Vec<i64> = summary
        .report_rows
        .iter()
        .filter_map(|r| r.person_id)
        .collect();
    let names = super::picker::Names::of(&s.store, &page, &listed)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(layout(
        &page,
        l.t("Kết quả nhập danh sách người về", "Returnee list import"),
        html! {
            h1 { (l.t("Kết quả nhập danh sách người về", "Returnee list import")) }
            p.notice role="status" #import-summary {
                (summary.rows) " " (l.t("dòng", "rows")) ": " strong { (summary.registered) } " " (l.t("đã đăng ký", "registered"))
                " (" (summary.new_people) " " (l.t("người mới", "new people")) "), "
                strong { (summary.refused) } " " (l.t("bị từ chối", "refused"))
            }
            div.table-wrap { table.responsive #import-report {
                thead { tr { th { (l.t("Dòng", "Line")) } th { (l.t("Kết quả", "Outcome")) } th { (l.t("Người", "Person")) } th { (l.t("Ghi chú", "Note")) } } }
                tbody { @for r in &summary.report_rows { tr {
                    td.mono data-label=(l.t("Dòng", "Line")) { (r.line) }
                    td data-label=(l.t("Kết quả", "Outcome")) { (super::import_outcome(l, r.outcome)) }
                    td data-label=(l.t("Người", "Person")) { @if let Some(p) = r.person_id { (names.link(p)) } }
                    td data-label=(l.t("Ghi chú", "Note")) { (l.t(&r.reason_vi, &r.reason_en)) }
                } } }
            } }
            p { a href="/returnees" { (l.t("Về danh sách người về", "Back to returnees")) } }
        },
    ))
}
