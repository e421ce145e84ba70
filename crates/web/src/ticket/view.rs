//! The ticket page: the ticket as its form edits it, its conversation and history, and
//! the sections each practice adds (service levels, approvals, outages, the review…).

use askama::Template;
use cairn_app::ticket::TicketView;
use cairn_domain::ticket::status::Status;

use super::queue::Row;
use crate::incident::review::ReviewView;
use crate::platform::page::Me;
use crate::problem::suggestions::KView;
use crate::request::progress::{ProgressView, RequestedView};
use crate::sla::clocks::SlaView;
use crate::time::{minutes, short};

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

pub(crate) struct HView {
    pub at: String,
    pub actor: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "ticket/ticket.html")]
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
    /// (username, "|group|group|": the groups the agent is a member of).
    pub agents: Vec<(String, String)>,
    pub comments: Vec<CView>,
    pub history: Vec<HView>,
    /// (kind as read from this ticket, number, title)
    pub links: Vec<(String, String, String)>,
    /// The agent's canned responses (id, title), and the reply text one filled in.
    pub canned: Vec<(i64, String)>,
    pub reply: String,
    /// A macro inserted into the reply box: applied when the reply is sent.
    pub with_macro: Option<MacroOffer>,
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
    pub my_approval: Option<cairn_domain::ids::ApprovalId>,
    pub watchers: Vec<String>,
    pub slas: Vec<SlaView>,
    /// Requesters: the ticket's survey can be answered (None inside) or was rated.
    pub survey: Option<Option<i64>>,
    /// (id, service, started, ended or blank while it lasts)
    pub outages: Vec<(cairn_domain::ids::OutageId, String, String, String)>,
    pub cis: Vec<crate::cmdb::affected_view::AffectedView>,
    /// The impact the affected CIs suggest and why, when higher than the ticket's.
    pub impact_suggestion: Option<(String, String)>,
    /// Major incidents: the post-incident review.
    pub review: Option<ReviewView>,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// The sections that could not be read, said on the page.
    pub unavailable: Option<String>,
}

/// A macro waiting in the reply form: its id, what it will do in words, and whether
/// its text goes out as an internal note.
#[derive(Debug, Clone)]
pub(crate) struct MacroOffer {
    pub id: i64,
    pub summary: String,
    pub internal: bool,
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
