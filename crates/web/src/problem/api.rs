//! Known errors and problem actions. Problems themselves are tickets
//! (`POST /api/v1/tickets` with `"kind": "problem"`); their incidents are `causes` links.

use crate::routes::{Routes, get, patch, post};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cairn_app::problem::recurring::Detect;
use cairn_app::problem::{KnownErrorInput, Match};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, TicketPath};
use crate::json::JsonBody;
use crate::platform::session::ApiActor;
use crate::time::rfc3339;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/known-errors", get(list_known_errors).post(create_known_error))
        .route("/api/v1/known-errors/{number}", patch(update_known_error))
        .route("/api/v1/tickets/{number}/known-errors", get(matching_known_errors))
        .route("/api/v1/problems/{number}/apply-workaround", post(apply_workaround))
        .route("/api/v1/problem-candidates", get(list_candidates))
        .route("/api/v1/problem-candidates/detect", post(detect))
        .route("/api/v1/problem-candidates/{id}/accept", post(accept_candidate))
        .route("/api/v1/problem-candidates/{id}/dismiss", post(dismiss_candidate))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct KnownErrorRequest {
    pub title: Option<String>,
    pub symptom: Option<String>,
    pub root_cause: Option<String>,
    pub workaround: Option<String>,
    /// `active` (default) or `retired`.
    pub status: Option<String>,
    /// Number of the problem it documents.
    pub problem: Option<String>,
}

