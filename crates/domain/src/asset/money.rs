//! Money as exact hundredths (never floating point) and rates as exact millionths.
//! STUB: the implementation and its tests are being written.

use crate::DomainError;

/// An amount in hundredths of the tenant's currency unit (cents), exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    /// `"3600.00"`, `"3600"`, `"-5.5"`; at most two decimals; a clear error naming `field`.
    pub fn parse(field: &'static str, s: &str) -> Result<Money, DomainError> {
        let _ = (field, s);
        todo!()
    }

    pub fn cents(self) -> i64 {
        self.0
    }
}

impl std::fmt::Display for Money {
    /// `3600.00`, `-5.50`: always two decimals, no grouping.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A yearly rate in millionths (`"0.25"` is 250 000), exact; more than 0, at most 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(pub u32);

impl Rate {
    pub fn parse(field: &'static str, s: &str) -> Result<Rate, DomainError> {
        let _ = (field, s);
        todo!()
    }
}

impl std::fmt::Display for Rate {
    /// `0.25`, `0.125`, `1`: the shortest exact decimal.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}
