//! All regex rules: a prefilter finds the lines each rule may match (see
//! [`prefilter`](super::prefilter)), then the rule's own regex runs on each
//! such line alone to find the spans.
//!
//! Rules apply within one line, so a regex is matched against each line's
//! content (no terminator); `^`, `$` and `\b` see the line's edges as they
//! would in the whole document. Only span rules need the matched bounds; for
//! line and tail rules a hit covers the line's content.

use super::Hit;
use super::prefilter::LinePrefilter;
use crate::document::Document;
use crate::rules::SearchRegex;
use crate::rules::{Pattern, PatternRule, RuleIndex, Scope};
use crate::span::Span;
use rayon::prelude::*;
use regex_syntax::hir::Hir;

#[derive(Debug)]
struct RegexRule {
    rule: RuleIndex,
    regex: SearchRegex,
    /// Span rules need every match's bounds; line and tail rules only need
    /// to know whether the line matches, which is one forward scan with an
    /// early exit instead of a forward and a reverse one per match. A regex
    /// that can match the empty string also takes the long way, since empty
    /// matches do not count.
    spans: bool,
}

#[derive(Debug)]
pub(crate) struct RegexMatcher {
    rules: Vec<RegexRule>,
    /// `None` when the prefilter could not be built: every line is checked.
    prefilter: Option<LinePrefilter>,
}

impl RegexMatcher {
    pub(crate) fn new(rules: &[(RuleIndex, &PatternRule)]) -> crate::Result<Option<RegexMatcher>> {
        let regexes: Vec<(RuleIndex, Scope, &SearchRegex)> = rules
            .iter()
            .filter_map(|&(rule, p)| match &p.pattern {
                Pattern::Regex { compiled, .. } => Some((rule, p.scope, compiled)),
                Pattern::Literals(_) => None,
            })
            .collect();
        if regexes.is_empty() {
            return Ok(None);
        }
        // Each source is parsed once, for both the prefilter and the empty
        // match test; parsing is a good part of start-up, so in parallel.
        let parsed: Vec<Option<Hir>> = regexes
            .par_iter()
            .map(|(_, _, r)| regex_syntax::Parser::new().parse(r.as_str()).ok())
            .collect();
        let rules = regexes
            .iter()
            .zip(&parsed)
            .map(|(&(rule, scope, regex), hir)| RegexRule {
                rule,
                regex: regex.clone(),
                spans: scope == Scope::Span || hir.as_ref().is_none_or(can_match_empty),
            })
            .collect();
        // A source the parser refuses (the regex crate compiled it, so it
        // cannot happen): no prefilter, every line is checked.
        let prefilter = parsed
            .into_iter()
            .collect::<Option<Vec<Hir>>>()
            .and_then(|hirs| LinePrefilter::new(&hirs));
        Ok(Some(RegexMatcher { rules, prefilter }))
    }

    pub(crate) fn find(&self, doc: &Document, hits: &mut Vec<Hit>) {
        // Candidate lines per rule, each with whether it is known to match
        // already. Each rule is reported by one DFA, in line order, so
        // merging repeats of the last line is enough.
        let mut candidates: Vec<Vec<(usize, bool)>> = vec![Vec::new(); self.rules.len()];
        match &self.prefilter {
            Some(pre) => pre.candidates(doc, |rule, line, certain| {
                let lines = &mut candidates[rule];
                match lines.last_mut() {
                    Some(last) if last.0 == line => last.1 |= certain,
                    _ => lines.push((line, certain)),
                }
            }),
            None => candidates.fill((0..doc.lines().len()).map(|l| (l, false)).collect()),
        }
        let text = doc.text();
        for (r, lines) in self.rules.iter().zip(&candidates) {
            for &(line, certain) in lines {
                let content = doc.lines()[line].content();
                let haystack = &text[content.range()];
                if !r.spans {
                    // A line the prefilter knows to match needs neither the
                    // regex's run nor, for a rule that only ever meets such
                    // lines, its compiling.
                    if certain || r.regex.get().is_match(haystack) {
                        hits.push(Hit {
                            rule: r.rule,
                            span: content,
                            line,
                        });
                    }
                    continue;
                }
                for m in r.regex.get().find_iter(haystack) {
                    if m.start() < m.end() {
                        hits.push(Hit {
                            rule: r.rule,
                            span: Span::new(content.start + m.start(), content.start + m.end()),
                            line,
                        });
                    }
                }
            }
        }
    }
}

/// True when `hir` may match the empty string somewhere.
fn can_match_empty(hir: &Hir) -> bool {
    hir.properties().minimum_len() == Some(0)
}
