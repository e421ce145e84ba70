//! A CI number in its one written form: `CI` and 1 to 12 digits, e.g. `CI0000042`.

use std::fmt;
use std::ops::Deref;

pub const PREFIX: &str = "CI";

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CiNumber(String);

impl CiNumber {
    /// The number, with its prefix in capitals (`ci0000042` is `CI0000042`).
    pub fn parse(s: &str) -> Option<CiNumber> {
        let (prefix, digits) = s.split_at_checked(2)?;
        let digits_ok = !digits.is_empty() && digits.len() <= 12 && digits.bytes().all(|b| b.is_ascii_digit());
        (prefix.eq_ignore_ascii_case(PREFIX) && digits_ok).then(|| CiNumber(format!("{PREFIX}{digits}")))
    }

    /// The number of the `seq`-th CI of a tenant.
    pub fn of(seq: i64) -> CiNumber {
        CiNumber(format!("{PREFIX}{seq:07}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for CiNumber {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CiNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_written_form_parses() {
        assert_eq!(CiNumber::parse("ci0000003").map(|n| n.to_string()), Some("CI0000003".into()));
        assert_eq!(CiNumber::of(42).as_str(), "CI0000042");
        for bad in ["CI0000003\r\n", " CI1", "CI", "INC0000003", "CI00x3", "CI0000000000003", "Ç1"] {
            assert_eq!(CiNumber::parse(bad), None, "{bad:?}");
        }
    }
}
