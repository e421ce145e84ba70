//! People looked up by the names callers give.

use cairn_domain::ids::TenantId;
use cairn_store::Conn;
use cairn_store::platform::directory;

use crate::{AppError, Result};

/// The active user called `name`; refused naming `field` otherwise.
pub(crate) async fn user_named(c: &mut Conn, t: TenantId, field: &str, name: &str) -> Result<directory::User> {
    directory::user_by_name(c, t, name)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(|| AppError::invalid(field, format!("no active user '{name}'")))
}
