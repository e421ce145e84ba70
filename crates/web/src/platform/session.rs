//! Who is calling. The API takes `Authorization: Bearer <token>`; the pages take a
//! session in an HttpOnly, SameSite=Lax cookie (`cookie`), and every form post carries
//! the session's CSRF token, checked before anything happens (see `csrf`). A session
//! past its lifetime or idle too long sends the browser to sign in again.

use std::net::SocketAddr;

use axum::extract::FromRequestParts;
use axum::extract::connect_info::ConnectInfo;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_domain::platform::access::Actor;

use super::cookie;
use crate::ctx::Ctx;
use crate::error::ApiError;

/// The actor behind the request's bearer token.
pub(crate) struct ApiActor(pub Actor);

impl FromRequestParts<Ctx> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::App(cairn_app::AppError::Unauthenticated))?;
        Ok(ApiActor(ctx.app.authenticate_token(token.trim()).await?))
    }
}

/// A signed-in browser session; pages that need one redirect to sign-in without it.
#[derive(Clone)]
pub(crate) struct Session {
    pub actor: Actor,
    pub csrf: String,
    pub token: String,
}

impl FromRequestParts<Ctx> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, Response> {
        let to_login = || Redirect::to("/login").into_response();
        let token = cookie::read(&parts.headers, &ctx.config, cookie::SESSION).ok_or_else(to_login)?.to_string();
        let (actor, csrf) = ctx.app.session(&token).await.map_err(|_| to_login())?;
        let s = Session { actor, csrf, token };
        // Kept for the CSRF check of the form that follows, so the session is read once.
        parts.extensions.insert(s.clone());
        Ok(s)
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
