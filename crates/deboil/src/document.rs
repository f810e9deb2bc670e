//! The document model: the input text with its lines and blocks as byte spans.
//!
//! A *line* ends after `\n` (a `\r` right before it belongs to the terminator,
//! so `\r\n` files keep their endings); the last line may have no terminator.
//! A lone `\r` is ordinary content. A line is *blank* when its content holds
//! only whitespace (including NBSP and zero-width characters). A *block* is a
//! maximal run of non-blank lines, the text-dump equivalent of a paragraph.
//!
//! Nothing here copies the text: every piece is a span into the original.

use crate::span::Span;

/// One line of a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    /// Offset of the first byte of the line.
    pub start: usize,
    /// Offset just past the content (before `\r\n` or `\n`).
    pub content_end: usize,
    /// Offset just past the terminator (equals `content_end` on an unterminated last line).
    pub end: usize,
    /// True when the content is only whitespace.
    pub blank: bool,
}

impl Line {
    /// The whole line, terminator included.
    #[inline]
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }

    /// The line without its terminator.
    #[inline]
    pub fn content(&self) -> Span {
        Span::new(self.start, self.content_end)
    }

    /// True when the line has a `\n` (or `\r\n`) terminator.
    #[inline]
    pub fn is_terminated(&self) -> bool {
        self.end > self.content_end
    }
}

/// A maximal run of non-blank lines, by line index (`first..=last`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// Index of the first line of the block.
    pub first: usize,
    /// Index of the last line of the block (inclusive).
    pub last: usize,
}

impl Block {
    /// Line indexes of the block.
    #[inline]
    pub fn lines(&self) -> std::ops::RangeInclusive<usize> {
        self.first..=self.last
    }
}

/// A text split into lines and blocks. Cheap to build: one pass over the bytes.
#[derive(Clone, Debug)]
pub struct Document<'t> {
    text: &'t str,
    lines: Vec<Line>,
    blocks: Vec<Block>,
}

/// Characters that carry no content: Unicode whitespace plus the zero-width
/// characters and BOM that HTML-to-text dumps leave on otherwise empty lines.
#[inline]
pub fn is_blank_char(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

/// `s` without leading and trailing blank characters.
#[inline]
pub fn trim_blank(s: &str) -> &str {
    // Fast path: a line that starts and ends with a visible ASCII
    // character has nothing to trim (stages ask for trimmed lines many
    // times a document).
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim_matches(is_blank_char),
    }
}

fn is_blank(s: &str) -> bool {
    // Fast path: most lines start with a visible ASCII character.
    match s.as_bytes().first() {
        None => true,
        Some(b) if b.is_ascii_graphic() => false,
        _ => s.chars().all(is_blank_char),
    }
}

impl<'t> Document<'t> {
    /// Splits `text` into lines and blocks.
    pub fn new(text: &'t str) -> Document<'t> {
        let bytes = text.as_bytes();
        // Sized exactly: counting newlines is cheap next to splitting, and a
        // table grown by doubling holds up to twice the lines it needs
        // (32 bytes each: the largest allocation for millions of short
        // lines).
        let mut lines = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', bytes) {
            let content_end = if nl > start && bytes[nl - 1] == b'\r' {
                nl - 1
            } else {
                nl
            };
            lines.push(Line {
                start,
                content_end,
                end: nl + 1,
                blank: is_blank(&text[start..content_end]),
            });
            start = nl + 1;
        }
        if start < bytes.len() {
            lines.push(Line {
                start,
                content_end: bytes.len(),
                end: bytes.len(),
                blank: is_blank(&text[start..]),
            });
        }
        let mut blocks = Vec::new();
        let mut open: Option<usize> = None;
        for (i, line) in lines.iter().enumerate() {
            match (line.blank, open) {
                (false, None) => open = Some(i),
                (true, Some(first)) => {
                    blocks.push(Block { first, last: i - 1 });
                    open = None;
                }
                _ => {}
            }
        }
        if let Some(first) = open {
            blocks.push(Block {
                first,
                last: lines.len() - 1,
            });
        }
        Document {
            text,
            lines,
            blocks,
        }
    }

