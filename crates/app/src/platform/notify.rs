//! In-app notifications: queued with the change that causes them, delivered by the
//! worker into the person's list.

use cairn_domain::ids::{TenantId, TicketId, UserId};
use cairn_domain::platform::access::Actor;
use cairn_domain::ticket::Ticket;
use cairn_store::Conn;
use cairn_store::platform::{jobs, notifications};
use serde::{Deserialize, Serialize};

use super::worker::Job;
use crate::{App, Result};

/// An in-app notification to deliver.
#[derive(Debug, Serialize, Deserialize)]
pub struct Notify {
    pub ticket_id: i64,
    pub user_id: i64,
    pub message: String,
}

impl Job for Notify {
    const KIND: &'static str = "notify";

    async fn run(self, app: &App, t: TenantId) -> Result<(), String> {
        let now = app.now();
        app.db
            .write(move |c| {
                Box::pin(async move {
                    notifications::insert(c, t, UserId(self.user_id), Some(TicketId(self.ticket_id)), &self.message, now).await
                })
            })
            .await
            .map_err(|e| e.to_string())
    }
}

/// Queues a notification about `t` for `user` (same transaction).
pub(crate) async fn notify(c: &mut Conn, t: &Ticket, user: UserId, message: String, now: i64) -> Result<()> {
    let payload = Notify { ticket_id: t.id.0, user_id: user.0, message }.payload()?;
    jobs::enqueue(c, t.tenant_id, Notify::KIND, &payload, now, now).await?;
    Ok(())
}

impl App {
    #[tracing::instrument(name = "notifications", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn notifications(&self, actor: &Actor) -> Result<Vec<notifications::Notification>> {
        let mut c = self.db.read().await?;
        Ok(notifications::for_user(&mut c, actor.tenant_id, actor.user_id, 50).await?)
    }
}
