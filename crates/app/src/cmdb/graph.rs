//! The CMDB graph held in memory, one copy per tenant, so an impact walk reads no
//! relations and no CIs from the database.
//!
//! A copy is a snapshot at one version of the tenant's graph (`store::cmdb::graph`),
//! which every write to a CI or relation raises in its own transaction. Before each
//! walk the version is read: a current copy answers; a stale or missing one does not,
//! the walk goes to the database as before, and a fresh copy is loaded in the
//! background (at most one load per tenant at a time, and not sooner than
//! [`RELOAD_GAP`], or the time the last load took, after it). Several instances over
//! one database each keep their own copy and stay correct, since the version lives in
//! the database.
//!
//! The layout is compact, about 80 bytes per CI plus 13 per relation (111 MB for a
//! million CIs and 2.6 million relations): CI ids sorted (a binary search finds a CI),
//! one text buffer for numbers and names, and each direction's relations as one array
//! of neighbours with an offset per CI.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cairn_domain::cmdb::impact::{Direction, Edge};
use cairn_domain::cmdb::relation::RelationType;
use cairn_domain::cmdb::{Ci, CiNumber, CiStatus, Criticality};
use cairn_domain::ids::{CiClassId, CiId, OrgId, RelationId, TenantId};
use cairn_store::cmdb::cis::CiRow;
use cairn_store::cmdb::graph as store;
use cairn_store::{Conn, Db};

use crate::{AppError, Result};

/// The least time between the end of one load of a tenant's graph and the next.
pub const RELOAD_GAP: Duration = Duration::from_secs(1);

/// Rows per page while loading.
const PAGE: i64 = 20_000;

#[derive(Debug, Clone, Copy)]
struct Node {
    class: CiClassId,
    org: Option<OrgId>,
    /// Where its number, then its name, start in [`Graph::text`].
    text: u32,
    number_len: u8,
    name_len: u16,
    status: CiStatus,
    criticality: Criticality,
}

/// One direction's relations: the neighbours of CI `i` are `far[start[i]..start[i + 1]]`.
#[derive(Debug, Default)]
struct Adjacency {
    start: Vec<u32>,
    far: Vec<u32>,
    rel: Vec<RelationType>,
}

impl Adjacency {
    /// From pairs (CI, neighbour) given by index, for `n` CIs.
    fn build(n: usize, pairs: &[(u32, u32, RelationType)]) -> Adjacency {
        let mut start = vec![0u32; n + 1];
        for &(at, _, _) in pairs {
            start[at as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut next: Vec<u32> = start[..n].to_vec();
        let (mut far, mut rel) = (vec![0u32; pairs.len()], vec![RelationType::DependsOn; pairs.len()]);
        for &(at, to, r) in pairs {
            let slot = &mut next[at as usize];
            far[*slot as usize] = to;
            rel[*slot as usize] = r;
            *slot += 1;
        }
        Adjacency { start, far, rel }
    }

    fn of(&self, i: usize) -> impl Iterator<Item = (usize, RelationType)> + '_ {
        let range = self.start[i] as usize..self.start[i + 1] as usize;
        self.far[range.clone()].iter().zip(&self.rel[range]).map(|(&f, &r)| (f as usize, r))
    }

    fn bytes(&self) -> usize {
        self.start.len() * 4 + self.far.len() * 4 + self.rel.len()
    }
}

/// A tenant's CIs and relations at one version.
#[derive(Debug)]
pub struct Graph {
    version: i64,
    ids: Vec<CiId>,
    nodes: Vec<Node>,
    text: String,
    /// Relations by their `from` end, and by their `to` end.
    outgoing: Adjacency,
    incoming: Adjacency,
}

impl Graph {
    pub fn cis(&self) -> usize {
        self.ids.len()
    }

    pub fn relations(&self) -> usize {
        self.outgoing.far.len()
    }

    /// The memory the copy takes, in bytes.
    pub fn bytes(&self) -> usize {
        self.ids.len() * 8 + self.nodes.len() * size_of::<Node>() + self.text.len() + self.outgoing.bytes() + self.incoming.bytes()
    }

    fn index(&self, id: CiId) -> Option<usize> {
        self.ids.binary_search(&id).ok()
    }

    /// The relations a walk in `direction` follows from `frontier`, as the database
    /// gives them (`store::cmdb::relations::edges`).
    pub fn edges(&self, direction: Direction, frontier: &[CiId]) -> Vec<Edge> {
        let mut out = Vec::new();
        for &id in frontier {
            let Some(i) = self.index(id) else { continue };
            // Up follows relations from their `to` end; down from their `from` end;
            // `connected_to` both ways.
            let (along, against) = match direction {
                Direction::Up => (&self.incoming, &self.outgoing),
                Direction::Down => (&self.outgoing, &self.incoming),
            };
            let edge = |far: usize, rel: RelationType, forward: bool| {
                let far = self.ids[far];
                let (from, to) = if forward == (direction == Direction::Down) { (id, far) } else { (far, id) };
                Edge { from, rel, to }
            };
            out.extend(along.of(i).map(|(f, r)| edge(f, r, true)));
            out.extend(against.of(i).filter(|(_, r)| r.symmetric()).map(|(f, r)| edge(f, r, false)));
        }
        out
    }

