//! Claims: which rule removes which line or span of one document, while the
//! pipeline runs.
//!
//! Stages claim lines (or spans inside lines) in pipeline order and the
//! first claim wins, so a removal is credited to the most specific rule that
//! saw it. At the end the claims become the document's one list of
//! [`Removal`]s, from which every output is rendered.

use crate::document::Document;
use crate::removal::Removal;
use crate::rules::RuleIndex;
use crate::span::Span;

const NONE: u32 = u32::MAX;

/// The removals claimed so far for one document.
#[derive(Debug)]
pub struct Claims {
    /// Per line: the index of the rule that claimed it, or `NONE`.
    owner: Vec<u32>,
    /// Claims on part of a line, in claim order.
    spans: Vec<(Span, RuleIndex)>,
    /// Reasons recorded by heuristics, per claimed line (sparse): the
    /// index of its text in `texts`, which lines claimed together share.
    notes: Vec<(usize, u32)>,
    texts: Vec<String>,
}

impl Claims {
    /// No claims on a document of `lines` lines.
    pub fn new(lines: usize) -> Claims {
        Claims {
            owner: vec![NONE; lines],
            spans: Vec::new(),
            notes: Vec::new(),
            texts: Vec::new(),
        }
    }

    /// The rule that claimed line `i`, if any.
    #[inline]
    pub fn owner(&self, i: usize) -> Option<RuleIndex> {
        match self.owner[i] {
            NONE => None,
            r => Some(RuleIndex(r)),
        }
    }

    /// True when line `i` is claimed.
    #[inline]
    pub fn is_claimed(&self, i: usize) -> bool {
        self.owner[i] != NONE
    }

    /// Claims line `i` for `rule` unless it is already claimed; returns
    /// whether the claim was taken.
    #[inline]
    pub fn claim_line(&mut self, i: usize, rule: RuleIndex) -> bool {
        if self.owner[i] == NONE {
            self.owner[i] = rule.0;
            true
        } else {
            false
        }
    }

    /// Claims line `i` for `rule` and records why.
    pub fn claim_line_because(
        &mut self,
        i: usize,
        rule: RuleIndex,
        note: impl Into<String>,
    ) -> bool {
        let taken = self.claim_line(i, rule);
        if taken {
            self.notes.push((i, self.texts.len() as u32));
            self.texts.push(note.into());
        }
        taken
    }

    /// Claims each of `lines` for `rule`, as [`Claims::claim_line_because`]
    /// does with one note for all (a menu run's "run of 12 menu-like
    /// lines"), which is kept once; returns how many claims were taken.
    pub fn claim_lines_because(
        &mut self,
        lines: impl IntoIterator<Item = usize>,
        rule: RuleIndex,
        note: impl Into<String>,
    ) -> usize {
        let id = self.texts.len() as u32;
        let before = self.notes.len();
        for i in lines {
            if self.claim_line(i, rule) {
                self.notes.push((i, id));
            }
        }
        let taken = self.notes.len() - before;
        if taken > 0 {
            self.texts.push(note.into());
        }
        taken
    }

    /// Share of the document's non-blank content bytes claimed so far.
    pub fn claimed_share(&self, doc: &Document) -> f64 {
        let (mut total, mut claimed) = (0usize, 0usize);
        for (i, l) in doc.lines().iter().enumerate() {
            if l.blank {
                continue;
            }
            let len = l.content_end - l.start;
            total += len;
            if self.is_claimed(i) {
                claimed += len;
            }
        }
        for (span, _) in &self.spans {
            if !self.is_claimed(doc.line_of(span.start)) {
                claimed += span.len();
            }
        }
        if total == 0 {
            0.0
        } else {
            claimed.min(total) as f64 / total as f64
        }
    }

