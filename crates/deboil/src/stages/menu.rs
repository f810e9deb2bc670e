//! Menu runs: navigation printed as one short item per line ("Home",
//! "World", "Business", "Sport"...).

use super::prose::ProseIndex;
use super::word_count_upto;
use crate::claims::Claims;
use crate::document::Document;
use crate::rules::RuleIndex;
use crate::rules::params::MenuRun;

impl MenuRun {
    /// A menu item: short, starts with an uppercase letter, no digits (list
    /// items with quantities and dates are content), and no sentence
    /// punctuation anywhere.
    fn is_item(&self, s: &str) -> bool {
        if s.len() > self.max_chars * 4 || s.chars().count() > self.max_chars {
            return false;
        }
        let words = word_count_upto(s, self.max_words + 1);
        if words == 0 || words > self.max_words {
            return false;
        }
        if !s.chars().next().is_some_and(char::is_uppercase) {
            return false;
        }
        !s.chars().any(|c| {
            c.is_ascii_digit() || matches!(c, '.' | '!' | '?' | ',' | ';' | ':' | '"' | '(' | ')')
        })
    }

    pub(crate) fn apply(&self, doc: &Document, claims: &mut Claims, rule: RuleIndex) {
        let prose = ProseIndex::new(doc, claims);
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
                for &i in run.iter() {
                    claims.claim_line_because(i, rule, note.clone());
                }
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
