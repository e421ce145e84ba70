//! Tickets like this one, for the agent's ticket page: the tickets whose text holds the
//! title's most telling words, found by the search index (so it stays fast at a
//! million tickets), best title overlap first.

use cairn_domain::platform::access::Actor;
use cairn_domain::problem::similarity::{jaccard, narrowing_queries, terms};
use cairn_domain::ticket::Ticket;

use crate::ticket::{ListRequest, TicketView};
use crate::{App, Result, agents_only};

/// Most similar tickets shown.
const SHOWN: usize = 5;

impl App {
    /// Tickets like `this` (one the actor has already loaded).
    #[tracing::instrument(name = "similar_tickets", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn similar_tickets(&self, actor: &Actor, this: &Ticket) -> Result<Vec<TicketView>> {
        agents_only(actor)?;
        let mut found: Vec<TicketView> = Vec::new();
        let queries = narrowing_queries(&this.title);
        for (i, q) in queries.iter().enumerate() {
            // The last, one-word query only when nothing closer was found.
            if found.len() >= SHOWN || (i > 0 && i + 1 == queries.len() && !found.is_empty()) {
                break;
            }
            let req = ListRequest { q: Some(q.clone()), sort: Some("-created".into()), limit: Some(20), ..Default::default() };
            for v in self.list_tickets(actor, req).await?.items {
                if v.ticket.id != this.id && !found.iter().any(|f| f.ticket.id == v.ticket.id) {
                    found.push(v);
                }
            }
        }
        let mine = terms(&this.title);
        let score = |v: &TicketView| jaccard(&mine, &terms(&v.ticket.title));
        found.sort_by(|a, b| score(b).total_cmp(&score(a)).then(b.ticket.created_at.cmp(&a.ticket.created_at)));
        found.truncate(SHOWN);
        Ok(found)
    }
}
