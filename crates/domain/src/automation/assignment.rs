//! Automatic assignment inside an assignment group: who gets a ticket that arrives in
//! the group without an assignee.

use crate::DomainError;
use crate::ids::UserId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Assignment {
    /// The ticket waits in the group's queue until someone takes it.
    #[default]
    None,
    /// Members in turn, continuing after whoever got the previous ticket.
    RoundRobin,
    /// The member with the fewest open tickets; ties go to the member who joined the
    /// tenant first.
    LeastLoaded,
}

impl Assignment {
    pub fn as_str(self) -> &'static str {
        match self {
            Assignment::None => "none",
            Assignment::RoundRobin => "round_robin",
            Assignment::LeastLoaded => "least_loaded",
        }
    }

    pub fn parse(s: &str) -> Result<Assignment, DomainError> {
        match s {
            "none" => Ok(Assignment::None),
            "round_robin" => Ok(Assignment::RoundRobin),
            "least_loaded" => Ok(Assignment::LeastLoaded),
            other => Err(DomainError::invalid("assignment", format!("'{other}' is not none, round_robin or least_loaded"))),
        }
    }
}

/// The member after `last` in id order, wrapping around; the first when `last` is
/// unknown or has left. `members` must be sorted by id.
pub fn round_robin(members: &[UserId], last: Option<UserId>) -> Option<UserId> {
    let next = last.and_then(|l| members.iter().find(|m| m.0 > l.0));
    next.or(members.first()).copied()
}

/// The member with the fewest open tickets, lowest id on a tie.
pub fn least_loaded(loads: &[(UserId, i64)]) -> Option<UserId> {
    loads.iter().min_by_key(|(u, n)| (*n, u.0)).map(|(u, _)| *u)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_robin_continues_after_the_last_and_wraps() {
        let m = [UserId(2), UserId(5), UserId(9)];
        assert_eq!(round_robin(&m, None), Some(UserId(2)));
        assert_eq!(round_robin(&m, Some(UserId(2))), Some(UserId(5)));
        assert_eq!(round_robin(&m, Some(UserId(9))), Some(UserId(2)));
        assert_eq!(round_robin(&m, Some(UserId(6))), Some(UserId(9)), "a member who left is stepped over");
        assert_eq!(round_robin(&[], Some(UserId(1))), None);
    }

    #[test]
    fn least_loaded_prefers_fewest_then_lowest_id() {
        assert_eq!(least_loaded(&[(UserId(3), 2), (UserId(1), 4), (UserId(2), 2)]), Some(UserId(2)));
        assert_eq!(least_loaded(&[]), None);
    }

    proptest! {
        /// Over n turns, round robin gives each of n members exactly one ticket.
        #[test]
        fn round_robin_is_fair(ids in proptest::collection::btree_set(1i64..1000, 1..20), start in 0i64..1000) {
            let members: Vec<UserId> = ids.into_iter().map(UserId).collect();
            let mut last = Some(UserId(start));
            let mut got = Vec::new();
            for _ in 0..members.len() {
                last = round_robin(&members, last);
                got.push(last.unwrap_or(UserId(-1)));
            }
            got.sort_by_key(|u| u.0);
            prop_assert_eq!(got, members);
        }
    }
}
