"""examples/spark_clean.py on PySpark in local mode equals `deboil clean --jsonl`.

Needs PySpark and Java 17+. Without them the test is skipped with the
reason, unless DEBOIL_SPARK_TESTS=require (as .ci/run sets), which makes
their absence a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from corpus import REPO_ROOT

JOB = REPO_ROOT / "examples" / "spark_clean.py"
REQUIRED = os.environ.get("DEBOIL_SPARK_TESTS") == "require"


def java_problem() -> str | None:
    """Why Spark cannot run here, or None."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).exists():
        return "no java on PATH or in JAVA_HOME (Spark needs Java 17+)"
    out = subprocess.run([java, "-version"], capture_output=True, text=True)
    m = re.search(r'version "(\d+)', out.stderr + out.stdout)
    if not m or int(m.group(1)) < 17:
        return f"Spark needs Java 17+, found: {out.stderr.strip().splitlines()[:1]}"
    return None


def pyspark_problem() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install pyspark)"
    return None


def skip_or_fail(problem: str | None) -> None:
    """Skips the test for `problem`, or fails it when Spark is required."""
    if problem:
        if REQUIRED:
            pytest.fail(f"DEBOIL_SPARK_TESTS=require but {problem}")
        pytest.skip(problem)


@pytest.fixture(scope="module")
def spark_output(
    corpus_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Any]]:
    """Runs the job as a user would, in its own process; rows by id."""
    skip_or_fail(pyspark_problem() or java_problem())
    out = tmp_path_factory.mktemp("spark") / "out"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    run = subprocess.run(
        [sys.executable, str(JOB), str(corpus_path), str(out), "--master", "local[2]"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, f"spark job failed:\n{run.stderr[-5000:]}"
    parts = sorted(out.glob("part-*.json"))
    assert len(parts) >= 2, "expected the corpus to be cleaned in several partitions"
    rows = {}
    for part in parts:
        for line in part.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            assert row["id"] not in rows, f"{row['id']} written twice"
            rows[row["id"]] = row
    return rows


def test_spark_job_equals_the_cli_document_for_document(
    spark_output: dict[str, dict[str, Any]], cli_records: dict[str, dict[str, Any]]
) -> None:
    assert spark_output.keys() == cli_records.keys()
    mismatches = []
    for doc_id, cli in cli_records.items():
        row = spark_output[doc_id]
        removals = cli["deboil"]["removals"]
        want = {
            "text": cli["text"],
            "bytes_in": cli["deboil"]["bytes_in"],
            "bytes_out": cli["deboil"]["bytes_out"],
            "bytes_removed": cli["deboil"]["bytes_removed"],
            "removals": len(removals),
            "rule_counts": dict(Counter(r["rule"] for r in removals)),
            "guard": cli["deboil"].get("guard"),
        }
        got = {"text": row.get("text"), "guard": None, **row["deboil"]}
        if got != want:
            mismatches.append(doc_id)
    assert not mismatches, (
        f"{len(mismatches)} of {len(cli_records)} documents differ, first: {mismatches[:5]}"
    )


def test_spark_job_keeps_the_other_columns(
    spark_output: dict[str, dict[str, Any]], cli_records: dict[str, dict[str, Any]]
) -> None:
    for doc_id, cli in cli_records.items():
        assert spark_output[doc_id]["meta"] == cli["meta"], doc_id


def test_spark_job_rejects_bad_rules_before_starting_spark(tmp_path: Path) -> None:
    skip_or_fail(pyspark_problem())
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "x"\n')
    run = subprocess.run(
        [sys.executable, str(JOB), "in.jsonl", str(tmp_path / "out"), "--rules", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert f"{bad}:" in run.stderr
    assert not (tmp_path / "out").exists()


def test_spark_job_lines_mode_writes_the_cli_output(
    corpus_path: Path, cli_output: bytes, tmp_path: Path
) -> None:
    """`--lines`: raw JSON Lines cleaned by clean_json_lines, the CLI's bytes
    (after `--warm-up`'s own small job, which must not change them)."""
    skip_or_fail(pyspark_problem() or java_problem())
    out = tmp_path / "out"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    job = [sys.executable, str(JOB), str(corpus_path), str(out), "--lines", "--warm-up"]
    run = subprocess.run(
        [*job, "--master", "local[2]"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, f"spark job failed:\n{run.stderr[-5000:]}"
    parts = sorted(out.glob("part-*.txt"))
    assert len(parts) >= 1
    got = b"".join(p.read_bytes() for p in parts)
    # Part files hold the input's splits in order: the CLI's output exactly.
    assert got.count(b"\n") == cli_output.count(b"\n")
    assert got == cli_output
    assert "warming up" in run.stderr, run.stderr[-2000:]
