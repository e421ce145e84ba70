//! Service requests: the catalog, approvals and fulfilment.

pub mod approvals;
pub mod catalog;
