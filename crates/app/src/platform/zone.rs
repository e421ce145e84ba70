//! Time zones: each person sees times in their own zone, or else in the tenant's. Zones
//! are IANA names (`Europe/Berlin`), checked against the zone database the binary
//! carries.

use cairn_domain::platform::access::Actor;
use cairn_store::platform::directory;
use cairn_store::platform::journal::{self, Entry};
use cairn_store::{platform::tenants, tx};

use crate::platform::admin::Admin;
use crate::{App, AppError, Result};

/// `name` when it is a zone the binary knows.
pub fn check_time_zone(field: &'static str, name: &str) -> Result<String> {
    let name = name.trim();
    match jiff::tz::TimeZone::get(name) {
        Ok(_) if !name.is_empty() => Ok(name.to_string()),
        _ => Err(AppError::invalid(field, format!("'{name}' is not a time zone; use a name such as Europe/Berlin or UTC"))),
    }
}

/// Every zone name the binary knows, sorted: read from the zone database once.
pub fn time_zones() -> &'static [String] {
    static ALL: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        let mut all: Vec<String> = jiff::tz::db().available().map(|n| n.as_str().to_string()).collect();
        all.sort();
        all
    });
    &ALL
}

impl App {
    /// Sets the zone a tenant's people see times in unless they choose their own.
    pub async fn set_tenant_time_zone(&self, admin: &Admin, zone: &str) -> Result<()> {
        let zone = check_time_zone("time_zone", zone)?;
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(tx!(|c| {
                let old = tenants::by_id(c, t).await?.ok_or_else(|| AppError::NotFound("tenant".into()))?;
                tenants::set_time_zone(c, t, &zone).await?;
                let mut e = Entry::action("tenant", t.0, "updated");
                e.field = Some("time_zone".into());
                e.old = Some(old.time_zone);
                e.new = Some(zone.clone());
                journal::append(c, t, by, now, &[e]).await?;
                Ok::<_, AppError>(())
            }))
            .await
    }

    /// Sets the caller's own zone; `None` follows the tenant's.
    pub async fn set_own_time_zone(&self, actor: &Actor, zone: Option<&str>) -> Result<()> {
        let zone = zone.map(str::trim).filter(|z| !z.is_empty()).map(|z| check_time_zone("time_zone", z)).transpose()?;
        let (t, me, now) = (actor.tenant_id, actor.user_id, self.now());
        self.db
            .write(tx!(|c| {
                let old = directory::user_by_id(c, t, me).await?.ok_or_else(|| AppError::NotFound("user".into()))?;
                directory::set_time_zone(c, t, me, zone.as_deref()).await?;
                let mut e = Entry::action("user", me.0, "updated");
                e.field = Some("time_zone".into());
                e.old = old.time_zone;
                e.new = zone.clone();
                journal::append(c, t, Some(me), now, &[e]).await?;
                Ok::<_, AppError>(())
            }))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_are_checked_against_the_database() {
        assert_eq!(check_time_zone("z", " Europe/Berlin ").unwrap(), "Europe/Berlin");
        assert!(check_time_zone("z", "Mars/Olympus").is_err());
        assert!(check_time_zone("z", "").is_err());
        assert!(time_zones().iter().any(|z| z == "America/New_York"));
    }
}
