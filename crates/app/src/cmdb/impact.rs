//! Impact analysis: what a CI's failure reaches (`up`) or what it needs (`down`),
//! walked level by level with one query per level, with the services, rooms,
//! organisations and open tickets among what was reached.

use std::collections::{BTreeSet, HashMap};

use cairn_domain::cmdb::class::ClassTree;
use cairn_domain::cmdb::impact::{Direction, Walk};
use cairn_domain::cmdb::relation::RelationType;
use cairn_domain::ids::{CiId, TenantId};
use cairn_domain::platform::access::Actor;
use cairn_store::Conn;
use cairn_store::cmdb::cis::{self as cis_store, CiRow};
use cairn_store::cmdb::relations;
use cairn_store::cmdb::ticket_cis::{self, OpenTicket};

use super::{load, tree};
use crate::{App, AppError, Result, agents_only};

/// The deepest walk asked for, and the most CIs one walk reaches.
pub const MAX_DEPTH: u32 = 50;
pub const MAX_NODES: usize = 20_000;

/// A CI reached: how far, through which relation, and one path from the start.
#[derive(Debug, Clone)]
pub struct Reached {
    pub ci: CiRow,
    pub depth: u32,
    pub via: Option<RelationType>,
    /// CI numbers from the start to this CI, both included.
    pub path: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Impact {
    pub start: CiRow,
    pub direction: Direction,
    pub depth: u32,
    /// Every CI reached but the start, by depth (brief: see `cis::brief_by_ids`).
    pub reached: Vec<Reached>,
    /// The reached CIs (the start included) of class service or below.
    pub services: Vec<CiRow>,
    /// The reached CIs of class room or below.
    pub rooms: Vec<CiRow>,
    pub organisations: Vec<String>,
    /// Open tickets on the start or any CI reached.
    pub open_tickets: Vec<OpenTicket>,
    /// Whether [`MAX_NODES`] cut the walk short.
    pub truncated: bool,
}

/// Walks the graph from `start` in the caller's connection.
pub(crate) async fn walk(c: &mut Conn, t: cairn_domain::ids::TenantId, start: CiId, direction: Direction, depth: u32) -> Result<Walk> {
    let mut w = Walk::new(start, direction, depth, MAX_NODES);
    while !w.frontier().is_empty() {
        let edges = relations::edges(c, t, direction, w.frontier()).await?;
        w.advance(&edges);
    }
    Ok(w)
}

/// The impact of `start` in the caller's connection, with the tenant's class tree.
pub(crate) async fn impact_in(
    c: &mut Conn,
    t: TenantId,
    tree: &ClassTree,
    start: CiRow,
    direction: Direction,
    depth: u32,
) -> Result<Impact> {
    if depth == 0 || depth > MAX_DEPTH {
        return Err(AppError::invalid("depth", format!("must be 1 to {MAX_DEPTH}")));
    }
    let w = walk(c, t, start.ci.id, direction, depth).await?;
    let ids: Vec<CiId> = w.reached().iter().map(|r| r.id).collect();
    let rows: HashMap<CiId, CiRow> = cis_store::brief_by_ids(c, t, &ids).await?.into_iter().map(|r| (r.ci.id, r)).collect();
    let number_of = |id: &CiId| rows.get(id).map(|r| r.ci.number.to_string()).unwrap_or_default();
    let reached: Vec<Reached> = w
        .reached()
        .iter()
        .skip(1)
        .filter_map(|r| {
            let path = w.path(r.id).iter().map(number_of).collect();
            rows.get(&r.id).map(|ci| Reached { ci: ci.clone(), depth: r.depth, via: r.via.map(|(_, rel)| rel), path })
        })
        .collect();
    let all: Vec<&CiRow> = std::iter::once(&start).chain(reached.iter().map(|r| &r.ci)).collect();
    let of_class = |code: &str| all.iter().filter(|r| tree.is_a(r.ci.class, code)).map(|r| (*r).clone()).collect::<Vec<_>>();
    let (services, rooms) = (of_class("service"), of_class("room"));
    let organisations: BTreeSet<String> = all.iter().filter_map(|r| r.org.clone()).collect();
    let open_tickets = ticket_cis::open_tickets(c, t, &ids).await?;
    Ok(Impact {
        start,
        direction,
        depth,
        reached,
        services,
        rooms,
        organisations: organisations.into_iter().collect(),
        open_tickets,
        truncated: w.truncated(),
    })
}

impl App {
    #[tracing::instrument(name = "ci_impact", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn ci_impact(&self, actor: &Actor, number: &str, direction: Direction, depth: u32) -> Result<Impact> {
        agents_only(actor)?;
        let t = actor.tenant_id;
        let mut c = self.db.read().await?;
        let start = load(&mut c, t, number).await?;
        let tree = tree(&mut c, t).await?;
        impact_in(&mut c, t, &tree, start, direction, depth).await
    }
}
