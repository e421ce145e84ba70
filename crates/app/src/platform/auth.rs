//! Sign-in, sessions, API tokens and password hashing.
//!
//! Passwords are hashed with Argon2id. Session and API tokens are 256-bit random
//! secrets; only their SHA-256 is stored. Failed sign-ins are throttled per
//! (tenant, username) and per client address. A disabled user has no sessions or tokens;
//! a token may carry an expiry, after which it is refused.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use cairn_domain::ids::{TenantId, UserId};
use cairn_domain::platform::access::Actor;
use cairn_store::Conn;
use cairn_store::{platform::auth as store, platform::directory, platform::journal};
use sha2::{Digest, Sha256};

use crate::{App, AppError, Result};

pub fn random_secret() -> Result<String> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| AppError::Internal(format!("hash: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Refuses a password the policy does not accept (see [`super::password`]).
pub fn check_password_rules(password: &str) -> Result<()> {
    super::password::check(password, &[])
}

/// Failed sign-ins allowed within the window per account, and per client address
/// (higher: an office behind one address has many people who mistype).
const MAX_FAILURES_PER_USER: u32 = 5;
const MAX_FAILURES_PER_ADDRESS: u32 = 50;
const WINDOW_MS: i64 = 15 * 60_000;

/// Failed sign-ins per key within a sliding window.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, i64)>>,
}

impl Throttle {
    /// Refuses when any key has reached its limit of failures.
    fn check(&self, keys: &[(String, u32)], now: i64) -> Result<()> {
        let map = self.failures.lock().map_err(|_| AppError::Internal("throttle lock".into()))?;
        for (k, limit) in keys {
            if let Some((n, since)) = map.get(k)
                && *n >= *limit
                && now - since < WINDOW_MS
            {
                return Err(AppError::Throttled { retry_after_secs: ((WINDOW_MS - (now - since)) / 1000).max(1) as u64 });
            }
        }
        Ok(())
    }

    fn failed(&self, keys: &[(String, u32)], now: i64) {
        let Ok(mut map) = self.failures.lock() else { return };
        for (k, _) in keys {
            let e = map.entry(k.clone()).or_insert((0, now));
            if now - e.1 >= WINDOW_MS {
                *e = (0, now);
            }
            e.0 += 1;
        }
        if map.len() > 100_000 {
            map.retain(|_, (_, since)| now - *since < WINDOW_MS);
        }
    }

    fn forget(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(key);
        }
    }
}

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
        let user_key = format!("u:{tenant}:{}", username.to_lowercase());
        let keys = [(user_key.clone(), MAX_FAILURES_PER_USER), (format!("ip:{client}"), MAX_FAILURES_PER_ADDRESS)];
        self.throttle.check(&keys, now)?;
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
        let password = password.to_string();
        let hash_owned = hash.to_string();
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash_owned))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            && found.is_some();
        if ok {
            // The address keeps its count: one good account must not reset it.
            self.throttle.forget(&user_key);
        } else {
            self.throttle.failed(&keys, now);
        }
        let (Ok(tenant), Some((user_id, _)), true) = (tenant, found, ok) else {
            return Err(AppError::Unauthenticated);
        };
        let token = random_secret()?;
        let csrf = random_secret()?;
        let (th, cs, ttl) = (hash_secret(&token), csrf.clone(), self.session_ttl_ms);
        let tid = tenant.id;
        self.db.write(move |c| Box::pin(async move { store::insert_session(c, tid, user_id, &th, &cs, now, now + ttl).await })).await?;
        let actor = self.session(&token).await?.0;
        Ok(NewSession { token, csrf, actor })
    }

    /// The actor and CSRF token behind a session cookie.
    pub async fn session(&self, token: &str) -> Result<(Actor, String)> {
        let mut c = self.db.read().await?;
        store::session(&mut c, &hash_secret(token), self.now()).await?.ok_or(AppError::Unauthenticated)
    }

    pub async fn logout(&self, token: &str) -> Result<()> {
        let th = hash_secret(token);
        Ok(self.db.write(move |c| Box::pin(async move { store::delete_session(c, &th).await })).await?)
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
            self.db.write(move |c| Box::pin(async move { cairn_store::platform::account::touch_token(c, t, id, now).await })).await?;
        }
        Ok(used.actor)
    }

    /// Issues an API token for `username` in `tenant` (the operator's `cairn admin
    /// create-token`); returns the secret, shown once.
    pub async fn create_token(&self, tenant: &str, username: &str, name: &str) -> Result<String> {
        let tenant = self.tenant_by_slug(tenant).await?;
        let (now, username, name) = (self.now(), username.to_string(), name.to_string());
        self.db
            .write(move |c| {
                Box::pin(async move {
                    let user = directory::user_by_name(c, tenant.id, &username)
                        .await?
                        .filter(|u| !u.disabled)
                        .ok_or_else(|| AppError::NotFound(format!("user '{username}'")))?;
                    let t = issue_token(c, tenant.id, user.id, None, &name, None, now).await?;
                    Ok::<_, AppError>(t.secret)
                })
            })
            .await
    }
}

