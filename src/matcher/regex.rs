//! All regex rules: one `RegexSet` to learn which rules hit a document, then
//! each hit rule's own compiled regex to find the spans.

use super::Hit;
use crate::document::Document;
use crate::rules::{Pattern, PatternRule, RuleIndex};
use crate::span::Span;
use regex::{Regex, RegexSet, RegexSetBuilder};

#[derive(Clone, Debug)]
pub(crate) struct RegexMatcher {
    set: RegexSet,
    rules: Vec<(RuleIndex, Regex)>,
}

impl RegexMatcher {
    pub(crate) fn new(rules: &[(RuleIndex, &PatternRule)]) -> crate::Result<Option<RegexMatcher>> {
        let compiled: Vec<(RuleIndex, Regex)> = rules
            .iter()
            .filter_map(|&(idx, p)| match &p.pattern {
                Pattern::Regex { compiled, .. } => Some((idx, compiled.clone())),
                Pattern::Literals(_) => None,
            })
            .collect();
        if compiled.is_empty() {
            return Ok(None);
        }
        let set = RegexSetBuilder::new(compiled.iter().map(|(_, r)| r.as_str()))
            .size_limit(1 << 26)
            .dfa_size_limit(1 << 26)
            .build()
            .map_err(|e| {
                crate::Error::rules(vec![crate::Diagnostic {
                    file: "<rules>".into(),
                    line: 0,
                    col: 0,
                    rule: None,
                    message: format!("cannot build the regex set: {e}"),
                }])
            })?;
        Ok(Some(RegexMatcher {
            set,
            rules: compiled,
        }))
    }

    pub(crate) fn find(&self, doc: &Document, hits: &mut Vec<Hit>) {
        let text = doc.text();
        for i in self.set.matches(text).iter() {
            let (rule, re) = &self.rules[i];
            for m in re.find_iter(text) {
                let span = Span::new(m.start(), m.end());
                if !text[span.range()].contains('\n') {
                    if !span.is_empty() {
                        hits.push(Hit { rule: *rule, span });
                    }
                    continue;
                }
                // A pattern that can match across lines (`\s+` does) matched
                // here across a line break; rules apply within one line, so
                // search each line it touched on its own.
                let first = doc.line_of(span.start);
                let last = doc.line_of(span.end.saturating_sub(1));
                for li in first..=last {
                    let c = doc.lines()[li].content();
                    for m in re.find_iter(&text[c.range()]) {
                        if m.start() < m.end() {
                            hits.push(Hit {
                                rule: *rule,
                                span: Span::new(c.start + m.start(), c.start + m.end()),
                            });
                        }
                    }
                }
            }
        }
    }
}
