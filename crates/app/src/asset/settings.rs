//! The tenant's asset settings, set by administrators: currency, fiscal year start,
//! depreciation convention and contract alert lead times.

use cairn_domain::asset::Convention;
use cairn_store::asset::settings::{self, AssetSettings};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::tx;

use crate::platform::admin::Admin;
use crate::{App, AppError, Result};

/// Settings as an administrator writes them; only what is given changes.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    pub currency: Option<String>,
    pub fiscal_year_start: Option<i64>,
    pub convention: Option<String>,
    /// `"90, 30, 7"`.
    pub lead_days: Option<String>,
}

fn apply(s: &mut AssetSettings, input: SettingsInput) -> Result<()> {
    if let Some(c) = input.currency {
        let c = c.trim().to_uppercase();
        if c.len() != 3 || !c.chars().all(|x| x.is_ascii_uppercase()) {
            return Err(AppError::invalid("currency", format!("'{c}' is not a three-letter currency code such as EUR or USD")));
        }
        s.currency = c;
    }
    if let Some(m) = input.fiscal_year_start {
        s.fiscal_year_start = i8::try_from(m)
            .ok()
            .filter(|m| (1..=12).contains(m))
            .ok_or_else(|| AppError::invalid("fiscal_year_start", format!("{m} is not a month 1 to 12")))?;
    }
    if let Some(c) = input.convention {
        s.convention = Convention::parse("convention", c.trim())?;
    }
    if let Some(l) = input.lead_days {
        s.lead_days = super::contracts::lead_days(&l)?;
    }
    Ok(())
}

impl App {
    /// Changes the tenant's asset settings, journaling each field that changed. New lead
    /// times apply to contracts written from now on.
    pub async fn set_asset_settings(&self, admin: &Admin, input: SettingsInput) -> Result<AssetSettings> {
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(tx!(|c| {
                let before = settings::get_for(c, t).await?;
                let mut after = before.clone();
                apply(&mut after, input.clone())?;
                let lead = |s: &AssetSettings| s.lead_days.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
                let fields = [
                    ("currency", before.currency.clone(), after.currency.clone()),
                    ("fiscal_year_start", before.fiscal_year_start.to_string(), after.fiscal_year_start.to_string()),
                    ("depreciation_convention", before.convention.as_str().to_string(), after.convention.as_str().to_string()),
                    ("contract_lead_days", lead(&before), lead(&after)),
                ];
                let entries: Vec<Entry> = fields
                    .into_iter()
                    .filter(|(_, o, n)| o != n)
                    .map(|(f, o, n)| {
                        let mut e = Entry::action("tenant", t.0, "updated");
                        e.field = Some(f.into());
                        e.old = Some(o);
                        e.new = Some(n);
                        e
                    })
                    .collect();
                if !entries.is_empty() {
                    settings::set(c, t, &after).await?;
                    journal::append(c, t, by, now, &entries).await?;
                }
                Ok(after)
            }))
            .await
    }
}
