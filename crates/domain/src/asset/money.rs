//! Money as exact hundredths (never floating point) and rates as exact millionths.
//! Both are parsed from decimal text and shown as decimal text; no value ever passes
//! through a float, so an amount read, stored and shown again is the same amount.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub};

use crate::DomainError;

/// An amount in hundredths of the tenant's currency unit (cents), exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    /// `"3600.00"`, `"3600"`, `"-5.5"`; at most two decimals; a clear error naming `field`.
    pub fn parse(field: &'static str, s: &str) -> Result<Money, DomainError> {
        let s = s.trim();
        let fail = |problem: &str| DomainError::invalid(field, problem.to_string());
        let (negative, hundredths) = match parse_decimal(s, 2) {
            Ok(v) => v,
            Err(Problem::Empty) => return Err(fail("is empty; expected an amount such as 3600.00")),
            Err(Problem::NotNumber) => return Err(fail(&format!("'{s}' is not an amount; expected digits such as 3600.00 or -5.50"))),
            Err(Problem::TooManyDecimals) => return Err(fail(&format!("'{s}' has more than two decimals"))),
            Err(Problem::TooLarge) => return Err(fail(&format!("'{s}' is too large an amount"))),
        };
        let signed = if negative { -hundredths } else { hundredths };
        i64::try_from(signed).map(Money).map_err(|_| fail(&format!("'{s}' is too large an amount")))
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    /// The sum, or `None` when it does not fit.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// The difference, or `None` when it does not fit.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }
}

impl fmt::Display for Money {
    /// `3600.00`, `-5.50`: always two decimals, no grouping.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0 - other.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, other: Money) {
        self.0 += other.0;
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

/// A yearly rate in millionths (`"0.25"` is 250 000), exact; more than 0, at most 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(pub u32);

impl Rate {
    /// One whole, 1 000 000 millionths: the largest rate allowed.
    pub const ONE: Rate = Rate(1_000_000);

    /// `"0.25"`, `"0.125"`, `"1"`; at most six decimals; more than 0 and at most 1.
    pub fn parse(field: &'static str, s: &str) -> Result<Rate, DomainError> {
        let s = s.trim();
        let fail = |problem: String| DomainError::invalid(field, problem);
        let out_of_range = || fail(format!("must be more than 0 and at most 1, got '{s}'"));
        match parse_decimal(s, 6) {
            Ok((false, millionths)) if millionths > 0 && millionths <= i128::from(Rate::ONE.0) => {
                u32::try_from(millionths).map(Rate).map_err(|_| out_of_range())
            }
            Ok(_) | Err(Problem::TooLarge) => Err(out_of_range()),
            Err(Problem::Empty) => Err(fail("is empty; expected a rate such as 0.25".into())),
            Err(Problem::NotNumber) => Err(fail(format!("'{s}' is not a rate; expected a decimal such as 0.25"))),
            Err(Problem::TooManyDecimals) => Err(fail(format!("'{s}' has more than six decimals"))),
        }
    }

    /// The rate in millionths.
    pub fn millionths(self) -> u32 {
        self.0
    }

