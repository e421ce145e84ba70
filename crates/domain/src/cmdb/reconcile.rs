//! The rules of reconciliation: which CI an imported row is (by the class's
//! identification rules, in order), and whether a source may overwrite a field
//! another source set (source precedence).

use std::collections::BTreeMap;

use crate::ids::CiId;

/// The source of writes made through the API and the web UI.
pub const MANUAL: &str = "manual";

/// What an imported row is, once its key values have been looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identified {
    /// No rule matched: the row is a new CI.
    New,
    /// The CI the row describes.
    Existing(CiId),
    /// The row cannot be applied: why, naming the rules and CIs involved.
    Ambiguous(String),
}

/// Decides a row from what each identification rule found, in rule order: `None`
/// where the row lacks a value of the rule, else the CIs whose values all match.
/// The first rule that finds a CI decides, unless a later rule finds another CI (two
/// CIs match different keys) or a rule finds two (duplicates already in the data).
pub fn identify(found: &[(String, Option<Vec<CiId>>)]) -> Identified {
    let mut chosen: Option<(CiId, &str)> = None;
    for (rule, ids) in found {
        let Some(ids) = ids else { continue };
        let mut ids = ids.clone();
        ids.sort();
        ids.dedup();
        match ids.as_slice() {
            [] => {}
            [one] => match chosen {
                None => chosen = Some((*one, rule)),
                Some((c, _)) if c == *one => {}
                Some((_, first)) => {
                    return Identified::Ambiguous(format!("ambiguous match: {first} matches one CI and {rule} matches another"));
                }
            },
            _ => return Identified::Ambiguous(format!("ambiguous match: {rule} matches {} CIs", ids.len())),
        }
    }
    chosen.map_or(Identified::New, |(c, _)| Identified::Existing(c))
}

/// The administrator's ranking of sources, most trusted first. A source not ranked
/// comes after every ranked one; sources of equal rank overwrite each other.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ranking {
    rank: BTreeMap<String, usize>,
}

impl Ranking {
    pub fn new(most_trusted_first: &[String]) -> Ranking {
        Ranking { rank: most_trusted_first.iter().enumerate().map(|(i, s)| (s.clone(), i)).collect() }
    }

    fn rank(&self, source: &str) -> usize {
        self.rank.get(source).copied().unwrap_or(usize::MAX)
    }

    /// Whether `source` may change a field last set by `current` (none: anyone may).
    pub fn may_overwrite(&self, source: &str, current: Option<&str>) -> bool {
        current.is_none_or(|c| self.rank(source) <= self.rank(c))
    }
}

/// A source name: 1 to 40 of a-z, 0-9, `_`, `-`, `.`.
pub fn check_source(name: &str) -> Result<String, crate::DomainError> {
    let n = name.trim();
    let ok = !n.is_empty() && n.len() <= 40 && n.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if !ok {
        return Err(crate::DomainError::invalid("source", format!("'{name}' is not a source name: 1 to 40 of a-z, 0-9, _, -, .")));
    }
    Ok(n.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rule(name: &str, ids: Option<&[i64]>) -> (String, Option<Vec<CiId>>) {
        (name.to_string(), ids.map(|v| v.iter().copied().map(CiId).collect()))
    }

    #[test]
    fn the_first_matching_rule_decides_unless_another_disagrees() {
        assert_eq!(identify(&[rule("serial_number", None), rule("hostname+domain", Some(&[]))]), Identified::New);
        assert_eq!(identify(&[rule("serial_number", Some(&[])), rule("asset_tag", Some(&[7]))]), Identified::Existing(CiId(7)));
        assert_eq!(identify(&[rule("serial_number", Some(&[7])), rule("asset_tag", Some(&[7]))]), Identified::Existing(CiId(7)));
        let two = identify(&[rule("serial_number", Some(&[7])), rule("asset_tag", Some(&[8]))]);
        assert_eq!(two, Identified::Ambiguous("ambiguous match: serial_number matches one CI and asset_tag matches another".into()));
        assert!(matches!(identify(&[rule("serial_number", Some(&[7, 8]))]), Identified::Ambiguous(_)));
    }

    #[test]
    fn ranked_sources_win_over_lower_and_unranked_ones() {
        let r = Ranking::new(&["manual".into(), "sccm".into()]);
        assert!(r.may_overwrite("discovery", None));
        assert!(r.may_overwrite("manual", Some("sccm")));
        assert!(!r.may_overwrite("sccm", Some("manual")));
        assert!(!r.may_overwrite("discovery", Some("sccm")));
        assert!(r.may_overwrite("discovery", Some("other")), "two unranked sources are equals");
        assert!(Ranking::default().may_overwrite("a", Some("b")));
    }

    proptest! {
        /// Whatever the rules found, a CI chosen is one that some rule found alone,
        /// and no rule found a different one.
        #[test]
        fn an_identified_ci_is_the_only_one_any_rule_found(found in proptest::collection::vec(
            proptest::option::of(proptest::collection::vec(1i64..4, 0..3)), 0..4)) {
            let rules: Vec<(String, Option<Vec<CiId>>)> =
                found.iter().enumerate().map(|(i, f)| (format!("r{i}"), f.as_ref().map(|v| v.iter().copied().map(CiId).collect()))).collect();
            let all: Vec<CiId> = rules.iter().filter_map(|(_, f)| f.clone()).flatten().collect();
            match identify(&rules) {
                Identified::New => prop_assert!(all.is_empty()),
                Identified::Existing(c) => prop_assert!(all.iter().all(|&x| x == c) && !all.is_empty()),
                Identified::Ambiguous(_) => prop_assert!(all.iter().any(|&x| x != all[0])),
            }
        }
    }
}
