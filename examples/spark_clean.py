#!/usr/bin/env python3
"""Clean the text column of a JSON Lines corpus with deboil, on Spark.

    python examples/spark_clean.py IN.jsonl[,MORE...] OUT_DIR --master 'local[2]'
    spark-submit examples/spark_clean.py IN OUT_DIR          # on a cluster

Reads the corpus with `spark.read.json` (files, directories, globs; gzip and
other Hadoop codecs included), cleans the text column batch by batch inside
`mapInArrow` (Arrow record batches, one `Cleaner.clean_column` call each,
with one `deboil.Cleaner` per Python worker, `deboil.shared_cleaner`: the
first task compiles the rules, the next ones reuse them), and writes JSON
Lines part files to
OUT_DIR: every input column, the text field cleaned, and a `deboil` column

    {"bytes_in": 2110, "bytes_out": 1790, "bytes_removed": 320,
     "removals": 3, "rule_counts": {"share-button": 1, "related-links": 2}}

with byte counts of the UTF-8 text, as in `deboil clean --jsonl`, and, when
the safety guard withheld heuristic removals, its report as in the CLI's
`guard` field (`would_remove`, `limit`, `removes`). A row
whose text is null (no such field, or a line that is not JSON, which Spark
keeps in a `_corrupt_record` column) is written unchanged, without `deboil`.
At the end, a summary line goes to standard error.

Every executor needs the `deboil` package with pyarrow (`pip install
'./bindings/python[spark]'` on each node, or ship the wheel with `--py-files`/an archive) and, with
`--rules`, the rule files at the same path.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
from pyspark import Accumulator
from pyspark.sql import SparkSession
from pyspark.sql.types import (
    DoubleType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
)

import deboil

RECORD = StructType(
    [
        StructField("bytes_in", LongType()),
        StructField("bytes_out", LongType()),
        StructField("bytes_removed", LongType()),
        StructField("removals", LongType()),
        StructField("rule_counts", MapType(StringType(), LongType())),
        StructField(
            "guard",
            StructType(
                [
                    StructField("would_remove", DoubleType()),
                    StructField("limit", DoubleType()),
                    StructField("removes", DoubleType()),
                ]
            ),
        ),
    ]
)


class Options(NamedTuple):
    """What a Cleaner is built from; small and picklable, sent to workers."""

    profile: str
    rules: tuple[str, ...]
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    guard: float | None


def make_cleaner(options: Options) -> deboil.Cleaner:
    """The worker's Cleaner for `options`: compiled by the first task a
    Python worker runs and kept for the next ones (Spark reuses its
    workers), so that only the first pays for compiling the rules and
    warming their automata."""
    return deboil.shared_cleaner(
        profile=options.profile,
        rules=list(options.rules),
        select=list(options.select),
        ignore=list(options.ignore),
        guard=options.guard,
    )


class Totals(NamedTuple):
    """Accumulators for the summary line (a retried task counts twice)."""

    documents: Accumulator[int]
    bytes_in: Accumulator[int]
    bytes_out: Accumulator[int]


def clean_batches(
    batches: Iterable[pa.RecordBatch], field: str, options: Options, totals: Totals
) -> Iterator[pa.RecordBatch]:
    """Cleans column `field` of each Arrow batch; appends the `deboil` column.

    One `clean_column` call per batch, on the task's own thread
    (`threads=1`: Spark runs one task per core already), so no Python
    object is made per row but the texts themselves.
    """
    cleaner = make_cleaner(options)
    documents = bytes_in = bytes_out = 0
    for batch in batches:
        cleaned = cleaner.clean_column(batch.column(field), threads=1)
        records = cleaned.column("deboil")
        columns = [
            cleaned.column("text") if name == field else batch.column(name)
            for name in batch.schema.names
        ]
        yield pa.RecordBatch.from_arrays([*columns, records], names=[*batch.schema.names, "deboil"])
        documents += len(records) - records.null_count
        bytes_in += pc.sum(pc.struct_field(records, "bytes_in")).as_py() or 0
        bytes_out += pc.sum(pc.struct_field(records, "bytes_out")).as_py() or 0
    # Once per partition: accumulator updates are messages to the driver.
    totals.documents.add(documents)
    totals.bytes_in.add(bytes_in)
    totals.bytes_out.add(bytes_out)


def clean_line_batches(
    batches: Iterable[pa.RecordBatch], field: str, options: Options, totals: Totals
) -> Iterator[pa.RecordBatch]:
    """`--lines`: cleans batches of raw JSON Lines (`spark.read.text`'s
    `value` column) in Rust with `clean_json_lines_array`, into the CLI's
    lines. The lines go to Rust as one copy of the column's data and come
    back as the new column's own buffers: no Python string is made per
    line (making them cost more than the JVM's share of the job).
    """
    cleaner = make_cleaner(options)
    documents = bytes_in = bytes_out = 0
    for batch in batches:
        if batch.num_rows == 0:
            continue
        out, stats = cleaner.clean_json_lines_array(batch.column("value"), field=field, threads=1)
        yield pa.RecordBatch.from_arrays([out], names=["value"])
        documents += stats.documents
        bytes_in += stats.text_in
        bytes_out += stats.text_out
    totals.documents.add(documents)
    totals.bytes_in.add(bytes_in)
    totals.bytes_out.add(bytes_out)


def names(arg: str | None) -> tuple[str, ...]:
    """A comma-separated command-line list."""
    return tuple(n.strip() for n in (arg or "").split(",") if n.strip())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "input", help="JSON Lines input: file, directory or glob; several separated by commas"
    )
    p.add_argument("output", help="output directory (replaced if it exists)")
    p.add_argument("--master", help="Spark master, e.g. local[2] (default: from spark-submit)")
    p.add_argument("--field", default="text", help="the text field (default: text)")
    p.add_argument("--profile", default="balanced", choices=["safe", "balanced", "aggressive"])
    p.add_argument(
        "--rules", action="append", default=[], help="extra rule file or directory (repeatable)"
    )
    p.add_argument("--select", help="only these rule ids or categories (comma-separated)")
    p.add_argument("--ignore", help="all but these rule ids or categories (comma-separated)")
    p.add_argument(
        "--guard",
        type=float,
        default=0.9,
        metavar="SHARE",
        help="withhold heuristic removals from a document when all rules together would "
        "remove more than this share of its text (default: 0.9)",
    )
    p.add_argument("--no-guard", action="store_true", help="turn the safety guard off")
    p.add_argument(
        "--lines",
        action="store_true",
        help="read the input as lines of text and write the CLI's own JSON Lines "
        "(`deboil clean --jsonl`: full removals; lines that are not JSON objects with a "
        "string text field copied unchanged): no schema inference, no JSON parsing in Spark",
    )
    p.add_argument(
        "--warm-up",
        action="store_true",
        help="run a tiny job on every core first (starts the Python workers, imports deboil "
        "and pyarrow in them, loads the model), so the job's time is what a long-lived "
        "session sees; the warm-up's own time is reported apart",
    )
    p.add_argument(
        "--partitions",
        type=int,
        help="repartition the input into N partitions first (default: at least one per core)",
    )
    return p.parse_args(argv)


def report(
    args: argparse.Namespace, totals: Totals, ready: float, started: float, warm: float
) -> None:
    """The summary line (bench/spark.sh reads the job's seconds from it)."""
    done = time.perf_counter()
    mb_in, mb_out = totals.bytes_in.value / 1e6, totals.bytes_out.value / 1e6
    warming = f", +{warm:.2f}s warming up" if args.warm_up else ""
    print(
        f"spark_clean: cleaned {totals.documents.value} documents "
        f"({mb_in:.1f} MB -> {mb_out:.1f} MB of text), wrote {args.output} "
        f"in {done - ready:.2f}s (+{ready - started:.2f}s starting Spark{warming})",
        file=sys.stderr,
    )


def warm_up(spark: SparkSession, options: Options) -> float:
    """Runs `clean_batches` on one tiny document per core, as the real job
    will (mapInArrow, one task per core), so that every Python worker is
    started and has imported deboil and pyarrow and loaded the model.
    Returns its seconds."""
    t0 = time.perf_counter()
    sc = spark.sparkContext
    cores = sc.defaultParallelism
    doc = "A sentence of the warm-up document, cleaned once per core.\nShare on Facebook\n"
    df = spark.createDataFrame([(doc,)] * cores, "text string").repartition(cores)
    schema = StructType(df.schema.fields + [StructField("deboil", RECORD)])
    scratch = Totals(sc.accumulator(0), sc.accumulator(0), sc.accumulator(0))
    df.mapInArrow(lambda b: clean_batches(b, "text", options, scratch), schema).collect()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Executors may run in another directory: rule paths are made absolute.
    rules = tuple(os.path.abspath(r) for r in args.rules)
    guard = None if args.no_guard else args.guard
    options = Options(args.profile, rules, names(args.select), names(args.ignore), guard)
    # Fail on bad rules here, with the rule-file location, before Spark
    # starts any task.
    try:
        make_cleaner(options)
    except (deboil.RuleError, OSError, ValueError) as e:
        print(f"spark_clean: {e}", file=sys.stderr)
        return 2

    started = time.perf_counter()
    # No console progress bar: it garbles the log of a batch job.
    builder = SparkSession.builder.appName("deboil-clean").config(
        "spark.ui.showConsoleProgress", "false"
    )
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    if spark.conf.get("spark.sql.files.minPartitionNum", None) is None:
        # Input files are split in pieces of at most 128 MB, or of
        # total / this when smaller: two equal partitions per core, so
        # that no core sits idle while another finishes a longer last
        # task (494 MB on 2 cores: four 123.5 MB partitions instead of
        # 128, 128, 128 and 110 MB; the job 27 s instead of 30).
        parallelism = spark.sparkContext.defaultParallelism
        spark.conf.set("spark.sql.files.minPartitionNum", str(2 * parallelism))
    try:
        warm = warm_up(spark, options) if args.warm_up else 0.0
        ready = time.perf_counter()
        sc = spark.sparkContext
        totals = Totals(sc.accumulator(0), sc.accumulator(0), sc.accumulator(0))
        if args.lines:
            raw = spark.read.text(args.input.split(","))
            if args.partitions and args.partitions != raw.rdd.getNumPartitions():
                raw = raw.repartition(args.partitions)
            field = args.field
            raw.mapInArrow(
                lambda batches: clean_line_batches(batches, field, options, totals), raw.schema
            ).write.mode("overwrite").text(args.output)
            report(args, totals, ready, started + warm, warm)
            return 0
        df = spark.read.json(args.input.split(","))
        if args.field not in df.columns:
            print(f"spark_clean: no {args.field!r} column in {args.input}", file=sys.stderr)
            return 2
        if df.schema[args.field].dataType != StringType():
            print(f"spark_clean: column {args.field!r} is not a string", file=sys.stderr)
            return 2
        # A small file or an unsplittable one (gzip) is read as fewer
        # partitions than there are cores; spread it so none sits idle.
        partitions = args.partitions or max(
            df.rdd.getNumPartitions(), spark.sparkContext.defaultParallelism
        )
        if partitions != df.rdd.getNumPartitions():
            df = df.repartition(partitions)
        field = args.field
        schema = StructType(df.schema.fields + [StructField("deboil", RECORD)])
        out = df.mapInArrow(lambda batches: clean_batches(batches, field, options, totals), schema)
        out.write.mode("overwrite").json(args.output)
        report(args, totals, ready, started + warm, warm)
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
