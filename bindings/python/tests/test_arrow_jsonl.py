"""Cleaner.clean_json_lines and Cleaner.clean_column against the CLI."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import deboil


@pytest.fixture(scope="module")
def cleaner() -> deboil.Cleaner:
    return deboil.Cleaner()


def want_record(cli: dict[str, Any]) -> dict[str, Any]:
    """The CLI's record as clean_column gives it (counts, not removals)."""
    d = cli["deboil"]
    return {
        "bytes_in": d["bytes_in"],
        "bytes_out": d["bytes_out"],
        "bytes_removed": d["bytes_removed"],
        "removals": len(d["removals"]),
        "rule_counts": dict(Counter(r["rule"] for r in d["removals"])),
        "guard": d.get("guard"),
    }


@pytest.mark.parametrize("threads", [1, 2, None])
def test_clean_json_lines_is_the_cli_byte_for_byte(
    cleaner: deboil.Cleaner, corpus_path: Path, cli_output: bytes, threads: int | None
) -> None:
    data = corpus_path.read_bytes()
    out, stats = cleaner.clean_json_lines(data, threads=threads)
    assert out == cli_output
    docs = data.count(b"\n")
    assert (stats.lines, stats.documents, stats.passed) == (docs, docs, 0)
    assert stats.text_in >= stats.text_out


def test_clean_json_lines_copies_lines_it_cannot_clean(cleaner: deboil.Cleaner) -> None:
    data = (
        b'{"id":1,"text":"Body.\\nShare on Facebook\\n"}\r\n'
        b"not json\n"
        b'{"id":2,"body":"no text field"}\n'
        b'{"id":3,"text":null}\n'
        b"\n"
        b'{"id":4,"content":"Body.\\nShare on Facebook"}'
    )
    out, stats = cleaner.clean_json_lines(data)
    lines = out.decode("utf-8").split("\n")
    assert lines[-1] == "", "every output line ends in a newline"
    first = json.loads(lines[0])
    assert first["text"] == "Body.\n"
    assert first["deboil"]["removals"][0]["rule"] == "share-button"
    assert lines[1:6] == [
        "not json",
        '{"id":2,"body":"no text field"}',
        '{"id":3,"text":null}',
        "",
        '{"id":4,"content":"Body.\\nShare on Facebook"}',
    ]
    assert (stats.lines, stats.documents, stats.passed, stats.removals) == (6, 1, 5, 1)
    # Another field: the last line is cleaned, the first copied.
    out, stats = cleaner.clean_json_lines(data, field="content")
    assert (stats.documents, stats.passed) == (1, 5)
    assert json.loads(out.decode().split("\n")[5])["content"] == "Body.\n"
    assert repr(stats).startswith("JsonLinesStats(lines=6, documents=1, passed=5")


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_clean_json_lines_array_is_the_cli_line_for_line(
    cleaner: deboil.Cleaner,
    corpus_path: Path,
    cli_output: bytes,
    threads: int,
    kind: pa.DataType,
) -> None:
    lines = corpus_path.read_bytes().decode("utf-8").split("\n")[:-1]
    want = cli_output.decode("utf-8").split("\n")[:-1]
    # A slice: the array's offsets do not start at its buffers' start.
    array = pa.array(["skipped", *lines], type=kind).slice(1)
    out, stats = cleaner.clean_json_lines_array(array, threads=threads)
    assert out.type == kind
    assert out.to_pylist() == want
    assert (stats.lines, stats.documents, stats.passed) == (len(lines), len(lines), 0)
    _, whole = cleaner.clean_json_lines(corpus_path.read_bytes())
    assert stats == whole


