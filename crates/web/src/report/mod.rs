//! Reporting: the operational dashboard, its charts and the CSV behind them.

mod api;
pub(crate) mod charts;
mod dashboard;

use crate::routes::{Routes, get};
use utoipa::OpenApi;

pub(crate) fn api() -> Routes {
    api::router()
}

/// The practice's part of the OpenAPI document.
pub(crate) fn openapi() -> utoipa::openapi::OpenApi {
    api::ApiDoc::openapi()
}

pub(crate) fn ui() -> Routes {
    Routes::new().route("/dashboard", get(dashboard::show)).route("/dashboard.csv", get(dashboard::csv))
}
