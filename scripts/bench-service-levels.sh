#!/usr/bin/env bash
# Measures issue 5's speed figures against a release build and appends them to
# benchmarks/results.csv (then redraws benchmarks/chart.svg):
#   1. Router.chooseAgent among 10,000 online agents (domain rule, no database);
#   2. one SLA sweep of 1,000 due clocks with 100,000 and with 1,000,000 cases on SQLite;
#   3. no-op jobs per second through the job table on PostgreSQL with two `fairdesk worker`s.
# Usage: FAIRDESK_BIN=.build/release/fairdesk scripts/bench-service-levels.sh [small] [large]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${FAIRDESK_BIN:-$root/.build/release/fairdesk}
[ -x "$bin" ] || { echo "build first: swift build -c release --product fairdesk" >&2; exit 1; }
small=${1:-100000}
large=${2:-1000000}
date=$(date +%F)
commit=$(git -C "$root" rev-parse --short HEAD)
machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME")"
results=$root/benchmarks/results.csv
[ -f "$results" ] || echo "date,commit,machine,metric,value,unit" > "$results"
record() { echo "$date,$commit,\"$machine\",$1,$2,$3" >> "$results"; printf '  %-34s %s %s\n' "$1" "$2" "$3"; }
value() { awk -v name="$1" '$1 == "RESULT" && $2 == name { print $3 }'; }

echo "== routing: choose an agent among 10,000"
out=$("$bin" bench routing --agents 10000 --rounds 20000)
echo "$out"
record routing_choose_p50_us "$(echo "$out" | value routing_choose_p50)" us
record routing_choose_p99_us "$(echo "$out" | value routing_choose_p99)" us

for size in "$small" "$large"; do
  work=$(mktemp -d)
  label=$([ "$size" = "$large" ] && echo 1m || echo 100k)
  echo "== SLA sweep with $size cases ($work)"
  FAIRDESK_DATA_DIR=$work FAIRDESK_DEMO_PASSWORD=bench-password "$bin" seed --cases "$size" --customers $((size / 3)) --seed 1 | tail -3
  out=$(FAIRDESK_DATA_DIR=$work "$bin" bench sla --due 1000)
  echo "$out"
  record "sla_running_clocks_$label" "$(echo "$out" | value sla_sweep_open_cases)" clocks
  record "sla_sweep_seconds_$label" "$(echo "$out" | value sla_sweep_seconds)" s
  record "sla_sweep_ms_per_clock_$label" "$(echo "$out" | value sla_sweep_per_clock)" ms
  rm -rf "$work"
done

echo "== jobs on PostgreSQL, two workers"
base=$("$root/scripts/test-postgres.sh" start | tail -1)
admin_url=${base%%\?*}
psql "$admin_url" -qc "DROP DATABASE IF EXISTS fairdesk_bench" -c "CREATE DATABASE fairdesk_bench"
url=${admin_url%/*}/fairdesk_bench?sslmode=disable
DATABASE_URL=$url "$bin" migrate --yes >/dev/null
DATABASE_URL=$url FAIRDESK_JOB_BATCH=200 FAIRDESK_JOB_POLL_MS=20 "$bin" worker > /tmp/fairdesk-worker-1.log 2>&1 &
w1=$!
DATABASE_URL=$url FAIRDESK_JOB_BATCH=200 FAIRDESK_JOB_POLL_MS=20 "$bin" worker > /tmp/fairdesk-worker-2.log 2>&1 &
w2=$!
trap 'kill $w1 $w2 2>/dev/null || true' EXIT
sleep 2
out=$(DATABASE_URL=$url "$bin" bench jobs --count 50000)
echo "$out" | tail -3
record jobs_per_second "$(echo "$out" | value jobs_per_second)" jobs/s
kill -INT $w1 $w2; wait $w1 $w2 || true
tail -n 1 /tmp/fairdesk-worker-1.log /tmp/fairdesk-worker-2.log

python3 "$root/scripts/bench_chart.py" "$results" "$root/benchmarks/chart.svg"
echo "Recorded in $results; chart in benchmarks/chart.svg"
