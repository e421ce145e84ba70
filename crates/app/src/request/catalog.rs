//! The service catalog: administrators describe what can be ordered, with an order form
//! each; requesters order what is open to them, and each order becomes a request (REQ)
//! holding the requested item and the form's checked answers.

use cairn_domain::ids::CatalogItemId;
use cairn_domain::platform::access::{Actor, Permission};
use cairn_domain::request::approval::{Approver, Stage, check_stages};
use cairn_domain::request::catalog::{Answers, CatalogAudience, VarKind, Variable, check_answers, check_form};
use cairn_domain::request::fulfilment::{TaskTemplate, check_tasks};
use cairn_store::platform::directory;
use cairn_store::platform::journal::{self, Entry};
use cairn_store::request::catalog::{self as store, Item, Requested};
use cairn_store::tx;

use crate::platform::admin::{Admin, check_name};
use crate::platform::directory::user_named;
use crate::ticket::{Created, NewTicket};
use crate::{App, AppError, Result};

/// A catalog item as administrators describe it.
#[derive(Debug, Clone, Default)]
pub struct ItemInput {
    pub category: String,
    pub name: String,
    pub description: String,
    pub icon: String,
    pub delivery_days: i64,
    pub variables: Vec<Variable>,
    /// `everyone` (default) or `orgs`.
    pub audience: String,
    pub orgs: Vec<String>,
    pub active: bool,
    /// Approval stages, run in order before fulfilment.
    pub approvals: Vec<Stage>,
    /// The fulfilment tasks opened for each order.
    pub tasks: Vec<TaskTemplate>,
}

/// A catalog item with its order form, approvals and task template.
#[derive(Debug, Clone)]
pub struct CatalogItem {
    pub item: Item,
    pub variables: Vec<Variable>,
    pub approvals: Vec<Stage>,
    pub tasks: Vec<TaskTemplate>,
}

fn form_of(i: Item) -> Result<CatalogItem> {
    let bad = |e: serde_json::Error| AppError::Internal(format!("catalog item {}: {e}", i.id));
    let variables = serde_json::from_str(&i.variables).map_err(bad)?;
    let approvals = serde_json::from_str(&i.approvals).map_err(bad)?;
    let tasks = serde_json::from_str(&i.tasks).map_err(bad)?;
    Ok(CatalogItem { item: i, variables, approvals, tasks })
}

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.to_string()))
}

/// The users and groups an item's approvals and tasks name must exist.
async fn check_names(c: &mut cairn_store::Conn, t: cairn_domain::ids::TenantId, input: &ItemInput) -> Result<()> {
    for (i, s) in input.approvals.iter().enumerate() {
        let name = s.name.as_deref().unwrap_or_default();
        let missing = match s.approver {
            Approver::Manager => false,
            Approver::User => directory::user_by_name(c, t, name).await?.is_none(),
            Approver::Group => directory::group_by_name(c, t, name).await?.is_none(),
        };
        if missing {
            return Err(AppError::invalid("approvals", format!("stage {}: no user or group '{name}'", i + 1)));
        }
        if let Some(e) = &s.escalate_to
            && directory::user_by_name(c, t, e).await?.is_none()
        {
            return Err(AppError::invalid("approvals", format!("stage {}: escalate_to: no user '{e}'", i + 1)));
        }
    }
    for (i, task) in input.tasks.iter().enumerate() {
        if directory::group_by_name(c, t, &task.group).await?.is_none() {
            return Err(AppError::invalid("tasks", format!("task {}: no group '{}'", i + 1, task.group)));
        }
    }
    Ok(())
}

impl App {
    /// Adds an item (`id` None) or replaces one, after checking its order form.
    pub async fn save_catalog_item(&self, admin: &Admin, id: Option<CatalogItemId>, input: ItemInput) -> Result<CatalogItem> {
        check_form(&input.variables)?;
        check_stages(&input.approvals)?;
        check_tasks(&input.tasks)?;
        let name = check_name("name", &input.name, 100)?;
        let category = check_name("category", &input.category, 100)?;
        if !(0..=365).contains(&input.delivery_days) {
            return Err(AppError::invalid("delivery_days", "between 0 and 365 days"));
        }
        let audience = match input.audience.as_str() {
            "" => CatalogAudience::Everyone,
            a => CatalogAudience::parse("audience", a)?,
        };
        if audience == CatalogAudience::Orgs && input.orgs.is_empty() {
            return Err(AppError::invalid("orgs", "name at least one organisation"));
        }
        let (variables, approvals, tasks) = (json(&input.variables)?, json(&input.approvals)?, json(&input.tasks)?);
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(tx!(|c| {
                check_names(c, t, &input).await?;
                let mut orgs = Vec::new();
                for n in input.orgs.iter().filter(|_| audience == CatalogAudience::Orgs) {
                    orgs.push(
                        directory::org_by_name(c, t, n)
                            .await?
                            .ok_or_else(|| AppError::invalid("orgs", format!("no organisation '{n}'")))?,
                    );
                }
                let mut item = Item {
                    id: id.unwrap_or(CatalogItemId(0)),
                    category,
                    name,
                    description: input.description.trim().to_string(),
                    icon: Some(input.icon.trim().to_string()).filter(|i| !i.is_empty()).unwrap_or_else(|| "box".into()),
                    delivery_days: input.delivery_days,
                    variables,
                    audience,
                    orgs: if audience == CatalogAudience::Orgs { input.orgs.clone() } else { vec![] },
                    active: input.active,
                    approvals,
                    tasks,
                };
                if let Some(id) = id
                    && store::item(c, t, None, id).await?.is_none()
                {
                    return Err(AppError::NotFound(format!("catalog item {id}")));
                }
                item.id = store::save(c, t, &item, &orgs, now).await?;
                let mut e = Entry::action("catalog_item", item.id, if id.is_some() { "updated" } else { "created" });
                e.new = Some(item.name.clone());
                journal::append(c, t, by, now, &[e]).await?;
                form_of(item)
            }))
            .await
    }

