//! Server-sent events for open pages: a ticket page hears when its ticket changes (so
//! the agent reviews before saving over someone else's change), the queue hears when
//! any ticket does. The browser's EventSource reconnects by itself; each connection
//! first reports what changed since the page was drawn, so nothing falls in a gap.

use std::convert::Infallible;

use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use cairn_app::platform::live::{Change, Listener};
use futures_util::stream;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use crate::ctx::Ctx;
use crate::extract::TicketPath;
use crate::platform::page::error_page;
use crate::platform::session::Session;

/// What the page showed: the ticket's version and last change (ms).
#[derive(Deserialize)]
pub(crate) struct Seen {
    v: i64,
    at: i64,
}

pub(crate) async fn ticket(State(ctx): State<Ctx>, s: Session, TicketPath(number): TicketPath, Query(seen): Query<Seen>) -> Response {
    match ctx.app.watch_ticket(&s.actor, &number, (seen.v, seen.at)).await {
        Ok((id, l)) => events(l, move |batch| {
            let news = |c: &&Change| c.id == id && (c.version != seen.v || c.updated_at > seen.at);
            batch.iter().rfind(news).map(|c| json!({"version": c.version, "updated_at": c.updated_at}))
        }),
        Err(e) => error_page(Some(&s), e),
    }
}

/// When the queue page was drawn (ms).
#[derive(Deserialize)]
pub(crate) struct Since {
    since: i64,
}

pub(crate) async fn queue(State(ctx): State<Ctx>, s: Session, Query(q): Query<Since>) -> Response {
    match ctx.app.watch_tickets(&s.actor, q.since).await {
        Ok(l) => events(l, move |batch| {
            let numbers: Vec<&str> = batch.iter().filter(|c| c.updated_at >= q.since).map(|c| c.number.as_str()).collect();
            (!numbers.is_empty()).then(|| json!({ "numbers": numbers }))
        }),
        Err(e) => error_page(Some(&s), e),
    }
}

/// A `changed` event for each batch `pick` finds something in. A listener that fell
/// behind gets an empty `changed` event: something changed, it cannot say what.
fn events(l: Listener, pick: impl Fn(&[Change]) -> Option<Value> + Send + 'static) -> Response {
    let first = if l.missed.is_empty() { None } else { pick(&l.missed) };
    let state = (l.rx, first, pick);
    let stream = stream::unfold(state, |(mut rx, mut pending, pick)| async move {
        let data = match pending.take() {
            Some(v) => v,
            None => loop {
                match rx.recv().await {
                    Ok(batch) => {
                        if let Some(v) = pick(&batch) {
                            break v;
                        }
                    }
                    Err(RecvError::Lagged(_)) => break json!({}),
                    Err(RecvError::Closed) => return None,
                }
            },
        };
        let event = Event::default().event("changed").data(data.to_string());
        Some((Ok::<_, Infallible>(event), (rx, pending, pick)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}
