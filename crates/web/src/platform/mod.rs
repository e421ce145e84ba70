//! The platform under every practice: who is calling (sessions, bearer tokens, CSRF),
//! signing in and out, people and tenant settings, live updates, the frame and error
//! page every page shares, static assets and the OpenAPI document.

mod account;
mod account_api;
mod api;
mod assets;
pub(crate) mod cookie;
pub(crate) mod csrf;
mod dto;
pub(crate) mod form;
pub(crate) mod history;
mod inbox;
pub(crate) mod journal;
mod live;
mod login;
mod not_found;
pub(crate) mod openapi;
mod openapi_contract;
pub(crate) mod page;
mod people;
pub(crate) mod session;
mod settings;
mod users;

use crate::routes::{Routes, get, post};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa::OpenApi;

use crate::ctx::Ctx;

pub(crate) fn api() -> Routes {
    Routes::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/openapi.json", get(|| async { Json(openapi::document()) }))
        .merge(api::router())
        .merge(account_api::router())
        .merge(inbox::api())
}

/// The practice's part of the OpenAPI document.
pub(crate) fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api::ApiDoc::openapi();
    doc.merge(account_api::ApiDoc::openapi());
    doc.merge(inbox::ApiDoc::openapi());
    doc
}

pub(crate) use not_found::not_found;

pub(crate) fn ui() -> Routes {
    Routes::new()
        .merge(assets::router())
        .merge(inbox::ui())
        .route("/", get(login::root))
        .route("/login", get(login::login_form).post(login::login))
        .route("/logout", post(login::logout))
        .route("/account", get(account::show))
        .route("/account/password", post(account::change_password))
        .route("/account/time-zone", post(account::set_time_zone))
        .route("/account/notification-mail", post(account::set_notification_mail))
        .route("/account/password-check", post(account::check_strength))
        .route("/account/sessions/{id}/end", post(account::end_session))
        .route("/account/sessions/end-all", post(account::end_sessions))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/admin/users", get(users::show).post(people::create_person))
        .route("/admin/users/manager", post(users::set_manager))
        .route("/admin/users/{username}", get(people::person).post(people::save_person))
        .route("/admin/users/{username}/groups", post(people::save_groups))
        .route("/admin/users/{username}/password", post(people::reset_password))
        .route("/admin/users/{username}/disable", post(people::disable))
        .route("/admin/users/{username}/enable", post(people::enable))
        .route("/admin/groups", get(people::groups).post(people::create_group))
        .route("/admin/groups/{name}", get(people::group))
        .route("/admin/groups/{name}/members", post(people::add_member))
        .route("/admin/groups/{name}/members/{username}/remove", post(people::remove_member))
        .route("/admin/settings", get(settings::show).post(settings::save))
        .route("/admin/settings/notification-mail", post(settings::save_mail_defaults))
        .route("/queue/events", get(live::queue))
        .route("/tickets/{number}/events", get(live::ticket))
}

async fn healthz(State(ctx): State<Ctx>) -> (StatusCode, &'static str) {
    match ctx.app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
