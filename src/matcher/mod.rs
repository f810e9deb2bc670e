//! Pattern matching: every pattern rule of a set, compiled once.
//!
//! All literals of all rules live in one Aho-Corasick automaton; all regexes
//! in one `RegexSet` that says which rules hit a document, after which only
//! those rules' own regexes run to find where. Both scan the whole document
//! in one pass rather than line by line. The result is a list of [`Hit`]s
//! that already satisfy each rule's match mode and case rules.

mod literal;
mod regex;

use crate::document::Document;
use crate::rules::{Pattern, RuleIndex, RuleKind, RuleSet};
use crate::span::Span;

/// A pattern rule matched `span`, which lies inside one line's content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The rule that matched.
    pub rule: RuleIndex,
    /// The matched bytes.
    pub span: Span,
}

/// The compiled patterns of a rule set.
#[derive(Clone, Debug)]
pub(crate) struct Matcher {
    literal: Option<literal::LiteralMatcher>,
    regex: Option<regex::RegexMatcher>,
}

impl Matcher {
    pub(crate) fn new(rules: &RuleSet) -> crate::Result<Matcher> {
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
        Ok(Matcher {
            literal: literal::LiteralMatcher::new(&literal_rules)?,
            regex: regex::RegexMatcher::new(&regex_rules)?,
        })
    }

    /// Appends every hit in `doc` to `hits` (in no particular order).
    pub(crate) fn find(&self, doc: &Document, hits: &mut Vec<Hit>) {
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
