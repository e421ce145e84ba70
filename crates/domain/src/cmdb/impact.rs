//! Impact analysis: a breadth-first walk of the relation graph, level by level, so
//! the store can fetch one level's relations in one query. Every CI is reached once,
//! at its least depth, with one path back to the start; cycles end the walk, never
//! hang it, and a depth and a node limit bound it.

use std::collections::HashMap;

use super::relation::RelationType;
use crate::ids::CiId;

/// `Up` is what is affected when the start fails; `Down` is what the start needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

impl Direction {
    pub fn parse(s: &str) -> Option<Direction> {
        match s {
            "up" => Some(Direction::Up),
            "down" => Some(Direction::Down),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}

/// A stored relation: `from rel to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub from: CiId,
    pub rel: RelationType,
    pub to: CiId,
}

impl Edge {
    /// The CI the walk reaches from `at` over this relation, if it goes that way.
    pub fn next(&self, direction: Direction, at: CiId) -> Option<CiId> {
        let (near, far) = match direction {
            Direction::Up => (self.to, self.from),
            Direction::Down => (self.from, self.to),
        };
        if near == at {
            Some(far)
        } else if self.rel.symmetric() && far == at {
            Some(near)
        } else {
            None
        }
    }
}

/// One CI reached: how deep, and the CI and relation it was reached through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reached {
    pub id: CiId,
    pub depth: u32,
    pub via: Option<(CiId, RelationType)>,
}

#[derive(Debug, Clone)]
pub struct Walk {
    direction: Direction,
    max_depth: u32,
    limit: usize,
    reached: Vec<Reached>,
    index: HashMap<CiId, usize>,
    frontier: Vec<CiId>,
    depth: u32,
    truncated: bool,
}

impl Walk {
    /// A walk from `start`, at most `max_depth` relations away and `limit` CIs in all.
    pub fn new(start: CiId, direction: Direction, max_depth: u32, limit: usize) -> Walk {
        let first = Reached { id: start, depth: 0, via: None };
        Walk {
            direction,
            max_depth,
            limit: limit.max(1),
            reached: vec![first],
            index: HashMap::from([(start, 0)]),
            frontier: if max_depth == 0 { Vec::new() } else { vec![start] },
            depth: 0,
            truncated: false,
        }
    }

    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The CIs whose relations the next step needs; empty when the walk is done.
    pub fn frontier(&self) -> &[CiId] {
        &self.frontier
    }

    /// Takes one level: `edges` are the relations touching the frontier (others are
    /// ignored). CIs seen before are not visited again.
    pub fn advance(&mut self, edges: &[Edge]) {
        self.depth += 1;
        // The relations by the CI they lead away from, so each frontier CI finds its own.
        let mut from: HashMap<CiId, Vec<(CiId, RelationType)>> = HashMap::new();
        for e in edges {
            for at in [e.from, e.to] {
                if let Some(far) = e.next(self.direction, at) {
                    from.entry(at).or_default().push((far, e.rel));
                }
            }
        }
        // In one order whatever order the relations came in, so the same graph gives the
        // same paths from the database and from memory.
        for v in from.values_mut() {
            v.sort_unstable_by_key(|&(far, rel)| (far, rel));
        }
        let mut next = Vec::new();
        'walk: for &at in &self.frontier {
            for &(far, rel) in from.get(&at).map(Vec::as_slice).unwrap_or_default() {
                if self.index.contains_key(&far) {
                    continue;
                }
                if self.reached.len() >= self.limit {
                    self.truncated = true;
                    break 'walk;
                }
                self.index.insert(far, self.reached.len());
                self.reached.push(Reached { id: far, depth: self.depth, via: Some((at, rel)) });
                next.push(far);
            }
        }
        self.frontier = if self.depth >= self.max_depth || self.truncated { Vec::new() } else { next };
    }

    /// Every CI reached, the start first, by depth.
    pub fn reached(&self) -> &[Reached] {
        &self.reached
    }

    /// Whether the node limit cut the walk short.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// Where `id` is in [`Walk::reached`].
    pub fn position(&self, id: CiId) -> Option<usize> {
        self.index.get(&id).copied()
    }

    /// The CIs from the start to `id`, both included.
    pub fn path(&self, id: CiId) -> Vec<CiId> {
        let mut out = Vec::new();
        let mut at = self.index.get(&id).map(|&i| self.reached[i]);
        while let Some(r) = at {
            out.push(r.id);
            at = r.via.and_then(|(prev, _)| self.index.get(&prev).map(|&i| self.reached[i]));
        }
        out.reverse();
        out
    }
}

