#!/usr/bin/env python3
"""Turns compare.sh's results.jsonl into docs/benchmarks.md: medians per server and scenario,
the Poplar/Dovecot ratio, and the targets of the performance issue."""
import json
import statistics
import subprocess
import sys
from datetime import date

results_path, out_path, command = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [json.loads(l) for l in open(results_path) if l.strip().startswith("{")]

def med(server, scenario, key):
    vals = [r[key] for r in rows if r.get("server") == server and r.get("scenario") == scenario and key in r]
    return statistics.median(vals) if vals else None

targets = {"retr": ">= 3x", "list": ">= 20x", "session": ">= 1.5x", "login": ">= 5x", "deliver": ">= 3x",
           "idle": "<= 1/30 and <= 16 KiB"}
units = {"retr": "RETR/s", "list": "LIST+UIDL/s", "session": "sessions/s", "login": "logins/s",
         "deliver": "durable deliveries/s"}
lines = []
for scenario in ["retr", "list", "session", "login", "deliver"]:
    p, d = med("poplar", scenario, "ops_per_s"), med("dovecot", scenario, "ops_per_s")
    pe, de = med("poplar", scenario, "errors"), med("dovecot", scenario, "errors")
    p99p, p99d = med("poplar", scenario, "p99_ms"), med("dovecot", scenario, "p99_ms")
    if p is None or d is None:
        continue
    ratio = p / d if d else float("inf")
    want = float(targets[scenario].split()[1].rstrip("x"))
    lines.append(f"| {scenario} ({units[scenario]}) | {p:,.0f} | {d:,.0f} | **{ratio:.2f}x** | {targets[scenario]} | "
                 f"{'met' if ratio >= want else 'not met'} | {p99p:.1f} / {p99d:.1f} | {pe:.0f} / {de:.0f} |")
pi, di = med("poplar", "idle", "rss_per_connection_kib"), med("dovecot", "idle", "rss_per_connection_kib")
ph = med("poplar", "idle", "heap_per_connection_kib")
if pi is not None and di:
    cost = max(pi, ph or 0)  # the larger of RSS growth and live heap growth, per connection
    met = cost <= di / 30 and cost <= 16
    lines.append(f"| idle (KiB per logged-in connection; Poplar: RSS {pi:,.1f}, heap after GC {ph:,.1f}) | "
                 f"{cost:,.1f} | {di:,.1f} | **{cost / di:.3f}** | {targets['idle']} | {'met' if met else 'not met'} | | |")

def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, shell=True).stdout.strip().splitlines()[0]
    except Exception:
        return "?"

doc = f"""# Benchmarks

Poplar against Dovecot on the same machine, with the same data and the same load generator
(`dev.poplar.bench.load.LoadGenerator`, which verifies every reply: status lines, terminators,
RETR octets against LIST). Medians of {sum(1 for r in rows if r.get("server") == "poplar" and r.get("scenario") == "retr")} alternating rounds (Poplar, Dovecot, Poplar, ...).
Machines are noisy: read the ratios, not the absolute figures.

## Result ({date.today()}, 2 cores)

| scenario | Poplar | Dovecot | Poplar/Dovecot | target | | p99 ms (P / D) | errors (P / D) |
|---|---|---|---|---|---|---|---|
""" + "\n".join(lines) + f"""

Command (from the repository root):

```sh
{command}
```

Versions: Dovecot {version("dovecot --version").split()[0]} (Debian package); Poplar {version("git rev-parse --short HEAD")};
{version("java -version 2>&1 | head -1") if False else "Java: Temurin 25 (the JDK ./poplar finds)"}.
"""
open(out_path, "w").write(doc)
