//! The content model's features: hashed words of a line and of its
//! neighbours, word shapes, the characters a line starts and ends with, its
//! length, and the structural features of [`features::Table`] cut into bins.
//!
//! Every feature is an index into a table of `2^bits` weights, found by
//! hashing the feature's text with [`StableHash`] and its namespace with
//! [`feature_hash`], hashes fixed (not a library's, whose output may
//! change between versions): the shipped weights are only meaningful as
//! long as the same text lands on the same index.
//!
//! A document is read once ([`Words`], shared with the structural
//! features): each non-blank line's tokens are normalized (lower-cased,
//! every digit read as `0`) and hashed as they are scanned, with no
//! allocation per token, and kept as hashes so that a line's words serve
//! it and its neighbours. [`Lexed::row`] then emits a
//! row's features to a sink, with a [`Source`] that [`Lexed::describe`]
//! turns back into words for the notes.

use crate::claims::Claims;
use crate::document::Document;
use crate::stages::chars;
use crate::stages::features::{self, Table};
pub use crate::stages::words::{StableHash, mix};
use crate::stages::words::{Words, is_word};
use std::borrow::Cow;
use std::fmt::Write;

/// The hash of feature `key` in namespace `ns`: the key, told apart from
/// the same key in other namespaces by a mixed seed, times a 64-bit odd
/// constant (Fibonacci hashing: the top bits, which index the weights,
/// depend on every bit of the key). One multiply: the first pass emits
/// about a hundred features a row, and an FNV-1a over the key's 8 bytes
/// plus a finalizer (eleven dependent multiplies, content-v2) took a third
/// of its time. Keys are mixed already (token and shape hashes) or small
/// (classes, buckets), which the multiply spreads.
#[inline]
pub fn feature_hash(ns: Ns, key: u64) -> u64 {
    (key ^ NS_SEEDS[ns as usize]).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// `mix(ns)` of every namespace, made at compile time: `ns` is not always
/// a constant where a feature is emitted (the neighbour features take it
/// from an array), and mixing it there would cost two more multiplies.
const NS_SEEDS: [u64; Ns::Struct as usize + 1] = {
    let mut seeds = [0; Ns::Struct as usize + 1];
    let mut i = 0;
    while i < seeds.len() {
        seeds[i] = mix(i as u64);
        i += 1;
    }
    seeds
};

/// Which part of a row a feature comes from: the feature's hash namespace,
/// and what [`Lexed::describe`] calls it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Ns {
    /// The constant feature.
    Bias = 1,
    /// A word of the line.
    Word,
    /// Two consecutive words of the line (`^` and `$` mark its ends).
    Bigram,
    /// The line's first word.
    First,
    /// The line's last word.
    Last,
    /// The shape of a whitespace-separated chunk (`Xx`, `dd:dd`, `x,`).
    Shape,
    /// The shape of the line's first chunk.
    FirstShape,
    /// The shape of the line's last chunk.
    LastShape,
    /// The line's first character (letters and digits by class).
    StartChar,
    /// The line's last character (letters and digits by class).
    EndChar,
    /// The line's word count, bucketed.
    Length,
    /// Word count bucket and last character together.
    LengthEnd,
    /// A word of the previous non-blank line.
    PrevWord,
    /// The previous line's first word.
    PrevFirst,
    /// The previous line's last character.
    PrevEnd,
    /// The previous line's word count bucket.
    PrevLength,
    /// Whether an earlier rule claimed the previous line, and whether a
    /// blank line separates it from this one.
    PrevState,
    /// A word of the next non-blank line.
    NextWord,
    /// The next line's first word.
    NextFirst,
    /// The next line's last character.
    NextEnd,
    /// The next line's word count bucket.
    NextLength,
    /// Whether an earlier rule claimed the next line, and whether a blank
    /// line separates it from this one.
    NextState,
    /// Length, end and claim of the lines two away.
    Far,
    /// A structural feature of [`Table`], by bin.
    Struct,
}

/// Where a feature of a row came from, for explanations: its namespace, the
/// row whose text holds it, and which item of that row (a token's ordinal,
/// a chunk's ordinal, a structural feature's index).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source {
    /// The feature's namespace.
    pub ns: Ns,
    /// The row (non-blank line ordinal) the feature reads.
    pub row: u32,
    /// The item of that row.
    pub item: u32,
}

/// The per-line facts the features read, for one non-blank line.
#[derive(Clone, Copy, Debug, Default)]
struct LineFacts {
    /// First and last character, as classes ([`char_class`]).
    start: u32,
    end: u32,
    /// A blank line comes right before this one.
    blank_before: bool,
    /// An earlier stage claimed the line.
    claimed: bool,
}

