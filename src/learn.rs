//! Learning a corpus's boilerplate: lines that repeat, verbatim up to
//! [folding](crate::fold), across many documents of one group (one site),
//! written out as an ordinary rule pack.
//!
//! Two passes over the documents:
//!
//! 1. **Counting.** Every non-blank line of a document is folded and hashed
//!    with its group, and so is every pair of adjacent non-blank lines (the
//!    first line paired with a start-of-document mark, the last with an
//!    end mark); each distinct key is counted once per document (a line
//!    repeated inside one document is no evidence) in a [`CountMin`] sketch
//!    of fixed size. Documents per group are counted exactly (16 bytes per
//!    group).
//! 2. **Confirming.** Each document is read again; a line whose sketch
//!    estimate reaches its group's threshold is a candidate and is counted
//!    exactly, with its text, its documents, its occurrences and how many of
//!    them sit in a repeated run (below). A count-min sketch never
//!    under-counts, so every line that truly reaches the threshold is a
//!    candidate; its over-counts only add candidates that the exact count
//!    then rejects. The document counts of learned lines are therefore
//!    exact; the sketch's error costs pass-2 memory, which is capped
//!    ([`LearnOptions::max_candidates`]), and can only make the run test
//!    below more lenient, by at most its error bound.
//!
//! A line is learned for its group when it occurs in at least
//! `max(min_docs, ceil(min_share × documents))` documents of a group that
//! has at least `min_group_docs` documents, has two or more letters, is at
//! most `max_chars` characters long, and passes the **context guard**: more
//! than `run_share` of its occurrences sit in a *repeated run*, i.e. next to
//! a neighbour line (with two or more letters) or a document edge with
//! which it forms a pair that itself occurs in as many documents as the
//! threshold. Furniture comes with its context: a menu item beside the
//! next item, a cookie banner beside its buttons, a footer at the end of
//! every page. Repetition alone is not enough, because some article text
//! repeats too, with varying neighbours: a quotation, a disclaimer or an
//! author bio inside article bodies; the words of sentences and code that
//! a dump splits at inline tags (`None`, `return`, `and` on lines of their
//! own, each repeated many times per page); a rating or a price repeated
//! in every item of listing pages, beside numbers. Those are kept and
//! listed in the pack as comments. The guard looks at each occurrence, not
//! at each document, so that a line repeated inside a page mostly among
//! unique lines is kept even if one of its occurrences sits in a run.

use crate::document::trim_blank;
use crate::fold::fold_into;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::BuildHasher;

/// Settings of a learning run.
#[derive(Clone, Debug)]
pub struct LearnOptions {
    /// A line must occur in at least this many documents of its group.
    pub min_docs: usize,
    /// ...and in at least this share of them.
    pub min_share: f64,
    /// Groups with fewer documents learn nothing.
    pub min_group_docs: usize,
    /// Lines longer than this many characters are never learned.
    pub max_chars: usize,
    /// A line is learned only when more than this share of its occurrences
    /// sit in a repeated run (the context guard, see the module docs); a
    /// negative share turns the guard off.
    pub run_share: f64,
    /// Columns of the count-min sketch (rounded up to a power of two).
    pub sketch_width: usize,
    /// Rows of the count-min sketch.
    pub sketch_depth: usize,
    /// Most lines counted exactly in pass 2; further candidates are dropped
    /// (and counted in [`LearnStats::dropped`]).
    pub max_candidates: usize,
    /// A document whose repeated lines hold more than this share of its
    /// text is a near-duplicate of another (the same article under two
    /// URLs) or a page of pure furniture: it is no evidence.
    pub duplicate_share: f64,
}

impl Default for LearnOptions {
    fn default() -> LearnOptions {
        LearnOptions {
            min_docs: 2,
            min_share: 0.5,
            min_group_docs: 2,
            max_chars: 300,
            run_share: 0.5,
            sketch_width: 1 << 23,
            sketch_depth: 4,
            max_candidates: 2_000_000,
            duplicate_share: 0.7,
        }
    }
}

impl LearnOptions {
    /// Documents a line needs in a group of `docs` documents.
    pub fn threshold(&self, docs: u64) -> u64 {
        let share = (self.min_share * docs as f64).ceil() as u64;
        share.max(self.min_docs as u64).max(1)
    }
}

/// A count-min sketch with conservative update: `depth` rows of `width`
/// 32-bit counters. An estimate is never below the true count and exceeds
/// it by more than `e / width × N` (N: all increments) with probability at
/// most `exp(-depth)`; conservative update (only the smallest counters are
/// raised) makes the excess much smaller in practice.
#[derive(Clone, Debug)]
pub struct CountMin {
    width_mask: u64,
    depth: usize,
    counts: Vec<u32>,
    total: u64,
}

