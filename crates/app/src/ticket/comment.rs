//! Replies and internal notes, with the time they log; a requester's reply reopens a
//! resolved ticket, and a closed ticket takes no more replies (only internal notes).

use super::kernel::{By, Kernel, Prepared, change_entries};
use super::watchers::{tell_mentioned, tell_watchers};
use super::*;
use cairn_store::tx;

impl App {
    /// Adds a public reply or an internal note, with the minutes spent on the work it
    /// records (agents only).
    #[tracing::instrument(name = "add_comment", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn add_comment(&self, actor: &Actor, number: &str, body: &str, internal: bool, minutes: i64) -> Result<Comment> {
        let said = Said { body: body.to_string(), internal, minutes };
        let (actor, now, number, kernel) = (actor.clone(), self.now(), number.to_string(), self.kernel.clone());
        self.db.write(tx!(|c| { say(c, &kernel, &actor, &number, said, now).await })).await
    }
}

/// A reply or note as written: its text, whether it is internal, and the minutes it logs.
pub(super) struct Said {
    pub body: String,
    pub internal: bool,
    pub minutes: i64,
}

/// [`App::add_comment`] inside the caller's transaction.
pub(super) async fn say(c: &mut Conn, kernel: &Kernel, actor: &Actor, number: &str, said: Said, now: i64) -> Result<Comment> {
    let Said { body, internal, minutes } = said;
    if internal && !actor.may(Permission::InternalNotes) {
        return Err(AppError::Forbidden("only agents can write internal notes".into()));
    }
    let minutes = ticket::parse_minutes(minutes)?;
    if minutes > 0 && !actor.may(Permission::WorkTickets) {
        return Err(AppError::Forbidden("only agents log time".into()));
    }
    let body = ticket::parse_text("body", &body, true)?;
    let backend = kernel.backend();
    let scope = actor.scope();
    let ticket = load(c, &scope, number).await?;
    if !internal && ticket.status == Status::Closed {
        return Err(AppError::Conflict(format!(
            "{number} is closed, so a reply would reach no one; raise a new ticket and mention {number} in it"
        )));
    }
    let comment = store::insert_comment(
        c,
        backend,
        &scope,
        &store::NewComment { ticket: ticket.id, author: Some(actor.user_id), body: &body, internal, minutes, at: now },
    )
    .await?;
    store::touch(c, &scope, ticket.id, now).await?;
    let mut e = Entry::ticket(ticket.id.0, TicketAction::Commented);
    e.field = Some(if internal { "note" } else { "reply" }.to_string());
    e.new = Some(body.clone());
    let mut entries = vec![e];
    if minutes > 0 {
        let mut logged = Entry::ticket(ticket.id.0, TicketAction::TimeLogged);
        logged.field = Some("minutes".into());
        logged.old = Some(ticket.time_spent.to_string());
        logged.new = Some((ticket.time_spent + minutes).to_string());
        entries.push(logged);
    }
    // A requester answering a resolved ticket says it is not solved: back to work.
    let reopens = !internal && actor.user_id == ticket.requester_id && ticket.status == Status::Resolved;
    journal::append(c, actor.tenant_id, Some(actor.user_id), now, &entries).await?;
    let (by, p) = (By::user(actor.user_id, actor.may(Permission::WorkTickets)), Prepared::default());
    if reopens {
        let mut reopened = ticket.clone();
        let back = TicketPatch { status: Some(Status::InProgress), ..TicketPatch::default() };
        let changes = reopened.apply(back, &CurrentNames::default(), &Default::default(), now)?;
        let mut why = Entry::ticket(ticket.id.0, TicketAction::Reopened);
        why.field = Some("reason".into());
        why.new = Some("the requester replied".into());
        let entries = [vec![why], change_entries(&reopened, &changes)].concat();
        kernel.update(c, &p, &ticket, &mut reopened, entries, by, now).await?;
    } else {
        kernel.touched(c, &p, &ticket, by, now).await?;
    }
    let what = if reopens {
        "reopened by the requester's reply"
    } else if internal {
        "has a new note"
    } else {
        "has a new reply"
    };
    let message = format!("{} {what}", ticket.number);
    let seen = TicketAction::Commented.visibility(Some(if internal { "note" } else { "reply" }));
    if !internal {
        let to = if actor.user_id == ticket.requester_id { ticket.assignee_id } else { Some(ticket.requester_id) };
        if let Some(to) = to.filter(|u| *u != actor.user_id) {
            notify(c, &ticket, to, News::new(NewsKind::Reply, seen, message.clone()), now).await?;
        }
    }
    tell_watchers(c, &ticket, actor.user_id, NewsKind::Reply, seen, &message, now).await?;
    tell_mentioned(c, &ticket, actor, seen, &body, now).await?;
    Ok::<_, AppError>(comment)
}
