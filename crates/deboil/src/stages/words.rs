//! The words of a document, read once for every consumer: each non-blank
//! line's tokens (runs of alphanumerics and `_`) hashed as they are
//! scanned, and, for the lines asked for, the shapes of its
//! whitespace-separated chunks.
//!
//! Two stages read a line's words: the structural features
//! ([`features::Table`](super::features::Table): token count, capitals,
//! function words, lexicon weights, the title's words) and the content
//! model ([`Lexed`](super::content_model::lexical::Lexed): hashed words of
//! a line and its neighbours). They used to tokenize every line each, with
//! two different hashes; [`Words::new`] now does it once, and keeps a
//! token's normalized hash (lower case, every digit read as `0`: the
//! content model's key) and its [`flag`]s. The lexicon and the title want
//! the hash of a token's lowercase form, digits as written: the same hash
//! for a token without a digit, and read again, only in the rows with a
//! digit, for the others ([`Words::lowercase_hashes`]).
//!
//! The hashes are [`StableHash`], fixed here rather than a library's: the
//! content model's shipped weights are indexed by them.

use super::chars;
use crate::document::Document;

/// A 64-bit FNV-1a hash with a final avalanche (splitmix64's): stable across
/// platforms and releases, and cheap per byte.
#[derive(Clone, Copy, Debug)]
pub struct StableHash(u64);

impl StableHash {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    /// A hash seeded with `seed` (a namespace).
    #[inline]
    pub const fn new(seed: u64) -> StableHash {
        StableHash((StableHash::OFFSET ^ seed).wrapping_mul(StableHash::PRIME))
    }

    /// Adds one byte.
    #[inline]
    pub fn byte(&mut self, b: u8) {
        self.0 = (self.0 ^ u64::from(b)).wrapping_mul(StableHash::PRIME);
    }

    /// The hash of what was added.
    #[inline]
    pub fn finish(self) -> u64 {
        mix(self.0)
    }
}

/// splitmix64's finalizer: every input bit affects every output bit.
#[inline]
pub const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The hash of a word as given, byte by byte: what a token's lowercase
/// form hashes to ([`Words::lowercase_hashes`]), and so the key of a
/// lexicon entry.
pub fn word_hash(word: &str) -> u64 {
    let mut h = StableHash::new(0);
    for &b in word.as_bytes() {
        h.byte(b);
    }
    h.finish()
}

/// A word character, as the scorer's `\w` (alphanumeric or `_`).
#[inline]
pub fn is_word(c: char) -> bool {
    chars::is_alphanumeric(c) || c == '_'
}

/// What a token is, beyond its hash: bits of a byte.
pub mod flag {
    /// Its first character is a capital.
    pub const CAPITAL: u8 = 1;
    /// It holds a digit (any numeric character), so its normalized hash is
    /// not the hash of its lowercase form.
    pub const NUMERIC: u8 = 2;
    /// Every character is an ASCII digit.
    pub const DIGITS: u8 = 4;
}

/// Calls `f(start, end, hash, flags)` for each token of `text` (a run of
/// word characters), hashing its normalized form: lower case, digits as `0`.
pub fn for_each_token(text: &str, mut f: impl FnMut(usize, usize, u64, u8)) {
    let bytes = text.as_bytes();
    let mut h = StableHash::new(0);
    let mut start = usize::MAX;
    let mut flags = 0u8;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (c, width) = if b < 0x80 {
            (b as char, 1)
        } else {
            match text[i..].chars().next() {
                Some(c) => (c, c.len_utf8()),
                None => break,
            }
        };
        if is_word(c) {
            if start == usize::MAX {
                start = i;
                h = StableHash::new(0);
                flags = if c.is_uppercase() { flag::CAPITAL } else { 0 } | flag::DIGITS;
            }
            if b < 0x80 {
                if b.is_ascii_digit() {
                    flags |= flag::NUMERIC;
                    h.byte(b'0');
                } else {
                    flags &= !flag::DIGITS;
                    h.byte(b.to_ascii_lowercase());
                }
            } else if c.is_numeric() {
                flags = (flags | flag::NUMERIC) & !flag::DIGITS;
                h.byte(b'0');
            } else {
                flags &= !flag::DIGITS;
                let mut buf = [0u8; 4];
                for l in c.to_lowercase() {
                    for &lb in l.encode_utf8(&mut buf).as_bytes() {
                        h.byte(lb);
                    }
                }
            }
        } else if start != usize::MAX {
            f(start, i, h.finish(), flags);
            start = usize::MAX;
        }
        i += width;
    }
    if start != usize::MAX {
        f(start, bytes.len(), h.finish(), flags);
    }
}

