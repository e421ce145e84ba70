//! HTTP for Cairn: the REST API under `/api/v1`, the server-rendered UI, and the
//! security headers around both. Handlers only translate HTTP to use cases and back.
//!
//! Code is grouped by practice, with the same folder names as in the other crates; each
//! practice brings its own API routes, pages and templates, merged here.

mod asset;
mod automation;
mod cmdb;
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
mod routes;
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
    let https = config.secure_cookies;
    let ctx = Ctx { app, config };
    let routes = all_routes()
        .into_router()
        .fallback(platform::not_found)
        .layer(axum::middleware::from_fn_with_state(ctx.clone(), platform::session::in_their_zone))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(security::headers));
    let routes = if https { routes.layer(axum::middleware::from_fn(security::hsts)) } else { routes };
    routes.layer(tower_http::trace::TraceLayer::new_for_http()).with_state(ctx)
}

/// Every route the server answers, as (method, path template), in the order added.
/// Built by the same calls as [`router`], so it cannot leave one out.
pub fn route_table() -> Vec<(axum::http::Method, &'static str)> {
    all_routes().table()
}

fn all_routes() -> routes::Routes {
    routes::Routes::new()
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
        .merge(cmdb::api())
        .merge(asset::api())
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
        .merge(cmdb::ui())
        .merge(asset::ui())
}
