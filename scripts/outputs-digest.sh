#!/usr/bin/env bash
# Digest of what deboil writes for a corpus: the cleaned files of `clean`,
# `diff --json`, `plan` (its creation time and absolute paths masked), and
# `clean --jsonl` on the same pages as JSON Lines, for each profile. Run it
# before and after a change that must not alter behaviour (a refactoring, a
# speed-up) and compare the two outputs: any differing line names the
# command and profile whose output changed.
#
#   scripts/outputs-digest.sh [CORPUS_DIR] > digest.txt
#   (default CORPUS_DIR: ../shared/corpus/wcxb-dev/htmltext)
#
# Environment: BIN (default target/release/deboil, built if missing),
# PROFILES (default "safe balanced aggressive").
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=$(realpath "${1:-../shared/corpus/wcxb-dev/htmltext}")
BIN=${BIN:-target/release/deboil}
PROFILES=${PROFILES:-safe balanced aggressive}
[ -d "$CORPUS" ] || { echo "corpus directory not found: $CORPUS" >&2; exit 2; }
if [ ! -x "$BIN" ]; then cargo build --release --quiet --bin deboil --example to_jsonl; fi
JSONL_TOOL=target/release/examples/to_jsonl
[ -x "$JSONL_TOOL" ] || cargo build --release --quiet --example to_jsonl

TMP=$(mktemp -d "${TMPDIR:-/tmp}/deboil-digest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
"$JSONL_TOOL" "$CORPUS" > "$TMP/in.jsonl"

digest() { sha256sum | cut -c1-16; }
for p in $PROFILES; do
    "$BIN" --isolated clean --profile "$p" --quiet "$CORPUS" --out "$TMP/out-$p" >/dev/null 2>&1 || true
    # The output manifest records a fingerprint of the rules (of their
    # Debug form, stable within one version only): digested on its own line.
    echo "clean $p $(cd "$TMP/out-$p" && find . -type f -not -name .deboil-manifest.json -print0 |
        sort -z | xargs -0 sha256sum | digest)"
    echo "manifest $p $(digest <"$TMP/out-$p/.deboil-manifest.json")"
    # diff exits 1 when it finds something to remove.
    { "$BIN" --isolated diff --profile "$p" --json "$CORPUS" 2>/dev/null || [ $? -eq 1 ]; } | digest | sed "s/^/diff-json $p /"
    "$BIN" --isolated plan --profile "$p" --quiet "$CORPUS" -o "$TMP/plan-$p.json" >/dev/null 2>&1 || true
    sed -E -e 's/"(created|created_at|time|timestamp)": *"[^"]*"/"\1":""/g' -e "s#$CORPUS#CORPUS#g" -e 's/"base": *"[^"]*"/"base":""/' \
        "$TMP/plan-$p.json" | digest | sed "s/^/plan $p /"
    "$BIN" --isolated clean --profile "$p" --jsonl --quiet <"$TMP/in.jsonl" 2>/dev/null | digest | sed "s/^/clean-jsonl $p /"
done