/// A document's non-blank lines, read once for the content model.
#[derive(Debug, Default)]
pub struct Lexed {
    /// The document line of each row.
    lines: Vec<usize>,
    facts: Vec<LineFacts>,
    /// Every row's tokens, and the chunk shapes of the unclaimed rows.
    words: Words,
}

/// Bucket of a word count: 0, 1, 2, 3, 4, 5–6, 7–9, 10–14, 15–24, 25–49, 50+.
#[inline]
pub fn length_bucket(words: usize) -> u32 {
    match words {
        0..=4 => words as u32,
        5..=6 => 5,
        7..=9 => 6,
        10..=14 => 7,
        15..=24 => 8,
        25..=49 => 9,
        _ => 10,
    }
}

/// A character as the edge features see it: letters and digits by class
/// (upper, lower, other letter, digit), everything else as itself.
#[inline]
fn char_class(c: char) -> u32 {
    let f = chars::facts(c);
    if f & chars::NUMERIC != 0 {
        1
    } else if f & chars::UPPERCASE != 0 {
        2
    } else if f & chars::LOWERCASE != 0 {
        3
    } else if f & chars::ALPHABETIC != 0 {
        4
    } else {
        c as u32
    }
}

/// What [`char_class`] stands for, for notes.
fn class_name(c: u32) -> String {
    match c {
        0 => "nothing".into(),
        1 => "a digit".into(),
        2 => "a capital".into(),
        3 => "a lowercase letter".into(),
        4 => "a letter".into(),
        c => match char::from_u32(c) {
            Some(c) => format!("{c:?}"),
            None => "?".into(),
        },
    }
}

impl Lexed {
    /// Reads every non-blank line of `doc`: its tokens, chunk shapes, edge
    /// characters, and whether `claims` holds it.
    pub fn new(doc: &Document, claims: &Claims) -> Lexed {
        Lexed::with_words(doc, claims, Lexed::read_words(doc, claims))
    }

    /// The words of `doc` as [`Lexed::with_words`] needs them: every row's
    /// tokens, and the chunk shapes of the rows `claims` leaves (shapes are
    /// read off a row's own line only, and a claimed row is never scored).
    pub fn read_words(doc: &Document, claims: &Claims) -> Words {
        Words::new(doc, |li| !claims.is_claimed(li))
    }

    /// [`Lexed::new`] of a document whose words are read already
    /// ([`Lexed::read_words`]): the structural features read them too.
    pub fn with_words(doc: &Document, claims: &Claims, words: Words) -> Lexed {
        // Sized exactly, as the document's line table is.
        let rows = words.len();
        let mut lx = Lexed {
            lines: Vec::with_capacity(rows),
            facts: Vec::with_capacity(rows),
            words,
        };
        let mut prev_blank = true;
        for (li, line) in doc.lines().iter().enumerate() {
            if line.blank {
                prev_blank = true;
                continue;
            }
            let text = doc.line_trimmed(li);
            lx.lines.push(li);
            lx.facts.push(LineFacts {
                start: text.chars().next().map_or(0, char_class),
                end: text.chars().next_back().map_or(0, char_class),
                blank_before: prev_blank,
                claimed: claims.is_claimed(li),
            });
            prev_blank = false;
        }
        lx
    }

    /// Number of rows (non-blank lines).
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True when the document has no non-blank line.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The document line of row `k`.
    pub fn line(&self, k: usize) -> usize {
        self.lines[k]
    }

    /// The document line of every row.
    pub fn lines(&self) -> &[usize] {
        &self.lines
    }

    /// Whether an earlier stage claimed row `k`.
    pub fn claimed(&self, k: usize) -> bool {
        self.facts[k].claimed
    }

    /// Number of tokens of row `k`.
    pub fn words(&self, k: usize) -> usize {
        self.toks(k).len()
    }

    #[inline]
    fn toks(&self, k: usize) -> &[u64] {
        self.words.tokens(k)
    }

    #[inline]
    fn shps(&self, k: usize) -> &[u64] {
        self.words.shapes(k)
    }