impl CountMin {
    /// A sketch of `depth` rows of `width` counters (rounded up to a power of two).
    pub fn new(width: usize, depth: usize) -> CountMin {
        let width = width.max(64).next_power_of_two();
        let depth = depth.max(1);
        CountMin {
            width_mask: width as u64 - 1,
            depth,
            counts: vec![0; width * depth],
            total: 0,
        }
    }

    fn slot(&self, row: usize, key: u64) -> usize {
        // A different odd multiplier per row, then splitmix64's finalizer.
        let mut x = key ^ (row as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^= x >> 31;
        row * (self.width_mask as usize + 1) + (x & self.width_mask) as usize
    }

    /// Counts `key` once.
    pub fn add(&mut self, key: u64) {
        self.total += 1;
        let est = self.estimate(key);
        for row in 0..self.depth {
            let s = self.slot(row, key);
            if self.counts[s] == est {
                self.counts[s] = est.saturating_add(1);
            }
        }
    }

    /// An upper bound of how often `key` was counted.
    pub fn estimate(&self, key: u64) -> u32 {
        (0..self.depth)
            .map(|row| self.counts[self.slot(row, key)])
            .min()
            .unwrap_or(0)
    }

    /// Memory held by the counters.
    pub fn bytes(&self) -> usize {
        self.counts.len() * 4
    }

    /// The additive error bound `e / width × N` for the increments so far.
    pub fn error_bound(&self) -> f64 {
        std::f64::consts::E / (self.width_mask + 1) as f64 * self.total as f64
    }
}

const HASH: foldhash::quality::FixedState =
    foldhash::quality::FixedState::with_seed(0x6465_626f_696c);

fn group_hash(group: &str) -> u64 {
    HASH.hash_one(group)
}

fn line_key(group: u64, folded: &str) -> u64 {
    HASH.hash_one((group, folded))
}

/// Stand-ins for the line before a document's first line and after its
/// last, so that sitting at the top or the bottom of documents is a context
/// like any neighbour (a footer's last line, a site name opening each page).
const START: u64 = 0x0073_7461_7274; // "start"
const END: u64 = 0x0065_6e64; // "end"

/// The key of two adjacent non-blank lines, in this order.
fn pair_key(group: u64, first: u64, second: u64) -> u64 {
    HASH.hash_one((group, first, second))
}

/// The keys of one document for pass 1 (computed in parallel, then counted).
#[derive(Clone, Debug, Default)]
pub struct DocKeys {
    group: u64,
    keys: Vec<u64>,
}

/// What pass 2 found in one document.
#[derive(Clone, Debug, Default)]
pub struct DocScan {
    group: u64,
    group_name: String,
    name: String,
    /// Candidate lines: key, text, occurrences, occurrences in a repeated run.
    candidates: Vec<(u64, String, u64, u64)>,
    /// A prose line found in this document only: a keep example.
    keep: Option<String>,
    /// Set when the document was left out as a near-duplicate.
    duplicate: bool,
}

#[derive(Clone, Debug, Default)]
struct Candidate {
    text: String,
    docs: u64,
    occurrences: u64,
    in_run: u64,
    examples: Vec<String>,
}

#[derive(Clone, Debug, Default)]
struct GroupOut {
    name: String,
    keep: Vec<String>,
}

/// Counters of a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LearnStats {
    /// Documents counted in pass 1.
    pub documents: u64,
    /// Groups seen.
    pub groups: u64,
    /// Groups with enough documents to learn from.
    pub eligible_groups: u64,
    /// Lines counted exactly in pass 2.
    pub candidates: u64,
    /// Candidate lines not counted because the pass-2 table was full.
    pub dropped: u64,
    /// Documents left out of pass 2 as near-duplicates.
    pub duplicates: u64,
    /// Bytes of the sketch.
    pub sketch_bytes: usize,
    /// The sketch's additive error bound (see [`CountMin`]).
    pub sketch_error: f64,
    /// Documents of the largest group (to say why nothing was learned).
    pub largest_group: u64,
}

/// The state of a learning run: feed pass 1 with [`Learner::count`], then
/// pass 2 with [`Learner::confirm`], then [`Learner::finish`].
#[derive(Clone, Debug)]
pub struct Learner {
    opts: LearnOptions,
    sketch: CountMin,
    groups: HashMap<u64, u64, foldhash::fast::RandomState>,
    documents: u64,
    candidates: HashMap<(u64, u64), Candidate, foldhash::fast::RandomState>,
    out: HashMap<u64, GroupOut, foldhash::fast::RandomState>,
    dropped: u64,
    duplicates: u64,
}

fn countable(trimmed: &str, folded: &str, max_chars: usize) -> bool {
    !trimmed.contains('\r')
        && folded.chars().filter(|c| c.is_alphabetic()).take(2).count() == 2
        && (trimmed.len() <= max_chars || trimmed.chars().count() <= max_chars)
}

