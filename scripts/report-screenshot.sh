#!/usr/bin/env bash
# Screenshots of the HTML report for the README: the report of the seeds,
# opened in headless Chromium (Debian package chromium).
#
#   scripts/report-screenshot.sh [OUT_PNG]    (default docs/report.png)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/report.png}"
chromium="${DEBOIL_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$chromium" ]; then
    echo "chromium not found: apt-get install chromium" >&2
    exit 2
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cargo build --release --quiet
# Relative paths, so the page shows fixtures/... rather than this machine's paths.
target/release/deboil report fixtures/seeds/input --html "$tmp/report.html"
mkdir -p "$(dirname "$out")"
# The background-networking flags keep Chromium from hanging on refused connections.
timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$tmp/profile" --hide-scrollbars --window-size=1280,1100 \
    --screenshot="$out" "file://$tmp/report.html" 2>/dev/null
echo "wrote $out"
