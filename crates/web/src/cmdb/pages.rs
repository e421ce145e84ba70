//! The CMDB pages: the CI list (search, filter by class and status, add a CI) and the
//! CI page (its fields and attributes to edit, its relations to add and remove, the
//! impact graph, open tickets and history).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::cmdb::cis::{CiInput, ListCis};
use cairn_domain::cmdb::class::{AttributeKind, value_from_text};
use cairn_domain::cmdb::impact::Direction;
use cairn_domain::cmdb::relation::RelationType;
use cairn_domain::cmdb::{CiNumber, CiStatus, Criticality};
use cairn_domain::ids::RelationId;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::graph::{self, Node};
use crate::ctx::Ctx;
use crate::extract::ApiPath;
use crate::platform::csrf::{Button, CsrfForm};
use crate::platform::form::{enc, filled};
use crate::platform::page::{Me, error_page, render};
use crate::platform::session::Session;
use crate::time::short;

pub(crate) struct Row {
    pub number: String,
    pub name: String,
    pub class: String,
    pub status: String,
    pub criticality: String,
    pub location: String,
}

#[derive(Template)]
#[template(path = "cmdb/cis.html")]
pub(crate) struct CisPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub q: String,
    pub class: String,
    pub status: String,
    pub classes: Vec<(String, String)>,
    pub statuses: Vec<(&'static str, &'static str)>,
    pub rows: Vec<Row>,
    pub next: Option<String>,
    pub error: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    class: String,
    #[serde(default)]
    status: String,
    after: Option<i64>,
}

fn statuses() -> Vec<(&'static str, &'static str)> {
    CiStatus::ALL.iter().map(|s| (s.as_str(), s.label())).collect()
}

async fn list_page(ctx: &Ctx, s: &Session, q: ListQuery, error: Option<String>) -> Response {
    let tree = match ctx.app.ci_classes(&s.actor).await {
        Ok(t) => t,
        Err(e) => return error_page(Some(s), e),
    };
    let ask =
        ListCis { class: Some(q.class.clone()), q: Some(q.q.clone()), status: Some(q.status.clone()), after: q.after, limit: Some(50) };
    let (rows, next) = match ctx.app.list_cis(&s.actor, ask).await {
        Ok(r) => r,
        Err(e @ AppError::Invalid { .. }) => return list_page_refused(ctx, s, e).await,
        Err(e) => return error_page(Some(s), e),
    };
    let next = next.map(|id| format!("/cis?q={}&class={}&status={}&after={}", enc(&q.q), enc(&q.class), enc(&q.status), id.0));
    let rows = rows
        .into_iter()
        .map(|r| Row {
            number: r.ci.number.to_string(),
            name: r.ci.name,
            class: r.class_code,
            status: r.ci.status.label().into(),
            criticality: r.ci.criticality.label().into(),
            location: r.location.unwrap_or_default(),
        })
        .collect();
    let classes = tree.all().iter().map(|k| (k.code.clone(), indent(&tree, k.id, &k.label))).collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = CisPage {
        me: Some(Me::new(&s.actor, &s.csrf)),
        csrf: s.csrf.clone(),
        q: q.q,
        class: q.class,
        status: q.status,
        classes,
        statuses: statuses(),
        rows,
        next,
        error,
    };
    (status, render(page)).into_response()
}

/// A refused filter shows the unfiltered list with the reason.
async fn list_page_refused(ctx: &Ctx, s: &Session, e: AppError) -> Response {
    Box::pin(list_page(ctx, s, ListQuery::default(), Some(e.to_string()))).await
}

/// A class label indented by its depth in the tree, for selects.
fn indent(tree: &cairn_domain::cmdb::class::ClassTree, id: cairn_domain::ids::CiClassId, label: &str) -> String {
    let depth = tree.lineage(id).len().saturating_sub(1);
    format!("{}{label}", "\u{a0}\u{a0}".repeat(depth))
}

pub(crate) async fn cis(State(ctx): State<Ctx>, s: Session, Query(q): Query<ListQuery>) -> Response {
    list_page(&ctx, &s, q, None).await
}

#[derive(Deserialize)]
pub(crate) struct NewCiForm {
    class: String,
    name: String,
    #[serde(default)]
    status: String,
}

pub(crate) async fn create(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<NewCiForm>) -> Response {
    let input = CiInput { class: Some(f.class), name: Some(f.name), status: filled(f.status), ..CiInput::default() };
    match ctx.app.create_ci(&s.actor, input).await {
        Ok(ci) => Redirect::to(&format!("/cis/{}?done=created", ci.ci.number)).into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => list_page(&ctx, &s, ListQuery::default(), Some(e.to_string())).await,
        Err(e) => error_page(Some(&s), e),
    }
}

pub(crate) struct AttrField {
    pub code: String,
    pub label: String,
    /// text, number, date, select.
    pub input: &'static str,
    pub options: Vec<String>,
    pub value: String,
    pub required: bool,
    pub defined_by: String,
}

pub(crate) struct RelRow {
    pub id: i64,
    pub label: String,
    pub number: String,
    pub name: String,
    pub class: String,
}

