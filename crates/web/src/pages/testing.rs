//! Testing on the pages: the sampling list of the user's jurisdiction, forms
//! to record a sample, a pool and a result, and the import of a lab's file.

use super::{Page, PageResult, Within, field_error, layout, show_date};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use phongdich_domain::testing::ResultInput;
use phongdich_domain::{FieldError, Permission};
use phongdich_store::{PoolInput, ResultOutcome, SampleInput, Specimen, StoreError};
use serde::Deserialize;

/// The turnaround target shown on the page (the Ministry's 24 hours).
const TARGET_HOURS: i64 = 24;

#[derive(Deserialize, Default, Clone)]
pub(super) struct SampleForm {
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    specimen: String,
    #[serde(default)]
    collected_on: String,
    #[serde(default)]
    collected_where: String,
    #[serde(default)]
    lab: String,
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct PoolForm {
    /// Record numbers, separated by commas or spaces.
    #[serde(default)]
    person_ids: String,
    #[serde(default)]
    household: Option<String>,
    #[serde(default)]
    max_size: String,
    #[serde(default)]
    specimen: String,
    #[serde(default)]
    collected_on: String,
    #[serde(default)]
    lab: String,
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct ResultForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    test_kind: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    ct: String,
    #[serde(default)]
    resulted_on: String,
    #[serde(default)]
    lab: String,
    /// `awaiting`: the form of a row of the lab's list, which it returns to.
    #[serde(default)]
    back: String,
}

/// What the last form did, carried by the redirect after it (so that a
/// reload or a language switch does not post it again).
#[derive(Deserialize, Default)]
pub(super) struct Done {
    /// The code just recorded (a sample or a pool).
    #[serde(default)]
    recorded: Option<String>,
    /// A result: `unchanged`, `f0`, `resample` or `updated`.
    #[serde(default)]
    result: Option<String>,
    /// The case a result confirmed.
    #[serde(default)]
    case: Option<String>,
    /// How many: classes changed (`f0`), people to sample (`resample`), samples (`updated`).
    #[serde(default)]
    n: Option<usize>,
    /// A province, district or commune inside the reader's jurisdiction.
    #[serde(default)]
    unit: String,
}

/// What the forms hold and say on one rendering.
#[derive(Default)]
struct Forms {
    sample: SampleForm,
    pool: PoolForm,
    result: ResultForm,
    /// Which form the errors belong to: `sample`, `pool`, `result`, `file`.
    failed: &'static str,
    errors: Vec<FieldError>,
    notice: Option<(String, String)>,
    /// The sample or pool just saved, for the link to its label.
    label: Option<String>,
    /// The lists of one unit inside the jurisdiction (`?unit=`); else the whole.
    within: Option<Within>,
}

impl Forms {
    /// The page again after `form` was refused, with its errors.
    fn failing(failed: &'static str, errors: Vec<FieldError>) -> Forms {
        Forms {
            failed,
            errors,
            ..Default::default()
        }
    }
}

pub(crate) fn status_label(l: Lang, status: &str) -> &'static str {
    match status {
        "collected" => l.t("Đã lấy mẫu, chờ kết quả", "Sampled, awaiting result"),
        "negative" => l.t("Âm tính", "Negative"),
        "positive" => l.t("Dương tính", "Positive"),
        "pool_positive" => l.t(
            "Mẫu gộp dương tính — cần lấy mẫu đơn",
            "Pool positive — individual sample needed",
        ),
        "resample" => l.t(
            "Không xác định — cần lấy mẫu lại",
            "Inconclusive — sample again",
        ),
        "f1_not_sampled" => l.t("F1 chưa lấy mẫu", "F1 not yet sampled"),
        "scheduled_test" => l.t(
            "Xét nghiệm theo lịch cách ly hôm nay",
            "Quarantine test due today",
        ),
        _ => "",
    }
}

pub(super) fn specimen_label(l: Lang, s: &str) -> &'static str {
    match s {
        "nasopharyngeal" => l.t("Dịch tỵ hầu", "Nasopharyngeal swab"),
        "oropharyngeal" => l.t("Dịch họng", "Oropharyngeal swab"),
        "nasal" => l.t("Dịch mũi", "Nasal swab"),
        "saliva" => l.t("Nước bọt", "Saliva"),
        _ => "",
    }
}

/// A text input of one of the forms: keeps its value, shows its error.
fn input(
    l: Lang,
    form: &str,
    f: &Forms,
    name: &str,
    label: (&str, &str),
    value: &str,
    hint: &str,
) -> Markup {
    let errors: &[FieldError] = if f.failed == form { &f.errors } else { &[] };
    let invalid = errors.iter().any(|e| e.field == name);
    let id = format!("{form}-{name}");
    html! {
        div.field.invalid[invalid] {
            label for=(id) { (l.t(label.0, label.1)) }
            input id=(id) name=(name) value=(value) placeholder=[(!hint.is_empty()).then_some(hint)]
                aria-invalid=[invalid.then_some("true")];
            (field_error(l, errors, name))
        }
    }
}

/// A person field of one of the page's forms ([`super::picker`]), with its errors.
fn person_field(
    l: Lang,
    form: &str,
    f: &Forms,
    name: &str,
    label: (&str, &str),
    value: &str,
    many: bool,
) -> Markup {
    let errors: &[FieldError] = if f.failed == form { &f.errors } else { &[] };
    let invalid = errors.iter().any(|e| e.field == name);
    html! {
        div.field.invalid[invalid] {
            (super::picker::person_input(l, &format!("{form}-{name}"), name, label, value, many, true))
            @for e in errors.iter().filter(|e| e.field == name) {
                p.field-error role="alert" { (l.t(&e.message_vi, &e.message_en)) }
            }
        }
    }
}

