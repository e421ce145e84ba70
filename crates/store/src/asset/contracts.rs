//! Contracts, what they cover, their documents and the alerts already sent.

use cairn_domain::asset::Money;
use cairn_domain::asset::contract::{Billing, ContractKind, Deadline};
use cairn_domain::ids::{AssetId, CiId, ContractId, TenantId, TicketId, UserId};
use jiff::civil::Date;
use sqlx::any::AnyRow;

use super::date;
use crate::Conn;
use crate::engine::args::{Arg, Columns, bind_all};
use crate::engine::row::get;
use crate::error::{Result, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    pub id: ContractId,
    pub kind: ContractKind,
    pub name: String,
    pub vendor: Option<String>,
    /// The vendor's contract number.
    pub reference: Option<String>,
    pub owner: Option<UserId>,
    pub starts_on: Date,
    pub ends_on: Date,
    pub cost: Money,
    pub billing: Billing,
    pub auto_renew: bool,
    pub renewal_terms: Option<String>,
    pub notice_days: u32,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A contract with its owner's username.
#[derive(Debug, Clone, PartialEq)]
pub struct ContractRow {
    pub contract: Contract,
    pub owner: Option<String>,
}

/// What a contract covers: an asset (by tag) or a CI (by number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Covered {
    Asset(AssetId, String),
    Ci(CiId, String),
}

const SELECT: &str = "SELECT k.id, k.kind, k.name, k.vendor, k.reference, k.owner_id, k.starts_on, k.ends_on, k.cost, k.billing, \
     k.auto_renew, k.renewal_terms, k.notice_days, k.version, k.created_at, k.updated_at, u.username AS owner_name \
     FROM contracts k LEFT JOIN users u ON u.id = k.owner_id";

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn required_date(r: &AnyRow, col: &str) -> Result<Date> {
    date(col, Some(get(r, col)?))?.ok_or_else(|| corrupt(col, "missing"))
}

fn row(r: &AnyRow) -> Result<ContractRow> {
    Ok(ContractRow {
        contract: Contract {
            id: ContractId(get(r, "id")?),
            kind: ContractKind::parse("kind", &get::<String>(r, "kind")?).map_err(|e| corrupt("kind", e))?,
            name: get(r, "name")?,
            vendor: get(r, "vendor")?,
            reference: get(r, "reference")?,
            owner: get::<Option<i64>>(r, "owner_id")?.map(UserId),
            starts_on: required_date(r, "starts_on")?,
            ends_on: required_date(r, "ends_on")?,
            cost: Money(get(r, "cost")?),
            billing: Billing::parse("billing", &get::<String>(r, "billing")?).map_err(|e| corrupt("billing", e))?,
            auto_renew: get::<i64>(r, "auto_renew")? != 0,
            renewal_terms: get(r, "renewal_terms")?,
            notice_days: u32::try_from(get::<i64>(r, "notice_days")?).map_err(|e| corrupt("notice_days", e))?,
            version: get(r, "version")?,
            created_at: get(r, "created_at")?,
            updated_at: get(r, "updated_at")?,
        },
        owner: get(r, "owner_name")?,
    })
}

fn fields(k: &Contract) -> Columns {
    Columns::new()
        .set("kind", Arg::S(k.kind.as_str().into()))
        .set("name", Arg::S(k.name.clone()))
        .set("vendor", Arg::OptS(k.vendor.clone()))
        .set("reference", Arg::OptS(k.reference.clone()))
        .set("owner_id", Arg::OptI(k.owner.map(|u| u.0)))
        .set("starts_on", Arg::S(k.starts_on.to_string()))
        .set("ends_on", Arg::S(k.ends_on.to_string()))
        .set("cost", Arg::I(k.cost.0))
        .set("billing", Arg::S(k.billing.as_str().into()))
        .set("auto_renew", Arg::I(i64::from(k.auto_renew)))
        .set("renewal_terms", Arg::OptS(k.renewal_terms.clone()))
        .set("notice_days", Arg::I(i64::from(k.notice_days)))
        .set("version", Arg::I(k.version))
        .set("updated_at", Arg::I(k.updated_at))
}

