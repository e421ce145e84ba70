//! The knowledge base: articles with their lifecycle, versions and feedback, and the
//! suggestions shown while a requester types.

pub(crate) mod api;
mod editor;
pub(crate) mod pages;

use crate::routes::{Routes, get, post};
use utoipa::OpenApi;

pub(crate) fn api() -> Routes {
    api::router()
}

/// The practice's part of the OpenAPI document.
pub(crate) fn openapi() -> utoipa::openapi::OpenApi {
    api::ApiDoc::openapi()
}

pub(crate) fn ui() -> Routes {
    Routes::new()
        .route("/knowledge", get(pages::index).post(editor::create))
        .route("/knowledge/new", get(editor::new_form))
        .route("/knowledge/suggest", get(pages::suggest))
        .route("/knowledge/{number}", get(pages::show))
        .route("/knowledge/{number}/edit", get(editor::edit_form).post(editor::update))
        .route("/knowledge/{number}/state", post(pages::set_state))
        .route("/knowledge/{number}/restore", post(pages::restore))
        .route("/knowledge/{number}/feedback", post(pages::feedback))
}
