//! The notification centre: each person's inbox of what happened to the tickets they
//! work on or asked for (a reply, an assignment, a mention, an approval, a service-level
//! warning, a resolution), read per item or all at once. The header's bell shows the
//! unread count and keeps it current (`static/live.js` asks for it); the API offers the
//! same list, count and marking.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_domain::ids::NotificationId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::csrf::CsrfForm;
use super::page::{Me, error_page, render};
use super::session::{ApiActor, ReaderActor, Session};
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::json::JsonBody;
use crate::routes::{Routes, get, post};
use crate::time::{rfc3339, short};

pub(crate) fn api() -> Routes {
    Routes::new()
        .route("/api/v1/notifications", get(list))
        .route("/api/v1/notifications/unread", get(unread))
        .route("/api/v1/notifications/read", post(mark_read))
}

pub(crate) fn ui() -> Routes {
    Routes::new().route("/notifications", get(page)).route("/notifications/read", post(mark_read_form))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NotificationBody {
    /// Names it for marking it read.
    pub id: i64,
    pub ticket: Option<String>,
    pub message: String,
    pub created_at: String,
    pub read: bool,
}

/// My notifications, newest first (the latest 50)
#[utoipa::path(get, path = "/api/v1/notifications", tag = "people", responses((status = 200, body = Vec<NotificationBody>)), security(("bearer" = [])))]
pub(crate) async fn list(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<NotificationBody>>, ApiError> {
    let list = ctx.app.notifications(&actor).await?;
    Ok(Json(
        list.into_iter()
            .map(|n| NotificationBody {
                id: n.id.0,
                ticket: n.ticket_number,
                message: n.message,
                created_at: rfc3339(n.created_at),
                read: n.read,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UnreadBody {
    pub unread: i64,
}

/// How many of my notifications are unread (also with the browser's session)
#[utoipa::path(get, path = "/api/v1/notifications/unread", tag = "people", responses((status = 200, body = UnreadBody)), security(("bearer" = [])))]
pub(crate) async fn unread(State(ctx): State<Ctx>, ReaderActor(actor): ReaderActor) -> Result<Json<UnreadBody>, ApiError> {
    Ok(Json(UnreadBody { unread: ctx.app.unread_notifications(&actor).await? }))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct MarkRequest {
    /// The one to mark; none: all of mine.
    #[serde(default)]
    pub id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MarkedBody {
    /// How many were unread and are now read.
    pub marked: u64,
}

/// Mark my notifications read: one, or all
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "people", request_body = MarkRequest,
    responses((status = 200, body = MarkedBody), (status = 404, body = ErrorBody, description = "Not one of mine")), security(("bearer" = [])))]
pub(crate) async fn mark_read(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<MarkRequest>,
) -> Result<Json<MarkedBody>, ApiError> {
    Ok(Json(MarkedBody { marked: ctx.app.mark_notifications_read(&actor, req.id.map(NotificationId)).await? }))
}

/// One line of the inbox.
pub(crate) struct Line {
    pub id: i64,
    pub ticket: Option<String>,
    pub message: String,
    pub at: String,
    pub read: bool,
}

#[derive(Template)]
#[template(path = "platform/notifications.html")]
pub(crate) struct InboxPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub lines: Vec<Line>,
    /// All unread, also those older than the lines shown.
    pub unread: i64,
}

pub(crate) async fn page(State(ctx): State<Ctx>, s: Session) -> Response {
    let (list, unread) = match tokio::try_join!(ctx.app.notifications(&s.actor), ctx.app.unread_notifications(&s.actor)) {
        Ok(x) => x,
        Err(e) => return error_page(Some(&s), e),
    };
    let lines: Vec<Line> = list
        .into_iter()
        .map(|n| Line { id: n.id.0, ticket: n.ticket_number, message: n.message, at: short(n.created_at), read: n.read })
        .collect();
    render(InboxPage { me: Some(Me::new(&s.actor, &s.csrf)), csrf: s.csrf.clone(), lines, unread })
}

/// The inbox's buttons: `id` marks one, none marks all.
#[derive(Deserialize)]
pub(crate) struct MarkForm {
    #[serde(default)]
    id: Option<i64>,
}

pub(crate) async fn mark_read_form(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<MarkForm>) -> Response {
    match ctx.app.mark_notifications_read(&s.actor, f.id.map(NotificationId)).await {
        Ok(_) => Redirect::to("/notifications").into_response(),
        Err(e) => error_page(Some(&s), e),
    }
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, unread, mark_read), components(schemas(ErrorBody)))]
pub(crate) struct ApiDoc;
