//! CIs, their key values (for matching and uniqueness), and the list query.

use cairn_domain::cmdb::{Ci, CiNumber, CiStatus, Criticality};
use cairn_domain::ids::{CiAttributeId, CiClassId, CiId, GroupId, OrgId, TenantId, UserId};
use sqlx::any::AnyRow;

use crate::Conn;
use crate::engine::args::{Arg, Columns, bind_all, push};
use crate::engine::row::get;
use crate::error::{Result, StoreError};

/// A CI with the names of what it refers to, as pages and the API show it.
#[derive(Debug, Clone, PartialEq)]
pub struct CiRow {
    pub ci: Ci,
    pub class_code: String,
    pub owner: Option<String>,
    pub group: Option<String>,
    pub org: Option<String>,
    pub location: Option<String>,
}

pub(crate) const SELECT: &str = "SELECT c.id, c.number, c.class_id, c.name, c.status, c.criticality, c.owner_id, c.group_id, c.org_id, \
     c.location_id, c.attributes, c.sources, c.seen_at, c.created_at, c.updated_at, k.code AS class_code, u.username AS owner_name, \
     g.name AS group_name, o.name AS org_name, l.number AS location_number \
     FROM cis c JOIN ci_classes k ON k.id = c.class_id LEFT JOIN users u ON u.id = c.owner_id \
     LEFT JOIN assignment_groups g ON g.id = c.group_id LEFT JOIN organisations o ON o.id = c.org_id \
     LEFT JOIN cis l ON l.id = c.location_id";

/// [`SELECT`]'s columns with only the organisation joined: the references but the
/// organisation and the attributes are left empty.
const BRIEF: &str = "SELECT c.id, c.number, c.class_id, c.name, c.status, c.criticality, CAST(NULL AS BIGINT) AS owner_id, \
     CAST(NULL AS BIGINT) AS group_id, c.org_id, CAST(NULL AS BIGINT) AS location_id, '{}' AS attributes, '{}' AS sources, CAST(NULL AS BIGINT) AS seen_at, c.created_at, c.updated_at, \
     k.code AS class_code, CAST(NULL AS TEXT) AS owner_name, CAST(NULL AS TEXT) AS group_name, o.name AS org_name, \
     CAST(NULL AS TEXT) AS location_number FROM cis c JOIN ci_classes k ON k.id = c.class_id \
     LEFT JOIN organisations o ON o.id = c.org_id";

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

pub(crate) fn row(r: &AnyRow) -> Result<CiRow> {
    let number: String = get(r, "number")?;
    let attributes: String = get(r, "attributes")?;
    let ci = Ci {
        id: CiId(get(r, "id")?),
        number: CiNumber::parse(&number).ok_or_else(|| corrupt("number", &number))?,
        class: CiClassId(get(r, "class_id")?),
        name: get(r, "name")?,
        status: CiStatus::parse("status", &get::<String>(r, "status")?).map_err(|e| corrupt("status", e))?,
        criticality: Criticality::parse("criticality", &get::<String>(r, "criticality")?).map_err(|e| corrupt("criticality", e))?,
        owner: get::<Option<i64>>(r, "owner_id")?.map(UserId),
        group: get::<Option<i64>>(r, "group_id")?.map(GroupId),
        org: get::<Option<i64>>(r, "org_id")?.map(OrgId),
        location: get::<Option<i64>>(r, "location_id")?.map(CiId),
        attributes: serde_json::from_str(&attributes).map_err(|e| corrupt("attributes", e))?,
        sources: serde_json::from_str(&get::<String>(r, "sources")?).map_err(|e| corrupt("sources", e))?,
        seen_at: get(r, "seen_at")?,
        created_at: get(r, "created_at")?,
        updated_at: get(r, "updated_at")?,
    };
    Ok(CiRow {
        ci,
        class_code: get(r, "class_code")?,
        owner: get(r, "owner_name")?,
        group: get(r, "group_name")?,
        org: get(r, "org_name")?,
        location: get(r, "location_number")?,
    })
}

fn attributes_text(ci: &Ci) -> Result<String> {
    serde_json::to_string(&ci.attributes).map_err(|e| corrupt("attributes", e))
}

