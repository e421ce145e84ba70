//! Approval rows (one per approver of a request's stage) and the fulfilment tasks of
//! requests (TSK tickets with their step).

use cairn_domain::ids::{ApprovalId, TenantId, TicketId, UserId};
use cairn_domain::request::approval::ApprovalState;
use sqlx::any::AnyRow;

use crate::Conn;
use crate::engine::row::get;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub id: ApprovalId,
    pub tenant_id: TenantId,
    pub ticket_id: TicketId,
    pub stage: i64,
    pub approver_id: UserId,
    pub approver: String,
    pub approver_name: String,
    /// pending, approved, rejected or skipped.
    pub state: ApprovalState,
    pub escalation: bool,
    pub comment: Option<String>,
    pub via: Option<String>,
    pub decided_at: Option<i64>,
    pub token_expires_at: Option<i64>,
    pub created_at: i64,
}

const COLS: &str = "SELECT a.id, a.tenant_id, a.ticket_id, a.stage, a.approver_id, u.username, u.display_name, a.state, a.escalation, \
     a.comment, a.via, a.decided_at, a.token_expires_at, a.created_at FROM approvals a JOIN users u ON u.id = a.approver_id";

fn approval(r: &AnyRow) -> Result<Approval> {
    Ok(Approval {
        id: ApprovalId(get(r, "id")?),
        tenant_id: TenantId(get(r, "tenant_id")?),
        ticket_id: TicketId(get(r, "ticket_id")?),
        stage: get(r, "stage")?,
        approver_id: UserId(get(r, "approver_id")?),
        approver: get(r, "username")?,
        approver_name: get(r, "display_name")?,
        state: ApprovalState::parse(&get::<String>(r, "state")?)?,
        escalation: get::<i64>(r, "escalation")? == 1,
        comment: get(r, "comment")?,
        via: get(r, "via")?,
        decided_at: get(r, "decided_at")?,
        token_expires_at: get(r, "token_expires_at")?,
        created_at: get(r, "created_at")?,
    })
}

fn sql(tail: &'static str) -> sqlx::AssertSqlSafe<String> {
    crate::joined(COLS, tail)
}

/// A new pending approval; `token` is the SHA-256 of its email link's token and when it expires.
pub struct NewApproval<'a> {
    pub ticket: TicketId,
    pub stage: i64,
    pub approver: UserId,
    pub escalation: bool,
    pub token: Option<(&'a str, i64)>,
}

pub async fn insert(c: &mut Conn, t: TenantId, a: &NewApproval<'_>, now: i64) -> Result<ApprovalId> {
    Ok(ApprovalId(
        sqlx::query_scalar(
            "INSERT INTO approvals (tenant_id, ticket_id, stage, approver_id, state, escalation, token_hash, token_expires_at, created_at) \
         VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8) RETURNING id",
        )
        .bind(t.0)
        .bind(a.ticket.0)
        .bind(a.stage)
        .bind(a.approver.0)
        .bind(i64::from(a.escalation))
        .bind(a.token.map(|(h, _)| h))
        .bind(a.token.map(|(_, e)| e))
        .bind(now)
        .fetch_one(c)
        .await?,
    ))
}

/// Every approval of a request, by stage and id.
pub async fn of_ticket(c: &mut Conn, t: TenantId, ticket: TicketId) -> Result<Vec<Approval>> {
    let rows = sqlx::query(sql(" WHERE a.tenant_id = $1 AND a.ticket_id = $2 ORDER BY a.stage, a.id"))
        .bind(t.0)
        .bind(ticket.0)
        .fetch_all(c)
        .await?;
    rows.iter().map(approval).collect()
}

pub async fn by_id(c: &mut Conn, t: TenantId, id: ApprovalId) -> Result<Option<Approval>> {
    let row = sqlx::query(sql(" WHERE a.tenant_id = $1 AND a.id = $2")).bind(t.0).bind(id.0).fetch_optional(c).await?;
    row.as_ref().map(approval).transpose()
}

/// The approval an email link's token (its SHA-256) belongs to, in any tenant: the link
/// is all its holder has, and the secret is the key (the tenant comes from the row).
pub async fn by_token(c: &mut Conn, token_hash: &str) -> Result<Option<Approval>> {
    let row = sqlx::query(sql(" WHERE a.token_hash = $1")).bind(token_hash).fetch_optional(c).await?;
    row.as_ref().map(approval).transpose()
}

