#!/usr/bin/env bash
# The review workflow on a corpus (issue 4's "done when"): plan the first N
# pages, then for every rule with removals reject it, accept the rest,
# apply, and compare every file with the output rendered from all removals
# but that rule's; also count how often `clean --ignore RULE` differs, and
# check that a file edited after planning is refused and left untouched.
#
#   scripts/review-corpus-check.sh [CORPUS_DIR] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus/wcxb-dev/htmltext}"
limit="${2:-1000}"
DEBOIL_CORPUS="$(cd "$corpus" && pwd)" DEBOIL_CORPUS_LIMIT="$limit" \
    cargo test --release --test it -- --ignored corpus_reject_each_rule_then_apply --nocapture
