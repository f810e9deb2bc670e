//! Removals and the cleaned text rendered from them.
//!
//! [`Cleaned`] pairs a document with its one list of [`Removal`]s. The
//! cleaned text, the diff, the JSON and the review plan are all rendered from
//! that list. Kept text is copied byte for byte from the input; the only
//! normalization is layout:
//!
//! 1. a run of blank lines collapses to its first blank line,
//! 2. blank lines at the start and end of the output are dropped,
//! 3. the output ends with exactly one line terminator (the document's own,
//!    `\n` or `\r\n`), or is empty when nothing is kept.
//!
//! Blank lines dropped by this normalization are not removals (no rule made
//! them) but are reported by [`Cleaned::segments`] so the input can always be
//! rebuilt from the output plus the removals.

use crate::document::{Document, Line};
use crate::rules::{RuleIndex, RuleSet};
use crate::span::Span;
use std::io::{self, Write};

/// One piece of text a rule removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removal {
    /// The rule that removed it.
    pub rule: RuleIndex,
    /// Byte span in the input. Line removals include the line terminator.
    pub span: Span,
    /// Why a heuristic removed it, when the rule id alone does not say.
    pub note: Option<String>,
}

/// What happens to one piece of the input in the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Copied to the output unchanged.
    Kept(Span),
    /// Cut by the removal at this index of [`Cleaned::removals`].
    Removed(Span, usize),
    /// A blank line dropped by layout normalization.
    Collapsed(Span),
}

impl Segment {
    /// The input bytes this segment covers.
    pub fn span(self) -> Span {
        match self {
            Segment::Kept(s) | Segment::Removed(s, _) | Segment::Collapsed(s) => s,
        }
    }
}

/// A document after cleaning: the input, the rules, and the removals.
#[derive(Clone, Debug)]
pub struct Cleaned<'a> {
    text: &'a str,
    doc: Document<'a>,
    rules: &'a RuleSet,
    removals: Vec<Removal>,
    guard: Option<Guard>,
}

/// The safety guard's report: cleaning would have removed more of the
/// document than the engine's limit allows, so heuristic removals were
/// withheld (pattern rules, which name their debris, still apply).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Guard {
    /// Share of the document's non-blank text all rules together would remove.
    pub would_remove: f64,
    /// The engine's limit.
    pub limit: f64,
    /// Share removed after withholding heuristic removals.
    pub removes: f64,
}

