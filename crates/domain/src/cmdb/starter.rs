//! The class tree every tenant starts with. Administrators add classes and
//! attributes to it (or below it) through the API; nothing here needs a migration.

/// An attribute of the starter tree: code, label, kind (`string`, `integer`, …, or
/// `enum:a|b|c`, `reference:person`), and the identification rule it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct StarterAttribute {
    pub code: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub key: Option<u8>,
}

#[derive(Debug, Clone, Copy)]
pub struct StarterClass {
    pub code: &'static str,
    pub label: &'static str,
    pub parent: Option<&'static str>,
    pub attributes: &'static [StarterAttribute],
}

const fn a(code: &'static str, label: &'static str, kind: &'static str) -> StarterAttribute {
    StarterAttribute { code, label, kind, key: None }
}

const fn k(code: &'static str, label: &'static str, kind: &'static str, rule: u8) -> StarterAttribute {
    StarterAttribute { code, label, kind, key: Some(rule) }
}

const fn c(code: &'static str, label: &'static str, parent: Option<&'static str>, attributes: &'static [StarterAttribute]) -> StarterClass {
    StarterClass { code, label, parent, attributes }
}

/// Parents before children.
pub const CLASSES: &[StarterClass] = &[
    c(
        "hardware",
        "Hardware",
        None,
        &[
            k("serial_number", "Serial number", "string", 1),
            k("asset_tag", "Asset tag", "string", 2),
            a("manufacturer", "Manufacturer", "string"),
            a("model", "Model", "string"),
        ],
    ),
    c(
        "server",
        "Server",
        Some("hardware"),
        &[
            k("hostname", "Host name", "string", 3),
            k("domain", "Domain", "string", 3),
            a("ip_address", "IP address", "string"),
            a("operating_system", "Operating system", "string"),
            a("cpu_cores", "CPU cores", "integer"),
            a("memory_gb", "Memory (GB)", "decimal"),
            a("virtual", "Virtual", "boolean"),
        ],
    ),
    c(
        "network_device",
        "Network device",
        Some("hardware"),
        &[k("mac_address", "MAC address", "string", 3), a("ip_address", "IP address", "string"), a("ports", "Ports", "integer")],
    ),
    c(
        "end_user_device",
        "End-user device",
        Some("hardware"),
        &[k("mac_address", "MAC address", "string", 3), a("assigned_to", "Assigned to", "reference:person")],
    ),
    c("software", "Software", None, &[a("vendor", "Vendor", "string"), a("version", "Version", "string")]),
    c("application", "Application", Some("software"), &[k("url", "URL", "string", 1)]),
    c(
        "database",
        "Database",
        Some("software"),
        &[a("engine", "Engine", "enum:postgresql|mysql|sqlserver|oracle|sqlite|other"), a("port", "Port", "integer")],
    ),
    c("service", "Service", None, &[a("service_owner", "Service owner", "reference:person"), a("hours", "Service hours", "string")]),
    c("business_service", "Business service", Some("service"), &[]),
    c("technical_service", "Technical service", Some("service"), &[]),
    c("location", "Location", None, &[a("address", "Address", "string")]),
    c("site", "Site", Some("location"), &[]),
    c("building", "Building", Some("location"), &[]),
    c("room", "Room", Some("location"), &[a("floor", "Floor", "string"), a("capacity", "Seats", "integer")]),
    c(
        "av_device",
        "AV device",
        None,
        &[
            k("serial_number", "Serial number", "string", 1),
            k("mac_address", "MAC address", "string", 2),
            a("manufacturer", "Manufacturer", "string"),
            a("model", "Model", "string"),
            a("firmware", "Firmware", "string"),
            a("ip_address", "IP address", "string"),
        ],
    ),
    c("display", "Display", Some("av_device"), &[a("size_inches", "Size (inches)", "decimal")]),
    c("codec", "Codec", Some("av_device"), &[a("sip_uri", "SIP URI", "string")]),
    c("dsp", "DSP", Some("av_device"), &[]),
    c("control_processor", "Control processor", Some("av_device"), &[]),
    c("touch_panel", "Touch panel", Some("av_device"), &[]),
    c("camera", "Camera", Some("av_device"), &[]),
    c("microphone", "Microphone", Some("av_device"), &[]),
];

/// The kind code, enum values and reference target of a starter kind.
pub fn kind_parts(kind: &'static str) -> (&'static str, Vec<String>, Option<&'static str>) {
    match kind.split_once(':') {
        Some(("enum", values)) => ("enum", values.split('|').map(String::from).collect(), None),
        Some(("reference", target)) => ("reference", Vec::new(), Some(target)),
        _ => (kind, Vec::new(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmdb::class::AttributeKind;

    #[test]
    fn the_starter_tree_is_well_formed() {
        for (i, class) in CLASSES.iter().enumerate() {
            if let Some(p) = class.parent {
                assert!(CLASSES[..i].iter().any(|c| c.code == p), "{} comes after its parent", class.code);
            }
            for attr in class.attributes {
                let (code, values, target) = kind_parts(attr.kind);
                assert!(AttributeKind::from_parts(code, &values, target).is_ok(), "{}.{}", class.code, attr.code);
            }
        }
    }
}
