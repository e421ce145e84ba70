//! The catalog for administrators: every item (`/admin/catalog`) and one item's editor
//! (`/admin/catalog/new`, `/admin/catalog/{id}`): its description, who may order it,
//! its order form, its approval stages and its fulfilment tasks, each a table of rows.
//! Blank rows are left out, so a row is removed by clearing it; the page always offers
//! a few blank rows to add more. The server checks everything, as through the API.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::platform::admin::Admin;
use cairn_app::request::catalog::{CatalogItem, ItemInput};
use cairn_domain::request::approval::{Approver, Rule, Stage};
use cairn_domain::request::catalog::{ShowIf, Variable};
use cairn_domain::request::fulfilment::TaskTemplate;

use super::catalog::kind_name;
use crate::ctx::Ctx;
use crate::platform::csrf::CsrfForm;
use crate::platform::form::enc;
use crate::platform::page::{Me, Refusal, error_page, render};
use crate::platform::session::Session;

pub(crate) const KINDS: [&str; 8] = ["text", "number", "date", "checkbox", "choice", "multi_choice", "user", "group"];

#[derive(Default)]
pub(crate) struct VarRow {
    pub name: String,
    pub label: String,
    pub kind: String,
    pub required: bool,
    pub options: String,
    pub show_if: String,
    pub equals: String,
}

#[derive(Default)]
pub(crate) struct StageRow {
    pub approver: String,
    pub name: String,
    pub rule: String,
    pub quorum: String,
    pub timeout_hours: String,
    pub escalate_to: String,
}

#[derive(Default)]
pub(crate) struct TaskRow {
    pub title: String,
    pub group: String,
    pub step: String,
}

/// An item as its editor shows it: every value as typed.
#[derive(Default)]
pub(crate) struct ItemForm {
    pub category: String,
    pub name: String,
    pub description: String,
    pub icon: String,
    pub delivery_days: String,
    pub audience: String,
    pub orgs: Vec<String>,
    pub active: bool,
    pub vars: Vec<VarRow>,
    pub stages: Vec<StageRow>,
    pub tasks: Vec<TaskRow>,
}

fn named<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn parsed<T: serde::de::DeserializeOwned>(field: &str, row: usize, what: &str, raw: &str) -> Result<T, AppError> {
    serde_json::from_value(serde_json::Value::String(raw.to_string()))
        .map_err(|_| AppError::invalid(field, format!("row {row}: unknown {what} '{raw}'")))
}

fn number<T: std::str::FromStr>(field: &str, row: usize, raw: &str) -> Result<Option<T>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        x => x.parse().map(Some).map_err(|_| AppError::invalid(field, format!("row {row}: '{x}' is not a whole number"))),
    }
}