impl App {
    /// Checks a signed-in person's own password before a change to their account.
    /// Wrong guesses are throttled like failed sign-ins of the account, so the form
    /// cannot be used to guess the password behind a session someone left open.
    pub(crate) async fn confirm_own_password(&self, actor: &Actor, password: &str, field: &'static str) -> Result<()> {
        let now = self.now();
        let keys = [(format!("confirm:{}:{}", actor.tenant_id.0, actor.user_id.0), MAX_FAILURES_PER_USER)];
        self.throttle.check(&keys, now)?;
        let found = {
            let mut c = self.db.read().await?;
            directory::password_hash(&mut c, actor.tenant_id, &actor.username).await?
        };
        let hash = found.map(|(_, h)| h).unwrap_or_else(|| DUMMY_HASH.to_string());
        let password = password.to_string();
        let ok =
            tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.map_err(|e| AppError::Internal(e.to_string()))?;
        if !ok {
            self.throttle.failed(&keys, now);
            return Err(AppError::invalid(field, "is not your current password"));
        }
        Ok(())
    }
}

/// How often a token's "last used" is brought up to date, at most.
const TOKEN_USE_PRECISION_MS: i64 = 5 * 60_000;

/// An Argon2id hash of a random string nobody knows.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0Sb0r1ycEUPFeQJbq9CNlYhP2hYkRUr0CeC6p9oKyGQ";

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(user: &str, addr: &str) -> [(String, u32); 2] {
        [(format!("u:{user}"), MAX_FAILURES_PER_USER), (format!("ip:{addr}"), MAX_FAILURES_PER_ADDRESS)]
    }

    #[test]
    fn an_account_locks_after_its_limit_and_unlocks_after_the_window() {
        let t = Throttle::default();
        for _ in 0..MAX_FAILURES_PER_USER {
            assert!(t.check(&keys("alice", "10.0.0.1"), 0).is_ok());
            t.failed(&keys("alice", "10.0.0.1"), 0);
        }
        assert!(matches!(t.check(&keys("alice", "10.0.0.2"), 1_000), Err(AppError::Throttled { retry_after_secs: 899 })));
        assert!(t.check(&keys("bob", "10.0.0.1"), 1_000).is_ok(), "others at the same address still sign in");
        assert!(t.check(&keys("alice", "10.0.0.2"), WINDOW_MS).is_ok());
    }

    #[test]
    fn an_address_locks_after_many_accounts_fail_and_success_does_not_reset_it() {
        let t = Throttle::default();
        for i in 0..MAX_FAILURES_PER_ADDRESS {
            t.failed(&keys(&format!("user{i}"), "10.0.0.9"), 0);
            t.forget("u:someone-valid");
        }
        assert!(matches!(t.check(&keys("newcomer", "10.0.0.9"), 0), Err(AppError::Throttled { .. })));
        assert!(t.check(&keys("newcomer", "10.0.0.8"), 0).is_ok());
    }
}
