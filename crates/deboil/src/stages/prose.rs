//! Is this line prose? The tests deboil asks it with, and why they differ.
//!
//! Several stages need to know whether a line is running text, and each
//! asks a different question: how much of the page's article lies after a
//! marker, whether a line may override a model, whether a short document
//! still has something to keep, whether a line seen once is article text
//! rather than boilerplate. The answers are tuned to those questions (and,
//! for the models, fitted with them), so they are not one test with a
//! threshold. Unifying any two would change output; each is pinned as it
//! is, and the table in this module's tests shows where they disagree.
//!
//! | test | a line is prose when | used by |
//! |---|---|---|
//! | [`is_prose`] (here) | 8+ words, and 100+ bytes or ending in `.` `!` `?` `"` `”` `)` | [`ProseIndex`] |
//! | [`ends_sentence`] (here) | 2+ words, ending in `.` `!` `?` `。` before closing quotes and brackets | content model's last nets |
//! | [`is_sentence`] (in `classify.rs`, re-exported here) | 10+ words, ending in `.` `!` `?` before closing quotes and brackets, no `\|` `•` `›` | `prose-floor` of both models, `prose-share` of `content-model` |
//! | `is_prose_row` (in `features.rs`) | 100+ characters, at least 15% function words | the 41 structural features |
//! | [`crate::learn::is_prose`] (in `learn.rs`) | `words`+ words (8 when learning), ending in sentence punctuation, `…` `:` `;` or a closing quote or bracket | `deboil learn` |
//!
//! - **[`is_prose`]** decides which lines count in a [`ProseIndex`]: the
//!   bytes of the page's unclaimed prose before each line. Tail rules ask it
//!   how much of the article follows their marker (`tail-max-prose-after`)
//!   and whether a thread starts after the main text (`tail-thread`);
//!   `menu-run` and `repeated-block` ask whether a run sits inside the
//!   article (`embedded-share`). It measures where the text is, so a long
//!   unpunctuated line (a scraped paragraph that lost its full stop) counts,
//!   and eight words are enough.
//! - **[`ends_sentence`]** is the content model's fallback when it would
//!   otherwise leave a short document or an emptied one with nothing: keep
//!   the lines that end a sentence ("Body text." survives "Share on
//!   Facebook"). Two words and a full stop suffice, because there the
//!   alternative is keeping nothing; CJK full stops count.
//! - **[`is_sentence`]** lets a full sentence overrule the models: it is
//!   removed only on strong evidence (`prose-floor`), and a page mostly made
//!   of such lines raises the bias towards keeping (`prose-share`,
//!   `prose-bias`). It is the strictest test (ten words, no menu
//!   separators), because it overrides a fitted model: the looser
//!   [`is_prose`] there costs 0.003 F1 on the corpus. It lives in
//!   `stages/classify.rs` next to its first user, the content-v1
//!   classifier; the content model imports it from here.
//! - **`is_prose_row`** (private to `stages/features.rs`) is part of
//!   the definition of the structural features both models were fitted on
//!   (prose windows and shares): it reads a line's feature row, not its
//!   text, and must not change without refitting the models.
//! - **[`crate::learn::is_prose`]** keeps a line that `deboil learn` saw only
//!   once out of the boilerplate candidates when it reads as a sentence of at
//!   least `words` words. Learning looks at every line of a corpus, so it
//!   also takes `:` and `;` endings (lead-ins to lists and quotes are text).
//!
//! Their opposites live with their stages: `is_heading` (in `classify.rs`,
//! a short title-like line the models rescue) and `MenuRun::is_item` (in
//! `menu.rs`, a short capitalized line with no sentence punctuation at all).

use super::word_count_upto;
use crate::claims::Claims;
use crate::document::Document;
use std::cell::OnceCell;

pub(crate) use super::classify::is_sentence;

/// Fewest words in a prose line.
const PROSE_WORDS: usize = 8;

/// A line of running text: several words ending a sentence, or long.
pub(crate) fn is_prose(s: &str) -> bool {
    // The cheap test first: most lines of a page are not prose.
    (s.len() >= 100 || s.ends_with(['.', '!', '?', '"', '”', ')']))
        && word_count_upto(s, PROSE_WORDS) >= PROSE_WORDS
}

/// A line of two words or more that ends like a sentence.
pub(crate) fn ends_sentence(text: &str) -> bool {
    let end = text.trim_end_matches(['"', '\'', '”', '’', ')', '»']);
    end.ends_with(['.', '!', '?', '。']) && text.split_whitespace().nth(1).is_some()
}

/// The lines of a document that read as prose ([`is_prose`]) and their
/// lengths, found on first use and then kept for every stage that asks
/// where the page's prose is. Each of those builds its own [`ProseIndex`]
/// (what is claimed changes from stage to stage), and reading every line's
/// words again for each was most of their cost.
pub(crate) struct ProseLines<'d, 't> {
    doc: &'d Document<'t>,
    /// `(line, length in bytes)`, in line order.
    lines: OnceCell<Vec<(usize, usize)>>,
}

impl<'d, 't> ProseLines<'d, 't> {
    pub(crate) fn new(doc: &'d Document<'t>) -> ProseLines<'d, 't> {
        ProseLines {
            doc,
            lines: OnceCell::new(),
        }
    }

