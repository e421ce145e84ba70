//! Actions on a ticket beyond editing its fields: escalate, merge, declare a major
//! incident, send a communication update, write its review, apply a problem's
//! workaround, link, watch. Each posts a
//! small form, then returns to the ticket with a notice or the error.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::escalation::Escalation;
use serde::Deserialize;

use super::Session;
use super::pages::{csrf_rejected, error_page, ticket_page};
use crate::Ctx;

/// The notice for `?done=…` after an action.
pub(super) fn done_notice(done: &str) -> Option<&'static str> {
    Some(match done {
        "escalated" => "Escalated.",
        "merged" => "Merged: this ticket now holds the duplicate's conversation.",
        "major" => "Declared a major incident.",
        "update" => "Communication update sent.",
        "workaround" => "Workaround posted to the linked open incidents.",
        "linked" => "Linked.",
        "watching" => "Watchers updated.",
        "review" => "Review saved.",
        _ => return None,
    })
}

#[derive(Deserialize)]
pub(crate) struct ActionForm {
    #[serde(default)]
    csrf: String,
    /// Escalation: `group` or `manager`.
    #[serde(default)]
    to: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    reason: String,
    /// Merge: the surviving ticket.
    #[serde(default)]
    into: String,
    #[serde(default)]
    manager: String,
    #[serde(default)]
    message: String,
    /// Link: the kind and the other ticket.
    #[serde(default)]
    kind: String,
    #[serde(default)]
    target: String,
    /// Watchers.
    #[serde(default)]
    username: String,
    /// Post-incident review.
    #[serde(default)]
    summary: String,
    #[serde(default)]
    root_cause: String,
    #[serde(default)]
    actions: String,
}

/// Runs an action and goes back to `back` (default: the ticket) with its notice; a
/// refused action shows the ticket with the reason.
async fn finish(ctx: &Ctx, s: &Session, number: &str, done: &str, r: Result<Option<String>, AppError>) -> Response {
    match r {
        Ok(back) => Redirect::to(&format!("/tickets/{}?done={done}", back.as_deref().unwrap_or(number))).into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::InvalidTransition(_) | AppError::Conflict(_))) => {
            ticket_page(ctx, s, number, None, Some(e.to_string())).await
        }
        Err(e) => error_page(Some(s), e),
    }
}

pub(crate) async fn escalate(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, Form(f): Form<ActionForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let to = if f.to == "manager" { Escalation::Hierarchical } else { Escalation::Functional { group: f.group } };
    let r = ctx.app.escalate(&s.actor, &number, to, &f.reason).await.map(|_| None);
    finish(&ctx, &s, &number, "escalated", r).await
}

pub(crate) async fn merge(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, Form(f): Form<ActionForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let r = ctx.app.merge_ticket(&s.actor, &number, f.into.trim()).await.map(|v| Some(v.ticket.number));
    finish(&ctx, &s, &number, "merged", r).await
}

pub(crate) async fn major(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, Form(f): Form<ActionForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let r = ctx.app.declare_major(&s.actor, &number, &f.manager).await.map(|_| None);
    finish(&ctx, &s, &number, "major", r).await
}

pub(crate) async fn update(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, Form(f): Form<ActionForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let r = ctx.app.communicate(&s.actor, &number, &f.message).await.map(|_| None);
    finish(&ctx, &s, &number, "update", r).await
}

pub(crate) async fn workaround(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, Form(f): Form<ActionForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let r = ctx.app.apply_workaround(&s.actor, &number).await.map(|_| None);
    finish(&ctx, &s, &number, "workaround", r).await
}

pub(crate) async fn link(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, Form(f): Form<ActionForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let r = ctx.app.add_link(&s.actor, &number, f.target.trim(), &f.kind).await.map(|_| None);
    finish(&ctx, &s, &number, "linked", r).await
}

pub(crate) async fn watch(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, Form(f): Form<ActionForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let r = ctx.app.watch(&s.actor, &number, &f.username).await.map(|_| None);
    finish(&ctx, &s, &number, "watching", r).await
}

pub(crate) async fn unwatch(
    State(ctx): State<Ctx>,
    s: Session,
    Path((number, username)): Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let r = ctx.app.unwatch(&s.actor, &number, &username).await.map(|_| None);
    finish(&ctx, &s, &number, "watching", r).await
}

pub(crate) async fn review(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, Form(f): Form<ActionForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let r = ctx.app.save_review(&s.actor, &number, &f.summary, &f.root_cause, &f.actions).await.map(|_| None);
    finish(&ctx, &s, &number, "review", r).await
}
