//! Import people from a spreadsheet in the browser: the same pipeline as
//! `phongdich import persons`, with the row-by-row report on the page.

use super::{Page, PageResult, layout};
use crate::AppState;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use maud::html;
use phongdich_domain::Permission;
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
        form method="post" action={ "/import" } enctype="multipart/form-data" {
            // The token as the first part of the upload, not in its address.
            (page.csrf_field())
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
                    td data-label=(l.t("Tệp", "File")) { a href={ "/import/runs/" (r.id) } { (r.file_name) } }
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
    slot: Option<axum::Extension<crate::upload::HeldSlot>>,
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
    // The import runs on after the answer (a large file takes minutes): the
    // user is sent to its page, which shows how far it got and, once done,
    // the summary and the row report to download. A small file is done
    // before the answer (we wait two seconds for it), so its page opens
    // finished. A file refused before it starts (unreadable, no usable
    // header) is said here, on the form.
    let reports = reports_dir();
    let pending = reports.join(format!("pending-{}.csv", unique()));
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<i64>();
    let store = s.store.clone();
    let actor = page.actor.clone();
    let slot = slot.and_then(|h| h.0.take());
    let task = tokio::spawn(async move {
        let _slot = slot;
        let mut started = Some(started_tx);
        let mut run_id = None;
        let mut on_progress = |p: phongdich_sheets::import::Progress| {
            run_id = Some(p.run_id);
            if let Some(tx) = started.take() {
                let _ = tx.send(p.run_id);
            }
        };
        let result = phongdich_sheets::import::import_persons(
            &store,
            &actor,
            &path,
            &file_name,
            &pending,
            ImportPolicy {
                allow_likely_duplicates: allow,
            },
            5000,
            &mut on_progress,
        )
        .await;
        let _ = std::fs::remove_dir_all(&dir);
        match run_id {
            // Kept under the run's number, with the summary beside it.
            Some(id) => {
                let _ = std::fs::rename(&pending, reports.join(format!("{id}.csv")));
                if let Ok(sm) = &result {
                    let kept = Kept {
                        rows: sm.rows,
                        imported: sm.imported,
                        refused: sm.refused,
                        flagged: sm.flagged,
                        ignored_columns: sm.ignored_columns.clone(),
                    };
                    if let Ok(json) = serde_json::to_vec(&kept) {
                        let _ = std::fs::write(reports.join(format!("{id}.json")), json);
                    }
                }
            }
            None => {
                let _ = std::fs::remove_file(&pending);
            }
        }
        result
    });
    match started_rx.await {
        Ok(id) => {
            // Two seconds for a small file to finish, so its page opens done.
            let _ = tokio::time::timeout(std::time::Duration::from_secs(2), async {
                while !task.is_finished() {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            })
            .await;
            Ok(axum::response::Redirect::to(&format!("/import/runs/{id}")).into_response())
        }
        Err(_) => {
            // It stopped before it began: the file itself was refused.
            let msg = match task.await {
                Ok(Err(e)) => e.to_string(),
                Ok(Ok(_)) => String::new(),
                Err(_) => l.t("Lỗi khi nhập tệp.", "The import failed.").to_owned(),
            };
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

/// What an import's page shows once it is done, kept beside its row report.
#[derive(serde::Serialize, serde::Deserialize)]
struct Kept {
    rows: u64,
    imported: u64,
    refused: u64,
    flagged: u64,
    ignored_columns: Vec<String>,
}

/// Where row reports are kept (the server's temporary directory: a report
/// is for the days after an import, not an archive — the run's counts stay
/// in the database).
fn reports_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join("phongdich-import-reports");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

fn unique() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{}-{nanos}", std::process::id())
}

/// How many report rows an import's page shows (all are in the file).
const SHOWN_ROWS: usize = 200;

/// `/import/runs/{id}`: one of the user's imports — running (the page
/// refreshes itself every two seconds, without script), or done with its
/// summary, its first report rows and the whole report to download.
pub(super) async fn run_page(
    State(s): State<AppState>,
    page: Page,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> PageResult {
    page.require(Permission::ImportPersons)?;
    let l = page.lang;
    let run = s
        .store
        .import_run(&page.actor, id)
        .await
        .map_err(|e| page.fail(e))?;
    let reports = reports_dir();
    let kept: Option<Kept> = std::fs::read(reports.join(format!("{id}.json")))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let file = reports.join(format!("{id}.csv"));
    let rows = read_report(&file, SHOWN_ROWS);
    let running = run.state == phongdich_store::ImportState::Running;
    let (vi, en) = run.state.label();
    Ok(layout(
        &page,
        l.t("Kết quả nhập", "Import result"),
        html! {
            @if running { meta http-equiv="refresh" content="2"; }
            h1 { (l.t("Nhập tệp: ", "Import: ")) (run.file_name) }
            p #run-state { (l.t("Trạng thái: ", "State: ")) strong { (l.t(vi, en)) } " · " (l.t("bắt đầu ", "started ")) (super::show_time(&run.started_at)) }
            @if running {
                p.notice role="status" #progress { (l.t("Đã xử lý ", "Processed ")) strong { (super::num(l, run.rows_total)) } (l.t(" dòng; trang tự cập nhật.", " rows; this page updates itself.")) }
            }
            @match &kept {
                Some(k) => {
                    p.notice role="status" #summary {
                        (k.rows) " " (l.t("dòng", "rows")) ": "
                        strong { (k.imported) } " " (l.t("đã nhập", "imported")) ", "
                        strong { (k.refused) } " " (l.t("bị từ chối", "refused")) ", "
                        strong { (k.flagged) } " " (l.t("nghi trùng chờ rà soát", "flagged as likely duplicates"))
                    }
                    @if !k.ignored_columns.is_empty() {
                        p.muted { (l.t("Cột không dùng: ", "Ignored columns: ")) (k.ignored_columns.join(", ")) }
                    }
                }
                None => @if !running {
                    p.notice role="status" #summary {
                        strong { (run.rows_imported) } " " (l.t("dòng đã nhập", "rows imported")) ", "
                        strong { (run.rows_refused) } " " (l.t("bị từ chối", "refused"))
                    }
                }
            }
            @if let Some(e) = &run.error { div.alert role="alert" { p { (e) } } }
            @if !running && file.exists() {
                p { a.button.secondary #report-download href={ "/import/runs/" (id) "/report.csv" } download { (l.t("Tải báo cáo từng dòng (CSV)", "Download the row report (CSV)")) } }
            }
            @if !rows.is_empty() {
                div.table-wrap { table.responsive #import-report {
                    thead { tr { th { (l.t("Dòng", "Line")) } th { (l.t("Kết quả", "Outcome")) } th { (l.t("Lý do", "Reason")) } } }
                    tbody { @for r in &rows { tr {
                        td.mono data-label=(l.t("Dòng", "Line")) { (r.line) }
                        td data-label=(l.t("Kết quả", "Outcome")) {
                            @if let Some(id) = r.person_id { a href={ "/persons/" (id) } { (super::import_outcome(l, &r.outcome)) } } @else { (super::import_outcome(l, &r.outcome)) }
                        }
                        td data-label=(l.t("Lý do", "Reason")) { (l.t(&r.reason_vi, &r.reason_en)) }
                    } } }
                } }
                @if rows.len() == SHOWN_ROWS { p.muted { (l.t("Chỉ hiện 200 dòng đầu; tải tệp để xem tất cả.", "The first 200 rows only; download the file for all of them.")) } }
            }
            p { a href="/import" { (l.t("Nhập tệp khác", "Import another file")) } }
        },
    ))
}

/// `/import/runs/{id}/report.csv`: the whole row report of one of the
/// user's imports.
pub(super) async fn report_file(
    State(s): State<AppState>,
    page: Page,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> PageResult {
    page.require(Permission::ImportPersons)?;
    let run = s
        .store
        .import_run(&page.actor, id)
        .await
        .map_err(|e| page.fail(e))?;
    let bytes = std::fs::read(reports_dir().join(format!("{id}.csv"))).map_err(|_| {
        page.fail(crate::problem::Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Báo cáo từng dòng của lần nhập này không còn (máy chủ đã khởi động lại hoặc dọn tệp tạm).",
            "This import's row report is no longer kept (the server restarted or cleared its temporary files).",
        ))
    })?;
    let name = format!(
        "bao-cao-nhap-{}-{}.csv",
        id,
        run.file_name
            .trim_end_matches(".csv")
            .trim_end_matches(".xlsx")
    );
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// One line of a kept row report, as the page shows it.
struct Line {
    line: String,
    outcome: String,
    person_id: Option<i64>,
    reason_vi: String,
    reason_en: String,
}

/// The first `n` rows of a row report (written by the import itself).
fn read_report(file: &std::path::Path, n: usize) -> Vec<Line> {
    let Ok(text) = std::fs::read_to_string(file) else {
        return Vec::new();
    };
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .take(n)
        .filter_map(Result::ok)
        .map(|r| {
            let get = |i: usize| r.get(i).unwrap_or_default().to_owned();
            Line {
                line: get(0),
                outcome: get(1),
                person_id: get(2).parse().ok(),
                reason_vi: get(3),
                reason_en: get(4),
            }
        })
        .collect()
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
    axum::Router::new()
        .route("/import", super::upload(post(upload)).get(page))
        .route("/import/runs/{id}", axum::routing::get(run_page))
        .route(
            "/import/runs/{id}/report.csv",
            axum::routing::get(report_file),
        )
}
