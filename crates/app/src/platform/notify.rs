//! In-app notifications: queued with the change that causes them, delivered by the
//! worker into the person's list. Each carries the visibility of the event it
//! announces (`cairn_domain::platform::visibility`); the worker delivers news of an
//! internal event to staff only, whoever queued it, so a requester watching a ticket
//! never hears of its internal notes, escalations or service-level alarms. Each also
//! carries its kind (`cairn_domain::platform::news`): the person gets it by mail too
//! when they, or the tenant's default for their role, chose that kind.

use cairn_domain::ids::{NotificationId, TenantId, TicketId, UserId};
use cairn_domain::platform::access::{Actor, Permission};
use cairn_domain::platform::news::{MailChoice, NewsKind};
use cairn_domain::platform::visibility::Visibility;
use cairn_domain::ticket::Ticket;
use cairn_store::Conn;
use cairn_store::platform::{directory, jobs, journal, notifications, tenants};
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
    /// What it is about, for the mail choice; older notifications count as "other".
    #[serde(default)]
    pub kind: NewsKind,
    /// False for news that has its own mail (an approval request with its links).
    #[serde(default = "yes")]
    pub mailable: bool,
}

fn yes() -> bool {
    true
}

/// News to tell one person: what it is about, who may hear of it (the visibility of
/// the journal event it announces, `TicketAction::visibility`) and what it says.
pub(crate) struct News {
    pub kind: NewsKind,
    pub seen: Visibility,
    pub message: String,
    pub mailable: bool,
}

impl News {
    pub fn new(kind: NewsKind, seen: Visibility, message: String) -> News {
        News { kind, seen, message, mailable: true }
    }

    /// Never mailed as news: the change sends a mail of its own.
    pub fn inbox_only(self) -> News {
        News { mailable: false, ..self }
    }
}

/// The news `u` gets by mail: their own choice, or their tenant's for their role.
pub(crate) fn mailed(u: &directory::User, tenant: &tenants::Tenant) -> MailChoice {
    match &u.mail_news {
        Some(own) => own.clone(),
        None if u.role.is_staff() => tenant.mail_news_staff.clone(),
        None => tenant.mail_news_requesters.clone(),
    }
}

fn internal() -> Visibility {
    Visibility::Internal
}

impl Job for Notify {
    const KIND: &'static str = "notify";

    async fn run(self, app: &App, t: TenantId) -> Result<(), String> {
        let now = app.now();
        let (to, tenant) = {
            let mut c = app.db.read().await.map_err(|e| e.to_string())?;
            let to = directory::user_by_id(&mut c, t, UserId(self.user_id)).await.map_err(|e| e.to_string())?;
            (to, tenants::by_id(&mut c, t).await.map_err(|e| e.to_string())?)
        };
        let (Some(to), Some(tenant)) = (to, tenant) else { return Ok(()) };
        if self.visibility == Visibility::Internal && !to.role.is_staff() {
            tracing::debug!(user = self.user_id, "news of an internal event is for staff only; not delivered");
            return Ok(());
        }
        // The mail, for those who asked for it, is queued with the notification itself.
        let wanted = self.mailable && !to.disabled && mailed(&to, &tenant).has(self.kind);
        let mail = to.email.as_ref().filter(|_| wanted).map(|address| news_mail(address, &self.message, &app.mailer.public_url));
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
         You get this mail because your notifications of this kind come by mail; choose which on your account page: {public_url}/account\n"
    );
    Mail { to: to.to_string(), subject: message.to_string(), body }
}

/// Queues a notification about `t` for `user` (same transaction).
pub(crate) async fn notify(c: &mut Conn, t: &Ticket, user: UserId, news: News, now: i64) -> Result<()> {
    let payload = Notify {
        ticket_id: t.id.0,
        user_id: user.0,
        message: news.message,
        visibility: news.seen,
        kind: news.kind,
        mailable: news.mailable,
    }
    .payload()?;
    jobs::enqueue(c, t.tenant_id, Notify::KIND, &payload, now, now).await?;
    Ok(())
}

impl App {
    /// The news the actor also gets by mail (they need an address for any); `None`
    /// follows the tenant's default for their role.
    pub async fn set_own_mail_news(&self, actor: &Actor, kinds: Option<Vec<String>>) -> Result<()> {
        let choice = kinds.as_deref().map(MailChoice::parse).transpose()?;
        let (t, me, now) = (actor.tenant_id, actor.user_id, self.now());
        self.db
            .write(tx!(|c| {
                let u = directory::user_by_id(c, t, me).await?.ok_or_else(|| AppError::NotFound("user".into()))?;
                if choice.as_ref().is_some_and(|k| !k.0.is_empty()) && u.email.is_none() {
                    return Err(AppError::invalid("events", "you have no email address; ask an administrator to add one"));
                }
                if u.mail_news != choice {
                    directory::set_mail_news(c, t, me, choice.as_ref()).await?;
                    let stored = |c: &Option<MailChoice>| Some(c.as_ref().map_or_else(|| "default".to_string(), MailChoice::to_stored));
                    let mut e = journal::Entry::action("user", me.0, "updated");
                    e.field = Some("mail_news".into());
                    (e.old, e.new) = (stored(&u.mail_news), stored(&choice));
                    journal::append(c, t, Some(me), now, &[e]).await?;
                }
                Ok(())
            }))
            .await
    }

    /// The news mailed by default to requesters and to staff (administrators only).
    pub async fn set_tenant_mail_news(&self, actor: &Actor, requesters: &[String], staff: &[String]) -> Result<()> {
        if !actor.may(Permission::Administer) {
            return Err(AppError::Forbidden("only administrators set the desk's mail defaults".into()));
        }
        let (requesters, staff) = (MailChoice::parse(requesters)?, MailChoice::parse(staff)?);
        let (t, me, now) = (actor.tenant_id, actor.user_id, self.now());
        self.db
            .write(tx!(|c| {
                let before = tenants::by_id(c, t).await?.ok_or_else(|| AppError::NotFound("tenant".into()))?;
                tenants::set_mail_news(c, t, &requesters, &staff).await?;
                let mut entries = Vec::new();
                for (field, old, new) in [
                    ("mail_news_requesters", &before.mail_news_requesters, &requesters),
                    ("mail_news_staff", &before.mail_news_staff, &staff),
                ] {
                    if old != new {
                        let mut e = journal::Entry::action("tenant", t.0, "updated");
                        e.field = Some(field.into());
                        (e.old, e.new) = (Some(old.to_stored()), Some(new.to_stored()));
                        entries.push(e);
                    }
                }
                journal::append(c, t, Some(me), now, &entries).await?;
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
