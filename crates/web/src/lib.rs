//! HTTP for Cairn: the REST API under `/api/v1`, the server-rendered UI, and the
//! security headers around both. Handlers only translate HTTP to use cases and back.
//!
//! Code is grouped by practice, with the same folder names as in the other crates; each
//! practice brings its own API routes, pages and templates, merged here.

mod automation;
mod ctx;
mod error;
mod extract;
mod incident;
mod json;
mod knowledge;
mod markdown;
mod platform;
mod problem;
mod report;
mod request;
mod search;
mod security;
mod server;
mod sla;
mod ticket;
mod time;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use cairn_app::App;

pub use ctx::WebConfig;
pub use platform::openapi::document as openapi_document;
pub use server::{ServerLimits, serve};

use crate::ctx::Ctx;

/// Largest request body accepted (JSON or form).
const BODY_LIMIT: usize = 1024 * 1024;

pub fn router(app: App, config: WebConfig) -> Router {
    let ctx = Ctx { app, config };
    Router::new()
        .merge(platform::api())
        .merge(ticket::api())
        .merge(incident::api())
        .merge(problem::api())
        .merge(request::api())
        .merge(sla::api())
        .merge(knowledge::api())
        .merge(report::api())
        .merge(automation::api())
        .merge(search::api())
        .merge(platform::ui())
        .merge(ticket::ui())
        .merge(incident::ui())
        .merge(problem::ui())
        .merge(request::ui())
        .merge(sla::ui())
        .merge(knowledge::ui())
        .merge(report::ui())
        .merge(automation::ui())
        .merge(search::ui())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(ctx)
}