fn list(raw: &str) -> Vec<String> {
    raw.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

impl ItemForm {
    fn of(c: &CatalogItem) -> ItemForm {
        let i = &c.item;
        ItemForm {
            category: i.category.clone(),
            name: i.name.clone(),
            description: i.description.clone(),
            icon: i.icon.clone(),
            delivery_days: i.delivery_days.to_string(),
            audience: i.audience.as_str().into(),
            orgs: i.orgs.clone(),
            active: i.active,
            vars: c
                .variables
                .iter()
                .map(|v| VarRow {
                    name: v.name.clone(),
                    label: v.label.clone(),
                    kind: kind_name(&v.kind).into(),
                    required: v.required,
                    options: v.options.join(", "),
                    show_if: v.show_if.as_ref().map(|s| s.variable.clone()).unwrap_or_default(),
                    equals: v.show_if.as_ref().map(|s| s.equals.join(", ")).unwrap_or_default(),
                })
                .collect(),
            stages: c
                .approvals
                .iter()
                .map(|s| StageRow {
                    approver: named(&s.approver),
                    name: s.name.clone().unwrap_or_default(),
                    rule: named(&s.rule),
                    quorum: s.quorum.map(|q| q.to_string()).unwrap_or_default(),
                    timeout_hours: s.timeout_hours.map(|h| h.to_string()).unwrap_or_default(),
                    escalate_to: s.escalate_to.clone().unwrap_or_default(),
                })
                .collect(),
            tasks: c.tasks.iter().map(|t| TaskRow { title: t.title.clone(), group: t.group.clone(), step: t.step.to_string() }).collect(),
        }
    }

    /// The posted form: plain fields, `org` repeated, and rows as `v.N.field`,
    /// `a.N.field`, `t.N.field`.
    fn posted(pairs: &[(String, String)]) -> ItemForm {
        type Row = BTreeMap<String, String>;
        let mut f = ItemForm { active: false, ..ItemForm::default() };
        // The rows of the three tables (v, a, t), by index, as field → value.
        let mut rows: [BTreeMap<usize, Row>; 3] = Default::default();
        for (k, v) in pairs {
            let mut parts = k.splitn(3, '.');
            let table = match parts.next() {
                Some("v") => Some(0),
                Some("a") => Some(1),
                Some("t") => Some(2),
                _ => None,
            };
            if let (Some(table), Some(n), Some(field)) = (table, parts.next().and_then(|n| n.parse::<usize>().ok()), parts.next()) {
                rows[table].entry(n).or_default().insert(field.to_string(), v.clone());
                continue;
            }
            let value = v.clone();
            match k.as_str() {
                "category" => f.category = value,
                "name" => f.name = value,
                "description" => f.description = value,
                "icon" => f.icon = value,
                "delivery_days" => f.delivery_days = value,
                "audience" => f.audience = value,
                "org" => f.orgs.push(value),
                "active" => f.active = true,
                _ => {}
            }
        }
        let get = |r: &Row, k: &str| r.get(k).cloned().unwrap_or_default();
        let [vars, stages, tasks] = rows;
        f.vars = vars
            .values()
            .map(|r| VarRow {
                name: get(r, "name"),
                label: get(r, "label"),
                kind: get(r, "kind"),
                required: r.contains_key("required"),
                options: get(r, "options"),
                show_if: get(r, "show_if"),
                equals: get(r, "equals"),
            })
            .filter(|r| !(r.name.trim().is_empty() && r.label.trim().is_empty()))
            .collect();
        f.stages = stages
            .values()
            .map(|r| StageRow {
                approver: get(r, "approver"),
                name: get(r, "name"),
                rule: get(r, "rule"),
                quorum: get(r, "quorum"),
                timeout_hours: get(r, "timeout_hours"),
                escalate_to: get(r, "escalate_to"),
            })
            .filter(|r| !r.approver.is_empty())
            .collect();
        f.tasks = tasks
            .values()
            .map(|r| TaskRow { title: get(r, "title"), group: get(r, "group"), step: get(r, "step") })
            .filter(|r| !(r.title.trim().is_empty() && r.group.is_empty()))
            .collect();
        f
    }

    /// What the app is asked to save; a value that is no number or no known choice
    /// names its row.
    fn input(&self) -> Result<ItemInput, AppError> {
        let delivery_days = number::<i64>("delivery_days", 1, &self.delivery_days)
            .map_err(|_| AppError::invalid("delivery_days", "a whole number of days"))?
            .unwrap_or(0);
        let mut variables = Vec::new();
        for (i, r) in self.vars.iter().enumerate() {
            variables.push(Variable {
                name: r.name.trim().to_string(),
                label: r.label.trim().to_string(),
                kind: parsed("variables", i + 1, "kind", &r.kind)?,
                required: r.required,
                options: list(&r.options),
                show_if: (!r.show_if.trim().is_empty()).then(|| ShowIf { variable: r.show_if.trim().to_string(), equals: list(&r.equals) }),
            });
        }
        let mut approvals = Vec::new();
        for (i, r) in self.stages.iter().enumerate() {
            let n = i + 1;
            let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
            approvals.push(Stage {
                approver: parsed::<Approver>("approvals", n, "approver", &r.approver)?,
                name: text(&r.name),
                rule: if r.rule.is_empty() { Rule::Any } else { parsed("approvals", n, "rule", &r.rule)? },
                quorum: number("approvals", n, &r.quorum)?,
                timeout_hours: number("approvals", n, &r.timeout_hours)?,
                escalate_to: text(&r.escalate_to),
            });
        }
        let mut tasks = Vec::new();
        for (i, r) in self.tasks.iter().enumerate() {
            tasks.push(TaskTemplate {
                title: r.title.clone(),
                group: r.group.clone(),
                step: number("tasks", i + 1, &r.step)?.unwrap_or(1),
            });
        }
        Ok(ItemInput {
            category: self.category.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            icon: self.icon.clone(),
            delivery_days,
            variables,
            audience: self.audience.clone(),
            orgs: self.orgs.clone(),
            active: self.active,
            approvals,
            tasks,
        })
    }

    /// Blank rows to add more.
    fn with_blanks(mut self) -> ItemForm {
        self.vars.extend((0..3).map(|_| VarRow::default()));
        self.stages.extend((0..2).map(|_| StageRow::default()));
        self.tasks.extend((0..3).map(|_| TaskRow::default()));
        self
    }
}

#[derive(Template)]
#[template(path = "request/catalog_admin.html")]
pub(crate) struct ListPage {
    pub me: Option<Me>,
    pub items: Vec<CatalogItem>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "request/catalog_item_form.html")]
