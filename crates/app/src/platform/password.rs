//! The password policy, applied wherever a password is set (an administrator creating
//! a user, `cairn admin create-user`, the demo, someone changing their own).
//!
//! It follows OWASP ASVS 5 at level 2: at least [`MIN_CHARS`] characters, counted as
//! Unicode characters, at most [`MAX_CHARS`]; no composition rules (no "one digit, one
//! capital"); not blank; and not guessable. Guessability is estimated offline by
//! zxcvbn, whose dictionaries (about 30,000 common passwords, names, English words,
//! keyboard patterns, dates and sequences) are built into the binary: a password must
//! reach [`MIN_SCORE`], i.e. take an estimated 10^8 guesses or more. Cairn hashes
//! with Argon2id, so even a stolen database makes that many guesses slow.
//!
//! Twelve characters, not fifteen: NIST SP 800-63B-4 advises 15 when the password is
//! the only factor, and Cairn has no second factor yet. Twelve plus the guessability
//! check refuses the passwords attackers try first while letting people keep
//! passphrases they can remember; raise [`MIN_CHARS`] when that trade-off changes.
//!
//! The page's strength meter asks [`assess`] through the server, so the meter and the
//! refusal always agree.

use zxcvbn::Score;
use zxcvbn::feedback::Warning;

use crate::{AppError, Result};

/// The fewest characters a password may have.
pub const MIN_CHARS: usize = 12;
/// The most characters a password may have: long passphrases fit, a megabyte does not
/// reach the hash.
pub const MAX_CHARS: usize = 128;
/// The least zxcvbn score accepted (0–4): 3 is "safely unguessable", ≥ 10^8 guesses.
const MIN_SCORE: Score = Score::Three;
/// Words of this product that make a password easy to guess here.
const CONTEXT_WORDS: [&str; 5] = ["cairn", "helpdesk", "servicedesk", "itsm", "ticket"];

/// Why a password is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Weakness {
    Blank,
    TooShort {
        chars: usize,
    },
    TooLong {
        chars: usize,
    },
    /// On the list of common passwords, or a small variation of one.
    TooCommon,
    /// Easy to guess for another reason, with zxcvbn's warning when it gives one.
    Guessable(Option<String>),
}

impl Weakness {
    /// The refusal, as the message of a 422 naming `password`.
    pub fn reason(&self) -> String {
        match self {
            Weakness::Blank => "must not be blank or only spaces".into(),
            Weakness::TooShort { chars } => format!("is too short: it must have at least {MIN_CHARS} characters (it has {chars})"),
            Weakness::TooLong { chars } => format!("is too long: it may have at most {MAX_CHARS} characters (it has {chars})"),
            Weakness::TooCommon => "is too common: it is one of the passwords attackers try first".into(),
            Weakness::Guessable(Some(w)) => format!("is too easy to guess: {w}"),
            Weakness::Guessable(None) => "is too easy to guess: add a few more uncommon words".into(),
        }
    }

    /// A short word for the meter ("too short", "too common", …).
    pub fn label(&self) -> &'static str {
        match self {
            Weakness::Blank => "blank",
            Weakness::TooShort { .. } => "too short",
            Weakness::TooLong { .. } => "too long",
            Weakness::TooCommon => "too common",
            Weakness::Guessable(_) => "easy to guess",
        }
    }
}

/// What the policy makes of a password: zxcvbn's score (0–4) and, when it is
/// refused, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub score: u8,
    pub weakness: Option<Weakness>,
}

/// Assesses `password`; `user_words` are the person's own (username, name) that make it
/// easy to guess for them.
pub fn assess(password: &str, user_words: &[&str]) -> Assessment {
    let chars = password.chars().count();
    let weakness = |w| Assessment { score: 0, weakness: Some(w) };
    if password.trim().is_empty() {
        return weakness(Weakness::Blank);
    }
    if chars < MIN_CHARS {
        return weakness(Weakness::TooShort { chars });
    }
    if chars > MAX_CHARS {
        return weakness(Weakness::TooLong { chars });
    }
    let mut inputs: Vec<&str> = CONTEXT_WORDS.to_vec();
    inputs.extend(user_words.iter().copied().filter(|w| !w.is_empty()));
    let entropy = zxcvbn::zxcvbn(password, &inputs);
    let score = u8::from(entropy.score());
    if entropy.score() >= MIN_SCORE {
        return Assessment { score, weakness: None };
    }
    let warning = entropy.feedback().and_then(|f| f.warning());
    let w = match warning {
        Some(
            Warning::ThisIsATop10Password
            | Warning::ThisIsATop100Password
            | Warning::ThisIsACommonPassword
            | Warning::ThisIsSimilarToACommonlyUsedPassword,
        ) => Weakness::TooCommon,
        other => Weakness::Guessable(other.map(|w| lower_first(&w.to_string()))),
    };
    Assessment { score, weakness: Some(w) }
}

