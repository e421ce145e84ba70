//! Sign-in, sessions and API tokens.
//!
//! Passwords are hashed with Argon2id, a bounded number at a time (`hashing`). Session
//! and API tokens are 256-bit random secrets; only their SHA-256 is stored. Failed
//! sign-ins slow down further attempts per (account, address) and per address
//! (`throttle`), counted before the password is verified. A session ends at its
//! absolute lifetime or after a spell without requests, whichever comes first. A
//! disabled user has no sessions or tokens;
//! a token may carry an expiry, after which it is refused.

use base64::Engine;
use cairn_domain::ids::{TenantId, UserId};
use cairn_domain::platform::access::Actor;
use cairn_store::Conn;
use cairn_store::tx;
use cairn_store::{platform::auth as store, platform::directory, platform::journal};
use sha2::{Digest, Sha256};

use super::hashing::DUMMY_HASH;
use super::throttle;
use crate::{App, AppError, Result};

pub fn random_secret() -> Result<String> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Refuses a password the policy does not accept (see [`super::password`]).
pub fn check_password_rules(password: &str) -> Result<()> {
    super::password::check(password, &[])
}

/// How long a session lives: at most `absolute_ms` after sign-in, and no more than
/// `idle_ms` after its last request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub absolute_ms: i64,
    pub idle_ms: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy { absolute_ms: 12 * 3_600_000, idle_ms: 30 * 60_000 }
    }
}

/// A session's last request is written down at most this often, not on every request.
const TOUCH_EVERY_MS: i64 = 60_000;

/// A token just issued: its secret is shown this once and never again.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub id: i64,
    pub name: String,
    pub secret: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
}

/// Writes a new API token and its journal entry; `by` is who issued it (none for the
/// operator).
pub(crate) async fn issue_token(
    c: &mut Conn,
    t: TenantId,
    user: UserId,
    by: Option<UserId>,
    name: &str,
    expires_at: Option<i64>,
    now: i64,
) -> Result<NewToken> {
    let secret = format!("cairn_{}", random_secret()?);
    let id = store::insert_token(c, t, user, name, &hash_secret(&secret), now, expires_at).await?;
    let mut e = journal::Entry::action("user", user.0, "token_created");
    e.new = Some(format!("{id}:{name}"));
    journal::append(c, t, by, now, &[e]).await?;
    Ok(NewToken { id, name: name.to_string(), secret, created_at: now, expires_at })
}

/// A new session: the cookie value (shown once) and its CSRF token.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
    pub actor: Actor,
}

impl App {
    pub async fn login(&self, tenant: &str, username: &str, password: &str, client: &str) -> Result<NewSession> {
        let now = self.now();
        // Counted before anything is looked up or hashed; given back if nothing is decided.
        let attempt = self.throttle.reserve(&throttle::keys(tenant, username, client), now)?;
        let tenant = self.tenant_by_slug(tenant).await.map_err(|_| AppError::Unauthenticated);
        let found = match &tenant {
            Ok(t) => {
                let mut c = self.db.read().await?;
                directory::password_hash(&mut c, t.id, username).await?
            }
            Err(_) => None,
        };
        // Verify against a fixed hash when the user is unknown, so timing does not tell.
        let hash = found.as_ref().map(|(_, h)| h.as_str()).unwrap_or(DUMMY_HASH);
        let ok = self.verify_password(password, hash).await? && found.is_some();
        let (Ok(tenant), Some((user_id, _)), true) = (tenant, found, ok) else {
            attempt.failed();
            return Err(AppError::Unauthenticated);
        };
        attempt.succeeded();
        let token = random_secret()?;
        let csrf = random_secret()?;
        let (th, cs, ttl) = (hash_secret(&token), csrf.clone(), self.sessions.absolute_ms);
        let tid = tenant.id;
        self.db.write(tx!(|c| { store::insert_session(c, tid, user_id, &th, &cs, now, now + ttl).await })).await?;
        let actor = self.session(&token).await?.actor;
        Ok(NewSession { token, csrf, actor })
    }

