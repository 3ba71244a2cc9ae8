# Shared by the benchmark scripts: where the results go and how a figure is recorded.
# Sourced, not run. Expects `root` and `bin` to be set; sets `date`, `commit`, `machine`, `results`.
[ -x "$bin" ] || { echo "build first: swift build -c release --product fairdesk" >&2; exit 1; }
date=$(date +%F)
commit=$(git -C "$root" rev-parse --short HEAD)
machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME")"
results=$root/benchmarks/results.csv
[ -f "$results" ] || echo "date,commit,machine,metric,value,unit" > "$results"
# record METRIC VALUE UNIT: appends one figure to benchmarks/results.csv and prints it.
record() { echo "$date,$commit,\"$machine\",$1,$2,$3" >> "$results"; printf '  %-34s %s %s\n' "$1" "$2" "$3"; }
