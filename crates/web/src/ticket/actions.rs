//! Actions on a ticket beyond editing its fields and replying: merge a duplicate,
//! link, watch, and the requester's confirmation or withdrawal; and the queue's saved
//! views. Each posts a small form, then returns to the page with a notice or the error.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::queue::Filters;
use super::show::finish;
use crate::ctx::Ctx;
use crate::extract::TicketPath;
use crate::platform::csrf::{Button, CsrfForm};
use crate::platform::page::error_page;
use crate::platform::session::Session;

#[derive(Deserialize)]
pub(crate) struct ActionForm {
    /// Merge: the surviving ticket.
    #[serde(default)]
    into: String,
    /// Link: the kind and the other ticket.
    #[serde(default)]
    kind: String,
    #[serde(default)]
    target: String,
    /// Watchers.
    #[serde(default)]
    username: String,
    /// Withdrawal: why.
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
pub(crate) struct ViewForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    query: String,
    #[serde(default)]
    shared: Option<String>,
}

/// Saves the queue's filters as a view, then shows it.
pub(crate) async fn save_view(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<ViewForm>) -> Response {
    if let Err(e) = Filters::parse(&f.query) {
        return error_page(Some(&s), cairn_app::AppError::invalid("query", e));
    }
    match ctx.app.save_view(&s.actor, &f.name, &f.query, f.shared.is_some()).await {
        Ok(v) => Redirect::to(&format!("/tickets?{}", v.query)).into_response(),
        Err(e) => error_page(Some(&s), e),
    }
}

pub(crate) async fn delete_view(State(ctx): State<Ctx>, s: Session, Path(id): Path<i64>, _: CsrfForm<Button>) -> Response {
    match ctx.app.delete_view(&s.actor, cairn_domain::ids::SavedViewId(id)).await {
        Ok(()) => Redirect::to("/tickets").into_response(),
        Err(e) => error_page(Some(&s), e),
    }
}

/// The requester confirms the resolution.
pub(crate) async fn confirm(State(ctx): State<Ctx>, s: Session, TicketPath(number): TicketPath, _: CsrfForm<Button>) -> Response {
    let r = ctx.app.confirm_resolution(&s.actor, &number).await.map(|_| None);
    finish(&ctx, &s, &number, "confirmed", r).await
}

/// The requester withdraws an open request.
pub(crate) async fn withdraw(
    State(ctx): State<Ctx>,
    s: Session,
    TicketPath(number): TicketPath,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> Response {
    let r = ctx.app.withdraw(&s.actor, &number, &f.reason).await.map(|_| None);
    finish(&ctx, &s, &number, "withdrawn", r).await
}

pub(crate) async fn merge(
    State(ctx): State<Ctx>,
    s: Session,
    TicketPath(number): TicketPath,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> Response {
    let r = ctx.app.merge_ticket(&s.actor, &number, f.into.trim()).await.map(|v| Some(v.ticket.number));
    finish(&ctx, &s, &number, "merged", r).await
}

pub(crate) async fn link(
    State(ctx): State<Ctx>,
    s: Session,
    TicketPath(number): TicketPath,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> Response {
    let r = ctx.app.add_link(&s.actor, &number, f.target.trim(), &f.kind).await.map(|_| None);
    finish(&ctx, &s, &number, "linked", r).await
}

pub(crate) async fn watch(
    State(ctx): State<Ctx>,
    s: Session,
    TicketPath(number): TicketPath,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> Response {
    let r = ctx.app.watch(&s.actor, &number, &f.username).await.map(|_| None);
    finish(&ctx, &s, &number, "watching", r).await
}

pub(crate) async fn unwatch(
    State(ctx): State<Ctx>,
    s: Session,
    TicketPath(number): TicketPath,
    Path((_, username)): Path<(String, String)>,
    _: CsrfForm<Button>,
) -> Response {
    let r = ctx.app.unwatch(&s.actor, &number, &username).await.map(|_| None);
    finish(&ctx, &s, &number, "watching", r).await
}
