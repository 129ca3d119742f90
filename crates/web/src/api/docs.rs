//! The interactive API page: every operation of the OpenAPI document, with a
//! form to send it from the browser using the logged-in session (first-party
//! script, no external assets).

use super::ApiDoc;
use crate::caller::Auth;
use axum::Extension;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, html};
use utoipa::OpenApi;

pub(super) async fn page(Extension(auth): Extension<Auth>) -> Html<String> {
    let l = auth.lang;
    let doc = ApiDoc::openapi();
    let mut ops: Vec<(String, String, String)> = Vec::new();
    for (path, item) in &doc.paths.paths {
        for (method, op) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
        ] {
            if let Some(op) = op {
                let summary = op
                    .summary
                    .clone()
                    .or_else(|| op.description.clone())
                    .unwrap_or_default();
                ops.push((method.to_owned(), path.clone(), summary));
            }
        }
    }
    Html(
        html! {
            (DOCTYPE)
            html lang=(l.code()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    @if let Some(c) = &auth.csrf { meta name="csrf-token" content=(c); }
                    title { "API — phongdich" }
                    link rel="stylesheet" href="/static/app.css";
                }
                body {
                    main #main {
                        h1 { "phongdich API v1" }
                        p {
                            (l.t("Tài liệu OpenAPI: ", "OpenAPI document: ")) a href="/api/v1/openapi.json" { "/api/v1/openapi.json" }
                            ". " (l.t("Xác thực: mã API (Authorization: Bearer …) hoặc phiên đăng nhập.", "Authentication: an API token (Authorization: Bearer …) or the logged-in session."))
                            @if auth.user.is_none() { " " a href="/login?next=/api/v1/docs" { (l.t("Đăng nhập để thử.", "Log in to try it.")) } }
                        }
                        @for (i, (method, path, summary)) in ops.iter().enumerate() {
                            section.op data-method=(method) data-path=(path) {
                                h2 { span.mono { (method) " " (path) } }
                                p { (summary) }
                                form.try id={ "op-" (i) } {
                                    @for p in path.split('/').filter(|s| s.starts_with('{')) {
                                        @let name = p.trim_matches(|c| c == '{' || c == '}');
                                        div.field { label for={ "op-" (i) "-" (name) } { (name) } input id={ "op-" (i) "-" (name) } data-param=(name) required; }
                                    }
                                    div.field { label for={ "op-" (i) "-query" } { (l.t("Tham số truy vấn (vd. q=ha long)", "Query string (e.g. q=ha long)")) } input id={ "op-" (i) "-query" } data-query; }
                                    @if method != "GET" {
                                        div.field { label for={ "op-" (i) "-body" } { (l.t("Nội dung JSON", "JSON body")) } textarea id={ "op-" (i) "-body" } data-body rows="4" {} }
                                    }
                                    button type="submit" { (l.t("Gửi", "Send")) }
                                    pre.result aria-live="polite" {}
                                }
                            }
                        }
                    }
                    script src="/api/v1/docs.js" {}
                }
            }
        }
        .into_string(),
    )
}

pub(super) async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("docs.js"),
    )
        .into_response()
}
