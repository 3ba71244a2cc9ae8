#!/usr/bin/env bash
# Measures issue 9's speed figure against a release build and appends it to
# benchmarks/results.csv (then redraws benchmarks/chart.svg): `fairdesk bench bot`, the bot's reply
# time over a 10,000-article knowledge base, for every message of the evaluation set, three times
# (alone, as a second turn, alone again).
# Usage: FAIRDESK_BIN=.build/release/fairdesk scripts/bench-bot.sh [articles]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${FAIRDESK_BIN:-$root/.build/release/fairdesk}
articles=${1:-10000}
. "$root/scripts/bench-lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export FAIRDESK_DATA_DIR=$work/data LOG_LEVEL=warning
echo "== fairdesk bench bot --articles $articles"
out=$("$bin" bench bot --articles "$articles" --file "$root/Tests/FairdeskCoreTests/Bot/EvalSet/messages.tsv" \
  | tee >(cat >&2))
for metric in bot_build_seconds bot_reply_p50_ms bot_reply_p99_ms bot_reply_max_ms; do
  line=$(echo "$out" | grep "^RESULT $metric ")
  record "$metric" "$(echo "$line" | awk '{print $3}')" "$(echo "$line" | awk '{print $4}')"
done
python3 "$root/scripts/bench_chart.py" "$results" "$root/benchmarks/chart.svg"
