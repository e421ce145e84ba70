//! One search across the practices: tickets, knowledge articles and catalog items.

pub(crate) mod api;
mod pages;

use axum::Router;
use axum::routing::get;

use crate::ctx::Ctx;

pub(crate) fn api() -> Router<Ctx> {
    api::router()
}

pub(crate) fn ui() -> Router<Ctx> {
    Router::new().route("/search", get(pages::search))
}