/// The columns a write of the CI sets, named beside their values.
fn fields(ci: &Ci) -> Result<Columns> {
    Ok(Columns::new()
        .set("class_id", Arg::I(ci.class.0))
        .set("name", Arg::S(ci.name.clone()))
        .set("status", Arg::S(ci.status.as_str().into()))
        .set("criticality", Arg::S(ci.criticality.as_str().into()))
        .set("owner_id", Arg::OptI(ci.owner.map(|u| u.0)))
        .set("group_id", Arg::OptI(ci.group.map(|g| g.0)))
        .set("org_id", Arg::OptI(ci.org.map(|o| o.0)))
        .set("location_id", Arg::OptI(ci.location.map(|l| l.0)))
        .set("attributes", Arg::S(attributes_text(ci)?))
        .set("sources", Arg::S(serde_json::to_string(&ci.sources).map_err(|e| corrupt("sources", e))?))
        .set("seen_at", Arg::OptI(ci.seen_at))
        .set("updated_at", Arg::I(ci.updated_at)))
}

pub async fn insert(c: &mut Conn, t: TenantId, ci: &Ci) -> Result<CiId> {
    let (sql, args) = fields(ci)?
        .set("tenant_id", Arg::I(t.0))
        .set("number", Arg::S(ci.number.to_string()))
        .set("created_at", Arg::I(ci.created_at))
        .insert("cis", " RETURNING id");
    let row = bind_all(sql, args).fetch_one(&mut *c).await?;
    super::graph::changed(c, t).await?;
    Ok(CiId(get(&row, "id")?))
}

/// Inserts new CIs (numbered already) in multi-row statements; returns their ids in
/// the order given.
pub async fn insert_many(c: &mut Conn, t: TenantId, cis: &[Ci]) -> Result<Vec<CiId>> {
    let mut ids = Vec::with_capacity(cis.len());
    for chunk in cis.chunks(200) {
        let rows = chunk
            .iter()
            .map(|ci| {
                Ok(fields(ci)?
                    .set("tenant_id", Arg::I(t.0))
                    .set("number", Arg::S(ci.number.to_string()))
                    .set("created_at", Arg::I(ci.created_at)))
            })
            .collect::<Result<Vec<_>>>()?;
        let (sql, args) = Columns::insert_many(rows, "cis");
        bind_all(sql, args).execute(&mut *c).await?;
        let mut args = vec![Arg::I(t.0)];
        let marks: Vec<String> = chunk.iter().map(|ci| push(&mut args, Arg::S(ci.number.to_string()))).collect();
        let sql = format!("SELECT id, number FROM cis WHERE tenant_id = $1 AND number IN ({})", marks.join(", "));
        let found: std::collections::HashMap<String, i64> = bind_all(sql, args)
            .fetch_all(&mut *c)
            .await?
            .iter()
            .map(|r| Ok((get::<String>(r, "number")?, get::<i64>(r, "id")?)))
            .collect::<Result<_>>()?;
        for ci in chunk {
            let id = found.get(ci.number.as_str()).ok_or_else(|| corrupt("number", "a CI inserted is not found"))?;
            ids.push(CiId(*id));
        }
    }
    if !cis.is_empty() {
        super::graph::changed(c, t).await?;
    }
    Ok(ids)
}

/// Marks CIs as seen by an import at `at`.
pub async fn touch_seen(c: &mut Conn, t: TenantId, ids: &[CiId], at: i64) -> Result<()> {
    for chunk in ids.chunks(500) {
        let mut args = vec![Arg::I(t.0), Arg::I(at)];
        let marks: Vec<String> = chunk.iter().map(|id| push(&mut args, Arg::I(id.0))).collect();
        let sql = format!("UPDATE cis SET seen_at = $2 WHERE tenant_id = $1 AND id IN ({})", marks.join(", "));
        bind_all(sql, args).execute(&mut *c).await?;
    }
    Ok(())
}

/// Writes every field of the CI (its number and creation stay).
pub async fn update(c: &mut Conn, t: TenantId, ci: &Ci) -> Result<()> {
    let (sql, args) = fields(ci)?.update("cis", vec![("tenant_id", Arg::I(t.0)), ("id", Arg::I(ci.id.0))]);
    bind_all(sql, args).execute(&mut *c).await?;
    super::graph::changed(c, t).await
}

