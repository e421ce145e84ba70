//! The satisfaction survey through the API: the tenant's questions, and the answers
//! with their comments.

use crate::routes::{Routes, get};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use cairn_app::platform::admin::Admin;
use cairn_domain::sla::survey::Questions;
use serde::Serialize;
use utoipa::ToSchema;

use super::report_api::{ReportParams, csv, csv_wanted, period};
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use crate::json::JsonBody;
use crate::platform::session::{ApiActor, ReaderActor};
use crate::time::rfc3339;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/survey-questions", get(questions).put(set_questions))
        .route("/api/v1/reports/csat/responses", get(responses))
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
    ReaderActor(actor): ReaderActor,
    ApiQuery(p): ApiQuery<ReportParams>,
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

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(questions, set_questions, responses))]
pub(crate) struct ApiDoc;
