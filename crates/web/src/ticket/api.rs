//! The ticket core through the API: raise, list and search, read and change a ticket
//! (with `If-Match`), its conversation, links and journal, and merging duplicates.

use crate::routes::{Routes, get, post};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cairn_app::ticket::{ListRequest, NewTicket, TicketChange};
use serde::Deserialize;
use utoipa::ToSchema;

use super::dto::*;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiQuery, TicketPath};
use crate::json::JsonBody;
use crate::platform::session::ApiActor;
use crate::time::rfc3339;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/tickets", post(create_ticket).get(list_tickets))
        .route("/api/v1/tickets/{number}", get(get_ticket).patch(update_ticket))
        .route("/api/v1/tickets/{number}/comments", post(create_comment).get(list_comments))
        .route("/api/v1/tickets/{number}/links", post(create_link).get(list_links))
        .route("/api/v1/tickets/{number}/history", get(list_history))
        .route("/api/v1/tickets/{number}/merge", post(merge))
}

pub(crate) fn with_etag(status: StatusCode, body: TicketBody) -> Response {
    let etag = HeaderValue::from_str(&body.etag).ok();
    let mut res = (status, Json(body)).into_response();
    if let Some(e) = etag {
        res.headers_mut().insert(header::ETAG, e);
    }
    res
}

