//! Live updates for open pages. One sweep per tenant with listeners reads what changed
//! since its last look (one indexed range read a second, whatever the number of open
//! pages) and passes each batch to the tenant's listeners. Reading the database rather
//! than hooking the writes catches changes made by every `cairn serve` process on it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cairn_domain::ids::{TenantId, TicketId};
use cairn_domain::platform::access::Actor;
pub use cairn_store::platform::live::Change;
use tokio::sync::broadcast;

use crate::{App, Result, agents_only};

/// Changes seen by one sweep, oldest first. A sweep may pass on changes made shortly
/// before a listener joined: listeners keep only what is newer than what they showed.
pub type Batch = Arc<Vec<Change>>;

/// How far back each sweep looks again: a write stamped just before the last sweep may
/// commit just after it.
const OVERLAP_MS: i64 = 5_000;
/// Most changes one sweep passes on; more wait for the next sweep.
const SWEEP_LIMIT: i64 = 500;

/// The tenants' sweeps: a sender each, dropped when its last listener leaves.
pub struct Live {
    interval: Duration,
    /// `None` once closed: listeners then end at once.
    tenants: Mutex<Option<HashMap<TenantId, broadcast::Sender<Batch>>>>,
}

impl Live {
    pub fn new(interval: Duration) -> Live {
        Live { interval, tenants: Mutex::new(Some(HashMap::new())) }
    }

    /// Ends every listener (on shutdown, so open pages do not hold the server up).
    pub fn close(&self) {
        *self.tenants.lock().expect("live lock") = None;
    }

    /// Whether the tenant's sweep should go on; stops it when nobody listens.
    fn keep(&self, t: TenantId) -> Option<broadcast::Sender<Batch>> {
        let mut guard = self.tenants.lock().expect("live lock");
        let map = guard.as_mut()?;
        let tx = map.get(&t)?.clone();
        if tx.receiver_count() == 0 {
            map.remove(&t);
            return None;
        }
        Some(tx)
    }
}

/// What a listener gets: the batches of its tenant, and what it missed before listening.
pub struct Listener {
    pub rx: broadcast::Receiver<Batch>,
    pub missed: Vec<Change>,
}

impl App {
    /// Listens for changes of any ticket of the tenant (agents: the queue). Changes
    /// made at or after `since` (ms) are returned in `missed`.
    #[tracing::instrument(name = "watch_tickets", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn watch_tickets(&self, actor: &Actor, since: i64) -> Result<Listener> {
        agents_only(actor)?;
        let rx = self.listen(actor.tenant_id);
        let mut c = self.db.read().await?;
        let missed = cairn_store::platform::live::since(&mut c, actor.tenant_id, since, SWEEP_LIMIT).await?;
        Ok(Listener { rx, missed })
    }

    /// Joins the tenant's sweep, starting it when nobody listened yet.
    pub(crate) fn listen(&self, t: TenantId) -> broadcast::Receiver<Batch> {
        let mut guard = self.live.tenants.lock().expect("live lock");
        let Some(map) = guard.as_mut() else { return broadcast::channel(1).1 };
        if let Some(tx) = map.get(&t) {
            return tx.subscribe();
        }
        let (tx, rx) = broadcast::channel(64);
        map.insert(t, tx);
        let app = self.clone();
        tokio::spawn(async move { app.sweep(t).await });
        rx
    }

    async fn sweep(&self, t: TenantId) {
        let mut since = None;
        // Changes already passed on within the overlap: (id, updated_at, version).
        let mut passed: HashMap<TicketId, (i64, i64)> = HashMap::new();
        loop {
            if since.is_some() {
                tokio::time::sleep(self.live.interval).await;
            }
            let Some(tx) = self.live.keep(t) else { return };
            let read = async {
                let mut c = self.db.read().await?;
                let from = match since {
                    None => cairn_store::platform::live::latest(&mut c, t).await?,
                    Some(s) => s,
                };
                let rows = cairn_store::platform::live::since(&mut c, t, from - OVERLAP_MS, SWEEP_LIMIT).await?;
                Ok::<_, crate::AppError>((from, rows))
            };
            let (mut last, rows) = match read.await {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(error = %e, "live sweep");
                    tokio::time::sleep(self.live.interval).await;
                    continue;
                }
            };
            let fresh: Vec<Change> = rows
                .into_iter()
                .filter(|r| passed.get(&r.id) != Some(&(r.updated_at, r.version)))
                .inspect(|r| last = last.max(r.updated_at))
                .collect();
            for r in &fresh {
                passed.insert(r.id, (r.updated_at, r.version));
            }
            passed.retain(|_, (at, _)| *at >= last - OVERLAP_MS);
            since = Some(last);
            if !fresh.is_empty() {
                let _ = tx.send(Arc::new(fresh));
            }
        }
    }
}
