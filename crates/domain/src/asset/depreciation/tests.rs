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
