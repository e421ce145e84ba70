use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::ticket::NewTicket;
use cairn_domain::ticket::parse_number;
use cairn_domain::ticket::status::Status;
use serde::Deserialize;

use super::views::*;
use super::{COOKIE, ClientAddr, Session, filled};
use crate::Ctx;
use crate::time::short;

pub(super) fn render(t: impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "page could not be rendered").into_response()
        }
    }
}

pub(super) fn error_page(s: Option<&Session>, e: AppError) -> Response {
    let (status, title) = match &e {
        AppError::NotFound(_) => (StatusCode::NOT_FOUND, "Not found"),
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "Not allowed"),
        AppError::Internal(d) => {
            tracing::error!(detail = %d, "internal error");
            (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong")
        }
        _ => (StatusCode::UNPROCESSABLE_ENTITY, "Cannot do that"),
    };
    let message = if matches!(e, AppError::Internal(_)) { "Please try again.".into() } else { e.to_string() };
    let page = ErrorPage { me: s.map(|s| Me::new(&s.actor, &s.csrf)), title: title.into(), message };
    (status, render(page)).into_response()
}

pub(super) fn csrf_rejected(s: &Session) -> Response {
    error_page(Some(s), AppError::Forbidden("The form expired. Go back, reload the page and try again.".into()))
}

fn session_cookie(ctx: &Ctx, value: &str, max_age: i64) -> HeaderValue {
    let secure = if ctx.config.secure_cookies { "; Secure" } else { "" };
    let v = format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static("cairn_session=; Max-Age=0"))
}

#[derive(Deserialize, Default)]
pub(crate) struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    tenant: String,
}

pub(crate) async fn login_form(State(ctx): State<Ctx>) -> Response {
    let has_users = ctx.app.has_users().await.unwrap_or(true);
    render(LoginPage { me: None, error: None, has_users, username: String::new(), tenant: cairn_app::DEFAULT_TENANT.into() })
}

pub(crate) async fn login(State(ctx): State<Ctx>, ClientAddr(addr): ClientAddr, Form(f): Form<LoginForm>) -> Response {
    let tenant = if f.tenant.trim().is_empty() { cairn_app::DEFAULT_TENANT.to_string() } else { f.tenant.trim().to_string() };
    match ctx.app.login(&tenant, f.username.trim(), &f.password, &addr).await {
        Ok(s) => {
            let mut res = Redirect::to("/").into_response();
            res.headers_mut().insert(header::SET_COOKIE, session_cookie(&ctx, &s.token, 12 * 3600));
            res
        }
        Err(e) => {
            let (status, msg) = match e {
                AppError::Throttled { .. } => (StatusCode::TOO_MANY_REQUESTS, e.to_string()),
                AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "Wrong username or password.".to_string()),
                other => return error_page(None, other),
            };
            let page = LoginPage { me: None, error: Some(msg), has_users: true, username: f.username, tenant };
            (status, render(page)).into_response()
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    pub(super) csrf: String,
}

pub(crate) async fn logout(State(ctx): State<Ctx>, s: Session, Form(f): Form<CsrfForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    if let Err(e) = ctx.app.logout(&s.token).await {
        return error_page(Some(&s), e);
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(&ctx, "", 0));
    res
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
            id: v.id,
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

/// Minimal percent-encoding for query values we put in links.
pub(super) fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
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
        Ok(p) => (p.items.into_iter().map(Row::from).collect(), p.next_cursor, None),
        Err(e @ (AppError::Invalid { .. } | AppError::NotFound(_))) => (vec![], None, Some(e.to_string())),
        Err(e) => return error_page(Some(&s), e),
    };
    let next = next.map(|c| format!("/tickets?{}&cursor={}", f.query(), enc(&c)));
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
        drawn,
        error,
    })
}

