//! People who follow a ticket and are told about its replies and changes.

use cairn_domain::ids::{TenantId, TicketId, UserId};

use crate::Conn;
use crate::error::Result;

/// Adds a watcher; false when they already watch.
pub async fn add(c: &mut Conn, t: TenantId, ticket: TicketId, user: UserId) -> Result<bool> {
    let r = sqlx::query("INSERT INTO ticket_watchers (tenant_id, ticket_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(t.0)
        .bind(ticket.0)
        .bind(user.0)
        .execute(c)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn remove(c: &mut Conn, t: TenantId, ticket: TicketId, user: UserId) -> Result<bool> {
    let r = sqlx::query("DELETE FROM ticket_watchers WHERE tenant_id = $1 AND ticket_id = $2 AND user_id = $3")
        .bind(t.0)
        .bind(ticket.0)
        .bind(user.0)
        .execute(c)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Watchers as (id, username), by username.
pub async fn list(c: &mut Conn, t: TenantId, ticket: TicketId) -> Result<Vec<(UserId, String)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT u.id, u.username FROM ticket_watchers w JOIN users u ON u.id = w.user_id \
         WHERE w.tenant_id = $1 AND w.ticket_id = $2 ORDER BY u.username",
    )
    .bind(t.0)
    .bind(ticket.0)
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(|(id, name)| (UserId(id), name)).collect())
}

/// Moves every watcher of `from` to `to` (a merge).
pub async fn move_all(c: &mut Conn, t: TenantId, from: TicketId, to: TicketId) -> Result<()> {
    sqlx::query(
        "INSERT INTO ticket_watchers (tenant_id, ticket_id, user_id) SELECT tenant_id, $1, user_id FROM ticket_watchers \
         WHERE tenant_id = $2 AND ticket_id = $3 ON CONFLICT DO NOTHING",
    )
    .bind(to.0)
    .bind(t.0)
    .bind(from.0)
    .execute(&mut *c)
    .await?;
    sqlx::query("DELETE FROM ticket_watchers WHERE tenant_id = $1 AND ticket_id = $2").bind(t.0).bind(from.0).execute(c).await?;
    Ok(())
}