pub async fn by_number(c: &mut Conn, t: TenantId, number: &CiNumber) -> Result<Option<CiRow>> {
    let sql = format!("{SELECT} WHERE c.tenant_id = $1 AND c.number = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(number.as_str()).fetch_optional(c).await?.as_ref().map(row).transpose()
}

/// The CIs with these ids (in no particular order), in chunks under every backend's
/// parameter limit. The unary `+` keeps SQLite's planner on the primary key: offered
/// an index that starts with `tenant_id`, it would scan the tenant's CIs instead.
pub async fn by_ids(c: &mut Conn, t: TenantId, ids: &[CiId]) -> Result<Vec<CiRow>> {
    read_ids(c, t, SELECT, ids).await
}

/// The rows of `select` for these ids, 500 at a time.
async fn read_ids(c: &mut Conn, t: TenantId, select: &str, ids: &[CiId]) -> Result<Vec<CiRow>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut args = vec![Arg::I(t.0)];
        let marks: Vec<String> = chunk.iter().map(|id| push(&mut args, Arg::I(id.0))).collect();
        let sql = format!("{select} WHERE +c.tenant_id = $1 AND c.id IN ({})", marks.join(", "));
        for r in bind_all(sql, args).fetch_all(&mut *c).await? {
            out.push(row(&r)?);
        }
    }
    Ok(out)
}

/// The CIs with these ids, brief: number, name, class, status, criticality and the
/// organisation's name; attributes and the other references left empty. For walks that
/// reach thousands of CIs (impact analysis), one light read per 500.
pub async fn brief_by_ids(c: &mut Conn, t: TenantId, ids: &[CiId]) -> Result<Vec<CiRow>> {
    read_ids(c, t, BRIEF, ids).await
}

/// A page of CIs: of the classes given (none: all), with `text` in the name, in a
/// status; by id, after `after`.
#[derive(Debug, Clone, Default)]
pub struct CiQuery {
    pub classes: Vec<CiClassId>,
    pub text: Option<String>,
    pub status: Option<CiStatus>,
    pub after: Option<CiId>,
    pub limit: i64,
}

pub async fn list(c: &mut Conn, t: TenantId, q: &CiQuery) -> Result<(Vec<CiRow>, Option<CiId>)> {
    let mut args = vec![Arg::I(t.0)];
    let mut wh = vec!["c.tenant_id = $1".to_string()];
    if !q.classes.is_empty() {
        let marks: Vec<String> = q.classes.iter().map(|k| push(&mut args, Arg::I(k.0))).collect();
        wh.push(format!("c.class_id IN ({})", marks.join(", ")));
    }
    if let Some(text) = q.text.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let like = push(&mut args, Arg::S(format!("%{escaped}%")));
        let exact = push(&mut args, Arg::S(text.to_uppercase()));
        wh.push(format!("(lower(c.name) LIKE {like} ESCAPE '\\' OR c.number = {exact})"));
    }
    if let Some(s) = q.status {
        let p = push(&mut args, Arg::S(s.as_str().into()));
        wh.push(format!("c.status = {p}"));
    }
    if let Some(after) = q.after {
        let p = push(&mut args, Arg::I(after.0));
        wh.push(format!("c.id > {p}"));
    }
    let limit = q.limit.clamp(1, 200);
    let pl = push(&mut args, Arg::I(limit + 1));
    let sql = format!("{SELECT} WHERE {} ORDER BY c.id LIMIT {pl}", wh.join(" AND "));
    let mut rows = bind_all(sql, args).fetch_all(c).await?.iter().map(row).collect::<Result<Vec<_>>>()?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.ci.id)
    } else {
        None
    };
    Ok((rows, next))
}

pub async fn count(c: &mut Conn, t: TenantId) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM cis WHERE tenant_id = $1").bind(t.0).fetch_one(c).await?)
}

