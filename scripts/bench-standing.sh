#!/usr/bin/env bash
# Measures issue 11's speed figures against a release build and appends them to
# benchmarks/results.csv (then redraws benchmarks/chart.svg): seeds a fresh SQLite file with
# drivers and their delivery records (`fairdesk seed-drivers`; an event is one block, package or
# piece of feedback), times `fairdesk drivers recompute` (every counter counted again from the
# records; three times: from a dropped page cache, then at once again twice), then `fairdesk bench
# standing` times everybody's standing at once, one new delivery through the real code path, and
# the hourly sweep.
# Usage: FAIRDESK_BIN=… scripts/bench-standing.sh [drivers] [events] [rounds]
# 50,000,000 events take about 28 GB of disk; set FAIRDESK_BENCH_DIR to keep the database.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${FAIRDESK_BIN:-$root/.build-release/release/fairdesk}
drivers=${1:-100000}
events=${2:-50000000}
rounds=${3:-2000}
. "$root/scripts/bench-lib.sh"

work=${FAIRDESK_BENCH_DIR:-$(mktemp -d)}
export FAIRDESK_DATA_DIR=$work FAIRDESK_DEMO_PASSWORD=bench-password LOG_LEVEL=warning
scale="$((events / 1000000))m"
if [ ! -f "$work/fairdesk.sqlite" ]; then
  echo "== seed: $drivers drivers, $events events into $work"
  "$bin" migrate --yes >/dev/null
  start=$(date +%s.%N)
  "$bin" seed-drivers --drivers "$drivers" --events "$events" --seed 1
  record "standing_seed_seconds_$scale" "$(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.1f')" s
fi
du -sh "$work"
# The recount three times. The first starts with the page cache dropped (when this user may drop
# it), so the indexes it reads come from disk. The next two follow at once: on a machine that keeps
# file pages in memory they find the indexes there. (The benchmark machine's kernel pages out file
# pages nobody touched for about a minute, so the second run still reads part of them again.)
if [ -w /proc/sys/vm/drop_caches ]; then
  sync && echo 3 > /proc/sys/vm/drop_caches
else
  echo "(cannot drop the page cache as $(id -un): the first recount starts with what is cached)"
fi
for run in first again third; do
  echo "== fairdesk drivers recompute ($run run)"
  start=$(date +%s.%N)
  "$bin" drivers recompute
  name=standing_recompute_seconds_$scale
  [ "$run" != first ] && name=standing_recompute_${run}_seconds_$scale
  record "$name" "$(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.1f')" s
done
echo "== fairdesk bench standing"
out=$("$bin" bench standing --rounds "$rounds" | tee >(cat >&2))
for metric in standing_all_seconds standing_delivery_p50 standing_delivery_p99 standing_counters_p50 \
  standing_counters_p99 standing_sweep_seconds standing_sweep_again_seconds; do
  line=$(echo "$out" | grep "^RESULT $metric " || true)
  [ -n "$line" ] && record "${metric}_$scale" "$(echo "$line" | awk '{print $3}')" "$(echo "$line" | awk '{print $4}')"
done
python3 "$root/scripts/bench_chart.py" "$results" "$root/benchmarks/chart.svg"
