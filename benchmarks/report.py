#!/usr/bin/env python3
"""Turns compare.sh's results.jsonl into the results section of docs/benchmarks.md (medians per
server and scenario, the Poplar/Dovecot ratio against the performance targets) and SVG charts.

    report.py RESULTS.jsonl OUT.md CHART_DIR "COMMAND"

OUT.md keeps everything outside the markers below (the hand-written analysis); a file without
them gets the generated section alone. Charts: CHART_DIR/advantage.svg, CHART_DIR/throughput.svg.
"""
import json
import os
import statistics
import subprocess
import sys
from datetime import date

BEGIN, END = "<!-- compare.sh results: begin -->", "<!-- compare.sh results: end -->"
results_path, out_path, chart_dir, command = sys.argv[1:5]
rows = [json.loads(l) for l in open(results_path) if l.strip().startswith("{")]

def med(server, scenario, key):
    vals = [r[key] for r in rows if r.get("server") == server and r.get("scenario") == scenario and key in r]
    return statistics.median(vals) if vals else None

def rounds(scenario):
    return sum(1 for r in rows if r.get("server") == "poplar" and r.get("scenario") == scenario)

# target: Poplar/Dovecot for throughput (higher is better); idle: how many times less memory.
targets = {"retr": 3, "list": 20, "session": 1.5, "login": 5, "deliver": 3, "idle": 30}
units = {"retr": "RETR/s", "list": "LIST+UIDL/s", "session": "sessions/s", "login": "logins/s",
         "deliver": "durable deliveries/s"}
lines, bars, pairs = [], [], []
for scenario in ["retr", "list", "session", "login", "deliver"]:
    p, d = med("poplar", scenario, "ops_per_s"), med("dovecot", scenario, "ops_per_s")
    if p is None or d is None:
        continue
    pe, de = med("poplar", scenario, "errors"), med("dovecot", scenario, "errors")
    p99p, p99d = med("poplar", scenario, "p99_ms"), med("dovecot", scenario, "p99_ms")
    ratio = p / d if d else float("inf")
    want = targets[scenario]
    lines.append(f"| {scenario} ({units[scenario]}) | {p:,.0f} | {d:,.0f} | **{ratio:.2f}x** | >= {want}x | "
                 f"{'met' if ratio >= want else 'not met'} | {p99p:.1f} / {p99d:.1f} | {pe:.0f} / {de:.0f} | {rounds(scenario)} |")
    bars.append((scenario, ratio, want))
    pairs.append((f"{scenario} ({units[scenario]})", p, d))
pi, di = med("poplar", "idle", "rss_per_connection_kib"), med("dovecot", "idle", "rss_per_connection_kib")
ph = med("poplar", "idle", "heap_per_connection_kib")
if pi is not None and di:
    # compare.sh pre-touches Poplar's fixed heap, so its RSS growth is memory outside the heap;
    # the cost of a connection is that plus the growth of the live heap (after a full GC).
    cost = pi + (ph or 0)
    met = cost <= di / 30 and cost <= 16
    conns = med("poplar", "idle", "connections")
    lines.append(f"| idle (KiB per logged-in connection, {conns:,.0f} held; Poplar: {ph:,.1f} live heap + {pi:,.1f} outside it) | "
                 f"{cost:,.1f} | {di:,.1f} | **1/{di / cost:.0f}** | <= 1/30 and <= 16 KiB | {'met' if met else 'not met'} | | | {rounds('idle')} |")
    bars.append(("idle (memory)", di / cost, 30))
    pairs.append(("idle (KiB per connection, lower is better)", cost, di))

def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, shell=True).stdout.strip().splitlines()[0]
    except Exception:
        return "?"

def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

