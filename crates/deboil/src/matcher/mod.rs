//! Pattern matching: every pattern rule of a set, compiled once.
//!
//! Whole-line literals are looked up per line in one hash table; prefix and
//! contains literals share one Aho-Corasick automaton. Regexes go through a
//! line prefilter (weakened forms of all of them, as lazy DFAs) that names
//! the lines each rule may match; only there does the rule's own regex run.
//! Everything is compiled once per engine. The result is a list of [`Hit`]s
//! that already satisfy each rule's match mode and case rules.

mod literal;
mod prefilter;
mod regex;

use crate::document::Document;
use crate::rules::{Pattern, RuleIndex, RuleKind, RuleSet};
use crate::span::Span;

/// A pattern rule matched `span`, which lies inside one line's content.
/// For line and tail rules, where only the line counts, it is the whole
/// content of the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The rule that matched.
    pub rule: RuleIndex,
    /// The matched bytes.
    pub span: Span,
    /// Index of the line holding the span (what `Document::line_of` would
    /// say of its start, known here without a search).
    pub line: usize,
}

/// The compiled patterns of a rule set: the matching stage of an
/// [`Engine`](crate::Engine) on its own, for benchmarks and tools.
#[derive(Debug)]
pub struct Matcher {
    literal: Option<literal::LiteralMatcher>,
    regex: Option<regex::RegexMatcher>,
}

impl Matcher {
    /// Compiles the pattern rules of `rules` (heuristic rules are ignored).
    pub fn new(rules: &RuleSet) -> crate::Result<Matcher> {
        let mut literal_rules = Vec::new();
        let mut regex_rules = Vec::new();
        for (idx, rule) in rules.iter() {
            if let RuleKind::Pattern(p) = &rule.kind {
                match &p.pattern {
                    Pattern::Literals(_) => literal_rules.push((idx, p)),
                    Pattern::Regex { .. } => regex_rules.push((idx, p)),
                }
            }
        }
        // The two automata are independent; building them side by side
        // halves this part of the start-up on two cores.
        let (literal, regex) = rayon::join(
            || literal::LiteralMatcher::new(&literal_rules),
            || regex::RegexMatcher::new(&regex_rules),
        );
        Ok(Matcher {
            literal: literal?,
            regex: regex?,
        })
    }

    /// Appends every hit in `doc` to `hits` (in no particular order).
    pub fn find(&self, doc: &Document, hits: &mut Vec<Hit>) {
        if let Some(m) = &self.literal {
            m.find(doc, hits);
        }
        if let Some(m) = &self.regex {
            m.find(doc, hits);
        }
    }
}

/// The span of line `i`'s content without surrounding whitespace.
#[inline]
pub(crate) fn trimmed_span(doc: &Document, i: usize) -> Span {
    let line = doc.lines()[i];
    let content = doc.line_text(i);
    let lead = content.len()
        - content
            .trim_start_matches(crate::document::is_blank_char)
            .len();
    let trimmed = crate::document::trim_blank(content);
    Span::new(line.start + lead, line.start + lead + trimmed.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{MatchMode, Profile, Selection};
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn rules() -> &'static (RuleSet, Matcher) {
        static R: OnceLock<(RuleSet, Matcher)> = OnceLock::new();
        R.get_or_init(|| {
            let selection = Selection {
                profile: Profile::Aggressive,
                ..Selection::default()
            };
            let set = RuleSet::builtin().unwrap().select(&selection).unwrap();
            let m = Matcher::new(&set).unwrap();
            (set, m)
        })
    }

    /// What the matcher must find, computed the slow, obvious way: every
    /// rule against every line on its own.
    fn reference(set: &RuleSet, doc: &Document) -> Vec<(RuleIndex, usize)> {
        let mut out = Vec::new();
        for (idx, rule) in set.iter() {
            let RuleKind::Pattern(p) = &rule.kind else {
                continue;
            };
            for (li, line) in doc.lines().iter().enumerate() {
                let content = doc.slice(line.content());
                let t = crate::document::trim_blank(content);
                let hit = match &p.pattern {
                    Pattern::Regex { compiled, .. } => {
                        compiled.get().find_iter(content).any(|m| !m.is_empty())
                    }
                    Pattern::Literals(lits) => lits.iter().any(|l| {
                        let eq = |a: &str| {
                            if p.fold {
                                crate::fold::fold(a) == crate::fold::fold(l)
                            } else if p.case_insensitive {
                                a.eq_ignore_ascii_case(l)
                            } else {
                                a == l
                            }
                        };
                        match p.mode {
                            MatchMode::WholeLine => eq(t),
                            MatchMode::Prefix => t.get(..l.len()).is_some_and(eq),
                            MatchMode::Contains => (0..=content.len().saturating_sub(l.len()))
                                .any(|i| content.get(i..i + l.len()).is_some_and(eq)),
                        }
                    }),
                };
                if hit {
                    out.push((idx, li));
                }
            }
        }
        out.sort_unstable();
        out
    }

    fn found(set: &RuleSet, m: &Matcher, doc: &Document) -> Vec<(RuleIndex, usize)> {
        let _ = set;
        let mut hits = Vec::new();
        m.find(doc, &mut hits);
        let mut out: Vec<_> = hits
            .iter()
            .map(|h| {
                assert_eq!(h.line, doc.line_of(h.span.start));
                (h.rule, h.line)
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Lines from every rule's own examples (debris and article text), plus
    /// noise, so each rule is exercised on what it targets and what it
    /// must not touch.
    fn example_lines() -> Vec<String> {
        let (set, _) = rules();
        let mut lines: Vec<String> = set
            .iter()
            .flat_map(|(_, r)| r.remove.iter().chain(&r.keep))
            .flat_map(|e| e.text.lines().map(str::to_owned).collect::<Vec<_>>())
            .collect();
        lines.sort();
        lines.dedup();
        lines
    }

    #[test]
    fn finds_exactly_the_lines_every_rule_matches_on_the_examples() {
        let (set, m) = rules();
        let text = example_lines().join("\n");
        let doc = Document::new(&text);
        assert_eq!(found(set, m, &doc), reference(set, &doc));
    }

    fn document() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            4 => prop::sample::select(example_lines()),
            1 => "[a-zA-Z0-9 .,!?:|/()\u{a0}\u{e9}\u{2019}\u{200b}\r-]{0,40}",
        ];
        let pad = prop::sample::select(vec!["", " ", "\t", "\u{a0}", "  \u{200b}"]);
        let end = prop::sample::select(vec!["\n", "\r\n", "\r", "\n\n"]);
        prop::collection::vec((pad.clone(), line, pad, end), 0..30).prop_map(|parts| {
            parts
                .into_iter()
                .map(|(a, l, b, e)| format!("{a}{l}{b}{e}"))
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn finds_exactly_the_lines_every_rule_matches(text in document()) {
            let (set, m) = rules();
            let doc = Document::new(&text);
            prop_assert_eq!(found(set, m, &doc), reference(set, &doc));
        }
    }
}
