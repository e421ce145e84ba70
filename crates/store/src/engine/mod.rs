//! The storage engine: connections, the SQLite group-commit writer, dialects, migrations.

pub(crate) mod args;
pub(crate) mod backend;
pub(crate) mod chain;
pub(crate) mod db;
pub(crate) mod deferred;
pub mod dialect;
pub(crate) mod labels;
pub(crate) mod migrate;
pub(crate) mod row;
pub(crate) mod writer;
