//! Import people from a spreadsheet in the browser: the same pipeline as
//! `phongdich import persons`, with the row-by-row report on the page.

use super::{Page, PageResult, layout};
use crate::AppState;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use maud::html;
use phongdich_domain::Permission;
use phongdich_sheets::import::ImportSummary;
use phongdich_store::{ImportPolicy, ImportRunRecord};
use std::io::Write;

fn form(page: &Page, error: Option<(&str, &str)>) -> maud::Markup {
    let l = page.lang;
    html! {
        h1 { (l.t("Nhập danh sách người dân", "Import people")) }
        p { (l.t(
            "Tệp CSV (UTF-8) hoặc XLSX, dòng đầu là tiêu đề cột: Họ và tên, Ngày sinh, Giới tính, Số CCCD/CMND, Số điện thoại, Mã xã, Mã thôn, Địa chỉ, Nghề nghiệp, Nơi làm việc, Diện ưu tiên, Hộ gia đình. Dòng hợp lệ được nhập; dòng lỗi được báo kèm số dòng và lý do.",
            "A CSV (UTF-8) or XLSX file whose first row holds the column headers (Vietnamese or English: full_name, birth, sex, national_id, phone, commune_code, hamlet_code, street_address, occupation, workplace, vulnerabilities, household). Good rows are imported; bad rows are reported with their line and reason."
        )) }
        @if let Some((vi, en)) = error { div.alert role="alert" { p { (l.t(vi, en)) } } }
        form method="post" action={ "/import?_csrf=" (page.csrf) } enctype="multipart/form-data" {
            div.field {
                label for="f-file" { (l.t("Tệp", "File")) }
                input #f-file type="file" name="file" accept=".csv,.xlsx,text/csv" required;
            }
            div.field {
                label { input type="checkbox" name="allow_likely_duplicates" value="yes"; " "
                    (l.t("Vẫn nhập các dòng nghi trùng (giữ từng cặp để rà soát)", "Import likely duplicates anyway (each pair kept for review)")) }
            }
            button type="submit" { (l.t("Nhập", "Import")) }
        }
    }
}

pub(super) async fn page(State(s): State<AppState>, page: Page) -> PageResult {
    page.require(Permission::ImportPersons)?;
    let runs = s
        .store
        .import_runs(&page.actor, 10)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(layout(
        &page,
        page.t("Nhập tệp", "Import"),
        html! { (form(&page, None)) (recent_runs(&page, &runs)) },
    ))
}

/// The user's latest imports: one that never finished shows as interrupted
/// with the rows it committed (they are in the register).
fn recent_runs(page: &Page, runs: &[ImportRunRecord]) -> maud::Markup {
    let l = page.lang;
    html! {
        @if !runs.is_empty() {
            h2 { (l.t("Các lần nhập gần đây", "Recent imports")) }
            div.table-wrap { table.responsive #import-runs {
                thead { tr {
                    th { (l.t("Tệp", "File")) } th { (l.t("Bắt đầu", "Started")) }
                    th { (l.t("Trạng thái", "State")) } th { (l.t("Đã nhập", "Imported")) }
                    th { (l.t("Bị từ chối", "Refused")) }
                } }
                tbody { @for r in runs { tr {
                    td data-label=(l.t("Tệp", "File")) { (r.file_name) }
                    td data-label=(l.t("Bắt đầu", "Started")) { (super::show_time(&r.started_at)) }
                    td data-label=(l.t("Trạng thái", "State")) {
                        @let (vi, en) = r.state.label();
                        (l.t(vi, en))
                        @if let Some(e) = &r.error { br; small.muted { (e) } }
                    }
                    td.num data-label=(l.t("Đã nhập", "Imported")) { (r.rows_imported) }
                    td.num data-label=(l.t("Bị từ chối", "Refused")) { (r.rows_refused) }
                } } }
            } }
        }
    }
}

