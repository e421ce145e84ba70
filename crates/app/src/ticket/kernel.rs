//! The ticket kernel: the one way a ticket row is written. [`Kernel::insert`] and
//! [`Kernel::update`] write the ticket and its journal entries, then run every
//! practice's [`Effect`]s in the order they were registered (`App::new`), all in the
//! caller's transaction: an effect that fails rolls the whole use case back, and an
//! effect may save other tickets through the kernel (a request's tasks, a parent's
//! children), whose effects run in turn.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use cairn_domain::ids::{TenantId, UserId};
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::ticket::status::Status;
use cairn_domain::ticket::{FieldChange, Ticket};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::{Backend, BoxFuture, Conn, ticket as store};

use tracing::Instrument;

use crate::Result;

/// What happened to a ticket, as effects see it.
pub(crate) enum Change<'a> {
    Created,
    /// Its fields changed from `before` (the kernel saved the row).
    Updated {
        before: &'a Ticket,
    },
    /// Its conversation moved on (a reply, a note, a merge) without a field change.
    Touched,
}

/// One event of a ticket, handed to every effect after it was written.
pub(crate) struct Event<'a> {
    pub ticket: &'a Ticket,
    pub change: Change<'a>,
    /// Who made the change; None for the system (timers, jobs).
    pub by: Option<UserId>,
    /// Whether `by` works tickets (an agent or administrator).
    pub by_staff: bool,
    pub now: i64,
}

impl Event<'_> {
    /// The status the ticket had before, when this event changed it.
    pub fn status_before(&self) -> Option<Status> {
        match self.change {
            Change::Created => None,
            Change::Updated { before } => (before.status != self.ticket.status).then_some(before.status),
            Change::Touched => None,
        }
    }

    /// Whether this event moved the ticket into `status`.
    pub fn entered(&self, status: Status) -> bool {
        self.ticket.status == status && self.status_before().is_some_and(|b| b != status)
    }
}

/// What an effect read before the transaction (configuration, on a reader), by effect;
/// and what an effect that was not prepared read inside it, kept for the rest of the use
/// case (by effect and tenant), so a use case saving many tickets reads it once.
#[derive(Default)]
pub(crate) struct Prepared {
    tenant: Option<TenantId>,
    slots: Vec<Option<Box<dyn Any + Send + Sync>>>,
    read: std::sync::Mutex<HashMap<(usize, TenantId), Arc<dyn Any + Send + Sync>>>,
}

/// The view of the transaction an effect gets: the kernel to save other tickets with,
/// and what it prepared.
#[derive(Clone, Copy)]
pub(crate) struct Tx<'a> {
    pub kernel: &'a Kernel,
    pub prepared: &'a Prepared,
    slot: usize,
}

impl<'a> Tx<'a> {
    /// A view for a use case that saves tickets itself (nothing prepared).
    pub fn of(kernel: &'a Kernel, prepared: &'a Prepared) -> Tx<'a> {
        Tx { kernel, prepared, slot: usize::MAX }
    }

    /// What this effect read for `t` earlier in the same use case ([`Tx::remember`]).
    pub fn recalled<T: Any + Send + Sync>(&self, t: TenantId) -> Option<Arc<T>> {
        let read = self.prepared.read.lock().ok()?;
        read.get(&(self.slot, t)).cloned().and_then(|v| v.downcast::<T>().ok())
    }

    /// Keeps what this effect read for `t` for the rest of the use case.
    pub fn remember<T: Any + Send + Sync>(&self, t: TenantId, value: Arc<T>) {
        if let Ok(mut read) = self.prepared.read.lock() {
            read.insert((self.slot, t), value);
        }
    }

    /// What this effect prepared for `t`, if the use case prepared it.
    pub fn prepared<T: 'static>(&self, t: TenantId) -> Option<&'a T> {
        let p = self.prepared;
        if p.tenant != Some(t) {
            return None;
        }
        p.slots.get(self.slot).and_then(|s| s.as_ref()).and_then(|b| b.downcast_ref::<T>())
    }
}

