//! The `deboil` Python package: deboil's engine behind a small PyO3 API.
//!
//! ```python
//! import deboil
//!
//! cleaner = deboil.Cleaner()                 # compile the rules once
//! result = cleaner.clean(page)               # GIL released while cleaning
//! for r in result.removals:
//!     assert page[r.start:r.end] == r.text   # code-point offsets
//! results = cleaner.clean_batch(pages)       # in parallel on rayon's threads
//! batch = cleaner.clean_column(arrow_column)  # a pyarrow RecordBatch: text, deboil
//! out, stats = cleaner.clean_json_lines(raw)  # JSON Lines bytes, as the CLI cleans them
//! ```
//!
//! This crate only translates: the rules, the pipeline and the rendering are
//! the `deboil` crate's, so the package cleans exactly as the CLI does. This
//! is the native module `deboil._deboil`; the package itself is
//! `python/deboil/` (a maturin mixed project), which re-exports it and adds
//! pure-Python parts (`deboil.datatrove`, the Arrow helpers). The type stubs
//! are `python/deboil/_deboil.pyi`; keep them in step with the classes here.

/// The extension's own allocations (each document's lines, tokens, tables
/// and output) go through mimalloc, not the host process's malloc: cleaning
/// 123.5 MB of JSON Lines with `clean_json_lines(threads=1)` took 13.4 s
/// instead of 16.9 to 19.0 s with glibc's, at a lower peak RSS. The CLI
/// keeps the system allocator, where mimalloc's gain came with twice the
/// peak memory (docs/benchmarks.md, start-up).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod arrow;
mod cleaner;
mod column;
mod errors;
mod jsonl;
mod offsets;
mod pool;

use pyo3::prelude::*;

/// Strip scraping debris from web text, recording every removal with the
/// rule that made it.
///
/// `Cleaner` compiles a rule set once; `Cleaner.clean` and
/// `Cleaner.clean_batch` return `Result` objects (the cleaned text and its
/// `Removal`s). Invalid rules raise `RuleError`.
// The native half of the `deboil` package (`python/deboil/` re-exports it).
#[pymodule(name = "_deboil")]
mod deboil_module {
    #[pymodule_export]
    use crate::cleaner::{CleanResult, Cleaner, Guard, Removal};
    #[pymodule_export]
    use crate::errors::{Diagnostic, RuleError};
    #[pymodule_export]
    use crate::jsonl::JsonLinesStats;

    use pyo3::prelude::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
