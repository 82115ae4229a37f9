"""Run orgsim and its SimPy peer (simpy_full.py) on the full model; compare means and speed.

Run through compare_full.sh (it builds orgsim and creates the SimPy virtualenv).
Both tools read the same scenario (full-model.toml by default), with its
warm-up, horizon and seed; only the replication count differs.

Agreement: for each topology and metric, the two means are compared by a
two-sample Welch t test (the tools' replications are independent: different
generators, so no pairing), each at the 95% level, and the whole family at
95% by Bonferroni (a metric DIFFERs at the family level when its p-value is
below 0.05 / the number of tests).

Speed: items completed in the window per second of CPU time (user + system)
of one core. SimPy is timed around env.run() only; orgsim as a whole process
(`orgsim run --threads 1 --depends off --no-plots --json`: start, parsing,
the capacity analysis, the simulation, the statistics and the CSV files),
which favours SimPy. CPU time rather than wall clock, because the machine
is shared: a process waiting for a core is not charged. The runs are
interleaved in --rounds rounds (SimPy's share of its replications, then
orgsim once), so a slow spell weighs on both alike.
"""

import argparse
import datetime
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from simpy_full import METRICS
from simpy_mmc import t975

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ORGSIM = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "orgsim"
TARGET_RATIO = 100.0
FAMILY_LEVEL = 0.05


def student_t_sf(t, df):
    """P(T > t) for Student's t with `df` degrees of freedom (t >= 0), by the
    regularized incomplete beta function: P(T > t) = I_x(df/2, 1/2) / 2,
    x = df / (df + t^2)."""
    x = df / (df + t * t)
    return 0.5 * incomplete_beta(x, df / 2, 0.5)


def incomplete_beta(x, a, b):
    """Regularized incomplete beta I_x(a, b), by Lentz's continued fraction
    (Numerical Recipes, betacf)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                     + a * math.log(x) + b * math.log1p(-x))
    if x > (a + 1) / (a + b + 2):
        return 1.0 - incomplete_beta(1 - x, b, a)
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        for num in (m * (b - m) * x / ((a + m2 - 1) * (a + m2)),
                    -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-14:
            break
    return front * h / a


def welch(m1, s1, n1, m2, s2, n2):
    """Difference m1 - m2, its 95% half-width and the two-sided p-value of Welch's test."""
    v1, v2 = s1 * s1 / n1, s2 * s2 / n2
    se = math.sqrt(v1 + v2)
    if se == 0:
        return m1 - m2, 0.0, 1.0 if m1 == m2 else 0.0
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    t = abs(m1 - m2) / se
    return m1 - m2, t975(max(1, math.floor(df))) * se, 2 * student_t_sf(t, df)


def poisson_arrivals(scenario):
    """λ·horizon summed over the streams when every stream is Poisson (an
    exponential interarrival time), else None."""
    sc = tomllib.loads(Path(scenario).read_text())
    load = sc["workload"].get("load", 1.0)
    gaps = [st.get("interarrival") for st in sc["workload"]["streams"]]
    if not all(isinstance(g, dict) and g.get("dist") == "exponential" for g in gaps):
        return None
    return sum(load / g["mean"] for g in gaps) * sc.get("simulation", {}).get("horizon", 500)


