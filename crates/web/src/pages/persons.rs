//! People: search list, register, view, edit, likely duplicates and merge.

use super::{Page, PageResult, encode, form_errors, layout, show_date, show_time, text_field};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use phongdich_domain::access::mask;
use phongdich_domain::{FieldError, Permission, PersonInput};
use phongdich_store::{Person, PersonQuery, PersonUpdate, StoreError};
use serde::Deserialize;

const PAGE_SIZE: i64 = 50;

fn sex_label(l: Lang, sex: &str) -> &'static str {
    match sex {
        "male" => l.t("Nam", "Male"),
        "female" => l.t("Nữ", "Female"),
        _ => "",
    }
}

/// National ID or phone as this user may see it.
fn shown(page: &Page, v: &Option<String>) -> String {
    match v {
        Some(v) if page.can(Permission::ViewIdentifiers) => v.clone(),
        Some(v) => mask(v),
        None => String::new(),
    }
}

/// Record that full identifiers were shown to this user.
async fn audit_identifiers(s: &AppState, page: &Page, people: &[&Person]) {
    if !page.can(Permission::ViewIdentifiers) {
        return;
    }
    let ids: Vec<i64> = people
        .iter()
        .filter(|p| p.national_id.is_some() || p.phone.is_some())
        .map(|p| p.id)
        .collect();
    if ids.is_empty() {
        return;
    }
    let entity_id = if ids.len() == 1 {
        ids[0].to_string()
    } else {
        "list".to_owned()
    };
    if let Err(e) = s
        .store
        .record_event(
            &page.actor,
            "view_identifiers",
            "person",
            &entity_id,
            &serde_json::json!({ "person_ids": ids, "page": page.path }),
        )
        .await
    {
        tracing::error!(error = %e, "cannot audit an identifier view");
    }
}

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    unit: String,
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 100000, _>")]
    page: Option<i64>,
    #[serde(default)]
    sort: String,
}