/// The whole walk over a graph held in memory (tests, small graphs).
pub fn walk_all(edges: &[Edge], start: CiId, direction: Direction, max_depth: u32, limit: usize) -> Walk {
    let mut w = Walk::new(start, direction, max_depth, limit);
    while !w.frontier().is_empty() {
        let touching: Vec<Edge> = edges.iter().copied().filter(|e| w.frontier().iter().any(|&f| e.from == f || e.to == f)).collect();
        w.advance(&touching);
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn e(from: i64, rel: RelationType, to: i64) -> Edge {
        Edge { from: CiId(from), rel, to: CiId(to) }
    }

    #[test]
    fn up_from_a_server_reaches_its_apps_and_their_services() {
        // 1 server, 2 app runs_on 1, 3 service depends_on 2, 4 service depends_on 3, 3 depends_on 4 (a cycle).
        let g = [
            e(2, RelationType::RunsOn, 1),
            e(3, RelationType::DependsOn, 2),
            e(4, RelationType::DependsOn, 3),
            e(3, RelationType::DependsOn, 4),
        ];
        let up = walk_all(&g, CiId(1), Direction::Up, 10, 100);
        let got: Vec<(i64, u32)> = up.reached().iter().map(|r| (r.id.0, r.depth)).collect();
        assert_eq!(got, [(1, 0), (2, 1), (3, 2), (4, 3)]);
        assert_eq!(up.path(CiId(4)), [CiId(1), CiId(2), CiId(3), CiId(4)]);
        let down = walk_all(&g, CiId(3), Direction::Down, 10, 100);
        let got: Vec<i64> = down.reached().iter().map(|r| r.id.0).collect();
        assert_eq!(got, [3, 2, 4, 1]);
        assert_eq!(walk_all(&g, CiId(1), Direction::Up, 1, 100).reached().len(), 2, "depth bounds the walk");
        let cut = walk_all(&g, CiId(1), Direction::Up, 10, 3);
        assert!(cut.truncated() && cut.reached().len() == 3, "the limit bounds it");
    }

    #[test]
    fn connected_to_carries_impact_both_ways() {
        let g = [e(1, RelationType::ConnectedTo, 2)];
        assert_eq!(walk_all(&g, CiId(1), Direction::Up, 5, 10).reached().len(), 2);
        assert_eq!(walk_all(&g, CiId(2), Direction::Up, 5, 10).reached().len(), 2);
        assert_eq!(walk_all(&g, CiId(2), Direction::Down, 5, 10).reached().len(), 2);
    }

    fn graph() -> impl Strategy<Value = Vec<Edge>> {
        let rel = prop::sample::select(RelationType::ALL.to_vec());
        prop::collection::vec((0i64..25, rel, 0i64..25), 0..80)
            .prop_map(|v| v.into_iter().filter(|(a, _, b)| a != b).map(|(a, r, b)| e(a, r, b)).collect())
    }

    proptest! {
        #[test]
        fn walks_end_on_any_graph_and_up_mirrors_down(g in graph(), x in 0i64..25, y in 0i64..25) {
            let up = walk_all(&g, CiId(x), Direction::Up, u32::MAX, usize::MAX);
            let down = walk_all(&g, CiId(y), Direction::Down, u32::MAX, usize::MAX);
            prop_assert!(up.reached().len() <= 25);
            let up_has_y = up.reached().iter().any(|r| r.id == CiId(y));
            let down_has_x = down.reached().iter().any(|r| r.id == CiId(x));
            prop_assert_eq!(up_has_y, down_has_x);
            for r in up.reached() {
                let path = up.path(r.id);
                prop_assert_eq!(path.len() as u32, r.depth + 1);
                prop_assert_eq!(path[0], CiId(x));
            }
        }
    }
}
