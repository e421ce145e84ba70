//! Routing rules: ordered conditions on a ticket's facts that set its assignment group,
//! assignee, priority and tags. The first enabled rule whose conditions all hold wins,
//! so a rule list reads top to bottom like a service desk's routing sheet. Pure: the
//! app gathers the facts and applies the outcome.

use crate::ids::RuleId;
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ticket::parse_tag;
use crate::ticket::priority::Priority;

/// What must hold for a rule to fire; an empty condition holds for every ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Conditions {
    /// The ticket's category or any of its subcategories (`Network` holds for `Network/VPN`).
    pub category: Option<String>,
    pub service: Option<String>,
    /// The requester's organisation.
    pub organisation: Option<String>,
    /// Any of these words or phrases in the title or description, whole words, any
    /// case. Stored as [`Conditions::normalise`] leaves them.
    pub keywords: Vec<String>,
    /// Any of these priorities (1 = critical … 5 = planning).
    pub priorities: Vec<i64>,
}

/// What a firing rule sets. Group and assignee fill only what the caller left empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Actions {
    pub group: Option<String>,
    pub assignee: Option<String>,
    pub priority: Option<i64>,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: RuleId,
    pub name: String,
    pub position: i64,
    pub enabled: bool,
    pub when: Conditions,
    pub then: Actions,
}

const MAX_KEYWORDS: usize = 100;
const NAME_MAX: usize = 100;

/// Checks a rule's own shape (names it refers to are checked against the tenant by the app).
pub fn check(name: &str, when: &Conditions, then: &Actions) -> Result<(), DomainError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(DomainError::invalid("name", format!("must be 1 to {NAME_MAX} characters")));
    }
    if when.keywords.len() > MAX_KEYWORDS {
        return Err(DomainError::invalid("when.keywords", format!("at most {MAX_KEYWORDS} keywords")));
    }
    if let Some(k) = when.keywords.iter().find(|k| normalise(k).trim().is_empty()) {
        return Err(DomainError::invalid("when.keywords", format!("'{k}' has no letters or digits")));
    }
    if let Some(p) = when.priorities.iter().find(|p| Priority::parse(**p).is_err()) {
        return Err(DomainError::invalid("when.priorities", format!("{p} is not a priority (1 to 5)")));
    }
    for (field, value) in [("when.category", &when.category), ("when.service", &when.service), ("when.organisation", &when.organisation)] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err(DomainError::invalid(field, "must not be empty when given"));
        }
    }
    if then == &Actions::default() {
        return Err(DomainError::invalid("then", "a rule must set at least one of group, assignee, priority, tags"));
    }
    if let Some(p) = then.priority
        && Priority::parse(p).is_err()
    {
        return Err(DomainError::invalid("then.priority", format!("{p} is not a priority (1 to 5)")));
    }
    for t in &then.tags {
        parse_tag(t).map_err(|_| DomainError::invalid("then.tags", format!("'{t}' is not a tag (letters, digits, - and _)")))?;
    }
    Ok(())
}

/// The facts of a ticket that rules look at.
#[derive(Debug, Clone)]
pub struct Facts {
    pub category: Option<String>,
    pub service: Option<String>,
    pub organisation: Option<String>,
    pub priority: Priority,
    /// Title and description, normalised for whole-word matching.
    text: String,
}

impl Facts {
    pub fn new(
        title: &str,
        description: &str,
        category: Option<String>,
        service: Option<String>,
        organisation: Option<String>,
        priority: Priority,
    ) -> Facts {
        Facts { category, service, organisation, priority, text: normalise(&format!("{title} {description}")) }
    }
}

/// Lowercase words separated by single spaces, with a space at each end, so that
/// `" vpn "` finds the word and `" blue screen "` the phrase.
fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(' ');
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Whether `word` (normalised) occurs in `text` (normalised) as whole words.
fn has_words(text: &str, word: &str) -> bool {
    !word.is_empty() && text.match_indices(word).any(|(i, _)| text[..i].ends_with(' ') && text[i + word.len()..].starts_with(' '))
}

impl Conditions {
    /// Puts keywords in the form matching expects: lowercase words, single spaces.
    pub fn normalise(&mut self) {
        for k in &mut self.keywords {
            *k = normalise(k).trim().to_string();
        }
    }

    /// Whether the conditions hold for a ticket; keywords must be normalised.
    pub fn hold(&self, f: &Facts) -> bool {
        let category = match (&self.category, &f.category) {
            (None, _) => true,
            (Some(want), Some(have)) => {
                let want = want.trim();
                have.eq_ignore_ascii_case(want)
                    || (have.len() > want.len()
                        && have.is_char_boundary(want.len())
                        && have[..want.len()].eq_ignore_ascii_case(want)
                        && have[want.len()..].starts_with('/'))
            }
            (Some(_), None) => false,
        };
        let equal = |want: &Option<String>, have: &Option<String>| match (want, have) {
            (None, _) => true,
            (Some(w), Some(h)) => same(w, h),
            (Some(_), None) => false,
        };
        category
            && equal(&self.service, &f.service)
            && equal(&self.organisation, &f.organisation)
            && (self.priorities.is_empty() || self.priorities.contains(&i64::from(f.priority.get())))
            && (self.keywords.is_empty() || self.keywords.iter().any(|k| has_words(&f.text, k)))
    }
}

