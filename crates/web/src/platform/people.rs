//! People and groups for administrators: add a person, edit one (details, role,
//! organisation, manager, groups), reset their password, disable or enable them; list
//! groups, add one, and keep its members (`/admin/users/…`, `/admin/groups/…`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::platform::admin::{Admin, CreateUser};
use cairn_app::platform::people::UserEdit;
use cairn_store::platform::directory::User;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::platform::csrf::{Button, CsrfForm};
use crate::platform::form::enc;
use crate::platform::page::{Me, Refusal, error_page, render};
use crate::platform::session::Session;

const ROLES: [&str; 3] = ["requester", "agent", "admin"];

#[derive(Deserialize, Default)]
pub(crate) struct Done {
    done: Option<String>,
}

fn admin_of(s: &Session) -> Result<Admin, Box<Response>> {
    Admin::from_actor(&s.actor).map_err(|e| Box::new(error_page(Some(s), e)))
}

/// Where a page goes after a change it made: back to itself, saying what was done.
fn done(path: &str, what: &str) -> Response {
    Redirect::to(&format!("{path}?done={}", enc(what))).into_response()
}

/// A use case's refusal: shown on the page it came from when it is about the input,
/// else the error page.
async fn refused<F: Future<Output = Response>>(s: &Session, e: AppError, again: impl FnOnce(Refusal) -> F) -> Response {
    match e {
        AppError::Invalid { .. } | AppError::Conflict(_) => again(Refusal::of(&e)).await,
        e => error_page(Some(s), e),
    }
}

#[derive(Template)]
#[template(path = "platform/person.html")]
pub(crate) struct PersonPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub user: User,
    pub roles: [&'static str; 3],
    pub organisations: Vec<String>,
    /// Every group, and whether the person is in it.
    pub groups: Vec<(String, bool)>,
    pub people: Vec<(String, String)>,
    /// What is checked out to them: (tag, its page, model or class, state).
    pub assets: Vec<(String, String, String, &'static str)>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

impl PersonPage {
    pub fn is_role(&self, r: &str) -> bool {
        self.user.role.as_str() == r
    }
    pub fn is_org(&self, o: &str) -> bool {
        self.user.organisation.as_deref() == Some(o)
    }
    pub fn path(&self) -> String {
        format!("/admin/users/{}", enc(&self.user.username))
    }
}

async fn person_page(ctx: &Ctx, s: &Session, username: &str, notice: Option<String>, refusal: Option<Refusal>) -> Response {
    if let Err(r) = admin_of(s) {
        return *r;
    }
    let found = tokio::try_join!(
        ctx.app.users(&s.actor),
        ctx.app.organisations(&s.actor),
        ctx.app.memberships(&s.actor),
        ctx.app.groups(&s.actor),
        ctx.app.assets_of(&s.actor, username)
    );
    let (users, orgs, memberships, groups, assets) = match found {
        Ok(x) => x,
        Err(e) => return error_page(Some(s), e),
    };
    let Some(user) = users.iter().find(|u| u.username == username).cloned() else {
        return error_page(Some(s), AppError::NotFound(format!("user '{username}'")));
    };
    let groups = groups.into_iter().map(|g| {
        let member = memberships.iter().any(|(gn, un)| *gn == g.name && *un == user.username);
        (g.name, member)
    });
    let (status, error) = Refusal::split(refusal);
    let page = PersonPage {
        me: Some(Me::new(&s.actor, &s.csrf)),
        csrf: s.csrf.clone(),
        roles: ROLES,
        organisations: orgs.into_iter().map(|(o, _)| o).collect(),
        groups: groups.collect(),
        people: users.into_iter().filter(|u| u.username != user.username).map(|u| (u.username, u.display_name)).collect(),
        user,
        assets: assets
            .into_iter()
            .map(|r| {
                let a = r.asset;
                (a.tag.clone(), format!("/assets/{}", enc(&a.tag)), a.model.unwrap_or(a.class), a.state.label())
            })
            .collect(),
        notice,
        error,
    };
    (status, render(page)).into_response()
}

pub(crate) async fn person(State(ctx): State<Ctx>, s: Session, Path(username): Path<String>, Query(q): Query<Done>) -> Response {
    person_page(&ctx, &s, &username, q.done, None).await
}

#[derive(Deserialize, Default)]
pub(crate) struct PersonForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
}

pub(crate) async fn save_person(
    State(ctx): State<Ctx>,
    s: Session,
    Path(username): Path<String>,
    CsrfForm(f): CsrfForm<PersonForm>,
) -> Response {
    let admin = match admin_of(&s) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let some = |v: String| Some(v).filter(|v| !v.trim().is_empty());
    let edit = UserEdit { display_name: f.display_name, email: some(f.email), role: f.role, organisation: some(f.organisation) };
    match ctx.app.update_user(&admin, &username, edit).await {
        Ok(_) => done(&format!("/admin/users/{}", enc(&username)), "Saved."),
        Err(e) => refused(&s, e, |r| person_page(&ctx, &s, &username, None, Some(r))).await,
    }
}

/// The groups form: every group's box, checked for those the person is to be in.
pub(crate) async fn save_groups(
    State(ctx): State<Ctx>,
    s: Session,
    Path(username): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let admin = match admin_of(&s) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let wanted: Vec<&str> = pairs.iter().filter(|(k, _)| k == "group").map(|(_, v)| v.as_str()).collect();
    let current = match ctx.app.memberships(&s.actor).await {
        Ok(m) => m,
        Err(e) => return error_page(Some(&s), e),
    };
    let (groups, users) = match tokio::try_join!(ctx.app.groups(&s.actor), ctx.app.users(&s.actor)) {
        Ok(x) => x,
        Err(e) => return error_page(Some(&s), e),
    };
    if !users.iter().any(|u| u.username == username) {
        return error_page(Some(&s), AppError::NotFound(format!("user '{username}'")));
    }
    for g in groups {
        let is = current.iter().any(|(gn, un)| *gn == g.name && *un == username);
        let result = match (is, wanted.contains(&g.name.as_str())) {
            (false, true) => ctx.app.add_group_member(&admin, &g.name, &username).await,
            (true, false) => ctx.app.remove_group_member(&admin, &g.name, &username).await,
            _ => Ok(()),
        };
        if let Err(e) = result {
            return refused(&s, e, |r| person_page(&ctx, &s, &username, None, Some(r))).await;
        }
    }
    done(&format!("/admin/users/{}", enc(&username)), "Groups saved.")
}

#[derive(Deserialize, Default)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    password: String,
}

