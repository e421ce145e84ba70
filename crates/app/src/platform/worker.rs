//! Runs the outbox. Jobs are claimed with a lease (several instances never run one job
//! at the same time), handled by the [`Job`] registered for their kind, and marked
//! done; a failing job is retried with backoff. The worker knows no kind itself: each
//! practice registers its jobs (`App::new`).

use cairn_store::tx;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use cairn_domain::ids::TenantId;
use cairn_store::BoxFuture;
use cairn_store::platform::jobs::{self, Job as Claimed};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::watch;
use tracing::Instrument;

use crate::{App, AppError, Result};

const LEASE_MS: i64 = 60_000;
const BATCH: i64 = 32;
const MAX_ATTEMPTS: i64 = 8;

/// A kind of follow-up work: its payload is the job itself, as JSON.
pub(crate) trait Job: Serialize + DeserializeOwned + Send + 'static {
    /// The `jobs.kind` its rows carry; never changed once released.
    const KIND: &'static str;

    /// Does the work; an error is retried with backoff.
    fn run(self, app: &App, t: TenantId) -> impl Future<Output = Result<(), String>> + Send;

    fn payload(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// What became of one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Retry(String),
    Failed(String),
}

trait Handler: Send + Sync {
    fn handle<'a>(&'a self, app: &'a App, job: &'a Claimed) -> BoxFuture<'a, Outcome>;
}

struct Kind<J>(PhantomData<fn() -> J>);

impl<J: Job> Handler for Kind<J> {
    fn handle<'a>(&'a self, app: &'a App, job: &'a Claimed) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            match serde_json::from_str::<J>(&job.payload) {
                Ok(j) => match j.run(app, job.tenant_id).await {
                    Ok(()) => Outcome::Done,
                    Err(e) => Outcome::Retry(e),
                },
                Err(e) => Outcome::Failed(format!("bad payload: {e}")),
            }
        })
    }
}

/// The job kinds this instance runs, by kind.
#[derive(Default, Clone)]
pub(crate) struct Jobs {
    kinds: HashMap<&'static str, Arc<dyn Handler>>,
}

impl Jobs {
    pub fn with<J: Job>(mut self) -> Jobs {
        let previous = self.kinds.insert(J::KIND, Arc::new(Kind::<J>(PhantomData)));
        assert!(previous.is_none(), "job kind '{}' registered twice", J::KIND);
        self
    }
}

impl App {
    /// Claims due jobs for `worker` and runs them; returns how many were handled.
    pub async fn run_due_jobs(&self, worker: &str) -> Result<usize> {
        let (now, backend, w) = (self.now(), self.backend(), worker.to_string());
        let claimed: Vec<Claimed> = self.db.write(tx!(|c| { jobs::claim(c, backend, &w, now, LEASE_MS, BATCH).await })).await?;
        let n = claimed.len();
        for job in claimed {
            let outcome = match self.jobs.kinds.get(job.kind.as_str()) {
                Some(h) => {
                    let span = tracing::info_span!("job", kind = %job.kind, tenant = job.tenant_id.0, id = job.id.0);
                    h.handle(self, &job).instrument(span).await
                }
                None => Outcome::Failed(format!("unknown job kind '{}'", job.kind)),
            };
            let (now, w) = (self.now(), worker.to_string());
            self.db
                .write(tx!(|c| {
                    match outcome {
                        Outcome::Done => {
                            jobs::complete(c, job.id, &w, now).await?;
                        }
                        Outcome::Retry(e) if job.attempts < MAX_ATTEMPTS => {
                            let backoff = 1000 * 2_i64.pow(job.attempts.clamp(0, 12) as u32);
                            jobs::fail(c, job.id, &w, &e, Some(now + backoff), now).await?;
                        }
                        Outcome::Retry(e) | Outcome::Failed(e) => jobs::fail(c, job.id, &w, &e, None, now).await?,
                    }
                    Ok::<_, AppError>(())
                }))
                .await?;
        }
        Ok(n)
    }

    /// Runs jobs until none is due (tests and one-shot use).
    pub async fn drain_jobs(&self, worker: &str) -> Result<usize> {
        let mut total = 0;
        loop {
            let n = self.run_due_jobs(worker).await?;
            if n == 0 {
                return Ok(total);
            }
            total += n;
        }
    }

    /// The worker loop: runs until `stop` turns true, finishing the job in hand.
    pub async fn run_worker(&self, worker: String, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            let idle = match self.run_due_jobs(&worker).await {
                Ok(n) => n == 0,
                Err(e) => {
                    tracing::warn!(error = %e, "worker pass failed");
                    true
                }
            };
            if idle {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                    _ = stop.changed() => {}
                }
            }
        }
        tracing::info!(%worker, "worker stopped");
    }
}
