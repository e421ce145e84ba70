//! Ticket use cases: raise, read, change, comment, link, list, history.

mod bulk;
pub use bulk::{BULK_LIMIT, BulkChange, BulkOutcome};
pub mod canned;
pub(crate) mod comment;
mod create;
pub(crate) mod effects;
pub(crate) mod end;
pub(crate) mod kernel;
mod links;
mod list;
pub(crate) mod merge;
pub mod saved_views;
pub mod similar;
pub(crate) mod update;
mod watch;
pub use watch::Mark;
pub mod watchers;

use cairn_domain::automation::routing::Facts;
use cairn_domain::ids::{GroupId, TenantId, TicketId, UserId};
use cairn_domain::platform::access::{Actor, Permission, Scope};
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::ticket::priority::Level;
use cairn_domain::ticket::status::Status;
use cairn_domain::ticket::{self, CurrentNames, Ticket, TicketKind, TicketPatch};
use cairn_store::platform::journal::{Entry, Recorded};
use cairn_store::ticket::{self as store, AssigneeFilter, Comment, Cursor, GroupFilter, Link, Page, Sort, TicketQuery};
use cairn_store::{Conn, automation::routing as routing_store, platform::directory, platform::journal, platform::tenants};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::automation::routing::{self, Current};
use crate::platform::directory::user_named;
use crate::platform::notify::{News, notify};
use crate::{App, AppError, Result};
use cairn_domain::platform::news::NewsKind;

/// What a caller asks for when raising a ticket; references are by name.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewTicket {
    /// `incident` (default) or `problem` (agents only).
    pub kind: Option<String>,
    pub title: String,
    pub description: String,
    pub requester: Option<String>,
    pub assignee: Option<String>,
    pub group: Option<String>,
    pub category: Option<String>,
    pub service: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Problems: affected CIs and services.
    #[serde(default)]
    pub affected: Vec<String>,
    pub impact: Option<i64>,
    pub urgency: Option<i64>,
    /// Requests: the catalog item ordered (set by `App::order`, never by a client).
    #[serde(skip)]
    pub order: Option<cairn_store::request::catalog::Requested>,
}

/// A change; `Some(None)` clears an optional reference.
#[derive(Debug, Clone, Default)]
pub struct TicketChange {
    pub title: Option<String>,
    pub description: Option<String>,
    pub status: Option<String>,
    pub impact: Option<i64>,
    pub urgency: Option<i64>,
    pub category: Option<Option<String>>,
    pub service: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub assignee: Option<Option<String>>,
    pub group: Option<Option<String>>,
    /// Needed when resolving; see `cairn_domain::ticket::RESOLUTION_CODES`.
    pub resolution_code: Option<String>,
    pub resolution_notes: Option<String>,
    /// Problems.
    pub root_cause: Option<String>,
    pub affected: Option<Vec<String>>,
    /// The CIs the ticket affects, by number (the whole list).
    pub cis: Option<Vec<String>>,
    /// Why the impact changes, journaled beside the change (a suggestion applied).
    pub impact_reason: Option<String>,
}

/// A ticket with its references resolved to names, as views show it.
#[derive(Debug, Clone)]
pub struct TicketView {
    pub ticket: Ticket,
    pub requester: String,
    pub assignee: Option<String>,
    pub group: Option<String>,
}

pub struct Created {
    pub view: TicketView,
    /// False when an Idempotency-Key replayed an earlier create.
    pub created: bool,
}

