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
    let codes: Vec<&str> = people.iter().map(|p| p.commune_code.as_str()).collect();
    let communes = s.store.unit_names(&codes).await.map_err(|e| page.fail(e))?;
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
                            option value=(u.code) selected[u.code == q.unit] title=(u.code) { (u.name) }
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
                                    td data-label=(l.t("Xã", "Commune")) title=(p.commune_code) { (communes.get(&p.commune_code).unwrap_or(&p.commune_code)) }
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
    /// Where to go back to after registering, when the person picker of
    /// another form sent the user here (a path on this site), and the id of
    /// the field there that the new person fills.
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    field: Option<String>,
}

/// `/persons/new?full_name=…&next=…&field=…`: the picker's "register a new
/// person", with what was typed.
#[derive(Deserialize, Default)]
pub(super) struct NewQuery {
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    field: Option<String>,
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

/// The units a person form offers: the communes of the reader's scope by
/// district (none when the scope is the country: the code is typed), and
/// the hamlets of the form's commune when it is known.
#[derive(Default)]
struct Places {
    communes: Option<Vec<(String, Vec<phongdich_store::Unit>)>>,
    hamlets: Option<Vec<phongdich_store::Unit>>,
}

async fn places(s: &AppState, page: &Page, commune: &str) -> Result<Places, super::PageError> {
    let fail = |e| page.fail(e);
    let communes = s
        .store
        .communes_within(&page.actor.scope, 2000)
        .await
        .map_err(fail)?;
    let communes = match communes {
        None => None,
        Some(list) => {
            let districts: Vec<&str> = list
                .iter()
                .filter_map(|u| u.district_code.as_deref())
                .collect();
            let names = s.store.unit_names(&districts).await.map_err(fail)?;
            let mut groups: Vec<(String, Vec<phongdich_store::Unit>)> = Vec::new();
            for u in list {
                let d = u.district_code.clone().unwrap_or_default();
                let name = names.get(&d).cloned().unwrap_or(d);
                match groups.last_mut() {
                    Some((n, us)) if *n == name => us.push(u),
                    _ => groups.push((name, vec![u])),
                }
            }
            Some(groups)
        }
    };
    let commune = commune.trim();
    let hamlets = if commune.len() == 5 && commune.bytes().all(|b| b.is_ascii_digit()) {
        match s.store.unit(commune).await {
            Ok(u)
                if u.level == phongdich_domain::UnitLevel::Commune
                    && page.actor.scope.contains(&u) =>
            {
                Some(s.store.children(&u.code).await.map_err(fail)?)
            }
            _ => None,
        }
    } else {
        None
    };
    Ok(Places { communes, hamlets })
}

/// A hamlet typed by name (the form of a reader who had no list of the
/// commune's hamlets) becomes its code; a name the commune does not have is
/// the field's error, listing those it has.
pub(super) async fn resolve_hamlet(
    s: &AppState,
    page: &Page,
    input: &mut PersonInput,
) -> Result<Option<FieldError>, super::PageError> {
    let typed = input.hamlet_code.trim().to_owned();
    let code_shaped = typed.len() == 9
        && typed.as_bytes()[5] == b'-'
        && typed.bytes().filter(u8::is_ascii_digit).count() == 8;
    if typed.is_empty() || code_shaped {
        return Ok(None);
    }
    let commune = input.commune_code.trim();
    let hamlets = match s.store.children(commune).await {
        Ok(h) => h,
        // The commune's own error is the domain's to give.
        Err(_) => return Ok(None),
    };
    let folded = phongdich_domain::text::fold(&typed);
    if let Some(h) = hamlets
        .iter()
        .find(|h| phongdich_domain::text::fold(&h.name) == folded)
    {
        input.hamlet_code = h.code.clone();
        return Ok(None);
    }
    let _ = page;
    let known = hamlets
        .iter()
        .map(|h| h.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Some(if known.is_empty() {
        FieldError::new(
            "hamlet_code",
            "unknown_hamlet",
            format!(
                "Xã/phường này chưa có thôn/tổ nào; “{typed}” chưa được thêm (Quản trị → Đơn vị)."
            ),
            format!(
                "This commune has no hamlets yet; “{typed}” has not been added (Administration → Units)."
            ),
        )
    } else {
        FieldError::new(
            "hamlet_code",
            "unknown_hamlet",
            format!("Xã/phường không có thôn/tổ “{typed}”. Có: {known}."),
            format!("The commune has no hamlet “{typed}”. It has: {known}."),
        )
    }))
}

fn person_form(
    page: &Page,
    action: &str,
    f: &PersonForm,
    errors: &[FieldError],
    duplicates: &[phongdich_store::DuplicateCandidate],
    places: &Places,
) -> Markup {
    let l = page.lang;
    let i = &f.input;
    let commune_invalid = errors.iter().any(|e| e.field == "commune_code");
    let hamlet_invalid = errors.iter().any(|e| e.field == "hamlet_code");
    let sex_invalid = errors.iter().any(|e| e.field == "sex");
    let commune_name = |code: &str| {
        places
            .communes
            .iter()
            .flatten()
            .flat_map(|(_, units)| units)
            .find(|u| u.code.as_str() == code)
            .map_or_else(|| code.to_owned(), |u| u.name.clone())
    };
    html! {
        (form_errors(l, errors, &FIELDS))
        form method="post" action=(action) novalidate {
            (page.csrf_field())
            // Inside the form: the "save anyway" box is posted with the rest.
            @if !duplicates.is_empty() {
                div.alert role="alert" {
                    p { (l.t("Có thể người này đã có trong danh sách:", "This person may already be registered:")) }
                    ul { @for d in duplicates {
                        li {
                            a href={ "/persons/" (d.person_id) } { (d.full_name) }
                            " (" (d.birth_year) ", " span title=(d.commune_code) { (commune_name(&d.commune_code)) } ") — "
                            (super::duplicate_reason(l, &d.reason))
                        }
                    } }
                    label { input type="checkbox" name="confirm_not_duplicate" value="yes"; " " (l.t("Đây là người khác — vẫn lưu", "This is someone else — save anyway")) }
                }
            }
            @if let Some(v) = &f.version { input type="hidden" name="version" value=(v); }
            @if let Some(v) = &f.next { input type="hidden" name="next" value=(v); }
            @if let Some(v) = &f.field { input type="hidden" name="field" value=(v); }
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
                @match &places.communes {
                    Some(groups) => {
                        div.field.invalid[commune_invalid] {
                            label for="f-commune_code" { (l.t("Xã/phường", "Commune")) }
                            select #f-commune_code name="commune_code" required aria-invalid=[commune_invalid.then_some("true")] {
                                @if groups.iter().map(|g| g.1.len()).sum::<usize>() != 1 { option value="" { (l.t("— Chọn —", "— Choose —")) } }
                                @for (district, communes) in groups {
                                    optgroup label=(district) {
                                        @for u in communes { option value=(u.code) title=(u.code) selected[u.code == i.commune_code.trim()] { (u.name) } }
                                    }
                                }
                            }
                            (super::field_error(l, errors, "commune_code"))
                        }
                    }
                    None => (text_field(l, "commune_code", ("Mã xã/phường (5 số)", "Commune code (5 digits)"), &i.commune_code, errors, "inputmode=\"numeric\" required")),
                }
                @match &places.hamlets {
                    Some(hamlets) if !hamlets.is_empty() => {
                        div.field.invalid[hamlet_invalid] {
                            label for="f-hamlet_code" { (l.t("Thôn/tổ dân phố", "Hamlet")) }
                            select #f-hamlet_code name="hamlet_code" aria-invalid=[hamlet_invalid.then_some("true")] {
                                option value="" { "—" }
                                @for h in hamlets { option value=(h.code) title=(h.code) selected[h.code == i.hamlet_code.trim()] { (h.name) } }
                            }
                            (super::field_error(l, errors, "hamlet_code"))
                        }
                    }
                    _ => (text_field(l, "hamlet_code", ("Thôn/tổ dân phố (tên)", "Hamlet (name)"), &i.hamlet_code, errors, "")),
                }
                (text_field(l, "street_address", ("Địa chỉ (số nhà, đường)", "Street address"), &i.street_address, errors, ""))
                (text_field(l, "occupation", ("Nghề nghiệp", "Occupation"), &i.occupation, errors, ""))
                (text_field(l, "workplace", ("Nơi làm việc", "Workplace"), &i.workplace, errors, ""))
                (text_field(l, "vulnerabilities", ("Diện ưu tiên (cao tuổi sống một mình, khuyết tật, hộ nghèo, mang thai, bệnh nền)", "Vulnerabilities (elderly_alone, disability, poor_household, pregnant, chronic_disease)"), &i.vulnerabilities, errors, ""))
            }
            button type="submit" { (l.t("Lưu", "Save")) }
            @if let Some(next) = &f.next {
                " " a.button.secondary href=(next) { (l.t("Quay lại, không đăng ký", "Go back without registering")) }
            }
        }
    }
}

