//! The service catalog's order forms: typed variables with required and show-if rules,
//! and the check of a requester's answers against them. The server runs this check on
//! every order, whatever the browser showed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::DomainError;

code_enum!(
    /// Who may order a catalog item.
    CatalogAudience {
        Everyone => "everyone", "Everyone";
        Orgs => "orgs", "These organisations";
    }
);

/// What a variable holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VarKind {
    Text,
    Number,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    Checkbox,
    /// One of `options`.
    Choice,
    /// Any of `options`, comma-separated in the answer.
    MultiChoice,
    /// A username of the tenant (checked by the caller).
    User,
    /// A group name of the tenant (checked by the caller).
    Group,
}

/// Show a variable only when another variable has one of these values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShowIf {
    pub variable: String,
    pub equals: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variable {
    /// The answer's key: lowercase letters, digits and `_`.
    pub name: String,
    pub label: String,
    pub kind: VarKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub show_if: Option<ShowIf>,
}

/// A form's answers by variable name; hidden and empty ones are absent.
pub type Answers = BTreeMap<String, String>;

/// The answers as their reader sees them: under the form's labels, in the form's
/// order; an answer whose question has left the form since keeps its name.
pub fn labelled(form: &[Variable], answers: &Answers) -> Vec<(String, String)> {
    let asked = form.iter().filter_map(|v| answers.get(&v.name).map(|a| (v.label.clone(), a.clone())));
    let gone = answers.iter().filter(|(k, _)| !form.iter().any(|v| &v.name == *k)).map(|(k, a)| (k.replace('_', " "), a.clone()));
    asked.chain(gone).collect()
}

/// Checks a form's variables: names well formed and unique, choices with options,
/// show-if rules pointing at an earlier variable's possible values.
pub fn check_form(vars: &[Variable]) -> Result<(), DomainError> {
    if vars.len() > 40 {
        return Err(DomainError::invalid("variables", "at most 40 variables"));
    }
    for (i, v) in vars.iter().enumerate() {
        let at = |m: String| DomainError::invalid("variables", format!("{}: {m}", v.name));
        let ok =
            !v.name.is_empty() && v.name.len() <= 40 && v.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            return Err(DomainError::invalid("variables", format!("'{}' is not a variable name (a-z, 0-9, _)", v.name)));
        }
        if vars[..i].iter().any(|w| w.name == v.name) {
            return Err(at("named twice".into()));
        }
        if v.label.trim().is_empty() {
            return Err(at("needs a label".into()));
        }
        match v.kind {
            VarKind::Choice | VarKind::MultiChoice if v.options.is_empty() => return Err(at("a choice needs options".into())),
            VarKind::Choice | VarKind::MultiChoice if v.options.iter().any(|o| o.contains(',') || o.trim().is_empty()) => {
                return Err(at("options are not empty and hold no commas".into()));
            }
            _ => {}
        }
        if let Some(rule) = &v.show_if {
            let Some(on) = vars[..i].iter().find(|w| w.name == rule.variable) else {
                return Err(at(format!("shown if '{}', which is not an earlier variable", rule.variable)));
            };
            let possible = |x: &String| match on.kind {
                VarKind::Choice | VarKind::MultiChoice => on.options.contains(x),
                VarKind::Checkbox => x == "yes" || x == "no",
                _ => true,
            };
            if rule.equals.is_empty() || !rule.equals.iter().all(possible) {
                return Err(at(format!("shown if '{}' is one of its possible values", rule.variable)));
            }
        }
    }
    Ok(())
}

/// Whether `v` shows, given the answers so far.
fn shown(v: &Variable, answers: &Answers) -> bool {
    match &v.show_if {
        None => true,
        Some(rule) => answers.get(&rule.variable).is_some_and(|a| a.split(',').any(|part| rule.equals.iter().any(|e| e == part))),
    }
}

/// An answer the form refuses: the question's name and why, in its reader's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub name: String,
    pub message: String,
}

/// Checks answers against their form, like [`review_answers`], refusing them all with
/// every problem named when any has one.
pub fn check_answers(vars: &[Variable], given: &Answers) -> Result<Answers, DomainError> {
    let (out, problems) = review_answers(vars, given);
    if problems.is_empty() {
        return Ok(out);
    }
    let all: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.name, p.message)).collect();
    Err(DomainError::invalid("answers", all.join("; ")))
}

