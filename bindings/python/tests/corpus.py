"""A deterministic JSON Lines corpus made from the repository's fixtures.

Each document stitches together runs of paragraphs from one to three fixture
texts (the seeds and the hand-written cases: every debris family, CRLF,
NBSP, emoji, right-to-left text...), sometimes adds a non-ASCII line, drops
the final newline or is empty. Document `i` depends only on the seed and
`i`, so any prefix of the corpus is the same whatever its size.

    python bindings/python/tests/corpus.py 3000 > corpus.jsonl
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]
FIXTURES = REPO_ROOT / "fixtures"

# Paragraph breaks: one or more blank (or whitespace-only) lines, LF or CRLF.
_BREAK = re.compile(r"\r?\n(?:[ \t\u00a0]*\r?\n)+")

_EXTRA_LINES = [
    "Prix\u00a0: 12\u00a0€ — 東京で会いましょう 😀",
    "Читайте также",
    "Share on Facebook",
    "مرحبا بالعالم — שלום 🌍",
    "Photo: 👨‍👩‍👧 family, ZWJ sequence",
    "Leave a reply",
]


@cache
def _sources() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(name, paragraphs) of every fixture input, in name order."""
    paths = sorted((FIXTURES / "seeds" / "input").glob("*.txt"))
    paths += sorted((FIXTURES / "cases").glob("*.input.txt"))
    if not paths:
        raise FileNotFoundError(f"no fixture inputs under {FIXTURES}")
    sources = []
    for p in paths:
        text = p.read_text(encoding="utf-8")
        paragraphs = tuple(b for b in _BREAK.split(text) if b.strip())
        if paragraphs:
            sources.append((p.name, paragraphs))
    return tuple(sources)


def document(i: int, seed: int = 7) -> dict[str, Any]:
    """Document number `i` of the corpus for `seed`."""
    rng = random.Random(f"{seed}:{i}")
    sources = _sources()
    names: list[str] = []
    parts: list[str] = []
    for _ in range(rng.randint(1, 3)):
        name, paragraphs = rng.choice(sources)
        start = rng.randrange(len(paragraphs))
        stop = min(len(paragraphs), start + rng.randint(1, 12))
        names.append(name)
        parts.extend(paragraphs[start:stop])
    if rng.random() < 0.2:
        parts.insert(rng.randint(0, len(parts)), rng.choice(_EXTRA_LINES))
    text = "\n\n".join(parts) + "\n"
    roll = rng.random()
    if roll < 0.1:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    elif roll < 0.2:
        text = text.rstrip("\n")
    elif roll < 0.22:
        text = ""
    return {
        "id": f"doc-{i:05d}",
        "text": text,
        "meta": {"sources": names, "n": i},
    }


def documents(n: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """The first `n` documents."""
    return (document(i, seed) for i in range(n))


def write_jsonl(path: Path, n: int, seed: int = 7) -> int:
    """Writes the first `n` documents to `path`; returns its size in bytes."""
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for doc in documents(n, seed):
            f.write(json.dumps(doc, ensure_ascii=False))
            f.write("\n")
    return path.stat().st_size


def main(argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 else 3000
    out = sys.stdout
    for doc in documents(n):
        out.write(json.dumps(doc, ensure_ascii=False))
        out.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