/// True when a line reads as a sentence of at least `words` words.
pub fn is_prose(line: &str, words: usize) -> bool {
    let t = trim_blank(line);
    t.split_whitespace().count() >= words
        && t.ends_with(['.', '!', '?', '…', ':', ';', '"', '\'', '”', '’', '»', ')'])
}

impl Learner {
    /// A learner with an empty sketch.
    pub fn new(opts: LearnOptions) -> Learner {
        Learner {
            sketch: CountMin::new(opts.sketch_width, opts.sketch_depth),
            opts,
            groups: HashMap::default(),
            documents: 0,
            candidates: HashMap::default(),
            out: HashMap::default(),
            dropped: 0,
            duplicates: 0,
        }
    }

    /// The settings.
    pub fn options(&self) -> &LearnOptions {
        &self.opts
    }

    /// Pass 1, the part that needs no shared state: the distinct line and
    /// adjacent-pair keys of one document of `group`.
    pub fn keys(&self, group: &str, text: &str) -> DocKeys {
        let group = group_hash(group);
        let mut keys = Vec::new();
        let mut folded = String::new();
        let mut prev = START;
        for line in text.lines() {
            let t = trim_blank(line);
            if t.is_empty() {
                continue;
            }
            // Every line is counted (near-duplicates are told by all their
            // text); only countable lines can be learned.
            fold_into(t, &mut folded, usize::MAX);
            let key = line_key(group, &folded);
            keys.push(key);
            keys.push(pair_key(group, prev, key));
            prev = key;
        }
        if prev != START {
            keys.push(pair_key(group, prev, END));
        }
        keys.sort_unstable();
        keys.dedup();
        DocKeys { group, keys }
    }

    /// Pass 1: counts one document's keys.
    pub fn count(&mut self, doc: DocKeys) {
        self.documents += 1;
        *self.groups.entry(doc.group).or_default() += 1;
        for k in doc.keys {
            self.sketch.add(k);
        }
    }

    /// Pass 2, the part that needs no shared state: the candidate lines of
    /// one document named `name` (for the examples in comments).
    pub fn scan(&self, group: &str, name: &str, text: &str) -> DocScan {
        let g = group_hash(group);
        let docs = self.groups.get(&g).copied().unwrap_or(0);
        if docs < self.opts.min_group_docs as u64 {
            return DocScan::default();
        }
        let threshold = self.opts.threshold(docs);
        let mut folded = String::new();
        // Non-blank lines: (text, key, candidate?, countable?).
        let mut lines: Vec<(&str, u64, bool, bool)> = Vec::new();
        let reaches = |key: u64| u64::from(self.sketch.estimate(key)) >= threshold;
        let mut keep = None;
        let (mut repeated, mut total) = (0, 0);
        for line in text.lines() {
            let t = trim_blank(line);
            if t.is_empty() {
                continue;
            }
            fold_into(t, &mut folded, usize::MAX);
            let key = line_key(g, &folded);
            let est = u64::from(self.sketch.estimate(key));
            let chars = t.chars().count();
            total += chars;
            if est >= threshold {
                repeated += chars;
            }
            let countable = countable(t, &folded, self.opts.max_chars);
            if countable && est <= 1 && keep.is_none() && is_prose(t, 8) {
                keep = Some(t.to_owned());
            }
            lines.push((t, key, countable && est >= threshold, countable));
        }
        if total > 0 && repeated as f64 > self.opts.duplicate_share * total as f64 {
            return DocScan {
                group: g,
                group_name: group.to_owned(),
                name: name.to_owned(),
                duplicate: true,
                ..DocScan::default()
            };
        }
        let mut candidates: Vec<(u64, String, u64, u64)> = Vec::new();
        for (i, &(t, key, cand, _)) in lines.iter().enumerate() {
            if !cand {
                continue;
            }
            let prev = i.checked_sub(1).map(|j| lines[j]);
            let next = lines.get(i + 1).copied();
            // A neighbour without two letters (a count, a price, a bracket
            // of code) folds to the same line on every page, so repeating
            // beside it says nothing of a fixed context: it is no run.
            let ctx = |l: Option<(&str, u64, bool, bool)>, edge: u64| match l {
                None => Some(edge),
                Some(l) if l.3 => Some(l.1),
                Some(_) => None,
            };
            let before = ctx(prev, START).is_some_and(|p| reaches(pair_key(g, p, key)));
            let after = ctx(next, END).is_some_and(|n| reaches(pair_key(g, key, n)));
            let in_run = u64::from(before || after);
            match candidates.iter_mut().find(|c| c.0 == key) {
                Some(c) => {
                    c.2 += 1;
                    c.3 += in_run;
                }
                None => candidates.push((key, t.to_owned(), 1, in_run)),
            }
        }
        DocScan {
            group: g,
            group_name: group.to_owned(),
            name: name.to_owned(),
            candidates,
            keep,
            duplicate: false,
        }
    }

