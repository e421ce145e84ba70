//! Service levels in the running system. After every change to a ticket, in the same
//! transaction, [`after_change`] selects the definitions again, feeds the ticket's new
//! facts to its clocks, and queues one alarm job for the next warning or breach
//! instant (the job queue's due-time index: no scan of open tickets). The alarm job
//! acts on each warning and breach once: a row in `sla_events` per clock and round is
//! the guard, written in the transaction of the actions.

pub(crate) mod effect;
pub mod report;
pub mod surveys;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cairn_domain::ids::{TenantId, TicketId, UserId};
use cairn_domain::platform::access::{Actor, Scope};
use cairn_domain::sla::attach::{Attached, Change, apply_step, replay};
use cairn_domain::sla::definition::BreachAction;
use cairn_domain::sla::replay::{Event, steps};
use cairn_domain::sla::{Calendar, CalendarSpec, Clock, Definition, Facts, Schedule, Schedules, State, Step};
use cairn_domain::ticket::priority::Priority;
use cairn_domain::ticket::{CurrentNames, FieldChange, Ticket, TicketPatch};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::sla::{self as store, TicketClock};
use cairn_store::{Backend, Conn, platform::directory, platform::jobs, ticket as tickets};
use serde::{Deserialize, Serialize};

use crate::platform::admin::Admin;
use crate::platform::notify::notify;
use crate::platform::worker::Job;
use crate::ticket::kernel::{By, Prepared};
use crate::ticket::{current_names, load};
use crate::{App, AppError, Result, agents_only};

const YEAR: i64 = 365 * 86_400_000;

/// Compiled schedules, by tenant, calendar name and spec: a changed calendar compiles
/// anew; each covers three years back and five ahead of when it was compiled.
/// A compiled schedule with the spec it came from and when it was compiled.
type Compiled = (String, i64, Arc<Schedule>);

#[derive(Default)]
pub struct SlaCache {
    schedules: Mutex<HashMap<(i64, String), Compiled>>,
}

impl SlaCache {
    fn schedule(&self, t: TenantId, name: &str, spec: &str, cal: &Calendar, now: i64) -> Arc<Schedule> {
        let key = (t.0, name.to_string());
        if let Ok(map) = self.schedules.lock()
            && let Some((s, built, sched)) = map.get(&key)
            && s == spec
            && now < built + 2 * YEAR
        {
            return sched.clone();
        }
        let sched = Arc::new(cal.schedule(now - 3 * YEAR, now + 5 * YEAR));
        if let Ok(mut map) = self.schedules.lock() {
            map.insert(key, (spec.to_string(), now, sched.clone()));
        }
        sched
    }
}

/// A tenant's definitions with the schedules of their calendars.
pub(crate) struct Setup {
    pub definitions: Vec<Definition>,
    pub schedules: Schedules,
}

/// Resolves every calendar against its parent (parents first; a cycle or a missing
/// parent names the calendar).
fn resolve(specs: &[(String, CalendarSpec)]) -> Result<HashMap<String, Calendar>> {
    let mut done: HashMap<String, Calendar> = HashMap::new();
    for _ in 0..=specs.len() {
        let mut progressed = false;
        for (name, spec) in specs {
            if done.contains_key(name) {
                continue;
            }
            let parent = match &spec.parent {
                Some(p) => match done.get(p) {
                    Some(c) => Some(c.clone()),
                    None if specs.iter().any(|(n, _)| n == p) => continue,
                    None => return Err(AppError::invalid("parent", format!("calendar '{name}': no calendar '{p}'"))),
                },
                None => None,
            };
            done.insert(name.clone(), spec.check(parent.as_ref())?);
            progressed = true;
        }
        if done.len() == specs.len() {
            return Ok(done);
        }
        if !progressed {
            return Err(AppError::invalid("parent", "calendars inherit from each other in a circle"));
        }
    }
    Ok(done)
}

/// Loads the tenant's definitions and compiled schedules; None when it has none.
pub(crate) async fn setup(c: &mut Conn, cache: &SlaCache, t: TenantId, now: i64) -> Result<Option<Setup>> {
    let definitions = store::definitions(c, t).await?;
    if definitions.is_empty() {
        return Ok(None);
    }
    Ok(Some(Setup { definitions, schedules: schedules(c, cache, t, now).await? }))
}