def test_clean_json_lines_array_copies_bad_lines_and_keeps_nulls(
    cleaner: deboil.Cleaner,
) -> None:
    array = pa.array(
        ['{"text":"Body.\\nShare on Facebook\\n"}', None, "not json", "", '{"text":1}']
    )
    out, stats = cleaner.clean_json_lines_array(array)
    got = out.to_pylist()
    assert isinstance(got[0], str) and json.loads(got[0])["text"] == "Body.\n"
    assert got[1:] == [None, "not json", "", '{"text":1}']
    assert (stats.lines, stats.documents, stats.passed, stats.removals) == (5, 1, 4, 1)
    assert cleaner.clean_json_lines_array(pa.array([], pa.string()))[0].to_pylist() == []
    with pytest.raises(TypeError, match="string array"):
        cleaner.clean_json_lines_array(pa.array([1, 2]))
    with pytest.raises(TypeError, match="pyarrow string array"):
        cleaner.clean_json_lines_array(["a list"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least 1"):
        cleaner.clean_json_lines_array(array, threads=0)


def test_shared_cleaner_is_one_per_arguments() -> None:
    a = deboil.shared_cleaner(profile="safe", ignore=["share-button"])
    assert deboil.shared_cleaner(profile="safe", ignore=("share-button",)) is a
    assert deboil.shared_cleaner(profile="safe") is not a
    assert a.profile == "safe" and "share-button" not in a.rule_ids
    with pytest.raises(deboil.RuleError):
        deboil.shared_cleaner(select=["no-such-rule"])


def test_clean_json_lines_refuses_zero_threads(cleaner: deboil.Cleaner) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        cleaner.clean_json_lines(b"", threads=0)
    assert cleaner.clean_json_lines(b"")[0] == b""


@pytest.mark.parametrize("threads", [1, None])
def test_clean_column_equals_the_cli(
    cleaner: deboil.Cleaner,
    corpus_path: Path,
    cli_records: dict[str, dict[str, Any]],
    threads: int | None,
) -> None:
    docs = [json.loads(line) for line in corpus_path.read_text(encoding="utf-8").splitlines()]
    column = pa.array([d["text"] for d in docs], type=pa.string())
    batch = cleaner.clean_column(column, threads=threads)
    assert batch.schema.names == ["text", "deboil"]
    assert batch.column("text").type == pa.string()
    texts = batch.column("text").to_pylist()
    records = batch.column("deboil").to_pylist()
    mismatches = []
    for doc, text, record in zip(docs, texts, records, strict=True):
        cli = cli_records[doc["id"]]
        assert record is not None
        got = {**record, "rule_counts": dict(record["rule_counts"])}
        if text != cli["text"] or got != want_record(cli):
            mismatches.append(doc["id"])
    assert not mismatches, f"{len(mismatches)} differ, first: {mismatches[:5]}"


def test_clean_column_keeps_nulls_types_and_order(cleaner: deboil.Cleaner) -> None:
    texts = ["Body.\nShare on Facebook\n", None, "", "Plain."]
    columns: list[Any] = [
        texts,
        pa.array(texts, type=pa.large_string()),
        pa.chunked_array([texts[:2], texts[2:]], type=pa.string()),
    ]
    for column in columns:
        batch = cleaner.clean_column(column)
        assert batch.column("text").to_pylist() == ["Body.\n", None, "", "Plain.\n"]
        records = batch.column("deboil").to_pylist()
        assert records[1] is None
        assert records[0] is not None and records[0]["rule_counts"] == [("share-button", 1)]
        assert records[0]["bytes_removed"] == len("Share on Facebook\n")
        assert records[3] == {
            "bytes_in": 6,
            "bytes_out": 7,
            "bytes_removed": 0,
            "removals": 0,
            "rule_counts": [],
            "guard": None,
        }
    assert (
        cleaner.clean_column(pa.array(texts, type=pa.large_string())).column("text").type
        == pa.large_string()
    )


def test_clean_column_refuses_what_is_not_a_column_of_texts(cleaner: deboil.Cleaner) -> None:
    with pytest.raises(TypeError):
        cleaner.clean_column("one text")
    with pytest.raises(TypeError, match="string column"):
        cleaner.clean_column(pa.array([1, 2]))
    with pytest.raises(TypeError):
        cleaner.clean_column([1, 2])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="at least 1"):
        cleaner.clean_column([], threads=0)
    assert cleaner.clean_column([]).num_rows == 0


def test_clean_column_reports_the_guard(cleaner: deboil.Cleaner) -> None:
    strict = deboil.Cleaner(guard=0.01)
    # A repeated line is a heuristic removal: the guard withholds it.
    line = "The mayor spoke on Tuesday about the budget.\n"
    page = f"{line}{line}She said the city would hire more teachers next year.\n"
    want = strict.clean(page).guard
    assert want is not None, "the page must trip a 1% guard"
    expected = {"would_remove": want.would_remove, "limit": want.limit, "removes": want.removes}
    # A list (Python values) and a sliced array with a null and a text the
    # guard leaves alone (Arrow buffers).
    array = pa.array(["skipped", "Plain.", None, page]).slice(1)
    for column, at in (([page], 0), (array, 2)):
        records = strict.clean_column(column).column("deboil").to_pylist()
        got = records[at]
        assert got is not None and got["guard"] == expected
        if at:
            plain = records[0]
            assert plain is not None and plain["guard"] is None
            assert records[1] is None