    /// Pass 2: counts one document's candidates exactly.
    pub fn confirm(&mut self, doc: DocScan) {
        if doc.name.is_empty() && doc.candidates.is_empty() {
            return;
        }
        self.duplicates += u64::from(doc.duplicate);
        let out = self.out.entry(doc.group).or_default();
        if out.name.is_empty() {
            out.name = doc.group_name;
        }
        if let Some(k) = doc.keep {
            if out.keep.len() < 8 && !out.keep.contains(&k) {
                out.keep.push(k);
            }
        }
        for (key, text, occurrences, in_run) in doc.candidates {
            let full = self.candidates.len() >= self.opts.max_candidates;
            let c = match self.candidates.get_mut(&(doc.group, key)) {
                Some(c) => c,
                None if full => {
                    self.dropped += 1;
                    continue;
                }
                None => self
                    .candidates
                    .entry((doc.group, key))
                    .or_insert_with(|| Candidate {
                        text,
                        ..Candidate::default()
                    }),
            };
            c.docs += 1;
            c.occurrences += occurrences;
            c.in_run += in_run;
            if c.examples.len() < 2 {
                c.examples.push(doc.name.clone());
            }
        }
    }

    /// Ends the run: the learned lines of every group.
    pub fn finish(self) -> Learned {
        let stats = LearnStats {
            documents: self.documents,
            groups: self.groups.len() as u64,
            eligible_groups: self
                .groups
                .values()
                .filter(|&&n| n >= self.opts.min_group_docs as u64)
                .count() as u64,
            candidates: self.candidates.len() as u64,
            dropped: self.dropped,
            duplicates: self.duplicates,
            sketch_bytes: self.sketch.bytes(),
            sketch_error: self.sketch.error_bound(),
            largest_group: self.groups.values().copied().max().unwrap_or(0),
        };
        let mut by_group: HashMap<u64, Vec<Candidate>> = HashMap::new();
        for ((g, _), c) in self.candidates {
            by_group.entry(g).or_default().push(c);
        }
        let mut groups = Vec::new();
        for (g, out) in self.out {
            let docs = self.groups.get(&g).copied().unwrap_or(0);
            let threshold = self.opts.threshold(docs);
            let mut lines = Vec::new();
            let mut guarded = Vec::new();
            for c in by_group.remove(&g).unwrap_or_default() {
                if c.docs < threshold {
                    continue;
                }
                let line = LearnedLine {
                    text: c.text,
                    docs: c.docs,
                    examples: c.examples,
                };
                // The context guard: repeated, but not with its neighbours.
                if (c.in_run as f64) <= self.opts.run_share * c.occurrences as f64 {
                    guarded.push(line);
                } else {
                    lines.push(line);
                }
            }
            let order = |a: &LearnedLine, b: &LearnedLine| {
                b.docs.cmp(&a.docs).then_with(|| a.text.cmp(&b.text))
            };
            lines.sort_by(order);
            guarded.sort_by(order);
            if lines.is_empty() && guarded.is_empty() {
                continue;
            }
            let mut keep = out.keep;
            keep.sort();
            groups.push(LearnedGroup {
                name: out.name,
                docs,
                threshold,
                lines,
                guarded,
                keep,
            });
        }
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        Learned {
            opts: self.opts,
            groups,
            stats,
        }
    }
}

/// One learned line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LearnedLine {
    /// Its text as first seen (trimmed).
    pub text: String,
    /// Documents of the group holding it.
    pub docs: u64,
    /// Up to two of them.
    pub examples: Vec<String>,
}

/// What one group learned.
#[derive(Clone, Debug, PartialEq)]
pub struct LearnedGroup {
    /// The group's name (a host, a directory...).
    pub name: String,
    /// Its documents.
    pub docs: u64,
    /// Documents a line needed.
    pub threshold: u64,
    /// Lines learned as boilerplate.
    pub lines: Vec<LearnedLine>,
    /// Repeated lines kept by the context guard: most of their occurrences
    /// sit among unique lines.
    pub guarded: Vec<LearnedLine>,
    /// Candidate `keep` examples: prose lines found in one document only.
    pub keep: Vec<String>,
}

/// The result of a run, ready to be written as a rule pack.
#[derive(Clone, Debug)]
pub struct Learned {
    opts: LearnOptions,
    /// Groups that learned something, by name.
    pub groups: Vec<LearnedGroup>,
    /// Counters.
    pub stats: LearnStats,
}

