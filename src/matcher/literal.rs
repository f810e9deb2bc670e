//! All literal rules in one Aho-Corasick automaton.

use super::{Hit, trimmed_span};
use crate::document::Document;
use crate::rules::{MatchMode, Pattern, PatternRule, RuleIndex};
use crate::span::Span;
use aho_corasick::{AhoCorasick, MatchKind};

/// What a pattern of the automaton belongs to.
#[derive(Clone, Copy, Debug)]
struct Owner {
    rule: RuleIndex,
    mode: MatchMode,
    /// Case-sensitive rules share the ASCII-case-insensitive automaton and
    /// check the exact bytes of each hit.
    exact: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct LiteralMatcher {
    ac: AhoCorasick,
    owners: Vec<Owner>,
    literals: Vec<String>,
}

impl LiteralMatcher {
    pub(crate) fn new(
        rules: &[(RuleIndex, &PatternRule)],
    ) -> crate::Result<Option<LiteralMatcher>> {
        let mut owners = Vec::new();
        let mut literals = Vec::new();
        for &(rule, p) in rules {
            if let Pattern::Literals(lits) = &p.pattern {
                for l in lits {
                    owners.push(Owner {
                        rule,
                        mode: p.mode,
                        exact: !p.case_insensitive,
                    });
                    literals.push(l.clone());
                }
            }
        }
        if literals.is_empty() {
            return Ok(None);
        }
        // Standard semantics so that overlapping search reports every
        // literal that occurs, whichever rule or mode it belongs to.
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(&literals)
            .map_err(|e| {
                crate::Error::rules(vec![crate::Diagnostic {
                    file: "<rules>".into(),
                    line: 0,
                    col: 0,
                    rule: None,
                    message: format!("cannot build the literal automaton: {e}"),
                }])
            })?;
        Ok(Some(LiteralMatcher {
            ac,
            owners,
            literals,
        }))
    }

    pub(crate) fn find(&self, doc: &Document, hits: &mut Vec<Hit>) {
        let text = doc.text();
        let lines = doc.lines();
        let mut line = 0;
        // (line index, trimmed span) of the last line whose trim was computed.
        let mut trimmed: Option<(usize, Span)> = None;
        for m in self.ac.find_overlapping_iter(text) {
            let owner = self.owners[m.pattern().as_usize()];
            let span = Span::new(m.start(), m.end());
            if owner.exact
                && text.as_bytes()[span.range()]
                    != *self.literals[m.pattern().as_usize()].as_bytes()
            {
                continue;
            }
            // Hits come in order of their end, and a literal never spans
            // lines, so the line of the last byte only moves forward.
            while lines[line].content_end < span.end {
                line += 1;
            }
            if !is_char_boundary_hit(text, span) {
                continue;
            }
            let ok = match owner.mode {
                MatchMode::Contains => true,
                MatchMode::WholeLine | MatchMode::Prefix => {
                    let t = match trimmed {
                        Some((l, t)) if l == line => t,
                        _ => {
                            let t = trimmed_span(doc, line);
                            trimmed = Some((line, t));
                            t
                        }
                    };
                    span.start == t.start && (owner.mode == MatchMode::Prefix || span.end == t.end)
                }
            };
            if ok {
                hits.push(Hit {
                    rule: owner.rule,
                    span,
                });
            }
        }
    }
}

/// ASCII-case-insensitive matching of a non-ASCII literal can, in principle,
/// land inside a multi-byte character; such a hit is not a real match.
#[inline]
fn is_char_boundary_hit(text: &str, span: Span) -> bool {
    text.is_char_boundary(span.start) && text.is_char_boundary(span.end)
}