impl<'a> Cleaned<'a> {
    pub(crate) fn new(
        doc: Document<'a>,
        rules: &'a RuleSet,
        removals: Vec<Removal>,
    ) -> Cleaned<'a> {
        Cleaned {
            text: doc.text(),
            doc,
            rules,
            removals,
            guard: None,
        }
    }

    /// A cleaned document from removals made elsewhere (a review plan's
    /// accepted removals), checked so that rendering cannot cut the text
    /// where no rule could have: every removal must name a rule of `rules`
    /// and be non-empty, in order, disjoint, and either whole lines or a
    /// piece of one line's content on char boundaries.
    pub fn from_removals(
        doc: Document<'a>,
        rules: &'a RuleSet,
        removals: Vec<Removal>,
    ) -> Result<Cleaned<'a>, InvalidRemoval> {
        let text = doc.text();
        let lines = doc.lines();
        let mut prev_end = 0;
        for (index, r) in removals.iter().enumerate() {
            let fail = |reason: &str| InvalidRemoval {
                index,
                reason: reason.to_owned(),
            };
            let s = r.span;
            if r.rule.get() >= rules.len() {
                return Err(fail("names a rule outside the rule set"));
            }
            if s.start >= s.end || s.end > text.len() {
                return Err(fail("is empty or runs past the end of the text"));
            }
            if s.start < prev_end {
                return Err(fail("overlaps or precedes the removal before it"));
            }
            let first = doc.line_of(s.start);
            let last = doc.line_of(s.end - 1);
            let whole_lines = lines[first].start == s.start && lines[last].end == s.end;
            let in_one_line = first == last
                && s.end <= lines[first].content_end
                && text.is_char_boundary(s.start)
                && text.is_char_boundary(s.end);
            if !whole_lines && !in_one_line {
                return Err(fail(
                    "is neither whole lines nor a piece of one line on char boundaries",
                ));
            }
            prev_end = s.end;
        }
        Ok(Cleaned::new(doc, rules, removals))
    }

    /// The input as a document (lines and blocks).
    pub fn document(&self) -> &Document<'a> {
        &self.doc
    }

    /// The input text.
    pub fn input(&self) -> &'a str {
        self.text
    }

    /// Set when the safety guard withheld removals from this document.
    pub fn guard(&self) -> Option<Guard> {
        self.guard
    }

    pub(crate) fn with_guard(mut self, guard: Option<Guard>) -> Cleaned<'a> {
        self.guard = guard;
        self
    }

    /// The removals, sorted by position and disjoint.
    pub fn removals(&self) -> &[Removal] {
        &self.removals
    }

    /// The rules that made the removals.
    pub fn rules(&self) -> &'a RuleSet {
        self.rules
    }

    /// The id of the rule behind a removal.
    pub fn rule_id(&self, removal: &Removal) -> &'a str {
        &self.rules.get(removal.rule).id
    }

    /// The removed text of a removal.
    pub fn removed_text(&self, removal: &Removal) -> &'a str {
        &self.text[removal.span.range()]
    }

    /// Bytes removed by rules (layout normalization not included).
    pub fn bytes_removed(&self) -> usize {
        self.removals.iter().map(|r| r.span.len()).sum()
    }

    /// Keeps only the removals for which `keep` returns true (a review
    /// rejecting some of them); the output is re-rendered from what is left.
    pub fn retain(&mut self, keep: impl FnMut(&Removal) -> bool) {
        self.removals.retain(keep);
    }

    /// The input cut into kept, removed and collapsed segments, in order.
    /// Together they cover the input exactly.
    pub fn segments(&self) -> Vec<Segment> {
        let mut out = Vec::with_capacity(self.removals.len() * 2 + 1);
        self.for_each_segment(|s| out.push(s));
        out
    }

    /// Calls `f` with each segment of [`Cleaned::segments`], in order,
    /// without collecting them (a document of millions of lines has
    /// millions of segments).
    pub fn for_each_segment(&self, mut f: impl FnMut(Segment)) {
        let lines = self.doc.lines();
        let last_content = self.last_content_line();
        // Consecutive lines of one removal are reported as one segment.
        let mut held: Option<Segment> = None;
        let mut emit = |seg: Segment, f: &mut dyn FnMut(Segment)| {
            if let (Some(Segment::Removed(prev, i)), Segment::Removed(s, j)) = (&mut held, seg) {
                if *i == j && prev.end == s.start {
                    prev.end = s.end;
                    return;
                }
            }
            if let Some(h) = held.replace(seg) {
                f(h);
            }
        };
        // Layout: something non-blank was kept; a blank line already stands
        // for the current run of blank lines.
        let (mut started, mut run_has_blank) = (false, false);
        let mut ri = 0;
        for (li, line) in lines.iter().enumerate() {
            // Removals are disjoint and sorted: each line is either covered
            // by line removals, or holds zero or more span removals.
            while ri < self.removals.len() && self.removals[ri].span.end <= line.start {
                ri += 1;
            }
            if self.removals.get(ri).is_some_and(|r| covers(r.span, line)) {
                emit(Segment::Removed(line.span(), ri), &mut f);
                continue;
            }
            if line.blank {
                // A run of blank lines collapses to its first one, kept only
                // between content. Span removals that empty a line are
                // promoted to line removals, so a line is blank in the
                // output exactly when it is blank in the input.
                let keep = started && !run_has_blank && last_content.is_some_and(|c| li < c);
                run_has_blank |= started;
                emit(
                    if keep {
                        Segment::Kept(line.span())
                    } else {
                        Segment::Collapsed(line.span())
                    },
                    &mut f,
                );
                continue;
            }
            started = true;
            run_has_blank = false;
            let mut pos = line.start;
            let mut k = ri;
            while k < self.removals.len() && self.removals[k].span.start < line.end {
                let s = self.removals[k].span;
                if s.start > pos {
                    emit(Segment::Kept(Span::new(pos, s.start)), &mut f);
                }
                emit(Segment::Removed(s, k), &mut f);
                pos = s.end;
                k += 1;
            }
            if pos < line.end {
                emit(Segment::Kept(Span::new(pos, line.end)), &mut f);
            }
        }
        if let Some(h) = held {
            f(h);
        }
    }

    /// Index of the last line that keeps content (not blank, not removed):
    /// blank lines after it are dropped by the layout.
    fn last_content_line(&self) -> Option<usize> {
        let lines = self.doc.lines();
        let mut rj = self.removals.len();
        for (li, line) in lines.iter().enumerate().rev() {
            if line.blank {
                continue;
            }
            // The removal that could cover the line: the last one starting
            // before the line ends.
            while rj > 0 && self.removals[rj - 1].span.start >= line.end {
                rj -= 1;
            }
            let covered = rj > 0 && covers(self.removals[rj - 1].span, line);
            if !covered {
                return Some(li);
            }
        }
        None
    }

    /// Writes the cleaned text.
    pub fn write_to<W: Write>(&self, mut w: W) -> io::Result<()> {
        let bytes = self.text.as_bytes();
        let mut last_end = None;
        // Adjacent kept pieces (usually whole lines) go out in one write.
        let mut run: Option<Span> = None;
        let mut result = Ok(());
        self.for_each_segment(|seg| {
            let Segment::Kept(s) = seg else {
                return;
            };
            last_end = Some(s.end);
            match run {
                Some(r) if r.end == s.start => run = Some(Span::new(r.start, s.end)),
                Some(r) => {
                    if result.is_ok() {
                        result = w.write_all(&bytes[r.range()]);
                    }
                    run = Some(s);
                }
                None => run = Some(s),
            }
        });
        result?;
        if let Some(r) = run {
            w.write_all(&bytes[r.range()])?;
        }
        if last_end.is_some_and(|end| !self.text[..end].ends_with('\n')) {
            w.write_all(self.doc.newline().as_bytes())?;
        }
        Ok(())
    }

    /// The cleaned text.
    pub fn output(&self) -> String {
        let mut out = Vec::with_capacity(self.text.len());
        // Writing into a Vec cannot fail.
        let _ = self.write_to(&mut out);
        // Kept pieces are whole lines or cut at rule match boundaries, which
        // are char boundaries, so the bytes are UTF-8.
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// True when `span` covers the whole of `line`.
#[inline]
fn covers(span: Span, line: &Line) -> bool {
    span.start <= line.start && line.end <= span.end && line.start < line.end
}

/// Why [`Cleaned::from_removals`] refused a removal list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidRemoval {
    /// Position of the offending removal in the list.
    pub index: usize,
    /// What is wrong with it.
    pub reason: String,
}

