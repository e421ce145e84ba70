//! Impact analysis: what a CI's failure reaches (`up`) or what it needs (`down`),
//! walked level by level, with the services, rooms, organisations and open tickets
//! among what was reached. The walk reads the tenant's graph from memory when the copy
//! there is current ([`super::graph`]), otherwise from the database, one query per level.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use cairn_domain::cmdb::class::ClassTree;
use cairn_domain::cmdb::impact::{Direction, Walk};
use cairn_domain::cmdb::relation::RelationType;
use cairn_domain::ids::{CiId, TenantId};
use cairn_domain::platform::access::Actor;
use cairn_store::Conn;
use cairn_store::cmdb::cis::{self as cis_store, CiRow};
use cairn_store::cmdb::relations;
use cairn_store::cmdb::ticket_cis::{self, OpenTicket};
use cairn_store::platform::directory;

use super::graph::Graph;
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
    /// Whether the graph in memory answered (rather than the database).
    pub from_memory: bool,
}

/// Walks the graph from `start`: in `graph` when given, else in the caller's connection.
pub(crate) async fn walk(c: &mut Conn, t: TenantId, graph: Option<&Graph>, start: CiId, direction: Direction, depth: u32) -> Result<Walk> {
    let mut w = Walk::new(start, direction, depth, MAX_NODES);
    while !w.frontier().is_empty() {
        let edges = match graph {
            Some(g) => g.edges(direction, w.frontier()),
            None => relations::edges(c, t, direction, w.frontier()).await?,
        };
        w.advance(&edges);
    }
    Ok(w)
}

/// The CIs reached, as impact answers show them, from `graph` when given.
pub(crate) async fn briefs(
    c: &mut Conn,
    t: TenantId,
    tree: &ClassTree,
    graph: Option<&Graph>,
    ids: &[CiId],
) -> Result<HashMap<CiId, CiRow>> {
    let Some(g) = graph else {
        return Ok(cis_store::brief_by_ids(c, t, ids).await?.into_iter().map(|r| (r.ci.id, r)).collect());
    };
    let code = |k| tree.get(k).map(|k| k.code.clone()).unwrap_or_default();
    let mut rows: HashMap<CiId, CiRow> = ids.iter().filter_map(|&id| g.brief(id, code).map(|r| (id, r))).collect();
    let orgs: BTreeSet<_> = rows.values().filter_map(|r| r.ci.org).collect();
    let names: HashMap<_, _> = directory::org_names(c, t, &orgs.into_iter().collect::<Vec<_>>()).await?.into_iter().collect();
    for r in rows.values_mut() {
        r.org = r.ci.org.and_then(|o| names.get(&o).cloned());
    }
    Ok(rows)
}

impl App {
    #[tracing::instrument(name = "ci_impact", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn ci_impact(&self, actor: &Actor, number: &str, direction: Direction, depth: u32) -> Result<Impact> {
        agents_only(actor)?;
        let t = actor.tenant_id;
        let mut c = self.db.read().await?;
        let start = load(&mut c, t, number).await?;
        let tree = tree(&mut c, t).await?;
        self.impact_in(&mut c, t, &tree, start, direction, depth).await
    }

    /// The impact of `start` in the caller's connection, with the tenant's class tree;
    /// walked in memory when the tenant's graph there is current.
    pub(crate) async fn impact_in(
        &self,
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
        let graph = self.cmdb_graph(c, t).await?;
        let w = walk(c, t, graph.as_deref(), start.ci.id, direction, depth).await?;
        let ids: Vec<CiId> = w.reached().iter().map(|r| r.id).collect();
        let mut rows = briefs(c, t, tree, graph.as_deref(), &ids).await?;
        // Each CI's path is its parent's and itself; parents come first in a walk.
        let numbers: Vec<String> = ids.iter().map(|id| rows.get(id).map(|r| r.ci.number.to_string()).unwrap_or_default()).collect();
        let mut paths: Vec<Vec<usize>> = Vec::with_capacity(ids.len());
        let mut reached = Vec::with_capacity(ids.len());
        for (i, r) in w.reached().iter().enumerate() {
            let mut path = r.via.and_then(|(prev, _)| w.position(prev)).map(|p| paths[p].clone()).unwrap_or_default();
            path.push(i);
            if i > 0
                && let Some(ci) = rows.remove(&r.id)
            {
                let path = path.iter().map(|&j| numbers[j].clone()).collect();
                reached.push(Reached { ci, depth: r.depth, via: r.via.map(|(_, rel)| rel), path });
            }
            paths.push(path);
        }
        let all: Vec<&CiRow> = std::iter::once(&start).chain(reached.iter().map(|r| &r.ci)).collect();
        let of_class = |code: &str| {
            let classes = tree.by_code(code).map(|k| tree.descendants(k.id)).unwrap_or_default();
            all.iter().filter(|r| classes.contains(&r.ci.class)).map(|r| (*r).clone()).collect::<Vec<_>>()
        };
        let (services, rooms) = (of_class("service"), of_class("room"));
        let organisations: BTreeSet<String> = all.iter().filter_map(|r| r.org.clone()).collect();
        let open_tickets = ticket_cis::open_tickets(c, self.backend(), t, &ids).await?;
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
            from_memory: graph.is_some(),
        })
    }

    /// The tenant's graph in memory if it is current; otherwise none, and a fresh copy
    /// is loaded in the background.
    pub(crate) async fn cmdb_graph(&self, c: &mut Conn, t: TenantId) -> Result<Option<Arc<Graph>>> {
        self.cmdb_graphs.current(&self.db, c, t).await
    }

    /// Loads the tenant's graph into memory now (benches, tests, a warm start); the copy
    /// held after, none when the graph kept changing while it was read.
    pub async fn load_cmdb_graph(&self, t: TenantId) -> Result<Option<Arc<Graph>>> {
        self.cmdb_graphs.load(&self.db, t, 3).await
    }
}
