//! Text similarity for matching incidents with known errors and for finding recurring
//! incidents: a text becomes a set of terms (lowercase words of three letters or more,
//! common words dropped, a light English stemming), compared by set overlap.

/// Words too common in tickets to say anything about the problem.
const STOP: &[&str] = &[
    "the", "and", "for", "with", "that", "this", "from", "have", "has", "had", "not", "but", "are", "was", "were", "been", "can", "cannot",
    "cant", "will", "would", "could", "should", "after", "before", "when", "what", "which", "there", "their", "they", "them", "then",
    "than", "into", "onto", "out", "our", "your", "you", "all", "any", "some", "again", "also", "just", "still", "please", "thanks",
    "thank", "hello", "user", "users", "reports", "reported", "working", "work", "issue", "problem", "since", "help", "need", "does",
    "doesn",
];

/// The telling words of a text as written (not stemmed): four letters or more, not a
/// common word, not a number; longest first, each once. Search engines stem these
/// themselves.
pub fn keywords(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in text.split(|c: char| !c.is_alphanumeric()).map(str::to_lowercase) {
        if w.chars().count() >= 4 && !STOP.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit()) && !out.contains(&w) {
            out.push(w);
        }
    }
    out.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    out
}

/// Search queries for "things like this text", most precise first: all of its three
/// most telling words, then two, then one.
pub fn narrowing_queries(text: &str) -> Vec<String> {
    let words = keywords(text);
    (1..=words.len().min(3)).rev().map(|n| words[..n].join(" ")).collect()
}

/// A light stemmer: enough that "disconnects", "disconnected" and "disconnecting" meet.
fn stem(w: &str) -> &str {
    for suffix in ["ing", "ed", "s"] {
        if let Some(base) = w.strip_suffix(suffix)
            && base.len() >= 3
        {
            return base;
        }
    }
    w
}

/// The terms of a text in order, repeats kept: lowercase, stemmed, common words and
/// numbers dropped.
pub fn stems(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit()))
        .map(|w| stem(&w).to_string())
        .collect()
}

/// The distinct terms of a text, sorted.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = stems(text);
    out.sort();
    out.dedup();
    out
}

/// How many terms two sorted term sets share.
pub fn shared(a: &[String], b: &[String]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Cosine similarity of two term sets, 0.0 to 1.0.
pub fn cosine(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    shared(a, b) as f64 / ((a.len() * b.len()) as f64).sqrt()
}

/// Jaccard similarity of two term sets, 0.0 to 1.0.
pub fn jaccard(a: &[String], b: &[String]) -> f64 {
    let s = shared(a, b);
    let union = a.len() + b.len() - s;
    if union == 0 { 0.0 } else { s as f64 / union as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_the_telling_words_longest_first() {
        assert_eq!(keywords("The printer on floor 2 jams, printer JAMS again"), ["printer", "floor", "jams"]);
        assert!(keywords("it is 2024 and we").is_empty());
        assert_eq!(narrowing_queries("VPN tunnel keeps dropping"), ["dropping tunnel keeps", "dropping tunnel", "dropping"]);
    }
    use proptest::prelude::*;

    #[test]
    fn word_forms_meet_and_noise_goes() {
        assert_eq!(terms("VPN disconnects"), terms("the vpn disconnected again"));
        assert!(terms("Please help, thanks!").is_empty());
        assert_eq!(terms("Error 0x80070005 on update 2024"), ["0x80070005", "error", "update"]);
    }

    #[test]
    fn similar_texts_score_higher_than_unrelated_ones() {
        let vpn = terms("VPN disconnects every few minutes from home");
        let vpn2 = terms("vpn keeps disconnecting when working from home");
        let printer = terms("Printer on floor 3 prints blank pages");
        assert!(cosine(&vpn, &vpn2) > 0.5);
        assert!(cosine(&vpn, &printer) < 0.1);
        assert!(jaccard(&vpn, &vpn2) > jaccard(&vpn, &printer));
    }

    proptest! {
        #[test]
        fn scores_are_symmetric_and_bounded(a in "[a-e ]{0,40}", b in "[a-e ]{0,40}") {
            let (ta, tb) = (terms(&a), terms(&b));
            for s in [cosine(&ta, &tb), jaccard(&ta, &tb)] {
                prop_assert!((0.0..=1.0 + 1e-9).contains(&s));
            }
            prop_assert!((cosine(&ta, &tb) - cosine(&tb, &ta)).abs() < 1e-12);
            prop_assert!(ta.is_empty() || (cosine(&ta, &ta) - 1.0).abs() < 1e-9);
        }
    }
}
