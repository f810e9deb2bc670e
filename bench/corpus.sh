#!/usr/bin/env bash
# Whole-run throughput and peak memory of deboil on a directory of page
# dumps, next to reference scans, plus the pathological inputs at full size.
#
#   bench/corpus.sh [CORPUS_DIR]      (default: ../shared/corpus/wcxb-dev/htmltext)
#
# Also prints the start-up time: the median of 31 one-file runs.
#
# Environment: RUNS (timed runs per row, best wall time kept; default 3),
# LARGE_MB (size of the JSONL the profiles and the references are compared
# on, in one run on the same bytes; default 100), BIG_MB (size of the
# streamed JSONL; default 2000), SKIP_LARGE=1, SKIP_BIG=1 and
# SKIP_PATHOLOGICAL=1 to leave those parts out, TMPDIR (scratch space: the
# big inputs are generated there and removed at the end; never committed),
# OUT_DIR (where the directory runs write; default /dev/shm when it exists:
# rewriting 1,500 files on a disk file system measures its inode allocator
# more than deboil).
#
# The LARGE_MB rows run interleaved: each of RUNS rounds runs every row
# once, in turn, so a shared machine's drift weighs on all rows alike;
# those rows print the median of the rounds, and the ratios (the literal
# scan's in-process speed over balanced -j1's, -j2's over -j1's) are taken
# within each round, then their median printed.
#
# MB/s is input bytes (10^6) divided by wall seconds of the whole process,
# start-up included; "in process" is what the process itself reports
# (deboil's summary line: start-up and reading the rules left out; the
# references: the scan alone, reading left out). Peak RSS is the largest
# of the runs (GNU time's %M, KiB), printed in MB (10^6 bytes) like the
# input sizes.
# Needs GNU time at /usr/bin/time (Debian: apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."

CORPUS=${1:-../shared/corpus/wcxb-dev/htmltext}
RUNS=${RUNS:-3}
BIG_MB=${BIG_MB:-2000}
LARGE_MB=${LARGE_MB:-100}
TIME=/usr/bin/time

[ -d "$CORPUS" ] || { echo "corpus directory not found: $CORPUS" >&2; exit 2; }
"$TIME" -f '' true 2>/dev/null || {
    echo "GNU time is needed at $TIME (Debian/Ubuntu: apt-get install time)" >&2
    exit 2
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/deboil-bench.XXXXXX")
if [ -z "${OUT_DIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then OUT_DIR=/dev/shm; fi
OUT=$(mktemp -d "${OUT_DIR:-$TMP}/deboil-bench-out.XXXXXX")
trap 'rm -rf "$TMP" "$OUT"' EXIT

echo "building (release)..." >&2
cargo build --release --quiet --bin deboil --example ac_scan --example to_jsonl
BIN=target/release/deboil
AC=target/release/examples/ac_scan

size() { stat -c %s "$1"; }
corpus_bytes=$(find "$CORPUS" -type f -not -name '.*' -printf '%s\n' | awk '{s += $1} END {print s}')
corpus_files=$(find "$CORPUS" -type f -not -name '.*' | wc -l)

# measure LABEL BYTES RUNS COMMAND...: runs COMMAND (through sh -c), keeps
# the best wall time and the largest peak RSS, prints a table row.
measure() {
    local label=$1 bytes=$2 runs=$3
    shift 3
    local best="" rss=0 cpu="" inproc=""
    for _ in $(seq "$runs"); do
        "$TIME" -f '%e %U %S %M' -o "$TMP/time" sh -c "$*" 2>"$TMP/stderr" >"$TMP/stdout" || {
            echo "failed: $*" >&2
            cat "$TMP/stderr" >&2
            exit 1
        }
        read -r wall user sys kb < <(tail -n 1 "$TMP/time")
        if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN {exit !(a < b)}'; then
            best=$wall
            cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
            # deboil: "... in 6.62s (18.7 MB/s)"; ac_scan: "scan alone 412.3 MB/s".
            inproc=$(cat "$TMP/stderr" "$TMP/stdout" 2>/dev/null |
                sed -nE 's/.*(\(|scan alone )([0-9.]+) MB\/s.*/\2/p' | tail -n 1)
        fi
        [ "$kb" -gt "$rss" ] && rss=$kb
    done
    awk -v l="$label" -v b="$bytes" -v w="$best" -v c="$cpu" -v r="$rss" -v i="${inproc:-}" 'BEGIN {
        printf "| %s | %.1f | %.2f | %s | %.1f | %s | %.0f |\n", l, b / 1e6, w, c, b / 1e6 / (w > 0 ? w : 0.001), i, r * 1024 / 1e6
    }'
}

echo "building the JSONL corpus..." >&2
"$AC" --lines "$CORPUS" >/dev/null # warm the page cache
target/release/examples/to_jsonl "$CORPUS" >"$TMP/corpus.jsonl"
jsonl_bytes=$(size "$TMP/corpus.jsonl")

# Start-up: a one-file run (a seed article, balanced), the median wall time
# of 31 runs after one warm-up (GNU time's 10 ms resolution is too coarse:
# timed here in nanoseconds).
startup_ms() {
    local file=fixtures/seeds/input/000_f5d3382707fb2e8e.txt
    "$BIN" --isolated clean "$file" >/dev/null
    for _ in $(seq 31); do
        local t0 t1
        t0=$(date +%s%N)
        "$BIN" --isolated clean "$file" >/dev/null
        t1=$(date +%s%N)
        echo $(((t1 - t0) / 1000))
    done | sort -n | awk '{a[NR] = $1} END {printf "%.1f", a[16] / 1000}'
}
echo "timing start-up..." >&2
startup=$(startup_ms)

cat <<INFO
Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)
deboil $(git describe --always --dirty 2>/dev/null || echo '?'), $(rustc --version)
Corpus: $CORPUS ($corpus_files files, $(awk -v b="$corpus_bytes" 'BEGIN {printf "%.1f MB", b / 1e6}')); best of $RUNS runs
Start-up, a one-file run: median ${startup} ms wall of 31 runs

