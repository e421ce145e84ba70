//! Cairn's ITSM rules, free of IO: no database, no network, no clock reads.
//! Time is passed in as epoch milliseconds; storage and HTTP live in other crates.

/// An enum stored and spoken as codes (defined before the modules, so all of them
/// may use it): `as_str`, `label`, `ALL`, and `parse` with an
/// error naming the field and the codes allowed.
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $code:literal, $label:literal;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),* }
            }

            /// The value with this code, or an error naming `field` and the codes allowed.
            pub fn parse(field: &'static str, s: &str) -> Result<$name, $crate::DomainError> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    let codes: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    $crate::DomainError::invalid(field, format!("unknown value '{s}'; one of {}", codes.join(", ")))
                })
            }
        }
    };
}

pub mod asset;
pub mod automation;
pub mod cmdb;
pub mod error;
pub mod ids;
pub mod knowledge;
pub mod platform;
pub mod problem;
pub mod request;
pub mod search;
pub mod sla;
pub mod ticket;

pub use error::DomainError;
