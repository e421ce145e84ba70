//! CI classes: a tree in which each class inherits the attributes of its ancestors,
//! and the check of a CI's attribute values against its class on every write.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::DomainError;
use crate::ids::{CiAttributeId, CiClassId};

/// What an attribute of kind reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefTarget {
    /// Another CI, by number.
    Ci,
    /// A user, by username.
    Person,
    /// An organisation, by name.
    Organisation,
    /// A CI of class location (or below), by number.
    Location,
}

impl RefTarget {
    pub const ALL: [RefTarget; 4] = [RefTarget::Ci, RefTarget::Person, RefTarget::Organisation, RefTarget::Location];

    pub fn as_str(self) -> &'static str {
        match self {
            RefTarget::Ci => "ci",
            RefTarget::Person => "person",
            RefTarget::Organisation => "organisation",
            RefTarget::Location => "location",
        }
    }
}

/// The type of an attribute's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeKind {
    String,
    Integer,
    Decimal,
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// One of the listed values.
    Enum(Vec<String>),
    Reference(RefTarget),
}

impl AttributeKind {
    /// The kind's code as stored and in the API (`reference` kinds say their target apart).
    pub fn code(&self) -> &'static str {
        match self {
            AttributeKind::String => "string",
            AttributeKind::Integer => "integer",
            AttributeKind::Decimal => "decimal",
            AttributeKind::Boolean => "boolean",
            AttributeKind::Date => "date",
            AttributeKind::Enum(_) => "enum",
            AttributeKind::Reference(_) => "reference",
        }
    }

    /// The kind from its code, the enum's values and the reference's target.
    pub fn from_parts(code: &str, values: &[String], target: Option<&str>) -> Result<AttributeKind, DomainError> {
        Ok(match code {
            "string" => AttributeKind::String,
            "integer" => AttributeKind::Integer,
            "decimal" => AttributeKind::Decimal,
            "boolean" => AttributeKind::Boolean,
            "date" => AttributeKind::Date,
            "enum" => {
                if values.is_empty() {
                    return Err(DomainError::invalid("values", "an enum attribute lists its values"));
                }
                AttributeKind::Enum(values.to_vec())
            }
            "reference" => {
                let t = target
                    .ok_or_else(|| DomainError::invalid("target", "a reference names its target: ci, person, organisation or location"))?;
                let t = RefTarget::ALL.into_iter().find(|r| r.as_str() == t).ok_or_else(|| {
                    DomainError::invalid("target", format!("unknown target '{t}'; one of ci, person, organisation, location"))
                })?;
                AttributeKind::Reference(t)
            }
            other => {
                return Err(DomainError::invalid(
                    "kind",
                    format!("unknown kind '{other}'; one of string, integer, decimal, boolean, date, enum, reference"),
                ));
            }
        })
    }
}

/// One attribute a class defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeDef {
    pub id: CiAttributeId,
    pub code: String,
    pub label: String,
    pub kind: AttributeKind,
    pub required: bool,
    /// No two CIs of the defining class (and below) share a value.
    pub unique: bool,
    /// The identification rule this attribute belongs to: CIs are matched by rule 1,
    /// then rule 2, …; a rule of several attributes (hostname + domain) matches when
    /// all of them match.
    pub key: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    pub id: CiClassId,
    pub code: String,
    pub label: String,
    pub parent: Option<CiClassId>,
    /// The attributes this class adds to its ancestors'.
    pub attributes: Vec<AttributeDef>,
}

/// A code as classes and attributes use them: a lowercase letter, then up to 39
/// lowercase letters, digits or `_`.
pub fn check_code(field: &'static str, code: &str) -> Result<(), DomainError> {
    let mut chars = code.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if !first_ok || code.len() > 40 || !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        return Err(DomainError::invalid(field, format!("'{code}' is not a code: a lowercase letter, then up to 39 of a-z, 0-9, _")));
    }
    Ok(())
}

/// A tenant's classes, with their inheritance resolved.
#[derive(Debug, Clone, Default)]
pub struct ClassTree {
    classes: Vec<Class>,
    by_id: HashMap<CiClassId, usize>,
}

impl ClassTree {
    pub fn new(classes: Vec<Class>) -> ClassTree {
        let by_id = classes.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        ClassTree { classes, by_id }
    }

    pub fn all(&self) -> &[Class] {
        &self.classes
    }

    pub fn get(&self, id: CiClassId) -> Option<&Class> {
        self.by_id.get(&id).map(|&i| &self.classes[i])
    }