/// The pending approvals of a user, oldest first.
pub async fn pending_for(c: &mut Conn, t: TenantId, user: UserId) -> Result<Vec<Approval>> {
    let rows = sqlx::query(sql(" WHERE a.tenant_id = $1 AND a.approver_id = $2 AND a.state = 'pending' ORDER BY a.created_at, a.id"))
        .bind(t.0)
        .bind(user.0)
        .fetch_all(c)
        .await?;
    rows.iter().map(approval).collect()
}

/// Records a decision on a pending approval; false when it was no longer pending. Its
/// email link stays known, so a second use is told it was already decided.
pub async fn decide(
    c: &mut Conn,
    t: TenantId,
    id: ApprovalId,
    state: ApprovalState,
    comment: Option<&str>,
    via: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE approvals SET state = $1, comment = $2, via = $3, decided_at = $4 \
         WHERE tenant_id = $5 AND id = $6 AND state = 'pending'",
    )
    .bind(state.as_str())
    .bind(comment)
    .bind(via)
    .bind(now)
    .bind(t.0)
    .bind(id.0)
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks what is still pending on a request as skipped (its stage settled, or the
/// request ended).
pub async fn skip_pending(c: &mut Conn, t: TenantId, ticket: TicketId, now: i64) -> Result<()> {
    sqlx::query("UPDATE approvals SET state = 'skipped', decided_at = $1 WHERE tenant_id = $2 AND ticket_id = $3 AND state = 'pending'")
        .bind(now)
        .bind(t.0)
        .bind(ticket.0)
        .execute(c)
        .await?;
    Ok(())
}

/// Replaces an approval's email token (a reminder sends a fresh link).
pub async fn set_token(c: &mut Conn, t: TenantId, id: ApprovalId, token_hash: &str, expires_at: i64) -> Result<()> {
    sqlx::query("UPDATE approvals SET token_hash = $1, token_expires_at = $2 WHERE tenant_id = $3 AND id = $4")
        .bind(token_hash)
        .bind(expires_at)
        .bind(t.0)
        .bind(id.0)
        .execute(c)
        .await?;
    Ok(())
}

/// A fulfilment task of a request, as the request's page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: TicketId,
    pub number: String,
    pub title: String,
    pub status: String,
    pub step: i64,
    pub group: Option<String>,
    pub assignee: Option<String>,
}

pub async fn insert_task(c: &mut Conn, t: TenantId, task: TicketId, request: TicketId, step: i64) -> Result<()> {
    sqlx::query("INSERT INTO request_tasks (tenant_id, task_id, request_id, step) VALUES ($1, $2, $3, $4)")
        .bind(t.0)
        .bind(task.0)
        .bind(request.0)
        .bind(step)
        .execute(c)
        .await?;
    Ok(())
}

/// The tasks of a request, by step and number.
pub async fn tasks_of(c: &mut Conn, t: TenantId, request: TicketId) -> Result<Vec<Task>> {
    let rows = sqlx::query(
        "SELECT t.id, t.number, t.title, t.status, x.step, g.name AS group_name, u.username AS assignee \
         FROM request_tasks x JOIN tickets t ON t.id = x.task_id AND t.tenant_id = x.tenant_id \
         LEFT JOIN assignment_groups g ON g.id = t.group_id LEFT JOIN users u ON u.id = t.assignee_id \
         WHERE x.tenant_id = $1 AND x.request_id = $2 ORDER BY x.step, t.id",
    )
    .bind(t.0)
    .bind(request.0)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Task {
                id: TicketId(get(r, "id")?),
                number: get(r, "number")?,
                title: get(r, "title")?,
                status: get(r, "status")?,
                step: get(r, "step")?,
                group: get(r, "group_name")?,
                assignee: get(r, "assignee")?,
            })
        })
        .collect()
}

/// The request a task belongs to, and its step.
pub async fn request_of(c: &mut Conn, t: TenantId, task: TicketId) -> Result<Option<(TicketId, i64)>> {
    let row = sqlx::query("SELECT request_id, step FROM request_tasks WHERE tenant_id = $1 AND task_id = $2")
        .bind(t.0)
        .bind(task.0)
        .fetch_optional(c)
        .await?;
    row.map(|r| Ok((TicketId(get(&r, "request_id")?), get(&r, "step")?))).transpose()
}
