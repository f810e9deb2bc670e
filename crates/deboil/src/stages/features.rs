//! Text features of lines, for the content classifier.
//!
//! Everything is computed from text alone, the same way for any dump style:
//! a line's own shape (length, function-word share, punctuation, case,
//! digits, separators), how boilerplate-like its words are (a learned
//! lexicon), whether an earlier rule already claimed it, and the same
//! signals averaged over its neighbours and placed in the document (position,
//! block, distance to prose, share of prose before and after): one
//! [`Feature`] each. Their names and order ([`NAMES`]) are the contract with
//! `scripts/fit_classifier.py`, which fits the model on these exact values
//! (dumped by `examples/features.rs`).

use super::words::{Words, flag, word_hash};
use super::{chars, lang};
use crate::claims::Claims;
use crate::document::Document;
use foldhash::HashMap;

/// Declares [`Feature`] (one variant per entry, in column order),
/// [`Feature::ALL`] and [`Feature::name`] from one list, so that a feature
/// is named in one place.
macro_rules! features {
    (
        $(#[doc = $enum_doc:literal])*
        pub enum Feature {
            $($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*
        }
    ) => {
        $(#[doc = $enum_doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(usize)]
        pub enum Feature {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Feature {
            /// Every feature, in the order of [`NAMES`].
            pub const ALL: [Feature; [$($name),*].len()] = [$(Feature::$variant),*];

            /// The feature's name in [`NAMES`], the dumps and the model files.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Feature::$variant => $name,)*
                }
            }
        }
    };
}

features! {
    /// One feature of a line: a column of a row of [`Table::row`] and of
    /// [`LineFeatures::values`], which index by it (`row[Feature::Stop]`).
    ///
    /// The variants are in the order of [`NAMES`], and `feature as usize` is
    /// the column. "Words" are tokens: runs of letters, digits and '_'.
    /// Lengths and counts are `ln(1 + n)`, flags 1 or 0.
    pub enum Feature {
        /// `ln(1 + characters)` of the trimmed line.
        Len = "len",
        /// `ln(1 + words)`.
        Words = "words",
        /// The share of the words that are function words of the document's
        /// language (detected from its first words, [`lang`]).
        Stop = "stop",
        /// `ln(1 + function words)`.
        StopCount = "stop_count",
        /// 1 when the line ends like a sentence or a quote of one ('.', '!',
        /// '?', '…', a closing quote or bracket, '»', ':', ';').
        Term = "term",
        /// Sentence ends ('.', '!' or '?' before a space or at the end) per word.
        Sentences = "sentences",
        /// Commas per word.
        Commas = "commas",
        /// The share of the words that begin with a capital.
        Capitalized = "capitalized",
        /// The share of the characters that are digits.
        Digits = "digits",
        /// The share of the characters that are letters.
        Letters = "letters",
        /// 1 when the line holds a menu or breadcrumb separator ('|', '•',
        /// '·', '›', '»', '→', '►', '▸').
        Separator = "separator",
        /// 1 when the line has no lowercase letter and more than three capitals.
        AllCaps = "all_caps",
        /// 1 when the line begins like a list item ("- ", "* ", "• ", "1. ",
        /// "1) ", ...).
        Bullet = "bullet",
        /// 1 when the line holds "http://", "https://", "www." or ".com", in any
        /// ASCII case.
        Url = "url",
        /// 1 when an earlier rule claimed the line.
        Claimed = "claimed",
        /// 1 when another non-blank line of the document reads the same.
        Duplicate = "duplicate",
        /// How many of the line's distinct words the first line (the title)
        /// holds, over the smaller of the two word counts; 0 on the first line.
        TitleSim = "title_sim",
        /// [`Feature::Len`] averaged over the rows (non-blank lines) within 1
        /// of the line's, the line itself left out.
        W1Len = "w1_len",
        /// [`Feature::Stop`] averaged over the neighbours within 1.
        W1Stop = "w1_stop",
        /// [`Feature::Term`] averaged over the neighbours within 1.
        W1Term = "w1_term",
        /// [`Feature::Claimed`] averaged over the neighbours within 1.
        W1Claimed = "w1_claimed",
        /// [`Feature::Len`] averaged over the neighbours within 3.
        W3Len = "w3_len",
        /// [`Feature::Stop`] averaged over the neighbours within 3.
        W3Stop = "w3_stop",
        /// [`Feature::Term`] averaged over the neighbours within 3.
        W3Term = "w3_term",
        /// [`Feature::Claimed`] averaged over the neighbours within 3.
        W3Claimed = "w3_claimed",
        /// [`Feature::Len`] averaged over the neighbours within 7.
        W7Len = "w7_len",
        /// [`Feature::Stop`] averaged over the neighbours within 7.
        W7Stop = "w7_stop",
        /// [`Feature::Term`] averaged over the neighbours within 7.
        W7Term = "w7_term",
        /// [`Feature::Claimed`] averaged over the neighbours within 7.
        W7Claimed = "w7_claimed",
        /// The line's place in the document: its row over the number of rows.
        Position = "position",
        /// `ln(1 + non-blank lines)` of the line's block.
        BlockLines = "block_lines",
        /// `ln(1 + characters)` of the non-blank lines of the line's block.
        BlockChars = "block_chars",
        /// `ln(1 + rows)` to the nearest prose row (a line of at least 100
        /// characters, at least 15% function words), with the number of rows
        /// when there is none.
        ProseDistance = "prose_distance",
        /// The largest [`Feature::Len`] of the document.
        DocMaxLen = "doc_max_len",
        /// The share of the document's prose characters in the rows before the
        /// line's; 0 when the document has no prose.
        ProseBefore = "prose_before",
        /// The share of the document's prose characters in the rows after the
        /// line's; 0 when the document has no prose.
        ProseAfter = "prose_after",
        /// 1 from the first line after the title that echoes it (a title
        /// similarity of at least 0.6, at least three words) on.
        AfterTitle = "after_title",
        /// The mean lexicon weight of the line's weighted words (numbers
        /// left out); 0 when none has a weight.
        LexMean = "lex_mean",
        /// The largest lexicon weight of the line's words, or 0 when none is
        /// larger.
        LexMax = "lex_max",
        /// [`Feature::LexMean`] averaged over the neighbours within 2.
        W2Lex = "w2_lex",
        /// [`Feature::LexMean`] averaged over the neighbours within 6.
        W6Lex = "w6_lex",
    }
}

// `Feature::ALL` lists every variant at its own column.
const _: () = {
    let mut i = 0;
    while i < COUNT {
        assert!(Feature::ALL[i] as usize == i);
        i += 1;
    }
    assert!(Feature::W6Lex as usize == COUNT - 1);
};

/// Feature names, in the order of [`LineFeatures::values`]: the names of
/// [`Feature::ALL`].
pub const NAMES: [&str; COUNT] = {
    let mut names = [""; COUNT];
    let mut i = 0;
    while i < COUNT {
        names[i] = Feature::ALL[i].name();
        i += 1;
    }
    names
};

/// Number of features.
pub const COUNT: usize = Feature::ALL.len();

impl std::ops::Index<Feature> for [f32; COUNT] {
    type Output = f32;

    #[inline]
    fn index(&self, f: Feature) -> &f32 {
        &self[f as usize]
    }
}

impl std::ops::IndexMut<Feature> for [f32; COUNT] {
    #[inline]
    fn index_mut(&mut self, f: Feature) -> &mut f32 {
        &mut self[f as usize]
    }
}

/// The features of one non-blank line.
#[derive(Clone, Debug)]
pub struct LineFeatures {
    /// Index of the line in the document.
    pub line: usize,
    /// Values, in the order of [`NAMES`].
    pub values: [f32; COUNT],
}

/// Word weights: positive for words typical of page furniture ("cookies",
/// "subscribe", "login"), negative for words typical of prose; the same
/// table also knows which languages' function-word lists hold each word, so
/// that every token costs one lookup.
///
/// Keyed by a 64-bit hash of the word rather than the word: the table is
/// looked up once per token of every document, and small entries with no
/// pointer to follow keep it in cache. Two words sharing a 64-bit hash are
/// not a practical concern at ten thousand entries.
#[derive(Clone, Debug)]
pub struct Lexicon {
    entries: std::collections::HashMap<u64, Entry, KeyIsHash>,
    weighted: usize,
    /// Whether a word of the lexicon holds a digit (any numeric character).
    numeric_words: bool,
}

/// The hasher of a map whose keys are hashes already ([`word_hash`]): the
/// key is its own hash, so a token costs one hash, not two.
#[derive(Clone, Copy, Debug, Default)]
struct KeyIsHash;

impl std::hash::BuildHasher for KeyIsHash {
    type Hasher = KeyHasher;
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher(0)
    }
}

/// See [`KeyIsHash`].
#[derive(Clone, Copy, Debug)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys come here; anything else still hashes.
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// What the lexicon knows of one word.
#[derive(Clone, Copy, Debug)]
struct Entry {
    /// The lexicon weight; NaN when the word has none.
    weight: f32,
    /// Bit `i` set when `lang::all()[i]` lists the word as a function word.
    stop: u8,
}

/// The word hash of [`Lexicon`]: fixed, so tables are the same in every run.
impl Default for Lexicon {
    /// No weights, only the function words.
    fn default() -> Lexicon {
        Lexicon::with_weights(HashMap::default(), false)
    }
}

impl Lexicon {
    /// Parses `word<TAB>weight` lines (`#` comments allowed).
    pub fn parse(text: &str) -> Result<Lexicon, String> {
        let mut weights = HashMap::default();
        let mut numeric_words = false;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (w, v) = line
                .split_once('\t')
                .ok_or_else(|| format!("lexicon line {}: expected word<TAB>weight", i + 1))?;
            let v: f32 = v
                .trim()
                .parse()
                .map_err(|_| format!("lexicon line {}: bad weight {v:?}", i + 1))?;
            weights.insert(word_hash(w), v);
            numeric_words |= w.chars().any(char::is_numeric);
        }
        Ok(Lexicon::with_weights(weights, numeric_words))
    }

    /// The lexicon of `weights` (by [`word_hash`]) and the function words;
    /// `numeric_words` when a weighted word holds a digit.
    fn with_weights(weights: HashMap<u64, f32>, numeric_words: bool) -> Lexicon {
        let weighted = weights.len();
        let mut entries: std::collections::HashMap<u64, Entry, KeyIsHash> = weights
            .into_iter()
            .map(|(h, weight)| (h, Entry { weight, stop: 0 }))
            .collect();
        let mut numeric_words = numeric_words;
        for (word, &mask) in lang::index() {
            numeric_words |= word.chars().any(char::is_numeric);
            entries
                .entry(word_hash(word))
                .or_insert(Entry {
                    weight: f32::NAN,
                    stop: 0,
                })
                .stop |= mask;
        }
        Lexicon {
            entries,
            weighted,
            numeric_words,
        }
    }

    /// Number of weighted words.
    pub fn len(&self) -> usize {
        self.weighted
    }

    /// True when no word has a weight.
    pub fn is_empty(&self) -> bool {
        self.weighted == 0
    }
}