    pub fn by_code(&self, code: &str) -> Option<&Class> {
        self.classes.iter().find(|c| c.code == code)
    }

    /// The class named `code`, or an error naming `field`.
    pub fn find(&self, field: &'static str, code: &str) -> Result<&Class, DomainError> {
        self.by_code(code).ok_or_else(|| DomainError::invalid(field, format!("unknown class '{code}'")))
    }

    /// The class and its ancestors, root first. A parent loop (which writes refuse)
    /// ends the walk rather than hanging it.
    pub fn lineage(&self, id: CiClassId) -> Vec<&Class> {
        let mut out = Vec::new();
        let mut at = self.get(id);
        while let Some(c) = at {
            if out.iter().any(|o: &&Class| o.id == c.id) {
                break;
            }
            out.push(c);
            at = c.parent.and_then(|p| self.get(p));
        }
        out.reverse();
        out
    }

    /// The root of the class's tree (`hardware` for `server`).
    pub fn root(&self, id: CiClassId) -> Option<&Class> {
        self.lineage(id).into_iter().next()
    }

    /// Whether the class is `code` or below it.
    pub fn is_a(&self, id: CiClassId, code: &str) -> bool {
        self.lineage(id).iter().any(|c| c.code == code)
    }

    /// Every attribute of the class, inherited ones first, with the class defining it.
    pub fn attributes(&self, id: CiClassId) -> Vec<(&Class, &AttributeDef)> {
        self.lineage(id).into_iter().flat_map(|c| c.attributes.iter().map(move |a| (c, a))).collect()
    }

    /// The codes of the class's required attributes that `values` lacks.
    pub fn missing_required(&self, id: CiClassId, values: &Map<String, Value>) -> Vec<&str> {
        self.attributes(id).into_iter().filter(|(_, a)| a.required && !values.contains_key(&a.code)).map(|(_, a)| a.code.as_str()).collect()
    }

    /// The identification rules of the class, in order: each a list of attributes.
    pub fn keys(&self, id: CiClassId) -> Vec<Vec<&AttributeDef>> {
        let mut rules: BTreeMap<u8, Vec<&AttributeDef>> = BTreeMap::new();
        for (_, a) in self.attributes(id) {
            if let Some(k) = a.key {
                rules.entry(k).or_default().push(a);
            }
        }
        rules.into_values().collect()
    }

    /// The classes at or below `id`.
    pub fn descendants(&self, id: CiClassId) -> Vec<CiClassId> {
        self.classes.iter().filter(|c| self.lineage(c.id).iter().any(|a| a.id == id)).map(|c| c.id).collect()
    }

    /// Checks a new class before it is added: a fresh code and a known parent.
    pub fn check_new_class(&self, code: &str, parent: Option<&str>) -> Result<Option<CiClassId>, DomainError> {
        check_code("code", code)?;
        if self.by_code(code).is_some() {
            return Err(DomainError::invalid("code", format!("a class '{code}' exists already")));
        }
        parent.map(|p| self.find("parent", p).map(|c| c.id)).transpose()
    }

    /// Checks a new attribute of class `id`: its code may be taken neither by an
    /// ancestor (it would be inherited twice) nor by a descendant.
    pub fn check_new_attribute(&self, id: CiClassId, code: &str) -> Result<(), DomainError> {
        check_code("code", code)?;
        let below = self.descendants(id);
        let clash = below.iter().chain(std::iter::once(&id)).flat_map(|&d| self.attributes(d)).find(|(_, a)| a.code == code);
        if let Some((owner, _)) = clash {
            return Err(DomainError::invalid("code", format!("class '{}' has an attribute '{code}' already", owner.code)));
        }
        Ok(())
    }

