//! Depreciation by month: what an asset is worth on any date.
//! STUB: the implementation and its tests are being written.

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
        todo!()
    }

    /// Depreciation booked by the end of day `on`.
    pub fn accumulated_on(&self, on: Date) -> Money {
        let _ = on;
        todo!()
    }

    /// Cost less what was booked by the end of day `on`.
    pub fn book_value_on(&self, on: Date) -> Money {
        Money(self.cost.0 - self.accumulated_on(on).0)
    }

    /// Every month with depreciation, from the in-service month to the last.
    pub fn months(&self) -> Vec<MonthLine> {
        todo!()
    }

    /// The months summed by fiscal year, the fiscal year starting in `start_month` (1–12).
    pub fn fiscal_years(&self, start_month: i8) -> Vec<YearLine> {
        let _ = start_month;
        todo!()
    }
}
