"""Run orgsim and SimPy on the same M/M/1 and M/M/16 queues; compare speed and lead times.

Run through compare.sh (it builds orgsim and creates the SimPy virtualenv).
Both tools get the same arrival rate, service rate, servers, horizon, warm-up
and seed; only the replication count differs, so that each tool runs long
enough to be timed. SimPy times env.run() only; orgsim is timed as a whole
process (start, parsing, simulation, statistics, CSV files), which favours SimPy.

The machine's speed can drift by 10% within minutes, so the measurements are
interleaved: in each of --rounds rounds, SimPy runs its share of the
replications, then each orgsim build once; a tool's items per second are its
items over its seconds summed across the rounds, so drift weighs on every
tool alike, and the spread of the per-round ratios shows how much it moved.
"""

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from simpy_mmc import t975  # compare.sh runs this in the SimPy virtualenv

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


def mean_and_half_width(values):
    """Mean and Student-t 95% half-width of `values`, as simpy_mmc.py computes them."""
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, float("nan")
    return mean, t975(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))


def run_simpy_chunk(lam, mu, c, first, reps, args):
    """SimPy replications first..first+reps-1 (replication r uses seed + r)."""
    cmd = [sys.executable, str(HERE / "simpy_mmc.py"), f"--lam={lam}", f"--mu={mu}",
           f"--servers={c}", f"--horizon={args.horizon}", f"--warmup={args.warmup}",
           f"--reps={reps}", f"--seed={args.seed + first}"]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def combine_simpy(chunks):
    """One result from the chunks of SimPy's replications."""
    means = [m for chunk in chunks for m in chunk["replication_means"]]
    items = sum(chunk["items"] for chunk in chunks)
    seconds = sum(chunk["seconds"] for chunk in chunks)
    mean, half = mean_and_half_width(means)
    return {"reps": len(means), "items": items, "seconds": seconds,
            "items_per_second": items / seconds, "lead_time_mean": mean,
            "lead_time_ci_half_width": half, "timed": "env.run() only"}


def combine_orgsim(runs):
    """One result from the rounds of the same orgsim run (same replications,
    so the same lead times; replications, items and seconds summed)."""
    items = sum(r["items"] for r in runs)
    seconds = sum(r["seconds"] for r in runs)
    return dict(runs[-1], reps=sum(r["reps"] for r in runs), reps_per_run=runs[-1]["reps"],
                items=items, seconds=seconds, items_per_second=items / seconds, rounds=len(runs))


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


def orgsim_scenario(name, lam, mu, c, reps, args, tmp):
    scenario = tmp / f"{name}.toml"
    scenario.write_text(SCENARIO.format(
        name=name, warmup=args.warmup, horizon=args.horizon, reps=reps,
        seed=args.seed, interarrival=1 / lam, effort=1 / mu, servers=c))
    return scenario


def orgsim_reps(binary, threads, scenario, reps, args, outdir):
    """The replication count at which one run takes at least --orgsim-seconds
    (trial runs, not counted)."""
    while True:
        result = run_orgsim_once(binary, threads, scenario, reps, outdir)
        if result["seconds"] >= args.orgsim_seconds:
            return reps
        reps = math.ceil(reps * 1.5 * args.orgsim_seconds / max(result["seconds"], 0.01))


def compare(label, lam, mu, c, simpy_reps, args, tmp):
    name = label.replace("/", "").lower()
    reps = args.simpy_reps or simpy_reps
    theory = erlang_c_lead_time(lam, mu, c)
    scenario = orgsim_scenario(name, lam, mu, c, reps, args, tmp)
    outdir = tmp / f"out-{name}"
    # orgsim on one thread, on every core (its default), and an older build if asked.
    builds = {"orgsim": (ORGSIM, 1), "orgsim, all cores": (ORGSIM, os.cpu_count())}
    if args.baseline:
        builds["baseline, 1 thread"] = (args.baseline, 1)
    build_reps = {k: orgsim_reps(b, t, scenario, reps, args, outdir) for k, (b, t) in builds.items()}
    rounds = max(1, min(args.rounds, reps))
    chunks, runs = [], {k: [] for k in builds}
    for k in range(rounds):
        first, last = reps * k // rounds, reps * (k + 1) // rounds
        chunks.append(run_simpy_chunk(lam, mu, c, first, last - first, args))
        for key, (binary, threads) in builds.items():
            runs[key].append(run_orgsim_once(binary, threads, scenario, build_reps[key], outdir))
    simpy_version = chunks[0]["simpy_version"]
    simpy_result = combine_simpy(chunks)
    extra = {key: combine_orgsim(r) for key, r in runs.items()}
    orgsim_result = extra.pop("orgsim")
    per_round = [runs["orgsim"][k]["items_per_second"] / (chunks[k]["items"] / chunks[k]["seconds"])
                 for k in range(rounds)]

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
    print(f"  {rounds} interleaved rounds; orgsim (1 thread) / simpy per round: "
          + ", ".join(f"{r:.1f}x" for r in per_round))
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
            "orgsim_other_runs": extra, "rounds": rounds, "speed_ratio_per_round": per_round,
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
    p.add_argument("--rounds", type=int, default=3,
                   help="interleaved rounds of SimPy and orgsim runs (default 3)")
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