    /// Checks `values` against the class: every attribute known and of its kind,
    /// every required one present, except on a change (`had`: the values before it) of
    /// a CI that lacked it already (the attribute was made required after the CI was
    /// made: the data-quality page lists such CIs). Returns the values in stored form
    /// (dates and numbers normalised, nulls dropped). References are checked for form
    /// here and for existence by the caller.
    pub fn validate(
        &self,
        id: CiClassId,
        values: &Map<String, Value>,
        had: Option<&Map<String, Value>>,
    ) -> Result<Map<String, Value>, DomainError> {
        let attrs = self.attributes(id);
        let class = self.get(id).map(|c| c.code.as_str()).unwrap_or("?");
        let mut out = Map::new();
        for (code, v) in values {
            let Some((_, def)) = attrs.iter().find(|(_, a)| &a.code == code) else {
                let known: Vec<&str> = attrs.iter().map(|(_, a)| a.code.as_str()).collect();
                let known = if known.is_empty() { "none".to_string() } else { known.join(", ") };
                return Err(DomainError::invalid(
                    "attributes",
                    format!("{code}: not an attribute of class {class} (its attributes: {known})"),
                ));
            };
            if v.is_null() {
                continue;
            }
            let value = check_value(&def.kind, v).map_err(|why| DomainError::invalid("attributes", format!("{code}: {why}")))?;
            out.insert(code.clone(), value);
        }
        let lacked = |code: &str| had.is_some_and(|h| !h.contains_key(code));
        if let Some((_, missing)) = attrs.iter().find(|(_, a)| a.required && !out.contains_key(&a.code) && !lacked(&a.code)) {
            return Err(DomainError::invalid("attributes", format!("{}: required by class {class}", missing.code)));
        }
        Ok(out)
    }
}

/// A value of `kind` from JSON, in stored form, or why not.
pub fn check_value(kind: &AttributeKind, v: &Value) -> Result<Value, String> {
    match (kind, v) {
        (AttributeKind::String, Value::String(s)) if s.chars().count() <= 1000 => Ok(Value::String(s.trim().to_string())),
        (AttributeKind::String, Value::String(_)) => Err("must be at most 1000 characters".into()),
        (AttributeKind::String, _) => Err("must be text".into()),
        (AttributeKind::Integer, Value::Number(n)) if n.is_i64() => Ok(v.clone()),
        (AttributeKind::Integer, _) => Err(format!("must be a whole number, not {v}")),
        (AttributeKind::Decimal, Value::Number(_)) => Ok(v.clone()),
        (AttributeKind::Decimal, _) => Err(format!("must be a number, not {v}")),
        (AttributeKind::Boolean, Value::Bool(_)) => Ok(v.clone()),
        (AttributeKind::Boolean, _) => Err(format!("must be true or false, not {v}")),
        (AttributeKind::Date, Value::String(s)) => match s.parse::<jiff::civil::Date>() {
            Ok(d) => Ok(Value::String(d.to_string())),
            Err(_) => Err(format!("must be a date (YYYY-MM-DD), not '{s}'")),
        },
        (AttributeKind::Date, _) => Err(format!("must be a date (YYYY-MM-DD), not {v}")),
        (AttributeKind::Enum(values), Value::String(s)) if values.contains(s) => Ok(v.clone()),
        (AttributeKind::Enum(values), _) => Err(format!("must be one of {}, not {v}", values.join(", "))),
        (AttributeKind::Reference(t), Value::String(s)) => {
            let s = s.trim();
            match t {
                RefTarget::Ci | RefTarget::Location => match super::CiNumber::parse(s) {
                    Some(n) => Ok(Value::String(n.to_string())),
                    None => Err(format!("must be a CI number (CI0000001), not '{s}'")),
                },
                RefTarget::Person | RefTarget::Organisation if !s.is_empty() => Ok(Value::String(s.to_string())),
                _ => Err("must not be empty".into()),
            }
        }
        (AttributeKind::Reference(_), _) => Err(format!("must be text naming what it points at, not {v}")),
    }
}