/// Replaces the CI's indexed key values.
pub async fn set_keys(c: &mut Conn, t: TenantId, ci: CiId, keys: &[(CiAttributeId, String)]) -> Result<()> {
    sqlx::query("DELETE FROM ci_keys WHERE tenant_id = $1 AND ci_id = $2").bind(t.0).bind(ci.0).execute(&mut *c).await?;
    for (attribute, value) in keys {
        sqlx::query("INSERT INTO ci_keys (tenant_id, attribute_id, value, ci_id) VALUES ($1, $2, $3, $4)")
            .bind(t.0)
            .bind(attribute.0)
            .bind(value)
            .bind(ci.0)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// Adds key values of new CIs, in multi-row statements.
pub async fn add_keys(c: &mut Conn, t: TenantId, keys: &[(CiId, CiAttributeId, String)]) -> Result<()> {
    for chunk in keys.chunks(500) {
        let rows = chunk
            .iter()
            .map(|(ci, a, v)| {
                Columns::new()
                    .set("tenant_id", Arg::I(t.0))
                    .set("attribute_id", Arg::I(a.0))
                    .set("value", Arg::S(v.clone()))
                    .set("ci_id", Arg::I(ci.0))
            })
            .collect();
        let (sql, args) = Columns::insert_many(rows, "ci_keys");
        bind_all(sql, args).execute(&mut *c).await?;
    }
    Ok(())
}

/// The CIs holding any of these key values: `(attribute, value, CI)` for each match.
pub async fn with_keys(c: &mut Conn, t: TenantId, keys: &[(CiAttributeId, String)]) -> Result<Vec<(CiAttributeId, String, CiId)>> {
    let mut out = Vec::new();
    let mut attributes: Vec<i64> = keys.iter().map(|(a, _)| a.0).collect();
    attributes.sort_unstable();
    attributes.dedup();
    let mut values: Vec<&str> = keys.iter().map(|(_, v)| v.as_str()).collect();
    values.sort_unstable();
    values.dedup();
    for chunk in values.chunks(500) {
        let mut args = vec![Arg::I(t.0)];
        let a: Vec<String> = attributes.iter().map(|id| push(&mut args, Arg::I(*id))).collect();
        let v: Vec<String> = chunk.iter().map(|s| push(&mut args, Arg::S((*s).to_string()))).collect();
        let sql = format!(
            "SELECT attribute_id, value, ci_id FROM ci_keys WHERE tenant_id = $1 AND attribute_id IN ({}) AND value IN ({})",
            a.join(", "),
            v.join(", ")
        );
        for r in bind_all(sql, args).fetch_all(&mut *c).await? {
            out.push((CiAttributeId(get(&r, "attribute_id")?), get(&r, "value")?, CiId(get(&r, "ci_id")?)));
        }
    }
    Ok(out)
}

/// Refreshes PostgreSQL's statistics of the CI tables, which an import may grow many
/// times over while autovacuum waits: the key lookups were planned for empty tables
/// (SQLite plans them well without).
pub async fn refresh_statistics(c: &mut Conn, backend: crate::Backend) -> Result<()> {
    if backend == crate::Backend::Postgres {
        sqlx::query("ANALYZE cis, ci_keys, ci_relations").execute(c).await?;
    }
    Ok(())
}

/// Every indexed key value of these CIs: `(attribute, value, CI)`.
pub async fn keys_of(c: &mut Conn, t: TenantId, ids: &[CiId]) -> Result<Vec<(CiAttributeId, String, CiId)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let mut args = vec![Arg::I(t.0)];
        let marks: Vec<String> = chunk.iter().map(|id| push(&mut args, Arg::I(id.0))).collect();
        let sql = format!("SELECT attribute_id, value, ci_id FROM ci_keys WHERE tenant_id = $1 AND ci_id IN ({})", marks.join(", "));
        for r in bind_all(sql, args).fetch_all(&mut *c).await? {
            out.push((CiAttributeId(get(&r, "attribute_id")?), get(&r, "value")?, CiId(get(&r, "ci_id")?)));
        }
    }
    Ok(out)
}

/// The CIs whose `attribute` has `value`.
pub async fn with_key(c: &mut Conn, t: TenantId, attribute: CiAttributeId, value: &str) -> Result<Vec<CiId>> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT ci_id FROM ci_keys WHERE tenant_id = $1 AND attribute_id = $2 AND value = $3 ORDER BY ci_id")
            .bind(t.0)
            .bind(attribute.0)
            .bind(value)
            .fetch_all(c)
            .await?;
    Ok(ids.into_iter().map(CiId).collect())
}
