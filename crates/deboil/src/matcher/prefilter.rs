//! Which lines might a regex rule match? A superset, found fast.
//!
//! Running every rule's regex over every document costs one pass per rule,
//! and a `RegexSet` of all of them falls back to its slowest engine as soon
//! as one pattern uses a Unicode word boundary on non-ASCII text (it ran at
//! ~1 MB/s on real page dumps). Instead, each rule's regex is *weakened* into
//! a pattern that matches at least everywhere the original does:
//!
//! - word-boundary assertions are dropped (a lazy DFA cannot evaluate a
//!   Unicode `\b` on non-ASCII text), `\A`/`\z` become line anchors;
//! - large counted repetitions (`[^\n]{0,280}`) become unbounded loops, and
//!   large classes (`\p{L}`) keep their ASCII part but match any non-ASCII
//!   character, which keeps the DFA small, quick to build and to warm up;
//! - captures are dropped.
//!
//! Every match of the original is a match of the weakened pattern, so a
//! line on which the rule matches is always reported (and then confirmed by
//! the rule's own regex on that line alone). The weakened patterns run as
//! lazy DFAs with overlapping, all-matches semantics, in two groups:
//!
//! - **anchored**: patterns that start with a line anchor (every whole-line
//!   and prefix rule). One union DFA runs *anchored* at each line start and
//!   stops as soon as no pattern can continue, usually after a few bytes.
//! - **scan**: the rest. Leading parts that select little (`[^.!?]{15,180}`
//!   before a `:`) are cut off, which keeps every match *end* (and so its
//!   line) while giving the DFA a literal prefix to skip ahead with; each
//!   such pattern scans the document on its own, with that prefilter, and
//!   the few left without one share one unanchored union DFA.

use crate::document::Document;
use rayon::prelude::*;
use regex_automata::hybrid::dfa::{Cache, DFA, OverlappingState};
use regex_automata::nfa::thompson;
use regex_automata::util::pool::Pool;
use regex_automata::util::prefilter::Prefilter;
use regex_automata::util::start;
use regex_automata::{Anchored, Input, MatchKind};
use regex_syntax::hir::literal::{Extractor, Seq};
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look, Repetition};
use std::panic::{RefUnwindSafe, UnwindSafe};

/// Counted repetitions above this bound become unbounded loops.
const MAX_COUNTED: u32 = 8;
/// Literal prefixes shorter than this match too often to skip ahead with,
/// unless memchr can look for all of them at once.
const MIN_PREFIX: usize = 2;
/// Most literal prefixes behind one prefilter (Teddy's limit).
const MAX_PREFIXES: usize = 64;
/// A class of more code points than this, repeated, says little about a line.
const WIDE_CLASS: u64 = 1000;
/// Transition-table budget of the anchored union, per thread. With the
/// built-in rules it settles at about 6 MB on real page dumps; past the
/// budget the table is cleared and rebuilt, slower but still right.
const ANCHORED_CACHE: usize = 8 << 20;
/// Budget of each scanning DFA: one or a few patterns, far fewer states.
const SCAN_CACHE: usize = 2 << 20;

type CachesFn = Box<dyn Fn() -> Caches + Send + Sync + UnwindSafe + RefUnwindSafe>;

/// One search cache per DFA, reused by one thread at a time.
struct Caches {
    anchored: Option<Cache>,
    scans: Vec<Cache>,
}

/// The weakened patterns of a list of regexes, compiled.
pub(crate) struct LinePrefilter {
    /// Union of the line-anchored patterns, with the index of each pattern's
    /// regex in the caller's list.
    anchored: Option<(DFA, Vec<usize>)>,
    /// Unanchored DFAs (one per prefiltered pattern, plus one union of the
    /// others), each with the caller's indexes of its patterns.
    scans: Vec<(DFA, Vec<usize>)>,
    caches: Pool<Caches, CachesFn>,
}

