//! The requester's side: a home page that leads to reporting a problem and to their
//! requests, with what waits for their word first (resolved requests to confirm, and
//! others' requests to approve).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::ticket::ListRequest;

use super::Session;
use super::pages::{error_page, render};
use super::views::{Me, PortalPage, Row};
use crate::Ctx;

/// Agents start at the queue, requesters at the portal.
pub(crate) async fn root(s: Session) -> Response {
    Redirect::to(if s.actor.role.is_staff() { "/tickets" } else { "/portal" }).into_response()
}

pub(crate) async fn home(State(ctx): State<Ctx>, s: Session) -> Response {
    let a = &s.actor;
    let list = |statuses: Vec<String>, limit| ListRequest {
        statuses,
        sort: Some("-updated".into()),
        limit: Some(limit),
        ..ListRequest::default()
    };
    let open: Vec<String> = cairn_domain::ticket::status::Status::open().map(|s| s.as_str().to_string()).collect();
    let found = tokio::try_join!(
        ctx.app.count_tickets(a, list(open.clone(), 1), 1000),
        ctx.app.list_tickets(a, list(vec!["resolved".into()], 10)),
        ctx.app.list_tickets(a, list(open, 5)),
        ctx.app.my_approvals(a),
    );
    let (open_count, resolved, open, approvals) = match found {
        Ok(x) => x,
        Err(e) => return error_page(Some(&s), e),
    };
    render(PortalPage {
        me: Some(Me::new(a, &s.csrf)),
        name: a.username.clone(),
        open_count,
        resolved: resolved.items.into_iter().map(Row::from).collect(),
        open: open.items.into_iter().map(Row::from).collect(),
        approvals: approvals.into_iter().map(|c| (c.approval.id, c.request.number, c.request.title, c.requester)).collect(),
    })
}
