//! What a record says: a CI (its class, fields and typed attribute values) or a
//! relation (its type and how each end is found). Pure: the class tree is given.

use cairn_domain::cmdb::class::{AttributeDef, ClassTree, value_from_text};
use cairn_domain::cmdb::relation::RelationType;
use cairn_domain::ids::CiClassId;
use serde_json::{Map, Value};

use super::read::{Cell, Record};
use crate::cmdb::cis::CiInput;

/// The CI fields a column may name besides attributes.
const FIELDS: [&str; 8] = ["class", "name", "status", "criticality", "owner", "group", "organisation", "location"];

/// How one end of an imported relation is found: by number, or by the values of
/// identifying attributes (all must match).
#[derive(Debug, Clone, PartialEq)]
pub enum End {
    Number(String),
    Keys(Vec<(String, String)>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Ci { class: CiClassId, input: CiInput },
    Relation { from: End, rel: RelationType, to: End },
}

/// A cell as text (for fields and CSV), or `None` when empty.
fn text(cell: &Cell) -> Result<Option<String>, String> {
    match cell {
        Cell::Text(s) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
        Cell::Json(Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
        Cell::Json(Value::Null) => Ok(None),
        Cell::Json(v @ (Value::Number(_) | Value::Bool(_))) => Ok(Some(v.to_string())),
        Cell::Json(v) => Err(format!("must be text, not {v}")),
    }
}

/// Reads a record. `default_class` is the class of rows without a `class` cell.
pub fn row(tree: &ClassTree, default_class: Option<&str>, r: &Record) -> Result<Row, String> {
    if let Some((name, _)) = r.cells.iter().find(|(n, _)| n.is_empty()) {
        return Err(if r.cells.len() == 1 { "not an object".into() } else { format!("a column has no name{name}") });
    }
    if r.cells.iter().any(|(n, _)| n == "type" || n == "from" || n.starts_with("from.")) {
        return relation(r);
    }
    ci(tree, default_class, r)
}

fn ci(tree: &ClassTree, default_class: Option<&str>, r: &Record) -> Result<Row, String> {
    let given = |f: &str| r.cells.iter().find(|(n, _)| n == f).map(|(_, c)| text(c).map_err(|e| format!("{f}: {e}"))).transpose();
    let code = given("class")?.flatten().or_else(|| default_class.map(str::to_string));
    let code = code.ok_or("no class: give one with --class or in a class column")?;
    let class = tree.by_code(&code).ok_or_else(|| format!("unknown class '{code}'"))?;
    let defs = tree.attributes(class.id);
    let mut attributes = Map::new();
    for (name, cell) in r.cells.iter().filter(|(n, _)| !FIELDS.contains(&n.as_str())) {
        let Some((_, def)) = defs.iter().find(|(_, a)| &a.code == name) else {
            let known: Vec<&str> = defs.iter().map(|(_, a)| a.code.as_str()).collect();
            return Err(format!("{name}: not an attribute of class {code} (its attributes: {})", known.join(", ")));
        };
        if let Some(v) = typed(def, cell).map_err(|e| format!("{name}: {e}"))? {
            attributes.insert(name.clone(), v);
        }
    }
    let name = given("name")?.flatten();
    let input = CiInput {
        class: Some(code.clone()),
        name,
        status: given("status")?.flatten(),
        criticality: given("criticality")?.flatten(),
        owner: given("owner")?.flatten().map(Some),
        group: given("group")?.flatten().map(Some),
        organisation: given("organisation")?.flatten().map(Some),
        location: given("location")?.flatten().map(Some),
        attributes: Some(attributes),
    };
    Ok(Row::Ci { class: class.id, input })
}

/// A cell's value for an attribute: text parsed by the attribute's kind, JSON as is.
/// Empty is no value (an import never clears a field).
fn typed(def: &AttributeDef, cell: &Cell) -> Result<Option<Value>, String> {
    match cell {
        Cell::Text(s) => value_from_text(&def.kind, s),
        Cell::Json(Value::Null) => Ok(None),
        Cell::Json(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Cell::Json(v) => cairn_domain::cmdb::class::check_value(&def.kind, v).map(Some),
    }
}

fn relation(r: &Record) -> Result<Row, String> {
    let mut rel = None;
    let (mut from, mut to) = (Vec::new(), Vec::new());
    let (mut from_number, mut to_number) = (None, None);
    for (name, cell) in &r.cells {
        let value = text(cell).map_err(|e| format!("{name}: {e}"))?;
        match (name.as_str(), name.split_once('.')) {
            ("type", _) => {
                let v = value.ok_or("type: is required")?;
                rel = Some(RelationType::parse("type", &v).map_err(|e| e.to_string())?);
            }
            ("from", _) => from_number = value,
            ("to", _) => to_number = value,
            (_, Some(("from", code))) => from.extend(value.map(|v| (code.to_string(), v))),
            (_, Some(("to", code))) => to.extend(value.map(|v| (code.to_string(), v))),
            _ => return Err(format!("{name}: a relation row has columns type, from or from.<attribute>, to or to.<attribute>")),
        }
    }
    let end = |number: Option<String>, keys: Vec<(String, String)>, side: &str| match (number, keys.is_empty()) {
        (Some(n), true) => Ok(End::Number(n)),
        (None, false) => Ok(End::Keys(keys)),
        (Some(_), false) => Err(format!("{side}: give a number or identifying attributes, not both")),
        (None, true) => Err(format!("{side}: is required (a CI number, or {side}.<attribute> columns)")),
    };
    Ok(Row::Relation { from: end(from_number, from, "from")?, rel: rel.ok_or("type: is required")?, to: end(to_number, to, "to")? })
}
