//! The demo's estate: one office with its server room and meeting rooms, the servers,
//! applications and network the demo's incidents are about, the services they carry
//! and the AV devices of three rooms, related as they are in practice. Made through
//! the use cases, so every CI and relation has its history.

use cairn_domain::platform::access::Actor;

use super::cis::CiInput;
use crate::{App, Result};

/// A CI: class, name, criticality, location (by name), attributes.
type Made = (&'static str, &'static str, &'static str, Option<&'static str>, serde_json::Value);

fn estate() -> Vec<Made> {
    use serde_json::json;
    vec![
        ("site", "Berlin office", "high", None, json!({})),
        ("building", "Building A", "high", Some("Berlin office"), json!({})),
        ("room", "Server room 0.12", "critical", Some("Building A"), json!({})),
        ("room", "Boardroom", "medium", Some("Building A"), json!({})),
        ("room", "Atlas", "medium", Some("Building A"), json!({})),
        ("room", "Orion", "low", Some("Building A"), json!({})),
        (
            "network_device",
            "core-sw-01",
            "critical",
            Some("Server room 0.12"),
            json!({"serial_number": "FDO2231A0KX", "manufacturer": "Cisco", "model": "C9300-48P", "mac_address": "00:1b:54:aa:01:01"}),
        ),
        (
            "network_device",
            "vpn-gw-01",
            "high",
            Some("Server room 0.12"),
            json!({"serial_number": "FGT60F0000123", "manufacturer": "Fortinet", "model": "FortiGate 60F", "mac_address": "00:09:0f:aa:02:02"}),
        ),
        (
            "network_device",
            "wlc-3f",
            "medium",
            Some("Building A"),
            json!({"serial_number": "CNU9K1AP3F", "manufacturer": "Aruba", "model": "AP-515", "mac_address": "00:0b:86:aa:03:03"}),
        ),
        (
            "server",
            "srv-erp-01",
            "high",
            Some("Server room 0.12"),
            json!({"serial_number": "CZ2039ERP1", "hostname": "srv-erp-01", "domain": "corp.example", "manufacturer": "HPE",
                   "model": "ProLiant DL380 Gen10", "operating_system": "SUSE Linux Enterprise 15", "cpu_cores": 32, "memory_gb": 256}),
        ),
        (
            "server",
            "srv-db-01",
            "critical",
            Some("Server room 0.12"),
            json!({"serial_number": "CZ2039DB01", "hostname": "srv-db-01", "domain": "corp.example", "manufacturer": "HPE",
                   "model": "ProLiant DL380 Gen10", "operating_system": "Debian 12", "cpu_cores": 24, "memory_gb": 384}),
        ),
        (
            "server",
            "srv-idp-01",
            "critical",
            Some("Server room 0.12"),
            json!({"serial_number": "CZ2039IDP1", "hostname": "srv-idp-01", "domain": "corp.example", "operating_system": "Debian 12",
                   "virtual": true, "cpu_cores": 4, "memory_gb": 16}),
        ),
        ("database", "erp-db", "critical", None, json!({"engine": "postgresql", "port": 5432})),
        ("application", "ERP", "critical", None, json!({"url": "https://erp.corp.example"})),
        ("application", "Exchange Online", "high", None, json!({"url": "https://outlook.office.com"})),
        ("application", "Identity provider", "critical", None, json!({"url": "https://login.corp.example"})),
        ("business_service", "Finance and invoicing", "critical", None, json!({})),
        ("business_service", "Email and calendar", "high", None, json!({})),
        ("business_service", "Meeting rooms", "medium", None, json!({})),
        ("technical_service", "Remote access", "high", None, json!({})),
        ("technical_service", "Sign-in and MFA", "critical", None, json!({})),
        ("display", "Boardroom display", "medium", Some("Boardroom"), json!({"serial_number": "SAMQM85R01", "manufacturer": "Samsung"})),
        ("codec", "Atlas codec", "medium", Some("Atlas"), json!({"serial_number": "FOC2417ATL", "manufacturer": "Cisco"})),
        (
            "microphone",
            "Atlas ceiling microphone",
            "medium",
            Some("Atlas"),
            json!({"serial_number": "SHMXA910AT", "manufacturer": "Shure"}),
        ),
        ("touch_panel", "Orion room panel", "low", Some("Orion"), json!({"serial_number": "CRTSW770OR", "manufacturer": "Crestron"})),
    ]
}