/// A practice's reaction to ticket events. Each method has a no-op default.
pub(crate) trait Effect: Send + Sync {
    /// What the effect is called in traces.
    fn name(&self) -> &'static str;

    /// Reads configuration on a reader before the write, so the single writer does less.
    fn prepare<'a>(&'a self, _c: &'a mut Conn, _t: TenantId, _now: i64) -> BoxFuture<'a, Result<Option<Box<dyn Any + Send + Sync>>>> {
        Box::pin(async { Ok(None) })
    }

    /// Runs before a change of `ticket` is written (locks to take first).
    fn before_update<'a>(&'a self, _c: &'a mut Conn, _tx: Tx<'a>, _ticket: &'a Ticket) -> BoxFuture<'a, Result<()>> {
        Box::pin(async { Ok(()) })
    }

    /// Runs after the ticket and its journal entries were written.
    fn after<'a>(&'a self, c: &'a mut Conn, tx: Tx<'a>, e: &'a Event<'a>) -> BoxFuture<'a, Result<()>>;
}

/// Who saves, for the journal and for effects.
#[derive(Debug, Clone, Copy)]
pub(crate) struct By {
    pub user: Option<UserId>,
    pub staff: bool,
}

impl By {
    pub const SYSTEM: By = By { user: None, staff: true };

    pub fn user(u: UserId, staff: bool) -> By {
        By { user: Some(u), staff }
    }
}

/// A ticket inserted whose effects have not run yet: give it to [`Kernel::created`].
#[must_use = "a new ticket's effects run only through Kernel::created"]
pub(crate) struct Inserted {
    by: By,
}

pub(crate) struct Kernel {
    backend: Backend,
    effects: Vec<Arc<dyn Effect>>,
}

impl Kernel {
    pub fn new(backend: Backend, effects: Vec<Arc<dyn Effect>>) -> Kernel {
        Kernel { backend, effects }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Lets every effect read what it needs for tenant `t` (call on a reader).
    pub async fn prepare(&self, c: &mut Conn, t: TenantId, now: i64) -> Result<Prepared> {
        let mut slots = Vec::with_capacity(self.effects.len());
        for e in &self.effects {
            slots.push(e.prepare(c, t, now).await?);
        }
        Ok(Prepared { tenant: Some(t), slots, read: Default::default() })
    }

    /// Writes a new ticket (its id is set here) with its journal entries; `entries` are
    /// this ticket's (their entity id becomes the new ticket's). Its effects run when the
    /// caller, having written its own rows for the ticket, hands the token to [`Kernel::created`].
    pub async fn insert(&self, c: &mut Conn, ticket: &mut Ticket, entries: Vec<Entry>, by: By) -> Result<Inserted> {
        ticket.id = store::insert(c, self.backend, ticket).await?;
        let entries: Vec<Entry> = entries.into_iter().map(|e| Entry { entity_id: ticket.id.0, ..e }).collect();
        journal::append(c, ticket.tenant_id, by.user, ticket.created_at, &entries).await?;
        Ok(Inserted { by })
    }

    /// Runs the effects of a ticket just inserted.
    pub fn created<'a>(&'a self, c: &'a mut Conn, p: &'a Prepared, done: Inserted, ticket: &'a Ticket) -> BoxFuture<'a, Result<()>> {
        let by = done.by;
        Box::pin(async move {
            self.run(c, p, &Event { ticket, change: Change::Created, by: by.user, by_staff: by.staff, now: ticket.created_at }).await
        })
    }

    /// Writes a change of `ticket` (from `before`): bumps its version, saves it with its
    /// journal `entries` (the caller's, in order: [`change_entries`] for the fields), then
    /// runs the effects.
    #[allow(clippy::too_many_arguments)]
    pub fn update<'a>(
        &'a self,
        c: &'a mut Conn,
        p: &'a Prepared,
        before: &'a Ticket,
        ticket: &'a mut Ticket,
        entries: Vec<Entry>,
        by: By,
        now: i64,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            for (slot, e) in self.effects.iter().enumerate() {
                e.before_update(c, Tx { kernel: self, prepared: p, slot }, ticket).await?;
            }
            ticket.version += 1;
            store::update(c, self.backend, before, ticket).await?;
            journal::append(c, ticket.tenant_id, by.user, now, &entries).await?;
            let change = Change::Updated { before };
            self.run(c, p, &Event { ticket, change, by: by.user, by_staff: by.staff, now }).await
        })
    }

    /// Runs the effects of a ticket whose conversation moved on (the caller wrote it).
    pub fn touched<'a>(&'a self, c: &'a mut Conn, p: &'a Prepared, ticket: &'a Ticket, by: By, now: i64) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move { self.run(c, p, &Event { ticket, change: Change::Touched, by: by.user, by_staff: by.staff, now }).await })
    }

    fn run<'a>(&'a self, c: &'a mut Conn, p: &'a Prepared, e: &'a Event<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            for (slot, effect) in self.effects.iter().enumerate() {
                let span = tracing::debug_span!("effect", name = effect.name(), ticket = %e.ticket.number);
                effect.after(c, Tx { kernel: self, prepared: p, slot }, e).instrument(span).await?;
            }
            Ok(())
        })
    }
}