/// The tenant's calendars, compiled (from the cache while their specs are unchanged).
pub(crate) async fn schedules(c: &mut Conn, cache: &SlaCache, t: TenantId, now: i64) -> Result<Schedules> {
    let specs = store::calendars(c, t).await?;
    let calendars = resolve(&specs)?;
    let mut schedules = HashMap::new();
    for (name, spec) in &specs {
        if let Some(cal) = calendars.get(name) {
            let key = serde_json::to_string(spec).map_err(|e| AppError::Internal(e.to_string()))?;
            schedules.insert(name.clone(), cache.schedule(t, name, &key, cal, now));
        }
    }
    Ok(schedules)
}

/// The ticket's facts now, as the conditions see them.
async fn facts_of(c: &mut Conn, tk: &Ticket) -> Result<Facts> {
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

/// The job that acts on a clock's next warning or breach.
#[derive(Debug, Serialize, Deserialize)]
pub struct Alarm {
    pub clock: i64,
}

impl Job for Alarm {
    const KIND: &'static str = "sla_alarm";

    async fn run(self, app: &App, t: TenantId) -> Result<(), String> {
        app.run_alarm(t, self).await.map_err(|e| e.to_string())
    }
}

fn name_of(defs: &[Definition], id: i64) -> String {
    defs.iter().find(|d| d.id == id).map(|d| d.name.clone()).unwrap_or_else(|| format!("#{id}"))
}

/// A clock to save: its row id (0: new), the alarm already queued, and its meter.
type ClockRow = (i64, Option<i64>, Attached);

/// Saves a ticket's clocks after a step and queues the next alarm of each.
async fn save_clocks(c: &mut Conn, t: TenantId, ticket: TicketId, setup: &Setup, clocks: Vec<ClockRow>, now: i64) -> Result<()> {
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

/// Brings the tickets' clocks up to date after a change (same transaction), reading the
/// tenant's setup once.
pub(crate) async fn after_change(c: &mut Conn, cache: &SlaCache, t: TenantId, ids: &[TicketId], now: i64) -> Result<()> {
    if let Some(setup) = setup(c, cache, t, now).await? {
        for id in ids {
            after_change_with(c, &setup, t, *id, now).await?;
        }
    }
    Ok(())
}

/// [`after_change`] with the tenant's setup read beforehand (the create path reads it
/// on a reader connection, keeping the single writer's work short).
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
                Change::Attached(d) => ("sla_attached", *d),
                Change::Detached(d) => ("sla_detached", *d),
            };
            let mut e = Entry::action("ticket", id.0, action);
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
            None => (0, None, k),
        })
        .collect();
    save_clocks(c, t, tk.id, setup, rows, now).await
}

/// A clock as the ticket view shows it.
#[derive(Debug, Clone)]
pub struct ClockView {
    pub definition: String,
    pub kind: String,
    pub clock: Clock,
}

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
struct People {
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
async fn people(c: &mut Conn, t: TenantId) -> Result<People> {
    Ok(People::of(directory::users(c, t).await?))
}

/// Only the users one ticket's history names: its requester and who acted on it.
async fn people_of(c: &mut Conn, t: TenantId, requester: UserId, recorded: &[journal::Lean]) -> Result<People> {
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
fn steps_of(kind: &str, requester: i64, recorded: &[&journal::Lean], people: &People) -> Vec<Step> {
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
    /// Adds or replaces a business calendar (admin); every calendar is checked again,
    /// so a broken parent chain is refused.
    pub async fn save_calendar(&self, admin: &Admin, name: &str, spec: CalendarSpec) -> Result<bool> {
        let name = crate::platform::admin::check_name("name", name, 100)?;
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(move |c| {
                Box::pin(async move {
                    let mut specs = store::calendars(c, t).await?;
                    specs.retain(|(n, _)| *n != name);
                    specs.push((name.clone(), spec.clone()));
                    resolve(&specs)?;
                    let created = store::save_calendar(c, t, &name, &spec, now).await?;
                    let mut e = Entry::action("calendar", 0, if created { "created" } else { "updated" });
                    e.new = Some(name);
                    journal::append(c, t, by, now, &[e]).await?;
                    Ok(created)
                })
            })
            .await
    }

    #[tracing::instrument(name = "calendars", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn calendars(&self, actor: &Actor) -> Result<Vec<(String, CalendarSpec)>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        Ok(store::calendars(&mut c, actor.tenant_id).await?)
    }

    /// Adds (id 0) or replaces an SLA definition (admin). Open tickets keep their clocks
    /// until they change or `cairn sla replay` recomputes them.
    pub async fn save_sla_definition(&self, admin: &Admin, mut d: Definition) -> Result<Definition> {
        d.check()?;
        d.name = d.name.trim().to_string();
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(move |c| {
                Box::pin(async move {
                    if !store::calendars(c, t).await?.iter().any(|(n, _)| *n == d.calendar) {
                        return Err(AppError::invalid("calendar", format!("no calendar '{}'", d.calendar)));
                    }
                    let action = if d.id == 0 { "created" } else { "updated" };
                    d.id = store::save_definition(c, t, &d, now)
                        .await?
                        .ok_or_else(|| AppError::NotFound(format!("SLA definition {}", d.id)))?;
                    let mut e = Entry::action("sla_definition", d.id, action);
                    e.new = Some(d.name.clone());
                    journal::append(c, t, by, now, &[e]).await?;
                    Ok(d)
                })
            })
            .await
    }

    #[tracing::instrument(name = "sla_definitions", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn sla_definitions(&self, actor: &Actor) -> Result<Vec<Definition>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        Ok(store::definitions(&mut c, actor.tenant_id).await?)
    }

