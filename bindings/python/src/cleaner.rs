//! `deboil.Cleaner` and what it returns: `Result` and `Removal`.
//!
//! Cleaning happens in two halves. Without the GIL, the engine cleans and
//! everything is computed into plain Rust values ([`Outcome`]), code-point
//! offsets included; with the GIL again, those become Python objects. So
//! Python threads calling one `Cleaner` clean in parallel, and
//! `clean_batch` spreads a list over rayon's threads while Python waits.

use crate::errors::to_py_err;
use crate::jsonl::JsonLinesStats;
use crate::offsets::CodePoints;
use deboil::engine::DEFAULT_GUARD;
use deboil::{Engine, Profile, Selection};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use std::path::PathBuf;

/// A compiled rule set, ready to clean any number of texts.
///
/// `Cleaner(profile="balanced", rules=None, select=None, ignore=None,
/// guard=0.9)` compiles the built-in rules plus `rules` (rule files or
/// directories of `*.toml` files), keeping those of `profile` ("safe",
/// "balanced" or "aggressive"). `select` keeps only the named rule ids or
/// categories, `ignore` leaves the named ones out; either is a sequence of
/// names or one comma-separated string, as on the command line. `guard` is
/// the safety guard: when all rules together would remove more than this
/// share of a document's text, the heuristic removals are withheld and
/// `Result.guard` says so; `None` turns it off.
///
/// Build it once and reuse it: construction compiles every rule, cleaning
/// does not. One `Cleaner` can be shared by any number of threads; it is
/// immutable and cleaning releases the GIL.
///
/// Raises `RuleError` for invalid rules (a pack whose own examples fail
/// included, as on the command line) or a name that matches no rule,
/// `OSError` for a rule path that cannot be read, `ValueError` for an
/// unknown profile or a guard outside 0..1.
#[pyclass(module = "deboil", frozen)]
pub(crate) struct Cleaner {
    engine: Engine,
    /// The constructor's arguments, for `repr` and pickling.
    profile: Profile,
    rules: Vec<PathBuf>,
    select: Vec<String>,
    ignore: Vec<String>,
    guard: Option<f64>,
    /// Each rule's id and category as a Python string, indexed like the
    /// rule set: made once here, shared by every removal.
    ids: Vec<Py<PyString>>,
    categories: Vec<Py<PyString>>,
}