def cpu_seconds_of_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_simpy(scenario, first, reps, seed):
    cmd = [sys.executable, str(HERE / "simpy_full.py"), f"--scenario={scenario}",
           f"--first={first}", f"--reps={reps}"] + ([f"--seed={seed}"] if seed is not None else [])
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def run_orgsim(binary, scenario, reps, seed, outdir):
    cmd = [str(binary), "run", str(scenario), f"--reps={reps}", "--threads=1", "--depends=off",
           "--no-plots", "--quiet", "--json", f"--out={outdir}"] + ([f"--seed={seed}"] if seed is not None else [])
    before, start = cpu_seconds_of_children(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - start, cpu_seconds_of_children() - before
    if proc.returncode != 0:
        sys.exit(f"orgsim failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    summary = {}
    for row in json.loads(proc.stdout)["summary"]:
        if row["metric"] in METRICS:
            summary.setdefault(row["topology"], {})[row["metric"]] = row
    items = sum(round(t["completed"]["mean"] * t["completed"]["n"]) for t in summary.values())
    return {"reps": reps, "items": items, "cpu_seconds": cpu, "wall_seconds": wall, "summary": summary}


def orgsim_reps(binary, scenario, reps, seed, outdir, seconds):
    """Replications at which one orgsim run takes at least `seconds` of CPU (trial runs, not counted)."""
    while True:
        r = run_orgsim(binary, scenario, reps, seed, outdir)
        if r["cpu_seconds"] >= seconds:
            return reps
        reps = math.ceil(reps * 1.3 * seconds / max(r["cpu_seconds"], 0.01))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scenario", type=Path, default=HERE / "full-model.toml")
    p.add_argument("--seed", type=int, help="master seed of both tools (default: the scenario's)")
    p.add_argument("--simpy-reps", type=int, default=120, help="SimPy replications per topology (default 120)")
    p.add_argument("--orgsim-reps", type=int, default=0,
                   help="orgsim replications per run (default: grown until a run takes --orgsim-seconds)")
    p.add_argument("--orgsim-seconds", type=float, default=2.0,
                   help="CPU seconds an orgsim run should take at least (default 2)")
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    p.add_argument("--check", action="store_true",
                   help="exit 1 when a mean differs at the family level (the speed never changes the exit code)")
    args = p.parse_args()

    with tempfile.TemporaryDirectory(prefix="orgsim-peers-full-") as tmp:
        outdir = Path(tmp) / "out"
        reps = args.orgsim_reps or orgsim_reps(ORGSIM, args.scenario, 100, args.seed, outdir, args.orgsim_seconds)
        rounds = max(1, min(args.rounds, args.simpy_reps))
        chunks, runs = [], []
        for k in range(rounds):
            first, last = args.simpy_reps * k // rounds, args.simpy_reps * (k + 1) // rounds
            chunks.append(run_simpy(args.scenario, first, last - first, args.seed))
            runs.append(run_orgsim(ORGSIM, args.scenario, reps, args.seed, outdir))
        version = subprocess.run([str(ORGSIM), "--version"], check=True, capture_output=True, text=True).stdout.strip()

    simpy_items = sum(c["items"] for c in chunks)
    simpy_cpu = sum(c["cpu_seconds"] for c in chunks)
    simpy_wall = sum(c["seconds"] for c in chunks)
    org_items = sum(r["items"] for r in runs)
    org_cpu = sum(r["cpu_seconds"] for r in runs)
    org_wall = sum(r["wall_seconds"] for r in runs)
    simpy_rate, org_rate = simpy_items / simpy_cpu, org_items / org_cpu
    per_round = [(r["items"] / r["cpu_seconds"]) / (c["items"] / c["cpu_seconds"]) for c, r in zip(chunks, runs)]
    ratio = org_rate / simpy_rate

    print(f"{args.scenario.name}: warm-up {chunks[0]['warmup']:g}, horizon {chunks[0]['horizon']:g} days, "
          f"seed {chunks[0]['seed']}; simpy {args.simpy_reps} replications per topology, "
          f"orgsim {reps} (the same run {rounds} times)")
    print(f"  {'tool':<8}{'items':>12}{'cpu s':>9}{'wall s':>9}{'items/cpu s':>14}")
    print(f"  {'simpy':<8}{simpy_items:>12,}{simpy_cpu:>9.2f}{simpy_wall:>9.2f}{simpy_rate:>14,.0f}   (env.run() only)")
    print(f"  {'orgsim':<8}{org_items:>12,}{org_cpu:>9.2f}{org_wall:>9.2f}{org_rate:>14,.0f}   (whole process, 1 thread)")
    print(f"  {rounds} interleaved rounds; orgsim / simpy per round: " + ", ".join(f"{r:.1f}x" for r in per_round))
    print(f"  speed: orgsim / simpy = {ratio:.1f}x items per CPU second "
          f"(target >= {TARGET_RATIO:g}x: {'met' if ratio >= TARGET_RATIO else 'NOT met'})")

    orgsim_summary = runs[-1]["summary"]
    tests = []
    for topology in chunks[0]["topologies"]:
        values = {m: [v[m] for c in chunks for v in c["topologies"][topology]["replications"] if m in v]
                  for m in METRICS}
        print(f"\n  [{topology}]  {'metric':<24}{'simpy':>22}{'orgsim':>22}{'difference':>22}  p-value")
        for m in METRICS:
            o = orgsim_summary[topology][m]
            s = values[m]
            sm, ss, sn = statistics.fmean(s), statistics.stdev(s), len(s)
            diff, half, pval = welch(sm, ss, sn, o["mean"], o["sd"], o["n"])
            sh = t975(sn - 1) * ss / math.sqrt(sn)
            oh = (o["ci95_high"] - o["ci95_low"]) / 2
            tests.append({"topology": topology, "metric": m, "simpy": sm, "simpy_half_width": sh, "simpy_n": sn,
                          "orgsim": o["mean"], "orgsim_half_width": oh, "orgsim_n": o["n"],
                          "difference": diff, "half_width": half, "p_value": pval})
            print(f"  {'':<{len(topology) + 4}}{m:<24}{sm:>12.4f} ± {sh:<7.4f}{o['mean']:>12.4f} ± {oh:<7.4f}"
                  f"{diff:>+12.4f} ± {half:<7.4f}  {pval:.3f}{'  (differs at 95%)' if abs(diff) > half else ''}")
    expected = poisson_arrivals(args.scenario)
    if expected is not None:
        # Poisson arrivals: the count in the window has mean λ·horizon exactly.
        for t in tests:
            if t["metric"] == "arrived":
                print(f"  arrived, {t['topology']}: theory {expected:.2f}; simpy {t['simpy'] - expected:+.2f} "
                      f"± {t['simpy_half_width']:.2f}, orgsim {t['orgsim'] - expected:+.2f} ± {t['orgsim_half_width']:.2f}")
    threshold = FAMILY_LEVEL / len(tests)
    differ = [t for t in tests if t["p_value"] < threshold]
    individual = sum(abs(t["difference"]) > t["half_width"] for t in tests)
    print(f"\n  means: {individual} of {len(tests)} differ at 95% alone (about {0.05 * len(tests):.1f} expected by chance); "
          f"at the family level (Bonferroni, p < {threshold:.4f}): "
          + ("all agree" if not differ else "DIFFER: " + ", ".join(f"{t['topology']} {t['metric']}" for t in differ)))

    results = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version(),
        "simpy": chunks[0]["simpy_version"], "orgsim": version, "scenario": str(args.scenario),
        "simpy_reps": args.simpy_reps, "orgsim_reps": reps, "rounds": rounds,
        "simpy_items": simpy_items, "simpy_cpu_seconds": simpy_cpu, "orgsim_items": org_items,
        "orgsim_cpu_seconds": org_cpu, "speed_ratio": ratio, "speed_ratio_per_round": per_round,
        "tests": tests, "family_threshold": threshold, "agree": not differ,
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "full-latest.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n  {version}, simpy {results['simpy']}, python {results['python']}; "
          f"wrote {HERE.relative_to(ROOT)}/results/full-latest.json")
    if args.check and differ:
        sys.exit(1)


if __name__ == "__main__":
    main()
