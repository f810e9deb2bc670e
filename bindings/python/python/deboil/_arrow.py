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
    if offsets is None:
        # Arrow lets an empty array leave its offsets out.
        return b"", bytes(width), wide
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


def array_buffers(column: object) -> tuple[bytes, bytes, bool, bytes | None] | None:
    """`clean_column`'s fast path: a pyarrow string array's buffers as
    `line_buffers` gives them, and a validity byte per text (`None`
    without nulls); `None` for any other column."""
    if not isinstance(column, pa.Array) or column.type not in _STRING_TYPES:
        return None
    data, offsets, wide = line_buffers(column)
    valid = None
    if column.null_count:
        flags = column.is_valid().cast(pa.uint8()).buffers()[1]
        valid = flags.slice(0, len(column)).to_pybytes() if flags is not None else None
    return data, offsets, wide, valid


def _column(kind: pa.DataType, n: int, data: bytes) -> pa.Array[Any]:
    """A fixed-width array of `n` values over `data`, without a copy."""
    return pa.Array.from_buffers(kind, n, [None, pa.py_buffer(data)])


def _nulls(flags: bytes | None, n: int) -> pa.BooleanArray | None:
    """The null mask (`True`: null) of one byte per value, 0 for null."""
    if flags is None:
        return None
    mask: pa.BooleanArray = pc.equal(_column(pa.uint8(), n, flags), pa.scalar(0, pa.uint8()))
    return mask


def batch_from_buffers(
    *,
    n: int,
    wide: bool,
    text_data: bytes,
    text_offsets: bytes,
    valid: bytes | None,
    ints: list[bytes],
    map_offsets: bytes,
    keys: bytes,
    counts: bytes,
    rule_ids: list[str],
    guard: list[bytes],
    has_guard: bytes,
) -> pa.RecordBatch:
    """`clean_column`'s batch from the buffers Rust wrote: the texts
    (offsets and data), the record's integer fields (one `int64` buffer
    each), `rule_counts` (map offsets, rule indices, counts) and `guard`
    (three `float64` buffers and a presence byte per text)."""
    kind = pa.large_string() if wide else pa.string()
    text = pa.Array.from_buffers(
        kind, n, [None, pa.py_buffer(text_offsets), pa.py_buffer(text_data)]
    )
    null = _nulls(valid, n)
    if null is not None:
        text = pc.if_else(null, pa.scalar(None, kind), text)
    names = pa.array(rule_ids, pa.string()).take(_column(pa.int32(), len(keys) // 4, keys))
    # (pyarrow's stubs want int64 offsets; a map's are int32.)
    rule_counts = pa.MapArray.from_arrays(  # type: ignore[call-overload]
        _column(pa.int32(), n + 1, map_offsets),
        names,
        _column(pa.int64(), len(counts) // 8, counts),
    )
    guards = pa.StructArray.from_arrays(
        [_column(pa.float64(), n, g) for g in guard],
        fields=list(GUARD_TYPE),
        mask=_nulls(has_guard, n),
    )
    record = pa.StructArray.from_arrays(
        [*(_column(pa.int64(), n, b) for b in ints), rule_counts, guards],
        fields=list(RECORD_TYPE),
        mask=null,
    )
    return pa.RecordBatch.from_arrays([text, record], names=["text", "deboil"])
