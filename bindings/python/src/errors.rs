//! deboil's errors as Python exceptions.
//!
//! Rule problems (a rule pack that does not validate, a `select`/`ignore`
//! name that matches nothing, a rule path that is not a rule file) raise
//! `deboil.RuleError`, a `ValueError` whose message is every problem as
//! `file:line:col: rule "id": reason`, one per line, and whose
//! `diagnostics` attribute lists them as [`Diagnostic`] objects. A rule path
//! that cannot be read raises the matching `OSError` subclass
//! (`FileNotFoundError`, `PermissionError`...) with its `filename` set.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;
use std::io;

pyo3::create_exception!(
    deboil,
    RuleError,
    PyValueError,
    "Invalid rules: every problem as `file:line:col: rule \"id\": reason`, \
     one per line; `diagnostics` lists them as `Diagnostic` objects."
);

/// One problem found in a rule file.
#[pyclass(module = "deboil", frozen, get_all, eq)]
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Diagnostic {
    /// The rule file (`<builtin>/share.toml` for the built-in pack,
    /// `<selection>` for a `select`/`ignore` name).
    file: String,
    /// 1-based line, 0 when unknown.
    line: usize,
    /// 1-based column, 0 when unknown.
    col: usize,
    /// The id of the rule the problem belongs to, if any.
    rule: Option<String>,
    /// What is wrong.
    message: String,
}

#[pymethods]
impl Diagnostic {
    fn __str__(&self) -> String {
        self.to_core().to_string()
    }

    fn __repr__(&self) -> String {
        format!("<Diagnostic {}>", self.__str__())
    }
}

impl Diagnostic {
    fn from_core(d: &deboil::Diagnostic) -> Diagnostic {
        Diagnostic {
            file: d.file.clone(),
            line: d.line,
            col: d.col,
            rule: d.rule.clone(),
            message: d.message.clone(),
        }
    }

    /// Back to the core type, to format exactly as the CLI does.
    fn to_core(&self) -> deboil::Diagnostic {
        deboil::Diagnostic {
            file: self.file.clone(),
            line: self.line,
            col: self.col,
            rule: self.rule.clone(),
            message: self.message.clone(),
        }
    }
}

/// The Python exception for a library error.
pub(crate) fn to_py_err(py: Python<'_>, err: &deboil::Error) -> PyErr {
    if let Some(io) = err.io_error() {
        return os_error(py, io, err.path().map(|p| p.display().to_string()));
    }
    // A setting out of range (the guard) is a plain ValueError: no rule is
    // at fault.
    if err.is_setting() {
        return PyValueError::new_err(err.to_string());
    }
    let exc = RuleError::new_err(err.to_string());
    let diagnostics: Vec<Diagnostic> = err
        .diagnostics()
        .iter()
        .map(Diagnostic::from_core)
        .collect();
    // Attaching the list can only fail on memory exhaustion; the message
    // alone still says everything, so such a failure is not worth raising.
    if let Ok(list) = PyList::new(py, diagnostics) {
        let _ = exc.value(py).setattr("diagnostics", list);
    }
    exc
}

/// An `OSError` of the subclass Python itself would raise for this error
/// kind, built as `OSError(errno, strerror, filename)` so that `errno`,
/// `strerror` and `filename` are set.
fn os_error(py: Python<'_>, err: &io::Error, path: Option<String>) -> PyErr {
    // PyO3 maps io::ErrorKind to the right subclass; only the class is
    // taken from it, the arguments are ours.
    let class = PyErr::from(io::Error::from(err.kind())).get_type(py);
    let errno = err.raw_os_error().unwrap_or(0);
    // Rust appends " (os error N)"; Python shows the number as "[Errno N]".
    let text = err.to_string();
    let strerror = match text.rfind(" (os error ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    };
    match class.call1((errno, strerror, path)) {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}
