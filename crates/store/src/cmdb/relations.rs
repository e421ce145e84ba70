//! Relations between CIs, and the edges an impact walk needs level by level.

use cairn_domain::cmdb::impact::{Direction, Edge};
use cairn_domain::cmdb::relation::RelationType;
use cairn_domain::ids::{CiId, RelationId, TenantId};
use sqlx::any::AnyRow;

use crate::Conn;
use crate::engine::args::{Arg, bind_all, push};
use crate::engine::row::get;
use crate::error::{Result, StoreError};

/// One end of a relation as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct End {
    pub id: CiId,
    pub number: String,
    pub name: String,
    pub class_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub id: RelationId,
    pub from: End,
    pub rel: RelationType,
    pub to: End,
}

fn rel_type(s: &str) -> Result<RelationType> {
    RelationType::parse("type", s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub async fn exists(c: &mut Conn, t: TenantId, from: CiId, rel: RelationType, to: CiId) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ci_relations WHERE tenant_id = $1 AND from_id = $2 AND type = $3 AND to_id = $4")
        .bind(t.0)
        .bind(from.0)
        .bind(rel.as_str())
        .bind(to.0)
        .fetch_one(c)
        .await?;
    Ok(n > 0)
}

/// Adds a relation; `source` is the import that brought it (none: by hand).
pub async fn insert(
    c: &mut Conn,
    t: TenantId,
    from: CiId,
    rel: RelationType,
    to: CiId,
    source: Option<&str>,
    now: i64,
) -> Result<RelationId> {
    let id = sqlx::query_scalar(
        "INSERT INTO ci_relations (tenant_id, from_id, type, to_id, source, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(t.0)
    .bind(from.0)
    .bind(rel.as_str())
    .bind(to.0)
    .bind(source)
    .bind(now)
    .fetch_one(&mut *c)
    .await?;
    super::graph::changed(c, t).await?;
    Ok(RelationId(id))
}

pub async fn delete(c: &mut Conn, t: TenantId, id: RelationId) -> Result<bool> {
    let r = sqlx::query("DELETE FROM ci_relations WHERE tenant_id = $1 AND id = $2").bind(t.0).bind(id.0).execute(&mut *c).await?;
    super::graph::changed(c, t).await?;
    Ok(r.rows_affected() == 1)
}

const SELECT: &str = "SELECT r.id, r.type, f.id AS f_id, f.number AS f_number, f.name AS f_name, fk.code AS f_class, \
     t.id AS t_id, t.number AS t_number, t.name AS t_name, tk.code AS t_class \
     FROM ci_relations r JOIN cis f ON f.id = r.from_id JOIN ci_classes fk ON fk.id = f.class_id \
     JOIN cis t ON t.id = r.to_id JOIN ci_classes tk ON tk.id = t.class_id";

fn relation(r: &AnyRow) -> Result<Relation> {
    let end = |p: &str| -> Result<End> {
        Ok(End {
            id: CiId(get(r, &format!("{p}_id"))?),
            number: get(r, &format!("{p}_number"))?,
            name: get(r, &format!("{p}_name"))?,
            class_code: get(r, &format!("{p}_class"))?,
        })
    };
    Ok(Relation { id: RelationId(get(r, "id")?), from: end("f")?, rel: rel_type(&get::<String>(r, "type")?)?, to: end("t")? })
}

pub async fn by_id(c: &mut Conn, t: TenantId, id: RelationId) -> Result<Option<Relation>> {
    let sql = format!("{SELECT} WHERE r.tenant_id = $1 AND r.id = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(id.0).fetch_optional(c).await?.as_ref().map(relation).transpose()
}

/// The relations with the CI at either end.
pub async fn of_ci(c: &mut Conn, t: TenantId, ci: CiId) -> Result<Vec<Relation>> {
    // Two indexed halves: with `OR`, SQLite reads every relation of the tenant.
    let sql = format!(
        "{SELECT} WHERE r.tenant_id = $1 AND r.from_id = $2 UNION ALL {SELECT} WHERE r.tenant_id = $1 AND r.to_id = $2 AND r.from_id <> $2 \
         ORDER BY 2, 1"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(ci.0).fetch_all(c).await?.iter().map(relation).collect()
}

/// The relations an impact walk in `direction` follows from `ids`: up, those whose
/// `to` end is one of them; down, those whose `from` end is; `connected_to` both ways.
pub async fn edges(c: &mut Conn, t: TenantId, direction: Direction, ids: &[CiId]) -> Result<Vec<Edge>> {
    let (near, far) = match direction {
        Direction::Up => ("to_id", "from_id"),
        Direction::Down => ("from_id", "to_id"),
    };
    let mut out = Vec::new();
    for chunk in ids.chunks(400) {
        let mut args = vec![Arg::I(t.0)];
        let marks: Vec<String> = chunk.iter().map(|id| push(&mut args, Arg::I(id.0))).collect();
        let list = marks.join(", ");
        let sql = format!(
            "SELECT from_id, type, to_id FROM ci_relations WHERE tenant_id = $1 AND {near} IN ({list}) \
             UNION ALL SELECT from_id, type, to_id FROM ci_relations WHERE tenant_id = $1 AND {far} IN ({list}) AND type = 'connected_to'"
        );
        for r in bind_all(sql, args).fetch_all(&mut *c).await? {
            out.push(Edge { from: CiId(get(&r, "from_id")?), rel: rel_type(&get::<String>(&r, "type")?)?, to: CiId(get(&r, "to_id")?) });
        }
    }
    Ok(out)
}
