//! Tickets, their comments and links. Every read takes a [`Scope`]: the tenant and,
//! for requesters, the requester are in the WHERE clause of every query built here.

pub mod canned;
pub mod saved_views;
pub mod watchers;

use cairn_domain::ids::{GroupId, TicketId, UserId};
use cairn_domain::platform::access::Scope;
use cairn_domain::ticket::priority::{Level, Priority};
use cairn_domain::ticket::status::Status;
use cairn_domain::ticket::{Ticket, TicketKind};
mod conversation;
mod idempotency;
mod list;

pub use conversation::{Comment, Link, NewComment, comment_by_id, comments, insert_comment, insert_link, links};
pub use idempotency::{idempotent_create, remember_create};
pub use list::{AssigneeFilter, Cursor, Facet, GroupFilter, Page, Sort, TicketQuery, count_matching, facets, list};
use sqlx::any::AnyRow;
use std::sync::LazyLock;

use crate::engine::args::{Arg, Columns, bind_all, push};
use crate::engine::labels::{self, TICKET_AFFECTED, TICKET_TAGS};
use crate::engine::row::get;
use crate::error::Result;
use crate::{Backend, Conn, StoreError, engine::dialect};

/// The select list of a ticket `t` with `labels` (expressions named `tags` and
/// `affected`).
fn select_list(tags: &str, affected: &str) -> String {
    format!(
        "t.id, t.tenant_id, t.kind, t.number, t.title, t.description, t.status, t.impact, t.urgency, t.priority, \
         t.category, t.service, {tags}, t.requester_id, t.assignee_id, t.group_id, t.version, t.created_at, t.updated_at, t.resolved_at, \
         t.closed_at, t.resolution_code, t.resolution_notes, t.major, t.major_manager_id, t.root_cause, {affected}, t.time_spent, t.sla_due_at, \
         t.sla_breached"
    )
}

/// A ticket with its tags and affected items.
static COLS: LazyLock<String> = LazyLock::new(|| select_list(&TICKET_TAGS.column("t", "tags"), &TICKET_AFFECTED.column("t", "affected")));
fn ticket(r: &AnyRow) -> Result<Ticket> {
    let kind: String = get(r, "kind")?;
    let status: String = get(r, "status")?;
    Ok(Ticket {
        id: TicketId(get(r, "id")?),
        tenant_id: cairn_domain::ids::TenantId(get(r, "tenant_id")?),
        kind: TicketKind::parse(&kind)?,
        number: get(r, "number")?,
        title: get(r, "title")?,
        description: get(r, "description")?,
        status: Status::parse(&status)?,
        impact: Level::parse("impact", get(r, "impact")?)?,
        urgency: Level::parse("urgency", get(r, "urgency")?)?,
        priority: Priority::parse(get(r, "priority")?)?,
        category: get(r, "category")?,
        service: get(r, "service")?,
        tags: labels::decode(get(r, "tags")?),
        requester_id: UserId(get(r, "requester_id")?),
        assignee_id: get::<Option<i64>>(r, "assignee_id")?.map(UserId),
        group_id: get::<Option<i64>>(r, "group_id")?.map(GroupId),
        version: get(r, "version")?,
        created_at: get(r, "created_at")?,
        updated_at: get(r, "updated_at")?,
        resolved_at: get(r, "resolved_at")?,
        closed_at: get(r, "closed_at")?,
        resolution_code: get(r, "resolution_code")?,
        resolution_notes: get(r, "resolution_notes")?,
        major: get::<i64>(r, "major")? != 0,
        major_manager_id: get::<Option<i64>>(r, "major_manager_id")?.map(UserId),
        root_cause: get(r, "root_cause")?,
        affected: labels::decode(get(r, "affected")?),
        time_spent: get(r, "time_spent")?,
        sla_due_at: get(r, "sla_due_at")?,
        sla_breached: get::<i64>(r, "sla_breached")? != 0,
    })
}

/// The columns an insert and an update both write, with the ticket's values.
fn fields(t: &Ticket) -> Columns {
    Columns::new()
        .set("title", Arg::S(t.title.clone()))
        .set("description", Arg::S(t.description.clone()))
        .set("status", Arg::S(t.status.as_str().into()))
        .set("impact", Arg::I(i64::from(t.impact.get())))
        .set("urgency", Arg::I(i64::from(t.urgency.get())))
        .set("priority", Arg::I(i64::from(t.priority.get())))
        .set("category", Arg::OptS(t.category.clone()))
        .set("service", Arg::OptS(t.service.clone()))
        .set("assignee_id", Arg::OptI(t.assignee_id.map(|a| a.0)))
        .set("group_id", Arg::OptI(t.group_id.map(|g| g.0)))
        .set("version", Arg::I(t.version))
        .set("updated_at", Arg::I(t.updated_at))
        .set("resolved_at", Arg::OptI(t.resolved_at))
        .set("closed_at", Arg::OptI(t.closed_at))
        .set("root_cause", Arg::OptS(t.root_cause.clone()))
}

