#!/usr/bin/env bash
# Fairdesk benchmarks (issue 3): seed a million cases on SQLite, then measure the customer timeline
# and the agent inbox (latency percentiles) and inbound message creation (requests per second)
# against a release build on loopback. Appends the figures to benchmarks/results.csv and redraws
# benchmarks/chart.svg. Needs wrk (apt-get install wrk).
#
#   scripts/bench.sh [cases]        # default 1000000
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cases=${1:-1000000}
customers=$((cases * 3 / 10))
bin=${FAIRDESK_BIN:-$root/.build-release/release/fairdesk}
[ -x "$bin" ] || { echo "build first: swift build -c release --scratch-path .build-release --product fairdesk" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
work=${FAIRDESK_BENCH_DIR:-$(mktemp -d)}
port=18080
export FAIRDESK_DATA_DIR=$work FAIRDESK_PORT=$port FAIRDESK_DEMO_PASSWORD=bench-password LOG_LEVEL=warning
date=$(date -u +%Y-%m-%d)
# The commit the binary was built from (its own checkout), not necessarily this one's.
commit=$(git -C "$(dirname "$bin")" rev-parse --short HEAD 2>/dev/null || git -C "$root" rev-parse --short HEAD)
machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME")"
results=$root/benchmarks/results.csv
[ -f "$results" ] || echo "date,commit,machine,metric,value,unit" > "$results"
record() { echo "$date,$commit,\"$machine\",$1,$2,$3" >> "$results"; printf '  %-34s %s %s\n' "$1" "$2" "$3"; }
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; true' EXIT

echo "== seed: $customers customers, $cases cases into $work"
start=$(date +%s.%N)
"$bin" seed --customers "$customers" --cases "$cases" --seed 1 --anchor "$date"
record seed_seconds "$(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.1f')" s

echo "== serve"
"$bin" serve > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do curl -sf "localhost:$port/health" >/dev/null && break; sleep 0.5; done
token=$(curl -sf -XPOST "localhost:$port/api/v1/auth/tokens" -H 'content-type: application/json' \
  -d '{"email":"agent@fairdesk.example","password":"bench-password"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
auth="Authorization: Bearer $token"
# A customer with several cases: the busiest one in the agent's inbox.
customer=$(curl -sf "localhost:$port/api/v1/cases?limit=1&status=closed" -H "$auth" | python3 -c 'import sys,json;print(json.load(sys.stdin)["items"][0]["customerId"])')

p99() { awk '/ 99%/{v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}'; }
rps() { awk '/Requests\/sec/{printf "%.0f", $2}'; }

echo "== customer timeline, 10 s, 2 connections (one per core)"
out=$(wrk -t2 -c2 -d10s --latency -H "$auth" "http://127.0.0.1:$port/api/v1/customers/$customer/timeline")
echo "$out" | grep -E "Latency|99%|Requests/sec|Non-2xx" || true
record timeline_p99_ms_2conn "$(echo "$out" | p99)" ms

echo "== agent inbox, 10 s, 2 connections (one per core)"
out=$(wrk -t2 -c2 -d10s --latency -H "$auth" "http://127.0.0.1:$port/api/v1/cases?limit=50")
echo "$out" | grep -E "Latency|99%|Requests/sec|Non-2xx" || true
record inbox_p99_ms_2conn "$(echo "$out" | p99)" ms

echo "== customer timeline, 20 s, 8 connections"
out=$(wrk -t2 -c8 -d20s --latency -H "$auth" "http://127.0.0.1:$port/api/v1/customers/$customer/timeline")
echo "$out" | grep -E "Latency|99%|Requests/sec|Non-2xx" || true
record timeline_p99_ms "$(echo "$out" | p99)" ms
record timeline_rps "$(echo "$out" | rps)" req/s

echo "== agent inbox (newest 50 of their queues), 20 s, 8 connections"
out=$(wrk -t2 -c8 -d20s --latency -H "$auth" "http://127.0.0.1:$port/api/v1/cases?limit=50")
echo "$out" | grep -E "Latency|99%|Requests/sec|Non-2xx" || true
record inbox_p99_ms "$(echo "$out" | p99)" ms
record inbox_rps "$(echo "$out" | rps)" req/s

echo "== inbound messages, 20 s, 16 connections"
out=$(FAIRDESK_TOKEN=$token wrk -t2 -c16 -d20s --latency -s "$root/benchmarks/inbound.lua" "http://127.0.0.1:$port")
echo "$out" | grep -E "Latency|99%|Requests/sec|Non-2xx|non-2xx" || true
record inbound_rps "$(echo "$out" | rps)" req/s
record inbound_p99_ms "$(echo "$out" | p99)" ms
# The bot answers each new email conversation after the message is stored (docs/bot.md): how many
# answers were still to write when the load stopped, and how long the bot took to catch up.
if command -v sqlite3 >/dev/null; then
  pending() { sqlite3 "$work/fairdesk.sqlite" "SELECT COUNT(*) FROM bot_pending"; }
  left=$(pending)
  start=$(date +%s.%N)
  while [ "$(pending)" != 0 ]; do sleep 0.2; done
  record bot_pending_at_end "$left" messages
  record bot_catch_up_seconds "$(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.1f')" s
  # The bot's emails go out through the job queue (held here: no mail server); let the worker
  # finish them, so the next measurement does not pay for this one's leftovers.
  while [ "$(sqlite3 "$work/fairdesk.sqlite" "SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'")" != 0 ]; do sleep 0.2; done
else
  echo "  (sqlite3 is not installed: apt-get install -y sqlite3 to measure how far the bot lagged)"
fi

kill $server; wait $server 2>/dev/null || true; server=""

# The same load with the bot switched off (FAIRDESK_BOT=off): what storing a message costs on its
# own, without the bot's answers taking turns at the database (run after the first, so more of the
# addresses are returning customers).
echo "== inbound messages with the bot off, 20 s, 16 connections"
FAIRDESK_BOT=off "$bin" serve > "$work/serve-nobot.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do curl -sf "localhost:$port/health" >/dev/null && break; sleep 0.5; done
out=$(FAIRDESK_TOKEN=$token wrk -t2 -c16 -d20s --latency -s "$root/benchmarks/inbound.lua" "http://127.0.0.1:$port")
echo "$out" | grep -E "Latency|99%|Requests/sec|Non-2xx|non-2xx" || true
record inbound_bot_off_rps "$(echo "$out" | rps)" req/s
record inbound_bot_off_p99_ms "$(echo "$out" | p99)" ms
kill $server; wait $server 2>/dev/null || true; server=""

python3 "$root/scripts/bench_chart.py" "$results" "$root/benchmarks/chart.svg"
echo "figures appended to $results; chart in benchmarks/chart.svg"
