//! HTTP for Cairn: the REST API under `/api/v1`, the server-rendered UI, and the
//! security headers around both. Handlers only translate HTTP to use cases and back.

mod api;
mod error;
mod json;
mod markdown;
mod security;
mod time;
mod ui;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use cairn_app::App;
use tokio::net::TcpListener;

pub use api::openapi::document as openapi_document;

/// Settings the web layer needs.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (when Cairn is served over HTTPS).
    pub secure_cookies: bool,
}

#[derive(Clone)]
pub(crate) struct Ctx {
    pub app: App,
    pub config: WebConfig,
}

/// Largest request body accepted (JSON or form).
const BODY_LIMIT: usize = 1024 * 1024;

pub fn router(app: App, config: WebConfig) -> Router {
    let ctx = Ctx { app, config };
    Router::new()
        .merge(api::router())
        .merge(ui::router())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(ctx)
}

/// Serves until `shutdown` completes, then ends the pages' live updates and finishes
/// in-flight requests.
pub async fn serve(
    listener: TcpListener,
    app: App,
    config: WebConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let live = app.clone();
    let router = router(app, config).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            shutdown.await;
            live.close_live();
        })
        .await
}
