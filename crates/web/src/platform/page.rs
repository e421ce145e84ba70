//! What every page shares: the signed-in user in the layout, rendering, the error page
//! and the pickers' lists. Pages of every practice use it; it uses none of them.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use cairn_app::AppError;
use cairn_domain::platform::access::Actor;

use super::session::Session;
use crate::ctx::Ctx;
use crate::error::status_of;

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

/// The page for a refusal that has no page of its own to show it on, with the status
/// the API answers the same refusal with.
pub(crate) fn error_page(s: Option<&Session>, e: AppError) -> Response {
    let title = match &e {
        AppError::NotFound(_) => "Not found",
        AppError::Forbidden(_) => "Not allowed",
        AppError::Internal(d) => {
            tracing::error!(detail = %d, "internal error");
            "Something went wrong"
        }
        _ => "Cannot do that",
    };
    let message = if matches!(e, AppError::Internal(_)) { "Please try again.".into() } else { e.to_string() };
    let page = ErrorPage { me: s.map(|s| Me::new(&s.actor, &s.csrf)), title: title.into(), message };
    let mut res = (status_of(&e), render(page)).into_response();
    crate::error::set_retry_after(&mut res, &e);
    res
}

/// A refusal shown on the page that was refused (a form shown again as typed), with
/// the status the API answers the same refusal with.
pub(crate) struct Refusal {
    pub status: StatusCode,
    pub message: String,
}

impl Refusal {
    pub fn of(e: &AppError) -> Refusal {
        Refusal { status: status_of(e), message: e.to_string() }
    }

    /// The refusal in the page's own words.
    pub fn saying(e: &AppError, message: &str) -> Refusal {
        Refusal { status: status_of(e), message: message.into() }
    }

    /// The page's status and message: 200 and none without a refusal.
    pub fn split(r: Option<Refusal>) -> (StatusCode, Option<String>) {
        r.map_or((StatusCode::OK, None), |r| (r.status, Some(r.message)))
    }
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