fn specimen_select(l: Lang, form: &str, value: &str) -> Markup {
    html! {
        div.field {
            label for={ (form) "-specimen" } { (l.t("Bệnh phẩm", "Specimen")) }
            select id={ (form) "-specimen" } name="specimen" {
                @for s in Specimen::ALL.iter().map(|s| s.as_str()) {
                    option value=(s) selected[value == s] { (specimen_label(l, s)) }
                }
            }
        }
    }
}

async fn render(s: &AppState, page: &Page, f: Forms) -> PageResult {
    let l = page.lang;
    let within = f.within.clone().unwrap_or_else(|| Within::whole(page));
    let scope = &within.scope;
    let list = s
        .store
        .sampling_list(scope)
        .await
        .map_err(|e| page.fail(e))?;
    let overdue = s
        .store
        .overdue_samples(scope, page.today(), TARGET_HOURS)
        .await
        .map_err(|e| page.fail(e))?;
    let turnaround = s
        .store
        .turnaround(scope, page.today(), TARGET_HOURS)
        .await
        .map_err(|e| page.fail(e))?;
    let reviews = s
        .store
        .pending_reviews(scope)
        .await
        .map_err(|e| page.fail(e))?;
    // The province's own administrator chooses how F0 are confirmed.
    let province = page
        .actor
        .scope
        .root()
        .filter(|r| {
            r.level() == phongdich_domain::UnitLevel::Province && page.can(Permission::Configure)
        })
        .map(|r| r.as_str().to_owned());
    let confirmation = match &province {
        Some(p) => Some(
            s.store
                .setting(p, phongdich_store::F0_CONFIRMATION)
                .await
                .map_err(|e| page.fail(e))?,
        ),
        None => None,
    };
    let codes: Vec<&str> = list.iter().map(|i| i.commune_code.as_str()).collect();
    let communes = s.store.unit_names(&codes).await.map_err(|e| page.fail(e))?;
    let errors_of =
        |form: &str| -> &[FieldError] { if f.failed == form { &f.errors } else { &[] } };
    let content = html! {
        h1 { (l.t("Xét nghiệm", "Testing")) }
        (within.notice(page))
        p { a href="/campaigns" { (l.t("Các đợt xét nghiệm →", "Testing campaigns →")) } }
        @if let Some((vi, en)) = &f.notice {
            p.notice role="status" {
                (l.t(vi, en))
                @if let Some(code) = &f.label {
                    " " a #label-link href={ "/testing/labels/" (code) } { (l.t("In nhãn", "Print label")) }
                }
            }
        }
        section aria-labelledby="h-list" {
            h2 #h-list { (l.t("Danh sách cần lấy mẫu", "To be sampled")) " (" (list.len()) ")" }
            @if list.is_empty() {
                p.muted { (l.t("Không có ai cần lấy mẫu trong phạm vi của bạn.", "Nobody to sample in your jurisdiction.")) }
            } @else {
                div.table-wrap { table.responsive #sampling-list {
                    thead { tr {
                        th { (l.t("Người", "Person")) } th { (l.t("Xã/phường", "Commune")) }
                        th { (l.t("Lý do", "Reason")) } th { (l.t("Từ ngày", "Since")) }
                    } }
                    tbody { @for i in &list { tr {
                        td data-label=(l.t("Người", "Person")) { a href={ "/persons/" (i.person_id) } { (i.full_name) } }
                        td data-label=(l.t("Xã/phường", "Commune")) title=(i.commune_code) { (communes.get(&i.commune_code).unwrap_or(&i.commune_code)) }
                        td data-label=(l.t("Lý do", "Reason")) { (status_label(l, &i.reason)) }
                        td data-label=(l.t("Từ ngày", "Since")) { (show_date(&i.since_on)) }
                    } } }
                } }
            }
        }
        @if !reviews.is_empty() {
            section aria-labelledby="h-reviews" {
                h2 #h-reviews { (l.t("Chờ xem xét trước khi khẳng định F0", "Waiting for review before confirming F0")) " (" (reviews.len()) ")" }
                div.table-wrap { table.responsive #reviews {
                    thead { tr {
                        th { (l.t("Người", "Person")) } th { (l.t("Mã mẫu", "Sample")) } th { (l.t("Kỹ thuật", "Test")) }
                        th { (l.t("Ngày có kết quả", "Result date")) } th { (l.t("Quyết định", "Decision")) }
                    } }
                    tbody { @for r in &reviews { tr {
                        td data-label=(l.t("Người", "Person")) { a href={ "/persons/" (r.person_id) } { (r.full_name) }
                            @if let Some(level) = r.class_level { " (F" (level) ")" } }
                        td.mono data-label=(l.t("Mã mẫu", "Sample")) { (r.sample_code) @if !r.ct.is_empty() { " · Ct " (r.ct) } }
                        td data-label=(l.t("Kỹ thuật", "Test")) { (if r.test_kind == "antigen" { l.t("Test nhanh kháng nguyên", "Rapid antigen") } else { "RT-PCR" }) }
                        td data-label=(l.t("Ngày có kết quả", "Result date")) { (show_date(&r.resulted_on)) }
                        td data-label=(l.t("Quyết định", "Decision")) {
                            @if page.can(Permission::Trace) {
                                form.inline method="post" action={ "/testing/reviews/" (r.result_id) } {
                                    (page.csrf_field())
                                    button type="submit" name="decision" value="confirm" { (l.t("Khẳng định F0", "Confirm F0")) }
                                    " "
                                    button.secondary type="submit" name="decision" value="dismiss" { (l.t("Không khẳng định", "Do not confirm")) }
                                }
                            }
                        }
                    } } }
                } }
            }
        }
        section aria-labelledby="h-overdue" {
            h2 #h-overdue { (l.t("Quá 24 giờ chưa có kết quả", "No result after 24 hours")) " (" (overdue.len()) ")" }
            @if !overdue.is_empty() {
                div.table-wrap { table.responsive #overdue {
                    thead { tr {
                        th { (l.t("Mã mẫu", "Sample")) } th { (l.t("Người", "Person")) }
                        th { (l.t("Phòng xét nghiệm", "Lab")) } th { (l.t("Ngày lấy", "Taken")) } th { (l.t("Số ngày chờ", "Days waiting")) }
                    } }
                    tbody { @for o in &overdue { tr {
                        td.mono data-label=(l.t("Mã mẫu", "Sample")) { (o.code) @if let Some(p) = &o.pool_code { " (" (p) ")" } }
                        td data-label=(l.t("Người", "Person")) { a href={ "/persons/" (o.person_id) } { (o.full_name) } }
                        td data-label=(l.t("Phòng xét nghiệm", "Lab")) { (o.lab.as_deref().unwrap_or("—")) }
                        td data-label=(l.t("Ngày lấy", "Taken")) { (show_date(&o.collected_on)) }
                        td data-label=(l.t("Số ngày chờ", "Days waiting")) { (o.days_waiting) }
                    } } }
                } }
            }
        }
        section aria-labelledby="h-turnaround" {
            h2 #h-turnaround { (l.t("Thời gian trả kết quả", "Turnaround")) }
            p {
                (l.t("Từ khi thành F1 đến khi lấy mẫu (trung vị): ", "From becoming F1 to sampling (median): "))
                @match turnaround.f1_to_sample_median_days {
                    Some(d) => { strong { (d) } " " (l.t("ngày", "days")) }
                    None => { "—" }
                }
                @if let Some(p) = turnaround.f1_sampled_within_target_percent {
                    " · " (p) "% " (l.t("trong 24 giờ", "within 24 hours"))
                }
            }
            @if !turnaround.labs.is_empty() {
                div.table-wrap { table.responsive #turnaround {
                    thead { tr {
                        th { (l.t("Phòng xét nghiệm", "Lab")) } th { (l.t("Kết quả", "Results")) }
                        th { (l.t("Trung vị (ngày)", "Median (days)")) } th { (l.t("Trong 24 giờ", "Within 24 h")) } th { (l.t("Quá hạn", "Overdue")) }
                    } }
                    tbody { @for t in &turnaround.labs { tr {
                        td data-label=(l.t("Phòng xét nghiệm", "Lab")) { (t.lab.as_deref().unwrap_or("—")) }
                        td data-label=(l.t("Kết quả", "Results")) { (t.results) }
                        td data-label=(l.t("Trung vị (ngày)", "Median (days)")) { (t.median_days) }
                        td data-label=(l.t("Trong 24 giờ", "Within 24 h")) { (t.within_target_percent) "%" }
                        td data-label=(l.t("Quá hạn", "Overdue")) { (t.overdue) }
                    } } }
                } }
            }
        }
        @if page.can(Permission::CollectSamples) {
            details open[f.failed == "sample"] {
                summary { (l.t("Ghi nhận mẫu đơn", "Record an individual sample")) }
                form.stack method="post" action="/testing/samples" {
                    (page.csrf_field())
                    (person_field(l, "sample", &f, "person_id", ("Người được lấy mẫu", "Person sampled"), &f.sample.person_id, false))
                    (specimen_select(l, "sample", &f.sample.specimen))
                    (input(l, "sample", &f, "collected_on", ("Ngày lấy mẫu", "Sampling date"), &f.sample.collected_on, "dd/mm/yyyy"))
                    (input(l, "sample", &f, "collected_where", ("Nơi lấy mẫu", "Where"), &f.sample.collected_where, ""))
                    (input(l, "sample", &f, "lab", ("Phòng xét nghiệm", "Lab"), &f.sample.lab, ""))
                    @for e in errors_of("sample").iter().filter(|e| !["person_id", "specimen", "collected_on"].contains(&e.field.as_str())) {
                        p.field-error role="alert" { (l.t(&e.message_vi, &e.message_en)) }
                    }
                    button type="submit" { (l.t("Lưu mẫu", "Save sample")) }
                }
            }
            details open[f.failed == "pool"] {
                summary { (l.t("Ghi nhận mẫu gộp", "Record a pooled sample")) }
                form.stack method="post" action="/testing/pools" {
                    (page.csrf_field())
                    (person_field(l, "pool", &f, "person_ids", ("Các thành viên (cách nhau bởi dấu phẩy)", "Members (separated by commas)"), &f.pool.person_ids, true))
                    div.field {
                        label { input type="checkbox" name="household" value="1" checked[f.pool.household.is_some()]; " " (l.t("Cùng một hộ gia đình (gộp đến 20)", "One household (pools up to 20)")) }
                    }
                    (input(l, "pool", &f, "max_size", ("Cỡ gộp tối đa (mặc định 10)", "Largest pool (default 10)"), &f.pool.max_size, "5"))
                    (specimen_select(l, "pool", &f.pool.specimen))
                    (input(l, "pool", &f, "collected_on", ("Ngày lấy mẫu", "Sampling date"), &f.pool.collected_on, "dd/mm/yyyy"))
                    (input(l, "pool", &f, "lab", ("Phòng xét nghiệm", "Lab"), &f.pool.lab, ""))
                    button type="submit" { (l.t("Lưu mẫu gộp", "Save pool")) }
                }
            }
        }
        @if page.can(Permission::RecordResults) {
            details open[f.failed == "result"] {
                summary { (l.t("Nhập kết quả xét nghiệm", "Enter a test result")) }
                form.stack method="post" action="/testing/results" {
                    (page.csrf_field())
                    (input(l, "result", &f, "code", ("Mã mẫu hoặc mã gộp (trên nhãn)", "Sample or pool code (on the label)"), &f.result.code, "S123 / P45"))
                    div.field {
                        label for="result-test_kind" { (l.t("Kỹ thuật", "Test")) }
                        select #result-test_kind name="test_kind" {
                            option value="rt_pcr" selected[f.result.test_kind != "antigen"] { "RT-PCR" }
                            option value="antigen" selected[f.result.test_kind == "antigen"] { (l.t("Test nhanh kháng nguyên", "Rapid antigen")) }
                        }
                    }
                    div.field.invalid[errors_of("result").iter().any(|e| e.field == "outcome")] {
                        label for="result-outcome" { (l.t("Kết quả", "Outcome")) }
                        select #result-outcome name="outcome" {
                            @for (v, vi, en) in [("negative", "Âm tính", "Negative"), ("positive", "Dương tính", "Positive"), ("inconclusive", "Không xác định", "Inconclusive")] {
                                option value=(v) selected[f.result.outcome == v] { (l.t(vi, en)) }
                            }
                        }
                        (field_error(l, errors_of("result"), "outcome"))
                    }
                    (input(l, "result", &f, "ct", ("Giá trị Ct (RT-PCR, tuỳ chọn)", "Ct values (RT-PCR, optional)"), &f.result.ct, "N:24,5; E:26"))
                    (input(l, "result", &f, "resulted_on", ("Ngày có kết quả", "Result date"), &f.result.resulted_on, "dd/mm/yyyy"))
                    (input(l, "result", &f, "lab", ("Phòng xét nghiệm", "Lab"), &f.result.lab, ""))
                    @for e in errors_of("result").iter().filter(|e| !["code", "outcome", "ct", "resulted_on"].contains(&e.field.as_str())) {
                        p.field-error role="alert" { (l.t(&e.message_vi, &e.message_en)) }
                    }
                    button type="submit" { (l.t("Lưu kết quả", "Save result")) }
                }
            }
            details open[f.failed == "file"] {
                summary { (l.t("Nhập tệp kết quả của phòng xét nghiệm (CSV, XLSX)", "Import a lab's results file (CSV, XLSX)")) }
                form.stack method="post" action={ "/testing/import" } enctype="multipart/form-data" {
                    // The token as the first part of the upload, not in its address.
                    (page.csrf_field())
                    p.muted { (l.t("Cột: Mã mẫu, Kỹ thuật, Kết quả, Giá trị Ct, Ngày trả kết quả, Phòng xét nghiệm. Nhập lại cùng tệp không thay đổi gì.",
                        "Columns: sample code, test, outcome, Ct, result date, lab. Importing the same file again changes nothing.")) }
                    div.field.invalid[f.failed == "file"] {
                        label for="result-file" { (l.t("Tệp", "File")) }
                        input #result-file type="file" name="file" accept=".csv,.xlsx";
                        (field_error(l, errors_of("file"), "file"))
                    }
                    button type="submit" { (l.t("Nhập tệp", "Import file")) }
                }
            }
        }
    };
    let content = html! {
        (content)
        @if let (Some(p), Some(c)) = (&province, &confirmation) {
            details #settings {
                summary { (l.t("Cài đặt của tỉnh: khẳng định F0 từ kết quả dương tính", "Province setting: confirming F0 from a positive result")) }
                form.stack method="post" action="/testing/settings" {
                    (page.csrf_field())
                    input type="hidden" name="province" value=(p);
                    div.field {
                        label for="f0-confirmation" { (l.t("Khi có kết quả dương tính đủ tiêu chuẩn F0", "When a positive result makes an F0")) }
                        select #f0-confirmation name="value" {
                            option value="automatic" selected[c.value == "automatic"] { (l.t("Khẳng định ngay (tự động)", "Confirm at once (automatic)")) }
                            option value="review" selected[c.value == "review"] { (l.t("Chờ cán bộ y tế xem xét", "After a health officer's review")) }
                        }
                    }
                    @if !c.updated_by.is_empty() { p.muted { (l.t("Đổi lần cuối bởi ", "Last changed by ")) (c.updated_by) " · " (super::show_time(&c.updated_at)) } }
                    button type="submit" { (l.t("Lưu cài đặt", "Save setting")) }
                }
            }
        }
    };
    Ok(layout(page, l.t("Xét nghiệm", "Testing"), content))
}

