//! Problem management: problems, known errors, recurring-incident detection.

pub mod candidates;
pub mod known_errors;
