"""The native module of the `deboil` package (which re-exports it).

`Cleaner` compiles a rule set once; `Cleaner.clean` and `Cleaner.clean_batch`
return `Result` objects (the cleaned text and its `Removal`s). Invalid rules
raise `RuleError`.
"""

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, final

import pyarrow as pa

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
__version__: str

_Path = str | os.PathLike[str]

@final
class Cleaner:
    """A compiled rule set, ready to clean any number of texts.

    Build it once and reuse it: construction compiles every rule, cleaning
    does not. One `Cleaner` can be shared by any number of threads; it is
    immutable and cleaning releases the GIL. Pickling keeps the arguments
    and compiles again on unpickling (rule files must be readable there).
    """

    def __init__(
        self,
        profile: str = "balanced",
        rules: _Path | Sequence[_Path] | None = None,
        select: str | Sequence[str] | None = None,
        ignore: str | Sequence[str] | None = None,
        guard: float | None = 0.9,
    ) -> None:
        """Compile the built-in rules plus `rules` (rule files or
        directories of `*.toml` files), keeping those of `profile`
        (`"safe"`, `"balanced"` or `"aggressive"`).

        `select` keeps only the named rule ids or categories (a rule named
        by its id runs whatever the profile); `ignore` leaves the named ones
        out. Either is a sequence of names or one comma-separated string,
        as on the command line.

        `guard` is the safety guard, as `--guard` on the command line: when
        all rules together would remove more than this share (0..1) of a
        document's non-blank text, the heuristic removals are withheld and
        `Result.guard` says so. `None` turns it off (`--no-guard`).

        Raises `RuleError` for invalid rules (a pack whose own `remove` or
        `keep` examples fail included, as on the command line) or a name
        that matches no rule,
        `OSError` (e.g. `FileNotFoundError`) for a rule path that cannot be
        read, and `ValueError` for an unknown profile or a guard outside 0..1.
        """

    def clean(self, text: str, group: str | None = None) -> Result:
        """Clean one text. The GIL is released while the engine runs.

        `group` names the text's group (a site, as `deboil learn` groups
        pages): rules restricted to a group (`group = "..."`, as learned
        rules are) apply only to texts of that group, never without one.
        """

    def clean_batch(
        self,
        texts: Sequence[str],
        *,
        groups: Sequence[str | None] | None = None,
        threads: int | None = None,
    ) -> list[Result]:
        """Clean many texts in parallel; results come in input order.

        Runs on a pool of all cores (or `RAYON_NUM_THREADS`) with the GIL
        released. `threads=1` cleans on the calling thread; `threads=N` on a
        pool of N threads. Pools are made once per process and again after
        `fork()`. Every result is held in memory at once, so cut a large
        corpus into batches. `groups`, when given, holds each text's group
        (or None), as `group` does for `clean`.
        """

    def clean_column(
        self,
        texts: pa.Array[Any] | pa.ChunkedArray[Any] | Iterable[str | None],
        *,
        threads: int | None = None,
    ) -> pa.RecordBatch:
        """Clean a column of texts in one call (needs pyarrow).

        `texts` is a pyarrow string (or large string) array or chunked
        array, or any iterable of `str`/None. Returns a `RecordBatch` of two
        columns, in input order: `text`, the cleaned texts (the input's
        string type), and `deboil`, a struct per text with `bytes_in`,
        `bytes_out`, `bytes_removed` (UTF-8 bytes, as in `deboil clean
        --jsonl`), `removals` (a count), `rule_counts` (a map of rule id to
        removals) and `guard` (null unless the safety guard withheld
        heuristic removals: `would_remove`, `limit`, `removes`). A null text
        gives a null in both columns. `threads` as for `clean_batch`.
        """

    def clean_json_lines(
        self, data: bytes, *, field: str = "text", threads: int | None = None
    ) -> tuple[bytes, JsonLinesStats]:
        """Clean a batch of JSON Lines as `deboil clean --jsonl` does.

        Returns the output lines, byte for byte the CLI's: each object with
        its `field` cleaned, its other fields copied raw and in place, and a
        `deboil` record added. A line that is not a JSON object with a
        string `field` is copied unchanged and counted in
        `JsonLinesStats.passed`. Lines end in `\n` (or `\r\n`); the
        output's in `\n`. `threads` as for `clean_batch`.
        """

    def clean_json_lines_array(
        self, lines: pa.Array[Any], *, field: str = "text", threads: int | None = None
    ) -> tuple[pa.Array[Any], JsonLinesStats]:
        """Clean a pyarrow string (or large string) array of JSON Lines, one
        line per element without its newline, as `clean_json_lines` does.

        Returns the output lines as an array of the same type (a null line
        stays null, counted in `JsonLinesStats.passed`) and the stats. The
        lines reach Rust as one copy of the array's data and come back as
        the new array's own buffers: no Python object per line, the
        fastest way through for Spark's `mapInArrow`. Raises `ValueError`
        when the cleaned lines of a `string` array pass 2 GiB (use
        `large_string`). Needs pyarrow.
        """

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The ids of the rules this cleaner runs, in pipeline order."""

    @property
    def profile(self) -> str:
        """The profile given to the constructor."""

    @property
    def guard(self) -> float | None:
        """The safety guard's limit, or None when it is off."""

