"""deboil.datatrove in a real LocalPipelineExecutor run, and the 🤗 datasets
example (examples/hf_datasets_clean.py), both against the CLI."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from corpus import REPO_ROOT

pytest.importorskip("datatrove")
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

import deboil  # noqa: E402
from deboil.datatrove import DeboilCleaner  # noqa: E402


def counts(cli: dict[str, Any]) -> dict[str, int]:
    return dict(Counter(r["rule"] for r in cli["deboil"]["removals"]))


def test_datatrove_pipeline_cleans_as_the_cli(
    corpus_path: Path, cli_records: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    # Two input files, so the two tasks each get one.
    lines = corpus_path.read_text(encoding="utf-8").splitlines(keepends=True)
    half = len(lines) // 2
    (inputs / "a.jsonl").write_text("".join(lines[:half]), encoding="utf-8")
    (inputs / "b.jsonl").write_text("".join(lines[half:]), encoding="utf-8")
    out, logs = tmp_path / "out", tmp_path / "logs"
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(inputs)),
            DeboilCleaner(batch_size=100),
            JsonlWriter(str(out)),
        ],
        tasks=2,
        workers=2,
        logging_dir=str(logs),
    ).run()

    docs = {}
    for part in sorted(out.glob("*.jsonl.gz")):
        with gzip.open(part, "rt", encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                assert doc["id"] not in docs
                docs[doc["id"]] = doc
    # datatrove's readers skip documents with an empty text.
    read = {k: v for k, v in cli_records.items() if v["deboil"]["bytes_in"] > 0}
    assert 0 < len(read) < len(cli_records), "the corpus has empty documents too"
    assert docs.keys() == read.keys()
    mismatches = []
    for doc_id, cli in read.items():
        doc = docs[doc_id]
        record = doc["metadata"]["deboil"]
        want = {
            "bytes_in": cli["deboil"]["bytes_in"],
            "bytes_out": cli["deboil"]["bytes_out"],
            "bytes_removed": cli["deboil"]["bytes_removed"],
            "removals": len(cli["deboil"]["removals"]),
            "rule_counts": counts(cli),
        }
        if "guard" in cli["deboil"]:
            want["guard"] = cli["deboil"]["guard"]
        # The writer leaves out an empty text (a document cleaned away).
        if doc.get("text", "") != cli["text"] or record != want:
            mismatches.append(doc_id)
        # The reader's other fields stay in the metadata.
        assert doc["metadata"]["meta"] == cli["meta"], doc_id
    assert not mismatches, f"{len(mismatches)} differ, first: {mismatches[:5]}"

    stats = json.loads((logs / "stats.json").read_text())
    step = next(s for s in stats if "deboil" in s["name"])
    values = step["stats"]
    total = values["total"]
    assert (total["total"] if isinstance(total, dict) else total) == len(read)
    removed = sum(c["deboil"]["bytes_removed"] for c in read.values())
    assert values["bytes_removed"]["total"] == removed
    rules = Counter(r["rule"] for c in read.values() for r in c["deboil"]["removals"])
    for rule, n in rules.items():
        got = values[f"rule/{rule}"]
        assert (got["total"] if isinstance(got, dict) else got) == n, rule


def test_datatrove_step_fails_early_on_bad_rules(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "x"\n')
    with pytest.raises(deboil.RuleError):
        DeboilCleaner(rules=bad)
    with pytest.raises(ValueError, match="batch_size"):
        DeboilCleaner(batch_size=0)


def test_hf_datasets_example_cleans_as_the_cli(
    corpus_path: Path, cli_records: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    pytest.importorskip("datasets")
    out = tmp_path / "out.jsonl"
    run = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "examples" / "hf_datasets_clean.py"),
            str(corpus_path),
            str(out),
            "--num-proc",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        # A cache of its own (no reuse of a stale one), and no network.
        env=dict(os.environ, HF_DATASETS_CACHE=str(tmp_path / "cache"), HF_HUB_OFFLINE="1"),
    )
    assert run.returncode == 0, run.stderr[-5000:]
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(cli_records)
    mismatches = []
    for row in rows:
        cli = cli_records[row["id"]]
        d = row["deboil"]
        if (
            row["text"] != cli["text"]
            or d["bytes_removed"] != cli["deboil"]["bytes_removed"]
            or d["bytes_out"] != cli["deboil"]["bytes_out"]
            or d["rules"] != [r["rule"] for r in cli["deboil"]["removals"]]
        ):
            mismatches.append(row["id"])
    assert not mismatches, f"{len(mismatches)} differ, first: {mismatches[:5]}"