#[pymethods]
impl Cleaner {
    #[new]
    #[pyo3(signature = (
        profile = "balanced",
        rules = None,
        select = None,
        ignore = None,
        guard = Some(DEFAULT_GUARD),
    ),
    // PyO3 cannot render the constant; keep in step with DEFAULT_GUARD
    // (a test checks).
    text_signature = "(profile='balanced', rules=None, select=None, ignore=None, guard=0.9)")]
    fn new(
        py: Python<'_>,
        profile: &str,
        rules: Option<&Bound<'_, PyAny>>,
        select: Option<&Bound<'_, PyAny>>,
        ignore: Option<&Bound<'_, PyAny>>,
        guard: Option<f64>,
    ) -> PyResult<Cleaner> {
        let Some(profile) = Profile::parse(profile) else {
            return Err(PyValueError::new_err(format!(
                "unknown profile {}: expected 'safe', 'balanced' or 'aggressive'",
                PyString::new(py, profile).repr()?
            )));
        };
        let rules = paths(rules)?;
        let select = names(select, "select")?;
        let ignore = names(ignore, "ignore")?;
        let selection = Selection {
            profile,
            select: select.clone(),
            ignore: ignore.clone(),
        };
        // The library's one engine builder, as the command line uses it:
        // the guard is checked, and a pack whose own examples fail is
        // refused. Compiling takes about a tenth of a second; other Python
        // threads may run meanwhile.
        let engine = py
            .detach(|| {
                Engine::builder()
                    .rules_paths(&rules)
                    .selection(selection)
                    .guard(guard)
                    .build()
            })
            .map_err(|e| to_py_err(py, &e))?;
        let (ids, categories) = engine
            .rules()
            .iter()
            .map(|(_, r)| {
                (
                    PyString::intern(py, &r.id).unbind(),
                    PyString::intern(py, &r.category).unbind(),
                )
            })
            .unzip();
        Ok(Cleaner {
            engine,
            profile,
            rules,
            select,
            ignore,
            guard,
            ids,
            categories,
        })
    }

    /// Cleans one text; returns a `Result` (the cleaned text and its
    /// removals). The GIL is released while the engine runs.
    ///
    /// `group` names the text's group (a site, as `deboil learn` groups
    /// pages): rules restricted to a group (`group = "..."`, as learned
    /// rules are) apply only to texts of that group, never without one.
    #[pyo3(signature = (text, group = None))]
    fn clean<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        group: Option<&str>,
    ) -> PyResult<Bound<'py, CleanResult>> {
        let cleaned = py.detach(|| Outcome::new(&self.engine, text, group));
        cleaned.into_python(py, self, text)
    }

    /// Cleans a sequence of texts in parallel; returns a list of `Result`s
    /// in input order.
    ///
    /// Runs on a rayon pool of all cores (or RAYON_NUM_THREADS) with the
    /// GIL released. `threads=1` cleans on the calling thread, `threads=N`
    /// on a pool of N threads (made once per process: pools survive
    /// `fork()`, see `pool.rs`). Every result
    /// is held in memory at once: cut a large corpus into batches.
    /// `groups`, when given, holds each text's group (or None), as `group`
    /// does for `clean`.
    #[pyo3(signature = (texts, *, groups = None, threads = None))]
    fn clean_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        groups: Option<&Bound<'py, PyAny>>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        // A str is a sequence too; cleaning its characters one by one is
        // never what was meant.
        if texts.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(
                "clean_batch takes a sequence of texts; use clean() for one text",
            ));
        }
        let texts: Vec<PyBackedStr> = texts.extract()?;
        let groups: Vec<Option<PyBackedStr>> = match groups.filter(|g| !g.is_none()) {
            None => Vec::new(),
            Some(g) if g.is_instance_of::<PyString>() => {
                return Err(PyTypeError::new_err(
                    "groups takes one group (or None) per text, not a single string",
                ));
            }
            Some(g) => {
                let groups: Vec<Option<PyBackedStr>> = g.extract()?;
                if groups.len() != texts.len() {
                    return Err(PyValueError::new_err(format!(
                        "{} texts but {} groups",
                        texts.len(),
                        groups.len()
                    )));
                }
                groups
            }
        };
        crate::pool::check(threads)?;
        let engine = &self.engine;
        let cleaned = py
            .detach(|| {
                let group = |i: usize| groups.get(i).and_then(|g| g.as_deref());
                crate::pool::map(threads, &texts, |i, t| Outcome::new(engine, t, group(i)))
            })
            .map_err(|e| crate::pool::start_error(threads, &e))?;
        let list = PyList::empty(py);
        for (c, text) in cleaned.into_iter().zip(&texts) {
            list.append(c.into_python(py, self, text)?)?;
        }
        Ok(list)
    }

    /// Cleans a batch of JSON Lines (`bytes`, as read from a file) in one
    /// call; returns the output lines and their `JsonLinesStats`.
    /// See `jsonl.rs`.
    #[pyo3(signature = (data, *, field = "text", threads = None))]
    fn clean_json_lines<'py>(
        &self,
        py: Python<'py>,
        data: &[u8],
        field: &str,
        threads: Option<usize>,
    ) -> PyResult<(Bound<'py, PyBytes>, JsonLinesStats)> {
        crate::jsonl::clean_json_lines(py, &self.engine, data, field, threads)
    }

    /// Cleans a pyarrow string array of JSON Lines (one line per element,
    /// without its newline) as `clean_json_lines` does; returns the output
    /// lines as an array of the same type, and the `JsonLinesStats`. The
    /// lines reach Rust as one copy of the array's data and come back as
    /// the new array's own buffers: no Python object is made per line.
    /// See `_arrow.py` and `jsonl.rs`.
    #[pyo3(signature = (lines, *, field = "text", threads = None))]
    fn clean_json_lines_array<'py>(
        &self,
        py: Python<'py>,
        lines: &Bound<'py, PyAny>,
        field: &str,
        threads: Option<usize>,
    ) -> PyResult<(Bound<'py, PyAny>, JsonLinesStats)> {
        let arrow = py.import("deboil._arrow")?;
        let (data, offsets, wide): (Bound<'py, PyBytes>, Bound<'py, PyBytes>, bool) =
            arrow.call_method1("line_buffers", (lines,))?.extract()?;
        let (out, ends, stats) = crate::jsonl::clean_json_line_buffers(
            py,
            &self.engine,
            data.as_bytes(),
            offsets.as_bytes(),
            wide,
            field,
            threads,
        )?;
        let array = arrow.call_method1("lines_array", (out, ends, lines))?;
        Ok((array, stats))
    }

    /// Cleans a column of texts (a pyarrow string array or chunked array,
    /// or a sequence of `str`/None) in one call; returns a
    /// `pyarrow.RecordBatch` of `text` and `deboil` columns. See
    /// `column.rs`.
    #[pyo3(signature = (texts, *, threads = None))]
    fn clean_column<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::column::clean_column(py, &self.engine, texts, threads)
    }

    /// The ids of the rules this cleaner runs, in pipeline order.
    #[getter]
    fn rule_ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.ids.iter().map(|s| s.bind(py)))
    }

    /// The profile given to the constructor.
    #[getter]
    fn profile(&self) -> &'static str {
        self.profile.as_str()
    }

    /// The safety guard's limit (a share of the text), or None when off.
    #[getter]
    fn guard(&self) -> Option<f64> {
        self.guard
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let rules: Vec<String> = self.rules.iter().map(|p| p.display().to_string()).collect();
        Ok(format!(
            "Cleaner(profile={}, rules={}, select={}, ignore={}, guard={})",
            self.profile.as_str().into_pyobject(py)?.repr()?,
            rules.into_pyobject(py)?.repr()?,
            (&self.select).into_pyobject(py)?.repr()?,
            (&self.ignore).into_pyobject(py)?.repr()?,
            self.guard.into_pyobject(py)?.repr()?,
        ))
    }

    /// Pickling keeps the constructor's arguments, not the compiled rules:
    /// unpickling (in a Spark, Ray or multiprocessing worker) compiles
    /// again, so rule files must be readable there too.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, NewArgs)> {
        let me = slf.get();
        Ok((
            slf.get_type().into_any(),
            (
                me.profile.as_str(),
                me.rules.clone(),
                me.select.clone(),
                me.ignore.clone(),
                me.guard,
            ),
        ))
    }
}

