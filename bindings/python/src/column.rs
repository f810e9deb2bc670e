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
//! optional dependency, imported on first use) from plain Python values:
//! per text that is a few small objects, next to cleaning kilobytes.

use deboil::Engine;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyDict, PyList, PyString};

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
