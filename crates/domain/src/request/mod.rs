//! Service requests: the catalog, approvals and fulfilment.

pub mod approval;
pub mod catalog;
pub mod fulfilment;
