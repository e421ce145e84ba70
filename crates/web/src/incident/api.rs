//! Incident work beyond fields and comments: escalation, major incidents with
//! communication updates, and their post-incident review.

use crate::routes::{Routes, get, post};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::TicketPath;
use crate::json::JsonBody;
use crate::platform::session::ApiActor;
use crate::ticket::dto::EventBody;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/tickets/{number}/escalate", post(escalate))
        .route("/api/v1/tickets/{number}/major", post(declare_major))
        .route("/api/v1/tickets/{number}/updates", post(communicate))
        .route("/api/v1/tickets/{number}/review", get(get_review).put(put_review))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MajorRequest {
    /// Username of the major-incident manager.
    pub manager: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateRequest {
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UpdateSent {
    /// How many people were told.
    pub notified: usize,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReviewRequest {
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub root_cause: String,
    /// Follow-up actions, one per line.
    #[serde(default)]
    pub actions: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReviewBody {
    pub summary: String,
    pub root_cause: String,
    pub actions: String,
    /// Everything that happened to the incident and its children, in order.
    pub timeline: Vec<EventBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EscalateRequest {
    /// `group` (functional: reassign to `group`) or `manager` (hierarchical: tell the
    /// manager of the ticket's group).
    pub to: String,
    /// The group to hand the ticket to (functional).
    pub group: Option<String>,
    /// Why; it goes into the history and the notification.
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Escalated {
    /// The new assignee (or group, when it assigns by hand), or the manager told.
    pub to: String,
}

/// Escalate a ticket to another group or to its group's manager
#[utoipa::path(post, path = "/api/v1/tickets/{number}/escalate", tag = "incidents", request_body = EscalateRequest, params(("number" = String, Path)),
    responses((status = 200, body = Escalated), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn escalate(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
    JsonBody(req): JsonBody<EscalateRequest>,
) -> Result<Json<Escalated>, ApiError> {
    use cairn_app::incident::escalation::Escalation;
    let to = match (req.to.as_str(), req.group) {
        ("group", Some(group)) => Escalation::Functional { group },
        ("group", None) => return Err(cairn_app::AppError::invalid("group", "name the group to escalate to").into()),
        ("manager", _) => Escalation::Hierarchical,
        (other, _) => return Err(cairn_app::AppError::invalid("to", format!("'{other}' is not group or manager")).into()),
    };
    Ok(Json(Escalated { to: ctx.app.escalate(&actor, &number, to, &req.reason).await? }))
}

/// Declare a major incident with its manager (priority becomes 1)
#[utoipa::path(post, path = "/api/v1/tickets/{number}/major", tag = "incidents", request_body = MajorRequest, params(("number" = String, Path)),
    responses((status = 204), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn declare_major(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
    JsonBody(req): JsonBody<MajorRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.declare_major(&actor, &number, &req.manager).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send a communication update on a major incident to everyone affected
#[utoipa::path(post, path = "/api/v1/tickets/{number}/updates", tag = "incidents", request_body = UpdateRequest, params(("number" = String, Path)),
    responses((status = 201, body = UpdateSent), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn communicate(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
    JsonBody(req): JsonBody<UpdateRequest>,
) -> Result<(StatusCode, Json<UpdateSent>), ApiError> {
    let notified = ctx.app.communicate(&actor, &number, &req.message).await?;
    Ok((StatusCode::CREATED, Json(UpdateSent { notified })))
}

/// The post-incident review of a major incident, with its timeline
#[utoipa::path(get, path = "/api/v1/tickets/{number}/review", tag = "incidents", params(("number" = String, Path)),
    responses((status = 200, body = ReviewBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn get_review(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
) -> Result<Json<ReviewBody>, ApiError> {
    let r = ctx.app.review(&actor, &number).await?;
    Ok(Json(ReviewBody {
        summary: r.text.summary,
        root_cause: r.text.root_cause,
        actions: r.text.actions,
        timeline: r.timeline.into_iter().map(|(n, e)| EventBody::new(Some(n), e)).collect(),
    }))
}

/// Write the post-incident review
#[utoipa::path(put, path = "/api/v1/tickets/{number}/review", tag = "incidents", request_body = ReviewRequest, params(("number" = String, Path)),
    responses((status = 204), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn put_review(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
    JsonBody(req): JsonBody<ReviewRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.save_review(&actor, &number, &req.summary, &req.root_cause, &req.actions).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(escalate, declare_major, communicate, get_review, put_review))]
pub(crate) struct ApiDoc;
