//! Depreciation by month: what an asset is worth on any date.
//!
//! Every figure comes from one function: the depreciation accumulated after `h`
//! half-months of life. A month's depreciation is the difference of that function at
//! its end and at the previous month's end, so rounding never drifts and a schedule
//! sums exactly to cost less salvage. The arithmetic is in integer cents (i128 in
//! between), never floating point, rounded half-up to the cent. `docs/ASSETS.md`
//! gives the formulas and works examples through.

use jiff::civil::Date;

use super::money::{Money, Rate};
use crate::DomainError;

code_enum!(
    /// How cost less salvage is spread over the useful life.
    Method {
        StraightLine => "straight_line", "Straight-line";
        DecliningBalance => "declining_balance", "Declining balance";
        DoubleDeclining => "double_declining", "Double-declining balance";
        SumOfYears => "sum_of_years", "Sum-of-years' digits";
    }
);

code_enum!(
    /// Where in its first month an asset starts to depreciate.
    Convention {
        FullMonth => "full_month", "Full month from the in-service month";
        MidMonth => "mid_month", "From the middle of the in-service month";
    }
);

/// The longest useful life a plan may have: 100 years.
pub const LIFE_MONTHS_MAX: u32 = 1200;

/// What an asset's depreciation is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub cost: Money,
    pub salvage: Money,
    pub life_months: u32,
    pub in_service: Date,
    pub method: Method,
    /// The yearly rate of `declining_balance`; `None` for the other methods.
    pub rate: Option<Rate>,
    pub convention: Convention,
}

/// One calendar month of a schedule, booked on its last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthLine {
    pub year: i16,
    pub month: i8,
    pub depreciation: Money,
    pub accumulated: Money,
    pub book_value: Money,
}

/// One fiscal year of a schedule, named by the calendar year it ends in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearLine {
    pub fiscal_year: i16,
    pub depreciation: Money,
    pub accumulated: Money,
    pub book_value: Money,
}

impl Plan {
    /// Refuses a plan that cannot be computed, naming the field.
    pub fn check(&self) -> Result<(), DomainError> {
        if self.cost.0 < 0 {
            return Err(DomainError::invalid("cost", format!("must not be negative, got {}", self.cost)));
        }
        if self.salvage.0 < 0 {
            return Err(DomainError::invalid("salvage", format!("must not be negative, got {}", self.salvage)));
        }
        if self.salvage > self.cost {
            return Err(DomainError::invalid("salvage", format!("{} is more than the cost {}", self.salvage, self.cost)));
        }
        if self.life_months == 0 || self.life_months > LIFE_MONTHS_MAX {
            return Err(DomainError::invalid("life_months", format!("must be 1 to {LIFE_MONTHS_MAX} months, got {}", self.life_months)));
        }
        match (self.method, self.rate) {
            (Method::DecliningBalance, None) => return Err(DomainError::invalid("rate", "is required for declining_balance")),
            (Method::DecliningBalance, Some(r)) if !r.is_valid() => {
                return Err(DomainError::invalid("rate", format!("must be more than 0 and at most 1, got '{r}'")));
            }
            (Method::DecliningBalance, Some(_)) | (_, None) => {}
            (other, Some(_)) => {
                return Err(DomainError::invalid("rate", format!("applies only to declining_balance, not {}", other.as_str())));
            }
        }
        if self.method != Method::StraightLine && !self.life_months.is_multiple_of(12) {
            return Err(DomainError::invalid(
                "life_months",
                format!("{} needs a life in whole years (a multiple of 12 months), got {}", self.method.as_str(), self.life_months),
            ));
        }
        Ok(())
    }

    /// Depreciation booked by the end of day `on`: every month whose last day is on or
    /// before `on`. Constant time for straight-line, a loop over the asset years for
    /// the other methods; nothing is allocated.
    pub fn accumulated_on(&self, on: Date) -> Money {
        let mut ended = month_index(on) - month_index(self.in_service);
        if on.day() == on.days_in_month() {
            ended += 1;
        }
        if ended <= 0 {
            return Money::ZERO;
        }
        to_money(self.accumulated_at(self.elapsed_at_end_of(ended - 1)))
    }

    /// Cost less what was booked by the end of day `on`.
    pub fn book_value_on(&self, on: Date) -> Money {
        Money(self.cost.0.saturating_sub(self.accumulated_on(on).0))
    }

    /// Every month with depreciation, from the in-service month to the last.
    ///
    /// The whole life is listed: `life_months` months under `full_month`, one more
    /// under `mid_month` (the last half month). A month may show 0 when there is
    /// nothing to depreciate (salvage equal to cost) or the balance already reached
    /// salvage.
    pub fn months(&self) -> Vec<MonthLine> {
        let end = 2 * i64::from(self.life_months);
        let first = month_index(self.in_service);
        let cost = i128::from(self.cost.0);
        let mut lines = Vec::with_capacity(self.life_months.min(LIFE_MONTHS_MAX) as usize + 1);
        let mut before = 0;
        let mut i = 0;
        loop {
            let h = self.elapsed_at_end_of(i).min(end);
            let accumulated = self.accumulated_at(h);
            let index = first + i;
            lines.push(MonthLine {
                year: index.div_euclid(12) as i16,
                month: (index.rem_euclid(12) + 1) as i8,
                depreciation: to_money(accumulated - before),
                accumulated: to_money(accumulated),
                book_value: to_money(cost - accumulated),
            });
            if h >= end {
                return lines;
            }
            before = accumulated;
            i += 1;
        }
    }