    /// Emits the features of row `k` as `(hash, value, source)`: `hash` is
    /// the full 64-bit feature hash (the model keeps its top bits). Words
    /// and shapes weigh `1/sqrt(n)` each, so that a long line's many words
    /// do not outvote everything else; the rest weigh 1.
    ///
    /// `structural` are the row's [`Table`] features and `edges` their bin
    /// edges.
    pub fn row(
        &self,
        k: usize,
        structural: &[f32; features::COUNT],
        edges: &[Vec<f32>],
        mut sink: impl FnMut(u64, f32, Source),
    ) {
        self.row_lexical(k, &mut sink);
        for (i, bin) in bins(structural, edges) {
            let s = Source {
                ns: Ns::Struct,
                row: k as u32,
                item: i as u32,
            };
            sink(feature_hash(Ns::Struct, struct_key(i, bin)), 1.0, s);
        }
    }

    /// The features of row `k` that [`Lexed::row`] emits before the
    /// structural bins, in the same order: all but those.
    pub fn row_lexical(&self, k: usize, mut sink: impl FnMut(u64, f32, Source)) {
        let row = k as u32;
        let src = |ns, row, item| Source { ns, row, item };
        let mut emit = |ns: Ns, key: u64, v: f32, s: Source| sink(feature_hash(ns, key), v, s);
        let f = &self.facts[k];
        emit(Ns::Bias, 0, 1.0, src(Ns::Bias, row, 0));
        let toks = self.toks(k);
        let n = toks.len();
        if n > 0 {
            let v = 1.0 / (n as f32).sqrt();
            for (i, &t) in toks.iter().enumerate() {
                emit(Ns::Word, t, v, src(Ns::Word, row, i as u32));
            }
            let vb = 1.0 / ((n + 1) as f32).sqrt();
            let mut prev = 0x5e;
            for (i, &t) in toks.iter().enumerate() {
                emit(
                    Ns::Bigram,
                    mix(prev) ^ t,
                    vb,
                    src(Ns::Bigram, row, i as u32),
                );
                prev = t;
            }
            emit(
                Ns::Bigram,
                mix(prev) ^ 0x24,
                vb,
                src(Ns::Bigram, row, n as u32),
            );
            emit(Ns::First, toks[0], 1.0, src(Ns::First, row, 0));
            emit(Ns::Last, toks[n - 1], 1.0, src(Ns::Last, row, n as u32 - 1));
        }
        let shapes = self.shps(k);
        if let (Some(&first), Some(&last)) = (shapes.first(), shapes.last()) {
            let v = 1.0 / (shapes.len() as f32).sqrt();
            for (i, &s) in shapes.iter().enumerate() {
                emit(Ns::Shape, s, v, src(Ns::Shape, row, i as u32));
            }
            emit(Ns::FirstShape, first, 1.0, src(Ns::FirstShape, row, 0));
            let l = shapes.len() as u32 - 1;
            emit(Ns::LastShape, last, 1.0, src(Ns::LastShape, row, l));
        }
        let len = u64::from(length_bucket(n));
        emit(
            Ns::StartChar,
            f.start.into(),
            1.0,
            src(Ns::StartChar, row, 0),
        );
        emit(Ns::EndChar, f.end.into(), 1.0, src(Ns::EndChar, row, 0));
        emit(Ns::Length, len, 1.0, src(Ns::Length, row, 0));
        let le = len << 32 | u64::from(f.end);
        emit(Ns::LengthEnd, le, 1.0, src(Ns::LengthEnd, row, 0));

        // The neighbours: previous and next non-blank lines, then the lines
        // two away (their length, end and claim only).
        let prev = k.checked_sub(1);
        let next = (k + 1 < self.len()).then_some(k + 1);
        let sides = [
            (
                prev,
                [
                    Ns::PrevWord,
                    Ns::PrevFirst,
                    Ns::PrevEnd,
                    Ns::PrevLength,
                    Ns::PrevState,
                ],
                f.blank_before,
            ),
            (
                next,
                [
                    Ns::NextWord,
                    Ns::NextFirst,
                    Ns::NextEnd,
                    Ns::NextLength,
                    Ns::NextState,
                ],
                next.is_some_and(|j| self.facts[j].blank_before),
            ),
        ];
        // A loop rather than a closure called twice: the closure was not
        // inlined, and the first pass's running sum went through memory
        // on every feature.
        for (j, ns, blank) in sides {
            let Some(j) = j else {
                emit(ns[4], 4, 1.0, src(ns[4], row, 0));
                continue;
            };
            let jr = j as u32;
            let toks = self.toks(j);
            if !toks.is_empty() {
                let v = 1.0 / (toks.len() as f32).sqrt();
                for (i, &t) in toks.iter().enumerate() {
                    emit(ns[0], t, v, src(ns[0], jr, i as u32));
                }
                emit(ns[1], toks[0], 1.0, src(ns[1], jr, 0));
            }
            emit(ns[2], self.facts[j].end.into(), 1.0, src(ns[2], jr, 0));
            let lb = u64::from(length_bucket(toks.len()));
            emit(ns[3], lb, 1.0, src(ns[3], jr, 0));
            // Claimed, and whether a blank line separates it from this one.
            let state = u64::from(self.facts[j].claimed) | u64::from(blank) << 1;
            emit(ns[4], state, 1.0, src(ns[4], jr, 0));
        }
        for (side, j) in [(0u64, k.checked_sub(2)), (1, k.checked_add(2))] {
            let key = match j.filter(|&j| j < self.len()) {
                Some(j) => {
                    let fj = &self.facts[j];
                    let lb = u64::from(length_bucket(self.words(j)));
                    side | lb << 1 | u64::from(fj.claimed) << 8 | u64::from(fj.end) << 9
                }
                None => side | 0xff << 1,
            };
            emit(Ns::Far, key, 1.0, src(Ns::Far, row, side as u32));
        }
    }

