//! The ticket core's own effect: a resolved ticket closes itself after the tenant's
//! waiting period unless it is reopened first.

use cairn_domain::ticket::Ticket;
use cairn_domain::ticket::status::Status;
use cairn_store::platform::{jobs, tenants};
use cairn_store::{BoxFuture, Conn};

use super::end::AutoClose;
use super::kernel::{Effect, Event, Tx};
use crate::Result;
use crate::platform::worker::Job;

/// Queues the auto-close of every ticket that enters `resolved`.
pub(crate) struct AutoCloseTimer;

impl Effect for AutoCloseTimer {
    fn name(&self) -> &'static str {
        "auto_close_timer"
    }

    fn after<'a>(&'a self, c: &'a mut Conn, _tx: Tx<'a>, e: &'a Event<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            if !e.entered(Status::Resolved) {
                return Ok(());
            }
            let days = tenants::by_id(c, e.ticket.tenant_id).await?.map_or(0, |t| t.auto_close_days);
            schedule(c, e.ticket, days).await
        })
    }
}

/// The job does nothing if the ticket was reopened (or resolved again) meanwhile.
async fn schedule(c: &mut Conn, t: &Ticket, days: i64) -> Result<()> {
    let Some(resolved_at) = t.resolved_at.filter(|_| days > 0) else { return Ok(()) };
    let payload = AutoClose { ticket_id: t.id.0, resolved_at }.payload()?;
    jobs::enqueue(c, t.tenant_id, AutoClose::KIND, &payload, resolved_at + days * 86_400_000, resolved_at).await?;
    Ok(())
}
