//! The one place where errors become HTTP responses. The JSON shape is stable:
//! `{"error": "<code>", "message": "…", "field": "…"|null}`. Internal errors are
//! logged with their detail and returned opaque.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cairn_app::AppError;
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody {
    /// Stable machine-readable code, e.g. `validation_failed`.
    pub error: &'static str,
    pub message: String,
    /// The request field at fault, when there is one.
    pub field: Option<String>,
}

#[derive(Debug)]
pub(crate) enum ApiError {
    App(AppError),
    BadRequest {
        field: Option<String>,
        message: String,
    },
    PreconditionRequired,
    /// The request's body is larger than the operation takes.
    TooLarge(String),
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError::App(e)
    }
}

impl ApiError {
    pub(crate) fn parts(&self) -> (StatusCode, ErrorBody) {
        let body = |error, message: String, field: Option<String>| ErrorBody { error, message, field };
        match self {
            ApiError::BadRequest { field, message } => (StatusCode::BAD_REQUEST, body("bad_request", message.clone(), field.clone())),
            ApiError::PreconditionRequired => (
                StatusCode::PRECONDITION_REQUIRED,
                body("precondition_required", "send If-Match with the ETag you last read".into(), Some("If-Match".into())),
            ),
            ApiError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, body("too_large", m.clone(), None)),
            ApiError::App(e) => {
                let msg = e.to_string();
                let (code, message, field) = match e {
                    AppError::Unauthenticated => ("unauthenticated", msg, None),
                    AppError::Forbidden(_) => ("forbidden", msg, None),
                    AppError::NotFound(_) => ("not_found", msg, None),
                    AppError::Invalid { field, message } => ("validation_failed", message.clone(), Some(field.clone())),
                    AppError::InvalidTransition(_) => {
                        // Tickets move by status, assets by state.
                        let field = if msg.starts_with("an asset") { "state" } else { "status" };
                        ("invalid_transition", msg, Some(field.into()))
                    }
                    AppError::Conflict(_) => ("conflict", msg, None),
                    AppError::Gone(_) => ("gone", msg, None),
                    AppError::Stale => ("precondition_failed", msg, Some("If-Match".into())),
                    AppError::Throttled { .. } => ("too_many_requests", msg, None),
                    AppError::Busy { .. } => ("busy", msg, None),
                    AppError::Internal(detail) => {
                        tracing::error!(%detail, "internal error");
                        ("internal", "internal error".into(), None)
                    }
                };
                (status_of(e), body(code, message, field))
            }
        }
    }
}

/// The status a use case's refusal answers with, in the API and on pages that say why.
pub(crate) fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Invalid { .. } | AppError::InvalidTransition(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Gone(_) => StatusCode::GONE,
        AppError::Stale => StatusCode::PRECONDITION_FAILED,
        AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.parts();
        let mut res = (status, Json(body)).into_response();
        if let ApiError::App(e) = &self {
            set_retry_after(&mut res, e);
        }
        res
    }
}

/// `Retry-After` on a refusal that asks the client to come back later (429, 503).
pub(crate) fn set_retry_after(res: &mut Response, e: &AppError) {
    if let AppError::Throttled { retry_after_secs } | AppError::Busy { retry_after_secs } = e
        && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
}
