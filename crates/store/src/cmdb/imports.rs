//! Background imports: what was asked, how far the run is, its report, and the
//! uploaded file in parts until the run is over.

use cairn_domain::cmdb::ImportState;
use cairn_domain::ids::{ImportId, TenantId, UserId};
use sqlx::any::AnyRow;

use crate::Conn;
use crate::engine::row::get;
use crate::error::{Result, StoreError};

/// An import as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub id: ImportId,
    pub created_by: Option<String>,
    /// Who the import's journal entries name.
    pub created_by_id: Option<UserId>,
    pub class: Option<String>,
    pub source: String,
    pub format: String,
    pub dry_run: bool,
    pub state: ImportState,
    pub bytes_total: i64,
    pub bytes_done: i64,
    pub rows_done: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub refused_count: i64,
    /// The first refused rows, a JSON array of `{line, reason}`.
    pub refused: String,
    pub error: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

/// What a new import asks for.
#[derive(Debug, Clone)]
pub struct NewImport<'a> {
    pub by: Option<UserId>,
    pub class: Option<&'a str>,
    pub source: &'a str,
    pub format: &'a str,
    pub dry_run: bool,
    pub now: i64,
}

const SELECT: &str = "SELECT i.id, u.username AS created_by, i.created_by AS created_by_id, i.class_code, i.source, i.format, i.dry_run, i.state, i.bytes_total, \
     i.bytes_done, i.rows_done, i.created_count, i.updated_count, i.unchanged_count, i.refused_count, i.refused, i.error, \
     i.created_at, i.started_at, i.finished_at FROM ci_imports i LEFT JOIN users u ON u.id = i.created_by";

