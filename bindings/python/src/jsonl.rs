//! `Cleaner.clean_json_lines`: a batch of JSON Lines cleaned in Rust.
//!
//! For pipelines that hold raw JSON Lines (a file's bytes, a Spark text
//! partition, a queue message): parsing and writing JSON in Python would
//! cost more than cleaning. Each line goes through the core's
//! [`clean_line`], the function behind `deboil clean --jsonl`, so the
//! output is the CLI's byte for byte: other fields copied raw and in place,
//! the text field cleaned, a `deboil` record added. A line that cannot be
//! cleaned (not a JSON object, no text field, a text field that is not a
//! string) is copied unchanged, as the CLI's default `--on-error pass`
//! does, and counted in `JsonLinesStats.passed`.

use deboil::Engine;
use deboil::jsonl::{LineStats, clean_line};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// What `clean_json_lines` did to a batch.
#[pyclass(module = "deboil", frozen, get_all, eq)]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct JsonLinesStats {
    /// Lines read (a blank line counts; a last line without `\n` too).
    lines: u64,
    /// Lines cleaned.
    documents: u64,
    /// Lines copied unchanged because they could not be cleaned.
    passed: u64,
    /// UTF-8 bytes of the text fields cleaned, before...
    text_in: u64,
    /// ...and after cleaning.
    text_out: u64,
    /// Bytes the rules removed.
    bytes_removed: u64,
    /// Number of removals.
    removals: u64,
}

#[pymethods]
impl JsonLinesStats {
    fn __repr__(&self) -> String {
        format!(
            "JsonLinesStats(lines={}, documents={}, passed={}, text_in={}, text_out={}, \
             bytes_removed={}, removals={})",
            self.lines,
            self.documents,
            self.passed,
            self.text_in,
            self.text_out,
            self.bytes_removed,
            self.removals
        )
    }
}

/// The lines of `data` without their terminators (`\n`, or `\r\n` as the
/// CLI reads them); a last line without `\n` counts, an empty tail does not.
fn lines(data: &[u8]) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    for line in &mut out {
        if let Some(stripped) = line.strip_suffix(b"\r") {
            *line = stripped;
        }
    }
    out
}

/// Cleans every line of `data`; the GIL is released meanwhile.
pub(crate) fn clean_json_lines<'py>(
    py: Python<'py>,
    engine: &Engine,
    data: &[u8],
    field: &str,
    threads: Option<usize>,
) -> PyResult<(Bound<'py, PyBytes>, JsonLinesStats)> {
    crate::pool::check(threads)?;
    let (out, stats) = py
        .detach(|| clean_all(engine, data, field, threads))
        .map_err(|e| crate::pool::start_error(threads, &e))?;
    Ok((PyBytes::new(py, &out), stats))
}

/// The output lines, in input order, and the totals.
fn clean_all(
    engine: &Engine,
    data: &[u8],
    field: &str,
    threads: Option<usize>,
) -> Result<(Vec<u8>, JsonLinesStats), rayon::ThreadPoolBuildError> {
    let lines = lines(data);
    let (cleaned, stats) = clean_lines(engine, &lines, field, threads)?;
    let size = cleaned.iter().map(|c| c.bytes(&lines).len() + 1).sum();
    let mut out = Vec::with_capacity(size);
    for c in &cleaned {
        out.extend_from_slice(c.bytes(&lines));
        out.push(b'\n');
    }
    Ok((out, stats))
}

/// A line's output: cleaned (without its `\n`), or copied unchanged.
enum Cleaned {
    Line(Vec<u8>),
    Passed(usize),
}

