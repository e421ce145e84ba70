//! Sign-in throttling by exponential back-off, never by lockout.
//!
//! Two keys are counted for every password attempt: the (tenant, account, address)
//! *pair*, and the *address* alone. Each key has a free allowance of failures; past it,
//! the key must wait a delay that doubles with every further failure, up to a cap. The
//! right password from another address is not held up by someone else's failures on
//! the same account (they count on their own pair), and an address shared by many
//! people (an office behind NAT) has a much higher allowance and a short cap: it is
//! slowed, never shut out. API tokens never pass through here.
//!
//! An attempt is *reserved* before the password is hashed: under one lock every key is
//! checked and, if all may go, counted as a failure at once. Parallel attempts
//! therefore see each other, and no more than the allowance are ever verified. A
//! success gives the reservation back (and forgets the pair); an attempt that was not
//! decided (the server was busy, the request went away) gives it back as well.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use crate::{AppError, Result};

/// How a key is slowed: `free` failures cost nothing, the next waits `first_ms`, each
/// further failure doubles the wait, which never exceeds `cap_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub free: u32,
    pub first_ms: i64,
    pub cap_ms: i64,
}

impl Backoff {
    /// How long after its last failure a key with `failures` must wait.
    pub fn delay_ms(&self, failures: u32) -> i64 {
        if failures < self.free {
            return 0;
        }
        let doublings = (failures - self.free).min(40);
        self.first_ms.saturating_mul(1i64 << doublings).min(self.cap_ms)
    }
}

/// One account from one address: three tries, then 1 s, 2 s, 4 s … up to 15 minutes.
pub const PAIR: Backoff = Backoff { free: 3, first_ms: 1_000, cap_ms: 15 * 60_000 };
/// One address, whatever the accounts: fifty failures, then 1 s, 2 s … up to 5 minutes.
pub const ADDRESS: Backoff = Backoff { free: 50, first_ms: 1_000, cap_ms: 5 * 60_000 };
/// Confirming one's own password (before an account change): five tries, then a
/// minute, doubling up to 15 minutes.
pub const CONFIRM: Backoff = Backoff { free: 5, first_ms: 60_000, cap_ms: 15 * 60_000 };
/// A key quiet this long (longer than every cap) starts again from nothing.
const FORGET_AFTER_MS: i64 = 60 * 60_000;
/// Above this many keys, the quiet ones are dropped (amortised: the next sweep waits
/// until the map has doubled).
const SWEEP_ABOVE: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Count {
    failures: u32,
    last_at: i64,
}

#[derive(Default)]
struct State {
    counts: HashMap<String, Count>,
    sweep_at: usize,
}

/// Failed sign-ins per key.
#[derive(Default)]
pub struct Throttle {
    state: Mutex<State>,
}

/// The two keys of a sign-in attempt. IPv6 addresses count by their /64, which one
/// client usually holds whole.
pub(crate) fn keys(tenant: &str, username: &str, client: &str) -> [(String, Backoff); 2] {
    let address = match client.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(IpAddr::V6(v6)) => v6.to_ipv4_mapped().map(|v4| v4.to_string()).unwrap_or_default(),
        _ => client.to_string(),
    };
    [(format!("u:{tenant}:{}@{address}", username.to_lowercase()), PAIR), (format!("ip:{address}"), ADDRESS)]
}

/// An attempt counted in advance. Dropped without a verdict, it is given back.
#[must_use]
pub(crate) struct Reservation<'a> {
    throttle: &'a Throttle,
    keys: Vec<String>,
    settled: bool,
}

impl Reservation<'_> {
    /// The password was wrong: the attempt stays counted.
    pub(crate) fn failed(mut self) {
        self.settled = true;
    }

    /// The password was right: the pair starts again; the address gets its count back
    /// but keeps the failures of others (one good account must not clear them).
    pub(crate) fn succeeded(mut self) {
        self.settled = true;
        self.throttle.give_back(&self.keys, true);
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.throttle.give_back(&self.keys, false);
        }
    }
}

