#!/usr/bin/env python3
"""Clean the text column of a 🤗 datasets Dataset with deboil, in `map`.

    python examples/hf_datasets_clean.py IN.jsonl OUT.jsonl [--num-proc N]

Loads JSON Lines with `datasets.load_dataset("json", ...)`, cleans the text
column with `Dataset.map(batched=True)`, one `Cleaner.clean_batch` call per
batch, and writes JSON Lines: every input column, the text cleaned, and a
`deboil` column

    {"bytes_in": 2110, "bytes_out": 1790, "bytes_removed": 320,
     "removals": 3, "rules": ["share-button", "related-links", "related-links"]}

(`rules`: the rule of each removal, in text order; a list, not a map, so
every batch has the same Arrow type). With `--num-proc`, `map` forks worker
processes; the binding keeps one thread pool per process, so that is safe.

The same function works on a Hub dataset: `load_dataset("user/name",
split="train").map(clean, batched=True)`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import datasets

import deboil

# One Cleaner per process, made on first use: `map` pickles the function,
# not this global, and compiling the rules once per process is enough.
_CLEANER: deboil.Cleaner | None = None


def clean(batch: dict[str, list[Any]], field: str = "text") -> dict[str, list[Any]]:
    """`Dataset.map(batched=True)` function: the cleaned texts and records."""
    global _CLEANER
    if _CLEANER is None:
        _CLEANER = deboil.Cleaner()
    texts = batch[field]
    # map already runs one batch per process: one thread each.
    results = _CLEANER.clean_batch(texts, threads=1)
    records = []
    for text, result in zip(texts, results, strict=True):
        removals = result.removals
        records.append(
            {
                "bytes_in": len(text.encode("utf-8")),
                "bytes_out": len(result.text.encode("utf-8")),
                "bytes_removed": sum(r.byte_end - r.byte_start for r in removals),
                "removals": len(removals),
                "rules": [r.rule for r in removals],
            }
        )
    return {field: [r.text for r in results], "deboil": records}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("input", help="JSON Lines input (file or glob)")
    p.add_argument("output", help="JSON Lines output file")
    p.add_argument("--field", default="text", help="the text field (default: text)")
    p.add_argument("--num-proc", type=int, default=None, help="worker processes for map")
    p.add_argument("--batch-size", type=int, default=256, help="texts per map batch")
    args = p.parse_args(argv)

    ds = datasets.load_dataset("json", data_files=args.input, split="train")
    cleaned = ds.map(
        clean,
        batched=True,
        batch_size=args.batch_size,
        num_proc=args.num_proc,
        fn_kwargs={"field": args.field},
        desc="deboil",
    )
    cleaned.to_json(args.output, lines=True, force_ascii=False)
    print(
        f"hf_datasets_clean: cleaned {len(cleaned)} documents into {args.output}", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
