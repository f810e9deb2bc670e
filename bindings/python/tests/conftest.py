"""Shared fixtures: the generated corpus and the CLI's output on it.

The CLI is the reference the package and the Spark job are compared with.
`DEBOIL_BIN` names the binary to use; without it, `cargo build` makes one.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from corpus import REPO_ROOT, write_jsonl

# Enough documents to cover every fixture in many combinations and to give
# Spark several partitions' worth of work; small enough to run in seconds.
CORPUS_DOCS = 3000


def _target_dir() -> Path:
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(json.loads(meta.stdout)["target_directory"])


@pytest.fixture(scope="session")
def deboil_bin() -> Path:
    """The `deboil` command-line tool."""
    given = os.environ.get("DEBOIL_BIN")
    if given:
        path = Path(given)
        assert path.is_file(), f"DEBOIL_BIN={given} is not a file"
        return path
    subprocess.run(["cargo", "build", "--quiet", "--bin", "deboil"], cwd=REPO_ROOT, check=True)
    return _target_dir() / "debug" / "deboil"


@pytest.fixture(scope="session")
def corpus_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated corpus as JSON Lines."""
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    write_jsonl(path, CORPUS_DOCS)
    return path


@pytest.fixture(scope="session")
def cli_output(deboil_bin: Path, corpus_path: Path) -> bytes:
    """`deboil clean --jsonl` on the corpus: its standard output."""
    with corpus_path.open("rb") as stdin:
        run = subprocess.run(
            [str(deboil_bin), "clean", "--jsonl", "-j", "2"],
            stdin=stdin,
            capture_output=True,
            check=True,
        )
    return run.stdout


@pytest.fixture(scope="session")
def cli_records(cli_output: bytes) -> dict[str, dict[str, Any]]:
    """`deboil clean --jsonl` on the corpus: each output object by its id."""
    records = {}
    for line in cli_output.decode("utf-8").splitlines():
        obj = json.loads(line)
        records[obj["id"]] = obj
    assert len(records) == CORPUS_DOCS
    return records
