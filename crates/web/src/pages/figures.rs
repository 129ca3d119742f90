//! The records behind one figure of a report (`/reports/figure`): exactly
//! the people (or samples, tests) the figure counts for its unit and period,
//! with the same conditions and the same day — stocks as they stood at the
//! end of the period's last day — a page at a time, by name.

use super::{Page, PageResult, encode, figure_href, layout, num, show_date};
use axum::extract::{Query, State};
use maud::html;
use phongdich_domain::report::LINES;
use phongdich_store::Paging;

use serde::Deserialize;

use crate::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct FigureQuery {
    key: String,
    unit: String,
    from: String,
    to: String,
    page: String,
}

pub(super) async fn figure_page(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<FigureQuery>,
) -> PageResult {
    let l = page.lang;
    let today = page.today();
    let (from, to) =
        super::reports::parse_period(&q.from, &q.to, today).map_err(|e| page.fail(e))?;
    let code = match q.unit.trim() {
        "" => page
            .actor
            .scope
            .home()
            .map(|u| u.as_str().to_owned())
            .unwrap_or_default(),
        c => c.to_owned(),
    };
    let unit = s.store.unit(&code).await.map_err(|e| page.fail(e))?;
    let wave = s
        .store
        .wave_start(&unit.province_code)
        .await
        .map_err(|e| page.fail(e))?;
    let n = q.page.trim().parse::<i64>().unwrap_or(1).max(1);
    let paging = Paging::page(n);
    let list = s
        .store
        .figure_list(
            &page.actor.scope,
            q.key.trim(),
            &unit.code,
            phongdich_store::FigurePeriod {
                from,
                to,
                wave_start: wave,
            },
            paging,
        )
        .await
        .map_err(|e| page.fail(e))?;
    let line = LINES.iter().find(|x| x.key == list.key);
    let label = line.map_or(list.key.as_str(), |x| l.t(x.vi, x.en));
    let label = label.trim_start_matches(['—', ' ']);
    let stock = line.is_some_and(|x| x.kind == phongdich_domain::report::Kind::Stock);
    let when = if stock {
        format!(
            "{} {}",
            l.t("cuối ngày", "at the end of"),
            show_date(&list.to)
        )
    } else if list.from == list.to {
        format!("{} {}", l.t("ngày", "on"), show_date(&list.to))
    } else {
        format!("{} – {}", show_date(&list.from), show_date(&list.to))
    };
    let title = format!("{label} · {} · {when}", unit.name);
    let report = format!(
        "/reports?unit={}&from={}&to={}",
        encode(&unit.code),
        from.format("%Y-%m-%d"),
        to.format("%Y-%m-%d")
    );
    let first = paging.offset + 1;
    let last = paging.offset + list.entries.len() as i64;
    let page_href = |k: i64| format!("{}&page={k}", figure_href(&list.key, &unit.code, from, to));
    Ok(layout(
        &page,
        &title,
        html! {
            p { a href=(report) { (l.t("← Về báo cáo", "← Back to the report")) } }
            h1 { (label) }
            p #figure-summary {
                (unit.name) " · " (when) " · "
                strong #figure-total { (num(l, list.total)) } " "
                (l.t("mục — đúng bằng con số của báo cáo", "records — exactly the report's figure"))
            }
            @if list.entries.is_empty() {
                p { (l.t("Không có ai.", "Nobody.")) }
            } @else {
                p { (num(l, first)) "–" (num(l, last)) " " (l.t("trên", "of")) " " (num(l, list.total)) }
                table #figure-list {
                    thead { tr {
                        th { (l.t("Họ tên / mẫu", "Name / sample")) }
                        th { (l.t("Xã, phường", "Commune")) }
                        th { (l.t("Ngày", "Day")) }
                        th { (l.t("Chi tiết", "Detail")) }
                    } }
                    tbody {
                        @for e in &list.entries {
                            tr {
                                td data-label=(l.t("Họ tên / mẫu", "Name / sample")) {
                                    @match (e.person_id, &e.full_name) {
                                        (Some(id), Some(name)) => a href={ "/persons/" (id) } { (name) },
                                        _ => (e.detail),
                                    }
                                }
                                td data-label=(l.t("Xã, phường", "Commune")) { (e.commune_name) }
                                td data-label=(l.t("Ngày", "Day")) { (show_date(&e.day)) }
                                td data-label=(l.t("Chi tiết", "Detail")) { (e.detail) }
                            }
                        }
                    }
                }
                nav.pager {
                    @if n > 1 { a rel="prev" href=(page_href(n - 1)) { (l.t("← Trang trước", "← Previous")) } " " }
                    @if paging.has_more(list.total) { a rel="next" href=(page_href(n + 1)) { (l.t("Trang sau →", "Next →")) } }
                }
            }
        },
    ))
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new().route("/reports/figure", get(figure_page))
}
