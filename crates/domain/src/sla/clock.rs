//! The service-level clock: a pure function of a definition, a target, the calendar's
//! schedule, the ticket's history (a [`Step`] for each moment its facts changed) and
//! the time of asking. Replaying the same history gives the same clock, always.

use super::calendar::Schedule;
use super::condition::Facts;
use super::definition::{Definition, Target};

/// From `at` on, the ticket's facts were these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub at: i64,
    pub facts: Facts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    NotStarted,
    Running,
    Paused,
    Stopped,
    Cancelled,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::NotStarted => "not_started",
            State::Running => "running",
            State::Paused => "paused",
            State::Stopped => "stopped",
            State::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        [State::NotStarted, State::Running, State::Paused, State::Stopped, State::Cancelled].into_iter().find(|x| x.as_str() == s)
    }
}

/// A change in the clock's life, for its timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Started,
    Paused,
    Resumed,
    Stopped,
    Reopened,
    Reset,
    Breached,
    Cancelled,
}

impl Mark {
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Started => "started",
            Mark::Paused => "paused",
            Mark::Resumed => "resumed",
            Mark::Stopped => "stopped",
            Mark::Reopened => "reopened",
            Mark::Reset => "reset",
            Mark::Breached => "breached",
            Mark::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub target: Target,
    pub goal_ms: i64,
    pub state: State,
    /// Business milliseconds counted so far.
    pub elapsed_ms: i64,
    /// Wall-clock milliseconds spent paused.
    pub paused_ms: i64,
    pub breached_at: Option<i64>,
    /// When it breaches if it keeps running (the breach itself once breached); none
    /// while paused, stopped or cancelled.
    pub due_at: Option<i64>,
    pub stopped_at: Option<i64>,
    /// Resets so far; warnings and the breach happen once per round.
    pub round: u32,
    pub timeline: Vec<(i64, Mark)>,
}

impl Clock {
    pub fn breached(&self) -> bool {
        self.breached_at.is_some()
    }

    /// Share of the target used, in percent (can exceed 100).
    pub fn percent(&self) -> f64 {
        self.elapsed_ms as f64 * 100.0 / self.goal_ms.max(1) as f64
    }

    /// The target is used up (at the due instant or later).
    pub fn overdue(&self) -> bool {
        self.elapsed_ms >= self.goal_ms
    }

    pub fn remaining_ms(&self) -> i64 {
        self.goal_ms - self.elapsed_ms
    }

    /// Met (Some(true)) or missed (Some(false)) once stopped.
    pub fn met(&self) -> Option<bool> {
        (self.state == State::Stopped).then_some(!self.breached())
    }

    /// While running: the next instant after `now` at which a warning threshold (Some
    /// percent) or the breach (None) falls due.
    pub fn next_alarm(&self, schedule: &Schedule, warnings: &[u8], now: i64) -> Option<(i64, Option<u8>)> {
        if self.state != State::Running || self.breached() {
            return None;
        }
        let mut thresholds: Vec<u8> = warnings.to_vec();
        thresholds.sort_unstable();
        for p in thresholds {
            let at_ms = self.goal_ms * i64::from(p) / 100;
            if at_ms > self.elapsed_ms {
                return schedule.add(now, at_ms - self.elapsed_ms).map(|t| (t, Some(p)));
            }
        }
        self.due_at.map(|t| (t, None))
    }

    fn mark(&mut self, at: i64, m: Mark) {
        self.timeline.push((at, m));
    }

    /// Counts the time from `from` to `to`. A clock stopped exactly at its due instant
    /// met its target; one still running with no time left (`at_end`) has breached.
    fn advance(&mut self, schedule: &Schedule, from: i64, to: i64, at_end: bool) {
        if to < from || (to == from && !at_end) {
            return;
        }
        match self.state {
            State::Running => {
                let d = schedule.open_ms(from, to);
                let over = if at_end { self.elapsed_ms + d >= self.goal_ms } else { self.elapsed_ms + d > self.goal_ms };
                if self.breached_at.is_none() && over {
                    let at = schedule.add(from, self.goal_ms - self.elapsed_ms).unwrap_or(to);
                    self.breached_at = Some(at);
                    self.mark(at, Mark::Breached);
                }
                self.elapsed_ms += d;
            }
            State::Paused => self.paused_ms += to - from,
            _ => {}
        }
    }

    fn restart(&mut self, at: i64) {
        self.round += 1;
        self.elapsed_ms = 0;
        self.breached_at = None;
        self.mark(at, Mark::Reset);
    }
}