| run | input MB | wall s | CPU s | MB/s | in process MB/s | peak RSS MB |
|---|---:|---:|---:|---:|---:|---:|
INFO

for j in 1 2; do
    measure "directory, -j$j" "$corpus_bytes" "$RUNS" \
        "$BIN clean '$CORPUS' --out '$OUT/out' --force -j $j"
done
for j in 1 2; do
    measure "JSONL, -j$j" "$jsonl_bytes" "$RUNS" \
        "$BIN clean --jsonl -j $j < '$TMP/corpus.jsonl' > '$OUT/out.jsonl'"
done
measure "reference: Aho-Corasick, all literals, overlapping" "$corpus_bytes" "$RUNS" "$AC '$CORPUS'"
measure "reference: Aho-Corasick, all literals, leftmost" "$corpus_bytes" "$RUNS" "$AC '$CORPUS' --leftmost"
measure "reference: read + count lines" "$corpus_bytes" "$RUNS" "$AC '$CORPUS' --lines"

if [ "${SKIP_LARGE:-0}" != 1 ]; then
    # The corpus as JSON Lines, repeated to at least LARGE_MB, so that
    # start-up weighs little; every row reads the same file.
    echo "generating a ${LARGE_MB} MB JSONL..." >&2
    mkdir "$TMP/large"
    : >"$TMP/large/in.jsonl"
    while [ "$(size "$TMP/large/in.jsonl")" -lt $((LARGE_MB * 1000000)) ]; do
        cat "$TMP/corpus.jsonl" >>"$TMP/large/in.jsonl"
    done
    large=$(size "$TMP/large/in.jsonl")
    in="'$TMP/large/in.jsonl'"
    rows=(
        "balanced, -j1|$BIN --isolated clean --jsonl -j 1 < $in > /dev/null"
        "balanced, -j2|$BIN --isolated clean --jsonl -j 2 < $in > /dev/null"
        "balanced without the classifier, -j1|$BIN --isolated clean --jsonl -j 1 --ignore content-classifier < $in > /dev/null"
        "safe, -j1|$BIN --isolated clean --jsonl -j 1 --profile safe < $in > /dev/null"
        "reference: Aho-Corasick, all literals, overlapping|$AC '$TMP/large'"
        "reference: read + count lines|$AC '$TMP/large' --lines"
    )
    : >"$TMP/rounds"
    for round in $(seq "$RUNS"); do
        for i in "${!rows[@]}"; do
            cmd=${rows[$i]#*|}
            "$TIME" -f '%e %U %S %M' -o "$TMP/time" sh -c "$cmd" 2>"$TMP/stderr" >"$TMP/stdout" || {
                echo "failed: $cmd" >&2
                cat "$TMP/stderr" >&2
                exit 1
            }
            inproc=$(cat "$TMP/stderr" "$TMP/stdout" 2>/dev/null |
                sed -nE 's/.*(\(|scan alone )([0-9.]+) MB\/s.*/\2/p' | tail -n 1)
            echo "$round $i $(tail -n 1 "$TMP/time") ${inproc:-0}" >>"$TMP/rounds"
        done
    done
    echo
    echo "JSON Lines, $(awk -v b="$large" 'BEGIN {printf "%.1f", b / 1e6}') MB (the corpus repeated to at least ${LARGE_MB} MB), rows interleaved, median of $RUNS rounds:"
    echo
    echo "| run | wall s | CPU s | MB/s | in process MB/s | peak RSS MB |"
    echo "|---|---:|---:|---:|---:|---:|"
    labels=$(for r in "${rows[@]}"; do echo "${r%%|*}"; done)
    awk -v b="$large" -v labels="$labels" '
        function median(list,    v, n, i, j, t) {
            n = split(list, v, " ")
            for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
            return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
        }
        {
            round = $1; row = $2; wall[row] = wall[row] " " $3; cpu[row] = cpu[row] " " ($4 + $5)
            if ($6 > rss[row]) rss[row] = $6
            inproc[row] = inproc[row] " " $7; ip[round, row] = $7; rounds[round] = 1; if (row > last) last = row
        }
        END {
            split(labels, name, "\n")
            for (row = 0; row <= last; row++) {
                w = median(wall[row])
                printf "| %s | %.2f | %.2f | %.1f | %.1f | %.0f |\n", name[row + 1], w, median(cpu[row]), b / 1e6 / (w > 0 ? w : 0.001), median(inproc[row]), rss[row] * 1024 / 1e6
            }
            # Row 0 is balanced -j1, 1 is -j2, 4 the literal scan.
            for (r in rounds) {
                if (ip[r, 0] > 0) { scan = scan " " ip[r, 4] / ip[r, 0]; j2 = j2 " " ip[r, 1] / ip[r, 0] }
            }
            printf "\nIn process, median of the rounds'"'"' ratios: the literal scan is %.2fx balanced -j1; balanced -j2 is %.2fx -j1.\n", median(scan), median(j2)
        }' "$TMP/rounds"
    rm -rf "$TMP/large"
fi

if [ "${SKIP_BIG:-0}" != 1 ]; then
    echo "generating a ${BIG_MB} MB JSONL..." >&2
    : >"$TMP/big.jsonl"
    while [ "$(size "$TMP/big.jsonl")" -lt $((BIG_MB * 1000000)) ]; do
        cat "$TMP/corpus.jsonl" >>"$TMP/big.jsonl"
    done
    echo
    echo "| run | input MB | wall s | CPU s | MB/s | in process MB/s | peak RSS MB |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    measure "JSONL stream, ${BIG_MB} MB, -j2" "$(size "$TMP/big.jsonl")" 1 \
        "$BIN clean --jsonl -j 2 < '$TMP/big.jsonl' > /dev/null"
    rm -f "$TMP/big.jsonl"
fi

if [ "${SKIP_PATHOLOGICAL:-0}" != 1 ]; then
    echo "generating pathological inputs..." >&2
    # 200 MB of page text with the newlines taken out: one line.
    cat "$CORPUS"/* | tr -d '\n' >"$TMP/flat"
    : >"$TMP/noline.txt"
    while [ "$(size "$TMP/noline.txt")" -lt 200000000 ]; do cat "$TMP/flat" >>"$TMP/noline.txt"; done
    # 10 million tiny lines: text, a menu item, a blank, a timestamp.
    # (yes dies of SIGPIPE when head is done: not a failure.)
    (set +o pipefail; yes $'a\nHome\n\n0:00' | head -n 10000000 >"$TMP/tiny.txt")
    # A 1 MB line of page text, repeated 200 times.
    head -c 1000000 "$TMP/flat" >"$TMP/line"
    for _ in $(seq 200); do cat "$TMP/line"; echo; done >"$TMP/repeated.txt"
    rm -f "$TMP/flat" "$TMP/line"
    echo
    echo "| run | input MB | wall s | CPU s | MB/s | in process MB/s | peak RSS MB |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for f in noline tiny repeated; do
        measure "pathological: $f" "$(size "$TMP/$f.txt")" 1 "$BIN clean '$TMP/$f.txt' > /dev/null"
        rm -f "$TMP/$f.txt"
    done
fi
