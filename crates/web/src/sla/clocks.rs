//! A service-level clock as the ticket page shows it.

use cairn_app::sla::ClockView;
use cairn_domain::sla::State;

use crate::time::{minutes, short};

pub(crate) struct SlaView {
    /// "Gold incidents · resolution"
    pub name: String,
    /// running, paused, met, missed, breached, cancelled
    pub state: String,
    /// "2 h 05 min left", "35 min over", or empty.
    pub remaining: String,
    pub due: String,
    pub breached: bool,
    /// The clock's changes: (when, what), oldest first.
    pub timeline: Vec<(String, &'static str)>,
}

impl SlaView {
    pub fn of(v: ClockView) -> SlaView {
        let c = v.clock;
        let state = match (c.met(), c.breached()) {
            (Some(true), _) => "met".to_string(),
            (Some(false), _) => "missed".to_string(),
            (None, true) if c.state != State::Cancelled => "breached".to_string(),
            _ => c.state.as_str().replace('_', " "),
        };
        let left = c.remaining_ms() / 60_000;
        let remaining = match c.state {
            State::Running | State::Paused if left >= 0 => format!("{} left", minutes(left)),
            State::Running | State::Paused => format!("{} over", minutes(-left)),
            _ => String::new(),
        };
        SlaView {
            name: format!("{} · {}", v.definition, c.target.as_str().replace('_', " ")),
            state,
            remaining,
            due: c.due_at.map(short).unwrap_or_default(),
            breached: c.breached(),
            timeline: c.timeline.iter().map(|(at, m)| (short(*at), m.as_str())).collect(),
        }
    }
}