pub(crate) struct TicketRow {
    pub number: String,
    pub title: String,
    pub status: String,
}

pub(crate) struct EventRow {
    pub at: String,
    pub actor: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "cmdb/ci.html")]
pub(crate) struct CiPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub number: String,
    pub name: String,
    pub class: String,
    pub status: String,
    pub criticality: String,
    pub owner: String,
    pub group: String,
    pub organisation: String,
    pub location: String,
    pub attributes: Vec<AttrField>,
    pub statuses: Vec<(&'static str, &'static str)>,
    pub criticalities: Vec<(&'static str, &'static str)>,
    pub relations: Vec<RelRow>,
    pub types: Vec<(&'static str, String)>,
    pub direction: &'static str,
    pub graph: String,
    pub reached: usize,
    pub services: Vec<String>,
    pub tickets: Vec<TicketRow>,
    pub history: Vec<EventRow>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct ShowQuery {
    done: Option<String>,
    direction: Option<String>,
}

fn input_of(kind: &AttributeKind) -> (&'static str, Vec<String>) {
    match kind {
        AttributeKind::Integer | AttributeKind::Decimal => ("number", Vec::new()),
        AttributeKind::Date => ("date", Vec::new()),
        AttributeKind::Boolean => ("select", vec!["true".into(), "false".into()]),
        AttributeKind::Enum(v) => ("select", v.clone()),
        _ => ("text", Vec::new()),
    }
}

fn shown(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

async fn ci_page(ctx: &Ctx, s: &Session, number: &str, direction: Direction, notice: Option<String>, error: Option<String>) -> Response {
    let a = &s.actor;
    let cairn_app::cmdb::page::CiPage { ci, tree, relations, impact, history } = match ctx.app.ci_page(a, number, direction).await {
        Ok(p) => p,
        Err(e) => return error_page(Some(s), e),
    };
    let own = ci.ci.number.to_string();
    let attributes = tree
        .attributes(ci.ci.class)
        .into_iter()
        .map(|(owner, d)| {
            let (input, options) = input_of(&d.kind);
            AttrField {
                code: d.code.clone(),
                label: d.label.clone(),
                input,
                options,
                value: shown(ci.ci.attributes.get(&d.code)),
                required: d.required,
                defined_by: owner.label.clone(),
            }
        })
        .collect();
    let relations = relations
        .into_iter()
        .map(|r| {
            let out = r.from.number == own;
            let other = if out { &r.to } else { &r.from };
            RelRow {
                id: r.id.0,
                label: if out { r.rel.label() } else { r.rel.reverse_label() }.to_string(),
                number: other.number.clone(),
                name: other.name.clone(),
                class: other.class_code.clone(),
            }
        })
        .collect();
    let mut types = Vec::new();
    for t in RelationType::ALL {
        types.push((t.as_str(), format!("this CI {} …", t.label())));
    }
    let via_text = |rel: Option<RelationType>| rel.map(|r| if direction == Direction::Up { r.reverse_label() } else { r.label() });
    let mut nodes = vec![Node { number: &own, name: &ci.ci.name, class: &ci.class_code, depth: 0, parent: None, via: None }];
    for r in &impact.reached {
        let parent = r.path.len().checked_sub(2).and_then(|i| r.path.get(i)).map(String::as_str);
        nodes.push(Node {
            number: &r.path[r.path.len() - 1],
            name: &r.ci.ci.name,
            class: &r.ci.class_code,
            depth: r.depth,
            parent,
            via: via_text(r.via),
        });
    }
    let title = format!("{} impact of {own}: {} CIs", if direction == Direction::Up { "Upward" } else { "Downward" }, impact.reached.len());
    let graph = graph::svg(&nodes, &title);
    let services = impact
        .services
        .iter()
        .filter(|sv| sv.ci.id != ci.ci.id)
        .map(|sv| format!("{} {} ({})", sv.ci.number, sv.ci.name, sv.ci.criticality.label().to_lowercase()))
        .collect();
    let tickets = impact
        .open_tickets
        .iter()
        .filter(|t| t.ci == ci.ci.id)
        .map(|t| TicketRow { number: t.number.clone(), title: t.title.clone(), status: t.status.as_str().replace('_', " ") })
        .collect();
    let history = history
        .into_iter()
        .rev()
        .map(|r| {
            let e = r.event;
            let text = match (e.action.as_str(), e.field.as_deref()) {
                ("created", _) => format!("created {}", e.new.unwrap_or_default()),
                ("updated", Some(f)) => format!("{f}: {} → {}", e.old.as_deref().unwrap_or("—"), e.new.as_deref().unwrap_or("—")),
                ("related", _) => format!("related: {}", e.new.unwrap_or_default()),
                ("unrelated", _) => format!("relation removed: {}", e.new.unwrap_or_default()),
                (a, _) => a.replace('_', " "),
            };
            EventRow { at: short(e.at), actor: r.actor_name.unwrap_or_else(|| "system".into()), text }
        })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = CiPage {
        me: Some(Me::new(a, &s.csrf)),
        csrf: s.csrf.clone(),
        number: own,
        name: ci.ci.name,
        class: ci.class_code,
        status: ci.ci.status.as_str().into(),
        criticality: ci.ci.criticality.as_str().into(),
        owner: ci.owner.unwrap_or_default(),
        group: ci.group.unwrap_or_default(),
        organisation: ci.org.unwrap_or_default(),
        location: ci.location.unwrap_or_default(),
        attributes,
        statuses: statuses(),
        criticalities: Criticality::ALL.iter().map(|c| (c.as_str(), c.label())).collect(),
        relations,
        types,
        direction: direction.as_str(),
        graph,
        reached: impact.reached.len(),
        services,
        tickets,
        history,
        notice,
        error,
    };
    (status, render(page)).into_response()
}

fn done_notice(done: &str) -> Option<String> {
    Some(
        match done {
            "created" => "CI created.",
            "saved" => "Saved.",
            "related" => "Relation added.",
            "unrelated" => "Relation removed.",
            "merged" => "Merged: the duplicate is retired, its relations and tickets are here now.",
            _ => return None,
        }
        .to_string(),
    )
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session, ApiPath(number): ApiPath<String>, Query(q): Query<ShowQuery>) -> Response {
    let direction = q.direction.as_deref().and_then(Direction::parse).unwrap_or(Direction::Up);
    ci_page(&ctx, &s, &number, direction, q.done.as_deref().and_then(done_notice), None).await
}

/// The CI form: the fixed fields, and each attribute as `a.<code>`.
pub(crate) async fn update(
    State(ctx): State<Ctx>,
    s: Session,
    ApiPath(number): ApiPath<String>,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> Response {
    let number = match canonical(&s, &number) {
        Ok(n) => n,
        Err(r) => return *r,
    };
    let result = async {
        let ci = ctx.app.get_ci(&s.actor, &number).await?;
        let tree = ctx.app.ci_classes(&s.actor).await?;
        let mut attributes = Map::new();
        for (_, d) in tree.attributes(ci.ci.class) {
            let Some(text) = f.get(&format!("a.{}", d.code)) else { continue };
            let v = value_from_text(&d.kind, text).map_err(|why| AppError::invalid("attributes", format!("{}: {why}", d.code)))?;
            attributes.insert(d.code.clone(), v.unwrap_or(Value::Null));
        }
        let field = |k: &str| f.get(k).cloned();
        let clearable = |k: &str| f.get(k).map(|v| filled(v.clone()));
        let input = CiInput {
            class: None,
            name: field("name"),
            status: field("status"),
            criticality: field("criticality"),
            owner: clearable("owner"),
            group: clearable("group"),
            organisation: clearable("organisation"),
            location: clearable("location"),
            attributes: Some(attributes),
        };
        ctx.app.update_ci(&s.actor, &number, input).await
    };
    match result.await {
        Ok(ci) => Redirect::to(&format!("/cis/{}?done=saved", ci.ci.number)).into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            ci_page(&ctx, &s, &number, Direction::Up, None, Some(e.to_string())).await
        }
        Err(e) => error_page(Some(&s), e),
    }
}

#[derive(Deserialize)]
pub(crate) struct RelateForm {
    #[serde(rename = "type")]
    rel: String,
    other: String,
    /// `out`: this CI is the `from` end; `in`: the other is.
    #[serde(default)]
    way: String,
}

/// The CI number of a path in its canonical form, or the page saying there is no such CI:
/// what is written and where it redirects are built from canonical numbers only.
fn canonical(s: &Session, number: &str) -> Result<String, Box<Response>> {
    CiNumber::parse(number)
        .map(|n| n.to_string())
        .ok_or_else(|| Box::new(error_page(Some(s), AppError::NotFound(format!("CI '{}'", number.escape_debug())))))
}

pub(crate) async fn relate(
    State(ctx): State<Ctx>,
    s: Session,
    ApiPath(number): ApiPath<String>,
    CsrfForm(f): CsrfForm<RelateForm>,
) -> Response {
    let number = match canonical(&s, &number) {
        Ok(n) => n,
        Err(r) => return *r,
    };
    let other = f.other.trim().to_string();
    let (from, to) = if f.way == "in" { (other.as_str(), number.as_str()) } else { (number.as_str(), other.as_str()) };
    match ctx.app.create_relation(&s.actor, from, &f.rel, to).await {
        Ok(_) => Redirect::to(&format!("/cis/{number}?done=related")).into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            ci_page(&ctx, &s, &number, Direction::Up, None, Some(e.to_string())).await
        }
        Err(e) => error_page(Some(&s), e),
    }
}

pub(crate) async fn unrelate(
    State(ctx): State<Ctx>,
    s: Session,
    ApiPath((number, id)): ApiPath<(String, RelationId)>,
    CsrfForm(_): CsrfForm<Button>,
) -> Response {
    let number = match canonical(&s, &number) {
        Ok(n) => n,
        Err(r) => return *r,
    };
    match ctx.app.delete_relation(&s.actor, id).await {
        Ok(()) => Redirect::to(&format!("/cis/{number}?done=unrelated")).into_response(),
        Err(e) => error_page(Some(&s), e),
    }
}