/// `from type to`, by name.
const RELATIONS: &[(&str, &str, &str)] = &[
    ("srv-erp-01", "connected_to", "core-sw-01"),
    ("srv-db-01", "connected_to", "core-sw-01"),
    ("srv-idp-01", "connected_to", "core-sw-01"),
    ("vpn-gw-01", "connected_to", "core-sw-01"),
    ("wlc-3f", "connected_to", "core-sw-01"),
    ("erp-db", "runs_on", "srv-db-01"),
    ("ERP", "runs_on", "srv-erp-01"),
    ("ERP", "depends_on", "erp-db"),
    ("ERP", "depends_on", "Identity provider"),
    ("Exchange Online", "depends_on", "Identity provider"),
    ("Identity provider", "runs_on", "srv-idp-01"),
    ("Finance and invoicing", "depends_on", "ERP"),
    ("Email and calendar", "depends_on", "Exchange Online"),
    ("Remote access", "depends_on", "vpn-gw-01"),
    ("Sign-in and MFA", "depends_on", "Identity provider"),
    ("Atlas ceiling microphone", "connected_to", "Atlas codec"),
    ("Meeting rooms", "depends_on", "Atlas codec"),
    ("Meeting rooms", "depends_on", "Boardroom display"),
    ("Meeting rooms", "depends_on", "Orion room panel"),
];

/// The CI each kind of demo incident is about: words of its title, and the CI's name.
const ABOUT: &[(&str, &str)] = &[
    ("VPN", "vpn-gw-01"),
    ("Wi-Fi", "wlc-3f"),
    ("wireless", "wlc-3f"),
    ("Outlook", "Exchange Online"),
    ("mailbox", "Exchange Online"),
    ("ERP", "ERP"),
    ("Invoice", "ERP"),
    ("oardroom", "Boardroom display"),
    ("Atlas", "Atlas ceiling microphone"),
    ("panel", "Orion room panel"),
    ("MFA", "Identity provider"),
];

/// The affected CIs of the demo incidents, by the words of their titles.
pub(crate) struct Affects(Vec<(&'static str, String)>);

impl Affects {
    /// The CI numbers an incident titled so is about.
    pub(crate) fn of(&self, title: &str) -> Option<Vec<String>> {
        self.0.iter().find(|(word, _)| title.contains(word)).map(|(_, number)| vec![number.clone()])
    }
}

/// Makes the estate as `by`; returns which CI each kind of demo incident is about.
pub(crate) async fn load(app: &App, by: &Actor) -> Result<Affects> {
    let mut numbers: Vec<(&str, String)> = Vec::new();
    let number_of = |numbers: &[(&str, String)], name: &str| numbers.iter().find(|(n, _)| *n == name).map(|(_, x)| x.clone());
    for (class, name, criticality, location, attributes) in estate() {
        let input = CiInput {
            class: Some(class.into()),
            name: Some(name.into()),
            status: Some("operational".into()),
            criticality: Some(criticality.into()),
            location: location.and_then(|l| number_of(&numbers, l)).map(Some),
            attributes: attributes.as_object().cloned(),
            ..CiInput::default()
        };
        let ci = app.create_ci(by, input).await?;
        numbers.push((name, ci.ci.number.to_string()));
    }
    for (from, rel, to) in RELATIONS {
        let (Some(a), Some(b)) = (number_of(&numbers, from), number_of(&numbers, to)) else { continue };
        app.create_relation(by, &a, rel, &b).await?;
    }
    Ok(Affects(ABOUT.iter().filter_map(|(word, name)| number_of(&numbers, name).map(|n| (*word, n))).collect()))
}
