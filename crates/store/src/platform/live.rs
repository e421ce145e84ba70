//! What changed lately among a tenant's tickets, for the live updates of open pages.
//! Every ticket write moves `updated_at` (comments too), so one indexed range read over
//! `(tenant_id, updated_at)` finds every change, whichever process made it.

use cairn_domain::ids::{TenantId, TicketId};

use crate::Conn;
use crate::engine::row::get;
use crate::error::Result;

/// A ticket as it stands after a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: TicketId,
    pub number: String,
    pub version: i64,
    pub updated_at: i64,
}

/// The tenant's latest change time (0 when it has no tickets).
pub async fn latest(c: &mut Conn, t: TenantId) -> Result<i64> {
    let at: Option<i64> = sqlx::query_scalar("SELECT MAX(updated_at) FROM tickets WHERE tenant_id = $1").bind(t.0).fetch_one(c).await?;
    Ok(at.unwrap_or(0))
}

/// Tickets changed at or after `since`, oldest change first, at most `limit`.
pub async fn since(c: &mut Conn, t: TenantId, since: i64, limit: i64) -> Result<Vec<Change>> {
    let rows = sqlx::query(
        "SELECT id, number, version, updated_at FROM tickets WHERE tenant_id = $1 AND updated_at >= $2 \
         ORDER BY updated_at, id LIMIT $3",
    )
    .bind(t.0)
    .bind(since)
    .bind(limit)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Change {
                id: TicketId(get(r, "id")?),
                number: get(r, "number")?,
                version: get(r, "version")?,
                updated_at: get(r, "updated_at")?,
            })
        })
        .collect()
}
