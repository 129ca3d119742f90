//! Pages that keep themselves up to date (the alerts and the duty roster):
//! the part of the page `/static/live.js` refreshes, the count in the tab's
//! title, and the pulse it polls.

use super::{Page, PageResult, UnitFilter, Within};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

/// "(3) Cảnh báo": the count of alerts waiting in the tab's title.
pub(super) fn live_title(title: &str, pulse: &phongdich_store::AlertPulse) -> String {
    if pulse.unhandled > 0 {
        format!("({}) {title}", pulse.unhandled)
    } else {
        title.to_owned()
    }
}

/// A part of a page that `/static/live.js` keeps up to date: it polls
/// `pulse_url` every 15 s and, when the alerts waiting change, fetches the
/// page again and swaps this part (not while the user types in it: then it
/// says so and offers to refresh), updates the count in the tab's title and,
/// on a new alert, rings — once the user has switched the bell on (a
/// browser plays sound only after a tap on the page). Without script the
/// page is as it was when loaded, with a refresh link.
pub(super) fn live_region(
    l: Lang,
    pulse_url: &str,
    pulse: &phongdich_store::AlertPulse,
    inner: Markup,
) -> Markup {
    html! {
        p.live-controls {
            button #bell type="button" hidden aria-pressed="false"
                data-on=(l.t("Chuông đang bật (bấm để tắt)", "Bell on (tap to switch off)")) data-off=(l.t("Bật chuông báo cảnh báo mới", "Switch the bell on for new alerts")) {
                (l.t("Bật chuông báo cảnh báo mới", "Switch the bell on for new alerts"))
            }
            " " span.muted #live-status { (l.t("Trang tự cập nhật mỗi 15 giây.", "This page updates itself every 15 seconds.")) }
            " " a #live-refresh href="" { (l.t("Tải lại", "Refresh")) }
        }
        div.notice #live-new role="alert" hidden { p { (l.t("Có cảnh báo mới. ", "New alerts. ")) a href="" { (l.t("Tải lại trang", "Refresh the page")) } } }
        div #live data-live=(pulse_url) data-latest=(pulse.latest.unwrap_or(0)) data-unhandled=(pulse.unhandled) {
            (inner)
        }
    }
}

/// `/alerts/pulse`: the alerts waiting in the reader's jurisdiction (or the
/// unit asked for), for the live pages.
pub(super) async fn pulse(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<UnitFilter>,
) -> PageResult {
    let within = Within::of(&s, &page, &q.unit).await?;
    let pulse = s
        .store
        .alert_pulse(&within.scope)
        .await
        .map_err(|e| page.fail(e))?;
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        axum::Json(pulse),
    )
        .into_response())
}

async fn script() -> Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("live.js"),
    )
        .into_response()
}

/// This module's routes; merged once in [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/alerts/pulse", get(pulse))
        .route("/static/live.js", get(script))
}
