//! The ticket core shared by every record type, and how a change to it is decided.

pub mod canned;
mod kind;
mod number;
pub mod priority;
pub mod status;

use crate::DomainError;
use crate::ids::{GroupId, TenantId, TicketId, UserId};
use crate::ticket::priority::{Level, Priority, PriorityMatrix};
use crate::ticket::status::Status;

pub use kind::TicketKind;
pub use number::TicketNumber;

/// A tag: 1 to 40 of lowercase letters, digits, `-` and `_`.
pub fn parse_tag(raw: &str) -> Result<String, DomainError> {
    let t = raw.trim().to_lowercase();
    let ok = !t.is_empty() && t.chars().count() <= 40 && t.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if ok { Ok(t) } else { Err(DomainError::invalid("tags", format!("'{raw}' is not a tag (letters, digits, - and _)"))) }
}

/// A ticket number typed by a person (a search box, a form field): surrounding space
/// is ignored. Numbers from paths and other machine input use [`TicketNumber::parse`].
pub fn parse_number(s: &str) -> Option<String> {
    TicketNumber::parse(s.trim()).map(|n| n.to_string())
}

/// Tags in a stable form: each checked, lowercased, duplicates dropped, sorted.
pub fn parse_tags(raw: &[String]) -> Result<Vec<String>, DomainError> {
    if raw.len() > 20 {
        return Err(DomainError::invalid("tags", "at most 20 tags"));
    }
    let mut tags = raw.iter().map(|t| parse_tag(t)).collect::<Result<Vec<_>, _>>()?;
    tags.sort();
    tags.dedup();
    Ok(tags)
}

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 100_000;

pub fn parse_title(raw: &str) -> Result<String, DomainError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(DomainError::invalid("title", "must not be empty"));
    }
    if t.chars().count() > TITLE_MAX {
        return Err(DomainError::invalid("title", format!("must be at most {TITLE_MAX} characters")));
    }
    if t.chars().any(char::is_control) {
        return Err(DomainError::invalid("title", "must not contain control characters"));
    }
    Ok(t.to_string())
}

pub fn parse_text(field: &'static str, raw: &str, required: bool) -> Result<String, DomainError> {
    if required && raw.trim().is_empty() {
        return Err(DomainError::invalid(field, "must not be empty"));
    }
    if raw.chars().count() > TEXT_MAX {
        return Err(DomainError::invalid(field, format!("must be at most {TEXT_MAX} characters")));
    }
    Ok(raw.to_string())
}

/// Time logged on one note or reply, in minutes: up to twelve hours.
pub fn parse_minutes(minutes: i64) -> Result<i64, DomainError> {
    if !(0..=MINUTES_MAX).contains(&minutes) {
        return Err(DomainError::invalid("time_spent_minutes", format!("must be 0 to {MINUTES_MAX} minutes")));
    }
    Ok(minutes)
}

pub const MINUTES_MAX: i64 = 720;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: TicketId,
    pub tenant_id: TenantId,
    pub kind: TicketKind,
    pub number: String,
    pub title: String,
    pub description: String,
    pub status: Status,
    pub impact: Level,
    pub urgency: Level,
    pub priority: Priority,
    pub category: Option<String>,
    /// The affected service, a free reference until the CMDB names services.
    pub service: Option<String>,
    pub tags: Vec<String>,
    pub requester_id: UserId,
    pub assignee_id: Option<UserId>,
    pub group_id: Option<GroupId>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// How it was resolved (one of [`RESOLUTION_CODES`]); set while resolved or closed.
    pub resolution_code: Option<String>,
    pub resolution_notes: Option<String>,
    /// A major incident, run by its manager with its own communication and review.
    pub major: bool,
    pub major_manager_id: Option<UserId>,
    /// Problems: the cause found by root-cause analysis.
    pub root_cause: Option<String>,
    /// Problems: the configuration items and services affected (free references until
    /// the CMDB lands).
    pub affected: Vec<String>,
    /// Minutes logged on the ticket's notes and replies (kept by the store).
    pub time_spent: i64,
    /// The soonest due instant of its running service-level clocks, and whether one is
    /// breached (kept by the store, for the queue).
    pub sla_due_at: Option<i64>,
    pub sla_breached: bool,
}

/// How a ticket can be resolved.
pub const RESOLUTION_CODES: [&str; 7] =
    ["solved", "workaround", "no_fault_found", "user_error", "duplicate", "not_reproducible", "resolved_by_change"];

