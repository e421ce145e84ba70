//! Canned responses and macros: an agent's own reply texts and their groups' shared
//! ones; a macro also sets the ticket's status, group and tags when applied.

use crate::routes::{Routes, get, post, put};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use cairn_app::ticket::canned::{ActionsInput, CannedInput, MacroSaid};
use cairn_domain::ids::CannedId;
use cairn_store::ticket::canned::Canned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, TicketPath};
use crate::json::JsonBody;
use crate::platform::session::ApiActor;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/canned-responses", get(list_canned).post(create_canned))
        .route("/api/v1/canned-responses/{id}", put(replace_canned).delete(delete_canned))
        .route("/api/v1/tickets/{number}/canned-responses/{id}", get(render_canned))
        .route("/api/v1/tickets/{number}/macros/{id}", post(apply_macro))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CannedRequest {
    pub title: String,
    /// May use {{number}}, {{title}}, {{requester}}, {{agent}} and {{group}}.
    pub body: String,
    /// Share with this group; without it the response is your own. Fixed once created.
    pub group: Option<String>,
    /// What it also does to the ticket it answers; without any it is a plain response.
    #[serde(default)]
    pub actions: ActionsBody,
}

/// A macro's actions; each left out leaves that part of the ticket as it is.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionsBody {
    /// The status to set (`in_progress`, `pending`, `resolved`, …).
    pub status: Option<String>,
    /// Needed when `status` is resolved or closed: how it was resolved.
    pub resolution_code: Option<String>,
    /// The group to move the ticket to.
    pub group: Option<String>,
    /// Tags added to the ticket's own.
    #[serde(default)]
    pub add_tags: Vec<String>,
    /// Posts the text as an internal note rather than a public reply.
    #[serde(default)]
    pub internal: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CannedBody {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// The group it is shared with; null for a personal one.
    pub group: Option<String>,
    pub actions: ActionsBody,
    /// Whether applying it changes the ticket: a macro.
    pub is_macro: bool,
}

impl From<Canned> for CannedBody {
    fn from(r: Canned) -> Self {
        let a = r.actions;
        let is_macro = a.changes_ticket();
        let actions = ActionsBody {
            status: a.status.map(|s| s.as_str().to_string()),
            resolution_code: a.resolution_code,
            group: a.group.map(|g| g.1),
            add_tags: a.add_tags,
            internal: a.internal,
        };
        CannedBody { id: r.id.0, title: r.title, body: r.body, group: r.group.map(|g| g.1), actions, is_macro }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApplyMacroRequest {
    /// The text as edited; left out, the macro's own text is posted, filled in.
    pub body: Option<String>,
    pub time_spent_minutes: Option<i64>,
    /// `public` or `internal`; left out, as the macro says.
    pub visibility: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AppliedBody {
    /// The reply or internal note the macro posted.
    pub comment: crate::ticket::dto::CommentBody,
    /// The ticket as the macro left it.
    pub ticket: crate::ticket::dto::TicketBody,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Rendered {
    /// The body with the ticket's values filled in.
    pub body: String,
}

/// Your canned responses and your groups'
#[utoipa::path(get, path = "/api/v1/canned-responses", tag = "incidents", responses((status = 200, body = Vec<CannedBody>)), security(("bearer" = [])))]
pub(crate) async fn list_canned(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<CannedBody>>, ApiError> {
    Ok(Json(ctx.app.canned_responses(&actor).await?.into_iter().map(CannedBody::from).collect()))
}

fn input(req: CannedRequest) -> CannedInput {
    let a = req.actions;
    let actions =
        ActionsInput { status: a.status, resolution_code: a.resolution_code, group: a.group, add_tags: a.add_tags, internal: a.internal };
    CannedInput { title: req.title, body: req.body, group: req.group, actions }
}

/// Add a canned response (personal, or shared with a group you belong to)
#[utoipa::path(post, path = "/api/v1/canned-responses", tag = "incidents", request_body = CannedRequest,
    responses((status = 201, body = CannedBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn create_canned(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<CannedRequest>,
) -> Result<(StatusCode, Json<CannedBody>), ApiError> {
    let r = ctx.app.save_canned_response(&actor, None, input(req)).await?;
    Ok((StatusCode::CREATED, Json(r.into())))
}

/// Change a canned response's title and body
#[utoipa::path(put, path = "/api/v1/canned-responses/{id}", tag = "incidents", request_body = CannedRequest, params(("id" = i64, Path)),
    responses((status = 200, body = CannedBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn replace_canned(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
    JsonBody(req): JsonBody<CannedRequest>,
) -> Result<Json<CannedBody>, ApiError> {
    Ok(Json(ctx.app.save_canned_response(&actor, Some(CannedId(id)), input(req)).await?.into()))
}

/// Delete a canned response
#[utoipa::path(delete, path = "/api/v1/canned-responses/{id}", tag = "incidents", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn delete_canned(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    ctx.app.delete_canned_response(&actor, CannedId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A canned response filled in for a ticket
#[utoipa::path(get, path = "/api/v1/tickets/{number}/canned-responses/{id}", tag = "incidents",
    params(("number" = String, Path), ("id" = i64, Path)), responses((status = 200, body = Rendered), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn render_canned(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
    ApiPath((_, id)): ApiPath<(String, i64)>,
) -> Result<Json<Rendered>, ApiError> {
    Ok(Json(Rendered { body: ctx.app.render_canned_response(&actor, CannedId(id), &number).await?.1 }))
}

/// Apply a macro: post its text and set its status, group and tags, in one change
#[utoipa::path(post, path = "/api/v1/tickets/{number}/macros/{id}", tag = "incidents", request_body = ApplyMacroRequest,
    params(("number" = String, Path), ("id" = i64, Path), ("If-Match" = String, Header, description = "The ticket's ETag last read; required")),
    responses((status = 200, body = AppliedBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn apply_macro(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
    ApiPath((_, id)): ApiPath<(String, i64)>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<ApplyMacroRequest>,
) -> Result<Response, ApiError> {
    let version = crate::ticket::api::if_match_version(&headers)?;
    let internal = match req.visibility.as_deref() {
        None => None,
        Some("public") => Some(false),
        Some("internal") => Some(true),
        Some(other) => return Err(cairn_app::AppError::invalid("visibility", format!("'{other}' is not public or internal")).into()),
    };
    let said = MacroSaid { body: req.body, minutes: req.time_spent_minutes.unwrap_or(0), internal };
    let applied = ctx.app.apply_macro(&actor, &number, version, CannedId(id), said).await?;
    let ticket: crate::ticket::dto::TicketBody = applied.ticket.into();
    let etag = ticket.etag.clone();
    let mut res =
        (StatusCode::OK, Json(AppliedBody { comment: crate::ticket::api::comment_body(applied.comment), ticket })).into_response();
    if let Ok(e) = axum::http::HeaderValue::from_str(&etag) {
        res.headers_mut().insert(axum::http::header::ETAG, e);
    }
    Ok(res)
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_canned, create_canned, replace_canned, delete_canned, render_canned, apply_macro))]
pub(crate) struct ApiDoc;
