"""Arrow in and out for `Cleaner.clean_column` (pyarrow is imported here only).

The Rust side cleans plain Python values; these helpers turn a column into
them and the results back into Arrow arrays.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

try:
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError(
        "Cleaner.clean_column needs pyarrow: pip install pyarrow (or 'deboil[arrow]')"
    ) from e

GUARD_TYPE = pa.struct(
    [
        pa.field("would_remove", pa.float64()),
        pa.field("limit", pa.float64()),
        pa.field("removes", pa.float64()),
    ]
)

#: The type of `clean_column`'s `deboil` column.
RECORD_TYPE = pa.struct(
    [
        pa.field("bytes_in", pa.int64()),
        pa.field("bytes_out", pa.int64()),
        pa.field("bytes_removed", pa.int64()),
        pa.field("removals", pa.int64()),
        pa.field("rule_counts", pa.map_(pa.string(), pa.int64())),
        pa.field("guard", GUARD_TYPE),
    ]
)

_STRING_TYPES = (pa.string(), pa.large_string())


def texts_of(column: Any) -> tuple[list[str | None], pa.DataType]:
    """The texts of `column` as Python values, and the output's string type."""
    if isinstance(column, (pa.Array, pa.ChunkedArray)):
        if column.type not in _STRING_TYPES:
            raise TypeError(f"clean_column needs a string column, not {column.type}")
        return column.to_pylist(), column.type
    if isinstance(column, (str, bytes)) or not isinstance(column, Iterable):
        raise TypeError("clean_column takes a pyarrow string array or a sequence of texts")
    return list(column), pa.string()


def record_batch(
    texts: list[str | None], records: list[dict[str, Any] | None], text_type: pa.DataType
) -> pa.RecordBatch:
    """The `text` and `deboil` columns of cleaned texts."""
    try:
        text = pa.array(texts, type=text_type)
    except pa.ArrowCapacityError:
        # Cleaning may add a final newline per text: past 2 GiB, large offsets.
        text = pa.array(texts, type=pa.large_string())
    return pa.RecordBatch.from_arrays(
        [text, pa.array(records, type=RECORD_TYPE)], names=["text", "deboil"]
    )


def line_buffers(lines: object) -> tuple[bytes, bytes, bool]:
    """The buffers of a string array of lines, for `clean_json_lines_array`:
    its data from the first line's start (one copy), its offsets (`i32`,
    or `i64` for a large array: the third value) for exactly its lines."""
    if not isinstance(lines, pa.Array):
        raise TypeError(
            f"clean_json_lines_array takes a pyarrow string array, not {type(lines).__name__}"
        )
    if lines.type not in _STRING_TYPES:
        raise TypeError(f"clean_json_lines_array needs a string array, not {lines.type}")
    wide = lines.type == pa.large_string()
    width = 8 if wide else 4
    _, offsets, data = lines.buffers()
    if offsets is None:  # pragma: no cover - a string array has offsets
        raise TypeError("clean_json_lines_array needs a string array with offsets")
    offsets = offsets.slice(lines.offset * width, (len(lines) + 1) * width)
    ints = pa.Array.from_buffers(
        pa.int64() if wide else pa.int32(), len(lines) + 1, [None, offsets]
    )
    start, end = ints[0].as_py(), ints[-1].as_py()
    text = data.slice(start, end - start).to_pybytes() if data is not None else b""
    return text, offsets.to_pybytes(), wide


def lines_array(data: bytes, offsets: bytes, like: pa.Array[Any]) -> pa.Array[Any]:
    """The string array (of `like`'s type) made of the buffers `data` and
    `offsets` without copying them; null where `like` is null."""
    out = pa.Array.from_buffers(
        like.type, len(like), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )
    if like.null_count:
        out = pc.if_else(like.is_null(), pa.scalar(None, like.type), out)
    return out