    /// Words for a feature's source, for removal notes: `"said" (line)`,
    /// `"reply" (next)`, `prose_before`.
    pub fn describe(&self, doc: &Document, s: Source) -> String {
        let mut out = String::new();
        self.describe_to(doc, s, &mut out);
        out
    }

    /// [`Lexed::describe`], appended to `out`: a note is written in place.
    pub fn describe_to(&self, doc: &Document, s: Source, out: &mut String) {
        let k = s.row as usize;
        let text = doc.line_trimmed(self.lines[k]);
        // The same tokens and chunks as `words::for_each_token` and
        // `words::for_each_shape` read, found without hashing them.
        let token = |i: u32| {
            text.split(|c: char| !is_word(c))
                .filter(|t| !t.is_empty())
                .nth(i as usize)
                .unwrap_or("")
        };
        let chunk = |i: u32| text.split_whitespace().nth(i as usize).unwrap_or("");
        let f = &self.facts[k];
        // Writing to a String cannot fail.
        let _ = match s.ns {
            Ns::Bias => out.write_str("baseline"),
            Ns::Word => write!(out, "{:?} (line)", lower(token(s.item))),
            Ns::Bigram => {
                let n = self.words(k) as u32;
                let a = if s.item == 0 {
                    "^".into()
                } else {
                    lower(token(s.item - 1))
                };
                let b = if s.item >= n {
                    "$".into()
                } else {
                    lower(token(s.item))
                };
                write!(out, "\"{a} {b}\" (line)")
            }
            Ns::First => write!(out, "starts {:?}", lower(token(0))),
            Ns::Last => write!(out, "ends {:?}", lower(token(s.item))),
            Ns::Shape => write!(out, "{:?} (shape)", chunk(s.item)),
            Ns::FirstShape => write!(out, "starts like {:?}", chunk(0)),
            Ns::LastShape => write!(out, "ends like {:?}", chunk(s.item)),
            Ns::StartChar => write!(out, "starts with {}", class_name(f.start)),
            Ns::EndChar => write!(out, "ends with {}", class_name(f.end)),
            Ns::Length => write!(out, "{} words", self.words(k)),
            Ns::LengthEnd => write!(
                out,
                "{} words ending in {}",
                self.words(k),
                class_name(f.end)
            ),
            Ns::PrevWord => write!(out, "{:?} (prev)", lower(token(s.item))),
            Ns::NextWord => write!(out, "{:?} (next)", lower(token(s.item))),
            Ns::PrevFirst => write!(out, "prev starts {:?}", lower(token(0))),
            Ns::NextFirst => write!(out, "next starts {:?}", lower(token(0))),
            Ns::PrevEnd => write!(out, "prev ends with {}", class_name(f.end)),
            Ns::NextEnd => write!(out, "next ends with {}", class_name(f.end)),
            Ns::PrevLength => write!(out, "prev {} words", self.words(k)),
            Ns::NextLength => write!(out, "next {} words", self.words(k)),
            Ns::PrevState | Ns::NextState => {
                let side = if s.ns == Ns::PrevState {
                    "prev"
                } else {
                    "next"
                };
                if f.claimed {
                    write!(out, "{side} removed")
                } else {
                    write!(out, "{side} line")
                }
            }
            Ns::Far => out.write_str("lines two away"),
            Ns::Struct => out.write_str(
                features::NAMES
                    .get(s.item as usize)
                    .copied()
                    .unwrap_or("structure"),
            ),
        };
    }
}

