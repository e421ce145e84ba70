//! The routing admin page: rules in the order they are tried, adding and deleting
//! them, trying them on a sample ticket, and each group's assignment mode and manager.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::automation::routing::{RuleInput, Sample};
use cairn_domain::automation::routing::{Actions, Conditions, Rule};
use cairn_domain::platform::access::Permission;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::platform::csrf::{Button, CsrfForm};
use crate::platform::form::{filled, list, number};
use crate::platform::page::{Me, error_page, render};
use crate::platform::session::Session;

pub(crate) struct RuleRow {
    pub id: i64,
    pub position: i64,
    pub name: String,
    pub enabled: bool,
    pub when: String,
    pub then: String,
}

fn describe(r: &Rule) -> RuleRow {
    let mut when = Vec::new();
    let w = &r.when;
    if let Some(c) = &w.category {
        when.push(format!("category {c}"));
    }
    if let Some(s) = &w.service {
        when.push(format!("service {s}"));
    }
    if let Some(o) = &w.organisation {
        when.push(format!("organisation {o}"));
    }
    if !w.keywords.is_empty() {
        when.push(format!("words {}", w.keywords.join(" / ")));
    }
    if !w.priorities.is_empty() {
        when.push(format!("priority {}", w.priorities.iter().map(|p| format!("P{p}")).collect::<Vec<_>>().join(", ")));
    }
    let mut then = Vec::new();
    let a = &r.then;
    if let Some(g) = &a.group {
        then.push(format!("group {g}"));
    }
    if let Some(u) = &a.assignee {
        then.push(format!("assignee {u}"));
    }
    if let Some(p) = a.priority {
        then.push(format!("priority P{p}"));
    }
    if !a.tags.is_empty() {
        then.push(format!("tags {}", a.tags.join(", ")));
    }
    RuleRow {
        id: r.id.0,
        position: r.position,
        name: r.name.clone(),
        enabled: r.enabled,
        when: if when.is_empty() { "always".into() } else { when.join("; ") },
        then: then.join("; "),
    }
}

pub(crate) struct GroupRow {
    pub name: String,
    pub assignment: &'static str,
    pub manager: String,
}

#[derive(Template)]
#[template(path = "automation/routing.html")]
pub(crate) struct RoutingPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub rules: Vec<RuleRow>,
    pub groups: Vec<GroupRow>,
    pub agents: Vec<String>,
    pub categories: Vec<String>,
    /// What the rules did with the sample, line by line.
    pub outcome: Vec<String>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct RoutingQuery {
    saved: Option<String>,
}

async fn page(ctx: &Ctx, s: &Session, outcome: Vec<String>, notice: Option<String>, error: Option<String>) -> Response {
    let a = &s.actor;
    if !a.may(Permission::Administer) {
        return error_page(Some(s), AppError::Forbidden("administrators only".into()));
    }
    let loaded = tokio::try_join!(ctx.app.routing_rules(a), ctx.app.groups(a), ctx.app.users(a), ctx.app.categories(a));
    let (rules, groups, users, categories) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(Some(s), e),
    };
    let name = |id| users.iter().find(|u| u.id == id).map(|u| u.username.clone()).unwrap_or_default();
    let page = RoutingPage {
        me: Some(Me::new(a, &s.csrf)),
        csrf: s.csrf.clone(),
        rules: rules.iter().map(describe).collect(),
        groups: groups
            .iter()
            .map(|g| GroupRow { name: g.name.clone(), assignment: g.assignment.as_str(), manager: g.manager.map(name).unwrap_or_default() })
            .collect(),
        agents: users.iter().filter(|u| u.role.is_staff() && !u.disabled).map(|u| u.username.clone()).collect(),
        categories,
        outcome,
        notice,
        error: error.clone(),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    (status, render(page)).into_response()
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session, Query(q): Query<RoutingQuery>) -> Response {
    page(&ctx, &s, vec![], q.saved.map(|_| "Saved.".to_string()), None).await
}