pub(crate) async fn reset_password(
    State(ctx): State<Ctx>,
    s: Session,
    Path(username): Path<String>,
    CsrfForm(f): CsrfForm<PasswordForm>,
) -> Response {
    let admin = match admin_of(&s) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    match ctx.app.set_password(&admin, &username, &f.password).await {
        Ok(()) => done(&format!("/admin/users/{}", enc(&username)), "The password is set. Tell them to change it when they sign in."),
        Err(e) => refused(&s, e, |r| person_page(&ctx, &s, &username, None, Some(r))).await,
    }
}

async fn set_disabled(ctx: &Ctx, s: &Session, username: &str, disabled: bool) -> Response {
    let admin = match admin_of(s) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    match ctx.app.set_user_disabled(&admin, username, disabled).await {
        Ok(()) => done(
            &format!("/admin/users/{}", enc(username)),
            if disabled { "Disabled: their sessions and tokens have ended." } else { "Enabled: they can sign in again." },
        ),
        Err(e) => refused(s, e, |r| person_page(ctx, s, username, None, Some(r))).await,
    }
}

pub(crate) async fn disable(State(ctx): State<Ctx>, s: Session, Path(username): Path<String>, _: CsrfForm<Button>) -> Response {
    set_disabled(&ctx, &s, &username, true).await
}

pub(crate) async fn enable(State(ctx): State<Ctx>, s: Session, Path(username): Path<String>, _: CsrfForm<Button>) -> Response {
    set_disabled(&ctx, &s, &username, false).await
}

#[derive(Deserialize, Default)]
pub(crate) struct NewPersonForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    password: String,
}

/// `POST /admin/users`: a new person, then their page.
pub(crate) async fn create_person(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<NewPersonForm>) -> Response {
    let admin = match admin_of(&s) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let some = |v: String| Some(v).filter(|v| !v.trim().is_empty());
    let req = CreateUser {
        username: f.username.trim().to_string(),
        display_name: some(f.display_name),
        email: some(f.email),
        role: f.role,
        password: some(f.password),
        organisation: some(f.organisation),
    };
    match ctx.app.create_user(&admin, req).await {
        Ok(u) => done(&format!("/admin/users/{}", enc(&u.username)), "Added."),
        Err(e) => refused(&s, e, |r| crate::platform::users::page(&ctx, &s, None, Some(r.message))).await,
    }
}