impl std::fmt::Display for InvalidRemoval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "removal #{} {}", self.index + 1, self.reason)
    }
}

impl std::error::Error for InvalidRemoval {}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned<'a>(text: &'a str, rules: &'a RuleSet, cuts: &[(usize, usize)]) -> Cleaned<'a> {
        let removals = cuts
            .iter()
            .map(|&(s, e)| Removal {
                rule: RuleIndex(0),
                span: Span::new(s, e),
                note: None,
            })
            .collect();
        Cleaned::new(Document::new(text), rules, removals)
    }

    #[test]
    fn blank_runs_collapse_and_edges_trim() {
        let rules = RuleSet::default();
        let c = cleaned("\n\na\n\n\n\nb\n\n", &rules, &[]);
        assert_eq!(c.output(), "a\n\nb\n");
    }

    #[test]
    fn removal_leaves_one_blank_line() {
        let rules = RuleSet::default();
        // "a\n\nX\n\nb" minus "X\n" collapses the two blanks around it.
        let c = cleaned("a\n\nX\n\nb", &rules, &[(3, 5)]);
        assert_eq!(c.output(), "a\n\nb\n");
    }

    #[test]
    fn crlf_is_kept_and_used_for_the_final_newline() {
        let rules = RuleSet::default();
        let c = cleaned("a\r\n\r\n\r\nb", &rules, &[]);
        assert_eq!(c.output(), "a\r\n\r\nb\r\n");
    }

    #[test]
    fn everything_removed_gives_empty_output() {
        let rules = RuleSet::default();
        let c = cleaned("x\n\ny", &rules, &[(0, 2), (3, 4)]);
        assert_eq!(c.output(), "");
        let c = cleaned("", &rules, &[]);
        assert_eq!(c.output(), "");
        let c = cleaned(" \n\t\n", &rules, &[]);
        assert_eq!(c.output(), "");
    }

    #[test]
    fn span_removal_keeps_the_rest_of_the_line_byte_for_byte() {
        let rules = RuleSet::default();
        let text = "caf\u{e9}\u{a0}end. Photo by A/B\r\nnext\r\n";
        let start = text.find(" Photo").unwrap();
        let end = text.find("\r\n").unwrap();
        let c = cleaned(text, &rules, &[(start, end)]);
        assert_eq!(c.output(), "caf\u{e9}\u{a0}end.\r\nnext\r\n");
    }

    #[test]
    fn from_removals_checks_what_rendering_relies_on() {
        let rules = crate::RuleSet::builtin().unwrap();
        let text = "caf\u{e9} one\ntwo\r\nthree";
        let make = |spans: &[(usize, usize)]| {
            let removals = spans
                .iter()
                .map(|&(s, e)| Removal {
                    rule: RuleIndex(0),
                    span: Span::new(s, e),
                    note: None,
                })
                .collect();
            Cleaned::from_removals(Document::new(text), &rules, removals)
        };
        // Whole lines (a CRLF line, the unterminated last line) and a piece of a line.
        let c = make(&[(0, 5), (10, 15), (15, 20)]).unwrap();
        assert_eq!(c.output(), " one\n");
        // Inside the two bytes of "é", splitting "\r\n", overlapping, past the end.
        assert_eq!(make(&[(4, 6)]).unwrap_err().index, 0);
        assert!(make(&[(10, 14)]).is_err());
        assert!(make(&[(0, 5), (3, 8)]).is_err());
        assert!(make(&[(15, 21)]).is_err());
        assert!(make(&[(2, 2)]).is_err());
        let mut bad = make(&[]).unwrap().removals().to_vec();
        bad.push(Removal {
            rule: RuleIndex(u32::MAX),
            span: Span::new(0, 11),
            note: None,
        });
        assert!(Cleaned::from_removals(Document::new(text), &rules, bad).is_err());
    }

    #[test]
    fn segments_cover_the_input() {
        let rules = RuleSet::default();
        let text = "\nA x\n\n\nB\n\n";
        let c = cleaned(text, &rules, &[(2, 4)]);
        let mut pos = 0;
        for s in c.segments() {
            assert_eq!(s.span().start, pos);
            pos = s.span().end;
        }
        assert_eq!(pos, text.len());
    }
}
