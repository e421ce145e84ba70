//! Canned responses and macros: agents keep their own, and share others with a group.
//! Group responses are written by the group's members (or an administrator);
//! placeholders are filled from the ticket when an agent picks one. A macro is a
//! canned response with actions: applying it posts the text and changes the ticket
//! (status, group, tags) in one transaction.

use cairn_domain::ids::CannedId;
use cairn_domain::platform::access::{Actor, Permission};
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::ticket::Ticket;
use cairn_domain::ticket::canned::{self, Fill};
use cairn_domain::ticket::status::Status;
use cairn_store::Conn;
use cairn_store::platform::directory;
use cairn_store::platform::journal::{self, Entry};
use cairn_store::ticket::canned::{self as store, Canned};
use cairn_store::tx;

use crate::ticket::comment::{Said, say};
use crate::ticket::update::change;
use crate::ticket::{TicketChange, TicketView, group_named, load};
use crate::{App, AppError, Result, agents_only};

/// A canned response as an agent writes it; no group makes it personal.
#[derive(Debug, Clone, Default)]
pub struct CannedInput {
    pub title: String,
    pub body: String,
    pub group: Option<String>,
    /// What it also does to the ticket; none makes it a plain canned response.
    pub actions: ActionsInput,
}

/// A macro's actions as typed: blanks mean "leave as it is".
#[derive(Debug, Clone, Default)]
pub struct ActionsInput {
    pub status: Option<String>,
    pub resolution_code: Option<String>,
    pub group: Option<String>,
    pub add_tags: Vec<String>,
    pub internal: bool,
}

/// A macro applied: the reply or note it posted and the ticket as it left it.
#[derive(Debug)]
pub struct Applied {
    pub comment: cairn_store::ticket::Comment,
    pub ticket: TicketView,
}

/// May `actor` change `r`? Their own, or a group's they belong to, or any as admin.
async fn may_edit(c: &mut Conn, actor: &Actor, r: &Canned) -> Result<()> {
    let ok = match (&r.group, r.owner) {
        (_, Some(owner)) => owner == actor.user_id,
        (Some((g, _)), None) => actor.may(Permission::Administer) || directory::is_member(c, actor.tenant_id, *g, actor.user_id).await?,
        (None, None) => actor.may(Permission::Administer),
    };
    if ok { Ok(()) } else { Err(AppError::Forbidden("not your canned response or your group's".into())) }
}

fn entry(r: &Canned, action: &'static str) -> Entry {
    let mut e = Entry::action("canned_response", r.id, action);
    e.new = Some(r.title.clone());
    e
}