impl std::fmt::Debug for LinePrefilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinePrefilter")
            .field("anchored", &self.anchored.as_ref().map(|(_, ids)| ids))
            .field(
                "scans",
                &self.scans.iter().map(|(_, ids)| ids).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// A weakened pattern and where it runs.
struct Weak {
    hir: Hir,
    anchored: bool,
    /// For an unanchored pattern, its literal prefixes when they are a
    /// small finite set.
    prefixes: Option<Seq>,
}

/// Unanchored patterns scanned together, behind one prefilter made of all
/// their literal prefixes: one pass over the document instead of one each.
#[derive(Default)]
struct ScanGroup {
    hirs: Vec<Hir>,
    ids: Vec<usize>,
    literals: Vec<Vec<u8>>,
    /// Single-byte prefixes (`(`, `:`) are only fast through memchr, so
    /// they are never mixed with longer ones.
    short: bool,
}

impl ScanGroup {
    /// The literals of `prefixes` added to this group's, if they still make
    /// a fast prefilter.
    fn merged(&self, prefixes: &Seq) -> Option<Vec<Vec<u8>>> {
        let short = prefixes.min_literal_len()? < MIN_PREFIX;
        if !self.literals.is_empty() && short != self.short {
            return None;
        }
        let mut all = self.literals.clone();
        all.extend(prefixes.literals()?.iter().map(|l| l.as_bytes().to_vec()));
        all.sort();
        all.dedup();
        if all.len() > MAX_PREFIXES {
            return None;
        }
        let pre = Prefilter::new(MatchKind::All, &all)?;
        // Many short prefixes do not make a fast prefilter; long ones are
        // worth skipping ahead with anyway.
        (!short || pre.is_fast()).then_some(all)
    }

    /// Adds a pattern whose prefixes [`ScanGroup::merged`] made `all`.
    fn add(&mut self, hir: Hir, prefixes: &Seq, id: usize, all: Vec<Vec<u8>>) {
        self.short = prefixes.min_literal_len().is_some_and(|n| n < MIN_PREFIX);
        self.literals = all;
        self.hirs.push(hir);
        self.ids.push(id);
    }

    fn prefilter(&self) -> Option<Prefilter> {
        Prefilter::new(MatchKind::All, &self.literals)
    }
}

impl LinePrefilter {
    /// Compiles the weakened forms of `patterns` (parsed from the full
    /// regex syntax the rules compile). `None` when the DFAs cannot be
    /// built; the caller then checks every line.
    ///
    /// Weakening and building the DFAs are most of a run's start-up, and
    /// each pattern and each DFA is independent: they run on rayon's pool.
    /// The grouping between the two stays sequential, in pattern order, so
    /// the DFAs are the same whatever the number of threads.
    pub(crate) fn new(patterns: &[Hir]) -> Option<LinePrefilter> {
        let weak: Vec<Weak> = patterns.par_iter().map(weaken_pattern).collect();
        let mut anchored = (Vec::new(), Vec::new());
        let mut groups: Vec<ScanGroup> = Vec::new();
        let mut rest = (Vec::new(), Vec::new());
        for (i, weak) in weak.into_iter().enumerate() {
            if weak.anchored {
                anchored.0.push(weak.hir);
                anchored.1.push(i);
                continue;
            }
            let Some(prefixes) = weak.prefixes else {
                rest.0.push(weak.hir);
                rest.1.push(i);
                continue;
            };
            // Patterns whose prefixes fit one prefilter share a pass: the
            // first group that can take them, else a new one. (Each try
            // builds a prefilter, so a fit is kept, not tried again.)
            let fit = groups
                .iter()
                .enumerate()
                .find_map(|(at, g)| Some((at, g.merged(&prefixes)?)));
            if let Some((at, all)) = fit {
                groups[at].add(weak.hir, &prefixes, i, all);
            } else if let Some(all) = ScanGroup::default().merged(&prefixes) {
                let mut g = ScanGroup::default();
                g.add(weak.hir, &prefixes, i, all);
                groups.push(g);
            } else {
                rest.0.push(weak.hir);
                rest.1.push(i);
            }
        }
        let has_anchored = !anchored.0.is_empty();
        // (patterns, ids, prefilter, cache budget): the anchored union
        // first when there is one, then the scans in group order.
        let mut jobs = Vec::with_capacity(groups.len() + 2);
        if has_anchored {
            jobs.push((anchored.0, anchored.1, None, ANCHORED_CACHE));
        }
        for g in groups {
            let pre = g.prefilter();
            jobs.push((g.hirs, g.ids, pre, SCAN_CACHE));
        }
        if !rest.0.is_empty() {
            jobs.push((rest.0, rest.1, None, SCAN_CACHE));
        }
        let mut built = jobs
            .into_par_iter()
            .map(|(hirs, ids, pre, cache)| Some((build_dfa(&hirs, pre, cache)?, ids)))
            .collect::<Option<Vec<(DFA, Vec<usize>)>>>()?
            .into_iter();
        let anchored = if has_anchored { built.next() } else { None };
        let scans: Vec<(DFA, Vec<usize>)> = built.collect();
        let dfas: (Option<DFA>, Vec<DFA>) = (
            anchored.as_ref().map(|(d, _)| d.clone()),
            scans.iter().map(|(d, _)| d.clone()).collect(),
        );
        let create: CachesFn = Box::new(move || Caches {
            anchored: dfas.0.as_ref().map(DFA::create_cache),
            scans: dfas.1.iter().map(DFA::create_cache).collect(),
        });
        Some(LinePrefilter {
            anchored,
            scans,
            caches: Pool::new(create),
        })
    }

    /// Calls `candidate(pattern, line)` for every line on which `pattern`
    /// (an index into the list given to [`LinePrefilter::new`]) may match.
    /// No matching pair is missed; a pair can be reported more than once.
    /// Each pattern's lines come in order (one DFA reports each pattern).
    pub(crate) fn candidates(&self, doc: &Document, mut candidate: impl FnMut(usize, usize)) {
        let text = doc.text();
        let lines = doc.lines();
        let mut caches = self.caches.get();
        let caches = &mut *caches;
        if let (Some((dfa, ids)), Some(cache)) = (&self.anchored, caches.anchored.as_mut()) {
            // In the rules' CRLF mode a lone `\r` also starts a line for the
            // regex, while the document keeps it as content. Walking from
            // each one could cost the rest of the line every time (quadratic
            // on a long line full of them), so such a (rare) line is simply
            // a candidate for every anchored pattern.
            let mut lone_cr = memchr::memchr_iter(b'\r', text.as_bytes())
                .filter(|&i| text.as_bytes().get(i + 1) != Some(&b'\n'))
                .peekable();
            for (li, line) in lines.iter().enumerate() {
                if lone_cr.next_if(|&cr| cr < line.content_end).is_some() {
                    while lone_cr.next_if(|&cr| cr < line.content_end).is_some() {}
                    ids.iter().for_each(|&p| candidate(p, li));
                    continue;
                }
                let range = (line.start, line.content_end);
                let found = |p: usize| candidate(ids[p], li);
                if anchored_matches(dfa, cache, text.as_bytes(), range, found).is_err() {
                    // Cannot happen with this configuration (no quit bytes,
                    // never gives up); stay correct if it does.
                    ids.iter().for_each(|&p| candidate(p, li));
                }
            }
        }
        for ((dfa, ids), cache) in self.scans.iter().zip(caches.scans.iter_mut()) {
            let input = Input::new(text);
            let mut state = OverlappingState::start();
            loop {
                if dfa
                    .try_search_overlapping_fwd(cache, &input, &mut state)
                    .is_err()
                {
                    // Cannot happen with this configuration (no quit bytes,
                    // never gives up); stay correct if it ever does.
                    for li in 0..lines.len() {
                        ids.iter().for_each(|&p| candidate(p, li));
                    }
                    break;
                }
                let Some(m) = state.get_match() else { break };
                // A weakened match ends where an original match would, so
                // the line of its last byte is the original's line.
                if m.offset() > 0 {
                    candidate(ids[m.pattern().as_usize()], doc.line_of(m.offset() - 1));
                }
            }
        }
    }
}

/// Reports the patterns that match `text[from..to]` from its start (with
/// overlaps and repeats). A hand-written walk rather than a search call:
/// most lines die after a byte or two, so the per-line setup is what costs.
fn anchored_matches(
    dfa: &DFA,
    cache: &mut Cache,
    text: &[u8],
    (from, to): (usize, usize),
    mut report: impl FnMut(usize),
) -> Result<(), ()> {
    let config = start::Config::new()
        .anchored(Anchored::Yes)
        .look_behind(from.checked_sub(1).map(|i| text[i]));
    let mut sid = dfa.start_state(cache, &config).map_err(drop)?;
    let mut report_all = |cache: &Cache, sid| {
        for i in 0..dfa.match_len(cache, sid) {
            report(dfa.match_pattern(cache, sid, i).as_usize());
        }
    };
    for &b in &text[from..to] {
        sid = dfa.next_state(cache, sid, b).map_err(drop)?;
        if sid.is_tagged() {
            if sid.is_dead() {
                return Ok(());
            }
            if sid.is_quit() {
                return Err(());
            }
            // Matches are reported one byte late: this one ended before `b`.
            if sid.is_match() {
                report_all(cache, sid);
            }
        }
    }
    // The byte after the range (a line terminator) settles `$`.
    sid = match text.get(to) {
        Some(&b) => dfa.next_state(cache, sid, b),
        None => dfa.next_eoi_state(cache, sid),
    }
    .map_err(drop)?;
    if sid.is_match() {
        report_all(cache, sid);
    }
    Ok(())
}

fn build_dfa(hirs: &[Hir], prefilter: Option<Prefilter>, cache: usize) -> Option<DFA> {
    let nfa = thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .which_captures(thompson::WhichCaptures::None)
                .nfa_size_limit(Some(64 << 20)),
        )
        .build_many_from_hir(hirs)
        .ok()?;
    DFA::builder()
        .configure(
            DFA::config()
                .match_kind(MatchKind::All)
                .cache_capacity(cache)
                .prefilter(prefilter),
        )
        .build_from_nfa(nfa)
        .ok()
}

