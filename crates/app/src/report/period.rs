//! The period a report covers: it ends after it starts, and spans at most a year
//! (a longer one would read every row of a tenant for one answer).

use crate::{AppError, Result};

const DAY: i64 = 86_400_000;
/// The longest period a report covers, in days.
pub const MAX_DAYS: i64 = 366;

/// Checks a report period `[from, to)` in epoch milliseconds; a period that is too
/// long is blamed on `from`.
pub fn check_period(from: i64, to: i64) -> Result<()> {
    if to <= from {
        return Err(AppError::invalid("to", "the period ends before it starts"));
    }
    if to - from > MAX_DAYS * DAY {
        return Err(AppError::invalid("from", "a period is at most a year"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_is_the_longest_period() {
        assert!(check_period(0, MAX_DAYS * DAY).is_ok());
        assert!(check_period(0, MAX_DAYS * DAY + 1).is_err());
        assert!(check_period(5, 5).is_err());
    }
}
