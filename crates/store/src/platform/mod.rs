//! What every practice shares: tenants and people, sign-in, the journal, jobs, mail, live updates.

pub mod account;
pub mod auth;
pub mod directory;
pub mod jobs;
pub mod journal;
pub mod live;
pub mod notifications;
pub mod tenants;
