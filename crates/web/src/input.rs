//! Control characters in text input (issue 16 §7): a NUL byte in any text
//! field made PostgreSQL answer 500 and was stored as is by SQLite. Every
//! request's query string, JSON body and form body is read here first, and
//! text holding a control character (other than tab, line feed and carriage
//! return, which notes may hold) is refused with the field named — before
//! any handler, on both engines alike. Files (CSV, XLSX) are checked row by
//! row by their importers.

use crate::problem::Problem;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use phongdich_domain::FieldError;

/// The largest JSON or form body read, as the handlers' own limit
/// (imports come as multipart uploads, which are not read here).
pub(crate) const TEXT_BODY_LIMIT: usize = crate::upload::FORM_BODY_LIMIT;

pub(crate) use phongdich_domain::text::forbidden_char;

fn refused(field: &str, c: char) -> FieldError {
    let code = format!("U+{:04X}", u32::from(c));
    FieldError::new(
        field,
        "control_character",
        format!("«{field}» chứa ký tự điều khiển {code}, không được phép trong văn bản."),
        format!("“{field}” holds the control character {code}, which text may not hold."),
    )
}

/// The fields of a JSON value holding a forbidden character, by path
/// (`contacts[2].note`), keys included.
fn json_faults(v: &serde_json::Value, path: &str, out: &mut Vec<FieldError>) {
    match v {
        serde_json::Value::String(s) => {
            if let Some(c) = forbidden_char(s) {
                out.push(refused(path, c));
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                json_faults(item, &format!("{path}[{i}]"), out);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, item) in map {
                let at = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if let Some(c) = forbidden_char(k) {
                    out.push(refused(&at, c));
                }
                json_faults(item, &at, out);
            }
        }
        _ => {}
    }
}

fn form_faults(bytes: &[u8], out: &mut Vec<FieldError>) {
    for (k, v) in form_urlencoded::parse(bytes) {
        if let Some(c) = forbidden_char(&k).or_else(|| forbidden_char(&v)) {
            out.push(refused(&k, c));
        }
    }
}

/// The middleware: the request as it came, or a 422 naming each field.
pub(crate) async fn refuse_control_characters(req: Request, next: Next) -> Response {
    let mut faults = Vec::new();
    if let Some(q) = req.uri().query() {
        form_faults(q.as_bytes(), &mut faults);
    }
    let kind = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let json = kind.starts_with("application/json") || kind.contains("+json");
    let form = kind.starts_with("application/x-www-form-urlencoded");
    let req = if json || form {
        let (parts, body) = req.into_parts();
        let bytes = match to_bytes(body, TEXT_BODY_LIMIT).await {
            Ok(b) => b,
            Err(_) => {
                return Problem::new(
                    axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                    "too-large",
                    format!("Nội dung gửi lên vượt quá {} KB.", TEXT_BODY_LIMIT >> 10),
                    format!("The body is larger than {} KB.", TEXT_BODY_LIMIT >> 10),
                )
                .into_response();
            }
        };
        if form {
            form_faults(&bytes, &mut faults);
        } else if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
            // Malformed JSON is the handler's to refuse, with its reason.
            json_faults(&v, "", &mut faults);
        }
        Request::from_parts(parts, Body::from(bytes))
    } else {
        req
    };
    if faults.is_empty() {
        next.run(req).await
    } else {
        Problem::invalid(faults).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_other_controls_are_found_tab_and_newlines_are_text() {
        assert_eq!(forbidden_char("Nguyễn\u{0}Văn"), Some('\u{0}'));
        assert_eq!(forbidden_char("a\u{1b}[31m"), Some('\u{1b}'));
        assert_eq!(forbidden_char("x\u{7f}"), Some('\u{7f}'));
        assert_eq!(forbidden_char("x\u{85}"), Some('\u{85}'));
        assert_eq!(forbidden_char("Ghi chú:\n\tdòng hai\r\n"), None);
        assert_eq!(forbidden_char("Đặng Thị Ánh"), None);
    }

    #[test]
    fn json_faults_name_the_path() {
        let v = serde_json::json!({"name": "ok", "items": [{"note": "a\u{0}"}]});
        let mut out = Vec::new();
        json_faults(&v, "", &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].field, "items[0].note");
    }
}
