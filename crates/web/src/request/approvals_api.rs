//! Approvals of requests (the approver's inbox and decisions) and a request's progress
//! through its approval stages and fulfilment tasks.

use crate::routes::{Routes, get, post};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cairn_app::request::fulfilment::{Case, Decision, Progress};
use cairn_domain::request::catalog::Answers;
use cairn_store::request::approvals::Approval;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, TicketPath};
use crate::json::JsonBody;
use crate::platform::session::ApiActor;
use crate::time::rfc3339;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/approvals", get(inbox))
        .route("/api/v1/approvals/{id}", get(read))
        .route("/api/v1/approvals/{id}/approve", post(approve))
        .route("/api/v1/approvals/{id}/reject", post(reject))
        .route("/api/v1/tickets/{number}/progress", get(progress))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ApprovalBody {
    pub id: i64,
    pub stage: i64,
    pub approver: String,
    /// pending, approved, rejected, or skipped (the stage settled without them)
    pub state: String,
    /// The one a timed-out stage escalated to: their decision settles it.
    pub escalation: bool,
    pub comment: Option<String>,
    /// portal, agent, api or email
    pub via: Option<String>,
    pub decided_at: Option<String>,
    pub created_at: String,
}

impl From<Approval> for ApprovalBody {
    fn from(a: Approval) -> Self {
        ApprovalBody {
            id: a.id.0,
            stage: a.stage,
            approver: a.approver,
            state: a.state.as_str().into(),
            escalation: a.escalation,
            comment: a.comment,
            via: a.via,
            decided_at: a.decided_at.map(rfc3339),
            created_at: rfc3339(a.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CaseItem {
    pub item: String,
    pub quantity: i64,
    #[schema(value_type = Object)]
    pub answers: Answers,
}

/// An approval with the request it decides.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CaseBody {
    pub approval: ApprovalBody,
    pub ticket: String,
    pub title: String,
    pub requester: String,
    pub status: String,
    pub items: Vec<CaseItem>,
}

impl From<Case> for CaseBody {
    fn from(c: Case) -> Self {
        CaseBody {
            approval: c.approval.into(),
            ticket: c.request.number,
            title: c.request.title,
            requester: c.requester,
            status: c.request.status.as_str().into(),
            items: c.items.into_iter().map(|(r, answers)| CaseItem { item: r.item, quantity: r.quantity, answers }).collect(),
        }
    }
}

/// The approvals waiting for my decision
#[utoipa::path(get, path = "/api/v1/approvals", tag = "catalog", responses((status = 200, body = Vec<CaseBody>)), security(("bearer" = [])))]
pub(crate) async fn inbox(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<CaseBody>>, ApiError> {
    Ok(Json(ctx.app.my_approvals(&actor).await?.into_iter().map(Into::into).collect()))
}

/// One of my approvals, with the request and its answers
#[utoipa::path(get, path = "/api/v1/approvals/{id}", tag = "catalog", params(("id" = i64, Path)),
    responses((status = 200, body = CaseBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn read(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<cairn_domain::ids::ApprovalId>,
) -> Result<Json<CaseBody>, ApiError> {
    Ok(Json(ctx.app.approval(&actor, id).await?.into()))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecisionRequest {
    /// Why (needed to reject).
    #[serde(default)]
    pub comment: Option<String>,
}

/// Approve: the stage settles by its rule, then the next stage or fulfilment starts
#[utoipa::path(post, path = "/api/v1/approvals/{id}/approve", tag = "catalog", request_body = DecisionRequest, params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody, description = "Not yours, or your own request"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Already decided")), security(("bearer" = [])))]
pub(crate) async fn approve(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<cairn_domain::ids::ApprovalId>,
    JsonBody(req): JsonBody<DecisionRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.decide(&actor, id, Decision { approve: true, comment: req.comment, via: "api" }).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reject, saying why: the request ends as rejected
#[utoipa::path(post, path = "/api/v1/approvals/{id}/reject", tag = "catalog", request_body = DecisionRequest, params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "No comment")), security(("bearer" = [])))]
pub(crate) async fn reject(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<cairn_domain::ids::ApprovalId>,
    JsonBody(req): JsonBody<DecisionRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.decide(&actor, id, Decision { approve: false, comment: req.comment, via: "api" }).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TaskBody {
    /// Null for a planned task of a step not started yet.
    pub number: Option<String>,
    pub title: String,
    pub group: Option<String>,
    pub assignee: Option<String>,
    /// Its status, or "waiting" for a step not started yet.
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StepBody {
    pub step: u32,
    pub tasks: Vec<TaskBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProgressBody {
    pub approvals: Vec<ApprovalBody>,
    pub steps: Vec<StepBody>,
}

impl From<Progress> for ProgressBody {
    fn from(p: Progress) -> Self {
        let steps = p
            .steps()
            .into_iter()
            .map(|(step, lines)| StepBody {
                step,
                tasks: lines
                    .into_iter()
                    .map(|t| TaskBody { number: t.number, title: t.title, group: t.group, assignee: t.assignee, status: t.status })
                    .collect(),
            })
            .collect();
        ProgressBody { approvals: p.approvals.into_iter().map(Into::into).collect(), steps }
    }
}

/// A request's approvals and fulfilment steps (the requester sees them too)
#[utoipa::path(get, path = "/api/v1/tickets/{number}/progress", tag = "catalog", params(("number" = String, Path)),
    responses((status = 200, body = ProgressBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn progress(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
) -> Result<Json<ProgressBody>, ApiError> {
    Ok(Json(ctx.app.request_progress(&actor, &number).await?.into()))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(inbox, read, approve, reject, progress))]
pub(crate) struct ApiDoc;
