//! Asset management's tables: assets, the tenant's asset settings, contracts and their
//! alerts, software licences and their use, stocktakes.

pub mod assets;
pub mod contracts;
pub mod licences;
pub mod settings;
pub mod stocktakes;

/// A civil date as stored (`YYYY-MM-DD`), or a corrupt-row error naming the column.
pub(crate) fn date(column: &str, text: Option<String>) -> crate::error::Result<Option<jiff::civil::Date>> {
    text.map(|s| s.parse().map_err(|e| crate::StoreError::Corrupt(format!("{column}: {e}")))).transpose()
}
