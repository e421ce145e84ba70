//! The line-per-item text an administrator types into the service-level forms, and
//! back: conditions ("priority is 1, 2", "status is not resolved"), breach actions
//! ("notify manager", "reassign Network", "note Call the customer"), holidays
//! ("2026-12-24 09:00-12:00 Christmas Eve") and a day's hours ("09:00-12:00, 13:00-17:00").
//! Each parser names the line it could not read; formatting then parsing gives back
//! the same value.

use super::calendar::{HolidaySpec, Hours};
use super::condition::Condition;
use super::definition::BreachAction;
use crate::DomainError;

fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().map(str::trim).enumerate().filter(|(_, l)| !l.is_empty()).map(|(i, l)| (i + 1, l))
}

/// "field is a, b" or "field is not a, b", one per line.
pub fn parse_conditions(field: &'static str, text: &str) -> Result<Vec<Condition>, DomainError> {
    lines(text)
        .map(|(n, line)| {
            let bad =
                || DomainError::invalid(field, format!("line {n}: '{line}' is not like 'priority is 1, 2' or 'status is not resolved'"));
            let (name, rest) = line.split_once(char::is_whitespace).ok_or_else(bad)?;
            let rest = rest.trim_start();
            let (negate, values) = if let Some(v) = rest.strip_prefix("is not ") {
                (true, v)
            } else if let Some(v) = rest.strip_prefix("is ") {
                (false, v)
            } else {
                return Err(bad());
            };
            let values: Vec<String> = values.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect();
            let c = Condition { field: name.to_ascii_lowercase(), negate, values };
            c.check(field).map_err(|e| match e {
                DomainError::Invalid { message, .. } => DomainError::invalid(field, format!("line {n}: {message}")),
                other => other,
            })?;
            Ok(c)
        })
        .collect()
}

pub fn format_conditions(conditions: &[Condition]) -> String {
    conditions
        .iter()
        .map(|c| format!("{} is {}{}", c.field, if c.negate { "not " } else { "" }, c.values.join(", ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// "notify assignee|group|manager", "raise priority", "reassign <group>", "note <text>".
pub fn parse_actions(text: &str) -> Result<Vec<BreachAction>, DomainError> {
    lines(text)
        .map(|(n, line)| {
            let (verb, rest) = line.split_once(char::is_whitespace).map_or((line, ""), |(v, r)| (v, r.trim()));
            match (verb.to_ascii_lowercase().as_str(), rest) {
                ("notify", to) if !to.is_empty() => Ok(BreachAction::Notify { to: to.to_ascii_lowercase() }),
                ("raise", "priority") => Ok(BreachAction::RaisePriority),
                ("reassign", group) if !group.is_empty() => Ok(BreachAction::Reassign { group: group.into() }),
                ("note", text) if !text.is_empty() => Ok(BreachAction::Note { text: text.into() }),
                _ => Err(DomainError::invalid(
                    "breach_actions",
                    format!(
                        "line {n}: '{line}' is not 'notify assignee|group|manager', 'raise priority', 'reassign <group>' or 'note <text>'"
                    ),
                )),
            }
        })
        .collect()
}

pub fn format_actions(actions: &[BreachAction]) -> String {
    actions
        .iter()
        .map(|a| match a {
            BreachAction::Notify { to } => format!("notify {to}"),
            BreachAction::RaisePriority => "raise priority".into(),
            BreachAction::Reassign { group } => format!("reassign {group}"),
            BreachAction::Note { text } => format!("note {text}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// "2026-12-25 Christmas Day" closes the day; "2026-12-24 09:00-12:00 Christmas Eve"
/// opens it for those hours only. Dates are checked with the calendar.
pub fn parse_holidays(text: &str) -> Vec<HolidaySpec> {
    lines(text)
        .map(|(_, line)| {
            let mut words = line.split_whitespace().peekable();
            let date = words.next().unwrap_or_default().to_string();
            let mut hours = Vec::new();
            while let Some(h) = words.next_if(|w| Hours::parse(w).is_some()) {
                hours.push(h.to_string());
            }
            HolidaySpec { date, name: words.collect::<Vec<_>>().join(" "), hours }
        })
        .collect()
}

pub fn format_holidays(holidays: &[HolidaySpec]) -> String {
    holidays
        .iter()
        .map(|h| {
            [h.date.as_str()].into_iter().chain(h.hours.iter().map(String::as_str)).chain([h.name.as_str()]).collect::<Vec<_>>().join(" ")
        })
        .map(|l| l.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// "09:00-12:00, 13:00-17:00" as its ranges (checked with the calendar).
pub fn parse_day(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|r| !r.is_empty()).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_read_and_name_the_bad_line() {
        let c = parse_conditions("pause_when", "status is on_hold, waiting\n\npriority is not 4, 5").unwrap();
        assert_eq!(c.len(), 2);
        assert!(c[1].negate);
        assert_eq!(parse_conditions("pause_when", &format_conditions(&c)).unwrap(), c);
        let e = parse_conditions("pause_when", "status is on_hold\ncolour is red").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("unknown field 'colour'"), "{e}");
        assert!(parse_conditions("stop_when", "status resolved").unwrap_err().to_string().contains("line 1"));
    }

    #[test]
    fn actions_and_holidays_read_back() {
        let a = parse_actions("notify manager\nraise priority\nreassign Network Ops\nnote Call them").unwrap();
        assert_eq!(a[2], BreachAction::Reassign { group: "Network Ops".into() });
        assert_eq!(parse_actions(&format_actions(&a)).unwrap(), a);
        assert!(parse_actions("shout loudly").is_err());
        let h = parse_holidays("2026-12-24 09:00-12:00 Christmas Eve\n2026-12-25 Christmas Day\n2027-01-01");
        assert_eq!(h[0].hours, ["09:00-12:00"]);
        assert_eq!(h[0].name, "Christmas Eve");
        assert_eq!(h[2].name, "");
        assert_eq!(parse_holidays(&format_holidays(&h)), h);
        assert_eq!(parse_day(" 09:00-12:00, 13:00-17:00 ,"), ["09:00-12:00", "13:00-17:00"]);
    }
}
