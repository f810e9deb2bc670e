//! Byte offsets (what the engine produces) to code-point offsets (what a
//! Python `str` is indexed by).
//!
//! A removal list is sorted and disjoint, so its offsets only grow: one
//! forward walk over the text converts all of them, and ASCII text (most of
//! any web corpus) needs no walk at all.

/// Converts non-decreasing byte offsets of one text to code-point offsets.
pub(crate) struct CodePoints<'a> {
    bytes: &'a [u8],
    ascii: bool,
    byte: usize,
    chars: usize,
}

impl<'a> CodePoints<'a> {
    /// A converter for `text`, starting at offset 0.
    pub(crate) fn new(text: &'a str) -> CodePoints<'a> {
        CodePoints {
            bytes: text.as_bytes(),
            ascii: text.is_ascii(),
            byte: 0,
            chars: 0,
        }
    }

    /// The code-point offset of byte offset `byte`. Offsets asked for in
    /// decreasing order are still right, only slower (the walk restarts).
    pub(crate) fn at(&mut self, byte: usize) -> usize {
        if self.ascii {
            return byte;
        }
        let byte = byte.min(self.bytes.len());
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        // Every code point has exactly one byte that is not a continuation
        // byte (0b10xx_xxxx). Counting bytes instead of decoding `chars()`
        // cannot panic even if an offset fell inside a code point.
        self.chars += self.bytes[self.byte..byte]
            .iter()
            .filter(|&&b| (b as i8) >= -0x40)
            .count();
        self.byte = byte;
        self.chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slow, obvious conversion: how many chars start before `byte`.
    fn reference(text: &str, byte: usize) -> usize {
        text.char_indices().take_while(|&(i, _)| i < byte).count()
    }

    #[test]
    fn matches_char_indices_on_mixed_text() {
        let text = "a\u{a0}b 😀 中文\r\nx\u{301}é";
        let mut cp = CodePoints::new(text);
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for &b in &bounds {
            assert_eq!(cp.at(b), reference(text, b), "byte {b}");
        }
        // Going back restarts the walk.
        assert_eq!(cp.at(1), 1);
        assert_eq!(cp.at(text.len()), text.chars().count());
    }

    #[test]
    fn ascii_is_the_identity() {
        let mut cp = CodePoints::new("plain text");
        assert_eq!(cp.at(5), 5);
        assert_eq!(cp.at(10), 10);
    }
}
