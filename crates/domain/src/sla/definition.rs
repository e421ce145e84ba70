//! Service-level definitions: what they apply to, their targets, the conditions that
//! start, pause, stop, reset and cancel the clock, warning thresholds and breach
//! actions. SLAs (with the customer), OLAs (a group's part of the work) and
//! underpinning contracts (a supplier's) share one shape.

use crate::ids::DefinitionId;
use serde::{Deserialize, Serialize};

use super::condition::{Condition, Facts, all};
use crate::DomainError;

pub const KINDS: [&str; 3] = ["sla", "ola", "underpinning"];

/// What a clock measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// Until the first public reply by an agent.
    FirstResponse,
    /// Until the stop conditions hold (resolved); a reopen resumes it.
    Resolution,
    /// Between public agent replies, while the ticket is open.
    NextUpdate,
}

impl Target {
    pub const ALL: [Target; 3] = [Target::FirstResponse, Target::Resolution, Target::NextUpdate];

    pub fn as_str(self) -> &'static str {
        match self {
            Target::FirstResponse => "first_response",
            Target::Resolution => "resolution",
            Target::NextUpdate => "next_update",
        }
    }

    pub fn parse(s: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Targets in business minutes of the definition's calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    pub first_response_minutes: Option<i64>,
    pub resolution_minutes: Option<i64>,
    pub next_update_minutes: Option<i64>,
}

impl Targets {
    pub fn list(&self) -> Vec<(Target, i64)> {
        [
            (Target::FirstResponse, self.first_response_minutes),
            (Target::Resolution, self.resolution_minutes),
            (Target::NextUpdate, self.next_update_minutes),
        ]
        .into_iter()
        .filter_map(|(t, m)| m.map(|m| (t, m * 60_000)))
        .collect()
    }
}

/// What happens at a breach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BreachAction {
    /// Notify the assignee, the group's members or the group's manager.
    Notify { to: String },
    /// Raise the ticket's priority by one step (P3 → P2).
    RaisePriority,
    /// Hand the ticket to another group.
    Reassign { group: String },
    /// Add an internal note.
    Note { text: String },
}

pub const NOTIFY: [&str; 3] = ["assignee", "group", "manager"];

/// Everything a definition says, as stored and as the API takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    #[serde(default)]
    pub id: DefinitionId,
    pub name: String,
    /// `sla`, `ola` or `underpinning`.
    pub kind: String,
    /// The business calendar's name.
    pub calendar: String,
    /// Lower is tried first when selecting.
    #[serde(default)]
    pub position: i64,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// All must hold for the definition to apply.
    #[serde(default)]
    pub applies_when: Vec<Condition>,
    pub targets: Targets,
    /// The clock starts once these hold (none: at creation).
    #[serde(default)]
    pub start_when: Vec<Condition>,
    /// The clock stands still while these hold (none: never).
    #[serde(default)]
    pub pause_when: Vec<Condition>,
    /// The resolution clock stops once these hold (none: resolved or closed).
    #[serde(default)]
    pub stop_when: Vec<Condition>,
    /// The clock starts over from zero when these become true (none: never).
    #[serde(default)]
    pub reset_when: Vec<Condition>,
    /// The clocks are cancelled when these hold (none: cancelled status).
    #[serde(default)]
    pub cancel_when: Vec<Condition>,
    /// Percentages of a target at which to warn (default 50, 75, 90).
    #[serde(default = "default_warnings")]
    pub warnings: Vec<u8>,
    /// Who hears of a warning: the assignee, the group's members or the group's manager.
    #[serde(default = "default_warn_to")]
    pub warn_to: Vec<String>,
    #[serde(default)]
    pub breach_actions: Vec<BreachAction>,
}

fn yes() -> bool {
    true
}

fn default_warnings() -> Vec<u8> {
    vec![50, 75, 90]
}

fn default_warn_to() -> Vec<String> {
    vec!["assignee".into()]
}

