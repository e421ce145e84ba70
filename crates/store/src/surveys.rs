//! Satisfaction surveys: one per resolved ticket, reached through a secret link whose
//! hash is stored, answered once.

use cairn_domain::ids::{TenantId, TicketId};

use crate::Conn;
use crate::error::Result;
use crate::row::get;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    pub id: i64,
    pub tenant_id: TenantId,
    pub ticket: TicketId,
    pub expires_at: i64,
    pub rating: Option<i64>,
    pub answered_at: Option<i64>,
}

/// Opens the ticket's survey; false when it already has one (resolved before).
pub async fn open(c: &mut Conn, t: TenantId, ticket: TicketId, token_hash: &str, now: i64, expires_at: i64) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO surveys (tenant_id, ticket_id, token_hash, sent_at, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_id) DO NOTHING",
    )
    .bind(t.0)
    .bind(ticket.0)
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The survey a link leads to (any tenant: the secret is the key).
pub async fn by_token(c: &mut Conn, token_hash: &str) -> Result<Option<Survey>> {
    let row = sqlx::query("SELECT id, tenant_id, ticket_id, expires_at, rating, answered_at FROM surveys WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(c)
        .await?;
    row.map(|r| {
        Ok(Survey {
            id: get(&r, "id")?,
            tenant_id: TenantId(get(&r, "tenant_id")?),
            ticket: TicketId(get(&r, "ticket_id")?),
            expires_at: get(&r, "expires_at")?,
            rating: get(&r, "rating")?,
            answered_at: get(&r, "answered_at")?,
        })
    })
    .transpose()
}

/// Records the answer; false when it was already answered.
pub async fn answer(c: &mut Conn, id: i64, rating: i64, effort: Option<i64>, comment: Option<&str>, now: i64) -> Result<bool> {
    let r =
        sqlx::query("UPDATE surveys SET rating = $1, effort = $2, comment = $3, answered_at = $4 WHERE id = $5 AND answered_at IS NULL")
            .bind(rating)
            .bind(effort)
            .bind(comment)
            .bind(now)
            .bind(id)
            .execute(c)
            .await?;
    Ok(r.rows_affected() == 1)
}

/// One answer with what scores are grouped by.
#[derive(Debug, Clone)]
pub struct Answer {
    pub rating: i64,
    pub effort: Option<i64>,
    pub group_id: Option<i64>,
    pub service: Option<String>,
    pub assignee_id: Option<i64>,
}

/// The answers given from `from` to `to` (ms, end excluded).
pub async fn answers(c: &mut Conn, t: TenantId, from: i64, to: i64) -> Result<Vec<Answer>> {
    let rows = sqlx::query(
        "SELECT s.rating, s.effort, k.group_id, k.service, k.assignee_id FROM surveys s JOIN tickets k ON k.id = s.ticket_id \
         WHERE s.tenant_id = $1 AND s.answered_at >= $2 AND s.answered_at < $3",
    )
    .bind(t.0)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Answer {
                rating: get(r, "rating")?,
                effort: get(r, "effort")?,
                group_id: get(r, "group_id")?,
                service: get(r, "service")?,
                assignee_id: get(r, "assignee_id")?,
            })
        })
        .collect()
}
