//! Spelling help for search: the words a text adds to a tenant's vocabulary, and the
//! known word a mistyped one most likely meant ("pasword" → "password").

use std::collections::BTreeSet;

/// Words shorter than this are left as typed: too many short words are one edit apart.
pub const MIN_WORD: usize = 3;
/// Longer tokens (hashes, paths) are not words anyone types.
pub const MAX_WORD: usize = 30;

/// The distinct words of `text` worth learning: lowercased runs of letters and digits,
/// 3 to 30 characters, not bare numbers.
pub fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| (MIN_WORD..=MAX_WORD).contains(&w.chars().count()) && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect()
}

/// How many edits a word of `len` characters may be from the word meant: one for
/// short words, two from eight characters on.
pub fn tolerance(len: usize) -> usize {
    if len >= 8 { 2 } else { 1 }
}

/// Edits between `a` and `b` (insert, delete, substitute, or swap two neighbours), or
/// `None` when more than `max`.
pub fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    // Three rows of the optimal-string-alignment table.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[b.len()]).filter(|d| *d <= max)
}

/// The known word `typed` most likely meant: the fewest edits away within its
/// tolerance, then one at least as long (a letter left out is the commoner slip), then
/// the one sharing the longest start, then the first alphabetically. None when `typed`
/// is itself known.
pub fn closest<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let max = tolerance(typed.chars().count());
    let shared = |w: &str| typed.chars().zip(w.chars()).take_while(|(a, b)| a == b).count();
    let shorter = |w: &str| w.chars().count() < typed.chars().count();
    let mut best = None;
    for w in known {
        if w == typed {
            return None;
        }
        if let Some(d) = distance(typed, w, max) {
            let key = (d, shorter(w), std::cmp::Reverse(shared(w)), w);
            if best.as_ref().is_none_or(|b| key < *b) {
                best = Some(key);
            }
        }
    }
    best.map(|(.., w)| w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mistyped_words_find_the_word_meant() {
        let known = ["password", "passport", "printer", "print", "vpn", "outlook"];
        assert_eq!(closest("pasword", known), Some("password"));
        assert_eq!(closest("passwrod", known), Some("password"), "two letters swapped count once");
        assert_eq!(closest("printr", known), Some("printer"));
        assert_eq!(closest("outlok", known), Some("outlook"));
        assert_eq!(closest("vnp", known), Some("vpn"));
        assert_eq!(closest("monitor", known), None, "nothing near");
        assert_eq!(closest("password", known), None, "a known word needs no help");
    }

    #[test]
    fn words_are_lowercased_distinct_and_of_useful_length() {
        let w = words("VPN drops: the VPN client (v2) logs 0x1F 12345 at 09:00, ok?");
        let expected: BTreeSet<String> = ["vpn", "drops", "the", "client", "logs", "0x1f"].iter().map(|s| s.to_string()).collect();
        assert_eq!(w, expected);
    }

    proptest! {
        #[test]
        fn distance_is_zero_only_for_the_same_word(a in "[a-d]{0,8}", b in "[a-d]{0,8}") {
            let d = distance(&a, &b, 16).unwrap();
            prop_assert_eq!(d == 0, a == b);
            prop_assert_eq!(distance(&b, &a, 16), Some(d));
            prop_assert!(d <= a.len().max(b.len()));
        }

        #[test]
        fn one_edit_is_one(w in "[a-z]{3,10}", at in 0usize..10, c in "[a-z]") {
            let at = at % w.len();
            let mut inserted = w.clone();
            inserted.insert_str(at, &c);
            prop_assert_eq!(distance(&w, &inserted, 2), Some(1));
            let mut deleted = w.clone();
            deleted.remove(at);
            prop_assert_eq!(distance(&w, &deleted, 2), Some(1));
        }

        #[test]
        fn the_bound_cuts_off_and_never_lies(a in "[a-c]{0,7}", b in "[a-c]{0,7}", max in 0usize..4) {
            let full = distance(&a, &b, 16).unwrap();
            prop_assert_eq!(distance(&a, &b, max), (full <= max).then_some(full));
        }
    }
}
