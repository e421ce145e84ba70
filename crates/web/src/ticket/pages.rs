//! The queue, raising a ticket, and replying on one.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::ticket::NewTicket;
use cairn_app::ticket::canned::MacroSaid;
use cairn_domain::ids::CannedId;
use cairn_domain::ticket::parse_number;
use cairn_domain::ticket::status::Status;
use serde::Deserialize;

use super::queue::{Column, Filters, QueuePage, Row, SavedRow};
use super::show::{Typed, ticket_page_with};
use crate::ctx::Ctx;
use crate::extract::TicketPath;
use crate::platform::csrf::CsrfForm;
use crate::platform::form::{enc, filled};
use crate::platform::page::{Me, error_page, lookups, render};
use crate::platform::session::Session;

#[derive(Template)]
#[template(path = "ticket/new.html")]
pub(crate) struct NewPage {
    pub me: Option<Me>,
    pub staff: bool,
    pub csrf: String,
    pub error: Option<String>,
    pub title: String,
    pub description: String,
    pub categories: Vec<String>,
    pub groups: Vec<String>,
    pub requesters: Vec<String>,
}

/// Saved views count their tickets up to this, then show "1000+".
const COUNT_CAP: i64 = 1000;

/// The agent's saved views with how many tickets each holds now, and whether it is the
/// one shown.
async fn saved_views(ctx: &Ctx, s: &Session, shown: &Filters) -> Vec<SavedRow> {
    let Ok(views) = ctx.app.saved_views(&s.actor).await else { return vec![] };
    let mut out = Vec::with_capacity(views.len());
    for v in views {
        let Ok(mut f) = Filters::parse(&v.query) else { continue };
        f.defaults(true);
        let count = match ctx.app.count_tickets(&s.actor, f.request(1), COUNT_CAP + 1).await {
            Ok(n) if n > COUNT_CAP => format!("{COUNT_CAP}+"),
            Ok(n) => n.to_string(),
            Err(_) => "?".into(),
        };
        out.push(SavedRow {
            id: v.id.0,
            link: format!("/tickets?{}", f.query()),
            current: f.query() == shown.query(),
            mine: v.owner == s.actor.user_id,
            shared: v.shared,
            name: v.name,
            count,
        });
    }
    out
}

