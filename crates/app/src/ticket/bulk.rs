//! One change for many tickets, chosen in the queue: each ticket is changed in its own
//! transaction (with its own journal entries and effects), so a ticket that refuses the
//! change names its reason and the others keep theirs.

use super::{TicketChange, TicketView};
use crate::{App, AppError, Result};
use cairn_domain::platform::access::{Actor, Permission};

/// The most tickets one bulk change takes: a queue page.
pub const BULK_LIMIT: usize = 100;

/// What to change on every chosen ticket; `None` leaves a field as each ticket has it.
#[derive(Debug, Clone, Default)]
pub struct BulkChange {
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<String>>,
    pub group: Option<Option<String>>,
    pub impact: Option<i64>,
    pub urgency: Option<i64>,
    pub status: Option<String>,
    /// Needed with `status` resolved.
    pub resolution_code: Option<String>,
    pub resolution_notes: Option<String>,
    /// Added to each ticket's tags (kept once).
    pub add_tag: Option<String>,
}

impl BulkChange {
    fn is_empty(&self) -> bool {
        self.assignee.is_none()
            && self.group.is_none()
            && self.impact.is_none()
            && self.urgency.is_none()
            && self.status.is_none()
            && self.add_tag.is_none()
    }
}

/// What became of one ticket of a bulk change.
#[derive(Debug)]
pub struct BulkOutcome {
    pub number: String,
    /// The ticket as changed, or why it refused.
    pub result: Result<TicketView>,
}

impl App {
    /// Applies `ch` to each of `numbers` (in order, each once) and tells what became of
    /// each. Refused as a whole only when the request itself is wrong: nobody chosen,
    /// more than [`BULK_LIMIT`], or nothing to change.
    #[tracing::instrument(name = "bulk_update", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0, n = numbers.len()))]
    pub async fn bulk_update(&self, actor: &Actor, numbers: &[String], ch: BulkChange) -> Result<Vec<BulkOutcome>> {
        if !actor.may(Permission::WorkTickets) {
            return Err(AppError::Forbidden("only agents can change tickets".into()));
        }
        let mut chosen: Vec<&str> = Vec::with_capacity(numbers.len());
        for n in numbers.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
            if !chosen.contains(&n) {
                chosen.push(n);
            }
        }
        if chosen.is_empty() {
            return Err(AppError::invalid("numbers", "choose at least one ticket"));
        }
        if chosen.len() > BULK_LIMIT {
            return Err(AppError::invalid("numbers", format!("choose at most {BULK_LIMIT} tickets at once")));
        }
        if ch.is_empty() {
            return Err(AppError::invalid("change", "choose at least one thing to change"));
        }
        let mut out = Vec::with_capacity(chosen.len());
        for number in chosen {
            let result = self.bulk_one(actor, number, &ch).await;
            out.push(BulkOutcome { number: number.to_string(), result });
        }
        Ok(out)
    }

    async fn bulk_one(&self, actor: &Actor, number: &str, ch: &BulkChange) -> Result<TicketView> {
        let current = self.get_ticket(actor, number).await?.ticket;
        let tags =
            ch.add_tag.as_ref().filter(|tag| !current.tags.contains(tag)).map(|tag| [current.tags.clone(), vec![tag.clone()]].concat());
        let change = TicketChange {
            status: ch.status.clone(),
            impact: ch.impact,
            urgency: ch.urgency,
            tags,
            assignee: ch.assignee.clone(),
            group: ch.group.clone(),
            resolution_code: ch.resolution_code.clone(),
            resolution_notes: ch.resolution_notes.clone(),
            ..TicketChange::default()
        };
        // The version just read: a ticket changed by someone else meanwhile refuses (stale)
        // rather than losing their change.
        self.update_ticket(actor, &current.number, current.version, change).await
    }
}
