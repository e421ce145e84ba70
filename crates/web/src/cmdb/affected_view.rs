//! An affected CI as the ticket page shows it: with the services it is used by.

/// An affected CI as the ticket page shows it.
pub(crate) struct AffectedView {
    pub number: String,
    pub name: String,
    pub class: String,
    /// "CI0000007 Payroll (critical)", most critical first.
    pub services: Vec<String>,
    pub critical: usize,
    /// The contracts in force today covering it: "Support: Server care (Acme) until 2027-03-31".
    pub contracts: Vec<String>,
}

impl AffectedView {
    pub fn of(a: cairn_app::cmdb::affected::AffectedCi, cover: &[(String, cairn_store::asset::contracts::ContractRow)]) -> AffectedView {
        let contracts = cover
            .iter()
            .filter(|(n, _)| *n == a.number)
            .map(|(_, k)| {
                let k = &k.contract;
                let vendor = k.vendor.as_deref().map(|v| format!(" ({v})")).unwrap_or_default();
                format!("{}: {}{vendor} until {}", k.kind.label(), k.name, k.ends_on)
            })
            .collect();
        let critical = a.services.iter().filter(|s| s.2 == cairn_domain::cmdb::Criticality::Critical).count();
        AffectedView {
            number: a.number,
            name: a.name,
            class: a.class.replace('_', " "),
            services: a.services.into_iter().map(|(n, name, c)| format!("{n} {name} ({})", c.label().to_lowercase())).collect(),
            critical,
            contracts,
        }
    }
}

/// The impact the affected CIs suggest, as the panel's button says it, when it is
/// higher than the ticket's: ("High", why).
pub(crate) fn suggestion(cis: &[cairn_app::cmdb::affected::AffectedCi], impact: i64) -> Option<(String, String)> {
    let (level, why) = cairn_app::cmdb::affected::suggested_impact(cis)?;
    (level < impact).then(|| (if level == 1 { "High" } else { "Medium" }.to_string(), why))
}