pub(super) async fn upload(
    State(s): State<AppState>,
    page: Page,
    mut multipart: Multipart,
) -> PageResult {
    page.require(Permission::ImportPersons)?;
    let l = page.lang;
    let dir = tempfile_dir();
    let mut file_name = String::new();
    let mut saved: Option<std::path::PathBuf> = None;
    let mut allow = false;
    let bad = |vi: &'static str, en: &'static str| {
        Ok(with_status(
            layout(
                &page,
                l.t("Nhập tệp", "Import"),
                form(&page, Some((vi, en))),
            ),
            400,
        ))
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(page.fail(crate::upload::too_large(crate::upload::IMPORT_BODY_LIMIT)));
            }
            Err(_) => {
                return bad(
                    "Không đọc được tệp gửi lên.",
                    "The upload could not be read.",
                );
            }
        };
        match field.name() {
            Some("file") => {
                file_name = field.file_name().unwrap_or("upload.csv").to_owned();
                let ext = if file_name.to_lowercase().ends_with(".xlsx") {
                    "xlsx"
                } else {
                    "csv"
                };
                let bytes = match field.bytes().await {
                    Ok(b) => b,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err(
                            page.fail(crate::upload::too_large(crate::upload::IMPORT_BODY_LIMIT))
                        );
                    }
                    Err(_) => {
                        return bad(
                            "Tệp quá lớn hoặc bị gián đoạn.",
                            "The file is too large or was cut off.",
                        );
                    }
                };
                if bytes.is_empty() {
                    return bad("Chưa chọn tệp.", "No file was chosen.");
                }
                let path = dir.join(format!("upload.{ext}"));
                if std::fs::File::create(&path)
                    .and_then(|mut f| f.write_all(&bytes))
                    .is_err()
                {
                    return Err(page.fail(crate::problem::Problem::bad_request(
                        "Không lưu được tệp tạm.",
                        "Cannot store the upload.",
                    )));
                }
                saved = Some(path);
            }
            Some("allow_likely_duplicates") => allow = true,
            _ => {}
        }
    }
    let Some(path) = saved else {
        return bad("Chưa chọn tệp.", "No file was chosen.");
    };
    let report = dir.join("report.csv");
    let result = phongdich_sheets::import::import_persons(
        &s.store,
        &page.actor,
        &path,
        &file_name,
        &report,
        ImportPolicy {
            allow_likely_duplicates: allow,
        },
        5000,
        &mut |_| {},
    )
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    match result {
        Ok(summary) => Ok(layout(
            &page,
            l.t("Kết quả nhập", "Import result"),
            report_view(&page, &file_name, &summary),
        )),
        Err(e) => {
            // Errors about the file itself (headers, format) are bilingual already.
            let msg = e.to_string();
            Ok(with_status(
                layout(
                    &page,
                    l.t("Nhập tệp", "Import"),
                    html! {
                        (form(&page, None))
                        div.alert role="alert" { p { (msg) } }
                    },
                ),
                422,
            ))
        }
    }
}

fn report_view(page: &Page, file_name: &str, s: &ImportSummary) -> maud::Markup {
    let l = page.lang;
    html! {
        h1 { (l.t("Kết quả nhập", "Import result")) ": " (file_name) }
        p.notice role="status" {
            (s.rows) " " (l.t("dòng", "rows")) ": "
            strong { (s.imported) } " " (l.t("đã nhập", "imported")) ", "
            strong { (s.refused) } " " (l.t("bị từ chối", "refused")) ", "
            strong { (s.flagged) } " " (l.t("nghi trùng chờ rà soát", "flagged as likely duplicates"))
        }
        @if !s.ignored_columns.is_empty() {
            p.muted { (l.t("Cột không dùng: ", "Ignored columns: ")) (s.ignored_columns.join(", ")) }
        }
        @if !s.first_report_rows.is_empty() {
            div.table-wrap { table.responsive #import-report {
                thead { tr { th { (l.t("Dòng", "Line")) } th { (l.t("Kết quả", "Outcome")) } th { (l.t("Lý do", "Reason")) } } }
                tbody { @for r in &s.first_report_rows { tr {
                    td.mono data-label=(l.t("Dòng", "Line")) { (r.line) }
                    td data-label=(l.t("Kết quả", "Outcome")) {
                        @if let Some(id) = r.person_id { a href={ "/persons/" (id) } { (super::import_outcome(l, r.outcome)) } } @else { (super::import_outcome(l, r.outcome)) }
                    }
                    td data-label=(l.t("Lý do", "Reason")) { (l.t(&r.reason_vi, &r.reason_en)) }
                } } }
            } }
        }
        p { a href="/import" { (l.t("Nhập tệp khác", "Import another file")) } }
    }
}

fn with_status(mut r: axum::response::Response, status: u16) -> axum::response::Response {
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    r
}

fn tempfile_dir() -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("phongdich-import-{}-{nanos}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::post;
    axum::Router::new().route("/import", super::upload(post(upload)).get(page))
}
