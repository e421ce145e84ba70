//! People, for administrators (`/admin/users`): who is who, their role and organisation,
//! and their manager, who approves what they order; a form adds a person (each
//! person's own page is `people`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::platform::admin::Admin;
use cairn_store::platform::directory::User;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::platform::csrf::CsrfForm;
use crate::platform::form::enc;
use crate::platform::page::{Me, error_page, render};
use crate::platform::session::Session;

#[derive(Template)]
#[template(path = "platform/users.html")]
pub(crate) struct UsersPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub users: Vec<User>,
    pub organisations: Vec<String>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct Saved {
    saved: Option<String>,
}

pub(crate) async fn page(ctx: &Ctx, s: &Session, notice: Option<String>, error: Option<String>) -> Response {
    if let Err(e) = Admin::from_actor(&s.actor) {
        return error_page(Some(s), e);
    }
    match tokio::try_join!(ctx.app.users(&s.actor), ctx.app.organisations(&s.actor)) {
        Ok((users, orgs)) => {
            let organisations = orgs.into_iter().map(|(o, _)| o).collect();
            let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
            (status, render(UsersPage { me: Some(Me::new(&s.actor, &s.csrf)), csrf: s.csrf.clone(), users, organisations, notice, error }))
                .into_response()
        }
        Err(e) => error_page(Some(s), e),
    }
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session, Query(q): Query<Saved>) -> Response {
    page(&ctx, &s, q.saved.map(|u| format!("Saved the manager of {u}.")), None).await
}

#[derive(Deserialize, Default)]
pub(crate) struct ManagerForm {
    #[serde(default)]
    username: String,
    /// Empty clears it.
    #[serde(default)]
    manager: String,
}

pub(crate) async fn set_manager(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<ManagerForm>) -> Response {
    let admin = match Admin::from_actor(&s.actor) {
        Ok(a) => a,
        Err(e) => return error_page(Some(&s), e),
    };
    let manager = Some(f.manager.as_str()).filter(|m| !m.is_empty());
    match ctx.app.set_user_manager(&admin, &f.username, manager).await {
        Ok(()) => Redirect::to(&format!("/admin/users?saved={}", enc(&f.username))).into_response(),
        Err(e @ AppError::Invalid { .. }) => page(&ctx, &s, None, Some(e.to_string())).await,
        Err(e) => error_page(Some(&s), e),
    }
}
