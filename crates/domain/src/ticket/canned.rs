//! Canned responses: reply texts agents reuse, with placeholders filled from the
//! ticket they answer.

use crate::DomainError;

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

    proptest! {
        #[test]
        fn text_without_braces_is_left_as_is(s in "[^{}]{0,200}") {
            prop_assert_eq!(render(&s, &Fill::default()), s);
        }
    }
}
