//! Configuration management in the web layer: the CMDB API, and the CI list and
//! CI page with its relations, impact graph (SVG drawn here), open tickets and history.

pub(crate) mod affected_view;
mod api;
mod dto;
mod graph;
pub(crate) mod history;
mod pages;
pub(crate) mod ticket_cis;

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
        .route("/cis", get(pages::cis).post(pages::create))
        .route("/cis/{number}", get(pages::show).post(pages::update))
        .route("/cis/{number}/relations", post(pages::relate))
        .route("/cis/{number}/relations/{id}/remove", post(pages::unrelate))
        .route("/tickets/{number}/cis", post(ticket_cis::set))
        .route("/tickets/{number}/cis/impact", post(ticket_cis::apply_impact))
}
