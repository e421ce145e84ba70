//! Canned responses: agents keep their own, and share others with a group. Group
//! responses are written by the group's members (or an administrator); placeholders
//! are filled from the ticket when an agent picks one.

use cairn_domain::ids::CannedId;
use cairn_domain::platform::access::{Actor, Permission};
use cairn_domain::ticket::canned::{self, Fill};
use cairn_store::Conn;
use cairn_store::platform::directory;
use cairn_store::platform::journal::{self, Entry};
use cairn_store::ticket::canned::{self as store, Canned};
use cairn_store::tx;

use crate::ticket::load;
use crate::{App, AppError, Result, agents_only};

/// A canned response as an agent writes it; no group makes it personal.
#[derive(Debug, Clone, Default)]
pub struct CannedInput {
    pub title: String,
    pub body: String,
    pub group: Option<String>,
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
        let (actor, now) = (actor.clone(), self.now());
        self.db
            .write(tx!(|c| {
                let t = actor.tenant_id;
                let (r, action) = match id {
                    Some(id) => {
                        let mut r = store::by_id(c, t, id).await?.ok_or_else(|| AppError::NotFound(format!("canned response {id}")))?;
                        may_edit(c, &actor, &r).await?;
                        (r.title, r.body) = (title, body);
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
                        let mut r = Canned { id: CannedId(0), title, body, group, owner };
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

    /// A response's body filled in for a ticket, ready to edit and send.
    #[tracing::instrument(name = "render_canned_response", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn render_canned_response(&self, actor: &Actor, id: CannedId, number: &str) -> Result<String> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let t = actor.tenant_id;
        let r = store::visible(&mut c, t, actor.user_id)
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| AppError::NotFound(format!("canned response {id}")))?;
        let tk = load(&mut c, &actor.scope(), number).await?;
        let name = |u: Option<directory::User>| u.map(|u| u.display_name).unwrap_or_default();
        let requester = name(directory::user_by_id(&mut c, t, tk.requester_id).await?);
        let agent = name(directory::user_by_id(&mut c, t, actor.user_id).await?);
        let group = match tk.group_id {
            Some(g) => directory::group_by_id(&mut c, t, g).await?.map(|g| g.name).unwrap_or_default(),
            None => String::new(),
        };
        Ok(canned::render(&r.body, &Fill { number: &tk.number, title: &tk.title, requester: &requester, agent: &agent, group: &group }))
    }
}