/// Weakens `hir` and decides where it runs.
fn weaken_pattern(hir: &Hir) -> Weak {
    let weak = weaken(hir);
    let mut items = Vec::new();
    flatten(&weak, &mut items);
    let starts_at_line = matches!(
        items.first().map(|h| h.kind()),
        Some(HirKind::Look(Look::Start | Look::StartLF | Look::StartCRLF))
    );
    // An anchored search only pays off when the pattern soon stops matching
    // on most lines; one that opens with "any text" runs to every line end.
    let opens_wide = items
        .iter()
        .skip(1)
        .find(|h| !is_narrow_optional(h))
        .is_some_and(|h| is_wide_loop(h));
    if starts_at_line && !opens_wide {
        return Weak {
            hir: weak,
            anchored: true,
            prefixes: None,
        };
    }
    let (cut, prefixes) = best_cut(&items);
    Weak {
        hir: Hir::concat(items[cut..].iter().map(|&h| h.clone()).collect()),
        anchored: false,
        prefixes,
    }
}

/// A superset of `hir`: see the module docs.
fn weaken(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Look(look) => match look {
            Look::Start => Hir::look(Look::StartCRLF),
            Look::End => Hir::look(Look::EndCRLF),
            Look::StartLF | Look::EndLF | Look::StartCRLF | Look::EndCRLF => hir.clone(),
            _ => Hir::empty(),
        },
        HirKind::Repetition(r) => {
            let (mut min, mut max) = (r.min, r.max);
            if min > MAX_COUNTED || max.is_some_and(|m| m > MAX_COUNTED) {
                min = min.min(1);
                max = None;
            }
            Hir::repetition(Repetition {
                min,
                max,
                greedy: r.greedy,
                sub: Box::new(weaken(&r.sub)),
            })
        }
        HirKind::Capture(c) => weaken(&c.sub),
        HirKind::Concat(v) => Hir::concat(v.iter().map(weaken).collect()),
        HirKind::Alternation(v) => Hir::alternation(v.iter().map(weaken).collect()),
        HirKind::Class(Class::Unicode(c)) if unicode_class_size(c) > WIDE_CLASS => {
            Hir::class(Class::Unicode(coarse(c)))
        }
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) => hir.clone(),
    }
}