    /// The ticket's clocks now; `timeline` replays each one's timeline from the journal.
    #[tracing::instrument(name = "ticket_slas", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn ticket_slas(&self, actor: &Actor, number: &str, timeline: bool) -> Result<Vec<ClockView>> {
        let now = self.now();
        let mut c = self.db.read().await?;
        let tk = load(&mut c, &actor.scope(), number).await?;
        let Some(setup) = setup(&mut c, &self.sla, actor.tenant_id, now).await? else { return Ok(vec![]) };
        let replayed = if timeline {
            let recorded = journal::for_entities(&mut c, actor.tenant_id, "ticket", tk.id.0, tk.id.0).await?;
            let people = people_of(&mut c, actor.tenant_id, tk.requester_id, &recorded).await?;
            let steps = steps_of(tk.kind.as_str(), tk.requester_id.0, &recorded.iter().collect::<Vec<_>>(), &people);
            replay(&setup.definitions, &setup.schedules, &steps)
        } else {
            Vec::new()
        };
        let stored = store::clocks(&mut c, actor.tenant_id, tk.id).await?;
        let mut out = Vec::new();
        for k in stored {
            let Some(d) = setup.definitions.iter().find(|d| d.id == k.definition) else { continue };
            let Some(s) = setup.schedules.get(&d.calendar) else { continue };
            let mut clock = k.meter.at(s, now);
            if let Some(r) = replayed.iter().find(|r| r.definition == k.definition && r.meter.clock.target == clock.target) {
                clock.timeline = r.meter.clock.timeline.clone();
            }
            out.push(ClockView { definition: d.name.clone(), kind: d.kind.clone(), clock });
        }
        Ok(out)
    }

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
                            (old.map_or(0, |k| k.id), old.and_then(|k| k.alarm_at), r)
                        })
                        .collect();
                    updates.push((tk.id, rows));
                }
            }
            if !updates.is_empty() {
                let setup = setup.clone();
                self.db
                    .write(move |c| {
                        Box::pin(async move {
                            for (id, rows) in updates {
                                save_clocks(c, t, id, &setup, rows, now).await?;
                            }
                            Ok::<_, AppError>(())
                        })
                    })
                    .await?;
            }
        }
        report.millis = started.elapsed().as_millis();
        Ok(report)
    }

    /// The alarm job: acts on the warnings and the breach now due, once each, then
    /// queues the next alarm.
    pub(crate) async fn run_alarm(&self, t: TenantId, alarm: Alarm) -> Result<()> {
        let (now, b) = (self.now(), self.backend());
        let (cache, kernel) = (self.sla.clone(), self.kernel.clone());
        self.db
            .write(move |c| {
                Box::pin(async move {
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
                        if clock.percent() >= f64::from(p)
                            && store::record_event(c, t, k.id, &format!("warning_{p}"), clock.round, now).await?
                        {
                            entries.push(Entry {
                                entity: "ticket",
                                entity_id: tk.id.0,
                                action: "sla_warning",
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
                    if clock.overdue()
                        && clock.state == State::Running
                        && store::record_event(c, t, k.id, "breach", clock.round, now).await?
                    {
                        entries.push(Entry {
                            entity: "ticket",
                            entity_id: tk.id.0,
                            action: "sla_breached",
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
                        kernel.update(c, &Prepared::default(), &before, &mut tk, &changes, Vec::new(), By::SYSTEM, now).await?;
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
                })
            })
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
        notify(c, tk, u, message.to_string(), now).await?;
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
            let mut e = Entry::action("ticket", tk.id.0, "commented");
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
