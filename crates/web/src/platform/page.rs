//! What every page shares: the signed-in user in the layout, rendering, the error page
//! and the pickers' lists. Pages of every practice use it; it uses none of them.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use cairn_app::AppError;
use cairn_domain::platform::access::Actor;

use super::session::Session;
use crate::ctx::Ctx;

pub(crate) struct Me {
    pub username: String,
    /// Requesters see the portal's look and menu.
    pub portal: bool,
    pub role: &'static str,
    pub staff: bool,
    pub csrf: String,
}

impl Me {
    pub fn new(a: &Actor, csrf: &str) -> Me {
        let staff = a.role.is_staff();
        Me { username: a.username.clone(), portal: !staff, role: a.role.as_str(), staff, csrf: csrf.to_string() }
    }
}

#[derive(Template)]
#[template(path = "platform/error.html")]
pub(crate) struct ErrorPage {
    pub me: Option<Me>,
    pub title: String,
    pub message: String,
}

pub(crate) fn render(t: impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "page could not be rendered").into_response()
        }
    }
}

pub(crate) fn error_page(s: Option<&Session>, e: AppError) -> Response {
    let (status, title) = match &e {
        AppError::NotFound(_) => (StatusCode::NOT_FOUND, "Not found"),
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "Not allowed"),
        AppError::Internal(d) => {
            tracing::error!(detail = %d, "internal error");
            (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong")
        }
        _ => (StatusCode::UNPROCESSABLE_ENTITY, "Cannot do that"),
    };
    let message = if matches!(e, AppError::Internal(_)) { "Please try again.".into() } else { e.to_string() };
    let page = ErrorPage { me: s.map(|s| Me::new(&s.actor, &s.csrf)), title: title.into(), message };
    (status, render(page)).into_response()
}

/// Group names and agent usernames for the pickers.
pub(crate) async fn lookups(ctx: &Ctx, s: &Session) -> (Vec<String>, Vec<String>) {
    let groups = ctx.app.groups(&s.actor).await.map(|g| g.into_iter().map(|g| g.name).collect()).unwrap_or_default();
    let agents = ctx
        .app
        .users(&s.actor)
        .await
        .map(|u| u.into_iter().filter(|u| u.role.is_staff() && !u.disabled).map(|u| u.username).collect())
        .unwrap_or_default();
    (groups, agents)
}