    /// Whether the rate is more than 0 and at most 1 (always, for a parsed rate).
    pub fn is_valid(self) -> bool {
        self.0 > 0 && self.0 <= Rate::ONE.0
    }
}

impl fmt::Display for Rate {
    /// `0.25`, `0.125`, `1`: the shortest exact decimal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, fraction) = (self.0 / 1_000_000, self.0 % 1_000_000);
        if fraction == 0 {
            return write!(f, "{whole}");
        }
        let digits = format!("{fraction:06}");
        write!(f, "{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// Why decimal text was refused.
#[derive(Debug, PartialEq, Eq)]
enum Problem {
    Empty,
    NotNumber,
    TooManyDecimals,
    TooLarge,
}

/// Reads `[-]digits[.digits]` (already trimmed) as a sign and a magnitude in units of
/// 10^-`scale`. Digits are needed on both sides of a point: `"."`, `".5"` and `"5."`
/// are refused, as are exponents, signs other than a leading `-`, and grouping.
fn parse_decimal(s: &str, scale: u32) -> Result<(bool, i128), Problem> {
    if s.is_empty() {
        return Err(Problem::Empty);
    }
    let (negative, unsigned) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || fraction.is_some_and(|f| !all_digits(f)) {
        return Err(Problem::NotNumber);
    }
    let fraction = fraction.unwrap_or("");
    if fraction.len() > scale as usize {
        return Err(Problem::TooManyDecimals);
    }
    // Digits of the whole part, then the decimals padded with zeros to `scale`.
    let padding = std::iter::repeat_n(b'0', scale as usize - fraction.len());
    let mut value: i128 = 0;
    for b in whole.bytes().chain(fraction.bytes()).chain(padding) {
        value = value.checked_mul(10).and_then(|v| v.checked_add(i128::from(b - b'0'))).ok_or(Problem::TooLarge)?;
    }
    Ok((negative, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn money(s: &str) -> Money {
        Money::parse("amount", s).expect("a valid amount")
    }

    fn refusal(s: &str) -> String {
        match Money::parse("amount", s) {
            Ok(m) => panic!("'{s}' was accepted as {m}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn amounts_parse_to_exact_cents() {
        assert_eq!(money("3600.00"), Money(360_000));
        assert_eq!(money("3600"), Money(360_000));
        assert_eq!(money("3600.5"), Money(360_050));
        assert_eq!(money("-5.5"), Money(-550));
        assert_eq!(money("0"), Money::ZERO);
        assert_eq!(money("-0"), Money::ZERO);
        assert_eq!(money("  12.34 "), Money(1234));
        assert_eq!(money("0.01"), Money(1));
        assert_eq!(money("007.10"), Money(710));
        assert_eq!(money("92233720368547758.07"), Money(i64::MAX));
        assert_eq!(money("-92233720368547758.08"), Money(i64::MIN));
    }

    #[test]
    fn bad_amounts_are_refused_naming_the_field_and_quoting_the_input() {
        assert_eq!(refusal(""), "amount: is empty; expected an amount such as 3600.00");
        assert_eq!(refusal("   "), "amount: is empty; expected an amount such as 3600.00");
        assert_eq!(refusal("1.234"), "amount: '1.234' has more than two decimals");
        assert_eq!(refusal("1e3"), "amount: '1e3' is not an amount; expected digits such as 3600.00 or -5.50");
        for bad in [".", ".5", "5.", "-", "--5", "+5", "1,000.00", "1 000", "12.3.4", "abc", "½", "١٢"] {
            assert!(refusal(bad).contains(&format!("'{bad}' is not an amount")), "{bad}");
        }
        assert_eq!(refusal("92233720368547758.08"), "amount: '92233720368547758.08' is too large an amount");
        assert_eq!(refusal("-92233720368547758.09"), "amount: '-92233720368547758.09' is too large an amount");
        assert!(refusal(&"9".repeat(60)).ends_with("is too large an amount"));
    }

    #[test]
    fn amounts_show_two_decimals_without_grouping() {
        assert_eq!(Money(360_000).to_string(), "3600.00");
        assert_eq!(Money(-550).to_string(), "-5.50");
        assert_eq!(Money(-5).to_string(), "-0.05");
        assert_eq!(Money(0).to_string(), "0.00");
        assert_eq!(Money(123_456_789).to_string(), "1234567.89");
        assert_eq!(Money(i64::MIN).to_string(), "-92233720368547758.08");
    }

    #[test]
    fn amounts_add_subtract_and_sum() {
        let mut m = Money(150) + Money(250) - Money(100);
        assert_eq!(m, Money(300));
        m += Money(1);
        assert_eq!(-m, Money(-301));
        assert_eq!(m.cents(), 301);
        assert_eq!([Money(1), Money(2), Money(3)].iter().sum::<Money>(), Money(6));
        assert_eq!(Vec::<Money>::new().into_iter().sum::<Money>(), Money::ZERO);
        assert_eq!(Money(i64::MAX).checked_add(Money(1)), None);
        assert_eq!(Money(i64::MIN).checked_sub(Money(1)), None);
        assert_eq!(Money(5).checked_sub(Money(7)), Some(Money(-2)));
    }

    #[test]
    fn rates_parse_to_exact_millionths() {
        let rate = |s| Rate::parse("rate", s).expect("a valid rate");
        assert_eq!(rate("0.25"), Rate(250_000));
        assert_eq!(rate("0.3"), Rate(300_000));
        assert_eq!(rate("0.000001"), Rate(1));
        assert_eq!(rate(" 1 "), Rate::ONE);
        assert_eq!(rate("1.000000"), Rate::ONE);
        assert_eq!(rate("0.125").millionths(), 125_000);
    }

    #[test]
    fn bad_rates_are_refused_naming_the_field_and_quoting_the_input() {
        let refusal = |s| Rate::parse("rate", s).map_err(|e| e.to_string());
        assert_eq!(refusal("1.5"), Err("rate: must be more than 0 and at most 1, got '1.5'".into()));
        for out in ["0", "0.000000", "-0.1", "1.000001", "2", "99999999999999999999999999999999999999999"] {
            assert_eq!(refusal(out), Err(format!("rate: must be more than 0 and at most 1, got '{out}'")));
        }
        assert_eq!(refusal("0.1234567"), Err("rate: '0.1234567' has more than six decimals".into()));
        assert_eq!(refusal(""), Err("rate: is empty; expected a rate such as 0.25".into()));
        for bad in ["25%", ".25", "1e-1", "0,25", "."] {
            assert_eq!(refusal(bad), Err(format!("rate: '{bad}' is not a rate; expected a decimal such as 0.25")));
        }
    }

    #[test]
    fn rates_show_the_shortest_exact_decimal() {
        assert_eq!(Rate(250_000).to_string(), "0.25");
        assert_eq!(Rate(125_000).to_string(), "0.125");
        assert_eq!(Rate(1_000_000).to_string(), "1");
        assert_eq!(Rate(1).to_string(), "0.000001");
        assert_eq!(Rate(2_500_000).to_string(), "2.5");
        assert!(Rate(1).is_valid() && Rate::ONE.is_valid());
        assert!(!Rate(0).is_valid() && !Rate(1_000_001).is_valid());
    }

    proptest! {
        #[test]
        fn an_amount_shown_parses_back_to_itself(cents in -999_999_999_999_999i64..=999_999_999_999_999) {
            let shown = Money(cents).to_string();
            prop_assert_eq!(Money::parse("amount", &shown), Ok(Money(cents)));
        }

        #[test]
        fn a_rate_shown_parses_back_to_itself(millionths in 1u32..=1_000_000) {
            let shown = Rate(millionths).to_string();
            prop_assert_eq!(Rate::parse("rate", &shown), Ok(Rate(millionths)));
        }
    }
}
