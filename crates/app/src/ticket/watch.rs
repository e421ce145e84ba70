//! Live updates of one ticket's page: the actor must see the ticket.

use cairn_domain::ids::TicketId;
use cairn_domain::platform::access::Actor;

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
}
