//! Canned responses and macros for agents (`/canned-responses`): their own and their
//! groups', written, changed and deleted here, inserted into a reply on the ticket page;
//! a macro's status, group and tags are set when that reply is sent.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::ticket::canned::{ActionsInput, CannedInput};
use cairn_domain::ids::CannedId;
use cairn_domain::ticket::RESOLUTION_CODES;
use cairn_domain::ticket::status::Status;
use cairn_store::ticket::canned::Canned;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::platform::csrf::{Button, CsrfForm};
use crate::platform::page::{Me, Refusal, error_page, lookups, render};
use crate::platform::session::Session;

#[derive(Template)]
#[template(path = "ticket/canned.html")]
pub(crate) struct CannedPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub responses: Vec<Canned>,
    /// The groups a shared response may go to, and a macro may move a ticket to.
    pub groups: Vec<String>,
    /// The statuses a macro may set: (name, label).
    pub statuses: Vec<(&'static str, &'static str)>,
    /// The resolution codes a resolving macro gives: (code, label).
    pub codes: Vec<(&'static str, String)>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

impl CannedPage {
    pub fn shared_with<'a>(&self, c: &'a Canned) -> &'a str {
        c.group.as_ref().map_or("", |(_, name)| name.as_str())
    }
    pub fn status_of(&self, c: &Canned) -> &'static str {
        c.actions.status.map_or("", Status::as_str)
    }
    pub fn code_of<'a>(&self, c: &'a Canned) -> &'a str {
        c.actions.resolution_code.as_deref().unwrap_or("")
    }
    pub fn moves_to<'a>(&self, c: &'a Canned) -> &'a str {
        c.actions.group.as_ref().map_or("", |(_, name)| name.as_str())
    }
    pub fn tags_of(&self, c: &Canned) -> String {
        c.actions.add_tags.join(", ")
    }
}

/// What a macro does, in words: "sets status Resolved (solved), moves to Network, adds
/// tag escalated, as an internal note"; empty for a plain canned response.
pub(crate) fn actions_summary(c: &Canned) -> String {
    let a = &c.actions;
    let mut parts = Vec::new();
    if let Some(s) = a.status {
        let code = a.resolution_code.as_deref().map(|c| format!(" ({})", c.replace('_', " "))).unwrap_or_default();
        parts.push(format!("sets status {}{code}", s.label()));
    }
    if let Some((_, g)) = &a.group {
        parts.push(format!("moves to {g}"));
    }
    if !a.add_tags.is_empty() {
        parts.push(format!("adds {} {}", if a.add_tags.len() == 1 { "tag" } else { "tags" }, a.add_tags.join(", ")));
    }
    if a.changes_ticket() && a.internal {
        parts.push("as an internal note".into());
    }
    parts.join(", ")
}

#[derive(Deserialize, Default)]
pub(crate) struct Done {
    done: Option<String>,
}

async fn page(ctx: &Ctx, s: &Session, notice: Option<String>, refusal: Option<Refusal>) -> Response {
    let responses = match ctx.app.canned_responses(&s.actor).await {
        Ok(r) => r,
        Err(e) => return error_page(Some(s), e),
    };
    let (groups, _) = lookups(ctx, s).await;
    let (status, error) = Refusal::split(refusal);
    let statuses = Status::ALL.iter().map(|st| (st.as_str(), st.label())).collect();
    let codes = RESOLUTION_CODES.iter().map(|c| (*c, c.replace('_', " "))).collect();
    let me = Some(Me::new(&s.actor, &s.csrf));
    let page = CannedPage { me, csrf: s.csrf.clone(), responses, groups, statuses, codes, notice, error };
    (status, render(page)).into_response()
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session, Query(q): Query<Done>) -> Response {
    let notice = match q.done.as_deref() {
        Some("saved") => Some("Saved.".to_string()),
        Some("deleted") => Some("Deleted.".to_string()),
        _ => None,
    };
    page(&ctx, &s, notice, None).await
}

#[derive(Deserialize, Default)]
pub(crate) struct CannedForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    /// Only when adding one: share it with this group; empty keeps it your own.
    #[serde(default)]
    group: String,
    /// The macro's actions; empty leaves that part of the ticket alone.
    #[serde(default)]
    set_status: String,
    #[serde(default)]
    set_resolution_code: String,
    #[serde(default)]
    set_group: String,
    /// Comma-separated.
    #[serde(default)]
    add_tags: String,
    /// A checkbox: posts the text as an internal note.
    internal: Option<String>,
}

async fn save(ctx: &Ctx, s: &Session, id: Option<CannedId>, f: CannedForm) -> Response {
    let filled = |s: String| Some(s).filter(|s| !s.trim().is_empty());
    let actions = ActionsInput {
        status: filled(f.set_status),
        resolution_code: filled(f.set_resolution_code),
        group: filled(f.set_group),
        add_tags: f.add_tags.split(',').map(str::to_string).collect(),
        internal: f.internal.is_some(),
    };
    let input = CannedInput { title: f.title, body: f.body, group: filled(f.group), actions };
    match ctx.app.save_canned_response(&s.actor, id, input).await {
        Ok(_) => Redirect::to("/canned-responses?done=saved").into_response(),
        Err(e @ AppError::Invalid { .. }) => page(ctx, s, None, Some(Refusal::of(&e))).await,
        Err(e) => error_page(Some(s), e),
    }
}

pub(crate) async fn create(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<CannedForm>) -> Response {
    save(&ctx, &s, None, f).await
}

pub(crate) async fn update(State(ctx): State<Ctx>, s: Session, Path(id): Path<i64>, CsrfForm(f): CsrfForm<CannedForm>) -> Response {
    save(&ctx, &s, Some(CannedId(id)), f).await
}

pub(crate) async fn delete(State(ctx): State<Ctx>, s: Session, Path(id): Path<i64>, _: CsrfForm<Button>) -> Response {
    match ctx.app.delete_canned_response(&s.actor, CannedId(id)).await {
        Ok(()) => Redirect::to("/canned-responses?done=deleted").into_response(),
        Err(e) => error_page(Some(&s), e),
    }
}
