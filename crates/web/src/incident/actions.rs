//! Incident actions on the ticket page: escalate, declare a major incident, send a
//! communication update, write its review, and record the outages it caused. Each
//! posts a small form, then returns to the ticket with a notice or the error.

use axum::extract::{Path, State};
use axum::response::Response;
use cairn_app::AppError;
use cairn_app::incident::escalation::Escalation;
use cairn_app::incident::outages::OutageInput;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::extract::TicketPath;
use crate::platform::csrf::{Button, CsrfForm};
use crate::platform::session::Session;
use crate::ticket::show::finish;

#[derive(Deserialize)]
pub(crate) struct ActionForm {
    /// Escalation: `group` or `manager`.
    #[serde(default)]
    to: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    manager: String,
    #[serde(default)]
    message: String,
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

pub(crate) async fn escalate(
    State(ctx): State<Ctx>,
    s: Session,
    TicketPath(number): TicketPath,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> Response {
    let to = if f.to == "manager" { Escalation::Hierarchical } else { Escalation::Functional { group: f.group } };
    let r = ctx.app.escalate(&s.actor, &number, to, &f.reason).await.map(|_| None);
    finish(&ctx, &s, &number, "escalated", r).await
}

pub(crate) async fn major(
    State(ctx): State<Ctx>,
    s: Session,
    TicketPath(number): TicketPath,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> Response {
    let r = ctx.app.declare_major(&s.actor, &number, &f.manager).await.map(|_| None);
    finish(&ctx, &s, &number, "major", r).await
}

pub(crate) async fn update(
    State(ctx): State<Ctx>,
    s: Session,
    TicketPath(number): TicketPath,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> Response {
    let r = ctx.app.communicate(&s.actor, &number, &f.message).await.map(|_| None);
    finish(&ctx, &s, &number, "update", r).await
}

pub(crate) async fn review(
    State(ctx): State<Ctx>,
    s: Session,
    TicketPath(number): TicketPath,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> Response {
    let r = ctx.app.save_review(&s.actor, &number, &f.summary, &f.root_cause, &f.actions).await.map(|_| None);
    finish(&ctx, &s, &number, "review", r).await
}

pub(crate) async fn record_outage(
    State(ctx): State<Ctx>,
    s: Session,
    TicketPath(number): TicketPath,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> Response {
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
    TicketPath(number): TicketPath,
    Path((_, id)): Path<(String, cairn_domain::ids::OutageId)>,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> Response {
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
    TicketPath(number): TicketPath,
    Path((_, id)): Path<(String, cairn_domain::ids::OutageId)>,
    _: CsrfForm<Button>,
) -> Response {
    let r = ctx.app.remove_outage(&s.actor, &number, id).await.map(|_| None);
    finish(&ctx, &s, &number, "outage", r).await
}