@final
class Result:
    """The result of cleaning one text.

    Unpacks as a pair: `text, removals = cleaner.clean(page)`.
    """

    @property
    def text(self) -> str:
        """The cleaned text."""

    @property
    def removals(self) -> list[Removal]:
        """The removals, in text order, disjoint."""

    @property
    def guard(self) -> Guard | None:
        """Set when the safety guard withheld heuristic removals."""

    def __iter__(self) -> Iterator[str | list[Removal]]: ...

@final
class Guard:
    """What the safety guard did to a document: all rules together would
    have removed `would_remove` of its non-blank text, more than `limit`, so
    the heuristic removals were withheld and `removes` was removed instead.
    Shares are in 0..1."""

    @property
    def would_remove(self) -> float:
        """Share of the text all rules together would have removed."""

    @property
    def limit(self) -> float:
        """The cleaner's limit."""

    @property
    def removes(self) -> float:
        """Share removed after withholding the heuristic removals."""

@final
class Removal:
    """One piece of text a rule removed.

    `start` and `end` are code-point offsets into the original text (what
    `str` indexing uses), so `original[r.start:r.end] == r.text`.
    `byte_start` and `byte_end` are the same span in UTF-8 bytes, as in the
    CLI's JSON output. A line removal includes the line's terminator.
    """

    @property
    def rule(self) -> str:
        """The id of the rule that removed the text."""

    @property
    def category(self) -> str:
        """The rule's category (its debris family)."""

    @property
    def start(self) -> int:
        """First code point removed."""

    @property
    def end(self) -> int:
        """One past the last code point removed."""

    @property
    def byte_start(self) -> int:
        """First UTF-8 byte removed."""

    @property
    def byte_end(self) -> int:
        """One past the last UTF-8 byte removed."""

    @property
    def text(self) -> str:
        """The removed text."""

    @property
    def note(self) -> str | None:
        """Why a heuristic removed it, when the rule id alone does not say."""

    def __hash__(self) -> int: ...

@final
class JsonLinesStats:
    """What `Cleaner.clean_json_lines` did to a batch."""

    @property
    def lines(self) -> int:
        """Lines read (blank ones included)."""

    @property
    def documents(self) -> int:
        """Lines cleaned."""

    @property
    def passed(self) -> int:
        """Lines copied unchanged: not a JSON object with a string text field."""

    @property
    def text_in(self) -> int:
        """UTF-8 bytes of the text fields before cleaning."""

    @property
    def text_out(self) -> int:
        """UTF-8 bytes of the text fields after cleaning."""

    @property
    def bytes_removed(self) -> int:
        """Bytes the rules removed."""

    @property
    def removals(self) -> int:
        """Number of removals."""

@final
class Diagnostic:
    """One problem found in a rule file; `str()` gives
    `file:line:col: rule "id": reason`."""

    @property
    def file(self) -> str:
        """The rule file (`<builtin>/NAME.toml` for the built-in pack,
        `<selection>` for a `select`/`ignore` name)."""

    @property
    def line(self) -> int:
        """1-based line, 0 when unknown."""

    @property
    def col(self) -> int:
        """1-based column, 0 when unknown."""

    @property
    def rule(self) -> str | None:
        """The id of the rule the problem belongs to, if any."""

    @property
    def message(self) -> str:
        """What is wrong."""

class RuleError(ValueError):
    """Invalid rules: every problem as `file:line:col: rule "id": reason`,
    one per line."""

    diagnostics: list[Diagnostic]
