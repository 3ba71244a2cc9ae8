#!/usr/bin/env bash
# Measures issue 10's speed figures against a release build and appends them to
# benchmarks/results.csv (then redraws benchmarks/chart.svg): seeds a fresh SQLite file with a
# million cases over two years (about 300,000 survey answers) handled by a team of 40 agents, then
# `fairdesk bench reports` times every report unit over its longest default span, an agent's
# scorecard (the same agent, then every agent in turn), the lists behind its longest figures and the
# team's view, 50 times each. With FAIRDESK_BENCH_DIR naming a folder already seeded, the seed is skipped.
# Usage: FAIRDESK_BIN=.build-release/release/fairdesk scripts/bench-reports.sh [cases] [agents]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${FAIRDESK_BIN:-$root/.build-release/release/fairdesk}
cases=${1:-1000000}
agents=${2:-40}
. "$root/scripts/bench-lib.sh"

work=${FAIRDESK_BENCH_DIR:-$(mktemp -d)}
export FAIRDESK_DATA_DIR=$work FAIRDESK_DEMO_PASSWORD=bench-password LOG_LEVEL=warning
if [ ! -f "$work/fairdesk.sqlite" ]; then
  echo "== seed: $cases cases, $agents extra agents into $work"
  start=$(date +%s.%N)
  "$bin" seed --cases "$cases" --customers $((cases * 3 / 10)) --agents "$agents" --seed 1 --anchor "$date"
  record reports_seed_seconds "$(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.1f')" s
fi
echo "== fairdesk bench reports"
out=$("$bin" bench reports --rounds 50 | tee >(cat >&2))
for metric in report_month_24_p99 report_quarter_8_p99 report_year_5_p99 report_day_30_p99 scorecard_30d_p99 \
  scorecard_30d_each_agent_p99 scorecard_list_contacts_p99 scorecard_list_satisfaction_p99 \
  scorecard_list_first_contact_resolution_p99 team_scorecard_30d_p99; do
  line=$(echo "$out" | grep "^RESULT $metric ")
  record "$metric" "$(echo "$line" | awk '{print $3}')" "$(echo "$line" | awk '{print $4}')"
done
echo "== fairdesk reports rebuild (the same million cases counted again from the stored records)"
start=$(date +%s.%N)
"$bin" reports rebuild
record reports_rebuild_seconds "$(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.1f')" s
python3 "$root/scripts/bench_chart.py" "$results" "$root/benchmarks/chart.svg"
