//! Repeated lines: a page often prints its title, a teaser or a caption
//! twice in a row; the second copy of a non-trivial line adds nothing.
//!
//! Only near repeats count. Far apart, the first copy is as likely to be the
//! debris (a table of contents before the headings it lists, a teaser before
//! the story) and the right copy to drop cannot be told from text alone.

use super::prose::{ProseIndex, ProseLines};
use super::{has_chars, word_count_upto};
use crate::claims::Claims;
use crate::document::Document;
use crate::rules::RuleIndex;
use crate::rules::params::{RepeatedBlock, RepeatedLine};
use foldhash::{HashMap, HashMapExt};
use hashbrown::HashTable;
use std::collections::hash_map::Entry;
use std::hash::BuildHasher;

impl RepeatedLine {
    pub(crate) fn apply(&self, doc: &Document, claims: &mut Claims, rule: RuleIndex) {
        // Line text -> (line index of its kept copy, non-blank ordinal of
        // its last copy): a run of repeats is a chain, each near the last.
        // Sized for a page's lines up front (as the duplicate map of the
        // content model's table is), not grown through every size.
        let mut seen: HashMap<&str, (usize, usize)> =
            HashMap::with_capacity(doc.lines().len().min(4096));
        let mut ordinal = 0;
        for i in 0..doc.lines().len() {
            if doc.lines()[i].blank {
                continue;
            }
            ordinal += 1;
            if claims.is_claimed(i) {
                continue;
            }
            let line = doc.line_trimmed(i);
            if !has_chars(line, self.min_chars)
                || word_count_upto(line, self.min_words) < self.min_words
            {
                continue;
            }
            // One lookup (hashing the line once) whether or not it is new.
            match seen.entry(line) {
                Entry::Occupied(mut e) if ordinal - e.get().1 <= self.max_distance => {
                    let (first, at) = e.get_mut();
                    *at = ordinal;
                    claims.claim_line_because(i, rule, format!("repeats line {}", *first + 1));
                }
                Entry::Occupied(mut e) => {
                    e.insert((i, ordinal));
                }
                Entry::Vacant(e) => {
                    e.insert((i, ordinal));
                }
            }
        }
    }
}

impl RepeatedBlock {
    pub(crate) fn apply(
        &self,
        doc: &Document,
        prose: &ProseLines,
        claims: &mut Claims,
        rule: RuleIndex,
    ) {
        let prose = ProseIndex::new(prose, claims);
        let embedded = |first: usize, last: usize| {
            self.embedded_share > 0.0 && prose.embeds(first, last, self.embedded_share)
        };
        // The first copy of each block: its trimmed lines (a run of
        // `texts`), first and last line. Looked up by a hash computed once
        // per block, and a block's texts are copied only to be kept (a map
        // keyed by `Vec<&str>` hashed each block twice, to look it up and to
        // insert it, and allocated a key for each).
        let state = foldhash::fast::RandomState::default();
        let hash = |key: &[&str]| state.hash_one(key);
        // Sized for a page's blocks, as the line maps are sized for a
        // page's lines (grown, the table was rebuilt at each doubling), not
        // for a document of millions, most of whose blocks repeat.
        let blocks = doc.blocks().len().min(1024);
        let mut texts: Vec<&str> = Vec::with_capacity(blocks * 2);
        let mut seen: HashTable<FirstCopy> = HashTable::with_capacity(blocks);
        // A block's unclaimed lines and their texts, reused from block to
        // block.
        let (mut lines, mut key): (Vec<usize>, Vec<&str>) = (Vec::new(), Vec::new());
        for block in doc.blocks() {
            lines.clear();
            lines.extend(block.lines().filter(|&i| !claims.is_claimed(i)));
            if lines.len() < self.min_lines {
                continue;
            }
            key.clear();
            key.extend(lines.iter().map(|&i| doc.line_trimmed(i)));
            if !has_chars_in_all(&key, self.min_chars) {
                continue;
            }
            let (start, end) = (lines[0], lines[lines.len() - 1]);
            let h = hash(&key);
            match seen.find(h, |c| texts[c.texts.clone()] == key[..]) {
                Some(c) => {
                    let (first, first_end) = (c.first, c.last);
                    if embedded(first, first_end) && embedded(start, end) {
                        continue;
                    }
                    let note = format!("repeats the block at line {}", first + 1);
                    for &i in &lines {
                        claims.claim_line_because(i, rule, note.clone());
                    }
                }
                None => {
                    let at = texts.len();
                    texts.extend_from_slice(&key);
                    let copy = FirstCopy {
                        texts: at..texts.len(),
                        first: start,
                        last: end,
                    };
                    seen.insert_unique(h, copy, |c| hash(&texts[c.texts.clone()]));
                }
            }
        }
    }
}