pub(super) async fn new_form(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<NewQuery>,
) -> PageResult {
    page.require(Permission::EditPersons)?;
    let l = page.lang;
    let mut f = PersonForm::default();
    // What the picker had typed goes to the field it looks like: a national
    // ID, a phone, else a name (a trailing year is the birth year).
    let typed = q.full_name.trim();
    if phongdich_domain::NationalId::parse(typed).is_ok() {
        f.input.national_id = typed.to_owned();
    } else if phongdich_domain::PhoneNumber::parse(typed).is_ok() {
        f.input.phone = typed.to_owned();
    } else {
        let mut words: Vec<&str> = typed.split_whitespace().collect();
        if words.len() > 1
            && words
                .last()
                .is_some_and(|w| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        {
            f.input.birth = words.pop().unwrap_or_default().to_owned();
        }
        f.input.full_name = words.join(" ");
    }
    f.next = q.next.filter(|n| super::is_local_path(n));
    f.field = q.field.filter(|v| {
        !v.is_empty()
            && v.len() <= 64
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    });
    if let Some(root) = page.actor.scope.root()
        && root.level() == phongdich_domain::UnitLevel::Commune
    {
        f.input.commune_code = root.to_string();
    }
    let places = places(&s, &page, &f.input.commune_code).await?;
    Ok(layout(
        &page,
        l.t("Thêm người", "Add a person"),
        html! {
            h1 { (l.t("Thêm người", "Add a person")) }
            (person_form(&page, "/persons/new", &f, &[], &[], &places))
        },
    ))
}

pub(super) async fn create(
    State(s): State<AppState>,
    page: Page,
    Form(mut f): Form<PersonForm>,
) -> PageResult {
    page.require(Permission::EditPersons)?;
    let l = page.lang;
    let hamlet = resolve_hamlet(&s, &page, &mut f.input).await?;
    let places = places(&s, &page, &f.input.commune_code).await?;
    let again = |errors: &[FieldError], dups: &[phongdich_store::DuplicateCandidate]| {
        layout(
            &page,
            l.t("Thêm người", "Add a person"),
            html! {
                h1 { (l.t("Thêm người", "Add a person")) }
                (person_form(&page, "/persons/new", &f, errors, dups, &places))
            },
        )
    };
    let person = match (f.input.parse(page.today()), hamlet) {
        (Ok(p), None) => p,
        (Ok(_), Some(h)) => return Ok(with_status(again(&[h], &[]), 422)),
        (Err(e), h) => {
            let mut errors = e.0;
            errors.extend(h);
            return Ok(with_status(again(&errors, &[]), 422));
        }
    };
    let confirm = f.confirm_not_duplicate.is_some();
    match s.store.create_person(&page.actor, &person, confirm).await {
        Ok(p) => Ok(Redirect::to(&after_create(&f, p.id)).into_response()),
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

/// Where registering a person leads: back to the form whose picker asked
/// (with the new person for its field), else the new record.
fn after_create(f: &PersonForm, id: i64) -> String {
    match (&f.next, &f.field) {
        (Some(next), Some(field)) if super::is_local_path(next) => {
            let (path, fragment) = next
                .split_once('#')
                .map_or((next.as_str(), ""), |(p, h)| (p, h));
            let sep = if path.contains('?') { '&' } else { '?' };
            let fragment = if fragment.is_empty() {
                String::new()
            } else {
                format!("#{fragment}")
            };
            format!("{path}{sep}picked={id}&field={}{fragment}", encode(field))
        }
        _ => format!("/persons/{id}?done=registered"),
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
            "saved" => l.t("Đã lưu hồ sơ", "Record saved"),
            "registered" => l.t("Đã đăng ký người mới", "Person registered"),
            "merged" => l.t(
                "Đã gộp hồ sơ; hồ sơ kia chuyển về đây",
                "Records merged; the other one now points here",
            ),
            "enrolled" => l.t("Đã nhận điều trị tại nhà", "Home treatment begun"),
            "vitals" => l.t("Đã ghi chỉ số", "Readings recorded"),
            "lent" => l.t("Đã cho mượn thiết bị", "Equipment lent"),
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
    (person_id, anchor, done): (i64, &str, &str),
    result: Result<(), StoreError>,
    refusal: fn(StoreError) -> Result<Vec<FieldError>, StoreError>,
) -> PageResult {
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/persons/{person_id}?done={done}#{anchor}")).into_response())
        }
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
    let mut codes = vec![p.commune_code.as_str()];
    codes.extend(p.hamlet_code.as_deref());
    let unit_names = s.store.unit_names(&codes).await.map_err(|e| page.fail(e))?;
    let name_of = |code: &str| {
        unit_names
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    };
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
                dt { (l.t("Xã/phường", "Commune")) } dd { a href={ "/units/" (p.commune_code) } title=(p.commune_code) { (name_of(&p.commune_code)) } }
                dt { (l.t("Thôn/tổ", "Hamlet")) } dd { @match &p.hamlet_code { Some(h) => span title=(h) { (name_of(h)) }, None => (none()) } }
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
        next: None,
        field: None,
    };
    let places = places(&s, &page, &f.input.commune_code).await?;
    Ok(layout(
        &page,
        &p.full_name,
        html! {
            h1 { (l.t("Sửa: ", "Edit: ")) (p.full_name) }
            (person_form(&page, &format!("/persons/{id}/edit"), &f, &[], &[], &places))
        },
    ))
}

pub(super) async fn update(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(mut f): Form<PersonForm>,
) -> PageResult {
    page.require(Permission::EditPersons)?;
    let l = page.lang;
    let hamlet = resolve_hamlet(&s, &page, &mut f.input).await?;
    let places = places(&s, &page, &f.input.commune_code).await?;
    let again = |errors: &[FieldError]| {
        layout(
            &page,
            l.t("Sửa", "Edit"),
            html! {
                h1 { (l.t("Sửa: ", "Edit: ")) (f.input.full_name) }
                (person_form(&page, &format!("/persons/{id}/edit"), &f, errors, &[], &places))
            },
        )
    };
    let person = match (f.input.parse(page.today()), hamlet) {
        (Ok(p), None) => p,
        (Ok(_), Some(h)) => return Ok(with_status(again(&[h]), 422)),
        (Err(e), h) => {
            let mut errors = e.0;
            errors.extend(h);
            return Ok(with_status(again(&errors), 422));
        }
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
        Ok(p) => Ok(Redirect::to(&format!("/persons/{}?done=saved", p.id)).into_response()),
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
    let mut codes: Vec<&str> = Vec::new();
    for (_, a, b, _) in &pairs {
        for p in [a, b] {
            codes.push(p.commune_code.as_str());
            codes.extend(p.hamlet_code.as_deref());
        }
    }
    let places = s.store.unit_names(&codes).await.map_err(|e| page.fail(e))?;
    let place = |code: &str| places.get(code).cloned().unwrap_or_else(|| code.to_owned());
    let person_cell = |p: &Person| {
        html! {
            a href={ "/persons/" (p.id) } title={ "#" (p.id) } { (p.full_name) } br;
            span.muted { (p.birth_date.as_deref().map(show_date).unwrap_or_else(|| p.birth_year.to_string()))
                @if let Some(h) = &p.hamlet_code { " · " (place(h)) } " · " (place(&p.commune_code)) " · #" (p.id) }
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
                                a href={ "/duplicates/" (pair_id) } { (l.t("So sánh", "Compare")) }
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

/// One likely-duplicate pair, the two records side by side with the lines
/// that differ marked, and the three answers: keep the one, keep the other,
/// not the same person.
pub(super) async fn duplicate_pair(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> PageResult {
    page.require(Permission::MergePersons)?;
    let l = page.lang;
    let (a, b, reason) = s
        .store
        .duplicate_pair(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?;
    let mut codes: Vec<&str> = Vec::new();
    for p in [&a, &b] {
        codes.extend([p.district_code.as_str(), p.commune_code.as_str()]);
        codes.extend(p.hamlet_code.as_deref());
    }
    let places = s.store.unit_names(&codes).await.map_err(|e| page.fail(e))?;
    let cases = s
        .store
        .case_codes_of(&[a.id, b.id])
        .await
        .map_err(|e| page.fail(e))?;
    let place = |code: Option<&str>| {
        code.map(|c| places.get(c).cloned().unwrap_or_else(|| c.to_owned()))
            .unwrap_or_default()
    };
    let line = |p: &Person| -> Vec<String> {
        vec![
            p.full_name.clone(),
            p.birth_date
                .as_deref()
                .map(show_date)
                .unwrap_or_else(|| p.birth_year.to_string()),
            sex_label(l, &p.sex).to_owned(),
            p.national_id.clone().unwrap_or_default(),
            p.phone.clone().unwrap_or_default(),
            place(p.hamlet_code.as_deref()),
            place(Some(&p.commune_code)),
            place(Some(&p.district_code)),
            p.street_address.clone().unwrap_or_default(),
            p.occupation.clone().unwrap_or_default(),
            p.workplace.clone().unwrap_or_default(),
            cases.get(&p.id).cloned().unwrap_or_default(),
            show_date(p.created_at.get(..10).unwrap_or(&p.created_at)),
        ]
    };
    let labels = [
        l.t("Họ và tên", "Full name"),
        l.t("Ngày/năm sinh", "Birth date or year"),
        l.t("Giới tính", "Sex"),
        l.t("CCCD/CMND", "National ID"),
        l.t("Điện thoại", "Phone"),
        l.t("Thôn/ấp", "Hamlet"),
        l.t("Xã/phường", "Commune"),
        l.t("Quận/huyện", "District"),
        l.t("Địa chỉ", "Address"),
        l.t("Nghề nghiệp", "Occupation"),
        l.t("Nơi làm việc", "Workplace"),
        l.t("Mã ca bệnh", "Case number"),
        l.t("Ngày lập hồ sơ", "Registered on"),
    ];
    let (la, lb) = (line(&a), line(&b));
    // The older record is kept by default: it is the one others point to.
    let (older, newer) = if a.id < b.id { (&a, &b) } else { (&b, &a) };
    let merge_form = |kept: &Person, merged: &Person, primary: bool| {
        let question = format!(
            "{} {} (#{}) {} {} (#{})? {}",
            l.t("Gộp", "Merge"),
            merged.full_name,
            merged.id,
            l.t("vào", "into"),
            kept.full_name,
            kept.id,
            l.t(
                "Chỉ quản trị viên hoàn tác được, qua API nhật ký.",
                "Only an administrator can undo it, through the audit API."
            )
        );
        html! {
            form method="post" action="/merges" data-confirm=(question) {
                (page.csrf_field())
                input type="hidden" name="kept_id" value=(kept.id);
                input type="hidden" name="merged_id" value=(merged.id);
                button.secondary[!primary] type="submit" {
                    (l.t("Giữ hồ sơ #", "Keep record #")) (kept.id) (l.t(", gộp hồ sơ kia vào", ", merge the other into it"))
                }
            }
        }
    };
    Ok(layout(
        &page,
        l.t("So sánh hồ sơ nghi trùng", "Compare likely duplicates"),
        html! {
            p { a href="/duplicates" { (l.t("← Danh sách nghi trùng", "← Likely duplicates")) } }
            h1 { (l.t("Hai hồ sơ này có phải một người?", "Are these two records one person?")) }
            p.muted { (l.t("Lý do nghi trùng: ", "Why they look alike: ")) (super::duplicate_reason(l, &reason)) }
            div.table-wrap { table #compare {
                thead { tr {
                    th { }
                    th { a href={ "/persons/" (a.id) } { (a.full_name) } " #" (a.id) }
                    th { a href={ "/persons/" (b.id) } { (b.full_name) } " #" (b.id) }
                } }
                tbody { @for (i, label) in labels.iter().enumerate() {
                    @let differs = la[i] != lb[i];
                    tr.differs[differs] {
                        th scope="row" { (label) @if differs { " " span.badge title=(l.t("Khác nhau", "Differs")) { "≠" } } }
                        td { (la[i]) }
                        td { (lb[i]) }
                    }
                } }
            } }
            p.muted { (l.t(
                "Gộp: hồ sơ được giữ giữ nguyên các ô đã có và lấy từ hồ sơ kia những ô còn trống; tiếp xúc, mẫu, ca bệnh và lệnh cách ly chuyển sang hồ sơ được giữ; hồ sơ bị gộp trỏ sang nó và rời khỏi tìm kiếm. Phân loại F được tính lại ngay.",
                "Merging: the kept record keeps the values it has and takes from the other those it lacks; contacts, samples, cases and orders move to it; the merged record points to it and leaves search. F classes are worked out again at once."
            )) }
            div.actions {
                (merge_form(older, newer, true))
                (merge_form(newer, older, false))
                form method="post" action={ "/duplicates/" (id) "/dismiss" } {
                    (page.csrf_field())
                    button.secondary type="submit" { (l.t("Không phải một người", "Not the same person")) }
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
    Ok(Redirect::to(&format!("/persons/{}?done=merged", f.kept_id)).into_response())
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
        .route("/duplicates/{id}", get(duplicate_pair))
        .route("/duplicates/{id}/dismiss", post(dismiss))
        .route("/merges", post(merge))
}
