//! Work a use case hands to the end of its transaction: chaining its journal events,
//! refreshing the search documents (and the vocabulary) of the tickets it touched, and statements to run
//! once per tenant however often they were asked for (raising a CMDB graph's version).
//!
//! [`crate::Db::write`] runs every use case inside [`collecting`] and calls
//! [`Deferred::finish`] just before it commits, so the work is still part of the same
//! transaction. Doing it last pays twice: the tenant's journal head row is locked only
//! at the end (PostgreSQL), and the SQLite writer finishes a whole batch of use cases at
//! once — one head read and update, a few multi-row inserts, one search refresh — while
//! its per-change savepoints stay free of FTS5 work (FTS5 flushes its pending terms to
//! disk at every savepoint release).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use cairn_domain::ids::{TenantId, TicketId};

use crate::engine::chain::{self, Pending};
use crate::error::Result;
use crate::{Backend, Conn, engine::dialect};

#[derive(Debug, Default)]
pub(crate) struct Deferred {
    events: Vec<Pending>,
    /// Tickets whose search document must be written; `true` when the ticket is new
    /// in this transaction and so has no old document to remove.
    search: BTreeMap<i64, bool>,
    /// Statements to run once each, with the tenant id as `$1`.
    once: BTreeSet<(&'static str, i64)>,
}

tokio::task_local! {
    static CURRENT: RefCell<Deferred>;
}

/// Runs `f`, collecting the work it defers.
pub(crate) async fn collecting<F: Future>(f: F) -> (F::Output, Deferred) {
    CURRENT
        .scope(RefCell::new(Deferred::default()), async move {
            let out = f.await;
            (out, CURRENT.with(|d| d.take()))
        })
        .await
}

/// Hands events to the running use case; gives them back when there is none.
pub(crate) fn events(mut events: Vec<Pending>) -> Option<Vec<Pending>> {
    CURRENT.try_with(|d| d.borrow_mut().events.append(&mut events)).err().map(|_| events)
}

/// Marks a ticket's search document for refresh; false when there is no use case to
/// defer to.
pub(crate) fn search(id: TicketId, fresh: bool) -> bool {
    CURRENT
        .try_with(|d| {
            let mut d = d.borrow_mut();
            let entry = d.search.entry(id.0).or_insert(fresh);
            *entry &= fresh;
        })
        .is_ok()
}

/// Runs `sql` (its `$1` the tenant's id) once at the end of the use case, however often
/// asked; false when there is no use case to defer to.
pub(crate) fn once_per_tenant(sql: &'static str, t: TenantId) -> bool {
    CURRENT.try_with(|d| d.borrow_mut().once.insert((sql, t.0))).is_ok()
}

/// Ids per statement when refreshing search documents.
const IDS_PER_STATEMENT: usize = 500;

impl Deferred {
    pub(crate) fn absorb(&mut self, other: Deferred) {
        self.events.extend(other.events);
        self.once.extend(other.once);
        for (id, fresh) in other.search {
            *self.search.entry(id).or_insert(fresh) &= fresh;
        }
    }

    /// Does the deferred work in the caller's transaction.
    pub(crate) async fn finish(self, c: &mut Conn, b: Backend) -> Result<()> {
        chain::chain(c, self.events).await?;
        for (sql, t) in self.once {
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t).execute(&mut *c).await?;
        }
        let stale: Vec<i64> = self.search.iter().filter(|(_, fresh)| !**fresh).map(|(id, _)| *id).collect();
        let all: Vec<i64> = self.search.into_keys().collect();
        for ids in stale.chunks(IDS_PER_STATEMENT) {
            if let Some(sql) = dialect::remove_search_documents(b, ids.len()) {
                execute_for(c, sql, ids).await?;
            }
        }
        for ids in all.chunks(IDS_PER_STATEMENT) {
            execute_for(c, dialect::write_search_documents(b, ids.len()), ids).await?;
        }
        crate::search::learn_tickets(c, b, &all).await?;
        Ok(())
    }
}

async fn execute_for(c: &mut Conn, sql: String, ids: &[i64]) -> Result<()> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in ids {
        q = q.bind(*id);
    }
    q.execute(c).await?;
    Ok(())
}
