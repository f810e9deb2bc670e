//! Menu runs: navigation printed as one short item per line ("Home",
//! "World", "Business", "Sport"...).

use super::prose::{ProseIndex, ProseLines};
use super::{has_chars, word_count_upto};
use crate::claims::Claims;
use crate::document::Document;
use crate::rules::RuleIndex;
use crate::rules::params::MenuRun;

impl MenuRun {
    /// A menu item: short, starts with an uppercase letter, no digits (list
    /// items with quantities and dates are content), and no sentence
    /// punctuation anywhere.
    ///
    /// Every line of a page is asked, so the cheapest tests come first: the
    /// length and the first character, then the character count (settled
    /// by the length on most lines), then the punctuation, a byte at a
    /// time, on the short lines left, and the words last.
    fn is_item(&self, s: &str) -> bool {
        if s.len() > self.max_chars.saturating_mul(4)
            || !s.chars().next().is_some_and(char::is_uppercase)
            || has_chars(s, self.max_chars.saturating_add(1))
            || s.bytes().any(|b| {
                b.is_ascii_digit()
                    || matches!(
                        b,
                        b'.' | b'!' | b'?' | b',' | b';' | b':' | b'"' | b'(' | b')'
                    )
            })
        {
            return false;
        }
        let words = word_count_upto(s, self.max_words + 1);
        words > 0 && words <= self.max_words
    }

    pub(crate) fn apply(
        &self,
        doc: &Document,
        prose: &ProseLines,
        claims: &mut Claims,
        rule: RuleIndex,
    ) {
        let prose = ProseIndex::new(prose, claims);
        // A run holds menu-like lines; those another rule already claimed (a
        // "Home" literal, say) count toward its length but are not claimed
        // again. At least half of the run must be new items, so a heading
        // after a row of share buttons does not become a menu by association.
        let mut run: Vec<usize> = Vec::new();
        let mut claimed = 0;
        let mut first = 0;
        let mut last = 0;
        let flush = |run: &mut Vec<usize>,
                     claimed: &mut usize,
                     first: usize,
                     last: usize,
                     claims: &mut Claims| {
            let len = run.len() + *claimed;
            let mut menu = len >= self.min_lines && run.len() * 2 >= self.min_lines;
            // No known item in the run: it must stand outside the prose.
            if menu && *claimed == 0 && self.embedded_share > 0.0 {
                menu = !prose.embeds(first, last, self.embedded_share);
            }
            if menu {
                let note = format!("run of {len} menu-like lines");
                claims.claim_lines_because(run.iter().copied(), rule, note);
            }
            run.clear();
            *claimed = 0;
        };
        for (i, line) in doc.lines().iter().enumerate() {
            // Blank lines neither break a run nor count.
            if line.blank {
                continue;
            }
            let item = self.is_item(doc.line_trimmed(i));
            if item && run.is_empty() && claimed == 0 {
                first = i;
            }
            match (item, claims.is_claimed(i)) {
                (true, true) => {
                    claimed += 1;
                    last = i;
                }
                (true, false) => {
                    run.push(i);
                    last = i;
                }
                (false, true) => {}
                (false, false) => flush(&mut run, &mut claimed, first, last, claims),
            }
        }
        flush(&mut run, &mut claimed, first, last, claims);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `is_item` as it was written first, its tests one after another.
    fn is_item_reference(m: &MenuRun, s: &str) -> bool {
        if s.len() > m.max_chars * 4 || s.chars().count() > m.max_chars {
            return false;
        }
        let words = word_count_upto(s, m.max_words + 1);
        if words == 0 || words > m.max_words {
            return false;
        }
        if !s.chars().next().is_some_and(char::is_uppercase) {
            return false;
        }
        !s.chars().any(|c| {
            c.is_ascii_digit() || matches!(c, '.' | '!' | '?' | ',' | ';' | ':' | '"' | '(' | ')')
        })
    }

    proptest::proptest! {
        /// The same verdict whatever the order of the tests: short and long
        /// lines, upper and lower case first, punctuation, digits, and
        /// multi-byte characters (a capital É, a no-break space).
        #[test]
        fn is_item_is_the_reference(
            s in "[A-Za-z\u{c9}\u{e9} \u{a0}.,:1]{0,40}|[A-Z][a-z]{0,12}( [A-Za-z\u{e9}]{1,9}){0,4}",
            max_chars in 0usize..40,
            max_words in 0usize..5,
        ) {
            let m = MenuRun { max_chars, max_words, ..MenuRun::default() };
            proptest::prop_assert_eq!(m.is_item(&s), is_item_reference(&m, &s));
        }
    }
}
