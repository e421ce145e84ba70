//! Reporting: the operational dashboard, its charts and the CSV behind them.

pub(crate) mod api;
mod charts;
mod dashboard;

use axum::Router;
use axum::routing::get;

use crate::ctx::Ctx;

pub(crate) fn api() -> Router<Ctx> {
    api::router()
}

pub(crate) fn ui() -> Router<Ctx> {
    Router::new().route("/dashboard", get(dashboard::show)).route("/dashboard.csv", get(dashboard::csv))
}
