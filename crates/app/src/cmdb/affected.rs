//! The CIs a ticket affects: set with the ticket's change (one transaction, one
//! journal entry on the ticket), read for its page and JSON.

use cairn_domain::ids::{CiId, UserId};
use cairn_domain::platform::access::Actor;
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::ticket::Ticket;
use cairn_store::Conn;
use cairn_store::cmdb::ticket_cis::{self as store, Affected};
use cairn_store::platform::journal::{self, Entry};

use super::named;
use crate::ticket::load as load_ticket;
use crate::{App, Result};

/// At most this many CIs on one ticket.
pub const MAX_PER_TICKET: usize = 100;

/// Replaces the ticket's affected CIs with `numbers`, in the caller's transaction;
/// false when the list is what it was.
pub(crate) async fn set(c: &mut Conn, ticket: &Ticket, numbers: &[String], by: UserId, now: i64) -> Result<bool> {
    let t = ticket.tenant_id;
    if numbers.len() > MAX_PER_TICKET {
        return Err(crate::AppError::invalid("cis", format!("at most {MAX_PER_TICKET} CIs")));
    }
    let mut ids: Vec<CiId> = Vec::with_capacity(numbers.len());
    let mut names: Vec<String> = Vec::with_capacity(numbers.len());
    for n in numbers {
        let ci = named(c, t, "cis", n).await?;
        if !ids.contains(&ci.ci.id) {
            ids.push(ci.ci.id);
            names.push(ci.ci.number.to_string());
        }
    }
    let before: Vec<String> = store::of_ticket(c, t, ticket.id).await?.into_iter().map(|a| a.number).collect();
    names.sort();
    if before == names {
        return Ok(false);
    }
    store::set(c, t, ticket.id, &ids).await?;
    let mut e = Entry::ticket(ticket.id.0, TicketAction::Updated);
    e.field = Some("cis".into());
    e.old = (!before.is_empty()).then(|| before.join(", "));
    e.new = (!names.is_empty()).then(|| names.join(", "));
    journal::append(c, t, Some(by), now, &[e]).await?;
    Ok(true)
}

impl App {
    /// The CIs a ticket affects; staff only (requesters get an empty list).
    pub async fn ticket_cis(&self, actor: &Actor, number: &str) -> Result<Vec<Affected>> {
        let mut c = self.db.read().await?;
        let ticket = load_ticket(&mut c, &actor.scope(), number).await?;
        if !actor.role.is_staff() {
            return Ok(Vec::new());
        }
        Ok(store::of_ticket(&mut c, actor.tenant_id, ticket.id).await?)
    }
}
