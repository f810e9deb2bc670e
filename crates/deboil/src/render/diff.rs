//! The annotated unified diff of what cleaning removes.
//!
//! The diff is built from the removal list itself, not by re-diffing input
//! and output: every removed line is shown exactly where its rule removed it
//! (a title printed twice loses its second copy, not whichever copy a diff
//! algorithm prefers). `similar` groups the changes into hunks and writes
//! their headers; each header then names the rules behind its removals, in
//! the free-text slot after `@@`, so the diff still applies with `patch`.

use crate::removal::{Cleaned, Segment};
use crate::rules::RuleIndex;
use crate::span::Span;
use similar::udiff::UnifiedHunkHeader;
use similar::{DiffOp, group_diff_ops};
use std::io::{self, Write};

/// What cleaning does to one input line.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Fate {
    Kept,
    /// Removed whole by a rule (index into the removal list).
    Removed,
    /// A blank line dropped by layout normalization.
    Collapsed,
    /// Part of it removed, or a final newline added: the new text.
    Edited(String),
}

/// How a line of a hunk is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// Unchanged context.
    Context,
    /// Removed from the input.
    Removed,
    /// In the output instead (the rest of a line that lost a span).
    Added,
}

/// One line of a hunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HunkLine<'a> {
    /// Context, removed or added.
    pub tag: Tag,
    /// The line without its terminator.
    pub text: std::borrow::Cow<'a, str>,
    /// The line's terminator: `"\n"`, `"\r\n"`, or `""` on a last line without one.
    pub newline: &'static str,
    /// On removed lines: byte ranges (relative to `text`) that rules removed;
    /// empty when the whole line went.
    pub highlights: Vec<Span>,
    /// On context and removed lines: the index of the input line (0-based),
    /// so a viewer can tell which removals a line belongs to.
    pub old_line: Option<usize>,
}

/// A group of nearby changes with its context.
#[derive(Clone, Debug)]
pub struct Hunk<'a> {
    /// The `@@ -a,b +c,d @@` header.
    pub header: String,
    /// Rules whose removals fall in the hunk, in order of first appearance.
    pub rules: Vec<RuleIndex>,
    /// True when the hunk drops blank lines by layout normalization.
    pub layout: bool,
    /// True when the hunk adds the final newline the input lacked.
    pub final_newline: bool,
    /// The lines.
    pub lines: Vec<HunkLine<'a>>,
}

/// Per input line, what happens to it.
fn fates(cleaned: &Cleaned) -> Vec<Fate> {
    let doc = cleaned.document();
    let text = cleaned.input();
    let segs = cleaned.segments();
    let mut out = Vec::with_capacity(doc.lines().len());
    let mut si = 0;
    let mut last_kept_line = None;
    for (li, line) in doc.lines().iter().enumerate() {
        while si < segs.len() && segs[si].span().end <= line.start {
            si += 1;
        }
        let mut k = si;
        let mut kept = String::new();
        let (mut any_kept, mut any_removed, mut collapsed) = (false, false, false);
        while k < segs.len() && segs[k].span().start < line.end {
            let s = segs[k].span();
            match segs[k] {
                Segment::Kept(_) => {
                    any_kept = true;
                    kept.push_str(&text[s.start.max(line.start)..s.end.min(line.end)]);
                }
                Segment::Removed(..) => any_removed = true,
                Segment::Collapsed(_) => collapsed = true,
            }
            k += 1;
        }
        let fate = match (any_kept, any_removed) {
            (true, false) => Fate::Kept,
            (true, true) => Fate::Edited(kept),
            (false, true) => Fate::Removed,
            (false, false) if collapsed => Fate::Collapsed,
            (false, false) => Fate::Kept,
        };
        if matches!(fate, Fate::Kept | Fate::Edited(_)) {
            last_kept_line = Some(li);
        }
        out.push(fate);
    }
    // The output always ends with a newline: an unterminated last kept line
    // changes by gaining one.
    if let Some(li) = last_kept_line {
        let line = doc.lines()[li];
        let new_text = match &out[li] {
            Fate::Edited(t) => t.clone(),
            _ => text[line.span().range()].to_owned(),
        };
        if !new_text.ends_with('\n') {
            out[li] = Fate::Edited(format!("{new_text}{}", doc.newline()));
        }
    }
    out
}

