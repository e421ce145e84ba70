//! The satisfaction survey a tenant asks after resolution: the rating question (always
//! asked, it feeds CSAT), optionally the effort question, and up to five questions of its
//! own (free text, a choice from a list, or a 1-to-5 scale), each optional or required.
//!
//! Answers to a tenant's own questions are kept with the question's wording, so later
//! edits to the questions never change what an earlier answer meant.

use serde::{Deserialize, Serialize};

use crate::DomainError;

pub const KINDS: [&str; 3] = ["text", "choice", "scale"];
pub const MAX_QUESTIONS: usize = 5;
pub const ANSWER_MAX: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub label: String,
    /// `text`, `choice` or `scale` (1 to 5).
    pub kind: String,
    /// The choices of a `choice` question.
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questions {
    /// The rating question's wording (1 to 5).
    #[serde(default = "rating_label")]
    pub rating: String,
    /// The effort question's wording (1 very hard to 5 very easy); none: not asked.
    #[serde(default = "effort_label")]
    pub effort: Option<String>,
    #[serde(default)]
    pub extra: Vec<Question>,
}

fn rating_label() -> String {
    "How satisfied are you with how this was handled?".into()
}

fn effort_label() -> Option<String> {
    Some("How easy was it to get help? (1 very hard, 5 very easy)".into())
}

impl Default for Questions {
    fn default() -> Self {
        Questions { rating: rating_label(), effort: effort_label(), extra: Vec::new() }
    }
}

fn label(field: &'static str, raw: &str) -> Result<(), DomainError> {
    let n = raw.trim().chars().count();
    if n == 0 || n > 200 {
        return Err(DomainError::invalid(field, "a question is 1 to 200 characters"));
    }
    Ok(())
}

impl Questions {
    pub fn check(&self) -> Result<(), DomainError> {
        label("rating", &self.rating)?;
        if let Some(e) = &self.effort {
            label("effort", e)?;
        }
        if self.extra.len() > MAX_QUESTIONS {
            return Err(DomainError::invalid("extra", format!("at most {MAX_QUESTIONS} questions of your own")));
        }
        for (i, q) in self.extra.iter().enumerate() {
            label("extra", &q.label)?;
            if !KINDS.contains(&q.kind.as_str()) {
                return Err(DomainError::invalid("extra", format!("question {}: '{}' is not text, choice or scale", i + 1, q.kind)));
            }
            match (q.kind.as_str(), q.options.len()) {
                ("choice", n) if !(2..=20).contains(&n) => {
                    return Err(DomainError::invalid("extra", format!("question {}: a choice lists 2 to 20 options", i + 1)));
                }
                ("text" | "scale", n) if n > 0 => {
                    return Err(DomainError::invalid("extra", format!("question {}: only a choice has options", i + 1)));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Checks the answers to the tenant's own questions, given in their order (blank:
    /// not answered), and pairs each given one with its question's wording.
    pub fn answers(&self, raw: &[Option<String>]) -> Result<Vec<(String, String)>, DomainError> {
        let mut out = Vec::new();
        for (i, q) in self.extra.iter().enumerate() {
            let a = raw.get(i).cloned().flatten().map(|a| a.trim().to_string()).filter(|a| !a.is_empty());
            let Some(a) = a else {
                if q.required {
                    return Err(DomainError::invalid("answers", format!("'{}' needs an answer", q.label)));
                }
                continue;
            };
            let ok = match q.kind.as_str() {
                "choice" => q.options.contains(&a),
                "scale" => matches!(a.as_str(), "1" | "2" | "3" | "4" | "5"),
                _ => a.chars().count() <= ANSWER_MAX,
            };
            if !ok {
                let why = match q.kind.as_str() {
                    "choice" => format!("'{a}' is not one of {}", q.options.join(", ")),
                    "scale" => format!("'{a}' is not from 1 to 5"),
                    _ => format!("at most {ANSWER_MAX} characters"),
                };
                return Err(DomainError::invalid("answers", format!("'{}': {why}", q.label)));
            }
            out.push((q.label.clone(), a));
        }
        Ok(out)
    }
}

/// The tenant's own questions as an administrator types them, one per line:
/// `text What could we do better?`, `scale! How clear were our updates?`,
/// `choice How did you reach us? = Email | Phone | Portal` (`!` makes it required).
pub fn parse_extra(text: &str) -> Result<Vec<Question>, DomainError> {
    text.lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, line)| {
            let bad = || {
                DomainError::invalid(
                    "extra",
                    format!("line {}: '{line}' is not like 'choice! How did you reach us? = Email | Phone'", i + 1),
                )
            };
            let (kind, rest) = line.split_once(char::is_whitespace).ok_or_else(bad)?;
            let (kind, required) = kind.strip_suffix('!').map_or((kind, false), |k| (k, true));
            let (label, options) = match rest.split_once('=') {
                Some((l, o)) => (l.trim(), o.split('|').map(str::trim).filter(|o| !o.is_empty()).map(str::to_string).collect()),
                None => (rest.trim(), Vec::new()),
            };
            if !KINDS.contains(&kind) {
                return Err(bad());
            }
            Ok(Question { label: label.into(), kind: kind.into(), options, required })
        })
        .collect()
}

pub fn format_extra(questions: &[Question]) -> String {
    questions
        .iter()
        .map(|q| {
            let bang = if q.required { "!" } else { "" };
            let options = if q.options.is_empty() { String::new() } else { format!(" = {}", q.options.join(" | ")) };
            format!("{}{bang} {}{options}", q.kind, q.label)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_questions_read_back_and_check_answers() {
        let extra = parse_extra(
            "choice! How did you reach us? = Email | Phone | Portal\n\ntext What could we do better?\nscale How clear were our updates?",
        )
        .unwrap();
        assert_eq!(parse_extra(&format_extra(&extra)).unwrap(), extra);
        let q = Questions { extra, ..Questions::default() };
        q.check().unwrap();
        let got = q.answers(&[Some("Phone".into()), None, Some("4".into())]).unwrap();
        assert_eq!(got, [("How did you reach us?".to_string(), "Phone".to_string()), ("How clear were our updates?".into(), "4".into())]);
        assert!(q.answers(&[None]).unwrap_err().to_string().contains("needs an answer"));
        assert!(q.answers(&[Some("Fax".into())]).unwrap_err().to_string().contains("'Fax' is not one of"));
        assert!(q.answers(&[Some("Email".into()), None, Some("9".into())]).is_err());
        assert!(parse_extra("rating! Stars").is_err());
        let bad = Questions { extra: parse_extra("choice Only one = A").unwrap(), ..Questions::default() };
        assert!(bad.check().unwrap_err().to_string().contains("2 to 20 options"));
    }
}
