//! Persistence for SQLite and PostgreSQL behind use-case-shaped functions.
//!
//! One query layer (`sqlx::Any`) serves both databases: SQL that is the same on both is
//! written once, and only what really differs (full-text search, job claiming) lives in
//! [`engine::dialect`]. Ticket queries take a [`cairn_domain::platform::access::Scope`], so the tenant and
//! requester restrictions are part of every query by construction.
//!
//! Every table has a `tenant_id`, and every function takes its tenant (or scope) first,
//! right after the connection (and the backend, where the SQL depends on it); each query
//! names that tenant. The few that cannot have one say why: a lookup by a secret (session,
//! API token, survey or approval link), where the row tells the tenant, and the work of
//! the whole installation (the job worker, first-run checks, the list of tenants).

pub mod asset;
pub mod automation;
pub mod cmdb;
pub mod engine;
mod error;
pub mod incident;
pub mod knowledge;
pub mod platform;
pub mod problem;
pub mod report;
pub mod request;
pub mod search;
pub mod sla;
#[cfg(feature = "testing")]
pub mod testing;
pub mod ticket;

pub use engine::backend::Backend;
pub use engine::db::Db;
pub use error::StoreError;

/// The connection a use case runs its statements on, inside its transaction.
pub type Conn = sqlx::AnyConnection;

pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// A use case's body as [`Db::write`] runs it: `db.write(tx!(|c| { … })).await` runs the
/// block in one transaction, with `c` its connection; what the block uses is moved in.
/// (A plain async closure cannot promise the writer task a `Send` future yet.)
#[macro_export]
macro_rules! tx {
    (|$c:ident| $body:block) => {
        move |$c: &mut $crate::Conn| -> $crate::BoxFuture<'_, _> { Box::pin(async move $body) }
    };
}

/// SQL made of two constant parts. sqlx takes only `'static` or vouched-for SQL; this
/// joins constants only, never input.
pub(crate) fn joined(a: &'static str, b: &'static str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(format!("{a}{b}"))
}