#[derive(Deserialize)]
pub(super) struct ReviewForm {
    #[serde(default)]
    decision: String,
}

/// A health officer confirms, or does not, the F0 a positive result shows.
pub(super) async fn review(
    State(s): State<AppState>,
    page: Page,
    axum::extract::Path(id): axum::extract::Path<i64>,
    Form(f): Form<ReviewForm>,
) -> PageResult {
    page.require(Permission::Trace)?;
    let confirm = f.decision == "confirm";
    let out = s
        .store
        .review_result(&page.actor, id, confirm, page.today())
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to(&match out.case_code {
        Some(code) => format!(
            "/testing?result=f0&case={code}&n={}",
            out.class_changes.len()
        ),
        None => "/testing?result=dismissed".into(),
    })
    .into_response())
}

#[derive(Deserialize)]
pub(super) struct SettingForm {
    #[serde(default)]
    province: String,
    #[serde(default)]
    value: String,
}

pub(super) async fn save_setting(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<SettingForm>,
) -> PageResult {
    s.store
        .set_setting(
            &page.actor,
            &f.province,
            phongdich_store::F0_CONFIRMATION,
            &f.value,
        )
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to("/testing?result=setting").into_response())
}

/// The message after an action on the testing pages (`?recorded=`, `?result=`).
fn done_notice(q: &Done) -> Option<(String, String)> {
    let n = q.n.unwrap_or_default();
    match (q.recorded.clone(), q.result.as_deref()) {
        (Some(code), _) => Some((
            format!("Đã lưu {code}. Ghi mã này lên mẫu, hoặc in nhãn."),
            format!("Saved {code}. Write this code on the sample, or print its label."),
        )),
        (None, Some("unchanged")) => Some((
            "Kết quả này đã có; không thay đổi gì.".into(),
            "This result was already recorded; nothing changed.".into(),
        )),
        (None, Some("f0")) => {
            let code = q.case.clone().unwrap_or_default();
            Some((
                format!("Đã lưu. Khẳng định F0 {code}; {n} người đổi phân loại."),
                format!("Saved. Confirmed as F0 {code}; {n} classes changed."),
            ))
        }
        (None, Some("review")) => Some((
            "Đã lưu. Kết quả dương tính chờ cán bộ y tế xem xét trước khi khẳng định F0.".into(),
            "Saved. The positive result waits for a health officer's review before confirming an F0.".into(),
        )),
        (None, Some("dismissed")) => Some((
            "Đã ghi nhận: không khẳng định F0.".into(),
            "Recorded: not confirmed as an F0.".into(),
        )),
        (None, Some("setting")) => Some((
            "Đã lưu cài đặt của tỉnh.".into(),
            "The province setting is saved.".into(),
        )),
        (None, Some("resample")) => Some((
            format!("Đã lưu. {n} người cần lấy mẫu lại (đã vào danh sách)."),
            format!("Saved. {n} people to sample again (now on the list)."),
        )),
        (None, Some(_)) => Some((
            format!("Đã lưu. {n} mẫu đã cập nhật."),
            format!("Saved. {n} samples updated."),
        )),
        (None, None) => None,
    }
}