/// Journal entries for the fields a change touched.
pub(crate) fn change_entries(t: &Ticket, changes: &[FieldChange]) -> Vec<Entry> {
    changes
        .iter()
        .map(|ch| Entry {
            entity: "ticket",
            entity_id: t.id.0,
            action: TicketAction::Updated.as_str(),
            field: Some(ch.field.to_string()),
            old: ch.old.clone(),
            new: ch.new.clone(),
        })
        .collect()
}

/// The "created" journal entry of a ticket. It records the facts the ticket was opened
/// with (field "facts", a JSON object), so that its clocks can be replayed from the
/// journal alone.
pub(crate) fn created_entry(tk: &Ticket, group: Option<&str>, assignee: Option<&str>) -> Entry {
    let value = |f: &str| -> Option<String> {
        match f {
            "status" => Some(tk.status.as_str().into()),
            "priority" => Some(tk.priority.get().to_string()),
            "category" => tk.category.clone(),
            "service" => tk.service.clone(),
            "group" => group.map(str::to_string),
            "assignee" => assignee.map(str::to_string),
            "tags" => (!tk.tags.is_empty()).then(|| tk.tags.join(", ")),
            _ => None,
        }
    };
    let facts: serde_json::Map<String, serde_json::Value> = cairn_domain::sla::replay::OPENED_FIELDS
        .iter()
        .filter_map(|f| value(f).map(|v| (f.to_string(), serde_json::Value::String(v))))
        .collect();
    Entry {
        entity: "ticket",
        entity_id: tk.id.0,
        action: TicketAction::Created.as_str(),
        field: Some("facts".into()),
        old: None,
        new: Some(serde_json::Value::Object(facts).to_string()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn what_an_effect_read_is_kept_for_the_use_case_by_effect_and_tenant() {
        let kernel = Kernel { backend: Backend::Sqlite, effects: vec![] };
        let p = Prepared::default();
        let (one, other) = (Tx { kernel: &kernel, prepared: &p, slot: 0 }, Tx { kernel: &kernel, prepared: &p, slot: 1 });
        assert!(one.recalled::<String>(TenantId(1)).is_none());
        one.remember(TenantId(1), Arc::new("setup".to_string()));
        assert_eq!(one.recalled::<String>(TenantId(1)).as_deref().map(String::as_str), Some("setup"));
        assert!(one.recalled::<String>(TenantId(2)).is_none(), "another tenant");
        assert!(other.recalled::<String>(TenantId(1)).is_none(), "another effect");
        assert!(one.recalled::<i64>(TenantId(1)).is_none(), "another type");
        assert!(Tx::of(&kernel, &Prepared::default()).recalled::<String>(TenantId(1)).is_none(), "another use case");
    }
}
