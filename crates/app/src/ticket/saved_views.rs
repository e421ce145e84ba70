//! Agents' saved queue views: personal, or shared with every agent of the tenant. A view
//! keeps the queue's filters as a query string; the owner (or an administrator) deletes it.

use cairn_domain::ids::SavedViewId;
use cairn_domain::platform::access::{Actor, Permission};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::ticket::saved_views::{self as store, SavedView};
use cairn_store::tx;

use crate::{App, AppError, Result, agents_only};

/// The queue filters a view may keep; `col` (a column shown) may repeat.
const KEYS: [&str; 9] = ["q", "status", "kind", "group", "assignee", "priority", "sort", "breached", "col"];

/// Checks a view's query string: only queue filters, each once, of sane length.
fn check_query(query: &str) -> Result<String> {
    let query = query.trim().trim_start_matches('?');
    if query.len() > 1000 {
        return Err(AppError::invalid("query", "at most 1000 characters"));
    }
    let mut seen = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let key = pair.split('=').next().unwrap_or_default();
        if !KEYS.contains(&key) {
            return Err(AppError::invalid("query", format!("'{key}' is not a queue filter ({})", KEYS.join(", "))));
        }
        if key != "col" && seen.contains(&key) {
            return Err(AppError::invalid("query", format!("'{key}' is given twice")));
        }
        seen.push(key);
    }
    Ok(query.to_string())
}

impl App {
    /// Saves the queue's current filters under a name (agents).
    #[tracing::instrument(name = "save_view", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn save_view(&self, actor: &Actor, name: &str, query: &str, shared: bool) -> Result<SavedView> {
        agents_only(actor)?;
        let name = crate::platform::admin::check_name("name", name, 60)?;
        let query = check_query(query)?;
        let (actor, now) = (actor.clone(), self.now());
        self.db
            .write(tx!(|c| {
                let mut v = SavedView { id: SavedViewId(0), owner: actor.user_id, name, query, shared };
                v.id = store::insert(c, actor.tenant_id, &v, now).await?;
                let mut e = Entry::action("saved_view", v.id, "created");
                e.new = Some(format!("{} ({})", v.name, if shared { "shared" } else { "personal" }));
                journal::append(c, actor.tenant_id, Some(actor.user_id), now, &[e]).await?;
                Ok(v)
            }))
            .await
    }

    /// The agent's own views and those shared with them.
    #[tracing::instrument(name = "saved_views", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn saved_views(&self, actor: &Actor) -> Result<Vec<SavedView>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        Ok(store::visible(&mut c, actor.tenant_id, actor.user_id).await?)
    }

    /// Deletes a view: its owner, or an administrator for a shared one.
    #[tracing::instrument(name = "delete_view", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn delete_view(&self, actor: &Actor, id: SavedViewId) -> Result<()> {
        agents_only(actor)?;
        let (actor, now) = (actor.clone(), self.now());
        self.db
            .write(tx!(|c| {
                let v = store::visible(c, actor.tenant_id, actor.user_id)
                    .await?
                    .into_iter()
                    .find(|v| v.id == id)
                    .ok_or_else(|| AppError::NotFound(format!("view {id}")))?;
                if v.owner != actor.user_id && !actor.may(Permission::Administer) {
                    return Err(AppError::Forbidden("only its owner or an administrator deletes a shared view".into()));
                }
                store::delete(c, actor.tenant_id, id).await?;
                let mut e = Entry::action("saved_view", id, "deleted");
                e.old = Some(v.name);
                journal::append(c, actor.tenant_id, Some(actor.user_id), now, &[e]).await?;
                Ok(())
            }))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_queue_filters_are_kept() {
        assert_eq!(check_query("?group=Desk&sort=due").unwrap(), "group=Desk&sort=due");
        assert!(check_query("group=Desk&cursor=abc").unwrap_err().to_string().contains("'cursor' is not a queue filter"));
        assert!(check_query("group=A&group=B").unwrap_err().to_string().contains("twice"));
        assert_eq!(check_query("col=due&col=group").unwrap(), "col=due&col=group");
    }
}