pub(super) async fn index(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<Done>,
) -> PageResult {
    let label = q
        .recorded
        .clone()
        .filter(|c| c.len() > 1 && c[1..].chars().all(|ch| ch.is_ascii_digit()));
    let notice = done_notice(&q);
    let within = Within::of(&s, &page, &q.unit).await?;
    render(
        &s,
        &page,
        Forms {
            notice,
            label,
            within: Some(within),
            ..Default::default()
        },
    )
    .await
}

fn refusal(e: StoreError) -> Result<Vec<FieldError>, StoreError> {
    match e {
        StoreError::Invalid(i) => Ok(i.0),
        StoreError::NotFound { entity, id } => Ok(vec![FieldError::new(
            if entity == phongdich_store::Entity::Person {
                "person_id"
            } else {
                "code"
            },
            "not_found",
            format!("Không tìm thấy «{id}» trong phạm vi của bạn."),
            format!("No “{id}” within your jurisdiction."),
        )]),
        other => Err(other),
    }
}

pub(super) async fn create_sample(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<SampleForm>,
) -> PageResult {
    page.require(Permission::CollectSamples)?;
    let picked = super::picker::resolve_person(&s.store, &page, "person_id", &f.person_id)
        .await
        .map_err(|e| page.fail(e))?;
    let person_id = match picked {
        Ok(Some(id)) => Ok(id),
        Ok(None) => Err(FieldError::new(
            "person_id",
            "required",
            "Hãy chọn người được lấy mẫu.",
            "Choose the person sampled.",
        )),
        Err(e) => Err(e),
    };
    let person_id = match person_id {
        Ok(id) => id,
        Err(e) => {
            return render(
                &s,
                &page,
                Forms {
                    sample: f,
                    ..Forms::failing("sample", vec![e])
                },
            )
            .await;
        }
    };
    let input = SampleInput {
        person_id,
        specimen: f.specimen.clone(),
        collected_on: f.collected_on.clone(),
        collected_where: f.collected_where.clone(),
        lab: f.lab.clone(),
        campaign_id: None,
    };
    match s
        .store
        .record_sample(&page.actor, &input, page.today())
        .await
    {
        Ok(sample) => {
            Ok(Redirect::to(&format!("/testing?recorded={}", sample.code)).into_response())
        }
        Err(e) => {
            let errors = refusal(e).map_err(|e| page.fail(e))?;
            render(
                &s,
                &page,
                Forms {
                    sample: f,
                    ..Forms::failing("sample", errors)
                },
            )
            .await
        }
    }
}

