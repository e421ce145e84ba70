//! Ticket use cases: raise, read, change, comment, link, list, history.

pub mod canned;
pub(crate) mod merge;
pub mod saved_views;
pub mod similar;
pub mod watchers;

use cairn_domain::automation::routing::Facts;
use cairn_domain::ids::{GroupId, TenantId, TicketId, UserId};
use cairn_domain::platform::access::{Actor, Permission, Scope};
use cairn_domain::ticket::priority::Level;
use cairn_domain::ticket::status::Status;
use cairn_domain::ticket::{self, CurrentNames, Ticket, TicketKind, TicketPatch};
use cairn_store::platform::journal::{Entry, Recorded};
use cairn_store::ticket::{self as store, AssigneeFilter, Comment, Cursor, GroupFilter, Link, Page, Sort, TicketQuery};
use cairn_store::{Conn, automation::routing as routing_store, platform::directory, platform::jobs, platform::journal, platform::tenants};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::automation::routing::{self, Current};
use crate::incident::major::resolve_children;
use crate::platform::worker::{AutoClose, Notify};
use crate::ticket::watchers::{tell_mentioned, tell_watchers};
use crate::{App, AppError, Result};

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

pub(crate) async fn user_named(c: &mut Conn, t: TenantId, field: &str, name: &str) -> Result<directory::User> {
    directory::user_by_name(c, t, name)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(|| AppError::invalid(field, format!("no active user '{name}'")))
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

async fn group_named(c: &mut Conn, t: TenantId, name: &str) -> Result<directory::Group> {
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
        && !directory::is_member(c, g, user.id).await?
    {
        return Err(AppError::invalid("assignee", format!("'{}' is not a member of the ticket's group", user.username)));
    }
    Ok(())
}

async fn view(c: &mut Conn, t: Ticket) -> Result<TicketView> {
    NameCache::default().view(c, t).await
}

pub(crate) async fn load(c: &mut Conn, s: &Scope, number: &str) -> Result<Ticket> {
    let n = ticket::parse_number(number).ok_or_else(|| AppError::NotFound(format!("ticket '{number}'")))?;
    store::by_number(c, s, &n).await?.ok_or_else(|| AppError::NotFound(format!("ticket {n}")))
}

/// Closes a resolved ticket, journaling why (same transaction).
#[allow(clippy::too_many_arguments)]
/// How a requester ends their own ticket (see `App::requester_ends`).
struct RequesterEnd {
    /// "confirms a resolution", for the refusal of anyone else.
    verb: &'static str,
    may: fn(Status) -> bool,
    /// Why it may not, after the ticket's status.
    otherwise: &'static str,
    to: Status,
    action: &'static str,
    reason: String,
}

pub(crate) async fn end_ticket(
    c: &mut Conn,
    backend: cairn_store::Backend,
    sla: &crate::sla::SlaCache,
    ticket: &mut Ticket,
    to: Status,
    (by, action, reason): (Option<UserId>, &'static str, &str),
    now: i64,
) -> Result<()> {
    let close = TicketPatch { status: Some(to), ..TicketPatch::default() };
    let changes = ticket.apply(close, &CurrentNames::default(), &Default::default(), now)?;
    ticket.version += 1;
    store::update(c, backend, ticket, false).await?;
    let mut why = Entry::action("ticket", ticket.id.0, action);
    why.field = Some("reason".into());
    why.new = Some(reason.into());
    let entries = [vec![why], change_entries(ticket.id, &changes)].concat();
    journal::append(c, ticket.tenant_id, by, now, &entries).await?;
    crate::sla::after_change(c, sla, ticket.tenant_id, &[ticket.id], now).await
}

/// Routing after a change: rules run again when the ticket's facts changed and the
/// caller did not choose the assignment themselves; a ticket moved to a group without an
/// assignee gets the group's automatic assignment. Returns the decision when it changed
/// the ticket (already applied to `ticket`).
async fn reroute(
    c: &mut Conn,
    ticket: &mut Ticket,
    changes: &[ticket::FieldChange],
    chose_assignment: bool,
    matrix: &cairn_domain::ticket::priority::PriorityMatrix,
    now: i64,
) -> Result<Option<routing::Routed>> {
    let t = ticket.tenant_id;
    let facts_changed = changes.iter().any(|ch| matches!(ch.field, "title" | "description" | "category" | "service" | "priority"));
    let regrouped = changes.iter().any(|ch| ch.field == "group") && ticket.assignee_id.is_none();
    let rules = match (facts_changed && !chose_assignment, regrouped) {
        (true, _) => routing_store::rules(c, t).await?,
        (false, true) => Vec::new(),
        (false, false) => return Ok(None),
    };
    let organisation = if rules.iter().any(|r| r.when.organisation.is_some()) {
        directory::user_by_id(c, t, ticket.requester_id).await?.and_then(|u| u.organisation)
    } else {
        None
    };
    let group = match ticket.group_id {
        Some(g) => directory::group_by_id(c, t, g).await?,
        None => None,
    };
    let facts =
        Facts::new(&ticket.title, &ticket.description, ticket.category.clone(), ticket.service.clone(), organisation, ticket.priority);
    let routed =
        routing::decide(c, t, &rules, &facts, Current { group: group.as_ref(), has_assignee: ticket.assignee_id.is_some() }).await?;
    let patch = TicketPatch {
        group: routed.group.as_ref().map(|g| Some((g.id, g.name.clone()))),
        assignee: routed.assignee.as_ref().map(|u| Some((u.id, u.username.clone()))),
        priority: routed.priority,
        tags: (!routed.tags.is_empty()).then(|| [ticket.tags.clone(), routed.tags.clone()].concat()),
        ..TicketPatch::default()
    };
    // Its changes are journaled as the routing entries that explain them.
    let applied = ticket.apply(patch, &CurrentNames::default(), matrix, now)?;
    Ok((!applied.is_empty()).then_some(routed))
}

/// Journal entries for the fields a change touched.
pub(crate) fn change_entries(id: TicketId, changes: &[ticket::FieldChange]) -> Vec<Entry> {
    changes
        .iter()
        .map(|ch| Entry {
            entity: "ticket",
            entity_id: id.0,
            action: "updated",
            field: Some(ch.field.to_string()),
            old: ch.old.clone(),
            new: ch.new.clone(),
        })
        .collect()
}

/// Queues the close of a resolved ticket after the tenant's waiting period; the job
/// does nothing if the ticket was reopened (or resolved again) meanwhile.
pub(crate) async fn schedule_auto_close(c: &mut Conn, t: &Ticket, days: i64) -> Result<()> {
    let Some(resolved_at) = t.resolved_at.filter(|_| days > 0) else { return Ok(()) };
    let payload = AutoClose { ticket_id: t.id.0, resolved_at }.payload()?;
    jobs::enqueue(c, t.tenant_id, AutoClose::KIND, &payload, resolved_at + days * 86_400_000, resolved_at).await?;
    Ok(())
}

/// What follows a resolution: the auto-close timer, and the survey for a requester who
/// did not resolve it themselves.
pub(crate) async fn on_resolved(c: &mut Conn, t: &Ticket, auto_close_days: i64, by: Option<UserId>, now: i64) -> Result<()> {
    schedule_auto_close(c, t, auto_close_days).await?;
    if matches!(t.kind, TicketKind::Incident | TicketKind::Request) && Some(t.requester_id) != by {
        crate::sla::surveys::send(c, t, now).await?;
    }
    Ok(())
}

pub(crate) async fn notify(c: &mut Conn, t: &Ticket, user: UserId, message: String, now: i64) -> Result<()> {
    let payload = Notify { ticket_id: t.id.0, user_id: user.0, message }.payload()?;
    jobs::enqueue(c, t.tenant_id, Notify::KIND, &payload, now, now).await?;
    Ok(())
}

impl App {
    /// Raises a ticket. With an idempotency key, a retry returns the first result: when
    /// two identical requests race (PostgreSQL), the loser's insert of the key conflicts,
    /// its transaction rolls back whole, and running it again finds the winner's ticket.
    pub async fn create_ticket(&self, actor: &Actor, req: NewTicket, idempotency_key: Option<String>) -> Result<Created> {
        match self.create_ticket_once(actor, req.clone(), idempotency_key.clone()).await {
            Err(AppError::Conflict(_)) if idempotency_key.is_some() => self.create_ticket_once(actor, req, idempotency_key).await,
            other => other,
        }
    }

    async fn create_ticket_once(&self, actor: &Actor, req: NewTicket, idempotency_key: Option<String>) -> Result<Created> {
        let title = ticket::parse_title(&req.title)?;
        let description = ticket::parse_text("description", &req.description, false)?;
        let impact = level("impact", req.impact)?.unwrap_or(Level::MEDIUM);
        let urgency = level("urgency", req.urgency)?.unwrap_or(Level::MEDIUM);
        if !actor.may(Permission::WorkTickets) && (req.assignee.is_some() || req.group.is_some() || !req.tags.is_empty()) {
            return Err(AppError::Forbidden("requesters cannot assign or tag tickets".into()));
        }
        let tags = ticket::parse_tags(&req.tags)?;
        let kind = req.kind.as_deref().map(TicketKind::parse).transpose()?.unwrap_or(TicketKind::Incident);
        if kind == TicketKind::Problem && !actor.may(Permission::WorkTickets) {
            return Err(AppError::Forbidden("requesters report incidents; problems are raised by agents".into()));
        }
        if (kind == TicketKind::Request) != req.order.is_some() {
            return Err(AppError::invalid("kind", "requests are ordered from the catalog (POST /api/v1/catalog/items/{id}/order)"));
        }
        if kind == TicketKind::Task {
            return Err(AppError::invalid("kind", "tasks are opened by their request's fulfilment, not by hand"));
        }
        let plan = req.order.as_ref().map(crate::request::fulfilment::Plan::of).transpose()?.unwrap_or_default();
        let flow = self.flow();
        // Affected items go through the same checks as on a change.
        let mut probe = Ticket::blank(kind);
        probe.apply(
            TicketPatch { affected: Some(req.affected.clone()), ..TicketPatch::default() },
            &CurrentNames::default(),
            &Default::default(),
            0,
        )?;
        let affected = probe.affected;
        let service = req.service.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        if let Some(k) = &idempotency_key
            && (k.is_empty() || k.len() > 200)
        {
            return Err(AppError::invalid("Idempotency-Key", "must be 1 to 200 characters"));
        }
        let request_hash = hex::encode(Sha256::digest(serde_json::to_vec(&req).unwrap_or_default()));
        // Rules are configuration, read as the request arrives and off the write path.
        // Read before the write, on a reader: the routing rules and the service levels.
        let (rules, sla_setup) = {
            let mut c = self.db.read().await?;
            (routing_store::rules(&mut c, actor.tenant_id).await?, crate::sla::setup(&mut c, &self.sla, actor.tenant_id, self.now()).await?)
        };
        let (actor, now, backend) = (actor.clone(), self.now(), self.backend());
        self.db
            .write(move |c| {
                Box::pin(async move {
                    let scope = actor.scope();
                    let t = actor.tenant_id;
                    if let Some(key) = &idempotency_key
                        && let Some((id, hash)) = store::idempotent_create(c, &scope, actor.user_id, key).await?
                    {
                        if hash != request_hash {
                            return Err(AppError::Conflict("this Idempotency-Key was used for a different request".into()));
                        }
                        let existing = store::by_id(c, &scope, id).await?.ok_or_else(|| AppError::NotFound("ticket".into()))?;
                        return Ok(Created { view: view(c, existing).await?, created: false });
                    }
                    // References are resolved once here and reused for the response.
                    let (requester, requester_name) = match req.requester.as_deref() {
                        Some(name) if name != actor.username => {
                            if !actor.may(Permission::RaiseForOthers) {
                                return Err(AppError::Forbidden("requesters raise tickets for themselves only".into()));
                            }
                            let u = user_named(c, t, "requester", name).await?;
                            (u.id, u.username)
                        }
                        _ => (actor.user_id, actor.username.clone()),
                    };
                    let group = match req.group.as_deref() {
                        Some(g) => Some(group_named(c, t, g).await?),
                        None => None,
                    };
                    let assignee = match req.assignee.as_deref() {
                        Some(a) => {
                            let u = user_named(c, t, "assignee", a).await?;
                            check_assignee(c, &u, group.as_ref().map(|g| g.id)).await?;
                            Some(u)
                        }
                        None => None,
                    };
                    let category = match req.category.as_deref() {
                        Some(cat) => Some(category_named(c, t, cat).await?),
                        None => None,
                    };
                    let numbered = tenants::next_number(c, t, kind.prefix()).await?;
                    let priority = numbered.priority_matrix.priority(impact, urgency);
                    let organisation = if rules.iter().any(|r| r.when.organisation.is_some()) {
                        directory::user_by_id(c, t, requester).await?.and_then(|u| u.organisation)
                    } else {
                        None
                    };
                    let facts = Facts::new(&title, &description, category.clone(), service.clone(), organisation, priority);
                    let now_state = Current { group: group.as_ref(), has_assignee: assignee.is_some() };
                    let routed = routing::decide(c, t, &rules, &facts, now_state).await?;
                    let group = group.or(routed.group.clone());
                    let assignee = assignee.or(routed.assignee.clone());
                    let tags = ticket::parse_tags(&[tags, routed.tags.clone()].concat())?;
                    let mut ticket = Ticket {
                        tenant_id: t,
                        number: kind.number(numbered.seq),
                        title,
                        description,
                        impact,
                        urgency,
                        priority: routed.priority.unwrap_or(priority),
                        category,
                        service,
                        tags,
                        requester_id: requester,
                        assignee_id: assignee.as_ref().map(|u| u.id),
                        group_id: group.as_ref().map(|g| g.id),
                        version: 1,
                        created_at: now,
                        updated_at: now,
                        affected,
                        status: plan.first_status(),
                        ..Ticket::blank(kind)
                    };
                    ticket.id = store::insert(c, backend, &ticket).await?;
                    if let Some(o) = &req.order {
                        cairn_store::request::catalog::insert_requested(c, ticket.id, o, now).await?;
                    }
                    let created = crate::sla::created_entry(
                        &ticket,
                        group.as_ref().map(|g| g.name.as_str()),
                        assignee.as_ref().map(|u| u.username.as_str()),
                    );
                    let entries = [vec![created], routed.entries(ticket.id)].concat();
                    journal::append(c, t, Some(actor.user_id), now, &entries).await?;
                    routed.remember_turn(c).await?;
                    if !actor.may(Permission::WorkTickets) {
                        let since = now - crate::knowledge::DEFLECTION_WINDOW_MS;
                        cairn_store::knowledge::request_raised(c, t, actor.user_id, ticket.id.0, since).await?;
                    }
                    if let Some(setup) = &sla_setup {
                        crate::sla::after_change_with(c, setup, t, ticket.id, now).await?;
                    }
                    crate::request::fulfilment::begin(c, &flow, &ticket, &plan, now).await?;
                    if let Some(a) = ticket.assignee_id.filter(|a| *a != actor.user_id) {
                        notify(c, &ticket, a, format!("{} was assigned to you", ticket.number), now).await?;
                    }
                    if let Some(key) = &idempotency_key {
                        store::remember_create(c, &scope, actor.user_id, key, &request_hash, ticket.id, now).await?;
                    }
                    let view = TicketView {
                        ticket,
                        requester: requester_name,
                        assignee: assignee.map(|u| u.username),
                        group: group.map(|g| g.name),
                    };
                    Ok(Created { view, created: true })
                })
            })
            .await
    }

    pub async fn get_ticket(&self, actor: &Actor, number: &str) -> Result<TicketView> {
        let mut c = self.db.read().await?;
        let t = load(&mut c, &actor.scope(), number).await?;
        view(&mut c, t).await
    }

    /// Applies a change if the caller's copy (`expected_version`) is current.
    pub async fn update_ticket(&self, actor: &Actor, number: &str, expected_version: i64, ch: TicketChange) -> Result<TicketView> {
        if !actor.may(Permission::WorkTickets) {
            return Err(AppError::Forbidden("only agents can change tickets; add a reply instead".into()));
        }
        let status = ch.status.as_deref().map(Status::parse).transpose()?;
        let impact = level("impact", ch.impact)?;
        let urgency = level("urgency", ch.urgency)?;
        let (actor, now, backend, number, sla) = (actor.clone(), self.now(), self.backend(), number.to_string(), self.sla.clone());
        let flow = self.flow();
        self.db
            .write(move |c| {
                Box::pin(async move {
                    let t = actor.tenant_id;
                    let mut ticket = load(c, &actor.scope(), &number).await?;
                    if ticket.version != expected_version {
                        return Err(AppError::Stale);
                    }
                    crate::request::fulfilment::lock_request_of(c, &ticket).await?;
                    // One cache for the views before and after: unchanged references resolve once.
                    let mut cache = NameCache::default();
                    let current = cache.view(c, ticket.clone()).await?;
                    let group = match ch.group {
                        Some(Some(name)) => Some(Some(group_named(c, t, &name).await.map(|g| (g.id, g.name))?)),
                        Some(None) => Some(None),
                        None => None,
                    };
                    let effective_group = match &group {
                        Some(g) => g.as_ref().map(|(id, _)| *id),
                        None => ticket.group_id,
                    };
                    let assignee = match ch.assignee {
                        Some(Some(name)) => {
                            let u = user_named(c, t, "assignee", &name).await?;
                            check_assignee(c, &u, effective_group).await?;
                            Some(Some((u.id, u.username)))
                        }
                        Some(None) => Some(None),
                        // Moving to another group unassigns someone who is not in it.
                        None => match (ticket.assignee_id, &group) {
                            (Some(a), Some(Some((g, _)))) if !directory::is_member(c, *g, a).await? => Some(None),
                            _ => None,
                        },
                    };
                    let category = match ch.category {
                        Some(Some(name)) => Some(Some(category_named(c, t, &name).await?)),
                        other => other,
                    };
                    let tenant = tenants::by_id(c, t).await?.ok_or_else(|| AppError::NotFound("tenant".into()))?;
                    let chose_assignment = group.is_some() || assignee.is_some();
                    let patch = TicketPatch {
                        title: ch.title,
                        description: ch.description,
                        status,
                        impact,
                        urgency,
                        category,
                        service: ch.service,
                        tags: ch.tags,
                        priority: None,
                        assignee,
                        group,
                        resolution_code: ch.resolution_code,
                        resolution_notes: ch.resolution_notes,
                        root_cause: ch.root_cause,
                        affected: ch.affected,
                    };
                    let names = CurrentNames { assignee: current.assignee.clone(), group: current.group.clone() };
                    let changes = ticket.apply(patch, &names, &tenant.priority_matrix, now)?;
                    if changes.is_empty() {
                        return cache.view(c, ticket).await;
                    }
                    let routed = reroute(c, &mut ticket, &changes, chose_assignment, &tenant.priority_matrix, now).await?;
                    ticket.version += 1;
                    let text_changed = changes.iter().any(|ch| matches!(ch.field, "title" | "description"));
                    store::update(c, backend, &ticket, text_changed).await?;
                    let entries: Vec<Entry> =
                        change_entries(ticket.id, &changes).into_iter().chain(routed.iter().flat_map(|r| r.entries(ticket.id))).collect();
                    journal::append(c, t, Some(actor.user_id), now, &entries).await?;
                    if let Some(r) = &routed {
                        r.remember_turn(c).await?;
                    }
                    if ticket.status == Status::Resolved && current.ticket.status != Status::Resolved {
                        on_resolved(c, &ticket, tenant.auto_close_days, Some(actor.user_id), now).await?;
                    }
                    if let Some(a) = ticket.assignee_id.filter(|a| Some(*a) != current.ticket.assignee_id && *a != actor.user_id) {
                        notify(c, &ticket, a, format!("{} was assigned to you", ticket.number), now).await?;
                    }
                    if ticket.status != current.ticket.status {
                        let msg = format!("{} is now {}", ticket.number, ticket.status.label().to_lowercase());
                        if ticket.requester_id != actor.user_id {
                            notify(c, &ticket, ticket.requester_id, msg.clone(), now).await?;
                        }
                        tell_watchers(c, &ticket, actor.user_id, false, &msg, now).await?;
                    }
                    if ticket.status == Status::Resolved && current.ticket.status != Status::Resolved {
                        resolve_children(c, &actor, &ticket, tenant.auto_close_days, backend, &sla, now).await?;
                    }
                    crate::sla::after_change(c, &sla, t, &[ticket.id], now).await?;
                    crate::request::fulfilment::after_status(c, &flow, &ticket, current.ticket.status, Some(actor.user_id), now).await?;
                    cache.view(c, ticket).await
                })
            })
            .await
    }

    /// Adds a public reply, or an internal note (staff only).
    /// Adds a public reply or an internal note, with the minutes spent on the work it
    /// records (agents only).
    pub async fn add_comment(&self, actor: &Actor, number: &str, body: &str, internal: bool, minutes: i64) -> Result<Comment> {
        if internal && !actor.may(Permission::InternalNotes) {
            return Err(AppError::Forbidden("only agents can write internal notes".into()));
        }
        let minutes = ticket::parse_minutes(minutes)?;
        if minutes > 0 && !actor.may(Permission::WorkTickets) {
            return Err(AppError::Forbidden("only agents log time".into()));
        }
        let body = ticket::parse_text("body", body, true)?;
        let (actor, now, backend, number, sla) = (actor.clone(), self.now(), self.backend(), number.to_string(), self.sla.clone());
        self.db
            .write(move |c| {
                Box::pin(async move {
                    let scope = actor.scope();
                    let ticket = load(c, &scope, &number).await?;
                    let comment = store::insert_comment(
                        c,
                        backend,
                        &scope,
                        &store::NewComment { ticket: ticket.id, author: Some(actor.user_id), body: &body, internal, minutes, at: now },
                    )
                    .await?;
                    store::touch(c, &scope, ticket.id, now).await?;
                    let mut e = Entry::action("ticket", ticket.id.0, "commented");
                    e.field = Some(if internal { "note" } else { "reply" }.to_string());
                    e.new = Some(body.clone());
                    let mut entries = vec![e];
                    if minutes > 0 {
                        let mut logged = Entry::action("ticket", ticket.id.0, "time_logged");
                        logged.field = Some("minutes".into());
                        logged.old = Some(ticket.time_spent.to_string());
                        logged.new = Some((ticket.time_spent + minutes).to_string());
                        entries.push(logged);
                    }
                    // A requester answering a resolved ticket says it is not solved: back to work.
                    let reopens = !internal && actor.user_id == ticket.requester_id && ticket.status == Status::Resolved;
                    if reopens {
                        let mut reopened = ticket.clone();
                        let back = TicketPatch { status: Some(Status::InProgress), ..TicketPatch::default() };
                        let changes = reopened.apply(back, &CurrentNames::default(), &Default::default(), now)?;
                        reopened.version += 1;
                        store::update(c, backend, &reopened, false).await?;
                        let mut why = Entry::action("ticket", ticket.id.0, "reopened");
                        why.field = Some("reason".into());
                        why.new = Some("the requester replied".into());
                        entries.push(why);
                        entries.extend(change_entries(ticket.id, &changes));
                    }
                    journal::append(c, actor.tenant_id, Some(actor.user_id), now, &entries).await?;
                    let what = if reopens {
                        "reopened by the requester's reply"
                    } else if internal {
                        "has a new note"
                    } else {
                        "has a new reply"
                    };
                    let message = format!("{} {what}", ticket.number);
                    if !internal {
                        let to = if actor.user_id == ticket.requester_id { ticket.assignee_id } else { Some(ticket.requester_id) };
                        if let Some(to) = to.filter(|u| *u != actor.user_id) {
                            notify(c, &ticket, to, message.clone(), now).await?;
                        }
                    }
                    tell_watchers(c, &ticket, actor.user_id, internal, &message, now).await?;
                    tell_mentioned(c, &ticket, &actor, &body, now).await?;
                    crate::sla::after_change(c, &sla, actor.tenant_id, &[ticket.id], now).await?;
                    Ok::<_, AppError>(comment)
                })
            })
            .await
    }

    /// The auto-close job: closes the ticket if it is still resolved since `job.resolved_at`.
    pub(crate) async fn auto_close(&self, t: TenantId, job: AutoClose) -> Result<()> {
        let (now, backend, sla) = (self.now(), self.backend(), self.sla.clone());
        self.db
            .write(move |c| {
                Box::pin(async move {
                    let Some(mut ticket) = store::by_id(c, &Scope::system(t), TicketId(job.ticket_id)).await? else { return Ok(()) };
                    if ticket.status != Status::Resolved || ticket.resolved_at != Some(job.resolved_at) {
                        return Ok(());
                    }
                    let why = "resolved and not reopened within the waiting period";
                    end_ticket(c, backend, &sla, &mut ticket, Status::Closed, (None, "auto_closed", why), now).await
                })
            })
            .await
    }

    /// The requester confirms the resolution: the ticket closes now (a reply instead
    /// says it is not solved and reopens it).
    pub async fn confirm_resolution(&self, actor: &Actor, number: &str) -> Result<()> {
        let end = RequesterEnd {
            verb: "confirms a resolution",
            may: |s| s == Status::Resolved,
            otherwise: "not resolved",
            to: Status::Closed,
            action: "confirmed",
            reason: "the requester confirmed the resolution".into(),
        };
        self.requester_ends(actor, number, end).await
    }

    /// The requester withdraws a request still being worked on: it is cancelled with
    /// their reason, and the assignee is told.
    pub async fn withdraw(&self, actor: &Actor, number: &str, reason: &str) -> Result<()> {
        let reason = reason.trim().to_string();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(AppError::invalid("reason", "say in 1 to 500 characters why you no longer need it"));
        }
        let end = RequesterEnd {
            verb: "withdraws a request",
            may: Status::is_open,
            otherwise: "no longer open",
            to: Status::Cancelled,
            action: "withdrawn",
            reason: format!("the requester withdrew it: {reason}"),
        };
        self.requester_ends(actor, number, end).await
    }

    /// The requester ends their own ticket: journaled with the reason, the assignee told.
    async fn requester_ends(&self, actor: &Actor, number: &str, end: RequesterEnd) -> Result<()> {
        let (actor, now, backend, number, sla) = (actor.clone(), self.now(), self.backend(), number.to_string(), self.sla.clone());
        let flow = self.flow();
        self.db
            .write(move |c| {
                Box::pin(async move {
                    let mut ticket = load(c, &actor.scope(), &number).await?;
                    let before = ticket.status;
                    if ticket.requester_id != actor.user_id {
                        return Err(AppError::Forbidden(format!("only the requester {}", end.verb)));
                    }
                    if !(end.may)(ticket.status) {
                        let status = ticket.status.label().to_lowercase();
                        return Err(AppError::Conflict(format!("{} is {status}, {}", ticket.number, end.otherwise)));
                    }
                    end_ticket(c, backend, &sla, &mut ticket, end.to, (Some(actor.user_id), end.action, &end.reason), now).await?;
                    crate::request::fulfilment::after_status(c, &flow, &ticket, before, Some(actor.user_id), now).await?;
                    if let Some(a) = ticket.assignee_id {
                        notify(c, &ticket, a, format!("{}: {}", ticket.number, end.reason), now).await?;
                    }
                    Ok(())
                })
            })
            .await
    }

    pub async fn add_link(&self, actor: &Actor, number: &str, target: &str, kind: &str) -> Result<()> {
        if !actor.may(Permission::WorkTickets) {
            return Err(AppError::Forbidden("only agents can link tickets".into()));
        }
        if !LINK_KINDS.contains(&kind) {
            return Err(AppError::invalid(
                "kind",
                format!("unknown link kind '{kind}' (expected related, parent_of, duplicate_of or causes)"),
            ));
        }
        let (actor, now, number, target, kind) = (actor.clone(), self.now(), number.to_string(), target.to_string(), kind.to_string());
        self.db
            .write(move |c| {
                Box::pin(async move {
                    let scope = actor.scope();
                    let from = load(c, &scope, &number).await?;
                    let to = load(c, &scope, &target).await.map_err(|_| AppError::invalid("target", format!("no ticket '{target}'")))?;
                    if from.id == to.id {
                        return Err(AppError::invalid("target", "a ticket cannot be linked to itself"));
                    }
                    if kind == "causes" && (from.kind != TicketKind::Problem || to.kind != TicketKind::Incident) {
                        return Err(AppError::invalid("kind", "'causes' links a problem to an incident"));
                    }
                    store::insert_link(c, &scope, from.id, to.id, &kind, now).await?;
                    let mut e = Entry::action("ticket", from.id.0, "linked");
                    e.field = Some(kind);
                    e.new = Some(to.number);
                    journal::append(c, actor.tenant_id, Some(actor.user_id), now, &[e]).await?;
                    Ok(())
                })
            })
            .await
    }

    pub async fn comments(&self, actor: &Actor, number: &str) -> Result<Vec<Comment>> {
        let mut c = self.db.read().await?;
        let s = actor.scope();
        let t = load(&mut c, &s, number).await?;
        Ok(store::comments(&mut c, &s, t.id).await?)
    }

    pub async fn links(&self, actor: &Actor, number: &str) -> Result<Vec<Link>> {
        let mut c = self.db.read().await?;
        let s = actor.scope();
        let t = load(&mut c, &s, number).await?;
        Ok(store::links(&mut c, &s, t.id).await?)
    }

    /// The ticket's journal, oldest first; requesters do not see internal notes.
    pub async fn history(&self, actor: &Actor, number: &str) -> Result<Vec<Recorded>> {
        let mut c = self.db.read().await?;
        let s = actor.scope();
        let t = load(&mut c, &s, number).await?;
        let mut events = journal::for_entity(&mut c, actor.tenant_id, "ticket", t.id.0).await?;
        if !s.sees_internal() {
            events.retain(|e| e.event.field.as_deref() != Some("note"));
        }
        Ok(events)
    }

    /// A list request as the store's query, with its names looked up and checked.
    async fn ticket_query(c: &mut Conn, actor: &Actor, req: ListRequest) -> Result<TicketQuery> {
        let t = actor.tenant_id;
        let statuses = req.statuses.iter().map(|s| Status::parse(s)).collect::<Result<Vec<_>, _>>()?;
        let group = match req.group.as_deref() {
            Some("mine") => Some(GroupFilter::MemberOf(actor.user_id)),
            Some(g) => Some(GroupFilter::One(group_named(c, t, g).await?.id)),
            None => None,
        };
        let assignee = match req.assignee.as_deref() {
            Some("none") => Some(AssigneeFilter::Unassigned),
            Some("me") => Some(AssigneeFilter::User(actor.user_id)),
            Some(name) => Some(AssigneeFilter::User(user_named(c, t, "assignee", name).await?.id)),
            None => None,
        };
        let priority = req.priority.map(cairn_domain::ticket::priority::Priority::parse).transpose()?;
        let sort = match req.sort.as_deref() {
            Some(s) => Sort::parse(s)
                .ok_or_else(|| AppError::invalid("sort", format!("unknown sort '{s}' (priority, created, -created, updated, -updated)")))?,
            None => Sort::CreatedDesc,
        };
        let limit = req.limit.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            return Err(AppError::invalid("limit", "must be between 1 and 200"));
        }
        let after = req
            .cursor
            .as_deref()
            .map(|s| Cursor::decode(s).ok_or_else(|| AppError::invalid("cursor", "not a cursor from a previous page")))
            .transpose()?;
        let kind = req.kind.as_deref().filter(|k| !k.is_empty()).map(TicketKind::parse).transpose()?;
        let text = req.q.filter(|q| !q.trim().is_empty());
        Ok(TicketQuery { kind, statuses, group, assignee, priority, text, breached: req.breached, sort, limit, after })
    }

    /// How many tickets match a list request's filters, counted no further than `cap`.
    pub async fn count_tickets(&self, actor: &Actor, req: ListRequest, cap: i64) -> Result<i64> {
        let mut c = self.db.read().await?;
        let q = Self::ticket_query(&mut c, actor, req).await?;
        Ok(store::count_matching(&mut c, self.backend(), &actor.scope(), &q, cap).await?)
    }

    pub async fn list_tickets(&self, actor: &Actor, req: ListRequest) -> Result<ListPage> {
        let mut c = self.db.read().await?;
        let q = Self::ticket_query(&mut c, actor, req).await?;
        let Page { tickets, next } = store::list(&mut c, self.backend(), &actor.scope(), &q).await?;
        let mut items = Vec::with_capacity(tickets.len());
        let mut names = NameCache::default();
        for t in tickets {
            items.push(names.view(&mut c, t).await?);
        }
        Ok(ListPage { items, next_cursor: next.map(Cursor::encode) })
    }
}

/// Resolves user and group names once per page rather than once per row.
#[derive(Default)]
struct NameCache {
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
