#!/usr/bin/env bash
# Measures issue 8's speed figure against a release build and appends it to
# benchmarks/results.csv (then redraws benchmarks/chart.svg): `fairdesk ingest-mail --mbox` of a
# 10,000-message mailbox (mixed sizes, about one in seven with attachments; see
# scripts/make-mailbox.py) into a fresh SQLite database.
# Usage: FAIRDESK_BIN=.build/release/fairdesk scripts/bench-mail.sh [messages]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${FAIRDESK_BIN:-$root/.build/release/fairdesk}
count=${1:-10000}
. "$root/scripts/bench-lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== writing a $count-message mailbox"
python3 "$root/scripts/make-mailbox.py" "$count" "$work/mailbox.mbox" 2>/dev/null
export FAIRDESK_DATA_DIR=$work/data
"$bin" migrate -y > /dev/null
echo "== fairdesk ingest-mail --mbox"
out=$("$bin" ingest-mail --mbox "$work/mailbox.mbox" | tee >(cat >&2) | tail -1)
rate=$(echo "$out" | sed -n 's/.*s (\([0-9]*\) a second).*/\1/p')
seconds=$(echo "$out" | sed -n 's/.* in \([0-9.]*\) s (.*/\1/p')
record mail_ingest_per_second "$rate" msg/s
record mail_ingest_seconds "$seconds" s
echo "== reparse of the same messages"
"$bin" reparse | tail -1
python3 "$root/scripts/bench_chart.py" "$results" "$root/benchmarks/chart.svg"
