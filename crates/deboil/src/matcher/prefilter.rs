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
//!   and prefix rule). A union DFA runs *anchored* at each line start and
//!   stops as soon as no pattern can continue, usually after a few bytes.
//!   Since a pattern is reported as soon as a line's start matches it, one
//!   is cut where "any text" (`[^\n]*`) first begins when what comes before
//!   still selects lines by a few letters ("posted by", "reply"): cut, it
//!   dies within a few bytes instead of running to the line's end. Those
//!   that stay long-lived run as a second union, since the states of two
//!   sets of patterns alive together multiply.
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
/// Transition-table budget of each anchored union, per thread. With the
/// built-in rules each settles at 4 to 5 MB on real page dumps; past the
/// budget the table is cleared and rebuilt, slower but still right.
const ANCHORED_CACHE: usize = 6 << 20;
/// Budget of each scanning DFA: one or a few patterns, far fewer states.
const SCAN_CACHE: usize = 2 << 20;

type CachesFn = Box<dyn Fn() -> Caches + Send + Sync + UnwindSafe + RefUnwindSafe>;

/// One search cache per DFA, reused by one thread at a time.
struct Caches {
    anchored: Vec<Cache>,
    scans: Vec<Cache>,
}

/// The weakened patterns of a list of regexes, compiled.
pub(crate) struct LinePrefilter {
    /// Unions of the line-anchored patterns (those that die within a few
    /// bytes of most lines, then those that run on to their end), with the
    /// index of each pattern's regex in the caller's list. Apart, each
    /// union's states settle; together they multiply (each state of one
    /// paired with each of the other) and never did.
    anchored: Vec<(DFA, Vec<usize>)>,
    /// Per anchored union, whether one of its patterns can match an empty
    /// line; if none can, the empty lines (a third of a page dump's lines)
    /// are not walked.
    empty_matches: Vec<bool>,
    /// Unanchored DFAs (one per prefiltered pattern, plus one union of the
    /// others), each with the caller's indexes of its patterns.
    scans: Vec<(DFA, Vec<usize>)>,
    /// Per pattern (the caller's index), whether the anchored walk runs it
    /// unweakened, so that its reports are matches (see
    /// [`LinePrefilter::candidates`]).
    exact: Vec<bool>,
    caches: Pool<Caches, CachesFn>,
}