/// Characters that end a sentence or a quote of one.
fn is_terminal(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '…' | '"' | '”' | '’' | ')' | '»' | ':' | ';'
    )
}

/// Characters that separate menu items and breadcrumbs.
fn is_separator(c: char) -> bool {
    matches!(c, '|' | '•' | '·' | '›' | '»' | '→' | '►' | '▸')
}

/// Whether the line holds "http://", "https://", "www." or ".com", in any
/// ASCII case: every candidate is anchored on a '.' or ':', so only those
/// bytes are looked at.
fn has_url(text: &str) -> bool {
    let b = text.as_bytes();
    let ends_with =
        |end: usize, s: &[u8]| end >= s.len() && b[end - s.len()..end].eq_ignore_ascii_case(s);
    let starts_with = |start: usize, s: &[u8]| {
        b.len() - start >= s.len() && b[start..start + s.len()].eq_ignore_ascii_case(s)
    };
    memchr::memchr2_iter(b'.', b':', b).any(|i| {
        if b[i] == b'.' {
            ends_with(i, b"www") || starts_with(i + 1, b"com")
        } else {
            starts_with(i + 1, b"//") && (ends_with(i, b"http") || ends_with(i, b"https"))
        }
    })
}

use super::ln1p;

/// Per-line counts gathered in the single pass over a line's bytes.
///
/// Integer counters: a float `+= 1.0` per byte chains the loop on the
/// adder's latency. (Counts convert to `f32` exactly below 2^24.)
#[derive(Default)]
struct Scan {
    chars: u32,
    digits: u32,
    letters: u32,
    commas: u32,
    upper: u32,
    lower: u32,
    sep: bool,
    sentences: u32,
    /// Whether the line holds a '.' or a ':' (ASCII bytes alone).
    marks: bool,
    capitalized: u32,
    lex_sum: f32,
    lex_n: u32,
    lex_max: f32,
}

/// A row's tokens as the table reads them ([`Words`]): the hash of each
/// token's lowercase form and its function-word languages, for the current
/// row (and, until the language is known, every row before it).
struct Tokens {
    hashes: Vec<u64>,
    stops: Vec<u8>,
}

impl Tokens {
    /// Adds row `k` of `words`: looks each token up once, and adds what the
    /// lexicon says to the row's counts. A token with a digit is looked up
    /// by its lowercase form's hash, digits as written ("mp3"), in the rows
    /// `digits` says; elsewhere by its normalized hash ("mp0"), which finds
    /// the same: nothing.
    fn push_row(
        &mut self,
        words: &Words,
        k: usize,
        text: &str,
        lexicon: &Lexicon,
        digits: &DigitRows,
        s: &mut Scan,
    ) {
        let first = self.hashes.len();
        if digits.read_again(words, k) {
            words.lowercase_hashes(k, text, &mut self.hashes);
        } else {
            self.hashes.extend_from_slice(words.tokens(k));
        }
        for (&h, &f) in self.hashes[first..].iter().zip(words.flags(k)) {
            s.capitalized += u32::from(f & flag::CAPITAL != 0);
            let entry = lexicon.entries.get(&h).copied();
            self.stops.push(entry.map_or(0, |e| e.stop));
            // Numbers say nothing about furniture: "2019" is in footers and prose.
            if let Some(e) = entry.filter(|e| f & flag::DIGITS == 0 && !e.weight.is_nan()) {
                s.lex_sum += e.weight;
                s.lex_n += 1;
                s.lex_max = s.lex_max.max(e.weight);
            }
        }
    }
}

