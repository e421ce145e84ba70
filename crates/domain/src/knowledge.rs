//! Knowledge articles: their lifecycle, who may read them, and the difference between
//! two versions of their text.

use crate::DomainError;

/// Draft → in review → published → retired. A reviewer may send an article back to
/// draft; a retired article may be revived as a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArticleState {
    Draft,
    InReview,
    Published,
    Retired,
}

impl ArticleState {
    pub const ALL: [ArticleState; 4] = [ArticleState::Draft, ArticleState::InReview, ArticleState::Published, ArticleState::Retired];

    pub fn as_str(self) -> &'static str {
        match self {
            ArticleState::Draft => "draft",
            ArticleState::InReview => "in_review",
            ArticleState::Published => "published",
            ArticleState::Retired => "retired",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ArticleState::Draft => "Draft",
            ArticleState::InReview => "In review",
            ArticleState::Published => "Published",
            ArticleState::Retired => "Retired",
        }
    }

    pub fn parse(s: &str) -> Result<ArticleState, DomainError> {
        ArticleState::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| DomainError::invalid("state", format!("unknown state '{s}' (draft, in_review, published, retired)")))
    }

    /// The states an article may move to from this one.
    pub fn next(self) -> &'static [ArticleState] {
        use ArticleState::*;
        match self {
            Draft => &[InReview],
            InReview => &[Published, Draft],
            Published => &[Retired, Draft],
            Retired => &[Draft],
        }
    }

    pub fn to(self, next: ArticleState) -> Result<ArticleState, DomainError> {
        if self.next().contains(&next) {
            Ok(next)
        } else {
            Err(DomainError::invalid(
                "state",
                format!("an article {} cannot become {}", self.label().to_lowercase(), next.label().to_lowercase()),
            ))
        }
    }
}

code_enum!(
    /// The kind of an article's [`Audience`], as stored.
    AudienceKind {
        Internal => "internal", "Agents only";
        Portal => "portal", "Every requester, in the portal";
        Orgs => "orgs", "Requesters of these organisations";
    }
);

/// Who reads an article besides agents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Agents only.
    Internal,
    /// Every requester, in the portal.
    Portal,
    /// Requesters of these organisations.
    Orgs(Vec<String>),
}

impl Audience {
    pub fn kind(&self) -> AudienceKind {
        match self {
            Audience::Internal => AudienceKind::Internal,
            Audience::Portal => AudienceKind::Portal,
            Audience::Orgs(_) => AudienceKind::Orgs,
        }
    }

    /// From its stored or submitted parts: `internal`, `portal`, or `orgs` with names.
    pub fn parse(kind: &str, orgs: &[String]) -> Result<Audience, DomainError> {
        match AudienceKind::parse("audience", kind)? {
            AudienceKind::Internal => Ok(Audience::Internal),
            AudienceKind::Portal => Ok(Audience::Portal),
            AudienceKind::Orgs if orgs.is_empty() => Err(DomainError::invalid("orgs", "name at least one organisation")),
            AudienceKind::Orgs => Ok(Audience::Orgs(orgs.to_vec())),
        }
    }

    /// Whether a requester of `org` (or of none) may read a published article.
    pub fn admits(&self, org: Option<&str>) -> bool {
        match self {
            Audience::Internal => false,
            Audience::Portal => true,
            Audience::Orgs(names) => org.is_some_and(|o| names.iter().any(|n| n == o)),
        }
    }
}

/// How well an article answers a query: each query term found in the title counts
/// five, in the body up to one (more occurrences add less and less, as in BM25), and
/// a long body counts a little less than a short one with the same hits.
pub fn relevance(query: &str, title: &str, body: &str) -> f64 {
    let q = crate::problem::similarity::terms(query);
    if q.is_empty() {
        return 0.0;
    }
    let (t, b) = (crate::problem::similarity::terms(title), crate::problem::similarity::stems(body));
    let length = 1.0 + (b.len() as f64 / 200.0);
    let score: f64 = q
        .iter()
        .map(|term| {
            let in_title = if t.binary_search(term).is_ok() { 5.0 } else { 0.0 };
            let tf = b.iter().filter(|w| *w == term).count() as f64;
            in_title + tf / (tf + 1.2 * length)
        })
        .sum();
    score / q.len() as f64
}

