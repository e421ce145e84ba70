//! The journal is append-only and hash-chained per tenant: each event's hash covers
//! its content and the previous event's hash, so an edited, removed or reordered
//! event breaks the chain at that point and `cairn audit verify` can name it.

use sha2::{Digest, Sha256};

/// The hash before a tenant's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event as recorded; `seq` is dense per tenant, starting at 1.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    pub tenant_id: i64,
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub field: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

pub fn hash(prev_hash: &str, e: &Event) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    // serde_json of a struct with fixed field order is a stable canonical form.
    h.update(serde_json::to_vec(e).unwrap_or_default());
    hex::encode(h.finalize())
}

/// What verification found wrong first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainFault {
    /// The event with this sequence number is absent.
    Missing { seq: i64 },
    /// The event's stored hash does not match its content and predecessor.
    Tampered { seq: i64 },
}

/// Walks events in sequence order, carrying the running hash.
pub struct Verifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier { expected_seq: 1, prev_hash: GENESIS.to_string() }
    }
}

impl Verifier {
    pub fn check(&mut self, event: &Event, stored_prev: &str, stored_hash: &str) -> Result<(), ChainFault> {
        if event.seq != self.expected_seq {
            return Err(ChainFault::Missing { seq: self.expected_seq });
        }
        if stored_prev != self.prev_hash || hash(&self.prev_hash, event) != stored_hash {
            return Err(ChainFault::Tampered { seq: event.seq });
        }
        self.expected_seq += 1;
        self.prev_hash = stored_hash.to_string();
        Ok(())
    }

    /// Checks the chain ends where the tenant's head says it does.
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<(), ChainFault> {
        if self.expected_seq - 1 < head_seq {
            return Err(ChainFault::Missing { seq: self.expected_seq });
        }
        if self.prev_hash != head_hash {
            return Err(ChainFault::Tampered { seq: self.expected_seq - 1 });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(seq: i64, new: &str) -> Event {
        Event {
            tenant_id: 1,
            seq,
            at: 1000 + seq,
            actor_id: Some(1),
            entity: "ticket".into(),
            entity_id: 1,
            action: "updated".into(),
            field: Some("title".into()),
            old: None,
            new: Some(new.into()),
        }
    }

    fn chain(n: i64) -> Vec<(Event, String, String)> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|s| {
                let e = ev(s, &format!("v{s}"));
                let h = hash(&prev, &e);
                let row = (e, prev.clone(), h.clone());
                prev = h;
                row
            })
            .collect()
    }

    fn verify(rows: &[(Event, String, String)]) -> Result<(), ChainFault> {
        let mut v = Verifier::default();
        for (e, p, h) in rows {
            v.check(e, p, h)?;
        }
        Ok(())
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(()));
    }

    #[test]
    fn edited_event_is_named() {
        let mut rows = chain(5);
        rows[2].0.new = Some("forged".into());
        assert_eq!(verify(&rows), Err(ChainFault::Tampered { seq: 3 }));
    }

    #[test]
    fn removed_event_is_named() {
        let mut rows = chain(5);
        rows.remove(3);
        assert_eq!(verify(&rows), Err(ChainFault::Missing { seq: 4 }));
    }

    #[test]
    fn truncated_tail_is_caught_by_head() {
        let rows = chain(5);
        let mut v = Verifier::default();
        for (e, p, h) in &rows[..4] {
            v.check(e, p, h).unwrap();
        }
        assert_eq!(v.finish(5, &rows[4].2), Err(ChainFault::Missing { seq: 5 }));
    }
}
