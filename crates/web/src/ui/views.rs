//! Template structs: what each page shows, already formatted for display.

use askama::Template;
use cairn_app::ticket::{ListRequest, TicketView};
use cairn_domain::platform::access::Actor;
use cairn_domain::ticket::status::Status;

use crate::time::short;

pub(crate) struct Me {
    pub username: String,
    /// Requesters see the portal's look and menu.
    pub portal: bool,
    pub role: &'static str,
    pub staff: bool,
    pub csrf: String,
}

impl Me {
    pub fn new(a: &Actor, csrf: &str) -> Me {
        let staff = a.role.is_staff();
        Me { username: a.username.clone(), portal: !staff, role: a.role.as_str(), staff, csrf: csrf.to_string() }
    }
}

#[derive(Template)]
#[template(path = "login.html")]
pub(crate) struct LoginPage {
    pub me: Option<Me>,
    pub error: Option<String>,
    pub has_users: bool,
    pub username: String,
    pub tenant: String,
}

#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    pub me: Option<Me>,
    pub title: String,
    pub message: String,
}

#[derive(Default, serde::Deserialize)]
pub(crate) struct Filters {
    /// `incident`, `problem`, or empty for every kind.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub assignee: String,
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub sort: String,
    /// "1": only tickets with a breached service level.
    #[serde(default)]
    pub breached: String,
    #[serde(default)]
    pub cursor: String,
    /// The optional columns shown, in order (`col=group&col=due`); the defaults when none.
    #[serde(skip)]
    pub cols: Vec<Column>,
}

impl Filters {
    /// The filters of a queue address's query string; `col` may repeat.
    pub fn parse(query: &str) -> Result<Filters, String> {
        let mut f: Filters = from_query(query)?;
        let pairs: Vec<(String, String)> = from_query(query)?;
        for (k, v) in pairs.iter().filter(|(k, _)| k == "col") {
            let c = Column::parse(v).ok_or_else(|| format!("{k}: no column '{v}'"))?;
            if !f.cols.contains(&c) {
                f.cols.push(c);
            }
        }
        Ok(f)
    }

    /// The queue's defaults: open tickets by priority for agents, all by newest for
    /// requesters.
    pub fn defaults(&mut self, staff: bool) {
        if self.status.is_empty() {
            self.status = if staff { "open" } else { "all" }.into();
        }
        if self.sort.is_empty() {
            self.sort = if staff { "priority" } else { "-created" }.into();
        }
        if self.cols.is_empty() && staff {
            self.cols = Column::DEFAULT.to_vec();
        }
    }

    pub fn request(&self, limit: i64) -> ListRequest {
        let some = |v: &str| Some(v.to_string()).filter(|x| !x.trim().is_empty());
        ListRequest {
            kind: some(&self.kind),
            q: some(&self.q),
            statuses: match self.status.as_str() {
                "open" => Status::open().map(|s| s.as_str().to_string()).collect(),
                "all" => vec![],
                other => vec![other.to_string()],
            },
            group: some(&self.group),
            assignee: some(&self.assignee),
            priority: self.priority.parse().ok(),
            sort: some(&self.sort),
            breached: self.breached == "1",
            limit: Some(limit),
            cursor: some(&self.cursor),
        }
    }

