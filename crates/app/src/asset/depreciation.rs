//! What assets are worth: one asset's book value and schedule on a date, with its
//! disposal's gain or loss; and the portfolio's cost, depreciation and book value on a
//! date, grouped by class, organisation or cost centre.

use std::collections::BTreeMap;

use cairn_domain::asset::depreciation::{MonthLine, YearLine};
use cairn_domain::asset::{Asset, Grouping, Money};
use cairn_domain::platform::access::Actor;
use cairn_store::asset::assets::{self as store, AssetRow};
use cairn_store::asset::settings::{self, AssetSettings};
use jiff::civil::Date;

use super::{load, parse_date, today};
use crate::{App, AppError, Result, agents_only};

/// A disposal: when, for how much, the book value then, and the gain (negative: a loss).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disposal {
    pub on: Date,
    pub proceeds: Money,
    pub book_value: Money,
    pub gain: Money,
}

/// One asset's depreciation on a date.
#[derive(Debug, Clone)]
pub struct Depreciation {
    pub asset: AssetRow,
    pub settings: AssetSettings,
    pub on: Date,
    pub accumulated: Money,
    pub book_value: Money,
    /// Month by month (empty when the asset has no plan), up to the disposal if any.
    pub months: Vec<MonthLine>,
    pub fiscal_years: Vec<YearLine>,
    pub disposal: Option<Disposal>,
}

/// The valuation of one group of assets on a date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Valuation {
    pub group: String,
    pub count: i64,
    pub cost: Money,
    pub accumulated: Money,
    pub book_value: Money,
}

/// The portfolio on a date: each group, and the total.
#[derive(Debug, Clone)]
pub struct Portfolio {
    pub on: Date,
    pub by: Grouping,
    pub currency: String,
    pub groups: Vec<Valuation>,
    pub total: Valuation,
}

/// The date asked for, or today in the tenant's zone.
async fn on_or_today(c: &mut cairn_store::Conn, t: cairn_domain::ids::TenantId, on: Option<&str>, now: i64) -> Result<Date> {
    match on.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_date("on", s),
        None => today(c, t, now).await,
    }
}

/// The months of `a`'s schedule that fall before its disposal.
fn kept(a: &Asset, months: Vec<MonthLine>) -> Vec<MonthLine> {
    match a.disposed_on {
        Some(d) => months.into_iter().filter(|m| month_end(m.year, m.month).is_some_and(|end| end <= d)).collect(),
        None => months,
    }
}

fn month_end(year: i16, month: i8) -> Option<Date> {
    Date::new(year, month, 1).ok().map(|d| d.last_of_month())
}

impl App {
    /// The asset's book value and accumulated depreciation at the end of day `on`
    /// (default today), and its whole schedule by month and by fiscal year.
    pub async fn asset_depreciation(&self, actor: &Actor, tag: &str, on: Option<&str>) -> Result<Depreciation> {
        agents_only(actor)?;
        let t = actor.tenant_id;
        let mut c = self.db.read().await?;
        let asset = load(&mut c, t, tag).await?;
        let settings = settings::get_for(&mut c, t).await?;
        let on = on_or_today(&mut c, t, on, self.now()).await?;
        let a = &asset.asset;
        let plan = a.plan(settings.convention);
        let (months, fiscal_years) = match &plan {
            Some(p) => {
                let months = kept(a, p.months());
                let years = if a.disposed_on.is_some() {
                    let last = months.last().map(|m| (m.year, m.month));
                    p.fiscal_years(settings.fiscal_year_start)
                        .into_iter()
                        .filter(|y| last.is_some_and(|(ly, lm)| fiscal_start(y.fiscal_year, settings.fiscal_year_start) <= (ly, lm)))
                        .collect()
                } else {
                    p.fiscal_years(settings.fiscal_year_start)
                };
                (months, years)
            }
            None => (Vec::new(), Vec::new()),
        };
        let booked_until = a.disposed_on.map_or(on, |d| d.min(on));
        let accumulated = plan.map_or(Money::ZERO, |p| p.accumulated_on(booked_until));
        let book_value = a.book_value_on(settings.convention, on);
        let disposal = a.disposed_on.map(|d| {
            let book = plan.map_or(a.cost, |p| p.book_value_on(d));
            let proceeds = a.proceeds.unwrap_or_default();
            Disposal { on: d, proceeds, book_value: book, gain: Money(proceeds.0 - book.0) }
        });
        Ok(Depreciation { asset, settings, on, accumulated, book_value, months, fiscal_years, disposal })
    }

    /// Cost, accumulated depreciation and book value of the assets on the books at the
    /// end of day `on` (default today): acquired by then and not yet disposed of.
    pub async fn asset_portfolio(&self, actor: &Actor, on: Option<&str>, by: Grouping) -> Result<Portfolio> {
        agents_only(actor)?;
        let t = actor.tenant_id;
        let mut c = self.db.read().await?;
        let settings = settings::get_for(&mut c, t).await?;
        let on = on_or_today(&mut c, t, on, self.now()).await?;
        let mut groups: BTreeMap<String, Valuation> = BTreeMap::new();
        store::for_valuation(&mut c, t, by, on, settings.convention, |group, cost, plan| {
            let accumulated = plan.map_or(Money::ZERO, |p| p.accumulated_on(on));
            let v = match groups.get_mut(group) {
                Some(v) => v,
                None => groups.entry(group.to_string()).or_default(),
            };
            v.count += 1;
            v.cost += cost;
            v.accumulated += accumulated;
        })
        .await
        .map_err(AppError::from)?;
        let mut total = Valuation { group: "Total".into(), ..Valuation::default() };
        let groups: Vec<Valuation> = groups
            .into_iter()
            .map(|(group, mut v)| {
                v.group = group;
                v.book_value = v.cost - v.accumulated;
                total.count += v.count;
                total.cost += v.cost;
                total.accumulated += v.accumulated;
                v
            })
            .collect();
        total.book_value = total.cost - total.accumulated;
        Ok(Portfolio { on, by, currency: settings.currency, groups, total })
    }
}

/// The first month of fiscal year `fy` (named by the year it ends in).
fn fiscal_start(fy: i16, start_month: i8) -> (i16, i8) {
    if start_month == 1 { (fy, 1) } else { (fy - 1, start_month) }
}
