//! Who watches a ticket: watchers hear of every change to it.

use crate::routes::{Routes, delete, get};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, TicketPath};
use crate::json::JsonBody;
use crate::platform::session::ApiActor;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/tickets/{number}/watchers", get(list_watchers).post(add_watcher))
        .route("/api/v1/tickets/{number}/watchers/{username}", delete(remove_watcher))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WatcherRequest {
    pub username: String,
}

/// Who watches the ticket
#[utoipa::path(get, path = "/api/v1/tickets/{number}/watchers", tag = "incidents", params(("number" = String, Path)),
    responses((status = 200, body = Vec<String>)), security(("bearer" = [])))]
pub(crate) async fn list_watchers(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(ctx.app.watchers(&actor, &number).await?))
}

/// Add a watcher (requesters: themselves only)
#[utoipa::path(post, path = "/api/v1/tickets/{number}/watchers", tag = "incidents", request_body = WatcherRequest, params(("number" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn add_watcher(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
    JsonBody(req): JsonBody<WatcherRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.watch(&actor, &number, &req.username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove a watcher
#[utoipa::path(delete, path = "/api/v1/tickets/{number}/watchers/{username}", tag = "incidents",
    params(("number" = String, Path), ("username" = String, Path)), responses((status = 204)), security(("bearer" = [])))]
pub(crate) async fn remove_watcher(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
    ApiPath((_, username)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    ctx.app.unwatch(&actor, &number, &username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_watchers, add_watcher, remove_watcher))]
pub(crate) struct ApiDoc;
