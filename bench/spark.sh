#!/usr/bin/env bash
# Throughput of the Spark example job (examples/spark_clean.py, local[N])
# next to the CLI (deboil clean --jsonl -j N) on the same JSON Lines input.
#
#   bench/spark.sh [CORPUS_DIR | FILE.jsonl]   (default: ../shared/corpus/wcxb-dev/htmltext)
#
# Environment: THREADS (N, default 2), RUNS (timed runs per row, best wall
# time kept; default 3), REPEAT (the input concatenated REPEAT times, so
# Spark's start-up weighs less; default 1), PYTHON (an interpreter with
# the deboil package and pyspark; default target/py-venv/bin/python, which
# .ci/run makes), SPARK_ARGS (extra arguments for both Spark runs, e.g.
# --warm-up), TMPDIR (scratch space).
#
# Wall time is the whole process, start-up included; for Spark the job's
# own time (reading, cleaning, writing; the session already started) is
# shown too. MB/s is input JSONL bytes (10^6) per second of wall time.
set -euo pipefail
cd "$(dirname "$0")/.."

INPUT=${1:-../shared/corpus/wcxb-dev/htmltext}
THREADS=${THREADS:-2}
RUNS=${RUNS:-3}
REPEAT=${REPEAT:-1}
PYTHON=${PYTHON:-target/py-venv/bin/python}
# Extra arguments for both Spark runs, e.g. SPARK_ARGS=--warm-up.
SPARK_ARGS=${SPARK_ARGS:-}

"$PYTHON" -c 'import deboil, pyspark' || {
    echo "$PYTHON lacks deboil or pyspark: pip install './bindings/python[test]'" >&2
    exit 2
}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/deboil-spark-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

cargo build --release --quiet --bin deboil --example to_jsonl
# Cargo's target directory (CARGO_TARGET_DIR when set).
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/release/deboil

if [ -d "$INPUT" ]; then
    "$TARGET/release/examples/to_jsonl" "$INPUT" >"$TMP/one.jsonl"
else
    cp "$INPUT" "$TMP/one.jsonl"
fi
for _ in $(seq "$REPEAT"); do cat "$TMP/one.jsonl"; done >"$TMP/in.jsonl"
bytes=$(stat -c %s "$TMP/in.jsonl")
docs=$(wc -l <"$TMP/in.jsonl")

# best LABEL COMMAND...: best wall time of RUNS runs of COMMAND (via sh -c);
# sets $best and $job (the job's own seconds, when it printed them).
best() {
    local label=$1
    shift
    best="" job=""
    for _ in $(seq "$RUNS"); do
        local t0 t1 wall
        t0=$(date +%s.%N)
        sh -c "$*" 2>"$TMP/stderr" || {
            echo "failed: $label" >&2
            cat "$TMP/stderr" >&2
            exit 1
        }
        t1=$(date +%s.%N)
        wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
        if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN {exit !(a < b)}'; then
            best=$wall
            job=$(sed -nE 's/^spark_clean: .* in ([0-9.]+)s \(\+.*/\1/p' "$TMP/stderr")
        fi
    done
}

row() { # LABEL WALL [JOB]
    awk -v l="$1" -v w="$2" -v j="${3:-}" -v b="$bytes" -v d="$docs" -v c="${cli:-}" 'BEGIN {
        printf "| %s | %d | %.1f | %.2f | %.0f | %.1f |", l, d, b / 1e6, w, d / w, b / 1e6 / w
        if (j != "") printf " %.2f s: %.0f docs/s, %.1f MB/s | %.0f%% |\n", j, d / j, b / 1e6 / j, 100 * c / j
        else printf " | |\n"
    }'
}

cat <<INFO
Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)
deboil $(git describe --always --dirty 2>/dev/null || echo '?'), $("$PYTHON" -c 'import pyspark; print("pyspark", pyspark.__version__)'), $(java -version 2>&1 | head -n 1)
Input: $INPUT x $REPEAT ($docs documents, $(awk -v b="$bytes" 'BEGIN {printf "%.1f MB", b / 1e6}') of JSON Lines); best of $RUNS runs

| run | docs | input MB | wall s | docs/s | MB/s | job only (Spark) | job only / CLI |
|---|---|---|---|---|---|---|---|
INFO

best cli "$BIN clean --jsonl -j $THREADS <'$TMP/in.jsonl' >'$TMP/cli.jsonl'"
row "\`deboil clean --jsonl -j $THREADS\`" "$best"
cli=$best

export PYSPARK_PYTHON=$PYTHON PYSPARK_DRIVER_PYTHON=$PYTHON
best spark "'$PYTHON' examples/spark_clean.py '$TMP/in.jsonl' '$TMP/spark' --master 'local[$THREADS]' $SPARK_ARGS"
row "\`spark_clean.py --master local[$THREADS] $SPARK_ARGS\`" "$best" "$job"

best spark-lines "'$PYTHON' examples/spark_clean.py '$TMP/in.jsonl' '$TMP/spark-lines' --lines --master 'local[$THREADS]' $SPARK_ARGS"
row "\`spark_clean.py --lines --master local[$THREADS] $SPARK_ARGS\`" "$best" "$job"
