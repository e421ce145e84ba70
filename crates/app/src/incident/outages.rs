//! Outage windows on incidents: when the affected service was down. A service's
//! availability XLA is measured from them, during its calendar's hours.

use cairn_domain::ids::OutageId;
use cairn_domain::platform::access::Actor;
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::ticket::TicketKind;
use cairn_store::incident::outages::{self as store, Outage};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::tx;

use crate::ticket::load;
use crate::{App, AppError, Result, agents_only};

/// An outage as an agent records it.
#[derive(Debug, Clone)]
pub struct OutageInput {
    /// The service that was down; the incident's service when none.
    pub service: Option<String>,
    pub started_at: i64,
    /// None while it lasts.
    pub ended_at: Option<i64>,
}

/// An outage may not end before it starts, nor start or end in the future.
fn check_times(started_at: i64, ended_at: Option<i64>, now: i64) -> Result<()> {
    if started_at > now {
        return Err(AppError::invalid("started_at", "an outage cannot start in the future"));
    }
    match ended_at {
        Some(e) if e <= started_at => Err(AppError::invalid("ended_at", "must be after started_at")),
        Some(e) if e > now => Err(AppError::invalid("ended_at", "an outage cannot end in the future; leave it open while it lasts")),
        _ => Ok(()),
    }
}

/// "Email 2026-11-20 09:00–11:30 UTC" for the history.
fn window(o: &Outage) -> String {
    let end = o.ended_at.map(crate::platform::clock::minute).unwrap_or_else(|| "ongoing".into());
    format!("{} {}–{end} UTC", o.service, crate::platform::clock::minute(o.started_at))
}

/// The ticket's outage `id`.
async fn one(c: &mut cairn_store::Conn, tk: &cairn_domain::ticket::Ticket, id: OutageId) -> Result<Outage> {
    store::for_ticket(c, tk.tenant_id, tk.id)
        .await?
        .into_iter()
        .find(|o| o.id == id)
        .ok_or_else(|| AppError::NotFound(format!("outage {id} of {}", tk.number)))
}

impl App {
    /// Records an outage window on an incident (agents).
    #[tracing::instrument(name = "record_outage", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn record_outage(&self, actor: &Actor, number: &str, input: OutageInput) -> Result<Outage> {
        agents_only(actor)?;
        let now = self.now();
        check_times(input.started_at, input.ended_at, now)?;
        let (actor, number) = (actor.clone(), number.to_string());
        self.db
            .write(tx!(|c| {
                let t = actor.tenant_id;
                let tk = load(c, &actor.scope(), &number).await?;
                if tk.kind != TicketKind::Incident {
                    return Err(AppError::invalid("number", format!("{} is not an incident", tk.number)));
                }
                let service = input
                    .service
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .or_else(|| tk.service.clone())
                    .ok_or_else(|| AppError::invalid("service", format!("{} names no service; say which one was down", tk.number)))?;
                if service.chars().count() > 200 {
                    return Err(AppError::invalid("service", "must be at most 200 characters"));
                }
                let mut o = Outage { id: OutageId(0), ticket: tk.id, service, started_at: input.started_at, ended_at: input.ended_at };
                o.id = store::insert(c, t, &o, now).await?;
                let mut e = Entry::ticket(tk.id.0, TicketAction::OutageRecorded);
                e.field = Some("outage".into());
                e.new = Some(window(&o));
                journal::append(c, t, Some(actor.user_id), now, &[e]).await?;
                Ok(o)
            }))
            .await
    }

    /// Ends an outage (or reopens it with None).
    #[tracing::instrument(name = "end_outage", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn end_outage(&self, actor: &Actor, number: &str, id: OutageId, ended_at: Option<i64>) -> Result<Outage> {
        agents_only(actor)?;
        let now = self.now();
        let (actor, number) = (actor.clone(), number.to_string());
        self.db
            .write(tx!(|c| {
                let t = actor.tenant_id;
                let tk = load(c, &actor.scope(), &number).await?;
                let mut o = one(c, &tk, id).await?;
                check_times(o.started_at, ended_at, now)?;
                let mut e = Entry::ticket(tk.id.0, TicketAction::OutageChanged);
                e.field = Some("outage".into());
                e.old = Some(window(&o));
                o.ended_at = ended_at;
                e.new = Some(window(&o));
                store::set_end(c, t, tk.id, id, ended_at).await?;
                journal::append(c, t, Some(actor.user_id), now, &[e]).await?;
                Ok(o)
            }))
            .await
    }

    /// Removes an outage recorded in error.
    #[tracing::instrument(name = "remove_outage", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn remove_outage(&self, actor: &Actor, number: &str, id: OutageId) -> Result<()> {
        agents_only(actor)?;
        let now = self.now();
        let (actor, number) = (actor.clone(), number.to_string());
        self.db
            .write(tx!(|c| {
                let t = actor.tenant_id;
                let tk = load(c, &actor.scope(), &number).await?;
                let o = one(c, &tk, id).await?;
                store::delete(c, t, tk.id, id).await?;
                let mut e = Entry::ticket(tk.id.0, TicketAction::OutageRemoved);
                e.field = Some("outage".into());
                e.old = Some(window(&o));
                journal::append(c, t, Some(actor.user_id), now, &[e]).await?;
                Ok(())
            }))
            .await
    }

    #[tracing::instrument(name = "outages", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn outages(&self, actor: &Actor, number: &str) -> Result<Vec<Outage>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let tk = load(&mut c, &actor.scope(), number).await?;
        Ok(store::for_ticket(&mut c, actor.tenant_id, tk.id).await?)
    }
}
