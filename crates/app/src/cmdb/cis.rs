//! Creating, changing, reading and listing CIs. Every write checks the attribute
//! values against the class, resolves the references, keeps unique values unique,
//! indexes the identifying values and journals what changed, in one transaction.

use cairn_domain::cmdb::class::{AttributeKind, ClassTree, RefTarget};
use cairn_domain::cmdb::{self, Ci, CiNumber, CiStatus, Criticality, reconcile};
use cairn_domain::ids::{CiAttributeId, CiId, TenantId};
use cairn_domain::platform::access::Actor;
use cairn_store::Conn;
use cairn_store::cmdb::cis::{self as store, CiQuery, CiRow};
use cairn_store::platform::directory;
use cairn_store::platform::journal::{self, Entry, Recorded};
use cairn_store::platform::tenants;
use cairn_store::tx;
use serde_json::{Map, Value};

use super::{ENTITY, load, named, tree};
use crate::{App, AppError, Result, agents_only};

/// A CI as a caller writes it: on create `class` and `name` are required; on a change
/// only what is given changes (`Some(None)` clears a reference, a `null` attribute
/// removes it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CiInput {
    pub class: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub criticality: Option<String>,
    pub owner: Option<Option<String>>,
    pub group: Option<Option<String>>,
    pub organisation: Option<Option<String>>,
    pub location: Option<Option<String>>,
    pub attributes: Option<Map<String, Value>>,
}

/// What lists ask for: a class (and below), a text in the name or the number, a status.
#[derive(Debug, Clone, Default)]
pub struct ListCis {
    pub class: Option<String>,
    pub q: Option<String>,
    pub status: Option<String>,
    pub after: Option<i64>,
    pub limit: Option<i64>,
}

/// The text a key value is matched by: trimmed, case folded.
pub(crate) fn key_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_lowercase(),
        other => other.to_string(),
    }
}

/// The values of the class's identifying and unique attributes, as indexed.
pub(crate) fn indexed(tree: &ClassTree, ci: &Ci) -> Vec<(CiAttributeId, String)> {
    tree.attributes(ci.class)
        .into_iter()
        .filter(|(_, a)| a.unique || a.key.is_some())
        .filter_map(|(_, a)| ci.attributes.get(&a.code).map(|v| (a.id, key_text(v))))
        .collect()
}

/// Checks the references among the attribute values: CIs and locations exist (a
/// location is of class location or below), people and organisations exist.
async fn check_references(c: &mut Conn, t: TenantId, tree: &ClassTree, ci: &Ci) -> Result<()> {
    for (_, a) in tree.attributes(ci.class) {
        let (AttributeKind::Reference(target), Some(Value::String(v))) = (&a.kind, ci.attributes.get(&a.code)) else { continue };
        let field = format!("attributes.{}", a.code);
        let ok = match target {
            RefTarget::Ci => load(c, t, v).await.is_ok(),
            RefTarget::Location => load(c, t, v).await.is_ok_and(|l| tree.is_a(l.ci.class, "location")),
            RefTarget::Person => directory::user_by_name(c, t, v).await?.is_some(),
            RefTarget::Organisation => directory::org_by_name(c, t, v).await?.is_some(),
        };
        if !ok {
            return Err(AppError::invalid(&field, format!("no {} '{v}'", target.as_str())));
        }
    }
    Ok(())
}

/// Refuses a value of a unique attribute that another CI has.
async fn check_unique(c: &mut Conn, t: TenantId, tree: &ClassTree, ci: &Ci) -> Result<()> {
    for (_, a) in tree.attributes(ci.class).into_iter().filter(|(_, a)| a.unique) {
        let Some(v) = ci.attributes.get(&a.code) else { continue };
        let others: Vec<CiId> = store::with_key(c, t, a.id, &key_text(v)).await?.into_iter().filter(|&o| o != ci.id).collect();
        if let Some(other) = others.first() {
            let number = store::by_ids(c, t, &[*other]).await?.into_iter().next().map(|r| r.ci.number.to_string()).unwrap_or_default();
            return Err(AppError::Conflict(format!("attributes.{}: {number} has the value {v} already", a.code)));
        }
    }
    Ok(())
}

