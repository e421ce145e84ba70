//! Request and response bodies of the ticket API, as documented in the OpenAPI document.

use cairn_app::ticket::TicketView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::time::rfc3339;

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TicketBody {
    pub id: i64,
    /// Human number, e.g. `INC0000042`.
    pub number: String,
    pub kind: String,
    pub title: String,
    pub description: String,
    /// new, in_progress, on_hold, resolved, closed, cancelled
    pub status: String,
    /// 1 high, 2 medium, 3 low
    pub impact: u8,
    pub urgency: u8,
    /// 1 critical … 5 planning, from the tenant's impact × urgency matrix
    pub priority: u8,
    pub category: Option<String>,
    /// The affected service.
    pub service: Option<String>,
    pub tags: Vec<String>,
    pub requester: String,
    pub assignee: Option<String>,
    pub group: Option<String>,
    pub version: i64,
    /// Send back in `If-Match` when changing the ticket.
    pub etag: String,
    pub created_at: String,
    pub updated_at: String,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub resolution_code: Option<String>,
    pub resolution_notes: Option<String>,
    /// A major incident (see `POST /api/v1/tickets/{number}/major`).
    pub major: bool,
    /// Problems.
    pub root_cause: Option<String>,
    pub affected: Vec<String>,
    /// Minutes logged on the ticket's replies and notes.
    pub time_spent_minutes: i64,
    /// The CIs the ticket affects, by number (staff; in lists, left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cis: Option<Vec<String>>,
}

impl From<TicketView> for TicketBody {
    fn from(v: TicketView) -> Self {
        let t = v.ticket;
        TicketBody {
            id: t.id.0,
            etag: t.etag(),
            number: t.number,
            kind: t.kind.as_str().into(),
            title: t.title,
            description: t.description,
            status: t.status.as_str().into(),
            impact: t.impact.get(),
            urgency: t.urgency.get(),
            priority: t.priority.get(),
            category: t.category,
            service: t.service,
            tags: t.tags,
            requester: v.requester,
            assignee: v.assignee,
            group: v.group,
            version: t.version,
            created_at: rfc3339(t.created_at),
            updated_at: rfc3339(t.updated_at),
            resolved_at: t.resolved_at.map(rfc3339),
            closed_at: t.closed_at.map(rfc3339),
            resolution_code: t.resolution_code,
            resolution_notes: t.resolution_notes,
            major: t.major,
            root_cause: t.root_cause,
            affected: t.affected,
            time_spent_minutes: t.time_spent,
            cis: None,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateTicketRequest {
    /// `incident` (default) or `problem` (agents).
    pub kind: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Username; defaults to the caller. Agents may raise for others.
    pub requester: Option<String>,
    pub assignee: Option<String>,
    pub group: Option<String>,
    pub category: Option<String>,
    /// The affected service (free text until the CMDB names services).
    pub service: Option<String>,
    /// Agents only: letters, digits, `-` and `_`.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Problems: affected CIs and services.
    #[serde(default)]
    pub affected: Vec<String>,
    /// 1..3, default 2
    pub impact: Option<i64>,
    /// 1..3, default 2
    pub urgency: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateTicketRequest {
    pub title: Option<String>,
    pub description: Option<String>,
    pub status: Option<String>,
    pub impact: Option<i64>,
    pub urgency: Option<i64>,
    /// `null` clears.
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub category: Option<Option<String>>,
    /// `null` clears.
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub service: Option<Option<String>>,
    /// Replaces the ticket's tags.
    pub tags: Option<Vec<String>>,
    /// Username; `null` unassigns.
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub assignee: Option<Option<String>>,
    /// Group name; `null` clears.
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub group: Option<Option<String>>,
    /// Required with `"status": "resolved"`: solved, workaround, no_fault_found,
    /// user_error, duplicate, not_reproducible, resolved_by_change.
    pub resolution_code: Option<String>,
    pub resolution_notes: Option<String>,
    /// Problems: required to move to `root_cause_known`.
    pub root_cause: Option<String>,
    /// Problems: replaces the affected CIs and services (free text).
    pub affected: Option<Vec<String>>,
    /// Replaces the CIs the ticket affects, by number (`CI0000001`).
    pub cis: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateCommentRequest {
    pub body: String,
    /// `internal` (agents only) or `public` (default).
    pub visibility: Option<String>,
    /// Time spent on the work this note records (agents only, 0 to 720).
    pub time_spent_minutes: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CommentBody {
    pub id: i64,
    pub author: Option<String>,
    pub body: String,
    /// `public` or `internal`
    pub visibility: String,
    pub time_spent_minutes: i64,
    pub created_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateLinkRequest {
    /// Number of the other ticket.
    pub target: String,
    /// related, parent_of, duplicate_of, causes (problem → incident)
    pub kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LinkBody {
    pub kind: String,
    pub number: String,
    pub title: String,
    pub status: String,
    /// `outbound`: this ticket → other; `inbound`: other → this ticket.
    pub direction: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EventBody {
    /// The ticket the event belongs to (in a review timeline spanning several).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    pub seq: i64,
    pub at: String,
    pub actor: Option<String>,
    pub action: String,
    pub field: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TicketPage {
    pub items: Vec<TicketBody>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListParams {
    /// `incident` or `problem`; all kinds when absent.
    pub kind: Option<String>,
    /// Full-text search over title, description and comments.
    pub q: Option<String>,
    /// Comma-separated statuses.
    pub status: Option<String>,
    /// Group name, or `mine` for the caller's groups.
    pub group: Option<String>,
    /// Username, `me`, or `none`.
    pub assignee: Option<String>,
    pub priority: Option<i64>,
    /// priority, created, -created (default), updated, -updated, due (soonest service-level due first)
    pub sort: Option<String>,
    /// true: only tickets with a breached service-level clock.
    pub breached: Option<bool>,
    /// 1..200, default 50
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

impl EventBody {
    pub fn new(ticket: Option<String>, r: cairn_store::platform::journal::Recorded) -> EventBody {
        EventBody {
            ticket,
            seq: r.event.seq,
            at: rfc3339(r.event.at),
            actor: r.actor_name,
            action: r.event.action,
            field: r.event.field,
            old: r.event.old,
            new: r.event.new,
        }
    }
}
