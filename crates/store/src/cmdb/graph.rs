//! The version of a tenant's CMDB graph, raised by every write to its CIs or relations
//! in the same transaction, and the graph read whole, page by page, for a copy held in
//! memory (`app::cmdb::graph`).

use cairn_domain::cmdb::impact::Edge;
use cairn_domain::cmdb::relation::RelationType;
use cairn_domain::cmdb::{CiStatus, Criticality};
use cairn_domain::ids::{CiClassId, CiId, OrgId, RelationId, TenantId};

use crate::Conn;
use crate::engine::deferred;
use crate::engine::row::get;
use crate::error::{Result, StoreError};

/// The graph's version: 0 before its first change.
pub async fn version(c: &mut Conn, t: TenantId) -> Result<i64> {
    let v: Option<i64> =
        sqlx::query_scalar("SELECT version FROM ci_graph_versions WHERE tenant_id = $1").bind(t.0).fetch_optional(c).await?;
    Ok(v.unwrap_or(0))
}

/// Raises the version; on PostgreSQL the row stays locked until the commit, so
/// versions follow the order in which changes commit.
const BUMP: &str = "INSERT INTO ci_graph_versions (tenant_id, version) VALUES ($1, 1) \
     ON CONFLICT (tenant_id) DO UPDATE SET version = ci_graph_versions.version + 1";

/// Records that the tenant's graph changed: once, at the end of the running use case,
/// or now when there is none.
pub(crate) async fn changed(c: &mut Conn, t: TenantId) -> Result<()> {
    if !deferred::once_per_tenant(BUMP, t) {
        sqlx::query(BUMP).bind(t.0).execute(c).await?;
    }
    Ok(())
}

/// What an impact answer shows of a CI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: CiId,
    pub number: String,
    pub class: CiClassId,
    pub name: String,
    pub status: CiStatus,
    pub criticality: Criticality,
    pub org: Option<OrgId>,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

// `+tenant_id` keeps SQLite on the primary key: with a tenant index it would read the
// tenant's rows from `after` on and sort them, for every page.

/// Up to `limit` CIs with an id above `after`, by id.
pub async fn nodes_after(c: &mut Conn, t: TenantId, after: CiId, limit: i64) -> Result<Vec<Node>> {
    let rows = sqlx::query(
        "SELECT id, number, class_id, name, status, criticality, org_id FROM cis \
         WHERE +tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3",
    )
    .bind(t.0)
    .bind(after.0)
    .bind(limit)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Node {
                id: CiId(get(r, "id")?),
                number: get(r, "number")?,
                class: CiClassId(get(r, "class_id")?),
                name: get(r, "name")?,
                status: CiStatus::parse("status", &get::<String>(r, "status")?).map_err(|e| corrupt("status", e))?,
                criticality: Criticality::parse("criticality", &get::<String>(r, "criticality")?).map_err(|e| corrupt("criticality", e))?,
                org: get::<Option<i64>>(r, "org_id")?.map(OrgId),
            })
        })
        .collect()
}

/// Up to `limit` relations with an id above `after`, by id.
pub async fn edges_after(c: &mut Conn, t: TenantId, after: RelationId, limit: i64) -> Result<Vec<(RelationId, Edge)>> {
    let rows = sqlx::query("SELECT id, from_id, type, to_id FROM ci_relations WHERE +tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3")
        .bind(t.0)
        .bind(after.0)
        .bind(limit)
        .fetch_all(c)
        .await?;
    rows.iter()
        .map(|r| {
            let rel = RelationType::parse("type", &get::<String>(r, "type")?).map_err(|e| corrupt("type", e))?;
            Ok((RelationId(get(r, "id")?), Edge { from: CiId(get(r, "from_id")?), rel, to: CiId(get(r, "to_id")?) }))
        })
        .collect()
}
