//! The ticket lifecycle. Every status change goes through [`Status::transition`],
//! so no code path can put a ticket into a state the process does not allow.

use crate::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    InProgress,
    OnHold,
    Resolved,
    Closed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 6] = [Status::New, Status::InProgress, Status::OnHold, Status::Resolved, Status::Closed, Status::Cancelled];
    /// The statuses a queue shows by default: work still to do.
    pub const OPEN: [Status; 3] = [Status::New, Status::InProgress, Status::OnHold];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::InProgress => "in_progress",
            Status::OnHold => "on_hold",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::New => "New",
            Status::InProgress => "In progress",
            Status::OnHold => "On hold",
            Status::Resolved => "Resolved",
            Status::Closed => "Closed",
            Status::Cancelled => "Cancelled",
        }
    }

    pub fn parse(s: &str) -> Result<Status, DomainError> {
        Status::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| {
            DomainError::invalid(
                "status",
                format!("unknown status '{s}' (expected one of new, in_progress, on_hold, resolved, closed, cancelled)"),
            )
        })
    }

    pub fn is_open(self) -> bool {
        Status::OPEN.contains(&self)
    }

    /// Statuses reachable from this one in a single step.
    pub fn next(self) -> &'static [Status] {
        use Status::*;
        match self {
            New => &[InProgress, OnHold, Resolved, Cancelled],
            InProgress => &[OnHold, Resolved, Cancelled],
            OnHold => &[InProgress, Resolved, Cancelled],
            // A resolved ticket is reopened (back to work) or closed for good.
            Resolved => &[InProgress, Closed],
            Closed | Cancelled => &[],
        }
    }

    pub fn transition(self, to: Status) -> Result<Status, DomainError> {
        if self.next().contains(&to) { Ok(to) } else { Err(DomainError::InvalidTransition { from: self, to }) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_status() -> impl Strategy<Value = Status> {
        proptest::sample::select(Status::ALL.to_vec())
    }

    proptest! {
        /// Whatever commands arrive, the status only ever moves along allowed edges,
        /// and terminal statuses stay terminal.
        #[test]
        fn no_command_sequence_escapes_the_machine(cmds in proptest::collection::vec(any_status(), 0..50)) {
            let mut s = Status::New;
            for to in cmds {
                let before = s;
                match s.transition(to) {
                    Ok(next) => { prop_assert!(before.next().contains(&next)); s = next; }
                    Err(_) => prop_assert_eq!(s, before),
                }
                prop_assert!(!matches!(before, Status::Closed | Status::Cancelled) || s == before);
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Ok(s));
        }
        assert!(Status::parse("open").is_err());
    }

    #[test]
    fn closed_cannot_reopen() {
        assert!(Status::Closed.transition(Status::InProgress).is_err());
        assert_eq!(Status::Resolved.transition(Status::InProgress), Ok(Status::InProgress));
    }
}
