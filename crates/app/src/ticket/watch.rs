//! Live updates of one ticket's page: the actor must see the ticket.

use cairn_domain::ids::TicketId;
use cairn_domain::platform::access::Actor;
use cairn_domain::platform::visibility;
use cairn_store::platform::journal;
use cairn_store::ticket as store;

use super::load;
use crate::platform::live::{Change, Listener};
use crate::{App, Result};

impl App {
    /// Listens for changes of one ticket the actor may see. `seen` is the page's
    /// `(version, updated_at)`; a change made since is returned in `missed`.
    #[tracing::instrument(name = "watch_ticket", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn watch_ticket(&self, actor: &Actor, number: &str, seen: (i64, i64)) -> Result<(TicketId, Listener)> {
        let rx = self.listen(actor.tenant_id);
        let mut c = self.db.read().await?;
        let t = load(&mut c, &actor.scope(), number).await?;
        let missed = if (t.version, t.updated_at) != seen {
            vec![Change { id: t.id, number: t.number.clone(), version: t.version, updated_at: t.updated_at }]
        } else {
            vec![]
        };
        Ok((t.id, Listener { rx, missed }))
    }

    /// When the last event the actor may read happened, if the ticket's journal after `mark` holds one
    /// (`cairn_domain::platform::visibility`), and the mark to ask from next time. An
    /// open page of a requester hears only of what they can read: a public reply, a
    /// status change, not an internal note or an escalation.
    #[tracing::instrument(name = "ticket_news", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn ticket_news(&self, actor: &Actor, id: TicketId, mark: Mark) -> Result<(Option<i64>, Mark)> {
        let mut c = self.db.read().await?;
        let scope = actor.scope();
        if store::by_id(&mut c, &scope, id).await?.is_none() {
            return Ok((None, mark));
        }
        let events = journal::after(&mut c, actor.tenant_id, "ticket", id.0, mark.seq, mark.at).await?;
        let readable = events.iter().filter(|e| visibility::of(&e.action, e.field.as_deref()).readable_by(&scope)).map(|e| e.at).max();
        let seq = events.last().map_or(mark.seq, |e| e.seq);
        Ok((readable, Mark { seq, at: i64::MIN }))
    }
}

/// Where a listener's reading of a ticket's journal stands: past sequence number `seq`,
/// and (until the first read) past what the page showed, stamped at `at` (ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub seq: i64,
    pub at: i64,
}

impl Mark {
    /// Nothing read yet; the page showed the ticket as it stood at `at`.
    pub fn drawn_at(at: i64) -> Mark {
        Mark { seq: 0, at }
    }
}