pub async fn insert(c: &mut Conn, t: TenantId, k: &Contract) -> Result<ContractId> {
    let (sql, args) = fields(k).set("tenant_id", Arg::I(t.0)).set("created_at", Arg::I(k.created_at)).insert("contracts", " RETURNING id");
    let row = bind_all(sql, args).fetch_one(&mut *c).await?;
    Ok(ContractId(get(&row, "id")?))
}

pub async fn update(c: &mut Conn, t: TenantId, k: &Contract) -> Result<()> {
    let (sql, args) = fields(k).update("contracts", vec![("tenant_id", Arg::I(t.0)), ("id", Arg::I(k.id.0))]);
    bind_all(sql, args).execute(&mut *c).await?;
    Ok(())
}

pub async fn by_id(c: &mut Conn, t: TenantId, id: ContractId) -> Result<Option<ContractRow>> {
    let sql = format!("{SELECT} WHERE k.tenant_id = $1 AND k.id = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(id.0).fetch_optional(c).await?.as_ref().map(row).transpose()
}

/// The contracts in force on `on` (started, not ended) that end by `until`, soonest
/// first; with no `until`, every contract by end date.
pub async fn list(c: &mut Conn, t: TenantId, on: Option<Date>, until: Option<Date>) -> Result<Vec<ContractRow>> {
    let rows = match (on, until) {
        (Some(on), Some(until)) => {
            let sql = format!("{SELECT} WHERE k.tenant_id = $1 AND k.ends_on >= $2 AND k.ends_on <= $3 ORDER BY k.ends_on, k.id");
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(on.to_string()).bind(until.to_string()).fetch_all(c).await?
        }
        _ => {
            let sql = format!("{SELECT} WHERE k.tenant_id = $1 ORDER BY k.ends_on, k.id");
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).fetch_all(c).await?
        }
    };
    rows.iter().map(row).collect()
}

/// Replaces what the contract covers.
pub async fn set_covered(c: &mut Conn, t: TenantId, id: ContractId, covered: &[Covered]) -> Result<()> {
    sqlx::query("DELETE FROM contract_items WHERE tenant_id = $1 AND contract_id = $2").bind(t.0).bind(id.0).execute(&mut *c).await?;
    for item in covered {
        let (asset, ci) = match item {
            Covered::Asset(a, _) => (Some(a.0), None),
            Covered::Ci(ci, _) => (None, Some(ci.0)),
        };
        sqlx::query("INSERT INTO contract_items (tenant_id, contract_id, asset_id, ci_id) VALUES ($1, $2, $3, $4)")
            .bind(t.0)
            .bind(id.0)
            .bind(asset)
            .bind(ci)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// What the contract covers, assets first, each by tag or number.
pub async fn covered(c: &mut Conn, t: TenantId, id: ContractId) -> Result<Vec<Covered>> {
    let rows = sqlx::query(
        "SELECT i.asset_id, a.tag, i.ci_id, ci.number FROM contract_items i LEFT JOIN assets a ON a.id = i.asset_id \
         LEFT JOIN cis ci ON ci.id = i.ci_id WHERE i.tenant_id = $1 AND i.contract_id = $2 ORDER BY a.tag, ci.number",
    )
    .bind(t.0)
    .bind(id.0)
    .fetch_all(c)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        match (get::<Option<i64>>(&r, "asset_id")?, get::<Option<i64>>(&r, "ci_id")?) {
            (Some(a), _) => out.push(Covered::Asset(AssetId(a), get::<Option<String>>(&r, "tag")?.unwrap_or_default())),
            (None, Some(ci)) => out.push(Covered::Ci(CiId(ci), get::<Option<String>>(&r, "number")?.unwrap_or_default())),
            (None, None) => {}
        }
    }
    Ok(out)
}

/// The contracts in force on `on` covering any of these CIs (directly, or through the
/// asset recorded as the CI): `(CI, contract)` pairs.
pub async fn covering_cis(c: &mut Conn, t: TenantId, cis: &[CiId], on: Date) -> Result<Vec<(CiId, ContractRow)>> {
    let mut out = Vec::new();
    for ci in cis {
        let sql = format!(
            "{SELECT} WHERE k.tenant_id = $1 AND k.starts_on <= $3 AND k.ends_on >= $3 AND k.id IN (\
             SELECT i.contract_id FROM contract_items i LEFT JOIN assets a ON a.id = i.asset_id \
             WHERE i.tenant_id = $1 AND (i.ci_id = $2 OR a.ci_id = $2)) ORDER BY k.kind, k.ends_on"
        );
        for r in sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(ci.0).bind(on.to_string()).fetch_all(&mut *c).await? {
            out.push((*ci, row(&r)?));
        }
    }
    Ok(out)
}

/// The contracts covering the asset, any time.
pub async fn covering_asset(c: &mut Conn, t: TenantId, asset: AssetId) -> Result<Vec<ContractRow>> {
    let sql = format!(
        "{SELECT} WHERE k.tenant_id = $1 AND k.id IN (SELECT contract_id FROM contract_items WHERE tenant_id = $1 AND asset_id = $2) \
         ORDER BY k.ends_on"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(asset.0).fetch_all(c).await?.iter().map(row).collect()
}

/// A document filed with a contract (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: i64,
}

pub async fn add_document(
    c: &mut Conn,
    t: TenantId,
    id: ContractId,
    by: UserId,
    (filename, content_type, body): (&str, &str, &[u8]),
    now: i64,
) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO contract_documents (tenant_id, contract_id, filename, content_type, body, size, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(t.0)
    .bind(id.0)
    .bind(filename)
    .bind(content_type)
    .bind(body)
    .bind(body.len() as i64)
    .bind(by.0)
    .bind(now)
    .fetch_one(c)
    .await?;
    get(&r, "id")
}

pub async fn documents(c: &mut Conn, t: TenantId, id: ContractId) -> Result<Vec<Document>> {
    let rows = sqlx::query(
        "SELECT id, filename, content_type, size, created_at FROM contract_documents WHERE tenant_id = $1 AND contract_id = $2 ORDER BY id",
    )
    .bind(t.0)
    .bind(id.0)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Document {
                id: get(r, "id")?,
                filename: get(r, "filename")?,
                content_type: get(r, "content_type")?,
                size: get(r, "size")?,
                created_at: get(r, "created_at")?,
            })
        })
        .collect()
}

