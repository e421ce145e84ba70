//! Automation: routing rules and each group's automatic assignment.

mod api;
pub(crate) mod history;
mod routing;

use axum::Router;
use axum::routing::{get, post};
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
    Router::new()
        .route("/admin/routing", get(routing::show))
        .route("/admin/routing/rules", post(routing::create))
        .route("/admin/routing/rules/{id}/delete", post(routing::delete))
        .route("/admin/routing/try", post(routing::try_rules))
        .route("/admin/groups/{name}", post(routing::update_group))
}
