//! Routing rules and automatic assignment.

pub mod routing;