pub fn parse_resolution_code(raw: &str) -> Result<String, DomainError> {
    let c = raw.trim();
    if RESOLUTION_CODES.contains(&c) {
        Ok(c.to_string())
    } else {
        Err(DomainError::invalid("resolution_code", format!("'{c}' is not one of {}", RESOLUTION_CODES.join(", "))))
    }
}

impl Ticket {
    pub fn etag(&self) -> String {
        format!("\"{}-{}\"", self.id, self.version)
    }

    /// An empty record of `kind`, for checks that run before a ticket exists.
    pub fn blank(kind: TicketKind) -> Ticket {
        Ticket {
            id: TicketId(0),
            tenant_id: TenantId(0),
            kind,
            number: String::new(),
            title: String::new(),
            description: String::new(),
            status: Status::initial(kind),
            impact: Level::MEDIUM,
            urgency: Level::MEDIUM,
            priority: Priority::MEDIUM,
            category: None,
            service: None,
            tags: Vec::new(),
            requester_id: UserId(0),
            assignee_id: None,
            group_id: None,
            version: 0,
            created_at: 0,
            updated_at: 0,
            resolved_at: None,
            closed_at: None,
            resolution_code: None,
            resolution_notes: None,
            major: false,
            major_manager_id: None,
            root_cause: None,
            affected: Vec::new(),
            time_spent: 0,
            sla_due_at: None,
            sla_breached: false,
        }
    }

    /// Closes this ticket as a duplicate of `survivor` (a merge). Outside the normal
    /// lifecycle on purpose: an open or resolved duplicate closes at once.
    pub fn close_as_duplicate(&mut self, survivor: &str, now: i64) -> Result<Vec<FieldChange>, DomainError> {
        if matches!(self.status, Status::Closed | Status::Cancelled) {
            return Err(DomainError::invalid("number", format!("{} is already {}", self.number, self.status.as_str())));
        }
        let notes = format!("Merged into {survivor}.");
        let changes = vec![
            FieldChange { field: "status", old: Some(self.status.as_str().into()), new: Some(Status::Closed.as_str().into()) },
            FieldChange { field: "resolution_code", old: self.resolution_code.clone(), new: Some("duplicate".into()) },
            FieldChange { field: "resolution_notes", old: self.resolution_notes.clone(), new: Some(notes.clone()) },
        ];
        self.status = Status::Closed;
        self.resolution_code = Some("duplicate".into());
        self.resolution_notes = Some(notes);
        self.resolved_at = self.resolved_at.or(Some(now));
        self.closed_at = Some(now);
        self.updated_at = now;
        Ok(changes)
    }
}

impl Ticket {
    /// The approvers of a request decided: approved, it goes to work; rejected, it ends.
    pub fn settle_approval(&mut self, approved: bool, now: i64) -> Result<Vec<FieldChange>, DomainError> {
        if self.status != Status::AwaitingApproval {
            return Err(DomainError::invalid("status", format!("{} is not awaiting approval", self.number)));
        }
        let to = if approved { Status::InProgress } else { Status::Rejected };
        if !approved {
            self.closed_at = Some(now);
        }
        self.status = to;
        self.updated_at = now;
        Ok(vec![FieldChange { field: "status", old: Some(Status::AwaitingApproval.as_str().into()), new: Some(to.as_str().into()) }])
    }
}

/// A change asked for. `None` leaves a field alone; `Some(None)` clears an optional one.
/// References (assignee, group, category) arrive already resolved and checked by the app.
#[derive(Debug, Clone, Default)]
pub struct TicketPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub status: Option<Status>,
    pub impact: Option<Level>,
    pub urgency: Option<Level>,
    pub category: Option<Option<String>>,
    pub service: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    /// Sets the priority outright (a routing rule); otherwise it follows impact × urgency.
    pub priority: Option<Priority>,
    pub assignee: Option<Option<(UserId, String)>>,
    pub group: Option<Option<(GroupId, String)>>,
    pub resolution_code: Option<String>,
    pub resolution_notes: Option<String>,
    pub root_cause: Option<String>,
    pub affected: Option<Vec<String>>,
}

/// One field that changed, with human-readable values for the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Display names of the ticket's current references, for journal "old" values.
#[derive(Debug, Clone, Default)]
pub struct CurrentNames {
    pub assignee: Option<String>,
    pub group: Option<String>,
}

