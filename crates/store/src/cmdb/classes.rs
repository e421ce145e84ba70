//! A tenant's CI classes and attributes.

use cairn_domain::cmdb::class::{AttributeDef, AttributeKind, Class};
use cairn_domain::ids::{CiAttributeId, CiClassId, TenantId};

use crate::Conn;
use crate::engine::row::get;
use crate::error::{Result, StoreError};

/// Every class of the tenant with the attributes it defines, parents before children
/// as they were added.
pub async fn all(c: &mut Conn, t: TenantId) -> Result<Vec<Class>> {
    let rows = sqlx::query("SELECT id, code, label, parent_id FROM ci_classes WHERE tenant_id = $1 ORDER BY id")
        .bind(t.0)
        .fetch_all(&mut *c)
        .await?;
    let mut classes = rows
        .iter()
        .map(|r| {
            Ok(Class {
                id: CiClassId(get(r, "id")?),
                code: get(r, "code")?,
                label: get(r, "label")?,
                parent: get::<Option<i64>>(r, "parent_id")?.map(CiClassId),
                attributes: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let rows = sqlx::query(
        "SELECT id, class_id, code, label, kind, enum_values, target, required, is_unique, key_rule FROM ci_attributes \
         WHERE tenant_id = $1 ORDER BY class_id, position, id",
    )
    .bind(t.0)
    .fetch_all(c)
    .await?;
    for r in &rows {
        let class = CiClassId(get(r, "class_id")?);
        let values: Vec<String> =
            serde_json::from_str(&get::<String>(r, "enum_values")?).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let target: Option<String> = get(r, "target")?;
        let kind = AttributeKind::from_parts(&get::<String>(r, "kind")?, &values, target.as_deref())
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let key: Option<i64> = get(r, "key_rule")?;
        let def = AttributeDef {
            id: CiAttributeId(get(r, "id")?),
            code: get(r, "code")?,
            label: get(r, "label")?,
            kind,
            required: get::<i64>(r, "required")? != 0,
            unique: get::<i64>(r, "is_unique")? != 0,
            key: key.and_then(|k| u8::try_from(k).ok()),
        };
        if let Some(cl) = classes.iter_mut().find(|cl| cl.id == class) {
            cl.attributes.push(def);
        }
    }
    Ok(classes)
}

/// The tenants that have no classes yet (the whole installation: at start).
pub async fn tenants_without(c: &mut Conn) -> Result<Vec<TenantId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT t.id FROM tenants t WHERE NOT EXISTS (SELECT 1 FROM ci_classes k WHERE k.tenant_id = t.id) ORDER BY t.id",
    )
    .fetch_all(c)
    .await?;
    Ok(ids.into_iter().map(TenantId).collect())
}

pub async fn has_any(c: &mut Conn, t: TenantId) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ci_classes WHERE tenant_id = $1").bind(t.0).fetch_one(c).await?;
    Ok(n > 0)
}

pub async fn insert_class(c: &mut Conn, t: TenantId, code: &str, label: &str, parent: Option<CiClassId>, now: i64) -> Result<CiClassId> {
    Ok(CiClassId(
        sqlx::query_scalar(
            "INSERT INTO ci_classes (tenant_id, code, label, parent_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(t.0)
        .bind(code)
        .bind(label)
        .bind(parent.map(|p| p.0))
        .bind(now)
        .fetch_one(c)
        .await?,
    ))
}

pub async fn insert_attribute(c: &mut Conn, t: TenantId, class: CiClassId, a: &AttributeDef) -> Result<CiAttributeId> {
    let (values, target) = match &a.kind {
        AttributeKind::Enum(v) => (v.clone(), None),
        AttributeKind::Reference(r) => (Vec::new(), Some(r.as_str())),
        _ => (Vec::new(), None),
    };
    let values = serde_json::to_string(&values).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(CiAttributeId(
        sqlx::query_scalar(
            "INSERT INTO ci_attributes (tenant_id, class_id, code, label, kind, enum_values, target, required, is_unique, key_rule, position) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, (SELECT COUNT(*) FROM ci_attributes WHERE tenant_id = $1 AND class_id = $2)) RETURNING id",
        )
        .bind(t.0)
        .bind(class.0)
        .bind(&a.code)
        .bind(&a.label)
        .bind(a.kind.code())
        .bind(values)
        .bind(target)
        .bind(i64::from(a.required))
        .bind(i64::from(a.unique))
        .bind(a.key.map(i64::from))
        .fetch_one(c)
        .await?,
    ))
}
