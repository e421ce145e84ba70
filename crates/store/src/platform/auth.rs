//! Sessions and API tokens. Only SHA-256 hashes of the secrets are stored: a copy of
//! the database does not let anyone sign in. Lookups refuse disabled users.

use cairn_domain::ids::{TenantId, UserId};
use cairn_domain::platform::access::{Actor, Role};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;

use crate::engine::row::get;
use crate::error::Result;
use crate::{Conn, StoreError};

/// The public id of the session with this secret hash, for its owner's list of
/// sessions: derived one way, so the list never shows what the cookie is looked up by.
pub fn session_id(token_hash: &str) -> String {
    hex::encode(&Sha256::digest(format!("session-id:{token_hash}").as_bytes())[..16])
}

fn actor(r: &AnyRow) -> Result<Actor> {
    let role: String = get(r, "role")?;
    Ok(Actor {
        tenant_id: TenantId(get(r, "tenant_id")?),
        user_id: UserId(get(r, "id")?),
        username: get(r, "username")?,
        role: Role::parse(&role).map_err(StoreError::from)?,
    })
}

pub async fn insert_session(c: &mut Conn, t: TenantId, u: UserId, token_hash: &str, csrf: &str, now: i64, expires: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, tenant_id, user_id, csrf_token, created_at, expires_at, last_seen_at, id) \
         VALUES ($1, $2, $3, $4, $5, $6, $5, $7)",
    )
    .bind(token_hash)
    .bind(t.0)
    .bind(u.0)
    .bind(csrf)
    .bind(now)
    .bind(expires)
    .bind(session_id(token_hash))
    .execute(c)
    .await?;
    Ok(())
}

/// A session still in use: its actor, its CSRF token, and when it was last seen.
pub struct LiveSession {
    pub actor: Actor,
    pub csrf: String,
    pub last_seen_at: i64,
    /// The time zone pages are shown in: the user's own, else the tenant's.
    pub time_zone: String,
}

/// The session with this secret, if it has not expired by `now` and was seen after
/// `seen_since`. In any tenant: the cookie is all a request has, and the secret is the
/// key (the tenant comes from the session).
pub async fn session(c: &mut Conn, token_hash: &str, now: i64, seen_since: i64) -> Result<Option<LiveSession>> {
    let row = sqlx::query(
        "SELECT u.id, u.tenant_id, u.username, u.role, s.csrf_token, s.last_seen_at, COALESCE(u.time_zone, tn.time_zone) AS time_zone \
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN tenants tn ON tn.id = u.tenant_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.disabled = 0",
    )
    .bind(token_hash)
    .bind(now)
    .bind(seen_since)
    .fetch_optional(c)
    .await?;
    row.map(|r| {
        Ok(LiveSession {
            actor: actor(&r)?,
            csrf: get(&r, "csrf_token")?,
            last_seen_at: get(&r, "last_seen_at")?,
            time_zone: get(&r, "time_zone")?,
        })
    })
    .transpose()
}

/// Notes that the session was used at `now` (never moving the mark back).
pub async fn touch_session(c: &mut Conn, token_hash: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at < $1")
        .bind(now)
        .bind(token_hash)
        .execute(c)
        .await?;
    Ok(())
}

/// Ends the session with this secret (signing out), in whichever tenant it is.
pub async fn delete_session(c: &mut Conn, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(c).await?;
    Ok(())
}

/// Ends every session and revokes every token of a user.
pub async fn revoke_all(c: &mut Conn, t: TenantId, u: UserId, now: i64) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2").bind(t.0).bind(u.0).execute(&mut *c).await?;
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE tenant_id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(now)
        .bind(t.0)
        .bind(u.0)
        .execute(c)
        .await?;
    Ok(())
}

/// A new API token; `expires` is when it stops working, if ever.
pub async fn insert_token(
    c: &mut Conn,
    t: TenantId,
    u: UserId,
    name: &str,
    token_hash: &str,
    now: i64,
    expires: Option<i64>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO api_tokens (tenant_id, user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(t.0)
    .bind(u.0)
    .bind(name)
    .bind(token_hash)
    .bind(now)
    .bind(expires)
    .fetch_one(c)
    .await?)
}

/// A live API token: who it acts for, and its id and last use (to record use now and then).
pub struct TokenUse {
    pub actor: Actor,
    pub id: i64,
    pub last_used_at: Option<i64>,
}

/// The actor of a live API token: neither revoked nor expired. In any tenant, like
/// [`session`]: the bearer token is the key.
pub async fn token(c: &mut Conn, token_hash: &str, now: i64) -> Result<Option<TokenUse>> {
    let row = sqlx::query(
        "SELECT u.id, u.tenant_id, u.username, u.role, k.id AS token_id, k.last_used_at FROM api_tokens k JOIN users u ON u.id = k.user_id \
         WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $2) AND u.disabled = 0",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(c)
    .await?;
    row.map(|r| Ok(TokenUse { actor: actor(&r)?, id: get(&r, "token_id")?, last_used_at: get(&r, "last_used_at")? })).transpose()
}