/// The hash of a token's lowercase form (`word_hash` of it), for a token
/// whose normalized hash differs (one with a digit).
fn lowercase_hash(token: &str) -> u64 {
    let mut h = StableHash::new(0);
    let mut buf = [0u8; 4];
    for c in token.chars().flat_map(char::to_lowercase) {
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            h.byte(b);
        }
    }
    h.finish()
}

/// The hash of one chunk's shape, fed a character at a time: a class
/// (`d`, `X`, `x`) counts once per run of letters of one kind and up to
/// four times per run of digits; anything else is hashed as its bytes.
struct ShapeHash {
    h: StableHash,
    last: u8,
    run: u32,
}

impl ShapeHash {
    fn new() -> ShapeHash {
        ShapeHash {
            h: StableHash::new(1),
            last: 0,
            run: 0,
        }
    }

    /// A character of class `class` (`d`, `X` or `x`).
    #[inline]
    fn class(&mut self, class: u8) {
        self.run = if class == self.last { self.run + 1 } else { 1 };
        self.last = class;
        let repeat = if class == b'd' { 4 } else { 1 };
        if self.run <= repeat {
            self.h.byte(class);
        }
    }

    /// A character that stands for itself, as its UTF-8 bytes.
    #[inline]
    fn other(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.h.byte(b);
        }
        self.last = 0;
        self.run = 0;
    }

    /// A character of any kind: a class for digits and letters, else its
    /// UTF-8 bytes (`utf8`).
    #[inline]
    fn character(&mut self, c: char, utf8: &[u8]) {
        if c.is_numeric() {
            self.class(b'd');
        } else if c.is_uppercase() {
            self.class(b'X');
        } else if c.is_alphabetic() {
            self.class(b'x');
        } else {
            self.other(utf8);
        }
    }

    /// [`ShapeHash::character`] of a character whose [`chars::facts`]
    /// are `facts`.
    #[inline]
    fn character_of(&mut self, facts: u8, utf8: &[u8]) {
        if facts & chars::NUMERIC != 0 {
            self.class(b'd');
        } else if facts & chars::UPPERCASE != 0 {
            self.class(b'X');
        } else if facts & chars::ALPHABETIC != 0 {
            self.class(b'x');
        } else {
            self.other(utf8);
        }
    }

    fn finish(self) -> u64 {
        self.h.finish()
    }
}

/// Calls `f(start, end, hash)` for each whitespace-separated chunk of
/// `text`, hashing its shape: capitals as `X`, other letters as `x`, digits
/// as `d` (a run of letters of one kind counts once, runs of digits up to
/// four), anything else as itself.
pub fn for_each_shape(text: &str, mut f: impl FnMut(usize, usize, u64)) {
    let mut chunk: Option<(usize, ShapeHash)> = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some((start, h)) = chunk.take() {
                f(start, i, h.finish());
            }
            continue;
        }
        let (_, h) = chunk.get_or_insert_with(|| (i, ShapeHash::new()));
        h.character(c, c.encode_utf8(&mut [0u8; 4]).as_bytes());
    }
    if let Some((start, h)) = chunk {
        f(start, text.len(), h.finish());
    }
}

/// What the token and shape hashes read of an ASCII byte: its token byte
/// (lowercased, digits as `0`; 0 when the byte is no word character), its
/// shape class (`d`, `X`, `x`, or 0: the byte stands for itself), its token
/// flags, and whether it is white space.
#[derive(Clone, Copy)]
struct AsciiClass {
    token: u8,
    shape: u8,
    /// [`flag::CAPITAL`] for a capital, [`flag::NUMERIC`] and
    /// [`flag::DIGITS`] for a digit.
    flags: u8,
    space: bool,
}

