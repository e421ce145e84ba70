//! One search across the practices: tickets, knowledge articles and catalog items.

mod api;
mod pages;

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
    Routes::new().route("/search", get(pages::search))
}
