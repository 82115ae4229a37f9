"""M/M/c queue in SimPy: the peer model orgsim is compared against.

Poisson arrivals at rate --lam, c = --servers identical servers with
exponential service at rate --mu, FIFO. Lead time = departure - arrival.
Like orgsim, statistics count the items *completed* in the measurement window
[warmup, warmup + horizon]. Only env.run() is timed. Prints one JSON line.
"""

import argparse
import json
import math
import random
import statistics
import time

import simpy

# Two-sided 95% Student-t quantiles t(0.975, df) for df = 1..30.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def t975(df):
    if df <= len(T975):
        return T975[df - 1]
    z = 1.959964  # Cornish-Fisher expansion around the normal quantile
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def customer(env, server, mu, rng, window, lead_times):
    arrival = env.now
    with server.request() as req:
        yield req
        yield env.timeout(rng.expovariate(mu))
    if window[0] <= env.now <= window[1]:
        lead_times.append(env.now - arrival)


def source(env, server, lam, mu, rng, window, lead_times):
    while True:
        yield env.timeout(rng.expovariate(lam))
        env.process(customer(env, server, mu, rng, window, lead_times))


def replicate(args, rep):
    rng = random.Random(args.seed + rep)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=args.servers)
    window = (args.warmup, args.warmup + args.horizon)
    lead_times = []
    env.process(source(env, server, args.lam, args.mu, rng, window, lead_times))
    start = time.perf_counter()
    env.run(until=window[1])
    return time.perf_counter() - start, lead_times


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--lam", type=float, required=True, help="arrival rate")
    p.add_argument("--mu", type=float, required=True, help="service rate per server")
    p.add_argument("--servers", type=int, default=1)
    p.add_argument("--horizon", type=float, required=True)
    p.add_argument("--warmup", type=float, default=0.0)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    seconds, items, means = 0.0, 0, []
    for rep in range(args.reps):
        dt, lead_times = replicate(args, rep)
        seconds += dt
        items += len(lead_times)
        means.append(statistics.fmean(lead_times))
    mean = statistics.fmean(means)
    half = t975(len(means) - 1) * statistics.stdev(means) / math.sqrt(len(means)) if len(means) > 1 else float("nan")
    print(json.dumps({
        "model": f"M/M/{args.servers}",
        "lam": args.lam, "mu": args.mu, "servers": args.servers,
        "warmup": args.warmup, "horizon": args.horizon,
        "reps": args.reps, "seed": args.seed,
        "items": items, "seconds": seconds, "items_per_second": items / seconds,
        "lead_time_mean": mean, "lead_time_ci_half_width": half,
        "replication_means": means,
        "simpy_version": simpy.__version__,
    }))


if __name__ == "__main__":
    main()
