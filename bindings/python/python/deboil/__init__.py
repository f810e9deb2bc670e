"""Strip scraping debris from web text, recording every removal with the
rule that made it.

`Cleaner` compiles a rule set once; `Cleaner.clean` and `Cleaner.clean_batch`
return `Result` objects (the cleaned text and its `Removal`s),
`Cleaner.clean_column` cleans an Arrow column and `Cleaner.clean_json_lines`
a batch of JSON Lines. Invalid rules raise `RuleError`. `deboil.datatrove`
holds a datatrove pipeline step.

The classes live in the native module `deboil._deboil`; this package
re-exports them.
"""

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
]