/// A value of `kind` from text (a CSV cell): numbers, booleans and dates parsed, the
/// rest as for JSON. An empty cell is no value.
pub fn value_from_text(kind: &AttributeKind, s: &str) -> Result<Option<Value>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let v = match kind {
        AttributeKind::Integer => Value::from(s.parse::<i64>().map_err(|_| format!("must be a whole number, not '{s}'"))?),
        AttributeKind::Decimal => {
            let f = s.parse::<f64>().ok().filter(|f| f.is_finite()).ok_or_else(|| format!("must be a number, not '{s}'"))?;
            serde_json::Number::from_f64(f).map(Value::Number).ok_or_else(|| format!("must be a number, not '{s}'"))?
        }
        AttributeKind::Boolean => match s.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Value::Bool(true),
            "false" | "no" | "0" => Value::Bool(false),
            _ => return Err(format!("must be true or false, not '{s}'")),
        },
        _ => Value::String(s.to_string()),
    };
    check_value(kind, &v).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attr(id: i64, code: &str, kind: AttributeKind, required: bool, key: Option<u8>) -> AttributeDef {
        AttributeDef { id: CiAttributeId(id), code: code.into(), label: code.into(), kind, required, unique: false, key }
    }

    fn tree() -> ClassTree {
        ClassTree::new(vec![
            Class {
                id: CiClassId(1),
                code: "hardware".into(),
                label: "Hardware".into(),
                parent: None,
                attributes: vec![attr(1, "serial_number", AttributeKind::String, true, Some(1))],
            },
            Class {
                id: CiClassId(2),
                code: "server".into(),
                label: "Server".into(),
                parent: Some(CiClassId(1)),
                attributes: vec![
                    attr(2, "hostname", AttributeKind::String, false, Some(2)),
                    attr(3, "domain", AttributeKind::String, false, Some(2)),
                    attr(4, "cores", AttributeKind::Integer, false, None),
                    attr(5, "bought", AttributeKind::Date, false, None),
                    attr(6, "tier", AttributeKind::Enum(vec!["gold".into(), "silver".into()]), false, None),
                ],
            },
        ])
    }

    fn values(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn attributes_are_inherited_and_checked() {
        let t = tree();
        let server = CiClassId(2);
        assert_eq!(t.attributes(server).len(), 6);
        assert!(t.is_a(server, "hardware") && !t.is_a(CiClassId(1), "server"));
        let ok = t.validate(server, &values(json!({"serial_number": " SN1 ", "cores": 8, "bought": "2026-01-05", "tier": "gold"})), None);
        assert_eq!(ok.map(|m| m["serial_number"].clone()), Ok(json!("SN1")));
        for (bad, why) in [
            (json!({"serial_number": "S", "cores": "8"}), "cores: must be a whole number"),
            (json!({"serial_number": "S", "cores": 1.5}), "cores: must be a whole number"),
            (json!({"serial_number": "S", "bought": "05/01/2026"}), "bought: must be a date"),
            (json!({"serial_number": "S", "tier": "bronze"}), "tier: must be one of gold, silver"),
            (json!({"serial_number": "S", "colour": "red"}), "colour: not an attribute of class server"),
            (json!({"cores": 2}), "serial_number: required by class server"),
            (json!({"serial_number": null}), "serial_number: required"),
        ] {
            let e = t.validate(server, &values(bad.clone()), None).expect_err(why).to_string();
            assert!(e.contains(why), "{bad}: {e}");
        }
        // A CI made before serial_number was required may change without one, but a
        // value it has may not be taken away.
        let lacking = values(json!({"cores": 2}));
        assert_eq!(t.missing_required(server, &lacking), ["serial_number"]);
        assert!(t.missing_required(server, &values(json!({"serial_number": "S"}))).is_empty());
        assert!(t.validate(server, &values(json!({"cores": 4})), Some(&lacking)).is_ok());
        let had = values(json!({"serial_number": "S"}));
        let e = t.validate(server, &values(json!({"serial_number": null})), Some(&had)).expect_err("removed").to_string();
        assert!(e.contains("serial_number: required"), "{e}");
    }

    #[test]
    fn keys_group_by_rule_in_order() {
        let t = tree();
        let keys: Vec<Vec<&str>> = t.keys(CiClassId(2)).iter().map(|r| r.iter().map(|a| a.code.as_str()).collect()).collect();
        assert_eq!(keys, vec![vec!["serial_number"], vec!["hostname", "domain"]]);
    }

    #[test]
    fn new_classes_and_attributes_cannot_clash() {
        let t = tree();
        assert!(t.check_new_class("server", Some("hardware")).is_err());
        assert!(t.check_new_class("Bad Code", None).is_err());
        assert!(t.check_new_class("switch", Some("nothing")).is_err());
        assert_eq!(t.check_new_class("switch", Some("hardware")), Ok(Some(CiClassId(1))));
        assert!(t.check_new_attribute(CiClassId(2), "serial_number").is_err(), "inherited");
        assert!(t.check_new_attribute(CiClassId(1), "hostname").is_err(), "a descendant has it");
        assert!(t.check_new_attribute(CiClassId(2), "rack").is_ok());
    }

    #[test]
    fn text_cells_become_typed_values() {
        assert_eq!(value_from_text(&AttributeKind::Integer, " 42 "), Ok(Some(json!(42))));
        assert_eq!(value_from_text(&AttributeKind::Boolean, "Yes"), Ok(Some(json!(true))));
        assert_eq!(value_from_text(&AttributeKind::String, ""), Ok(None));
        assert!(value_from_text(&AttributeKind::Decimal, "NaN").is_err());
        assert!(value_from_text(&AttributeKind::Date, "2026-13-01").is_err());
    }
}
