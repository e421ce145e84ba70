//! Bodies of the CMDB API, as documented in the OpenAPI document.

use cairn_app::cmdb::impact::Impact;
use cairn_domain::cmdb::class::{AttributeKind, ClassTree};
use cairn_domain::cmdb::relation::RelationType;
use cairn_store::cmdb::cis::CiRow;
use cairn_store::cmdb::relations::{End, Relation};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::time::rfc3339;

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AttributeBody {
    pub code: String,
    pub label: String,
    /// string, integer, decimal, boolean, date, enum or reference.
    pub kind: String,
    /// The values an enum allows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// What a reference points at: ci, person, organisation or location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub required: bool,
    pub unique: bool,
    /// The identification rule it belongs to (1 is tried first).
    pub key: Option<u8>,
    /// The class that defines it (this one or an ancestor).
    pub defined_by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ClassBody {
    pub code: String,
    pub label: String,
    pub parent: Option<String>,
    /// Its own attributes and those it inherits, ancestors' first.
    pub attributes: Vec<AttributeBody>,
}

pub(crate) fn classes(tree: &ClassTree) -> Vec<ClassBody> {
    tree.all()
        .iter()
        .map(|k| ClassBody {
            code: k.code.clone(),
            label: k.label.clone(),
            parent: k.parent.and_then(|p| tree.get(p)).map(|p| p.code.clone()),
            attributes: tree
                .attributes(k.id)
                .into_iter()
                .map(|(owner, a)| AttributeBody {
                    code: a.code.clone(),
                    label: a.label.clone(),
                    kind: a.kind.code().into(),
                    values: if let AttributeKind::Enum(v) = &a.kind { v.clone() } else { Vec::new() },
                    target: if let AttributeKind::Reference(r) = &a.kind { Some(r.as_str().into()) } else { None },
                    required: a.required,
                    unique: a.unique,
                    key: a.key,
                    defined_by: owner.code.clone(),
                })
                .collect(),
        })
        .collect()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewAttributeRequest {
    pub code: String,
    pub label: Option<String>,
    /// string, integer, decimal, boolean, date, enum or reference.
    pub kind: String,
    /// For enum: the values allowed.
    #[serde(default)]
    pub values: Vec<String>,
    /// For reference: ci, person, organisation or location.
    pub target: Option<String>,
    /// Only on a new class (existing CIs would lack the value).
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub unique: bool,
    /// The identification rule (1–9) this attribute belongs to.
    pub key: Option<u8>,
}

impl From<NewAttributeRequest> for cairn_app::cmdb::classes::NewAttribute {
    fn from(a: NewAttributeRequest) -> Self {
        Self {
            code: a.code,
            label: a.label,
            kind: a.kind,
            values: a.values,
            target: a.target,
            required: a.required,
            unique: a.unique,
            key: a.key,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewClassRequest {
    pub code: String,
    pub label: Option<String>,
    /// The class it inherits from; none for a new tree.
    pub parent: Option<String>,
    #[serde(default)]
    pub attributes: Vec<NewAttributeRequest>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CiBody {
    pub number: String,
    pub class: String,
    pub name: String,
    /// planned, operational, degraded, down, in_maintenance or retired.
    pub status: String,
    /// low, medium, high or critical.
    pub criticality: String,
    /// Username.
    pub owner: Option<String>,
    /// Support group.
    pub group: Option<String>,
    pub organisation: Option<String>,
    /// The location CI's number.
    pub location: Option<String>,
    #[schema(value_type = Object)]
    pub attributes: Map<String, Value>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<CiRow> for CiBody {
    fn from(r: CiRow) -> Self {
        CiBody {
            number: r.ci.number.to_string(),
            class: r.class_code,
            name: r.ci.name,
            status: r.ci.status.as_str().into(),
            criticality: r.ci.criticality.as_str().into(),
            owner: r.owner,
            group: r.group,
            organisation: r.org,
            location: r.location,
            attributes: r.ci.attributes,
            created_at: rfc3339(r.ci.created_at),
            updated_at: rfc3339(r.ci.updated_at),
        }
    }
}

/// A CI as written: on create `class` and `name` are required; on a change only what
/// is given changes, `null` clears a reference, and a `null` attribute removes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CiRequest {
    pub class: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub criticality: Option<String>,
    /// Username; `null` clears.
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub owner: Option<Option<String>>,
    /// Group name; `null` clears.
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub group: Option<Option<String>>,
    /// Organisation name; `null` clears.
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub organisation: Option<Option<String>>,
    /// A location CI's number; `null` clears.
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub location: Option<Option<String>>,
    /// Attribute values by code, checked against the class.
    #[schema(value_type = Option<Object>)]
    pub attributes: Option<Map<String, Value>>,
}

impl From<CiRequest> for cairn_app::cmdb::cis::CiInput {
    fn from(r: CiRequest) -> Self {
        Self {
            class: r.class,
            name: r.name,
            status: r.status,
            criticality: r.criticality,
            owner: r.owner,
            group: r.group,
            organisation: r.organisation,
            location: r.location,
            attributes: r.attributes,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CiPage {
    pub items: Vec<CiBody>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CiRef {
    pub number: String,
    pub name: String,
    pub class: String,
}

fn end(e: End) -> CiRef {
    CiRef { number: e.number, name: e.name, class: e.class_code }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RelationBody {
    pub id: i64,
    pub from: CiRef,
    /// depends_on, runs_on, connected_to, part_of or located_in.
    #[serde(rename = "type")]
    pub rel: String,
    pub to: CiRef,
    /// Read from the CI asked about: "runs on" going out, "hosts" coming in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// The relation as read from `number`'s side (or neutrally, with None).
pub(crate) fn relation(r: Relation, number: Option<&str>) -> RelationBody {
    let label = number.map(|n| if r.from.number == n { r.rel.label() } else { r.rel.reverse_label() }.to_string());
    RelationBody { id: r.id.0, rel: r.rel.as_str().into(), from: end(r.from), to: end(r.to), label }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RelationRequest {
    /// CI number of the `from` end.
    pub from: String,
    #[serde(rename = "type")]
    pub rel: String,
    pub to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RelationTypeBody {
    pub code: String,
    pub forward: String,
    pub reverse: String,
    pub symmetric: bool,
    /// The class pairs it allows.
    pub allows: String,
}

pub(crate) fn relation_types() -> Vec<RelationTypeBody> {
    RelationType::ALL
        .iter()
        .map(|t| RelationTypeBody {
            code: t.as_str().into(),
            forward: t.label().into(),
            reverse: t.reverse_label().into(),
            symmetric: t.symmetric(),
            allows: t.allowed().into(),
        })
        .collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReachedBody {
    pub number: String,
    pub class: String,
    pub name: String,
    pub status: String,
    pub criticality: String,
    pub depth: u32,
    /// The relation type it was reached through.
    pub via: Option<String>,
    /// CI numbers from the start to this CI.
    pub path: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ServiceBody {
    pub number: String,
    pub class: String,
    pub name: String,
    pub criticality: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OpenTicketBody {
    pub number: String,
    pub title: String,
    pub status: String,
    pub priority: i64,
    /// The CI it is on.
    pub ci: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ImpactBody {
    pub start: String,
    /// up: what is affected when it fails; down: what it needs.
    pub direction: String,
    pub depth: u32,
    pub cis: Vec<ReachedBody>,
    pub services: Vec<ServiceBody>,
    pub rooms: Vec<ServiceBody>,
    pub organisations: Vec<String>,
    pub open_tickets: Vec<OpenTicketBody>,
    /// True when the walk stopped at its node limit.
    pub truncated: bool,
}

fn service(r: &CiRow) -> ServiceBody {
    ServiceBody {
        number: r.ci.number.to_string(),
        class: r.class_code.clone(),
        name: r.ci.name.clone(),
        criticality: r.ci.criticality.as_str().into(),
    }
}

impl From<Impact> for ImpactBody {
    fn from(i: Impact) -> Self {
        let numbers: std::collections::HashMap<cairn_domain::ids::CiId, String> =
            std::iter::once(&i.start).chain(i.reached.iter().map(|r| &r.ci)).map(|r| (r.ci.id, r.ci.number.to_string())).collect();
        ImpactBody {
            start: i.start.ci.number.to_string(),
            direction: i.direction.as_str().into(),
            depth: i.depth,
            services: i.services.iter().map(service).collect(),
            rooms: i.rooms.iter().map(service).collect(),
            organisations: i.organisations,
            open_tickets: i
                .open_tickets
                .into_iter()
                .map(|t| OpenTicketBody {
                    ci: numbers.get(&t.ci).cloned().unwrap_or_default(),
                    number: t.number,
                    title: t.title,
                    status: t.status.as_str().into(),
                    priority: t.priority,
                })
                .collect(),
            truncated: i.truncated,
            cis: i
                .reached
                .into_iter()
                .map(|r| ReachedBody {
                    number: r.ci.ci.number.to_string(),
                    class: r.ci.class_code,
                    name: r.ci.ci.name,
                    status: r.ci.ci.status.as_str().into(),
                    criticality: r.ci.ci.criticality.as_str().into(),
                    depth: r.depth,
                    via: r.via.map(|v| v.as_str().into()),
                    path: r.path,
                })
                .collect(),
        }
    }
}
