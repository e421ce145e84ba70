//! Reports and dashboards.

pub mod dashboard;
mod period;

pub use period::{MAX_DAYS, check_period};
