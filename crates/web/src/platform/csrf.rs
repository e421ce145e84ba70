//! Every form a signed-in page posts carries the session's CSRF token in its `csrf`
//! field. [`CsrfForm`] reads such a form and refuses it, with the "form expired"
//! page, when the token is not the session's; handlers never compare tokens
//! themselves. The comparison takes the same time wherever the tokens differ.

use axum::Form;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use cairn_app::AppError;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::page::error_page;
use super::session::Session;
use crate::ctx::Ctx;

/// A posted form of a signed-in page whose CSRF token matched its session's.
pub(crate) struct CsrfForm<T>(pub T);

/// A form that carries nothing but its token: a button.
#[derive(Deserialize)]
pub(crate) struct Button {}

impl<T: DeserializeOwned + Send> FromRequest<Ctx> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, ctx: &Ctx) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let session = match parts.extensions.get::<Session>() {
            Some(s) => s.clone(),
            None => Session::from_request_parts(&mut parts, ctx).await?,
        };
        // The body is read once and parsed twice: as the handler's form, and for the
        // token, so that the handler's form need not carry it.
        let (method, uri, headers) = (parts.method.clone(), parts.uri.clone(), parts.headers.clone());
        let bytes = Bytes::from_request(Request::from_parts(parts, body), ctx).await.map_err(IntoResponse::into_response)?;
        let again = || {
            let mut r = Request::new(Body::from(bytes.clone()));
            *r.method_mut() = method.clone();
            *r.uri_mut() = uri.clone();
            *r.headers_mut() = headers.clone();
            r
        };
        let Form(form) = Form::<T>::from_request(again(), ctx).await.map_err(IntoResponse::into_response)?;
        let Form(fields) = Form::<Vec<(String, String)>>::from_request(again(), ctx).await.map_err(IntoResponse::into_response)?;
        let posted = fields.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or_default();
        if !same(&session.csrf, posted) {
            return Err(csrf_rejected(&session));
        }
        Ok(CsrfForm(form))
    }
}

/// The same page and status as any refusal to act: the form is as good as expired.
fn csrf_rejected(s: &Session) -> Response {
    error_page(Some(s), AppError::Forbidden("The form expired. Go back, reload the page and try again.".into()))
}

/// Constant-time comparison (beyond the length, which is not secret).
pub(crate) fn same(expected: &str, posted: &str) -> bool {
    let (a, b) = (expected.as_bytes(), posted.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::same;

    #[test]
    fn only_the_same_token_passes() {
        assert!(same("abc123", "abc123"));
        assert!(!same("abc123", "abc124"));
        assert!(!same("abc123", "abc12"));
        assert!(!same("abc123", ""));
    }
}
