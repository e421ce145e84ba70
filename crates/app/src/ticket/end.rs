//! Ending tickets: closed after the waiting period, confirmed or withdrawn by their
//! requester, cancelled with their request.

use super::kernel::{By, Prepared, Tx, change_entries};
use super::*;
use crate::platform::worker::Job;
use cairn_store::tx;

/// How a requester ends their own ticket (see `App::requester_ends`).
struct RequesterEnd {
    /// "confirms a resolution", for the refusal of anyone else.
    verb: &'static str,
    may: fn(Status) -> bool,
    /// Why it may not, after the ticket's status.
    otherwise: &'static str,
    to: Status,
    action: TicketAction,
    reason: String,
}

/// Ends a ticket (closed, cancelled), journaling why before the status change.
pub(crate) async fn end_ticket(
    c: &mut Conn,
    tx: Tx<'_>,
    ticket: &mut Ticket,
    to: Status,
    (by, action, reason): (By, TicketAction, &str),
    now: i64,
) -> Result<()> {
    let before = ticket.clone();
    let close = TicketPatch { status: Some(to), ..TicketPatch::default() };
    let changes = ticket.apply(close, &CurrentNames::default(), &Default::default(), now)?;
    let mut why = Entry::ticket(ticket.id.0, action);
    why.field = Some("reason".into());
    why.new = Some(reason.into());
    let entries = [vec![why], change_entries(ticket, &changes)].concat();
    tx.kernel.update(c, tx.prepared, &before, ticket, entries, by, now).await
}

/// Closes a ticket still resolved since `resolved_at` (see the tenant's auto-close days).
#[derive(Debug, Serialize, Deserialize)]
pub struct AutoClose {
    pub ticket_id: i64,
    pub resolved_at: i64,
}

impl Job for AutoClose {
    const KIND: &'static str = "auto_close";

    async fn run(self, app: &App, t: TenantId) -> Result<(), String> {
        app.auto_close(t, self).await.map_err(|e| e.to_string())
    }
}

impl App {
    /// The auto-close job: closes the ticket if it is still resolved since `job.resolved_at`.
    pub(crate) async fn auto_close(&self, t: TenantId, job: AutoClose) -> Result<()> {
        let (now, kernel) = (self.now(), self.kernel.clone());
        self.db
            .write(tx!(|c| {
                let Some(mut ticket) = store::by_id(c, &Scope::system(t), TicketId(job.ticket_id)).await? else { return Ok(()) };
                if ticket.status != Status::Resolved || ticket.resolved_at != Some(job.resolved_at) {
                    return Ok(());
                }
                let why = "resolved and not reopened within the waiting period";
                let p = Prepared::default();
                let tx = Tx::of(&kernel, &p);
                end_ticket(c, tx, &mut ticket, Status::Closed, (By::SYSTEM, TicketAction::AutoClosed, why), now).await
            }))
            .await
    }

    /// says it is not solved and reopens it).
    #[tracing::instrument(name = "confirm_resolution", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn confirm_resolution(&self, actor: &Actor, number: &str) -> Result<()> {
        let end = RequesterEnd {
            verb: "confirms a resolution",
            may: |s| s == Status::Resolved,
            otherwise: "not resolved",
            to: Status::Closed,
            action: TicketAction::Confirmed,
            reason: "the requester confirmed the resolution".into(),
        };
        self.requester_ends(actor, number, end).await
    }

    /// The requester withdraws a request still being worked on: it is cancelled with
    /// their reason, and the assignee is told.
    #[tracing::instrument(name = "withdraw", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn withdraw(&self, actor: &Actor, number: &str, reason: &str) -> Result<()> {
        let reason = reason.trim().to_string();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(AppError::invalid("reason", "say in 1 to 500 characters why you no longer need it"));
        }
        let end = RequesterEnd {
            verb: "withdraws a request",
            may: Status::is_open,
            otherwise: "no longer open",
            to: Status::Cancelled,
            action: TicketAction::Withdrawn,
            reason: format!("the requester withdrew it: {reason}"),
        };
        self.requester_ends(actor, number, end).await
    }

    /// The requester ends their own ticket: journaled with the reason, the assignee told.
    async fn requester_ends(&self, actor: &Actor, number: &str, end: RequesterEnd) -> Result<()> {
        let (actor, now, number, kernel) = (actor.clone(), self.now(), number.to_string(), self.kernel.clone());
        self.db
            .write(tx!(|c| {
                let mut ticket = load(c, &actor.scope(), &number).await?;
                if ticket.requester_id != actor.user_id {
                    return Err(AppError::Forbidden(format!("only the requester {}", end.verb)));
                }
                if !(end.may)(ticket.status) {
                    let status = ticket.status.label().to_lowercase();
                    return Err(AppError::Conflict(format!("{} is {status}, {}", ticket.number, end.otherwise)));
                }
                let by = By::user(actor.user_id, actor.may(Permission::WorkTickets));
                let p = Prepared::default();
                let tx = Tx::of(&kernel, &p);
                end_ticket(c, tx, &mut ticket, end.to, (by, end.action, &end.reason), now).await?;
                if let Some(a) = ticket.assignee_id {
                    notify(
                        c,
                        &ticket,
                        a,
                        News::new(NewsKind::Status, end.action.visibility(None), format!("{}: {}", ticket.number, end.reason)),
                        now,
                    )
                    .await?;
                }
                Ok(())
            }))
            .await
    }
}
