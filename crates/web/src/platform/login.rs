//! Signing in and out of the pages. The session cookie is HttpOnly and SameSite=Lax,
//! and `Secure` when Cairn is served over HTTPS.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use serde::Deserialize;

use super::csrf::{Button, CsrfForm};
use super::page::{Me, error_page, render};
use super::session::{COOKIE, ClientAddr, Session};
use crate::ctx::Ctx;

#[derive(Template)]
#[template(path = "platform/login.html")]
pub(crate) struct LoginPage {
    pub me: Option<Me>,
    pub error: Option<String>,
    pub has_users: bool,
    pub username: String,
    pub tenant: String,
}

fn session_cookie(ctx: &Ctx, value: &str, max_age: i64) -> HeaderValue {
    let secure = if ctx.config.secure_cookies { "; Secure" } else { "" };
    let v = format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static("cairn_session=; Max-Age=0"))
}

#[derive(Deserialize, Default)]
pub(crate) struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    tenant: String,
}

pub(crate) async fn login_form(State(ctx): State<Ctx>) -> Response {
    let has_users = ctx.app.has_users().await.unwrap_or(true);
    render(LoginPage { me: None, error: None, has_users, username: String::new(), tenant: cairn_app::DEFAULT_TENANT.into() })
}

pub(crate) async fn login(State(ctx): State<Ctx>, ClientAddr(addr): ClientAddr, Form(f): Form<LoginForm>) -> Response {
    let tenant = if f.tenant.trim().is_empty() { cairn_app::DEFAULT_TENANT.to_string() } else { f.tenant.trim().to_string() };
    match ctx.app.login(&tenant, f.username.trim(), &f.password, &addr).await {
        Ok(s) => {
            let mut res = Redirect::to("/").into_response();
            res.headers_mut().insert(header::SET_COOKIE, session_cookie(&ctx, &s.token, 12 * 3600));
            res
        }
        Err(e) => {
            let (status, msg) = match e {
                AppError::Throttled { .. } => (StatusCode::TOO_MANY_REQUESTS, e.to_string()),
                AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "Wrong username or password.".to_string()),
                other => return error_page(None, other),
            };
            let page = LoginPage { me: None, error: Some(msg), has_users: true, username: f.username, tenant };
            (status, render(page)).into_response()
        }
    }
}

pub(crate) async fn logout(State(ctx): State<Ctx>, s: Session, _: CsrfForm<Button>) -> Response {
    if let Err(e) = ctx.app.logout(&s.token).await {
        return error_page(Some(&s), e);
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(&ctx, "", 0));
    res
}

/// Agents start at the queue, requesters at the portal.
pub(crate) async fn root(s: Session) -> Response {
    Redirect::to(if s.actor.role.is_staff() { "/tickets" } else { "/portal" }).into_response()
}
