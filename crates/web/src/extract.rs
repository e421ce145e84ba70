//! Path and query extractors for the API whose refusals come in the API's JSON error
//! format, naming the parameter at fault; and the one extractor of a ticket number
//! from a path (`{number}`), used by every ticket route of the API and the UI.
//!
//! A ticket number is parsed before the handler runs, so a path such as
//! `/tickets/INC0000003%0D%0A/comments` is refused (404) before anything is written,
//! and whatever is built from the number (a redirect, a link) is built from its
//! canonical form only.

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path, RawPathParams};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use cairn_app::AppError;
use cairn_domain::ticket::TicketNumber;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::json::field_at_fault;
use crate::platform::page::error_page;

/// `Path<T>` with JSON refusals (400, naming the parameter).
pub(crate) struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            Err(e) => {
                // A lone parameter's error does not name it: the route does.
                let params = RawPathParams::from_request_parts(parts, state).await.ok();
                let lone = params.and_then(|p| {
                    let keys: Vec<&str> = p.iter().map(|(k, _)| k).collect();
                    (keys.len() == 1).then(|| keys[0].to_string())
                });
                Err(path_refusal(e, lone))
            }
        }
    }
}

fn path_refusal(e: PathRejection, lone: Option<String>) -> ApiError {
    use axum::extract::path::ErrorKind;
    match e {
        PathRejection::FailedToDeserializePathParams(d) => {
            let field = match d.kind() {
                ErrorKind::ParseErrorAtKey { key, .. }
                | ErrorKind::InvalidUtf8InPathParam { key }
                | ErrorKind::DeserializeError { key, .. } => Some(key.clone()),
                _ => lone,
            };
            ApiError::BadRequest { field, message: d.body_text() }
        }
        // The route and the handler disagree: ours to fix, not the caller's.
        other => ApiError::App(AppError::Internal(other.body_text())),
    }
}

/// `Query<T>` with JSON refusals (400, naming the parameter).
pub(crate) struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map(ApiQuery).map_err(|e| {
            let path = e.path().to_string();
            let message = e.into_inner().to_string();
            ApiError::BadRequest { field: field_at_fault(&path, &message), message: format!("query: {message}") }
        })
    }
}

/// The `{number}` of a ticket route, in its canonical form. A path whose number is
/// not one names no ticket: 404, as JSON under `/api/`, as a page elsewhere.
pub(crate) struct TicketPath(pub TicketNumber);

impl<S: Send + Sync> FromRequestParts<S> for TicketPath {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let api = parts.uri.path().starts_with("/api/");
        let refuse = |e: AppError| if api { ApiError::App(e).into_response() } else { error_page(None, e) };
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| refuse(AppError::NotFound(format!("ticket: {}", e.body_text()))))?;
        let raw = params.iter().find(|(k, _)| *k == "number").map(|(_, v)| v);
        match raw.and_then(TicketNumber::parse) {
            Some(n) => Ok(TicketPath(n)),
            None => Err(refuse(AppError::NotFound(format!("ticket '{}'", raw.unwrap_or_default().escape_debug())))),
        }
    }
}
