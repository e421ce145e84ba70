//! In-app notifications, written by the outbox worker.

use cairn_domain::ids::{NotificationId, TenantId, TicketId, UserId};

use crate::Conn;
use crate::engine::row::get;
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct Notification {
    pub id: NotificationId,
    pub ticket_number: Option<String>,
    pub message: String,
    pub created_at: i64,
    pub read: bool,
}

pub async fn insert(c: &mut Conn, t: TenantId, u: UserId, ticket: Option<TicketId>, message: &str, now: i64) -> Result<()> {
    sqlx::query("INSERT INTO notifications (tenant_id, user_id, ticket_id, message, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(t.0)
        .bind(u.0)
        .bind(ticket.map(|x| x.0))
        .bind(message)
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn for_user(c: &mut Conn, t: TenantId, u: UserId, limit: i64) -> Result<Vec<Notification>> {
    let rows = sqlx::query(
        "SELECT n.id, t.number, n.message, n.created_at, n.read_at FROM notifications n LEFT JOIN tickets t ON t.id = n.ticket_id \
         WHERE n.tenant_id = $1 AND n.user_id = $2 ORDER BY n.id DESC LIMIT $3",
    )
    .bind(t.0)
    .bind(u.0)
    .bind(limit)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Notification {
                id: NotificationId(get(r, "id")?),
                ticket_number: get(r, "number")?,
                message: get(r, "message")?,
                created_at: get(r, "created_at")?,
                read: get::<Option<i64>>(r, "read_at")?.is_some(),
            })
        })
        .collect()
}

/// How many of the person's notifications are unread.
pub async fn unread(c: &mut Conn, t: TenantId, u: UserId) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL")
        .bind(t.0)
        .bind(u.0)
        .fetch_one(c)
        .await?)
}

/// Marks the person's unread notifications read (only `one` when given); how many were.
pub async fn mark_read(c: &mut Conn, t: TenantId, u: UserId, one: Option<NotificationId>, now: i64) -> Result<u64> {
    let only = if one.is_some() { " AND id = $4" } else { "" };
    let sql = format!("UPDATE notifications SET read_at = $3 WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL{only}");
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(u.0).bind(now);
    if let Some(id) = one {
        q = q.bind(id.0);
    }
    Ok(q.execute(c).await?.rows_affected())
}

/// Whether notification `id` is the person's.
pub async fn owns(c: &mut Conn, t: TenantId, u: UserId, id: NotificationId) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE tenant_id = $1 AND user_id = $2 AND id = $3")
        .bind(t.0)
        .bind(u.0)
        .bind(id.0)
        .fetch_one(c)
        .await?;
    Ok(n > 0)
}