/// The bin of each structural feature a model reads, `(feature, bin)` in
/// feature order: the number of the feature's bin edges at or below its
/// value. Features without edges are not read.
#[inline]
pub fn bins<'a>(
    structural: &'a [f32; features::COUNT],
    edges: &'a [Vec<f32>],
) -> impl Iterator<Item = (usize, usize)> + 'a {
    structural
        .iter()
        .zip(edges)
        .enumerate()
        .filter(|(_, (_, e))| !e.is_empty())
        // Edges ascend (the model file is checked for it), so the edges at
        // or below `x` are a prefix and counting them finds the bin. A
        // count, not a binary search: about 15 compares the compiler does
        // side by side instead of four that wait on each other, for each
        // of some 40 features of every row.
        .map(|(i, (&x, e))| (i, e.iter().map(|&edge| usize::from(edge <= x)).sum()))
}

/// The key of structural feature `i` in bin `bin`, hashed in [`Ns::Struct`].
#[inline]
pub fn struct_key(i: usize, bin: usize) -> u64 {
    (i as u64) << 8 | bin as u64
}

/// The structural features of every row, from [`Table`] (its lexicon
/// features left empty: the model reads the words themselves).
pub fn structural(doc: &Document, claims: &Claims) -> Table {
    Table::new(doc, claims, lexicon())
}

/// [`structural`] of a document whose words are read already.
pub fn structural_with_words(doc: &Document, claims: &Claims, words: &Words) -> Table {
    Table::with_words(doc, claims, lexicon(), words)
}

/// The function-word lexicon the structural features need (no weights).
fn lexicon() -> &'static features::Lexicon {
    static LEX: std::sync::OnceLock<features::Lexicon> = std::sync::OnceLock::new();
    LEX.get_or_init(features::Lexicon::default)
}

/// `word` in lower case: most words of a note are lower-case ASCII
/// already, and are borrowed rather than copied.
fn lower(word: &str) -> Cow<'_, str> {
    if word
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_is_to_lowercase_and_borrows_what_is_already_lower_case_ascii() {
        for w in [
            "said", "mp3", "Said", "MP3", "ÉTÉ", "ΟΔΟΣ", "naïve", "x_Y", "",
        ] {
            assert_eq!(lower(w), w.to_lowercase(), "{w:?}");
        }
        assert!(matches!(lower("said"), Cow::Borrowed("said")));
        assert!(matches!(lower("Said"), Cow::Owned(_)));
        assert!(matches!(lower("naïve"), Cow::Owned(_)));
    }

    proptest::proptest! {
        /// A feature's bin is the binary search's answer over ascending
        /// edges, whatever the value (NaN, signed zeros and infinities too).
        #[test]
        fn bins_are_where_a_binary_search_puts_each_value(
            mut edges in proptest::collection::vec(-50f32..50.0, 0..20),
            picks in proptest::collection::vec(0usize..25, features::COUNT),
            noise in proptest::collection::vec(-60f32..60.0, features::COUNT),
        ) {
            edges.sort_by(f32::total_cmp);
            edges.dedup();
            let specials = [f32::NAN, 0.0, -0.0, f32::INFINITY, f32::NEG_INFINITY];
            let mut row = [0f32; features::COUNT];
            for (i, v) in row.iter_mut().enumerate() {
                // The edges themselves, special values, or anything.
                *v = match picks[i] {
                    p if p < edges.len() => edges[p],
                    p if p < 20 => noise[i],
                    p => specials[p - 20],
                };
            }
            let all = vec![edges.clone(); features::COUNT];
            for (i, bin) in bins(&row, &all) {
                let want = edges.partition_point(|&e| e <= row[i]);
                proptest::prop_assert_eq!(bin, want, "{} in {:?}", row[i], edges);
            }
        }
    }

    #[test]
    fn rows_name_their_neighbours_words() {
        let text =
            "Jane Doe on September 12, 2018 at 4:47 pm said:\n\nGreat piece, thanks.\nReply\n";
        let doc = Document::new(text);
        let claims = Claims::new(doc.lines().len());
        let lx = Lexed::new(&doc, &claims);
        assert_eq!(lx.len(), 3);
        let table = structural(&doc, &claims);
        let edges = vec![Vec::new(); features::COUNT];
        let mut seen = Vec::new();
        lx.row(1, &table.row(1), &edges, |_, v, s| {
            assert!(v > 0.0 && v <= 1.0);
            seen.push(lx.describe(&doc, s));
        });
        for want in [
            "\"great\" (line)",
            "\"said\" (prev)",
            "\"reply\" (next)",
            "ends with '.'",
            "starts \"great\"",
            "\"thanks $\" (line)",
        ] {
            assert!(seen.iter().any(|s| s == want), "{want} in {seen:?}");
        }
    }
}