/// A large class's ASCII part, plus every non-ASCII character if it has any.
/// `\p{L}` as UTF-8 is hundreds of byte ranges, which make the union DFA
/// slow to build and to warm up; "any non-ASCII character" is a few.
fn coarse(c: &ClassUnicode) -> ClassUnicode {
    let mut out = ClassUnicode::empty();
    for r in c.ranges() {
        if r.start() <= '\x7f' {
            out.push(ClassUnicodeRange::new(r.start(), r.end().min('\x7f')));
        }
    }
    if c.ranges().last().is_some_and(|r| r.end() > '\x7f') {
        out.push(ClassUnicodeRange::new('\u{80}', char::MAX));
    }
    out
}

/// The items of a concatenation, nested concatenations and captures opened
/// (borrowed: most patterns are only looked at).
fn flatten<'h>(hir: &'h Hir, out: &mut Vec<&'h Hir>) {
    match hir.kind() {
        HirKind::Concat(v) => v.iter().for_each(|h| flatten(h, out)),
        HirKind::Capture(c) => flatten(&c.sub, out),
        _ => out.push(hir),
    }
}

fn class_size(class: &Class) -> u64 {
    match class {
        Class::Unicode(c) => unicode_class_size(c),
        Class::Bytes(c) => c
            .ranges()
            .iter()
            .map(|r| u64::from(r.end()) - u64::from(r.start()) + 1)
            .sum(),
    }
}

