//! The experience side of service levels: outage windows on incidents (for service
//! availability), the tenant's survey questions, and survey answers with comments.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch};
use axum::{Json, Router};
use cairn_app::incident::outages::OutageInput;
use cairn_app::platform::admin::Admin;
use cairn_domain::sla::survey::Questions;
use cairn_store::incident::outages::Outage;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiActor;
use super::sla::{ReportParams, csv, csv_wanted, instant, period};
use crate::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::json::JsonBody;
use crate::time::rfc3339;

pub(super) fn router() -> Router<Ctx> {
    Router::new()
        .route("/api/v1/tickets/{number}/outages", get(list_outages).post(record_outage))
        .route("/api/v1/tickets/{number}/outages/{id}", patch(end_outage).delete(remove_outage))
        .route("/api/v1/survey-questions", get(questions).put(set_questions))
        .route("/api/v1/reports/csat/responses", get(responses))
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
    OutageBody { id: o.id, service: o.service, started_at: rfc3339(o.started_at), ended_at: o.ended_at.map(rfc3339) }
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
    instant(field, Some(raw), 0)
}

/// An incident's outage windows
#[utoipa::path(get, path = "/api/v1/tickets/{number}/outages", tag = "service levels", params(("number" = String, Path)),
    responses((status = 200, body = Vec<OutageBody>)), security(("bearer" = [])))]
pub(crate) async fn list_outages(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<Json<Vec<OutageBody>>, ApiError> {
    Ok(Json(ctx.app.outages(&actor, &number).await?.into_iter().map(body).collect()))
}

/// Record when the incident's service was down
#[utoipa::path(post, path = "/api/v1/tickets/{number}/outages", tag = "service levels", params(("number" = String, Path)), request_body = NewOutage,
    responses((status = 201, body = OutageBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn record_outage(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
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
    Path((number, id)): Path<(String, i64)>,
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
    Path((number, id)): Path<(String, i64)>,
) -> Result<StatusCode, ApiError> {
    ctx.app.remove_outage(&actor, &number, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The satisfaction survey's questions
#[utoipa::path(get, path = "/api/v1/survey-questions", tag = "service levels", responses((status = 200, body = Object)), security(("bearer" = [])))]
pub(crate) async fn questions(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Questions>, ApiError> {
    Ok(Json(ctx.app.survey_questions(&actor).await?))
}

/// Set the satisfaction survey's questions (admin)
#[utoipa::path(put, path = "/api/v1/survey-questions", tag = "service levels",
    request_body(content = Object, description = "rating (wording), effort (wording or null: not asked), extra: [{label, kind: text|choice|scale, options, required}] (at most 5)"),
    responses((status = 200, body = Object), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn set_questions(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(q): JsonBody<Questions>,
) -> Result<Json<Questions>, ApiError> {
    ctx.app.save_survey_questions(&Admin::from_actor(&actor)?, q.clone()).await?;
    Ok(Json(q))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ResponseBody {
    pub ticket: String,
    pub group: Option<String>,
    pub answered_at: String,
    pub rating: i64,
    pub effort: Option<i64>,
    pub comment: Option<String>,
    /// [question, answer] for the tenant's own questions.
    pub answers: Vec<(String, String)>,
}

/// Survey answers with their comments, newest first (administrators; group managers see their groups')
#[utoipa::path(get, path = "/api/v1/reports/csat/responses", tag = "service levels", params(ReportParams),
    responses((status = 200, body = Vec<ResponseBody>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn responses(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ReportParams>,
) -> Result<Response, ApiError> {
    let as_csv = csv_wanted(p.format.as_deref())?;
    let (from, to) = period(&ctx, &p)?;
    let list: Vec<ResponseBody> = ctx
        .app
        .survey_responses(&actor, from, to)
        .await?
        .into_iter()
        .map(|r| ResponseBody {
            ticket: r.number,
            group: r.group,
            answered_at: rfc3339(r.answered_at),
            rating: r.rating,
            effort: r.effort,
            comment: r.comment,
            answers: r.answers,
        })
        .collect();
    if !as_csv {
        return Ok(Json(list).into_response());
    }
    let rows = list
        .into_iter()
        .map(|r| {
            let answers = r.answers.iter().map(|(q, a)| format!("{q}: {a}")).collect::<Vec<_>>().join("; ");
            vec![
                r.ticket,
                r.group.unwrap_or_default(),
                r.answered_at,
                r.rating.to_string(),
                r.effort.map(|e| e.to_string()).unwrap_or_default(),
                r.comment.unwrap_or_default(),
                answers,
            ]
        })
        .collect();
    Ok(csv("csat-responses", &["ticket", "group", "answered_at", "rating", "effort", "comment", "answers"], rows))
}
