//! Appending to and reading the per-tenant hash-chained journal.

use cairn_domain::ids::{TenantId, UserId};
use cairn_domain::platform::journal::Event;
use sqlx::any::AnyRow;

use crate::engine::chain::{Pending, chain};
use crate::engine::row::get;
use crate::error::Result;
use crate::{Conn, engine::deferred};

pub use crate::engine::chain::Entry;

/// Records events in the caller's transaction. Inside [`crate::Db::write`] they are
/// chained when the use case's statements are done (see [`crate::engine::deferred`]);
/// elsewhere at once.
pub async fn append(c: &mut Conn, t: TenantId, actor: Option<UserId>, at: i64, entries: &[Entry]) -> Result<()> {
    let pending = entries.iter().map(|e| Pending { tenant: t, actor, at, entry: e.clone() }).collect();
    match deferred::events(pending) {
        Some(now) => chain(c, now).await,
        None => Ok(()),
    }
}

/// A recorded event with who did it, for history views.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub event: Event,
    pub actor_name: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

fn recorded(r: &AnyRow) -> Result<Recorded> {
    Ok(Recorded {
        event: Event {
            tenant_id: get(r, "tenant_id")?,
            seq: get(r, "seq")?,
            at: get(r, "at")?,
            actor_id: get(r, "actor_id")?,
            entity: get(r, "entity")?,
            entity_id: get(r, "entity_id")?,
            action: get(r, "action")?,
            field: get(r, "field")?,
            old: get(r, "old_value")?,
            new: get(r, "new_value")?,
        },
        actor_name: get(r, "actor_name")?,
        prev_hash: get(r, "prev_hash")?,
        hash: get(r, "hash")?,
    })
}

const COLS: &str = "SELECT j.tenant_id, j.seq, j.at, j.actor_id, j.entity, j.entity_id, j.action, j.field, j.old_value, j.new_value, \
     j.prev_hash, j.hash, u.display_name AS actor_name FROM journal j LEFT JOIN users u ON u.id = j.actor_id";

/// The history of one entity, oldest first.
pub async fn for_entity(c: &mut Conn, t: TenantId, entity: &str, id: i64) -> Result<Vec<Recorded>> {
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(format!("{COLS} WHERE j.tenant_id = $1 AND j.entity = $2 AND j.entity_id = $3 ORDER BY j.seq")))
            .bind(t.0)
            .bind(entity)
            .bind(id)
            .fetch_all(c)
            .await?;
    rows.iter().map(recorded).collect()
}

/// One event as a replay reads it: no hashes, no names.
#[derive(Debug, Clone)]
pub struct Lean {
    pub entity_id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub field: Option<String>,
    pub new: Option<String>,
}

/// The histories of the entities with ids from `first` to `last`, by entity then
/// sequence (replays read many tickets at once).
pub async fn for_entities(c: &mut Conn, t: TenantId, entity: &str, first: i64, last: i64) -> Result<Vec<Lean>> {
    let rows = sqlx::query(
        "SELECT entity_id, at, actor_id, action, field, new_value FROM journal \
         WHERE tenant_id = $1 AND entity = $2 AND entity_id BETWEEN $3 AND $4 ORDER BY entity_id, seq",
    )
    .bind(t.0)
    .bind(entity)
    .bind(first)
    .bind(last)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Lean {
                entity_id: get(r, "entity_id")?,
                at: get(r, "at")?,
                actor_id: get(r, "actor_id")?,
                action: get(r, "action")?,
                field: get(r, "field")?,
                new: get(r, "new_value")?,
            })
        })
        .collect()
}

/// What one event of an entity was, for deciding who may hear of it.
#[derive(Debug, Clone)]
pub struct Told {
    pub seq: i64,
    pub at: i64,
    pub action: String,
    pub field: Option<String>,
}

/// The events of one entity after sequence number `after_seq` and stamped after
/// `after_at` (ms), in order (the live updates of an open page).
pub async fn after(c: &mut Conn, t: TenantId, entity: &str, id: i64, after_seq: i64, after_at: i64) -> Result<Vec<Told>> {
    let rows = sqlx::query(
        "SELECT seq, at, action, field FROM journal WHERE tenant_id = $1 AND entity = $2 AND entity_id = $3 AND seq > $4 AND at > $5 ORDER BY seq",
    )
    .bind(t.0)
    .bind(entity)
    .bind(id)
    .bind(after_seq)
    .bind(after_at)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok(Told { seq: get(r, "seq")?, at: get(r, "at")?, action: get(r, "action")?, field: get(r, "field")? })).collect()
}

/// A page of a tenant's chain in sequence order, for verification.
pub async fn page(c: &mut Conn, t: TenantId, after_seq: i64, limit: i64) -> Result<Vec<Recorded>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{COLS} WHERE j.tenant_id = $1 AND j.seq > $2 ORDER BY j.seq LIMIT $3")))
        .bind(t.0)
        .bind(after_seq)
        .bind(limit)
        .fetch_all(c)
        .await?;
    rows.iter().map(recorded).collect()
}

/// The tenant's recorded head: (last sequence number, last hash).
pub async fn head(c: &mut Conn, t: TenantId) -> Result<(i64, String)> {
    let row = sqlx::query("SELECT journal_seq, journal_head FROM tenants WHERE id = $1").bind(t.0).fetch_one(c).await?;
    Ok((get(&row, "journal_seq")?, get(&row, "journal_head")?))
}