impl Ticket {
    /// Applies a patch: validates it, runs the state machine, recomputes priority,
    /// stamps times, and returns what changed (empty when nothing did).
    pub fn apply(
        &mut self,
        patch: TicketPatch,
        names: &CurrentNames,
        matrix: &PriorityMatrix,
        now: i64,
    ) -> Result<Vec<FieldChange>, DomainError> {
        // Work on a copy: a refused patch leaves the ticket as it was.
        let mut t = self.clone();
        let mut changes = Vec::new();
        let mut note = |field, old: Option<String>, new: Option<String>| {
            if old != new {
                changes.push(FieldChange { field, old, new });
            }
        };
        if let Some(title) = patch.title {
            let title = parse_title(&title)?;
            note("title", Some(t.title.clone()), Some(title.clone()));
            t.title = title;
        }
        if let Some(d) = patch.description {
            let d = parse_text("description", &d, false)?;
            note("description", Some(t.description.clone()), Some(d.clone()));
            t.description = d;
        }
        if let Some(rc) = patch.root_cause {
            let rc = Some(parse_text("root_cause", &rc, false)?).filter(|r| !r.trim().is_empty());
            note("root_cause", t.root_cause.clone(), rc.clone());
            t.root_cause = rc;
        }
        if let Some(a) = patch.affected {
            let mut a: Vec<String> = a.iter().map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect();
            a.dedup();
            if a.len() > 50 || a.iter().any(|x| x.chars().count() > 200 || x.contains(',')) {
                return Err(DomainError::invalid("affected", "at most 50 names of up to 200 characters, without commas"));
            }
            note("affected", Some(t.affected.join(", ")), Some(a.join(", ")));
            t.affected = a;
        }
        let code = patch.resolution_code.as_deref().map(parse_resolution_code).transpose()?;
        let notes = patch.resolution_notes.as_deref().map(|n| parse_text("resolution_notes", n, false)).transpose()?;
        if let Some(to) = patch.status.filter(|s| *s != t.status) {
            let from = t.status;
            t.status = from.transition(t.kind, to)?;
            note("status", Some(from.as_str().into()), Some(to.as_str().into()));
            match to {
                Status::Resolved => {
                    if code.is_none() {
                        return Err(DomainError::invalid(
                            "resolution_code",
                            format!("is needed to resolve ({})", RESOLUTION_CODES.join(", ")),
                        ));
                    }
                    t.resolved_at = Some(now);
                }
                Status::Closed | Status::Cancelled => t.closed_at = Some(now),
                _ if from == Status::Resolved => {
                    // Reopened: the old resolution no longer holds (the journal keeps it).
                    t.resolved_at = None;
                    note("resolution_code", t.resolution_code.take(), None);
                    note("resolution_notes", t.resolution_notes.take(), None);
                }
                _ => {}
            }
        }
        if t.status == Status::RootCauseKnown && t.root_cause.is_none() {
            return Err(DomainError::invalid("root_cause", "write down the root cause to mark it known"));
        }
        if code.is_some() || notes.is_some() {
            if !matches!(t.status, Status::Resolved | Status::Closed) {
                return Err(DomainError::invalid("resolution_code", "a resolution is given when resolving"));
            }
            if let Some(c) = code {
                note("resolution_code", t.resolution_code.clone(), Some(c.clone()));
                t.resolution_code = Some(c);
            }
            if let Some(n) = notes.filter(|n| !n.trim().is_empty()) {
                note("resolution_notes", t.resolution_notes.clone(), Some(n.clone()));
                t.resolution_notes = Some(n);
            }
        }
        if let Some(c) = patch.category {
            note("category", t.category.clone(), c.clone());
            t.category = c;
        }
        if let Some(sv) = patch.service {
            let sv = sv.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
            note("service", t.service.clone(), sv.clone());
            t.service = sv;
        }
        if let Some(tags) = patch.tags {
            let tags = parse_tags(&tags)?;
            note("tags", Some(t.tags.join(", ")), Some(tags.join(", ")));
            t.tags = tags;
        }
        if let Some(a) = patch.assignee {
            note("assignee", names.assignee.clone(), a.as_ref().map(|(_, n)| n.clone()));
            t.assignee_id = a.map(|(id, _)| id);
        }
        if let Some(g) = patch.group {
            note("group", names.group.clone(), g.as_ref().map(|(_, n)| n.clone()));
            t.group_id = g.map(|(id, _)| id);
        }
        if let Some(i) = patch.impact {
            note("impact", Some(t.impact.get().to_string()), Some(i.get().to_string()));
            t.impact = i;
        }
        if let Some(u) = patch.urgency {
            note("urgency", Some(t.urgency.get().to_string()), Some(u.get().to_string()));
            t.urgency = u;
        }
        let rated = patch.impact.is_some() || patch.urgency.is_some();
        if let Some(priority) = patch.priority.or(rated.then(|| matrix.priority(t.impact, t.urgency))) {
            note("priority", Some(t.priority.get().to_string()), Some(priority.get().to_string()));
            t.priority = priority;
        }
        if !changes.is_empty() {
            t.updated_at = now;
        }
        *self = t;
        Ok(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket() -> Ticket {
        Ticket {
            id: TicketId(1),
            tenant_id: TenantId(1),
            number: "INC0000001".into(),
            title: "Printer jam".into(),
            impact: Level::LOW,
            urgency: Level::LOW,
            priority: Priority::parse(5).unwrap(),
            requester_id: UserId(1),
            version: 1,
            ..Ticket::blank(TicketKind::Incident)
        }
    }

    #[test]
    fn raising_impact_recomputes_priority() {
        let mut t = ticket();
        let patch = TicketPatch { impact: Some(Level::HIGH), ..Default::default() };
        let changes = t.apply(patch, &CurrentNames::default(), &PriorityMatrix::default(), 10).unwrap();
        assert_eq!(t.priority.get(), 3);
        assert_eq!(changes.iter().map(|c| c.field).collect::<Vec<_>>(), ["impact", "priority"]);
        assert_eq!(t.updated_at, 10);
    }

    #[test]
    fn invalid_transition_changes_nothing_reported() {
        let mut t = ticket();
        t.status = Status::Closed;
        let patch = TicketPatch { status: Some(Status::InProgress), ..Default::default() };
        assert!(matches!(
            t.apply(patch, &CurrentNames::default(), &PriorityMatrix::default(), 1),
            Err(DomainError::InvalidTransition { .. })
        ));
    }

    #[test]
    fn resolve_then_reopen_clears_resolved_at() {
        let mut t = ticket();
        let m = PriorityMatrix::default();
        let n = CurrentNames::default();
        let no_code = t.apply(TicketPatch { status: Some(Status::Resolved), ..Default::default() }, &n, &m, 5);
        assert!(no_code.unwrap_err().to_string().contains("resolution_code"));
        assert_eq!(t.status, Status::New, "a refused patch leaves the ticket as it was");
        let resolve = TicketPatch { status: Some(Status::Resolved), resolution_code: Some("workaround".into()), ..Default::default() };
        t.apply(resolve, &n, &m, 5).unwrap();
        assert_eq!((t.resolved_at, t.resolution_code.as_deref()), (Some(5), Some("workaround")));
        let changes = t.apply(TicketPatch { status: Some(Status::InProgress), ..Default::default() }, &n, &m, 6).unwrap();
        assert_eq!((t.resolved_at, t.resolution_code.as_deref()), (None, None));
        assert!(changes.iter().any(|c| c.field == "resolution_code" && c.old.as_deref() == Some("workaround")));
    }

    #[test]
    fn a_duplicate_closes_with_a_pointer_but_only_once() {
        let mut t = ticket();
        let changes = t.close_as_duplicate("INC0000009", 7).unwrap();
        assert_eq!((t.status, t.resolution_code.as_deref(), t.closed_at), (Status::Closed, Some("duplicate"), Some(7)));
        assert!(changes.iter().any(|c| c.new.as_deref() == Some("Merged into INC0000009.")));
        assert!(t.close_as_duplicate("INC0000009", 8).is_err());
    }

    #[test]
    fn a_problem_needs_its_root_cause_written_to_know_it() {
        let (m, n) = (PriorityMatrix::default(), CurrentNames::default());
        let mut p = ticket();
        p.kind = TicketKind::Problem;
        p.apply(TicketPatch { status: Some(Status::Assessed), ..Default::default() }, &n, &m, 1).unwrap();
        let known = TicketPatch { status: Some(Status::RootCauseKnown), ..Default::default() };
        assert!(p.apply(known, &n, &m, 2).unwrap_err().to_string().contains("root cause"));
        let known =
            TicketPatch { status: Some(Status::RootCauseKnown), root_cause: Some("Expired certificate".into()), ..Default::default() };
        p.apply(known, &n, &m, 2).unwrap();
        assert_eq!(p.status, Status::RootCauseKnown);
    }

    #[test]
    fn numbers_have_shape() {
        assert_eq!(TicketKind::Incident.number(42), "INC0000042");
        assert_eq!(parse_number("inc0000042").as_deref(), Some("INC0000042"));
        assert_eq!(parse_number("XYZ1"), None);
        assert_eq!(parse_number("prb0000007").as_deref(), Some("PRB0000007"));
        assert_eq!(parse_number("INC"), None);
        assert!(parse_title("  ").is_err());
        assert!(parse_title(&"x".repeat(201)).is_err());
    }
}
