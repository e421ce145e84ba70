//! Configuration management in the web layer: the CMDB API, and the CI list and
//! CI page with its relations, impact graph (SVG drawn here), open tickets and history.

pub(crate) mod affected_view;
mod api;
mod dto;
mod graph;
pub(crate) mod history;
mod imports;
mod pages;
mod quality;
pub(crate) mod ticket_cis;

use crate::routes::{Routes, get, post};
use utoipa::OpenApi;

pub(crate) fn api() -> Routes {
    api::router().merge(imports::api()).merge(quality::api())
}

/// The practice's part of the OpenAPI document.
pub(crate) fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api::ApiDoc::openapi();
    doc.merge(imports::ApiDoc::openapi());
    doc.merge(quality::ApiDoc::openapi());
    doc
}

pub(crate) fn ui() -> Routes {
    imports::ui()
        .merge(quality::ui())
        .route("/cis", get(pages::cis).post(pages::create))
        .route("/cis/{number}", get(pages::show).post(pages::update))
        .route("/cis/{number}/relations", post(pages::relate))
        .route("/cis/{number}/relations/{id}/remove", post(pages::unrelate))
        .route("/tickets/{number}/cis", post(ticket_cis::set))
        .route("/tickets/{number}/cis/impact", post(ticket_cis::apply_impact))
}
