//! Watchers and @mentions: who hears about a ticket besides its requester and assignee.

use cairn_domain::platform::access::{Actor, Permission};
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::platform::visibility::Visibility;
use cairn_domain::ticket::Ticket;
use cairn_store::platform::journal::{self, Entry};
use cairn_store::ticket::{self as tickets, watchers};
use cairn_store::tx;
use cairn_store::{Conn, platform::directory};

use crate::platform::directory::user_named;
use crate::platform::notify::{News, notify};
use crate::ticket::load;
use crate::{App, AppError, Result};
use cairn_domain::platform::news::NewsKind;

/// Tells every watcher except `except` (the person acting). News of an internal event
/// (`seen`) reaches staff watchers only: the notification worker sees to it.
pub(crate) async fn tell_watchers(
    c: &mut Conn,
    t: &Ticket,
    except: cairn_domain::ids::UserId,
    kind: NewsKind,
    seen: Visibility,
    message: &str,
    now: i64,
) -> Result<()> {
    for (id, _) in watchers::list(c, t.tenant_id, t.id).await? {
        if id != except {
            notify(c, t, id, News::new(kind, seen, message.to_string()), now).await?;
        }
    }
    Ok(())
}

/// The usernames `@mentioned` in a text, each once, in order.
pub fn mentions(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || ",;:!?()".contains(c)) {
        if let Some(name) = word.strip_prefix('@').map(|n| n.trim_end_matches('.'))
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            && !out.iter().any(|o| o == name)
        {
            out.push(name.to_string());
        }
    }
    out
}

/// Notifies the staff members mentioned in a note or reply.
pub(crate) async fn tell_mentioned(c: &mut Conn, t: &Ticket, by: &Actor, seen: Visibility, text: &str, now: i64) -> Result<()> {
    for name in mentions(text) {
        if let Some(u) =
            directory::user_by_name(c, t.tenant_id, &name).await?.filter(|u| u.role.is_staff() && !u.disabled && u.id != by.user_id)
        {
            notify(c, t, u.id, News::new(NewsKind::Mention, seen, format!("{} mentioned you on {}", by.username, t.number)), now).await?;
        }
    }
    Ok(())
}

impl App {
    /// Adds a watcher. Agents add anyone; a requester only themselves.
    #[tracing::instrument(name = "watch", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn watch(&self, actor: &Actor, number: &str, username: &str) -> Result<()> {
        self.set_watching(actor, number, username, true).await
    }

    #[tracing::instrument(name = "unwatch", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn unwatch(&self, actor: &Actor, number: &str, username: &str) -> Result<()> {
        self.set_watching(actor, number, username, false).await
    }

    async fn set_watching(&self, actor: &Actor, number: &str, username: &str, on: bool) -> Result<()> {
        if username != actor.username && !actor.may(Permission::WorkTickets) {
            return Err(AppError::Forbidden("requesters can only watch for themselves".into()));
        }
        let (actor, now, number, username) = (actor.clone(), self.now(), number.to_string(), username.to_string());
        self.db
            .write(tx!(|c| {
                let ticket = load(c, &actor.scope(), &number).await?;
                let t = actor.tenant_id;
                let user = user_named(c, t, "username", &username).await?;
                // A watcher hears of the ticket, so they must be able to read it.
                let reader = Actor { tenant_id: t, user_id: user.id, username: user.username.clone(), role: user.role };
                if on && tickets::by_id(c, &reader.scope(), ticket.id).await?.is_none() {
                    return Err(AppError::invalid("username", format!("{} cannot see {}", user.username, ticket.number)));
                }
                let changed =
                    if on { watchers::add(c, t, ticket.id, user.id).await? } else { watchers::remove(c, t, ticket.id, user.id).await? };
                if changed {
                    let mut e = Entry::ticket(ticket.id.0, if on { TicketAction::WatcherAdded } else { TicketAction::WatcherRemoved });
                    e.field = Some("watcher".into());
                    e.new = Some(user.username);
                    journal::append(c, actor.tenant_id, Some(actor.user_id), now, &[e]).await?;
                }
                Ok(())
            }))
            .await
    }

    /// Who watches the ticket; a requester learns only whether they do themselves
    /// (watchers are internal: `cairn_domain::platform::visibility`).
    #[tracing::instrument(name = "watchers", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn watchers(&self, actor: &Actor, number: &str) -> Result<Vec<String>> {
        let mut c = self.db.read().await?;
        let ticket = load(&mut c, &actor.scope(), number).await?;
        let all = watchers::list(&mut c, ticket.tenant_id, ticket.id).await?;
        let staff = actor.may(Permission::WorkTickets);
        Ok(all.into_iter().filter(|(id, _)| staff || *id == actor.user_id).map(|(_, n)| n).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn mentions_are_found_once_and_ignore_emails() {
        assert_eq!(mentions("@alice please check, cc @bob.  @alice again"), ["alice", "bob"]);
        assert!(mentions("mail alice@example.com or @ alone").is_empty());
    }
}
