//! The CIs a ticket affects: set with the ticket's change (one transaction, one
//! journal entry on the ticket), read for its page and JSON.

use cairn_domain::ids::{CiId, UserId};
use cairn_domain::platform::access::Actor;
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::ticket::Ticket;
use cairn_store::Conn;
use cairn_store::cmdb::ticket_cis::{self as store, Affected};
use cairn_store::platform::journal::{self, Entry};

use super::impact::{briefs, walk};
use super::{named, tree};
use crate::ticket::load as load_ticket;
use crate::{App, Result};
use cairn_domain::cmdb::Criticality;
use cairn_domain::cmdb::impact::Direction;

/// At most this many CIs on one ticket.
pub const MAX_PER_TICKET: usize = 100;

/// Replaces the ticket's affected CIs with `numbers`, in the caller's transaction;
/// false when the list is what it was.
pub(crate) async fn set(c: &mut Conn, ticket: &Ticket, numbers: &[String], by: UserId, now: i64) -> Result<bool> {
    let t = ticket.tenant_id;
    if numbers.len() > MAX_PER_TICKET {
        return Err(crate::AppError::invalid("cis", format!("at most {MAX_PER_TICKET} CIs")));
    }
    let mut ids: Vec<CiId> = Vec::with_capacity(numbers.len());
    let mut names: Vec<String> = Vec::with_capacity(numbers.len());
    for n in numbers {
        let ci = named(c, t, "cis", n).await?;
        if !ids.contains(&ci.ci.id) {
            ids.push(ci.ci.id);
            names.push(ci.ci.number.to_string());
        }
    }
    let before: Vec<String> = store::of_ticket(c, t, ticket.id).await?.into_iter().map(|a| a.number).collect();
    names.sort();
    if before == names {
        return Ok(false);
    }
    store::set(c, t, ticket.id, &ids).await?;
    let mut e = Entry::ticket(ticket.id.0, TicketAction::Updated);
    e.field = Some("cis".into());
    e.old = (!before.is_empty()).then(|| before.join(", "));
    e.new = (!names.is_empty()).then(|| names.join(", "));
    journal::append(c, t, Some(by), now, &[e]).await?;
    Ok(true)
}

impl App {
    /// The CIs a ticket affects; staff only (requesters get an empty list).
    pub async fn ticket_cis(&self, actor: &Actor, number: &str) -> Result<Vec<Affected>> {
        let mut c = self.db.read().await?;
        let ticket = load_ticket(&mut c, &actor.scope(), number).await?;
        if !actor.role.is_staff() {
            return Ok(Vec::new());
        }
        Ok(store::of_ticket(&mut c, actor.tenant_id, ticket.id).await?)
    }
}

/// An affected CI with the services its failure reaches, for the ticket page.
#[derive(Debug, Clone, Default)]
pub struct AffectedCi {
    pub number: String,
    pub name: String,
    pub class: String,
    /// (number, name, criticality) of each service reached going up, the CI itself
    /// included when it is one.
    pub services: Vec<(String, String, Criticality)>,
}

/// How far up the ticket page looks for services.
const SERVICE_DEPTH: u32 = 10;

impl App {
    /// The ticket's affected CIs, each with the services it is used by (staff).
    pub async fn ticket_cis_with_services(&self, actor: &Actor, number: &str) -> Result<Vec<AffectedCi>> {
        crate::agents_only(actor)?;
        let t = actor.tenant_id;
        let mut c = self.db.read().await?;
        let ticket = load_ticket(&mut c, &actor.scope(), number).await?;
        let affected = store::of_ticket(&mut c, t, ticket.id).await?;
        if affected.is_empty() {
            return Ok(Vec::new());
        }
        let tree = tree(&mut c, t).await?;
        let graph = self.cmdb_graph(&mut c, t).await?;
        let mut out = Vec::with_capacity(affected.len());
        for a in affected {
            let w = walk(&mut c, t, graph.as_deref(), a.id, Direction::Up, SERVICE_DEPTH).await?;
            let ids: Vec<CiId> = w.reached().iter().map(|r| r.id).collect();
            let rows: Vec<_> = briefs(&mut c, t, &tree, graph.as_deref(), &ids).await?.into_values().collect();
            let class = rows.iter().find(|r| r.ci.id == a.id).map(|r| r.class_code.clone()).unwrap_or_default();
            let mut services: Vec<(String, String, Criticality)> = rows
                .into_iter()
                .filter(|r| tree.is_a(r.ci.class, "service"))
                .map(|r| (r.ci.number.to_string(), r.ci.name, r.ci.criticality))
                .collect();
            services.sort_by(|x, y| y.2.cmp(&x.2).then_with(|| x.0.cmp(&y.0)));
            out.push(AffectedCi { number: a.number, name: a.name, class, services });
        }
        Ok(out)
    }
}

/// The impact the affected CIs suggest: high when a critical or high service is
/// reached, medium for a medium one; with the reason in words.
pub fn suggested_impact(cis: &[AffectedCi]) -> Option<(i64, String)> {
    let (ci, (number, name, crit)) = cis.iter().flat_map(|c| c.services.iter().map(move |s| (c, s))).max_by_key(|(_, s)| s.2)?;
    let level = match crit {
        Criticality::Critical | Criticality::High => 1,
        Criticality::Medium => 2,
        Criticality::Low => return None,
    };
    let via = if *number == ci.number { String::new() } else { format!(", which {} {} is used by", ci.number, ci.name) };
    Some((level, format!("{number} {name} is a {} service{via}", crit.label().to_lowercase())))
}

impl App {
    /// Raises the ticket's impact to what its affected CIs' services suggest, with the
    /// reason in the ticket's history; refused when they suggest nothing higher.
    #[tracing::instrument(name = "apply_ci_impact", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn apply_ci_impact(&self, actor: &Actor, number: &str, version: i64) -> Result<crate::ticket::TicketView> {
        let cis = self.ticket_cis_with_services(actor, number).await?;
        let current = self.get_ticket(actor, number).await?.ticket.impact.get();
        let Some((level, why)) = suggested_impact(&cis).filter(|(l, _)| *l < i64::from(current)) else {
            return Err(crate::AppError::invalid("impact", "the affected CIs suggest no higher impact"));
        };
        let change = crate::ticket::TicketChange { impact: Some(level), impact_reason: Some(why), ..Default::default() };
        self.update_ticket(actor, number, version, change).await
    }
}