impl Throttle {
    /// Counts an attempt on every key, or refuses it (counting nothing) when a key is
    /// still waiting out its back-off.
    pub(crate) fn reserve(&self, keys: &[(String, Backoff)], now: i64) -> Result<Reservation<'_>> {
        let mut state = self.state.lock().map_err(|_| AppError::Internal("throttle lock".into()))?;
        let mut wait_ms = 0;
        for (k, rule) in keys {
            if let Some(c) = state.counts.get(k).filter(|c| now - c.last_at < FORGET_AFTER_MS) {
                wait_ms = wait_ms.max(c.last_at + rule.delay_ms(c.failures) - now);
            }
        }
        if wait_ms > 0 {
            return Err(AppError::Throttled { retry_after_secs: (wait_ms as u64).div_ceil(1000) });
        }
        for (k, _) in keys {
            let c = state.counts.entry(k.clone()).or_insert(Count { failures: 0, last_at: now });
            if now - c.last_at >= FORGET_AFTER_MS {
                c.failures = 0;
            }
            c.failures += 1;
            c.last_at = c.last_at.max(now);
        }
        if state.counts.len() > state.sweep_at.max(SWEEP_ABOVE) {
            state.counts.retain(|_, c| now - c.last_at < FORGET_AFTER_MS);
            state.sweep_at = state.counts.len() * 2;
        }
        Ok(Reservation { throttle: self, keys: keys.iter().map(|(k, _)| k.clone()).collect(), settled: false })
    }

    /// Takes back one counted attempt on each key; with `forget_pair`, the pair (the
    /// first key) is forgotten altogether.
    fn give_back(&self, keys: &[String], forget_pair: bool) {
        let Ok(mut state) = self.state.lock() else { return };
        for (i, k) in keys.iter().enumerate() {
            if forget_pair && i == 0 {
                state.counts.remove(k);
            } else if let Some(c) = state.counts.get_mut(k) {
                c.failures = c.failures.saturating_sub(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn attempt(t: &Throttle, user: &str, addr: &str, now: i64) -> Result<()> {
        t.reserve(&keys("default", user, addr), now).map(Reservation::failed)
    }

    #[test]
    fn an_account_is_slowed_more_with_each_failure_and_free_again_after_the_wait() {
        let t = Throttle::default();
        for _ in 0..PAIR.free {
            assert!(attempt(&t, "alice", "10.0.0.1", 0).is_ok());
        }
        assert!(matches!(attempt(&t, "alice", "10.0.0.1", 500), Err(AppError::Throttled { retry_after_secs: 1 })));
        assert!(attempt(&t, "alice", "10.0.0.1", 1_000).is_ok(), "after 1 s the next try is let through");
        assert!(matches!(attempt(&t, "alice", "10.0.0.1", 2_999), Err(AppError::Throttled { retry_after_secs: 1 })));
        assert!(attempt(&t, "alice", "10.0.0.1", 3_000).is_ok(), "then after 2 s");
        assert!(matches!(attempt(&t, "alice", "10.0.0.1", 3_000), Err(AppError::Throttled { retry_after_secs: 4 })));
    }

    #[test]
    fn failures_from_one_address_do_not_hold_up_the_account_elsewhere() {
        let t = Throttle::default();
        for _ in 0..PAIR.free {
            assert!(attempt(&t, "alice", "203.0.113.7", 0).is_ok());
        }
        assert!(attempt(&t, "alice", "203.0.113.7", 0).is_err(), "the attacker's pair waits");
        let r = t.reserve(&keys("default", "Alice", "10.0.0.2"), 0).expect("alice at her desk is let through");
        r.succeeded();
    }

    #[test]
    fn a_busy_office_is_slowed_only_after_many_failures_and_success_gives_back_only_its_own_count() {
        let t = Throttle::default();
        for i in 0..ADDRESS.free {
            assert!(attempt(&t, &format!("user{i}"), "10.0.0.9", 0).is_ok());
            t.reserve(&keys("default", "someone-valid", "10.0.0.9"), 0).map(Reservation::succeeded).ok();
        }
        assert!(matches!(attempt(&t, "newcomer", "10.0.0.9", 0), Err(AppError::Throttled { retry_after_secs: 1 })));
        assert!(attempt(&t, "newcomer", "10.0.0.8", 0).is_ok(), "another address is not touched");
        assert!(attempt(&t, "newcomer", "10.0.0.9", 1_000).is_ok(), "the office is slowed, not locked");
    }

    #[test]
    fn an_undecided_attempt_is_given_back() {
        let t = Throttle::default();
        for _ in 0..10 {
            drop(t.reserve(&keys("default", "alice", "10.0.0.1"), 0).expect("free"));
        }
        assert!(attempt(&t, "alice", "10.0.0.1", 0).is_ok());
    }

    #[test]
    fn a_quiet_key_starts_again() {
        let t = Throttle::default();
        for i in 0..12 {
            let _ = attempt(&t, "alice", "10.0.0.1", i * 20 * 60_000);
        }
        let later = 12 * 20 * 60_000 + FORGET_AFTER_MS;
        for _ in 0..PAIR.free {
            assert!(attempt(&t, "alice", "10.0.0.1", later).is_ok());
        }
    }

    #[test]
    fn ipv6_clients_count_by_their_64_prefix_and_mapped_ipv4_as_ipv4() {
        assert_eq!(keys("d", "a", "2001:db8:1:2:aaaa::1")[1].0, keys("d", "a", "2001:db8:1:2:bbbb::9")[1].0);
        assert_ne!(keys("d", "a", "2001:db8:1:2::1")[1].0, keys("d", "a", "2001:db8:1:3::1")[1].0);
        assert_eq!(keys("d", "a", "::ffff:10.0.0.1")[1].0, "ip:10.0.0.1");
    }

    proptest! {
        #[test]
        fn the_delay_never_shrinks_with_more_failures_and_never_passes_the_cap(
            free in 0u32..100, first in 1i64..10_000, cap in 1i64..10_000_000, n in 0u32..10_000,
        ) {
            let b = Backoff { free, first_ms: first, cap_ms: cap };
            prop_assert!(b.delay_ms(n) <= b.delay_ms(n + 1));
            prop_assert!(b.delay_ms(n) <= cap);
            prop_assert_eq!(b.delay_ms(n) == 0, n < free);
            if n >= free && b.delay_ms(n) < cap {
                prop_assert_eq!(b.delay_ms(n + 1), (b.delay_ms(n) * 2).min(cap));
            }
        }
    }
}
