//! The operational dashboard: the open incident backlog by priority and group, incidents
//! raised and resolved per day, mean time to resolve, reopen rate, first-contact
//! resolution, service-level compliance and breaches, and satisfaction — over a period,
//! narrowed to a group and/or a service.

use std::collections::BTreeMap;

use cairn_domain::platform::access::Actor;
use cairn_store::platform::directory;
use cairn_store::report::dashboard::{self as store, Filter};

use crate::{App, AppError, Result, agents_only};

const DAY: i64 = 86_400_000;

/// What the dashboard shows: a period (at most a year) and optional narrowing.
#[derive(Debug, Clone)]
pub struct DashboardQuery {
    pub from: i64,
    pub to: i64,
    pub group: Option<String>,
    pub service: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// Open incidents per priority 1..=5.
    pub by_priority: Vec<(u8, i64)>,
    /// Open incidents per group, largest first ("(no group)" for unassigned).
    pub by_group: Vec<(String, i64)>,
    /// Per day of the period: (day start, raised, resolved).
    pub days: Vec<(i64, i64, i64)>,
    /// Resolutions in the period (a reopened incident resolved again counts twice).
    pub resolved: i64,
    /// Mean time to resolve, in hours (calendar time).
    pub mttr_hours: Option<f64>,
    /// Reopens per resolution in the period, in percent.
    pub reopen_rate: Option<f64>,
    /// Resolutions by the group that first took the incident (never moved to another
    /// group), in percent.
    pub first_contact: Option<f64>,
    /// Service-level clocks of incidents raised in the period that were met, in percent.
    pub sla_compliance: Option<f64>,
    /// Clocks missed or breached.
    pub sla_breaches: usize,
    /// Share of 4 and 5 ratings among the period's survey answers, and how many.
    pub csat: Option<f64>,
    pub csat_responses: usize,
}

/// The period's resolutions: how many, their summed time to resolve, and how many were
/// resolved by the group that first took the incident.
#[derive(Default)]
struct Resolved {
    count: i64,
    total_ms: i64,
    kept: i64,
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

impl App {
    #[tracing::instrument(name = "dashboard", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn dashboard(&self, actor: &Actor, q: DashboardQuery) -> Result<Dashboard> {
        agents_only(actor)?;
        super::check_period(q.from, q.to)?;
        let t = actor.tenant_id;
        let (by_group, by_priority, days, resolved, reopened) = {
            let mut c = self.db.read().await?;
            let groups: BTreeMap<i64, String> = directory::groups(&mut c, t).await?.into_iter().map(|g| (g.id.0, g.name)).collect();
            let group = match &q.group {
                Some(name) => Some(
                    *groups.iter().find(|(_, n)| *n == name).ok_or_else(|| AppError::invalid("group", format!("no group '{name}'")))?.0,
                ),
                None => None,
            };
            let f = Filter { group, service: q.service.clone() };
            let backlog = store::backlog(&mut c, t, &f).await?;
            let raised = store::raised_per_day(&mut c, t, q.from, q.to, &f).await?;
            let resolutions = store::resolutions(&mut c, t, q.from, q.to, &f).await?;
            let reopened = store::reopened(&mut c, t, q.from, q.to, &f).await?;

            let mut by_priority: BTreeMap<u8, i64> = (1..=5).map(|p| (p, 0)).collect();
            let mut by_group: BTreeMap<String, i64> = BTreeMap::new();
            for (p, g, n) in backlog {
                *by_priority.entry(p.clamp(1, 5) as u8).or_default() += n;
                let name = g.and_then(|g| groups.get(&g).cloned()).unwrap_or_else(|| "(no group)".into());
                *by_group.entry(name).or_default() += n;
            }
            let mut by_group: Vec<(String, i64)> = by_group.into_iter().collect();
            by_group.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let span = ((q.to - q.from + DAY - 1) / DAY) as usize;
            let mut days: Vec<(i64, i64, i64)> = (0..span).map(|d| (q.from + d as i64 * DAY, 0, 0)).collect();
            for (d, n) in raised {
                if let Some(day) = days.get_mut(d as usize) {
                    day.1 = n;
                }
            }
            let mut resolved = Resolved::default();
            for (d, n, took, moved) in resolutions {
                if let Some(day) = days.get_mut(d as usize) {
                    day.2 = n;
                }
                resolved.count += n;
                resolved.total_ms += took;
                resolved.kept += n - moved;
            }
            (by_group, by_priority.into_iter().collect(), days, resolved, reopened)
        };
        // Service levels and satisfaction, narrowed the same way.
        let (by, key) = match (&q.group, &q.service) {
            (Some(g), _) => ("group", Some(g.clone())),
            (None, Some(s)) => ("service", Some(s.clone())),
            (None, None) => ("definition", None),
        };
        let lines = self.sla_compliance(actor, by, q.from, q.to).await?;
        let lines = lines.iter().filter(|l| key.as_ref().is_none_or(|k| l.key == *k));
        let (met, missed) = lines.fold((0, 0), |(m, x), l| (m + l.met, x + l.missed + l.breached));
        let csat_by = if by == "definition" { "group" } else { by };
        let answers = self.csat_report(actor, csat_by, q.from, q.to).await?;
        let answers: Vec<_> = answers.iter().filter(|l| key.as_ref().is_none_or(|k| l.key == *k)).collect();
        let csat_responses: usize = answers.iter().map(|l| l.responses).sum();
        let happy: f64 = answers.iter().map(|l| l.csat * l.responses as f64 / 100.0).sum();
        Ok(Dashboard {
            by_priority,
            by_group,
            days,
            resolved: resolved.count,
            mttr_hours: (resolved.count > 0).then(|| resolved.total_ms as f64 / resolved.count as f64 / 3_600_000.0),
            reopen_rate: percent(reopened, resolved.count),
            first_contact: percent(resolved.kept, resolved.count),
            sla_compliance: percent(met as i64, (met + missed) as i64),
            sla_breaches: missed,
            csat: (csat_responses > 0).then(|| happy * 100.0 / csat_responses as f64),
            csat_responses,
        })
    }
}