def advantage_svg():
    """Poplar's advantage per scenario on a log scale, with the target marked."""
    import math
    w, left, row, top = 640, 130, 34, 56
    h = top + row * len(bars) + 30
    top_value = max([b[1] for b in bars] + [b[2] for b in bars] + [2]) * 1.3
    x = lambda v: left + (w - left - 70) * math.log10(max(v, 1)) / math.log10(top_value)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<text x="{left}" y="20" font-weight="bold">Poplar vs Dovecot: times faster (idle: times less memory), log scale</text>']
    for tick in [1, 2, 5, 10, 20, 50, 100, 200, 500]:
        if tick <= top_value:
            out.append(f'<line x1="{x(tick):.1f}" y1="{top - 8}" x2="{x(tick):.1f}" y2="{h - 25}" stroke="#ddd"/>'
                       f'<text x="{x(tick):.1f}" y="{h - 10}" text-anchor="middle" fill="#666">{tick}x</text>')
    for i, (name, value, want) in enumerate(bars):
        y = top + i * row
        colour = "#2a9d4b" if value >= want else "#d9822b"
        out.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{esc(name)}</text>'
                   f'<rect x="{left}" y="{y + 3}" width="{max(x(value) - left, 1):.1f}" height="16" fill="{colour}"/>'
                   f'<text x="{x(value) + 4:.1f}" y="{y + 15}">{value:.1f}x</text>'
                   f'<line x1="{x(want):.1f}" y1="{y}" x2="{x(want):.1f}" y2="{y + 22}" stroke="#000" stroke-width="2"/>')
    out.append(f'<text x="{left}" y="36" fill="#444">black tick: target; green: met, orange: not met</text></svg>')
    return "\n".join(out)

def throughput_svg():
    """Absolute medians, Poplar and Dovecot side by side, each scenario on its own scale."""
    w, left, row, top = 640, 20, 62, 30
    h = top + row * len(pairs)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           '<text x="20" y="18" font-weight="bold">Medians per scenario (each on its own scale)</text>']
    for i, (name, p, d) in enumerate(pairs):
        y, top_value = top + i * row, max(p, d) or 1
        out.append(f'<text x="{left}" y="{y + 12}">{esc(name)}</text>')
        for j, (label, v, colour) in enumerate([("Poplar", p, "#2a6f9d"), ("Dovecot", d, "#999")]):
            by = y + 18 + j * 18
            width = (w - 200) * v / top_value
            out.append(f'<text x="{left + 60}" y="{by + 12}" text-anchor="end" fill="#444">{label}</text>'
                       f'<rect x="{left + 66}" y="{by + 2}" width="{max(width, 1):.1f}" height="14" fill="{colour}"/>'
                       f'<text x="{left + 70 + width:.1f}" y="{by + 13}">{v:,.1f}</text>')
    out.append("</svg>")
    return "\n".join(out)

os.makedirs(chart_dir, exist_ok=True)
open(os.path.join(chart_dir, "advantage.svg"), "w").write(advantage_svg())
open(os.path.join(chart_dir, "throughput.svg"), "w").write(throughput_svg())
rel = os.path.relpath(chart_dir, os.path.dirname(os.path.abspath(out_path)))

section = f"""{BEGIN}
## Result ({date.today()}, {os.cpu_count()} cores; generated by benchmarks/report.py)

| scenario | Poplar | Dovecot | Poplar/Dovecot | target | | p99 ms (P / D) | errors (P / D) | rounds |
|---|---|---|---|---|---|---|---|---|
""" + "\n".join(lines) + f"""

![Poplar's advantage per scenario against its target]({rel}/advantage.svg)
![Medians per scenario]({rel}/throughput.svg)

Command (from the repository root):

```sh
{command}
```

Versions: Dovecot {version("dovecot --version").split()[0]} (Debian package); Poplar {version("git rev-parse --short HEAD")};
Java: {version("$(./poplar mvn -v 2>/dev/null | sed -n 's/.*runtime: //p')/bin/java -version 2>&1 | head -1")}.
{END}"""

if os.path.exists(out_path) and BEGIN in open(out_path).read():
    doc = open(out_path).read()
    doc = doc[:doc.index(BEGIN)] + section + doc[doc.index(END) + len(END):]
else:
    doc = "# Benchmarks\n\n" + section + "\n"
open(out_path, "w").write(doc)
