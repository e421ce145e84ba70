//! The CMDB's tables: classes and their attributes, CIs with their key values,
//! relations and the graph's version, the CIs tickets affect, the ranking of import sources and the imports.

pub mod cis;
pub mod classes;
pub mod graph;
pub mod imports;
pub mod quality;
pub mod relations;
pub mod sources;
pub mod ticket_cis;
