//! Repeated lines: a page often prints its title, a teaser or a caption
//! twice in a row; the second copy of a non-trivial line adds nothing.
//!
//! Only near repeats count. Far apart, the first copy is as likely to be the
//! debris (a table of contents before the headings it lists, a teaser before
//! the story) and the right copy to drop cannot be told from text alone.

use super::prose::ProseIndex;
use super::word_count_upto;
use crate::claims::Claims;
use crate::document::Document;
use crate::rules::RuleIndex;
use crate::rules::params::{RepeatedBlock, RepeatedLine};
use foldhash::{HashMap, HashMapExt};

impl RepeatedLine {
    pub(crate) fn apply(&self, doc: &Document, claims: &mut Claims, rule: RuleIndex) {
        // Line text -> (line index of its kept copy, non-blank ordinal of
        // its last copy): a run of repeats is a chain, each near the last.
        let mut seen: HashMap<&str, (usize, usize)> = HashMap::new();
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
            // Byte length bounds the char count from above: cheap reject first.
            if line.len() < self.min_chars
                || line.chars().count() < self.min_chars
                || word_count_upto(line, self.min_words) < self.min_words
            {
                continue;
            }
            match seen.get_mut(line) {
                Some((first, at)) if ordinal - *at <= self.max_distance => {
                    *at = ordinal;
                    claims.claim_line_because(i, rule, format!("repeats line {}", *first + 1));
                }
                _ => {
                    seen.insert(line, (i, ordinal));
                }
            }
        }
    }
}

impl RepeatedBlock {
    pub(crate) fn apply(&self, doc: &Document, claims: &mut Claims, rule: RuleIndex) {
        let prose = ProseIndex::new(doc, claims);
        let embedded = |first: usize, last: usize| {
            self.embedded_share > 0.0 && prose.embeds(first, last, self.embedded_share)
        };
        // Key: the block's trimmed lines; value: the first and last line of
        // its first copy.
        let mut seen: HashMap<Vec<&str>, (usize, usize)> = HashMap::new();
        for block in doc.blocks() {
            let lines: Vec<usize> = block.lines().filter(|&i| !claims.is_claimed(i)).collect();
            if lines.len() < self.min_lines {
                continue;
            }
            let key: Vec<&str> = lines.iter().map(|&i| doc.line_trimmed(i)).collect();
            let chars: usize = key.iter().map(|l| l.chars().count()).sum();
            if chars < self.min_chars {
                continue;
            }
            let (start, end) = (lines[0], lines[lines.len() - 1]);
            match seen.get(&key) {
                Some(&(first, first_end)) => {
                    if embedded(first, first_end) && embedded(start, end) {
                        continue;
                    }
                    let note = format!("repeats the block at line {}", first + 1);
                    for &i in &lines {
                        claims.claim_line_because(i, rule, note.clone());
                    }
                }
                None => {
                    seen.insert(key, (start, end));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
