//! Reporting: the operational dashboard, its charts and the CSV behind them.

mod api;
mod charts;
mod dashboard;

use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

use crate::ctx::Ctx;

pub(crate) fn api() -> Router<Ctx> {
    api::router()
}

/// The practice's part of the OpenAPI document.
pub(crate) fn openapi() -> utoipa::openapi::OpenApi {
    api::ApiDoc::openapi()
}

pub(crate) fn ui() -> Router<Ctx> {
    Router::new().route("/dashboard", get(dashboard::show)).route("/dashboard.csv", get(dashboard::csv))
}
