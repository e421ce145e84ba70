//! IT asset management: hardware and software assets through their lifecycle, what
//! they cost and are worth on any date, the contracts that cover them, the licences
//! software needs, and stocktakes that check what is where.

pub mod contract;
pub mod depreciation;
pub mod licence;
pub mod lifecycle;
pub mod money;
pub mod stocktake;

use jiff::civil::Date;

use crate::DomainError;
use crate::ids::{AssetId, CiId, OrgId, UserId};

pub use depreciation::{Convention, Method, Plan};
pub use lifecycle::AssetState;
pub use money::{Money, Rate};

code_enum!(
    /// Whether an asset is a thing or a piece of software.
    AssetKind {
        Hardware => "hardware", "Hardware";
        Software => "software", "Software";
    }
);

code_enum!(
    /// What the portfolio report groups assets by.
    Grouping {
        Class => "class", "Class";
        Organisation => "organisation", "Organisation";
        CostCentre => "cost_centre", "Cost centre";
    }
);

/// An asset as stored: what it is, where and with whom, where it is in its life, and
/// what it cost and how it depreciates.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub id: AssetId,
    pub tag: String,
    pub kind: AssetKind,
    pub class: String,
    pub model: Option<String>,
    pub manufacturer: Option<String>,
    pub serial: Option<String>,
    pub org: Option<OrgId>,
    pub location: Option<CiId>,
    pub assigned_to: Option<UserId>,
    pub ci: Option<CiId>,
    pub po_ref: Option<String>,
    pub vendor: Option<String>,
    pub cost_centre: Option<String>,
    pub state: AssetState,
    /// When it entered its state (epoch ms).
    pub state_since: i64,
    pub cost: Money,
    pub salvage: Money,
    pub purchased_on: Option<Date>,
    pub in_service: Option<Date>,
    pub life_months: Option<u32>,
    pub method: Option<Method>,
    pub rate: Option<Rate>,
    pub disposed_on: Option<Date>,
    pub proceeds: Option<Money>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Asset {
    /// Its depreciation plan under the tenant's convention: none until it has an
    /// in-service date and a useful life (the method defaults to straight-line).
    pub fn plan(&self, convention: Convention) -> Option<Plan> {
        Some(Plan {
            cost: self.cost,
            salvage: self.salvage,
            life_months: self.life_months?,
            in_service: self.in_service?,
            method: self.method.unwrap_or(Method::StraightLine),
            rate: self.rate,
            convention,
        })
    }

    /// What it is worth at the end of day `on`: nothing once disposed of by then, its
    /// cost when it has no plan, else cost less the depreciation booked.
    pub fn book_value_on(&self, convention: Convention, on: Date) -> Money {
        if self.disposed_on.is_some_and(|d| d <= on) {
            return Money::ZERO;
        }
        match self.plan(convention) {
            Some(p) => p.book_value_on(on),
            None => self.cost,
        }
    }

    /// Proceeds less the book value on the disposal date: a gain, or (negative) a loss.
    pub fn disposal_gain(&self, convention: Convention) -> Option<Money> {
        let on = self.disposed_on?;
        let book = self.plan(convention).map_or(self.cost, |p| p.book_value_on(on));
        Some(Money(self.proceeds.unwrap_or_default().0 - book.0))
    }
}

/// The longest tag, name or reference an asset field keeps.
pub const TEXT_MAX: usize = 200;

/// An asset tag: trimmed, 1–64 characters, no spaces inside (a label on the device,
/// scanned by a barcode reader that types it).
pub fn check_tag(field: &'static str, tag: &str) -> Result<String, DomainError> {
    let tag = tag.trim();
    if tag.is_empty() {
        return Err(DomainError::invalid(field, "is required"));
    }
    if tag.chars().count() > 64 {
        return Err(DomainError::invalid(field, "is longer than 64 characters"));
    }
    if tag.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(DomainError::invalid(field, format!("'{tag}' has a space or control character in it")));
    }
    Ok(tag.to_string())
}

/// A free-text field: trimmed, empty meaning none, at most [`TEXT_MAX`] characters.
pub fn check_text(field: &'static str, text: &str) -> Result<Option<String>, DomainError> {
    let text = text.trim();
    if text.chars().count() > TEXT_MAX {
        return Err(DomainError::invalid(field, format!("is longer than {TEXT_MAX} characters")));
    }
    Ok((!text.is_empty()).then(|| text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_and_refused_with_spaces_or_empty() {
        assert_eq!(check_tag("tag", " A-100 ").as_deref(), Ok("A-100"));
        assert!(check_tag("tag", "A 100").is_err());
        assert!(check_tag("tag", "  ").is_err());
        assert!(check_tag("tag", &"x".repeat(65)).is_err());
    }
}