pub(super) async fn list(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let l = page.lang;
    let n = q.page.unwrap_or(1).max(1);
    let query = PersonQuery {
        q: Some(q.q.clone()),
        unit: Some(q.unit.clone()),
        limit: Some(PAGE_SIZE),
        offset: Some((n - 1) * PAGE_SIZE),
        sort: Some(q.sort.clone()).filter(|s| !s.is_empty()),
    };
    let choices = super::unit_choices(&s, &page).await?;
    let (people, more, error) = match s.store.search_persons(&page.actor.scope, &query).await {
        Ok((p, more)) => (p, more, None),
        Err(StoreError::NotFound { .. }) => (
            Vec::new(),
            false,
            Some(l.t(
                "Đơn vị không có hoặc nằm ngoài phạm vi của bạn.",
                "No such unit within your jurisdiction.",
            )),
        ),
        Err(e) => return Err(page.fail(e)),
    };
    audit_identifiers(&s, &page, &people.iter().collect::<Vec<_>>()).await;
    let link = |p: i64| {
        format!(
            "/persons?q={}&unit={}&sort={}&page={p}",
            encode(&q.q),
            encode(&q.unit),
            encode(&q.sort)
        )
    };
    Ok(layout(
        &page,
        l.t("Người dân", "People"),
        html! {
            h1 { (l.t("Người dân", "People")) }
            form.filters method="get" action="/persons" role="search" {
                div.field {
                    label for="f-q" { (l.t("Tìm theo tên, CCCD/CMND hoặc SĐT", "Search by name, national ID or phone")) }
                    input #f-q type="search" name="q" value=(q.q) placeholder=(l.t("vd. nguyen van an", "e.g. nguyen van an"));
                }
                div.field {
                    label for="f-unit" { (l.t("Đơn vị", "Unit")) }
                    select #f-unit name="unit" {
                        option value="" { (l.t("Toàn bộ phạm vi của tôi", "All of my jurisdiction")) }
                        @for u in &choices {
                            option value=(u.code) selected[u.code == q.unit] { (u.code) " — " (u.name) }
                        }
                    }
                }
                div.field {
                    label for="f-sort" { (l.t("Sắp xếp", "Sort")) }
                    select #f-sort name="sort" {
                        option value="" { (l.t("Mặc định", "Default")) }
                        option value="name" selected[q.sort == "name"] { (l.t("Theo tên (A–Z)", "By name (A–Z)")) }
                        option value="newest" selected[q.sort == "newest"] { (l.t("Mới đăng ký trước", "Newest first")) }
                    }
                }
                button type="submit" { (l.t("Tìm", "Search")) }
                @if page.can(Permission::EditPersons) {
                    a.button.secondary href="/persons/new" { (l.t("Thêm người", "Add a person")) }
                }
                @if page.can(Permission::ExportPersons) {
                    @let unit = if q.unit.is_empty() { page.user.unit_code.clone() } else { q.unit.clone() };
                    a.button.secondary href={ "/persons/export?format=xlsx&unit=" (encode(&unit)) } { (l.t("Xuất XLSX", "Export XLSX")) }
                }
            }
            @if let Some(e) = error { div.alert role="alert" { p { (e) } } }
            @if people.is_empty() {
                p.muted { (l.t("Không có ai phù hợp.", "Nobody matches.")) }
            } @else {
                div.table-wrap {
                    table.responsive {
                        thead { tr {
                            th { (l.t("Họ và tên", "Full name")) }
                            th { (l.t("Ngày/năm sinh", "Born")) }
                            th { (l.t("Giới tính", "Sex")) }
                            th { (l.t("CCCD/CMND", "National ID")) }
                            th { (l.t("Điện thoại", "Phone")) }
                            th { (l.t("Xã", "Commune")) }
                        } }
                        tbody {
                            @for p in &people {
                                tr {
                                    td data-label=(l.t("Họ và tên", "Full name")) { a href={ "/persons/" (p.id) } { (p.full_name) } }
                                    td data-label=(l.t("Sinh", "Born")) { (p.birth_date.as_deref().map(show_date).unwrap_or_else(|| p.birth_year.to_string())) }
                                    td data-label=(l.t("Giới tính", "Sex")) { (sex_label(l, &p.sex)) }
                                    td.mono data-label=(l.t("CCCD/CMND", "National ID")) { (shown(&page, &p.national_id)) }
                                    td.mono data-label=(l.t("Điện thoại", "Phone")) { (shown(&page, &p.phone)) }
                                    td.mono data-label=(l.t("Xã", "Commune")) { (p.commune_code) }
                                }
                            }
                        }
                    }
                }
            }
            nav.pager aria-label=(l.t("Trang", "Pages")) {
                @if n > 1 { a href=(link(n - 1)) rel="prev" { "← " (l.t("Trang trước", "Previous")) } }
                span { (l.t("Trang", "Page")) " " (n) }
                @if more { a href=(link(n + 1)) rel="next" { (l.t("Trang sau", "Next")) " →" } }
            }
        },
    ))
}

/// The person form: used to register and to edit.
#[derive(Deserialize, Default)]
pub(super) struct PersonForm {
    #[serde(flatten)]
    input: PersonInput,
    // Strings: a flattened form cannot hold numbers (serde buffers them as text).
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    confirm_not_duplicate: Option<String>,
}

const FIELDS: [&str; 11] = [
    "full_name",
    "birth",
    "sex",
    "national_id",
    "phone",
    "commune_code",
    "hamlet_code",
    "street_address",
    "occupation",
    "workplace",
    "vulnerabilities",
];