/// Inserts a new ticket (id assigned here) in its tenant (`t.tenant_id`) and indexes it for search.
pub async fn insert(c: &mut Conn, b: Backend, t: &Ticket) -> Result<TicketId> {
    let (sql, args) = fields(t)
        .set("tenant_id", Arg::I(t.tenant_id.0))
        .set("kind", Arg::S(t.kind.as_str().into()))
        .set("number", Arg::S(t.number.clone()))
        .set("requester_id", Arg::I(t.requester_id.0))
        .set("created_at", Arg::I(t.created_at))
        .insert("tickets", " RETURNING id");
    let row = bind_all(sql, args).fetch_one(&mut *c).await?;
    let id = TicketId(get(&row, "id")?);
    TICKET_TAGS.set(c, t.tenant_id, id.0, &t.tags).await?;
    TICKET_AFFECTED.set(c, t.tenant_id, id.0, &t.affected).await?;
    index(c, b, id, true).await?;
    Ok(id)
}

/// Refreshes a ticket's search document (after its text or comments changed).
async fn reindex(c: &mut Conn, b: Backend, id: TicketId) -> Result<()> {
    index(c, b, id, false).await
}

/// Writes the ticket's search document when the transaction's use case finishes (see
/// [`crate::engine::deferred`]), or at once outside one; a new ticket has no old one to remove.
async fn index(c: &mut Conn, b: Backend, id: TicketId, fresh: bool) -> Result<()> {
    if crate::engine::deferred::search(id, fresh) {
        return Ok(());
    }
    if !fresh && let Some(sql) = dialect::remove_search_documents(b, 1) {
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.0).execute(&mut *c).await?;
    }
    sqlx::query(sqlx::AssertSqlSafe(dialect::write_search_documents(b, 1))).bind(id.0).execute(&mut *c).await?;
    crate::search::learn_tickets(c, b, &[id.0]).await
}

/// Writes `t` over the stored row of its tenant (`t.tenant_id`), which was `before`, if the
/// stored version is still `t.version - 1`.
pub async fn update(c: &mut Conn, b: Backend, before: &Ticket, t: &Ticket) -> Result<()> {
    let (sql, args) = fields(t)
        .set("resolution_code", Arg::OptS(t.resolution_code.clone()))
        .set("resolution_notes", Arg::OptS(t.resolution_notes.clone()))
        .set("major", Arg::I(i64::from(t.major)))
        .set("major_manager_id", Arg::OptI(t.major_manager_id.map(|u| u.0)))
        .update("tickets", vec![("id", Arg::I(t.id.0)), ("tenant_id", Arg::I(t.tenant_id.0)), ("version", Arg::I(t.version - 1))]);
    let r = bind_all(sql, args).execute(&mut *c).await?;
    if r.rows_affected() != 1 {
        return Err(StoreError::Stale);
    }
    if t.tags != before.tags {
        TICKET_TAGS.set(c, t.tenant_id, t.id.0, &t.tags).await?;
    }
    if t.affected != before.affected {
        TICKET_AFFECTED.set(c, t.tenant_id, t.id.0, &t.affected).await?;
    }
    if t.title != before.title || t.description != before.description {
        reindex(c, b, t.id).await?;
    }
    Ok(())
}

/// Marks activity on a ticket (a comment) without changing its version: comments are
/// a sub-resource, so they do not invalidate an agent's copy of the fields.
pub async fn touch(c: &mut Conn, s: &Scope, id: TicketId, now: i64) -> Result<()> {
    sqlx::query("UPDATE tickets SET updated_at = $1 WHERE id = $2 AND tenant_id = $3")
        .bind(now)
        .bind(id.0)
        .bind(s.tenant_id().0)
        .execute(c)
        .await?;
    Ok(())
}

/// The tickets (as `alias`) the requester bound to `p` sees: their own, and their
/// organisation's when it shares tickets, but not the fulfilment tasks behind their
/// requests. One IN list (not an OR) keeps the `(tenant_id, requester_id)` index in use.
/// Every read that returns a ticket's fields, directly or joined from another record
/// (links, a parent's children), filters with it.
fn requesters_tickets(alias: &str, p: &str) -> String {
    format!(
        "{alias}.kind <> 'task' AND {alias}.requester_id IN (SELECT {p} UNION SELECT peer.id FROM users me \
         JOIN organisations o ON o.id = me.organisation_id AND o.shared_tickets = 1 \
         JOIN users peer ON peer.organisation_id = o.id WHERE me.id = {p})"
    )
}

