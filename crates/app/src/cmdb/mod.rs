//! Configuration management: the class tree, CIs and their relations, impact
//! analysis, and the CIs tickets affect. Agents read and maintain CIs and relations;
//! administrators shape the class tree. Every change of a CI or relation is journaled
//! on the CI (entity `ci`) in the same transaction.

pub mod affected;
pub mod cis;
pub mod classes;
pub(crate) mod demo;
pub mod graph;
pub mod impact;
pub mod import;
pub(crate) mod lookup;
pub mod page;
pub mod quality;
pub mod relations;
pub mod sources;

use cairn_domain::cmdb::CiNumber;
use cairn_domain::cmdb::class::ClassTree;
use cairn_domain::ids::TenantId;
use cairn_store::Conn;
use cairn_store::cmdb::cis::{self as store, CiRow};

use crate::{AppError, Result};

/// The entity CI events are journaled under.
pub const ENTITY: &str = "ci";

/// The CI numbered `number` in the tenant, or a 404 naming it.
pub(crate) async fn load(c: &mut Conn, t: TenantId, number: &str) -> Result<CiRow> {
    let parsed = CiNumber::parse(number).ok_or_else(|| AppError::NotFound(format!("CI '{number}'")))?;
    store::by_number(c, t, &parsed).await?.ok_or_else(|| AppError::NotFound(format!("CI {parsed}")))
}

/// The CI a field names, or a refusal naming the field.
pub(crate) async fn named(c: &mut Conn, t: TenantId, field: &str, number: &str) -> Result<CiRow> {
    load(c, t, number).await.map_err(|_| AppError::invalid(field, format!("no CI '{number}'")))
}

pub(crate) async fn tree(c: &mut Conn, t: TenantId) -> Result<ClassTree> {
    Ok(ClassTree::new(cairn_store::cmdb::classes::all(c, t).await?))
}
