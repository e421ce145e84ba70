//! Service levels in the running system. After every change to a ticket, in the same
//! transaction, [`after_change_with`] selects the definitions again, feeds the ticket's new
//! facts to its clocks, and queues one alarm job for the next warning or breach
//! instant (the job queue's due-time index: no scan of open tickets). The alarm job
//! acts on each warning and breach once: a row in `sla_events` per clock and round is
//! the guard, written in the transaction of the actions.

mod admin;
mod alarm;
mod clocks;
pub(crate) mod effect;
mod replay;
pub mod report;
pub mod surveys;

use crate::{AppError, Result};
use cairn_domain::ids::TenantId;
use cairn_domain::sla::{Calendar, CalendarSpec, Definition, Schedule, Schedules};
use cairn_store::Conn;
use cairn_store::sla::{self as store};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use admin::ClockView;
pub use alarm::Alarm;
pub(crate) use clocks::after_change_with;
pub use replay::ReplayReport;

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
