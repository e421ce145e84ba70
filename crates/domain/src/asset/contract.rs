//! Contracts and their deadlines: a contract ends on a date, and with a notice period
//! it must be cancelled by an earlier one. Its owner is told at lead times before
//! each deadline (by default 90, 30 and 7 days), once per lead time.

use jiff::ToSpan;
use jiff::civil::Date;

use crate::DomainError;

code_enum!(
    /// What a contract is for.
    ContractKind {
        Warranty => "warranty", "Warranty";
        Support => "support", "Support";
        Maintenance => "maintenance", "Maintenance";
        Lease => "lease", "Lease";
        Licence => "licence", "Licence";
        Subscription => "subscription", "Subscription";
    }
);

code_enum!(
    /// How often its cost is billed.
    Billing {
        Once => "once", "Once";
        Monthly => "monthly", "Monthly";
        Quarterly => "quarterly", "Quarterly";
        Yearly => "yearly", "Yearly";
    }
);

code_enum!(
    /// Which date an alert warns of.
    Deadline {
        End => "end", "End of the contract";
        Notice => "notice", "Last day to give notice";
    }
);

/// The lead times the tenant starts with, in days.
pub const DEFAULT_LEAD_DAYS: [u32; 3] = [90, 30, 7];

/// The longest notice period and lead time, in days.
pub const DAYS_MAX: u32 = 3650;

/// The last day to give notice: `notice_days` before the end (none without a notice period).
pub fn notice_deadline(ends_on: Date, notice_days: u32) -> Option<Date> {
    (notice_days > 0).then(|| ends_on.checked_sub(i64::from(notice_days).days()).unwrap_or(ends_on))
}

/// The contract's deadlines, earliest first.
pub fn deadlines(ends_on: Date, notice_days: u32) -> Vec<(Deadline, Date)> {
    let mut out: Vec<(Deadline, Date)> = notice_deadline(ends_on, notice_days).map(|d| (Deadline::Notice, d)).into_iter().collect();
    out.push((Deadline::End, ends_on));
    out
}

/// One alert: `lead` days before the `deadline` on `deadline_on`, due on `due_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alert {
    pub deadline: Deadline,
    pub deadline_on: Date,
    pub lead: u32,
    pub due_on: Date,
}

/// Every alert of the contract at the given lead times.
pub fn alerts(ends_on: Date, notice_days: u32, leads: &[u32]) -> Vec<Alert> {
    deadlines(ends_on, notice_days)
        .into_iter()
        .flat_map(|(deadline, deadline_on)| {
            leads.iter().map(move |&lead| Alert {
                deadline,
                deadline_on,
                lead,
                due_on: deadline_on.checked_sub(i64::from(lead).days()).unwrap_or(deadline_on),
            })
        })
        .collect()
}

impl Alert {
    /// Whether the alert should go out `today`: its day has come, the deadline has
    /// not passed, and no shorter lead time is due as well (a contract entered 20 days
    /// before its end gets the 30-day alert, not the 90-day one too).
    pub fn is_due(&self, today: Date, leads: &[u32]) -> bool {
        if today < self.due_on || today > self.deadline_on {
            return false;
        }
        let left = (self.deadline_on - today).get_days();
        !leads.iter().any(|&l| l < self.lead && i64::from(l) >= i64::from(left))
    }
}

/// Lead times as the tenant writes them (`"90, 30, 7"`): distinct days from 1 to
/// [`DAYS_MAX`], largest first.
pub fn parse_lead_days(field: &'static str, text: &str) -> Result<Vec<u32>, DomainError> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let days: u32 = part.parse().map_err(|_| DomainError::invalid(field, format!("'{part}' is not a number of days")))?;
        if days == 0 || days > DAYS_MAX {
            return Err(DomainError::invalid(field, format!("{days} is not between 1 and {DAYS_MAX} days")));
        }
        out.push(days);
    }
    out.sort_unstable_by(|a, b| b.cmp(a));
    out.dedup();
    if out.is_empty() {
        return Err(DomainError::invalid(field, "give at least one lead time, such as 90, 30, 7"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_notice_period_adds_an_earlier_deadline() {
        let end = date(2027, 3, 31);
        assert_eq!(deadlines(end, 0), vec![(Deadline::End, end)]);
        assert_eq!(deadlines(end, 90), vec![(Deadline::Notice, date(2026, 12, 31)), (Deadline::End, end)]);
    }

    #[test]
    fn alerts_fall_due_at_each_lead_time_and_only_the_nearest_goes_out() {
        let end = date(2027, 3, 31);
        let all = alerts(end, 0, &DEFAULT_LEAD_DAYS);
        let due: Vec<Date> = all.iter().map(|a| a.due_on).collect();
        assert_eq!(due, vec![date(2026, 12, 31), date(2027, 3, 1), date(2027, 3, 24)]);
        let on = |today: Date| -> Vec<u32> { all.iter().filter(|a| a.is_due(today, &DEFAULT_LEAD_DAYS)).map(|a| a.lead).collect() };
        assert_eq!(on(date(2026, 12, 30)), Vec::<u32>::new());
        assert_eq!(on(date(2026, 12, 31)), vec![90]);
        assert_eq!(on(date(2027, 3, 10)), vec![30], "entered late: only the nearest lead time");
        assert_eq!(on(date(2027, 3, 31)), vec![7], "the last day still warns");
        assert_eq!(on(date(2027, 4, 1)), Vec::<u32>::new(), "past the deadline nothing goes out");
    }

    #[test]
    fn lead_days_are_checked_and_sorted() {
        assert_eq!(parse_lead_days("lead_days", "7, 90,30"), Ok(vec![90, 30, 7]));
        assert!(parse_lead_days("lead_days", "0").is_err());
        assert!(parse_lead_days("lead_days", "soon").is_err());
        assert!(parse_lead_days("lead_days", " ").is_err());
    }
}
