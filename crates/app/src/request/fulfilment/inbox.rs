//! The approvals inbox: what waits for one person's decision, read in a fixed number of
//! queries whatever its length (the requests, their requesters and their items each in
//! one read).

use std::collections::HashMap;

use cairn_domain::ids::TicketId;
use cairn_domain::platform::access::{Actor, Scope};
use cairn_domain::ticket::Ticket;
use cairn_store::request::approvals as store;
use cairn_store::{platform::directory, request::catalog, ticket as tickets};

use super::approvals::{Case, answered};
use crate::{App, AppError, Result};

impl App {
    /// What waits for the actor's decision.
    #[tracing::instrument(name = "my_approvals", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn my_approvals(&self, actor: &Actor) -> Result<Vec<Case>> {
        let mut c = self.db.read().await?;
        let t = actor.tenant_id;
        let pending = store::pending_for(&mut c, t, actor.user_id).await?;
        let mut ids: Vec<TicketId> = pending.iter().map(|a| a.ticket_id).collect();
        ids.sort_by_key(|i| i.0);
        ids.dedup();
        let scope = Scope::system(t);
        let requests: HashMap<TicketId, Ticket> = tickets::by_ids(&mut c, &scope, &ids).await?.into_iter().map(|r| (r.id, r)).collect();
        let people: Vec<_> = requests.values().map(|r| r.requester_id).collect();
        let names: HashMap<_, _> = directory::users_by_ids(&mut c, t, &people).await?.into_iter().map(|u| (u.id, u.display_name)).collect();
        let mut items: HashMap<TicketId, Vec<_>> = HashMap::new();
        for (id, r) in catalog::requested_in(&mut c, t, &ids).await? {
            items.entry(id).or_default().push(answered(r)?);
        }
        let mut out = Vec::with_capacity(pending.len());
        for a in pending {
            let request = requests.get(&a.ticket_id).cloned().ok_or_else(|| AppError::NotFound("request".into()))?;
            let requester = names.get(&request.requester_id).cloned().unwrap_or_default();
            let items = items.get(&a.ticket_id).cloned().unwrap_or_default();
            out.push(Case { approval: a, request, requester, items });
        }
        Ok(out)
    }
}
