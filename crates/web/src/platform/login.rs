//! Signing in and out of the pages.
//!
//! The sign-in form has a CSRF token of its own, before any session exists: `GET
//! /login` puts a random token in a short-lived cookie and in the form's hidden `csrf`
//! field, and `POST /login` goes on only when the two are equal (double submit, compared
//! in constant time). Another site can make a browser post the form but can neither
//! read nor set our cookie, so a forged sign-in (which would sign the victim in to the
//! attacker's account) is refused with 403 before any password is looked at. The
//! session cookie is set only after that, and the form's cookie is removed.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use serde::Deserialize;

use super::cookie;
use super::csrf::{Button, CsrfForm, same};
use super::page::{Me, error_page, render};
use super::session::{ClientAddr, Session, same_site_path};
use crate::ctx::Ctx;
use crate::error::{set_retry_after, status_of};

/// How long a sign-in form stays good, in seconds.
const FORM_MAX_AGE: i64 = 3600;

#[derive(Template)]
#[template(path = "platform/login.html")]
pub(crate) struct LoginPage {
    pub me: Option<Me>,
    pub error: Option<String>,
    pub has_users: bool,
    pub username: String,
    pub tenant: String,
    pub csrf: String,
    /// The page to return to once signed in (a path on this site), or empty.
    pub next: String,
}

/// `GET /login?next=/tickets/INC0000001`.
#[derive(Deserialize, Default)]
pub(crate) struct Next {
    #[serde(default)]
    next: String,
}

#[derive(Deserialize, Default)]
pub(crate) struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    tenant: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// The form's token: the one the browser already holds (another open tab keeps
/// working), or a new one.
fn form_token(ctx: &Ctx, headers: &HeaderMap) -> Result<String, AppError> {
    match cookie::read(headers, &ctx.config, cookie::LOGIN) {
        Some(t) if t.len() == 43 && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') => Ok(t.to_string()),
        _ => cairn_app::platform::auth::random_secret(),
    }
}

/// The sign-in page with `status`, carrying (and setting) the form's token.
fn login_page(ctx: &Ctx, status: StatusCode, csrf: String, page: LoginPage) -> Response {
    let set = cookie::set(&ctx.config, cookie::LOGIN, &csrf, FORM_MAX_AGE);
    let mut res = (status, render(LoginPage { csrf, ..page })).into_response();
    res.headers_mut().append(header::SET_COOKIE, set);
    res
}

pub(crate) async fn login_form(State(ctx): State<Ctx>, headers: HeaderMap, Query(q): Query<Next>) -> Response {
    let csrf = match form_token(&ctx, &headers) {
        Ok(t) => t,
        Err(e) => return error_page(None, e),
    };
    let has_users = ctx.app.has_users().await.unwrap_or(true);
    let page = LoginPage {
        me: None,
        error: None,
        has_users,
        username: String::new(),
        tenant: cairn_app::DEFAULT_TENANT.into(),
        csrf: String::new(),
        next: same_site_path(&q.next).unwrap_or_default().to_string(),
    };
    login_page(&ctx, StatusCode::OK, csrf, page)
}

pub(crate) async fn login(State(ctx): State<Ctx>, ClientAddr(addr): ClientAddr, headers: HeaderMap, Form(f): Form<LoginForm>) -> Response {
    let tenant = if f.tenant.trim().is_empty() { cairn_app::DEFAULT_TENANT.to_string() } else { f.tenant.trim().to_string() };
    let page = |error: String| LoginPage {
        me: None,
        error: Some(error),
        has_users: true,
        username: f.username.clone(),
        tenant: tenant.clone(),
        csrf: String::new(),
        next: same_site_path(&f.next).unwrap_or_default().to_string(),
    };
    let held = cookie::read(&headers, &ctx.config, cookie::LOGIN).unwrap_or_default();
    if held.is_empty() || !same(held, &f.csrf) {
        let fresh = match cairn_app::platform::auth::random_secret() {
            Ok(t) => t,
            Err(e) => return error_page(None, e),
        };
        let msg = "The sign-in form expired or did not come from this site. Please sign in again.".to_string();
        return login_page(&ctx, StatusCode::FORBIDDEN, fresh, page(msg));
    }
    match ctx.app.login(&tenant, f.username.trim(), &f.password, &addr).await {
        Ok(s) => {
            let mut res = Redirect::to(same_site_path(&f.next).unwrap_or("/")).into_response();
            let h = res.headers_mut();
            h.append(header::SET_COOKIE, cookie::set(&ctx.config, cookie::SESSION, &s.token, ctx.app.session_max_age_secs()));
            h.append(header::SET_COOKIE, cookie::set(&ctx.config, cookie::LOGIN, "", 0));
            res
        }
        Err(e @ (AppError::Throttled { .. } | AppError::Busy { .. })) => {
            let mut res = login_page(&ctx, status_of(&e), f.csrf.clone(), page(e.to_string()));
            set_retry_after(&mut res, &e);
            res
        }
        Err(AppError::Unauthenticated) => {
            login_page(&ctx, StatusCode::UNAUTHORIZED, f.csrf.clone(), page("Wrong username or password.".into()))
        }
        Err(other) => error_page(None, other),
    }
}

pub(crate) async fn logout(State(ctx): State<Ctx>, s: Session, _: CsrfForm<Button>) -> Response {
    if let Err(e) = ctx.app.logout(&s.token).await {
        return error_page(Some(&s), e);
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie::set(&ctx.config, cookie::SESSION, "", 0));
    res
}

/// Agents start at the queue, requesters at the portal.
pub(crate) async fn root(s: Session) -> Response {
    Redirect::to(if s.actor.role.is_staff() { "/tickets" } else { "/portal" }).into_response()
}