#[derive(Template)]
#[template(path = "platform/groups.html")]
pub(crate) struct GroupsPage {
    pub me: Option<Me>,
    pub csrf: String,
    /// Each group and its members' usernames.
    pub groups: Vec<(String, Vec<String>)>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

async fn groups_page(ctx: &Ctx, s: &Session, notice: Option<String>, refusal: Option<Refusal>) -> Response {
    if let Err(r) = admin_of(s) {
        return *r;
    }
    let found = tokio::try_join!(ctx.app.groups(&s.actor), ctx.app.memberships(&s.actor));
    let (groups, memberships) = match found {
        Ok(x) => x,
        Err(e) => return error_page(Some(s), e),
    };
    let groups = groups
        .into_iter()
        .map(|g| {
            let members = memberships.iter().filter(|(gn, _)| *gn == g.name).map(|(_, u)| u.clone()).collect();
            (g.name, members)
        })
        .collect();
    let (status, error) = Refusal::split(refusal);
    (status, render(GroupsPage { me: Some(Me::new(&s.actor, &s.csrf)), csrf: s.csrf.clone(), groups, notice, error })).into_response()
}

pub(crate) async fn groups(State(ctx): State<Ctx>, s: Session, Query(q): Query<Done>) -> Response {
    groups_page(&ctx, &s, q.done, None).await
}

#[derive(Deserialize, Default)]
pub(crate) struct NameForm {
    #[serde(default)]
    name: String,
}

pub(crate) async fn create_group(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<NameForm>) -> Response {
    let admin = match admin_of(&s) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    match ctx.app.create_group(&admin, &f.name).await {
        Ok(g) => done(&format!("/admin/groups/{}", enc(&g.name)), "Added."),
        Err(e) => refused(&s, e, |r| groups_page(&ctx, &s, None, Some(r))).await,
    }
}

#[derive(Template)]
#[template(path = "platform/group.html")]
pub(crate) struct GroupPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub name: String,
    pub path: String,
    pub members: Vec<User>,
    /// Agents and admins who are not members, to add.
    pub others: Vec<(String, String)>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

async fn group_page(ctx: &Ctx, s: &Session, name: &str, notice: Option<String>, refusal: Option<Refusal>) -> Response {
    if let Err(r) = admin_of(s) {
        return *r;
    }
    let found = tokio::try_join!(ctx.app.group_with_members(&s.actor, name), ctx.app.users(&s.actor));
    let ((group, members), users) = match found {
        Ok(x) => x,
        Err(e) => return error_page(Some(s), e),
    };
    let others = users
        .into_iter()
        .filter(|u| u.role.is_staff() && !u.disabled && !members.iter().any(|m| m.id == u.id))
        .map(|u| (u.username, u.display_name))
        .collect();
    let (status, error) = Refusal::split(refusal);
    let page = GroupPage {
        me: Some(Me::new(&s.actor, &s.csrf)),
        csrf: s.csrf.clone(),
        path: format!("/admin/groups/{}", enc(&group.name)),
        name: group.name,
        members,
        others,
        notice,
        error,
    };
    (status, render(page)).into_response()
}

pub(crate) async fn group(State(ctx): State<Ctx>, s: Session, Path(name): Path<String>, Query(q): Query<Done>) -> Response {
    group_page(&ctx, &s, &name, q.done, None).await
}

#[derive(Deserialize, Default)]
pub(crate) struct MemberForm {
    #[serde(default)]
    username: String,
}

pub(crate) async fn add_member(
    State(ctx): State<Ctx>,
    s: Session,
    Path(name): Path<String>,
    CsrfForm(f): CsrfForm<MemberForm>,
) -> Response {
    let admin = match admin_of(&s) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    match ctx.app.add_group_member(&admin, &name, f.username.trim()).await {
        Ok(()) => done(&format!("/admin/groups/{}", enc(&name)), &format!("Added {}.", f.username.trim())),
        Err(e) => refused(&s, e, |r| group_page(&ctx, &s, &name, None, Some(r))).await,
    }
}

pub(crate) async fn remove_member(
    State(ctx): State<Ctx>,
    s: Session,
    Path((name, username)): Path<(String, String)>,
    _: CsrfForm<Button>,
) -> Response {
    let admin = match admin_of(&s) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    match ctx.app.remove_group_member(&admin, &name, &username).await {
        Ok(()) => done(&format!("/admin/groups/{}", enc(&name)), &format!("Removed {username}.")),
        Err(e) => refused(&s, e, |r| group_page(&ctx, &s, &name, None, Some(r))).await,
    }
}
