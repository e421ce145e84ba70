//! Runs the outbox. Jobs are claimed with a lease (several instances never run one job
//! at the same time), handled, and marked done; a failing job is retried with backoff.

use std::time::Duration;

use cairn_domain::ids::{TicketId, UserId};
use cairn_store::platform::jobs::{self, Job};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::{App, AppError, Result};

const LEASE_MS: i64 = 60_000;
const BATCH: i64 = 32;
const MAX_ATTEMPTS: i64 = 8;

/// An in-app notification to deliver.
#[derive(Debug, Serialize, Deserialize)]
pub struct Notify {
    pub ticket_id: i64,
    pub user_id: i64,
    pub message: String,
}

impl Notify {
    pub const KIND: &'static str = "notify";
    pub fn payload(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// Closes a ticket still resolved since `resolved_at` (see the tenant's auto-close days).
#[derive(Debug, Serialize, Deserialize)]
pub struct AutoClose {
    pub ticket_id: i64,
    pub resolved_at: i64,
}

impl AutoClose {
    pub const KIND: &'static str = "auto_close";
    pub fn payload(&self) -> Result<String> {
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

impl App {
    /// Claims due jobs for `worker` and runs them; returns how many were handled.
    pub async fn run_due_jobs(&self, worker: &str) -> Result<usize> {
        let (now, backend, w) = (self.now(), self.backend(), worker.to_string());
        let claimed: Vec<Job> =
            self.db.write(move |c| Box::pin(async move { jobs::claim(c, backend, &w, now, LEASE_MS, BATCH).await })).await?;
        let n = claimed.len();
        for job in claimed {
            let outcome = self.handle(&job).await;
            let (now, w) = (self.now(), worker.to_string());
            self.db
                .write(move |c| {
                    Box::pin(async move {
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
                    })
                })
                .await?;
        }
        Ok(n)
    }

    async fn handle(&self, job: &Job) -> Outcome {
        match job.kind.as_str() {
            Notify::KIND => match serde_json::from_str::<Notify>(&job.payload) {
                Ok(n) => {
                    let (t, now) = (job.tenant_id, self.now());
                    let r = self
                        .db
                        .write(move |c| {
                            Box::pin(async move {
                                cairn_store::platform::notifications::insert(
                                    c,
                                    t,
                                    UserId(n.user_id),
                                    Some(TicketId(n.ticket_id)),
                                    &n.message,
                                    now,
                                )
                                .await
                            })
                        })
                        .await;
                    match r {
                        Ok(()) => Outcome::Done,
                        Err(e) => Outcome::Retry(e.to_string()),
                    }
                }
                Err(e) => Outcome::Failed(format!("bad payload: {e}")),
            },
            AutoClose::KIND => match serde_json::from_str::<AutoClose>(&job.payload) {
                Ok(a) => match self.auto_close(job.tenant_id, a).await {
                    Ok(()) => Outcome::Done,
                    Err(e) => Outcome::Retry(e.to_string()),
                },
                Err(e) => Outcome::Failed(format!("bad payload: {e}")),
            },
            crate::problem::recurring::Detect::KIND => match serde_json::from_str::<crate::problem::recurring::Detect>(&job.payload) {
                Ok(d) => match self.run_detection_job(job.tenant_id, d).await {
                    Ok(()) => Outcome::Done,
                    Err(e) => Outcome::Retry(e.to_string()),
                },
                Err(e) => Outcome::Failed(format!("bad payload: {e}")),
            },
            crate::sla::Alarm::KIND => match serde_json::from_str::<crate::sla::Alarm>(&job.payload) {
                Ok(a) => match self.run_alarm(job.tenant_id, a).await {
                    Ok(()) => Outcome::Done,
                    Err(e) => Outcome::Retry(e.to_string()),
                },
                Err(e) => Outcome::Failed(format!("bad payload: {e}")),
            },
            crate::platform::mail::Mail::KIND => match serde_json::from_str::<crate::platform::mail::Mail>(&job.payload) {
                Ok(m) => match self.mailer.send(&m).await {
                    Ok(()) => Outcome::Done,
                    Err(e) => Outcome::Retry(e),
                },
                Err(e) => Outcome::Failed(format!("bad payload: {e}")),
            },
            crate::request::fulfilment::ApprovalTimer::KIND => {
                match serde_json::from_str::<crate::request::fulfilment::ApprovalTimer>(&job.payload) {
                    Ok(a) => match self.run_approval_timer(job.tenant_id, a).await {
                        Ok(()) => Outcome::Done,
                        Err(e) => Outcome::Retry(e.to_string()),
                    },
                    Err(e) => Outcome::Failed(format!("bad payload: {e}")),
                }
            }
            other => Outcome::Failed(format!("unknown job kind '{other}'")),
        }
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

    pub async fn notifications(
        &self,
        actor: &cairn_domain::platform::access::Actor,
    ) -> Result<Vec<cairn_store::platform::notifications::Notification>> {
        let mut c = self.db.read().await?;
        Ok(cairn_store::platform::notifications::for_user(&mut c, actor.tenant_id, actor.user_id, 50).await?)
    }
}
