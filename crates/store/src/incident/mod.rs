//! Incident work beyond the ticket core: major incidents, escalation, outages, reviews.

pub mod outages;
pub mod reviews;
