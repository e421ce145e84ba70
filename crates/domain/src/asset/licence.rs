//! Software licences: how a product is licensed, what is owned (entitlements), what is
//! used (installations on devices, assignments to people), and whether the two agree.

use super::money::Money;

code_enum!(
    /// What one licence of a product covers.
    LicenceModel {
        PerUser => "per_user", "Per user";
        PerDevice => "per_device", "Per device";
        PerCore => "per_core", "Per processor core";
        Site => "site", "Site";
        Concurrent => "concurrent", "Concurrent users";
        Subscription => "subscription", "Subscription (per seat)";
    }
);

/// What a product's use adds up to: devices it is installed on, people assigned it,
/// and cores (each device's largest count).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub devices: i64,
    pub users: i64,
    pub cores: i64,
}

/// A product's compliance: licences owned and used, and what is left over or missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compliance {
    pub entitled: i64,
    pub consumed: i64,
    /// Owned but unused (0 when short).
    pub surplus: i64,
    /// Used but not owned (0 when covered).
    pub shortfall: i64,
    /// The shortfall at the unit price of the latest entitlement.
    pub shortfall_cost: Money,
}

impl LicenceModel {
    /// The licences `usage` consumes under this model. A site licence is one licence
    /// for the site, consumed once anything is installed.
    pub fn consumed(self, usage: Usage) -> i64 {
        match self {
            LicenceModel::PerDevice => usage.devices,
            LicenceModel::PerCore => usage.cores,
            LicenceModel::PerUser | LicenceModel::Concurrent | LicenceModel::Subscription => usage.users,
            LicenceModel::Site => i64::from(usage.devices > 0 || usage.users > 0),
        }
    }
}

/// Compares what is owned with what is used.
pub fn compliance(model: LicenceModel, entitled: i64, unit_price: Money, usage: Usage) -> Compliance {
    let consumed = model.consumed(usage);
    let shortfall = (consumed - entitled).max(0);
    Compliance {
        entitled,
        consumed,
        surplus: (entitled - consumed).max(0),
        shortfall,
        shortfall_cost: Money(unit_price.0.saturating_mul(shortfall)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_model_counts_its_own_unit() {
        let u = Usage { devices: 12, users: 9, cores: 96 };
        assert_eq!(LicenceModel::PerDevice.consumed(u), 12);
        assert_eq!(LicenceModel::PerUser.consumed(u), 9);
        assert_eq!(LicenceModel::PerCore.consumed(u), 96);
        assert_eq!(LicenceModel::Site.consumed(u), 1);
        assert_eq!(LicenceModel::Site.consumed(Usage::default()), 0);
    }

    #[test]
    fn a_shortfall_is_priced_and_a_surplus_is_not() {
        let short = compliance(LicenceModel::PerDevice, 10, Money(25_000), Usage { devices: 13, ..Usage::default() });
        assert_eq!((short.shortfall, short.surplus, short.shortfall_cost), (3, 0, Money(75_000)));
        let spare = compliance(LicenceModel::PerUser, 10, Money(25_000), Usage { users: 4, ..Usage::default() });
        assert_eq!((spare.shortfall, spare.surplus, spare.shortfall_cost), (0, 6, Money::ZERO));
    }
}
