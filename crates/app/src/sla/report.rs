//! Service-level reports: compliance grouped by definition, group, service or
//! priority over a period; the breaches; mean times to respond and resolve in business
//! and calendar time.

use std::collections::BTreeMap;

use cairn_domain::platform::access::Actor;
use cairn_store::platform::directory;
use cairn_store::sla::{self as store, ReportRow};

use crate::{App, AppError, Result, agents_only};

/// How a clock ended up, as of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Met,
    Missed,
    /// Still open, past its due instant.
    Breached,
    InProgress,
    Cancelled,
}

impl Outcome {
    fn of(r: &ReportRow, now: i64) -> Outcome {
        let breached = r.breached_at.is_some() || r.due_at.is_some_and(|d| d <= now);
        match (r.state.as_str(), breached) {
            ("cancelled", _) => Outcome::Cancelled,
            ("stopped", false) => Outcome::Met,
            ("stopped", true) => Outcome::Missed,
            (_, true) => Outcome::Breached,
            _ => Outcome::InProgress,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Met => "met",
            Outcome::Missed => "missed",
            Outcome::Breached => "breached",
            Outcome::InProgress => "in progress",
            Outcome::Cancelled => "cancelled",
        }
    }
}

/// One line of a compliance report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Line {
    /// The definition, group, service or priority (and the target).
    pub key: String,
    pub target: String,
    pub met: usize,
    pub missed: usize,
    pub breached: usize,
    pub in_progress: usize,
    /// met / (met + missed + breached), in percent; none when nothing is decided.
    pub compliance: Option<f64>,
    /// Mean business minutes of the stopped clocks.
    pub mean_business_minutes: Option<f64>,
    /// Mean calendar minutes from the ticket's creation to the clock's stop.
    pub mean_calendar_minutes: Option<f64>,
}

/// A clock past its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub ticket: String,
    pub definition: String,
    pub target: String,
    pub outcome: &'static str,
    pub breached_at: Option<i64>,
    /// Business minutes past the target when the clock last changed.
    pub over_minutes: i64,
}

pub const GROUPINGS: [&str; 4] = ["definition", "group", "service", "priority"];

fn mean(xs: &[i64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<i64>() as f64 / xs.len() as f64 / 60_000.0)
}

/// The clocks of a period with the names to group them by.
struct Input {
    rows: Vec<ReportRow>,
    definitions: BTreeMap<cairn_domain::ids::DefinitionId, String>,
    groups: BTreeMap<i64, String>,
}

impl App {
    async fn report_input(&self, actor: &Actor, from: i64, to: i64) -> Result<Input> {
        agents_only(actor)?;
        crate::report::check_period(from, to)?;
        let mut c = self.db.read().await?;
        let t = actor.tenant_id;
        let rows = store::report_rows(&mut c, t, from, to).await?;
        let definitions = store::definitions(&mut c, t).await?.into_iter().map(|d| (d.id, d.name)).collect();
        let groups = directory::groups(&mut c, t).await?.into_iter().map(|g| (g.id.0, g.name)).collect();
        Ok(Input { rows, definitions, groups })
    }

    /// Compliance per `by` (definition, group, service or priority) and target, for the
    /// tickets raised in the period.
    #[tracing::instrument(name = "sla_compliance", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn sla_compliance(&self, actor: &Actor, by: &str, from: i64, to: i64) -> Result<Vec<Line>> {
        if !GROUPINGS.contains(&by) {
            return Err(AppError::invalid("by", format!("'{by}' is not one of {}", GROUPINGS.join(", "))));
        }
        let Input { rows, definitions, groups } = self.report_input(actor, from, to).await?;
        let now = self.now();
        // Per (key, target): the line, and the business and calendar times of stopped clocks.
        type Acc = (Line, Vec<i64>, Vec<i64>);
        let mut lines: BTreeMap<(String, String), Acc> = BTreeMap::new();
        for r in &rows {
            let key = match by {
                "definition" => definitions.get(&r.definition).cloned().unwrap_or_default(),
                "group" => r.group_id.and_then(|g| groups.get(&g).cloned()).unwrap_or_else(|| "(no group)".into()),
                "service" => r.service.clone().unwrap_or_else(|| "(no service)".into()),
                _ => format!("P{}", r.priority),
            };
            let entry = lines
                .entry((key.clone(), r.target.clone()))
                .or_insert_with(|| (Line { key, target: r.target.clone(), ..Line::default() }, Vec::new(), Vec::new()));
            match Outcome::of(r, now) {
                Outcome::Met => entry.0.met += 1,
                Outcome::Missed => entry.0.missed += 1,
                Outcome::Breached => entry.0.breached += 1,
                Outcome::InProgress => entry.0.in_progress += 1,
                Outcome::Cancelled => {}
            }
            if let Some(stop) = r.stopped_at {
                entry.1.push(r.elapsed_ms);
                entry.2.push(stop - r.created_at);
            }
        }
        Ok(lines
            .into_values()
            .map(|(mut l, business, calendar)| {
                let decided = l.met + l.missed + l.breached;
                l.compliance = (decided > 0).then(|| l.met as f64 * 100.0 / decided as f64);
                l.mean_business_minutes = mean(&business);
                l.mean_calendar_minutes = mean(&calendar);
                l
            })
            .collect())
    }

    /// The clocks past their target among the tickets raised in the period, most
    /// overdue first.
    #[tracing::instrument(name = "sla_breaches", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn sla_breaches(&self, actor: &Actor, from: i64, to: i64) -> Result<Vec<Breach>> {
        let Input { rows, definitions, .. } = self.report_input(actor, from, to).await?;
        let now = self.now();
        let mut out: Vec<Breach> = rows
            .iter()
            .filter_map(|r| {
                let outcome = Outcome::of(r, now);
                matches!(outcome, Outcome::Missed | Outcome::Breached).then(|| Breach {
                    ticket: r.number.clone(),
                    definition: definitions.get(&r.definition).cloned().unwrap_or_default(),
                    target: r.target.clone(),
                    outcome: outcome.as_str(),
                    breached_at: r.breached_at.or(r.due_at),
                    over_minutes: (r.elapsed_ms - r.goal_ms).max(0) / 60_000,
                })
            })
            .collect();
        out.sort_by(|a, b| b.over_minutes.cmp(&a.over_minutes).then(a.ticket.cmp(&b.ticket)));
        Ok(out)
    }
}
