//! Repeated lines: a page often prints its title, a teaser or a caption
//! twice; the second copy of a non-trivial line adds nothing.

use super::word_count;
use crate::claims::Claims;
use crate::document::Document;
use crate::rules::RuleIndex;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Parameters of the `repeated-line` heuristic.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct RepeatedLine {
    /// Lines shorter than this (in characters, trimmed) are never duplicates:
    /// short lines such as "Yes." or "* * *" legitimately repeat.
    pub min_chars: usize,
    /// Lines with fewer words are never duplicates.
    pub min_words: usize,
}

impl Default for RepeatedLine {
    fn default() -> RepeatedLine {
        RepeatedLine {
            min_chars: 25,
            min_words: 4,
        }
    }
}

impl RepeatedLine {
    pub(crate) fn apply(&self, doc: &Document, claims: &mut Claims, rule: RuleIndex) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for i in 0..doc.lines().len() {
            if doc.lines()[i].blank || claims.is_claimed(i) {
                continue;
            }
            let line = doc.line_trimmed(i);
            // Byte length bounds the char count from above: cheap reject first.
            if line.len() < self.min_chars
                || line.chars().count() < self.min_chars
                || word_count(line) < self.min_words
            {
                continue;
            }
            match seen.get(line) {
                Some(&first) => {
                    claims.claim_line_because(i, rule, format!("repeats line {}", first + 1));
                }
                None => {
                    seen.insert(line, i);
                }
            }
        }
    }
}