pub(super) async fn create_pool(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<PoolForm>,
) -> PageResult {
    page.require(Permission::CollectSamples)?;
    let mut errors = Vec::new();
    let ids = super::picker::resolve_people(&s.store, &page, "person_ids", &f.person_ids)
        .await
        .map_err(|e| page.fail(e))?;
    let max_size = match f.max_size.trim() {
        "" => None,
        m => match m.parse::<usize>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(FieldError::new(
                    "max_size",
                    "invalid",
                    "Cỡ gộp phải là một số.",
                    "The pool size must be a number.",
                ));
                None
            }
        },
    };
    let ids = match ids {
        Ok(ids) => ids,
        Err(e) => {
            errors.extend(e);
            Vec::new()
        }
    };
    if !errors.is_empty() {
        return render(
            &s,
            &page,
            Forms {
                pool: f,
                ..Forms::failing("pool", errors)
            },
        )
        .await;
    }
    let input = PoolInput {
        person_ids: ids,
        household: f.household.is_some(),
        max_size,
        specimen: f.specimen.clone(),
        collected_on: f.collected_on.clone(),
        collected_where: String::new(),
        lab: f.lab.clone(),
        campaign_id: None,
    };
    match s.store.record_pool(&page.actor, &input, page.today()).await {
        Ok(pool) => Ok(Redirect::to(&format!("/testing?recorded={}", pool.code)).into_response()),
        Err(e) => {
            let mut errors = refusal(e).map_err(|e| page.fail(e))?;
            for e in &mut errors {
                if e.field == "person_id" {
                    e.field = "person_ids".into();
                }
            }
            render(
                &s,
                &page,
                Forms {
                    pool: f,
                    ..Forms::failing("pool", errors)
                },
            )
            .await
        }
    }
}