impl Cleaned {
    fn bytes<'a>(&'a self, lines: &[&'a [u8]]) -> &'a [u8] {
        match self {
            Cleaned::Line(buf) => buf,
            Cleaned::Passed(i) => lines[*i],
        }
    }
}

/// Cleans every line (on `threads`), and counts.
fn clean_lines(
    engine: &Engine,
    lines: &[&[u8]],
    field: &str,
    threads: Option<usize>,
) -> Result<(Vec<Cleaned>, JsonLinesStats), rayon::ThreadPoolBuildError> {
    let cleaned = crate::pool::map(threads, lines, |_, line| {
        let mut out = Vec::new();
        // No group field: rules learned for one group (learn --group-by)
        // do not apply here; the CLI's clean --jsonl --group-by does that.
        clean_line(engine, line, field, None, &mut out).map(|s| {
            // `clean_line` ends the line as a file's: the caller does.
            if out.last() == Some(&b'\n') {
                out.pop();
            }
            (out, s)
        })
    })?;
    let mut stats = JsonLinesStats {
        lines: lines.len() as u64,
        ..JsonLinesStats::default()
    };
    let cleaned = cleaned
        .into_iter()
        .enumerate()
        .map(|(i, c)| match c {
            Ok((buf, s)) => {
                let LineStats {
                    text_in,
                    text_out,
                    bytes_removed,
                    removals,
                    ..
                } = s;
                stats.documents += 1;
                stats.text_in += text_in as u64;
                stats.text_out += text_out as u64;
                stats.bytes_removed += bytes_removed as u64;
                stats.removals += removals as u64;
                Cleaned::Line(buf)
            }
            Err(_) => {
                stats.passed += 1;
                Cleaned::Passed(i)
            }
        })
        .collect();
    Ok((cleaned, stats))
}

/// The buffers of an Arrow string array of the cleaned lines of the Arrow
/// string array given by `data` and `offsets`: its data, as a `bytes`
/// written in place (one copy of the output, none of the input beyond the
/// caller's), and its offsets, in the input's width; the GIL is released
/// meanwhile.
pub(crate) fn clean_json_line_buffers<'py>(
    py: Python<'py>,
    engine: &Engine,
    data: &[u8],
    offsets: &[u8],
    wide: bool,
    field: &str,
    threads: Option<usize>,
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>, JsonLinesStats)> {
    crate::pool::check(threads)?;
    let lines = crate::arrow::slices(data, offsets, wide).map_err(PyValueError::new_err)?;
    let (cleaned, stats) = py
        .detach(|| clean_lines(engine, &lines, field, threads))
        .map_err(|e| crate::pool::start_error(threads, &e))?;
    let mut ends = crate::arrow::Offsets::new(wide, cleaned.len());
    for c in &cleaned {
        ends.push(c.bytes(&lines).len());
    }
    let ends = ends.finish().map_err(|_| {
        PyValueError::new_err("the cleaned lines pass 2 GiB: use a large_string array")
    })?;
    let out = crate::arrow::concat(py, cleaned.iter().map(|c| c.bytes(&lines)))?;
    Ok((out, PyBytes::new(py, &ends), stats))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_like_the_cli() {
        assert_eq!(lines(b"a\nb\r\n\nc"), vec![&b"a"[..], b"b", b"", b"c"]);
        assert_eq!(lines(b"a\n"), vec![&b"a"[..]]);
        assert!(lines(b"").is_empty());
    }

    #[test]
    fn bad_lines_are_copied_and_counted() -> Result<(), Box<dyn std::error::Error>> {
        let engine = Engine::builtin()?;
        let data = b"{\"text\":\"Body.\\nShare on Facebook\\n\"}\r\nnot json\n{\"text\":1}\n\n";
        for threads in [Some(1), Some(2)] {
            let (out, stats) = clean_all(&engine, data, "text", threads)?;
            let out = String::from_utf8(out)?;
            let got: Vec<&str> = out.lines().collect();
            assert_eq!(got.len(), 4, "{out}");
            assert!(
                got[0].starts_with(r#"{"text":"Body.\n","deboil":{"#),
                "{out}"
            );
            assert_eq!(&got[1..], ["not json", r#"{"text":1}"#, ""]);
            assert_eq!((stats.lines, stats.documents, stats.passed), (4, 1, 3));
            assert_eq!(stats.removals, 1);
            assert_eq!(stats.text_in - stats.text_out, stats.bytes_removed);
        }
        Ok(())
    }
}