pub(crate) struct EditPage {
    pub me: Option<Me>,
    pub csrf: String,
    /// None for a new item.
    pub id: Option<i64>,
    pub f: ItemForm,
    pub kinds: &'static [&'static str],
    pub groups: Vec<String>,
    pub organisations: Vec<String>,
    pub error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct Saved {
    saved: Option<String>,
}

pub(crate) async fn index(State(ctx): State<Ctx>, s: Session, q: axum::extract::Query<Saved>) -> Response {
    if let Err(e) = Admin::from_actor(&s.actor) {
        return error_page(Some(&s), e);
    }
    match ctx.app.catalog(&s.actor).await {
        Ok(items) => {
            let notice = q.saved.as_ref().map(|n| format!("Saved {n}."));
            render(ListPage { me: Some(Me::new(&s.actor, &s.csrf)), items, notice })
        }
        Err(e) => error_page(Some(&s), e),
    }
}

async fn editor(ctx: &Ctx, s: &Session, id: Option<i64>, f: ItemForm, refused: Option<Refusal>) -> Response {
    let groups = ctx.app.groups(&s.actor).await.unwrap_or_default().into_iter().map(|g| g.name).collect();
    let organisations = ctx.app.organisations(&s.actor).await.unwrap_or_default().into_iter().map(|(n, _)| n).collect();
    let (status, error) = Refusal::split(refused);
    let page = EditPage {
        me: Some(Me::new(&s.actor, &s.csrf)),
        csrf: s.csrf.clone(),
        id,
        f: f.with_blanks(),
        kinds: &KINDS,
        groups,
        organisations,
        error,
    };
    (status, render(page)).into_response()
}

pub(crate) async fn new_form(State(ctx): State<Ctx>, s: Session) -> Response {
    if let Err(e) = Admin::from_actor(&s.actor) {
        return error_page(Some(&s), e);
    }
    editor(&ctx, &s, None, ItemForm { active: true, audience: "everyone".into(), ..ItemForm::default() }, None).await
}

pub(crate) async fn edit_form(State(ctx): State<Ctx>, s: Session, Path(id): Path<i64>) -> Response {
    if let Err(e) = Admin::from_actor(&s.actor) {
        return error_page(Some(&s), e);
    }
    match ctx.app.catalog(&s.actor).await.map(|items| items.into_iter().find(|i| i.item.id.0 == id)) {
        Ok(Some(item)) => editor(&ctx, &s, Some(id), ItemForm::of(&item), None).await,
        Ok(None) => error_page(Some(&s), AppError::NotFound(format!("catalog item {id}"))),
        Err(e) => error_page(Some(&s), e),
    }
}

async fn save(ctx: &Ctx, s: &Session, id: Option<i64>, pairs: &[(String, String)]) -> Response {
    let admin = match Admin::from_actor(&s.actor) {
        Ok(a) => a,
        Err(e) => return error_page(Some(s), e),
    };
    let form = ItemForm::posted(pairs);
    let saved = match form.input() {
        Ok(input) => ctx.app.save_catalog_item(&admin, id.map(cairn_domain::ids::CatalogItemId), input).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(item) => Redirect::to(&format!("/admin/catalog?saved={}", enc(&item.item.name))).into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => editor(ctx, s, id, form, Some(Refusal::of(&e))).await,
        Err(e) => error_page(Some(s), e),
    }
}

pub(crate) async fn create(State(ctx): State<Ctx>, s: Session, CsrfForm(pairs): CsrfForm<Vec<(String, String)>>) -> Response {
    save(&ctx, &s, None, &pairs).await
}

pub(crate) async fn update(
    State(ctx): State<Ctx>,
    s: Session,
    Path(id): Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Response {
    save(&ctx, &s, Some(id), &pairs).await
}
