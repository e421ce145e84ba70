//! The alarm job: the warnings and the breach of a clock acted on once each (a row in
//! `sla_events` per clock and round is the guard), then the next alarm queued.

use super::*;
use crate::platform::notify::{News, notify};
use crate::platform::worker::Job;
use crate::ticket::current_names;
use crate::ticket::kernel::{By, Prepared};
use crate::{App, AppError, Result};
use cairn_domain::ids::ClockId;
use cairn_domain::ids::TenantId;
use cairn_domain::platform::access::Scope;
use cairn_domain::platform::news::NewsKind;
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::sla::State;
use cairn_domain::sla::definition::BreachAction;
use cairn_domain::ticket::priority::Priority;
use cairn_domain::ticket::{FieldChange, Ticket, TicketPatch};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::sla::{self as store, TicketClock};
use cairn_store::tx;
use cairn_store::{Backend, Conn, platform::directory, platform::jobs, ticket as tickets};
use serde::{Deserialize, Serialize};

/// The job that acts on a clock's next warning or breach.
#[derive(Debug, Serialize, Deserialize)]
pub struct Alarm {
    pub clock: ClockId,
}

impl Job for Alarm {
    const KIND: &'static str = "sla_alarm";

    async fn run(self, app: &App, t: TenantId) -> Result<(), String> {
        app.run_alarm(t, self).await.map_err(|e| e.to_string())
    }
}

impl App {
    /// The alarm job: acts on the warnings and the breach now due, once each, then
    /// queues the next alarm.
    pub(crate) async fn run_alarm(&self, t: TenantId, alarm: Alarm) -> Result<()> {
        let (now, b) = (self.now(), self.backend());
        let (cache, kernel) = (self.sla.clone(), self.kernel.clone());
        self.db
            .write(tx!(|c| {
                let Some(k) = store::clock_by_id(c, t, alarm.clock).await? else { return Ok(()) };
                let Some(setup) = setup(c, &cache, t, now).await? else { return Ok(()) };
                let Some(d) = setup.definitions.iter().find(|d| d.id == k.definition).cloned() else { return Ok(()) };
                let Some(s) = setup.schedules.get(&d.calendar) else { return Ok(()) };
                let clock = k.meter.at(s, now);
                if !matches!(clock.state, State::Running | State::Paused) {
                    return Ok(());
                }
                let Some(mut tk) = tickets::by_id(c, &Scope::system(t), k.ticket).await? else { return Ok(()) };
                let target = clock.target.as_str();
                let mut entries = Vec::new();
                let mut thresholds = d.warnings.clone();
                thresholds.sort_unstable();
                for p in thresholds {
                    if clock.percent() >= f64::from(p) && store::record_event(c, t, k.id, &format!("warning_{p}"), clock.round, now).await?
                    {
                        entries.push(Entry {
                            entity: "ticket",
                            entity_id: tk.id.0,
                            action: TicketAction::SlaWarning.as_str(),
                            field: Some(target.into()),
                            old: Some(d.name.clone()),
                            new: Some(p.to_string()),
                        });
                        let message = format!("{} has used {p} % of its {} target ({})", tk.number, target.replace('_', " "), d.name);
                        tell(c, &tk, &d.warn_to, &message, now).await?;
                    }
                }
                let before = tk.clone();
                let mut changes = Vec::new();
                if clock.overdue() && clock.state == State::Running && store::record_event(c, t, k.id, "breach", clock.round, now).await? {
                    entries.push(Entry {
                        entity: "ticket",
                        entity_id: tk.id.0,
                        action: TicketAction::SlaBreached.as_str(),
                        field: Some(target.into()),
                        old: None,
                        new: Some(d.name.clone()),
                    });
                    let message = format!("{} breached its {} target ({})", tk.number, target.replace('_', " "), d.name);
                    for a in &d.breach_actions {
                        changes.extend(breach_action(c, b, &mut tk, a, &message, &mut entries, now).await?);
                    }
                }
                let summary_breached = entries.iter().any(|e| e.action == "sla_breached");
                journal::append(c, t, None, now, &entries).await?;
                if !changes.is_empty() {
                    kernel.update(c, &Prepared::default(), &before, &mut tk, Vec::new(), By::SYSTEM, now).await?;
                }
                // The next alarm of this clock (the breach after the warnings).
                let fresh = store::clock_by_id(c, t, k.id).await?.unwrap_or(k);
                let cl = fresh.meter.at(s, now);
                let next = cl.next_alarm(s, &d.warnings, now).map(|a| a.0).filter(|a| *a > now);
                if next != fresh.alarm_at || summary_breached {
                    let row = TicketClock { alarm_at: next, ..fresh };
                    store::save_clock(c, t, &row).await?;
                    if let Some(at) = next {
                        let payload = serde_json::to_string(&Alarm { clock: row.id }).map_err(|e| AppError::Internal(e.to_string()))?;
                        jobs::enqueue(c, t, Alarm::KIND, &payload, at, now).await?;
                    }
                    if summary_breached {
                        store::set_ticket_summary(c, t, tk.id, cl.due_at, true).await?;
                    }
                }
                Ok::<_, AppError>(())
            }))
            .await
    }
}