/// Builds `similar` ops over lines: old = input lines, new = output lines.
fn ops(fates: &[Fate]) -> Vec<DiffOp> {
    let mut ops: Vec<DiffOp> = Vec::new();
    let (mut old, mut new) = (0, 0);
    for fate in fates {
        let op = match fate {
            Fate::Kept => DiffOp::Equal {
                old_index: old,
                new_index: new,
                len: 1,
            },
            Fate::Removed | Fate::Collapsed => DiffOp::Delete {
                old_index: old,
                old_len: 1,
                new_index: new,
            },
            Fate::Edited(_) => DiffOp::Replace {
                old_index: old,
                old_len: 1,
                new_index: new,
                new_len: 1,
            },
        };
        old += 1;
        if !matches!(fate, Fate::Removed | Fate::Collapsed) {
            new += 1;
        }
        // Merge with the previous op where the unified format would anyway.
        let merged = match (ops.last_mut(), op) {
            (Some(DiffOp::Equal { len, .. }), DiffOp::Equal { .. }) => {
                *len += 1;
                true
            }
            (Some(DiffOp::Delete { old_len, .. }), DiffOp::Delete { .. }) => {
                *old_len += 1;
                true
            }
            (
                Some(DiffOp::Replace {
                    old_len, new_len, ..
                }),
                DiffOp::Replace { .. },
            ) => {
                *old_len += 1;
                *new_len += 1;
                true
            }
            (Some(DiffOp::Replace { old_len, .. }), DiffOp::Delete { .. }) => {
                *old_len += 1;
                true
            }
            (Some(last @ DiffOp::Delete { .. }), DiffOp::Replace { .. }) => {
                if let DiffOp::Delete {
                    old_index,
                    old_len,
                    new_index,
                } = *last
                {
                    *last = DiffOp::Replace {
                        old_index,
                        old_len: old_len + 1,
                        new_index,
                        new_len: 1,
                    };
                }
                true
            }
            _ => false,
        };
        if !merged {
            ops.push(op);
        }
    }
    ops
}

/// The hunks of the diff, with `context` lines around each change.
pub fn hunks<'a>(cleaned: &Cleaned<'a>, context: usize) -> Vec<Hunk<'a>> {
    let doc = cleaned.document();
    let text: &'a str = cleaned.input();
    let fates = fates(cleaned);
    let removals = cleaned.removals();
    let line_text = |i: usize| {
        let l = doc.lines()[i];
        (
            &text[l.content().range()],
            terminator(&text[l.content_end..l.end]),
        )
    };
    let mut out = Vec::new();
    for group in group_diff_ops(ops(&fates), context) {
        let header = UnifiedHunkHeader::new(&group).to_string();
        let mut lines = Vec::new();
        let mut rules: Vec<RuleIndex> = Vec::new();
        let mut layout = false;
        let mut final_newline = false;
        for op in &group {
            let old = op.old_range();
            match op {
                DiffOp::Equal { .. } => {
                    for i in old {
                        let (t, newline) = line_text(i);
                        lines.push(HunkLine {
                            tag: Tag::Context,
                            text: t.into(),
                            newline,
                            highlights: vec![],
                            old_line: Some(i),
                        });
                    }
                }
                _ => {
                    let mut added = Vec::new();
                    for i in old {
                        let line = doc.lines()[i];
                        let (t, newline) = line_text(i);
                        let mut highlights = Vec::new();
                        for r in removals.iter().filter(|r| r.span.overlaps(line.span())) {
                            if !rules.contains(&r.rule) {
                                rules.push(r.rule);
                            }
                            if !line.span().contains(r.span) || r.span == line.span() {
                                continue;
                            }
                            let s = r.span.start.max(line.start) - line.start;
                            let e = r.span.end.min(line.content_end) - line.start;
                            highlights.push(Span::new(s, e));
                        }
                        if fates[i] == Fate::Collapsed {
                            layout = true;
                        }
                        lines.push(HunkLine {
                            tag: Tag::Removed,
                            text: t.into(),
                            newline,
                            highlights,
                            old_line: Some(i),
                        });
                        if let Fate::Edited(new_text) = &fates[i] {
                            if !line.is_terminated() {
                                final_newline = true;
                            }
                            let body = new_text.trim_end_matches(['\r', '\n']);
                            added.push(HunkLine {
                                tag: Tag::Added,
                                text: body.to_owned().into(),
                                newline: terminator(&new_text[body.len()..]),
                                highlights: vec![],
                                old_line: None,
                            });
                        }
                    }
                    lines.extend(added);
                }
            }
        }
        out.push(Hunk {
            header,
            rules,
            layout,
            final_newline,
            lines,
        });
    }
    out
}