/// `Cleaner(profile, rules, select, ignore, guard)`, as `__reduce__` gives it.
type NewArgs = (
    &'static str,
    Vec<PathBuf>,
    Vec<String>,
    Vec<String>,
    Option<f64>,
);

/// The result of cleaning one text: the cleaned text and the removals.
///
/// Unpacks as a pair: `text, removals = cleaner.clean(page)`.
#[pyclass(module = "deboil", name = "Result", frozen)]
pub(crate) struct CleanResult {
    /// The cleaned text.
    #[pyo3(get)]
    text: Py<PyString>,
    /// The removals, in text order.
    #[pyo3(get)]
    removals: Py<PyList>,
    /// Set when the safety guard withheld heuristic removals.
    #[pyo3(get)]
    guard: Option<Py<Guard>>,
}

#[pymethods]
impl CleanResult {
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pair = PyTuple::new(
            py,
            [self.text.bind(py).as_any(), self.removals.bind(py).as_any()],
        )?;
        Ok(pair.try_iter()?.into_any())
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(other) = other.cast::<CleanResult>() else {
            return Ok(false);
        };
        let other = other.get();
        Ok(self.text.bind(py).as_any().eq(other.text.bind(py))?
            && self
                .removals
                .bind(py)
                .as_any()
                .eq(other.removals.bind(py))?
            && self.guard.as_ref().map(|g| *g.get()) == other.guard.as_ref().map(|g| *g.get()))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let guard = match &self.guard {
            Some(g) => format!(", guard={}", g.get().__repr__()),
            None => String::new(),
        };
        Ok(format!(
            "Result(text={}, removals={}{guard})",
            self.text.bind(py).repr()?,
            self.removals.bind(py).repr()?
        ))
    }
}

/// What the safety guard did to a document: all rules together would have
/// removed `would_remove` of its non-blank text, more than `limit`, so the
/// heuristic removals were withheld and `removes` was removed instead.
/// Shares are in 0..1.
#[pyclass(module = "deboil", frozen, get_all, eq)]
#[derive(Clone, Copy, PartialEq)]
pub(crate) struct Guard {
    /// Share of the text all rules together would have removed.
    would_remove: f64,
    /// The cleaner's limit.
    limit: f64,
    /// Share removed after withholding the heuristic removals.
    removes: f64,
}

#[pymethods]
impl Guard {
    fn __repr__(&self) -> String {
        format!(
            // Debug prints floats as Python's repr does (1.0, not 1).
            "Guard(would_remove={:?}, limit={:?}, removes={:?})",
            self.would_remove, self.limit, self.removes
        )
    }
}

/// One piece of text a rule removed.
///
/// `start` and `end` are code-point offsets into the original text, so
/// `original[r.start:r.end] == r.text`; `byte_start` and `byte_end` are the
/// same span in UTF-8 bytes, as in the CLI's JSON.
#[pyclass(module = "deboil", frozen)]
pub(crate) struct Removal {
    /// The id of the rule that removed it.
    #[pyo3(get)]
    rule: Py<PyString>,
    /// The rule's category (its debris family).
    #[pyo3(get)]
    category: Py<PyString>,
    /// First code point removed.
    #[pyo3(get)]
    start: usize,
    /// One past the last code point removed.
    #[pyo3(get)]
    end: usize,
    /// First UTF-8 byte removed.
    #[pyo3(get)]
    byte_start: usize,
    /// One past the last UTF-8 byte removed.
    #[pyo3(get)]
    byte_end: usize,
    /// The removed text.
    #[pyo3(get)]
    text: Py<PyString>,
    /// Why a heuristic removed it, when the rule id alone does not say.
    #[pyo3(get)]
    note: Option<Py<PyString>>,
}

