//! The ticket core: the queue and its saved views, raising a ticket, the ticket page
//! with its fields, conversation, links, watchers and merging, and the requester's
//! portal. The ticket page also shows what the other practices add to a ticket.

mod actions;
pub(crate) mod api;
mod bulk;
mod bulk_api;
mod canned_api;
mod canned_pages;
pub(crate) mod dto;
mod edit;
mod fields;
pub(crate) mod history;
mod pages;
mod portal;
pub(crate) mod queue;
mod requester_api;
pub(crate) mod show;
mod view;
mod watchers_api;

use crate::routes::{Routes, get, post};
use utoipa::OpenApi;

pub(crate) fn api() -> Routes {
    Routes::new()
        .merge(api::router())
        .merge(bulk_api::router())
        .merge(canned_api::router())
        .merge(watchers_api::router())
        .merge(requester_api::router())
}

/// The practice's part of the OpenAPI document.
pub(crate) fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api::ApiDoc::openapi();
    doc.merge(bulk_api::ApiDoc::openapi());
    doc.merge(canned_api::ApiDoc::openapi());
    doc.merge(watchers_api::ApiDoc::openapi());
    doc.merge(requester_api::ApiDoc::openapi());
    doc
}

pub(crate) fn ui() -> Routes {
    Routes::new()
        .route("/portal", get(portal::home))
        .route("/tickets", get(pages::queue).post(pages::create))
        .route("/tickets/new", get(pages::new_form))
        .route("/tickets/bulk", post(bulk::bulk))
        .route("/tickets/{number}", get(show::show).post(fields::update))
        .route("/tickets/{number}/comments", post(pages::comment))
        .route("/tickets/{number}/merge", post(actions::merge))
        .route("/tickets/{number}/links", post(actions::link))
        .route("/tickets/{number}/watchers", post(actions::watch))
        .route("/tickets/{number}/watchers/{username}/remove", post(actions::unwatch))
        .route("/tickets/{number}/confirm", post(actions::confirm))
        .route("/tickets/{number}/withdraw", post(actions::withdraw))
        .route("/canned-responses", get(canned_pages::show).post(canned_pages::create))
        .route("/canned-responses/{id}", post(canned_pages::update))
        .route("/canned-responses/{id}/delete", post(canned_pages::delete))
        .route("/views", post(actions::save_view))
        .route("/views/{id}/delete", post(actions::delete_view))
}