/// Which rows [`Tokens::push_row`] reads again for the lowercase-form
/// hashes of their tokens with a digit ([`Words::lowercase_hashes`]).
enum DigitRows {
    /// Every row with a digit: the lexicon holds a word with a digit (and
    /// the title's row, before it is known whether the title does).
    All,
    /// None: neither the lexicon nor the title holds a word with a digit.
    None,
    /// The title holds words with a digit, whose normalized hashes these
    /// are (sorted): a row's token can only be one of those words if its
    /// normalized hash is among them (equal lowercase forms have equal
    /// normalized forms), and a token's normalized form can only be a
    /// title word if it is one of those (it holds a `0`, so that word has
    /// a digit, and its normalized form is itself). A row with no such
    /// token finds the same with its normalized hashes: nothing for its
    /// digit tokens. Most rows with a number do not share its shape with
    /// a number of the title.
    Title(Vec<u64>),
}

impl DigitRows {
    /// What the rows after the title need, the title being row 0 of `words`.
    fn after_title(words: &Words, lexicon: &Lexicon) -> DigitRows {
        if lexicon.numeric_words {
            return DigitRows::All;
        }
        let mut numeric: Vec<u64> = words
            .tokens(0)
            .iter()
            .zip(words.flags(0))
            .filter(|&(_, f)| f & flag::NUMERIC != 0)
            .map(|(&h, _)| h)
            .collect();
        if numeric.is_empty() {
            return DigitRows::None;
        }
        numeric.sort_unstable();
        numeric.dedup();
        DigitRows::Title(numeric)
    }

    /// Whether row `k` is read again.
    fn read_again(&self, words: &Words, k: usize) -> bool {
        match self {
            DigitRows::All => true,
            DigitRows::None => false,
            DigitRows::Title(numeric) => words
                .tokens(k)
                .iter()
                .zip(words.flags(k))
                .any(|(h, &f)| f & flag::NUMERIC != 0 && numeric.binary_search(h).is_ok()),
        }
    }
}

/// A trimmed line's character counts: a branch-free pass over its bytes
/// that the compiler vectorizes, then the Unicode tables for its non-ASCII
/// characters alone (its tokens are read by [`Words`]).
///
/// A line with one curly quote or dash used to be read a character at a
/// time; lines with one are a third of a page dump's bytes.
fn scan(text: &str) -> Scan {
    let bytes = text.as_bytes();
    let (mut digits, mut upper, mut lower, mut commas, mut pipes) = (0u32, 0u32, 0u32, 0u32, 0u32);
    // '.' and ':', which every URL [`has_url`] knows holds.
    let mut marks = 0u32;
    // Every byte but UTF-8's continuation bytes starts a character.
    let (mut starts, mut sentences) = (0u32, 0u32);
    // Bitwise `&` and `|`, not `&&`: without a branch per byte the
    // compiler vectorizes these loops.
    let is_stop = |b: u8| (b == b'.') | (b == b'!') | (b == b'?');
    let is_space = |b: u8| (b.wrapping_sub(0x09) < 5) | (b == b' ');
    // Counted a block at a time in bytes, which the compiler adds sixteen
    // or more to a vector instruction (a block's counts fit in a byte),
    // then widened: counted in `u32`s, each byte took its own widening.
    const BLOCK: usize = 255;
    for (at, block) in bytes.chunks(BLOCK).enumerate() {
        let (mut d, mut u, mut l, mut c, mut p, mut st) = (0u8, 0u8, 0u8, 0u8, 0u8, 0u8);
        let mut m = 0u8;
        for &b in block {
            d += u8::from(b.wrapping_sub(b'0') < 10);
            u += u8::from(b.wrapping_sub(b'A') < 26);
            l += u8::from(b.wrapping_sub(b'a') < 26);
            c += u8::from(b == b',');
            p += u8::from(b == b'|');
            st += u8::from(b & 0xc0 != 0x80);
            m += u8::from((b == b'.') | (b == b':'));
        }
        // A sentence ends at a stop before white space: each byte of the
        // block with the one after it (the next block's first, at its end).
        let next = bytes.get(at * BLOCK + 1..(at * BLOCK + block.len() + 1).min(bytes.len()));
        let mut se = 0u8;
        for (&a, &b) in block.iter().zip(next.unwrap_or_default()) {
            se += u8::from(is_stop(a) & is_space(b));
        }
        digits += u32::from(d);
        upper += u32::from(u);
        lower += u32::from(l);
        commas += u32::from(c);
        pipes += u32::from(p);
        starts += u32::from(st);
        sentences += u32::from(se);
        marks += u32::from(m);
    }
    sentences += u32::from(bytes.last().is_some_and(|&b| is_stop(b)));
    let mut s = Scan {
        chars: starts,
        digits,
        letters: upper + lower,
        commas,
        upper,
        lower,
        sep: pipes > 0,
        sentences,
        marks: marks > 0,
        ..Scan::default()
    };
    if starts as usize != bytes.len() {
        scan_non_ascii(text, &mut s);
    }
    s
}

/// Adds what the non-ASCII characters of `text` count to `s` (the counts of
/// its ASCII bytes): the ASCII pass saw none of them as a digit, letter,
/// separator or space.
fn scan_non_ascii(text: &str, s: &mut Scan) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let f = chars::facts(c);
        s.digits += u32::from(f & chars::NUMERIC != 0);
        if f & chars::ALPHABETIC != 0 {
            s.letters += 1;
            if f & chars::UPPERCASE != 0 {
                s.upper += 1;
            } else if f & chars::LOWERCASE != 0 {
                s.lower += 1;
            }
        }
        s.sep |= is_separator(c);
        // A sentence ends at a stop ('.', '!', '?') before white space.
        let after_stop = i > 0 && matches!(bytes[i - 1], b'.' | b'!' | b'?');
        s.sentences += u32::from(after_stop && f & chars::WHITESPACE != 0);
        i += c.len_utf8();
    }
}

/// The first line's distinct words (by hash), sorted, with a one-word
/// Bloom filter: most tokens of a page are not in its title, and the filter
/// turns most of them away with a shift and a test instead of a binary
/// search.
#[derive(Default)]
struct TitleWords {
    sorted: Vec<u64>,
    filter: u64,
}

impl TitleWords {
    fn new(hashes: &[u64]) -> TitleWords {
        let mut sorted = hashes.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let filter = sorted.iter().fold(0, |f, &h| f | filter_bit(h));
        TitleWords { sorted, filter }
    }

    fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// Whether the title may hold the word hashed `h`: false only when it
    /// does not.
    #[inline]
    fn may_hold(&self, h: u64) -> bool {
        self.filter & filter_bit(h) != 0
    }

    /// How many distinct words of `line` the title holds.
    fn shared(&self, line: &[u64], scratch: &mut Vec<u64>) -> usize {
        let title = &self.sorted;
        if title.len() <= 64 {
            let mut seen = 0u64;
            for &h in line {
                if !self.may_hold(h) {
                    continue;
                }
                if let Ok(at) = title.binary_search(&h) {
                    seen |= 1 << at;
                }
            }
            return seen.count_ones() as usize;
        }
        scratch.clear();
        scratch.extend(line.iter().filter(|&&h| self.may_hold(h)));
        scratch.sort_unstable();
        scratch.dedup();
        scratch
            .iter()
            .filter(|h| title.binary_search(h).is_ok())
            .count()
    }
}

