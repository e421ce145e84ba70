//! Reports and dashboards.

pub mod dashboard;
