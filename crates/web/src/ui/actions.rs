//! Actions on a ticket beyond editing its fields: escalate, merge, declare a major
//! incident, send a communication update, write its review, apply a problem's
//! workaround, link, watch. Each posts a
//! small form, then returns to the ticket with a notice or the error.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::incident::escalation::Escalation;
use cairn_app::incident::outages::OutageInput;
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
        "outage" => "Outages updated.",
        "confirmed" => "Thank you: the ticket is closed.",
        "withdrawn" => "Withdrawn: the request is cancelled.",
        "rated" => "Thank you for your rating.",
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
    /// Outage windows: the service and times (UTC, from a datetime-local field).
    #[serde(default)]
    service: String,
    #[serde(default)]
    started_at: String,
    #[serde(default)]
    ended_at: String,
}

/// "2026-11-20T09:30" (a datetime-local field, read as UTC) or RFC 3339; blank: None.
fn when(field: &'static str, raw: &str) -> Result<Option<i64>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if let Ok(t) = raw.parse::<jiff::Timestamp>() {
        return Ok(Some(t.as_millisecond()));
    }
    raw.parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| Some(z.timestamp().as_millisecond()))
        .ok_or_else(|| AppError::invalid(field, format!("'{raw}' is not a date and time like 2026-11-20T09:30")))
}

#[derive(Deserialize)]
pub(crate) struct RateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

/// The requester rates a resolved ticket from the portal.
pub(crate) async fn rate(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, Form(f): Form<RateForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let r = async {
        let rating = f.rating.trim().parse::<i64>().map_err(|_| AppError::invalid("rating", "choose a rating from 1 to 5"))?;
        let answer = cairn_app::sla::surveys::SurveyAnswer {
            comment: Some(f.comment.clone()).filter(|c| !c.trim().is_empty()),
            ..Default::default()
        };
        ctx.app.rate_ticket(&s.actor, &number, Some(rating), answer).await.map(|_| None)
    }
    .await;
    finish(&ctx, &s, &number, "rated", r).await
}

#[derive(Deserialize)]
pub(crate) struct ViewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    query: String,
    #[serde(default)]
    shared: Option<String>,
}

/// Saves the queue's filters as a view, then shows it.
pub(crate) async fn save_view(State(ctx): State<Ctx>, s: Session, Form(f): Form<ViewForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    if let Err(e) = super::views::Filters::parse(&f.query) {
        return error_page(Some(&s), cairn_app::AppError::invalid("query", e));
    }
    match ctx.app.save_view(&s.actor, &f.name, &f.query, f.shared.is_some()).await {
        Ok(v) => Redirect::to(&format!("/tickets?{}", v.query)).into_response(),
        Err(e) => error_page(Some(&s), e),
    }
}

pub(crate) async fn delete_view(State(ctx): State<Ctx>, s: Session, Path(id): Path<i64>, Form(f): Form<ViewForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    match ctx.app.delete_view(&s.actor, id).await {
        Ok(()) => Redirect::to("/tickets").into_response(),
        Err(e) => error_page(Some(&s), e),
    }
}

/// The requester confirms the resolution.
pub(crate) async fn confirm(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, Form(f): Form<ActionForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let r = ctx.app.confirm_resolution(&s.actor, &number).await.map(|_| None);
    finish(&ctx, &s, &number, "confirmed", r).await
}

/// The requester withdraws an open request.
pub(crate) async fn withdraw(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, Form(f): Form<ActionForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let r = ctx.app.withdraw(&s.actor, &number, &f.reason).await.map(|_| None);
    finish(&ctx, &s, &number, "withdrawn", r).await
}

pub(crate) async fn record_outage(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, Form(f): Form<ActionForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let r = async {
        let started_at =
            when("started_at", &f.started_at)?.ok_or_else(|| AppError::invalid("started_at", "say when the outage started"))?;
        let input = OutageInput { service: Some(f.service.clone()), started_at, ended_at: when("ended_at", &f.ended_at)? };
        ctx.app.record_outage(&s.actor, &number, input).await.map(|_| None)
    }
    .await;
    finish(&ctx, &s, &number, "outage", r).await
}

pub(crate) async fn end_outage(
    State(ctx): State<Ctx>,
    s: Session,
    Path((number, id)): Path<(String, i64)>,
    Form(f): Form<ActionForm>,
) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let r = async {
        let at = when("ended_at", &f.ended_at)?.unwrap_or_else(|| ctx.app.now());
        ctx.app.end_outage(&s.actor, &number, id, Some(at)).await.map(|_| None)
    }
    .await;
    finish(&ctx, &s, &number, "outage", r).await
}

pub(crate) async fn remove_outage(
    State(ctx): State<Ctx>,
    s: Session,
    Path((number, id)): Path<(String, i64)>,
    Form(f): Form<ActionForm>,
) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let r = ctx.app.remove_outage(&s.actor, &number, id).await.map(|_| None);
    finish(&ctx, &s, &number, "outage", r).await
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