/// How to write a diff.
#[derive(Clone, Copy, Debug)]
pub struct DiffStyle {
    /// Lines of context around each change.
    pub context: usize,
    /// ANSI colors (only when writing to a terminal).
    pub color: bool,
}

impl Default for DiffStyle {
    fn default() -> DiffStyle {
        DiffStyle {
            context: 3,
            color: false,
        }
    }
}

const RED: &str = "\x1b[31m";
const RED_BOLD_REV: &str = "\x1b[1;7;31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Writes the unified diff of one document; returns whether it had any hunk.
///
/// With `style.color`, control characters in the scraped text are escaped so
/// they cannot drive the terminal; without it, lines are written verbatim so
/// the diff applies with `patch -p1`.
pub fn write_diff<W: Write>(
    w: &mut W,
    cleaned: &Cleaned,
    path: &str,
    style: DiffStyle,
) -> io::Result<bool> {
    let hunks = hunks(cleaned, style.context);
    if hunks.is_empty() {
        return Ok(false);
    }
    let (bold, cyan, yellow, reset) = if style.color {
        (BOLD, CYAN, YELLOW, RESET)
    } else {
        ("", "", "", "")
    };
    writeln!(w, "{bold}--- a/{path}{reset}")?;
    writeln!(w, "{bold}+++ b/{path}{reset}")?;
    for h in &hunks {
        // Blank-line collapse and the final newline are named only when no
        // rule explains the hunk: next to a removal they go without saying.
        let mut names: Vec<&str> = h
            .rules
            .iter()
            .map(|r| cleaned.rules().get(*r).id.as_str())
            .collect();
        if names.is_empty() && h.layout {
            names.push("(blank lines)");
        }
        if names.is_empty() && h.final_newline {
            names.push("(final newline)");
        }
        writeln!(
            w,
            "{cyan}{}{reset} {yellow}{}{reset}",
            h.header,
            names.join(", ")
        )?;
        for line in &h.lines {
            write_line(w, line, style.color)?;
        }
    }
    Ok(true)
}

fn write_line<W: Write>(w: &mut W, line: &HunkLine, color: bool) -> io::Result<()> {
    let (sign, col) = match line.tag {
        Tag::Context => (' ', ""),
        Tag::Removed => ('-', RED),
        Tag::Added => ('+', GREEN),
    };
    if color {
        write!(w, "{col}{sign}")?;
        let mut pos = 0;
        for h in &line.highlights {
            write!(
                w,
                "{}{RED_BOLD_REV}{}{RESET}{col}",
                sanitize(&line.text[pos..h.start]),
                sanitize(&line.text[h.range()])
            )?;
            pos = h.end;
        }
        write!(w, "{}{RESET}", sanitize(&line.text[pos..]))?;
    } else {
        write!(w, "{sign}{}", line.text)?;
    }
    if !line.newline.is_empty() {
        // Each line keeps its own terminator so the diff applies to CRLF files.
        w.write_all(line.newline.as_bytes())?;
    } else {
        write!(w, "\n\\ No newline at end of file\n")?;
    }
    Ok(())
}

fn terminator(t: &str) -> &'static str {
    match t {
        "\r\n" => "\r\n",
        "\n" => "\n",
        _ => "",
    }
}

/// Escapes control characters (but tabs) for display on a terminal.
pub fn sanitize(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\t' || is_bidi(c)) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\t' || is_bidi(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// Bidirectional overrides can make a terminal line read differently from its bytes.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
