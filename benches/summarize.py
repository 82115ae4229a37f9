#!/usr/bin/env python3
"""Prints the medians of the last `cargo bench` run (criterion's
target/criterion/**/new/estimates.json) as one table, with throughput where
the benchmark declares one, so that ratios can be read off one run.

Usage: python3 benches/summarize.py [FILTER] [CRITERION_DIR]
(CRITERION_DIR defaults to target/criterion; pass another one, e.g. the
target/criterion of an older checkout, to read its run.)
"""
import json
import pathlib
import sys

default = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"
wanted = sys.argv[1] if len(sys.argv) > 1 else ""
root = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else default
rows = []
for est in sorted(root.glob("**/new/estimates.json")):
    bench = json.loads((est.parent / "benchmark.json").read_text())
    name = bench["full_id"]
    if wanted not in name:
        continue
    median_ns = json.loads(est.read_text())["median"]["point_estimate"]
    tp = bench.get("throughput") or {}
    elements = tp.get("Elements")
    rate = f"{elements / median_ns * 1e3:10.3f} M/s" if elements else ""
    rows.append((name, median_ns, rate))
width = max((len(r[0]) for r in rows), default=10)
for name, ns, rate in rows:
    print(f"{name:<{width}}  {ns / 1e6:12.4f} ms  {rate}")
