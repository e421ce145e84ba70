//! Persistence for SQLite and PostgreSQL behind use-case-shaped functions.
//!
//! One query layer (`sqlx::Any`) serves both databases: SQL that is the same on both is
//! written once, and only what really differs (full-text search, job claiming) lives in
//! [`dialect`]. Ticket queries take a [`cairn_domain::access::Scope`], so the tenant and
//! requester restrictions are part of every query by construction.

pub mod approvals;
mod args;
pub mod auth;
pub mod candidates;
pub mod canned;
pub mod catalog;
pub mod dashboard;
mod db;
mod deferred;
pub mod dialect;
pub mod directory;
mod error;
pub mod jobs;
pub mod journal;
pub mod knowledge;
pub mod known_errors;
pub mod live;
mod migrate;
pub mod notifications;
pub mod outages;
pub mod reviews;
pub mod routing;
mod row;
pub mod saved_views;
pub mod sla;
pub mod surveys;
pub mod tenants;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tickets;
pub mod watchers;
mod writer;

pub use db::{Backend, Db};
pub use error::StoreError;

/// The connection a use case runs its statements on, inside its transaction.
pub type Conn = sqlx::AnyConnection;

pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// SQL made of two constant parts. sqlx takes only `'static` or vouched-for SQL; this
/// joins constants only, never input.
pub(crate) fn joined(a: &'static str, b: &'static str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(format!("{a}{b}"))
}
