//! Asset management in the web layer: the asset API and pages, contracts, licences
//! and stocktakes.

mod api;
mod dto;
mod pages;

use crate::routes::Routes;
use utoipa::OpenApi;

pub(crate) fn api() -> Routes {
    api::router()
}

/// The practice's part of the OpenAPI document.
pub(crate) fn openapi() -> utoipa::openapi::OpenApi {
    api::ApiDoc::openapi()
}

pub(crate) fn ui() -> Routes {
    pages::routes()
}