const ASCII_CLASSES: [AsciiClass; 128] = {
    let mut t = [AsciiClass {
        token: 0,
        shape: 0,
        flags: 0,
        space: false,
    }; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = AsciiClass {
            token: if c.is_ascii_digit() {
                b'0'
            } else if c.is_ascii_alphanumeric() || c == b'_' {
                c.to_ascii_lowercase()
            } else {
                0
            },
            shape: if c.is_ascii_digit() {
                b'd'
            } else if c.is_ascii_uppercase() {
                b'X'
            } else if c.is_ascii_lowercase() {
                b'x'
            } else {
                0
            },
            flags: if c.is_ascii_digit() {
                flag::NUMERIC | flag::DIGITS
            } else if c.is_ascii_uppercase() {
                flag::CAPITAL
            } else {
                0
            },
            space: super::is_ascii_space(c),
        };
        b += 1;
    }
    t
};

/// [`for_each_token`] and, when `shapes` is given, [`for_each_shape`] of a
/// line in one pass: pushes the same hashes and flags in the same order.
///
/// Chunk by chunk, and within a chunk byte by byte through a table for
/// ASCII, the Unicode tables only for the other characters: a line with
/// one curly quote used to take the general scans for all of its bytes,
/// and lines with one are a third of a page dump's bytes.
fn tokens_and_shapes(
    text: &str,
    tokens: &mut Vec<u64>,
    flags: &mut Vec<u8>,
    mut shapes: Option<&mut Vec<u64>>,
) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    // A line whose shapes are not asked for (one an earlier stage claimed)
    // skips their hashing; the branch goes the same way all line long.
    let want_shapes = shapes.is_some();
    let mut i = 0;
    loop {
        // Blank space between chunks: no token, no shape.
        while i < n {
            let b = bytes[i];
            if b < 0x80 {
                if !ASCII_CLASSES[usize::from(b)].space {
                    break;
                }
                i += 1;
            } else {
                match text[i..].chars().next() {
                    Some(c) if chars::facts(c) & chars::WHITESPACE != 0 => i += c.len_utf8(),
                    _ => break,
                }
            }
        }
        if i >= n {
            return;
        }
        let mut sh = ShapeHash::new();
        let mut th = StableHash::new(0);
        let mut in_token = false;
        // The token's flags: CAPITAL from its first character, NUMERIC if
        // any is a digit, DIGITS if every one is an ASCII digit.
        let (mut first, mut any, mut all) = (0u8, 0u8, 0u8);
        while i < n {
            let b = bytes[i];
            if b < 0x80 {
                let class = ASCII_CLASSES[usize::from(b)];
                if class.space {
                    break;
                }
                if want_shapes {
                    if class.shape == 0 {
                        sh.other(&[b]);
                    } else {
                        sh.class(class.shape);
                    }
                }
                if class.token != 0 {
                    if !in_token {
                        in_token = true;
                        th = StableHash::new(0);
                        first = class.flags;
                        all = flag::DIGITS;
                        any = 0;
                    }
                    th.byte(class.token);
                    any |= class.flags;
                    all &= class.flags;
                    if class.shape == b'x' {
                        // The rest of a run of small letters, the most
                        // common bytes of all: each adds itself to the
                        // token's hash and nothing to its flags or to the
                        // chunk's shape (a run of one class counts once,
                        // and the byte after the run is of another).
                        let mut end = i + 1;
                        while let Some(&b) = bytes.get(end).filter(|b| b.is_ascii_lowercase()) {
                            th.byte(b);
                            end += 1;
                        }
                        i = end - 1;
                    }
                } else if in_token {
                    tokens.push(th.finish());
                    flags.push(first & flag::CAPITAL | any & flag::NUMERIC | all);
                    in_token = false;
                }
                i += 1;
                continue;
            }
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            // Every question asked of the character, answered at once.
            let facts = chars::facts(c);
            if facts & chars::WHITESPACE != 0 {
                break;
            }
            let width = c.len_utf8();
            if want_shapes {
                sh.character_of(facts, &bytes[i..i + width]);
            }
            // `is_word`, and the token flags a character that is not an
            // ASCII digit adds: NUMERIC for a digit, and no DIGITS.
            if facts & (chars::ALPHABETIC | chars::NUMERIC) != 0 || c == '_' {
                let numeric = facts & chars::NUMERIC != 0;
                let cf = if numeric { flag::NUMERIC } else { 0 };
                if !in_token {
                    in_token = true;
                    th = StableHash::new(0);
                    first = if facts & chars::UPPERCASE != 0 {
                        flag::CAPITAL
                    } else {
                        0
                    };
                    all = flag::DIGITS;
                    any = 0;
                }
                any |= cf;
                all &= cf;
                if numeric {
                    th.byte(b'0');
                } else {
                    let mut buf = [0u8; 4];
                    for l in c.to_lowercase() {
                        for &lb in l.encode_utf8(&mut buf).as_bytes() {
                            th.byte(lb);
                        }
                    }
                }
            } else if in_token {
                tokens.push(th.finish());
                flags.push(first & flag::CAPITAL | any & flag::NUMERIC | all);
                in_token = false;
            }
            i += width;
        }
        // A token never spans blank space: the chunk's end ends it.
        if in_token {
            tokens.push(th.finish());
            flags.push(first & flag::CAPITAL | any & flag::NUMERIC | all);
        }
        if let Some(shapes) = shapes.as_deref_mut() {
            shapes.push(sh.finish());
        }
    }
}