/// Group names and agent usernames for the pickers.
pub(super) async fn lookups(ctx: &Ctx, s: &Session) -> (Vec<String>, Vec<String>) {
    let groups = ctx.app.groups(&s.actor).await.map(|g| g.into_iter().map(|g| g.name).collect()).unwrap_or_default();
    let agents = ctx
        .app
        .users(&s.actor)
        .await
        .map(|u| u.into_iter().filter(|u| u.role.is_staff() && !u.disabled).map(|u| u.username).collect())
        .unwrap_or_default();
    (groups, agents)
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
    csrf: String,
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

pub(crate) async fn create(State(ctx): State<Ctx>, s: Session, Form(f): Form<CreateForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
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

#[derive(Deserialize, Default)]
pub(crate) struct ShowQuery {
    saved: Option<String>,
    created: Option<String>,
    /// What an action on the ticket did, for the notice.
    done: Option<String>,
    /// A canned response to fill into the reply box.
    canned: Option<i64>,
}

pub(super) async fn ticket_page(ctx: &Ctx, s: &Session, number: &str, notice: Option<String>, error: Option<String>) -> Response {
    ticket_page_with(ctx, s, number, notice, error, Typed::default()).await
}

/// What the user typed, shown again on the ticket page: a reply (a canned response, or a
/// refused reply), or a refused fields form with the field at fault.
#[derive(Default)]
pub(super) struct Typed {
    pub reply: String,
    pub fields: Option<super::fields::UpdateForm>,
    /// The field the refusal names, and why.
    pub invalid: Option<(String, String)>,
}

/// The ticket page, with what the user typed (see [`Typed`]).
pub(super) async fn ticket_page_with(
    ctx: &Ctx,
    s: &Session,
    number: &str,
    notice: Option<String>,
    error: Option<String>,
    typed: Typed,
) -> Response {
    let a = &s.actor;
    let view = match ctx.app.get_ticket(a, number).await {
        Ok(v) => v,
        Err(e) => return error_page(Some(s), e),
    };
    let number = view.ticket.number.clone();
    let (comments, history, links) =
        match tokio::try_join!(ctx.app.comments(a, &number), ctx.app.history(a, &number), ctx.app.links(a, &number)) {
            Ok(x) => x,
            Err(e) => return error_page(Some(s), e),
        };
    let staff = a.role.is_staff();
    let (groups, agents) = if staff { lookups(ctx, s).await } else { (vec![], vec![]) };
    let categories = if staff { ctx.app.categories(a).await.unwrap_or_default() } else { vec![] };
    let canned = if staff { ctx.app.canned_responses(a).await.unwrap_or_default() } else { vec![] };
    let watchers = if staff { ctx.app.watchers(a, &number).await.unwrap_or_default() } else { vec![] };
    let similar = if staff { ctx.app.similar_tickets(a, &view.ticket).await.unwrap_or_default() } else { vec![] };
    let items = if view.ticket.kind == cairn_domain::ticket::TicketKind::Request {
        ctx.app
            .requested_items(a, &number)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|(r, ans)| RequestedView { item: r.item, quantity: r.quantity, answers: ans.into_iter().collect() })
            .collect()
    } else {
        vec![]
    };
    let progress =
        if view.ticket.kind == cairn_domain::ticket::TicketKind::Request { ctx.app.request_progress(a, &number).await.ok() } else { None };
    let my_approval =
        progress.as_ref().and_then(|p| p.approvals.iter().find(|x| x.approver_id == a.user_id && x.state == "pending").map(|x| x.id));
    let request_of = if view.ticket.kind == cairn_domain::ticket::TicketKind::Task {
        ctx.app.request_of_task(a, &view.ticket).await.unwrap_or_default()
    } else {
        None
    };
    let articles = if staff { ctx.app.suggested_articles(a, &view.ticket.title, 3).await.unwrap_or_default() } else { vec![] };
    let slas = if staff { ctx.app.ticket_slas(a, &number, true).await.unwrap_or_default() } else { vec![] };
    let incident = view.ticket.kind == cairn_domain::ticket::TicketKind::Incident;
    let survey = if staff { None } else { ctx.app.survey_state(a, &number).await.unwrap_or_default() };
    let outages = if staff && incident { ctx.app.outages(a, &number).await.unwrap_or_default() } else { vec![] };
    let review = if staff && view.ticket.major {
        match ctx.app.review(a, &number).await {
            Ok(r) => Some(ReviewView {
                summary: r.text.summary,
                root_cause: r.text.root_cause,
                actions: r.text.actions,
                timeline: r
                    .timeline
                    .into_iter()
                    .map(|(n, e)| {
                        let text = history_text(&e.event.action, e.event.field.as_deref(), e.event.old.as_deref(), e.event.new.as_deref());
                        (short(e.event.at), n, e.actor_name.unwrap_or_else(|| "system".into()), text)
                    })
                    .collect(),
            }),
            Err(e) => return error_page(Some(s), e),
        }
    } else {
        None
    };
    let known_errors = if staff && incident && view.ticket.status.is_open() {
        ctx.app.known_errors_for(a, &number).await.unwrap_or_default()
    } else {
        vec![]
    };
    let levels = [("1", "High"), ("2", "Medium"), ("3", "Low")].iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    let page = TicketPage {
        me: Some(Me::new(a, &s.csrf)),
        staff,
        resolution_codes: &cairn_domain::ticket::RESOLUTION_CODES,
        csrf: s.csrf.clone(),
        status_next: status_choices(view.ticket.kind, view.ticket.status),
        t: match &typed.fields {
            Some(f) => f.over(TView::from(&view)),
            None => TView::from(&view),
        },
        invalid: typed.invalid.clone().unwrap_or_default(),
        own: view.ticket.requester_id == a.user_id,
        levels,
        categories,
        groups,
        agents,
        comments: comments
            .into_iter()
            .map(|c| CView {
                author: c.author.unwrap_or_default(),
                body: c.body,
                internal: c.internal,
                at: short(c.created_at),
                minutes: if c.minutes > 0 { minutes(c.minutes) } else { String::new() },
            })
            .collect(),
        history: history
            .into_iter()
            // Moved replies are counted for replays; the merge itself is shown.
            .filter(|r| r.event.action != "replies_moved")
            .map(|r| HView {
                at: short(r.event.at),
                actor: r.actor_name.unwrap_or_else(|| "system".into()),
                text: history_text(&r.event.action, r.event.field.as_deref(), r.event.old.as_deref(), r.event.new.as_deref()),
            })
            .collect(),
        links: links
            .into_iter()
            .map(|l| {
                let kind = match (l.kind.as_str(), l.inbound) {
                    ("parent_of", true) => "child of".to_string(),
                    ("duplicate_of", true) => "duplicated by".to_string(),
                    (k, _) => k.replace('_', " "),
                };
                (kind, l.number, l.title)
            })
            .collect(),
        canned: canned.into_iter().map(|r| (r.id, r.title)).collect(),
        reply: typed.reply,
        watchers,
        survey,
        outages: outages.into_iter().map(|o| (o.id, o.service, short(o.started_at), o.ended_at.map(short).unwrap_or_default())).collect(),
        slas: slas
            .into_iter()
            .map(|v| {
                let c = v.clock;
                let state = match (c.met(), c.breached()) {
                    (Some(true), _) => "met".to_string(),
                    (Some(false), _) => "missed".to_string(),
                    (None, true) if c.state != cairn_domain::sla::State::Cancelled => "breached".to_string(),
                    _ => c.state.as_str().replace('_', " "),
                };
                let left = c.remaining_ms() / 60_000;
                let remaining = match c.state {
                    cairn_domain::sla::State::Running | cairn_domain::sla::State::Paused if left >= 0 => format!("{} left", minutes(left)),
                    cairn_domain::sla::State::Running | cairn_domain::sla::State::Paused => format!("{} over", minutes(-left)),
                    _ => String::new(),
                };
                SlaView {
                    name: format!("{} · {}", v.definition, c.target.as_str().replace('_', " ")),
                    state,
                    remaining,
                    due: c.due_at.map(short).unwrap_or_default(),
                    breached: c.breached(),
                    timeline: c.timeline.iter().map(|(at, m)| (short(*at), m.as_str())).collect(),
                }
            })
            .collect(),
        review,
        similar: similar.into_iter().map(Row::from).collect(),
        articles: articles.into_iter().map(|x| (x.number, x.title)).collect(),
        items,
        progress: progress.filter(|p| !p.approvals.is_empty() || !p.plan.tasks.is_empty()).map(ProgressView::of),
        request_of,
        my_approval,
        known_errors: known_errors
            .into_iter()
            .map(|m| KView {
                number: m.known_error.number,
                title: m.known_error.title,
                workaround: m.known_error.workaround,
                score: (m.score * 100.0).round() as u32,
            })
            .collect(),
        notice,
        error: error.clone(),
    };
    let status = match (&typed.invalid, &error) {
        (Some(_), _) => StatusCode::UNPROCESSABLE_ENTITY,
        (None, Some(_)) => StatusCode::CONFLICT,
        (None, None) => StatusCode::OK,
    };
    (status, render(page)).into_response()
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, Query(q): Query<ShowQuery>) -> Response {
    let notice = if q.created.is_some() {
        Some("Ticket created.".to_string())
    } else {
        q.saved.map(|_| "Saved.".to_string()).or(q.done.as_deref().and_then(super::actions::done_notice).map(str::to_string))
    };
    let reply = match q.canned {
        Some(id) => match ctx.app.render_canned_response(&s.actor, id, &number).await {
            Ok(text) => text,
            Err(e) => return error_page(Some(&s), e),
        },
        None => String::new(),
    };
    ticket_page_with(&ctx, &s, &number, notice, None, Typed { reply, ..Typed::default() }).await
}

#[derive(Deserialize)]
pub(crate) struct CommentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    visibility: Option<String>,
    /// Minutes spent, blank for none.
    #[serde(default)]
    minutes: String,
}

pub(crate) async fn comment(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, Form(f): Form<CommentForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let internal = f.visibility.as_deref() == Some("internal");
    let typed = || Typed { reply: f.body.clone(), ..Typed::default() };
    let Ok(minutes) = (if f.minutes.trim().is_empty() { Ok(0) } else { f.minutes.trim().parse::<i64>() }) else {
        let error = "Time spent must be a whole number of minutes.".to_string();
        return ticket_page_with(&ctx, &s, &number, None, Some(error), typed()).await;
    };
    match ctx.app.add_comment(&s.actor, &number, &f.body, internal, minutes).await {
        Ok(_) => Redirect::to(&format!("/tickets/{number}#history")).into_response(),
        Err(e @ AppError::Invalid { .. }) => ticket_page_with(&ctx, &s, &number, None, Some(e.to_string()), typed()).await,
        Err(e) => error_page(Some(&s), e),
    }
}