    fn lines(&self) -> &[(usize, usize)] {
        self.lines.get_or_init(|| {
            self.doc
                .nonblank()
                .filter_map(|i| {
                    let s = self.doc.line_trimmed(i);
                    is_prose(s).then_some((i, s.len()))
                })
                .collect()
        })
    }
}

/// Where a document's prose is: bytes of unclaimed prose lines before each
/// line, so a stage can tell a list inside the text from furniture around it.
pub(crate) struct ProseIndex {
    /// The unclaimed prose lines, in order, and the bytes of those up to
    /// and including each.
    lines: Vec<usize>,
    through: Vec<usize>,
}

impl ProseIndex {
    pub(crate) fn new(prose: &ProseLines, claims: &Claims) -> ProseIndex {
        // Sized for every prose line (most are not claimed): grown from
        // nothing, they were copied several times a document.
        let n = prose.lines().len();
        let (mut lines, mut through) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut total = 0;
        for &(i, len) in prose.lines() {
            if !claims.is_claimed(i) {
                total += len;
                lines.push(i);
                through.push(total);
            }
        }
        ProseIndex { lines, through }
    }

    /// The share of the page's prose on lines before `line` (`None` on a
    /// page without prose).
    pub(crate) fn share_before(&self, line: usize) -> Option<f64> {
        let total = *self.through.last().unwrap_or(&0) as f64;
        let before = match self.lines.partition_point(|&i| i < line) {
            0 => 0,
            n => self.through[n - 1],
        };
        (total > 0.0).then(|| before as f64 / total)
    }

    /// Whether lines `first..=last` have at least `share` of the page's
    /// prose on each side (never on a page without prose).
    pub(crate) fn embeds(&self, first: usize, last: usize, share: f64) -> bool {
        match (self.share_before(first), self.share_before(last + 1)) {
            (Some(before), Some(through)) => before >= share && 1.0 - through >= share,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the tests disagree: each line with the verdicts of
    /// `is_prose`, `ends_sentence`, `is_sentence` and `learn::is_prose(_, 8)`.
    #[test]
    fn the_prose_tests_differ_where_documented() {
        let cases: &[(&str, [bool; 4])] = &[
            // Ten words and a full stop: prose to all of them.
            (
                "The council voted on Tuesday to extend the bus route.",
                [true, true, true, true],
            ),
            // Two words and a full stop: only the content model's last net.
            ("Body text.", [false, true, false, false]),
            // Nine words: too short to overrule a model.
            (
                "The council voted on Tuesday to extend the route.",
                [true, true, false, true],
            ),
            // A menu separator inside a sentence: not a sentence.
            (
                "News | Sport | Weather and everything else you need to know today.",
                [true, true, false, true],
            ),
            // A lead-in ending with a colon: learning keeps it as text.
            (
                "These are the steps the council took before the vote:",
                [false, false, false, true],
            ),
            // A long line without a full stop: it still carries prose.
            (
                "a scraped paragraph that lost its final full stop somewhere along the way \
                 but still runs on for well over a hundred bytes of text",
                [true, false, false, false],
            ),
            // A quotation closing the sentence.
            (
                "\u{201c}We will extend the route next year,\u{201d} the mayor said on Tuesday.",
                [true, true, true, true],
            ),
        ];
        for (line, expected) in cases {
            let got = [
                is_prose(line),
                ends_sentence(line),
                is_sentence(line),
                crate::learn::is_prose(line, 8),
            ];
            assert_eq!(&got, expected, "{line:?}");
        }
    }

    proptest::proptest! {
        /// The share of prose before each line (and past the last) is the
        /// bytes of the unclaimed prose lines before it over all of them,
        /// as a walk over every line with the stage's claims finds it.
        #[test]
        fn prose_shares_are_what_a_walk_over_the_lines_finds(
            rows in proptest::collection::vec((0usize..4, proptest::bool::weighted(0.3)), 0..30),
        ) {
            let texts = [
                "",
                "Menu",
                "The council voted on Tuesday to extend the bus route.",
                "Eight words that end in a full stop, said.",
            ];
            let text: String = rows.iter().map(|&(t, _)| format!("{}\n", texts[t])).collect();
            let doc = Document::new(&text);
            let mut claims = Claims::new(doc.lines().len());
            for (i, &(_, claimed)) in rows.iter().enumerate() {
                if claimed && !doc.lines()[i].blank {
                    claims.claim_line(i, crate::rules::RuleIndex(0));
                }
            }
            let prose = ProseLines::new(&doc);
            let index = ProseIndex::new(&prose, &claims);
            let counts = |i: usize| {
                let l = &doc.lines()[i];
                !l.blank && !claims.is_claimed(i) && is_prose(doc.line_trimmed(i))
            };
            let len = |i: usize| if counts(i) { doc.line_trimmed(i).len() } else { 0 };
            let total: usize = (0..doc.lines().len()).map(len).sum();
            for line in 0..=doc.lines().len() {
                let before: usize = (0..line).map(len).sum();
                let want = (total > 0).then(|| before as f64 / total as f64);
                proptest::prop_assert_eq!(index.share_before(line), want, "line {}", line);
            }
        }
    }
}
