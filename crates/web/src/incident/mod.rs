//! Incident work beyond the ticket core: escalation, major incidents with their
//! communication updates and post-incident review, and outage windows.

mod actions;
mod api;
pub(crate) mod history;
mod outages_api;
pub(crate) mod review;

use crate::routes::{Routes, post};
use utoipa::OpenApi;

pub(crate) fn api() -> Routes {
    Routes::new().merge(api::router()).merge(outages_api::router())
}

/// The practice's part of the OpenAPI document.
pub(crate) fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api::ApiDoc::openapi();
    doc.merge(outages_api::ApiDoc::openapi());
    doc
}

pub(crate) fn ui() -> Routes {
    Routes::new()
        .route("/tickets/{number}/escalate", post(actions::escalate))
        .route("/tickets/{number}/major", post(actions::major))
        .route("/tickets/{number}/updates", post(actions::update))
        .route("/tickets/{number}/review", post(actions::review))
        .route("/tickets/{number}/outages", post(actions::record_outage))
        .route("/tickets/{number}/outages/{id}/end", post(actions::end_outage))
        .route("/tickets/{number}/outages/{id}/remove", post(actions::remove_outage))
}
