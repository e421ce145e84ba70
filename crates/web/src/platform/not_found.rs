//! What an address the server does not know gets: the API's JSON error under `/api/`,
//! elsewhere the error page in the site's frame (with the menu of whoever is signed in).

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use cairn_app::AppError;

use super::page::error_page;
use super::session::Session;
use crate::ctx::Ctx;
use crate::error::ApiError;

pub(crate) async fn not_found(State(ctx): State<Ctx>, uri: Uri, headers: HeaderMap) -> Response {
    let missing = AppError::NotFound(format!("the page {}", uri.path()));
    if uri.path().starts_with("/api/") {
        return ApiError::App(AppError::NotFound(format!("API path {}", uri.path()))).into_response();
    }
    error_page(Session::find(&headers, &ctx).await.as_ref(), missing)
}
