//! The stages: every part of the pipeline that claims lines, in one place.
//!
//! [`Engine::clean_in`](crate::Engine::clean_in) runs them in this order,
//! each claiming only what the earlier ones left alone (the first claim on
//! a line wins, [`Claims`]):
//!
//! 1. `pattern`: the span and line pattern rules, in rule order: the
//!    matcher's hits, filtered (`skip-first-line`, `max-line-chars`, a
//!    rule's group), claimed as spans or as lines (in runs of `min-run`);
//!    a tail rule's hits become its markers.
//! 2. `tail`: the tail rules, in rule order: the tail a marker opens
//!    (`tail-after`, `tail-last-marker`, `tail-back-to-content`, the
//!    "text goes on" bounds), or a thread of posts (`tail-thread`).
//! 3. The heuristic rules, in rule order, each running the stage it names
//!    (`Heuristic::apply`):
//!    - `repeated-line`, `repeated-block`: `repeated` (near repeats of a
//!      kept line, repeats of a kept block);
//!    - `menu-run`: `menu` (runs of short title-cased lines);
//!    - `content-classifier`: [`classify`] (content-v1, a binned model
//!      over the structural features of [`features`], with [`lang`]);
//!    - `content-model`: [`content_model`] (content-v4, hashed words of a
//!      line and its neighbours).
//!
//! Then the engine applies the safety guard (withdrawing the heuristic
//! claims when everything claimed would remove too much) and turns the
//! claims into removals. `prose` holds the "is this prose?" tests the
//! stages share, [`words`] the tokens of every line, read once for the
//! structural features and the content model, and `chars` what they ask of
//! a character (a letter? a capital? a digit? white space?), from a table
//! for the characters web text uses most.
//!
//! A heuristic rule names one of these stages (`heuristic = "repeated-line"`)
//! and sets its parameters in the rule file (`[rule.params]`); it has an id,
//! a category, profiles and examples like a pattern rule, and every line it
//! removes is credited to that id, with a note saying why.
//!
//! The stages used to live in `heuristics` (and the pattern and tail stages
//! in `engine`); [`crate::heuristics`] keeps the old public paths.

pub(crate) mod chars;
pub mod classify;
pub mod content_model;
pub mod features;
pub mod lang;
mod menu;
pub(crate) mod pattern;
pub(crate) mod prose;
mod repeated;
pub(crate) mod tail;
pub mod words;

use crate::claims::Claims;
use crate::document::Document;
use crate::rules::{RuleIndex, RuleKind, RuleSet};
use prose::ProseLines;

pub use crate::rules::heuristic::{Heuristic, NAMES};
/// The stages' parameters are rule data, defined in `rules/`; their code
/// is here, as `impl` blocks on them.
pub use crate::rules::params::{
    ContentClassifier, ContentModel, MenuRun, RepeatedBlock, RepeatedLine,
};

/// Running a configured stage: the rule data ([`Heuristic`], in `rules/`)
/// dispatched to the stage's code here.
impl Heuristic {
    /// Runs the stage, claiming debris lines for `rule`; `prose` holds the
    /// document's prose lines, for the stages that ask where they are.
    pub(crate) fn apply(
        &self,
        doc: &Document,
        prose: &ProseLines,
        claims: &mut Claims,
        rule: RuleIndex,
    ) {
        match self {
            Heuristic::RepeatedLine(h) => h.apply(doc, claims, rule),
            Heuristic::RepeatedBlock(h) => h.apply(doc, prose, claims, rule),
            Heuristic::MenuRun(h) => h.apply(doc, prose, claims, rule),
            Heuristic::ContentClassifier(h) => h.apply(doc, claims, rule),
            Heuristic::ContentModel(h) => h.apply(doc, claims, rule),
        }
    }
}

/// Runs the heuristic rules, in rule order; whether there were any.
pub(crate) fn claim_heuristics(
    doc: &Document,
    prose: &ProseLines,
    claims: &mut Claims,
    rules: &RuleSet,
) -> bool {
    let mut any_heuristic = false;
    for (idx, rule) in rules.iter() {
        if let RuleKind::Heuristic(h) = &rule.kind {
            h.apply(doc, prose, claims, idx);
            any_heuristic = true;
        }
    }
    any_heuristic
}

