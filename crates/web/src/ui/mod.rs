//! The server-rendered UI. Sessions live in an HttpOnly, SameSite=Lax cookie; every
//! form post carries the session's CSRF token, checked before anything happens.

mod actions;
mod approvals;
mod catalog;
mod catalog_admin;
mod charts;
mod dashboard;
mod fields;
mod knowledge;
mod levels;
mod live;
mod pages;
mod portal;
mod problems;
mod routing;
mod search;
mod settings;
mod sla_admin;
mod survey;
mod users;
mod views;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::extract::connect_info::ConnectInfo;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use cairn_domain::platform::access::Actor;

use crate::Ctx;

pub(crate) const COOKIE: &str = "cairn_session";

pub(crate) fn router() -> Router<Ctx> {
    Router::new()
        .route("/", get(portal::root))
        .route("/portal", get(portal::home))
        .route("/static/app.css", get(css))
        .route("/static/keys.js", get(|| script(include_str!("../../static/keys.js"))))
        .route("/static/live.js", get(|| script(include_str!("../../static/live.js"))))
        .route("/static/fields.js", get(|| script(include_str!("../../static/fields.js"))))
        .route("/static/suggest.js", get(|| script(include_str!("../../static/suggest.js"))))
        .route("/static/catalog.js", get(|| script(include_str!("../../static/catalog.js"))))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/tickets", get(pages::queue).post(pages::create))
        .route("/tickets/new", get(pages::new_form))
        .route("/tickets/{number}", get(pages::show).post(fields::update))
        .route("/tickets/{number}/comments", post(pages::comment))
        .route("/tickets/{number}/escalate", post(actions::escalate))
        .route("/tickets/{number}/merge", post(actions::merge))
        .route("/tickets/{number}/major", post(actions::major))
        .route("/tickets/{number}/updates", post(actions::update))
        .route("/tickets/{number}/apply-workaround", post(actions::workaround))
        .route("/known-errors", get(problems::known_errors).post(problems::create_known_error))
        .route("/known-errors/{number}/retire", post(problems::retire_known_error))
        .route("/problem-candidates", get(problems::candidates))
        .route("/problem-candidates/detect", post(problems::detect))
        .route("/problem-candidates/{id}/accept", post(problems::accept))
        .route("/problem-candidates/{id}/dismiss", post(problems::dismiss))
        .route("/admin/routing", get(routing::show))
        .route("/admin/routing/rules", post(routing::create))
        .route("/admin/routing/rules/{id}/delete", post(routing::delete))
        .route("/admin/routing/try", post(routing::try_rules))
        .route("/admin/groups/{name}", post(routing::update_group))
        .route("/admin/settings", get(settings::show).post(settings::save))
        .route("/survey/{token}", get(survey::show).post(survey::submit))
        .route("/service-levels", get(levels::show))
        .route("/dashboard", get(dashboard::show))
        .route("/dashboard.csv", get(dashboard::csv))
        .route("/admin/service-levels", get(sla_admin::show))
        .route("/admin/service-levels/calendars", post(sla_admin::save_calendar))
        .route("/admin/service-levels/definitions", post(sla_admin::save_definition))
        .route("/admin/service-levels/xlas", post(sla_admin::save_xla))
        .route("/admin/service-levels/survey", post(sla_admin::save_survey))
        .route("/admin/service-levels/replay", post(sla_admin::replay))
        .route("/tickets/{number}/links", post(actions::link))
        .route("/tickets/{number}/watchers", post(actions::watch))
        .route("/tickets/{number}/watchers/{username}/remove", post(actions::unwatch))
        .route("/tickets/{number}/review", post(actions::review))
        .route("/tickets/{number}/events", get(live::ticket))
        .route("/queue/events", get(live::queue))
        .route("/search", get(search::search))
        .route("/catalog", get(catalog::index))
        .route("/admin/users", get(users::show))
        .route("/admin/users/manager", post(users::set_manager))
        .route("/admin/catalog", get(catalog_admin::index).post(catalog_admin::create))
        .route("/admin/catalog/new", get(catalog_admin::new_form))
        .route("/admin/catalog/{id}", get(catalog_admin::edit_form).post(catalog_admin::update))
        .route("/approvals", get(approvals::inbox))
        .route("/approvals/{id}", get(approvals::show).post(approvals::decide))
        .route("/approve/{token}", get(approvals::link).post(approvals::decide_by_link))
        .route("/catalog/{id}", get(catalog::show).post(catalog::order))
        .route("/knowledge", get(knowledge::index).post(knowledge::create))
        .route("/knowledge/new", get(knowledge::new_form))
        .route("/knowledge/suggest", get(knowledge::suggest))
        .route("/knowledge/{number}", get(knowledge::show))
        .route("/knowledge/{number}/edit", get(knowledge::edit_form).post(knowledge::update))
        .route("/knowledge/{number}/state", post(knowledge::set_state))
        .route("/knowledge/{number}/restore", post(knowledge::restore))
        .route("/knowledge/{number}/feedback", post(knowledge::feedback))
        .route("/views", post(actions::save_view))
        .route("/views/{id}/delete", post(actions::delete_view))
        .route("/tickets/{number}/confirm", post(actions::confirm))
        .route("/tickets/{number}/withdraw", post(actions::withdraw))
        .route("/tickets/{number}/rate", post(actions::rate))
        .route("/tickets/{number}/outages", post(actions::record_outage))
        .route("/tickets/{number}/outages/{id}/end", post(actions::end_outage))
        .route("/tickets/{number}/outages/{id}/remove", post(actions::remove_outage))
}

/// A form field left blank is no value.
fn filled(v: String) -> Option<String> {
    Some(v.trim().to_string()).filter(|v| !v.is_empty())
}

/// A comma-separated form field as a list.
fn list(v: &str) -> Vec<String> {
    v.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect()
}

async fn css() -> Response {
    let mut res = include_str!("../../static/app.css").into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    res
}

async fn script(text: &'static str) -> Response {
    let mut res = text.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    res
}

fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A signed-in browser session; pages that need one redirect to sign-in without it.
pub(crate) struct Session {
    pub actor: Actor,
    pub csrf: String,
    pub token: String,
}

impl FromRequestParts<Ctx> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, Response> {
        let to_login = || Redirect::to("/login").into_response();
        let token = cookie_value(parts, COOKIE).ok_or_else(to_login)?.to_string();
        let (actor, csrf) = ctx.app.session(&token).await.map_err(|_| to_login())?;
        Ok(Session { actor, csrf, token })
    }
}

impl Session {
    /// Constant-time comparison of the posted token with the session's.
    pub fn csrf_ok(&self, posted: &str) -> bool {
        let (a, b) = (self.csrf.as_bytes(), posted.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// The client's address, for sign-in throttling.
pub(crate) struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_default();
        Ok(ClientAddr(addr))
    }
}
