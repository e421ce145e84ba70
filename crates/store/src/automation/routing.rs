//! Routing rules of a tenant, in the order they are tried.

use cairn_domain::automation::routing::{Actions, Conditions, Rule};
use cairn_domain::ids::{RuleId, TenantId};
use sqlx::any::AnyRow;

use crate::engine::row::get;
use crate::error::Result;
use crate::{Conn, StoreError};

const COLS: &str = "SELECT id, name, position, enabled, conditions, actions FROM routing_rules WHERE tenant_id = $1";

fn rule(r: &AnyRow) -> Result<Rule> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("routing rule: {e}"));
    Ok(Rule {
        id: RuleId(get(r, "id")?),
        name: get(r, "name")?,
        position: get(r, "position")?,
        enabled: get::<i64>(r, "enabled")? != 0,
        when: serde_json::from_str::<Conditions>(&get::<String>(r, "conditions")?).map_err(corrupt)?,
        then: serde_json::from_str::<Actions>(&get::<String>(r, "actions")?).map_err(corrupt)?,
    })
}

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn named_conflict(name: &str) -> impl Fn(sqlx::Error) -> StoreError + '_ {
    move |e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!("a routing rule named '{name}' exists")),
        other => other,
    }
}

/// All rules in the order they are tried.
pub async fn rules(c: &mut Conn, t: TenantId) -> Result<Vec<Rule>> {
    let rows = sqlx::query(crate::joined(COLS, " ORDER BY position, id")).bind(t.0).fetch_all(c).await?;
    rows.iter().map(rule).collect()
}

pub async fn by_id(c: &mut Conn, t: TenantId, id: i64) -> Result<Option<Rule>> {
    let row = sqlx::query(crate::joined(COLS, " AND id = $2")).bind(t.0).bind(id).fetch_optional(c).await?;
    row.as_ref().map(rule).transpose()
}

/// Stores a new rule (its `id` is ignored) and returns its id.
pub async fn insert(c: &mut Conn, t: TenantId, r: &Rule, now: i64) -> Result<RuleId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO routing_rules (tenant_id, name, position, enabled, conditions, actions, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(t.0)
    .bind(&r.name)
    .bind(r.position)
    .bind(i64::from(r.enabled))
    .bind(json(&r.when)?)
    .bind(json(&r.then)?)
    .bind(now)
    .fetch_one(c)
    .await
    .map_err(named_conflict(&r.name))?;
    Ok(RuleId(id))
}

/// Writes a rule over the stored one; false when there is none with its id.
pub async fn update(c: &mut Conn, t: TenantId, r: &Rule) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE routing_rules SET name = $1, position = $2, enabled = $3, conditions = $4, actions = $5 WHERE tenant_id = $6 AND id = $7",
    )
    .bind(&r.name)
    .bind(r.position)
    .bind(i64::from(r.enabled))
    .bind(json(&r.when)?)
    .bind(json(&r.then)?)
    .bind(t.0)
    .bind(r.id.0)
    .execute(c)
    .await
    .map_err(named_conflict(&r.name))?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(c: &mut Conn, t: TenantId, id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM routing_rules WHERE tenant_id = $1 AND id = $2").bind(t.0).bind(id).execute(c).await?;
    Ok(done.rows_affected() == 1)
}

/// The position after the last rule, for rules added without one.
pub async fn next_position(c: &mut Conn, t: TenantId) -> Result<i64> {
    let max: Option<i64> =
        sqlx::query_scalar("SELECT MAX(position) FROM routing_rules WHERE tenant_id = $1").bind(t.0).fetch_one(c).await?;
    Ok(max.map_or(10, |m| m + 10))
}