/// Where to go after a result: the testing page, saying what it did.
fn outcome_target(out: &ResultOutcome, base: &str) -> String {
    if out.unchanged {
        return format!("{base}?result=unchanged");
    }
    if out.review_pending {
        return format!("{base}?result=review");
    }
    if let Some(code) = &out.case_code {
        return format!("{base}?result=f0&case={code}&n={}", out.class_changes.len());
    }
    let needing = out
        .samples
        .iter()
        .filter(|s| s.status == "pool_positive" || s.status == "resample")
        .count();
    if needing > 0 {
        return format!("{base}?result=resample&n={needing}");
    }
    format!("{base}?result=updated&n={}", out.samples.len())
}

pub(super) async fn create_result(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<ResultForm>,
) -> PageResult {
    page.require(Permission::RecordResults)?;
    let input = ResultInput {
        code: f.code.clone(),
        test_kind: f.test_kind.clone(),
        outcome: f.outcome.clone(),
        ct: f.ct.clone(),
        resulted_on: f.resulted_on.clone(),
        lab: f.lab.clone(),
    };
    match s
        .store
        .record_result(&page.actor, &input, page.today())
        .await
    {
        Ok(out) => {
            let base = if f.back == "awaiting" {
                "/testing/awaiting"
            } else {
                "/testing"
            };
            Ok(Redirect::to(&outcome_target(&out, base)).into_response())
        }
        Err(e) => {
            let errors = refusal(e).map_err(|e| page.fail(e))?;
            render(
                &s,
                &page,
                Forms {
                    result: f,
                    ..Forms::failing("result", errors)
                },
            )
            .await
        }
    }
}

pub(super) async fn import(
    State(s): State<AppState>,
    page: Page,
    mut multipart: axum::extract::Multipart,
) -> PageResult {
    page.require(Permission::RecordResults)?;
    let l = page.lang;
    let (dir, saved) = crate::upload::save_upload(&mut multipart).await;
    let Some(path) = saved else {
        let _ = std::fs::remove_dir_all(&dir);
        let e = FieldError::new("file", "required", "Chưa chọn tệp.", "No file was chosen.");
        return render(&s, &page, Forms::failing("file", vec![e])).await;
    };
    let result = phongdich_sheets::results::import_results(
        &s.store,
        &page.actor,
        &path,
        &dir.join("report.csv"),
    )
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    let sm = match result {
        Ok(sm) => sm,
        Err(e) => {
            let msg = e.to_string();
            let e = FieldError::new("file", "unreadable", msg.clone(), msg);
            return render(&s, &page, Forms::failing("file", vec![e])).await;
        }
    };
    let listed: Vec<i64> = sm.report_rows.iter().filter_map(|r| r.person_id).collect();
    let names = super::picker::Names::of(&s.store, &page, &listed)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(layout(
        &page,
        l.t("Kết quả nhập tệp xét nghiệm", "Lab file import"),
        html! {
            h1 { (l.t("Kết quả nhập tệp xét nghiệm", "Lab file import")) }
            p.notice role="status" {
                (sm.rows) " " (l.t("dòng", "rows")) ": " strong { (sm.recorded) } " " (l.t("kết quả mới", "new results"))
                " (" (sm.confirmed) " " (l.t("khẳng định F0", "confirmed F0")) "), "
                (sm.unchanged) " " (l.t("đã có", "already recorded")) ", "
                strong { (sm.refused) } " " (l.t("bị từ chối", "refused"))
            }
            div.table-wrap { table.responsive #import-report {
                thead { tr { th { (l.t("Dòng", "Line")) } th { (l.t("Kết quả", "Outcome")) } th { (l.t("Người", "Person")) } th { (l.t("Ghi chú", "Note")) } } }
                tbody { @for r in &sm.report_rows { tr {
                    td.mono data-label=(l.t("Dòng", "Line")) { (r.line) }
                    td data-label=(l.t("Kết quả", "Outcome")) { (super::import_outcome(l, r.outcome)) }
                    td data-label=(l.t("Người", "Person")) { @if let Some(p) = r.person_id { (names.link(p)) } }
                    td data-label=(l.t("Ghi chú", "Note")) { (l.t(&r.reason_vi, &r.reason_en)) }
                } } }
            } }
            p { a href="/testing" { (l.t("Về trang xét nghiệm", "Back to testing")) } }
        },
    ))
}