    /// Withdraws every claim made by a rule for which `pred` is true.
    pub fn release(&mut self, mut pred: impl FnMut(RuleIndex) -> bool) {
        for o in &mut self.owner {
            if *o != NONE && pred(RuleIndex(*o)) {
                *o = NONE;
            }
        }
        self.spans.retain(|(_, r)| !pred(*r));
        let owner = &self.owner;
        self.notes.retain(|(line, _)| owner[*line] != NONE);
    }

    /// Claims the text `span` inside one line for `rule`.
    pub fn claim_span(&mut self, span: Span, rule: RuleIndex) {
        if !span.is_empty() {
            self.spans.push((span, rule));
        }
    }

    /// Turns the claims into the document's removals, sorted and disjoint.
    ///
    /// Consecutive lines claimed by one rule (with no differing notes) become
    /// one removal, absorbing unclaimed blank lines between them. Span claims
    /// on lines claimed whole are dropped; overlapping spans are cut so the
    /// earlier claim keeps the overlap; a line whose content is entirely
    /// covered by spans is removed whole, credited to its first span's rule.
    pub fn into_removals(mut self, doc: &Document) -> Vec<Removal> {
        let lines = doc.lines();
        let text = doc.text();

        // Spans, grouped by line, resolved against whole-line claims.
        let mut spans = std::mem::take(&mut self.spans);
        spans.sort_by_key(|(s, _)| (s.start, s.end));
        let mut partial: Vec<(usize, Span, RuleIndex)> = Vec::with_capacity(spans.len());
        let mut i = 0;
        while i < spans.len() {
            let line = doc.line_of(spans[i].0.start);
            let mut j = i;
            let mut kept: Vec<(Span, RuleIndex)> = Vec::new();
            while j < spans.len() && doc.line_of(spans[j].0.start) == line {
                let (mut s, r) = spans[j];
                j += 1;
                if self.is_claimed(line) {
                    continue;
                }
                // A span never reaches into the terminator.
                s.end = s.end.min(lines[line].content_end);
                if let Some((prev, prev_rule)) = kept.last_mut() {
                    if s.start < prev.end {
                        if *prev_rule == r {
                            prev.end = prev.end.max(s.end);
                            continue;
                        }
                        s.start = prev.end;
                    }
                }
                if s.start < s.end {
                    kept.push((s, r));
                }
            }
            if !kept.is_empty() {
                let content = lines[line].content();
                let mut rest = String::new();
                let mut pos = content.start;
                for (s, _) in &kept {
                    rest.push_str(&text[pos..s.start]);
                    pos = s.end;
                }
                rest.push_str(&text[pos..content.end]);
                if rest.chars().all(crate::document::is_blank_char) {
                    self.owner[line] = kept[0].1.0;
                } else {
                    partial.extend(kept.into_iter().map(|(s, r)| (line, s, r)));
                }
            }
            i = j;
        }

        let mut notes = std::mem::take(&mut self.notes);
        notes.sort_by_key(|(line, _)| *line);
        let mut texts = std::mem::take(&mut self.texts);
        // A line's note, found by a cursor that walks `notes` (sorted by
        // line, each line once) along with the questions, which come in
        // line order (a line may be asked twice); it walks back too, so any
        // order gets the right answer. A binary search per question made
        // each claimed line wait on a handful of unpredictable branches.
        let at = std::cell::Cell::new(0usize);
        let id_of = |line: usize| {
            let mut p = at.get();
            while p > 0 && notes[p - 1].0 >= line {
                p -= 1;
            }
            while p < notes.len() && notes[p].0 < line {
                p += 1;
            }
            at.set(p);
            notes
                .get(p)
                .filter(|&&(l, _)| l == line)
                .map(|&(_, id)| id as usize)
        };
        let note_of = |line: usize| id_of(line).and_then(|id| texts.get(id)).map(String::as_str);

        // Whole-line removals with the index of their note's text: each text
        // is moved into the last removal that names it, copied into any
        // other (a menu run's note, when another rule's line splits it).
        let mut whole: Vec<(RuleIndex, Span, Option<usize>)> = Vec::new();
        let mut li = 0;
        while li < lines.len() {
            let Some(rule) = self.owner(li) else {
                li += 1;
                continue;
            };
            let id = id_of(li);
            let note = note_of(li);
            let start = lines[li].start;
            let mut last = li;
            let mut k = li + 1;
            while k < lines.len() {
                match self.owner(k) {
                    Some(r) if r == rule && note_of(k) == note => {
                        last = k;
                        k += 1;
                    }
                    None if lines[k].blank => k += 1,
                    _ => break,
                }
            }
            whole.push((rule, Span::new(start, lines[last].end), id));
            li = last + 1;
        }
        let mut uses = vec![0u32; texts.len()];
        for id in whole.iter().filter_map(|w| w.2) {
            uses[id] += 1;
        }
        let mut out: Vec<Removal> = whole
            .into_iter()
            .map(|(rule, span, id)| {
                let note = id.map(|id| {
                    uses[id] -= 1;
                    if uses[id] == 0 {
                        std::mem::take(&mut texts[id])
                    } else {
                        texts[id].clone()
                    }
                });
                Removal { rule, span, note }
            })
            .collect();
        out.extend(partial.into_iter().map(|(_, span, rule)| Removal {
            rule,
            span,
            note: None,
        }));
        out.sort_by_key(|r| r.span.start);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(i: u32) -> RuleIndex {
        RuleIndex(i)
    }

    fn spans(removals: &[Removal]) -> Vec<(usize, usize, u32)> {
        removals
            .iter()
            .map(|x| (x.span.start, x.span.end, x.rule.0))
            .collect()
    }

    #[test]
    fn release_withdraws_one_rules_claims() {
        let doc = Document::new("aaaa\nbb\n\ncc\n");
        let mut c = Claims::new(doc.lines().len());
        c.claim_line(0, r(0));
        c.claim_line_because(1, r(1), "why");
        assert!((c.claimed_share(&doc) - 0.75).abs() < 1e-9);
        c.release(|rule| rule == r(1));
        assert_eq!(c.owner(1), None);
        assert_eq!(c.owner(0), Some(r(0)));
        assert!((c.claimed_share(&doc) - 0.5).abs() < 1e-9);
    }

    proptest::proptest! {
        /// Each removal carries the note of its lines: runs of lines of one
        /// rule and one note (or none), with the unclaimed blank lines
        /// between them, make one removal each, whatever the pattern of
        /// notes, rules, blank and unclaimed lines.
        #[test]
        fn each_removal_has_its_lines_note(
            claims in proptest::collection::vec((0u8..4, 0u32..2, 0u8..3), 1..16),
        ) {
            // Kind 0: a blank line (rule 0) or an unclaimed one (rule 1).
            let text: String = claims
                .iter()
                .enumerate()
                .map(|(i, &(kind, rule, _))| {
                    if kind == 0 && rule == 0 { "\n".to_string() } else { format!("line {i}\n") }
                })
                .collect();
            let doc = Document::new(&text);
            let mut c = Claims::new(doc.lines().len());
            // Per line: (rule, note), or None when unclaimed.
            let mut want: Vec<Option<(u32, Option<String>)>> = Vec::new();
            for (i, &(kind, rule, note)) in claims.iter().enumerate() {
                // A note of its own, one shared with other lines, or none.
                let note = match note {
                    0 => format!("line {i}'s note"),
                    1 => "a shared note".to_string(),
                    _ => String::new(),
                };
                match kind {
                    0 => want.push(None),
                    // Claimed without a note.
                    _ if kind == 1 || note.is_empty() => {
                        c.claim_line(i, r(rule));
                        want.push(Some((rule, None)));
                    }
                    _ => {
                        c.claim_line_because(i, r(rule), note.clone());
                        want.push(Some((rule, Some(note))));
                    }
                }
            }
            let mut expected = Vec::new();
            let mut i = 0;
            while i < want.len() {
                let Some(run) = want[i].clone() else {
                    i += 1;
                    continue;
                };
                let (start, mut last) = (i, i);
                i += 1;
                while i < want.len() {
                    if want[i].as_ref() == Some(&run) {
                        last = i;
                    } else if want[i].is_some() || !doc.lines()[i].blank {
                        break;
                    }
                    i += 1;
                }
                i = last + 1;
                let span = (doc.lines()[start].start, doc.lines()[last].end);
                expected.push((span.0, span.1, run.0, run.1));
            }
            let got: Vec<_> = c
                .into_removals(&doc)
                .into_iter()
                .map(|x| (x.span.start, x.span.end, x.rule.0, x.note))
                .collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }

    proptest::proptest! {
        /// Lines claimed together with one note come out as the same
        /// removals, notes and all, as lines claimed one by one with a copy
        /// of it each, among claims of other rules and other notes, and
        /// after some are released.
        #[test]
        fn a_note_shared_by_lines_is_each_lines_note(
            ops in proptest::collection::vec((0u32..3, proptest::collection::vec(0usize..8, 0..5), 0u8..3), 0..6),
            release in proptest::option::of(0u32..3),
        ) {
            let doc = Document::new("a\nb\n\nc\nd\ne\n\nf\n");
            let (mut together, mut one_by_one) = (Claims::new(8), Claims::new(8));
            for (rule, lines, note) in &ops {
                let note = format!("note {note}");
                let lines: Vec<usize> = lines.iter().copied().filter(|&i| !doc.lines()[i].blank).collect();
                let taken = together.claim_lines_because(lines.iter().copied(), r(*rule), note.clone());
                let each = lines.iter().filter(|&&i| one_by_one.claim_line_because(i, r(*rule), note.clone())).count();
                proptest::prop_assert_eq!(taken, each);
            }
            if let Some(gone) = release {
                together.release(|rule| rule == r(gone));
                one_by_one.release(|rule| rule == r(gone));
            }
            let notes = |c: Claims| -> Vec<(usize, usize, u32, Option<String>)> {
                c.into_removals(&doc)
                    .into_iter()
                    .map(|x| (x.span.start, x.span.end, x.rule.0, x.note))
                    .collect()
            };
            proptest::prop_assert_eq!(notes(together), notes(one_by_one));
        }
    }

    #[test]
    fn first_claim_wins() {
        let mut c = Claims::new(2);
        assert!(c.claim_line(0, r(1)));
        assert!(!c.claim_line(0, r(2)));
        assert_eq!(c.owner(0), Some(r(1)));
        assert_eq!(c.owner(1), None);
    }

    #[test]
    fn same_rule_lines_merge_across_blank_lines() {
        let doc = Document::new("a\n\nb\nc\n");
        let mut c = Claims::new(doc.lines().len());
        c.claim_line(0, r(0));
        c.claim_line(2, r(0));
        c.claim_line(3, r(1));
        assert_eq!(spans(&c.into_removals(&doc)), [(0, 5, 0), (5, 7, 1)]);
    }

    #[test]
    fn spans_on_claimed_lines_are_dropped_and_overlaps_cut() {
        let doc = Document::new("keep this tail\nline two\n");
        let mut c = Claims::new(2);
        c.claim_span(Span::new(4, 9), r(0));
        c.claim_span(Span::new(7, 14), r(1));
        c.claim_span(Span::new(15, 19), r(2));
        c.claim_line(1, r(3));
        assert_eq!(
            spans(&c.into_removals(&doc)),
            [(4, 9, 0), (9, 14, 1), (15, 24, 3)]
        );
    }

    #[test]
    fn a_line_covered_by_spans_is_removed_whole() {
        let doc = Document::new("x\n  Photo by A/B \ny\n");
        let mut c = Claims::new(3);
        c.claim_span(Span::new(4, 16), r(5));
        assert_eq!(spans(&c.into_removals(&doc)), [(2, 18, 5)]);
    }
}
