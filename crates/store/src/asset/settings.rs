//! The tenant's asset settings: its currency, the month its fiscal year starts in, the
//! depreciation convention, and the lead times of contract alerts.

use cairn_domain::asset::Convention;
use cairn_domain::ids::TenantId;

use crate::engine::row::get;
use crate::error::Result;
use crate::{Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetSettings {
    /// An ISO 4217 code such as EUR; amounts have two decimals.
    pub currency: String,
    /// 1–12: the month the fiscal year starts in.
    pub fiscal_year_start: i8,
    pub convention: Convention,
    /// Days before a deadline its owner is told, largest first.
    pub lead_days: Vec<u32>,
}

pub async fn get_for(c: &mut Conn, t: TenantId) -> Result<AssetSettings> {
    let r = sqlx::query("SELECT currency, fiscal_year_start, depreciation_convention, contract_lead_days FROM tenants WHERE id = $1")
        .bind(t.0)
        .fetch_one(c)
        .await?;
    let corrupt = |e: String| StoreError::Corrupt(e);
    let convention: String = get(&r, "depreciation_convention")?;
    let lead: String = get(&r, "contract_lead_days")?;
    Ok(AssetSettings {
        currency: get(&r, "currency")?,
        fiscal_year_start: i8::try_from(get::<i64>(&r, "fiscal_year_start")?).map_err(|e| corrupt(e.to_string()))?,
        convention: Convention::parse("depreciation_convention", &convention).map_err(|e| corrupt(e.to_string()))?,
        lead_days: lead
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().map_err(|_| corrupt(format!("contract_lead_days: {lead}"))))
            .collect::<Result<_>>()?,
    })
}

pub async fn set(c: &mut Conn, t: TenantId, s: &AssetSettings) -> Result<()> {
    let lead: Vec<String> = s.lead_days.iter().map(u32::to_string).collect();
    sqlx::query(
        "UPDATE tenants SET currency = $1, fiscal_year_start = $2, depreciation_convention = $3, contract_lead_days = $4 WHERE id = $5",
    )
    .bind(&s.currency)
    .bind(i64::from(s.fiscal_year_start))
    .bind(s.convention.as_str())
    .bind(lead.join(","))
    .bind(t.0)
    .execute(c)
    .await?;
    Ok(())
}
