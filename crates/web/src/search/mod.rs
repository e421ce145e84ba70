//! One search across the practices: tickets, knowledge articles and catalog items.

mod api;
mod pages;

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
    Router::new().route("/search", get(pages::search))
}
