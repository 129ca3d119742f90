//! The chain page of a case: the chain it belongs to (`Store::chain`) drawn by
//! `chain.js` as an SVG in generations, from the chain embedded in the page,
//! and — for every reader, with or without JavaScript — the same chain as a
//! table by generation, each person with the links that reach them.

use super::{Page, PageResult, layout, show_date};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{Markup, PreEscaped, html};
use phongdich_store::{ChainEdge, ChainNode};
use std::collections::HashMap;

/// Rows of the table on the page; the CSV has the whole chain.
const TABLE_ROWS: usize = 2_000;

fn status_label(l: Lang, status: &str) -> &'static str {
    match status {
        "recovered" => l.t("khỏi bệnh", "recovered"),
        "deceased" => l.t("tử vong", "deceased"),
        "transferred_out" => l.t("chuyển đi", "transferred out"),
        _ => l.t("đang điều trị", "under treatment"),
    }
}

/// A person as the chain names them: the case code and, within the reader's
/// jurisdiction, the name; elsewhere only the code or the class.
fn node_label(n: &ChainNode) -> String {
    match (&n.case_code, &n.name) {
        (Some(code), Some(name)) if name != code => format!("{code} · {name}"),
        (Some(code), _) => code.clone(),
        (None, Some(name)) => format!("{name} (F{})", n.level),
        (None, None) => format!("F{}", n.level),
    }
}

fn class_cell(l: Lang, n: &ChainNode) -> Markup {
    html! {
        span.class-badge data-level=(n.level) { "F" (n.level) }
        @if let Some(s) = &n.status { " " (status_label(l, s)) }
    }
}

fn link_text(l: Lang, e: &ChainEdge, from: Option<&ChainNode>) -> String {
    let who = from
        .map(node_label)
        .unwrap_or_else(|| format!("#{}", e.from));
    if e.dated == "confirmation" {
        format!(
            "{who} ({}, {})",
            show_date(&e.on),
            l.t("ngày khẳng định", "confirmation date")
        )
    } else {
        format!("{who} ({})", show_date(&e.on))
    }
}

fn days_between(first: &str, last: &str) -> i64 {
    let parse = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    match (parse(first), parse(last)) {
        (Some(a), Some(b)) => (b - a).num_days().max(0),
        _ => 0,
    }
}

