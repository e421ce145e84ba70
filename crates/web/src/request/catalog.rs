//! The catalog in the portal: items by category, and each item's order form built from
//! its variables. The browser hides questions that do not apply (static/catalog.js);
//! the server checks every answer again and names the one at fault.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::request::catalog::CatalogItem;
use cairn_domain::request::catalog::{Answers, VarKind, Variable, review_answers};

use crate::ctx::Ctx;
use crate::platform::csrf::CsrfForm;
use crate::platform::page::{Me, error_page, render};
use crate::platform::session::Session;

#[derive(Template)]
#[template(path = "request/catalog.html")]
pub(crate) struct CatalogPage {
    pub me: Option<Me>,
    /// (category, items)
    pub categories: Vec<(String, Vec<CatalogItem>)>,
}

pub(crate) async fn index(State(ctx): State<Ctx>, s: Session) -> Response {
    let items = match ctx.app.catalog(&s.actor).await {
        Ok(i) => i,
        Err(e) => return error_page(Some(&s), e),
    };
    let mut categories: Vec<(String, Vec<CatalogItem>)> = Vec::new();
    for i in items.into_iter().filter(|i| i.item.active) {
        match categories.iter_mut().find(|(c, _)| *c == i.item.category) {
            Some((_, list)) => list.push(i),
            None => categories.push((i.item.category.clone(), vec![i])),
        }
    }
    render(CatalogPage { me: Some(Me::new(&s.actor, &s.csrf)), categories })
}

/// A question of the order form, ready to draw.
pub(crate) struct Field {
    pub v: Variable,
    /// `text`, `number`, `date`, `checkbox`, `choice`, `multi_choice`, `user`, `group`.
    pub kind: &'static str,
    /// The answer as typed (comma-separated for several choices).
    pub value: String,
    /// Why the answer was refused, in the reader's words.
    pub problem: Option<String>,
}

impl Field {
    pub fn picked(&self, option: &str) -> bool {
        self.value.split(',').any(|p| p == option)
    }
}

#[derive(Template)]
#[template(path = "request/order.html")]
pub(crate) struct OrderPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub item: CatalogItem,
    pub fields: Vec<Field>,
    pub quantity: String,
    pub error: Option<String>,
}

pub(super) fn kind_name(k: &VarKind) -> &'static str {
    match k {
        VarKind::Text => "text",
        VarKind::Number => "number",
        VarKind::Date => "date",
        VarKind::Checkbox => "checkbox",
        VarKind::Choice => "choice",
        VarKind::MultiChoice => "multi_choice",
        VarKind::User => "user",
        VarKind::Group => "group",
    }
}

async fn order_page(ctx: &Ctx, s: &Session, id: i64, typed: &Answers, quantity: String, error: Option<String>) -> Response {
    let item = match ctx.app.orderable_item(&s.actor, cairn_domain::ids::CatalogItemId(id)).await {
        Ok(i) => i,
        Err(e) => return error_page(Some(s), e),
    };
    // A refused order names every answer at fault beside its question.
    let problems = if error.is_some() { review_answers(&item.variables, typed).1 } else { vec![] };
    let fields: Vec<Field> = item
        .variables
        .iter()
        .map(|v| Field {
            v: v.clone(),
            kind: kind_name(&v.kind),
            value: typed.get(&v.name).cloned().unwrap_or_default(),
            problem: problems.iter().find(|p| p.name == v.name).map(|p| p.message.clone()),
        })
        .collect();
    let error = match fields.iter().filter(|f| f.problem.is_some()).count() {
        0 => error,
        1 => Some("One answer needs a change: see the question marked below.".into()),
        n => Some(format!("{n} answers need a change: see the questions marked below.")),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = OrderPage { me: Some(Me::new(&s.actor, &s.csrf)), csrf: s.csrf.clone(), item, fields, quantity, error };
    (status, render(page)).into_response()
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session, Path(id): Path<i64>) -> Response {
    order_page(&ctx, &s, id, &Answers::new(), "1".into(), None).await
}

/// The posted form: `csrf`, `quantity`, and one `a.<name>` per answer (repeated for
/// several choices).
pub(crate) async fn order(
    State(ctx): State<Ctx>,
    s: Session,
    Path(id): Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let value = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut answers = Answers::new();
    for (k, v) in &pairs {
        if let Some(name) = k.strip_prefix("a.")
            && !v.trim().is_empty()
        {
            answers.entry(name.to_string()).and_modify(|a: &mut String| a.push_str(&format!(",{v}"))).or_insert_with(|| v.clone());
        }
    }
    let quantity = value("quantity");
    let Ok(n) = quantity.trim().parse::<i64>() else {
        return order_page(&ctx, &s, id, &answers, quantity, Some("Quantity must be a whole number.".into())).await;
    };
    match ctx.app.order(&s.actor, cairn_domain::ids::CatalogItemId(id), n, &answers).await {
        Ok(c) => Redirect::to(&format!("/tickets/{}?created=1", c.view.ticket.number)).into_response(),
        Err(e @ AppError::Invalid { .. }) => order_page(&ctx, &s, id, &answers, quantity, Some(e.to_string())).await,
        Err(e) => error_page(Some(&s), e),
    }
}