/// The first copy of a block, for [`RepeatedBlock::apply`].
struct FirstCopy {
    /// Where its lines' texts are in the list of kept texts.
    texts: std::ops::Range<usize>,
    /// Its first and last line.
    first: usize,
    last: usize,
}

/// Whether `texts` hold at least `n` characters together, counting no
/// further than that: each text's characters once, unless its length
/// settles what is still needed (a character is at most four bytes).
fn has_chars_in_all(texts: &[&str], n: usize) -> bool {
    let mut need = n;
    for t in texts {
        if need == 0 || t.len() >= need.saturating_mul(4) {
            return true;
        }
        need = need.saturating_sub(t.chars().count());
    }
    need == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn has_chars_in_all_is_a_char_count(
            // Runs of four-byte characters too, where a length says least.
            texts in proptest::collection::vec("\\PC{0,12}|[a\u{e9}\u{1f600}]{0,12}|[\u{1f600}]{0,8}", 0..5),
            n in 0usize..40,
        ) {
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            let total: usize = texts.iter().map(|t| t.chars().count()).sum();
            proptest::prop_assert_eq!(has_chars_in_all(&texts, n), total >= n);
        }
    }

    fn claimed(text: &str, h: &RepeatedLine) -> Vec<usize> {
        let doc = Document::new(text);
        let mut claims = Claims::new(doc.lines().len());
        h.apply(&doc, &mut claims, RuleIndex(0));
        (0..doc.lines().len())
            .filter(|&i| claims.is_claimed(i))
            .collect()
    }

    #[test]
    fn a_run_of_repeats_is_a_chain_and_only_the_first_copy_stays() {
        let line = "The same caption printed again and again\n";
        let h = RepeatedLine {
            max_distance: 2,
            ..RepeatedLine::default()
        };
        assert_eq!(claimed(&line.repeat(8), &h), (1..8).collect::<Vec<_>>());
    }

    #[test]
    fn every_later_copy_of_a_block_names_the_first() {
        let block = "Home\nAbout our company and its history\nContact the team\n";
        let other = "Home\nAbout our company and its history\nContact the teams\n";
        let text = format!("{block}\nBody.\n\n{other}\n{block}\n{block}");
        let doc = Document::new(&text);
        let mut claims = Claims::new(doc.lines().len());
        let prose = ProseLines::new(&doc);
        RepeatedBlock::default().apply(&doc, &prose, &mut claims, RuleIndex(0));
        let lines: Vec<usize> = (0..doc.lines().len())
            .filter(|&i| claims.is_claimed(i))
            .collect();
        // The near copy (one word differs) stays; both exact copies go.
        assert_eq!(lines, vec![10, 11, 12, 14, 15, 16]);
        let removals = claims.into_removals(&doc);
        assert!(!removals.is_empty());
        assert!(
            removals
                .iter()
                .all(|r| r.note.as_deref() == Some("repeats the block at line 1"))
        );
    }

    #[test]
    fn a_far_repeat_is_not_evidence() {
        let line = "The same caption printed again and again\n";
        let mut text = String::from(line);
        for i in 0..4 {
            text.push_str(&format!("Line number {i} of the article, all different.\n"));
        }
        text.push_str(line);
        let h = RepeatedLine {
            max_distance: 3,
            ..RepeatedLine::default()
        };
        assert!(claimed(&text, &h).is_empty());
    }
}
