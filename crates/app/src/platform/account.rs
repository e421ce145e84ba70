//! Self-service: a signed-in person changes their own password and sees and ends their
//! own sessions and API tokens. Every use case here acts on the actor's own account
//! only (tenant and user come from the actor, never from the request), and journals
//! what it changed in the same transaction: `password_changed`, `sessions_ended`,
//! `token_created`, `token_revoked`.
//!
//! A password change needs the current password and ends every other session of the
//! person: whoever had a copy of an old session is out. API tokens stay; each can be
//! revoked on its own.

use cairn_domain::ids::UserId;
use cairn_domain::platform::access::Actor;
use cairn_store::platform::account::{self as store, SessionRow, TokenRow};
use cairn_store::platform::{directory, journal};
use cairn_store::tx;

use super::admin::check_name;
use super::auth::{NewToken, hash_secret, issue_token};
use super::password;
use crate::{App, AppError, Result};

/// A session id as the list shows it: 32 lowercase hex digits.
fn is_session_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn sessions_ended(user: UserId, count: u64) -> journal::Entry {
    let mut e = journal::Entry::action("user", user.0, "sessions_ended");
    e.new = Some(count.to_string());
    e
}

impl App {
    /// Changes the actor's password after checking the current one. Every session of
    /// theirs but `keep` (the cookie of the session making the change, if any) ends.
    /// Returns how many sessions ended.
    pub async fn change_own_password(&self, actor: &Actor, current: &str, new: &str, keep: Option<&str>) -> Result<u64> {
        password::check(new, &[&actor.username]).map_err(|e| match e {
            AppError::Invalid { message, .. } => AppError::invalid("new_password", message),
            other => other,
        })?;
        self.confirm_own_password(actor, current, "current_password").await?;
        let hash = self.hash_password(new).await?;
        let (t, u, now, keep) = (actor.tenant_id, actor.user_id, self.now(), keep.map(hash_secret));
        self.db
            .write(tx!(|c| {
                directory::set_password_hash(c, t, u, &hash).await?;
                let ended = store::end_sessions(c, t, u, keep.as_deref()).await?;
                let mut entries = vec![journal::Entry::action("user", u.0, "password_changed")];
                if ended > 0 {
                    entries.push(sessions_ended(u, ended));
                }
                journal::append(c, t, Some(u), now, &entries).await?;
                Ok::<_, AppError>(ended)
            }))
            .await
    }

    /// The actor's live sessions, newest first; the one with cookie `current` is marked.
    pub async fn own_sessions(&self, actor: &Actor, current: Option<&str>) -> Result<Vec<SessionRow>> {
        let mut c = self.db.read().await?;
        let current = current.map(hash_secret);
        Ok(store::sessions_of(&mut c, actor.tenant_id, actor.user_id, current.as_deref(), self.now()).await?)
    }

    /// Ends one of the actor's sessions; another person's is not found.
    pub async fn end_own_session(&self, actor: &Actor, id: &str) -> Result<()> {
        if !is_session_id(id) {
            return Err(AppError::NotFound(format!("session '{id}'")));
        }
        let (t, u, now, id) = (actor.tenant_id, actor.user_id, self.now(), id.to_string());
        self.db
            .write(tx!(|c| {
                if !store::end_session(c, t, u, &id).await? {
                    return Err(AppError::NotFound(format!("session '{id}'")));
                }
                journal::append(c, t, Some(u), now, &[sessions_ended(u, 1)]).await?;
                Ok(())
            }))
            .await
    }

    /// Signs the actor out everywhere: ends all their sessions but `keep` (none: all of
    /// them). Returns how many ended.
    pub async fn end_own_sessions(&self, actor: &Actor, keep: Option<&str>) -> Result<u64> {
        let (t, u, now, keep) = (actor.tenant_id, actor.user_id, self.now(), keep.map(hash_secret));
        self.db
            .write(tx!(|c| {
                let ended = store::end_sessions(c, t, u, keep.as_deref()).await?;
                journal::append(c, t, Some(u), now, &[sessions_ended(u, ended)]).await?;
                Ok::<_, AppError>(ended)
            }))
            .await
    }

    /// The actor's API tokens that are not revoked, newest first (expired ones too).
    pub async fn own_tokens(&self, actor: &Actor) -> Result<Vec<TokenRow>> {
        let mut c = self.db.read().await?;
        Ok(store::tokens_of(&mut c, actor.tenant_id, actor.user_id).await?)
    }

    /// Issues an API token for the actor, working until `expires_at` if given.
    pub async fn create_own_token(&self, actor: &Actor, name: &str, expires_at: Option<i64>) -> Result<NewToken> {
        let name = check_name("name", name, 100)?;
        let now = self.now();
        if expires_at.is_some_and(|e| e <= now) {
            return Err(AppError::invalid("expires_at", "must be in the future"));
        }
        let (t, u) = (actor.tenant_id, actor.user_id);
        self.db.write(tx!(|c| { issue_token(c, t, u, Some(u), &name, expires_at, now).await })).await
    }

    /// Revokes one of the actor's tokens; another person's, or a revoked one, is not found.
    pub async fn revoke_own_token(&self, actor: &Actor, id: i64) -> Result<()> {
        let (t, u, now) = (actor.tenant_id, actor.user_id, self.now());
        self.db
            .write(tx!(|c| {
                if !store::revoke_token(c, t, u, id, now).await? {
                    return Err(AppError::NotFound(format!("token {id}")));
                }
                let mut e = journal::Entry::action("user", u.0, "token_revoked");
                e.new = Some(id.to_string());
                journal::append(c, t, Some(u), now, &[e]).await?;
                Ok(())
            }))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::is_session_id;

    #[test]
    fn only_ids_of_the_listed_shape_reach_the_database() {
        assert!(is_session_id("0123456789abcdef0123456789abcdef"));
        assert!(!is_session_id("0123456789ABCDEF0123456789abcdef"));
        assert!(!is_session_id("0123456789abcdef"));
        assert!(!is_session_id("' OR 1=1 --                     "));
    }
}

/// How a person has their pages and news: their own settings and the tenant's zone.
#[derive(Debug, Clone)]
pub struct Preferences {
    /// None follows the tenant's.
    pub time_zone: Option<String>,
    pub tenant_zone: String,
    pub email: Option<String>,
    /// The news they get by mail, and whether it is their own choice (not the
    /// tenant's default for their role, which `mail_default` is).
    pub mail_news: cairn_domain::platform::news::MailChoice,
    pub mail_news_own: bool,
    pub mail_default: cairn_domain::platform::news::MailChoice,
}

impl App {
    pub async fn own_preferences(&self, actor: &Actor) -> Result<Preferences> {
        let mut c = self.db.read().await?;
        let me = cairn_store::platform::directory::user_by_id(&mut c, actor.tenant_id, actor.user_id)
            .await?
            .ok_or_else(|| AppError::NotFound("user".into()))?;
        let tenant =
            cairn_store::platform::tenants::by_id(&mut c, actor.tenant_id).await?.ok_or_else(|| AppError::NotFound("tenant".into()))?;
        let mail_news = crate::platform::notify::mailed(&me, &tenant);
        let mut default_for_role = me.clone();
        default_for_role.mail_news = None;
        let mail_default = crate::platform::notify::mailed(&default_for_role, &tenant);
        Ok(Preferences {
            mail_news_own: me.mail_news.is_some(),
            time_zone: me.time_zone,
            tenant_zone: tenant.time_zone,
            email: me.email,
            mail_news,
            mail_default,
        })
    }
}
