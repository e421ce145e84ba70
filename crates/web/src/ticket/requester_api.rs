//! What requesters do to their own tickets besides replying: confirm a resolution
//! (the ticket closes) or withdraw a request they no longer need (it is cancelled).

use crate::routes::{Routes, post};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::TicketPath;
use crate::json::JsonBody;
use crate::platform::session::ApiActor;

pub(crate) fn router() -> Routes {
    Routes::new().route("/api/v1/tickets/{number}/confirm", post(confirm)).route("/api/v1/tickets/{number}/withdraw", post(withdraw))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WithdrawRequest {
    /// Why the requester no longer needs it (1 to 500 characters).
    pub reason: String,
}

/// The requester confirms the resolution: the ticket closes
#[utoipa::path(post, path = "/api/v1/tickets/{number}/confirm", tag = "tickets", params(("number" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody, description = "Not the requester"),
        (status = 409, body = ErrorBody, description = "Not resolved")),
    security(("bearer" = [])))]
pub(crate) async fn confirm(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
) -> Result<StatusCode, ApiError> {
    ctx.app.confirm_resolution(&actor, &number).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The requester withdraws an open request: it is cancelled with the reason
#[utoipa::path(post, path = "/api/v1/tickets/{number}/withdraw", tag = "tickets", request_body = WithdrawRequest,
    params(("number" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody, description = "Not the requester"),
        (status = 409, body = ErrorBody, description = "No longer open"), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn withdraw(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
    JsonBody(req): JsonBody<WithdrawRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.withdraw(&actor, &number, &req.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(confirm, withdraw))]
pub(crate) struct ApiDoc;