    /// The filters as a query string (no cursor), the same for the same filters.
    pub fn query(&self) -> String {
        [
            ("q", &self.q),
            ("status", &self.status),
            ("kind", &self.kind),
            ("group", &self.group),
            ("assignee", &self.assignee),
            ("priority", &self.priority),
            ("sort", &self.sort),
            ("breached", &self.breached),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", super::pages::enc(v)))
        .chain(self.cols.iter().filter(|_| self.cols != Column::DEFAULT).map(|c| format!("col={}", c.key())))
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// The queue's query string as `T` (a struct of filters, or its pairs).
fn from_query<T: serde::de::DeserializeOwned>(query: &str) -> Result<T, String> {
    let uri = format!("/tickets?{query}").parse::<axum::http::Uri>().map_err(|e| e.to_string())?;
    axum::extract::Query::<T>::try_from_uri(&uri).map(|q| q.0).map_err(|e| e.body_text())
}

/// The queue's optional columns (number, title, status and priority always show).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    Group,
    Assignee,
    Requester,
    Category,
    Service,
    Created,
    Updated,
    Due,
}

impl Column {
    pub const ALL: [Column; 8] = [
        Column::Group,
        Column::Assignee,
        Column::Requester,
        Column::Category,
        Column::Service,
        Column::Created,
        Column::Updated,
        Column::Due,
    ];
    pub const DEFAULT: [Column; 4] = [Column::Group, Column::Assignee, Column::Requester, Column::Updated];

    pub fn key(self) -> &'static str {
        match self {
            Column::Group => "group",
            Column::Assignee => "assignee",
            Column::Requester => "requester",
            Column::Category => "category",
            Column::Service => "service",
            Column::Created => "created",
            Column::Updated => "updated",
            Column::Due => "due",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Column::Group => "Group",
            Column::Assignee => "Assignee",
            Column::Requester => "Requester",
            Column::Category => "Category",
            Column::Service => "Service",
            Column::Created => "Created",
            Column::Updated => "Updated",
            Column::Due => "Due",
        }
    }

    pub fn parse(key: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// A saved view in the queue's view bar.
pub(crate) struct SavedRow {
    pub id: i64,
    pub name: String,
    pub link: String,
    /// "12", or "200+" beyond a page.
    pub count: String,
    pub current: bool,
    pub mine: bool,
    pub shared: bool,
}

pub(crate) struct Row {
    pub number: String,
    pub title: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub priority: u8,
    pub group: String,
    pub assignee: String,
    pub requester: String,
    pub category: String,
    pub service: String,
    pub created: String,
    pub updated: String,
    /// The soonest service-level due time; blank without one.
    pub due: String,
    pub breached: bool,
}

impl Row {
    pub fn cell(&self, c: &Column) -> &str {
        match c {
            Column::Group => &self.group,
            Column::Assignee => &self.assignee,
            Column::Requester => &self.requester,
            Column::Category => &self.category,
            Column::Service => &self.service,
            Column::Created => &self.created,
            Column::Updated => &self.updated,
            Column::Due => &self.due,
        }
    }
}

impl From<TicketView> for Row {
    fn from(v: TicketView) -> Row {
        let t = v.ticket;
        Row {
            number: t.number,
            title: t.title,
            status: t.status.as_str(),
            status_label: t.status.label(),
            priority: t.priority.get(),
            group: v.group.unwrap_or_default(),
            assignee: v.assignee.unwrap_or_default(),
            requester: v.requester,
            category: t.category.unwrap_or_default(),
            service: t.service.unwrap_or_default(),
            created: short(t.created_at),
            updated: short(t.updated_at),
            due: t.sla_due_at.map(short).unwrap_or_default(),
            breached: t.sla_breached,
        }
    }
}

#[derive(Template)]
#[template(path = "queue.html")]
pub(crate) struct QueuePage {
    pub me: Option<Me>,
    pub staff: bool,
    /// Ready-made views for agents: (label, link, shown now).
    pub views: Vec<(&'static str, &'static str, bool)>,
    pub saved: Vec<SavedRow>,
    pub csrf: String,
    pub f: Filters,
    pub status_options: Vec<(String, String)>,
    pub sort_options: Vec<(String, String)>,
    pub priority_options: Vec<String>,
    pub columns: [Column; 8],
    pub groups: Vec<String>,
    pub agents: Vec<String>,
    pub rows: Vec<Row>,
    pub next: Option<String>,
    /// When the list was read (ms): the live notice counts changes since.
    pub drawn: i64,
    pub error: Option<String>,
}

/// The requester's home: what they can do, and their requests that need them.
#[derive(Template)]
#[template(path = "portal.html")]
pub(crate) struct PortalPage {
    pub me: Option<Me>,
    pub name: String,
    /// Open requests, counted up to 1000.
    pub open_count: i64,
    /// Resolved requests waiting for the requester's word.
    pub resolved: Vec<Row>,
    /// The most recently changed open requests.
    pub open: Vec<Row>,
    /// Requests waiting for this person's approval: (approval id, number, title, requester).
    pub approvals: Vec<(i64, String, String, String)>,
}

#[derive(Template)]
#[template(path = "new.html")]
pub(crate) struct NewPage {
    pub me: Option<Me>,
    pub staff: bool,
    pub csrf: String,
    pub error: Option<String>,
    pub title: String,
    pub description: String,
    pub categories: Vec<String>,
    pub groups: Vec<String>,
    pub requesters: Vec<String>,
}

pub(crate) struct TView {
    pub number: String,
    pub title: String,
    pub description: String,
    pub status: String,
    pub status_label: &'static str,
    /// Where the requester's progress bar stands: 0 submitted, 1 in progress, 2 resolved,
    /// 3 closed (cancelled tickets show no bar).
    pub step: usize,
    pub impact: String,
    pub urgency: String,
    pub priority: u8,
    pub priority_label: &'static str,
    pub category: String,
    pub group: String,
    pub assignee: String,
    pub requester: String,
    pub created: String,
    pub updated: String,
    /// Last change, in ms, as the live notice compares it.
    pub updated_ms: i64,
    pub version: i64,
    pub service: String,
    /// Comma-separated, as the form edits them.
    pub tags: String,
    pub resolution_code: String,
    pub resolution_notes: String,
    /// `incident` or `problem`.
    pub kind: &'static str,
    pub major: bool,
    pub root_cause: String,
    /// Comma-separated.
    pub affected: String,
    /// Empty when none was logged.
    pub time_spent: String,
}

impl From<&TicketView> for TView {
    fn from(v: &TicketView) -> TView {
        let t = &v.ticket;
        TView {
            number: t.number.clone(),
            title: t.title.clone(),
            description: t.description.clone(),
            status: t.status.as_str().into(),
            status_label: t.status.label(),
            step: match t.status {
                Status::New | Status::AwaitingApproval => 0,
                Status::Resolved => 2,
                Status::Closed | Status::Cancelled | Status::Rejected => 3,
                _ => 1,
            },
            impact: t.impact.get().to_string(),
            urgency: t.urgency.get().to_string(),
            priority: t.priority.get(),
            priority_label: t.priority.label(),
            category: t.category.clone().unwrap_or_default(),
            group: v.group.clone().unwrap_or_default(),
            assignee: v.assignee.clone().unwrap_or_default(),
            requester: v.requester.clone(),
            created: short(t.created_at),
            updated: short(t.updated_at),
            updated_ms: t.updated_at,
            version: t.version,
            service: t.service.clone().unwrap_or_default(),
            tags: t.tags.join(", "),
            resolution_code: t.resolution_code.clone().unwrap_or_default(),
            resolution_notes: t.resolution_notes.clone().unwrap_or_default(),
            kind: t.kind.as_str(),
            major: t.major,
            root_cause: t.root_cause.clone().unwrap_or_default(),
            affected: t.affected.join(", "),
            time_spent: if t.time_spent > 0 { minutes(t.time_spent) } else { String::new() },
        }
    }
}

pub(crate) struct CView {
    pub author: String,
    pub body: String,
    pub internal: bool,
    pub at: String,
    /// Time logged with it; empty when none.
    pub minutes: String,
}

/// A service-level clock on the ticket page.
pub(crate) struct SlaView {
    /// "Gold incidents · resolution"
    pub name: String,
    /// running, paused, met, missed, breached, cancelled
    pub state: String,
    /// "2 h 05 min left", "35 min over", or empty.
    pub remaining: String,
    pub due: String,
    pub breached: bool,
    /// The clock's changes: (when, what), oldest first.
    pub timeline: Vec<(String, &'static str)>,
}

/// A major incident's post-incident review, with its timeline.
pub(crate) struct ReviewView {
    pub summary: String,
    pub root_cause: String,
    pub actions: String,
    /// (time, ticket number, who, what)
    pub timeline: Vec<(String, String, String, String)>,
}

/// A requested item of a request: the item, how many, and the answers by question.
/// A request's approvals and fulfilment steps.
pub(crate) struct ProgressView {
    /// (stage, approver, state, escalation, comment, when decided)
    pub approvals: Vec<(i64, String, String, bool, String, String)>,
    pub steps: Vec<(u32, Vec<cairn_app::request::fulfilment::TaskLine>)>,
}

impl ProgressView {
    pub fn of(p: cairn_app::request::fulfilment::Progress) -> ProgressView {
        let steps = p.steps();
        let approvals = p
            .approvals
            .into_iter()
            .map(|a| {
                let when = a.decided_at.map(crate::time::short).unwrap_or_default();
                (a.stage, a.approver_name, a.state, a.escalation, a.comment.unwrap_or_default(), when)
            })
            .collect();
        ProgressView { approvals, steps }
    }
}

pub(crate) struct RequestedView {
    pub item: String,
    pub quantity: i64,
    pub answers: Vec<(String, String)>,
}

/// A known error suggested on an incident.
pub(crate) struct KView {
    pub number: String,
    pub title: String,
    pub workaround: String,
    pub score: u32,
}

pub(crate) struct HView {
    pub at: String,
    pub actor: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "ticket.html")]
pub(crate) struct TicketPage {
    pub me: Option<Me>,
    pub staff: bool,
    pub resolution_codes: &'static [&'static str],
    pub csrf: String,
    pub t: TView,
    /// The viewer raised the ticket (a colleague may see it through their organisation).
    pub own: bool,
    /// A refused save: the field at fault and why (empty when none).
    pub invalid: (String, String),
    pub status_next: Vec<(String, String)>,
    pub levels: Vec<(String, String)>,
    pub categories: Vec<String>,
    pub groups: Vec<String>,
    pub agents: Vec<String>,
    pub comments: Vec<CView>,
    pub history: Vec<HView>,
    /// (kind as read from this ticket, number, title)
    pub links: Vec<(String, String, String)>,
    /// The agent's canned responses (id, title), and the reply text one filled in.
    pub canned: Vec<(i64, String)>,
    pub reply: String,
    pub known_errors: Vec<KView>,
    /// Tickets like this one (agents).
    pub similar: Vec<Row>,
    /// Published articles that may help: (number, title).
    pub articles: Vec<(String, String)>,
    /// Requests: the items asked for.
    pub items: Vec<RequestedView>,
    /// Requests: their approvals and fulfilment tasks.
    pub progress: Option<ProgressView>,
    /// Tasks: the request they fulfil.
    pub request_of: Option<String>,
    /// The viewer's pending approval of this request.
    pub my_approval: Option<i64>,
    pub watchers: Vec<String>,
    pub slas: Vec<SlaView>,
    /// Requesters: the ticket's survey can be answered (None inside) or was rated.
    pub survey: Option<Option<i64>>,
    /// (id, service, started, ended or blank while it lasts)
    pub outages: Vec<(i64, String, String, String)>,
    /// Major incidents: the post-incident review.
    pub review: Option<ReviewView>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

impl TicketPage {
    /// Whether a refused save named `field`.
    pub fn bad(&self, field: &str) -> bool {
        self.invalid.0 == field
    }

    /// The refusal's message for `field`, if it named it.
    pub fn msg(&self, field: &str) -> &str {
        if self.bad(field) { &self.invalid.1 } else { "" }
    }
}

/// The current status and the ones it may move to.
pub(crate) fn status_choices(kind: cairn_domain::ticket::TicketKind, s: Status) -> Vec<(String, String)> {
    std::iter::once(s).chain(s.next(kind).iter().copied()).map(|s| (s.as_str().to_string(), s.label().to_string())).collect()
}

/// Minutes as "1 h 05 min" or "25 min".
pub(crate) fn minutes(m: i64) -> String {
    if m >= 60 { format!("{} h {:02} min", m / 60, m % 60) } else { format!("{m} min") }
}

pub(crate) fn history_text(action: &str, field: Option<&str>, old: Option<&str>, new: Option<&str>) -> String {
    let v = |x: Option<&str>| x.filter(|s| !s.is_empty()).unwrap_or("—").to_string();
    match (action, field) {
        ("created", _) => "created the ticket".into(),
        ("updated", Some("description")) => "edited the description".into(),
        ("updated", Some("status")) => {
            let label = |x: Option<&str>| x.and_then(|s| Status::parse(s).ok()).map_or_else(|| v(x), |s| s.label().to_lowercase());
            format!("changed status from {} to {}", label(old), label(new))
        }
        ("updated", Some(f)) => format!("changed {} from {} to {}", f, v(old), v(new)),
        ("commented", Some("note")) => "added an internal note".into(),
        ("commented", _) => "replied".into(),
        ("linked", Some(kind)) => format!("linked {} {}", kind.replace('_', " "), v(new)),
        ("routed", Some("rule")) => format!("routing rule \u{201c}{}\u{201d} matched", v(new)),
        ("routed", Some(f)) => format!("routing set {} to {}", f, v(new)),
        ("merged", Some("into")) => format!("merged this ticket into {}", v(new)),
        ("merged", _) => format!("merged {} into this ticket", v(new)),
        ("synced", _) => format!("resolved with its parent {}", v(new)),
        ("major_declared", _) => format!("declared a major incident, managed by {}", v(new)),
        ("communicated", _) => "sent a communication update".into(),
        ("review_updated", _) => "updated the post-incident review".into(),
        ("watcher_added", _) => format!("added watcher {}", v(new)),
        ("watcher_removed", _) => format!("removed watcher {}", v(new)),
        ("workaround_applied", _) => format!("posted the workaround of {}", v(new)),
        ("reopened", _) => format!("reopened the ticket ({})", v(new)),
        ("auto_closed", _) => format!("closed the ticket ({})", v(new)),
        ("confirmed", _) => "confirmed the resolution and closed the ticket".to_string(),
        ("withdrawn", _) => v(new).replace("the requester withdrew it", "withdrew the request"),
        ("escalated", Some("group")) => format!("escalated from {} to {}", v(old), v(new)),
        ("escalated", Some("manager")) => format!("escalated to {}, manager of {}", v(new), v(old)),
        ("escalated", Some("reason")) => format!("escalation reason: {}", v(new)),
        ("time_logged", _) => format!("logged time, {} in all", minutes(new.and_then(|m| m.parse().ok()).unwrap_or(0))),
        ("sla_attached", _) => format!("service level {} applies", v(new)),
        ("sla_detached", _) => format!("service level {} no longer applies", v(new)),
        ("sla_warning", Some(t)) => format!("{} has used {} % of its {} target", v(old), v(new), t.replace('_', " ")),
        ("sla_breached", Some(t)) => format!("{} breached its {} target", v(new), t.replace('_', " ")),
        ("from_candidate", _) => format!("raised from a problem candidate of {} similar incidents", v(new)),
        ("approval_requested", Some(stage)) => format!("asked {} to approve ({stage})", v(new)),
        ("approved" | "rejected", Some(how)) => {
            let why = new.filter(|c| !c.is_empty()).map(|c| format!(": \u{201c}{c}\u{201d}")).unwrap_or_default();
            format!("{action} the request ({how}){why}")
        }
        ("approval_reminded", _) => format!("reminded {} to approve", v(new)),
        ("approval_escalated", _) => format!("escalated the approval to {}", v(new)),
        ("task_added", Some(step)) => format!("opened the task \u{201c}{}\u{201d} ({step})", v(new)),
        ("cancelled_with_request", _) => format!("cancelled: {}", v(new)),
        ("auto_assigned", _) => format!("assigned {} automatically ({})", v(new), v(old).replace('_', " ")),
        (a, _) => a.replace('_', " "),
    }
}