/// A word's bit in [`TitleWords`]' filter: the hash's top six bits (word
/// hashes end with a finalizer, so every bit is as good as another).
#[inline]
fn filter_bit(h: u64) -> u64 {
    1 << (h >> 58)
}

/// Lang detection reads the function words of this many first tokens.
const LANG_TOKENS: usize = 4096;

/// Columns of a [`Table`] row: the line's own features (the first
/// [`OWN_FEATURES`] of [`NAMES`], `Feature::Len` to `Feature::TitleSim`, at
/// their `Feature as usize` columns), then what the context features read.
const OWN_FEATURES: usize = Feature::TitleSim as usize + 1;
const LEX_MEAN: usize = OWN_FEATURES;
const LEX_MAX: usize = OWN_FEATURES + 1;
const CHARS: usize = OWN_FEATURES + 2;
const OWN: usize = OWN_FEATURES + 3;

/// The own columns that only ever hold 0 or 1: kept as bits of
/// [`Own::flags`], the others in [`Own::vals`].
const BINARY: [Feature; 7] = {
    use Feature::*;
    [Term, Separator, AllCaps, Bullet, Url, Claimed, Duplicate]
};
/// Columns held as numbers.
const VALS: usize = OWN - BINARY.len();
/// Where each column lives: a bit of `flags` (`FLAG | bit`) or a slot of
/// `vals`.
const FLAG: u8 = 0x80;
const SLOT: [u8; OWN] = {
    let mut slot = [0u8; OWN];
    let (mut col, mut next) = (0, 0u8);
    while col < OWN {
        let mut bit = 0;
        while bit < BINARY.len() && BINARY[bit] as usize != col {
            bit += 1;
        }
        slot[col] = if bit < BINARY.len() {
            FLAG | bit as u8
        } else {
            next += 1;
            next - 1
        };
        col += 1;
    }
    slot
};

/// A row's own columns, packed: 56 bytes instead of the 80 of one `f32`
/// per column (a Table is held for a whole document; ten million tiny
/// lines made it the largest allocation of a run). Reads back the same
/// values, 0.0 and 1.0 included.
#[derive(Clone, Copy, Debug)]
struct Own {
    vals: [f32; VALS],
    flags: u8,
}

impl Own {
    fn pack(r: &[f32; OWN]) -> Own {
        let mut own = Own {
            vals: [0.0; VALS],
            flags: 0,
        };
        for (col, &v) in r.iter().enumerate() {
            own.set(col, v);
        }
        own
    }

    #[inline]
    fn get(&self, col: usize) -> f32 {
        let slot = SLOT[col];
        if slot & FLAG != 0 {
            f32::from(self.flags >> (slot & !FLAG) & 1)
        } else {
            self.vals[usize::from(slot)]
        }
    }

    fn set(&mut self, col: usize, v: f32) {
        let slot = SLOT[col];
        if slot & FLAG != 0 {
            debug_assert!(v == 0.0 || v == 1.0, "column {col} is binary, got {v}");
            let bit = 1 << (slot & !FLAG);
            if v != 0.0 {
                self.flags |= bit;
            } else {
                self.flags &= !bit;
            }
        } else {
            self.vals[usize::from(slot)] = v;
        }
    }
}

/// The bit of [`Own::flags`] that holds binary column `f`, if it is one.
#[inline]
const fn binary_bit(f: Feature) -> Option<u8> {
    let slot = SLOT[f as usize];
    if slot & FLAG != 0 {
        Some(slot & !FLAG)
    } else {
        None
    }
}

/// Sums of the [`WINDOWED`] columns over each of the [`WINDOWS`], as
/// [`Table::windowed_means`] gathers them: binary columns counted.
struct Windowed {
    sums: [[f32; WINDOWED.len()]; WINDOWS.len()],
    counts: [[u32; WINDOWED.len()]; WINDOWS.len()],
}

impl Windowed {
    /// Adds `rows`, in order, to windows `FROM..` (the rows those hold).
    #[inline]
    fn add<const FROM: usize>(&mut self, rows: &[Own]) {
        for o in rows {
            for w in FROM..WINDOWS.len() {
                for (c, f) in WINDOWED.into_iter().enumerate() {
                    match binary_bit(f) {
                        Some(bit) => self.counts[w][c] += u32::from(o.flags >> bit & 1),
                        None => self.sums[w][c] += o.get(f as usize),
                    }
                }
            }
        }
    }
}

/// The own features the neighbour windows average.
const WINDOWED: [Feature; 4] = [Feature::Len, Feature::Stop, Feature::Term, Feature::Claimed];
/// Each window's reach (rows on either side) and the features that hold the
/// means of [`WINDOWED`] over it.
const WINDOWS: [(usize, [Feature; 4]); 3] = {
    use Feature::*;
    [
        (1, [W1Len, W1Stop, W1Term, W1Claimed]),
        (3, [W3Len, W3Stop, W3Term, W3Claimed]),
        (7, [W7Len, W7Stop, W7Term, W7Claimed]),
    ]
};
// `Table::windowed_means` walks the windows as nested, narrowest first.
const _: () = assert!(WINDOWS[0].0 < WINDOWS[1].0 && WINDOWS[1].0 < WINDOWS[2].0);

/// The features of a document's non-blank lines, held compactly: each line
/// keeps its own features and a few numbers about its place, and
/// [`Table::row`] derives the context features (windows over neighbours,
/// position, prose before and after) when a row is read. Holding every
/// full row instead would take 176 bytes a line, the largest part of
/// cleaning a document of ten million tiny lines.
#[derive(Debug)]
pub struct Table {
    /// Each row's own features in [`NAMES`] order, then its lexicon mean,
    /// lexicon maximum and character count.
    own: Vec<Own>,
    /// Each row's block, an index into `blocks` (`u32`: a block holds at
    /// least two bytes, and the line table of a document of 2^33 bytes
    /// would not fit in memory anyway).
    block: Vec<u32>,
    /// Per block of the document: ln(1 + lines), ln(1 + characters).
    blocks: Vec<(f32, f32)>,
    /// Rows to the nearest prose row (the row count when there is none).
    dist: Vec<f32>,
    /// Prose characters in the rows before each row.
    prose_before: Vec<f32>,
    total_prose: f32,
    max_len: f32,
    /// The first row after the title that echoes it.
    title_row: Option<usize>,
    /// Whether the lexicon had weights: without, every row's lexicon
    /// columns are 0, and so are their window means.
    weighted: bool,
}

impl Table {
    /// Computes the features of every non-blank line of `doc`.
    pub fn new(doc: &Document, claims: &Claims, lexicon: &Lexicon) -> Table {
        Table::with_words(doc, claims, lexicon, &Words::new(doc, |_| false))
    }