/// The tokens (and, where asked, chunk shapes) of a document's non-blank
/// lines, row after row: row `k` is the `k`-th non-blank line.
#[derive(Debug, Default)]
pub struct Words {
    /// Normalized hash of every token.
    hashes: Vec<u64>,
    /// Every token's [`flag`]s. (Not the lowercase-form hashes of the
    /// tokens with a digit, which [`Words::lowercase_hashes`] reads again:
    /// 16 bytes each, they made a document of ten million tiny lines 6%
    /// larger.)
    flags: Vec<u8>,
    /// Chunk-shape hashes of the rows asked for.
    shapes: Vec<u64>,
    /// Per row: the end of its tokens and of its shapes (each row's start
    /// is the previous row's end).
    ends: Vec<(u32, u32)>,
}

impl Words {
    /// Reads every non-blank line of `doc`; the chunk shapes of the lines
    /// `shapes_of(line)` says.
    pub fn new(doc: &Document, shapes_of: impl Fn(usize) -> bool) -> Words {
        // Rows sized exactly, as the document's line table is; tokens for
        // one every five bytes, which a page dump rarely passes (one every
        // 6.3 over the dev corpus, 5.7 at the 90th percentile), where
        // growing from nothing copied them a dozen times over. Shapes (one
        // per chunk between blanks, of the rows that want them) for one
        // every eight: past that, doublings leave at most twice the room
        // needed, as growing from nothing does.
        let tokens = doc.text().len() / 5;
        let mut w = Words {
            ends: Vec::with_capacity(doc.nonblank().count()),
            hashes: Vec::with_capacity(tokens),
            flags: Vec::with_capacity(tokens),
            shapes: Vec::with_capacity(doc.text().len() / 8),
        };
        for li in doc.nonblank() {
            let text = doc.line_trimmed(li);
            let shapes = shapes_of(li).then_some(&mut w.shapes);
            tokens_and_shapes(text, &mut w.hashes, &mut w.flags, shapes);
            w.ends.push((w.hashes.len() as u32, w.shapes.len() as u32));
        }
        w
    }

    /// Number of rows (non-blank lines).
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when the document has no non-blank line.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Number of tokens in all rows.
    pub fn token_count(&self) -> usize {
        self.hashes.len()
    }

    fn token_range(&self, k: usize) -> (usize, usize) {
        let a = k.checked_sub(1).map_or(0, |j| self.ends[j].0);
        (a as usize, self.ends[k].0 as usize)
    }

    /// Row `k`'s normalized token hashes (lower case, digits as `0`).
    #[inline]
    pub fn tokens(&self, k: usize) -> &[u64] {
        let (a, b) = self.token_range(k);
        &self.hashes[a..b]
    }

    /// Row `k`'s tokens' [`flag`]s.
    #[inline]
    pub fn flags(&self, k: usize) -> &[u8] {
        let (a, b) = self.token_range(k);
        &self.flags[a..b]
    }

    /// Row `k`'s chunk-shape hashes (none unless its shapes were asked for).
    #[inline]
    pub fn shapes(&self, k: usize) -> &[u64] {
        let a = k.checked_sub(1).map_or(0, |j| self.ends[j].1);
        &self.shapes[a as usize..self.ends[k].1 as usize]
    }