/// The rule that routes a ticket with these facts: the first enabled one, in position
/// order, whose conditions hold. `rules` must be sorted by position.
pub fn route<'r>(rules: &'r [Rule], f: &Facts) -> Option<&'r Rule> {
    rules.iter().find(|r| r.enabled && r.when.hold(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(n: i64) -> Priority {
        Priority::parse(n).unwrap_or_else(|e| panic!("{e}"))
    }

    fn rule(id: i64, mut when: Conditions) -> Rule {
        when.normalise();
        let then = Actions { group: Some(format!("g{id}")), ..Actions::default() };
        Rule { id: RuleId(id), name: format!("r{id}"), position: id, enabled: true, when, then }
    }

    fn facts(title: &str, category: Option<&str>) -> Facts {
        Facts::new(title, "", category.map(str::to_string), None, None, p(3))
    }

    #[test]
    fn category_matches_itself_and_its_subcategories_only() {
        let c = Conditions { category: Some("Network".into()), ..Conditions::default() };
        assert!(c.hold(&facts("x", Some("Network"))));
        assert!(c.hold(&facts("x", Some("network/VPN"))));
        assert!(!c.hold(&facts("x", Some("Networking"))));
        assert!(!c.hold(&facts("x", None)));
    }

    #[test]
    fn keywords_match_whole_words_and_phrases_in_any_case() {
        let mut c = Conditions { keywords: vec!["VPN".into(), "Blue  screen".into()], ..Conditions::default() };
        c.normalise();
        assert!(c.hold(&facts("The vpn drops", None)));
        assert!(c.hold(&facts("Blue   screen after update!", None)));
        assert!(!c.hold(&facts("vpnclient crashed", None)));
        assert!(!c.hold(&facts("blue screens", None)));
    }

    #[test]
    fn first_enabled_matching_rule_wins() {
        let mut rules = vec![
            rule(1, Conditions { keywords: vec!["printer".into()], ..Conditions::default() }),
            rule(2, Conditions { keywords: vec!["vpn".into()], ..Conditions::default() }),
            rule(3, Conditions::default()),
        ];
        assert_eq!(route(&rules, &facts("vpn down", None)).map(|r| r.id), Some(RuleId(2)));
        rules[1].enabled = false;
        assert_eq!(route(&rules, &facts("vpn down", None)).map(|r| r.id), Some(RuleId(3)), "falls through to the catch-all");
    }

    #[test]
    fn check_names_the_bad_part() {
        let then = Actions { group: Some("Network".into()), ..Actions::default() };
        let bad_priority = Conditions { priorities: vec![9], ..Conditions::default() };
        let e = check("r", &bad_priority, &then).unwrap_err();
        assert!(e.to_string().contains("9 is not a priority"), "{e}");
        let e = check("r", &Conditions::default(), &Actions::default()).unwrap_err();
        assert!(e.to_string().contains("at least one"), "{e}");
        let e = check("r", &Conditions { keywords: vec!["  !! ".into()], ..Conditions::default() }, &then).unwrap_err();
        assert!(e.to_string().contains("no letters"), "{e}");
        assert!(check(" ", &Conditions::default(), &then).is_err());
        assert!(check("ok", &Conditions::default(), &then).is_ok());
    }

    proptest! {
        /// Whatever the rules, the one chosen is enabled, holds, and no earlier enabled rule holds.
        #[test]
        fn the_chosen_rule_is_the_first_that_holds(
            words in proptest::collection::vec("[a-d]{1,2}", 0..6),
            rules in proptest::collection::vec((proptest::collection::vec("[a-d]{1,2}", 0..3), any::<bool>(), proptest::option::of(1i64..=5)), 0..12),
            prio in 1i64..=5,
        ) {
            let rules: Vec<Rule> = rules.into_iter().enumerate().map(|(i, (kw, enabled, pr))| {
                let mut r = rule(i as i64, Conditions { keywords: kw, priorities: pr.into_iter().collect(), ..Conditions::default() });
                r.enabled = enabled;
                r
            }).collect();
            let f = Facts::new(&words.join(" "), "", None, None, None, p(prio));
            match route(&rules, &f) {
                Some(r) => {
                    prop_assert!(r.enabled && r.when.hold(&f));
                    prop_assert!(rules.iter().take_while(|x| x.id != r.id).all(|x| !x.enabled || !x.when.hold(&f)));
                }
                None => prop_assert!(rules.iter().all(|x| !x.enabled || !x.when.hold(&f))),
            }
        }
    }
}
