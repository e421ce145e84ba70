//! A person's own sessions and API tokens, as their account page lists and ends them.
//! Every query names the tenant and the user: nobody lists or ends another person's.

use cairn_domain::ids::{TenantId, UserId};

use crate::Conn;
use crate::engine::row::get;
use crate::error::Result;

/// A live session, without its secret.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// The last request it came with (written at most once a minute).
    pub last_seen_at: i64,
    /// The session this request came with.
    pub current: bool,
}

/// The user's live sessions, newest first; `current` is the hash of the caller's own.
pub async fn sessions_of(c: &mut Conn, t: TenantId, u: UserId, current: Option<&str>, now: i64) -> Result<Vec<SessionRow>> {
    let rows = sqlx::query(
        "SELECT id, created_at, expires_at, last_seen_at, CAST(CASE WHEN token_hash = $3 THEN 1 ELSE 0 END AS BIGINT) AS current FROM sessions \
         WHERE tenant_id = $1 AND user_id = $2 AND expires_at > $4 ORDER BY created_at DESC, id",
    )
    .bind(t.0)
    .bind(u.0)
    .bind(current.unwrap_or(""))
    .bind(now)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            let current: i64 = get(r, "current")?;
            Ok(SessionRow {
                id: get(r, "id")?,
                created_at: get(r, "created_at")?,
                expires_at: get(r, "expires_at")?,
                last_seen_at: get(r, "last_seen_at")?,
                current: current == 1,
            })
        })
        .collect()
}

/// Ends one of the user's sessions; false when they have none with this id.
pub async fn end_session(c: &mut Conn, t: TenantId, u: UserId, id: &str) -> Result<bool> {
    let r = sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND id = $3")
        .bind(t.0)
        .bind(u.0)
        .bind(id)
        .execute(c)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Ends every session of the user but the one with hash `keep`; returns how many ended.
pub async fn end_sessions(c: &mut Conn, t: TenantId, u: UserId, keep: Option<&str>) -> Result<u64> {
    let r = sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND token_hash <> $3")
        .bind(t.0)
        .bind(u.0)
        .bind(keep.unwrap_or(""))
        .execute(c)
        .await?;
    Ok(r.rows_affected())
}

/// An API token, without its secret.
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// The user's tokens that are not revoked (expired ones included), newest first.
pub async fn tokens_of(c: &mut Conn, t: TenantId, u: UserId) -> Result<Vec<TokenRow>> {
    let rows = sqlx::query(
        "SELECT id, name, created_at, expires_at, last_used_at FROM api_tokens \
         WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC",
    )
    .bind(t.0)
    .bind(u.0)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TokenRow {
                id: get(r, "id")?,
                name: get(r, "name")?,
                created_at: get(r, "created_at")?,
                expires_at: get(r, "expires_at")?,
                last_used_at: get(r, "last_used_at")?,
            })
        })
        .collect()
}

/// Revokes one of the user's tokens; false when they have no live token with this id.
pub async fn revoke_token(c: &mut Conn, t: TenantId, u: UserId, id: i64, now: i64) -> Result<bool> {
    let r = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE tenant_id = $2 AND user_id = $3 AND id = $4 AND revoked_at IS NULL")
        .bind(now)
        .bind(t.0)
        .bind(u.0)
        .bind(id)
        .execute(c)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Records that a token was used.
pub async fn touch_token(c: &mut Conn, t: TenantId, id: i64, now: i64) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE tenant_id = $2 AND id = $3").bind(now).bind(t.0).bind(id).execute(c).await?;
    Ok(())
}
