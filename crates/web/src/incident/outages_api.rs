//! Outage windows on incidents: when a service was down, for its availability.

use crate::routes::{Routes, get, patch};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cairn_app::incident::outages::OutageInput;
use cairn_store::incident::outages::Outage;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, TicketPath};
use crate::json::JsonBody;
use crate::platform::session::ApiActor;
use crate::time::{instant, rfc3339};

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/tickets/{number}/outages", get(list_outages).post(record_outage))
        .route("/api/v1/tickets/{number}/outages/{id}", patch(end_outage).delete(remove_outage))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OutageBody {
    pub id: i64,
    pub service: String,
    pub started_at: String,
    /// None while the service is still down.
    pub ended_at: Option<String>,
}

fn body(o: Outage) -> OutageBody {
    OutageBody { id: o.id.0, service: o.service, started_at: rfc3339(o.started_at), ended_at: o.ended_at.map(rfc3339) }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewOutage {
    /// The service that was down (default: the incident's service).
    pub service: Option<String>,
    /// RFC 3339.
    pub started_at: String,
    /// RFC 3339; leave out while it lasts.
    pub ended_at: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutageEnd {
    /// RFC 3339; null reopens the outage.
    pub ended_at: Option<String>,
}

fn required(field: &'static str, raw: &str) -> Result<i64, ApiError> {
    if raw.trim().is_empty() {
        return Err(cairn_app::AppError::invalid(field, "is required (RFC 3339)").into());
    }
    Ok(instant(field, Some(raw), 0)?)
}

/// An incident's outage windows
#[utoipa::path(get, path = "/api/v1/tickets/{number}/outages", tag = "service levels", params(("number" = String, Path)),
    responses((status = 200, body = Vec<OutageBody>)), security(("bearer" = [])))]
pub(crate) async fn list_outages(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
) -> Result<Json<Vec<OutageBody>>, ApiError> {
    Ok(Json(ctx.app.outages(&actor, &number).await?.into_iter().map(body).collect()))
}

/// Record when the incident's service was down
#[utoipa::path(post, path = "/api/v1/tickets/{number}/outages", tag = "service levels", params(("number" = String, Path)), request_body = NewOutage,
    responses((status = 201, body = OutageBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn record_outage(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
    JsonBody(b): JsonBody<NewOutage>,
) -> Result<(StatusCode, Json<OutageBody>), ApiError> {
    let input = OutageInput {
        service: b.service,
        started_at: required("started_at", &b.started_at)?,
        ended_at: b.ended_at.as_deref().map(|e| required("ended_at", e)).transpose()?,
    };
    Ok((StatusCode::CREATED, Json(body(ctx.app.record_outage(&actor, &number, input).await?))))
}

/// End an outage (or reopen it with null)
#[utoipa::path(patch, path = "/api/v1/tickets/{number}/outages/{id}", tag = "service levels", params(("number" = String, Path), ("id" = i64, Path)),
    request_body = OutageEnd, responses((status = 200, body = OutageBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn end_outage(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
    ApiPath((_, id)): ApiPath<(String, cairn_domain::ids::OutageId)>,
    JsonBody(b): JsonBody<OutageEnd>,
) -> Result<Json<OutageBody>, ApiError> {
    let ended_at = b.ended_at.as_deref().map(|e| required("ended_at", e)).transpose()?;
    Ok(Json(body(ctx.app.end_outage(&actor, &number, id, ended_at).await?)))
}

/// Remove an outage recorded in error
#[utoipa::path(delete, path = "/api/v1/tickets/{number}/outages/{id}", tag = "service levels", params(("number" = String, Path), ("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn remove_outage(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
    ApiPath((_, id)): ApiPath<(String, cairn_domain::ids::OutageId)>,
) -> Result<StatusCode, ApiError> {
    ctx.app.remove_outage(&actor, &number, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_outages, record_outage, end_outage, remove_outage))]
pub(crate) struct ApiDoc;