/// Applies `input` to `ci` (a new one or a copy of the stored one), resolving names
/// to ids, and returns the journal entries of what changed.
pub(super) async fn apply(
    c: &mut Conn,
    t: TenantId,
    tree: &ClassTree,
    ci: &mut Ci,
    before: Option<&CiRow>,
    input: CiInput,
) -> Result<Vec<Entry>> {
    let mut changes: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    let mut note = |field: &str, old: Option<String>, new: Option<String>| {
        if old != new {
            changes.push((field.to_string(), old, new));
        }
    };
    let class_code = |id| tree.get(id).map(|k| k.code.clone());
    if let Some(code) = input.class {
        let class = tree.find("class", &code)?.id;
        note("class", before.and_then(|_| class_code(ci.class)), Some(code));
        ci.class = class;
    }
    if let Some(name) = input.name {
        let name = cmdb::check_name(&name)?;
        note("name", before.map(|_| ci.name.clone()), Some(name.clone()));
        ci.name = name;
    }
    if let Some(s) = input.status {
        let s = CiStatus::parse("status", &s)?;
        note("status", before.map(|_| ci.status.as_str().to_string()), Some(s.as_str().to_string()));
        ci.status = s;
    }
    if let Some(s) = input.criticality {
        let s = Criticality::parse("criticality", &s)?;
        note("criticality", before.map(|_| ci.criticality.as_str().to_string()), Some(s.as_str().to_string()));
        ci.criticality = s;
    }
    if let Some(owner) = input.owner {
        let id = match owner.as_deref() {
            Some(u) => {
                Some(directory::user_by_name(c, t, u).await?.ok_or_else(|| AppError::invalid("owner", format!("no user '{u}'")))?.id)
            }
            None => None,
        };
        note("owner", before.and_then(|b| b.owner.clone()), owner);
        ci.owner = id;
    }
    if let Some(group) = input.group {
        let id = match group.as_deref() {
            Some(g) => {
                Some(directory::group_by_name(c, t, g).await?.ok_or_else(|| AppError::invalid("group", format!("no group '{g}'")))?.id)
            }
            None => None,
        };
        note("group", before.and_then(|b| b.group.clone()), group);
        ci.group = id;
    }
    if let Some(org) = input.organisation {
        let id = match org.as_deref() {
            Some(o) => Some(
                directory::org_by_name(c, t, o)
                    .await?
                    .ok_or_else(|| AppError::invalid("organisation", format!("no organisation '{o}'")))?,
            ),
            None => None,
        };
        note("organisation", before.and_then(|b| b.org.clone()), org);
        ci.org = id;
    }
    if let Some(location) = input.location {
        let at = match location.as_deref() {
            Some(n) => {
                let l = named(c, t, "location", n).await?;
                if !tree.is_a(l.ci.class, "location") {
                    return Err(AppError::invalid("location", format!("{} is a {}, not a location", l.ci.number, l.class_code)));
                }
                if l.ci.id == ci.id {
                    return Err(AppError::invalid("location", "a CI cannot be located in itself"));
                }
                Some(l)
            }
            None => None,
        };
        note("location", before.and_then(|b| b.location.clone()), at.as_ref().map(|l| l.ci.number.to_string()));
        ci.location = at.map(|l| l.ci.id);
    }
    let mut values = ci.attributes.clone();
    for (k, v) in input.attributes.unwrap_or_default() {
        values.insert(k, v);
    }
    let checked = tree.validate(ci.class, &values, before.map(|_| &ci.attributes))?;
    if before.is_some() {
        let codes: std::collections::BTreeSet<&String> = ci.attributes.keys().chain(checked.keys()).collect();
        for code in codes {
            let text = |m: &Map<String, Value>| m.get(code).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string));
            note(&format!("attributes.{code}"), text(&ci.attributes), text(&checked));
        }
    }
    ci.attributes = checked;
    check_references(c, t, tree, ci).await?;
    check_unique(c, t, tree, ci).await?;
    Ok(changes
        .into_iter()
        .map(|(field, old, new)| {
            let mut e = Entry::action(ENTITY, ci.id, "updated");
            e.field = Some(field);
            e.old = old;
            e.new = new;
            e
        })
        .collect())
}

/// The fields an input sets, as provenance and journal entries name them.
pub(super) fn fields_given(input: &CiInput) -> Vec<String> {
    let plain = [
        ("name", input.name.is_some()),
        ("status", input.status.is_some()),
        ("criticality", input.criticality.is_some()),
        ("owner", input.owner.is_some()),
        ("group", input.group.is_some()),
        ("organisation", input.organisation.is_some()),
        ("location", input.location.is_some()),
    ];
    let attributes = input.attributes.iter().flat_map(|m| m.keys().map(|k| format!("attributes.{k}")));
    plain.into_iter().filter(|(_, given)| *given).map(|(f, _)| f.to_string()).chain(attributes).collect()
}

/// Records `source` as the setter of each field the entries changed.
pub(super) fn note_sources(ci: &mut Ci, entries: &[Entry], source: &str) {
    for field in entries.iter().filter_map(|e| e.field.as_deref()) {
        ci.sources.insert(field.to_string(), source.to_string());
    }
}

