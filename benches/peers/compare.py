"""Run orgsim and SimPy on the same M/M/1 and M/M/16 queues; compare speed and lead times.

Run through compare.sh (it builds orgsim and creates the SimPy virtualenv).
Both tools get the same arrival rate, service rate, servers, horizon, warm-up
and seed; only the replication count differs, so that each tool runs long
enough to be timed. SimPy times env.run() only; orgsim is timed as a whole
process (start, parsing, simulation, statistics, CSV files), which favours SimPy.
"""

import argparse
import datetime
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ORGSIM = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "orgsim"
TARGET_RATIO = 100.0

# name, arrival rate λ, service rate μ, servers c, SimPy replications (M/M/1 at ρ = 0.9
# is noisy but cheap, so it gets more; both take SimPy ~10-30 s)
MODELS = [("M/M/1", 0.9, 1.0, 1, 50), ("M/M/16", 14.4, 1.0, 16, 10)]

SCENARIO = """\
name = "{name}"
[simulation]
warmup = {warmup!r}
horizon = {horizon!r}
replications = {reps}
seed = {seed}
[[workload.streams]]
name = "s"
interarrival = {{ dist = "exponential", mean = {interarrival!r} }}
item = "job"
[workload.items.job]
tasks = [ {{ name = "work", skill = "eng", effort = {{ dist = "exponential", mean = {effort!r} }} }} ]
[organization]
people = {{ eng = {servers} }}
[[topologies]]
name = "matrix"
kind = "matrix"
"""


def erlang_c_lead_time(lam, mu, c):
    """Mean time in system of an M/M/c queue: W = 1/μ + C(c, a)/(cμ − λ), a = λ/μ."""
    a = lam / mu
    top = a**c / math.factorial(c) / (1 - a / c)
    wait_probability = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return 1 / mu + wait_probability / (c * mu - lam)


def run_simpy(lam, mu, c, reps, args):
    cmd = [sys.executable, str(HERE / "simpy_mmc.py"), f"--lam={lam}", f"--mu={mu}",
           f"--servers={c}", f"--horizon={args.horizon}", f"--warmup={args.warmup}",
           f"--reps={reps}", f"--seed={args.seed}"]
    out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    return {"reps": out["reps"], "items": out["items"], "seconds": out["seconds"],
            "items_per_second": out["items_per_second"], "lead_time_mean": out["lead_time_mean"],
            "lead_time_ci_half_width": out["lead_time_ci_half_width"],
            "timed": "env.run() only"}, out["simpy_version"]


def run_orgsim_once(binary, threads, scenario, reps, outdir):
    cmd = [str(binary), "run", str(scenario), f"--reps={reps}", f"--threads={threads}",
           "--no-plots", "--quiet", "--json", f"--out={outdir}"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"orgsim failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    summary = {row["metric"]: row for row in json.loads(proc.stdout)["summary"]
               if row["topology"] == "matrix"}
    lead = summary["lead_time_mean"]
    items = round(summary["completed"]["mean"] * reps)
    return {"reps": reps, "items": items, "seconds": seconds, "items_per_second": items / seconds,
            "lead_time_mean": lead["mean"],
            "lead_time_ci_half_width": (lead["ci_high"] - lead["ci_low"]) / 2,
            "threads": threads, "timed": "whole process"}


def run_orgsim(binary, threads, name, lam, mu, c, reps, args, tmp):
    """Grow the replication count until the whole run takes at least --orgsim-seconds."""
    scenario = tmp / f"{name}.toml"
    scenario.write_text(SCENARIO.format(
        name=name, warmup=args.warmup, horizon=args.horizon, reps=reps,
        seed=args.seed, interarrival=1 / lam, effort=1 / mu, servers=c))
    while True:
        result = run_orgsim_once(binary, threads, scenario, reps, tmp / f"out-{name}")
        if result["seconds"] >= args.orgsim_seconds:
            return result
        reps = math.ceil(reps * 1.5 * args.orgsim_seconds / max(result["seconds"], 0.01))