fn row(r: &AnyRow) -> Result<ImportRow> {
    Ok(ImportRow {
        id: ImportId(get(r, "id")?),
        created_by: get(r, "created_by")?,
        created_by_id: get::<Option<i64>>(r, "created_by_id")?.map(UserId),
        class: get(r, "class_code")?,
        source: get(r, "source")?,
        format: get(r, "format")?,
        dry_run: get::<i64>(r, "dry_run")? != 0,
        state: ImportState::parse("state", &get::<String>(r, "state")?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        bytes_total: get(r, "bytes_total")?,
        bytes_done: get(r, "bytes_done")?,
        rows_done: get(r, "rows_done")?,
        created: get(r, "created_count")?,
        updated: get(r, "updated_count")?,
        unchanged: get(r, "unchanged_count")?,
        refused_count: get(r, "refused_count")?,
        refused: get(r, "refused")?,
        error: get(r, "error")?,
        created_at: get(r, "created_at")?,
        started_at: get(r, "started_at")?,
        finished_at: get(r, "finished_at")?,
    })
}

/// Records a new import (state `uploading`, no bytes yet); returns its id.
pub async fn insert(c: &mut Conn, t: TenantId, n: &NewImport<'_>) -> Result<ImportId> {
    Ok(ImportId(
        sqlx::query_scalar(
            "INSERT INTO ci_imports (tenant_id, created_by, class_code, source, format, dry_run, state, bytes_total, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'uploading', 0, $7) RETURNING id",
        )
        .bind(t.0)
        .bind(n.by.map(|u| u.0))
        .bind(n.class)
        .bind(n.source)
        .bind(n.format)
        .bind(i64::from(n.dry_run))
        .bind(n.now)
        .fetch_one(c)
        .await?,
    ))
}

/// Stores part `seq` of the import's file.
pub async fn add_part(c: &mut Conn, t: TenantId, id: ImportId, seq: i64, data: Vec<u8>) -> Result<()> {
    let len = data.len() as i64;
    sqlx::query("INSERT INTO ci_import_parts (tenant_id, import_id, seq, data) VALUES ($1, $2, $3, $4)")
        .bind(t.0)
        .bind(id.0)
        .bind(seq)
        .bind(data)
        .execute(&mut *c)
        .await?;
    sqlx::query("UPDATE ci_imports SET bytes_total = bytes_total + $3 WHERE tenant_id = $1 AND id = $2")
        .bind(t.0)
        .bind(id.0)
        .bind(len)
        .execute(c)
        .await?;
    Ok(())
}

/// Part `seq` of the import's file, if there is one.
pub async fn part(c: &mut Conn, t: TenantId, id: ImportId, seq: i64) -> Result<Option<Vec<u8>>> {
    Ok(sqlx::query_scalar("SELECT data FROM ci_import_parts WHERE tenant_id = $1 AND import_id = $2 AND seq = $3")
        .bind(t.0)
        .bind(id.0)
        .bind(seq)
        .fetch_optional(c)
        .await?)
}

pub async fn drop_parts(c: &mut Conn, t: TenantId, id: ImportId) -> Result<()> {
    sqlx::query("DELETE FROM ci_import_parts WHERE tenant_id = $1 AND import_id = $2").bind(t.0).bind(id.0).execute(c).await?;
    Ok(())
}

pub async fn by_id(c: &mut Conn, t: TenantId, id: ImportId) -> Result<Option<ImportRow>> {
    let sql = format!("{SELECT} WHERE i.tenant_id = $1 AND i.id = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(id.0).fetch_optional(c).await?.as_ref().map(row).transpose()
}

/// The latest imports, newest first.
pub async fn latest(c: &mut Conn, t: TenantId, limit: i64) -> Result<Vec<ImportRow>> {
    let sql = format!("{SELECT} WHERE i.tenant_id = $1 ORDER BY i.id DESC LIMIT $2");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(limit).fetch_all(c).await?.iter().map(row).collect()
}

/// Takes the import for `runner` when it is queued or its last runner went silent
/// before `stale_before`; false when another runner holds it or it is over.
pub async fn claim(c: &mut Conn, t: TenantId, id: ImportId, runner: &str, now: i64, stale_before: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE ci_imports SET state = 'checking', runner = $3, heartbeat_at = $4, started_at = $4 \
         WHERE tenant_id = $1 AND id = $2 AND (state = 'queued' OR (state IN ('checking', 'running') AND heartbeat_at < $5))",
    )
    .bind(t.0)
    .bind(id.0)
    .bind(runner)
    .bind(now)
    .bind(stale_before)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// How far a run is: the state, bytes read, rows done and the counts so far.
#[derive(Debug, Clone)]
pub struct Progress {
    pub state: ImportState,
    pub bytes_done: i64,
    pub rows_done: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub refused_count: i64,
    pub refused: String,
    pub error: Option<String>,
    pub finished_at: Option<i64>,
}

pub async fn set_progress(c: &mut Conn, t: TenantId, id: ImportId, p: &Progress, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE ci_imports SET state = $3, bytes_done = $4, rows_done = $5, created_count = $6, updated_count = $7, \
         unchanged_count = $8, refused_count = $9, refused = $10, error = $11, finished_at = $12, heartbeat_at = $13 \
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(t.0)
    .bind(id.0)
    .bind(p.state.as_str())
    .bind(p.bytes_done)
    .bind(p.rows_done)
    .bind(p.created)
    .bind(p.updated)
    .bind(p.unchanged)
    .bind(p.refused_count)
    .bind(&p.refused)
    .bind(p.error.as_deref())
    .bind(p.finished_at)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// Moves the import from state `from` to `to` (with an error for `failed`); false
/// when it was not in `from`.
pub async fn set_state(
    c: &mut Conn,
    t: TenantId,
    id: ImportId,
    from: ImportState,
    to: ImportState,
    error: Option<&str>,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE ci_imports SET state = $4, error = $5, finished_at = CASE WHEN $4 = 'failed' THEN $6 ELSE finished_at END \
         WHERE tenant_id = $1 AND id = $2 AND state = $3",
    )
    .bind(t.0)
    .bind(id.0)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(error)
    .bind(now)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}
