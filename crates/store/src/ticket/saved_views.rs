//! Saved queue views: a name and the queue's filters (as a query string), personal or
//! shared with the tenant's agents.

use cairn_domain::ids::{SavedViewId, TenantId, UserId};

use crate::Conn;
use crate::engine::row::get;
use crate::error::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedView {
    pub id: SavedViewId,
    pub owner: UserId,
    pub name: String,
    pub query: String,
    pub shared: bool,
}

pub async fn insert(c: &mut Conn, t: TenantId, v: &SavedView, now: i64) -> Result<SavedViewId> {
    sqlx::query_scalar(
        "INSERT INTO saved_views (tenant_id, owner_id, name, query, shared, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(t.0)
    .bind(v.owner.0)
    .bind(&v.name)
    .bind(&v.query)
    .bind(i64::from(v.shared))
    .bind(now)
    .fetch_one(c)
    .await
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!("you already have a view named '{}'", v.name)),
        other => other,
    })
    .map(SavedViewId)
}

/// The user's own views and the ones others share, by name.
pub async fn visible(c: &mut Conn, t: TenantId, user: UserId) -> Result<Vec<SavedView>> {
    let rows = sqlx::query(
        "SELECT id, owner_id, name, query, shared FROM saved_views WHERE tenant_id = $1 AND (owner_id = $2 OR shared = 1) ORDER BY name, id",
    )
    .bind(t.0)
    .bind(user.0)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SavedView {
                id: SavedViewId(get(r, "id")?),
                owner: UserId(get(r, "owner_id")?),
                name: get(r, "name")?,
                query: get(r, "query")?,
                shared: get::<i64>(r, "shared")? == 1,
            })
        })
        .collect()
}

pub async fn delete(c: &mut Conn, t: TenantId, id: SavedViewId) -> Result<bool> {
    let r = sqlx::query("DELETE FROM saved_views WHERE tenant_id = $1 AND id = $2").bind(t.0).bind(id.0).execute(c).await?;
    Ok(r.rows_affected() == 1)
}
