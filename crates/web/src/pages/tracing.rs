//! Tracing on the pages: a person's class, chain and contacts, with forms to
//! confirm an F0, record a contact and set isolation or release; work lists
//! by class for the user's jurisdiction.
//!
//! The F0 tab of `/tracing` lists F0 by day (`confirmed_from`, `confirmed_to`,
//! `status=confirmed|recovered|deceased`,
//! `found=community|quarantine|imported`; 100 a page with the count); class
//! lists show 500 a page.

use super::picker::Names;
use super::{Page, PageResult, Within, encode, layout, show_date, show_time};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use phongdich_domain::contact::{ContactInput, Setting};
use phongdich_domain::{FieldError, Permission};
use phongdich_store::{
    CaseEvent, CaseFound, CaseInput, CaseList, CaseListEntry, CaseListQuery, Paging, Person,
    StoreError,
};
use serde::Deserialize;

fn setting_label(l: Lang, s: Setting) -> &'static str {
    match s {
        Setting::Household => l.t("Hộ gia đình", "Household"),
        Setting::Workplace => l.t("Nơi làm việc", "Workplace"),
        Setting::School => l.t("Trường học", "School"),
        Setting::Healthcare => l.t("Cơ sở y tế", "Healthcare"),
        Setting::Community => l.t("Cộng đồng", "Community"),
        Setting::Transport => l.t("Phương tiện", "Transport"),
        Setting::Venue => l.t("Địa điểm", "Venue"),
    }
}