/// " AND <the requester's tickets as `alias`>" for a requester's scope, with the
/// requester bound to `p`; empty for staff.
fn scoped(s: &Scope, alias: &str, p: &str) -> String {
    if s.requester_only().is_some() { format!(" AND {}", requesters_tickets(alias, p)) } else { String::new() }
}

async fn one(c: &mut Conn, s: &Scope, cond: &str, key: Arg) -> Result<Option<Ticket>> {
    let requester = scoped(s, "t", "$3");
    let cols = COLS.as_str();
    let sql = format!("SELECT {cols} FROM tickets t WHERE t.tenant_id = $1 AND {cond}{requester}");
    let mut q = key.bind_to(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.tenant_id().0));
    if let Some(u) = s.requester_only() {
        q = q.bind(u.0);
    }
    let row = q.fetch_optional(c).await?;
    row.as_ref().map(ticket).transpose()
}

/// Takes the ticket's row lock until the transaction ends (PostgreSQL; SQLite runs one
/// writer at a time anyway), so that what is read next includes every change committed
/// by others who held it: decisions and task closures that settle a request together.
pub async fn lock(c: &mut Conn, t: cairn_domain::ids::TenantId, id: TicketId) -> Result<()> {
    sqlx::query("UPDATE tickets SET version = version WHERE tenant_id = $1 AND id = $2").bind(t.0).bind(id.0).execute(c).await?;
    Ok(())
}

pub async fn by_number(c: &mut Conn, s: &Scope, number: &str) -> Result<Option<Ticket>> {
    one(c, s, "t.number = $2", Arg::S(number.to_string())).await
}

pub async fn by_id(c: &mut Conn, s: &Scope, id: TicketId) -> Result<Option<Ticket>> {
    one(c, s, "t.id = $2", Arg::I(id.0)).await
}

/// The tickets of `ids` the scope may read, by id: one read for a list that refers to
/// many tickets (an approvals inbox), not one per row.
pub async fn by_ids(c: &mut Conn, s: &Scope, ids: &[TicketId]) -> Result<Vec<Ticket>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut args = vec![Arg::I(s.tenant_id().0)];
    let list: Vec<String> = ids.iter().map(|i| push(&mut args, Arg::I(i.0))).collect();
    let cols = COLS.as_str();
    let mut sql = format!("SELECT {cols} FROM tickets t WHERE t.tenant_id = $1 AND t.id IN ({})", list.join(", "));
    if let Some(u) = s.requester_only() {
        let p = push(&mut args, Arg::I(u.0));
        sql.push_str(&format!(" AND {}", requesters_tickets("t", &p)));
    }
    sql.push_str(" ORDER BY t.id");
    let rows = bind_all(sql, args).fetch_all(c).await?;
    rows.iter().map(ticket).collect()
}

pub async fn count(c: &mut Conn, s: &Scope) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM tickets WHERE tenant_id = $1").bind(s.tenant_id().0).fetch_one(c).await?)
}

/// Open tickets (new, in progress, on hold) assigned to each of `users`, zero included.
pub async fn open_load(c: &mut Conn, t: cairn_domain::ids::TenantId, users: &[UserId]) -> Result<Vec<(UserId, i64)>> {
    let mut out = Vec::with_capacity(users.len());
    for u in users {
        // One indexed count per member (tickets_queue_assignee); groups are small.
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM tickets WHERE tenant_id = $1 AND assignee_id = $2 AND status IN ('new', 'in_progress', 'on_hold')",
        )
        .bind(t.0)
        .bind(u.0)
        .fetch_one(&mut *c)
        .await?;
        out.push((*u, n));
    }
    Ok(out)
}

/// The tickets `from` links to with `kind` (`parent_of`: its children; `causes`: a
/// problem's incidents), with their full records.
pub async fn linked(c: &mut Conn, s: &Scope, from: TicketId, kind: &str) -> Result<Vec<Ticket>> {
    let cols = COLS.as_str();
    let sql = format!(
        "SELECT {cols} FROM ticket_links l JOIN tickets t ON t.id = l.target_id AND t.tenant_id = l.tenant_id \
         WHERE l.tenant_id = $1 AND l.ticket_id = $2 AND l.kind = $3{} ORDER BY t.id",
        scoped(s, "t", "$4")
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.tenant_id().0).bind(from.0).bind(kind);
    if let Some(u) = s.requester_only() {
        q = q.bind(u.0);
    }
    let rows = q.fetch_all(c).await?;
    rows.iter().map(ticket).collect()
}

