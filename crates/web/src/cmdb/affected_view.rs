//! An affected CI as the ticket page shows it: with the services it is used by.

/// An affected CI as the ticket page shows it.
pub(crate) struct AffectedView {
    pub number: String,
    pub name: String,
    pub class: String,
    /// "CI0000007 Payroll (critical)", most critical first.
    pub services: Vec<String>,
    pub critical: usize,
}

impl AffectedView {
    pub fn of(a: cairn_app::cmdb::affected::AffectedCi) -> AffectedView {
        let critical = a.services.iter().filter(|s| s.2 == cairn_domain::cmdb::Criticality::Critical).count();
        AffectedView {
            number: a.number,
            name: a.name,
            class: a.class.replace('_', " "),
            services: a.services.into_iter().map(|(n, name, c)| format!("{n} {name} ({})", c.label().to_lowercase())).collect(),
            critical,
        }
    }
}
