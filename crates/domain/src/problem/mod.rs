//! Problem management: problems, known errors, recurring-incident detection.

pub mod recurring;
pub mod similarity;