/// Moves every comment of `from` to `to` (a merge); both are re-indexed for search.
pub async fn move_comments(c: &mut Conn, b: Backend, s: &Scope, from: TicketId, to: TicketId) -> Result<u64> {
    let moved = sqlx::query("UPDATE comments SET ticket_id = $1 WHERE tenant_id = $2 AND ticket_id = $3")
        .bind(to.0)
        .bind(s.tenant_id().0)
        .bind(from.0)
        .execute(&mut *c)
        .await?
        .rows_affected();
    for t in [from, to] {
        sqlx::query(
            "UPDATE tickets SET time_spent = (SELECT COALESCE(SUM(minutes), 0) FROM comments WHERE tenant_id = $1 AND ticket_id = $2) \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(s.tenant_id().0)
        .bind(t.0)
        .execute(&mut *c)
        .await?;
        reindex(c, b, t).await?;
    }
    Ok(moved)
}

/// The numbers of tickets of tenant `t`, by id (lists that name many tickets).
pub async fn numbers(
    c: &mut Conn,
    t: cairn_domain::ids::TenantId,
    ids: &[TicketId],
) -> Result<std::collections::HashMap<TicketId, String>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!("SELECT id, number FROM tickets WHERE tenant_id = $1 AND id IN ({})", marks.join(", "));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0);
    for id in ids {
        q = q.bind(id.0);
    }
    let rows = q.fetch_all(c).await?;
    rows.iter().map(|r| Ok((TicketId(get(r, "id")?), get(r, "number")?))).collect()
}

/// What a replay needs of a ticket.
#[derive(Debug, Clone)]
pub struct Head {
    pub id: TicketId,
    pub number: String,
    pub kind: TicketKind,
    pub requester: UserId,
}

/// The tickets with ids from `first` to `last`, ascending (replays).
pub async fn heads_between(c: &mut Conn, t: cairn_domain::ids::TenantId, first: TicketId, last: TicketId) -> Result<Vec<Head>> {
    let rows = sqlx::query("SELECT id, number, kind, requester_id FROM tickets WHERE tenant_id = $1 AND id BETWEEN $2 AND $3 ORDER BY id")
        .bind(t.0)
        .bind(first.0)
        .bind(last.0)
        .fetch_all(c)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Head {
                id: TicketId(get(r, "id")?),
                number: get(r, "number")?,
                kind: TicketKind::parse(&get::<String>(r, "kind")?)?,
                requester: UserId(get(r, "requester_id")?),
            })
        })
        .collect()
}

/// Every ticket id of a tenant, ascending (replays).
pub async fn ids(c: &mut Conn, t: cairn_domain::ids::TenantId) -> Result<Vec<TicketId>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM tickets WHERE tenant_id = $1 ORDER BY id").bind(t.0).fetch_all(c).await?;
    Ok(ids.into_iter().map(TicketId).collect())
}

/// Public replies to a ticket by agents (first response, next update).
pub async fn agent_replies(c: &mut Conn, s: &Scope, ticket: TicketId) -> Result<u32> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM comments c JOIN users u ON u.id = c.author_id \
         WHERE c.tenant_id = $1 AND c.ticket_id = $2 AND c.internal = 0 AND u.role IN ('agent', 'admin')",
    )
    .bind(s.tenant_id().0)
    .bind(ticket.0)
    .fetch_one(c)
    .await?;
    Ok(n as u32)
}

/// Incidents raised since `since` (ms), as recurring-incident detection reads them.
pub async fn incidents_since(
    c: &mut Conn,
    t: cairn_domain::ids::TenantId,
    since: i64,
) -> Result<Vec<cairn_domain::problem::recurring::Doc>> {
    use futures_util::TryStreamExt;
    let mut rows = sqlx::query(
        "SELECT id, title, description, category, service, created_at FROM tickets \
         WHERE tenant_id = $1 AND kind = 'incident' AND created_at >= $2",
    )
    .bind(t.0)
    .bind(since)
    .fetch(c);
    let mut out = Vec::new();
    while let Some(r) = rows.try_next().await? {
        let (category, service): (Option<String>, Option<String>) = (get(&r, "category")?, get(&r, "service")?);
        out.push(cairn_domain::problem::recurring::Doc::new(
            get(&r, "id")?,
            category.as_deref(),
            service.as_deref(),
            &get::<String>(&r, "title")?,
            &get::<String>(&r, "description")?,
            get(&r, "created_at")?,
        ));
    }
    Ok(out)
}