    /// [`Table::new`] of a document whose words are read already (`words`
    /// of `doc`): the content model reads them too.
    pub fn with_words(doc: &Document, claims: &Claims, lexicon: &Lexicon, words: &Words) -> Table {
        // Duplicates are counted first, so the map is gone before the rows
        // grow.
        let duplicate: Vec<bool> = {
            // Each line hashed once: its text's ordinal among the distinct
            // texts, then a count per text.
            // Sized for a page's lines, not for a document of millions
            // (most of whose lines repeat): growing through every size on
            // the way was 2.5% of the table's time.
            let mut ids: HashMap<&str, u32> =
                HashMap::with_capacity_and_hasher(words.len().min(4096), Default::default());
            let mut counts: Vec<u32> = Vec::new();
            let of_row: Vec<u32> = doc
                .nonblank()
                .map(|li| {
                    let next = counts.len() as u32;
                    let id = *ids.entry(doc.line_trimmed(li)).or_insert(next);
                    if id == next {
                        counts.push(0);
                    }
                    counts[id as usize] += 1;
                    id
                })
                .collect();
            drop(ids);
            of_row.iter().map(|&id| counts[id as usize] > 1).collect()
        };
        let n = duplicate.len();
        let mut t = Table {
            own: Vec::with_capacity(n),
            block: Vec::with_capacity(n),
            blocks: Vec::new(),
            dist: Vec::new(),
            prose_before: Vec::new(),
            total_prose: 0.0,
            max_len: 0.0,
            title_row: None,
            weighted: !lexicon.is_empty(),
        };
        if n == 0 {
            return t;
        }
        // Tokens of the current line; until the language is known, of every
        // line so far, since their function-word share waits for it.
        // Room for the rows read before the language is known (or all of a
        // shorter document's): grown from nothing, they were copied a
        // dozen times a page.
        let room = words.token_count().min(LANG_TOKENS + 256);
        let mut tokens = Tokens {
            hashes: Vec::with_capacity(room),
            stops: Vec::with_capacity(room),
        };
        let mut lang: Option<usize> = None;
        // Rows waiting for the language: (row, their tokens' range).
        let mut pending: Vec<(usize, usize, usize)> = Vec::new();
        // The first line's distinct words (by hash), sorted, and its token count.
        let mut title = TitleWords::default();
        let mut title_len = 0f32;
        // A token with a digit has two hashes: its normalized one ("mp0",
        // every digit as 0: the content model's key) and its lowercase
        // form's ("mp3"), which the lexicon and the title are matched on
        // and which takes reading the row again. The normalized hash of a
        // word with a digit matches no word without one (but by a 64-bit
        // collision, as anywhere hashed words meet), so unless the lexicon
        // or the title holds a word with a digit, both hashes find nothing
        // for it, and the rows are not read again ([`DigitRows`]).
        let mut digits = DigitRows::All;
        let mut uniq: Vec<u64> = Vec::new();
        for (k, li) in doc.nonblank().enumerate() {
            let text = doc.line_trimmed(li);
            if lang.is_some() {
                tokens.hashes.clear();
                tokens.stops.clear();
            }
            let first = tokens.hashes.len();
            let mut sc = scan(text);
            tokens.push_row(words, k, text, lexicon, &digits, &mut sc);
            let end = tokens.hashes.len();
            let hashes = &tokens.hashes[first..end];
            let nw = (end - first) as f32;
            if k == 0 {
                title_len = nw;
                title = TitleWords::new(hashes);
                digits = DigitRows::after_title(words, lexicon);
            }
            let title_sim = if k == 0 || title.is_empty() || nw == 0.0 {
                0.0
            } else {
                let shared = title.shared(hashes, &mut uniq) as f32;
                shared / nw.min(title_len).max(1.0)
            };
            if t.title_row.is_none() && k > 0 && title_sim >= 0.6 && nw >= 3.0 {
                t.title_row = Some(k);
            }
            let term = if text.chars().next_back().is_some_and(is_terminal) {
                1.0
            } else {
                0.0
            };
            let bullet = {
                let mut it = text.chars();
                match it.next() {
                    Some('-' | '*' | '•' | '·' | '–') => {
                        it.next().is_some_and(char::is_whitespace)
                    }
                    Some(c) if c.is_ascii_digit() => {
                        let rest = text.trim_start_matches(|c: char| c.is_ascii_digit());
                        rest.starts_with(". ") || rest.starts_with(") ")
                    }
                    _ => false,
                }
            };
            let chars = sc.chars as f32;
            let len = ln1p(chars);
            let mut r = [0f32; OWN];
            use Feature::*;
            r[Len as usize] = len;
            r[Words as usize] = ln1p(nw);
            // Stop, StopCount: the function-word share and count, set below.
            r[Term as usize] = term;
            r[Sentences as usize] = sc.sentences as f32 / nw.max(1.0);
            r[Commas as usize] = sc.commas as f32 / nw.max(1.0);
            r[Capitalized as usize] = if nw > 0.0 {
                sc.capitalized as f32 / nw
            } else {
                0.0
            };
            r[Digits as usize] = sc.digits as f32 / chars.max(1.0);
            r[Letters as usize] = sc.letters as f32 / chars.max(1.0);
            r[Separator as usize] = f32::from(u8::from(sc.sep));
            r[AllCaps as usize] = f32::from(u8::from(sc.lower == 0 && sc.upper > 3));
            r[Bullet as usize] = f32::from(u8::from(bullet));
            // A line without a '.' or ':' holds no URL: most short lines
            // are settled without a search.
            r[Url as usize] = f32::from(u8::from(sc.marks && has_url(text)));
            r[Claimed as usize] = if claims.is_claimed(li) { 1.0 } else { 0.0 };
            r[Duplicate as usize] = f32::from(u8::from(duplicate[k]));
            r[TitleSim as usize] = title_sim;
            r[LEX_MEAN] = if sc.lex_n > 0 {
                sc.lex_sum / sc.lex_n as f32
            } else {
                0.0
            };
            r[LEX_MAX] = sc.lex_max;
            r[CHARS] = chars;
            t.max_len = t.max_len.max(len);
            t.own.push(Own::pack(&r));
            match lang {
                Some(lang) => t.set_stops(k, &tokens.stops, lang),
                None => {
                    pending.push((k, first, end));
                    if tokens.stops.len() >= LANG_TOKENS {
                        lang = Some(t.settle(&mut pending, &tokens.stops));
                    }
                }
            }
        }
        if lang.is_none() {
            t.settle(&mut pending, &tokens.stops);
        }
        drop(duplicate);
        drop(tokens);
        t.place(doc);
        t
    }

    /// Detects the language from the first tokens and sets the function-word
    /// features of the rows that waited for it.
    fn settle(&mut self, pending: &mut Vec<(usize, usize, usize)>, stops: &[u8]) -> usize {
        let lang = lang::detect_masks(stops.iter().take(LANG_TOKENS).copied());
        for &(k, first, end) in pending.iter() {
            self.set_stops(k, &stops[first..end], lang);
        }
        pending.clear();
        lang
    }

    fn set_stops(&mut self, k: usize, stops: &[u8], lang: usize) {
        let nw = stops.len() as f32;
        let count = stops.iter().filter(|&&m| m >> lang & 1 != 0).count() as f32;
        let r = &mut self.own[k];
        r.set(
            Feature::Stop as usize,
            if nw > 0.0 { count / nw } else { 0.0 },
        );
        r.set(Feature::StopCount as usize, ln1p(count));
    }

