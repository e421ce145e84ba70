//! Recurring-incident detection: incidents of the same category (or service) whose
//! title and description say much the same thing are grouped into clusters; a large
//! enough cluster is a problem candidate.
//!
//! Finding similar pairs among 100,000 texts cannot compare every pair. Each text's
//! term set gets a MinHash signature; texts agreeing on every row of some band of the
//! signature land in the same bucket (locality-sensitive hashing), and only texts
//! sharing a bucket are compared, by their real Jaccard similarity.

use std::collections::HashMap;

use crate::problem::similarity::{self, jaccard, terms};

/// One incident as detection sees it.
#[derive(Debug, Clone)]
pub struct Doc {
    pub id: i64,
    pub title: String,
    /// Category, else service, else empty: clusters never cross it.
    pub scope: String,
    pub terms: Vec<String>,
    pub created_at: i64,
}

impl Doc {
    pub fn new(id: i64, category: Option<&str>, service: Option<&str>, title: &str, description: &str, created_at: i64) -> Doc {
        let scope = category.or(service).unwrap_or_default().to_string();
        // The title says what is wrong; it counts twice against a long description.
        let text = format!("{title} {title} {description}");
        Doc { id, title: title.to_string(), scope, terms: terms(&text), created_at }
    }
}

/// A group of similar incidents.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub scope: String,
    /// Member ids, ascending.
    pub members: Vec<i64>,
    /// The terms most members share, most common first (stems: "chang", "lock").
    pub label: Vec<String>,
    /// The same terms as the members' titles spell them ("changed", "locked"), to show.
    pub words: Vec<String>,
    /// The title of the member that best represents the cluster.
    pub title: String,
    pub first_at: i64,
    pub last_at: i64,
}

impl Cluster {
    /// Identifies the cluster across runs: the same scope and label is the same
    /// recurring issue, even as new incidents join it.
    pub fn fingerprint(&self) -> String {
        format!("{}|{}", self.scope.to_lowercase(), self.label.join(" "))
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Jaccard similarity two incidents need to be joined.
    pub threshold: f64,
    /// Smallest cluster worth proposing.
    pub min_size: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { threshold: 0.4, min_size: 3 }
    }
}

const HASHES: usize = 16;
const ROWS: usize = 2;

fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser: cheap and well spread.
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn term_hash(t: &str) -> u64 {
    // FNV-1a, then mixed: stable across runs and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in t.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

fn signature(terms: &[String]) -> [u64; HASHES] {
    let mut sig = [u64::MAX; HASHES];
    for t in terms {
        let h = term_hash(t);
        for (i, s) in sig.iter_mut().enumerate() {
            let v = mix(h ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            if v < *s {
                *s = v;
            }
        }
    }
    sig
}

struct Sets(Vec<usize>);

impl Sets {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// Groups similar documents; returns clusters of at least `min_size`, largest first.
pub fn clusters(docs: &[Doc], s: Settings) -> Vec<Cluster> {
    let mut sets = Sets((0..docs.len()).collect());
    let mut buckets: HashMap<(&str, usize, [u64; ROWS]), Vec<usize>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        if d.terms.is_empty() {
            continue;
        }
        let sig = signature(&d.terms);
        for band in 0..HASHES / ROWS {
            let mut key = [0u64; ROWS];
            key.copy_from_slice(&sig[band * ROWS..(band + 1) * ROWS]);
            buckets.entry((d.scope.as_str(), band, key)).or_default().push(i);
        }
    }
    for members in buckets.values() {
        // Each joins the first similar earlier member: linear in the bucket's size.
        for (k, &i) in members.iter().enumerate().skip(1) {
            if let Some(&j) = members[..k].iter().rev().take(8).find(|&&j| jaccard(&docs[i].terms, &docs[j].terms) >= s.threshold) {
                sets.union(i, j);
            }
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        if !d.terms.is_empty() {
            let root = sets.find(i);
            groups.entry(root).or_default().push(i);
        }
    }
    let mut out: Vec<Cluster> = groups.into_values().filter(|g| g.len() >= s.min_size).map(|g| cluster(docs, &g)).collect();
    out.sort_by(|a, b| b.members.len().cmp(&a.members.len()).then(a.members[0].cmp(&b.members[0])));
    out
}

fn cluster(docs: &[Doc], group: &[usize]) -> Cluster {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for &i in group {
        for t in &docs[i].terms {
            *counts.entry(t.as_str()).or_default() += 1;
        }
    }
    let mut common: Vec<(&str, usize)> = counts.into_iter().filter(|(_, n)| n * 2 >= group.len()).collect();
    common.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let label: Vec<String> = common.iter().take(5).map(|(t, _)| t.to_string()).collect();
    let mut sorted = label.clone();
    sorted.sort();
    let title = group
        .iter()
        .max_by_key(|&&i| (crate::problem::similarity::shared(&docs[i].terms, &sorted), std::cmp::Reverse(docs[i].id)))
        .map(|&i| docs[i].title.clone())
        .unwrap_or_default();
    let mut members: Vec<i64> = group.iter().map(|&i| docs[i].id).collect();
    members.sort_unstable();
    Cluster {
        scope: docs[group[0]].scope.clone(),
        members,
        words: spelled(docs, group, &label),
        label,
        title,
        first_at: group.iter().map(|&i| docs[i].created_at).min().unwrap_or_default(),
        last_at: group.iter().map(|&i| docs[i].created_at).max().unwrap_or_default(),
    }
}

/// Each term as the group's titles most often spell it (lowercase; the shorter word on
/// a tie), or the term itself when no title has it.
fn spelled(docs: &[Doc], group: &[usize], label: &[String]) -> Vec<String> {
    let mut seen: HashMap<(&str, String), usize> = HashMap::new();
    for &i in group {
        for w in docs[i].title.split(|c: char| !c.is_alphanumeric()).map(str::to_lowercase) {
            let stem = similarity::stems(&w).pop();
            if let Some(t) = label.iter().find(|t| stem.as_ref() == Some(*t)) {
                *seen.entry((t.as_str(), w)).or_default() += 1;
            }
        }
    }
    label
        .iter()
        .map(|t| {
            let best = seen
                .iter()
                .filter(|((term, _), _)| term == t)
                .max_by(|((_, a), m), ((_, b), n)| m.cmp(n).then(b.len().cmp(&a.len())).then(b.cmp(a)));
            best.map_or_else(|| t.clone(), |((_, w), _)| w.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: i64, cat: &str, title: &str) -> Doc {
        Doc::new(id, Some(cat), None, title, "", id)
    }

    #[test]
    fn similar_incidents_in_one_category_cluster_and_others_do_not() {
        let docs = vec![
            doc(1, "Network/VPN", "VPN disconnects every few minutes"),
            doc(2, "Network/VPN", "vpn keeps disconnecting every few minutes"),
            doc(3, "Network/VPN", "VPN disconnected again every few minutes"),
            doc(4, "Network/VPN", "Cannot reach the intranet"),
            doc(5, "Hardware", "VPN disconnects every few minutes"),
            doc(6, "Printing", "Printer on floor 3 jams"),
            doc(7, "Printing", "Printer floor 3 paper jam"),
        ];
        let found = clusters(&docs, Settings::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].members, [1, 2, 3]);
        assert_eq!(found[0].scope, "Network/VPN");
        assert!(found[0].label.contains(&"vpn".to_string()), "{:?}", found[0].label);
        assert_eq!((found[0].first_at, found[0].last_at), (1, 3));
    }

    #[test]
    fn a_cluster_is_shown_in_its_members_words_not_stems() {
        let docs = vec![
            doc(1, "Accounts", "Account locked after password change this morning"),
            doc(2, "Accounts", "account locked after the password change this morning"),
            doc(3, "Accounts", "Locked out: account locked after password changed this morning"),
        ];
        let found = clusters(&docs, Settings::default());
        assert_eq!(found.len(), 1, "{found:?}");
        let k = &found[0];
        assert_eq!(k.words.len(), k.label.len());
        assert!(k.words.contains(&"locked".to_string()) && k.words.contains(&"change".to_string()), "{:?} from {:?}", k.words, k.label);
        assert!(k.label.iter().any(|t| !k.words.contains(t)), "the stems differ from the words: {:?}", k.label);
    }

    #[test]
    fn the_fingerprint_survives_new_members() {
        let mut docs: Vec<Doc> = (1..=4).map(|i| doc(i, "Email", "Outlook asks for password")).collect();
        let before = clusters(&docs, Settings::default())[0].fingerprint();
        docs.push(doc(9, "Email", "outlook asks for password again"));
        let after = clusters(&docs, Settings::default());
        assert_eq!(after[0].members.len(), 5);
        assert_eq!(after[0].fingerprint(), before);
    }
}
