//! Asset management in the web layer: the asset API and pages, contracts, licences
//! and stocktakes.

mod api;
mod contracts_api;
mod dto;
mod licences_api;
mod pages;
mod stocktakes_api;

use crate::routes::Routes;
use utoipa::OpenApi;

pub(crate) fn api() -> Routes {
    api::router().merge(contracts_api::router()).merge(licences_api::router()).merge(stocktakes_api::router())
}

/// The practice's part of the OpenAPI document.
pub(crate) fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api::ApiDoc::openapi();
    doc.merge(contracts_api::ApiDoc::openapi());
    doc.merge(licences_api::ApiDoc::openapi());
    doc.merge(stocktakes_api::ApiDoc::openapi());
    doc
}

pub(crate) fn ui() -> Routes {
    pages::routes()
}
