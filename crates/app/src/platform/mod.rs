//! What every practice shares: tenants and people, sign-in, the journal, jobs, mail, live updates.

pub mod account;
pub mod admin;
pub mod audit;
pub mod auth;
pub(crate) mod clock;
pub(crate) mod directory;
pub mod hashing;
pub mod live;
pub mod mail;
pub mod notify;
pub mod password;
pub mod people;
pub mod throttle;
pub mod worker;
pub mod zone;
