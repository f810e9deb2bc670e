//! Byte spans into a document.
//!
//! Every position deboil reports is a byte offset into the original text,
//! never a character index: slicing the input with a span gives back exactly
//! the bytes that were there.

use std::ops::Range;

/// A half-open byte range `start..end` into a document's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// First byte of the span.
    pub start: usize,
    /// One past the last byte of the span.
    pub end: usize,
}

impl Span {
    /// Creates a span; `start` must not be after `end`.
    #[inline]
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end, "span start {start} after end {end}");
        Span { start, end }
    }

    /// Length in bytes.
    #[inline]
    pub fn len(self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no bytes.
    #[inline]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// True when the spans share at least one byte (an empty span shares none).
    #[inline]
    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end && !self.is_empty() && !other.is_empty()
    }

    /// True when `other` lies entirely inside `self`.
    #[inline]
    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The span as a range, for slicing.
    #[inline]
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Span {
        Span::new(r.start, r.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_is_strict_about_touching_spans() {
        assert!(Span::new(0, 5).overlaps(Span::new(4, 6)));
        assert!(!Span::new(0, 5).overlaps(Span::new(5, 6)));
        assert!(!Span::new(5, 6).overlaps(Span::new(0, 5)));
        assert!(!Span::new(3, 3).overlaps(Span::new(0, 5)));
    }

    #[test]
    fn contains_includes_equal_bounds() {
        assert!(Span::new(2, 8).contains(Span::new(2, 8)));
        assert!(Span::new(2, 8).contains(Span::new(3, 4)));
        assert!(!Span::new(2, 8).contains(Span::new(1, 4)));
    }
}
