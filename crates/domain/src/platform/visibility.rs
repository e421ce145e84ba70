//! Who may read each event of a ticket's journal, decided here and nowhere else. Every
//! reader applies it: the history (API and pages), in-app notifications and mail, and
//! the live updates of open pages. Requesters read the public side: what happened to
//! their ticket (status, resolution, public replies, their own confirmations and edits
//! of what they filled in); staff read everything. Ticket events are written as a
//! [`TicketAction`] (`Entry::ticket` in the store), an action must choose its visibility
//! (the match below has no wildcard), and an action this module does not know is
//! internal: a new kind of event never reaches requesters by accident.

use super::access::Scope;
use super::journal::Event;

/// Who reads an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// The requester (and anyone who may read the ticket) reads it.
    Public,
    /// Staff only.
    Internal,
}

impl Visibility {
    /// Whether a reader with `scope` reads what has this visibility.
    pub fn readable_by(self, scope: &Scope) -> bool {
        self == Visibility::Public || scope.sees_internal()
    }
}

/// Every action journaled on a ticket, as stored in `journal.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketAction {
    Created,
    Updated,
    Commented,
    Linked,
    Merged,
    RepliesMoved,
    WatcherAdded,
    WatcherRemoved,
    Reopened,
    AutoClosed,
    Confirmed,
    Withdrawn,
    TimeLogged,
    Escalated,
    MajorDeclared,
    Synced,
    Communicated,
    ReviewUpdated,
    OutageRecorded,
    OutageChanged,
    OutageRemoved,
    WorkaroundApplied,
    FromCandidate,
    ApprovalRequested,
    Approved,
    Rejected,
    ApprovalReminded,
    ApprovalEscalated,
    TaskAdded,
    CancelledWithRequest,
    SurveyAnswered,
    SlaAttached,
    SlaDetached,
    SlaWarning,
    SlaBreached,
    Routed,
    AutoAssigned,
    /// An agent applied a macro (its title); its changes are journaled beside it.
    MacroApplied,
}

use TicketAction as A;
use Visibility::{Internal, Public};

impl TicketAction {
    pub const ALL: [TicketAction; 38] = [
        A::Created,
        A::Updated,
        A::Commented,
        A::Linked,
        A::Merged,
        A::RepliesMoved,
        A::WatcherAdded,
        A::WatcherRemoved,
        A::Reopened,
        A::AutoClosed,
        A::Confirmed,
        A::Withdrawn,
        A::TimeLogged,
        A::Escalated,
        A::MajorDeclared,
        A::Synced,
        A::Communicated,
        A::ReviewUpdated,
        A::OutageRecorded,
        A::OutageChanged,
        A::OutageRemoved,
        A::WorkaroundApplied,
        A::FromCandidate,
        A::ApprovalRequested,
        A::Approved,
        A::Rejected,
        A::ApprovalReminded,
        A::ApprovalEscalated,
        A::TaskAdded,
        A::CancelledWithRequest,
        A::SurveyAnswered,
        A::SlaAttached,
        A::SlaDetached,
        A::SlaWarning,
        A::SlaBreached,
        A::Routed,
        A::AutoAssigned,
        A::MacroApplied,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            A::Created => "created",
            A::Updated => "updated",
            A::Commented => "commented",
            A::Linked => "linked",
            A::Merged => "merged",
            A::RepliesMoved => "replies_moved",
            A::WatcherAdded => "watcher_added",
            A::WatcherRemoved => "watcher_removed",
            A::Reopened => "reopened",
            A::AutoClosed => "auto_closed",
            A::Confirmed => "confirmed",
            A::Withdrawn => "withdrawn",
            A::TimeLogged => "time_logged",
            A::Escalated => "escalated",
            A::MajorDeclared => "major_declared",
            A::Synced => "synced",
            A::Communicated => "communicated",
            A::ReviewUpdated => "review_updated",
            A::OutageRecorded => "outage_recorded",
            A::OutageChanged => "outage_changed",
            A::OutageRemoved => "outage_removed",
            A::WorkaroundApplied => "workaround_applied",
            A::FromCandidate => "from_candidate",
            A::ApprovalRequested => "approval_requested",
            A::Approved => "approved",
            A::Rejected => "rejected",
            A::ApprovalReminded => "approval_reminded",
            A::ApprovalEscalated => "approval_escalated",
            A::TaskAdded => "task_added",
            A::CancelledWithRequest => "cancelled_with_request",
            A::SurveyAnswered => "survey_answered",
            A::SlaAttached => "sla_attached",
            A::SlaDetached => "sla_detached",
            A::SlaWarning => "sla_warning",
            A::SlaBreached => "sla_breached",
            A::Routed => "routed",
            A::AutoAssigned => "auto_assigned",
            A::MacroApplied => "macro_applied",
        }
    }

    pub fn parse(s: &str) -> Option<TicketAction> {
        TicketAction::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Who reads this action, on `field` (a field change, a reply or a note).
    pub fn visibility(self, field: Option<&str>) -> Visibility {
        match self {
            // What happened to the ticket as the requester knows it.
            A::Created | A::Reopened | A::AutoClosed | A::Confirmed | A::Withdrawn => Public,
            A::Updated => field_visibility(field),
            A::Commented => match field {
                Some("reply") => Public,
                _ => Internal,
            },
            // Where a merged ticket went; what was merged in is the desk's business.
            A::Merged => match field {
                Some("into") => Public,
                _ => Internal,
            },
            A::Synced | A::Communicated | A::WorkaroundApplied => Public,
            A::ApprovalRequested | A::Approved | A::Rejected | A::TaskAdded | A::CancelledWithRequest => Public,
            A::SurveyAnswered => Public,
            // How the desk works the ticket.
            A::Linked | A::RepliesMoved | A::WatcherAdded | A::WatcherRemoved | A::TimeLogged => Internal,
            A::Escalated | A::MajorDeclared | A::ReviewUpdated => Internal,
            A::OutageRecorded | A::OutageChanged | A::OutageRemoved | A::FromCandidate => Internal,
            A::ApprovalReminded | A::ApprovalEscalated => Internal,
            A::SlaAttached | A::SlaDetached | A::SlaWarning | A::SlaBreached => Internal,
            A::Routed | A::AutoAssigned | A::MacroApplied => Internal,
        }
    }
}