def compare(label, lam, mu, c, simpy_reps, args, tmp):
    name = label.replace("/", "").lower()
    reps = args.simpy_reps or simpy_reps
    theory = erlang_c_lead_time(lam, mu, c)
    simpy_result, simpy_version = run_simpy(lam, mu, c, reps, args)
    orgsim_result = run_orgsim(ORGSIM, 1, name, lam, mu, c, reps, args, tmp)
    # The same on every core (orgsim's default), and an older build if asked.
    extra = {"orgsim, all cores": run_orgsim(ORGSIM, os.cpu_count(), name, lam, mu, c, reps, args, tmp)}
    if args.baseline:
        extra["baseline, 1 thread"] = run_orgsim(args.baseline, 1, name, lam, mu, c, reps, args, tmp)

    print(f"\n{label}: λ = {lam:g}, μ = {mu:g}, c = {c}, ρ = {lam / (c * mu):.2f}; "
          f"horizon {args.horizon:g} days, warm-up {args.warmup:g}, seed {args.seed}")
    print(f"  {'tool':<8}{'reps':>7}{'items':>12}{'seconds':>9}{'items/s':>13}  mean lead time ± 95% CI")
    for tool, r in (("simpy", simpy_result), ("orgsim", orgsim_result)):
        print(f"  {tool:<8}{r['reps']:>7}{r['items']:>12,}{r['seconds']:>9.2f}{r['items_per_second']:>13,.0f}"
              f"  {r['lead_time_mean']:.4f} ± {r['lead_time_ci_half_width']:.4f}   ({r['timed']})")
    print(f"  {'theory':<49}  {theory:.4f}   (Erlang C)")
    for label_extra, r in extra.items():
        print(f"  {label_extra}: {r['items_per_second']:,.0f} items/s "
              f"({r['items_per_second'] / simpy_result['items_per_second']:.1f}x simpy, "
              f"{r['items_per_second'] / orgsim_result['items_per_second']:.2f}x orgsim on 1 thread), "
              f"mean lead time {r['lead_time_mean']:.4f} ± {r['lead_time_ci_half_width']:.4f}")

    ratio = orgsim_result["items_per_second"] / simpy_result["items_per_second"]
    diff = orgsim_result["lead_time_mean"] - simpy_result["lead_time_mean"]
    combined = math.hypot(orgsim_result["lead_time_ci_half_width"], simpy_result["lead_time_ci_half_width"])
    agree = abs(diff) <= combined
    print(f"  speed: orgsim (1 thread) / simpy = {ratio:.1f}x items per second "
          f"(target >= {TARGET_RATIO:g}x: {'met' if ratio >= TARGET_RATIO else 'NOT met'})")
    print(f"  lead time: orgsim - simpy = {diff:+.4f}, combined half-width {combined:.4f} -> "
          f"{'agree' if agree else 'DIFFER'}")
    vs_theory = {}
    for tool, r in (("simpy", simpy_result), ("orgsim", orgsim_result)):
        d = r["lead_time_mean"] - theory
        vs_theory[tool] = abs(d) <= r["lead_time_ci_half_width"]
        print(f"  lead time: {tool} - theory = {d:+.4f}, half-width {r['lead_time_ci_half_width']:.4f} -> "
              f"{'agree' if vs_theory[tool] else 'DIFFER'}")

    return {"model": label, "lam": lam, "mu": mu, "servers": c, "rho": lam / (c * mu),
            "horizon": args.horizon, "warmup": args.warmup, "seed": args.seed,
            "theory_lead_time": theory, "simpy": simpy_result, "orgsim": orgsim_result,
            "orgsim_other_runs": extra,
            "speed_ratio": ratio, "target_ratio": TARGET_RATIO, "target_met": ratio >= TARGET_RATIO,
            "lead_time_diff": diff, "combined_half_width": combined, "lead_times_agree": agree,
            "simpy_agrees_with_theory": vs_theory["simpy"],
            "orgsim_agrees_with_theory": vs_theory["orgsim"]}, simpy_version


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--horizon", type=float, default=20000.0, help="days, both tools (default 20000)")
    p.add_argument("--warmup", type=float, default=0.0, help="days, both tools (default 0)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--simpy-reps", type=int, help="SimPy replications (default 50 for M/M/1, 10 for M/M/16)")
    p.add_argument("--orgsim-seconds", type=float, default=2.0,
                   help="grow orgsim's replications until its run takes this long (default 2)")
    p.add_argument("--baseline", type=Path,
                   help="an older orgsim binary, measured the same way (1 thread) for a before/after ratio")
    args = p.parse_args()

    with tempfile.TemporaryDirectory(prefix="orgsim-peers-") as tmp:
        rows = [compare(*model, args, Path(tmp)) for model in MODELS]
    orgsim_version = subprocess.run([str(ORGSIM), "--version"], check=True,
                                    capture_output=True, text=True).stdout.strip()
    results = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": platform.machine(), "cpu": cpu_model(), "cpus": os.cpu_count(),
        "python": platform.python_version(), "simpy": rows[0][1], "orgsim": orgsim_version,
        "models": [row for row, _ in rows],
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n{results['orgsim']}, simpy {results['simpy']}, python {results['python']}, "
          f"{results['machine']}, {results['cpu']}; wrote {HERE.relative_to(ROOT)}/results/latest.json")


if __name__ == "__main__":
    main()
