//! Limits on what a request may send (issue 16 §1): a small body for forms
//! and JSON, a larger one for spreadsheet uploads, and at most a few imports
//! at once — an import reads and writes for seconds to minutes, and the
//! server has two cores and a database to share.

use crate::problem::Problem;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Bytes of a form or JSON body (axum's own default is 2 MB).
pub const FORM_BODY_LIMIT: usize = 1024 * 1024;
/// Bytes of a spreadsheet upload: a commune's list of 100,000 people is
/// 10–15 MB as CSV; larger files go through `phongdich import` on the server.
pub const IMPORT_BODY_LIMIT: usize = 50 * 1024 * 1024;
/// Imports running at once; another is answered 503 with `Retry-After`.
pub const CONCURRENT_IMPORTS: usize = 2;

/// The places for imports running at once, shared by the import routes.
#[derive(Debug, Clone)]
pub struct ImportSlots(Arc<Semaphore>);

impl ImportSlots {
    pub fn new(slots: usize) -> Self {
        ImportSlots(Arc::new(Semaphore::new(slots)))
    }
}

/// The body limit of the import routes, refused from `Content-Length`
/// before anything is read (a body sent without one stops at the same limit
/// in the multipart reader); then a place among the imports running.
pub async fn import_gate(request: Request, next: Next) -> Response {
    let length = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if length.is_some_and(|n| n > IMPORT_BODY_LIMIT as u64) {
        return too_large(IMPORT_BODY_LIMIT).into_response();
    }
    let slots = request.extensions().get::<ImportSlots>().cloned();
    let permit = match slots.map(|s| s.0.try_acquire_owned()) {
        Some(Ok(permit)) => Some(permit),
        Some(Err(_)) => return busy(),
        None => None,
    };
    // The handler may take the place with it when the import goes on after
    // the answer (`HeldSlot::take`); else it is given back here.
    let held = HeldSlot(Arc::new(std::sync::Mutex::new(permit)));
    let mut request = request;
    request.extensions_mut().insert(held.clone());
    let response = next.run(request).await;
    drop(held);
    response
}

/// The place among the imports running that the gate took for a request.
#[derive(Clone, Debug)]
pub struct HeldSlot(Arc<std::sync::Mutex<Option<tokio::sync::OwnedSemaphorePermit>>>);

impl HeldSlot {
    /// The place, to keep for as long as the import runs.
    pub fn take(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.0.lock().ok().and_then(|mut p| p.take())
    }
}

/// 413 naming the limit.
pub fn too_large(limit: usize) -> Problem {
    let mb = limit / (1024 * 1024);
    let (vi, en) = if limit == IMPORT_BODY_LIMIT {
        (
            format!(
                "Tệp gửi lên quá giới hạn {mb} MB; hãy chia nhỏ tệp, hoặc nhập bằng lệnh `phongdich import` trên máy chủ."
            ),
            format!(
                "The upload is over the limit of {mb} MB; split the file, or import it with `phongdich import` on the server."
            ),
        )
    } else {
        (
            format!("Nội dung gửi lên quá giới hạn {mb} MB."),
            format!("The request body is over the limit of {mb} MB."),
        )
    };
    Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", vi, en)
}

fn busy() -> Response {
    let mut response = Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        format!("Đang có {CONCURRENT_IMPORTS} lượt nhập tệp chạy; hãy thử lại sau ít phút."),
        format!("{CONCURRENT_IMPORTS} imports are running already; try again in a few minutes."),
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    response
}

/// Save the `file` field of an upload in a fresh temporary directory.
pub(crate) async fn save_upload(
    multipart: &mut axum::extract::Multipart,
) -> (std::path::PathBuf, Option<std::path::PathBuf>) {
    let dir = std::env::temp_dir().join(format!(
        "phongdich-upload-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    ));
    let _ = std::fs::create_dir_all(&dir);
    let mut saved = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        let ext = if field
            .file_name()
            .is_some_and(|n| n.to_lowercase().ends_with(".xlsx"))
        {
            "xlsx"
        } else {
            "csv"
        };
        if let Ok(bytes) = field.bytes().await
            && !bytes.is_empty()
        {
            let path = dir.join(format!("upload.{ext}"));
            if std::fs::write(&path, &bytes).is_ok() {
                saved = Some(path);
            }
        }
    }
    (dir, saved)
}
