//! Which clocks a ticket carries, step by step: at each change the definitions are
//! selected again; a newly selected one attaches its clocks, one no longer selected
//! has its clocks cancelled (detached). The running system applies one step per
//! change; a replay applies every step of the journal — the same function, so they
//! cannot disagree.

use super::Schedules;
use super::clock::{Meter, State, Step};
use super::definition::{Definition, select};
use crate::ids::DefinitionId;

/// One clock on a ticket: the definition it measures and its meter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    pub definition: DefinitionId,
    pub meter: Meter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Attached(DefinitionId),
    Detached(DefinitionId),
}

/// Applies one step to a ticket's clocks; returns the definitions attached and
/// detached. `schedules` maps calendar names to their schedules; a definition whose
/// calendar is missing is skipped.
pub fn apply_step(defs: &[Definition], schedules: &Schedules, clocks: &mut Vec<Attached>, step: &Step) -> Vec<Change> {
    let selected = select(defs, &step.facts);
    let mut changes = Vec::new();
    for k in clocks.iter_mut() {
        let live = !matches!(k.meter.clock.state, State::Cancelled | State::Stopped);
        if live && !selected.iter().any(|d| d.id == k.definition) {
            if let Some(s) = defs.iter().find(|d| d.id == k.definition).and_then(|d| schedules.get(&d.calendar)) {
                k.meter.detach(s, step.at);
            } else {
                k.meter.clock.state = State::Cancelled;
            }
            if !changes.contains(&Change::Detached(k.definition)) {
                changes.push(Change::Detached(k.definition));
            }
        }
    }
    for d in selected {
        let Some(schedule) = schedules.get(&d.calendar) else { continue };
        for (target, goal) in d.targets.list() {
            let slot = clocks.iter().position(|k| k.definition == d.id && k.meter.clock.target == target);
            let fresh = |changes: &mut Vec<Change>| {
                if !changes.contains(&Change::Attached(d.id)) {
                    changes.push(Change::Attached(d.id));
                }
                Meter::new(target, goal)
            };
            let k = match slot {
                // Selected again after being detached: a fresh clock.
                Some(i) if clocks[i].meter.clock.state == State::Cancelled && !d.cancelled(&step.facts) => {
                    clocks[i].meter = fresh(&mut changes);
                    &mut clocks[i]
                }
                Some(i) => &mut clocks[i],
                None => {
                    clocks.push(Attached { definition: d.id, meter: fresh(&mut changes) });
                    let last = clocks.len() - 1;
                    &mut clocks[last]
                }
            };
            k.meter.clock.goal_ms = goal;
            k.meter.feed(d, schedule, step);
        }
    }
    changes
}

/// A ticket's clocks after its whole history.
pub fn replay(defs: &[Definition], schedules: &Schedules, steps: &[Step]) -> Vec<Attached> {
    let mut clocks = Vec::new();
    for s in steps {
        apply_step(defs, schedules, &mut clocks, s);
    }
    clocks
}
