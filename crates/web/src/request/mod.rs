//! Service requests: the catalog (ordering, and its editor for administrators), the
//! approvals a request waits for, and its fulfilment progress.

mod approvals;
mod approvals_api;
mod catalog;
mod catalog_admin;
mod catalog_api;
pub(crate) mod history;
pub(crate) mod progress;

use crate::routes::{Routes, get};
use utoipa::OpenApi;

pub(crate) fn api() -> Routes {
    Routes::new().merge(catalog_api::router()).merge(approvals_api::router())
}

/// The practice's part of the OpenAPI document.
pub(crate) fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = catalog_api::ApiDoc::openapi();
    doc.merge(approvals_api::ApiDoc::openapi());
    doc
}

pub(crate) fn ui() -> Routes {
    Routes::new()
        .route("/catalog", get(catalog::index))
        .route("/catalog/{id}", get(catalog::show).post(catalog::order))
        .route("/admin/catalog", get(catalog_admin::index).post(catalog_admin::create))
        .route("/admin/catalog/new", get(catalog_admin::new_form))
        .route("/admin/catalog/{id}", get(catalog_admin::edit_form).post(catalog_admin::update))
        .route("/approvals", get(approvals::inbox))
        .route("/approvals/{id}", get(approvals::show).post(approvals::decide))
        .route("/approve/{token}", get(approvals::link).post(approvals::decide_by_link))
}
