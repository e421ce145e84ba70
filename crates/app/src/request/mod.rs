//! Service requests: the catalog, approvals and fulfilment.

pub mod catalog;
pub mod fulfilment;