/// Notifies the assignee, the group's members and/or the group's manager (the manager
/// stands in when nobody is assigned), each person once.
async fn tell(c: &mut Conn, tk: &Ticket, to: &[String], message: &str, now: i64) -> Result<()> {
    let t = tk.tenant_id;
    let group = match tk.group_id {
        Some(g) => directory::group_by_id(c, t, g).await?,
        None => None,
    };
    let mut people = std::collections::BTreeSet::new();
    for to in to {
        match (to.as_str(), tk.assignee_id) {
            ("assignee", Some(a)) => {
                people.insert(a);
            }
            ("group", _) => {
                if let Some(g) = &group {
                    people.extend(directory::members(c, t, g.id).await?.into_iter().map(|u| u.id));
                }
            }
            _ => people.extend(group.as_ref().and_then(|g| g.manager)),
        }
    }
    for u in people {
        notify(c, tk, u, News::new(NewsKind::ServiceLevel, TicketAction::SlaBreached.visibility(None), message.to_string()), now).await?;
    }
    Ok(())
}

/// Carries out one breach action; returns the changes it made to the ticket (not saved yet).
async fn breach_action(
    c: &mut Conn,
    b: Backend,
    tk: &mut Ticket,
    a: &BreachAction,
    message: &str,
    entries: &mut Vec<Entry>,
    now: i64,
) -> Result<Vec<FieldChange>> {
    let t = tk.tenant_id;
    let patch = match a {
        BreachAction::Notify { to } => {
            tell(c, tk, std::slice::from_ref(to), message, now).await?;
            return Ok(Vec::new());
        }
        BreachAction::Note { text } => {
            let body = format!("{message}. {text}");
            let note = tickets::NewComment { ticket: tk.id, author: None, body: &body, internal: true, minutes: 0, at: now };
            tickets::insert_comment(c, b, &Scope::system(t), &note).await?;
            let mut e = Entry::ticket(tk.id.0, TicketAction::Commented);
            e.field = Some("note".into());
            e.new = Some(body);
            entries.push(e);
            return Ok(Vec::new());
        }
        BreachAction::RaisePriority if tk.priority.get() > 1 => {
            TicketPatch { priority: Some(Priority::parse(i64::from(tk.priority.get()) - 1)?), ..TicketPatch::default() }
        }
        BreachAction::RaisePriority => return Ok(Vec::new()),
        BreachAction::Reassign { group } => {
            let Some(g) = directory::group_by_name(c, t, group).await? else { return Ok(Vec::new()) };
            if tk.group_id == Some(g.id) {
                return Ok(Vec::new());
            }
            TicketPatch { group: Some(Some((g.id, g.name))), assignee: Some(None), ..TicketPatch::default() }
        }
    };
    let current = current_names(c, tk).await?;
    Ok(tk.apply(patch, &current, &Default::default(), now)?)
}