/// A document and its bytes.
pub async fn document(c: &mut Conn, t: TenantId, id: ContractId, doc: i64) -> Result<Option<(Document, Vec<u8>)>> {
    let r = sqlx::query(
        "SELECT id, filename, content_type, size, created_at, body FROM contract_documents WHERE tenant_id = $1 AND contract_id = $2 AND id = $3",
    )
    .bind(t.0)
    .bind(id.0)
    .bind(doc)
    .fetch_optional(c)
    .await?;
    r.map(|r| {
        Ok((
            Document {
                id: get(&r, "id")?,
                filename: get(&r, "filename")?,
                content_type: get(&r, "content_type")?,
                size: get(&r, "size")?,
                created_at: get(&r, "created_at")?,
            },
            get(&r, "body")?,
        ))
    })
    .transpose()
}

/// Records an alert as sent; false when it was already (another worker, a second run).
pub async fn claim_alert(
    c: &mut Conn,
    t: TenantId,
    id: ContractId,
    (deadline, deadline_on, lead): (Deadline, Date, u32),
    ticket: Option<TicketId>,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO contract_alerts (tenant_id, contract_id, deadline, deadline_on, lead_days, ticket_id, fired_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(t.0)
    .bind(id.0)
    .bind(deadline.as_str())
    .bind(deadline_on.to_string())
    .bind(i64::from(lead))
    .bind(ticket.map(|t| t.0))
    .bind(now)
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The alerts sent for a contract: `(deadline, deadline_on, lead, ticket number)`, in order.
pub async fn alerts_sent(c: &mut Conn, t: TenantId, id: ContractId) -> Result<Vec<(String, String, i64, Option<String>)>> {
    let rows = sqlx::query(
        "SELECT a.deadline, a.deadline_on, a.lead_days, tk.number FROM contract_alerts a LEFT JOIN tickets tk ON tk.id = a.ticket_id \
         WHERE a.tenant_id = $1 AND a.contract_id = $2 ORDER BY a.fired_at, a.lead_days DESC",
    )
    .bind(t.0)
    .bind(id.0)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok((get(r, "deadline")?, get(r, "deadline_on")?, get(r, "lead_days")?, get(r, "number")?))).collect()
}
