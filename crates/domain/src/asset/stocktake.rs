//! Stocktakes: the assets expected at a location are frozen when it starts, tags are
//! scanned there, and the difference sorts every tag into found, missing, unexpected
//! (recorded elsewhere: a move to propose) or unknown (no asset has it).

code_enum!(
    /// Whether a stocktake still takes scans.
    StocktakeState {
        Open => "open", "Open";
        Closed => "closed", "Closed";
    }
);

/// One tag of a stocktake as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub tag: String,
    /// On the frozen list.
    pub expected: bool,
    pub scanned: bool,
    /// Whether an asset has this tag.
    pub known: bool,
}

/// Where a line ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Found,
    Missing,
    Unexpected,
    Unknown,
}

impl Line {
    pub fn outcome(&self) -> Outcome {
        match (self.expected, self.scanned, self.known) {
            (true, true, _) => Outcome::Found,
            (true, false, _) => Outcome::Missing,
            (false, _, true) => Outcome::Unexpected,
            (false, _, false) => Outcome::Unknown,
        }
    }
}

/// The tags of a scan as a handheld reader types them: one per line (or separated by
/// commas, semicolons or tabs), trimmed, empty ones skipped, each once in order. A CSV
/// with a `tag` header gives its first column.
pub fn parse_scan(text: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut lines = text.lines().map(str::trim).peekable();
    if lines.peek().is_some_and(|h| h.split([',', ';', '\t']).next().is_some_and(|c| c.trim().eq_ignore_ascii_case("tag"))) {
        lines.next();
        return lines
            .filter_map(|l| l.split([',', ';', '\t']).next().map(|c| c.trim().trim_matches('"').to_string()))
            .filter(|t| !t.is_empty() && seen.insert(t.clone()))
            .collect();
    }
    lines
        .flat_map(|l| l.split([',', ';', '\t']))
        .map(|t| t.trim().trim_matches('"').to_string())
        .filter(|t| !t.is_empty() && seen.insert(t.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_sort_into_four_outcomes() {
        let l = |expected, scanned, known| Line { tag: "A".into(), expected, scanned, known };
        assert_eq!(l(true, true, true).outcome(), Outcome::Found);
        assert_eq!(l(true, false, true).outcome(), Outcome::Missing);
        assert_eq!(l(false, true, true).outcome(), Outcome::Unexpected);
        assert_eq!(l(false, true, false).outcome(), Outcome::Unknown);
    }

    #[test]
    fn scans_are_split_trimmed_and_deduplicated() {
        assert_eq!(parse_scan("A-1\r\n A-2 \n\nA-1\nA-3,A-4\n"), ["A-1", "A-2", "A-3", "A-4"]);
        assert_eq!(parse_scan("tag,serial\nA-1,S1\n\"A-2\",S2\n"), ["A-1", "A-2"]);
        assert!(parse_scan(" \n ").is_empty());
    }
}