/// Creates a CI in the caller's transaction (the API, the import).
pub(crate) async fn create_in(
    c: &mut Conn,
    t: TenantId,
    by: Option<cairn_domain::ids::UserId>,
    tree: &ClassTree,
    input: CiInput,
    now: i64,
) -> Result<CiRow> {
    let class = input.class.clone().ok_or_else(|| AppError::invalid("class", "is required"))?;
    let class_id = tree.find("class", &class)?.id;
    if input.name.is_none() {
        return Err(AppError::invalid("name", "is required"));
    }
    let mut ci = Ci {
        id: CiId(0),
        number: CiNumber::of(0),
        class: class_id,
        name: String::new(),
        status: CiStatus::Operational,
        criticality: Criticality::Medium,
        owner: None,
        group: None,
        org: None,
        location: None,
        attributes: Map::new(),
        sources: Default::default(),
        seen_at: None,
        created_at: now,
        updated_at: now,
    };
    let given = fields_given(&input);
    apply(c, t, tree, &mut ci, None, input).await?;
    ci.sources = given.into_iter().map(|f| (f, reconcile::MANUAL.to_string())).collect();
    ci.number = CiNumber::of(tenants::next_number(c, t, cmdb::number::PREFIX).await?.seq);
    ci.id = store::insert(c, t, &ci).await?;
    store::set_keys(c, t, ci.id, &indexed(tree, &ci)).await?;
    let mut e = Entry::action(ENTITY, ci.id, "created");
    e.new = Some(format!("{} {}", class, ci.name));
    journal::append(c, t, by, now, &[e]).await?;
    load(c, t, &ci.number).await
}

/// Changes a CI in the caller's transaction (nothing is written when nothing changes).
pub(crate) async fn update_in(
    c: &mut Conn,
    t: TenantId,
    by: Option<cairn_domain::ids::UserId>,
    tree: &ClassTree,
    before: CiRow,
    input: CiInput,
    now: i64,
) -> Result<CiRow> {
    let mut ci = before.ci.clone();
    let entries = apply(c, t, tree, &mut ci, Some(&before), input).await?;
    if entries.is_empty() {
        return Ok(before);
    }
    ci.updated_at = now;
    note_sources(&mut ci, &entries, reconcile::MANUAL);
    store::update(c, t, &ci).await?;
    store::set_keys(c, t, ci.id, &indexed(tree, &ci)).await?;
    journal::append(c, t, by, now, &entries).await?;
    load(c, t, &ci.number).await
}

impl App {
    #[tracing::instrument(name = "create_ci", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn create_ci(&self, actor: &Actor, input: CiInput) -> Result<CiRow> {
        agents_only(actor)?;
        let (t, by, now) = (actor.tenant_id, actor.user_id, self.now());
        self.db
            .write(tx!(|c| {
                let tree = tree(c, t).await?;
                create_in(c, t, Some(by), &tree, input, now).await
            }))
            .await
    }

    #[tracing::instrument(name = "update_ci", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn update_ci(&self, actor: &Actor, number: &str, input: CiInput) -> Result<CiRow> {
        agents_only(actor)?;
        let (t, by, now, number) = (actor.tenant_id, actor.user_id, self.now(), number.to_string());
        self.db
            .write(tx!(|c| {
                let tree = tree(c, t).await?;
                let before = load(c, t, &number).await?;
                update_in(c, t, Some(by), &tree, before, input, now).await
            }))
            .await
    }

    pub async fn get_ci(&self, actor: &Actor, number: &str) -> Result<CiRow> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        load(&mut c, actor.tenant_id, number).await
    }

    /// A page of CIs and the cursor of the next.
    pub async fn list_cis(&self, actor: &Actor, q: ListCis) -> Result<(Vec<CiRow>, Option<CiId>)> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let classes = match q.class.as_deref().filter(|s| !s.is_empty()) {
            Some(code) => {
                let tree = tree(&mut c, actor.tenant_id).await?;
                let class = tree.find("class", code)?.id;
                tree.descendants(class)
            }
            None => Vec::new(),
        };
        let status = q.status.as_deref().filter(|s| !s.is_empty()).map(|s| CiStatus::parse("status", s)).transpose()?;
        let query = CiQuery { classes, text: q.q, status, after: q.after.map(CiId), limit: q.limit.unwrap_or(50) };
        Ok(store::list(&mut c, actor.tenant_id, &query).await?)
    }

    /// The CI's history, oldest first.
    pub async fn ci_history(&self, actor: &Actor, number: &str) -> Result<Vec<Recorded>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let ci = load(&mut c, actor.tenant_id, number).await?;
        Ok(journal::for_entity(&mut c, actor.tenant_id, ENTITY, ci.ci.id.0).await?)
    }
}
