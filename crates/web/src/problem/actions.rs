//! The problem action on its ticket page: post the known-error workaround to every
//! linked open incident.

use axum::extract::State;
use axum::response::Response;

use crate::ctx::Ctx;
use crate::extract::TicketPath;
use crate::platform::csrf::{Button, CsrfForm};
use crate::platform::session::Session;
use crate::ticket::show::finish;

pub(crate) async fn workaround(State(ctx): State<Ctx>, s: Session, TicketPath(number): TicketPath, _: CsrfForm<Button>) -> Response {
    let r = ctx.app.apply_workaround(&s.actor, &number).await.map(|_| None);
    finish(&ctx, &s, &number, "workaround", r).await
}
