//! Automation: routing rules and each group's automatic assignment.

mod api;
pub(crate) mod history;
mod routing;

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
        .route("/admin/routing", get(routing::show))
        .route("/admin/routing/rules", post(routing::create))
        .route("/admin/routing/rules/{id}/delete", post(routing::delete))
        .route("/admin/routing/try", post(routing::try_rules))
        .route("/admin/groups/{name}", post(routing::update_group))
}