/// The tracing part of a person's page.
pub(super) async fn section(
    s: &AppState,
    page: &Page,
    p: &Person,
    errors: &[FieldError],
) -> Markup {
    let l = page.lang;
    let (class, history) = s
        .store
        .person_class(&page.actor.scope, p.id)
        .await
        .unwrap_or((None, Vec::new()));
    let contacts = s
        .store
        .contacts_of(&page.actor.scope, p.id)
        .await
        .unwrap_or_default();
    let handed = s
        .store
        .handed_over(&page.actor.scope, p.id)
        .await
        .unwrap_or_default();
    let samples = s
        .store
        .samples_of(&page.actor.scope, p.id)
        .await
        .unwrap_or_default();
    let can = page.can(Permission::Trace) && p.merged_into.is_none();
    let err = |field: &str| super::field_error(l, errors, field);
    let case = s
        .store
        .case_of_person(&page.actor.scope, p.id)
        .await
        .unwrap_or_default();
    let sources = match &case {
        Some(c) => s.store.case_sources(c.id).await.unwrap_or_default(),
        None => Vec::new(),
    };
    let reviews = s
        .store
        .contact_reviews(&page.actor.scope, p.id)
        .await
        .unwrap_or_default();
    let contact = class.as_ref().is_some_and(|c| (1..=4).contains(&c.level));
    let mut named: Vec<i64> = contacts
        .iter()
        .flat_map(|c| [c.person_id, c.other_person_id])
        .collect();
    named.extend(class.iter().flat_map(|c| c.path.iter().copied()));
    named.extend(history.iter().filter_map(|h| h.via_f0));
    let names = Names::of(&s.store, page, &named).await.unwrap_or_default();
    html! {
        section #tracing aria-labelledby="h-tracing" {
            h2 #h-tracing { (l.t("Truy vết", "Tracing")) }
            @if let Some(c) = &case { (case_card(l, page, p.id, c, &sources, errors, can)) }
            @match &class {
                Some(c) => {
                    p.class-line {
                        strong.class-badge data-level=(c.level) { "F" (c.level) }
                        @if c.level > 0 {
                            " " (l.t("từ ngày", "since")) " " (show_date(&c.since_on)) " — " (l.t("chuỗi", "chain")) ": "
                            @for (i, id) in c.path.iter().enumerate() {
                                @if i > 0 { " → " }
                                (names.link(*id))
                            }
                        }
                    }
                }
                None => p.muted { (l.t("Không thuộc diện F0–F4.", "Not classified F0–F4.")) }
            }
            @if contact || !reviews.is_empty() {
                div #contact-reviews {
                    h3 { (l.t("Rà soát tiếp xúc", "Contact reviews")) }
                    @if reviews.is_empty() { p.muted { (l.t("Chưa rà soát.", "Not reviewed yet.")) } }
                    @else {
                        table {
                            thead { tr { th { (l.t("Ngày rà soát", "Reviewed on")) } th { (l.t("Kết quả", "Outcome")) } th { (l.t("Ghi chú", "Note")) } th { (l.t("Người ghi", "By")) } } }
                            tbody { @for r in &reviews { tr data-review=(r.id) {
                                td { (show_date(&r.reviewed_on)) }
                                td { (review_outcome(l, &r.outcome)) }
                                td { (r.note.as_deref().unwrap_or("")) }
                                td { (r.created_by) }
                            } } }
                        }
                    }
                    @if contact && can { (review_form(l, page, p.id, &format!("/persons/{}#tracing", p.id), err("reviewed_on"), err("outcome"))) }
                }
            }
            @if class.as_ref().is_some_and(|c| c.level == 0) {
                p {
                    a href={ "/chains/" (p.id) } { (l.t("Xem chuỗi lây", "View the transmission chain")) } " · "
                    @for (fmt, label) in [("csv", "CSV"), ("dot", "DOT"), ("graphml", "GraphML"), ("json", "JSON")] {
                        a href={ "/api/v1/chains/" (p.id) "?format=" (fmt) } { (label) } " "
                    }
                }
            }
            @if !history.is_empty() {
                details {
                    summary { (l.t("Lịch sử phân loại", "Class history")) " (" (history.len()) ")" }
                    table {
                        thead { tr { th { (l.t("Lúc", "When")) } th { (l.t("Phân loại", "Class")) } th { (l.t("Qua F0", "Via F0")) } th { (l.t("Nguyên nhân", "Cause")) } } }
                        tbody { @for h in &history { tr {
                            td { (show_time(&h.at)) }
                            td { (h.level.map(|l| format!("F{l}")).unwrap_or_else(|| l.t("Hết phân loại", "Released").to_owned())) }
                            td { @if let Some(f) = h.via_f0 { (names.link(f)) } }
                            td.mono { (h.cause) }
                        } } }
                    }
                }
            }
            @if !samples.is_empty() {
                h3 { (l.t("Mẫu xét nghiệm", "Samples")) " (" (samples.len()) ")" }
                div.table-wrap { table.responsive #samples {
                    thead { tr { th { (l.t("Mã", "Code")) } th { (l.t("Ngày lấy", "Taken")) } th { (l.t("Gộp", "Pool")) } th { (l.t("Tình trạng", "Status")) } } }
                    tbody { @for x in &samples { tr {
                        td.mono data-label=(l.t("Mã", "Code")) { (x.code) }
                        td data-label=(l.t("Ngày lấy", "Taken")) { (show_date(&x.collected_on)) }
                        td.mono data-label=(l.t("Gộp", "Pool")) { (x.pool_code.as_deref().unwrap_or("—")) }
                        td data-label=(l.t("Tình trạng", "Status")) { (super::testing::status_label(l, &x.status)) }
                    } } }
                } }
            }
            h3 { (l.t("Các lần tiếp xúc", "Contacts")) " (" (contacts.len()) ")" }
            @if !contacts.is_empty() {
                div.table-wrap { table.responsive #contacts {
                    thead { tr { th { (l.t("Với", "With")) } th { (l.t("Ngày", "Date")) } th { (l.t("Bối cảnh", "Setting")) } th { (l.t("Tiêu chí F1", "F1 criteria")) } } }
                    tbody { @for c in &contacts {
                        @let other = if c.person_id == p.id { c.other_person_id } else { c.person_id };
                        tr {
                            td data-label=(l.t("Với", "With")) {
                                (names.link(other))
                                @if let Some((code, name)) = handed.get(&other) {
                                    " " span.handed-over.muted {
                                        (l.t("— đã chuyển cho ", "— handed over to ")) (name) " (" (code) ")"
                                    }
                                }
                            }
                            td data-label=(l.t("Ngày", "Date")) { (show_date(&c.from_on)) @if c.to_on != c.from_on { " – " (show_date(&c.to_on)) } }
                            td data-label=(l.t("Bối cảnh", "Setting")) { (Setting::parse(&c.setting).map(|s| setting_label(l, s)).unwrap_or("")) }
                            td data-label=(l.t("Tiêu chí F1", "F1 criteria")) {
                                @if c.qualifies { strong { (l.t("Đạt", "Met")) } } @else { (l.t("Không đạt", "Not met")) }
                                ": " (l.t(&c.why_vi, &c.why_en))
                            }
                        }
                    } }
                } }
            }
            @if can {
                @if !errors.is_empty() {
                    div.alert role="alert" { p { (l.t("Chưa lưu: hãy sửa các lỗi được đánh dấu.", "Not saved: correct the marked errors.")) }
                        @for e in errors.iter().filter(|e| !["other_person_id", "date", "until", "setting", "distance_m", "duration_min", "sample_on", "onset_on", "course", "source_kind", "source_ref", "isolated_from", "released_on"].contains(&e.field.as_str())) {
                            p { (l.t(&e.message_vi, &e.message_en)) }
                        }
                    }
                }
                details open[errors.iter().any(|e| ["other_person_id", "date", "until", "setting", "distance_m", "duration_min"].contains(&e.field.as_str()))] {
                    summary { (l.t("Ghi nhận tiếp xúc", "Record a contact")) }
                    form method="post" action={ "/persons/" (p.id) "/contacts" } {
                        (page.csrf_field())
                        div.grid {
                            // What was typed stays when the contact is refused (`page.typed`).
                            div.field { (super::picker::person_input(l, "c-other", "other_person_id", ("Người tiếp xúc", "Contact person"), page.typed("other_person_id"), false, true)) (err("other_person_id")) }
                            div.field { label for="c-other-nid" { (l.t("Số CCCD/CMND của người tiếp xúc (bắt buộc nếu ở ngoài địa bàn)", "Their national ID (required if they live outside your area)")) } input #c-other-nid name="other_national_id" inputmode="numeric" autocomplete="off" value=(page.typed("other_national_id")); }
                            div.field { label for="c-date" { (l.t("Ngày tiếp xúc", "Date")) } input #c-date name="date" placeholder="dd/mm/yyyy" required value=(page.typed("date")); (err("date")) }
                            div.field { label for="c-until" { (l.t("Đến ngày (nếu nhiều ngày)", "Until (if several days)")) } input #c-until name="until" placeholder="dd/mm/yyyy" value=(page.typed("until")); (err("until")) }
                            div.field { label for="c-setting" { (l.t("Bối cảnh", "Setting")) }
                                select #c-setting name="setting" required { option value="" selected[page.typed("setting").is_empty()] { (l.t("— Chọn —", "— Choose —")) } @for st in Setting::ALL { option value=(st.as_str()) selected[page.typed("setting") == st.as_str()] { (setting_label(l, st)) } } } (err("setting")) }
                            div.field { label for="c-distance" { (l.t("Khoảng cách (m)", "Distance (m)")) } input #c-distance name="distance_m" inputmode="decimal" value=(page.typed("distance_m")); (err("distance_m")) }
                            div.field { label for="c-duration" { (l.t("Thời gian (phút)", "Duration (minutes)")) } input #c-duration name="duration_min" inputmode="numeric" value=(page.typed("duration_min")); (err("duration_min")) }
                        }
                        fieldset {
                            legend { (l.t("Hoàn cảnh", "Circumstances")) }
                            @for (name, vi, en) in [("masked", "Cả hai đeo khẩu trang", "Both masked"), ("body_contact", "Tiếp xúc cơ thể", "Body contact"), ("caregiving", "Chăm sóc người bệnh", "Caregiving"), ("protective_equipment", "Đủ đồ bảo hộ", "Full protective equipment"), ("closed_space", "Cùng không gian kín", "Same closed space")] {
                                label.check { input type="checkbox" name=(name) value="true" checked[!page.typed(name).is_empty()]; " " (l.t(vi, en)) }
                            }
                        }
                        button type="submit" { (l.t("Ghi nhận", "Record")) }
                    }
                }
                details open[errors.iter().any(|e| e.field == "file")] {
                    summary { (l.t("Nhập danh sách tiếp xúc (CSV, XLSX)", "Import a contact list (CSV, XLSX)")) }
                    p.muted { (l.t(
                        "Mỗi dòng một người: các cột người dân (Họ và tên, Ngày sinh, Giới tính, CCCD, SĐT, Mã xã…) và Ngày tiếp xúc, Bối cảnh, Khoảng cách, Thời gian, Khẩu trang. Người đã có được nhận ra theo CCCD hoặc quy tắc nghi trùng; người mới được đăng ký.",
                        "One person a row: the person columns (full_name, birth, sex, national_id, phone, commune_code…) and date, setting, distance_m, duration_min, masked. Known people are matched by national ID or the duplicate rules; new people are registered."
                    )) }
                    (err("file"))
                    form method="post" action={ "/persons/" (p.id) "/contacts/import" } enctype="multipart/form-data" {
                        // The token as the first part of the upload, not in its address.
                        (page.csrf_field())
                        div.field { label for="ci-file" { (l.t("Tệp", "File")) } input #ci-file type="file" name="file" accept=".csv,.xlsx" required; }
                        button type="submit" { (l.t("Nhập", "Import")) }
                    }
                }
                @if class.as_ref().is_none_or(|c| c.level > 0) {
                    details open[errors.iter().any(|e| ["sample_on", "onset_on", "course", "source_kind", "source_ref", "official_code", "local_code", "infected_by", "exposure_on", "origin_province", "origin_district", "case"].contains(&e.field.as_str()))] {
                        summary { (l.t("Khẳng định F0", "Confirm as F0")) }
                        form method="post" action={ "/persons/" (p.id) "/case" } {
                            (page.csrf_field())
                            div.grid {
                                div.field { label for="k-sample" { (l.t("Ngày lấy mẫu", "Sample date")) } input #k-sample name="sample_on" placeholder="dd/mm/yyyy" required; (err("sample_on")) }
                                div.field { label for="k-onset" { (l.t("Ngày khởi phát (trống nếu không triệu chứng)", "Symptom onset (empty if none)")) } input #k-onset name="onset_on" placeholder="dd/mm/yyyy"; (err("onset_on")) }
                                div.field { label for="k-code" { (l.t("Mã BN (quốc gia)", "Case number (national)")) } input #k-code name="official_code" placeholder="BN1234"; (err("official_code")) }
                                div.field { label for="k-local" { (l.t("Mã ca của tỉnh", "Province case number")) } input #k-local name="local_code"; (err("local_code")) }
                                div.field.wide { label for="k-by" { (l.t("Lây từ — mã BN, tên ổ dịch hoặc nước; nhiều nguồn cách nhau bằng dấu phẩy (trống: đang điều tra)", "Infected by — case numbers, cluster names or countries, several separated by commas (empty: under investigation)")) }
                                    input #k-by name="infected_by" placeholder="BN1, BN2; Chợ Long Biên; Anh"; (err("infected_by")) (err("source_ref")) }
                                (origin_fields(l, "k", &err))
                                div.field { label for="k-exposure" { (l.t("Ngày tiếp xúc với nguồn", "Exposure date")) } input #k-exposure name="exposure_on" placeholder="dd/mm/yyyy"; (err("exposure_on")) }
                                div.field { label for="k-course" { (l.t("Điều trị", "Course")) }
                                    select #k-course name="course" {
                                        option value="home" { (l.t("Tại nhà", "At home")) }
                                        option value="hospital" { (l.t("Bệnh viện", "Hospital")) }
                                        option value="icu" { (l.t("Hồi sức tích cực", "ICU")) }
                                    } (err("course")) }
                                div.field { label for="k-where" { (l.t("Phát hiện tại", "Detected in")) }
                                    select #k-where name="detected_where" {
                                        option value="community" { (l.t("Cộng đồng", "Community")) }
                                        option value="quarantine" { (l.t("Khu cách ly", "Quarantine")) }
                                        option value="checkpoint" { (l.t("Chốt kiểm soát", "Checkpoint")) }
                                        option value="hospital" { (l.t("Bệnh viện", "Hospital")) }
                                    } }
                            }
                            button type="submit" { (l.t("Khẳng định F0", "Confirm F0")) }
                        }
                    }
                }
                details open[errors.iter().any(|e| ["isolated_from", "released_on"].contains(&e.field.as_str()))] {
                    summary { (l.t("Cách ly / kết thúc cách ly", "Isolation / release")) }
                    form method="post" action={ "/persons/" (p.id) "/status" } {
                        (page.csrf_field())
                        div.grid {
                            div.field { label for="s-iso" { (l.t("Bắt đầu cách ly", "Isolated from")) } input #s-iso name="isolated_from" placeholder="dd/mm/yyyy"; (err("isolated_from")) }
                            div.field { label for="s-rel" { (l.t("Kết thúc cách ly (âm tính)", "Released on (negative)")) } input #s-rel name="released_on" placeholder="dd/mm/yyyy"; (err("released_on")) }
                        }
                        button type="submit" { (l.t("Lưu", "Save")) }
                    }
                }
            }
        }
    }
}

/// Re-show the person page with errors from a tracing form.
async fn person_with_errors(
    s: &AppState,
    page: &Page,
    id: i64,
    errors: Vec<FieldError>,
) -> PageResult {
    let mut r = super::persons::person_page(s, page, id, &errors).await?;
    *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

#[derive(Deserialize, Default)]
pub(super) struct ContactForm {
    #[serde(default)]
    other_person_id: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    setting: String,
    #[serde(default)]
    distance_m: String,
    #[serde(default)]
    duration_min: String,
    #[serde(default)]
    masked: Option<String>,
    #[serde(default)]
    body_contact: Option<String>,
    #[serde(default)]
    caregiving: Option<String>,
    #[serde(default)]
    protective_equipment: Option<String>,
    #[serde(default)]
    closed_space: Option<String>,
    #[serde(default)]
    other_national_id: String,
}

pub(super) async fn add_contact(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<ContactForm>,
) -> PageResult {
    page.require(Permission::Trace)?;
    // Drawn again after a refusal, the form keeps what was typed.
    let page = page.with_typed(
        [
            ("other_person_id", &f.other_person_id),
            ("other_national_id", &f.other_national_id),
            ("date", &f.date),
            ("until", &f.until),
            ("setting", &f.setting),
            ("distance_m", &f.distance_m),
            ("duration_min", &f.duration_min),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .chain(
            [
                ("masked", &f.masked),
                ("body_contact", &f.body_contact),
                ("caregiving", &f.caregiving),
                ("protective_equipment", &f.protective_equipment),
                ("closed_space", &f.closed_space),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_owned(), v.clone()))),
        )
        .collect(),
    );
    let mut errors = Vec::new();
    let num = |field: &str, v: &str, errors: &mut Vec<FieldError>| -> Option<f64> {
        let v = v.trim().replace(',', ".");
        if v.is_empty() {
            return None;
        }
        v.parse::<f64>()
            .map_err(|_| {
                errors.push(FieldError::new(
                    field,
                    "not_a_number",
                    "Cần một con số.",
                    "A number is needed.",
                ))
            })
            .ok()
    };
    let other =
        match super::picker::resolve_person(&s.store, &page, "other_person_id", &f.other_person_id)
            .await
            .map_err(|e| page.fail(e))?
        {
            Ok(id) => id.unwrap_or(0),
            Err(e) => {
                errors.push(e);
                0
            }
        };
    let distance_m = num("distance_m", &f.distance_m, &mut errors);
    let duration_min = num("duration_min", &f.duration_min, &mut errors).map(|d| d as i64);
    let input = ContactInput {
        person_id: id,
        other_person_id: other,
        date: f.date,
        until: f.until,
        setting: f.setting,
        distance_m,
        duration_min,
        masked: f.masked.is_some(),
        body_contact: f.body_contact.is_some(),
        caregiving: f.caregiving.is_some(),
        protective_equipment: f.protective_equipment.is_some(),
        closed_space: f.closed_space.is_some(),
        other_national_id: f.other_national_id,
    };
    let contact = match input.parse(page.today()) {
        Ok(c) if errors.is_empty() => c,
        Ok(_) => return person_with_errors(&s, &page, id, errors).await,
        Err(e) => {
            // A person the picker could not resolve is said once, by it.
            let picked = errors.iter().any(|x| x.field == "other_person_id");
            errors.extend(
                e.0.into_iter()
                    .filter(|x| !(picked && x.field == "other_person_id")),
            );
            return person_with_errors(&s, &page, id, errors).await;
        }
    };
    match s.store.add_contact(&page.actor, &contact).await {
        Ok((_, changes)) => Ok(Redirect::to(&format!(
            "/persons/{id}?done=contact&n={}#tracing",
            changes.len()
        ))
        .into_response()),
        Err(StoreError::Invalid(i)) => person_with_errors(&s, &page, id, i.0).await,
        Err(e) => Err(page.fail(e)),
    }
}

/// The case of the person: its numbers, dates, course and every source
/// (cases linked to their people, clusters, countries by name), with the
/// form that corrects it.
fn case_card(
    l: Lang,
    page: &Page,
    person_id: i64,
    c: &phongdich_store::Case,
    sources: &[phongdich_store::CaseSource],
    errors: &[FieldError],
    can: bool,
) -> Markup {
    use phongdich_store::Source;
    let err = |field: &str| super::field_error(l, errors, field);
    let date = |d: &Option<chrono::NaiveDate>| d.map(super::show_day).unwrap_or_default();
    let typed_sources = sources
        .iter()
        .map(|s| s.source.label())
        .collect::<Vec<_>>()
        .join(", ");
    let fields = [
        "official_code",
        "local_code",
        "infected_by",
        "exposure_on",
        "origin_province",
        "origin_district",
        "confirmed_on",
        "recovered_on",
        "died_on",
        "course",
        "hospital",
        "negative_on",
    ];
    html! {
        div.case-card #case {
            h3 { (l.t("Ca bệnh", "Case")) " " span.mono #case-code { (c.code) } }
            dl.facts {
                dt { (l.t("Mã BN (quốc gia)", "National case number")) } dd { (c.official_code.as_deref().unwrap_or("—")) }
                dt { (l.t("Mã ca của tỉnh", "Province case number")) } dd { (c.local_code.as_deref().unwrap_or("—")) }
                dt { (l.t("Mã hồ sơ", "Record code")) } dd.mono { (c.record_code) }
                dt { (l.t("Ngày khẳng định", "Confirmed on")) } dd { (super::show_day(c.confirmed_on)) }
                dt { (l.t("Tình trạng", "Course")) } dd { (course_label(l, c.course.as_str()))
                    @if c.recovered_on.is_some() { " " (date(&c.recovered_on)) }
                    @if c.died_on.is_some() { " " (date(&c.died_on)) }
                    @if let Some(h) = &c.hospital { " — " (h) } }
                dt { (l.t("Lây từ", "Infected by")) }
                dd #case-sources {
                    @if sources.is_empty() { (l.t("Đang điều tra", "Under investigation")) }
                    @for (i, s) in sources.iter().enumerate() {
                        @if i > 0 { ", " }
                        @match &s.source {
                            Source::Case { code, .. } => {
                                @if let Some(pid) = s.source_person_id { a.source href={ "/persons/" (pid) } { (code) } } @else { (code) }
                            }
                            Source::Cluster { cluster_id, name } => { a.source href={ "/clusters/" (cluster_id) } { (name) } }
                            Source::Imported { country } => { span.source { (l.t("nhập cảnh từ ", "imported from ")) (phongdich_domain::country::name(country, l == Lang::Vi)) } }
                            Source::OtherProvince { province_name, district_name, .. } => {
                                span.source.origin { (l.t("từ tỉnh khác: ", "from another province: "))
                                    @if let Some(d) = district_name { (d) ", " } (province_name) }
                            }
                        }
                    }
                    @if let Some(d) = sources.iter().find_map(|s| s.exposure_on.as_deref()) {
                        " (" (l.t("tiếp xúc ", "exposed ")) (show_date(d)) ")"
                    }
                }
            }
            @if can {
                details open[errors.iter().any(|e| fields.contains(&e.field.as_str()))] {
                    summary { (l.t("Sửa ca bệnh", "Correct the case")) }
                    p.muted { (l.t("Ô để trống giữ nguyên. Nguồn lây ghi lại đầy đủ (thay cho nguồn cũ).", "Blank fields keep what is on file. Sources are written in full (they replace the old ones).")) }
                    form method="post" action={ "/persons/" (person_id) "/case/correct" } {
                        (page.csrf_field())
                        div.grid {
                            div.field { label for="c-code" { (l.t("Mã BN (quốc gia)", "Case number (national)")) } input #c-code name="official_code" value=(c.official_code.as_deref().unwrap_or("")); (err("official_code")) }
                            div.field { label for="c-local" { (l.t("Mã ca của tỉnh", "Province case number")) } input #c-local name="local_code" value=(c.local_code.as_deref().unwrap_or("")); (err("local_code")) }
                            div.field.wide { label for="c-by" { (l.t("Lây từ (nhiều nguồn cách nhau bằng dấu phẩy)", "Infected by (several separated by commas)")) } input #c-by name="infected_by" value=(typed_sources); (err("infected_by")) }
                            (origin_fields(l, "c", &err))
                            div.field { label for="c-exposure" { (l.t("Ngày tiếp xúc", "Exposure date")) } input #c-exposure name="exposure_on" placeholder="dd/mm/yyyy"; (err("exposure_on")) }
                            div.field { label for="c-confirmed" { (l.t("Ngày khẳng định", "Confirmed on")) } input #c-confirmed name="confirmed_on" placeholder=(super::show_day(c.confirmed_on)); (err("confirmed_on")) }
                            div.field { label for="c-course" { (l.t("Tình trạng", "Course")) }
                                select #c-course name="course" {
                                    option value="" { (l.t("— giữ nguyên —", "— keep —")) }
                                    @for k in ["home", "hospital", "icu", "recovered", "deceased", "transferred_out"] { option value=(k) { (course_label(l, k)) } }
                                } (err("course")) }
                            div.field { label for="c-recovered" { (l.t("Ngày khỏi / ra viện", "Recovered / discharged on")) } input #c-recovered name="recovered_on" placeholder="dd/mm/yyyy"; (err("recovered_on")) }
                            div.field { label for="c-died" { (l.t("Ngày tử vong", "Died on")) } input #c-died name="died_on" placeholder="dd/mm/yyyy"; (err("died_on")) }
                            div.field { label for="c-hospital" { (l.t("Nơi điều trị", "Hospital")) } input #c-hospital name="hospital" value=(c.hospital.as_deref().unwrap_or("")); (err("hospital")) }
                        }
                        button type="submit" { (l.t("Lưu sửa đổi", "Save the correction")) }
                    }
                }
            }
        }
    }
}

/// Correct the person's case (the form on their page).
pub(super) async fn correct(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<CaseForm>,
) -> PageResult {
    page.require(Permission::Trace)?;
    let Some(case) = s
        .store
        .case_of_person(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?
    else {
        let e = FieldError::new(
            "case",
            "not_a_case",
            "Người này chưa là ca bệnh.",
            "This person is not a case.",
        );
        return person_with_errors(&s, &page, id, vec![e]).await;
    };
    match s
        .store
        .correct_case(&page.actor, case.id, &f.input(id), page.today())
        .await
    {
        Ok((_, changes, changed)) => Ok(Redirect::to(&format!(
            "/persons/{id}?done={}&n={}#case",
            if changed { "corrected" } else { "unchanged" },
            changes.len()
        ))
        .into_response()),
        Err(StoreError::Invalid(i)) => person_with_errors(&s, &page, id, i.0).await,
        Err(e) => Err(page.fail(e)),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct CaseForm {
    #[serde(default)]
    sample_on: String,
    #[serde(default)]
    onset_on: String,
    #[serde(default)]
    source_kind: String,
    #[serde(default)]
    source_ref: String,
    #[serde(default)]
    course: String,
    #[serde(default)]
    detected_where: String,
    #[serde(default)]
    official_code: String,
    #[serde(default)]
    local_code: String,
    #[serde(default)]
    infected_by: String,
    #[serde(default)]
    exposure_on: String,
    #[serde(default)]
    recovered_on: String,
    #[serde(default)]
    died_on: String,
    #[serde(default)]
    confirmed_on: String,
    #[serde(default)]
    negative_on: String,
    #[serde(default)]
    hospital: String,
    #[serde(default)]
    origin_province: String,
    #[serde(default)]
    origin_district: String,
}

impl CaseForm {
    fn input(self, person_id: i64) -> CaseInput {
        CaseInput {
            person_id,
            confirmed_on: self.confirmed_on,
            sample_on: self.sample_on,
            onset_on: self.onset_on,
            test_kind: String::new(),
            source_kind: self.source_kind,
            source_ref: self.source_ref,
            course: self.course,
            hospital: self.hospital,
            detected_where: self.detected_where,
            negative_on: self.negative_on,
            official_code: self.official_code,
            local_code: self.local_code,
            infected_by: self.infected_by,
            exposure_on: self.exposure_on,
            recovered_on: self.recovered_on,
            died_on: self.died_on,
            origin_province: self.origin_province,
            origin_district: self.origin_district,
        }
    }
}

pub(super) async fn confirm(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<CaseForm>,
) -> PageResult {
    page.require(Permission::Trace)?;
    let input = f.input(id);
    match s
        .store
        .confirm_case(&page.actor, &input, page.today())
        .await
    {
        Ok((_, changes)) => Ok(Redirect::to(&format!(
            "/persons/{id}?done=confirmed&n={}#tracing",
            changes.len()
        ))
        .into_response()),
        Err(StoreError::Invalid(i)) => person_with_errors(&s, &page, id, i.0).await,
        Err(StoreError::Conflict {
            message_vi,
            message_en,
        }) => {
            let e = FieldError::new("case", "conflict", message_vi, message_en);
            person_with_errors(&s, &page, id, vec![e]).await
        }
        Err(e) => Err(page.fail(e)),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct StatusForm {
    #[serde(default)]
    isolated_from: String,
    #[serde(default)]
    released_on: String,
}

pub(super) async fn set_status(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> PageResult {
    page.require(Permission::Trace)?;
    let mut errors = Vec::new();
    let mut date = |field: &str, v: &str| {
        if v.trim().is_empty() {
            return None;
        }
        phongdich_domain::contact::parse_date(field, v)
            .map_err(|e| errors.push(e))
            .ok()
    };
    let iso = date("isolated_from", &f.isolated_from);
    let rel = date("released_on", &f.released_on);
    if !errors.is_empty() {
        return person_with_errors(&s, &page, id, errors).await;
    }
    match s.store.set_person_status(&page.actor, id, iso, rel).await {
        Ok(_) => Ok(Redirect::to(&format!("/persons/{id}#tracing")).into_response()),
        Err(StoreError::Invalid(i)) => person_with_errors(&s, &page, id, i.0).await,
        Err(e) => Err(page.fail(e)),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    #[serde(default, deserialize_with = "crate::api::in_range::<0, 4, _>")]
    level: Option<i64>,
    /// Only those not yet isolated or quarantined, oldest first.
    #[serde(default)]
    waiting: Option<String>,
    /// A province, district or commune inside the reader's jurisdiction.
    #[serde(default)]
    unit: String,
    /// F0 by day: the period (dd/mm/yyyy or yyyy-mm-dd; one of them alone is one day).
    #[serde(default)]
    confirmed_from: String,
    #[serde(default)]
    confirmed_to: String,
    /// `confirmed` (default), `recovered` or `deceased`: which day counts.
    #[serde(default)]
    status: String,
    /// `community`, `quarantine` or `imported`: where new cases were found.
    #[serde(default)]
    found: String,
    #[serde(default)]
    page: Option<String>,
}

impl ListQuery {
    /// Whether the F0 list by day was asked for.
    fn by_day(&self) -> bool {
        [
            &self.confirmed_from,
            &self.confirmed_to,
            &self.status,
            &self.found,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
    }

    /// The period and kind of the F0 list by day, or each error of the form.
    fn case_query(&self) -> Result<CaseListQuery, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut date = |field: &str, v: &str| {
            if v.trim().is_empty() {
                return None;
            }
            phongdich_domain::contact::parse_date(field, v)
                .map_err(|e| errors.push(e))
                .ok()
        };
        let from = date("confirmed_from", &self.confirmed_from);
        let to = date("confirmed_to", &self.confirmed_to);
        let event = if self.status.trim().is_empty() {
            Some(CaseEvent::Confirmed)
        } else {
            CaseEvent::parse(&self.status).or_else(|| {
                errors.push(FieldError::new(
                    "status",
                    "invalid_status",
                    "Chọn: được khẳng định, khỏi bệnh hoặc tử vong.",
                    "Choose: confirmed, recovered or deceased.",
                ));
                None
            })
        };
        let found = if self.found.trim().is_empty() {
            None
        } else {
            let f = CaseFound::parse(&self.found);
            if f.is_none() {
                errors.push(FieldError::new(
                    "found",
                    "invalid_found",
                    "Chọn nơi phát hiện: cộng đồng, đang cách ly hoặc nhập cảnh.",
                    "Choose where found: community, in quarantine or imported.",
                ));
            }
            f
        };
        if self.confirmed_from.trim().is_empty() && self.confirmed_to.trim().is_empty() {
            errors.push(FieldError::new(
                "confirmed_from",
                "required",
                "Cần ngày bắt đầu hoặc ngày kết thúc của kỳ.",
                "The period needs a first or a last day.",
            ));
        }
        let (from, to) = (from.or(to), to.or(from));
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            errors.push(FieldError::new(
                "confirmed_to",
                "period_order",
                "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.",
                "The last day must be on or after the first.",
            ));
        }
        match (from, to, event) {
            (Some(from), Some(to), Some(event)) if errors.is_empty() => Ok(CaseListQuery {
                from,
                to,
                event,
                found,
            }),
            _ => Err(errors),
        }
    }
}

fn course_label(l: Lang, course: &str) -> &'static str {
    match course {
        "home" => l.t("Tại nhà", "At home"),
        "hospital" => l.t("Bệnh viện", "Hospital"),
        "icu" => l.t("Hồi sức tích cực", "ICU"),
        "recovered" => l.t("Khỏi bệnh", "Recovered"),
        "deceased" => l.t("Tử vong", "Deceased"),
        "transferred_out" => l.t("Chuyển đi nơi khác", "Transferred out"),
        _ => "",
    }
}

fn found_label(l: Lang, found: CaseFound) -> &'static str {
    match found {
        CaseFound::Community => l.t("Phát hiện trong cộng đồng", "Found in the community"),
        CaseFound::Quarantine => l.t("Phát hiện khi đang cách ly", "Found in quarantine"),
        CaseFound::OtherProvince => l.t("Từ tỉnh, thành phố khác", "From another province"),
        CaseFound::Imported => l.t("Nhập cảnh", "Imported"),
    }
}

fn event_label(l: Lang, e: CaseEvent) -> &'static str {
    match e {
        CaseEvent::Confirmed => l.t("Được khẳng định F0", "Confirmed F0"),
        CaseEvent::Recovered => l.t("Khỏi bệnh", "Recovered"),
        CaseEvent::Deceased => l.t("Tử vong", "Deceased"),
    }
}

/// The origin of a case that came from another province: the province
/// (code or name) and optionally its district; `id` prefixes the inputs' ids.
fn origin_fields(l: Lang, id: &str, err: &dyn Fn(&str) -> Markup) -> Markup {
    html! {
        div.field { label for={ (id) "-origin-province" } { (l.t("Về từ tỉnh/thành phố khác (mã hoặc tên)", "Came from another province (code or name)")) }
            input id={ (id) "-origin-province" } name="origin_province" placeholder="TP. Hồ Chí Minh"; (err("origin_province")) }
        div.field { label for={ (id) "-origin-district" } { (l.t("Quận/huyện nơi về (không bắt buộc)", "District of origin (optional)")) }
            input id={ (id) "-origin-district" } name="origin_district" placeholder="Quận 7"; (err("origin_district")) }
    }
}

/// A case's source as the report splits new cases.
fn case_found(e: &CaseListEntry) -> CaseFound {
    if e.source_kind == "imported" {
        CaseFound::Imported
    } else if e.detected_where == "quarantine" {
        CaseFound::Quarantine
    } else {
        CaseFound::Community
    }
}

/// This page's address on page `n` of its list.
fn with_page(path: &str, n: i64) -> String {
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let mut kept: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some("page"))
        .map(str::to_owned)
        .collect();
    kept.push(format!("page={n}"));
    format!("{base}?{}", kept.join("&"))
}

/// The F0 by day form (on the F0 tab), keeping what was typed.
fn by_day_form(l: Lang, q: &ListQuery, within: &Within, errors: &[FieldError]) -> Markup {
    let err = |field: &str| super::field_error(l, errors, field);
    html! {
        details #by-day open[q.by_day()] {
            summary { (l.t("F0 theo ngày (mới, khỏi bệnh, tử vong)", "F0 by day (new, recovered, deceased)")) }
            form.filters method="get" action="/tracing" {
                input type="hidden" name="level" value="0";
                @if let Some(u) = &within.unit { input type="hidden" name="unit" value=(u.code); }
                div.grid {
                    div.field { label for="bd-from" { (l.t("Từ ngày", "From")) } input #bd-from name="confirmed_from" placeholder="dd/mm/yyyy" value=(q.confirmed_from); (err("confirmed_from")) }
                    div.field { label for="bd-to" { (l.t("Đến ngày", "To")) } input #bd-to name="confirmed_to" placeholder="dd/mm/yyyy" value=(q.confirmed_to); (err("confirmed_to")) }
                    div.field { label for="bd-status" { (l.t("Ca", "Cases")) }
                        select #bd-status name="status" {
                            @for e in CaseEvent::ALL { option value=(e.as_str()) selected[q.status.trim() == e.as_str()] { (event_label(l, e)) } }
                        } (err("status")) }
                    div.field { label for="bd-found" { (l.t("Nơi phát hiện (ca mới)", "Where found (new cases)")) }
                        select #bd-found name="found" {
                            option value="" { (l.t("Tất cả", "All")) }
                            @for f in CaseFound::ALL { option value=(f.as_str()) selected[q.found.trim() == f.as_str()] { (found_label(l, f)) } }
                        } (err("found")) }
                }
                button type="submit" { (l.t("Xem", "Show")) }
            }
        }
    }
}

/// The cases of the period, a page at a time, with their count.
fn case_table(
    l: Lang,
    path: &str,
    q: &CaseListQuery,
    list: &CaseList,
    n: i64,
    communes: &std::collections::HashMap<String, String>,
) -> Markup {
    let day_heading = match q.event {
        CaseEvent::Confirmed => l.t("Ngày khẳng định", "Confirmed on"),
        CaseEvent::Recovered => l.t("Ngày âm tính", "Negative on"),
        CaseEvent::Deceased => l.t("Ngày ghi nhận", "Recorded on"),
    };
    let period = if q.from == q.to {
        format!("{}{}", l.t("ngày ", "on "), q.from.format("%d/%m/%Y"))
    } else {
        format!(
            "{}{}{}{}",
            l.t("từ ngày ", "from "),
            q.from.format("%d/%m/%Y"),
            l.t(" đến ngày ", " to "),
            q.to.format("%d/%m/%Y")
        )
    };
    let more = list.paging.has_more(list.total);
    html! {
        h2 #h-cases {
            (event_label(l, q.event)) @if let Some(f) = q.found { " — " (found_label(l, f).to_lowercase()) } " " (period) ": "
            span #case-total { (super::num(l, list.total)) } " " (l.t("ca", "cases"))
        }
        @if list.entries.is_empty() {
            p.muted { (if list.total > 0 { l.t("Không còn trên trang này.", "No more on this page.") } else { l.t("Không có ca nào.", "No cases.") }) }
        } @else {
            div.table-wrap { table.responsive #cases {
                thead { tr {
                    th { (l.t("Mã ca", "Case")) } th { (l.t("Họ và tên", "Full name")) } th { (day_heading) }
                    th { (l.t("Phát hiện", "Found")) } th { (l.t("Điều trị", "Course")) } th { (l.t("Xã", "Commune")) }
                } }
                tbody { @for e in &list.entries { tr data-case=(e.code) {
                    td.mono data-label=(l.t("Mã ca", "Case")) { (e.code) }
                    td data-label=(l.t("Họ và tên", "Full name")) {
                        @if e.full_name.is_empty() {
                            span.muted { (l.t("Đã chuyển khỏi địa bàn", "Moved out of your area")) }
                        } @else {
                            a href={ "/persons/" (e.person_id) "#tracing" } { (e.full_name) }
                        }
                    }
                    td data-label=(day_heading) { (show_date(&e.on_day)) }
                    td data-label=(l.t("Phát hiện", "Found")) { (found_label(l, case_found(e))) }
                    td data-label=(l.t("Điều trị", "Course")) { (course_label(l, &e.course)) }
                    td data-label=(l.t("Xã", "Commune")) { a href={ "/persons?unit=" (encode(&e.commune_code)) } title=(e.commune_code) { (communes.get(&e.commune_code).unwrap_or(&e.commune_code)) } }
                } } }
            } }
        }
        @if n > 1 || more {
            nav.pager aria-label=(l.t("Trang", "Pages")) {
                @if n > 1 { a href=(with_page(path, n - 1)) rel="prev" { "← " (l.t("Trang trước", "Previous")) } }
                span { (l.t("Trang", "Page")) " " (n) }
                @if more { a #next-page href=(with_page(path, n + 1)) rel="next" { (l.t("Trang sau", "Next")) " →" } }
            }
        }
    }
}

/// A review outcome in the reader's language.
fn review_outcome(l: Lang, outcome: &str) -> &'static str {
    phongdich_store::REVIEW_OUTCOMES
        .iter()
        .find(|o| o.0 == outcome)
        .map(|o| l.t(o.1, o.2))
        .unwrap_or("—")
}

/// "Đã rà soát / Reviewed": the day (today by default) and the outcome of a
/// contact review, posted for one person; back to `back` afterwards.
fn review_form(
    l: Lang,
    page: &Page,
    person: i64,
    back: &str,
    day_err: Markup,
    outcome_err: Markup,
) -> Markup {
    let today = page.today().format("%d/%m/%Y").to_string();
    html! {
        form.inline.review-form method="post" action={ "/persons/" (person) "/contact-reviews" } {
            (page.csrf_field())
            input type="hidden" name="back" value=(back);
            label { span.visually-hidden { (l.t("Ngày rà soát", "Review day")) } input type="text" name="reviewed_on" value=(today) size="10" inputmode="numeric" pattern="[0-9]{2}/[0-9]{2}/[0-9]{4}" aria-label=(l.t("Ngày rà soát (dd/mm/yyyy)", "Review day (dd/mm/yyyy)")); }
            (day_err)
            select name="outcome" aria-label=(l.t("Kết quả rà soát", "Review outcome")) {
                @for o in phongdich_store::REVIEW_OUTCOMES { option value=(o.0) { (l.t(o.1, o.2)) } }
            }
            (outcome_err)
            button type="submit" { (l.t("Đã rà soát", "Reviewed")) }
        }
    }
}

#[derive(Deserialize)]
pub(super) struct ReviewForm {
    #[serde(default)]
    reviewed_on: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    back: String,
}

/// Record a contact review from the F1 list or the person's page.
pub(super) async fn record_review(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<ReviewForm>,
) -> PageResult {
    page.require(Permission::Trace)?;
    let day = if f.reviewed_on.trim().is_empty() {
        page.today().to_string()
    } else {
        f.reviewed_on.clone()
    };
    match s
        .store
        .record_contact_review(&page.actor, id, &day, &f.outcome, &f.note)
        .await
    {
        Ok(_) => {
            // Only a path of this site.
            let back = if f.back.starts_with('/')
                && !f.back.starts_with("//")
                && !f.back.starts_with("/\\")
            {
                f.back.as_str()
            } else {
                "/tracing?level=1"
            };
            Ok(Redirect::to(back).into_response())
        }
        Err(StoreError::Invalid(i)) => person_with_errors(&s, &page, id, i.0).await,
        Err(e) => Err(page.fail(e)),
    }
}

/// People a page of a class's work list shows.
const CLASS_PAGE: i64 = 500;

/// "1–500 of 12,345" with the previous and next pages of a class's list.
fn class_pager(l: Lang, path: &str, cp: &phongdich_store::ClassPage, n: i64) -> Markup {
    let first = cp.paging.offset + 1;
    let last = (cp.paging.offset + cp.entries.len() as i64).max(cp.paging.offset);
    let more = cp.paging.has_more(cp.total);
    html! {
        nav.pager #class-pager aria-label=(l.t("Trang", "Pages")) {
            @if n > 1 { a href=(with_page(path, n - 1)) rel="prev" { "← " (l.t("Trang trước", "Previous")) } }
            span #class-range {
                @if cp.entries.is_empty() { "0" } @else { (super::num(l, first)) "–" (super::num(l, last)) }
                " " (l.t("trên", "of")) " " (super::num(l, cp.total))
            }
            @if more { a #next-page href=(with_page(path, n + 1)) rel="next" { (l.t("Trang sau", "Next")) " →" } }
        }
    }
}

/// Work lists: counts by class and the people of one class, or the F0
/// confirmed (recovered, deceased) during a period; the reader's whole
/// jurisdiction or one unit inside it (`?unit=`).
pub(super) async fn lists(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let l = page.lang;
    let within = Within::of(&s, &page, &q.unit).await?;
    let scope = &within.scope;
    let by_day = q.by_day();
    let level = if by_day {
        0
    } else {
        q.level.unwrap_or(1).clamp(0, 4)
    };
    let n = q
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<i64>().ok())
        .unwrap_or(1)
        .max(1);
    let counts = s
        .store
        .class_counts(scope)
        .await
        .map_err(|e| page.fail(e))?;
    let waiting = q.waiting.is_some() && !by_day;
    // The F0 by day, or the errors of its form.
    let (cases, errors) = if by_day {
        match q.case_query() {
            Ok(cq) => {
                let list = s
                    .store
                    .case_list(scope, &cq, Paging::page(n))
                    .await
                    .map_err(|e| page.fail(e))?;
                (Some((cq, list)), Vec::new())
            }
            Err(errors) => (None, errors),
        }
    } else {
        (None, Vec::new())
    };
    // One page of the class's list (500 people), with the whole count.
    let class_page = if by_day {
        None
    } else {
        Some(
            s.store
                .class_page(
                    scope,
                    level,
                    waiting,
                    Paging::new((n - 1).saturating_mul(CLASS_PAGE), CLASS_PAGE),
                )
                .await
                .map_err(|e| page.fail(e))?,
        )
    };
    let list: &[phongdich_store::ClassInfo] = class_page
        .as_ref()
        .map(|c| c.entries.as_slice())
        .unwrap_or(&[]);
    let ids: Vec<i64> = list.iter().map(|c| c.person_id).collect();
    let persons = s
        .store
        .persons_by_ids(scope, &ids)
        .await
        .map_err(|e| page.fail(e))?;
    let people: Vec<_> = list
        .iter()
        .filter_map(|c| persons.get(&c.person_id).map(|p| (c, p)))
        .collect();
    let via: Vec<i64> = list.iter().map(|c| c.via_f0).collect();
    let names = Names::of(&s.store, &page, &via)
        .await
        .map_err(|e| page.fail(e))?;
    let mut communes: Vec<&str> = people
        .iter()
        .map(|(_, p)| p.commune_code.as_str())
        .collect();
    if let Some((_, list)) = &cases {
        communes.extend(list.entries.iter().map(|e| e.commune_code.as_str()));
    }
    let commune_names = s
        .store
        .unit_names(&communes)
        .await
        .map_err(|e| page.fail(e))?;
    let unit_q = within.query();
    // The F1 list takes reviews row by row (rà soát).
    let review_here = level == 1 && !by_day && page.can(Permission::Trace);
    let mut r = layout(
        &page,
        l.t("Truy vết", "Tracing"),
        html! {
            h1 { (l.t("Danh sách truy vết", "Tracing work lists")) }
            (within.notice(&page))
            nav.pager aria-label=(l.t("Phân loại", "Classes")) {
                @for (i, c) in counts.iter().enumerate() {
                    a href={ "/tracing?level=" (i) (unit_q) } aria-current=[(i as i64 == level && !by_day).then_some("page")] {
                        "F" (i) ": " strong { (super::units::vn_number(*c)) }
                    }
                }
            }
            @if !by_day {
                p {
                    @if waiting {
                        a href={ "/tracing?level=" (level) (unit_q) } { (l.t("Xem tất cả", "Show everyone")) }
                    } @else {
                        a href={ "/tracing?waiting=1&level=" (level) (unit_q) } { (l.t("Chỉ người chưa cách ly (lâu nhất trước)", "Only those not yet isolated (longest waiting first)")) }
                    }
                }
            }
            @if level == 0 { (by_day_form(l, &q, &within, &errors)) }
            @if page.can(Permission::Trace) {
                details {
                    summary { (l.t("Nhập danh sách ca bệnh (CSV, XLSX)", "Import a case list (CSV, XLSX)")) }
                    p.muted { (l.t(
                        "Cột: Mã BN, Họ và tên (trống được khi có Mã BN), Tuổi hoặc Năm sinh, Giới tính, Mã xã, Ngày khẳng định, Ngày lấy mẫu, Ngày khởi phát, Lây từ (một hoặc nhiều: mã BN, tên ổ dịch, nước — cách nhau bằng dấu phẩy), Nhập cảnh từ, Tình trạng, Ngày khỏi, Ngày tử vong, Nơi điều trị. Dòng có Mã BN đã có sẽ sửa ca đó. Xem data/examples/ca-benh.csv.",
                        "Columns: case number (Mã BN), full name (may be blank with a case number), age or birth year, sex, commune code, confirmed, sample and onset dates, infected by (one or several: case numbers, cluster names, countries, separated by commas), imported from, course, recovered and death dates, hospital. A row with a case number already on file corrects that case. See data/examples/ca-benh.csv."
                    )) }
                    form method="post" action={ "/tracing/import" } enctype="multipart/form-data" {
                        // The token as the first part of the upload, not in its address.
                        (page.csrf_field())
                        div.field { label for="ki-file" { (l.t("Tệp", "File")) } input #ki-file type="file" name="file" accept=".csv,.xlsx" required; }
                        button type="submit" { (l.t("Nhập", "Import")) }
                    }
                }
            }
            @if by_day {
                @if let Some((cq, list)) = &cases {
                    (case_table(l, &page.path, cq, list, n, &commune_names))
                } @else {
                    div.alert role="alert" { p { (l.t("Chưa xem được: hãy sửa các lỗi được đánh dấu.", "Cannot show the list: correct the marked errors.")) } }
                }
            } @else {
                @let total = class_page.as_ref().map(|c| c.total).unwrap_or(0);
                h2 { "F" (level) " — " span #class-total { (super::num(l, total)) } " "
                    (if waiting { l.t("người chưa cách ly (lâu nhất trước)", "people not yet isolated (longest waiting first)") } else { l.t("người (mới nhất trước)", "people (most recent first)") }) }
                @if let Some(cp) = &class_page { (class_pager(l, &page.path, cp, n)) }
                @if people.is_empty() { p.muted { (if total > 0 { l.t("Không còn trên trang này.", "No more on this page.") } else { l.t("Không có ai.", "Nobody.") }) } }
                @else {
                    div.table-wrap { table.responsive {
                        thead { tr { th { (l.t("Họ và tên", "Full name")) } th { (l.t("Từ ngày", "Since")) } th { (l.t("Qua F0", "Via F0")) } th { (l.t("Xã", "Commune")) }
                            @if review_here { th { (l.t("Rà soát", "Review")) } } } }
                        tbody { @for (c, p) in &people { tr data-person=(p.id) {
                            td data-label=(l.t("Họ và tên", "Full name")) { a href={ "/persons/" (p.id) "#tracing" } { (p.full_name) } }
                            td data-label=(l.t("Từ ngày", "Since")) { (show_date(&c.since_on)) }
                            td data-label=(l.t("Qua F0", "Via F0")) { (names.link(c.via_f0)) }
                            td data-label=(l.t("Xã", "Commune")) { a href={ "/persons?unit=" (encode(&p.commune_code)) } title=(p.commune_code) { (commune_names.get(&p.commune_code).map_or(p.commune_code.as_str(), String::as_str)) } }
                            @if review_here { td data-label=(l.t("Rà soát", "Review")) { (review_form(l, &page, p.id, &page.path, html! {}, html! {})) } }
                        } } }
                    } }
                }
            }
        },
    );
    if !errors.is_empty() {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

fn cluster_kind(l: Lang, k: &str) -> &'static str {
    match k {
        "market" => l.t("Chợ", "Market"),
        "hospital" => l.t("Bệnh viện", "Hospital"),
        "factory" => l.t("Nhà máy", "Factory"),
        "school" => l.t("Trường học", "School"),
        "bar" => l.t("Quán bar", "Bar"),
        "village" => l.t("Thôn/xóm", "Village"),
        "flight" => l.t("Chuyến bay", "Flight"),
        "household" => l.t("Hộ gia đình", "Household"),
        _ => l.t("Khác", "Other"),
    }
}

async fn clusters_page(
    s: &AppState,
    page: &Page,
    form: &phongdich_store::ClusterInput,
    errors: &[FieldError],
) -> PageResult {
    let l = page.lang;
    let list = s
        .store
        .clusters(&page.actor.scope)
        .await
        .map_err(|e| page.fail(e))?;
    let units = super::picker::units_to_choose(&s.store, page)
        .await
        .map_err(|e| page.fail(e))?;
    let codes: Vec<&str> = list.iter().map(|c| c.unit_code.as_str()).collect();
    let unit_names = s.store.unit_names(&codes).await.map_err(|e| page.fail(e))?;
    Ok(layout(
        page,
        l.t("Ổ dịch", "Clusters"),
        html! {
            h1 { (l.t("Ổ dịch", "Clusters")) }
            @if list.is_empty() { p.muted { (l.t("Chưa có ổ dịch nào.", "No clusters yet.")) } }
            @else {
                div.table-wrap { table.responsive {
                    thead { tr { th { (l.t("Tên", "Name")) } th { (l.t("Loại", "Kind")) } th { (l.t("Đơn vị", "Unit")) } th { (l.t("Từ ngày", "Since")) } th { (l.t("Trạng thái", "Status")) } } }
                    tbody { @for c in &list { tr {
                        td data-label=(l.t("Tên", "Name")) { a href={ "/clusters/" (c.id) } { (c.name) } }
                        td data-label=(l.t("Loại", "Kind")) { (cluster_kind(l, &c.kind)) }
                        td data-label=(l.t("Đơn vị", "Unit")) title=(c.unit_code) { (unit_names.get(&c.unit_code).unwrap_or(&c.unit_code)) }
                        td data-label=(l.t("Từ ngày", "Since")) { (show_date(&c.started_on)) }
                        td data-label=(l.t("Trạng thái", "Status")) { (if c.status == "active" { l.t("Đang hoạt động", "Active") } else { l.t("Đã đóng", "Closed") }) }
                    } } }
                } }
            }
            @if page.can(Permission::Trace) {
                h2 { (l.t("Thêm ổ dịch", "Add a cluster")) }
                (super::form_errors(l, errors, &["name", "kind", "place", "unit_code", "started_on"]))
                form method="post" action="/clusters" {
                    (page.csrf_field())
                    div.grid {
                        (super::text_field(l, "name", ("Tên", "Name"), &form.name, errors, "required"))
                        div.field {
                            label for="f-kind" { (l.t("Loại", "Kind")) }
                            select #f-kind name="kind" { @for k in phongdich_store::ClusterKind::ALL.iter().map(|k| k.as_str()) { option value=(k) selected[form.kind == k] { (cluster_kind(l, k)) } } }
                            (super::field_error(l, errors, "kind"))
                        }
                        (super::text_field(l, "place", ("Địa điểm", "Place"), &form.place, errors, ""))
                        (super::picker::unit_field(l, "unit_code", ("Đơn vị", "Unit"), &form.unit_code, errors, &units))
                        (super::text_field(l, "started_on", ("Ngày bắt đầu (dd/mm/yyyy)", "Start date (dd/mm/yyyy)"), &form.started_on, errors, "required"))
                    }
                    button type="submit" { (l.t("Thêm", "Add")) }
                }
            }
        },
    ))
}

pub(super) async fn clusters(State(s): State<AppState>, page: Page) -> PageResult {
    let form = phongdich_store::ClusterInput {
        unit_code: page.user.unit_code.clone(),
        kind: "market".into(),
        ..Default::default()
    };
    clusters_page(&s, &page, &form, &[]).await
}

pub(super) async fn create_cluster(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<phongdich_store::ClusterInput>,
) -> PageResult {
    page.require(Permission::Trace)?;
    match s.store.create_cluster(&page.actor, &f).await {
        Ok(c) => Ok(Redirect::to(&format!("/clusters/{}", c.id)).into_response()),
        Err(StoreError::Invalid(i)) => {
            let mut r = clusters_page(&s, &page, &f, &i.0).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(page.fail(e)),
    }
}

pub(super) async fn cluster(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> PageResult {
    let l = page.lang;
    let d = s
        .store
        .cluster(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?;
    let member_ids: Vec<i64> = d.members.iter().map(|m| m.person_id).collect();
    let names = Names::of(&s.store, &page, &member_ids)
        .await
        .map_err(|e| page.fail(e))?;
    let unit_name = s
        .store
        .unit_names(&[d.cluster.unit_code.as_str()])
        .await
        .map_err(|e| page.fail(e))?;
    Ok(layout(
        &page,
        &d.cluster.name,
        html! {
            h1 { (d.cluster.name) }
            p { (cluster_kind(l, &d.cluster.kind)) @if let Some(p) = &d.cluster.place { " · " (p) } " · " (l.t("từ ngày", "since")) " " (show_date(&d.cluster.started_on)) " · " span title=(d.cluster.unit_code) { (unit_name.get(&d.cluster.unit_code).unwrap_or(&d.cluster.unit_code)) } }
            p {
                @for (i, n) in d.counts.iter().take(5).enumerate() {
                    strong.class-badge data-level=(i) { "F" (i) } " " (n) "  "
                }
                (l.t("chưa phân loại", "unclassified")) " " (d.counts[5])
            }
            h2 { (l.t("Thành viên", "Members")) " (" (d.members.len()) ")" }
            ul { @for m in &d.members {
                li { (names.link(m.person_id)) " " (m.level.map(|l| format!("F{l}")).unwrap_or_default())
                    @if m.level == Some(0) { " — " a href={ "/api/v1/chains/" (m.person_id) "?format=csv" } { (l.t("chuỗi lây (CSV)", "chain (CSV)")) } }
                }
            } }
            @if page.can(Permission::Zones) {
                p { a.button.secondary #lock-down-cluster href={ "/lockdowns?cluster=" (id) "#new-lockdown" } { (l.t("Phong tỏa khu vực ổ dịch", "Lock down the cluster's area")) } }
            }
            @if page.can(Permission::Trace) {
                form method="post" action={ "/clusters/" (id) "/members" } {
                    (page.csrf_field())
                    div.field { (super::picker::person_input(l, "m-person", "person_id", ("Thêm người", "Add a person"), "", false, true)) }
                    button type="submit" { (l.t("Thêm", "Add")) }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
pub(super) struct MemberForm {
    #[serde(default)]
    person_id: String,
}

pub(super) async fn add_member(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> PageResult {
    page.require(Permission::Trace)?;
    let person = match super::picker::resolve_person(&s.store, &page, "person_id", &f.person_id)
        .await
        .map_err(|e| page.fail(e))?
    {
        Ok(Some(id)) => id,
        Ok(None) => 0,
        Err(e) => return Err(page.fail(StoreError::Invalid(phongdich_domain::Invalid(vec![e])))),
    };
    s.store
        .add_cluster_member(&page.actor, id, person)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to(&format!("/clusters/{id}")).into_response())
}

/// Upload a contact list for this person: matched against the registry,
/// new people registered, every row reported.
pub(super) async fn import_contacts(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    mut multipart: axum::extract::Multipart,
) -> PageResult {
    page.require(Permission::Trace)?;
    let l = page.lang;
    s.store
        .person(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?;
    let (dir, saved) = crate::upload::save_upload(&mut multipart).await;
    let Some(path) = saved else {
        let _ = std::fs::remove_dir_all(&dir);
        let e = FieldError::new("file", "required", "Chưa chọn tệp.", "No file was chosen.");
        return person_with_errors(&s, &page, id, vec![e]).await;
    };
    let result = phongdich_sheets::contacts::import_contacts(
        &s.store,
        &page.actor,
        id,
        &path,
        &dir.join("report.csv"),
    )
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    let summary = match result {
        Ok(sm) => sm,
        Err(e) => {
            let msg = e.to_string();
            let e = FieldError::new("file", "unreadable", msg.clone(), msg);
            return person_with_errors(&s, &page, id, vec![e]).await;
        }
    };
    let listed: Vec<i64> = summary
        .report_rows
        .iter()
        .filter_map(|r| r.person_id)
        .collect();
    let names = Names::of(&s.store, &page, &listed)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(layout(
        &page,
        l.t("Kết quả nhập tiếp xúc", "Contact import result"),
        html! {
            h1 { (l.t("Kết quả nhập danh sách tiếp xúc", "Contact list import")) }
            p.notice role="status" {
                (summary.rows) " " (l.t("dòng", "rows")) ": " strong { (summary.recorded) } " " (l.t("đã ghi nhận", "recorded"))
                " (" (summary.new_people) " " (l.t("người mới", "new people")) "), "
                strong { (summary.refused) } " " (l.t("bị từ chối", "refused"))
            }
            div.table-wrap { table.responsive #import-report {
                thead { tr { th { (l.t("Dòng", "Line")) } th { (l.t("Kết quả", "Outcome")) } th { (l.t("Người", "Person")) } th { (l.t("Ghi chú", "Note")) } } }
                tbody { @for r in &summary.report_rows { tr {
                    td.mono { (r.line) }
                    td { (super::import_outcome(l, r.outcome)) }
                    td { @if let Some(p) = r.person_id { (names.link(p)) } }
                    td { (l.t(&r.reason_vi, &r.reason_en)) }
                } } }
            } }
            p { a href={ "/persons/" (id) "#tracing" } { (l.t("Về hồ sơ", "Back to the record")) } }
        },
    ))
}

/// Upload a list of confirmed cases with an "infected by" column.
pub(super) async fn import_cases(
    State(s): State<AppState>,
    page: Page,
    mut multipart: axum::extract::Multipart,
) -> PageResult {
    page.require(Permission::Trace)?;
    let l = page.lang;
    let (dir, saved) = crate::upload::save_upload(&mut multipart).await;
    let result = match &saved {
        Some(path) => Some(
            phongdich_sheets::cases::import_cases(
                &s.store,
                &page.actor,
                path,
                &dir.join("report.csv"),
            )
            .await,
        ),
        None => None,
    };
    let _ = std::fs::remove_dir_all(&dir);
    let listed: Vec<i64> = match &result {
        Some(Ok(sm)) => sm.report_rows.iter().filter_map(|r| r.person_id).collect(),
        _ => Vec::new(),
    };
    let names = Names::of(&s.store, &page, &listed)
        .await
        .map_err(|e| page.fail(e))?;
    let body = match result {
        None => {
            html! { div.alert role="alert" { p { (l.t("Chưa chọn tệp.", "No file was chosen.")) } } }
        }
        Some(Err(e)) => html! { div.alert role="alert" { p { (e.to_string()) } } },
        Some(Ok(sm)) => html! {
            p.notice role="status" {
                (sm.rows) " " (l.t("dòng", "rows")) ": " strong { (sm.confirmed) } " " (l.t("ca bệnh được khẳng định", "cases confirmed")) ", "
                strong { (sm.updated) } " " (l.t("được sửa", "corrected")) ", "
                strong { (sm.unchanged) } " " (l.t("không đổi", "unchanged")) ", "
                strong { (sm.refused) } " " (l.t("bị từ chối", "refused"))
            }
            @if !sm.ignored_columns.is_empty() {
                p.alert role="status" { (l.t("Các cột không được nhập (không nhận ra tên cột): ", "Columns not imported (headers not recognised): ")) (sm.ignored_columns.join(", ")) }
            }
            div.table-wrap { table.responsive #import-report {
                thead { tr { th { (l.t("Dòng", "Line")) } th { (l.t("Kết quả", "Outcome")) } th { (l.t("Người", "Person")) } th { (l.t("Ghi chú", "Note")) } } }
                tbody { @for r in &sm.report_rows { tr {
                    td.mono { (r.line) } td { (super::import_outcome(l, r.outcome)) }
                    td { @if let Some(p) = r.person_id { (names.link(p)) } }
                    td { (l.t(&r.reason_vi, &r.reason_en)) }
                } } }
            } }
        },
    };
    Ok(layout(
        &page,
        l.t("Nhập ca bệnh", "Case import"),
        html! {
            h1 { (l.t("Kết quả nhập ca bệnh", "Case import result")) }
            (body)
            p { a href="/tracing?level=0" { (l.t("Về danh sách F0", "Back to the F0 list")) } }
        },
    ))
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/persons/{id}/contacts", post(add_contact))
        .route(
            "/persons/{id}/contacts/import",
            super::upload(post(import_contacts)),
        )
        .route("/persons/{id}/case", post(confirm))
        .route("/persons/{id}/case/correct", post(correct))
        .route("/persons/{id}/status", post(set_status))
        .route("/persons/{id}/contact-reviews", post(record_review))
        .route("/tracing", get(lists))
        .route("/tracing/import", super::upload(post(import_cases)))
        .route("/clusters", get(clusters).post(create_cluster))
        .route("/clusters/{id}", get(cluster))
        .route("/clusters/{id}/members", post(add_member))
}
