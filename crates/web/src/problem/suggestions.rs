//! Known errors suggested on an incident's page.

use cairn_app::problem::Match;

pub(crate) struct KView {
    pub number: String,
    pub title: String,
    pub workaround: String,
    pub score: u32,
}

impl KView {
    pub fn of(m: Match) -> KView {
        KView {
            number: m.known_error.number,
            title: m.known_error.title,
            workaround: m.known_error.workaround,
            score: (m.score * 100.0).round() as u32,
        }
    }
}
