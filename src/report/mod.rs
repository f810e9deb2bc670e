//! The HTML report: one self-contained page (no network, no external
//! assets) showing what cleaning removes from many files.
//!
//! The page is a static template (`report/`: HTML, CSS, vanilla JS) plus the
//! data as JSON in a `<script type="application/json">` element. Scraped text
//! reaches the page only inside that JSON, with `<`, `>` and `&` written as
//! `\u003c`, `\u003e` and `\u0026`, so no text can close the element or open
//! a comment; the script then builds the DOM with `textContent` only. Files
//! are rendered a page at a time, so a report of thousands of files opens as
//! fast as one of ten.

use crate::plan::{Decision, PlanRule, PlannedRemoval};
use deboil::removal::Cleaned;
use deboil::render::annotate::annotated_hunks;
use deboil::render::diff::Tag;
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};

const TEMPLATE: &str = include_str!("report.html");
const CSS: &str = include_str!("report.css");
const JS: &str = include_str!("report.js");

/// A report being assembled, file by file.
#[derive(Debug)]
pub struct Report {
    title: String,
    context: usize,
    data: Data,
    rule_slots: HashMap<String, usize>,
}

#[derive(Debug, Serialize)]
struct Data {
    /// What the report was made from (paths or a plan file).
    source: String,
    /// True when made from a plan: removals carry review decisions.
    plan: bool,
    /// `[id, category, summary]`.
    rules: Vec<(String, String, String)>,
    files: Vec<FileData>,
}

#[derive(Debug, Serialize)]
struct FileData {
    /// Path.
    p: String,
    /// Bytes in.
    bi: usize,
    /// Bytes out (with every proposed removal).
    bo: usize,
    /// Bytes removed by rules.
    br: usize,
    /// Removals: `[rule slot, bytes, decision]` (0 undecided or proposed,
    /// 1 accepted, 2 rejected).
    r: Vec<(usize, usize, u8)>,
    /// Hunks: `[header, lines]`; a line is `[tag, text, whole, marks]` with
    /// tag 0 context, 1 removed, 2 added; `whole` the removal taking the
    /// whole line or -1; marks `[start, end, removal]` in UTF-16 units.
    h: Vec<(String, Vec<LineData>)>,
    /// Why the file is shown without context, if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    w: Option<String>,
}

type LineData = (u8, String, i64, Vec<(usize, usize, usize)>);

fn decision_code(d: Decision) -> u8 {
    match d {
        Decision::Undecided => 0,
        Decision::Accepted => 1,
        Decision::Rejected => 2,
    }
}

impl Report {
    /// An empty report; `source` says what it was made from, `context` is
    /// the number of lines shown around each change.
    pub fn new(title: &str, source: &str, from_plan: bool, context: usize) -> Report {
        Report {
            title: title.to_owned(),
            context,
            data: Data {
                source: source.to_owned(),
                plan: from_plan,
                rules: Vec::new(),
                files: Vec::new(),
            },
            rule_slots: HashMap::new(),
        }
    }

    fn rule_slot(&mut self, id: &str, category: &str, summary: &str) -> usize {
        if let Some(&i) = self.rule_slots.get(id) {
            return i;
        }
        let i = self.data.rules.len();
        self.data
            .rules
            .push((id.to_owned(), category.to_owned(), summary.to_owned()));
        self.rule_slots.insert(id.to_owned(), i);
        i
    }

    /// Adds a cleaned file. `decisions`, when given, holds the review
    /// decision of each of `cleaned`'s removals, in order.
    pub fn add_file(&mut self, path: &str, cleaned: &Cleaned, decisions: Option<&[Decision]>) {
        let r = cleaned
            .removals()
            .iter()
            .enumerate()
            .map(|(k, rem)| {
                let rule = cleaned.rules().get(rem.rule);
                let slot = self.rule_slot(&rule.id, &rule.category, &rule.summary);
                let d = decisions
                    .and_then(|d| d.get(k))
                    .copied()
                    .unwrap_or_default();
                (slot, rem.span.len(), decision_code(d))
            })
            .collect();
        let h = annotated_hunks(cleaned, self.context)
            .into_iter()
            .map(|hunk| {
                let lines = hunk
                    .lines
                    .into_iter()
                    .map(|l| {
                        let tag = match l.tag {
                            Tag::Context => 0,
                            Tag::Removed => 1,
                            Tag::Added => 2,
                        };
                        // JavaScript strings count UTF-16 units, not bytes.
                        let u16_at = |b: usize| l.text[..b].encode_utf16().count();
                        let marks = l
                            .marks
                            .iter()
                            .map(|m| (u16_at(m.start), u16_at(m.end), m.removal))
                            .collect();
                        let whole = l.whole.map_or(-1, |k| k as i64);
                        (tag, l.text.into_owned(), whole, marks)
                    })
                    .collect();
                (hunk.header, lines)
            })
            .collect();
        self.data.files.push(FileData {
            p: path.to_owned(),
            bi: cleaned.input().len(),
            bo: cleaned.output().len(),
            br: cleaned.bytes_removed(),
            r,
            h,
            w: None,
        });
    }

