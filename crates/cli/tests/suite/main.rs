//! The binary's end-to-end tests in one test binary: the real `cairn` process in a browser,
//! after kill -9, with two servers on one PostgreSQL, `cmdb import`, and the module layout check.

#![allow(clippy::unwrap_used)]

mod common;

mod browser;
mod browser_assets;
mod browser_bulk;
mod browser_desk_help;
mod browser_people;
mod browser_workspace;
mod cmdb_import;
mod crash;
mod layout;
mod shared_postgres;