pub(crate) async fn queue(State(ctx): State<Ctx>, s: Session, RawQuery(query): RawQuery) -> Response {
    let mut f = match Filters::parse(query.as_deref().unwrap_or_default()) {
        Ok(f) => f,
        Err(e) => return error_page(Some(&s), AppError::invalid("query", e)),
    };
    if let Some(n) = parse_number(&f.q) {
        return Redirect::to(&format!("/tickets/{n}")).into_response();
    }
    let staff = s.actor.role.is_staff();
    f.defaults(staff);
    let drawn = ctx.app.now();
    let (rows, next, error) = match ctx.app.list_tickets(&s.actor, f.request(50)).await {
        Ok(p) => (p.items.into_iter().map(|v| Row::new(v, drawn)).collect(), p.next_cursor, None),
        Err(e @ (AppError::Invalid { .. } | AppError::NotFound(_))) => (vec![], None, Some(e.to_string())),
        Err(e) => return error_page(Some(&s), e),
    };
    let next = next.map(|c| format!("/tickets?{}&cursor={}", f.query(), enc(&c)));
    let f_due_sort = format!("/tickets?{}", Filters { sort: "due".into(), cursor: String::new(), ..f.clone() }.query());
    let saved = if staff { saved_views(&ctx, &s, &f).await } else { vec![] };
    let (groups, agents) = if staff { lookups(&ctx, &s).await } else { (vec![], vec![]) };
    let mut status_options = vec![("open".to_string(), "Open".to_string()), ("all".to_string(), "All".to_string())];
    status_options.extend(Status::ALL.iter().map(|s| (s.as_str().to_string(), s.label().to_string())));
    let sort_options = [
        ("priority", "Priority, oldest first"),
        ("-created", "Newest"),
        ("created", "Oldest"),
        ("-updated", "Recently updated"),
        ("due", "Service level due soonest"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let plain = f.q.is_empty() && f.group.is_empty() && f.priority.is_empty() && f.kind.is_empty() && f.status == "open";
    let views = [
        ("All open", "/tickets", plain && f.assignee.is_empty() && f.breached.is_empty() && f.sort == "priority"),
        ("My work", "/tickets?assignee=me", plain && f.assignee == "me" && f.breached.is_empty()),
        ("My groups", "/tickets?group=mine", f.group == "mine" && f.q.is_empty() && f.assignee.is_empty() && f.breached.is_empty()),
        ("Unassigned", "/tickets?assignee=none", plain && f.assignee == "none" && f.breached.is_empty()),
        ("Due soonest", "/tickets?sort=due", plain && f.assignee.is_empty() && f.breached.is_empty() && f.sort == "due"),
        ("Breached", "/tickets?breached=1&sort=due", plain && f.assignee.is_empty() && f.breached == "1"),
    ]
    .into_iter()
    .filter(|_| staff)
    .collect();
    render(QueuePage {
        me: Some(Me::new(&s.actor, &s.csrf)),
        staff,
        views,
        saved,
        csrf: s.csrf.clone(),
        f,
        status_options,
        sort_options,
        priority_options: (1..=5).map(|p: u8| p.to_string()).collect(),
        columns: Column::ALL,
        groups,
        agents,
        rows,
        next,
        due_sort: f_due_sort,
        resolution_codes: cairn_domain::ticket::RESOLUTION_CODES,
        drawn,
        error,
    })
}

async fn new_page(ctx: &Ctx, s: &Session, error: Option<String>, title: String, description: String) -> Response {
    let staff = s.actor.role.is_staff();
    let (categories, groups, requesters) = if staff {
        let cats = ctx.app.categories(&s.actor).await.unwrap_or_default();
        let (groups, _) = lookups(ctx, s).await;
        let users = ctx.app.users(&s.actor).await.unwrap_or_default();
        (cats, groups, users.into_iter().filter(|u| !u.disabled).map(|u| u.username).collect())
    } else {
        (vec![], vec![], vec![])
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = NewPage {
        me: Some(Me::new(&s.actor, &s.csrf)),
        staff,
        csrf: s.csrf.clone(),
        error,
        title,
        description,
        categories,
        groups,
        requesters,
    };
    (status, render(page)).into_response()
}

pub(crate) async fn new_form(State(ctx): State<Ctx>, s: Session) -> Response {
    new_page(&ctx, &s, None, String::new(), String::new()).await
}

#[derive(Deserialize)]
pub(crate) struct CreateForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    impact: Option<i64>,
    urgency: Option<i64>,
    #[serde(default)]
    category: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    requester: String,
    #[serde(default)]
    kind: String,
}

pub(crate) async fn create(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<CreateForm>) -> Response {
    let new = NewTicket {
        title: f.title.clone(),
        description: f.description.clone(),
        requester: filled(f.requester),
        assignee: None,
        group: filled(f.group),
        category: filled(f.category),
        impact: f.impact,
        urgency: f.urgency,
        kind: filled(f.kind),
        ..NewTicket::default()
    };
    match ctx.app.create_ticket(&s.actor, new, None).await {
        Ok(c) => Redirect::to(&format!("/tickets/{}?created=1", c.view.ticket.number)).into_response(),
        Err(e @ AppError::Invalid { .. }) => new_page(&ctx, &s, Some(e.to_string()), f.title, f.description).await,
        Err(e) => error_page(Some(&s), e),
    }
}

#[derive(Deserialize)]
pub(crate) struct CommentForm {
    #[serde(default)]
    body: String,
    visibility: Option<String>,
    /// Minutes spent, blank for none.
    #[serde(default)]
    minutes: String,
    /// A macro to apply with the reply, and the ticket version the page showed.
    #[serde(rename = "macro")]
    with_macro: Option<i64>,
    version: Option<i64>,
}

pub(crate) async fn comment(
    State(ctx): State<Ctx>,
    s: Session,
    TicketPath(number): TicketPath,
    CsrfForm(f): CsrfForm<CommentForm>,
) -> Response {
    let internal = f.visibility.as_deref() == Some("internal");
    let typed = || Typed { reply: f.body.clone(), ..Typed::default() };
    let Ok(minutes) = (if f.minutes.trim().is_empty() { Ok(0) } else { f.minutes.trim().parse::<i64>() }) else {
        let error = "Time spent must be a whole number of minutes.".to_string();
        return ticket_page_with(&ctx, &s, &number, None, Some(error), typed()).await;
    };
    let sent = match (f.with_macro, f.version) {
        (Some(id), Some(version)) => {
            let said = MacroSaid { body: Some(f.body.clone()), minutes, internal: Some(internal) };
            ctx.app.apply_macro(&s.actor, &number, version, CannedId(id), said).await.map(|_| ())
        }
        _ => ctx.app.add_comment(&s.actor, &number, &f.body, internal, minutes).await.map(|_| ()),
    };
    match sent {
        Ok(()) => Redirect::to(&format!("/tickets/{number}#history")).into_response(),
        Err(AppError::Stale) => {
            let error = "Someone changed the ticket since you opened it, so the macro was not applied; check the ticket and send again.";
            ticket_page_with(&ctx, &s, &number, None, Some(error.to_string()), typed()).await
        }
        Err(e @ AppError::Invalid { .. }) => ticket_page_with(&ctx, &s, &number, None, Some(e.to_string()), typed()).await,
        Err(e) => error_page(Some(&s), e),
    }
}
