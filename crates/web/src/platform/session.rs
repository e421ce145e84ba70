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

/// The actor behind a read-only download (a report as CSV) that both the API and the
/// pages link to: the bearer token when one is sent, else the browser's session. Only
/// for GETs that change nothing, so the session cookie cannot be used to act.
pub(crate) struct ReaderActor(pub Actor);

impl FromRequestParts<Ctx> for ReaderActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, ApiError> {
        if parts.headers.contains_key(header::AUTHORIZATION) || parts.method != axum::http::Method::GET {
            return ApiActor::from_request_parts(parts, ctx).await.map(|a| ReaderActor(a.0));
        }
        let s = Session::find(&parts.headers, ctx).await.ok_or(ApiError::App(cairn_app::AppError::Unauthenticated))?;
        Ok(ReaderActor(s.actor))
    }
}

/// A signed-in browser session; pages that need one redirect to sign-in without it.
#[derive(Clone)]
pub(crate) struct Session {
    pub actor: Actor,
    pub csrf: String,
    pub token: String,
    /// The zone the person's pages show times in (see `crate::time`).
    pub zone: jiff::tz::TimeZone,
}

impl FromRequestParts<Ctx> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, Response> {
        if let Some(s) = parts.extensions.get::<Session>() {
            return Ok(s.clone());
        }
        let s = Session::find(&parts.headers, ctx).await.ok_or_else(|| Redirect::to(&login_path(parts)).into_response())?;
        // Kept for the CSRF check of the form that follows, so the session is read once.
        parts.extensions.insert(s.clone());
        Ok(s)
    }
}

impl Session {
    /// The live session the request's cookie names, if any.
    pub(crate) async fn find(headers: &axum::http::HeaderMap, ctx: &Ctx) -> Option<Session> {
        let token = cookie::read(headers, &ctx.config, cookie::SESSION)?;
        let live = ctx.app.session(token).await.ok()?;
        let zone = jiff::tz::TimeZone::get(&live.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        Some(Session { actor: live.actor, csrf: live.csrf, token: token.to_string(), zone })
    }
}

/// Reads the page's session once, before the handler (whose extractors take it from
/// here), and shows every time the page writes in the person's zone.
pub(crate) async fn in_their_zone(
    axum::extract::State(ctx): axum::extract::State<Ctx>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = req.uri().path();
    if path.starts_with("/api/") || path.starts_with("/static/") || path == "/healthz" {
        return next.run(req).await;
    }
    let zone = match Session::find(req.headers(), &ctx).await {
        Some(s) => {
            let zone = s.zone.clone();
            req.extensions_mut().insert(s);
            zone
        }
        None => jiff::tz::TimeZone::UTC,
    };
    crate::time::in_zone(zone, next.run(req)).await
}

/// Sign-in, coming back afterwards to the page a GET asked for.
fn login_path(parts: &Parts) -> String {
    let wanted = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    if parts.method != axum::http::Method::GET || wanted == "/" {
        return "/login".into();
    }
    format!("/login?{}", form_urlencoded::Serializer::new(String::new()).append_pair("next", wanted).finish())
}

/// Where to go after signing in: `next` when it is a path on this site, else `None`.
/// Nothing that a browser would take to another host (`//host`, `/\host`, a scheme) or
/// with control characters passes.
pub(crate) fn same_site_path(next: &str) -> Option<&str> {
    let b = next.as_bytes();
    let ok = b.first() == Some(&b'/')
        && !matches!(b.get(1), Some(b'/' | b'\\'))
        && next.chars().all(|c| !c.is_control() && c != '\\')
        && next.len() <= 2000;
    ok.then_some(next)
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

#[cfg(test)]
mod tests {
    use super::same_site_path;

    #[test]
    fn only_paths_on_this_site_are_returned_to() {
        for good in ["/tickets/INC0000001", "/known-errors?q=KE1", "/"] {
            assert_eq!(same_site_path(good), Some(good));
        }
        for bad in ["", "https://evil.example/", "//evil.example/", "/\\evil.example", "tickets", "/a\nb", "javascript:alert(1)"] {
            assert_eq!(same_site_path(bad), None, "{bad:?}");
        }
    }
}