    /// Fills in what places each row in the document: its block, the prose
    /// around it.
    fn place(&mut self, doc: &Document) {
        let n = self.own.len();
        let blocks = doc.blocks();
        let mut sums = vec![(0f32, 0f32); blocks.len()];
        let mut b = 0;
        for (k, li) in doc.nonblank().enumerate() {
            while b < blocks.len() && blocks[b].last < li {
                b += 1;
            }
            let at = if b < blocks.len() && blocks[b].first <= li {
                b
            } else {
                0
            };
            self.block.push(u32::try_from(at).unwrap_or(u32::MAX));
            if let Some(s) = sums.get_mut(at) {
                s.0 += 1.0;
                s.1 += self.own[k].get(CHARS);
            }
        }
        self.blocks = sums.into_iter().map(|(l, c)| (ln1p(l), ln1p(c))).collect();
        // Distance to the nearest prose line, from both sides in two passes.
        self.dist = vec![n as f32; n];
        let mut last: Option<usize> = None;
        for k in 0..n {
            if is_prose_row(&self.own[k]) {
                last = Some(k);
            }
            if let Some(p) = last {
                self.dist[k] = (k - p) as f32;
            }
        }
        last = None;
        for k in (0..n).rev() {
            if is_prose_row(&self.own[k]) {
                last = Some(k);
            }
            if let Some(p) = last {
                self.dist[k] = self.dist[k].min((p - k) as f32);
            }
        }
        self.prose_before = Vec::with_capacity(n);
        let mut before = 0f32;
        for r in &self.own {
            self.prose_before.push(before);
            if is_prose_row(r) {
                before += r.get(CHARS);
            }
        }
        self.total_prose = before;
    }

    /// Number of rows (the document's non-blank lines).
    pub fn len(&self) -> usize {
        self.own.len()
    }

    /// True when the document has no non-blank line.
    pub fn is_empty(&self) -> bool {
        self.own.is_empty()
    }

    /// The features of row `k`, in the order of [`NAMES`].
    #[inline]
    pub fn row(&self, k: usize) -> [f32; COUNT] {
        use Feature::*;
        let n = self.own.len();
        let o = &self.own[k];
        let mut r = [0f32; COUNT];
        for (col, v) in r[..OWN_FEATURES].iter_mut().enumerate() {
            *v = o.get(col);
        }
        for ((_, features), means) in WINDOWS.into_iter().zip(self.windowed_means(k)) {
            for (f, mean) in features.into_iter().zip(means) {
                r[f] = mean;
            }
        }
        r[Position] = k as f32 / n as f32;
        let (lines, chars) = self
            .blocks
            .get(self.block[k] as usize)
            .copied()
            .unwrap_or_default();
        r[BlockLines] = lines;
        r[BlockChars] = chars;
        r[ProseDistance] = ln1p(self.dist[k]);
        r[DocMaxLen] = self.max_len;
        if self.total_prose > 0.0 {
            let before = self.prose_before[k];
            let mine = if is_prose_row(o) { o.get(CHARS) } else { 0.0 };
            r[ProseBefore] = before / self.total_prose;
            r[ProseAfter] = (self.total_prose - before - mine) / self.total_prose;
        }
        r[AfterTitle] = f32::from(u8::from(self.title_row.is_some_and(|t| k >= t)));
        r[LexMean] = o.get(LEX_MEAN);
        r[LexMax] = o.get(LEX_MAX);
        // The mean of zeros is +0.0, as `r` holds already: the content
        // model's lexicon has no weights, and these were a fifth of a
        // row's reads.
        if self.weighted {
            r[W2Lex] = self.window_mean(LEX_MEAN, k, 2);
            r[W6Lex] = self.window_mean(LEX_MEAN, k, 6);
        }
        r
    }

    /// The means of the [`WINDOWED`] columns over each of the [`WINDOWS`]
    /// around row `i`, each the same to the bit as
    /// [`Table::window_mean`]'s: one walk over the widest window, each row
    /// read once and added, in row order, to the sum of every window that
    /// holds it. Twelve walks, one per window and column, read each row up
    /// to twelve times.
    #[inline]
    fn windowed_means(&self, i: usize) -> [[f32; WINDOWED.len()]; WINDOWS.len()] {
        // The windows are nested, narrowest first: the rows from the widest
        // window's start to the next one's are in the widest alone, and so
        // on inwards, then outwards again.
        let [b0, b1, b2] =
            WINDOWS.map(|(w, _)| (i.saturating_sub(w), (i + w + 1).min(self.own.len())));
        // What a float sum starts from (and so a window's sum before its
        // first row is added).
        let start: f32 = std::iter::empty::<f32>().sum();
        let mut acc = Windowed {
            sums: [[start; WINDOWED.len()]; WINDOWS.len()],
            counts: [[0; WINDOWED.len()]; WINDOWS.len()],
        };
        acc.add::<2>(&self.own[b2.0..b1.0]);
        acc.add::<1>(&self.own[b1.0..b0.0]);
        acc.add::<0>(&self.own[b0.0..b0.1]);
        acc.add::<1>(&self.own[b0.1..b1.1]);
        acc.add::<2>(&self.own[b1.1..b2.1]);
        let own = &self.own[i];
        let mut means = [[0f32; WINDOWED.len()]; WINDOWS.len()];
        for (w, (lo, hi)) in [b0, b1, b2].into_iter().enumerate() {
            let n = hi - lo - 1;
            if n == 0 {
                continue;
            }
            for (c, f) in WINDOWED.into_iter().enumerate() {
                // A binary column's values are 0.0 and 1.0, whose float sum
                // in any order is their count, exactly (below 2^24), and so
                // is the count less one: counted in integers, where the
                // float sum waited on the adder each row.
                let sum = match binary_bit(f) {
                    Some(bit) => (acc.counts[w][c] - u32::from(own.flags >> bit & 1)) as f32,
                    None => acc.sums[w][c] - own.get(f as usize),
                };
                means[w][c] = sum / n as f32;
            }
        }
        means
    }

    /// Mean of column `col` over the rows within `w` of row `i` (not `i`
    /// itself).
    #[inline]
    fn window_mean(&self, col: usize, i: usize, w: usize) -> f32 {
        let lo = i.saturating_sub(w);
        let hi = (i + w + 1).min(self.own.len());
        let n = hi - lo - 1;
        if n == 0 {
            return 0.0;
        }
        let sum: f32 =
            self.own[lo..hi].iter().map(|r| r.get(col)).sum::<f32>() - self.own[i].get(col);
        sum / n as f32
    }
}

/// Whether a row counts as prose for the context features: a long line
/// that is at least 15% function words. Part of the features' definition
/// (the model was fitted on it), so it stays apart from the other prose
/// tests of `stages`.
fn is_prose_row(r: &Own) -> bool {
    r.get(CHARS) >= 100.0 && r.get(Feature::Stop as usize) >= 0.15
}

