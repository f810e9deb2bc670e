//! Literal rules.
//!
//! A whole-line literal can only match a line that *is* the literal, so
//! those are one hash lookup per line (keyed by the ASCII-lowercased text):
//! scanning for them instead would report every "Go", "All" or "Top" inside
//! article sentences. Prefix and contains literals, which can occur
//! anywhere, share one Aho-Corasick automaton scanned over the document.

use super::{Hit, trimmed_span};
use crate::document::Document;
use crate::rules::{MatchMode, Pattern, PatternRule, RuleIndex};
use crate::span::Span;
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashMap;

/// Whole-line literals by their ASCII-lowercased bytes, each with its owner
/// and exact text. Keys are short and looked up once per line: a fast hash,
/// not SipHash.
type LineTable = HashMap<Box<[u8]>, Vec<(Owner, Box<str>)>, foldhash::fast::RandomState>;

/// What a literal belongs to.
#[derive(Clone, Copy, Debug)]
struct Owner {
    rule: RuleIndex,
    mode: MatchMode,
    /// Case-sensitive rules share the ASCII-case-insensitive lookups and
    /// check the exact bytes of each hit.
    exact: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct LiteralMatcher {
    /// Whole-line literals.
    lines: LineTable,
    /// Length of the longest whole-line literal: longer lines are not looked up.
    longest: usize,
    /// ASCII-lowercased first bytes of the whole-line literals: a line
    /// starting otherwise is not looked up.
    first_bytes: [bool; 256],
    /// Whole-line literals of `fold = true` rules, by their folded form
    /// (see [`crate::fold`]), with the length of the longest key.
    folded: HashMap<Box<str>, Vec<RuleIndex>, foldhash::fast::RandomState>,
    folded_longest: usize,
    /// Prefix and contains literals.
    scan: Option<Scan>,
}

#[derive(Clone, Debug)]
struct Scan {
    ac: AhoCorasick,
    owners: Vec<Owner>,
    literals: Vec<String>,
}

impl LiteralMatcher {
    pub(crate) fn new(
        rules: &[(RuleIndex, &PatternRule)],
    ) -> crate::Result<Option<LiteralMatcher>> {
        let mut lines = LineTable::default();
        let mut longest = 0;
        let mut first_bytes = [false; 256];
        let mut owners = Vec::new();
        let mut literals = Vec::new();
        let mut folded: HashMap<Box<str>, Vec<RuleIndex>, _> = HashMap::default();
        let mut folded_longest = 0;
        for &(rule, p) in rules {
            let Pattern::Literals(lits) = &p.pattern else {
                continue;
            };
            let owner = Owner {
                rule,
                mode: p.mode,
                exact: !p.case_insensitive,
            };
            for l in lits {
                if p.fold {
                    let key = crate::fold::fold(l);
                    folded_longest = folded_longest.max(key.len());
                    let owners = folded.entry(key.into()).or_default();
                    if !owners.contains(&rule) {
                        owners.push(rule);
                    }
                } else if p.mode == MatchMode::WholeLine {
                    longest = longest.max(l.len());
                    if let Some(&b) = l.as_bytes().first() {
                        first_bytes[usize::from(b.to_ascii_lowercase())] = true;
                    }
                    lines
                        .entry(l.to_ascii_lowercase().into_bytes().into())
                        .or_default()
                        .push((owner, l.as_str().into()));
                } else {
                    owners.push(owner);
                    literals.push(l.clone());
                }
            }
        }
        if lines.is_empty() && literals.is_empty() && folded.is_empty() {
            return Ok(None);
        }
        let scan = if literals.is_empty() {
            None
        } else {
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
            Some(Scan {
                ac,
                owners,
                literals,
            })
        };
        Ok(Some(LiteralMatcher {
            lines,
            longest,
            first_bytes,
            folded,
            folded_longest,
            scan,
        }))
    }

    pub(crate) fn find(&self, doc: &Document, hits: &mut Vec<Hit>) {
        if !self.lines.is_empty() {
            self.find_whole_lines(doc, hits);
        }
        if !self.folded.is_empty() {
            self.find_folded_lines(doc, hits);
        }
        if let Some(scan) = &self.scan {
            scan.find(doc, hits);
        }
    }

    /// One fold and one lookup per line; the fold stops as soon as the key
    /// is longer than every folded literal, so long lines cost little.
    fn find_folded_lines(&self, doc: &Document, hits: &mut Vec<Hit>) {
        let mut key = String::with_capacity(self.folded_longest + 8);
        for (i, line) in doc.lines().iter().enumerate() {
            if line.blank {
                continue;
            }
            let content = doc.slice(line.content());
            if !crate::fold::fold_into(content, &mut key, self.folded_longest) {
                continue;
            }
            if let Some(rules) = self.folded.get(key.as_str()) {
                let span = trimmed_span(doc, i);
                for &rule in rules {
                    hits.push(Hit {
                        rule,
                        span,
                        line: i,
                    });
                }
            }
        }
    }

    fn find_whole_lines(&self, doc: &Document, hits: &mut Vec<Hit>) {
        let text = doc.text();
        let mut key = Vec::with_capacity(self.longest);
        for (i, line) in doc.lines().iter().enumerate() {
            let content = &text.as_bytes()[line.start..line.content_end];
            let (Some(&first), Some(&last)) = (content.first(), content.last()) else {
                continue;
            };
            // Most lines start and end with a visible ASCII character, so
            // trimming cannot change them; only the others need the
            // Unicode-aware trim.
            let t = if first.is_ascii_graphic() && last.is_ascii_graphic() {
                line.content()
            } else {
                trimmed_span(doc, i)
            };
            if t.len() > self.longest
                || !text
                    .as_bytes()
                    .get(t.start)
                    .is_some_and(|&b| self.first_bytes[usize::from(b.to_ascii_lowercase())])
            {
                continue;
            }
            let bytes = &text.as_bytes()[t.range()];
            key.clear();
            key.extend(bytes.iter().map(u8::to_ascii_lowercase));
            let Some(owners) = self.lines.get(key.as_slice()) else {
                continue;
            };
            for (owner, literal) in owners {
                if !owner.exact || bytes == literal.as_bytes() {
                    hits.push(Hit {
                        rule: owner.rule,
                        span: t,
                        line: i,
                    });
                }
            }
        }
    }
}

impl Scan {
    fn find(&self, doc: &Document, hits: &mut Vec<Hit>) {
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
                    line,
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