    /// How long a session cookie may be kept, in seconds (its absolute lifetime).
    pub fn session_max_age_secs(&self) -> i64 {
        self.sessions.absolute_ms / 1000
    }

    /// The actor, CSRF token and time zone behind a session cookie, if the session is
    /// neither past its lifetime nor idle too long. Its last request is written down at
    /// most once a minute.
    pub async fn session(&self, token: &str) -> Result<store::LiveSession> {
        let (now, th) = (self.now(), hash_secret(token));
        let live = {
            let mut c = self.db.read().await?;
            store::session(&mut c, &th, now, now - self.sessions.idle_ms).await?.ok_or(AppError::Unauthenticated)?
        };
        if now - live.last_seen_at >= TOUCH_EVERY_MS {
            self.db.write(tx!(|c| { store::touch_session(c, &th, now).await })).await?;
        }
        Ok(live)
    }

    pub async fn logout(&self, token: &str) -> Result<()> {
        let th = hash_secret(token);
        Ok(self.db.write(tx!(|c| { store::delete_session(c, &th).await })).await?)
    }

    /// The actor behind an API token that is neither revoked nor expired. Its last use
    /// is recorded at most every few minutes, so most requests only read.
    pub async fn authenticate_token(&self, token: &str) -> Result<Actor> {
        let now = self.now();
        let used = {
            let mut c = self.db.read().await?;
            store::token(&mut c, &hash_secret(token), now).await?.ok_or(AppError::Unauthenticated)?
        };
        if used.last_used_at.is_none_or(|at| now - at >= TOKEN_USE_PRECISION_MS) {
            let (t, id) = (used.actor.tenant_id, used.id);
            self.db.write(tx!(|c| { cairn_store::platform::account::touch_token(c, t, id, now).await })).await?;
        }
        Ok(used.actor)
    }

    /// Issues an API token for `username` in `tenant` (the operator's `cairn admin
    /// create-token`); returns the secret, shown once.
    pub async fn create_token(&self, tenant: &str, username: &str, name: &str) -> Result<String> {
        let tenant = self.tenant_by_slug(tenant).await?;
        let (now, username, name) = (self.now(), username.to_string(), name.to_string());
        self.db
            .write(tx!(|c| {
                let user = directory::user_by_name(c, tenant.id, &username)
                    .await?
                    .filter(|u| !u.disabled)
                    .ok_or_else(|| AppError::NotFound(format!("user '{username}'")))?;
                let t = issue_token(c, tenant.id, user.id, None, &name, None, now).await?;
                Ok::<_, AppError>(t.secret)
            }))
            .await
    }
}

impl App {
    /// Checks a signed-in person's own password before a change to their account.
    /// Wrong guesses are throttled like failed sign-ins of the account, so the form
    /// cannot be used to guess the password behind a session someone left open.
    pub(crate) async fn confirm_own_password(&self, actor: &Actor, password: &str, field: &'static str) -> Result<()> {
        let now = self.now();
        let keys = [(format!("confirm:{}:{}", actor.tenant_id.0, actor.user_id.0), throttle::CONFIRM)];
        let attempt = self.throttle.reserve(&keys, now)?;
        let found = {
            let mut c = self.db.read().await?;
            directory::password_hash(&mut c, actor.tenant_id, &actor.username).await?
        };
        let hash = found.map(|(_, h)| h).unwrap_or_else(|| DUMMY_HASH.to_string());
        if !self.verify_password(password, &hash).await? {
            attempt.failed();
            return Err(AppError::invalid(field, "is not your current password"));
        }
        attempt.succeeded();
        Ok(())
    }
}

/// How often a token's "last used" is brought up to date, at most.
const TOKEN_USE_PRECISION_MS: i64 = 5 * 60_000;
