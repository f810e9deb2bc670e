//! `Cleaner.clean_column`: a column of texts cleaned in one call, for
//! Arrow-based pipelines (Spark's `mapInArrow`, pandas UDFs, 🤗 datasets).
//!
//! The result is a `pyarrow.RecordBatch` of two columns: `text`, the
//! cleaned texts (the input's string type; null where the input is null),
//! and `deboil`, per text the record `deboil clean --jsonl` sums up:
//! `bytes_in`, `bytes_out`, `bytes_removed` (UTF-8 bytes), `removals` (a
//! count), `rule_counts` (rule id → removals) and `guard` (set when the
//! safety guard withheld heuristic removals), null where the input is null.
//! The removals themselves are not returned: a column of them would dwarf
//! the text; use `clean_batch` when they are wanted.
//!
//! The Arrow arrays are built by `deboil/_arrow.py` with pyarrow (an
//! optional dependency, imported on first use). A pyarrow string array is
//! read through its buffers and the result made of new buffers (the
//! texts, each record field a column), with no Python object per text:
//! making them cost a tenth of the cleaning. Other columns (a chunked
//! array, a sequence of `str`) go through plain Python values.

use crate::arrow::{Offsets, concat, le_bytes, slices};
use deboil::Engine;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

/// One text cleaned, in plain Rust values (made without the GIL).
struct Summary {
    output: String,
    bytes_in: usize,
    bytes_removed: usize,
    removals: usize,
    /// (rule index, removals), in order of the rule's first removal.
    rule_counts: Vec<(usize, u64)>,
    /// (would_remove, limit, removes)
    guard: Option<(f64, f64, f64)>,
}

impl Summary {
    fn new(engine: &Engine, text: &str) -> Summary {
        let cleaned = engine.clean(text);
        let mut rule_counts: Vec<(usize, u64)> = Vec::new();
        for r in cleaned.removals() {
            let rule = r.rule.get();
            // A document has a handful of rules: a scan beats a map.
            match rule_counts.iter_mut().find(|(i, _)| *i == rule) {
                Some((_, n)) => *n += 1,
                None => rule_counts.push((rule, 1)),
            }
        }
        Summary {
            output: cleaned.output(),
            bytes_in: text.len(),
            bytes_removed: cleaned.bytes_removed(),
            removals: cleaned.removals().len(),
            rule_counts,
            guard: cleaned
                .guard()
                .map(|g| (g.would_remove, g.limit, g.removes)),
        }
    }
}

pub(crate) fn clean_column<'py>(
    py: Python<'py>,
    engine: &Engine,
    texts: &Bound<'py, PyAny>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    crate::pool::check(threads)?;
    let arrow = py.import("deboil._arrow")?;
    let buffers = arrow.call_method1("array_buffers", (texts,))?;
    if !buffers.is_none() {
        return clean_buffers(py, engine, &arrow, &buffers, threads);
    }
    // (list of str/None, the output's pyarrow string type)
    let (values, text_type): (Bound<'py, PyAny>, Bound<'py, PyAny>) =
        arrow.call_method1("texts_of", (texts,))?.extract()?;
    let values: Vec<Option<PyBackedStr>> = values.extract()?;
    let summaries = py
        .detach(|| {
            crate::pool::map(threads, &values, |_, t| {
                t.as_deref().map(|t| Summary::new(engine, t))
            })
        })
        .map_err(|e| crate::pool::start_error(threads, &e))?;
    let ids: Vec<Bound<'py, PyString>> = engine
        .rules()
        .iter()
        .map(|(_, r)| PyString::intern(py, &r.id))
        .collect();
    let out_texts = PyList::empty(py);
    let records = PyList::empty(py);
    for s in summaries {
        let Some(s) = s else {
            out_texts.append(py.None())?;
            records.append(py.None())?;
            continue;
        };
        let record = PyDict::new(py);
        record.set_item("bytes_in", s.bytes_in)?;
        record.set_item("bytes_out", s.output.len())?;
        record.set_item("bytes_removed", s.bytes_removed)?;
        record.set_item("removals", s.removals)?;
        let counts = PyList::empty(py);
        for (rule, n) in s.rule_counts {
            // The engine only names its own rules; a miss would be a bug
            // in deboil, reported rather than panicking.
            let id = ids.get(rule).ok_or_else(|| {
                pyo3::exceptions::PyRuntimeError::new_err(format!(
                    "deboil bug: removal by unknown rule #{rule}"
                ))
            })?;
            counts.append((id, n))?;
        }
        record.set_item("rule_counts", counts)?;
        match s.guard {
            Some((would_remove, limit, removes)) => {
                let g = PyDict::new(py);
                g.set_item("would_remove", would_remove)?;
                g.set_item("limit", limit)?;
                g.set_item("removes", removes)?;
                record.set_item("guard", g)?;
            }
            None => record.set_item("guard", py.None())?,
        }
        out_texts.append(PyString::new(py, &s.output))?;
        records.append(record)?;
    }
    arrow.call_method1("record_batch", (out_texts, records, text_type))
}

