//! The ticket lifecycle. Every status change goes through [`Status::transition`],
//! so no code path can put a ticket into a state the process does not allow.

use crate::DomainError;
use crate::ticket::kind::TicketKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    InProgress,
    OnHold,
    /// Problems: impact and urgency judged, investigation planned.
    Assessed,
    /// Problems: the cause is found (and written down).
    RootCauseKnown,
    /// Problems: a permanent fix is being made (often through a change).
    FixInProgress,
    /// Requests: waiting for their approvers.
    AwaitingApproval,
    Resolved,
    Closed,
    Cancelled,
    /// Requests: an approver said no (terminal).
    Rejected,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Status::New,
        Status::InProgress,
        Status::OnHold,
        Status::Assessed,
        Status::RootCauseKnown,
        Status::FixInProgress,
        Status::AwaitingApproval,
        Status::Resolved,
        Status::Closed,
        Status::Cancelled,
        Status::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::InProgress => "in_progress",
            Status::OnHold => "on_hold",
            Status::Assessed => "assessed",
            Status::RootCauseKnown => "root_cause_known",
            Status::FixInProgress => "fix_in_progress",
            Status::AwaitingApproval => "awaiting_approval",
            Status::Rejected => "rejected",
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
            Status::Assessed => "Assessed",
            Status::RootCauseKnown => "Root cause known",
            Status::FixInProgress => "Fix in progress",
            Status::AwaitingApproval => "Awaiting approval",
            Status::Rejected => "Rejected",
            Status::Resolved => "Resolved",
            Status::Closed => "Closed",
            Status::Cancelled => "Cancelled",
        }
    }

    pub fn parse(s: &str) -> Result<Status, DomainError> {
        Status::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
            DomainError::invalid("status", format!("unknown status '{s}' (expected one of {})", names.join(", ")))
        })
    }

    /// Work still to do: neither resolved nor finished.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved) && !self.is_final()
    }

    /// The statuses a queue shows by default: work still to do.
    pub fn open() -> impl Iterator<Item = Status> {
        Status::ALL.into_iter().filter(|s| s.is_open())
    }

    /// Statuses a record of `kind` may move to from this one in a single step.
    pub fn next(self, kind: TicketKind) -> &'static [Status] {
        use Status::*;
        match kind {
            TicketKind::Incident | TicketKind::Request => match self {
                New => &[InProgress, OnHold, Resolved, Cancelled],
                // Only the approvers' decisions move a request on (`Ticket::settle_approval`).
                AwaitingApproval => &[Cancelled],
                InProgress => &[OnHold, Resolved, Cancelled],
                OnHold => &[InProgress, Resolved, Cancelled],
                // A resolved ticket is reopened (back to work) or closed for good.
                Resolved => &[InProgress, Closed],
                _ => &[],
            },
            TicketKind::Problem => match self {
                New => &[Assessed, Cancelled],
                Assessed => &[RootCauseKnown, Cancelled],
                RootCauseKnown => &[FixInProgress, Resolved, Cancelled],
                FixInProgress => &[RootCauseKnown, Resolved, Cancelled],
                // A fix that did not hold goes back to work.
                Resolved => &[FixInProgress, Closed],
                _ => &[],
            },
            // A fulfilment task is done (closed) or not needed (cancelled).
            TicketKind::Task => match self {
                New => &[InProgress, OnHold, Closed, Cancelled],
                InProgress => &[OnHold, Closed, Cancelled],
                OnHold => &[InProgress, Closed, Cancelled],
                _ => &[],
            },
        }
    }

    /// Where a record of `kind` starts (a request needing approval starts awaiting it).
    pub fn initial(_kind: TicketKind) -> Status {
        Status::New
    }

    /// Finished for good: closed, cancelled or rejected.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Closed | Status::Cancelled | Status::Rejected)
    }

    pub fn transition(self, kind: TicketKind, to: Status) -> Result<Status, DomainError> {
        if self.next(kind).contains(&to) { Ok(to) } else { Err(DomainError::InvalidTransition { from: self, to }) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_status() -> impl Strategy<Value = Status> {
        proptest::sample::select(Status::ALL.to_vec())
    }

    fn any_kind() -> impl Strategy<Value = TicketKind> {
        proptest::sample::select(TicketKind::ALL.to_vec())
    }

    /// The statuses a kind can ever be in.
    fn reachable(kind: TicketKind) -> Vec<Status> {
        let mut seen = vec![Status::initial(kind)];
        let mut i = 0;
        while i < seen.len() {
            for n in seen[i].next(kind) {
                if !seen.contains(n) {
                    seen.push(*n);
                }
            }
            i += 1;
        }
        seen
    }

    proptest! {
        /// Whatever commands arrive, the status only ever moves along allowed edges of
        /// its kind's machine, never leaves the kind's own statuses, and terminal
        /// statuses stay terminal.
        #[test]
        fn no_command_sequence_escapes_the_machine(kind in any_kind(), cmds in proptest::collection::vec(any_status(), 0..60)) {
            let own = reachable(kind);
            let mut s = Status::initial(kind);
            for to in cmds {
                let before = s;
                match s.transition(kind, to) {
                    Ok(next) => { prop_assert!(before.next(kind).contains(&next)); s = next; }
                    Err(_) => prop_assert_eq!(s, before),
                }
                prop_assert!(own.contains(&s));
                prop_assert!(!before.is_final() || s == before);
            }
        }
    }

    #[test]
    fn each_kind_reaches_its_own_statuses() {
        let incident = reachable(TicketKind::Incident);
        assert!(!incident.contains(&Status::RootCauseKnown));
        let problem = reachable(TicketKind::Problem);
        for s in [Status::Assessed, Status::RootCauseKnown, Status::FixInProgress, Status::Resolved, Status::Closed] {
            assert!(problem.contains(&s), "{s:?}");
        }
        assert!(!problem.contains(&Status::OnHold));
        let task = reachable(TicketKind::Task);
        assert!(!task.contains(&Status::Resolved), "a task is closed when done, without a resolution");
        assert!(Status::AwaitingApproval.transition(TicketKind::Request, Status::InProgress).is_err(), "only approvers approve");
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
        assert!(Status::Closed.transition(TicketKind::Incident, Status::InProgress).is_err());
        assert_eq!(Status::Resolved.transition(TicketKind::Incident, Status::InProgress), Ok(Status::InProgress));
        assert!(Status::New.transition(TicketKind::Problem, Status::Resolved).is_err(), "a problem is assessed first");
    }
}
