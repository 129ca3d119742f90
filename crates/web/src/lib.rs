//! The web layer: the JSON API under `/api/v1` (described by OpenAPI at
//! `/api/v1/openapi.json`) and the HTML pages, behind one authentication layer.
//! Nothing here touches SQL: handlers call the store with the caller's actor.

mod api;
mod caller;
mod pages;
mod problem;
pub mod upload;

pub use api::ApiDoc;
pub use problem::Problem;

use axum::Router;
use phongdich_store::Store;
use std::net::SocketAddr;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
}

/// The whole application as one router, ready for `axum::serve` or a test.
pub fn router(store: Store) -> Router {
    router_with(store, upload::ImportSlots::new(upload::CONCURRENT_IMPORTS))
}

/// [`router`] with its own places for imports running at once.
pub fn router_with(store: Store, imports: upload::ImportSlots) -> Router {
    let state = AppState { store };
    api::routes()
        .merge(pages::routes())
        .layer(axum::extract::DefaultBodyLimit::max(
            upload::FORM_BODY_LIMIT,
        ))
        .layer(axum::Extension(imports))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            caller::authenticate,
        ))
        .with_state(state)
}

/// Serve until Ctrl-C or SIGTERM, then let running requests finish.
pub async fn serve(store: Store, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    serve_with(store, listener, true).await
}

/// [`serve`], choosing whether classes whose period ended by today's date
/// are ended (off for records replayed from the past: demo, training, tests).
pub async fn serve_with(
    store: Store,
    listener: tokio::net::TcpListener,
    class_expiry: bool,
) -> std::io::Result<()> {
    tokio::spawn(escalate_every_minute(store.clone()));
    tokio::spawn(refresh_figures_often(store.clone()));
    if class_expiry {
        tokio::spawn(expire_classes_often(store.clone()));
    }
    let app = router(store).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
}

/// Alerts nobody takes go up a level after the province's configured
/// minutes; checked once a minute while the server runs.
async fn escalate_every_minute(store: Store) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match store.escalate_alerts(chrono::Utc::now()).await {
            Ok(moved) if !moved.is_empty() => {
                tracing::info!(alerts = ?moved, "alerts escalated");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "escalating alerts failed"),
        }
    }
}

/// The report figures of communes whose records changed are recounted
/// every 10 seconds, so that a report or dashboard seldom has any to count
/// itself (it still does, so it never shows figures older than the records).
async fn refresh_figures_often(store: Store) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(10));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match store.refresh_all_figures().await {
            Ok(n) if n > 0 => tracing::debug!(communes = n, "report figures recounted"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "recounting report figures failed"),
        }
    }
}

/// Classes whose period ended (counted from each person's last exposure)
/// leave the lists: checked when the server starts (the first tick is at
/// once) and every 10 minutes, so a new day is applied within minutes of
/// midnight. The day is the committee's: Vietnam's local date (UTC+7).
async fn expire_classes_often(store: Store) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
        match store.expire_classes(today).await {
            Ok(ended) if !ended.is_empty() => {
                tracing::info!(classes = ended.len(), "classes expired");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "expiring classes failed"),
        }
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
