"""deboil as a datatrove pipeline step.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from deboil.datatrove import DeboilCleaner

    LocalPipelineExecutor(
        pipeline=[JsonlReader("in/"), DeboilCleaner(), JsonlWriter("out/")],
        tasks=4,
    ).run()

`DeboilCleaner` cleans `doc.text` with a `deboil.Cleaner` and records in
`doc.metadata["deboil"]` what `deboil clean --jsonl` records, minus the
removed texts: `bytes_in`, `bytes_out`, `bytes_removed` (UTF-8 bytes),
`removals` (a count), `rule_counts` (rule id -> removals) and, when the
safety guard withheld heuristic removals, `guard`. Its stats (datatrove's
`stats.json`) count documents (`total`, `cleaned` when something was
removed, `emptied` when nothing is left), bytes removed per document and
removals per rule (`rule/<id>`), next to datatrove's usual `doc_len`.

Needs `pip install datatrove` (or 'deboil[datatrove]').
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from typing import Any

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from deboil._deboil import Cleaner, Result

__all__ = ["DeboilCleaner"]

_Path = str | os.PathLike[str]


class DeboilCleaner(PipelineStep):  # type: ignore[misc]  # datatrove is untyped
    """Cleans each document's text; see the module's doc.

    The arguments are `deboil.Cleaner`'s. Documents are cleaned in batches
    of `batch_size` with `Cleaner.clean_batch(threads=threads)`: datatrove
    runs one task per worker process already, so one thread each is the
    default. `metadata_key` names the metadata entry (None: none is
    written).
    """

    name = "🧹 deboil"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        profile: str = "balanced",
        rules: _Path | Sequence[_Path] | None = None,
        select: str | Sequence[str] | None = None,
        ignore: str | Sequence[str] | None = None,
        guard: float | None = 0.9,
        *,
        batch_size: int = 256,
        threads: int | None = 1,
        metadata_key: str | None = "deboil",
    ) -> None:
        super().__init__()
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        # Compiled here so bad rules fail when the pipeline is built, not in
        # a worker; a worker gets it pickled (the arguments) and compiles
        # again.
        self.cleaner = Cleaner(
            profile=profile, rules=rules, select=select, ignore=ignore, guard=guard
        )
        self.batch_size = batch_size
        self.threads = threads
        self.metadata_key = metadata_key

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        batch: list[Document] = []
        for doc in data:
            batch.append(doc)
            if len(batch) == self.batch_size:
                yield from self._clean(batch)
                batch = []
        if batch:
            yield from self._clean(batch)

    def _clean(self, docs: list[Document]) -> DocumentsPipeline:
        with self.track_time(unit="batch"):
            results = self.cleaner.clean_batch([d.text for d in docs], threads=self.threads)
        for doc, result in zip(docs, results, strict=True):
            record = _record(doc.text, result)
            self.stat_update("total")
            if record["removals"]:
                self.stat_update("cleaned")
                if not result.text.strip():
                    self.stat_update("emptied")
            self.stat_update("bytes_removed", value=record["bytes_removed"], unit="doc")
            for rule, n in record["rule_counts"].items():
                self.stat_update(f"rule/{rule}", value=n)
            doc.text = result.text
            if self.metadata_key is not None:
                doc.metadata[self.metadata_key] = record
            self.update_doc_stats(doc)
            yield doc


def _record(text: str, result: Result) -> dict[str, Any]:
    """What `deboil clean --jsonl` records of one document, without the texts."""
    removals = result.removals
    record: dict[str, Any] = {
        "bytes_in": len(text.encode("utf-8")),
        "bytes_out": len(result.text.encode("utf-8")),
        "bytes_removed": sum(r.byte_end - r.byte_start for r in removals),
        "removals": len(removals),
        "rule_counts": dict(Counter(r.rule for r in removals)),
    }
    if result.guard is not None:
        g = result.guard
        record["guard"] = {"would_remove": g.would_remove, "limit": g.limit, "removes": g.removes}
    return record