    /// The original text.
    #[inline]
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// All lines, in order.
    #[inline]
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// Indexes of the non-blank lines, in order: the rows of the line
    /// classifiers.
    pub fn nonblank(&self) -> impl Iterator<Item = usize> + '_ {
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.blank)
            .map(|(i, _)| i)
    }

    /// All blocks, in order.
    #[inline]
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The text of a span.
    #[inline]
    pub fn slice(&self, span: Span) -> &'t str {
        &self.text[span.range()]
    }

    /// The content of line `i` (no terminator).
    #[inline]
    pub fn line_text(&self, i: usize) -> &'t str {
        self.slice(self.lines[i].content())
    }

    /// The content of line `i` without surrounding whitespace.
    #[inline]
    pub fn line_trimmed(&self, i: usize) -> &'t str {
        trim_blank(self.line_text(i))
    }

    /// Index of the line holding byte `offset` (the last line for `offset == len`).
    pub fn line_of(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|l| l.end <= offset)
            .min(self.lines.len().saturating_sub(1))
    }

    /// The terminator the document uses: that of its first terminated line,
    /// `\n` when there is none. Used only when a final newline must be added.
    pub fn newline(&self) -> &'t str {
        self.lines
            .iter()
            .find(|l| l.is_terminated())
            .map_or("\n", |l| &self.text[l.content_end..l.end])
    }

    /// Number of non-blank bytes up to each line, for position fractions that
    /// ignore layout whitespace. `prefix[i]` counts lines `0..i`.
    pub fn content_prefix(&self) -> Vec<usize> {
        let mut acc = 0;
        let mut prefix = Vec::with_capacity(self.lines.len() + 1);
        prefix.push(0);
        for l in &self.lines {
            if !l.blank {
                acc += l.content_end - l.start;
            }
            prefix.push(acc);
        }
        prefix
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn trimming_takes_off_blank_characters_only(
            s in "[a .\\t\u{a0}\u{200b}\u{feff}é\\r]{0,12}",
        ) {
            proptest::prop_assert_eq!(trim_blank(&s), s.trim_matches(is_blank_char));
        }
    }

    fn contents<'a>(doc: &Document<'a>) -> Vec<&'a str> {
        (0..doc.lines().len()).map(|i| doc.line_text(i)).collect()
    }

    #[test]
    fn lf_and_crlf_terminators_are_kept_out_of_content() {
        let doc = Document::new("a\r\nb\nc");
        assert_eq!(contents(&doc), ["a", "b", "c"]);
        let l = doc.lines();
        assert_eq!((l[0].content_end, l[0].end), (1, 3));
        assert_eq!((l[1].content_end, l[1].end), (4, 5));
        assert!(!l[2].is_terminated());
        assert_eq!(doc.newline(), "\r\n");
    }

    #[test]
    fn lone_cr_is_content() {
        let doc = Document::new("a\rb\n");
        assert_eq!(contents(&doc), ["a\rb"]);
    }

    #[test]
    fn lines_cover_the_text_exactly() {
        let text = "x\n\n \u{a0}\t\r\n\u{200b}\nlast";
        let doc = Document::new(text);
        let mut pos = 0;
        for l in doc.lines() {
            assert_eq!(l.start, pos);
            pos = l.end;
        }
        assert_eq!(pos, text.len());
        let blank: Vec<bool> = doc.lines().iter().map(|l| l.blank).collect();
        assert_eq!(blank, [false, true, true, true, false]);
    }

    #[test]
    fn blocks_are_runs_of_non_blank_lines() {
        let doc = Document::new("a\nb\n\n\nc\n \nd\ne");
        let blocks: Vec<(usize, usize)> = doc.blocks().iter().map(|b| (b.first, b.last)).collect();
        assert_eq!(blocks, [(0, 1), (4, 4), (6, 7)]);
    }

    #[test]
    fn empty_text_has_no_lines() {
        let doc = Document::new("");
        assert!(doc.lines().is_empty());
        assert!(doc.blocks().is_empty());
        assert_eq!(doc.newline(), "\n");
    }

    #[test]
    fn line_of_maps_offsets_to_lines() {
        let doc = Document::new("ab\ncd\n");
        assert_eq!(doc.line_of(0), 0);
        assert_eq!(doc.line_of(2), 0);
        assert_eq!(doc.line_of(3), 1);
        assert_eq!(doc.line_of(6), 1);
    }
}
