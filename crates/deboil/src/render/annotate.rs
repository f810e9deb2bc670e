//! Diff hunks whose lines say which removals they show: the shared view of
//! the review TUI and the HTML report, built on [`diff::hunks`].
//!
//! A removed line is either removed whole by one removal (`whole`), or holds
//! pieces removed by span removals (`marks`), or neither: a blank line
//! dropped by layout normalization.

use super::diff::{self, Tag};
use crate::removal::Cleaned;
use std::borrow::Cow;

/// A piece of a line removed by one removal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Index into [`Cleaned::removals`].
    pub removal: usize,
    /// Byte offset of the piece in the line's text.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
}

/// One line of an annotated hunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnotatedLine<'a> {
    /// Context, removed or added.
    pub tag: Tag,
    /// The line without its terminator.
    pub text: Cow<'a, str>,
    /// The removal that takes the whole line, if one does.
    pub whole: Option<usize>,
    /// Pieces taken by span removals, in order.
    pub marks: Vec<Mark>,
}

/// A hunk with its lines annotated.
#[derive(Clone, Debug)]
pub struct AnnotatedHunk<'a> {
    /// The `@@ -a,b +c,d @@` header.
    pub header: String,
    /// The lines.
    pub lines: Vec<AnnotatedLine<'a>>,
    /// The removals shown in the hunk, in order, without repeats.
    pub removals: Vec<usize>,
}

/// The hunks of `cleaned`'s diff with `context` lines around each change,
/// each removed line tied to its removals.
pub fn annotated_hunks<'a>(cleaned: &Cleaned<'a>, context: usize) -> Vec<AnnotatedHunk<'a>> {
    let doc = cleaned.document();
    let removals = cleaned.removals();
    diff::hunks(cleaned, context)
        .into_iter()
        .map(|h| {
            let mut shown: Vec<usize> = Vec::new();
            let lines = h
                .lines
                .into_iter()
                .map(|l| {
                    let mut out = AnnotatedLine {
                        tag: l.tag,
                        text: l.text,
                        whole: None,
                        marks: Vec::new(),
                    };
                    let (Tag::Removed, Some(i)) = (l.tag, l.old_line) else {
                        return out;
                    };
                    let line = doc.lines()[i];
                    // Removals are sorted and disjoint: skip those ending
                    // before the line, then take those starting inside it.
                    let first = removals.partition_point(|r| r.span.end <= line.start);
                    for (k, r) in removals.iter().enumerate().skip(first) {
                        if r.span.start >= line.end {
                            break;
                        }
                        if !shown.contains(&k) {
                            shown.push(k);
                        }
                        if r.span.start <= line.start && r.span.end >= line.end {
                            out.whole = Some(k);
                        } else {
                            out.marks.push(Mark {
                                removal: k,
                                start: r.span.start.max(line.start) - line.start,
                                end: r.span.end.min(line.content_end) - line.start,
                            });
                        }
                    }
                    out
                })
                .collect();
            AnnotatedHunk {
                header: h.header,
                lines,
                removals: shown,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_name_their_removals() {
        let engine = crate::Engine::builtin().unwrap();
        let text = "Title here\n\nA sentence of the article. Photo by Jane Doe/Reuters\n\nShare on Facebook\nTweet\n\nMore of the article text.\n";
        let cleaned = engine.clean(text);
        let hunks = annotated_hunks(&cleaned, 1);
        let removed: Vec<&AnnotatedLine> = hunks
            .iter()
            .flat_map(|h| &h.lines)
            .filter(|l| l.tag == Tag::Removed)
            .collect();
        assert!(!removed.is_empty());
        for l in removed {
            if let Some(k) = l.whole {
                let r = &cleaned.removals()[k];
                assert!(cleaned.removed_text(r).contains(l.text.as_ref()));
            }
            for m in &l.marks {
                let r = &cleaned.removals()[m.removal];
                assert_eq!(&l.text[m.start..m.end], cleaned.removed_text(r));
            }
        }
        let all: Vec<usize> = hunks.iter().flat_map(|h| h.removals.clone()).collect();
        assert_eq!(all, (0..cleaned.removals().len()).collect::<Vec<_>>());
    }
}