#[derive(Deserialize)]
pub(crate) struct RuleForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    keywords: String,
    #[serde(default)]
    priorities: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    tags: String,
}

fn rule_input(f: RuleForm) -> Result<RuleInput, AppError> {
    let priorities = list(&f.priorities)
        .iter()
        .map(|p| {
            p.trim_start_matches(['P', 'p']).parse().map_err(|_| AppError::invalid("when.priorities", format!("'{p}' is not a priority")))
        })
        .collect::<Result<Vec<i64>, _>>()?;
    Ok(RuleInput {
        name: f.name,
        position: number("position", &f.position)?,
        enabled: Some(true),
        when: Conditions {
            category: filled(f.category),
            service: filled(f.service),
            organisation: filled(f.organisation),
            keywords: list(&f.keywords),
            priorities,
        },
        then: Actions {
            group: filled(f.group),
            assignee: filled(f.assignee),
            priority: number("then.priority", &f.priority)?,
            tags: list(&f.tags),
        },
    })
}

pub(crate) async fn create(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<RuleForm>) -> Response {
    let saved = match rule_input(f) {
        Ok(input) => ctx.app.save_routing_rule(&s.actor, None, input).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Redirect::to("/admin/routing?saved=1").into_response(),
        Err(e @ AppError::Invalid { .. }) => page(&ctx, &s, vec![], None, Some(e.to_string())).await,
        Err(e) => error_page(Some(&s), e),
    }
}

pub(crate) async fn delete(State(ctx): State<Ctx>, s: Session, Path(id): Path<i64>, _: CsrfForm<Button>) -> Response {
    match ctx.app.delete_routing_rule(&s.actor, id).await {
        Ok(()) => Redirect::to("/admin/routing?saved=1").into_response(),
        Err(e) => error_page(Some(&s), e),
    }
}

#[derive(Deserialize)]
pub(crate) struct SampleForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    requester: String,
    impact: Option<i64>,
    urgency: Option<i64>,
}

pub(crate) async fn try_rules(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<SampleForm>) -> Response {
    let sample = Sample {
        title: f.title,
        description: f.description,
        category: filled(f.category),
        service: filled(f.service),
        requester: filled(f.requester),
        impact: f.impact,
        urgency: f.urgency,
    };
    match ctx.app.try_routing(&s.actor, sample).await {
        Ok(r) => {
            let mut out = vec![match &r.rule {
                Some(rule) => format!("Rule “{}” fires.", rule.name),
                None => "No rule fires.".to_string(),
            }];
            if let Some(g) = &r.group {
                out.push(format!("Group: {}", g.name));
            }
            if let Some(u) = &r.assignee {
                let how = r.auto.map(|a| format!(" ({})", a.as_str().replace('_', " "))).unwrap_or_default();
                out.push(format!("Assignee: {}{how}", u.username));
            }
            if let Some(p) = r.priority {
                out.push(format!("Priority: P{}", p.get()));
            }
            if !r.tags.is_empty() {
                out.push(format!("Tags: {}", r.tags.join(", ")));
            }
            page(&ctx, &s, out, None, None).await
        }
        Err(e @ AppError::Invalid { .. }) => page(&ctx, &s, vec![], None, Some(e.to_string())).await,
        Err(e) => error_page(Some(&s), e),
    }
}

#[derive(Deserialize)]
pub(crate) struct GroupForm {
    #[serde(default)]
    assignment: String,
    #[serde(default)]
    manager: String,
}

pub(crate) async fn update_group(
    State(ctx): State<Ctx>,
    s: Session,
    Path(name): Path<String>,
    CsrfForm(f): CsrfForm<GroupForm>,
) -> Response {
    match ctx.app.update_group(&s.actor, &name, Some(&f.assignment), Some(&f.manager)).await {
        Ok(_) => Redirect::to("/admin/routing?saved=1").into_response(),
        Err(e @ AppError::Invalid { .. }) => page(&ctx, &s, vec![], None, Some(e.to_string())).await,
        Err(e) => error_page(Some(&s), e),
    }
}
