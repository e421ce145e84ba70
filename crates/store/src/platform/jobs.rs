//! The outbox: follow-up work written in the same transaction as the change that
//! causes it, claimed later by workers. A claimed job is leased until `locked_until`;
//! a worker that dies mid-job loses the lease and the job runs again (at least once),
//! while two live workers never hold the same job (at most one runner at a time).

use cairn_domain::ids::{JobId, TenantId};

use crate::engine::row::get;
use crate::error::Result;
use crate::{Backend, Conn, engine::dialect};

#[derive(Debug, Clone)]
pub struct Job {
    pub id: JobId,
    pub tenant_id: TenantId,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
}

pub async fn enqueue(c: &mut Conn, t: TenantId, kind: &str, payload: &str, run_at: i64, now: i64) -> Result<JobId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO jobs (tenant_id, kind, payload, run_at, attempts, created_at) VALUES ($1, $2, $3, $4, 0, $5) RETURNING id",
    )
    .bind(t.0)
    .bind(kind)
    .bind(payload)
    .bind(run_at)
    .bind(now)
    .fetch_one(c)
    .await?;
    Ok(JobId(id))
}

/// Claims due jobs of every tenant: the worker serves the whole installation, and each
/// job carries its tenant for the work it does.
pub async fn claim(c: &mut Conn, b: Backend, worker: &str, now: i64, lease_ms: i64, limit: i64) -> Result<Vec<Job>> {
    let rows = sqlx::query(dialect::claim_jobs(b)).bind(worker).bind(now + lease_ms).bind(now).bind(limit).fetch_all(c).await?;
    rows.iter()
        .map(|r| {
            Ok(Job {
                id: JobId(get(r, "id")?),
                tenant_id: TenantId(get(r, "tenant_id")?),
                kind: get(r, "kind")?,
                payload: get(r, "payload")?,
                attempts: get(r, "attempts")?,
            })
        })
        .collect()
}

/// Marks a job done if this worker still holds it. By id, in any tenant: only the
/// worker that claimed it (across tenants) finishes it.
pub async fn complete(c: &mut Conn, id: JobId, worker: &str, now: i64) -> Result<bool> {
    let r = sqlx::query("UPDATE jobs SET done_at = $1, locked_until = NULL WHERE id = $2 AND locked_by = $3 AND done_at IS NULL")
        .bind(now)
        .bind(id.0)
        .bind(worker)
        .execute(c)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Releases a failed job to run again at `retry_at`; after `give_up` it is marked done with its error.
/// By id, in any tenant, like [`complete`].
pub async fn fail(c: &mut Conn, id: JobId, worker: &str, error: &str, retry_at: Option<i64>, now: i64) -> Result<()> {
    match retry_at {
        Some(at) => {
            sqlx::query("UPDATE jobs SET run_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3 AND locked_by = $4")
                .bind(at)
                .bind(error)
                .bind(id.0)
                .bind(worker)
                .execute(c)
                .await?
        }
        None => {
            sqlx::query("UPDATE jobs SET done_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3 AND locked_by = $4")
                .bind(now)
                .bind(error)
                .bind(id.0)
                .bind(worker)
                .execute(c)
                .await?
        }
    };
    Ok(())
}

/// Jobs not yet done in every tenant (for tests and health).
pub async fn pending(c: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE done_at IS NULL").fetch_one(c).await?)
}

/// Unfinished jobs of one kind for a tenant (to keep a recurring job scheduled once).
pub async fn pending_of_kind(c: &mut Conn, t: TenantId, kind: &str) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE tenant_id = $1 AND kind = $2 AND done_at IS NULL")
        .bind(t.0)
        .bind(kind)
        .fetch_one(c)
        .await?)
}
