//! Canned responses for agents (`/canned-responses`): their own and their groups',
//! written, changed and deleted here, inserted into a reply on the ticket page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::ticket::canned::CannedInput;
use cairn_domain::ids::CannedId;
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
    /// The groups a shared response may go to.
    pub groups: Vec<String>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

impl CannedPage {
    pub fn shared_with<'a>(&self, c: &'a Canned) -> &'a str {
        c.group.as_ref().map_or("", |(_, name)| name.as_str())
    }
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
    let page = CannedPage { me: Some(Me::new(&s.actor, &s.csrf)), csrf: s.csrf.clone(), responses, groups, notice, error };
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
}

async fn save(ctx: &Ctx, s: &Session, id: Option<CannedId>, f: CannedForm) -> Response {
    let input = CannedInput { title: f.title, body: f.body, group: Some(f.group).filter(|g| !g.trim().is_empty()) };
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