    /// Row `k`'s tokens' lowercase-form hashes ([`word_hash`] of each
    /// token lowercased), appended to `out`; `text` is row `k`'s line,
    /// trimmed ([`Document::line_trimmed`]). The normalized hashes, except
    /// in a row with a digit, which is read again.
    pub fn lowercase_hashes(&self, k: usize, text: &str, out: &mut Vec<u64>) {
        let at = out.len();
        out.extend_from_slice(self.tokens(k));
        if !self.flags(k).iter().any(|f| f & flag::NUMERIC != 0) {
            return;
        }
        let row = &mut out[at..];
        let mut i = 0;
        let mut set = |h: u64| {
            if let Some(slot) = row.get_mut(i) {
                *slot = h;
            }
            i += 1;
        };
        if text.is_ascii() {
            // Every token hashed, lower-cased with its digits as they are.
            let mut h = StableHash::new(0);
            let mut in_token = false;
            for &b in text.as_bytes() {
                if ASCII_CLASSES[usize::from(b)].token != 0 {
                    if !in_token {
                        in_token = true;
                        h = StableHash::new(0);
                    }
                    h.byte(b.to_ascii_lowercase());
                } else if in_token {
                    set(h.finish());
                    in_token = false;
                }
            }
            if in_token {
                set(h.finish());
            }
        } else {
            for_each_token(text, |a, b, h, f| {
                set(if f & flag::NUMERIC != 0 {
                    lowercase_hash(&text[a..b])
                } else {
                    h
                });
            });
        }
        debug_assert_eq!(i, self.tokens(k).len(), "row {k} is not {text:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<(&str, u64, u8)> {
        let mut out = Vec::new();
        for_each_token(text, |a, b, h, f| out.push((&text[a..b], h, f)));
        out
    }

    fn shape_of(text: &str) -> u64 {
        let mut out = Vec::new();
        for_each_shape(text, |_, _, h| out.push(h));
        assert_eq!(out.len(), 1, "{text:?} is one chunk");
        out[0]
    }

    #[test]
    fn tokens_are_word_runs_normalized_for_case_and_digits() {
        let t = toks("Posted 12 March, 2018 at 4:47 PM");
        let words: Vec<&str> = t.iter().map(|x| x.0).collect();
        assert_eq!(
            words,
            ["Posted", "12", "March", "2018", "at", "4", "47", "PM"]
        );
        let h = |s: &str| toks(s)[0].1;
        assert_eq!(h("March"), h("march"));
        assert_eq!(h("MARCH"), h("march"));
        assert_eq!(h("2018"), h("1999"));
        assert_ne!(h("2018"), h("18"));
        assert_eq!(h("Ärger"), h("ärger"));
        assert_ne!(h("said"), h("sad"));
        assert!(toks("  — | · ").is_empty());
    }

    #[test]
    fn flags_say_capital_digit_and_all_digits() {
        use flag::*;
        let f = |s: &str| toks(s)[0].2;
        assert_eq!(f("March"), CAPITAL);
        assert_eq!(f("mARCH"), 0);
        assert_eq!(f("Ärger"), CAPITAL);
        assert_eq!(f("2018"), NUMERIC | DIGITS);
        assert_eq!(f("mp3"), NUMERIC);
        assert_eq!(f("X2"), CAPITAL | NUMERIC);
        // A non-ASCII digit is numeric, not an ASCII digit.
        assert_eq!(f("٣"), NUMERIC);
        assert_eq!(f("1٣"), NUMERIC);
        assert_eq!(f("_"), 0);
    }

    #[test]
    fn shapes_keep_punctuation_and_collapse_letter_runs() {
        assert_eq!(shape_of("4:47"), shape_of("9:05"));
        assert_ne!(shape_of("4:47"), shape_of("12:30"));
        assert_ne!(shape_of("4:47"), shape_of("4.47"));
        assert_eq!(shape_of("September"), shape_of("March"));
        assert_ne!(shape_of("September"), shape_of("september"));
        assert_eq!(shape_of("said:"), shape_of("wrote:"));
        assert_ne!(shape_of("said:"), shape_of("said"));
        assert_eq!(shape_of("2018"), shape_of("1999"));
        assert_eq!(shape_of("123456"), shape_of("1234"));
        assert_ne!(shape_of("12"), shape_of("1234"));
    }

    #[test]
    fn the_hash_is_fixed() {
        // Shipped weights depend on these exact values.
        let mut h = StableHash::new(7);
        for b in b"deboil" {
            h.byte(*b);
        }
        // Computed independently (FNV-1a, then splitmix64's finalizer, in Python).
        assert_eq!(h.finish(), 0xbc9b_5ca8_71d1_495d);
    }

    /// `tokens_and_shapes` of `text`, against the general scans.
    fn check_pass(text: &str) {
        let (mut want_t, mut want_f, mut want_s) = (Vec::new(), Vec::new(), Vec::new());
        for_each_token(text, |_, _, h, f| {
            want_t.push(h);
            want_f.push(f);
        });
        for_each_shape(text, |_, _, h| want_s.push(h));
        let (mut t, mut f, mut s) = (Vec::new(), Vec::new(), Vec::new());
        tokens_and_shapes(text, &mut t, &mut f, Some(&mut s));
        assert_eq!((&t, &f, &s), (&want_t, &want_f, &want_s), "{text:?}");
        let (mut only, mut only_f) = (Vec::new(), Vec::new());
        tokens_and_shapes(text, &mut only, &mut only_f, None);
        assert_eq!((only, only_f), (want_t, want_f), "{text:?}");
    }

    #[test]
    fn the_one_pass_hashes_as_the_general_scans() {
        for text in [
            "Posted 12 March, 2018 at 4:47 PM",
            "  snake_case and CamelCase__x  \t 1234567 12:30 -- (a) ",
            "said: \x0b wrote:\x0c|x|  ",
            "",
            "___",
            "A",
            "9",
            "9a A9 _9 9_",
            "http://example.com/a_b?c=1&D=22",
            // Lines with a few non-ASCII characters among ASCII ones: curly
            // quotes, dashes, no-break and other Unicode spaces, non-ASCII
            // digits and letters whose lowercase form is longer.
            "It\u{2019}s \u{201c}Ärger\u{201d} \u{2014} ΣΊΣΥΦΟΣ İstanbul ß\u{a0}٣٤x 1٣ Ⅻ",
            "\u{a0}\u{2003}a\u{a0}b\u{3000}",
            "日本語のテキスト、句読点。",
        ] {
            check_pass(text);
        }
    }

    proptest::proptest! {
        #[test]
        fn the_one_pass_hashes_as_the_general_scans_on_ascii(s in "[\\x00-\\x7f]{0,40}") {
            check_pass(&s);
        }

        #[test]
        fn the_one_pass_hashes_as_the_general_scans_on_any_text(s in "\\PC{0,40}") {
            check_pass(&s);
        }

        #[test]
        fn the_one_pass_hashes_as_the_general_scans_on_mixed_text(
            s in "[a-zA-Z0-9_ .:,'\t\u{a0}\u{2019}\u{201c}Äéß٣²ΣİⅫ\u{2003}—]{0,40}"
        ) {
            check_pass(&s);
        }

        /// A token's lowercase-form hash is `word_hash` of its lowercase
        /// form, with or without a digit, ASCII or not.
        #[test]
        fn lowercase_hashes_are_word_hashes_of_the_lowercase_tokens(
            lines in proptest::collection::vec("[a-zA-Z0-9_ ÄéΣ٣²\\-]{0,20}", 1..6)
        ) {
            let text = lines.join("\n");
            let doc = Document::new(&text);
            let words = Words::new(&doc, |_| true);
            for (k, li) in doc.nonblank().enumerate() {
                let line = doc.line_trimmed(li);
                let want: Vec<u64> = line
                    .split(|c: char| !is_word(c))
                    .filter(|t| !t.is_empty())
                    .map(|t| word_hash(&t.chars().flat_map(char::to_lowercase).collect::<String>()))
                    .collect();
                let mut got = Vec::new();
                words.lowercase_hashes(k, line, &mut got);
                proptest::prop_assert_eq!(&got, &want, "{:?}", line);
                let mut norm = Vec::new();
                for_each_token(line, |_, _, h, _| norm.push(h));
                proptest::prop_assert_eq!(words.tokens(k), &norm[..]);
            }
        }
    }
}
