//! The hash chain of the journal: events waiting for their place are written in order,
//! tenant by tenant, each hash covering the previous one.

use cairn_domain::ids::{TenantId, UserId};
use cairn_domain::platform::journal::{self, Event};
use cairn_domain::platform::visibility::TicketAction;

use crate::Conn;
use crate::engine::row::get;
use crate::error::Result;

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
    pub fn action(entity: &'static str, entity_id: impl Into<i64>, action: &'static str) -> Entry {
        Entry { entity, entity_id: entity_id.into(), action, field: None, old: None, new: None }
    }

    /// An event of a ticket: its action is one of [`TicketAction`], each with its
    /// visibility (`cairn_domain::platform::visibility`).
    pub fn ticket(id: i64, action: TicketAction) -> Entry {
        Entry::action("ticket", id, action.as_str())
    }
}

/// One event waiting for its place in the chain.
#[derive(Debug)]
pub(crate) struct Pending {
    pub tenant: TenantId,
    pub actor: Option<UserId>,
    pub at: i64,
    pub entry: Entry,
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
