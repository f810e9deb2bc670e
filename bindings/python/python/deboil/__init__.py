"""Strip scraping debris from web text, recording every removal with the
rule that made it.

`Cleaner` compiles a rule set once; `Cleaner.clean` and `Cleaner.clean_batch`
return `Result` objects (the cleaned text and its `Removal`s),
`Cleaner.clean_column` cleans an Arrow column and `Cleaner.clean_json_lines`
(`clean_json_lines_array` for an Arrow array of lines) a batch of JSON
Lines. Invalid rules raise `RuleError`. `shared_cleaner` keeps one Cleaner
per process for workers that run many tasks. `deboil.datatrove` holds a
datatrove pipeline step.

The classes live in the native module `deboil._deboil`; this package
re-exports them.
"""

import threading
from typing import Any

from deboil._deboil import (
    Cleaner,
    Diagnostic,
    Guard,
    JsonLinesStats,
    Removal,
    Result,
    RuleError,
    __version__,
)

__all__ = [
    "Cleaner",
    "Diagnostic",
    "Guard",
    "JsonLinesStats",
    "Removal",
    "Result",
    "RuleError",
    "__version__",
    "shared_cleaner",
]

_shared: dict[tuple[tuple[str, Any], ...], Cleaner] = {}
_shared_lock = threading.Lock()


def shared_cleaner(**options: Any) -> Cleaner:
    """The process's `Cleaner` for these constructor arguments, compiled
    on first use and kept.

    For workers that run many tasks in one process (Spark reuses its
    Python workers, as do Ray and multiprocessing pools): a Cleaner
    compiles its rules when made and warms its automata on its first
    documents, tenths of a second that a task per partition would pay
    again each time. Rule files are read once per process: a change to
    them needs a new process. Safe to share between threads.
    """
    key = tuple(
        sorted((k, tuple(v) if isinstance(v, (list, tuple)) else v) for k, v in options.items())
    )
    with _shared_lock:
        cleaner = _shared.get(key)
        if cleaner is None:
            cleaner = _shared[key] = Cleaner(**options)
    return cleaner