/// The host of a URL (`https://user@Example.com:8080/a` gives
/// `example.com`), or `None` when `s` is not an absolute URL.
pub fn url_host(s: &str) -> Option<String> {
    let (_, rest) = s.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The group name meaning "every document": rules learned under it carry
/// no `group` and apply to all documents.
pub const ALL: &str = "*";

/// A rule id part from a group name: lowercase ASCII letters and digits,
/// other runs become `-`, starting with a letter.
fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    while s.ends_with('-') {
        s.pop();
    }
    if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
        s.insert_str(0, if s.is_empty() { "group" } else { "g-" });
    }
    s
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// Kept lines listed per group: documentation pages split at inline tags
/// can keep hundreds of words and identifiers.
const GUARDED_SHOWN: usize = 30;

/// Text safe inside a one-line comment.
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl Learned {
    /// Keeps only the `keep` examples `ok` accepts (the caller checks them
    /// against the rules they will run with); groups left without one are
    /// written as comments only.
    pub fn retain_keep(&mut self, mut ok: impl FnMut(Option<&str>, &str) -> bool) {
        for g in &mut self.groups {
            let group = (g.name != ALL).then_some(g.name.as_str());
            g.keep.retain(|k| ok(group, k));
        }
    }

    /// Number of rules [`Learned::to_toml`] writes.
    pub fn rules(&self) -> usize {
        self.groups
            .iter()
            .filter(|g| !g.lines.is_empty() && !g.keep.is_empty())
            .count()
    }

    /// Why no rule was learned, in words (`None` when some rule was):
    /// learning nothing is a normal outcome (pages of many sites in one
    /// group, too few pages per site), and the user needs to know which.
    pub fn nothing_learned(&self) -> Option<String> {
        if self.rules() > 0 {
            return None;
        }
        let s = &self.stats;
        let o = &self.opts;
        let docs = |n: u64| {
            if n == 1 {
                "1 document".to_owned()
            } else {
                format!("{n} documents")
            }
        };
        Some(if s.documents == 0 {
            "no documents were read".to_owned()
        } else if s.eligible_groups == 0 {
            let need = o.min_group_docs.max(o.min_docs);
            if s.groups == 1 {
                format!(
                    "one group of {}, fewer than the {need} a group needs",
                    docs(s.documents)
                )
            } else {
                format!(
                    "{} groups of at most {}, none with the {need} a group needs",
                    s.groups,
                    docs(s.largest_group)
                )
            }
        } else if self.groups.iter().any(|g| !g.lines.is_empty()) {
            "no group had a line found in only one document to serve as a `keep` example".to_owned()
        } else if !self.groups.is_empty() {
            "the repeated lines sit among unique lines (like a quotation), not beside each other"
                .to_owned()
        } else if s.groups == 1 {
            format!(
                "one group of {}, no line in {} or more of them",
                docs(s.documents),
                o.threshold(s.documents)
            )
        } else {
            format!(
                "{} groups ({} with at least {} documents), no line in enough of its group's \
                 documents (the largest, of {}, needs {})",
                s.groups,
                s.eligible_groups,
                o.min_group_docs,
                s.largest_group,
                o.threshold(s.largest_group)
            )
        })
    }

    /// The rule pack: one `learned.<group>` rule per group, its literals the
    /// learned lines (with counts and example documents as comments), its
    /// `keep` examples prose lines of that group found in one document only.
    pub fn to_toml(&self) -> String {
        let o = &self.opts;
        let s = &self.stats;
        let mut t = String::new();
        let _ = writeln!(
            t,
            "# Learned by `deboil learn`: lines repeated across the documents of a group.\n\
             # {} documents in {} groups ({} with at least {} documents); {} rules.\n\
             # A line is learned when it occurs in at least max({}, {} x documents) documents\n\
             # of its group, mostly next to a line or document edge repeated with it;\n\
             # repeated lines among unique lines are kept (see comments).\n\
             # Matching folds case, whitespace runs and digit runs (`fold = true`).\n\
             # Edit freely (delete a literal to keep that line), check with\n\
             # `deboil rules test --rules THIS_FILE`, use with `deboil clean --rules THIS_FILE`.",
            s.documents,
            s.groups,
            s.eligible_groups,
            o.min_group_docs,
            self.rules(),
            o.min_docs,
            o.min_share,
        );
        let mut ids: HashMap<String, usize> = HashMap::new();
        for g in &self.groups {
            let base = if g.name == ALL {
                "learned.all".to_owned()
            } else {
                format!("learned.{}", slug(&g.name))
            };
            let n = ids.entry(base.clone()).or_default();
            *n += 1;
            let id = if *n == 1 { base } else { format!("{base}-{n}") };
            let name = comment(&g.name);
            t.push('\n');
            let write_guarded = |t: &mut String| {
                if g.guarded.is_empty() {
                    return;
                }
                let _ = writeln!(
                    t,
                    "# Repeated lines kept (they sit among unique lines, like a quotation or words of split sentences):"
                );
                for l in g.guarded.iter().take(GUARDED_SHOWN) {
                    let _ = writeln!(t, "#   {} ({} documents)", comment(&quote(&l.text)), l.docs);
                }
                if g.guarded.len() > GUARDED_SHOWN {
                    let _ = writeln!(t, "#   ... and {} more", g.guarded.len() - GUARDED_SHOWN);
                }
            };
            if g.lines.is_empty() || g.keep.is_empty() {
                let why = if g.lines.is_empty() {
                    "only repeated lines among unique lines"
                } else {
                    "no line found in only one document to serve as a `keep` example"
                };
                let _ = writeln!(
                    t,
                    "# Group {:?} ({} documents): no rule, {why}.",
                    name, g.docs
                );
                write_guarded(&mut t);
                continue;
            }
            let _ = writeln!(
                t,
                "# Group {:?}: {} documents; a line needed {} of them.",
                name, g.docs, g.threshold
            );
            let _ = writeln!(t, "[[rule]]");
            let _ = writeln!(t, "id = {}", quote(&id));
            let _ = writeln!(t, "category = \"learned\"");
            let _ = writeln!(
                t,
                "summary = {}",
                quote(&format!(
                    "Lines repeated across the documents of {name} (learned)"
                ))
            );
            let _ = writeln!(t, "scope = \"line\"");
            let _ = writeln!(t, "match = \"whole-line\"");
            let _ = writeln!(t, "fold = true");
            if g.name != ALL {
                let _ = writeln!(t, "group = {}", quote(&g.name));
            }
            let _ = writeln!(t, "literals = [");
            for l in &g.lines {
                let ex: Vec<String> = l.examples.iter().map(|e| comment(e)).collect();
                let _ = writeln!(
                    t,
                    "    # {} of {} documents, e.g. {}",
                    l.docs,
                    g.docs,
                    ex.join(", ")
                );
                let _ = writeln!(t, "    {},", quote(&l.text));
            }
            let _ = writeln!(t, "]");
            write_guarded(&mut t);
            let _ = writeln!(t, "remove = [{}]", quote(&g.lines[0].text));
            let _ = writeln!(
                t,
                "# `keep`: a line of this group found in one document only (article text)."
            );
            let _ = writeln!(t, "keep = [{}]", quote(&g.keep[0]));
        }
        if let Some(why) = self.nothing_learned() {
            // A pack of no rules is still a pack: written and loadable, so
            // that `learn` then `clean --rules` works whatever was learned.
            // `rule = []` says the emptiness is meant (a file with no rule
            // at all is refused as the wrong file).
            let _ = writeln!(
                t,
                "\n# Nothing learned: {}.\n# An empty pack, on purpose (`rule = []`): `--rules` accepts it.\nrule = []",
                comment(&why)
            );
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learn(opts: LearnOptions, docs: &[(&str, &str)]) -> Learned {
        let mut l = Learner::new(opts);
        for (g, text) in docs {
            let k = l.keys(g, text);
            l.count(k);
        }
        for (i, (g, text)) in docs.iter().enumerate() {
            let s = l.scan(g, &format!("d{i}"), text);
            l.confirm(s);
        }
        l.finish()
    }

    /// Words that make lines unique (digits would fold together).
    const NAMES: [&str; 4] = ["alpha", "bravo", "charlie", "delta"];

    /// The pages of one group, as [`learn`] takes them.
    fn group<'a>(name: &'a str, pages: &'a [String]) -> Vec<(&'a str, &'a str)> {
        pages.iter().map(|p| (name, p.as_str())).collect()
    }

    fn texts(g: &LearnedGroup) -> Vec<&str> {
        g.lines.iter().map(|l| l.text.as_str()).collect()
    }

    const A1: &str = "Home | News | Sport\nThe council met on Monday to discuss the new bridge over the river.\n© 2019 Example Corp\n";
    const A2: &str = "home |  news | sport\nA storm closed the harbour for three days, fishermen said on Friday.\n© 2024 Example Corp\n";
    const A3: &str = "Home | News | Sport\nLocal bakers won a national prize for their sourdough loaves again.\n© 2024 Example Corp\n";

    #[test]
    fn count_min_never_undercounts_and_is_exact_when_sparse() {
        let mut cm = CountMin::new(1 << 10, 4);
        for k in 0..200u64 {
            for _ in 0..(k % 5) {
                cm.add(k);
            }
        }
        for k in 0..200u64 {
            assert!(u64::from(cm.estimate(k)) >= k % 5);
        }
        assert_eq!(cm.estimate(7), 2);
        assert!(cm.error_bound() > 0.0);
    }

    #[test]
    fn thresholds_take_the_larger_of_count_and_share() {
        let o = LearnOptions::default();
        assert_eq!(o.threshold(2), 2);
        assert_eq!(o.threshold(3), 2);
        assert_eq!(o.threshold(12), 6);
        let o = LearnOptions {
            min_docs: 3,
            min_share: 0.1,
            ..LearnOptions::default()
        };
        assert_eq!(o.threshold(4), 3);
        assert_eq!(o.threshold(100), 10);
    }

    #[test]
    fn repeated_lines_are_learned_with_case_space_and_digits_folded() {
        let l = learn(LearnOptions::default(), &[("a", A1), ("a", A2), ("a", A3)]);
        assert_eq!(l.groups.len(), 1);
        let g = &l.groups[0];
        assert_eq!(texts(g), ["Home | News | Sport", "© 2019 Example Corp"]);
        assert_eq!(g.lines[0].docs, 3);
        assert_eq!(g.lines[0].examples, ["d0", "d1"]);
        assert_eq!(g.keep.len(), 3);
    }

    #[test]
    fn repeats_inside_one_document_are_not_evidence() {
        let doc = "Subscribe now\nSubscribe now\nSubscribe now\nA sentence only this page has, about the weather today.\n";
        let other = "Another page entirely, with nothing in common with the first one.\n";
        let l = learn(LearnOptions::default(), &[("a", doc), ("a", other)]);
        assert!(
            l.groups.iter().all(|g| g.lines.is_empty()),
            "{:?}",
            l.groups
        );
    }

    #[test]
    fn small_groups_learn_nothing() {
        let opts = LearnOptions {
            min_group_docs: 4,
            ..LearnOptions::default()
        };
        let l = learn(opts, &[("a", A1), ("a", A2), ("a", A3)]);
        assert!(l.groups.is_empty());
    }

    #[test]
    fn near_duplicates_are_no_evidence() {
        let article = "Menu\nThe same long article, published twice under two addresses, says this.\nAnd it goes on, at some length, about the very same things.\n";
        let other = "Menu\nA different article with its own sentences and nothing else shared.\n";
        let l = learn(
            LearnOptions::default(),
            &[("s", article), ("s", article), ("s", other)],
        );
        assert_eq!(l.stats.duplicates, 2);
        assert!(
            l.groups.iter().all(|g| g.lines.is_empty()),
            "{:?}",
            l.groups
        );
    }

    #[test]
    fn groups_are_counted_apart() {
        let l = learn(LearnOptions::default(), &[("a", A1), ("b", A2), ("c", A3)]);
        assert!(l.groups.is_empty());
    }

    #[test]
    fn repeated_prose_among_unique_lines_is_kept() {
        let quote = "The views expressed in this article are the author's own and do not reflect the editors' views.";
        let docs: Vec<String> = NAMES
            .iter()
            .map(|i| {
                format!(
                    "Menu\nAbout us\nStory number {i} begins with a sentence of its own, unlike the others.\n{quote}\nIt goes on with another sentence that is unique to story {i} and no other one.\n"
                )
            })
            .collect();
        let docs = group("site", &docs);
        let l = learn(LearnOptions::default(), &docs);
        let g = &l.groups[0];
        assert_eq!(texts(g), ["About us", "Menu"]);
        assert_eq!(g.guarded.len(), 1);
        assert_eq!(g.guarded[0].text, quote);
    }

    #[test]
    fn repeated_prose_in_a_repeated_block_is_learned() {
        let banner = "We use cookies to give you the best experience on our website and to analyse our traffic.";
        let docs: Vec<String> = NAMES[..3]
            .iter()
            .map(|i| format!("{banner}\nAccept all cookies\nStory {i} is told here in a sentence of its own, unlike others.\n"))
            .collect();
        let docs = group("site", &docs);
        let l = learn(LearnOptions::default(), &docs);
        assert_eq!(texts(&l.groups[0]), ["Accept all cookies", banner]);
    }

    #[test]
    fn lines_without_two_letters_or_too_long_are_not_learned() {
        let long = "word ".repeat(80);
        let docs: Vec<String> = NAMES[..3]
            .iter()
            .map(|i| format!("OK\n12\n»\n{long}\nUnique sentence number {i} of this little test corpus here.\n"))
            .collect();
        let docs = group("s", &docs);
        // The long line makes these near-duplicates; that guard is not tested here.
        let opts = LearnOptions {
            duplicate_share: 1.0,
            ..LearnOptions::default()
        };
        let l = learn(opts, &docs);
        assert_eq!(texts(&l.groups[0]), ["OK"]);
    }

    // See: issue 8. Product variants of a small shop share real content
    // (a specification line, a rating); only the shared run of furniture,
    // and a footer closing every page, are learned.
    #[test]
    fn in_small_groups_shared_content_among_unique_lines_is_kept() {
        let spec = "Made of recycled aluminium with a stainless steel lid that keeps drinks cold for hours";
        let docs: Vec<String> = NAMES[..2]
            .iter()
            .zip(["(1,204)", "(38,517)"])
            .map(|(i, reviews)| {
                format!(
                    "Home\nShop\nCart\nThe {i} bottle\n{spec}\nThe {i} colour is lovely in the sun.\n4.5 out of 5 stars\n{reviews}\nOther {i} words come here to close the page.\nContact us\n"
                )
            })
            .collect();
        let docs = group("shop", &docs);
        let l = learn(LearnOptions::default(), &docs);
        let g = &l.groups[0];
        assert_eq!(texts(g), ["Cart", "Contact us", "Home", "Shop"]);
        let kept: Vec<&str> = g.guarded.iter().map(|l| l.text.as_str()).collect();
        // The rating's only repeated neighbour is a number, which is no run.
        assert_eq!(kept, ["4.5 out of 5 stars", spec]);
    }

    #[test]
    fn words_of_split_sentences_are_kept_even_in_bigger_groups() {
        // A dump with one line per DOM text node: inline code cuts sentences
        // into words that every page repeats, each time among other words.
        let docs: Vec<String> = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
            .iter()
            .map(|i| {
                format!(
                    "Docs\nSearch\nReturns\nNone\nwhen the {i} key is missing, and\nTrue\nfor {i} keys.\nThe {i} method\nNone\nor a {i} value.\nPrevious topic\nNext topic\n"
                )
            })
            .collect();
        let docs = group("docs", &docs);
        let l = learn(LearnOptions::default(), &docs);
        let g = &l.groups[0];
        assert_eq!(g.threshold, 3);
        // "Returns" follows the repeated "Search" line on every page: a run.
        assert_eq!(
            texts(g),
            ["Docs", "Next topic", "Previous topic", "Returns", "Search"]
        );
        let kept: Vec<&str> = g.guarded.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(kept, ["None", "True"]);
    }

    #[test]
    fn the_guard_counts_occurrences_and_its_share_is_a_setting() {
        // "Subscribe" sits in the menu run and, once more, among article
        // lines: half of its occurrences are in a run, which is not more
        // than half.
        let docs: Vec<String> = NAMES[..2]
            .iter()
            .map(|i| format!("Menu\nSubscribe\nStory {i} starts here, unlike any other.\nSubscribe\nStory {i} goes on.\n"))
            .collect();
        let docs = group("s", &docs);
        let l = learn(LearnOptions::default(), &docs);
        assert_eq!(texts(&l.groups[0]), ["Menu"]);
        assert_eq!(l.groups[0].guarded[0].text, "Subscribe");
        let opts = LearnOptions {
            run_share: 0.4,
            ..LearnOptions::default()
        };
        let l = learn(opts, &docs);
        assert_eq!(texts(&l.groups[0]), ["Menu", "Subscribe"]);
    }

    #[test]
    fn the_candidate_cap_bounds_pass_two() {
        let opts = LearnOptions {
            max_candidates: 1,
            ..LearnOptions::default()
        };
        let l = learn(opts, &[("a", A1), ("a", A2), ("a", A3)]);
        assert_eq!(l.stats.candidates, 1);
        assert!(l.stats.dropped > 0);
        assert_eq!(l.groups[0].lines.len(), 1);
    }

    #[test]
    fn the_pack_loads_and_its_examples_pass() {
        let l = learn(
            LearnOptions::default(),
            &[
                ("www.example.com", A1),
                ("www.example.com", A2),
                ("www.example.com", A3),
            ],
        );
        let pack = l.to_toml();
        let set = crate::RuleSet::builder()
            .source("learned.toml", pack.clone())
            .build()
            .unwrap_or_else(|e| panic!("{e}\n{pack}"));
        let (idx, rule) = set.find("learned.www-example-com").unwrap();
        assert_eq!(rule.category, "learned");
        assert!(
            crate::rules::examples::check_rule(&set, idx)
                .unwrap()
                .is_empty()
        );
        assert_eq!(rule.group(), Some("www.example.com"));
        let engine = crate::Engine::new(set).unwrap();
        let page = "HOME | NEWS | SPORT\nA brand new story.\n©   2031 example corp\n";
        let site = Some("www.example.com");
        assert_eq!(engine.clean_in(page, site).output(), "A brand new story.\n");
        // Another site's pages, and documents of no group, are left alone.
        assert_eq!(engine.clean_in(page, Some("other.org")).output(), page);
        assert_eq!(engine.clean(page).output(), page);
    }

    #[test]
    fn hosts_of_urls() {
        assert_eq!(
            url_host("https://www.Example.com/a/b?c").as_deref(),
            Some("www.example.com")
        );
        assert_eq!(url_host("http://u:p@host:8080").as_deref(), Some("host"));
        assert_eq!(url_host("http://[::1]:80/").as_deref(), Some("::1"));
        assert_eq!(url_host("example.com/page"), None);
    }

    #[test]
    fn slugs_are_valid_id_parts() {
        assert_eq!(slug("www.Example.com"), "www-example-com");
        assert_eq!(slug("127.0.0.1:8080"), "g-127-0-0-1-8080");
        assert_eq!(slug("///"), "group");
    }
}
