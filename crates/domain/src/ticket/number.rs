//! A ticket number in its one written form: a known prefix and 1 to 12 digits, e.g.
//! `INC0000042`. Parsed strictly (no surrounding space, no control characters), so a
//! number that came in a path can be written back into a URL or a header as it is.

use std::fmt;
use std::ops::Deref;

use super::TicketKind;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TicketNumber(String);

impl TicketNumber {
    /// The number, with its prefix in capitals (`inc0000042` is `INC0000042`).
    pub fn parse(s: &str) -> Option<TicketNumber> {
        let (prefix, digits) = s.split_at_checked(3)?;
        let prefix = prefix.to_ascii_uppercase();
        let known = TicketKind::ALL.iter().any(|k| k.prefix() == prefix);
        let digits_ok = !digits.is_empty() && digits.len() <= 12 && digits.bytes().all(|b| b.is_ascii_digit());
        (known && digits_ok).then(|| TicketNumber(format!("{prefix}{digits}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for TicketNumber {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_written_form_parses() {
        assert_eq!(TicketNumber::parse("inc0000003").map(|n| n.to_string()), Some("INC0000003".into()));
        for bad in ["INC0000003\r\n", "INC0000003\t", " INC0000003", "INC", "XYZ0000003", "INC00x0003", "INC0000000000003", "ÄÖÜ1"] {
            assert_eq!(TicketNumber::parse(bad), None, "{bad:?}");
        }
    }
}