    /// The CI as an impact answer shows it: number, class, name, status, criticality
    /// and organisation id (its name is the caller's to add); the rest left empty.
    pub fn brief(&self, id: CiId, class_code: impl Fn(CiClassId) -> String) -> Option<CiRow> {
        let n = *self.nodes.get(self.index(id)?)?;
        let at = n.text as usize;
        let (number, name) = (&self.text[at..at + n.number_len as usize], &self.text[at + n.number_len as usize..][..n.name_len as usize]);
        Some(CiRow {
            ci: Ci {
                id,
                number: CiNumber::parse(number)?,
                class: n.class,
                name: name.to_string(),
                status: n.status,
                criticality: n.criticality,
                owner: None,
                group: None,
                org: n.org,
                location: None,
                attributes: Default::default(),
                sources: Default::default(),
                seen_at: None,
                created_at: 0,
                updated_at: 0,
            },
            class_code: class_code(n.class),
            owner: None,
            group: None,
            org: None,
            location: None,
        })
    }
}

/// Reads the graph whole; `None` when it changed while it was read.
async fn read(c: &mut Conn, t: TenantId) -> Result<Option<Graph>> {
    let version = store::version(c, t).await?;
    let (mut ids, mut nodes, mut text) = (Vec::new(), Vec::new(), String::new());
    loop {
        let page = store::nodes_after(c, t, ids.last().copied().unwrap_or(CiId(0)), PAGE).await?;
        for n in &page {
            let at = u32::try_from(text.len()).map_err(|_| AppError::invalid("cmdb", "too many CIs to hold in memory"))?;
            text.push_str(&n.number);
            text.push_str(&n.name);
            ids.push(n.id);
            nodes.push(Node {
                class: n.class,
                org: n.org,
                text: at,
                number_len: n.number.len() as u8,
                name_len: n.name.len() as u16,
                status: n.status,
                criticality: n.criticality,
            });
        }
        if (page.len() as i64) < PAGE {
            break;
        }
    }
    let index = |id: CiId| ids.binary_search(&id).ok().map(|i| i as u32);
    let (mut from_to, mut after) = (Vec::new(), RelationId(0));
    loop {
        let page = store::edges_after(c, t, after, PAGE).await?;
        for (id, e) in &page {
            after = *id;
            if let (Some(f), Some(to)) = (index(e.from), index(e.to)) {
                from_to.push((f, to, e.rel));
            }
        }
        if (page.len() as i64) < PAGE {
            break;
        }
    }
    if store::version(c, t).await? != version {
        return Ok(None);
    }
    let outgoing = Adjacency::build(ids.len(), &from_to);
    for p in &mut from_to {
        *p = (p.1, p.0, p.2);
    }
    let incoming = Adjacency::build(ids.len(), &from_to);
    text.shrink_to_fit();
    Ok(Some(Graph { version, ids, nodes, text, outgoing, incoming }))
}

#[derive(Default)]
struct Slot {
    graph: Option<Arc<Graph>>,
    loading: bool,
    loaded_at: Option<Instant>,
    /// How long the last load took: the next waits at least as long, so that while
    /// the graph keeps changing (an import) loads take at most half of a core.
    took: Duration,
}

/// The copies of every tenant's graph.
#[derive(Default)]
pub struct GraphCache {
    slots: Mutex<HashMap<TenantId, Slot>>,
}

impl GraphCache {
    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<TenantId, Slot>> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps `graph` unless a newer copy is held already.
    fn install(&self, t: TenantId, graph: Option<Graph>, took: Duration) -> Option<Arc<Graph>> {
        let mut slots = self.slots();
        let slot = slots.entry(t).or_default();
        slot.loading = false;
        slot.loaded_at = Some(Instant::now());
        slot.took = took;
        if let Some(g) = graph
            && slot.graph.as_ref().is_none_or(|old| old.version <= g.version)
        {
            slot.graph = Some(Arc::new(g));
        }
        slot.graph.clone()
    }

    /// The tenant's copy if it is current (read on `c`); otherwise none, and a load in
    /// the background unless one runs, or ended less than [`RELOAD_GAP`] (or the time
    /// it took) ago.
    pub(crate) async fn current(self: &Arc<Self>, db: &Db, c: &mut Conn, t: TenantId) -> Result<Option<Arc<Graph>>> {
        let version = store::version(c, t).await?;
        let mut slots = self.slots();
        let slot = slots.entry(t).or_default();
        if let Some(g) = slot.graph.as_ref().filter(|g| g.version == version) {
            return Ok(Some(g.clone()));
        }
        if !slot.loading && slot.loaded_at.is_none_or(|at| at.elapsed() >= RELOAD_GAP.max(slot.took)) {
            slot.loading = true;
            let (cache, db) = (self.clone(), db.clone());
            tokio::spawn(async move {
                let graph = cache.load(&db, t, 1).await;
                if let Err(e) = &graph {
                    tracing::warn!(tenant = t.0, error = %e, "loading the CMDB graph failed");
                }
            });
        }
        Ok(None)
    }

    /// Loads the tenant's graph now and keeps it, trying up to `tries` times while it
    /// changes under the read; returns the copy held after.
    pub(crate) async fn load(&self, db: &Db, t: TenantId, tries: usize) -> Result<Option<Arc<Graph>>> {
        let started = Instant::now();
        let read = async {
            let mut c = db.read().await?;
            for _ in 1..tries {
                if let Some(g) = read(&mut c, t).await? {
                    return Ok(Some(g));
                }
            }
            read(&mut c, t).await
        };
        match read.await {
            Ok(g) => Ok(self.install(t, g, started.elapsed())),
            Err(e) => {
                self.install(t, None, started.elapsed());
                Err(e)
            }
        }
    }
}
