//! Knowledge articles: write, review, publish and retire; versions, differences and
//! restore; search; readers' feedback. Requesters get only published articles of their
//! audience, everywhere.

use crate::routes::{Routes, get, post};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cairn_app::knowledge::ArticleInput;
use cairn_domain::knowledge::DiffLine;
use cairn_store::knowledge::{Article, Version};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::json::JsonBody;
use crate::platform::session::ApiActor;
use crate::time::rfc3339;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/articles", get(search).post(create))
        .route("/api/v1/articles/suggest", get(suggest))
        .route("/api/v1/articles/{number}", get(read).patch(update))
        .route("/api/v1/articles/{number}/state", post(set_state))
        .route("/api/v1/articles/{number}/versions", get(versions))
        .route("/api/v1/articles/{number}/diff", get(diff))
        .route("/api/v1/articles/{number}/restore", post(restore))
        .route("/api/v1/articles/{number}/feedback", get(list_feedback).post(give_feedback))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ArticleBody {
    pub number: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    /// internal, portal or orgs
    pub audience: String,
    pub orgs: Vec<String>,
    /// draft, in_review, published or retired
    pub state: String,
    pub owner: String,
    pub reviewer: Option<String>,
    pub review_at: Option<String>,
    /// The ticket or known error it was written from.
    pub source: Option<String>,
    /// Send it back as `version` when you change the article.
    pub version: i64,
    pub views: i64,
    pub helpful: i64,
    pub not_helpful: i64,
    /// Agents: times requesters opened it from a suggestion…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggested_openings: Option<i64>,
    /// …and of those, how many raised no request within 30 minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deflected: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Article> for ArticleBody {
    fn from(a: Article) -> Self {
        ArticleBody {
            number: a.number,
            title: a.title,
            body: a.body,
            category: a.category,
            tags: a.tags,
            audience: a.audience.as_str().into(),
            orgs: a.orgs,
            state: a.state.as_str().into(),
            owner: a.owner_name,
            reviewer: a.reviewer_name,
            review_at: a.review_at.map(rfc3339),
            source: a.source,
            version: a.version,
            views: a.views,
            helpful: a.helpful,
            not_helpful: a.not_helpful,
            suggested_openings: None,
            deflected: None,
            created_at: rfc3339(a.created_at),
            updated_at: rfc3339(a.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct ArticleRequest {
    pub title: Option<String>,
    pub body: Option<String>,
    pub category: Option<String>,
    pub tags: Option<Vec<String>>,
    /// internal (default), portal or orgs
    pub audience: Option<String>,
    pub orgs: Option<Vec<String>>,
    /// Username of the agent who reviews it; "" for none.
    pub reviewer: Option<String>,
    /// RFC 3339: when it is due for review again.
    pub review_at: Option<String>,
    /// What this edit changed (kept with the version).
    pub note: Option<String>,
    /// Updates: the version you edited (from GET).
    pub version: Option<i64>,
    /// Creation: take title and text from this resolved ticket…
    pub from_ticket: Option<String>,
    /// …or from this known error.
    pub from_known_error: Option<String>,
}

impl ArticleRequest {
    fn input(self) -> Result<ArticleInput, ApiError> {
        let review_at = match self.review_at.as_deref() {
            Some(s) => Some(
                s.parse::<jiff::Timestamp>()
                    .map_err(|_| cairn_app::AppError::invalid("review_at", format!("'{s}' is not an RFC 3339 time")))?
                    .as_millisecond(),
            ),
            None => None,
        };
        Ok(ArticleInput {
            title: self.title,
            body: self.body,
            category: self.category,
            tags: self.tags,
            audience: self.audience,
            orgs: self.orgs,
            reviewer: self.reviewer,
            review_at,
            note: self.note,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchParams {
    /// Words to look for (best match first); without, the latest changed.
    pub q: Option<String>,
    /// Only this state (agents).
    pub state: Option<String>,
    /// 1..100, default 20.
    pub limit: Option<i64>,
    /// `due` (agents): articles whose review date has come, soonest first.
    pub review: Option<String>,
}

/// Articles you may read
#[utoipa::path(get, path = "/api/v1/articles", tag = "knowledge", params(SearchParams),
    responses((status = 200, body = Vec<ArticleBody>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn search(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Json<Vec<ArticleBody>>, ApiError> {
    let limit = p.limit.unwrap_or(20);
    let found = match p.review.as_deref() {
        Some("due") => ctx.app.articles_due_for_review(&actor, limit.clamp(1, 100)).await?,
        Some(other) => return Err(cairn_app::AppError::invalid("review", format!("'{other}': only 'due'")).into()),
        None => ctx.app.search_articles(&actor, p.q.as_deref(), p.state.as_deref(), limit).await?,
    };
    Ok(Json(found.into_iter().map(ArticleBody::from).collect()))
}

/// Write an article (agents); it starts as a draft
#[utoipa::path(post, path = "/api/v1/articles", tag = "knowledge", request_body = ArticleRequest,
    responses((status = 201, body = ArticleBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn create(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<ArticleRequest>,
) -> Result<(StatusCode, Json<ArticleBody>), ApiError> {
    let (from_ticket, from_ke) = (req.from_ticket.clone(), req.from_known_error.clone());
    let mut input = req.input()?;
    let source = from_ticket.clone().or(from_ke.clone());
    let prefill = match (from_ticket, from_ke) {
        (Some(t), _) => Some(ctx.app.article_from_ticket(&actor, &t).await?),
        (None, Some(k)) => Some(ctx.app.article_from_known_error(&actor, &k).await?),
        (None, None) => None,
    };
    if let Some(p) = prefill {
        input.title = input.title.or(p.title);
        input.body = input.body.or(p.body);
        input.category = input.category.or(p.category);
        input.tags = input.tags.or(p.tags);
    }
    let a = ctx.app.create_article(&actor, input, source).await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReadParams {
    /// `suggestion` when the reader followed a suggestion (counts toward deflection).
    pub via: Option<String>,
}

/// One article (counts as a reading)
#[utoipa::path(get, path = "/api/v1/articles/{number}", tag = "knowledge", params(("number" = String, Path), ReadParams),
    responses((status = 200, body = ArticleBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn read(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(number): ApiPath<String>,
    ApiQuery(p): ApiQuery<ReadParams>,
) -> Result<Json<ArticleBody>, ApiError> {
    let a = ctx.app.article(&actor, &number, p.via.as_deref() == Some("suggestion")).await?;
    let deflection = if actor.role.is_staff() { Some(ctx.app.article_deflection(&actor, &a).await?) } else { None };
    let mut body = ArticleBody::from(a);
    if let Some((opened, deflected)) = deflection {
        (body.suggested_openings, body.deflected) = (Some(opened), Some(deflected));
    }
    Ok(Json(body))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SuggestParams {
    /// What the requester is typing.
    pub q: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SuggestionBody {
    pub number: String,
    pub title: String,
}

/// Published articles that may answer this text, best first (at most 5)
#[utoipa::path(get, path = "/api/v1/articles/suggest", tag = "knowledge", params(SuggestParams),
    responses((status = 200, body = Vec<SuggestionBody>)), security(("bearer" = [])))]
pub(crate) async fn suggest(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<SuggestParams>,
) -> Result<Json<Vec<SuggestionBody>>, ApiError> {
    let found = ctx.app.suggested_articles(&actor, &p.q, 5).await?;
    Ok(Json(found.into_iter().map(|a| SuggestionBody { number: a.number, title: a.title }).collect()))
}

/// Edit an article: a new version (send the `version` you edited)
#[utoipa::path(patch, path = "/api/v1/articles/{number}", tag = "knowledge", request_body = ArticleRequest, params(("number" = String, Path)),
    responses((status = 200, body = ArticleBody), (status = 412, body = ErrorBody, description = "Changed since you read it"),
        (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn update(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(number): ApiPath<String>,
    JsonBody(req): JsonBody<ArticleRequest>,
) -> Result<Json<ArticleBody>, ApiError> {
    let version = req.version.ok_or_else(|| cairn_app::AppError::invalid("version", "send the version you edited"))?;
    Ok(Json(ctx.app.update_article(&actor, &number, version, req.input()?).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StateRequest {
    /// in_review, published, retired or draft
    pub state: String,
}

/// Move an article through its lifecycle: review needs a reviewer, who (or an administrator) publishes
#[utoipa::path(post, path = "/api/v1/articles/{number}/state", tag = "knowledge", request_body = StateRequest, params(("number" = String, Path)),
    responses((status = 200, body = ArticleBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn set_state(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(number): ApiPath<String>,
    JsonBody(req): JsonBody<StateRequest>,
) -> Result<Json<ArticleBody>, ApiError> {
    Ok(Json(ctx.app.set_article_state(&actor, &number, &req.state).await?.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct VersionBody {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub author: Option<String>,
    pub note: String,
    pub created_at: String,
}

impl From<Version> for VersionBody {
    fn from(v: Version) -> Self {
        VersionBody { version: v.version, title: v.title, body: v.body, author: v.author, note: v.note, created_at: rfc3339(v.created_at) }
    }
}

/// Every version of an article, newest first (agents)
#[utoipa::path(get, path = "/api/v1/articles/{number}/versions", tag = "knowledge", params(("number" = String, Path)),
    responses((status = 200, body = Vec<VersionBody>)), security(("bearer" = [])))]
pub(crate) async fn versions(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(number): ApiPath<String>,
) -> Result<Json<Vec<VersionBody>>, ApiError> {
    Ok(Json(ctx.app.article_versions(&actor, &number).await?.into_iter().map(VersionBody::from).collect()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DiffParams {
    pub from: i64,
    pub to: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DiffLineBody {
    /// same, removed or added
    pub op: &'static str,
    pub line: String,
}

/// What changed between two versions, line by line (agents)
#[utoipa::path(get, path = "/api/v1/articles/{number}/diff", tag = "knowledge", params(("number" = String, Path), DiffParams),
    responses((status = 200, body = Vec<DiffLineBody>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn diff(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(number): ApiPath<String>,
    ApiQuery(p): ApiQuery<DiffParams>,
) -> Result<Json<Vec<DiffLineBody>>, ApiError> {
    let lines = ctx.app.article_diff(&actor, &number, p.from, p.to).await?;
    Ok(Json(
        lines
            .into_iter()
            .map(|l| match l {
                DiffLine::Same(line) => DiffLineBody { op: "same", line },
                DiffLine::Removed(line) => DiffLineBody { op: "removed", line },
                DiffLine::Added(line) => DiffLineBody { op: "added", line },
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RestoreRequest {
    /// The version whose text comes back.
    pub restore: i64,
    /// The current version, as you read it.
    pub version: i64,
}

/// Make an earlier version's text current again, as a new version (agents)
#[utoipa::path(post, path = "/api/v1/articles/{number}/restore", tag = "knowledge", request_body = RestoreRequest, params(("number" = String, Path)),
    responses((status = 200, body = ArticleBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn restore(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(number): ApiPath<String>,
    JsonBody(req): JsonBody<RestoreRequest>,
) -> Result<Json<ArticleBody>, ApiError> {
    Ok(Json(ctx.app.restore_article(&actor, &number, req.restore, req.version).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FeedbackRequest {
    pub helpful: bool,
    #[serde(default)]
    pub comment: String,
}

/// Say whether the article helped (once per reader)
#[utoipa::path(post, path = "/api/v1/articles/{number}/feedback", tag = "knowledge", request_body = FeedbackRequest, params(("number" = String, Path)),
    responses((status = 204), (status = 409, body = ErrorBody, description = "Already given")), security(("bearer" = [])))]
pub(crate) async fn give_feedback(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(number): ApiPath<String>,
    JsonBody(req): JsonBody<FeedbackRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.article_feedback(&actor, &number, req.helpful, &req.comment).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FeedbackBody {
    pub by: String,
    pub helpful: bool,
    pub comment: String,
    pub at: String,
}

/// Readers' feedback, newest first (agents)
#[utoipa::path(get, path = "/api/v1/articles/{number}/feedback", tag = "knowledge", params(("number" = String, Path)),
    responses((status = 200, body = Vec<FeedbackBody>)), security(("bearer" = [])))]
pub(crate) async fn list_feedback(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(number): ApiPath<String>,
) -> Result<Json<Vec<FeedbackBody>>, ApiError> {
    let list = ctx.app.article_feedback_list(&actor, &number).await?;
    Ok(Json(list.into_iter().map(|(by, helpful, comment, at)| FeedbackBody { by, helpful, comment, at: rfc3339(at) }).collect()))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(search, create, read, suggest, update, set_state, versions, diff, restore, give_feedback, list_feedback))]
pub(crate) struct ApiDoc;
