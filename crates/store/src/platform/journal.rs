//! Appending to and reading the per-tenant hash-chained journal.

use cairn_domain::ids::{TenantId, UserId};
use cairn_domain::platform::journal::{self, Event};
use sqlx::any::AnyRow;

use crate::engine::row::get;
use crate::error::Result;
use crate::{Conn, engine::deferred};

/// One event to record; sequence and hashes are assigned on append.
#[derive(Debug, Clone)]
pub struct Entry {
    pub entity: &'static str,
    pub entity_id: i64,
    pub action: &'static str,
    pub field: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl Entry {
    pub fn action(entity: &'static str, entity_id: i64, action: &'static str) -> Entry {
        Entry { entity, entity_id, action, field: None, old: None, new: None }
    }
}

/// One event waiting for its place in the chain.
#[derive(Debug)]
pub(crate) struct Pending {
    tenant: TenantId,
    actor: Option<UserId>,
    at: i64,
    entry: Entry,
}

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

/// Rows per INSERT: 12 parameters each, well under every backend's limit.
const ROWS_PER_INSERT: usize = 64;

/// Appends events in order, tenant by tenant. Locking a tenant's head row serialises
/// appends per tenant, so the chain has no forks even with several instances.
pub(crate) async fn chain(c: &mut Conn, pending: Vec<Pending>) -> Result<()> {
    // Every instance locks tenants in id order, so two never wait on each other.
    let mut tenants: Vec<TenantId> = pending.iter().map(|p| p.tenant).collect();
    tenants.sort_by_key(|t| t.0);
    tenants.dedup();
    for t in tenants {
        let row = sqlx::query("UPDATE tenants SET journal_seq = journal_seq WHERE id = $1 RETURNING journal_seq, journal_head")
            .bind(t.0)
            .fetch_one(&mut *c)
            .await?;
        let mut seq: i64 = get(&row, "journal_seq")?;
        let mut head: String = get(&row, "journal_head")?;
        let mut rows = Vec::new();
        for p in pending.iter().filter(|p| p.tenant == t) {
            seq += 1;
            let e = &p.entry;
            let event = Event {
                tenant_id: t.0,
                seq,
                at: p.at,
                actor_id: p.actor.map(|a| a.0),
                entity: e.entity.to_string(),
                entity_id: e.entity_id,
                action: e.action.to_string(),
                field: e.field.clone(),
                old: e.old.clone(),
                new: e.new.clone(),
            };
            let hash = journal::hash(&head, &event);
            rows.push((event, std::mem::replace(&mut head, hash.clone()), hash));
        }
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            insert_rows(c, chunk).await?;
        }
        sqlx::query("UPDATE tenants SET journal_seq = $1, journal_head = $2 WHERE id = $3")
            .bind(seq)
            .bind(head)
            .bind(t.0)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// One multi-row INSERT of (event, previous hash, hash).
async fn insert_rows(c: &mut Conn, rows: &[(Event, String, String)]) -> Result<()> {
    let mut sql = String::from(
        "INSERT INTO journal (tenant_id, seq, at, actor_id, entity, entity_id, action, field, old_value, new_value, prev_hash, hash) VALUES ",
    );
    for i in 0..rows.len() {
        let b = i * 12;
        let params: Vec<String> = (1..=12).map(|k| format!("${}", b + k)).collect();
        sql.push_str(if i == 0 { "(" } else { ", (" });
        sql.push_str(&params.join(", "));
        sql.push(')');
    }
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (e, prev, hash) in rows {
        q = q
            .bind(e.tenant_id)
            .bind(e.seq)
            .bind(e.at)
            .bind(e.actor_id)
            .bind(e.entity.clone())
            .bind(e.entity_id)
            .bind(e.action.clone())
            .bind(e.field.clone())
            .bind(e.old.clone())
            .bind(e.new.clone())
            .bind(prev.clone())
            .bind(hash.clone());
    }
    q.execute(c).await?;
    Ok(())
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