/// Refuses a password the policy does not accept, with a 422 naming `password`.
pub fn check(password: &str, user_words: &[&str]) -> Result<()> {
    match assess(password, user_words).weakness {
        None => Ok(()),
        Some(w) => Err(AppError::invalid("password", w.reason())),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn weakness(p: &str) -> Option<Weakness> {
        assess(p, &[]).weakness
    }

    #[test]
    fn the_passwords_from_the_review_are_refused() {
        assert_eq!(weakness("password"), Some(Weakness::TooShort { chars: 8 }));
        assert_eq!(weakness("12345678"), Some(Weakness::TooShort { chars: 8 }));
        assert_eq!(weakness("        "), Some(Weakness::Blank));
        assert_eq!(weakness(&" ".repeat(20)), Some(Weakness::Blank));
        assert_eq!(weakness(" \t\n \u{3000}      \u{a0}   "), Some(Weakness::Blank), "any whitespace");
    }

    #[test]
    fn long_but_common_passwords_are_refused_as_common() {
        for p in ["password1234", "Password1234", "qwertyuiop12", "iloveyou1234", "1q2w3e4r5t6y", "sunshine2024"] {
            assert_eq!(weakness(p), Some(Weakness::TooCommon), "{p}");
        }
        for p in ["123456789012", "passwordpassword", "abcabcabcabc"] {
            assert!(matches!(weakness(p), Some(Weakness::Guessable(Some(_)))), "{p}: sequences and repeats");
        }
    }

    #[test]
    fn the_product_and_the_persons_own_words_count_against_a_password() {
        assert!(weakness("cairn-cairn-2026").is_some());
        assert_eq!(weakness("xkcd-aliceanderson"), None);
        assert!(assess("xkcd-aliceanderson", &["aliceanderson"]).weakness.is_some(), "her own username");
    }

    #[test]
    fn passphrases_and_random_strings_pass_without_composition_rules() {
        for p in [
            "purple mountain bicycle ferry",
            "zq8vt3mwk2rp",
            "all lowercase words go here",
            "Grüße aus Köln am Rhein",
            "granite lantern orchard mist",
        ] {
            assert_eq!(weakness(p), None, "{p}");
        }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // Twelve characters, 36 bytes: long enough.
        let p = "日本語の長い合言葉です〜ね";
        assert_eq!(p.chars().count(), 13);
        assert!(!matches!(weakness(p), Some(Weakness::TooShort { .. })));
        // Eleven characters of four bytes each (44 bytes): too short.
        let p = "🦀🐙🦊🐢🦉🐝🦋🐬🦔🐧🦒";
        assert_eq!(weakness(p), Some(Weakness::TooShort { chars: 11 }));
    }

    #[test]
    fn refusals_name_the_field_and_the_reason() {
        let Err(AppError::Invalid { field, message }) = check("12345678", &[]) else { panic!("accepted") };
        assert_eq!(field, "password");
        assert!(message.contains("too short") && message.contains("12"), "{message}");
        let Err(AppError::Invalid { message, .. }) = check("password1234", &[]) else { panic!("accepted") };
        assert!(message.contains("too common"), "{message}");
        let Err(AppError::Invalid { message, .. }) = check(&"x".repeat(129), &[]) else { panic!("accepted") };
        assert!(message.contains("too long") && message.contains("128"), "{message}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Below the minimum every password is refused as too short, whatever it is.
        #[test]
        fn shorter_than_the_minimum_is_always_too_short(p in "\\PC{1,11}") {
            prop_assume!(!p.trim().is_empty());
            prop_assert_eq!(weakness(&p), Some(Weakness::TooShort { chars: p.chars().count() }));
        }

        /// Above the maximum every password is refused as too long.
        #[test]
        fn longer_than_the_maximum_is_always_too_long(p in "\\PC{129,200}") {
            prop_assume!(!p.trim().is_empty());
            prop_assert_eq!(weakness(&p), Some(Weakness::TooLong { chars: p.chars().count() }));
        }

        /// Within the bounds length is never the reason: random text of 12 to 128
        /// characters is judged on guessability alone, and long random text passes.
        #[test]
        fn within_the_bounds_length_is_never_the_reason(p in "[a-z0-9]{12,128}") {
            let w = weakness(&p);
            prop_assert!(!matches!(w, Some(Weakness::TooShort { .. } | Weakness::TooLong { .. } | Weakness::Blank)), "{:?}", w);
        }

        #[test]
        fn random_text_of_twenty_characters_passes(p in "[a-zA-Z0-9]{20}") {
            prop_assert_eq!(weakness(&p), None);
        }
    }
}
