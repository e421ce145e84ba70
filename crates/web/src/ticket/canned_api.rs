//! Canned responses: an agent's own reply texts and their groups' shared ones.

use crate::routes::{Routes, get, put};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cairn_app::ticket::canned::CannedInput;
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
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CannedRequest {
    pub title: String,
    /// May use {{number}}, {{title}}, {{requester}}, {{agent}} and {{group}}.
    pub body: String,
    /// Share with this group; without it the response is your own. Fixed once created.
    pub group: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CannedBody {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// The group it is shared with; null for a personal one.
    pub group: Option<String>,
}

impl From<Canned> for CannedBody {
    fn from(r: Canned) -> Self {
        CannedBody { id: r.id.0, title: r.title, body: r.body, group: r.group.map(|g| g.1) }
    }
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
    CannedInput { title: req.title, body: req.body, group: req.group }
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
    Ok(Json(ctx.app.save_canned_response(&actor, Some(cairn_domain::ids::CannedId(id)), input(req)).await?.into()))
}

/// Delete a canned response
#[utoipa::path(delete, path = "/api/v1/canned-responses/{id}", tag = "incidents", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn delete_canned(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    ctx.app.delete_canned_response(&actor, cairn_domain::ids::CannedId(id)).await?;
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
    Ok(Json(Rendered { body: ctx.app.render_canned_response(&actor, cairn_domain::ids::CannedId(id), &number).await? }))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_canned, create_canned, replace_canned, delete_canned, render_canned))]
pub(crate) struct ApiDoc;
