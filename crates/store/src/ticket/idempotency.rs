//! Creates remembered under a client's `Idempotency-Key`, so a retry finds the first ticket.

use super::*;

/// A create that already happened under this idempotency key, and its request hash.
pub async fn idempotent_create(c: &mut Conn, s: &Scope, user: UserId, key: &str) -> Result<Option<(TicketId, String)>> {
    let row = sqlx::query("SELECT ticket_id, request_hash FROM idempotency_keys WHERE tenant_id = $1 AND user_id = $2 AND key = $3")
        .bind(s.tenant_id().0)
        .bind(user.0)
        .bind(key)
        .fetch_optional(c)
        .await?;
    row.map(|r| Ok((TicketId(get(&r, "ticket_id")?), get(&r, "request_hash")?))).transpose()
}

pub async fn remember_create(c: &mut Conn, s: &Scope, user: UserId, key: &str, hash: &str, t: TicketId, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO idempotency_keys (tenant_id, user_id, key, request_hash, ticket_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(s.tenant_id().0)
    .bind(user.0)
    .bind(key)
    .bind(hash)
    .bind(t.0)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}