fn person_form(
    page: &Page,
    action: &str,
    f: &PersonForm,
    errors: &[FieldError],
    duplicates: &[phongdich_store::DuplicateCandidate],
) -> Markup {
    let l = page.lang;
    let i = &f.input;
    let sex_invalid = errors.iter().any(|e| e.field == "sex");
    html! {
        (form_errors(l, errors, &FIELDS))
        @if !duplicates.is_empty() {
            div.alert role="alert" {
                p { (l.t("Có thể người này đã có trong danh sách:", "This person may already be registered:")) }
                ul { @for d in duplicates {
                    li { a href={ "/persons/" (d.person_id) } { (d.full_name) } " (" (d.birth_year) ", " (d.commune_code) ")" }
                } }
                label { input type="checkbox" name="confirm_not_duplicate" value="yes"; " " (l.t("Đây là người khác — vẫn lưu", "This is someone else — save anyway")) }
            }
        }
        form method="post" action=(action) novalidate {
            (page.csrf_field())
            @if let Some(v) = &f.version { input type="hidden" name="version" value=(v); }
            div.grid {
                (text_field(l, "full_name", ("Họ và tên", "Full name"), &i.full_name, errors, "required autocomplete=\"off\""))
                (text_field(l, "birth", ("Ngày sinh (dd/mm/yyyy) hoặc năm sinh", "Birth date (dd/mm/yyyy) or year"), &i.birth, errors, "required"))
                div.field.invalid[sex_invalid] {
                    label for="f-sex" { (l.t("Giới tính", "Sex")) }
                    select #f-sex name="sex" aria-invalid=[sex_invalid.then_some("true")] {
                        option value="" { "—" }
                        option value="male" selected[matches!(i.sex.as_str(), "male" | "nam" | "Nam")] { (l.t("Nam", "Male")) }
                        option value="female" selected[matches!(i.sex.as_str(), "female" | "nu" | "Nữ" | "nữ")] { (l.t("Nữ", "Female")) }
                    }
                    (super::field_error(l, errors, "sex"))
                }
                (text_field(l, "national_id", ("Số CCCD/CMND", "National ID (CCCD/CMND)"), &i.national_id, errors, "inputmode=\"numeric\""))
                (text_field(l, "phone", ("Số điện thoại", "Phone"), &i.phone, errors, "inputmode=\"tel\""))
                (text_field(l, "commune_code", ("Mã xã/phường (5 số)", "Commune code (5 digits)"), &i.commune_code, errors, "inputmode=\"numeric\" required"))
                (text_field(l, "hamlet_code", ("Mã thôn/tổ dân phố", "Hamlet code"), &i.hamlet_code, errors, ""))
                (text_field(l, "street_address", ("Địa chỉ (số nhà, đường)", "Street address"), &i.street_address, errors, ""))
                (text_field(l, "occupation", ("Nghề nghiệp", "Occupation"), &i.occupation, errors, ""))
                (text_field(l, "workplace", ("Nơi làm việc", "Workplace"), &i.workplace, errors, ""))
                (text_field(l, "vulnerabilities", ("Diện ưu tiên (cao tuổi sống một mình, khuyết tật, hộ nghèo, mang thai, bệnh nền)", "Vulnerabilities (elderly_alone, disability, poor_household, pregnant, chronic_disease)"), &i.vulnerabilities, errors, ""))
            }
            button type="submit" { (l.t("Lưu", "Save")) }
        }
    }
}

pub(super) async fn new_form(page: Page) -> PageResult {
    page.require(Permission::EditPersons)?;
    let l = page.lang;
    let mut f = PersonForm::default();
    if let Some(root) = page.actor.scope.root()
        && root.level() == phongdich_domain::UnitLevel::Commune
    {
        f.input.commune_code = root.to_string();
    }
    Ok(layout(
        &page,
        l.t("Thêm người", "Add a person"),
        html! {
            h1 { (l.t("Thêm người", "Add a person")) }
            (person_form(&page, "/persons/new", &f, &[], &[]))
        },
    ))
}

