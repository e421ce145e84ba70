//! Problem management: known errors, the problem candidates that recurring-incident
//! detection proposes, and a problem's workaround posted to its incidents.

mod actions;
mod api;
pub(crate) mod history;
mod pages;
pub(crate) mod suggestions;

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
        .route("/tickets/{number}/apply-workaround", post(actions::workaround))
        .route("/known-errors", get(pages::known_errors).post(pages::create_known_error))
        .route("/known-errors/{number}/retire", post(pages::retire_known_error))
        .route("/problem-candidates", get(pages::candidates))
        .route("/problem-candidates/detect", post(pages::detect))
        .route("/problem-candidates/{id}/accept", post(pages::accept))
        .route("/problem-candidates/{id}/dismiss", post(pages::dismiss))
}
