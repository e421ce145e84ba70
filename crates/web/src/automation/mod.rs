//! Automation: routing rules and each group's automatic assignment.

pub(crate) mod api;
mod routing;

use axum::Router;
use axum::routing::{get, post};

use crate::ctx::Ctx;

pub(crate) fn api() -> Router<Ctx> {
    api::router()
}

pub(crate) fn ui() -> Router<Ctx> {
    Router::new()
        .route("/admin/routing", get(routing::show))
        .route("/admin/routing/rules", post(routing::create))
        .route("/admin/routing/rules/{id}/delete", post(routing::delete))
        .route("/admin/routing/try", post(routing::try_rules))
        .route("/admin/groups/{name}", post(routing::update_group))
}
