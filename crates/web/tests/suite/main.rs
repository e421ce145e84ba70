//! The web crate's black-box tests in one binary: a real server on a loopback port, a fresh
//! database per test, most tests run on SQLite and on PostgreSQL. One module per area.

#![allow(clippy::unwrap_used)]

mod authz;
mod common;

mod account;
mod api;
mod approvals;
mod asset_pages;
mod assets;
mod authz_matrix;
mod availability;
mod bulk;
mod canned;
mod catalog;
mod cmdb;
mod cmdb_import;
mod cmdb_quality;
mod connections;
mod contracts;
mod dashboard;
mod desk;
mod inbox;
mod incidents;
mod input_checks;
mod knowledge;
mod licences;
mod live;
mod macros;
mod openapi_contract;
mod people;
mod problems;
mod routing;
mod search_help;
mod signin;
mod sla;
mod stocktakes;
mod surveys;
mod ticket_page;
mod time_zones;
mod ui;
mod ui_knowledge;
mod ui_levels;
mod ui_work;
mod visibility;
mod walkthrough;
