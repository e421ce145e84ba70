//! In-app notifications: queued with the change that causes them, delivered by the
//! worker into the person's list. Each carries the visibility of the event it
//! announces (`cairn_domain::platform::visibility`); the worker delivers news of an
//! internal event to staff only, whoever queued it, so a requester watching a ticket
//! never hears of its internal notes, escalations or service-level alarms.

use cairn_domain::ids::{NotificationId, TenantId, TicketId, UserId};
use cairn_domain::platform::access::Actor;
use cairn_domain::platform::visibility::Visibility;
use cairn_domain::ticket::Ticket;
use cairn_store::Conn;
use cairn_store::platform::{directory, jobs, journal, notifications};
use cairn_store::tx;
use serde::{Deserialize, Serialize};

use super::mail::Mail;
use super::worker::Job;
use crate::{App, AppError, Result};

/// An in-app notification to deliver.
#[derive(Debug, Serialize, Deserialize)]
pub struct Notify {
    pub ticket_id: i64,
    pub user_id: i64,
    pub message: String,
    /// Who may hear of it; notifications queued before this was recorded count as
    /// internal (reach staff only).
    #[serde(default = "internal")]
    pub visibility: Visibility,
}

fn internal() -> Visibility {
    Visibility::Internal
}

impl Job for Notify {
    const KIND: &'static str = "notify";

    async fn run(self, app: &App, t: TenantId) -> Result<(), String> {
        let now = app.now();
        let to = {
            let mut c = app.db.read().await.map_err(|e| e.to_string())?;
            directory::user_by_id(&mut c, t, UserId(self.user_id)).await.map_err(|e| e.to_string())?
        };
        let Some(to) = to else { return Ok(()) };
        if self.visibility == Visibility::Internal && !to.role.is_staff() {
            tracing::debug!(user = self.user_id, "news of an internal event is for staff only; not delivered");
            return Ok(());
        }
        // The mail, for those who asked for it, is queued with the notification itself.
        let mail =
            to.email.as_ref().filter(|_| to.mail_notifications).map(|address| news_mail(address, &self.message, &app.mailer.public_url));
        app.db
            .write(tx!(|c| {
                notifications::insert(c, t, to.id, Some(TicketId(self.ticket_id)), &self.message, now).await?;
                if let Some(m) = &mail {
                    m.queue(c, t, now).await?;
                }
                Ok::<_, AppError>(())
            }))
            .await
            .map_err(|e| e.to_string())
    }
}

/// A notification as mail: the news, where to read it, and how to stop these mails.
fn news_mail(to: &str, message: &str, public_url: &str) -> Mail {
    let body = format!(
        "{message}\n\nRead it in Cairn: {public_url}/notifications\n\n\
         You get this mail because you asked for your notifications by mail; turn it off on your account page: {public_url}/account\n"
    );
    Mail { to: to.to_string(), subject: message.to_string(), body }
}

/// Queues a notification about `t` for `user` (same transaction). `visibility` is that
/// of the journal event it announces (`TicketAction::visibility`).
pub(crate) async fn notify(c: &mut Conn, t: &Ticket, user: UserId, visibility: Visibility, message: String, now: i64) -> Result<()> {
    let payload = Notify { ticket_id: t.id.0, user_id: user.0, message, visibility }.payload()?;
    jobs::enqueue(c, t.tenant_id, Notify::KIND, &payload, now, now).await?;
    Ok(())
}

impl App {
    /// Whether the actor's notifications also come by mail (they need an address).
    pub async fn set_own_mail_notifications(&self, actor: &Actor, on: bool) -> Result<()> {
        let (t, me, now) = (actor.tenant_id, actor.user_id, self.now());
        self.db
            .write(tx!(|c| {
                let u = directory::user_by_id(c, t, me).await?.ok_or_else(|| AppError::NotFound("user".into()))?;
                if on && u.email.is_none() {
                    return Err(AppError::invalid("mail_notifications", "you have no email address; ask an administrator to add one"));
                }
                directory::set_mail_notifications(c, t, me, on).await?;
                if u.mail_notifications != on {
                    let mut e = journal::Entry::action("user", me.0, "updated");
                    e.field = Some("mail_notifications".into());
                    (e.old, e.new) = (Some(u.mail_notifications.to_string()), Some(on.to_string()));
                    journal::append(c, t, Some(me), now, &[e]).await?;
                }
                Ok(())
            }))
            .await
    }

    /// The actor's latest 50 notifications, newest first.
    #[tracing::instrument(name = "notifications", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn notifications(&self, actor: &Actor) -> Result<Vec<notifications::Notification>> {
        let mut c = self.db.read().await?;
        Ok(notifications::for_user(&mut c, actor.tenant_id, actor.user_id, 50).await?)
    }

    /// How many of the actor's notifications are unread (the bell's count).
    #[tracing::instrument(name = "unread_notifications", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn unread_notifications(&self, actor: &Actor) -> Result<i64> {
        let mut c = self.db.read().await?;
        Ok(notifications::unread(&mut c, actor.tenant_id, actor.user_id).await?)
    }

    /// Marks the actor's notifications read: one (its id) or all. Another person's
    /// notification is not found. Journaled as `notifications_read` on the person.
    #[tracing::instrument(name = "mark_notifications_read", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn mark_notifications_read(&self, actor: &Actor, one: Option<NotificationId>) -> Result<u64> {
        let (actor, now) = (actor.clone(), self.now());
        self.db
            .write(tx!(|c| {
                let marked = notifications::mark_read(c, actor.tenant_id, actor.user_id, one, now).await?;
                if marked == 0
                    && let Some(id) = one
                    && !notifications::owns(c, actor.tenant_id, actor.user_id, id).await?
                {
                    return Err(AppError::NotFound(format!("notification {}", id.0)));
                }
                if marked > 0 {
                    let mut e = journal::Entry::action("user", actor.user_id.0, "notifications_read");
                    e.new = Some(marked.to_string());
                    journal::append(c, actor.tenant_id, Some(actor.user_id), now, &[e]).await?;
                }
                Ok::<_, AppError>(marked)
            }))
            .await
    }
}