/// A clock being fed a ticket's history one step at a time; what the running system
/// keeps per ticket between changes. Feeding the whole history and asking at `now`
/// is [`measure`], so the live clock and a replay cannot disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meter {
    pub clock: Clock,
    /// The time of the last step fed (none before the first).
    pub last_at: Option<i64>,
    /// Agent replies seen at the last step.
    pub replies: u32,
    /// Whether the reset conditions held at the last step (a reset needs them to
    /// become true).
    pub resetting: bool,
}

impl Meter {
    pub fn new(target: Target, goal_ms: i64) -> Meter {
        Meter {
            clock: Clock {
                target,
                goal_ms,
                state: State::NotStarted,
                elapsed_ms: 0,
                paused_ms: 0,
                breached_at: None,
                due_at: None,
                stopped_at: None,
                round: 0,
                timeline: Vec::new(),
            },
            last_at: None,
            replies: 0,
            resetting: false,
        }
    }

    /// Takes in the ticket's facts from `step.at` on (steps in time order).
    pub fn feed(&mut self, def: &Definition, schedule: &Schedule, step: &Step) {
        let c = &mut self.clock;
        let target = c.target;
        let (f, at) = (&step.facts, step.at);
        let first = self.last_at.is_none();
        if let Some(last) = self.last_at {
            c.advance(schedule, last, at, false);
        }
        self.last_at = Some(at.max(self.last_at.unwrap_or(at)));
        if first {
            self.replies = f.agent_replies;
        }
        if c.state == State::Cancelled {
            return;
        }
        if def.cancelled(f) {
            if c.state != State::Stopped {
                c.state = State::Cancelled;
                c.due_at = None;
                c.mark(at, Mark::Cancelled);
            }
            return;
        }
        let live = matches!(c.state, State::Running | State::Paused);
        if target == Target::NextUpdate && f.agent_replies > self.replies && live {
            c.restart(at);
        }
        self.replies = f.agent_replies;
        let reset_now = def.reset(f);
        if reset_now && !self.resetting && live && target != Target::FirstResponse {
            c.restart(at);
        }
        self.resetting = reset_now;
        let stopped = def.stopped(target, f);
        match c.state {
            State::Running | State::Paused if stopped => {
                c.state = State::Stopped;
                c.stopped_at = Some(at);
                c.mark(at, Mark::Stopped);
                return;
            }
            State::Stopped if !stopped && target != Target::FirstResponse => {
                c.state = State::Running;
                c.stopped_at = None;
                c.mark(at, Mark::Reopened);
                if target == Target::NextUpdate {
                    c.restart(at);
                }
            }
            State::NotStarted if !stopped && def.started(f) => {
                c.state = State::Running;
                c.mark(at, Mark::Started);
            }
            _ => {}
        }
        let pause = def.paused(f);
        if c.state == State::Running && pause {
            c.state = State::Paused;
            c.mark(at, Mark::Paused);
        } else if c.state == State::Paused && !pause {
            c.state = State::Running;
            c.mark(at, Mark::Resumed);
        }
    }

    /// Cancels the clock at `at` because its definition no longer applies.
    pub fn detach(&mut self, schedule: &Schedule, at: i64) {
        if let Some(last) = self.last_at {
            self.clock.advance(schedule, last, at, false);
        }
        self.last_at = Some(at.max(self.last_at.unwrap_or(at)));
        self.clock.state = State::Cancelled;
        self.clock.mark(at, Mark::Cancelled);
    }

    /// The clock as it stands at `now` (not before the last step).
    pub fn at(&self, schedule: &Schedule, now: i64) -> Clock {
        let mut c = self.clock.clone();
        let Some(last) = self.last_at else { return c };
        let now = now.max(last);
        c.advance(schedule, last, now, true);
        c.due_at = match (c.state, c.breached_at) {
            (State::Running, Some(b)) => Some(b),
            (State::Running, None) => schedule.add(now, c.goal_ms - c.elapsed_ms),
            _ => None,
        };
        c
    }
}

/// The clock of `target` (goal in business milliseconds) under `def`, over the steps of
/// a ticket's history up to `now`. Steps must be in time order.
pub fn measure(def: &Definition, target: Target, goal_ms: i64, schedule: &Schedule, steps: &[Step], now: i64) -> Clock {
    let mut m = Meter::new(target, goal_ms);
    for step in steps.iter().take_while(|s| s.at <= now) {
        m.feed(def, schedule, step);
    }
    m.at(schedule, now)
}