/// Filters as a caller gives them (names, not ids).
#[derive(Debug, Clone, Default)]
pub struct ListRequest {
    /// `incident` or `problem`; all kinds when absent.
    pub kind: Option<String>,
    pub q: Option<String>,
    pub statuses: Vec<String>,
    /// A group's name, or `mine` for the caller's groups.
    pub group: Option<String>,
    /// A username, `me`, or `none` for unassigned.
    pub assignee: Option<String>,
    pub priority: Option<i64>,
    pub sort: Option<String>,
    /// Only tickets with a breached service-level clock.
    pub breached: bool,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub struct ListPage {
    pub items: Vec<TicketView>,
    pub next_cursor: Option<String>,
}

const LINK_KINDS: [&str; 4] = ["related", "parent_of", "duplicate_of", "causes"];

fn level(field: &'static str, v: Option<i64>) -> Result<Option<Level>> {
    Ok(v.map(|v| Level::parse(field, v)).transpose()?)
}

/// The names of a ticket's assignee and group, as the journal records changes to them.
pub(crate) async fn current_names(c: &mut Conn, tk: &Ticket) -> Result<CurrentNames> {
    let t = tk.tenant_id;
    Ok(CurrentNames {
        assignee: match tk.assignee_id {
            Some(u) => directory::user_by_id(c, t, u).await?.map(|u| u.username),
            None => None,
        },
        group: match tk.group_id {
            Some(g) => directory::group_by_id(c, t, g).await?.map(|g| g.name),
            None => None,
        },
    })
}

pub(crate) async fn group_named(c: &mut Conn, t: TenantId, name: &str) -> Result<directory::Group> {
    directory::group_by_name(c, t, name).await?.ok_or_else(|| AppError::invalid("group", format!("no group '{name}'")))
}

async fn category_named(c: &mut Conn, t: TenantId, name: &str) -> Result<String> {
    if directory::categories(c, t).await?.iter().any(|n| n == name) {
        Ok(name.to_string())
    } else {
        Err(AppError::invalid("category", format!("no category '{name}'")))
    }
}

/// The assignee must be staff and, when the ticket has a group, a member of it.
async fn check_assignee(c: &mut Conn, user: &directory::User, group: Option<GroupId>) -> Result<()> {
    if !user.role.is_staff() {
        return Err(AppError::invalid("assignee", format!("'{}' is not an agent", user.username)));
    }
    if let Some(g) = group
        && !directory::is_member(c, user.tenant_id, g, user.id).await?
    {
        return Err(AppError::invalid("assignee", format!("'{}' is not a member of the ticket's group", user.username)));
    }
    Ok(())
}

async fn view(c: &mut Conn, t: Ticket) -> Result<TicketView> {
    NameCache::default().view(c, t).await
}

pub(crate) async fn load(c: &mut Conn, s: &Scope, number: &str) -> Result<Ticket> {
    // Strict: a number with a line break or a tab in it names no ticket.
    let n = ticket::TicketNumber::parse(number).ok_or_else(|| AppError::NotFound(format!("ticket '{}'", number.escape_debug())))?;
    store::by_number(c, s, &n).await?.ok_or_else(|| AppError::NotFound(format!("ticket {n}")))
}

impl App {
    #[tracing::instrument(name = "get_ticket", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn get_ticket(&self, actor: &Actor, number: &str) -> Result<TicketView> {
        let mut c = self.db.read().await?;
        let t = load(&mut c, &actor.scope(), number).await?;
        view(&mut c, t).await
    }
}

/// Resolves user and group names once per page rather than once per row.
#[derive(Default)]
pub(crate) struct NameCache {
    users: std::collections::HashMap<UserId, String>,
    groups: std::collections::HashMap<GroupId, String>,
}

impl NameCache {
    async fn user(&mut self, c: &mut Conn, t: TenantId, id: UserId) -> Result<String> {
        if let Some(n) = self.users.get(&id) {
            return Ok(n.clone());
        }
        let n = directory::user_by_id(c, t, id).await?.map(|u| u.username).unwrap_or_default();
        self.users.insert(id, n.clone());
        Ok(n)
    }

    async fn view(&mut self, c: &mut Conn, t: Ticket) -> Result<TicketView> {
        let tenant = t.tenant_id;
        let requester = self.user(c, tenant, t.requester_id).await?;
        let assignee = match t.assignee_id {
            Some(a) => Some(self.user(c, tenant, a).await?),
            None => None,
        };
        let group = match t.group_id {
            Some(g) => match self.groups.get(&g) {
                Some(n) => Some(n.clone()),
                None => {
                    let n = directory::group_by_id(c, tenant, g).await?.map(|g| g.name).unwrap_or_default();
                    self.groups.insert(g, n.clone());
                    Some(n)
                }
            },
            None => None,
        };
        Ok(TicketView { ticket: t, requester, assignee, group })
    }
}
