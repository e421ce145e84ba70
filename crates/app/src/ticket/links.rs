//! Links between tickets, and a ticket's history.

use cairn_domain::platform::visibility;
use cairn_store::tx;

use super::*;

impl App {
    #[tracing::instrument(name = "add_link", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn add_link(&self, actor: &Actor, number: &str, target: &str, kind: &str) -> Result<()> {
        if !actor.may(Permission::WorkTickets) {
            return Err(AppError::Forbidden("only agents can link tickets".into()));
        }
        if !LINK_KINDS.contains(&kind) {
            return Err(AppError::invalid(
                "kind",
                format!("unknown link kind '{kind}' (expected related, parent_of, duplicate_of or causes)"),
            ));
        }
        let (actor, now, number, target, kind) = (actor.clone(), self.now(), number.to_string(), target.to_string(), kind.to_string());
        self.db
            .write(tx!(|c| {
                let scope = actor.scope();
                let from = load(c, &scope, &number).await?;
                let to = load(c, &scope, &target).await.map_err(|_| AppError::invalid("target", format!("no ticket '{target}'")))?;
                if from.id == to.id {
                    return Err(AppError::invalid("target", "a ticket cannot be linked to itself"));
                }
                if kind == "causes" && (from.kind != TicketKind::Problem || to.kind != TicketKind::Incident) {
                    return Err(AppError::invalid("kind", "'causes' links a problem to an incident"));
                }
                store::insert_link(c, &scope, from.id, to.id, &kind, now).await?;
                let mut e = Entry::ticket(from.id.0, TicketAction::Linked);
                e.field = Some(kind);
                e.new = Some(to.number);
                journal::append(c, actor.tenant_id, Some(actor.user_id), now, &[e]).await?;
                Ok(())
            }))
            .await
    }

    #[tracing::instrument(name = "comments", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn comments(&self, actor: &Actor, number: &str) -> Result<Vec<Comment>> {
        let mut c = self.db.read().await?;
        let s = actor.scope();
        let t = load(&mut c, &s, number).await?;
        Ok(store::comments(&mut c, &s, t.id).await?)
    }

    #[tracing::instrument(name = "links", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn links(&self, actor: &Actor, number: &str) -> Result<Vec<Link>> {
        let mut c = self.db.read().await?;
        let s = actor.scope();
        let t = load(&mut c, &s, number).await?;
        Ok(store::links(&mut c, &s, t.id).await?)
    }

    /// The ticket's journal, oldest first, as the actor may read it: requesters get the
    /// public events only (`cairn_domain::platform::visibility`).
    #[tracing::instrument(name = "history", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn history(&self, actor: &Actor, number: &str) -> Result<Vec<Recorded>> {
        let mut c = self.db.read().await?;
        let s = actor.scope();
        let t = load(&mut c, &s, number).await?;
        let events = journal::for_entity(&mut c, actor.tenant_id, "ticket", t.id.0).await?;
        Ok(events.into_iter().filter_map(|r| Some(Recorded { event: visibility::as_seen(r.event, &s)?, ..r })).collect())
    }
}
