//! Cairn's ITSM rules, free of IO: no database, no network, no clock reads.
//! Time is passed in as epoch milliseconds; storage and HTTP live in other crates.

pub mod access;
pub mod approval;
pub mod assignment;
pub mod canned;
pub mod catalog;
pub mod error;
pub mod fulfilment;
pub mod ids;
pub mod journal;
pub mod knowledge;
pub mod priority;
pub mod recurring;
pub mod routing;
pub mod similarity;
pub mod sla;
pub mod status;
pub mod survey;
pub mod ticket;

pub use error::DomainError;