/// A QR code of `text` as an inline SVG, `size` px square.
pub(super) fn qr_svg(text: &str, size: u32) -> Markup {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => maud::PreEscaped(
            code.render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(size, size)
                .quiet_zone(true)
                .build(),
        ),
        Err(_) => html! {},
    }
}

/// The printable label of a sample or a pool: its code as a QR code the lab
/// scans and in large letters, with who and when.
pub(super) async fn label(
    State(s): State<AppState>,
    page: Page,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> PageResult {
    let l = page.lang;
    let code = code.trim().to_uppercase();
    let content = if code.starts_with('P') {
        let pool = s
            .store
            .pool_by_code(&page.actor.scope, &code)
            .await
            .map_err(|e| page.fail(e))?;
        let first = pool.samples.first();
        let members: Vec<i64> = pool.samples.iter().map(|x| x.person_id).collect();
        let names = super::picker::Names::of(&s.store, &page, &members)
            .await
            .map_err(|e| page.fail(e))?;
        html! {
            div.label #label {
                (qr_svg(&pool.code, 160))
                p.label-code { (pool.code) }
                p { (l.t("Mẫu gộp", "Pooled sample")) " · " (pool.samples.len()) " " (l.t("người", "people"))
                    @if pool.household { " · " (l.t("cùng hộ", "one household")) } }
                @if let Some(f) = first {
                    p { (show_date(&f.collected_on)) " · " (specimen_label(l, &f.specimen)) @if let Some(lab) = &f.lab { " · " (lab) } }
                }
                ol { @for x in &pool.samples { li { span.mono { (x.code) } " — " (names.text(x.person_id)) } } }
            }
        }
    } else {
        let sample = s
            .store
            .sample_by_code(&page.actor.scope, &code)
            .await
            .map_err(|e| page.fail(e))?;
        let person = s
            .store
            .person(&page.actor.scope, sample.person_id)
            .await
            .map_err(|e| page.fail(e))?;
        html! {
            div.label #label {
                (qr_svg(&sample.code, 160))
                p.label-code { (sample.code) }
                p { strong { (person.full_name) } " #" (person.id) }
                p { (show_date(&sample.collected_on)) " · " (specimen_label(l, &sample.specimen))
                    @if let Some(lab) = &sample.lab { " · " (lab) } }
                @if let Some(p) = &sample.pool_code { p { (l.t("Thuộc mẫu gộp ", "In pool ")) (p) } }
            }
        }
    };
    Ok(layout(
        &page,
        l.t("Nhãn mẫu", "Sample label"),
        html! {
            h1.no-print { (l.t("Nhãn mẫu ", "Label of ")) (code) }
            (content)
            p.no-print { (super::print_button(l.t("In nhãn", "Print label"))) " "
                a href="/testing" { (l.t("Về trang xét nghiệm", "Back to testing")) } }
        },
    ))
}

/// `/testing/awaiting`: the lab's list, with the message of the last result.
#[derive(Deserialize, Default)]
pub(super) struct AwaitingQuery {
    /// One lab's (`-`: those with no lab named); all when absent.
    #[serde(default)]
    lab: Option<String>,
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 100000, _>")]
    page: Option<i64>,
    #[serde(default)]
    result: Option<String>,
    #[serde(default)]
    case: Option<String>,
    #[serde(default)]
    n: Option<usize>,
}

