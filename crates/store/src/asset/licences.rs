//! Software products, their entitlements and installations, and the sums the
//! compliance report is made of.

use std::collections::HashMap;

use cairn_domain::asset::Money;
use cairn_domain::asset::licence::{LicenceModel, Usage};
use cairn_domain::ids::{CiId, ContractId, EntitlementId, ProductId, TenantId, UserId};
use sqlx::any::AnyRow;

use crate::Conn;
use crate::engine::args::{Arg, Columns, bind_all};
use crate::engine::row::get;
use crate::error::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub id: ProductId,
    pub name: String,
    pub publisher: Option<String>,
    pub model: LicenceModel,
}

fn product(r: &AnyRow) -> Result<Product> {
    Ok(Product {
        id: ProductId(get(r, "id")?),
        name: get(r, "name")?,
        publisher: get(r, "publisher")?,
        model: LicenceModel::parse("licence_model", &get::<String>(r, "licence_model")?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
    })
}

pub async fn product_by_name(c: &mut Conn, t: TenantId, name: &str) -> Result<Option<Product>> {
    let r =
        sqlx::query("SELECT id, name, publisher, licence_model FROM software_products WHERE tenant_id = $1 AND lower(name) = lower($2)")
            .bind(t.0)
            .bind(name)
            .fetch_optional(c)
            .await?;
    r.as_ref().map(product).transpose()
}

pub async fn products(c: &mut Conn, t: TenantId) -> Result<Vec<Product>> {
    let rows = sqlx::query("SELECT id, name, publisher, licence_model FROM software_products WHERE tenant_id = $1 ORDER BY name")
        .bind(t.0)
        .fetch_all(c)
        .await?;
    rows.iter().map(product).collect()
}

pub async fn insert_product(
    c: &mut Conn,
    t: TenantId,
    name: &str,
    publisher: Option<&str>,
    model: LicenceModel,
    now: i64,
) -> Result<ProductId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO software_products (tenant_id, name, publisher, licence_model, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(t.0)
    .bind(name)
    .bind(publisher)
    .bind(model.as_str())
    .bind(now)
    .fetch_one(c)
    .await?;
    Ok(ProductId(id))
}

/// Licences bought for a product, perhaps under a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entitlement {
    pub id: EntitlementId,
    pub product: ProductId,
    pub product_name: String,
    pub contract: Option<ContractId>,
    pub quantity: i64,
    pub unit_price: Money,
    pub created_at: i64,
}

pub async fn insert_entitlement(
    c: &mut Conn,
    t: TenantId,
    p: ProductId,
    contract: Option<ContractId>,
    (quantity, unit_price): (i64, Money),
    now: i64,
) -> Result<EntitlementId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO entitlements (tenant_id, product_id, contract_id, quantity, unit_price, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(t.0)
    .bind(p.0)
    .bind(contract.map(|k| k.0))
    .bind(quantity)
    .bind(unit_price.0)
    .bind(now)
    .fetch_one(c)
    .await?;
    Ok(EntitlementId(id))
}

pub async fn entitlements(c: &mut Conn, t: TenantId) -> Result<Vec<Entitlement>> {
    let rows = sqlx::query(
        "SELECT e.id, e.product_id, p.name, e.contract_id, e.quantity, e.unit_price, e.created_at FROM entitlements e \
         JOIN software_products p ON p.id = e.product_id WHERE e.tenant_id = $1 ORDER BY p.name, e.id",
    )
    .bind(t.0)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Entitlement {
                id: EntitlementId(get(r, "id")?),
                product: ProductId(get(r, "product_id")?),
                product_name: get(r, "name")?,
                contract: get::<Option<i64>>(r, "contract_id")?.map(ContractId),
                quantity: get(r, "quantity")?,
                unit_price: Money(get(r, "unit_price")?),
                created_at: get(r, "created_at")?,
            })
        })
        .collect()
}

/// One use of a product: installed on a device (a CI), or assigned to a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installation {
    pub product: ProductId,
    pub ci: Option<CiId>,
    pub user: Option<UserId>,
    pub cores: i64,
    pub version: Option<String>,
    /// manual, import or the name of a discovery source.
    pub source: String,
}

