//! Asset management: assets through their lifecycle with check-out and check-in, what
//! they are worth on any date, contracts and their expiry alerts, licence compliance,
//! stocktakes. Agents keep assets; every change is journaled on the asset (entity
//! `asset`) in the same transaction.

pub mod assets;
pub mod contracts;
pub mod depreciation;
pub mod licences;
pub mod portal;
pub mod settings;
pub mod stocktakes;

use cairn_domain::ids::TenantId;
use cairn_store::Conn;
use cairn_store::asset::assets::{self as store, AssetRow};
use cairn_store::platform::tenants;
use jiff::civil::Date;

use crate::{AppError, Result};

/// The entity asset events are journaled under.
pub const ENTITY: &str = "asset";

/// The asset tagged `tag` in the tenant, or a 404 naming it.
pub(crate) async fn load(c: &mut Conn, t: TenantId, tag: &str) -> Result<AssetRow> {
    store::by_tag(c, t, tag.trim()).await?.ok_or_else(|| AppError::NotFound(format!("asset '{}'", tag.trim())))
}

/// The tenant's time zone (UTC when it names none the binary knows).
pub(crate) async fn zone(c: &mut Conn, t: TenantId) -> Result<jiff::tz::TimeZone> {
    let name = tenants::by_id(c, t).await?.map(|t| t.time_zone).unwrap_or_else(|| "UTC".into());
    Ok(jiff::tz::TimeZone::get(&name).unwrap_or(jiff::tz::TimeZone::UTC))
}

/// The date at `now_ms` in a zone.
pub(crate) fn date_in(tz: &jiff::tz::TimeZone, now_ms: i64) -> Result<Date> {
    let at = jiff::Timestamp::from_millisecond(now_ms).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(at.to_zoned(tz.clone()).date())
}

/// Today's date in the tenant's time zone.
pub(crate) async fn today(c: &mut Conn, t: TenantId, now_ms: i64) -> Result<Date> {
    date_in(&zone(c, t).await?, now_ms)
}

/// A date given as `YYYY-MM-DD`, or an error naming the field.
pub fn parse_date(field: &str, s: &str) -> Result<Date> {
    s.trim().parse().map_err(|_| AppError::invalid(field, format!("'{}' is not a date (YYYY-MM-DD)", s.trim())))
}
