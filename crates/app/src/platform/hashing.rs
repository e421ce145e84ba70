//! Password hashing, bounded. Argon2id takes 19 MiB and a core for each hash; left
//! unbounded, a few hundred sign-in attempts at once take gigabytes. Every hash and
//! every verification goes through [`Hasher`]: at most one per core at a time; a caller
//! that cannot get a turn within [`WAIT`] is told the server is busy (`AppError::Busy`,
//! HTTP 503 with `Retry-After`) instead of queueing without end. The turn is held by
//! the hashing thread itself, so a request that goes away does not free it early.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use tokio::sync::Semaphore;

use crate::{App, AppError, Result};

/// How long a caller waits for a turn before being told to come back.
const WAIT: Duration = Duration::from_secs(2);
/// What a busy answer asks the client to wait, in seconds.
const RETRY_AFTER_SECS: u64 = 2;

/// An Argon2id hash of a random string nobody knows: verified against when the user is
/// unknown, so the time taken does not tell whether they exist.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0Sb0r1ycEUPFeQJbq9CNlYhP2hYkRUr0CeC6p9oKyGQ";

/// How much hashing has been done: `peak` is the most hashes that ever ran at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashingStats {
    pub limit: usize,
    pub peak: usize,
    pub runs: u64,
}

pub(crate) struct Hasher {
    turns: Arc<Semaphore>,
    limit: usize,
    running: AtomicUsize,
    peak: AtomicUsize,
    runs: AtomicU64,
}

impl Hasher {
    /// One turn per core.
    pub(crate) fn per_core() -> Hasher {
        Hasher::new(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
    }

    pub(crate) fn new(limit: usize) -> Hasher {
        let limit = limit.max(1);
        Hasher {
            turns: Arc::new(Semaphore::new(limit)),
            limit,
            running: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            runs: AtomicU64::new(0),
        }
    }

    /// Runs `work` on a blocking thread once a turn is free.
    async fn run<T: Send + 'static>(self: &Arc<Self>, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let turn = tokio::time::timeout(WAIT, self.turns.clone().acquire_owned())
            .await
            .map_err(|_| AppError::Busy { retry_after_secs: RETRY_AFTER_SECS })?
            .map_err(|_| AppError::Internal("hashing closed".into()))?;
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let now_running = me.running.fetch_add(1, Ordering::SeqCst) + 1;
            me.peak.fetch_max(now_running, Ordering::SeqCst);
            me.runs.fetch_add(1, Ordering::SeqCst);
            let out = work();
            me.running.fetch_sub(1, Ordering::SeqCst);
            out
        })
        .await
        .map_err(|e| AppError::Internal(format!("hashing: {e}")))
    }

    fn stats(&self) -> HashingStats {
        HashingStats { limit: self.limit, peak: self.peak.load(Ordering::SeqCst), runs: self.runs.load(Ordering::SeqCst) }
    }
}

fn hash_now(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| AppError::Internal(format!("hash: {e}")))
}

fn verify_now(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

impl App {
    /// The Argon2id hash of a new password, in turn with every other hash.
    pub async fn hash_password(&self, password: &str) -> Result<String> {
        let p = password.to_string();
        self.hasher.run(move || hash_now(&p)).await?
    }

    /// Whether `password` matches `hash`, in turn with every other hash.
    pub(crate) async fn verify_password(&self, password: &str, hash: &str) -> Result<bool> {
        let (p, h) = (password.to_string(), hash.to_string());
        self.hasher.run(move || verify_now(&p, &h)).await
    }

    /// How many hashes may run at once, and how many have (for tests and monitoring).
    pub fn hashing_stats(&self) -> HashingStats {
        self.hasher.stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dummy_hash_parses_and_matches_no_common_password() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_now("", DUMMY_HASH));
        assert!(!verify_now("password", DUMMY_HASH));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_than_the_limit_run_at_once_and_the_excess_is_told_to_wait() {
        let h = Arc::new(Hasher::new(2));
        let calls: Vec<_> = (0..16)
            .map(|_| {
                let h = h.clone();
                tokio::spawn(async move { h.run(|| std::thread::sleep(Duration::from_millis(300))).await })
            })
            .collect();
        let mut busy = 0;
        for c in calls {
            match c.await.expect("join") {
                Ok(()) => {}
                Err(AppError::Busy { retry_after_secs }) => {
                    assert!(retry_after_secs > 0);
                    busy += 1;
                }
                Err(e) => panic!("{e}"),
            }
        }
        let s = h.stats();
        assert!(s.peak <= 2, "{s:?}");
        assert!(busy > 0, "16 × 300 ms on 2 turns cannot all be done within 2 s");
        assert_eq!(s.runs, 16 - busy);
    }
}
