//! A ticket's clocks after each change: the definitions selected again, the new facts
//! fed to every clock, and one alarm queued for the next warning or breach.

use super::*;
use crate::platform::worker::Job;
use crate::ticket::current_names;
use crate::{AppError, Result};
use cairn_domain::ids::{ClockId, DefinitionId};
use cairn_domain::ids::{TenantId, TicketId};
use cairn_domain::platform::access::Scope;
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::sla::attach::{Attached, Change, apply_step};
use cairn_domain::sla::{Definition, Facts, State, Step};
use cairn_domain::ticket::{CurrentNames, Ticket};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::sla::{self as store, TicketClock};
use cairn_store::{Conn, platform::directory, platform::jobs, ticket as tickets};

/// The ticket's facts now, as the conditions see them.
pub(super) async fn facts_of(c: &mut Conn, tk: &Ticket) -> Result<Facts> {
    let t = tk.tenant_id;
    let CurrentNames { group, assignee } = current_names(c, tk).await?;
    let organisation = directory::user_by_id(c, t, tk.requester_id).await?.and_then(|u| u.organisation);
    Ok(Facts {
        kind: tk.kind.as_str().into(),
        status: tk.status.as_str().into(),
        priority: tk.priority.get(),
        category: tk.category.clone(),
        service: tk.service.clone(),
        group,
        assignee,
        organisation,
        tags: tk.tags.clone(),
        agent_replies: tickets::agent_replies(c, &Scope::system(t), tk.id).await?,
    })
}

pub(super) fn name_of(defs: &[Definition], id: DefinitionId) -> String {
    defs.iter().find(|d| d.id == id).map(|d| d.name.clone()).unwrap_or_else(|| format!("#{id}"))
}

/// A clock to save: its row id (0: new), the alarm already queued, and its meter.
pub(super) type ClockRow = (ClockId, Option<i64>, Attached);

/// Saves a ticket's clocks after a step and queues the next alarm of each.
pub(super) async fn save_clocks(c: &mut Conn, t: TenantId, ticket: TicketId, setup: &Setup, clocks: Vec<ClockRow>, now: i64) -> Result<()> {
    let (mut due, mut breached) = (None::<i64>, false);
    for (id, old_alarm, k) in clocks {
        let def = setup.definitions.iter().find(|d| d.id == k.definition);
        let sched = def.and_then(|d| setup.schedules.get(&d.calendar));
        let (clock, alarm) = match (def, sched) {
            (Some(d), Some(s)) => {
                let cl = k.meter.at(s, now);
                let alarm = cl.next_alarm(s, &d.warnings, now).map(|a| a.0);
                (cl, alarm)
            }
            _ => (k.meter.clock.clone(), None),
        };
        breached |= clock.breached() && clock.state != State::Cancelled;
        if let Some(d) = clock.due_at {
            due = Some(due.map_or(d, |x: i64| x.min(d)));
        }
        let row = TicketClock { id, ticket, definition: k.definition, meter: k.meter, due_at: clock.due_at, alarm_at: alarm };
        let id = store::save_clock(c, t, &row).await?;
        if let Some(at) = alarm.filter(|a| Some(*a) != old_alarm) {
            let payload = serde_json::to_string(&Alarm { clock: id }).map_err(|e| AppError::Internal(e.to_string()))?;
            jobs::enqueue(c, t, Alarm::KIND, &payload, at, now).await?;
        }
    }
    store::set_ticket_summary(c, t, ticket, due, breached).await?;
    Ok(())
}

/// Brings a ticket's clocks up to date after a change (same transaction), with the
/// tenant's setup read once per use case (on a reader before the write when the use
/// case prepared it, keeping the single writer's work short).
pub(crate) async fn after_change_with(c: &mut Conn, setup: &Setup, t: TenantId, id: TicketId, now: i64) -> Result<()> {
    let Some(tk) = tickets::by_id(c, &Scope::system(t), id).await? else { return Ok(()) };
    let step = Step { at: now, facts: facts_of(c, &tk).await? };
    let stored = store::clocks(c, t, id).await?;
    let mut clocks: Vec<Attached> = stored.iter().map(|k| Attached { definition: k.definition, meter: k.meter.clone() }).collect();
    let changes = apply_step(&setup.definitions, &setup.schedules, &mut clocks, &step);
    let entries: Vec<Entry> = changes
        .iter()
        .map(|ch| {
            let (action, def) = match ch {
                Change::Attached(d) => (TicketAction::SlaAttached, *d),
                Change::Detached(d) => (TicketAction::SlaDetached, *d),
            };
            let mut e = Entry::ticket(id.0, action);
            e.new = Some(name_of(&setup.definitions, def));
            e
        })
        .collect();
    journal::append(c, t, None, now, &entries).await?;
    let rows = clocks
        .into_iter()
        .enumerate()
        .map(|(i, k)| match stored.get(i) {
            Some(s) => (s.id, s.alarm_at, k),
            None => (ClockId(0), None, k),
        })
        .collect();
    save_clocks(c, t, tk.id, setup, rows, now).await
}
