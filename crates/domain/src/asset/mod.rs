//! IT asset management: hardware and software assets through their lifecycle, what
//! they cost and are worth on any date, the contracts that cover them, the licences
//! software needs, and stocktakes that check what is where.

pub mod depreciation;
pub mod lifecycle;
pub mod money;

use crate::DomainError;

pub use lifecycle::AssetState;
pub use money::{Money, Rate};

code_enum!(
    /// Whether an asset is a thing or a piece of software.
    AssetKind {
        Hardware => "hardware", "Hardware";
        Software => "software", "Software";
    }
);

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