/// Computes the features of every non-blank line, as full rows (for tools
/// and tests; the classifier reads a [`Table`] row by row).
pub fn compute(doc: &Document, claims: &Claims, lexicon: &Lexicon) -> Vec<LineFeatures> {
    let t = Table::new(doc, claims, lexicon);
    doc.nonblank()
        .enumerate()
        .map(|(k, line)| LineFeatures {
            line,
            values: t.row(k),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_rows_read_back_every_column() {
        // Each column has its own place, and the binary ones are exactly
        // the columns a line can only set to 0 or 1.
        let mut seen = std::collections::HashSet::new();
        for slot in SLOT {
            assert!(seen.insert(slot), "slot {slot:#x} shared");
        }
        assert_eq!(SLOT.iter().filter(|&&s| s & FLAG == 0).count(), VALS);
        for bits in [0u8, 0x7f, 0x55, 0x2a] {
            let mut r = [0f32; OWN];
            for (col, v) in r.iter_mut().enumerate() {
                *v = if SLOT[col] & FLAG != 0 {
                    f32::from(bits >> (SLOT[col] & !FLAG) & 1)
                } else {
                    col as f32 * 1.25 - 3.0
                };
            }
            let own = Own::pack(&r);
            for (col, v) in r.iter().enumerate() {
                assert_eq!(own.get(col).to_bits(), v.to_bits(), "column {col}");
            }
        }
        // A whole document: every row's own columns as computed.
        let doc = Document::new(
            "Title here\n\nHome | News\n- item one\nVisit www.example.com today.\nHome | News\nALL CAPS LINE HERE\n",
        );
        let claims = Claims::new(doc.lines().len());
        let t = Table::new(&doc, &claims, &Lexicon::default());
        let row = |k: usize, f: Feature| t.row(k)[f as usize];
        assert_eq!(row(1, Feature::Separator), 1.0);
        assert_eq!(row(1, Feature::Duplicate), 1.0);
        assert_eq!(row(2, Feature::Bullet), 1.0);
        assert_eq!(row(3, Feature::Url), 1.0);
        assert_eq!(row(3, Feature::Term), 1.0);
        assert_eq!(row(5, Feature::AllCaps), 1.0);
        assert_eq!(row(0, Feature::Separator), 0.0);
        assert_eq!(row(5, Feature::Term), 0.0);
        assert_eq!(row(4, Feature::Duplicate), 1.0);
    }

    fn feats(text: &str) -> Vec<LineFeatures> {
        let doc = Document::new(text);
        let claims = Claims::new(doc.lines().len());
        compute(&doc, &claims, &Lexicon::default())
    }

    fn get(f: &LineFeatures, name: &str) -> f32 {
        f.values[NAMES.iter().position(|n| *n == name).unwrap()]
    }

    #[test]
    fn prose_and_menu_lines_differ_where_they_should() {
        let f = feats(
            "Home\nNews\n\nThe council approved the budget after a long debate on Tuesday night, and the mayor said it was fair.\n",
        );
        assert_eq!(f.len(), 3);
        assert!(get(&f[2], "stop") > 0.25);
        assert_eq!(get(&f[2], "term"), 1.0);
        assert_eq!(get(&f[0], "stop"), 0.0);
        assert_eq!(get(&f[0], "capitalized"), 1.0);
        assert_eq!(get(&f[0], "prose_after"), 1.0);
        assert_eq!(get(&f[2], "prose_before"), 0.0);
        assert_eq!(get(&f[0], "block_lines"), 2f32.ln_1p());
    }

    #[test]
    fn rows_read_before_and_after_the_language_is_known_agree() {
        // Ten tokens a line: the language is settled after 410 lines, and
        // the rows before that waited for it.
        let line = "Der Rat hat den Haushalt nach einer langen Debatte gebilligt.\n";
        let f = feats(&line.repeat(1000));
        assert_eq!(f.len(), 1000);
        let stop = get(&f[0], "stop");
        assert!(stop > 0.3, "German function words are counted: {stop}");
        for (k, row) in f.iter().enumerate() {
            assert_eq!(get(row, "stop"), stop, "row {k}");
            assert_eq!(get(row, "stop_count"), get(&f[0], "stop_count"), "row {k}");
        }
    }

    #[test]
    fn title_echo_and_duplicates() {
        let f =
            feats("Bees can count to four | Science Daily\nMenu\nBees can count to four\nMenu\n");
        assert_eq!(get(&f[2], "title_sim"), 1.0);
        assert_eq!(get(&f[2], "after_title"), 1.0);
        assert_eq!(get(&f[1], "after_title"), 0.0);
        assert_eq!(get(&f[1], "duplicate"), 1.0);
    }

    #[test]
    fn lexicon_scores_words() {
        let lex = Lexicon::parse("# test\ncookies\t2.0\nthe\t-1.0\n").unwrap();
        let doc = Document::new("We use cookies on the site\n");
        let f = compute(&doc, &Claims::new(1), &lex);
        assert_eq!(get(&f[0], "lex_mean"), 0.5);
        assert_eq!(get(&f[0], "lex_max"), 2.0);
        assert!(Lexicon::parse("no tab here").is_err());
    }

    /// ASCII character classes, for the reference scan.
    const DIGIT: u8 = 2;
    const ALPHA: u8 = 4;
    const UPPER: u8 = 8;
    const SPACE: u8 = 16; // `char::is_whitespace`
    const LOWER: u8 = 32;

    const ASCII: [u8; 128] = {
        let mut t = [0u8; 128];
        let mut b = 0;
        while b < 128 {
            let c = b as u8;
            let mut class = 0;
            if c.is_ascii_digit() {
                class |= DIGIT;
            }
            if c.is_ascii_alphabetic() {
                class |= ALPHA;
            }
            if c.is_ascii_uppercase() {
                class |= UPPER;
            }
            if c.is_ascii_lowercase() {
                class |= LOWER;
            }
            if crate::stages::is_ascii_space(c) {
                class |= SPACE;
            }
            t[b] = class;
            b += 1;
        }
        t
    };

    /// [`scan`] a character at a time: the reference it is held to.
    fn scan_unicode(text: &str) -> Scan {
        let (mut chars, mut digits, mut letters, mut upper, mut lower) =
            (0u32, 0u32, 0u32, 0u32, 0u32);
        let (mut commas, mut sentences, mut sep) = (0u32, 0u32, false);
        let mut marks = false;
        // The previous character ended a sentence ('.', '!' or '?').
        let mut after_stop = false;
        for c in text.chars() {
            chars += 1;
            if c.is_ascii() {
                let b = c as u8;
                let class = ASCII[usize::from(b)];
                digits += u32::from(class & DIGIT != 0);
                letters += u32::from(class & ALPHA != 0);
                upper += u32::from(class & UPPER != 0);
                lower += u32::from(class & LOWER != 0);
                commas += u32::from(b == b',');
                sep |= b == b'|';
                marks |= b == b'.' || b == b':';
                sentences += u32::from(class & SPACE != 0 && after_stop);
                after_stop = matches!(b, b'.' | b'!' | b'?');
            } else {
                digits += u32::from(c.is_numeric());
                if c.is_alphabetic() {
                    letters += 1;
                    if c.is_uppercase() {
                        upper += 1;
                    } else if c.is_lowercase() {
                        lower += 1;
                    }
                }
                sep |= is_separator(c);
                sentences += u32::from(after_stop && c.is_whitespace());
                after_stop = false;
            }
        }
        sentences += u32::from(after_stop);
        Scan {
            chars,
            digits,
            letters,
            commas,
            upper,
            lower,
            sep,
            sentences,
            marks,
            ..Scan::default()
        }
    }

    /// The counts of `text` by [`scan`], or by the reference scan, a
    /// character at a time.
    fn scans_of(text: &str, fast: bool) -> Vec<u32> {
        let s = if fast { scan(text) } else { scan_unicode(text) };
        vec![
            s.chars,
            s.digits,
            s.letters,
            s.commas,
            s.upper,
            s.lower,
            u32::from(s.sep),
            s.sentences,
            u32::from(s.marks),
        ]
    }

    #[test]
    fn lexicon_and_title_read_words_with_digits_as_written() {
        // "MP3" is looked up as "mp3", not as its normalized form "mp0" (the
        // content model's key); a number ("2019") never weighs.
        let lex = Lexicon::parse("mp3\t2.0\nmp0\t-5.0\n2019\t1.0\n").unwrap();
        let doc = Document::new("Download MP3 2019\n");
        let f = compute(&doc, &Claims::new(1), &lex);
        assert_eq!(get(&f[0], "lex_mean"), 2.0);
        assert_eq!(get(&f[0], "lex_max"), 2.0);
        // "10" and "20" are different words to the title: 3 of 4 shared.
        let f = feats("Top 10 cheap tips\nTop 20 cheap tips\n");
        assert_eq!(get(&f[1], "title_sim"), 0.75);
    }

    proptest::proptest! {
        /// The byte pass and the reference scan agree on ASCII lines...
        #[test]
        fn the_scan_counts_as_the_reference_on_ascii(text in "[ -~\t\x0b\x0c\r]{0,80}") {
            proptest::prop_assert_eq!(scans_of(&text, true), scans_of(&text, false));
        }

        /// ...on any text...
        #[test]
        fn the_scan_counts_as_the_reference_on_any_text(text in "\\PC{0,60}") {
            proptest::prop_assert_eq!(scans_of(&text, true), scans_of(&text, false));
        }

        /// ...on lines of several blocks (a sentence's stop at one block's
        /// end and its space at the next one's start)...
        #[test]
        fn the_scan_counts_as_the_reference_on_long_lines(
            text in "[a. !?,|A0\t\u{a0}é]{200,800}",
        ) {
            proptest::prop_assert_eq!(scans_of(&text, true), scans_of(&text, false));
        }

        /// ...and on ASCII with the non-ASCII characters page dumps hold:
        /// stops before Unicode spaces, separators, letters, digits.
        #[test]
        fn the_scan_counts_as_the_reference_on_mixed_text(
            text in "[a-zA-Z0-9 .!?,|\t\u{a0}\u{2003}\u{2019}\u{201c}•»›Äéß٣²ΣİⅫ—]{0,60}"
        ) {
            proptest::prop_assert_eq!(scans_of(&text, true), scans_of(&text, false));
        }
    }

    proptest::proptest! {
        /// The title's filter only turns away words it does not hold, with
        /// titles of up to and over 64 distinct words.
        #[test]
        fn shared_title_words_are_counted_as_a_set_intersection(
            title in proptest::collection::vec(0u64..150, 0..100),
            line in proptest::collection::vec(0u64..150, 0..40),
        ) {
            let hash = |v: &Vec<u64>| v.iter().map(|&x| crate::stages::words::mix(x)).collect::<Vec<u64>>();
            let (title, line) = (hash(&title), hash(&line));
            let want = {
                let t: std::collections::HashSet<u64> = title.iter().copied().collect();
                let l: std::collections::HashSet<u64> = line.iter().copied().collect();
                t.intersection(&l).count()
            };
            let got = TitleWords::new(&title).shared(&line, &mut Vec::new());
            proptest::prop_assert_eq!(got, want);
        }
    }

    proptest::proptest! {
        /// A table read without the lowercase hashes of words with digits
        /// (where neither the lexicon nor the title can hold one of a row's
        /// words with a digit: the title holds none, or none of the same
        /// normalized form) is the table read with them: a lexicon with a
        /// word with a digit, one that no document holds, makes every row
        /// be read again.
        #[test]
        fn rows_with_digits_read_the_same_either_way(
            lines in proptest::collection::vec("[A-Za-z0-9²٣ .,:]{0,30}", 1..8),
        ) {
            let text = lines.join("\n");
            let doc = Document::new(&text);
            let claims = Claims::new(doc.lines().len());
            let plain = Table::new(&doc, &claims, &Lexicon::default());
            let with_digits = Lexicon::parse("zzq9zz\t1.0\n").unwrap();
            proptest::prop_assert!(with_digits.numeric_words && !Lexicon::default().numeric_words);
            let read_again = Table::new(&doc, &claims, &with_digits);
            for k in 0..plain.len() {
                let (a, b) = (plain.row(k), read_again.row(k));
                proptest::prop_assert_eq!(a.map(f32::to_bits), b.map(f32::to_bits), "row {}", k);
            }
        }
    }

    proptest::proptest! {
        /// A row's windowed features, gathered in one walk with binary
        /// columns counted in integers, are the float means of
        /// `window_mean`, to the bit.
        #[test]
        fn windowed_features_are_the_float_means(
            lines in proptest::collection::vec("[A-Za-z .!]{0,12}", 1..24),
            claimed in proptest::collection::vec(proptest::bool::ANY, 24),
        ) {
            let text = lines.join("\n");
            let doc = Document::new(&text);
            let mut claims = Claims::new(doc.lines().len());
            for (i, _) in claimed.iter().enumerate().filter(|(i, c)| **c && *i < doc.lines().len()) {
                claims.claim_line(i, crate::rules::RuleIndex(0));
            }
            let t = Table::new(&doc, &claims, &Lexicon::default());
            for i in 0..t.len() {
                let row = t.row(i);
                for (w, features) in WINDOWS {
                    for (col, f) in WINDOWED.into_iter().zip(features) {
                        let want = t.window_mean(col as usize, i, w);
                        proptest::prop_assert_eq!(row[f].to_bits(), want.to_bits(), "{:?} row {}", f, i);
                    }
                }
            }
        }
    }

    #[test]
    fn numbers_are_not_title_words_unless_the_title_has_one() {
        // The title has no number: "10" and "2019" of the other rows share
        // nothing with it, read again or not.
        let f = feats("Cheap tips for you\nTop 10 cheap tips\n2019 tips\n");
        assert_eq!(get(&f[1], "title_sim"), 0.5);
        assert_eq!(get(&f[2], "title_sim"), 0.5);
    }

    #[test]
    fn scans_agree_on_tricky_lines() {
        for text in [
            "The cookies, the 2019 report. Next!  Done?",
            "A|B|C",
            "snake_case and CamelCase 42x x42 _",
            "end.",
            ".",
            "",
            "Ende.\u{a0}Neu: «Ärger» • ΣΊΣΥΦΟΣ ٣٤ Ⅻ.\u{2003}x",
            "It\u{2019}s \u{201c}done.\u{201d} Next.\u{3000}日本語。",
        ] {
            assert_eq!(scans_of(text, true), scans_of(text, false), "{text:?}");
        }
        // A stop ending a block of the byte pass, its space starting the next.
        for stop_at in [253, 254, 255, 256, 509, 510] {
            let text = format!("{}. {}", "a".repeat(stop_at), "b".repeat(300));
            assert_eq!(scans_of(&text, true)[7], 1, "stop at {stop_at}");
            assert_eq!(scans_of(&text, true), scans_of(&text, false), "{stop_at}");
        }
    }

    #[test]
    fn names_match_the_filled_slots() {
        assert_eq!(COUNT, 41);
        assert_eq!(NAMES[40], "w6_lex");
        for f in Feature::ALL {
            assert_eq!(NAMES[f as usize], f.name(), "{f:?}");
            assert_eq!(Feature::ALL[f as usize], f);
        }
        let mut names = NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COUNT, "names are distinct");
    }

    #[test]
    fn rows_index_by_feature() {
        let f = feats("Home\nNews\n");
        for feature in Feature::ALL {
            assert_eq!(f[0].values[feature], get(&f[0], feature.name()));
        }
        assert_eq!(f[1].values[Feature::Position], 0.5);
        let mut row = [0f32; COUNT];
        row[Feature::W6Lex] = 1.0;
        assert_eq!(row[COUNT - 1], 1.0);
    }
}
