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
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    /// A plan in service on 2026-01-01, a full month, no rate.
    fn plan(method: Method, cost: i64, salvage: i64, life_months: u32) -> Plan {
        Plan {
            cost: Money(cost),
            salvage: Money(salvage),
            life_months,
            in_service: date(2026, 1, 1),
            method,
            rate: None,
            convention: Convention::FullMonth,
        }
    }

    fn declining(rate: u32) -> Plan {
        Plan { rate: Some(Rate(rate)), ..plan(Method::DecliningBalance, 1_000_000, 100_000, 60) }
    }

    fn yearly(p: &Plan) -> Vec<i64> {
        p.fiscal_years(1).iter().map(|y| y.depreciation.0).collect()
    }

    fn monthly(p: &Plan) -> Vec<i64> {
        p.months().iter().map(|m| m.depreciation.0).collect()
    }

    fn refusal(p: Plan) -> String {
        match p.check() {
            Ok(()) => panic!("{p:?} was accepted"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn straight_line_books_the_same_each_month() {
        let p = plan(Method::StraightLine, 1_000_000, 100_000, 60);
        assert_eq!(p.check(), Ok(()));
        assert_eq!(monthly(&p), vec![15_000; 60]);
        assert_eq!(yearly(&p), vec![180_000; 5]);
        let last = p.months()[59];
        assert_eq!((last.year, last.month, last.accumulated, last.book_value), (2030, 12, Money(900_000), Money(100_000)));
    }

    #[test]
    fn an_uneven_split_rounds_the_accumulated_so_the_months_sum_exactly() {
        // 1000.00 over 12 months: the accumulated is 1000 * j / 12 rounded to the cent.
        let p = plan(Method::StraightLine, 100_000, 0, 12);
        assert_eq!(monthly(&p), vec![8333, 8334, 8333, 8333, 8334, 8333, 8333, 8334, 8333, 8333, 8334, 8333]);
        // 1.00 over 8 months: 12.5, 37.5, 62.5, 87.5 cents accumulated round up.
        let p = plan(Method::StraightLine, 100, 0, 8);
        assert_eq!(monthly(&p), vec![13, 12, 13, 12, 13, 12, 13, 12]);
    }

    #[test]
    fn sum_of_years_weighs_the_early_years_more() {
        let p = plan(Method::SumOfYears, 1_000_000, 100_000, 60);
        assert_eq!(p.check(), Ok(()));
        assert_eq!(yearly(&p), vec![300_000, 240_000, 180_000, 120_000, 60_000]);
        let months = monthly(&p);
        assert_eq!(months[..12], [25_000; 12]);
        assert_eq!(months[12..24], [20_000; 12]);
        assert_eq!(months[48..], [5_000; 12]);
    }

    #[test]
    fn declining_balance_takes_its_rate_of_what_is_left_and_ends_at_salvage() {
        let p = declining(300_000);
        assert_eq!(p.check(), Ok(()));
        assert_eq!(yearly(&p), vec![300_000, 210_000, 147_000, 102_900, 140_100]);
        let months = monthly(&p);
        assert_eq!(months[..12], [25_000; 12]);
        assert_eq!(months[24..36], [12_250; 12]);
        assert_eq!(months[36..48], [8_575; 12]);
        assert_eq!(months[48..], [11_675; 12]);
        let books: Vec<i64> = p.fiscal_years(1).iter().map(|y| y.book_value.0).collect();
        assert_eq!(books, vec![700_000, 490_000, 343_000, 240_100, 100_000]);
    }

    #[test]
    fn declining_balance_stops_at_salvage_before_the_last_year() {
        // Rate 1 takes everything down to salvage in the first year.
        assert_eq!(yearly(&declining(1_000_000)), vec![900_000, 0, 0, 0, 0]);
    }

    #[test]
    fn double_declining_is_floored_at_salvage() {
        let p = plan(Method::DoubleDeclining, 1_000_000, 100_000, 60);
        assert_eq!(p.check(), Ok(()));
        assert_eq!(yearly(&p), vec![400_000, 240_000, 144_000, 86_400, 29_600]);
        // 296.00 over 12 months: 296 * j / 12 accumulated, rounded to the cent.
        let months = monthly(&p);
        assert_eq!(months[48..], [2467, 2466, 2467, 2467, 2466, 2467, 2467, 2466, 2467, 2467, 2466, 2467]);
    }

    #[test]
    fn double_declining_switches_to_straight_line_when_that_gives_more() {
        let p = plan(Method::DoubleDeclining, 1_000_000, 0, 60);
        assert_eq!(yearly(&p), vec![400_000, 240_000, 144_000, 108_000, 108_000]);
        assert_eq!(monthly(&p)[36..], [9_000; 24]);
    }

    #[test]
    fn the_book_value_counts_the_months_ended_by_the_end_of_the_day() {
        let p = plan(Method::StraightLine, 1_000_000, 100_000, 60);
        assert_eq!(p.book_value_on(date(2025, 12, 31)), Money(1_000_000), "before the in-service month");
        assert_eq!(p.book_value_on(date(2026, 1, 1)), Money(1_000_000), "no month has ended");
        assert_eq!(p.book_value_on(date(2026, 1, 31)), Money(985_000));
        assert_eq!(p.accumulated_on(date(2026, 3, 15)), Money(30_000), "January and February");
        assert_eq!(p.accumulated_on(date(2026, 3, 30)), Money(30_000));
        assert_eq!(p.accumulated_on(date(2026, 3, 31)), Money(45_000));
        assert_eq!(p.book_value_on(date(2030, 12, 30)), Money(115_000));
        assert_eq!(p.book_value_on(date(2030, 12, 31)), Money(100_000), "end of life");
        assert_eq!(p.book_value_on(date(2099, 6, 15)), Money(100_000), "long after");
        let leap = Plan { in_service: date(2028, 2, 10), ..p };
        assert_eq!(leap.accumulated_on(date(2028, 2, 28)), Money::ZERO);
        assert_eq!(leap.accumulated_on(date(2028, 2, 29)), Money(15_000));
    }

    #[test]
    fn a_full_month_counts_the_in_service_month_whole() {
        let p = Plan { in_service: date(2026, 1, 20), ..plan(Method::StraightLine, 360_000, 0, 36) };
        assert_eq!(p.accumulated_on(date(2026, 1, 19)), Money::ZERO);
        assert_eq!(p.accumulated_on(date(2026, 1, 31)), Money(10_000));
        assert_eq!(p.accumulated_on(date(2026, 12, 31)), Money(120_000));
        let months = p.months();
        assert_eq!(months.len(), 36);
        assert_eq!((months[35].year, months[35].month, months[35].book_value), (2028, 12, Money::ZERO));
    }

    #[test]
    fn mid_month_gives_the_first_and_last_months_half() {
        let p = Plan { in_service: date(2026, 1, 20), convention: Convention::MidMonth, ..plan(Method::StraightLine, 360_000, 0, 36) };
        assert_eq!(p.accumulated_on(date(2026, 1, 31)), Money(5_000));
        assert_eq!(p.accumulated_on(date(2026, 12, 31)), Money(115_000), "11.5 months");
        let months = p.months();
        assert_eq!(months.len(), 37);
        assert_eq!(months[0].depreciation, Money(5_000));
        assert!(months[1..36].iter().all(|m| m.depreciation == Money(10_000)));
        assert_eq!((months[36].year, months[36].month, months[36].depreciation), (2029, 1, Money(5_000)));
        assert_eq!(p.accumulated_on(date(2029, 1, 30)), Money(355_000));
        assert_eq!(p.book_value_on(date(2029, 1, 31)), Money::ZERO);
    }

    #[test]
    fn mid_month_splits_a_month_between_two_asset_years() {
        let p = Plan { convention: Convention::MidMonth, ..plan(Method::SumOfYears, 1_000_000, 100_000, 60) };
        let months = monthly(&p);
        assert_eq!(months.len(), 61);
        assert_eq!(months[0], 12_500, "half of 250.00");
        assert_eq!(months[1..12], [25_000; 11]);
        assert_eq!(months[12], 22_500, "half of 250.00 and half of 200.00");
        assert_eq!(months[60], 2_500, "half of 50.00");
        assert_eq!(p.accumulated_on(date(2026, 12, 31)), Money(287_500));
    }

    #[test]
    fn fiscal_years_are_named_by_the_year_they_end_in() {
        let p = Plan { in_service: date(2026, 1, 20), ..plan(Method::StraightLine, 360_000, 0, 36) };
        let line = |fiscal_year, depreciation, accumulated, book_value| YearLine {
            fiscal_year,
            depreciation: Money(depreciation),
            accumulated: Money(accumulated),
            book_value: Money(book_value),
        };
        assert_eq!(
            p.fiscal_years(1),
            vec![line(2026, 120_000, 120_000, 240_000), line(2027, 120_000, 240_000, 120_000), line(2028, 120_000, 360_000, 0)]
        );
        assert_eq!(
            p.fiscal_years(4),
            vec![
                line(2026, 30_000, 30_000, 330_000),
                line(2027, 120_000, 150_000, 210_000),
                line(2028, 120_000, 270_000, 90_000),
                line(2029, 90_000, 360_000, 0),
            ]
        );
        let mid = Plan { convention: Convention::MidMonth, ..p };
        let sums: Vec<(i16, i64)> = mid.fiscal_years(4).iter().map(|y| (y.fiscal_year, y.depreciation.0)).collect();
        assert_eq!(sums, vec![(2026, 25_000), (2027, 120_000), (2028, 120_000), (2029, 95_000)]);
        assert_eq!(p.fiscal_years(12)[0].fiscal_year, 2026, "January 2026 is in the year from December 2025");
        assert_eq!(p.fiscal_years(0), p.fiscal_years(1));
    }

    #[test]
    fn nothing_to_depreciate_still_lists_the_months() {
        let p = plan(Method::SumOfYears, 50_000, 50_000, 24);
        let months = p.months();
        assert_eq!(months.len(), 24);
        assert!(months.iter().all(|m| m.depreciation == Money::ZERO && m.book_value == Money(50_000)));
        assert_eq!(p.book_value_on(date(2030, 1, 1)), Money(50_000));
    }

    #[test]
    fn bad_plans_are_refused_naming_the_field() {
        let sl = plan(Method::StraightLine, 360_000, 0, 36);
        assert_eq!(refusal(Plan { cost: Money(-1), ..sl }), "cost: must not be negative, got -0.01");
        assert_eq!(refusal(Plan { salvage: Money(-500), ..sl }), "salvage: must not be negative, got -5.00");
        assert_eq!(refusal(Plan { salvage: Money(400_000), ..sl }), "salvage: 4000.00 is more than the cost 3600.00");
        assert_eq!(refusal(Plan { life_months: 0, ..sl }), "life_months: must be 1 to 1200 months, got 0");
        assert_eq!(refusal(Plan { life_months: 1201, ..sl }), "life_months: must be 1 to 1200 months, got 1201");
        assert_eq!(Plan { life_months: 1200, ..sl }.check(), Ok(()));
        assert_eq!(Plan { life_months: 7, ..sl }.check(), Ok(()), "straight-line takes any months");
        let db = Plan { rate: None, ..declining(300_000) };
        assert_eq!(refusal(db), "rate: is required for declining_balance");
        assert_eq!(refusal(Plan { rate: Some(Rate(0)), ..db }), "rate: must be more than 0 and at most 1, got '0'");
        assert_eq!(refusal(Plan { rate: Some(Rate(1_500_000)), ..db }), "rate: must be more than 0 and at most 1, got '1.5'");
        assert_eq!(refusal(Plan { rate: Some(Rate(300_000)), ..sl }), "rate: applies only to declining_balance, not straight_line");
        let syd = plan(Method::SumOfYears, 360_000, 0, 36);
        assert_eq!(refusal(Plan { rate: Some(Rate(300_000)), ..syd }), "rate: applies only to declining_balance, not sum_of_years");
        assert_eq!(
            refusal(Plan { life_months: 30, ..declining(300_000) }),
            "life_months: declining_balance needs a life in whole years (a multiple of 12 months), got 30"
        );
        assert!(refusal(Plan { life_months: 30, ..syd }).starts_with("life_months: sum_of_years needs a life in whole years"));
        let ddb = plan(Method::DoubleDeclining, 360_000, 0, 30);
        assert!(refusal(ddb).starts_with("life_months: double_declining needs a life in whole years"));
    }

    #[test]
    fn an_unchecked_plan_gets_an_answer_not_a_panic() {
        let on = date(2027, 6, 30);
        let none = plan(Method::StraightLine, 360_000, 0, 0);
        assert_eq!(none.accumulated_on(date(2025, 1, 1)), Money::ZERO);
        assert_eq!(none.book_value_on(on), Money::ZERO, "no life: fully depreciated");
        assert_eq!(none.months().len(), 1);
        let part_years = plan(Method::SumOfYears, 360_000, 0, 30);
        assert_eq!(part_years.months().iter().map(|m| m.depreciation).sum::<Money>(), Money(360_000));
        let no_rate = Plan { rate: None, ..declining(300_000) };
        assert_eq!(yearly(&no_rate), vec![0, 0, 0, 0, 900_000]);
        let upside_down = plan(Method::DoubleDeclining, 100_000, 400_000, 24);
        assert_eq!(upside_down.months().last().map(|m| m.book_value), Some(Money(400_000)));
        let extreme = Plan { cost: Money(i64::MAX), salvage: Money(i64::MIN), ..plan(Method::StraightLine, 0, 0, 1200) };
        assert_eq!(extreme.months().len(), 1200, "figures past the limits are held there");
        let _ = extreme.book_value_on(date(2200, 1, 1));
        for method in Method::ALL.iter().copied() {
            let huge = Plan { cost: Money(i64::MAX), rate: Some(Rate(u32::MAX)), ..plan(method, 0, 0, 1200) };
            assert!(huge.book_value_on(on) <= huge.cost, "{method:?}");
        }
    }

    #[test]
    fn a_disposal_gains_the_proceeds_over_the_book_value() {
        assert_eq!(disposal_gain(Money(100_000), Money(150_000)), Money(50_000));
        assert_eq!(disposal_gain(Money(100_000), Money(25_000)), Money(-75_000));
        assert_eq!(disposal_gain(Money(100_000), Money::ZERO), Money(-100_000));
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (2000i16..2040, 1i8..=12, 1i8..=31).prop_map(|(y, m, d)| date(y, m, d.min(date(y, m, 1).days_in_month())))
    }

    /// A checked plan of any method and convention.
    fn any_plan() -> impl Strategy<Value = Plan> {
        let methods = prop::sample::select(Method::ALL);
        let conventions = prop::sample::select(Convention::ALL);
        let amounts = (0i64..=1_000_000_000, 0u8..5, any::<i64>());
        (methods, conventions, amounts, 1u32..=240, 1u32..=20, 10_000u32..=1_000_000, any_date()).prop_map(
            |(method, convention, (cost, pick, seed), months, years, rate, in_service)| {
                let salvage = match pick {
                    0 => 0,
                    1 => cost,
                    _ => seed.rem_euclid(cost + 1),
                };
                let life_months = if method == Method::StraightLine { months } else { years * 12 };
                let rate = (method == Method::DecliningBalance).then_some(Rate(rate));
                Plan { cost: Money(cost), salvage: Money(salvage), life_months, in_service, method, rate, convention }
            },
        )
    }

    fn last_of(year: i16, month: i8) -> Date {
        date(year, month, 1).last_of_month()
    }

    proptest! {
        #[test]
        fn the_schedule_spreads_exactly_cost_less_salvage(p in any_plan(), start in 1i8..=12) {
            prop_assert_eq!(p.check(), Ok(()));
            let months = p.months();
            let extra = usize::from(p.convention == Convention::MidMonth);
            prop_assert_eq!(months.len(), p.life_months as usize + extra);
            prop_assert!(months.iter().all(|m| m.depreciation >= Money::ZERO));
            prop_assert_eq!(months.iter().map(|m| m.depreciation).sum::<Money>(), p.cost - p.salvage);
            prop_assert_eq!(months.last().map(|m| m.book_value), Some(p.salvage));
            prop_assert_eq!((months[0].year, months[0].month), (p.in_service.year(), p.in_service.month()));
            let years = p.fiscal_years(start);
            prop_assert_eq!(years.iter().map(|y| y.depreciation).sum::<Money>(), p.cost - p.salvage);
            prop_assert_eq!(years.last().map(|y| y.book_value), Some(p.salvage));
        }

        #[test]
        fn the_book_value_on_a_date_agrees_with_the_schedule(p in any_plan()) {
            let mut before = Money::ZERO;
            for m in p.months() {
                let last = last_of(m.year, m.month);
                prop_assert_eq!(p.accumulated_on(last), m.accumulated);
                prop_assert_eq!(p.book_value_on(last), m.book_value);
                prop_assert_eq!(p.accumulated_on(date(m.year, m.month, last.day() - 1)), before);
                before = m.accumulated;
            }
        }

        #[test]
        fn the_book_value_never_rises_and_stays_between_cost_and_salvage(p in any_plan(), a in any_date(), b in any_date()) {
            let first = p.in_service.first_of_month();
            let mut day = first.yesterday().expect("a day before");
            prop_assert_eq!(p.book_value_on(day), p.cost, "before the in-service month");
            let mut previous = p.cost;
            for _ in 0..p.life_months + 3 {
                let value = p.book_value_on(day);
                prop_assert!(value <= previous && value >= p.salvage && value <= p.cost);
                previous = value;
                day = day.tomorrow().expect("a day after").last_of_month();
            }
            prop_assert_eq!(previous, p.salvage, "after the end of life");
            let (early, late) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(p.book_value_on(early) >= p.book_value_on(late));
            for d in [early, late] {
                let value = p.book_value_on(d);
                prop_assert!(value >= p.salvage && value <= p.cost);
                if d < first {
                    prop_assert_eq!(value, p.cost);
                }
            }
        }
    }
}
