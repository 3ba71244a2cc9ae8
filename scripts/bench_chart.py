#!/usr/bin/env python3
"""Draws benchmarks/results.csv as an SVG: one panel per figure, one point per run, with the
target the issue sets drawn as a dashed line. Plain Python, no plotting library needed.

    python3 scripts/bench_chart.py benchmarks/results.csv benchmarks/chart.svg
"""
import csv
import sys
from html import escape

# metric: (title, target, whether lower is better)
PANELS = {
    "seed_seconds": ("Seed 1,000,000 cases (s)", 300, True),
    "timeline_p99_ms": ("Customer timeline p99 (ms)", 20, True),
    "inbox_p99_ms": ("Agent inbox p99 (ms)", 20, True),
    "inbound_rps": ("Inbound messages (req/s)", 1000, False),
    "inbound_bot_off_rps": ("Inbound messages, bot off (req/s)", 1000, False),
    "routing_choose_p99_us": ("Choose an agent among 10,000, p99 (µs)", 1000, True),
    "jobs_per_second": ("No-op jobs, PostgreSQL, 2 workers (jobs/s)", 2000, False),
    # A minute's worth of due clocks must be handled within the minute, at any total.
    "sla_sweep_seconds_100k": ("SLA sweep, 1,000 due of 100k open (s)", 60, True),
    "sla_sweep_seconds_1m": ("SLA sweep, 1,000 due of 1M open (s)", 60, True),
    "mail_ingest_per_second": ("Mail ingest, 10,000-message mbox, SQLite (msg/s)", 500, False),
    "bot_reply_p99_ms": ("Bot reply, 10,000 articles, p99 (ms)", 5, True),
    "report_month_24_p99": ("Report, 24 months by month, 1M cases, p99 (ms)", 200, True),
    "report_year_5_p99": ("Report, 5 years by year, 1M cases, p99 (ms)", 200, True),
    "scorecard_30d_p99": ("Agent scorecard, 30 days, 1M cases, p99 (ms)", 50, True),
    "scorecard_30d_each_agent_p99": ("Every agent's scorecard in turn, p99 (ms)", 50, True),
    "standing_recompute_seconds_10m": ("Recount all standing, 10M events, SQLite (s)", 60, True),
    "standing_counters_p99_10m": ("One delivery into counters, 10M events, p99 (ms)", 1, True),
    "standing_recompute_seconds_50m": ("Recount, 50M events, first run (s)", 60, True),
    "standing_recompute_again_seconds_50m": ("Recount, 50M events, again (s)", 60, True),
    "standing_recompute_third_seconds_50m": ("Recount, 50M events, third run (s)", 60, True),
    "standing_all_seconds_50m": ("Standing of 100k drivers from counters, 50M events (s)", 60, True),
    "standing_counters_p50_50m": ("One new delivery's standing update, 50M, p50 (ms)", 1, True),
}
W, H, PAD = 360, 220, 44


def panel(x0, y0, title, target, lower_better, points):
    out = [f'<g transform="translate({x0},{y0})">',
           f'<rect width="{W}" height="{H}" fill="#fff" stroke="#ccc"/>',
           f'<text x="{W/2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">{escape(title)}</text>']
    values = [v for _, v in points]
    top = max(values + [target]) * 1.15 or 1
    def sy(v):
        return H - PAD + 10 - (v / top) * (H - PAD - 20)
    def sx(i):
        n = max(len(points) - 1, 1)
        return PAD + 16 + i * (W - PAD - 48) / n if len(points) > 1 else (W + PAD) / 2
    for frac in (0, 0.5, 1):
        v = top * frac
        out.append(f'<text x="{PAD-6}" y="{sy(v)+4:.1f}" text-anchor="end" font-size="10" fill="#666">{v:.0f}</text>')
        out.append(f'<line x1="{PAD}" x2="{W-8}" y1="{sy(v):.1f}" y2="{sy(v):.1f}" stroke="#eee"/>')
    out.append(f'<line x1="{PAD}" x2="{W-8}" y1="{sy(target):.1f}" y2="{sy(target):.1f}" stroke="#c0392b" stroke-dasharray="5,4"/>')
    out.append(f'<text x="{W-10}" y="{sy(target)-4:.1f}" text-anchor="end" font-size="10" fill="#c0392b">target {target}</text>')
    coords = [(sx(i), sy(v)) for i, (_, v) in enumerate(points)]
    if len(coords) > 1:
        out.append('<polyline fill="none" stroke="#2c7be5" stroke-width="2" points="' +
                   " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
    for (label, v), (x, y) in zip(points, coords):
        ok = v <= target if lower_better else v >= target
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{"#27ae60" if ok else "#c0392b"}"/>')
        out.append(f'<text x="{x:.1f}" y="{y-8:.1f}" text-anchor="middle" font-size="10">{v:g}</text>')
        out.append(f'<text x="{x:.1f}" y="{H-8}" text-anchor="middle" font-size="9" fill="#666">{escape(label)}</text>')
    out.append('</g>')
    return "\n".join(out)


def main(src, dst):
    runs = {}
    with open(src) as f:
        for row in csv.DictReader(f):
            runs.setdefault(row["metric"], []).append((row["commit"], float(row["value"])))
    parts = []
    for i, (metric, (title, target, lower)) in enumerate(PANELS.items()):
        points = runs.get(metric, [])[-8:]
        if points:
            parts.append(panel(10 + (i % 2) * (W + 10), 10 + (i // 2) * (H + 10), title, target, lower, points))
    rows = (len(PANELS) + 1) // 2
    width, height = 2 * W + 30, rows * (H + 10) + 10
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif">'
           f'<rect width="100%" height="100%" fill="#fafafa"/>' + "\n".join(parts) + "</svg>\n")
    with open(dst, "w") as f:
        f.write(svg)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