/// Checks that the model a `content-classifier` or `content-model` rule
/// names exists and loads (other stages have nothing to check). `rules/`
/// calls this when a rule loads, through its one hook into the stages'
/// code, [`crate::rules::heuristic::CHECK_MODEL`].
pub(crate) fn check_model(heuristic: &Heuristic) -> Result<(), String> {
    match heuristic {
        Heuristic::ContentClassifier(c) => classify::Model::builtin(&c.model).map(|_| ()),
        Heuristic::ContentModel(c) => content_model::builtin(&c.model).map(|_| ()),
        Heuristic::RepeatedLine(_) | Heuristic::RepeatedBlock(_) | Heuristic::MenuRun(_) => Ok(()),
    }
}

/// The ASCII bytes `char::is_whitespace` accepts (`u8::is_ascii_whitespace`
/// leaves out vertical tab, which `split_whitespace` splits on).
pub(crate) const fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `x.ln_1p()`, read from a table when `x` is a whole number below 1,024:
/// the features take the logarithm of counts (characters, words, lines) a
/// few times a line, and `log1pf` was 1.5% of a balanced run. The table
/// holds the values of `ln_1p` itself, so the result is the same to the
/// bit.
#[inline]
pub(crate) fn ln1p(x: f32) -> f32 {
    const SMALL: usize = 1024;
    static TABLE: std::sync::LazyLock<[f32; SMALL]> = std::sync::LazyLock::new(|| {
        let mut t = [0f32; SMALL];
        for (i, v) in t.iter_mut().enumerate() {
            *v = (i as f32).ln_1p();
        }
        t
    });
    // `as` saturates (NaN to 0); the bit test leaves out fractions and -0.0.
    let i = x as usize;
    if i < SMALL && (i as f32).to_bits() == x.to_bits() {
        TABLE[i]
    } else {
        x.ln_1p()
    }
}

/// Number of whitespace-separated words, counting no further than `limit`:
/// callers compare against a bound, and a prose line can hold hundreds.
pub(crate) fn word_count_upto(s: &str, limit: usize) -> usize {
    if limit == 0 {
        return 0;
    }
    // The same split as `split_whitespace`, byte by byte, decoding only
    // non-ASCII characters (which may be white space: NBSP, U+2003...).
    // No `is_ascii` pre-check: that would read all of a long line whose
    // first words already reach the limit.
    let bytes = s.as_bytes();
    let (mut n, mut in_word, mut i) = (0, false, 0);
    loop {
        // ASCII blocks without a branch per byte (a word boundary is as
        // unpredictable as the text), checking the limit once a block: the
        // prose tests ask this of every line, several times a document.
        while let Some(block) = bytes.get(i..i + 16) {
            if !block.is_ascii() {
                break;
            }
            // A word starts at a non-space byte after a space (or the
            // line's start): counted from each byte and the one before it,
            // with no running state from byte to byte, the compiler does
            // the sixteen side by side.
            // `is_ascii_space` with `|`, not a `matches!` the compiler
            // turns into a branch per byte.
            let space: [bool; 16] =
                std::array::from_fn(|j| (block[j] == b' ') | (block[j].wrapping_sub(0x09) < 5));
            n += usize::from(!space[0] & !in_word);
            n += space
                .iter()
                .zip(&space[1..])
                .map(|(&before, &here)| usize::from(before & !here))
                .sum::<usize>();
            in_word = !space[15];
            i += 16;
            if n >= limit {
                return limit;
            }
        }
        if i >= bytes.len() {
            return n;
        }
        // A block with a non-ASCII character (a curly quote, a dash), or
        // the line's last few bytes: a character at a time to the block's
        // end, then blocks again (a third of a page dump's bytes are on
        // lines with a non-ASCII character, most of them ASCII still).
        let block_end = (i + 16).min(bytes.len());
        while i < block_end {
            let b = bytes[i];
            let space = if b < 0x80 {
                i += 1;
                is_ascii_space(b)
            } else {
                let Some(c) = s[i..].chars().next() else {
                    return n;
                };
                i += c.len_utf8();
                c.is_whitespace()
            };
            if !space && !in_word {
                n += 1;
                if n >= limit {
                    return n;
                }
            }
            in_word = !space;
        }
    }
}

