//! The class tree: the starter classes every tenant gets, and the classes and
//! attributes administrators add (no migration needed).

use cairn_domain::cmdb::class::{AttributeDef, AttributeKind, ClassTree};
use cairn_domain::cmdb::starter;
use cairn_domain::ids::{CiAttributeId, CiClassId, TenantId};
use cairn_domain::platform::access::Actor;
use cairn_store::Conn;
use cairn_store::cmdb::classes as store;
use cairn_store::platform::journal::{self, Entry};
use cairn_store::tx;

use crate::platform::admin::{Admin, check_name};
use crate::{App, AppError, Result, agents_only};

/// Installs the starter class tree in a tenant that has no classes yet.
pub(crate) async fn install_starter(c: &mut Conn, t: TenantId, now: i64) -> Result<()> {
    if store::has_any(c, t).await? {
        return Ok(());
    }
    let mut ids: Vec<(&str, CiClassId)> = Vec::new();
    for class in starter::CLASSES {
        let parent = class.parent.and_then(|p| ids.iter().find(|(code, _)| *code == p).map(|(_, id)| *id));
        let id = store::insert_class(c, t, class.code, class.label, parent, now).await?;
        for a in class.attributes {
            let (kind, values, target) = starter::kind_parts(a.kind);
            let def = AttributeDef {
                id: CiAttributeId(0),
                code: a.code.into(),
                label: a.label.into(),
                kind: AttributeKind::from_parts(kind, &values, target)?,
                required: false,
                unique: false,
                key: a.key,
            };
            store::insert_attribute(c, t, id, &def).await?;
        }
        ids.push((class.code, id));
    }
    Ok(())
}

/// An attribute as an administrator defines it.
#[derive(Debug, Clone)]
pub struct NewAttribute {
    pub code: String,
    pub label: Option<String>,
    /// `string`, `integer`, `decimal`, `boolean`, `date`, `enum` or `reference`.
    pub kind: String,
    pub values: Vec<String>,
    /// For references: `ci`, `person`, `organisation` or `location`.
    pub target: Option<String>,
    pub required: bool,
    pub unique: bool,
    pub key: Option<u8>,
}

#[derive(Debug, Clone)]
pub struct NewClass {
    pub code: String,
    pub label: Option<String>,
    pub parent: Option<String>,
    pub attributes: Vec<NewAttribute>,
}

fn label_of(code: &str, label: Option<&str>) -> Result<String> {
    match label {
        Some(l) => check_name("label", l, 100),
        None => Ok(code.replace('_', " ")),
    }
}

impl App {
    /// Gives a new tenant the starter class tree (again at every start, for tenants
    /// that have none: see `App::bootstrap`).
    pub(crate) async fn install_ci_classes(&self, t: TenantId) -> Result<()> {
        let now = self.now();
        self.db.write(tx!(|c| { install_starter(c, t, now).await })).await
    }

    /// The tenant's class tree (agents).
    pub async fn ci_classes(&self, actor: &Actor) -> Result<ClassTree> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        super::tree(&mut c, actor.tenant_id).await
    }

    /// Adds a class (with its own attributes) to the tree, or attributes to an existing
    /// class when `code` names one and `parent` is not given.
    #[tracing::instrument(name = "create_ci_class", skip_all, fields(tenant = admin.tenant().0))]
    pub async fn create_ci_class(&self, admin: &Admin, new: NewClass) -> Result<ClassTree> {
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(tx!(|c| {
                let mut tree = super::tree(c, t).await?;
                let parent = tree.check_new_class(&new.code, new.parent.as_deref())?;
                let label = label_of(&new.code, new.label.as_deref())?;
                let id = store::insert_class(c, t, &new.code, &label, parent, now).await?;
                let mut e = Entry::action("ci_class", id, "created");
                e.new = Some(new.code.clone());
                let mut entries = vec![e];
                tree = super::tree(c, t).await?;
                for (i, a) in new.attributes.iter().enumerate() {
                    let def = attribute(&tree, id, a).map_err(|e| prefixed(i, e))?;
                    store::insert_attribute(c, t, id, &def).await?;
                    let mut e = Entry::action("ci_class", id, "attribute_added");
                    e.field = Some(def.code.clone());
                    e.new = Some(def.kind.code().to_string());
                    entries.push(e);
                    tree = super::tree(c, t).await?;
                }
                journal::append(c, t, by, now, &entries).await?;
                Ok(tree)
            }))
            .await
    }

    /// Adds an attribute to a class; its subclasses inherit it.
    #[tracing::instrument(name = "add_ci_attribute", skip_all, fields(tenant = admin.tenant().0))]
    pub async fn add_ci_attribute(&self, admin: &Admin, class: &str, new: NewAttribute) -> Result<ClassTree> {
        let (t, by, now, class) = (admin.tenant(), admin.user(), self.now(), class.to_string());
        self.db
            .write(tx!(|c| {
                let tree = super::tree(c, t).await?;
                let id = tree.by_code(&class).map(|k| k.id).ok_or_else(|| AppError::NotFound(format!("class '{class}'")))?;
                let def = attribute(&tree, id, &new)?;
                store::insert_attribute(c, t, id, &def).await?;
                let mut e = Entry::action("ci_class", id, "attribute_added");
                e.field = Some(def.code.clone());
                e.new = Some(def.kind.code().to_string());
                journal::append(c, t, by, now, &[e]).await?;
                super::tree(c, t).await
            }))
            .await
    }
}

/// A refusal about the `i`-th attribute of a request, saying which.
fn prefixed(i: usize, e: AppError) -> AppError {
    match e {
        AppError::Invalid { field, message } => AppError::Invalid { field: format!("attributes[{i}].{field}"), message },
        other => other,
    }
}

/// The definition of a new attribute of `class`. One added to a class with CIs may be
/// required: new CIs need it, existing ones keep working without it until given one.
fn attribute(tree: &ClassTree, class: CiClassId, a: &NewAttribute) -> Result<AttributeDef> {
    tree.check_new_attribute(class, &a.code)?;
    if a.key.is_some_and(|k| k == 0 || k > 9) {
        return Err(AppError::invalid("key", "an identification rule is numbered 1 to 9"));
    }
    Ok(AttributeDef {
        id: CiAttributeId(0),
        code: a.code.clone(),
        label: label_of(&a.code, a.label.as_deref())?,
        kind: AttributeKind::from_parts(&a.kind, &a.values, a.target.as_deref())?,
        required: a.required,
        unique: a.unique,
        key: a.key,
    })
}
