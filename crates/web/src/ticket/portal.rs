//! The requester's side: a home page that leads to reporting a problem and to their
//! requests, with what waits for their word first (resolved requests to confirm, and
//! others' requests to approve).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use cairn_app::ticket::ListRequest;

use crate::ctx::Ctx;
use crate::platform::page::{Me, error_page, render};
use crate::platform::session::Session;
use crate::ticket::queue::Row;

/// The requester's home: what they can do, and their requests that need them.
#[derive(Template)]
#[template(path = "ticket/portal.html")]
pub(crate) struct PortalPage {
    pub me: Option<Me>,
    pub name: String,
    /// Open requests, counted up to 1000.
    pub open_count: i64,
    /// Resolved requests waiting for the requester's word.
    pub resolved: Vec<Row>,
    /// The most recently changed open requests.
    pub open: Vec<Row>,
    /// Requests waiting for this person's approval: (approval id, number, title, requester).
    pub approvals: Vec<(cairn_domain::ids::ApprovalId, String, String, String)>,
}

pub(crate) async fn home(State(ctx): State<Ctx>, s: Session) -> Response {
    let now = ctx.app.now();
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
        resolved: resolved.items.into_iter().map(|v| Row::new(v, now)).collect(),
        open: open.items.into_iter().map(|v| Row::new(v, now)).collect(),
        approvals: approvals.into_iter().map(|c| (c.approval.id, c.request.number, c.request.title, c.requester)).collect(),
    })
}