/// Pools and samples awaiting results, oldest first, each row with its own
/// result form (the lab's landing page).
pub(super) async fn awaiting(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<AwaitingQuery>,
) -> PageResult {
    page.require(Permission::ViewPersons)?;
    let l = page.lang;
    let n = q.page.unwrap_or(1);
    let lab = q.lab.as_deref().map(|v| if v == "-" { "" } else { v });
    let list = s
        .store
        .awaiting_results(
            &page.actor.scope,
            lab,
            phongdich_store::Paging::page(n),
            page.today(),
        )
        .await
        .map_err(|e| page.fail(e))?;
    let notice = done_notice(&Done {
        result: q.result.clone(),
        case: q.case.clone(),
        n: q.n,
        ..Done::default()
    });
    let codes: Vec<&str> = list.items.iter().map(|i| i.commune_code.as_str()).collect();
    let communes = s.store.unit_names(&codes).await.map_err(|e| page.fail(e))?;
    let can = page.can(Permission::RecordResults);
    let today = page.today().format("%d/%m/%Y").to_string();
    let lab_q = q
        .lab
        .as_deref()
        .map(|v| format!("&lab={}", super::encode(v)))
        .unwrap_or_default();
    let first = list.paging.offset + 1;
    let last = list.paging.offset + list.items.len() as i64;
    Ok(layout(
        &page,
        l.t("Mẫu chờ kết quả", "Awaiting results"),
        html! {
            h1 { (l.t("Mẫu chờ kết quả", "Awaiting results")) " (" span #awaiting-total { (super::num(l, list.total)) } ")" }
            @if let Some((vi, en)) = &notice { p.notice role="status" { (l.t(vi, en)) } }
            form.filters method="get" action="/testing/awaiting" {
                div.field {
                    label for="aw-lab" { (l.t("Phòng xét nghiệm", "Lab")) }
                    select #aw-lab name="lab" {
                        option value="" { (l.t("Tất cả", "All")) }
                        @for name in &list.labs { option value=(name) selected[q.lab.as_deref() == Some(name.as_str())] { (name) } }
                        option value="-" selected[q.lab.as_deref() == Some("-")] { (l.t("Chưa ghi phòng xét nghiệm", "No lab named")) }
                    }
                }
                button type="submit" { (l.t("Xem", "Show")) }
            }
            @if list.items.is_empty() {
                p.muted { (l.t("Không có mẫu nào chờ kết quả.", "Nothing awaits a result.")) }
            } @else {
                p.muted { (l.t("Đang xem ", "Showing ")) (first) "–" (last) (l.t(" trên ", " of ")) (super::num(l, list.total)) (l.t(", lâu nhất trước. Mẫu gộp nhập một kết quả cho cả gộp.", ", the longest waiting first. A pool takes one result for all of it.")) }
                div.table-wrap { table.responsive #awaiting {
                    thead { tr {
                        th { (l.t("Mã", "Code")) } th { (l.t("Mẫu", "Sample")) } th { (l.t("Ngày lấy", "Taken")) }
                        th { (l.t("Chờ", "Waiting")) } th { (l.t("Phòng xét nghiệm", "Lab")) }
                        @if can { th { (l.t("Kết quả", "Result")) } }
                    } }
                    tbody { @for i in &list.items { tr data-code=(i.code) .late[i.days_waiting >= 1] {
                        td.mono data-label=(l.t("Mã", "Code")) { a href={ "/testing/labels/" (i.code) } { (i.code) } }
                        td data-label=(l.t("Mẫu", "Sample")) {
                            @match (&i.full_name, i.person_id) {
                                (Some(name), Some(id)) => { a href={ "/persons/" (id) } { (name) } }
                                _ => { (l.t("Mẫu gộp ", "Pool of ")) (i.members) (l.t(" người", " people")) }
                            }
                            br; span.muted { (specimen_label(l, &i.specimen)) " · " (communes.get(&i.commune_code).unwrap_or(&i.commune_code)) }
                        }
                        td data-label=(l.t("Ngày lấy", "Taken")) { (show_date(&i.collected_on)) }
                        td data-label=(l.t("Chờ", "Waiting")) { (i.days_waiting) " " (l.t("ngày", "days")) }
                        td data-label=(l.t("Phòng xét nghiệm", "Lab")) { (i.lab.as_deref().unwrap_or("—")) }
                        @if can { td data-label=(l.t("Kết quả", "Result")) {
                            form.inline.row-result method="post" action="/testing/results" {
                                (page.csrf_field())
                                input type="hidden" name="code" value=(i.code);
                                input type="hidden" name="back" value="awaiting";
                                input type="hidden" name="lab" value=(i.lab.as_deref().unwrap_or(""));
                                select name="test_kind" aria-label=(l.t("Kỹ thuật", "Test")) {
                                    option value="rt_pcr" { "RT-PCR" }
                                    option value="antigen" { (l.t("Test nhanh", "Rapid antigen")) }
                                }
                                select name="outcome" required aria-label=(l.t("Kết quả", "Outcome")) {
                                    option value="" { (l.t("— Kết quả —", "— Outcome —")) }
                                    @for (v, vi, en) in [("negative", "Âm tính", "Negative"), ("positive", "Dương tính", "Positive"), ("inconclusive", "Không xác định", "Inconclusive")] {
                                        option value=(v) { (l.t(vi, en)) }
                                    }
                                }
                                input name="ct" size="10" placeholder="Ct" aria-label=(l.t("Giá trị Ct", "Ct values"));
                                input name="resulted_on" size="10" value=(today) placeholder="dd/mm/yyyy" aria-label=(l.t("Ngày có kết quả", "Result date"));
                                button type="submit" { (l.t("Lưu", "Save")) }
                            }
                        } }
                    } } }
                } }
                nav.pager aria-label=(l.t("Trang", "Pages")) {
                    @if n > 1 { a rel="prev" href={ "/testing/awaiting?page=" (n - 1) (lab_q) } { (l.t("← Trang trước", "← Previous")) } }
                    span { (l.t("Trang", "Page")) " " (n) }
                    @if list.paging.has_more(list.total) { a rel="next" href={ "/testing/awaiting?page=" (n + 1) (lab_q) } { (l.t("Trang sau →", "Next →")) } }
                }
            }
            p { a href="/testing" { (l.t("Trang xét nghiệm (nhập tệp kết quả, lấy mẫu) →", "Testing (result files, sampling) →")) } }
        },
    ))
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/testing", get(index))
        .route("/testing/awaiting", get(awaiting))
        .route("/testing/samples", post(create_sample))
        .route("/testing/labels/{code}", get(label))
        .route("/testing/pools", post(create_pool))
        .route("/testing/results", post(create_result))
        .route("/testing/reviews/{id}", post(review))
        .route("/testing/settings", post(save_setting))
        .route("/testing/import", super::upload(post(import)))
}