    /// What the actor may order; administrators see every item, inactive ones too.
    #[tracing::instrument(name = "catalog", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn catalog(&self, actor: &Actor) -> Result<Vec<CatalogItem>> {
        let mut c = self.db.read().await?;
        let orderer = (!actor.may(Permission::Administer)).then_some(actor.user_id);
        store::items(&mut c, actor.tenant_id, orderer).await?.into_iter().map(form_of).collect()
    }

    /// Active items the actor may order whose name, category or description holds a
    /// word of `q` (for search and for suggestions while a requester types).
    #[tracing::instrument(name = "matching_items", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn matching_items(&self, actor: &Actor, q: &str, limit: usize) -> Result<Vec<CatalogItem>> {
        let words = cairn_domain::problem::similarity::terms(q);
        if words.is_empty() {
            return Ok(vec![]);
        }
        let matches = |i: &CatalogItem| {
            let text = cairn_domain::problem::similarity::terms(&format!("{} {} {}", i.item.name, i.item.category, i.item.description));
            words.iter().any(|w| text.binary_search(w).is_ok())
        };
        Ok(self.catalog(actor).await?.into_iter().filter(|i| i.item.active && matches(i)).take(limit).collect())
    }

    /// An item the actor may order (404 otherwise: another organisation's, or inactive).
    #[tracing::instrument(name = "orderable_item", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn orderable_item(&self, actor: &Actor, id: CatalogItemId) -> Result<CatalogItem> {
        let mut c = self.db.read().await?;
        let item = store::item(&mut c, actor.tenant_id, Some(actor.user_id), id).await?;
        form_of(item.ok_or_else(|| AppError::NotFound(format!("catalog item {id} you may order")))?)
    }

    /// Orders `quantity` of an item the actor may order, with the form's answers: one
    /// request (REQ) holding the requested item, in one transaction.
    #[tracing::instrument(name = "order", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn order(&self, actor: &Actor, item_id: CatalogItemId, quantity: i64, answers: &Answers) -> Result<Created> {
        if !(1..=100).contains(&quantity) {
            return Err(AppError::invalid("quantity", "between 1 and 100"));
        }
        let item = self.orderable_item(actor, item_id).await?;
        let answers = check_answers(&item.variables, answers)?;
        let mut c = self.db.read().await?;
        let mut lines = Vec::new();
        for v in &item.variables {
            let Some(a) = answers.get(&v.name) else { continue };
            match v.kind {
                VarKind::User => drop(user_named(&mut c, actor.tenant_id, "answers", a).await?),
                VarKind::Group if directory::group_by_name(&mut c, actor.tenant_id, a).await?.is_none() => {
                    return Err(AppError::invalid("answers", format!("{}: no group '{a}'", v.name)));
                }
                _ => {}
            }
            lines.push(format!("{}: {a}", v.label));
        }
        drop(c);
        let title = if quantity > 1 { format!("{} × {quantity}", item.item.name) } else { item.item.name.clone() };
        let description = format!("Ordered from the catalog: {} (quantity {quantity}).\n\n{}", item.item.name, lines.join("\n"));
        let requested = Requested {
            item_id,
            item: item.item.name.clone(),
            quantity,
            answers: json(&answers)?,
            approvals: item.item.approvals.clone(),
            tasks: item.item.tasks.clone(),
            form: item.item.variables.clone(),
        };
        let req = NewTicket { kind: Some("request".into()), title, description, order: Some(requested), ..NewTicket::default() };
        self.create_ticket(actor, req, None).await
    }

    /// The items a request asked for, with their answers.
    #[tracing::instrument(name = "requested_items", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn requested_items(&self, actor: &Actor, number: &str) -> Result<Vec<(Requested, Answers)>> {
        let mut c = self.db.read().await?;
        let t = crate::ticket::load(&mut c, &actor.scope(), number).await?;
        store::requested(&mut c, t.tenant_id, t.id)
            .await?
            .into_iter()
            .map(|r| {
                let answers = serde_json::from_str(&r.answers).map_err(|e| AppError::Internal(e.to_string()))?;
                Ok((r, answers))
            })
            .collect()
    }
}
