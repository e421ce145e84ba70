//! What other practices may ask the CMDB inside their own transaction: a CI or a
//! location by its number, as an id and its canonical number, or a refusal naming
//! the caller's field.

use cairn_domain::ids::{CiId, TenantId};
use cairn_store::Conn;

use super::{named, tree};
use crate::{AppError, Result};

/// The CI numbered `number`.
pub(crate) async fn ci(c: &mut Conn, t: TenantId, field: &str, number: &str) -> Result<(CiId, String)> {
    let ci = named(c, t, field, number).await?;
    Ok((ci.ci.id, ci.ci.number.to_string()))
}

/// The location CI numbered `number` (of class location or below).
pub(crate) async fn location(c: &mut Conn, t: TenantId, field: &str, number: &str) -> Result<(CiId, String)> {
    let ci = named(c, t, field, number).await?;
    if !tree(c, t).await?.is_a(ci.ci.class, "location") {
        return Err(AppError::invalid(field, format!("{} is a {}, not a location", ci.ci.number, ci.class_code)));
    }
    Ok((ci.ci.id, ci.ci.number.to_string()))
}
