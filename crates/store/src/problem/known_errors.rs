//! Known errors: a problem's symptom, root cause and workaround, for the service desk
//! to find while the permanent fix is pending.

use cairn_domain::ids::{KnownErrorId, TenantId, TicketId};
use cairn_domain::problem::KnownErrorStatus;
use sqlx::any::AnyRow;

use crate::Conn;
use crate::engine::row::get;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownError {
    pub id: KnownErrorId,
    pub number: String,
    pub problem: Option<TicketId>,
    /// The problem's number, when linked.
    pub problem_number: Option<String>,
    pub title: String,
    pub symptom: String,
    pub root_cause: String,
    pub workaround: String,
    pub status: KnownErrorStatus,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLS: &str = "SELECT k.id, k.number, k.problem_id, p.number AS problem_number, k.title, k.symptom, k.root_cause, k.workaround, \
     k.status, k.created_at, k.updated_at FROM known_errors k LEFT JOIN tickets p ON p.id = k.problem_id WHERE k.tenant_id = $1";

fn known_error(r: &AnyRow) -> Result<KnownError> {
    Ok(KnownError {
        id: KnownErrorId(get(r, "id")?),
        number: get(r, "number")?,
        problem: get::<Option<i64>>(r, "problem_id")?.map(TicketId),
        problem_number: get(r, "problem_number")?,
        title: get(r, "title")?,
        symptom: get(r, "symptom")?,
        root_cause: get(r, "root_cause")?,
        workaround: get(r, "workaround")?,
        status: KnownErrorStatus::parse("status", &get::<String>(r, "status")?)?,
        created_at: get(r, "created_at")?,
        updated_at: get(r, "updated_at")?,
    })
}

/// Stores a known error (its `id` is ignored) and returns its id.
pub async fn insert(c: &mut Conn, t: TenantId, k: &KnownError) -> Result<KnownErrorId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO known_errors (tenant_id, number, problem_id, title, symptom, root_cause, workaround, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(t.0)
    .bind(&k.number)
    .bind(k.problem.map(|p| p.0))
    .bind(&k.title)
    .bind(&k.symptom)
    .bind(&k.root_cause)
    .bind(&k.workaround)
    .bind(k.status.as_str())
    .bind(k.created_at)
    .bind(k.updated_at)
    .fetch_one(c)
    .await?;
    Ok(KnownErrorId(id))
}

pub async fn update(c: &mut Conn, t: TenantId, k: &KnownError) -> Result<()> {
    sqlx::query(
        "UPDATE known_errors SET problem_id = $1, title = $2, symptom = $3, root_cause = $4, workaround = $5, status = $6, updated_at = $7 \
         WHERE tenant_id = $8 AND id = $9",
    )
    .bind(k.problem.map(|p| p.0))
    .bind(&k.title)
    .bind(&k.symptom)
    .bind(&k.root_cause)
    .bind(&k.workaround)
    .bind(k.status.as_str())
    .bind(k.updated_at)
    .bind(t.0)
    .bind(k.id.0)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn by_number(c: &mut Conn, t: TenantId, number: &str) -> Result<Option<KnownError>> {
    let row = sqlx::query(crate::joined(COLS, " AND k.number = $2")).bind(t.0).bind(number).fetch_optional(c).await?;
    row.as_ref().map(known_error).transpose()
}

/// All known errors of the tenant (active first, newest first); a tenant has hundreds,
/// not millions.
pub async fn all(c: &mut Conn, t: TenantId) -> Result<Vec<KnownError>> {
    let rows = sqlx::query(crate::joined(COLS, " ORDER BY k.status, k.id DESC")).bind(t.0).fetch_all(c).await?;
    rows.iter().map(known_error).collect()
}

pub async fn for_problem(c: &mut Conn, t: TenantId, problem: TicketId) -> Result<Vec<KnownError>> {
    let rows = sqlx::query(crate::joined(COLS, " AND k.problem_id = $2 ORDER BY k.id")).bind(t.0).bind(problem.0).fetch_all(c).await?;
    rows.iter().map(known_error).collect()
}