/// Whether `s` holds at least `n` characters: `s.chars().count() >= n`,
/// counted only when its length does not settle it (a character takes one
/// to four bytes), which it does for most lines a bound is asked of.
pub(crate) fn has_chars(s: &str, n: usize) -> bool {
    s.len() >= n && (s.len() >= n.saturating_mul(4) || s.chars().count() >= n)
}

/// What the tests of several stages share: engines built from rule text.
#[cfg(test)]
mod testing {
    use crate::{Engine, RuleSet};

    /// An engine running the rules of `toml`, a rule file's text.
    pub(crate) fn engine(toml: &str) -> Engine {
        Engine::new(RuleSet::builder().source("t.toml", toml).build().unwrap()).unwrap()
    }

    /// A rule file holding one rule (id `r`, category `c`) with the pattern
    /// keys of `body`.
    pub(crate) fn rule(body: &str) -> String {
        format!(
            "[[rule]]\nid = \"r\"\ncategory = \"c\"\nsummary = \"s\"\nremove = [\"x\"]\nkeep = [\"y\"]\n{body}\n"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{has_chars, word_count_upto};

    proptest::proptest! {
        #[test]
        fn has_chars_is_a_char_count(
            // Characters of one to four bytes, and runs of four-byte ones
            // (where the length alone says least).
            s in "\\PC{0,40}|[a\u{e9}\u{20ac}\u{1f600}]{0,40}|[\u{1f600}\u{1f601}]{0,12}a?",
            n in 0usize..50,
        ) {
            proptest::prop_assert_eq!(has_chars(&s, n), s.chars().count() >= n);
        }
    }

    #[test]
    fn ln1p_is_ln_1p_to_the_bit() {
        for x in [
            0.0f32,
            -0.0,
            1.0,
            2.5,
            1023.0,
            1024.0,
            1e9,
            -0.5,
            f32::NAN,
            7.0,
        ] {
            assert_eq!(super::ln1p(x).to_bits(), x.ln_1p().to_bits(), "{x}");
        }
        for i in 0..2048 {
            let x = i as f32;
            assert_eq!(super::ln1p(x).to_bits(), x.ln_1p().to_bits(), "{x}");
        }
    }

    #[test]
    fn word_counts_agree_with_split_whitespace() {
        for s in [
            "",
            "   ",
            "one",
            " two  words ",
            "a\tb\x0bc\x0cd\re",
            "caf\u{e9} au\u{a0}lait ok",
            "x y z w v u",
        ] {
            for limit in 0..8 {
                let expected = s.split_whitespace().take(limit).count();
                assert_eq!(word_count_upto(s, limit), expected, "{s:?} {limit}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn word_counts_agree_on_any_text(
            s in "[a-z\\x00-\\x20\u{85}\u{a0}\u{1680}\u{2000}-\u{200b}\u{3000}é日]{0,80}",
            limit in 0usize..40,
        ) {
            proptest::prop_assert_eq!(word_count_upto(&s, limit), s.split_whitespace().take(limit).count());
        }

        #[test]
        fn word_counts_agree_on_long_ascii_text(
            s in "[a-c \\t\\n\\x0b\\x0c\\r.]{0,120}(\u{a0}[a ]{0,20})?",
            limit in 0usize..60,
        ) {
            proptest::prop_assert_eq!(word_count_upto(&s, limit), s.split_whitespace().take(limit).count());
        }

        /// Long lines with non-ASCII characters, white space or not, here
        /// and there: blocks, then characters, then blocks again.
        #[test]
        fn word_counts_agree_on_long_mixed_text(
            s in "([a-c \t.]{0,24}[\u{a0}\u{2019}\u{2003}é\u{3000}—]){0,8}[a-c ]{0,24}",
            limit in 0usize..60,
        ) {
            proptest::prop_assert_eq!(word_count_upto(&s, limit), s.split_whitespace().take(limit).count());
        }
    }
}
