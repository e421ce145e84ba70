//! Cairn's ITSM rules, free of IO: no database, no network, no clock reads.
//! Time is passed in as epoch milliseconds; storage and HTTP live in other crates.

pub mod automation;
pub mod cmdb;
pub mod error;
pub mod ids;
pub mod knowledge;
pub mod platform;
pub mod problem;
pub mod request;
pub mod sla;
pub mod ticket;

pub use error::DomainError;