#[pymethods]
impl Removal {
    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(other) = other.cast::<Removal>() else {
            return Ok(false);
        };
        self.key(py)?.eq(other.get().key(py)?)
    }

    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        self.key(py)?.hash()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let note = match &self.note {
            Some(n) => format!(", note={}", n.bind(py).repr()?),
            None => String::new(),
        };
        Ok(format!(
            "Removal(rule={}, start={}, end={}, text={}{note})",
            self.rule.bind(py).repr()?,
            self.start,
            self.end,
            self.text.bind(py).repr()?,
        ))
    }
}

impl Removal {
    /// Everything that defines the removal, as one comparable tuple.
    fn key<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        (
            self.rule.bind(py),
            self.category.bind(py),
            self.start,
            self.end,
            self.byte_start,
            self.byte_end,
            self.text.bind(py),
            self.note.as_ref().map(|n| n.bind(py)),
        )
            .into_pyobject(py)
    }
}

/// One text cleaned, in plain Rust values (made without the GIL).
struct Outcome {
    output: String,
    removals: Vec<RawRemoval>,
    guard: Option<Guard>,
}

/// A removal before it becomes a Python object.
struct RawRemoval {
    rule: usize,
    bytes: (usize, usize),
    chars: (usize, usize),
    note: Option<String>,
}

impl Outcome {
    fn new(engine: &Engine, text: &str, group: Option<&str>) -> Outcome {
        let cleaned = engine.clean_in(text, group);
        let mut cp = CodePoints::new(text);
        let removals = cleaned
            .removals()
            .iter()
            .map(|r| RawRemoval {
                rule: r.rule.get(),
                bytes: (r.span.start, r.span.end),
                chars: (cp.at(r.span.start), cp.at(r.span.end)),
                note: r.note.clone(),
            })
            .collect();
        Outcome {
            output: cleaned.output(),
            removals,
            guard: cleaned.guard().map(|g| Guard {
                would_remove: g.would_remove,
                limit: g.limit,
                removes: g.removes,
            }),
        }
    }

    /// The Python `Result`; `text` is the input the removals point into.
    fn into_python<'py>(
        self,
        py: Python<'py>,
        cleaner: &Cleaner,
        text: &str,
    ) -> PyResult<Bound<'py, CleanResult>> {
        let removals = PyList::empty(py);
        for s in self.removals {
            let (Some(removed), Some(rule), Some(category)) = (
                text.get(s.bytes.0..s.bytes.1),
                cleaner.ids.get(s.rule),
                cleaner.categories.get(s.rule),
            ) else {
                // The engine guarantees all three; a failure here is a bug
                // in deboil, not in the caller's text.
                return Err(PyRuntimeError::new_err(format!(
                    "deboil bug: removal {:?} of rule #{} does not fit the text",
                    s.bytes, s.rule
                )));
            };
            let removal = Removal {
                rule: rule.clone_ref(py),
                category: category.clone_ref(py),
                start: s.chars.0,
                end: s.chars.1,
                byte_start: s.bytes.0,
                byte_end: s.bytes.1,
                text: PyString::new(py, removed).unbind(),
                note: s.note.map(|n| PyString::new(py, &n).unbind()),
            };
            removals.append(Bound::new(py, removal)?)?;
        }
        Bound::new(
            py,
            CleanResult {
                text: PyString::new(py, &self.output).unbind(),
                removals: removals.unbind(),
                guard: self.guard.map(|g| Py::new(py, g)).transpose()?,
            },
        )
    }
}

/// `rules=`: `None`, one path, or a sequence of paths (files or directories).
fn paths(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<PathBuf>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    // A str or os.PathLike is one path, not a sequence of characters.
    if obj.is_instance_of::<PyString>() || obj.hasattr("__fspath__")? {
        return Ok(vec![obj.extract()?]);
    }
    obj.try_iter()
        .map_err(|_| PyTypeError::new_err("rules must be a path or a sequence of paths"))?
        .map(|item| item?.extract::<PathBuf>())
        .collect()
}

/// `select=` and `ignore=`: `None`, a comma-separated string (as on the
/// command line), or a sequence of rule ids and categories.
fn names(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Vec<String>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s
            .to_str()?
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect());
    }
    obj.try_iter()
        .map_err(|_| {
            PyTypeError::new_err(format!("{what} must be a string or a sequence of strings"))
        })?
        .map(|item| item?.extract::<String>())
        .collect()
}
