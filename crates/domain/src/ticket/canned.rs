//! Canned responses: reply texts agents reuse, with placeholders filled from the
//! ticket they answer.

use crate::DomainError;
use crate::ticket::status::Status;
use crate::ticket::{parse_resolution_code, parse_tags};

/// The placeholders a canned response may use, as `{{name}}`.
pub const PLACEHOLDERS: [&str; 5] = ["number", "title", "requester", "agent", "group"];

/// What the placeholders stand for on one ticket.
#[derive(Debug, Clone, Default)]
pub struct Fill<'a> {
    pub number: &'a str,
    pub title: &'a str,
    pub requester: &'a str,
    pub agent: &'a str,
    pub group: &'a str,
}

impl Fill<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "number" => self.number,
            "title" => self.title,
            "requester" => self.requester,
            "agent" => self.agent,
            "group" => self.group,
            _ => return None,
        })
    }
}

/// Splits a body into literal text and placeholder names, in order.
fn pieces(body: &str) -> impl Iterator<Item = Result<(&str, Option<&str>), String>> {
    let mut rest = body;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(open) = rest.find("{{") else {
            let lit = rest;
            rest = "";
            return Some(Ok((lit, None)));
        };
        let (lit, after) = rest.split_at(open);
        let Some(close) = after.find("}}") else {
            rest = "";
            return Some(Err("a '{{' is never closed with '}}'".to_string()));
        };
        let name = after[2..close].trim();
        rest = &after[close + 2..];
        Some(Ok((lit, Some(name))))
    })
}

/// Checks a canned response as an agent writes it.
pub fn check(title: &str, body: &str) -> Result<(String, String), DomainError> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(DomainError::invalid("title", "must be 1 to 100 characters"));
    }
    if body.trim().is_empty() || body.chars().count() > crate::ticket::TEXT_MAX {
        return Err(DomainError::invalid("body", format!("must be 1 to {} characters", crate::ticket::TEXT_MAX)));
    }
    for p in pieces(body) {
        match p {
            Err(e) => return Err(DomainError::invalid("body", e)),
            Ok((_, Some(name))) if !PLACEHOLDERS.contains(&name) => {
                return Err(DomainError::invalid(
                    "body",
                    format!("unknown placeholder {{{{{name}}}}}; use one of {}", PLACEHOLDERS.join(", ")),
                ));
            }
            Ok(_) => {}
        }
    }
    Ok((title.to_string(), body.to_string()))
}

/// What a macro does besides filling in its text; the default does nothing, which
/// makes a plain canned response. The group is named here and resolved by the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actions<G = String> {
    pub status: Option<Status>,
    /// Needed with `status` resolved or closed.
    pub resolution_code: Option<String>,
    pub group: Option<G>,
    /// Added to the ticket's tags.
    pub add_tags: Vec<String>,
    /// The text goes out as an internal note rather than a public reply.
    pub internal: bool,
}

impl<G> Actions<G> {
    /// Whether applying it changes the ticket (beyond adding the text).
    pub fn changes_ticket(&self) -> bool {
        self.status.is_some() || self.group.is_some() || !self.add_tags.is_empty()
    }
    /// The same actions with the group as the caller resolved it.
    pub fn with_group<H>(self, group: Option<H>) -> Actions<H> {
        Actions { status: self.status, resolution_code: self.resolution_code, group, add_tags: self.add_tags, internal: self.internal }
    }
}

/// Checks a macro's actions as an agent writes them: a status by name, tags as tags,
/// and a resolution code exactly when the status ends the work.
pub fn check_actions(
    status: Option<&str>,
    resolution_code: Option<&str>,
    group: Option<&str>,
    add_tags: &[String],
    internal: bool,
) -> Result<Actions, DomainError> {
    let blank = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let status = blank(status).map(|s| Status::parse(&s)).transpose()?;
    let resolution_code = blank(resolution_code).map(|c| parse_resolution_code(&c)).transpose()?;
    match (status, &resolution_code) {
        (Some(Status::Resolved | Status::Closed), None) => {
            return Err(DomainError::invalid(
                "resolution_code",
                format!("a macro that resolves says how ({})", crate::ticket::RESOLUTION_CODES.join(", ")),
            ));
        }
        (Some(Status::Resolved | Status::Closed), Some(_)) | (_, None) => {}
        (_, Some(_)) => return Err(DomainError::invalid("resolution_code", "only a macro that resolves gives a resolution code")),
    }
    let tags: Vec<String> = add_tags.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
    Ok(Actions { status, resolution_code, group: blank(group), add_tags: parse_tags(&tags)?, internal })
}

/// The body with its placeholders filled (a checked body; anything else stays as written).
pub fn render(body: &str, fill: &Fill<'_>) -> String {
    let mut out = String::with_capacity(body.len());
    for p in pieces(body) {
        match p {
            Ok((lit, name)) => {
                out.push_str(lit);
                if let Some(name) = name {
                    match fill.get(name) {
                        Some(v) => out.push_str(v),
                        None => {
                            out.push_str("{{");
                            out.push_str(name);
                            out.push_str("}}");
                        }
                    }
                }
            }
            Err(_) => return body.to_string(),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn placeholders_are_filled_from_the_ticket() {
        let fill = Fill { number: "INC0000042", requester: "Kim Lee", agent: "Alice", ..Fill::default() };
        let body = "Hello {{requester}},\nabout {{ number }}: done. — {{agent}}";
        assert_eq!(render(body, &fill), "Hello Kim Lee,\nabout INC0000042: done. — Alice");
        assert!(check("Thanks", body).is_ok());
    }

    #[test]
    fn bad_bodies_name_the_problem() {
        let e = check("x", "Dear {{customer}}").unwrap_err().to_string();
        assert!(e.contains("{{customer}}") && e.contains("requester"), "{e}");
        assert!(check("x", "Dear {{requester").unwrap_err().to_string().contains("never closed"));
        assert!(check(" ", "body").is_err());
        assert!(check("t", "  ").is_err());
    }

    #[test]
    fn a_macro_that_resolves_says_how() {
        let e = check_actions(Some("resolved"), None, None, &[], false).unwrap_err().to_string();
        assert!(e.contains("resolution_code") && e.contains("solved"), "{e}");
        let a = check_actions(Some("resolved"), Some("solved"), Some(" Network "), &["VPN".into(), " ".into()], false).unwrap();
        assert_eq!((a.status, a.group.as_deref(), a.add_tags), (Some(Status::Resolved), Some("Network"), vec!["vpn".to_string()]));
        assert!(check_actions(Some("in_progress"), Some("solved"), None, &[], false).is_err());
        assert!(check_actions(Some("sleeping"), None, None, &[], false).unwrap_err().to_string().contains("sleeping"));
        assert!(!check_actions(Some(""), None, Some(""), &[], true).unwrap().changes_ticket());
    }

    proptest! {
        #[test]
        fn text_without_braces_is_left_as_is(s in "[^{}]{0,200}") {
            prop_assert_eq!(render(&s, &Fill::default()), s);
        }
    }
}