/// Measured in place: a case-insensitive rule is a class per letter, and
/// cloning each to measure it cost 1% of start-up.
fn unicode_class_size(c: &ClassUnicode) -> u64 {
    c.ranges()
        .iter()
        .map(|r| u64::from(r.end()) - u64::from(r.start()) + 1)
        .sum()
}

/// An unbounded loop over a large class: "any text" (`[^\n]*`, `[^.!?]+`).
fn is_wide_loop(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Repetition(r) => {
            r.max.is_none()
                && matches!(r.sub.kind(), HirKind::Class(c) if class_size(c) > WIDE_CLASS)
        }
        HirKind::Concat(v) => v.first().is_some_and(is_wide_loop),
        HirKind::Capture(c) => is_wide_loop(&c.sub),
        _ => false,
    }
}

/// Something that may match nothing and is not "any text" (the blank-space
/// run that follows `^` in whole-line patterns).
fn is_narrow_optional(hir: &Hir) -> bool {
    hir.properties().minimum_len() == Some(0) && !is_wide_loop(hir)
}

/// The literal prefixes of a pattern starting with `items`, when they are a
/// small finite set, with their shortest length (0 when there is none).
fn prefixes(items: &[&Hir]) -> (usize, Option<Seq>) {
    let mut ex = Extractor::new();
    ex.limit_class(16).limit_repeat(4).limit_total(64);
    let seq = ex.extract(&Hir::concat(items.iter().map(|&h| h.clone()).collect()));
    match (seq.len(), seq.min_literal_len()) {
        (Some(n), Some(len)) if n <= MAX_PREFIXES => (len, Some(seq)),
        _ => (0, None),
    }
}

/// Where to cut the leading items of an unanchored pattern, and the literal
/// prefixes of what remains. Cutting any leading item keeps the end of every
/// match (the rest of the pattern matches a suffix of it), so the cut goes
/// where the remaining pattern has the longest literal prefixes.
fn best_cut(items: &[&Hir]) -> (usize, Option<Seq>) {
    let (mut score, mut seq) = prefixes(items);
    let mut cut = 0;
    for i in 1..items.len().min(16) {
        let (s, q) = prefixes(&items[i..]);
        if s > score {
            (cut, score, seq) = (i, s, q);
        }
    }
    (cut, seq)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weak(p: &str) -> Weak {
        weaken_pattern(&regex_syntax::Parser::new().parse(p).unwrap())
    }

    #[test]
    fn whole_line_patterns_run_anchored() {
        assert!(weak(r"(?mRi)^\s*(?:share|tweet)\s*$").anchored);
        assert!(!weak(r"(?mRi)^\s*(?:[^\n]{0,280}all\s+rights)\s*$").anchored);
        assert!(!weak(r"(?mR)Photo by \w+").anchored);
    }

    #[test]
    fn weakening_drops_word_boundaries_and_big_counters() {
        let w = weak(r"(?mRi)^\s*(?:cookies\b)\s*$");
        assert!(!w.hir.properties().look_set().contains(Look::WordUnicode));
        let w = weak(r"(?mR)[^\n]{0,280}all rights");
        // Cut at the most literal point: the loop before "all" is gone.
        assert_eq!(w.hir.properties().minimum_len(), Some("all rights".len()));
    }

    fn lines_of(p: &str, text: &str) -> Vec<usize> {
        let pre = LinePrefilter::new(&[regex_syntax::Parser::new().parse(p).unwrap()]).unwrap();
        let doc = Document::new(text);
        let mut out = Vec::new();
        pre.candidates(&doc, |_, l| out.push(l));
        out.sort_unstable();
        out.dedup();
        out
    }

    #[test]
    fn reports_the_lines_the_original_matches() {
        let text = "x\n  Share \nno share here\nshare\r\nend";
        assert_eq!(lines_of(r"(?mRi)^\s*(?:share)\s*$", text), [1, 3]);
        let text = "a\nall rights reserved. b\nc: monitor\n";
        assert_eq!(
            lines_of(r"(?mRi)[^\n]{0,280}all\s+rights\s+reserved", text),
            [1]
        );
        assert_eq!(lines_of(r"(?mRi)^[^.!?:\n]{1,180}:\s*monitor$", text), [2]);
    }

    #[test]
    fn a_lone_carriage_return_starts_a_regex_line() {
        assert_eq!(lines_of(r"(?mR)^Tweet$", "a\rTweet\nb\n"), [0]);
    }
}
