//! What the stages ask of a character: whether it is a
//! letter, a capital, a digit, white space. The standard library answers
//! each question with a search of its Unicode tables; a page dump asks
//! them of every curly quote, dash and accented letter several times (the
//! tokenizer, the shapes, the structural counts, the edge features), and
//! the searches were about 1.4% of a balanced run. The characters web
//! text uses most (below U+0800: ASCII, Latin-1 and the Latin, Greek,
//! Cyrillic, Hebrew and Arabic letters; U+2000 to U+206F: spaces, dashes,
//! quotes, bullets) are answered from a table made from the standard
//! library's own answers, so every answer is the same; the others still
//! ask the standard library.

use std::sync::LazyLock;

/// `char::is_alphabetic`.
pub(crate) const ALPHABETIC: u8 = 1;
/// `char::is_numeric`.
pub(crate) const NUMERIC: u8 = 2;
/// `char::is_uppercase`.
pub(crate) const UPPERCASE: u8 = 4;
/// `char::is_lowercase`.
pub(crate) const LOWERCASE: u8 = 8;
/// `char::is_whitespace`.
pub(crate) const WHITESPACE: u8 = 16;

/// The ranges the table holds.
const LOW: std::ops::Range<u32> = 0..0x800;
const PUNCTUATION: std::ops::Range<u32> = 0x2000..0x2070;

/// The standard library's answers for `c`, as bits.
fn facts_of(c: char) -> u8 {
    [
        (c.is_alphabetic(), ALPHABETIC),
        (c.is_numeric(), NUMERIC),
        (c.is_uppercase(), UPPERCASE),
        (c.is_lowercase(), LOWERCASE),
        (c.is_whitespace(), WHITESPACE),
    ]
    .into_iter()
    .filter(|&(holds, _)| holds)
    .fold(0, |bits, (_, bit)| bits | bit)
}

/// The answers for the two ranges, one after the other (2.1 KB).
static TABLE: LazyLock<Vec<u8>> = LazyLock::new(|| {
    LOW.chain(PUNCTUATION)
        .map(|u| char::from_u32(u).map_or(0, facts_of))
        .collect()
});

/// Which of [`ALPHABETIC`], [`NUMERIC`], [`UPPERCASE`], [`LOWERCASE`] and
/// [`WHITESPACE`] hold for `c`: the same as asking `char` each question.
#[inline]
pub(crate) fn facts(c: char) -> u8 {
    let u = c as u32;
    let at = if LOW.contains(&u) {
        u - LOW.start
    } else if PUNCTUATION.contains(&u) {
        u - PUNCTUATION.start + LOW.len() as u32
    } else {
        return facts_of(c);
    };
    TABLE
        .get(at as usize)
        .copied()
        .unwrap_or_else(|| facts_of(c))
}

/// `char::is_alphanumeric`.
#[inline]
pub(crate) fn is_alphanumeric(c: char) -> bool {
    facts(c) & (ALPHABETIC | NUMERIC) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_reads_as_the_standard_library_says() {
        // Every scalar value, not a sample: the table is built from the
        // same answers, and this holds it to them.
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(facts(c), facts_of(c), "{c:?}");
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn the_bits_say_what_they_name() {
        // Each bit against its own question, so a bit swapped in
        // `facts_of` is caught too.
        for c in [
            'a', 'É', 'é', '٣', 'ⅷ', '\u{a0}', '\u{2003}', '’', '—', 'ß', '中',
        ] {
            let f = facts(c);
            assert_eq!(f & ALPHABETIC != 0, c.is_alphabetic(), "{c:?}");
            assert_eq!(f & NUMERIC != 0, c.is_numeric(), "{c:?}");
            assert_eq!(f & UPPERCASE != 0, c.is_uppercase(), "{c:?}");
            assert_eq!(f & LOWERCASE != 0, c.is_lowercase(), "{c:?}");
            assert_eq!(f & WHITESPACE != 0, c.is_whitespace(), "{c:?}");
        }
    }
}