pub(super) async fn create(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<PersonForm>,
) -> PageResult {
    page.require(Permission::EditPersons)?;
    let l = page.lang;
    let again = |errors: &[FieldError], dups: &[phongdich_store::DuplicateCandidate]| {
        layout(
            &page,
            l.t("Thêm người", "Add a person"),
            html! {
                h1 { (l.t("Thêm người", "Add a person")) }
                (person_form(&page, "/persons/new", &f, errors, dups))
            },
        )
    };
    let person = match f.input.parse(page.today()) {
        Ok(p) => p,
        Err(e) => return Ok(with_status(again(&e.0, &[]), 422)),
    };
    let confirm = f.confirm_not_duplicate.is_some();
    match s.store.create_person(&page.actor, &person, confirm).await {
        Ok(p) => Ok(Redirect::to(&format!("/persons/{}", p.id)).into_response()),
        Err(StoreError::Invalid(i)) => Ok(with_status(again(&i.0, &[]), 422)),
        Err(StoreError::DuplicateNationalId { existing_id }) => {
            let e = crate::problem::duplicate_national_id(existing_id);
            Ok(with_status(again(&[e], &[]), 409))
        }
        Err(StoreError::LikelyDuplicates { candidates }) => {
            Ok(with_status(again(&[], &candidates), 409))
        }
        Err(e) => Err(page.fail(e)),
    }
}

fn with_status(mut r: Response, status: u16) -> Response {
    *r.status_mut() =
        axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::OK);
    r
}

/// What the last action did, carried by its redirect (`?done=…&n=…`).
#[derive(Deserialize, Default)]
pub(super) struct Done {
    #[serde(default)]
    done: String,
    #[serde(default, deserialize_with = "crate::api::in_range::<0, 100000000, _>")]
    n: Option<i64>,
}

impl Done {
    /// The message for a known action; nothing for another word.
    fn message(&self, l: Lang) -> Option<String> {
        let what = match self.done.as_str() {
            "contact" => l.t("Đã ghi nhận tiếp xúc", "Contact recorded"),
            "confirmed" => l.t("Đã khẳng định ca bệnh (F0)", "F0 confirmed"),
            "corrected" => l.t("Đã sửa ca bệnh", "Case corrected"),
            "unchanged" => l.t("Không có gì thay đổi", "Nothing changed"),
            "ordered" => l.t("Đã ra quyết định cách ly", "Quarantine order issued"),
            "extended" => l.t("Đã gia hạn cách ly", "Quarantine extended"),
            "released" => l.t("Đã kết thúc cách ly", "Released from quarantine"),
            _ => return None,
        };
        // The actions that move classes say by how much.
        let Some(n) = self.n else {
            return Some(format!("{what}."));
        };
        let moved = if n == 0 {
            l.t("không ai đổi phân loại", "nobody's class changed")
                .to_owned()
        } else {
            format!(
                "{} {}",
                super::num(l, n),
                l.t("lượt phân loại F thay đổi", "class changes")
            )
        };
        Some(format!("{what}: {moved}."))
    }
}

pub(super) async fn show(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
) -> PageResult {
    person_page_with(&s, &page, id, &[], done.message(page.lang)).await
}

/// After a form of the record page: to the record at `anchor`, or the record
/// again with the form's errors (`refusal` says which errors are the form's).
pub(super) async fn back_to_record(
    s: &AppState,
    page: &Page,
    (person_id, anchor): (i64, &str),
    result: Result<(), StoreError>,
    refusal: fn(StoreError) -> Result<Vec<FieldError>, StoreError>,
) -> PageResult {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/persons/{person_id}#{anchor}")).into_response()),
        Err(e) => {
            let errors = refusal(e).map_err(|e| page.fail(e))?;
            person_page(s, page, person_id, &errors).await
        }
    }
}

/// A person's page, with tracing-form errors if a form came back.
pub(super) async fn person_page(
    s: &AppState,
    page: &Page,
    id: i64,
    errors: &[FieldError],
) -> PageResult {
    person_page_with(s, page, id, errors, None).await
}