/// [`clean_column`] for one pyarrow string array, given as
/// `(data, offsets, wide, valid)` (`valid`: a byte per text, 0 for null;
/// `None` without nulls): the texts are read in place and the batch is
/// made of new buffers.
fn clean_buffers<'py>(
    py: Python<'py>,
    engine: &Engine,
    arrow: &Bound<'py, PyModule>,
    buffers: &Bound<'py, PyAny>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    let (data, offsets, wide, valid): (
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
        bool,
        Option<Bound<'py, PyBytes>>,
    ) = buffers.extract()?;
    let items = slices(data.as_bytes(), offsets.as_bytes(), wide).map_err(PyValueError::new_err)?;
    let valid = valid.as_ref().map(|v| v.as_bytes());
    if valid.is_some_and(|v| v.len() != items.len()) {
        return Err(PyValueError::new_err("one validity byte per text expected"));
    }
    let texts: Vec<Option<&str>> = items
        .iter()
        .enumerate()
        .map(|(i, b)| match valid.map(|v| v[i]) {
            Some(0) => Ok(None),
            _ => std::str::from_utf8(b)
                .map(Some)
                .map_err(|e| PyValueError::new_err(format!("text {i} is not UTF-8: {e}"))),
        })
        .collect::<PyResult<_>>()?;
    let summaries = py
        .detach(|| crate::pool::map(threads, &texts, |_, t| t.map(|t| Summary::new(engine, t))))
        .map_err(|e| crate::pool::start_error(threads, &e))?;

    let n = summaries.len();
    // A cleaned text can be a newline longer than its input: past 2 GiB
    // the column becomes a large_string one, as the other path does.
    let outputs = || {
        summaries
            .iter()
            .map(|s| s.as_ref().map_or(&b""[..], |s| s.output.as_bytes()))
    };
    let total: usize = outputs().map(<[u8]>::len).sum();
    let wide_out = wide || i32::try_from(total).is_err();
    let mut text_offsets = Offsets::new(wide_out, n);
    outputs().for_each(|o| text_offsets.push(o.len()));
    let text_offsets = text_offsets
        .finish()
        .map_err(|_| PyRuntimeError::new_err("deboil bug: narrow offsets past 2 GiB"))?;
    let int = |f: fn(&Summary) -> usize| {
        le_bytes(
            summaries
                .iter()
                .map(|s| s.as_ref().map_or(0, f) as i64)
                .map(i64::to_le_bytes),
        )
    };
    let mut map_offsets = Offsets::new(false, n);
    let (mut keys, mut counts) = (Vec::new(), Vec::new());
    for s in &summaries {
        let rc = s.as_ref().map_or(&[][..], |s| &s.rule_counts[..]);
        map_offsets.push(rc.len());
        for &(rule, count) in rc {
            keys.extend_from_slice(&(rule as i32).to_le_bytes());
            counts.extend_from_slice(&(count as i64).to_le_bytes());
        }
    }
    let map_offsets = map_offsets
        .finish()
        .map_err(|_| PyValueError::new_err("more than 2^31 removals in one batch"))?;
    let guards: Vec<Option<(f64, f64, f64)>> = summaries
        .iter()
        .map(|s| s.as_ref().and_then(|s| s.guard))
        .collect();
    let guard = |f: fn((f64, f64, f64)) -> f64| {
        PyBytes::new(
            py,
            &le_bytes(guards.iter().map(|g| g.map_or(0.0, f).to_le_bytes())),
        )
    };
    let ids: Vec<&str> = engine.rules().iter().map(|(_, r)| r.id.as_str()).collect();
    let kw = PyDict::new(py);
    kw.set_item("n", n)?;
    kw.set_item("wide", wide_out)?;
    kw.set_item("text_data", concat(py, outputs())?)?;
    kw.set_item("text_offsets", PyBytes::new(py, &text_offsets))?;
    kw.set_item("valid", valid.map(|v| PyBytes::new(py, v)))?;
    let ints = [
        int(|s| s.bytes_in),
        int(|s| s.output.len()),
        int(|s| s.bytes_removed),
        int(|s| s.removals),
    ];
    let ints: Vec<Bound<'py, PyBytes>> = ints.iter().map(|b| PyBytes::new(py, b)).collect();
    kw.set_item("ints", ints)?;
    kw.set_item("map_offsets", PyBytes::new(py, &map_offsets))?;
    kw.set_item("keys", PyBytes::new(py, &keys))?;
    kw.set_item("counts", PyBytes::new(py, &counts))?;
    kw.set_item("rule_ids", ids)?;
    kw.set_item("guard", [guard(|g| g.0), guard(|g| g.1), guard(|g| g.2)])?;
    let has_guard: Vec<u8> = guards.iter().map(|g| u8::from(g.is_some())).collect();
    kw.set_item("has_guard", PyBytes::new(py, &has_guard))?;
    arrow.call_method("batch_from_buffers", (), Some(&kw))
}
