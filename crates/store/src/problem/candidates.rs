//! Problem candidates: clusters of similar incidents proposed by recurring-incident
//! detection, waiting for a problem manager to accept or dismiss them.

use cairn_domain::ids::{CandidateId, TenantId, TicketId};
use cairn_domain::problem::CandidateStatus;
use cairn_domain::problem::recurring::Cluster;
use sqlx::any::AnyRow;

use crate::Conn;
use crate::engine::row::get;
use crate::error::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: CandidateId,
    pub fingerprint: String,
    pub scope: String,
    pub title: String,
    pub label: String,
    pub incidents: Vec<TicketId>,
    pub first_at: i64,
    pub last_at: i64,
    pub status: CandidateStatus,
    pub problem: Option<TicketId>,
}

const COLS: &str = "SELECT id, fingerprint, scope, title, label, incidents, first_at, last_at, status, problem_id \
     FROM problem_candidates WHERE tenant_id = $1";

fn candidate(r: &AnyRow) -> Result<Candidate> {
    let ids: String = get(r, "incidents")?;
    Ok(Candidate {
        id: CandidateId(get(r, "id")?),
        fingerprint: get(r, "fingerprint")?,
        scope: get(r, "scope")?,
        title: get(r, "title")?,
        label: get(r, "label")?,
        incidents: ids.split(',').filter_map(|s| s.parse().ok()).map(TicketId).collect(),
        first_at: get(r, "first_at")?,
        last_at: get(r, "last_at")?,
        status: CandidateStatus::parse("status", &get::<String>(r, "status")?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        problem: get::<Option<i64>>(r, "problem_id")?.map(TicketId),
    })
}

/// Records a cluster: a new fingerprint becomes a proposal; a proposal already known
/// takes the cluster's current members; accepted or dismissed ones are left alone.
/// Returns true when a new proposal was made.
pub async fn propose(c: &mut Conn, t: TenantId, k: &Cluster, now: i64) -> Result<bool> {
    let ids = format!(",{},", k.members.iter().map(i64::to_string).collect::<Vec<_>>().join(","));
    let inserted = sqlx::query(
        "INSERT INTO problem_candidates (tenant_id, fingerprint, scope, title, label, incidents, size, first_at, last_at, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'proposed', $10, $10) ON CONFLICT (tenant_id, fingerprint) DO NOTHING",
    )
    .bind(t.0)
    .bind(k.fingerprint())
    .bind(&k.scope)
    .bind(&k.title)
    .bind(k.words.join(" "))
    .bind(&ids)
    .bind(k.members.len() as i64)
    .bind(k.first_at)
    .bind(k.last_at)
    .bind(now)
    .execute(&mut *c)
    .await?
    .rows_affected()
        == 1;
    if !inserted {
        sqlx::query(
            "UPDATE problem_candidates SET incidents = $1, size = $2, first_at = $3, last_at = $4, title = $5, updated_at = $6 \
             WHERE tenant_id = $7 AND fingerprint = $8 AND status = 'proposed'",
        )
        .bind(&ids)
        .bind(k.members.len() as i64)
        .bind(k.first_at)
        .bind(k.last_at)
        .bind(&k.title)
        .bind(now)
        .bind(t.0)
        .bind(k.fingerprint())
        .execute(c)
        .await?;
    }
    Ok(inserted)
}

pub async fn list(c: &mut Conn, t: TenantId, status: Option<CandidateStatus>) -> Result<Vec<Candidate>> {
    let rows = match status {
        Some(s) => {
            sqlx::query(crate::joined(COLS, " AND status = $2 ORDER BY size DESC, id")).bind(t.0).bind(s.as_str()).fetch_all(c).await?
        }
        None => sqlx::query(crate::joined(COLS, " ORDER BY size DESC, id")).bind(t.0).fetch_all(c).await?,
    };
    rows.iter().map(candidate).collect()
}

pub async fn by_id(c: &mut Conn, t: TenantId, id: CandidateId) -> Result<Option<Candidate>> {
    let row = sqlx::query(crate::joined(COLS, " AND id = $2")).bind(t.0).bind(id.0).fetch_optional(c).await?;
    row.as_ref().map(candidate).transpose()
}

/// Settles a proposal; false when it was no longer proposed.
pub async fn settle(
    c: &mut Conn,
    t: TenantId,
    id: CandidateId,
    status: CandidateStatus,
    problem: Option<TicketId>,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query("UPDATE problem_candidates SET status = $1, problem_id = $2, updated_at = $3 WHERE tenant_id = $4 AND id = $5 AND status = 'proposed'")
        .bind(status.as_str())
        .bind(problem.map(|p| p.0))
        .bind(now)
        .bind(t.0)
        .bind(id.0)
        .execute(c)
        .await?;
    Ok(r.rows_affected() == 1)
}
