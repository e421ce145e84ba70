//! The problem action on its ticket page: post the known-error workaround to every
//! linked open incident.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;

use crate::ctx::Ctx;
use crate::platform::form::CsrfOnly;
use crate::platform::page::csrf_rejected;
use crate::platform::session::Session;
use crate::ticket::show::finish;

pub(crate) async fn workaround(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, Form(f): Form<CsrfOnly>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let r = ctx.app.apply_workaround(&s.actor, &number).await.map(|_| None);
    finish(&ctx, &s, &number, "workaround", r).await
}
