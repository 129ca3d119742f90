//! The web layer: the JSON API under `/api/v1` (described by OpenAPI at
//! `/api/v1/openapi.json`) and the HTML pages, behind one authentication layer.
//! Nothing here touches SQL: handlers call the store with the caller's actor.

#![warn(unreachable_pub)]

mod api;
mod caller;
mod input;
mod pages;
mod problem;
pub mod upload;

pub use api::ApiDoc;
pub use caller::ProxyNet;
pub use problem::Problem;

use axum::Router;
use phongdich_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
}

impl AppState {
    /// Today in Vietnam, by the store's clock (the one clock: tests set it).
    pub fn today(&self) -> chrono::NaiveDate {
        self.store.today()
    }

    /// Now on Vietnam's wall clock.
    pub fn now_local(&self) -> chrono::NaiveDateTime {
        self.store.clock().now()
    }

    /// Now, as an instant.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.store.clock().now_utc()
    }
}

/// How the server is deployed.
#[derive(Debug, Clone)]
pub struct Config {
    /// Reverse proxies whose `X-Forwarded-For` (or `Forwarded`) header is
    /// believed: the client is the right-most address there that is not one
    /// of them. None by default: the peer of the connection is the client.
    pub trusted_proxies: Vec<ProxyNet>,
    /// Imports that may run at once ([`upload::CONCURRENT_IMPORTS`] by default).
    pub import_slots: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            trusted_proxies: Vec::new(),
            import_slots: upload::CONCURRENT_IMPORTS,
        }
    }
}

/// The whole application as one router, ready for `axum::serve` or a test.
pub fn router(store: Store) -> Router {
    router_with(store, Config::default())
}

/// [`router`], deployed as `config` says.
pub fn router_with(store: Store, config: Config) -> Router {
    let imports = upload::ImportSlots::new(config.import_slots);
    let state = AppState {
        store,
        config: Arc::new(config),
    };
    api::routes()
        .merge(pages::routes())
        .layer(axum::extract::DefaultBodyLimit::max(
            upload::FORM_BODY_LIMIT,
        ))
        .layer(axum::Extension(imports))
        // Inner: text input is checked after authentication.
        .layer(axum::middleware::from_fn(input::refuse_control_characters))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            caller::authenticate,
        ))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

/// No script, style, frame or form target from elsewhere, and no inline
/// script or style (the pages' scripts are files under `/static`); nothing
/// may frame the pages.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// Headers on every answer, the authentication layer's refusals included.
/// Everything but the static files (scripts, style sheets: no personal data)
/// is `no-store`: pages and API answers hold personal data, and the simple
/// rule cannot forget one. A handler's own value stands (the personal page
/// sends `Referrer-Policy: no-referrer`).
async fn security_headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let path = req.uri().path();
    let static_file = path.starts_with("/static/") || path == "/api/v1/docs.js";
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            header::CACHE_CONTROL,
            if static_file {
                "public, max-age=3600"
            } else {
                "no-store"
            },
        ),
    ] {
        h.entry(name)
            .or_insert_with(|| HeaderValue::from_static(value));
    }
    res
}

/// Serve until Ctrl-C or SIGTERM, then let running requests finish.
pub async fn serve(store: Store, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    serve_with(store, listener, true, Config::default()).await
}

/// [`serve`], choosing whether classes whose period ended by today's date
/// are ended (off for records replayed from the past: demo, training, tests).
pub async fn serve_with(
    store: Store,
    listener: tokio::net::TcpListener,
    class_expiry: bool,
    config: Config,
) -> std::io::Result<()> {
    tokio::spawn(escalate_every_minute(store.clone()));
    tokio::spawn(refresh_figures_often(store.clone()));
    if class_expiry {
        tokio::spawn(expire_classes_often(store.clone()));
    }
    let app = router_with(store, config).into_make_service_with_connect_info::<SocketAddr>();
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
        match store.escalate_alerts(store.clock().now_utc()).await {
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
        let today = store.today();
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
