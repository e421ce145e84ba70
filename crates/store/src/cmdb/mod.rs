//! The CMDB's tables: classes and their attributes, CIs with their key values,
//! relations, and the CIs tickets affect.

pub mod cis;
pub mod classes;
pub mod relations;
pub mod ticket_cis;