/// The answers the form accepts (hidden and empty ones dropped, values normalised), and
/// a problem for each it refuses: a required question unanswered, a value of the wrong
/// kind, an answer to a question that is not shown or not on the form.
pub fn review_answers(vars: &[Variable], given: &Answers) -> (Answers, Vec<Problem>) {
    let mut problems = Vec::new();
    for k in given.keys().filter(|k| !vars.iter().any(|v| &v.name == *k)) {
        problems.push(Problem { name: k.clone(), message: "is not a question of this form".into() });
    }
    let mut out = Answers::new();
    for v in vars {
        // An empty answer, or an unticked box, is no answer.
        let raw = given.get(&v.name).map(|s| s.trim()).filter(|s| !(s.is_empty() || v.kind == VarKind::Checkbox && *s == "no"));
        let mut refuse = |m: String| problems.push(Problem { name: v.name.clone(), message: format!("“{}” {m}", v.label) });
        if !shown(v, &out) {
            if raw.is_some() {
                refuse("does not apply to the other answers".into());
            }
            continue;
        }
        let Some(raw) = raw else {
            if v.required {
                refuse("is required".into());
            }
            continue;
        };
        let value = match v.kind {
            VarKind::Text if raw.chars().count() > 2000 => Err("takes at most 2000 characters".to_string()),
            VarKind::Number => {
                raw.parse::<f64>().ok().filter(|n| n.is_finite()).map(|_| raw.to_string()).ok_or_else(|| "must be a number".into())
            }
            VarKind::Date => raw.parse::<jiff::civil::Date>().map(|_| raw.to_string()).map_err(|_| "must be a date (YYYY-MM-DD)".into()),
            VarKind::Checkbox => match raw {
                "yes" | "on" | "true" => Ok("yes".into()),
                _ => Err("is ticked or not".into()),
            },
            VarKind::Choice if !v.options.iter().any(|o| o == raw) => Err(format!("must be one of: {}", v.options.join(", "))),
            VarKind::MultiChoice => {
                let picked: Vec<&str> = raw.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
                match picked.iter().find(|p| !v.options.iter().any(|o| o == *p)) {
                    Some(p) => Err(format!("has no option '{p}'")),
                    None => Ok(picked.join(",")),
                }
            }
            _ => Ok(raw.to_string()),
        };
        match value {
            Ok(value) => {
                out.insert(v.name.clone(), value);
            }
            Err(m) => refuse(m),
        }
    }
    (out, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn laptop() -> Vec<Variable> {
        let var = |name: &str, kind: VarKind, required: bool| Variable {
            name: name.into(),
            label: name.replace('_', " "),
            kind,
            required,
            options: vec![],
            show_if: None,
        };
        vec![
            Variable { options: vec!["14-inch".into(), "16-inch".into()], ..var("model", VarKind::Choice, true) },
            var("justification", VarKind::Text, true),
            Variable { options: vec!["department".into(), "project budget".into()], ..var("funding", VarKind::Choice, true) },
            Variable {
                show_if: Some(ShowIf { variable: "funding".into(), equals: vec!["project budget".into()] }),
                ..var("cost_centre", VarKind::Text, true)
            },
            var("needed_by", VarKind::Date, false),
        ]
    }

    fn answers(pairs: &[(&str, &str)]) -> Answers {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let (_, problems) = review_answers(&laptop(), &answers(&[("model", "13-inch"), ("needed_by", "soon")]));
        let named: Vec<&str> = problems.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(named, ["model", "justification", "funding", "needed_by"]);
        assert_eq!(problems[1].message, "“justification” is required");
        let e = check_answers(&laptop(), &answers(&[("model", "13-inch")])).unwrap_err().to_string();
        assert!(e.contains("model: “model” must be one of") && e.contains("funding: “funding” is required"), "{e}");
    }

    #[test]
    fn answers_are_shown_under_their_labels_in_form_order() {
        let mut form = laptop();
        form[2].label = "How is it paid for?".into();
        let given = answers(&[("funding", "department"), ("model", "14-inch"), ("old_question", "yes")]);
        assert_eq!(
            labelled(&form, &given),
            [
                ("model".to_string(), "14-inch".to_string()),
                ("How is it paid for?".into(), "department".into()),
                ("old question".into(), "yes".into())
            ]
        );
    }

    #[test]
    fn the_cost_centre_is_asked_only_for_project_budgets() {
        let form = laptop();
        check_form(&form).unwrap();
        let base = [("model", "14-inch"), ("justification", "old one broke"), ("funding", "department")];
        assert_eq!(check_answers(&form, &answers(&base)).unwrap().len(), 3);
        let e = check_answers(&form, &answers(&[base[0], base[1], ("funding", "project budget")])).unwrap_err();
        assert!(e.to_string().contains("cost centre"), "{e}");
        let ok = check_answers(&form, &answers(&[base[0], base[1], ("funding", "project budget"), ("cost_centre", "CC-4711")])).unwrap();
        assert_eq!(ok["cost_centre"], "CC-4711");
        let e = check_answers(&form, &answers(&[base[0], base[1], base[2], ("cost_centre", "CC-4711")])).unwrap_err();
        assert!(e.to_string().contains("does not apply"), "{e}");
    }

    #[test]
    fn answers_are_checked_against_their_kind() {
        let form = laptop();
        let base = [("model", "14-inch"), ("justification", "x"), ("funding", "department")];
        for (k, v, why) in [("model", "17-inch", "one of"), ("needed_by", "soon", "date"), ("colour", "red", "not a question")] {
            let mut a = answers(&base);
            a.insert(k.into(), v.into());
            assert!(check_answers(&form, &a).unwrap_err().to_string().contains(why), "{k}");
        }
    }

    #[test]
    fn forms_are_checked_when_saved() {
        let mut form = laptop();
        form[3].show_if = Some(ShowIf { variable: "funding".into(), equals: vec!["lottery".into()] });
        assert!(check_form(&form).is_err());
        let mut form = laptop();
        form.swap(2, 3);
        assert!(check_form(&form).unwrap_err().to_string().contains("earlier variable"));
    }

    proptest! {
        #[test]
        fn accepted_answers_only_hold_shown_known_variables(funding in "(department|project budget|x)", cc in "[A-Z0-9-]{0,6}", model in "(14-inch|16-inch|)") {
            let form = laptop();
            let given = answers(&[("model", &model), ("justification", "j"), ("funding", &funding), ("cost_centre", &cc)]);
            if let Ok(ok) = check_answers(&form, &given) {
                prop_assert!(ok.keys().all(|k| form.iter().any(|v| &v.name == k)));
                prop_assert_eq!(ok.contains_key("cost_centre"), funding == "project budget");
                prop_assert!(form.iter().filter(|v| v.required && shown(v, &ok)).all(|v| ok.contains_key(&v.name)));
            }
        }
    }
}
