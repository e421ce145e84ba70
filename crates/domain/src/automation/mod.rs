//! Routing rules and automatic assignment.

pub mod assignment;
pub mod routing;