impl std::fmt::Debug for LinePrefilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinePrefilter")
            .field(
                "anchored",
                &self.anchored.iter().map(|(_, ids)| ids).collect::<Vec<_>>(),
            )
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
    /// For an anchored pattern, whether it keeps a wide loop (so stays
    /// alive to the end of most lines).
    to_line_end: bool,
    /// For an unanchored pattern, its literal prefixes when they are a
    /// small finite set.
    prefixes: Option<Seq>,
    /// Anchored and neither weakened nor cut: a line it is reported on is
    /// a line the original matches from its start.
    exact: bool,
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
        let exact: Vec<bool> = weak.iter().map(|w| w.exact).collect();
        // (patterns, ids) of the short-lived and the long-lived anchored.
        let mut anchored = [(Vec::new(), Vec::new()), (Vec::new(), Vec::new())];
        let mut groups: Vec<ScanGroup> = Vec::new();
        let mut rest = (Vec::new(), Vec::new());
        for (i, weak) in weak.into_iter().enumerate() {
            if weak.anchored {
                let union = &mut anchored[usize::from(weak.to_line_end)];
                union.0.push(weak.hir);
                union.1.push(i);
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
        // (patterns, ids, prefilter, cache budget): the anchored unions
        // first, then the scans in group order.
        let mut jobs = Vec::with_capacity(groups.len() + 3);
        let unions = anchored.iter().filter(|a| !a.0.is_empty()).count();
        let empty_matches: Vec<bool> = anchored
            .iter()
            .filter(|a| !a.0.is_empty())
            .map(|(hirs, _)| hirs.iter().any(|h| h.properties().minimum_len() == Some(0)))
            .collect();
        for (hirs, ids) in anchored.into_iter().filter(|a| !a.0.is_empty()) {
            jobs.push((hirs, ids, None, ANCHORED_CACHE));
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
        let anchored: Vec<(DFA, Vec<usize>)> = built.by_ref().take(unions).collect();
        let scans: Vec<(DFA, Vec<usize>)> = built.collect();
        let dfas: (Vec<DFA>, Vec<DFA>) = (
            anchored.iter().map(|(d, _)| d.clone()).collect(),
            scans.iter().map(|(d, _)| d.clone()).collect(),
        );
        let create: CachesFn = Box::new(move || Caches {
            anchored: dfas.0.iter().map(DFA::create_cache).collect(),
            scans: dfas.1.iter().map(DFA::create_cache).collect(),
        });
        Some(LinePrefilter {
            anchored,
            empty_matches,
            scans,
            exact,
            caches: Pool::new(create),
        })
    }

    /// Calls `candidate(pattern, line, certain)` for every line on which
    /// `pattern` (an index into the list given to [`LinePrefilter::new`])
    /// may match. No matching pair is missed; a pair can be reported more
    /// than once. Each pattern's lines come in order (one DFA reports each
    /// pattern). `certain` says the pattern does match the line: an
    /// unweakened, uncut anchored pattern that the walk from the line's
    /// start reached a match of (most whole-line and prefix rules of plain
    /// words are; their regex need not run).
    pub(crate) fn candidates(&self, doc: &Document, mut candidate: impl FnMut(usize, usize, bool)) {
        let text = doc.text();
        let lines = doc.lines();
        let mut caches = self.caches.get();
        let caches = &mut *caches;
        let unions = self.anchored.iter().zip(&self.empty_matches);
        for (((dfa, ids), &empty_matches), cache) in unions.zip(caches.anchored.iter_mut()) {
            // In the rules' CRLF mode a lone `\r` also starts a line for the
            // regex, while the document keeps it as content. Walking from
            // each one could cost the rest of the line every time (quadratic
            // on a long line full of them), so such a (rare) line is simply
            // a candidate for every anchored pattern.
            let mut lone_cr = memchr::memchr_iter(b'\r', text.as_bytes())
                .filter(|&i| text.as_bytes().get(i + 1) != Some(&b'\n'))
                .peekable();
            for (li, line) in lines.iter().enumerate() {
                // No pattern of the union matches nothing, so none matches
                // an empty line (and a lone `\r` is content, not in one).
                if line.content_end == line.start && !empty_matches {
                    continue;
                }
                if lone_cr.next_if(|&cr| cr < line.content_end).is_some() {
                    while lone_cr.next_if(|&cr| cr < line.content_end).is_some() {}
                    ids.iter().for_each(|&p| candidate(p, li, false));
                    continue;
                }
                let range = (line.start, line.content_end);
                let found = |p: usize| candidate(ids[p], li, self.exact[ids[p]]);
                if anchored_matches(dfa, cache, text.as_bytes(), range, found).is_err() {
                    // Cannot happen with this configuration (no quit bytes,
                    // never gives up); stay correct if it does.
                    ids.iter().for_each(|&p| candidate(p, li, false));
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
                        ids.iter().for_each(|&p| candidate(p, li, false));
                    }
                    break;
                }
                let Some(m) = state.get_match() else { break };
                // A weakened match ends where an original match would, so
                // the line of its last byte is the original's line.
                if m.offset() > 0 {
                    candidate(
                        ids[m.pattern().as_usize()],
                        doc.line_of(m.offset() - 1),
                        false,
                    );
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
        let cut = cut_at_wide_loop(&items);
        let exact = cut.is_none() && weak == *hir;
        let run = cut.unwrap_or(weak);
        return Weak {
            to_line_end: has_wide_loop(&run),
            exact,
            hir: run,
            anchored: true,
            prefixes: None,
        };
    }
    let (cut, prefixes) = best_cut(&items);
    Weak {
        hir: Hir::concat(items[cut..].iter().map(|&h| h.clone()).collect()),
        anchored: false,
        to_line_end: false,
        prefixes,
        exact: false,
    }
}

/// A line-anchored pattern (its items, the anchor first) cut where "any
/// text" first begins, when what is left still selects lines by a literal
/// of a few bytes; `None` to keep it whole.
///
/// The anchored union reports a pattern as soon as the line so far matches
/// it, so any leading part of a pattern is a superset of it. Past a wide
/// loop, a pattern stays alive to the end of most lines, and the union's
/// states multiply with the patterns alive together: its cache filled and
/// was cleared every few hundred documents, and building states took about
/// a tenth of a run. Cut, a pattern dies a few bytes after its literal.
fn cut_at_wide_loop(items: &[&Hir]) -> Option<Hir> {
    // The anchor and the blank space after it select nothing; the literal
    // must come from what follows.
    let start = 1 + items
        .iter()
        .skip(1)
        .take_while(|h| is_narrow_optional(h))
        .count();
    let body = Hir::concat(items.get(start..)?.iter().map(|&h| h.clone()).collect());
    let cut = cut_body(&body)?;
    if narrow_len(&cut).0 < MIN_CUT_LITERAL {
        return None;
    }
    let mut kept: Vec<Hir> = items[..start].iter().map(|&h| h.clone()).collect();
    kept.push(cut);
    Some(Hir::concat(kept))
}

/// Characters a cut pattern must still start with, each from a narrow
/// class ([`narrow_len`]).
const MIN_CUT_LITERAL: usize = 3;

/// How many characters every match of `hir` starts with that are each one
/// of a few (a literal, or a letter in either case: `(?i)reply` is a class
/// per letter, too many spellings for a literal extractor's limits), and
/// whether that is all of `hir`.
fn narrow_len(hir: &Hir) -> (usize, bool) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => (0, true),
        HirKind::Literal(l) => (
            std::str::from_utf8(&l.0).map_or(l.0.len(), |s| s.chars().count()),
            true,
        ),
        HirKind::Class(c) => {
            if class_size(c) <= 4 {
                (1, true)
            } else {
                (0, false)
            }
        }
        HirKind::Capture(c) => narrow_len(&c.sub),
        HirKind::Repetition(r) => {
            if r.min == 0 {
                (0, false)
            } else {
                (narrow_len(&r.sub).0, false)
            }
        }
        HirKind::Concat(v) => {
            let mut len = 0;
            for h in v {
                let (l, whole) = narrow_len(h);
                len += l;
                if !whole {
                    return (len, false);
                }
            }
            (len, true)
        }
        HirKind::Alternation(v) => {
            let all: Vec<(usize, bool)> = v.iter().map(narrow_len).collect();
            let len = all.iter().map(|a| a.0).min().unwrap_or(0);
            // Branches of different lengths: only the shortest is sure.
            let whole = all.iter().all(|&(l, w)| w && l == len);
            (len, whole)
        }
    }
}

/// Whether `hir` holds a wide loop anywhere (where [`cut_body`] cuts).
fn has_wide_loop(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Repetition(r) => is_wide_loop(hir) || has_wide_loop(&r.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(has_wide_loop),
        HirKind::Capture(c) => has_wide_loop(&c.sub),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => false,
    }
}

/// `hir` cut before its first wide loop (and everything after it), `None`
/// when it has none. A leading part of a match of `hir` matches the result.
fn cut_body(hir: &Hir) -> Option<Hir> {
    match hir.kind() {
        HirKind::Repetition(r) => {
            if is_wide_loop(hir) {
                return Some(Hir::empty());
            }
            let sub = cut_body(&r.sub)?;
            // Once at least, cut; or not at all.
            Some(if r.min == 0 { Hir::empty() } else { sub })
        }
        HirKind::Concat(v) => v.iter().enumerate().find_map(|(i, h)| {
            let cut = cut_body(h)?;
            let mut kept = v[..i].to_vec();
            kept.push(cut);
            Some(Hir::concat(kept))
        }),
        HirKind::Alternation(v) => {
            let cuts: Vec<Option<Hir>> = v.iter().map(cut_body).collect();
            if cuts.iter().all(Option::is_none) {
                return None;
            }
            Some(Hir::alternation(
                cuts.into_iter()
                    .zip(v)
                    .map(|(c, h)| c.unwrap_or_else(|| h.clone()))
                    .collect(),
            ))
        }
        HirKind::Capture(c) => cut_body(&c.sub),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => None,
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
        pre.candidates(&doc, |_, l, _| out.push(l));
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
    fn empty_lines_are_walked_when_a_pattern_can_match_one() {
        // Alone, and in a union with a pattern that cannot (the union's
        // empty lines are skipped only when none of its patterns can).
        let text = "a\n\nshare\n\r\n\n \nb";
        let empty = r"(?mR)^[ \t]*$";
        let share = r"(?mRi)^\s*(?:share)\s*$";
        assert_eq!(lines_of(empty, text), [1, 3, 4, 5]);
        assert_eq!(lines_of(share, text), [2]);
        let parse = |p: &str| regex_syntax::Parser::new().parse(p).unwrap();
        let pre = LinePrefilter::new(&[parse(share), parse(empty)]).unwrap();
        let mut found = Vec::new();
        pre.candidates(&Document::new(text), |p, l, _| found.push((p, l)));
        found.sort_unstable();
        assert_eq!(found, [(0, 2), (1, 1), (1, 3), (1, 4), (1, 5)]);
    }

    #[test]
    fn anchored_patterns_stop_where_any_text_begins() {
        let byline = r"(?mRi)^\s*(?:posted|updated)\s+by\s[^\n]*$";
        let w = weak(byline);
        assert!(w.anchored && !w.to_line_end);
        assert!(!has_wide_loop(&w.hir), "{}", w.hir);
        let text =
            "Posted by Jane on Monday\nposted\nThe post was updated by Tom\n  updated  by x\n";
        assert_eq!(lines_of(byline, text), [0, 3]);
        // A start that selects nothing much stays whole: cut, it would
        // make nearly every line a candidate.
        let w = weak(r"(?mR)^\s*[A-Z][^\n]*:$");
        assert!(w.anchored && w.to_line_end);
        assert_eq!(
            lines_of(r"(?mR)^\s*[A-Z][^\n]*:$", "Read more:\nRead more\n"),
            [0]
        );
    }

    #[test]
    fn narrow_starts_are_counted_in_characters() {
        let hir = |p: &str| regex_syntax::Parser::new().parse(p).unwrap();
        assert_eq!(narrow_len(&hir("(?i)reply")), (5, true));
        assert_eq!(narrow_len(&hir("(?i)by\\s+x")), (2, false));
        assert_eq!(narrow_len(&hir("(?:share|tweet)s?")), (5, false));
        assert_eq!(narrow_len(&hir("[A-Z]x")).0, 0);
    }

    #[test]
    fn only_unweakened_anchored_patterns_are_certain() {
        assert!(weak(r"(?mRi)^\s*(?:share|tweet)\s*$").exact);
        // Weakened (a word boundary dropped), cut at its wide loop, or
        // scanned: reports that the regex must confirm.
        assert!(!weak(r"(?mRi)^\s*(?:share\b)\s*$").exact);
        assert!(!weak(r"(?mRi)^\s*(?:posted|updated)\s+by\s[^\n]*$").exact);
        assert!(!weak(r"(?mR)Photo by \w+").exact);
        let pre = LinePrefilter::new(&[regex_syntax::Parser::new()
            .parse(r"(?mRi)^\s*(?:share)\s*$")
            .unwrap()])
        .unwrap();
        let doc = Document::new("Share\nnot share\na\rShare\n");
        let mut out = Vec::new();
        pre.candidates(&doc, |_, l, certain| out.push((l, certain)));
        // The line with a lone carriage return is a candidate, not a match.
        assert_eq!(out, [(0, true), (2, false)]);
    }

    #[test]
    fn a_lone_carriage_return_starts_a_regex_line() {
        assert_eq!(lines_of(r"(?mR)^Tweet$", "a\rTweet\nb\n"), [0]);
    }
}