/// One line of a difference between two texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine {
    Same(String),
    Removed(String),
    Added(String),
}

/// The line-by-line difference from `old` to `new` (longest common subsequence), in
/// reading order: each removed line before the line added in its place.
pub fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::with_capacity(a.len().max(b.len())));
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(DiffLine::Same(a[i].to_string()));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(DiffLine::Removed(a[i].to_string()));
            i += 1;
        } else {
            out.push(DiffLine::Added(b[j].to_string()));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn side(d: &[DiffLine], old: bool) -> Vec<String> {
        d.iter()
            .filter_map(|l| match l {
                DiffLine::Same(s) => Some(s.clone()),
                DiffLine::Removed(s) if old => Some(s.clone()),
                DiffLine::Added(s) if !old => Some(s.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_changed_line_shows_as_removed_then_added() {
        let d = diff("Restart the router.\nWait 30 s.\nTry again.", "Restart the router.\nWait 60 s.\nTry again.");
        assert_eq!(
            d,
            [
                DiffLine::Same("Restart the router.".into()),
                DiffLine::Removed("Wait 30 s.".into()),
                DiffLine::Added("Wait 60 s.".into()),
                DiffLine::Same("Try again.".into()),
            ]
        );
    }

    #[test]
    fn title_matches_rank_first_and_repeats_add_less() {
        let q = "printer jams";
        let title = relevance(q, "Printer jams on floor 2", "Open tray 2.");
        let body = relevance(q, "Paper handling", "The printer jams when the tray is full.");
        let more = relevance(q, "Paper handling", "The printer jams. The printer jams again. The printer jams daily.");
        assert!(title > more && more > body && body > 0.0, "{title} {more} {body}");
        assert!(more < 2.0 * body, "repeats add less and less");
        assert_eq!(relevance("the", "The printer", "the"), 0.0);
    }

    #[test]
    fn the_lifecycle_goes_through_review() {
        assert!(ArticleState::Draft.to(ArticleState::Published).is_err());
        assert_eq!(ArticleState::Draft.to(ArticleState::InReview).unwrap(), ArticleState::InReview);
        assert_eq!(ArticleState::InReview.to(ArticleState::Published).unwrap(), ArticleState::Published);
        assert!(ArticleState::Retired.to(ArticleState::Published).is_err());
    }

    #[test]
    fn audiences_admit_the_right_requesters() {
        let acme = Audience::parse("orgs", &["Acme".into()]).unwrap();
        assert!(acme.admits(Some("Acme")) && !acme.admits(Some("Globex")) && !acme.admits(None));
        assert!(Audience::Portal.admits(None) && !Audience::Internal.admits(Some("Acme")));
        assert!(Audience::parse("orgs", &[]).is_err());
    }

    proptest! {
        #[test]
        fn a_diff_holds_both_texts(old in proptest::collection::vec("[abc]{0,2}", 0..12), new in proptest::collection::vec("[abc]{0,2}", 0..12)) {
            let (o, n) = (old.join("\n"), new.join("\n"));
            let d = diff(&o, &n);
            prop_assert_eq!(side(&d, true), o.lines().map(str::to_string).collect::<Vec<_>>());
            prop_assert_eq!(side(&d, false), n.lines().map(str::to_string).collect::<Vec<_>>());
            let same = d.iter().filter(|l| matches!(l, DiffLine::Same(_))).count();
            if o == n {
                prop_assert_eq!(same, o.lines().count());
            }
        }
    }
}
