//! The pattern stage: claims from the matcher's hits, rule by rule, in
//! rule order.
//!
//! A span rule claims each eligible match; a line rule claims the lines its
//! eligible matches start on (in runs of at least `min-run` lines, when it
//! sets one); a tail rule's matched lines are its markers, handed on to the
//! tail stage ([`super::tail`]). A match is eligible when its line is not
//! the document's first line under `skip-first-line` and not longer than
//! `max-line-chars`; rules restricted to another group do not apply.

use crate::claims::Claims;
use crate::document::Document;
use crate::matcher::Hit;
use crate::rules::{PatternRule, RuleIndex, RuleKind, RuleSet, Scope};

/// A tail rule's markers, for the tail stage: the rule, its pattern and the
/// lines its eligible matches start on, in order.
pub(crate) type Tail<'r> = (RuleIndex, &'r PatternRule, Vec<usize>);

/// Claims the span and line rules' matches in `hits` (sorted here, by rule
/// and position), for a document of `doc_group`; returns the tail rules'
/// markers, in rule order.
pub(crate) fn claim<'r>(
    doc: &Document,
    rules: &'r RuleSet,
    hits: &mut [Hit],
    doc_group: Option<&str>,
    claims: &mut Claims,
) -> Vec<Tail<'r>> {
    hits.sort_unstable_by_key(|h| (h.rule, h.span.start, h.span.end));
    let first_line = doc.blocks().first().map(|b| b.first);
    let by_rule = hits.chunk_by(|a, b| a.rule == b.rule);
    let mut tails: Vec<Tail<'r>> = Vec::new();
    for group in by_rule {
        let rule = group[0].rule;
        let RuleKind::Pattern(p) = &rules.get(rule).kind else {
            continue;
        };
        if p.group.is_some() && p.group.as_deref() != doc_group {
            continue;
        }
        let eligible = |h: &&Hit| {
            let line = doc.line_of(h.span.start);
            if p.skip_first_line && Some(line) == first_line {
                return false;
            }
            match p.max_line_chars {
                Some(max) => {
                    let t = doc.line_trimmed(line);
                    t.len() <= max || t.chars().count() <= max
                }
                None => true,
            }
        };
        match p.scope {
            Scope::Span => {
                for h in group.iter().filter(eligible) {
                    claims.claim_span(h.span, rule);
                }
            }
            Scope::Line => {
                let mut lines: Vec<usize> = group
                    .iter()
                    .filter(eligible)
                    .map(|h| doc.line_of(h.span.start))
                    .collect();
                lines.dedup();
                claim_runs(doc, claims, rule, &lines, p.min_run);
            }
            Scope::Tail => {
                let mut lines: Vec<usize> = group
                    .iter()
                    .filter(eligible)
                    .map(|h| doc.line_of(h.span.start))
                    .collect();
                lines.dedup();
                tails.push((rule, p, lines));
            }
        }
    }
    tails
}

/// Claims the matched lines that form runs of at least `min_run` lines.
/// Blank lines inside a run neither break it nor count.
fn claim_runs(
    doc: &Document,
    claims: &mut Claims,
    rule: RuleIndex,
    lines: &[usize],
    min_run: usize,
) {
    if min_run <= 1 {
        for &l in lines {
            claims.claim_line(l, rule);
        }
        return;
    }
    let mut start = 0;
    while start < lines.len() {
        let mut end = start + 1;
        while end < lines.len()
            && doc.lines()[lines[end - 1] + 1..lines[end]]
                .iter()
                .all(|l| l.blank)
        {
            end += 1;
        }
        if end - start >= min_run {
            for &l in &lines[start..end] {
                claims.claim_line(l, rule);
            }
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use crate::stages::testing::{engine, rule};

    #[test]
    fn whole_line_literal_needs_the_whole_line() {
        let e = engine(&rule(
            "scope = \"line\"\nliterals = [\"Share\"]\ncase-insensitive = true",
        ));
        assert_eq!(
            e.clean("Intro\n  SHARE \nShare this\n").output(),
            "Intro\nShare this\n"
        );
    }

    #[test]
    fn case_sensitive_literal_checks_exact_bytes() {
        let e = engine(&rule("scope = \"line\"\nliterals = [\"Tweet\"]"));
        assert_eq!(e.clean("tweet\nTweet\n").output(), "tweet\n");
    }

    #[test]
    fn prefix_and_contains_modes() {
        let e = engine(&rule(
            "scope = \"line\"\nmatch = \"prefix\"\nliterals = [\"More news:\"]",
        ));
        assert_eq!(
            e.clean("a\nMore news: x\nno More news: y\n").output(),
            "a\nno More news: y\n"
        );
        let e = engine(&rule(
            "scope = \"line\"\nmatch = \"contains\"\nliterals = [\"cookie\"]\nmax-line-chars = 20",
        ));
        assert_eq!(
            e.clean("We use cookie jars.\nThis sentence mentions a cookie but is long.\n")
                .output(),
            "This sentence mentions a cookie but is long.\n"
        );
    }

    #[test]
    fn min_run_counts_consecutive_lines_across_blanks() {
        let e = engine(&rule(
            "scope = \"line\"\nregex = '\\d{1,2}:\\d{1,2}'\nmin-run = 2",
        ));
        assert_eq!(
            e.clean("At\n10:30\nwe met.\n0:00\n\n27:33\n").output(),
            "At\n10:30\nwe met.\n"
        );
    }

    #[test]
    fn span_rule_removes_only_the_match() {
        let e = engine(&rule(
            "scope = \"span\"\nmatch = \"contains\"\nregex = ' ?Photo by [^.]+$'",
        ));
        assert_eq!(
            e.clean("A caption. Photo by A/B\nPhoto by C/D\n").output(),
            "A caption.\n"
        );
    }

    #[test]
    fn regex_matching_across_lines_is_retried_per_line() {
        let e = engine(&rule(
            "scope = \"line\"\nmatch = \"contains\"\nregex = 'ad\\s+here'",
        ));
        assert_eq!(
            e.clean("x ad\nhere y\nad  here\n").output(),
            "x ad\nhere y\n"
        );
    }

    #[test]
    fn skip_first_line_spares_the_title() {
        let e = engine(&rule(
            "scope = \"line\"\nregex = '.*: monitor'\nskip-first-line = true",
        ));
        assert_eq!(
            e.clean("\nX: monitor\n\nY: monitor\n").output(),
            "X: monitor\n"
        );
    }
}