/// Inserts installations in multi-row statements.
pub async fn insert_installations(c: &mut Conn, t: TenantId, all: &[Installation], now: i64) -> Result<()> {
    for chunk in all.chunks(200) {
        let rows = chunk
            .iter()
            .map(|i| {
                Columns::new()
                    .set("tenant_id", Arg::I(t.0))
                    .set("product_id", Arg::I(i.product.0))
                    .set("ci_id", Arg::OptI(i.ci.map(|x| x.0)))
                    .set("user_id", Arg::OptI(i.user.map(|x| x.0)))
                    .set("cores", Arg::I(i.cores))
                    .set("version", Arg::OptS(i.version.clone()))
                    .set("source", Arg::S(i.source.clone()))
                    .set("created_at", Arg::I(now))
            })
            .collect();
        let (sql, args) = Columns::insert_many(rows, "installations");
        bind_all(sql, args).execute(&mut *c).await?;
    }
    Ok(())
}

/// Per product: licences owned and the unit price of the latest entitlement.
pub async fn owned(c: &mut Conn, t: TenantId) -> Result<HashMap<ProductId, (i64, Money)>> {
    let rows = sqlx::query(
        "SELECT e.product_id, CAST(SUM(e.quantity) AS BIGINT) AS qty, \
         (SELECT l.unit_price FROM entitlements l WHERE l.tenant_id = e.tenant_id AND l.product_id = e.product_id ORDER BY l.id DESC LIMIT 1) AS price \
         FROM entitlements e WHERE e.tenant_id = $1 GROUP BY e.tenant_id, e.product_id",
    )
    .bind(t.0)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok((ProductId(get(r, "product_id")?), (get(r, "qty")?, Money(get(r, "price")?))))).collect()
}

/// Per product: distinct devices, distinct people, and cores (each device's largest).
pub async fn usage(c: &mut Conn, t: TenantId) -> Result<HashMap<ProductId, Usage>> {
    let rows = sqlx::query(
        "SELECT product_id, COUNT(ci_id) AS devices, CAST(SUM(cores) AS BIGINT) AS cores, CAST(0 AS BIGINT) AS users FROM \
         (SELECT product_id, ci_id, MAX(cores) AS cores FROM installations WHERE tenant_id = $1 AND ci_id IS NOT NULL GROUP BY product_id, ci_id) d \
         GROUP BY product_id \
         UNION ALL SELECT product_id, CAST(0 AS BIGINT) AS devices, CAST(0 AS BIGINT) AS cores, COUNT(DISTINCT user_id) AS users FROM installations \
         WHERE tenant_id = $1 AND user_id IS NOT NULL GROUP BY product_id",
    )
    .bind(t.0)
    .fetch_all(c)
    .await?;
    let mut out: HashMap<ProductId, Usage> = HashMap::new();
    for r in rows {
        let u = out.entry(ProductId(get(&r, "product_id")?)).or_default();
        u.devices += get::<i64>(&r, "devices")?;
        u.cores += get::<i64>(&r, "cores")?;
        u.users += get::<i64>(&r, "users")?;
    }
    Ok(out)
}

/// A use worth reclaiming: installed on a retired device, or held by a disabled person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reclaim {
    pub product: String,
    pub ci: Option<String>,
    pub user: Option<String>,
    pub reason: String,
}

/// Up to `limit` uses to reclaim, by product.
pub async fn reclaimable(c: &mut Conn, t: TenantId, limit: i64) -> Result<Vec<Reclaim>> {
    let rows = sqlx::query(
        "SELECT p.name, ci.number, u.username, \
         CASE WHEN u.disabled = 1 THEN 'the person is disabled' \
              WHEN ci.status = 'retired' THEN 'the device is retired' \
              ELSE 'the device''s asset is retired, disposed of or lost' END AS reason \
         FROM installations i JOIN software_products p ON p.id = i.product_id \
         LEFT JOIN cis ci ON ci.id = i.ci_id LEFT JOIN users u ON u.id = i.user_id \
         WHERE i.tenant_id = $1 AND (u.disabled = 1 OR ci.status = 'retired' OR EXISTS (SELECT 1 FROM assets a \
           WHERE a.tenant_id = $1 AND a.ci_id = i.ci_id AND a.state IN ('retired', 'disposed', 'lost'))) \
         ORDER BY p.name, ci.number, u.username LIMIT $2",
    )
    .bind(t.0)
    .bind(limit)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| Ok(Reclaim { product: get(r, "name")?, ci: get(r, "number")?, user: get(r, "username")?, reason: get(r, "reason")? }))
        .collect()
}

pub async fn installation_count(c: &mut Conn, t: TenantId) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM installations WHERE tenant_id = $1").bind(t.0).fetch_one(c).await?)
}
