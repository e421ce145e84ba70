//! The relation-type catalogue: each type with its forward and reverse names, the
//! class pairs it allows, and which way failure travels along it.
//!
//! Every type is read "from → to" as its forward name says: `app runs_on server`,
//! `service depends_on app`, `room part_of building`, `display located_in room`. When
//! the `to` end fails, the `from` end is affected, so impact "up" from a CI follows
//! relations from their `to` end to their `from` end; `connected_to` is symmetric and
//! carries impact both ways.

use crate::DomainError;

code_enum!(
    RelationType {
        DependsOn => "depends_on", "depends on";
        RunsOn => "runs_on", "runs on";
        ConnectedTo => "connected_to", "connected to";
        PartOf => "part_of", "part of";
        LocatedIn => "located_in", "located in";
    }
);

/// The root classes the rules speak of; classes an admin adds below them follow
/// their root, and classes in a tree of their own count as [`Root::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    Hardware,
    Software,
    Service,
    Location,
    AvDevice,
    Other,
}

impl Root {
    pub fn of(root_code: &str) -> Root {
        match root_code {
            "hardware" => Root::Hardware,
            "software" => Root::Software,
            "service" => Root::Service,
            "location" => Root::Location,
            "av_device" => Root::AvDevice,
            _ => Root::Other,
        }
    }

    fn physical(self) -> bool {
        matches!(self, Root::Hardware | Root::AvDevice)
    }
}

impl RelationType {
    /// The name read from the `to` end: "server hosts app".
    pub fn reverse_label(self) -> &'static str {
        match self {
            RelationType::DependsOn => "used by",
            RelationType::RunsOn => "hosts",
            RelationType::ConnectedTo => "connected to",
            RelationType::PartOf => "contains",
            RelationType::LocatedIn => "houses",
        }
    }

    pub fn symmetric(self) -> bool {
        self == RelationType::ConnectedTo
    }

    /// The class pairs allowed, in words, for the catalogue.
    pub fn allowed(self) -> &'static str {
        match self {
            RelationType::DependsOn => "any CI except a location, on any CI except a location",
            RelationType::RunsOn => "software on hardware, software or an AV device",
            RelationType::ConnectedTo => "hardware and AV devices, with each other",
            RelationType::PartOf => "a CI of a tree in a CI of the same tree (hardware and AV devices count as one)",
            RelationType::LocatedIn => "any CI except a service, in a location",
        }
    }

    /// Whether `from rel to` is allowed between CIs whose classes have these roots.
    pub fn allows(self, from: Root, to: Root) -> bool {
        use Root::*;
        match self {
            RelationType::DependsOn => from != Location && to != Location,
            RelationType::RunsOn => from == Software && (to.physical() || to == Software),
            RelationType::ConnectedTo => from.physical() && to.physical(),
            RelationType::PartOf => from == to || (from.physical() && to.physical()),
            RelationType::LocatedIn => from != Service && to == Location,
        }
    }

    /// The refusal for a pair not allowed, naming both classes.
    pub fn check(self, from: (Root, &str), to: (Root, &str)) -> Result<(), DomainError> {
        if self.allows(from.0, to.0) {
            return Ok(());
        }
        Err(DomainError::invalid(
            "type",
            format!("{} {} {} is not allowed: {} relates {}", from.1, self.label(), to.1, self.as_str(), self.allowed()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_allows_what_an_administrator_expects() {
        use Root::*;
        let ok = [
            (RelationType::RunsOn, Software, Hardware),
            (RelationType::DependsOn, Service, Software),
            (RelationType::PartOf, Location, Location),
            (RelationType::PartOf, AvDevice, Hardware),
            (RelationType::LocatedIn, AvDevice, Location),
            (RelationType::ConnectedTo, AvDevice, Hardware),
        ];
        for (t, f, to) in ok {
            assert!(t.allows(f, to), "{t:?} {f:?} {to:?}");
        }
        let refused = [
            (RelationType::RunsOn, Hardware, Software),
            (RelationType::LocatedIn, Service, Location),
            (RelationType::LocatedIn, Hardware, Hardware),
            (RelationType::DependsOn, Service, Location),
            (RelationType::PartOf, Software, Hardware),
            (RelationType::ConnectedTo, Software, Hardware),
        ];
        for (t, f, to) in refused {
            assert!(!t.allows(f, to), "{t:?} {f:?} {to:?}");
        }
        let e = RelationType::RunsOn.check((Hardware, "server"), (Software, "application")).expect_err("refused").to_string();
        assert!(e.contains("server runs on application is not allowed: runs_on relates software on hardware"), "{e}");
    }
}
