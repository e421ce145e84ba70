//! Replaying every clock of a tenant from the journal under the current definitions.

use super::clocks::{ClockRow, save_clocks};
use super::*;
use crate::{App, AppError, Result};
use cairn_domain::ids::{TenantId, TicketId, UserId};
use cairn_domain::sla::attach::{Attached, replay};
use cairn_domain::sla::replay::{Event, steps};
use cairn_domain::sla::{Clock, State, Step};
use cairn_store::platform::journal::{self};
use cairn_store::sla::{self as store, TicketClock};
use cairn_store::tx;
use cairn_store::{Conn, platform::directory, ticket as tickets};
use std::collections::HashMap;
use std::sync::Arc;

/// What a replay found: tickets replayed, and the clocks whose outcome changed.
#[derive(Debug, Clone, Default)]
pub struct ReplayReport {
    pub tickets: usize,
    pub clocks: usize,
    /// (ticket number, definition, target, before, after)
    pub changed: Vec<(String, String, String, String, String)>,
    pub millis: u128,
}

/// "met", "missed", "breached", "running", "paused", "cancelled" or "not started".
fn outcome(c: &Clock) -> String {
    match (c.state, c.met(), c.breached()) {
        (_, Some(true), _) => "met".into(),
        (_, Some(false), _) => "missed".into(),
        (State::Cancelled, ..) => "cancelled".into(),
        (_, _, true) => "breached".into(),
        (s, ..) => s.as_str().replace('_', " "),
    }
}

/// A meter as stored: without its timeline (replays draw that from the journal).
fn untimed(m: &cairn_domain::sla::Meter) -> cairn_domain::sla::Meter {
    let mut m = m.clone();
    m.clock.timeline.clear();
    m
}

/// Who is an agent (their replies count) and each user's organisation.
pub(super) struct People {
    agents: std::collections::HashSet<i64>,
    organisations: HashMap<i64, String>,
}

impl People {
    fn of(users: Vec<directory::User>) -> People {
        People {
            agents: users.iter().filter(|u| u.role.is_staff()).map(|u| u.id.0).collect(),
            organisations: users.into_iter().filter_map(|u| u.organisation.map(|o| (u.id.0, o))).collect(),
        }
    }
}

/// Everyone in the tenant (replaying all of its tickets).
pub(super) async fn people(c: &mut Conn, t: TenantId) -> Result<People> {
    Ok(People::of(directory::users(c, t).await?))
}

/// Only the users one ticket's history names: its requester and who acted on it.
pub(super) async fn people_of(c: &mut Conn, t: TenantId, requester: UserId, recorded: &[journal::Lean]) -> Result<People> {
    let mut ids: Vec<i64> = recorded.iter().filter_map(|r| r.actor_id).chain([requester.0]).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut users = Vec::with_capacity(ids.len());
    for id in ids {
        users.extend(directory::user_by_id(c, t, UserId(id)).await?);
    }
    Ok(People::of(users))
}

/// A ticket's steps from its journal events.
pub(super) fn steps_of(kind: &str, requester: i64, recorded: &[&journal::Lean], people: &People) -> Vec<Step> {
    let events: Vec<Event<'_>> = recorded
        .iter()
        .map(|r| Event {
            at: r.at,
            action: &r.action,
            field: r.field.as_deref(),
            new: r.new.as_deref(),
            by_agent: r.actor_id.is_some_and(|a| people.agents.contains(&a)),
        })
        .collect();
    steps(kind, people.organisations.get(&requester).map(String::as_str), &events)
}

impl App {
    /// Recomputes every clock of the tenant from the journal under the current
    /// definitions; reports the clocks whose outcome changes, and stores the result
    /// when `apply`.
    pub async fn replay_slas(&self, t: TenantId, apply: bool) -> Result<ReplayReport> {
        let started = std::time::Instant::now();
        let now = self.now();
        let mut report = ReplayReport::default();
        let (setup, people, all) = {
            let mut c = self.db.read().await?;
            let Some(setup) = setup(&mut c, &self.sla, t, now).await? else { return Ok(report) };
            (Arc::new(setup), people(&mut c, t).await?, tickets::ids(&mut c, t).await?)
        };
        for chunk in all.chunks(1000) {
            let (Some(first), Some(last)) = (chunk.first().copied(), chunk.last().copied()) else { continue };
            let (tks, recorded, stored) = {
                let mut c = self.db.read().await?;
                (
                    tickets::heads_between(&mut c, t, first, last).await?,
                    journal::for_entities(&mut c, t, "ticket", first.0, last.0).await?,
                    store::clocks_between(&mut c, t, first, last).await?,
                )
            };
            let mut events: HashMap<i64, Vec<&journal::Lean>> = HashMap::new();
            for r in &recorded {
                events.entry(r.entity_id).or_default().push(r);
            }
            let mut updates: Vec<(TicketId, Vec<ClockRow>)> = Vec::new();
            for tk in tks {
                let steps = steps_of(tk.kind.as_str(), tk.requester.0, events.get(&tk.id.0).map_or(&[][..], Vec::as_slice), &people);
                let replayed = replay(&setup.definitions, &setup.schedules, &steps);
                let mine: Vec<&TicketClock> = stored.iter().filter(|k| k.ticket == tk.id).collect();
                report.tickets += 1;
                report.clocks += replayed.len();
                let same = |k: &TicketClock, r: &Attached| k.definition == r.definition && k.meter.clock.target == r.meter.clock.target;
                for r in &replayed {
                    let Some(d) = setup.definitions.iter().find(|d| d.id == r.definition) else { continue };
                    let Some(s) = setup.schedules.get(&d.calendar) else { continue };
                    let after = outcome(&r.meter.at(s, now));
                    let before = mine.iter().find(|k| same(k, r)).map_or_else(|| "none".into(), |k| outcome(&k.meter.at(s, now)));
                    if before != after {
                        report.changed.push((tk.number.clone(), d.name.clone(), r.meter.clock.target.as_str().into(), before, after));
                    }
                }
                if apply
                    && (replayed.len() != mine.len()
                        || replayed.iter().any(|r| !mine.iter().any(|k| same(k, r) && k.meter == untimed(&r.meter))))
                {
                    let rows = replayed
                        .into_iter()
                        .map(|r| {
                            let old = mine.iter().find(|k| same(k, &r));
                            (old.map_or(cairn_domain::ids::ClockId(0), |k| k.id), old.and_then(|k| k.alarm_at), r)
                        })
                        .collect();
                    updates.push((tk.id, rows));
                }
            }
            if !updates.is_empty() {
                let setup = setup.clone();
                self.db
                    .write(tx!(|c| {
                        for (id, rows) in updates {
                            save_clocks(c, t, id, &setup, rows, now).await?;
                        }
                        Ok::<_, AppError>(())
                    }))
                    .await?;
            }
        }
        report.millis = started.elapsed().as_millis();
        Ok(report)
    }
}