impl Definition {
    /// Checks a definition as an administrator wrote it, naming the first problem.
    pub fn check(&self) -> Result<(), DomainError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(DomainError::invalid("name", "must be 1 to 100 characters"));
        }
        if !KINDS.contains(&self.kind.as_str()) {
            return Err(DomainError::invalid("kind", format!("'{}' is not sla, ola or underpinning", self.kind)));
        }
        if self.calendar.trim().is_empty() {
            return Err(DomainError::invalid("calendar", "name the business calendar"));
        }
        let t = &self.targets;
        for (field, v) in [
            ("targets.first_response_minutes", t.first_response_minutes),
            ("targets.resolution_minutes", t.resolution_minutes),
            ("targets.next_update_minutes", t.next_update_minutes),
        ] {
            if let Some(m) = v
                && !(1..=525_600).contains(&m)
            {
                return Err(DomainError::invalid(field, format!("{m} minutes: a target must be 1 minute to 1 year")));
            }
        }
        if t.list().is_empty() {
            return Err(DomainError::invalid("targets", "set at least one target"));
        }
        for (field, list) in [
            ("applies_when", &self.applies_when),
            ("start_when", &self.start_when),
            ("pause_when", &self.pause_when),
            ("stop_when", &self.stop_when),
            ("reset_when", &self.reset_when),
            ("cancel_when", &self.cancel_when),
        ] {
            for c in list {
                c.check(field)?;
            }
        }
        let mut w = self.warnings.clone();
        w.sort_unstable();
        w.dedup();
        if w.len() != self.warnings.len() || w.iter().any(|p| !(1..=99).contains(p)) {
            return Err(DomainError::invalid("warnings", "percentages from 1 to 99, each once"));
        }
        if let Some(to) = self.warn_to.iter().find(|to| !NOTIFY.contains(&to.as_str())) {
            return Err(DomainError::invalid("warn_to", format!("'{to}': use assignee, group or manager")));
        }
        for a in &self.breach_actions {
            match a {
                BreachAction::Notify { to } if !NOTIFY.contains(&to.as_str()) => {
                    return Err(DomainError::invalid("breach_actions", format!("notify '{to}': use assignee, group or manager")));
                }
                BreachAction::Reassign { group } if group.trim().is_empty() => {
                    return Err(DomainError::invalid("breach_actions", "reassign needs a group"));
                }
                BreachAction::Note { text } if text.trim().is_empty() => {
                    return Err(DomainError::invalid("breach_actions", "a note needs its text"));
                }
                _ => {}
            }
        }
        Ok(())
    }

    pub fn applies(&self, f: &Facts) -> bool {
        self.enabled && all(&self.applies_when, f)
    }

    pub(crate) fn started(&self, f: &Facts) -> bool {
        all(&self.start_when, f)
    }

    pub(crate) fn paused(&self, f: &Facts) -> bool {
        !self.pause_when.is_empty() && all(&self.pause_when, f)
    }

    pub(crate) fn stopped(&self, target: Target, f: &Facts) -> bool {
        let resolved = || matches!(f.status.as_str(), "resolved" | "closed");
        match target {
            Target::FirstResponse => f.agent_replies > 0 || resolved(),
            Target::Resolution | Target::NextUpdate if self.stop_when.is_empty() => resolved(),
            Target::Resolution | Target::NextUpdate => all(&self.stop_when, f),
        }
    }

    pub(crate) fn reset(&self, f: &Facts) -> bool {
        !self.reset_when.is_empty() && all(&self.reset_when, f)
    }

    pub(crate) fn cancelled(&self, f: &Facts) -> bool {
        if self.cancel_when.is_empty() { f.status == "cancelled" } else { all(&self.cancel_when, f) }
    }
}

/// The enabled definitions that can never apply, each with the catch-all that comes
/// before it (an enabled definition of the same kind with no conditions, which
/// [`select`] always stops at).
pub fn shadowed(definitions: &[Definition]) -> Vec<(&Definition, &Definition)> {
    let mut sorted: Vec<&Definition> = definitions.iter().collect();
    sorted.sort_by_key(|d| (d.position, d.id));
    let mut out = Vec::new();
    for (i, d) in sorted.iter().enumerate().filter(|(_, d)| d.enabled) {
        if let Some(all) = sorted[..i].iter().find(|a| a.enabled && a.kind == d.kind && a.applies_when.is_empty()) {
            out.push((*d, *all));
        }
    }
    out
}

/// The definitions that apply to a ticket: per kind, the first enabled one (by
/// position, then id) whose conditions hold.
pub fn select<'a>(definitions: &'a [Definition], f: &Facts) -> Vec<&'a Definition> {
    let mut sorted: Vec<&Definition> = definitions.iter().collect();
    sorted.sort_by_key(|d| (d.position, d.id));
    KINDS.iter().filter_map(|k| sorted.iter().find(|d| d.kind == *k && d.applies(f)).copied()).collect()
}