/// [`person_page`] with the message of the action just done at its top.
async fn person_page_with(
    s: &AppState,
    page: &Page,
    id: i64,
    errors: &[FieldError],
    done: Option<String>,
) -> PageResult {
    let l = page.lang;
    let p = s
        .store
        .person(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?;
    audit_identifiers(s, page, &[&p]).await;
    let mut sections = Vec::with_capacity(super::RECORD_SECTIONS.len());
    for section in super::RECORD_SECTIONS {
        sections.push(section(s, page, &p, errors).await);
    }
    let none = || "—".to_owned();
    Ok(layout(
        page,
        &p.full_name,
        html! {
            h1 { (p.full_name) }
            @if let Some(message) = &done {
                div.notice.done #done role="status" { p { (message) } }
            }
            @if let Some(m) = p.merged_into {
                div.notice role="status" { p { (l.t("Hồ sơ này đã được gộp vào ", "This record was merged into ")) a href={ "/persons/" (m) } { "#" (m) } } }
            }
            dl.facts {
                dt { (l.t("Mã hồ sơ", "Record")) } dd.mono { "#" (p.id) }
                dt { (l.t("Ngày/năm sinh", "Born")) } dd { (p.birth_date.as_deref().map(show_date).unwrap_or_else(|| p.birth_year.to_string())) }
                dt { (l.t("Giới tính", "Sex")) } dd { (sex_label(l, &p.sex)) }
                dt { (l.t("CCCD/CMND", "National ID")) } dd.mono { (Some(shown(page, &p.national_id)).filter(|s| !s.is_empty()).unwrap_or_else(none)) }
                dt { (l.t("Điện thoại", "Phone")) } dd.mono { (Some(shown(page, &p.phone)).filter(|s| !s.is_empty()).unwrap_or_else(none)) }
                dt { (l.t("Xã/phường", "Commune")) } dd { a href={ "/units/" (p.commune_code) } { (p.commune_code) } }
                dt { (l.t("Thôn/tổ", "Hamlet")) } dd { (p.hamlet_code.clone().unwrap_or_else(none)) }
                dt { (l.t("Địa chỉ", "Address")) } dd { (p.street_address.clone().unwrap_or_else(none)) }
                dt { (l.t("Nghề nghiệp", "Occupation")) } dd { (p.occupation.clone().unwrap_or_else(none)) }
                dt { (l.t("Nơi làm việc", "Workplace")) } dd { (p.workplace.clone().unwrap_or_else(none)) }
                dt { (l.t("Diện ưu tiên", "Vulnerabilities")) } dd { (if p.vulnerabilities.is_empty() { none() } else { p.vulnerabilities.join(", ") }) }
                dt { (l.t("Cập nhật", "Updated")) } dd { (show_time(&p.updated_at)) " (v" (p.version) ")" }
            }
            @if page.can(Permission::EditPersons) && p.merged_into.is_none() {
                p { a.button href={ "/persons/" (p.id) "/edit" } { (l.t("Sửa", "Edit")) } }
            }
            @for section in sections {
                (section)
            }
        },
    ))
}

fn input_of(p: &Person) -> PersonInput {
    PersonInput {
        full_name: p.full_name.clone(),
        birth: p
            .birth_date
            .clone()
            .unwrap_or_else(|| p.birth_year.to_string()),
        sex: p.sex.clone(),
        national_id: p.national_id.clone().unwrap_or_default(),
        phone: p.phone.clone().unwrap_or_default(),
        commune_code: p.commune_code.clone(),
        hamlet_code: p.hamlet_code.clone().unwrap_or_default(),
        street_address: p.street_address.clone().unwrap_or_default(),
        occupation: p.occupation.clone().unwrap_or_default(),
        workplace: p.workplace.clone().unwrap_or_default(),
        vulnerabilities: p.vulnerabilities.join(", "),
        age: String::new(),
    }
}

pub(super) async fn edit_form(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> PageResult {
    page.require(Permission::EditPersons)?;
    let l = page.lang;
    let p = s
        .store
        .person(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?;
    let f = PersonForm {
        input: input_of(&p),
        version: Some(p.version.to_string()),
        confirm_not_duplicate: None,
    };
    Ok(layout(
        &page,
        &p.full_name,
        html! {
            h1 { (l.t("Sửa: ", "Edit: ")) (p.full_name) }
            (person_form(&page, &format!("/persons/{id}/edit"), &f, &[], &[]))
        },
    ))
}

pub(super) async fn update(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<PersonForm>,
) -> PageResult {
    page.require(Permission::EditPersons)?;
    let l = page.lang;
    let again = |errors: &[FieldError]| {
        layout(
            &page,
            l.t("Sửa", "Edit"),
            html! {
                h1 { (l.t("Sửa: ", "Edit: ")) (f.input.full_name) }
                (person_form(&page, &format!("/persons/{id}/edit"), &f, errors, &[]))
            },
        )
    };
    let person = match f.input.parse(page.today()) {
        Ok(p) => p,
        Err(e) => return Ok(with_status(again(&e.0), 422)),
    };
    let update = PersonUpdate {
        expected_version: f
            .version
            .as_deref()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(-1),
        person,
    };
    match s.store.update_person(&page.actor, id, &update).await {
        Ok(p) => Ok(Redirect::to(&format!("/persons/{}", p.id)).into_response()),
        Err(StoreError::Invalid(i)) => Ok(with_status(again(&i.0), 422)),
        Err(StoreError::DuplicateNationalId { existing_id }) => {
            let e = crate::problem::duplicate_national_id(existing_id);
            Ok(with_status(again(&[e]), 409))
        }
        Err(StoreError::Conflict {
            message_vi,
            message_en,
        }) => {
            let e = FieldError::new("version", "stale", message_vi, message_en);
            Ok(with_status(again(&[e]), 409))
        }
        Err(e) => Err(page.fail(e)),
    }
}

/// The page of a paged list (from 1).
#[derive(Deserialize, Default)]
pub(super) struct PageNo {
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 1000000, _>")]
    page: Option<i64>,
}

pub(super) async fn duplicates(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<PageNo>,
) -> PageResult {
    page.require(Permission::MergePersons)?;
    let l = page.lang;
    let n = q.page.unwrap_or(1);
    let list = s
        .store
        .duplicate_pairs(&page.actor.scope, phongdich_store::Paging::page(n))
        .await
        .map_err(|e| page.fail(e))?;
    let (total, paging, pairs) = (list.total, list.paging, list.pairs);
    let person_cell = |p: &Person| {
        html! {
            a href={ "/persons/" (p.id) } { (p.full_name) } br;
            span.muted { (p.birth_date.as_deref().map(show_date).unwrap_or_else(|| p.birth_year.to_string())) " · " (p.commune_code) " · #" (p.id) }
        }
    };
    Ok(layout(
        &page,
        l.t("Nghi trùng", "Likely duplicates"),
        html! {
            h1 { (l.t("Hồ sơ nghi trùng chờ rà soát", "Likely duplicates awaiting review")) " (" span #pairs-total { (super::num(l, total)) } ")" }
            @if pairs.is_empty() { p.muted { (l.t("Không có cặp nào.", "No pairs.")) } }
            @else {
                @if total > pairs.len() as i64 {
                    p.muted #pairs-range { (super::num(l, paging.offset + 1)) "–" (super::num(l, paging.offset + pairs.len() as i64)) " " (l.t("trên", "of")) " " (super::num(l, total)) }
                }
                div.table-wrap { table.responsive {
                    thead { tr { th { (l.t("Hồ sơ", "Record")) } th { (l.t("Nghi trùng với", "Likely the same as")) } th { (l.t("Lý do", "Reason")) } th { (l.t("Gộp", "Merge")) } } }
                    tbody { @for (pair_id, a, b, reason) in &pairs {
                        tr {
                            td data-label=(l.t("Hồ sơ", "Record")) { (person_cell(a)) }
                            td data-label=(l.t("Nghi trùng", "Same as")) { (person_cell(b)) }
                            td data-label=(l.t("Lý do", "Reason")) { (super::duplicate_reason(l, reason)) }
                            td {
                                form method="post" action="/merges" data-confirm=(format!("{} {} (#{}) {} {} (#{})?", l.t("Gộp", "Merge"), a.full_name, a.id, l.t("vào", "into"), b.full_name, b.id)) {
                                    (page.csrf_field())
                                    input type="hidden" name="kept_id" value=(b.id);
                                    input type="hidden" name="merged_id" value=(a.id);
                                    button type="submit" { (l.t("Gộp vào hồ sơ cũ", "Merge into the older record")) }
                                }
                                form method="post" action={ "/duplicates/" (pair_id) "/dismiss" } {
                                    (page.csrf_field())
                                    button.secondary type="submit" { (l.t("Không phải một người", "Not the same person")) }
                                }
                            }
                        }
                    } }
                } }
                @if n > 1 || paging.has_more(total) {
                    nav.pager {
                        @if n > 1 { a rel="prev" href={ "/duplicates?page=" (n - 1) } { (l.t("← Trang trước", "← Previous")) } " " }
                        @if paging.has_more(total) { a rel="next" href={ "/duplicates?page=" (n + 1) } { (l.t("Trang sau →", "Next →")) } }
                    }
                }
            }
        },
    ))
}

/// "Not the same person": the pair leaves the list; both records stay.
pub(super) async fn dismiss(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> PageResult {
    page.require(Permission::MergePersons)?;
    s.store
        .dismiss_duplicate(&page.actor, id)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to("/duplicates").into_response())
}

#[derive(Deserialize)]
pub(super) struct MergeForm {
    kept_id: i64,
    merged_id: i64,
}

pub(super) async fn merge(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<MergeForm>,
) -> PageResult {
    page.require(Permission::MergePersons)?;
    s.store
        .merge_persons(&page.actor, f.kept_id, f.merged_id)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to(&format!("/persons/{}", f.kept_id)).into_response())
}

#[derive(Deserialize)]
pub(super) struct ExportQuery {
    unit: String,
    #[serde(default)]
    format: String,
}

/// Everyone living in a unit of the user's jurisdiction, as CSV or XLSX (audited).
pub(super) async fn export(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<ExportQuery>,
) -> PageResult {
    page.require(Permission::ExportPersons)?;
    let format = if q.format == "xlsx" {
        phongdich_sheets::Format::Xlsx
    } else {
        phongdich_sheets::Format::Csv
    };
    let buf = phongdich_sheets::SharedBuf::default();
    match phongdich_sheets::export::export_persons(
        &s.store,
        &page.actor,
        &q.unit,
        format,
        Box::new(buf.clone()),
    )
    .await
    {
        Ok(_) => {}
        Err(e) => {
            return Err(match e.downcast::<StoreError>() {
                Ok(se) => page.fail(*se),
                Err(other) => page.fail(crate::problem::Problem::bad_request(
                    other.to_string(),
                    other.to_string(),
                )),
            });
        }
    }
    let bytes = buf.bytes();
    let (ctype, ext) = match format {
        phongdich_sheets::Format::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        _ => ("text/csv; charset=utf-8", "csv"),
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, ctype.to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"nguoi-dan-{}.{ext}\"", q.unit.trim()),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/persons", get(list))
        .route("/persons/new", get(new_form).post(create))
        .route("/persons/export", get(export))
        .route("/persons/{id}", get(show))
        .route("/persons/{id}/edit", get(edit_form).post(update))
        .route("/duplicates", get(duplicates))
        .route("/duplicates/{id}/dismiss", post(dismiss))
        .route("/merges", post(merge))
}
