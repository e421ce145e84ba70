//! The affected CIs of a ticket, set from a small form on its page (the whole list, as
//! CI numbers).

use axum::extract::State;
use axum::response::Response;
use cairn_app::ticket::TicketChange;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::extract::TicketPath;
use crate::platform::csrf::CsrfForm;
use crate::platform::form::list;
use crate::platform::session::Session;
use crate::ticket::show::finish;

#[derive(Deserialize)]
pub(crate) struct CisForm {
    version: i64,
    #[serde(default)]
    cis: String,
}

pub(crate) async fn set(State(ctx): State<Ctx>, s: Session, TicketPath(number): TicketPath, CsrfForm(f): CsrfForm<CisForm>) -> Response {
    let change = TicketChange { cis: Some(list(&f.cis)), ..TicketChange::default() };
    let r = ctx.app.update_ticket(&s.actor, &number, f.version, change).await.map(|_| None);
    finish(&ctx, &s, &number, "cis", r).await
}

#[derive(Deserialize)]
pub(crate) struct VersionForm {
    version: i64,
}

/// Applies the impact the affected CIs' services suggest.
pub(crate) async fn apply_impact(
    State(ctx): State<Ctx>,
    s: Session,
    TicketPath(number): TicketPath,
    CsrfForm(f): CsrfForm<VersionForm>,
) -> Response {
    let r = ctx.app.apply_ci_impact(&s.actor, &number, f.version).await.map(|_| None);
    finish(&ctx, &s, &number, "impact", r).await
}