    /// The months summed by fiscal year, the fiscal year starting in `start_month` (1–12).
    ///
    /// A fiscal year is named by the calendar year it ends in: with `start_month` 4,
    /// April 2026 to March 2027 is 2027. A `start_month` outside 1–12 is taken as the
    /// nearest month.
    pub fn fiscal_years(&self, start_month: i8) -> Vec<YearLine> {
        let start = start_month.clamp(1, 12);
        let mut years: Vec<YearLine> = Vec::new();
        for m in self.months() {
            let fiscal_year = if start > 1 && m.month >= start { m.year.saturating_add(1) } else { m.year };
            match years.last_mut() {
                Some(y) if y.fiscal_year == fiscal_year => {
                    y.depreciation += m.depreciation;
                    y.accumulated = m.accumulated;
                    y.book_value = m.book_value;
                }
                _ => {
                    years.push(YearLine { fiscal_year, depreciation: m.depreciation, accumulated: m.accumulated, book_value: m.book_value })
                }
            }
        }
        years
    }

    /// Cost less salvage, the amount the life spreads.
    fn base(&self) -> i128 {
        i128::from(self.cost.0) - i128::from(self.salvage.0)
    }

    /// Half-months of life at the end of calendar month `i` (0 is the in-service
    /// month), before the cap at the end of life.
    fn elapsed_at_end_of(&self, i: i64) -> i64 {
        match self.convention {
            Convention::FullMonth => 2 * (i + 1),
            Convention::MidMonth => 2 * i + 1,
        }
    }

    /// Depreciation accumulated after `h` half-months of life.
    ///
    /// An unchecked plan gets an answer rather than a panic: no life means fully
    /// depreciated, and an annual method over a life in part-years is spread
    /// straight-line.
    fn accumulated_at(&self, h: i64) -> i128 {
        let life = i64::from(self.life_months);
        let base = self.base();
        if h >= 2 * life {
            return base;
        }
        if h <= 0 {
            return 0;
        }
        if self.method == Method::StraightLine || life % 12 != 0 {
            return round_div(base * i128::from(h), i128::from(2 * life));
        }
        // Asset year `k` covers half-months 24(k-1) to 24k; its amount is spread evenly.
        let years = life / 12;
        let k = h / 24 + 1;
        let (start, end) = match self.method {
            Method::SumOfYears => self.sum_of_years_bounds(k, years),
            _ => self.balance_bounds(k, years),
        };
        start + round_div((end - start) * i128::from(h - 24 * (k - 1)), 24)
    }

    /// Accumulated at the start and end of asset year `k` (1 to `years`) by
    /// sum-of-years' digits: year `j` weighs `years - j + 1`; the accumulated is
    /// rounded from the cumulative weight, so the years sum exactly.
    fn sum_of_years_bounds(&self, k: i64, years: i64) -> (i128, i128) {
        let (k, years) = (i128::from(k), i128::from(years));
        let total = years * (years + 1) / 2;
        let at = |j: i128| round_div(self.base() * (j * years - j * (j - 1) / 2), total);
        (at(k - 1), at(k))
    }

    /// Accumulated at the start and end of asset year `k` (1 to `years`) by a
    /// declining balance: each year takes its rate of the book value left, never
    /// going below salvage, and the last year takes what is left down to salvage.
    /// Double-declining switches to straight-line over the rest of the life in the
    /// first year that straight-line gives more.
    fn balance_bounds(&self, k: i64, years: i64) -> (i128, i128) {
        let cost = i128::from(self.cost.0);
        let salvage = i128::from(self.salvage.0);
        let rate = i128::from(self.rate.map_or(0, |r| r.0));
        let mut book = cost;
        // The year double-declining switched to straight-line, and what was left then.
        let mut switched: Option<(i64, i128)> = None;
        for year in 1..=k {
            let left = book - salvage;
            let amount = if year == years {
                left
            } else if self.method == Method::DecliningBalance {
                round_div(book * rate, 1_000_000).min(left)
            } else {
                let double = round_div(book * 2, i128::from(years));
                // Straight-line over the remaining years, compared exactly: left / remaining > double.
                if switched.is_none() && left > double * i128::from(years - year + 1) {
                    switched = Some((year, left));
                }
                match switched {
                    Some((from, rest)) => {
                        let span = i128::from(years - from + 1);
                        let done = i128::from(year - from);
                        round_div(rest * (done + 1), span) - round_div(rest * done, span)
                    }
                    None => double.min(left),
                }
            };
            if year == k {
                return (cost - book, cost - book + amount);
            }
            book -= amount;
        }
        (cost - book, cost - book)
    }
}

/// What selling or scrapping an asset gained: the proceeds less its book value on the
/// day (negative is a loss).
pub fn disposal_gain(book_value: Money, proceeds: Money) -> Money {
    proceeds - book_value
}

/// Months since year 0, so that months subtract across years.
fn month_index(d: Date) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month()) - 1
}

/// `n / d` rounded half away from zero; `d` is positive.
fn round_div(n: i128, d: i128) -> i128 {
    let q = (2 * n.abs() + d) / (2 * d);
    if n < 0 { -q } else { q }
}

/// An amount that does not fit (only from an unchecked plan) is held at the limit.
fn to_money(v: i128) -> Money {
    Money(i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX }))
}

#[cfg(test)]
mod tests;
