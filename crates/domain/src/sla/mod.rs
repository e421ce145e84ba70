//! Service levels: business calendars, SLA/OLA/underpinning-contract definitions with
//! their conditions and targets, and the clock — a pure function of a ticket's history
//! and a definition, so that changing a definition and replaying gives exactly the
//! recomputed result.

pub mod survey;

pub mod attach;
pub mod calendar;
pub mod clock;
pub mod condition;
pub mod definition;
pub mod replay;
pub mod text;
pub mod xla;

pub use calendar::{Calendar, CalendarSpec, Schedule};
pub use clock::{Clock, Mark, Meter, State, Step, measure};
pub use condition::{Condition, Facts};
pub use definition::{Definition, Target};

/// Compiled schedules by calendar name.
pub type Schedules = std::collections::HashMap<String, std::sync::Arc<Schedule>>;
#[cfg(test)]
mod tests;