pub(super) async fn chain_page(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> PageResult {
    let l = page.lang;
    let chain = s
        .store
        .chain(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?;
    let by_id: HashMap<i64, &ChainNode> = chain.nodes.iter().map(|n| (n.person_id, n)).collect();
    let mut incoming: HashMap<i64, Vec<&ChainEdge>> = HashMap::new();
    for e in &chain.edges {
        incoming.entry(e.to).or_default().push(e);
    }
    let asked = by_id
        .get(&id)
        .map(|n| node_label(n))
        .unwrap_or_else(|| format!("#{id}"));
    let cases: Vec<&ChainNode> = chain.nodes.iter().filter(|n| n.level == 0).collect();
    let count = |status: &str| {
        cases
            .iter()
            .filter(|n| n.status.as_deref() == Some(status))
            .count()
    };
    let outside = cases.iter().filter(|n| !n.in_scope).count();
    let generations = chain
        .nodes
        .iter()
        .map(|n| n.generation)
        .max()
        .map_or(0, |g| g + 1);
    let span = match (&chain.first_on, &chain.last_on) {
        (Some(a), Some(b)) => Some((a.as_str(), b.as_str())),
        _ => None,
    };
    // `<` escaped so that no name can close the script element.
    let json = serde_json::to_string(&chain)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    Ok(layout(
        &page,
        l.t("Chuỗi lây", "Transmission chain"),
        html! {
            link rel="stylesheet" href="/static/chain.css";
            h1 { (l.t("Chuỗi lây của ", "Transmission chain of ")) a href={ "/persons/" (id) } { (asked) } }
            p #chain-summary {
                (cases.len()) " " (l.t("ca bệnh", "cases"))
                " (" (count("active")) " " (status_label(l, "active")) ", "
                (count("recovered")) " " (status_label(l, "recovered")) ", "
                (count("deceased")) " " (status_label(l, "deceased"))
                @if outside > 0 { ", " (outside) " " (l.t("ngoài địa bàn", "outside your area")) }
                ")"
                " · " (chain.nodes.len() - cases.len()) " F1–F4"
                " · " (chain.edges.len()) " " (l.t("mối lây", "links"))
                " · " (generations) " " (l.t("thế hệ", "generations"))
                @if let Some((a, b)) = span { " · " (show_date(a)) " – " (show_date(b)) }
            }
            p {
                (l.t("Tải về", "Download")) ": "
                @for (fmt, label) in [("csv", "CSV"), ("dot", "DOT"), ("graphml", "GraphML")] {
                    a href={ "/api/v1/chains/" (id) "?format=" (fmt) } { (label) } " "
                }
            }
            div #chain-controls.filters hidden {
                @if let Some((first, last)) = span {
                    div.field {
                        label for="chain-date" { (l.t("Các mối lây đến ngày", "Links up to")) " " span #chain-date-label { (show_date(last)) } }
                        @let days = days_between(first, last);
                        input #chain-date type="range" min="0" max=(days) step="1" value=(days) data-first=(first);
                    }
                }
                div.field.chain-zoom {
                    button type="button" data-zoom="in" title=(l.t("Phóng to", "Zoom in")) { "+" }
                    button type="button" data-zoom="out" title=(l.t("Thu nhỏ", "Zoom out")) { "−" }
                    button type="button" data-zoom="fit" { (l.t("Vừa khung", "Fit")) }
                }
                p #chain-info.muted aria-live="polite" {
                    (l.t("Kéo để di chuyển, cuộn hoặc dùng nút để phóng to; bấm vào một người để mở hồ sơ.",
                        "Drag to pan, scroll or use the buttons to zoom; click a person to open the record."))
                }
            }
            ul.chain-legend {
                li { span.dot.active {} (l.t("ca bệnh đang điều trị", "case under treatment")) }
                li { span.dot.recovered {} (l.t("khỏi bệnh", "recovered")) }
                li { span.dot.deceased {} (l.t("tử vong", "deceased")) }
                li { span.dot.outside {} (l.t("ca bệnh ngoài địa bàn", "case outside your area")) }
                @for level in 1..=4 { li { span.square data-level=(level) {} "F" (level) } }
                li { span.line {} (l.t("ngày phơi nhiễm", "exposure date")) }
                li { span.line.dashed {} (l.t("chưa rõ ngày phơi nhiễm: ngày khẳng định của ca sau", "exposure unknown: the later case's confirmation date")) }
                li { span.dot.asked {} (l.t("người đang xem", "the person asked for")) }
            }
            div #chain-view data-asked=(id)
                data-confirmation=(l.t("ngày khẳng định", "confirmation date"))
                data-shown=(l.t("đang hiện", "shown"))
                data-people=(l.t("người", "people"))
                data-links=(l.t("mối lây", "links")) {}
            script #chain-data type="application/json" { (PreEscaped(json)) }
            h2 { (l.t("Danh sách theo thế hệ", "List by generation")) }
            @if chain.nodes.len() > TABLE_ROWS {
                p.muted { (l.t("Bảng dưới đây có ", "The table below has the first ")) (TABLE_ROWS) " / " (chain.nodes.len())
                    (l.t(" người; tệp CSV có đủ cả chuỗi.", " people; the CSV has the whole chain.")) }
            }
            div.table-wrap { table.responsive #chain-table {
                thead { tr {
                    th { (l.t("Thế hệ", "Generation")) }
                    th { (l.t("Người", "Person")) }
                    th { (l.t("Phân loại", "Class")) }
                    th { (l.t("Ngày", "Date")) }
                    th { (l.t("Lây từ", "Infected by")) }
                } }
                tbody { @for n in chain.nodes.iter().take(TABLE_ROWS) {
                    tr data-person=(n.person_id) {
                        td data-label=(l.t("Thế hệ", "Generation")) { (n.generation) }
                        td data-label=(l.t("Người", "Person")) {
                            @if n.in_scope { a href={ "/persons/" (n.person_id) } { (node_label(n)) } } @else { (node_label(n)) }
                            @if n.person_id == id { " " strong { "◀" } }
                        }
                        td data-label=(l.t("Phân loại", "Class")) { (class_cell(l, n)) }
                        td data-label=(l.t("Ngày", "Date")) { (show_date(&n.since_on)) }
                        td data-label=(l.t("Lây từ", "Infected by")) {
                            @for (i, e) in incoming.get(&n.person_id).map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
                                @if i > 0 { "; " }
                                (link_text(l, e, by_id.get(&e.from).copied()))
                            }
                        }
                    }
                } }
            } }
            script src="/static/chain.js" {}
        },
    ))
}

pub(super) async fn chain_script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("chain.js"),
    )
        .into_response()
}

pub(super) async fn chain_css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("chain.css"),
    )
        .into_response()
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/chains/{id}", get(chain_page))
        .route("/static/chain.js", get(chain_script))
        .route("/static/chain.css", get(chain_css))
}
