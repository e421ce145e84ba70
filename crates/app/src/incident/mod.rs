//! Incident work beyond the ticket core: major incidents, escalation, outages, reviews.

pub mod escalation;
pub(crate) mod major;
pub mod outages;