/// Raise a ticket
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", request_body = CreateTicketRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retried POST with the same key returns the first result")),
    responses((status = 201, body = TicketBody), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn create_ticket(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    headers: HeaderMap,
    JsonBody(req): JsonBody<CreateTicketRequest>,
) -> Result<Response, ApiError> {
    let key = match headers.get("idempotency-key") {
        Some(v) => Some(
            v.to_str()
                .map_err(|_| ApiError::BadRequest { field: Some("Idempotency-Key".into()), message: "must be visible ASCII".into() })?
                .to_string(),
        ),
        None => None,
    };
    let new = NewTicket {
        kind: req.kind,
        affected: req.affected,
        title: req.title,
        description: req.description,
        requester: req.requester,
        assignee: req.assignee,
        group: req.group,
        category: req.category,
        service: req.service,
        tags: req.tags,
        impact: req.impact,
        urgency: req.urgency,
        order: None,
    };
    let created = ctx.app.create_ticket(&actor, new, key).await?;
    let mut res = with_etag(StatusCode::CREATED, created.view.into());
    if !created.created {
        res.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(res)
}

/// Read a ticket
#[utoipa::path(get, path = "/api/v1/tickets/{number}", tag = "tickets", params(("number" = String, Path)),
    responses((status = 200, body = TicketBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn get_ticket(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
) -> Result<Response, ApiError> {
    let mut body: TicketBody = ctx.app.get_ticket(&actor, &number).await?.into();
    body.cis = Some(ctx.app.ticket_cis(&actor, &number).await?.into_iter().map(|a| a.number).collect());
    Ok(with_etag(StatusCode::OK, body))
}

/// The version named by an ETag of ours: `"<id>-<version>"`.
pub(crate) fn if_match_version(headers: &HeaderMap) -> Result<i64, ApiError> {
    let v = headers.get(header::IF_MATCH).ok_or(ApiError::PreconditionRequired)?;
    let bad = || ApiError::BadRequest { field: Some("If-Match".into()), message: "not an ETag of this ticket".into() };
    let s = v.to_str().map_err(|_| bad())?.trim().trim_start_matches("W/");
    s.trim_matches('"').rsplit_once('-').and_then(|(_, ver)| ver.parse().ok()).ok_or_else(bad)
}

/// Change a ticket
#[utoipa::path(patch, path = "/api/v1/tickets/{number}", tag = "tickets", request_body = UpdateTicketRequest,
    params(("number" = String, Path), ("If-Match" = String, Header, description = "The ETag last read; required")),
    responses((status = 200, body = TicketBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn update_ticket(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
    headers: HeaderMap,
    JsonBody(req): JsonBody<UpdateTicketRequest>,
) -> Result<Response, ApiError> {
    let version = if_match_version(&headers)?;
    let change = TicketChange {
        title: req.title,
        description: req.description,
        status: req.status,
        impact: req.impact,
        urgency: req.urgency,
        category: req.category,
        service: req.service,
        tags: req.tags,
        assignee: req.assignee,
        group: req.group,
        resolution_code: req.resolution_code,
        resolution_notes: req.resolution_notes,
        root_cause: req.root_cause,
        affected: req.affected,
        cis: req.cis,
        impact_reason: None,
    };
    let mut body: TicketBody = ctx.app.update_ticket(&actor, &number, version, change).await?.into();
    body.cis = Some(ctx.app.ticket_cis(&actor, &number).await?.into_iter().map(|a| a.number).collect());
    Ok(with_etag(StatusCode::OK, body))
}

/// Add a public reply or an internal note
#[utoipa::path(post, path = "/api/v1/tickets/{number}/comments", tag = "tickets", request_body = CreateCommentRequest,
    params(("number" = String, Path)), responses((status = 201, body = CommentBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn create_comment(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
    JsonBody(req): JsonBody<CreateCommentRequest>,
) -> Result<(StatusCode, Json<CommentBody>), ApiError> {
    let internal = match req.visibility.as_deref() {
        None | Some("public") => false,
        Some("internal") => true,
        Some(other) => {
            return Err(ApiError::App(cairn_app::AppError::invalid("visibility", format!("'{other}' is not public or internal"))));
        }
    };
    let comment = ctx.app.add_comment(&actor, &number, &req.body, internal, req.time_spent_minutes.unwrap_or(0)).await?;
    Ok((StatusCode::CREATED, Json(comment_body(comment))))
}

pub(crate) fn comment_body(c: cairn_store::ticket::Comment) -> CommentBody {
    CommentBody {
        id: c.id.0,
        author: c.author,
        body: c.body,
        visibility: if c.internal { "internal" } else { "public" }.into(),
        time_spent_minutes: c.minutes,
        created_at: rfc3339(c.created_at),
    }
}

/// The conversation, oldest first (internal notes for agents only)
#[utoipa::path(get, path = "/api/v1/tickets/{number}/comments", tag = "tickets", params(("number" = String, Path)),
    responses((status = 200, body = Vec<CommentBody>)), security(("bearer" = [])))]
pub(crate) async fn list_comments(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
) -> Result<Json<Vec<CommentBody>>, ApiError> {
    Ok(Json(ctx.app.comments(&actor, &number).await?.into_iter().map(comment_body).collect()))
}

/// Link to another ticket
#[utoipa::path(post, path = "/api/v1/tickets/{number}/links", tag = "tickets", request_body = CreateLinkRequest,
    params(("number" = String, Path)), responses((status = 204), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn create_link(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
    JsonBody(req): JsonBody<CreateLinkRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.add_link(&actor, &number, &req.target, &req.kind).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Linked tickets
#[utoipa::path(get, path = "/api/v1/tickets/{number}/links", tag = "tickets", params(("number" = String, Path)),
    responses((status = 200, body = Vec<LinkBody>)), security(("bearer" = [])))]
pub(crate) async fn list_links(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
) -> Result<Json<Vec<LinkBody>>, ApiError> {
    let links = ctx.app.links(&actor, &number).await?;
    Ok(Json(
        links
            .into_iter()
            .map(|l| LinkBody {
                kind: l.kind,
                number: l.number,
                title: l.title,
                status: l.status,
                direction: if l.inbound { "inbound" } else { "outbound" }.into(),
            })
            .collect(),
    ))
}

/// The ticket's journal: every change, who and when
#[utoipa::path(get, path = "/api/v1/tickets/{number}/history", tag = "tickets", params(("number" = String, Path)),
    responses((status = 200, body = Vec<EventBody>)), security(("bearer" = [])))]
pub(crate) async fn list_history(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
) -> Result<Json<Vec<EventBody>>, ApiError> {
    let events = ctx.app.history(&actor, &number).await?;
    Ok(Json(events.into_iter().map(|r| EventBody::new(None, r)).collect()))
}

pub(crate) fn list_request(p: ListParams) -> ListRequest {
    ListRequest {
        kind: p.kind,
        q: p.q,
        statuses: p.status.map(|s| s.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()).unwrap_or_default(),
        group: p.group.filter(|g| !g.is_empty()),
        assignee: p.assignee.filter(|a| !a.is_empty()),
        priority: p.priority,
        sort: p.sort.filter(|s| !s.is_empty()),
        breached: p.breached.unwrap_or(false),
        limit: p.limit,
        cursor: p.cursor.filter(|c| !c.is_empty()),
    }
}

/// List and search tickets (keyset pagination)
#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets", params(ListParams),
    responses((status = 200, body = TicketPage), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn list_tickets(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<TicketPage>, ApiError> {
    let page = ctx.app.list_tickets(&actor, list_request(p)).await?;
    Ok(Json(TicketPage { items: page.items.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MergeRequest {
    /// Number of the ticket that survives.
    pub into: String,
}

/// Merge this ticket into another: comments and watchers move, this one closes as a duplicate
#[utoipa::path(post, path = "/api/v1/tickets/{number}/merge", tag = "incidents", request_body = MergeRequest, params(("number" = String, Path)),
    responses((status = 200, body = TicketBody, description = "The surviving ticket"), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn merge(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
    JsonBody(req): JsonBody<MergeRequest>,
) -> Result<Response, ApiError> {
    Ok(with_etag(StatusCode::OK, ctx.app.merge_ticket(&actor, &number, &req.into).await?.into()))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        create_ticket,
        get_ticket,
        update_ticket,
        create_comment,
        list_comments,
        create_link,
        list_links,
        list_history,
        list_tickets,
        merge
    ),
    components(schemas(TicketBody, TicketPage, CommentBody, EventBody, LinkBody))
)]
pub(crate) struct ApiDoc;