    /// Adds a plan file whose text is not available as planned (changed or
    /// unreadable): its recorded removals are listed without context, under
    /// `warning`.
    pub fn add_recorded(
        &mut self,
        path: &str,
        warning: &str,
        rules: &[PlanRule],
        removals: &[PlannedRemoval],
    ) {
        let mut r = Vec::new();
        let mut h = Vec::new();
        for (k, rem) in removals.iter().enumerate() {
            let (category, summary) = rules
                .iter()
                .find(|x| x.id == rem.rule)
                .map_or(("", ""), |x| (x.category.as_str(), x.summary.as_str()));
            let slot = self.rule_slot(&rem.rule, category, summary);
            r.push((slot, rem.end - rem.start, decision_code(rem.decision)));
            let lines = rem
                .text
                .lines()
                .map(|t| (1, t.to_owned(), k as i64, Vec::new()))
                .collect();
            h.push((
                format!("@@ bytes {}..{} (recorded) @@", rem.start, rem.end),
                lines,
            ));
        }
        let br = r.iter().map(|x| x.1).sum();
        self.data.files.push(FileData {
            p: path.to_owned(),
            bi: 0,
            bo: 0,
            br,
            r,
            h,
            w: Some(warning.to_owned()),
        });
    }

    /// Adds the files of `other` (built in parallel, say) after these; rule
    /// numbering is merged.
    pub fn append(&mut self, other: Report) {
        for mut f in other.data.files {
            for r in &mut f.r {
                let (id, category, summary) = &other.data.rules[r.0];
                r.0 = self.rule_slot(id, category, summary);
            }
            self.data.files.push(f);
        }
    }

    /// Number of files added.
    pub fn len(&self) -> usize {
        self.data.files.len()
    }

    /// True when no file was added.
    pub fn is_empty(&self) -> bool {
        self.data.files.is_empty()
    }

    /// Writes the page.
    pub fn write<W: Write>(&self, mut w: W) -> io::Result<()> {
        let data = serde_json::to_string(&self.data).map_err(io::Error::other)?;
        let mut rest = TEMPLATE;
        while let Some(open) = rest.find("{{") {
            w.write_all(&rest.as_bytes()[..open])?;
            let after = &rest[open + 2..];
            let Some(close) = after.find("}}") else {
                rest = &rest[open..];
                break;
            };
            match &after[..close] {
                "TITLE" => w.write_all(escape_html(&self.title).as_bytes())?,
                "CSS" => w.write_all(CSS.as_bytes())?,
                "JS" => w.write_all(JS.as_bytes())?,
                "DATA" => w.write_all(escape_script_json(&data).as_bytes())?,
                other => write!(w, "{{{{{other}}}}}")?,
            }
            rest = &after[close + 2..];
        }
        w.write_all(rest.as_bytes())
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Makes JSON safe inside a `<script>` element: in JSON these characters
/// only occur inside strings, where their `\u` escapes mean the same, and
/// without them no `</script>` or `<!--` can appear.
fn escape_script_json(json: &str) -> String {
    json.replace('&', "\\u0026")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "Title of the article\n\nThe article's body text, long enough to stay.\n\nShare on Facebook </script><script>alert(1)</script> <!-- & \"q\" 'a'\nShare on Facebook\n";

    #[test]
    fn hostile_text_cannot_leave_the_data_element() {
        let engine = deboil::Engine::builtin().unwrap();
        let cleaned = engine.clean(HOSTILE);
        let mut report = Report::new("t </title><script>x</script>", "src", false, 3);
        report.add_file("a<b>&\"c\".txt", &cleaned, None);
        let mut out = Vec::new();
        report.write(&mut out).unwrap();
        let html = String::from_utf8(out).unwrap();
        // Only the template's own script elements open and close.
        assert_eq!(html.matches("<script").count(), 2);
        assert_eq!(html.matches("</script>").count(), 2);
        assert!(!html.contains("<!--"));
        assert!(html.contains("<title>t &lt;/title&gt;&lt;script&gt;x&lt;/script&gt;</title>"));
        // The data still holds the text exactly.
        let start = html.find("id=\"report-data\">").unwrap() + "id=\"report-data\">".len();
        let end = start + html[start..].find("</script>").unwrap();
        let data: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(data["files"][0]["p"], "a<b>&\"c\".txt");
        let texts: Vec<&str> = data["files"][0]["h"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|h| h[1].as_array().unwrap())
            .map(|l| l[1].as_str().unwrap())
            .collect();
        assert!(
            texts
                .iter()
                .any(|t| t.contains("</script><script>alert(1)</script> <!-- & \"q\" 'a'"))
        );
    }

    #[test]
    fn marks_are_in_utf16_units() {
        let engine = deboil::Engine::builtin().unwrap();
        let cleaned = engine
            .clean("A caf\u{e9} \u{1F600} caption of the article. Photo by Jane Doe/Reuters\n");
        let mut report = Report::new("t", "s", false, 3);
        report.add_file("a", &cleaned, None);
        for (_, lines) in &report.data.files[0].h {
            for (_, text, _, marks) in lines {
                let units: Vec<u16> = text.encode_utf16().collect();
                for &(s, e, _) in marks {
                    let piece = String::from_utf16(&units[s..e]).unwrap();
                    assert!(piece.contains("Photo by"), "{piece:?}");
                }
            }
        }
    }
}