impl App {
    /// The responses an agent may use: their own and their groups'.
    #[tracing::instrument(name = "canned_responses", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn canned_responses(&self, actor: &Actor) -> Result<Vec<Canned>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        Ok(store::visible(&mut c, actor.tenant_id, actor.user_id).await?)
    }

    /// Adds a response (`id` None) or changes one; its group cannot change.
    #[tracing::instrument(name = "save_canned_response", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn save_canned_response(&self, actor: &Actor, id: Option<CannedId>, input: CannedInput) -> Result<Canned> {
        agents_only(actor)?;
        let (title, body) = canned::check(&input.title, &input.body)?;
        let a = &input.actions;
        let actions =
            canned::check_actions(a.status.as_deref(), a.resolution_code.as_deref(), a.group.as_deref(), &a.add_tags, a.internal)?;
        let (actor, now) = (actor.clone(), self.now());
        self.db
            .write(tx!(|c| {
                let t = actor.tenant_id;
                let group = match actions.group.as_deref() {
                    Some(name) => {
                        let g = group_named(c, t, name).await.map_err(|_| AppError::invalid("set_group", format!("no group '{name}'")))?;
                        Some((g.id, g.name))
                    }
                    None => None,
                };
                let actions = actions.with_group(group);
                let (r, action) = match id {
                    Some(id) => {
                        let mut r = store::by_id(c, t, id).await?.ok_or_else(|| AppError::NotFound(format!("canned response {id}")))?;
                        may_edit(c, &actor, &r).await?;
                        (r.title, r.body, r.actions) = (title, body, actions);
                        store::update(c, t, &r, now).await?;
                        (r, "updated")
                    }
                    None => {
                        let group = match input.group.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
                            Some(name) => {
                                let g = directory::group_by_name(c, t, name)
                                    .await?
                                    .ok_or_else(|| AppError::invalid("group", format!("no group '{name}'")))?;
                                Some((g.id, g.name))
                            }
                            None => None,
                        };
                        let owner = if group.is_none() { Some(actor.user_id) } else { None };
                        let mut r = Canned { id: CannedId(0), title, body, group, owner, actions };
                        may_edit(c, &actor, &r).await?;
                        r.id = store::insert(c, t, &r, now).await?;
                        (r, "created")
                    }
                };
                journal::append(c, t, Some(actor.user_id), now, &[entry(&r, action)]).await?;
                Ok(r)
            }))
            .await
    }

    #[tracing::instrument(name = "delete_canned_response", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn delete_canned_response(&self, actor: &Actor, id: CannedId) -> Result<()> {
        agents_only(actor)?;
        let (actor, now) = (actor.clone(), self.now());
        self.db
            .write(tx!(|c| {
                let t = actor.tenant_id;
                let r = store::by_id(c, t, id).await?.ok_or_else(|| AppError::NotFound(format!("canned response {id}")))?;
                may_edit(c, &actor, &r).await?;
                store::delete(c, t, id).await?;
                journal::append(c, t, Some(actor.user_id), now, &[entry(&r, "deleted")]).await?;
                Ok(())
            }))
            .await
    }

    /// A response filled in for a ticket, ready to edit and send (or apply, for a macro).
    #[tracing::instrument(name = "render_canned_response", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn render_canned_response(&self, actor: &Actor, id: CannedId, number: &str) -> Result<(Canned, String)> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let r = usable(&mut c, actor, id).await?;
        let tk = load(&mut c, &actor.scope(), number).await?;
        let body = filled(&mut c, actor, &r, &tk).await?;
        Ok((r, body))
    }

    /// Applies macro `id` to a ticket whose copy the agent read at `expected_version`:
    /// posts its text (`body` when the agent edited it) as a reply or note, then sets the
    /// macro's status, group and tags, all in one transaction. A resolving macro's text
    /// becomes the resolution notes.
    #[tracing::instrument(name = "apply_macro", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn apply_macro(&self, actor: &Actor, number: &str, expected_version: i64, id: CannedId, said: MacroSaid) -> Result<Applied> {
        agents_only(actor)?;
        let (actor, now, number, kernel) = (actor.clone(), self.now(), number.to_string(), self.kernel.clone());
        self.db
            .write(tx!(|c| {
                let r = usable(c, &actor, id).await?;
                let tk = load(c, &actor.scope(), &number).await?;
                if tk.version != expected_version {
                    return Err(AppError::Stale);
                }
                let body = match said.body.filter(|b| !b.trim().is_empty()) {
                    Some(b) => b,
                    None => filled(c, &actor, &r, &tk).await?,
                };
                let a = &r.actions;
                let comment = say(
                    c,
                    &kernel,
                    &actor,
                    &number,
                    Said { body: body.clone(), internal: said.internal.unwrap_or(a.internal), minutes: said.minutes },
                    now,
                )
                .await?;
                let mut e = Entry::ticket(tk.id.0, TicketAction::MacroApplied);
                e.field = Some("macro".into());
                e.new = Some(r.title.clone());
                journal::append(c, actor.tenant_id, Some(actor.user_id), now, &[e]).await?;
                let after_reply = load(c, &actor.scope(), &number).await?;
                let ends = matches!(a.status, Some(Status::Resolved | Status::Closed));
                let tags = (!a.add_tags.is_empty()).then(|| [after_reply.tags.clone(), a.add_tags.clone()].concat());
                let ch = TicketChange {
                    status: a.status.map(|s| s.as_str().to_string()),
                    resolution_code: a.resolution_code.clone(),
                    resolution_notes: ends.then_some(body),
                    group: a.group.as_ref().map(|(_, name)| Some(name.clone())),
                    tags,
                    ..TicketChange::default()
                };
                let ticket = if a.changes_ticket() {
                    change(c, &kernel, &actor, &number, after_reply.version, ch, now).await?
                } else {
                    crate::ticket::NameCache::default().view(c, after_reply).await?
                };
                Ok(Applied { comment, ticket })
            }))
            .await
    }
}

/// What the agent adds when applying a macro: the text as they edited it (none keeps
/// the macro's, filled in), the minutes the work took, and perhaps another visibility.
#[derive(Debug, Clone, Default)]
pub struct MacroSaid {
    pub body: Option<String>,
    pub minutes: i64,
    /// Overrides the macro's choice of internal note or public reply.
    pub internal: Option<bool>,
}

/// Canned response `id` if `actor` may use it (their own or their groups').
async fn usable(c: &mut Conn, actor: &Actor, id: CannedId) -> Result<Canned> {
    store::visible(c, actor.tenant_id, actor.user_id)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| AppError::NotFound(format!("canned response {id}")))
}

/// `r`'s text with the placeholders filled from ticket `tk`.
async fn filled(c: &mut Conn, actor: &Actor, r: &Canned, tk: &Ticket) -> Result<String> {
    let t = actor.tenant_id;
    let name = |u: Option<directory::User>| u.map(|u| u.display_name).unwrap_or_default();
    let requester = name(directory::user_by_id(c, t, tk.requester_id).await?);
    let agent = name(directory::user_by_id(c, t, actor.user_id).await?);
    let group = match tk.group_id {
        Some(g) => directory::group_by_id(c, t, g).await?.map(|g| g.name).unwrap_or_default(),
        None => String::new(),
    };
    Ok(canned::render(&r.body, &Fill { number: &tk.number, title: &tk.title, requester: &requester, agent: &agent, group: &group }))
}
