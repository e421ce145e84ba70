//! What every practice shares: tenants and people, sign-in, the journal, jobs, mail, live updates.

pub mod access;
pub mod journal;
pub mod news;
pub mod visibility;
