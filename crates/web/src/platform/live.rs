//! Server-sent events for open pages: a ticket page hears when its ticket changes (so
//! the agent reviews before saving over someone else's change), the queue hears when
//! any ticket does. The browser's EventSource reconnects by itself; each connection
//! first reports what changed since the page was drawn, so nothing falls in a gap.

use std::convert::Infallible;
use std::future::Future;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use cairn_app::platform::live::{Batch, Change, Listener};
use cairn_app::ticket::Mark;
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
    let (app, actor) = (ctx.app.clone(), s.actor.clone());
    match ctx.app.watch_ticket(&s.actor, &number, (seen.v, seen.at)).await {
        Ok((id, l)) => {
            // Requesters hear only of events they may read (not of internal notes):
            // each batch with news is checked against the journal from where the last
            // check stopped. Staff hear of every change.
            let mark = Arc::new(Mutex::new(Mark::drawn_at(seen.at)));
            events(l, move |batch| {
                let (app, actor, mark) = (app.clone(), actor.clone(), mark.clone());
                async move {
                    let news = |c: &&Change| c.id == id && (c.version != seen.v || c.updated_at > seen.at);
                    // Fell behind (no batch): something may have changed, it cannot say what.
                    let c = match &batch {
                        Some(b) => Some(b.iter().rfind(news)?),
                        None => None,
                    };
                    if !actor.role.is_staff() {
                        // The news is the last event they may read, not a later internal one.
                        let from = *mark.lock().expect("mark lock");
                        let (readable, next) = app.ticket_news(&actor, id, from).await.unwrap_or((None, from));
                        *mark.lock().expect("mark lock") = next;
                        let at = readable?;
                        return Some(c.map_or_else(|| json!({}), |c| json!({"version": c.version, "updated_at": at})));
                    }
                    Some(c.map_or_else(|| json!({}), |c| json!({"version": c.version, "updated_at": c.updated_at})))
                }
            })
        }
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
        Ok(l) => events(l, move |batch| async move {
            let Some(batch) = batch else { return Some(json!({})) };
            let numbers: Vec<&str> = batch.iter().filter(|c| c.updated_at >= q.since).map(|c| c.number.as_str()).collect();
            (!numbers.is_empty()).then(|| json!({ "numbers": numbers }))
        }),
        Err(e) => error_page(Some(&s), e),
    }
}

/// A `changed` event for each batch `pick` finds something in. A listener that fell
/// behind asks `pick` with no batch; an empty `changed` event then says something
/// changed without saying what.
fn events<F, P>(l: Listener, pick: P) -> Response
where
    P: Fn(Option<Batch>) -> F + Send + 'static,
    F: Future<Output = Option<Value>> + Send,
{
    let first = (!l.missed.is_empty()).then(|| Arc::new(l.missed));
    let state = (l.rx, first, pick);
    let stream = stream::unfold(state, |(mut rx, mut pending, pick)| async move {
        let data = loop {
            let batch = match pending.take() {
                Some(b) => Some(b),
                None => match rx.recv().await {
                    Ok(batch) => Some(batch),
                    Err(RecvError::Lagged(_)) => None,
                    Err(RecvError::Closed) => return None,
                },
            };
            if let Some(v) = pick(batch).await {
                break v;
            }
        };
        let event = Event::default().event("changed").data(data.to_string());
        Some((Ok::<_, Infallible>(event), (rx, pending, pick)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}
