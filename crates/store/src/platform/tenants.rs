//! The tenants themselves. Functions on one tenant take it first, like every store
//! function; [`by_slug`], [`all`] and [`insert`] come before there is a tenant to name
//! (a sign-in by slug, the installation's schedules, setup).

use cairn_domain::ids::TenantId;
use cairn_domain::platform::journal::GENESIS;
use cairn_domain::platform::news::MailChoice;
use cairn_domain::ticket::priority::PriorityMatrix;
use sqlx::any::AnyRow;

use crate::engine::row::get;
use crate::error::Result;
use crate::{Conn, StoreError};

#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub priority_matrix: PriorityMatrix,
    /// Days after which a resolved ticket closes by itself; 0 = never.
    pub auto_close_days: i64,
    /// The time zone its people see times in unless they choose their own.
    pub time_zone: String,
    /// The news mailed to requesters and to staff who have not chosen their own.
    pub mail_news_requesters: MailChoice,
    pub mail_news_staff: MailChoice,
}

fn tenant(r: &AnyRow) -> Result<Tenant> {
    Ok(Tenant {
        id: TenantId(get(r, "id")?),
        slug: get(r, "slug")?,
        name: get(r, "name")?,
        priority_matrix: matrix(r)?,
        auto_close_days: get(r, "auto_close_days")?,
        time_zone: get(r, "time_zone")?,
        mail_news_requesters: MailChoice::from_stored(&get::<String>(r, "mail_news_requesters")?),
        mail_news_staff: MailChoice::from_stored(&get::<String>(r, "mail_news_staff")?),
    })
}

fn matrix(r: &AnyRow) -> Result<PriorityMatrix> {
    let matrix: String = get(r, "priority_matrix")?;
    serde_json::from_str(&matrix).map_err(|e| StoreError::Corrupt(e.to_string()))
}

const COLS: &str = "SELECT id, slug, name, priority_matrix, auto_close_days, time_zone, mail_news_requesters, mail_news_staff FROM tenants";

pub async fn by_slug(c: &mut Conn, slug: &str) -> Result<Option<Tenant>> {
    let row = sqlx::query(crate::joined(COLS, " WHERE slug = $1")).bind(slug).fetch_optional(c).await?;
    row.as_ref().map(tenant).transpose()
}

pub async fn by_id(c: &mut Conn, id: TenantId) -> Result<Option<Tenant>> {
    let row = sqlx::query(crate::joined(COLS, " WHERE id = $1")).bind(id.0).fetch_optional(c).await?;
    row.as_ref().map(tenant).transpose()
}

pub async fn all(c: &mut Conn) -> Result<Vec<Tenant>> {
    let rows = sqlx::query(crate::joined(COLS, " ORDER BY id")).fetch_all(c).await?;
    rows.iter().map(tenant).collect()
}

pub async fn insert(c: &mut Conn, slug: &str, name: &str, now: i64) -> Result<TenantId> {
    let matrix = serde_json::to_string(&PriorityMatrix::default()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO tenants (slug, name, priority_matrix, journal_seq, journal_head, created_at) \
         VALUES ($1, $2, $3, 0, $4, $5) RETURNING id",
    )
    .bind(slug)
    .bind(name)
    .bind(matrix)
    .bind(GENESIS)
    .bind(now)
    .fetch_one(c)
    .await?;
    Ok(TenantId(id))
}

pub async fn set_priority_matrix(c: &mut Conn, id: TenantId, m: &PriorityMatrix) -> Result<()> {
    let matrix = serde_json::to_string(m).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query("UPDATE tenants SET priority_matrix = $1 WHERE id = $2").bind(matrix).bind(id.0).execute(c).await?;
    Ok(())
}

pub async fn set_auto_close_days(c: &mut Conn, id: TenantId, days: i64) -> Result<()> {
    sqlx::query("UPDATE tenants SET auto_close_days = $1 WHERE id = $2").bind(days).bind(id.0).execute(c).await?;
    Ok(())
}

/// Sets the news mailed by default to requesters and to staff.
pub async fn set_mail_news(c: &mut Conn, id: TenantId, requesters: &MailChoice, staff: &MailChoice) -> Result<()> {
    sqlx::query("UPDATE tenants SET mail_news_requesters = $1, mail_news_staff = $2 WHERE id = $3")
        .bind(requesters.to_stored())
        .bind(staff.to_stored())
        .bind(id.0)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn set_time_zone(c: &mut Conn, id: TenantId, zone: &str) -> Result<()> {
    sqlx::query("UPDATE tenants SET time_zone = $1 WHERE id = $2").bind(zone).bind(id.0).execute(c).await?;
    Ok(())
}

/// A new human number, with the tenant settings a new record needs.
#[derive(Debug, Clone)]
pub struct Numbered {
    pub seq: i64,
    pub priority_matrix: PriorityMatrix,
}

/// Next human number for a prefix in a tenant (`INC` → 1, 2, …). The row lock held
/// until commit keeps numbers unique and gap-free across instances. The tenant's
/// priority matrix comes back in the same statement: a create needs both, and on the
/// SQLite writer every statement is a round trip on the serial path.
pub async fn next_number(c: &mut Conn, id: TenantId, prefix: &str) -> Result<Numbered> {
    let row = sqlx::query(
        "INSERT INTO number_sequences (tenant_id, prefix, last_value) VALUES ($1, $2, 1) \
         ON CONFLICT (tenant_id, prefix) DO UPDATE SET last_value = number_sequences.last_value + 1 \
         RETURNING last_value, (SELECT priority_matrix FROM tenants WHERE id = $1) AS priority_matrix",
    )
    .bind(id.0)
    .bind(prefix)
    .fetch_one(c)
    .await?;
    Ok(Numbered { seq: get(&row, "last_value")?, priority_matrix: matrix(&row)? })
}

/// Reserves `n` consecutive numbers for a prefix (bulk loads); returns the first.
pub async fn reserve_numbers(c: &mut Conn, id: TenantId, prefix: &str, n: i64) -> Result<i64> {
    let last: i64 = sqlx::query_scalar(
        "INSERT INTO number_sequences (tenant_id, prefix, last_value) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, prefix) DO UPDATE SET last_value = number_sequences.last_value + $3 RETURNING last_value",
    )
    .bind(id.0)
    .bind(prefix)
    .bind(n)
    .fetch_one(c)
    .await?;
    Ok(last - n + 1)
}