/// Fields a requester fills in or is told about; the others (priority, assignee, group,
/// tags, root cause, affected services) are how the desk works the ticket.
pub const PUBLIC_FIELDS: [&str; 9] =
    ["title", "description", "status", "resolution_code", "resolution_notes", "impact", "urgency", "category", "service"];

/// Who reads a change of `field`; unknown fields are internal.
pub fn field_visibility(field: Option<&str>) -> Visibility {
    match field {
        Some(f) if PUBLIC_FIELDS.contains(&f) => Public,
        _ => Internal,
    }
}

/// Who reads a stored event: by its action and field, internal when the action is unknown.
pub fn of(action: &str, field: Option<&str>) -> Visibility {
    TicketAction::parse(action).map_or(Internal, |a| a.visibility(field))
}

/// The event as a reader with `scope` may read it: `None` when it is internal. The
/// facts a ticket was opened with name its group, assignee and priority, so readers
/// without internal sight get the creation without them.
pub fn as_seen(mut e: Event, scope: &Scope) -> Option<Event> {
    if scope.sees_internal() {
        return Some(e);
    }
    if of(&e.action, e.field.as_deref()) == Internal {
        return None;
    }
    if e.action == A::Created.as_str() {
        (e.field, e.old, e.new) = (None, None, None);
    }
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{TenantId, UserId};
    use crate::platform::access::{Actor, Role};

    fn scope(role: Role) -> Scope {
        Actor { tenant_id: TenantId(1), user_id: UserId(2), username: "u".into(), role }.scope()
    }

    fn event(action: &str, field: Option<&str>) -> Event {
        Event {
            tenant_id: 1,
            seq: 1,
            at: 0,
            actor_id: None,
            entity: "ticket".into(),
            entity_id: 1,
            action: action.into(),
            field: field.map(str::to_string),
            old: None,
            new: Some("x".into()),
        }
    }

    #[test]
    fn every_action_reads_back_from_its_name() {
        for a in TicketAction::ALL {
            assert_eq!(TicketAction::parse(a.as_str()), Some(a));
        }
        assert_eq!(TicketAction::parse("something_new"), None);
    }

    #[test]
    fn requesters_read_the_public_side_only() {
        let public = [("created", None), ("updated", Some("status")), ("commented", Some("reply")), ("merged", Some("into"))];
        let internal = [
            ("escalated", Some("reason")),
            ("review_updated", Some("root_cause")),
            ("time_logged", Some("minutes")),
            ("watcher_added", Some("watcher")),
            ("major_declared", Some("manager")),
            ("outage_recorded", None),
            ("commented", Some("note")),
            ("updated", Some("priority")),
            ("updated", Some("assignee")),
            ("updated", Some("root_cause")),
            ("something_new", None),
        ];
        for (a, f) in public {
            assert_eq!(of(a, f), Public, "{a} {f:?}");
        }
        for (a, f) in internal {
            assert_eq!(of(a, f), Internal, "{a} {f:?}");
            assert_eq!(as_seen(event(a, f), &scope(Role::Requester)), None, "{a} {f:?}");
            assert!(as_seen(event(a, f), &scope(Role::Agent)).is_some(), "{a} {f:?}");
        }
    }

    #[test]
    fn requesters_read_a_creation_without_its_routing_facts() {
        let seen = as_seen(event("created", Some("facts")), &scope(Role::Requester)).unwrap();
        assert_eq!((seen.field, seen.new), (None, None));
        assert_eq!(as_seen(event("created", Some("facts")), &scope(Role::Admin)).unwrap().new.as_deref(), Some("x"));
    }
}