impl From<KnownErrorRequest> for KnownErrorInput {
    fn from(r: KnownErrorRequest) -> Self {
        KnownErrorInput {
            title: r.title,
            symptom: r.symptom,
            root_cause: r.root_cause,
            workaround: r.workaround,
            status: r.status,
            problem: r.problem,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct KnownErrorBody {
    pub number: String,
    pub problem: Option<String>,
    pub title: String,
    pub symptom: String,
    pub root_cause: String,
    pub workaround: String,
    pub status: String,
    /// How well it matches the search or incident, 0 to 1 (0 in plain lists).
    pub score: f64,
    pub updated_at: String,
}

impl From<Match> for KnownErrorBody {
    fn from(m: Match) -> Self {
        let k = m.known_error;
        KnownErrorBody {
            number: k.number,
            problem: k.problem_number,
            title: k.title,
            symptom: k.symptom,
            root_cause: k.root_cause,
            workaround: k.workaround,
            status: k.status.as_str().into(),
            score: (m.score * 1000.0).round() / 1000.0,
            updated_at: rfc3339(k.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchParams {
    /// Text to rank by (e.g. an incident's title).
    pub q: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WorkaroundApplied {
    /// The open incidents that received the workaround.
    pub incidents: Vec<String>,
}

/// Known errors, ranked when `q` is given
#[utoipa::path(get, path = "/api/v1/known-errors", tag = "problems", params(SearchParams),
    responses((status = 200, body = Vec<KnownErrorBody>)), security(("bearer" = [])))]
pub(crate) async fn list_known_errors(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Json<Vec<KnownErrorBody>>, ApiError> {
    Ok(Json(ctx.app.known_errors(&actor, p.q.as_deref()).await?.into_iter().map(Into::into).collect()))
}

/// Record a known error
#[utoipa::path(post, path = "/api/v1/known-errors", tag = "problems", request_body = KnownErrorRequest,
    responses((status = 201, body = KnownErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn create_known_error(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<KnownErrorRequest>,
) -> Result<(StatusCode, Json<KnownErrorBody>), ApiError> {
    let k = ctx.app.create_known_error(&actor, req.into()).await?;
    Ok((StatusCode::CREATED, Json(Match { known_error: k, score: 0.0 }.into())))
}

/// Change a known error (e.g. retire it when the fix is in)
#[utoipa::path(patch, path = "/api/v1/known-errors/{number}", tag = "problems", request_body = KnownErrorRequest, params(("number" = String, Path)),
    responses((status = 200, body = KnownErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn update_known_error(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(number): ApiPath<String>,
    JsonBody(req): JsonBody<KnownErrorRequest>,
) -> Result<Json<KnownErrorBody>, ApiError> {
    let k = ctx.app.update_known_error(&actor, &number, req.into()).await?;
    Ok(Json(Match { known_error: k, score: 0.0 }.into()))
}

/// Active known errors matching an incident, best first
#[utoipa::path(get, path = "/api/v1/tickets/{number}/known-errors", tag = "problems", params(("number" = String, Path)),
    responses((status = 200, body = Vec<KnownErrorBody>)), security(("bearer" = [])))]
pub(crate) async fn matching_known_errors(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
) -> Result<Json<Vec<KnownErrorBody>>, ApiError> {
    Ok(Json(ctx.app.known_errors_for(&actor, &number).await?.into_iter().map(Into::into).collect()))
}

/// Post the problem's workaround to every open incident it causes
#[utoipa::path(post, path = "/api/v1/problems/{number}/apply-workaround", tag = "problems", params(("number" = String, Path)),
    responses((status = 200, body = WorkaroundApplied), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn apply_workaround(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
) -> Result<Json<WorkaroundApplied>, ApiError> {
    Ok(Json(WorkaroundApplied { incidents: ctx.app.apply_workaround(&actor, &number).await? }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CandidateParams {
    /// proposed, accepted or dismissed; all when absent.
    pub status: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CandidateBody {
    pub id: i64,
    /// e.g. "5 incidents in 3 days: 'VPN disconnects every few minutes' (Network/VPN)".
    pub summary: String,
    pub title: String,
    /// The category (or service) the incidents share.
    pub scope: String,
    /// The terms most of them share.
    pub terms: String,
    pub incidents: Vec<String>,
    pub first_at: String,
    pub last_at: String,
    pub status: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DetectRequest {
    /// Days to look back, default 7.
    pub window_days: Option<i64>,
    /// Smallest group worth proposing, default 3.
    pub min_incidents: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DetectReport {
    pub scanned: usize,
    pub clusters: usize,
    pub new_candidates: usize,
    pub millis: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Accepted {
    /// The problem raised for the candidate.
    pub problem: String,
}

/// Problem candidates proposed by recurring-incident detection
#[utoipa::path(get, path = "/api/v1/problem-candidates", tag = "problems", params(CandidateParams),
    responses((status = 200, body = Vec<CandidateBody>)), security(("bearer" = [])))]
pub(crate) async fn list_candidates(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<CandidateParams>,
) -> Result<Json<Vec<CandidateBody>>, ApiError> {
    let list = ctx.app.problem_candidates(&actor, p.status.as_deref()).await?;
    Ok(Json(
        list.into_iter()
            .map(|(k, numbers)| CandidateBody {
                id: k.id.0,
                summary: cairn_app::problem::recurring::summary(&k, numbers.len()),
                title: k.title,
                scope: k.scope,
                terms: k.label,
                incidents: numbers,
                first_at: rfc3339(k.first_at),
                last_at: rfc3339(k.last_at),
                status: k.status.as_str().into(),
            })
            .collect(),
    ))
}

/// Run recurring-incident detection now (it also runs hourly)
#[utoipa::path(post, path = "/api/v1/problem-candidates/detect", tag = "problems", request_body = DetectRequest,
    responses((status = 200, body = DetectReport), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn detect(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<DetectRequest>,
) -> Result<Json<DetectReport>, ApiError> {
    let d = Detect::default();
    let d = Detect { window_days: req.window_days.unwrap_or(d.window_days), min_incidents: req.min_incidents.unwrap_or(d.min_incidents) };
    let r = ctx.app.detect_now(&actor, d).await?;
    Ok(Json(DetectReport { scanned: r.scanned, clusters: r.clusters, new_candidates: r.new_candidates, millis: r.millis as u64 }))
}

/// Accept a candidate: a problem is raised and linked to its incidents
#[utoipa::path(post, path = "/api/v1/problem-candidates/{id}/accept", tag = "problems", params(("id" = i64, Path)),
    responses((status = 200, body = Accepted), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn accept_candidate(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Accepted>, ApiError> {
    Ok(Json(Accepted { problem: ctx.app.accept_candidate(&actor, cairn_domain::ids::CandidateId(id)).await? }))
}

/// Dismiss a candidate; the same cluster is not proposed again
#[utoipa::path(post, path = "/api/v1/problem-candidates/{id}/dismiss", tag = "problems", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn dismiss_candidate(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    ctx.app.dismiss_candidate(&actor, cairn_domain::ids::CandidateId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_known_errors,
    create_known_error,
    update_known_error,
    matching_known_errors,
    apply_workaround,
    list_candidates,
    detect,
    accept_candidate,
    dismiss_candidate
))]
pub(crate) struct ApiDoc;
