"""orgsim's full model in SimPy: an independent implementation from docs/model.md.

It reads an orgsim scenario (by default full-model.toml beside it) and
simulates, for each topology, exactly the mechanisms that scenario uses, as
docs/model.md describes them:

* open streams with their interarrival distribution, an item mix by weight,
  each item type a DAG of tasks (a task starts when the tasks it comes after
  are done; fork-join);
* topologies `matrix` (one department per skill, no owner) and
  `single-threaded` (one team per stream owning it, each skill's people split
  by the largest remainder in proportion to rate x mean effort);
* routing: a coupled task (probability `architecture.coupling`, the target
  uniform among the other streams) to the target's owner if it has the
  skill, else to the own stream's owner if it has the skill, else to the
  team with the most people of the skill (first declared on a tie);
* handoffs: internal when the task's team is the team it is handed over
  from (the owner for a root task, else the team of the predecessor whose
  completion made it ready), cross-team otherwise;
* intake of a request (a task whose team does not own its stream): the next
  planning boundary (multiples of `intake_cadence`), the team leader's FIFO
  decision, and with probability `escalation.probability` the executive's
  FIFO decision;
* one FIFO backlog per team and skill, served by that team's people of the
  skill (a `simpy.Resource` each);
* lead time split along the critical path into handoff, cadence, decision,
  escalation, queue and work.

Anything else in the scenario (swarms, quality, bar raisers, WIP limits,
closed streams, ...) is refused: this peer does not implement it.

It uses its own random numbers (Python's Mersenne Twister, one stream per
replication and purpose, the workload's shared by the topologies). Like
orgsim, statistics count the items completed in [warmup, warmup + horizon];
only env.run() is timed (wall clock and
the process's CPU time). Prints one JSON line.
"""

import argparse
import json
import math
import random
import time
import tomllib
from pathlib import Path

import simpy

HERE = Path(__file__).resolve().parent
CATEGORIES = ["work", "queue", "handoff", "cadence", "decision", "escalation"]
COORDINATION = ["handoff", "cadence", "decision", "escalation"]
METRICS = (["arrived", "completed", "throughput", "lead_time_mean", "coordination_delay_mean"]
           + [f"{c}_mean" for c in CATEGORIES])


class Unsupported(Exception):
    """The scenario uses something this peer does not implement."""


def sampler(spec, what):
    """A function drawing from the orgsim distribution `spec` with a random.Random."""
    if isinstance(spec, (int, float)):
        v = float(spec)
        return (lambda rng: v), v
    d = spec.get("dist")
    if d == "constant":
        v = float(spec["value"])
        return (lambda rng: v), v
    if d == "exponential":
        rate = 1.0 / spec["mean"]
        return (lambda rng: rng.expovariate(rate)), spec["mean"]
    if d == "uniform":
        a, b = spec["min"], spec["max"]
        return (lambda rng: rng.uniform(a, b)), (a + b) / 2
    if d == "triangular":
        a, m, b = spec["min"], spec["mode"], spec["max"]
        return (lambda rng: rng.triangular(a, b, m)), (a + m + b) / 3
    if d == "pert":
        # Beta-PERT of shape 4: min + (max - min) * Beta(1 + 4 (mode - min)/(max - min), ...)
        a, m, b = spec["min"], spec["mode"], spec["max"]
        alpha, beta = 1 + 4 * (m - a) / (b - a), 1 + 4 * (b - m) / (b - a)
        return (lambda rng: a + (b - a) * rng.betavariate(alpha, beta)), (a + 4 * m + b) / 6
    if d == "lognormal":
        # mean and sd of the variable itself
        mean, sd = spec["mean"], spec["sd"]
        s2 = math.log(1 + (sd / mean) ** 2)
        mu, sigma = math.log(mean) - s2 / 2, math.sqrt(s2)
        return (lambda rng: rng.lognormvariate(mu, sigma)), mean
    if d == "gamma":
        mean, cv = spec["mean"], spec["cv"]
        shape, scale = 1 / cv**2, mean * cv**2
        return (lambda rng: rng.gammavariate(shape, scale)), mean
    raise Unsupported(f"{what}: distribution {d!r}")


def is_zero(spec):
    return spec == 0 or (isinstance(spec, dict) and spec.get("dist") == "constant" and spec["value"] == 0)


def largest_remainder(total, weights):
    """`total` split in proportion to `weights`: floors, then the largest
    remainders get one more (the first on a tie)."""
    s = sum(weights)
    quotas = [total * w / s for w in weights]
    shares = [math.floor(q) for q in quotas]
    left = total - sum(shares)
    for i in sorted(range(len(weights)), key=lambda i: (-(quotas[i] - shares[i]), i))[:left]:
        shares[i] += 1
    return shares


class Model:
    """The scenario, read into plain lists."""

    def __init__(self, path):
        sc = tomllib.loads(Path(path).read_text())
        # [[uncertain]] is for explore; it changes nothing in a run.
        allowed = {"name", "description", "simulation", "workload", "architecture",
                   "organization", "coordination", "topologies", "uncertain"}
        for key in sc:
            if key not in allowed:
                raise Unsupported(f"[{key}]")
        sim = sc.get("simulation", {})
        if not isinstance(sim.get("warmup", 0), (int, float)):
            raise Unsupported("simulation.warmup must be a number of days")
        self.warmup = float(sim.get("warmup", 0))
        self.horizon = float(sim.get("horizon", 500))
        self.seed = int(sim.get("seed", 1))
        wl = sc["workload"]
        if set(wl) - {"load", "streams", "items"}:
            raise Unsupported(f"[workload] {sorted(set(wl) - {'load', 'streams', 'items'})}")
        load = wl.get("load", 1.0)
        self.people = sc["organization"]["people"]
        if set(sc["organization"]) != {"people"}:
            raise Unsupported("[organization] beyond people")
        self.skills = list(self.people)
        self.types = {}
        for name, it in wl["items"].items():
            if set(it) != {"tasks"}:
                raise Unsupported(f"workload.items.{name}: {sorted(set(it) - {'tasks'})}")
            names = [t["name"] for t in it["tasks"]]
            tasks = []
            for t in it["tasks"]:
                draw, mean = sampler(t["effort"], f"{name}.{t['name']}.effort")
                tasks.append({"skill": self.skills.index(t["skill"]), "effort": draw, "mean": mean,
                              "preds": [names.index(p) for p in t.get("after", [])]})
            for i, t in enumerate(tasks):
                t["succs"] = [j for j, u in enumerate(tasks) if i in u["preds"]]
            self.types[name] = tasks
        self.streams = []
        for st in wl["streams"]:
            extra = set(st) - {"name", "interarrival", "items", "item", "weight"}
            if extra:
                raise Unsupported(f"stream {st['name']}: {sorted(extra)}")
            draw, mean = sampler(st["interarrival"], f"{st['name']}.interarrival")
            mix = st.get("items") or [{"type": st["item"], "weight": 1}]
            self.streams.append({
                "name": st["name"], "gap": (lambda rng, d=draw: d(rng) / load), "rate": load / mean,
                "types": [m["type"] for m in mix], "weights": [m.get("weight", 1) for m in mix]})
        arch = sc.get("architecture", {})
        if set(arch) - {"coupling"}:
            raise Unsupported("[architecture] beyond coupling")
        self.coupling = arch.get("coupling", 0.0)
        co = sc.get("coordination", {})
        if set(co) - {"handoff", "internal_handoff", "intake_cadence", "decision", "escalation"}:
            raise Unsupported("[coordination] beyond handoffs, cadence, decisions and escalation")
        esc = co.get("escalation", {})
        self.coordination = {
            "handoff": sampler(co.get("handoff", 0), "handoff")[0],
            "internal_handoff": sampler(co.get("internal_handoff", 0), "internal_handoff")[0],
            "cadence": float(co.get("intake_cadence", 0)),
            "decision": sampler(co.get("decision", 0), "decision")[0],
            "decides": not is_zero(co.get("decision", 0)),
            "p_escalation": float(esc.get("probability", 0)),
            "executive": sampler(esc.get("decision", 0), "escalation.decision")[0],
            "executive_decides": not is_zero(esc.get("decision", 0)),
        }
        self.topologies = []
        for top in sc["topologies"]:
            if set(top) - {"name", "kind"} or top["kind"] not in ("matrix", "single-threaded"):
                raise Unsupported(f"topology {top['name']}: only plain matrix and single-threaded")
            self.topologies.append((top["name"], self.organization(top["kind"])))

    def demand(self, k, s):
        """Expected person-days per day stream k asks of skill s."""
        st = self.streams[k]
        total = sum(st["weights"])
        return sum(st["rate"] * w / total * sum(t["mean"] for t in self.types[ty] if t["skill"] == s)
                   for ty, w in zip(st["types"], st["weights"]))

    def organization(self, kind):
        """Teams as (people per skill, owned stream or None)."""
        n = len(self.skills)
        if kind == "matrix":
            return [([self.people[sk] if i == s else 0 for i, sk in enumerate(self.skills)], None)
                    for s in range(n)]
        teams = [([0] * n, k) for k in range(len(self.streams))]
        for s, sk in enumerate(self.skills):
            for k, p in enumerate(largest_remainder(self.people[sk], [self.demand(k, s) for k in range(len(self.streams))])):
                teams[k][0][s] = p
        return teams


class Replication:
    """One replication of one topology."""

    def __init__(self, model, teams, rep, seed):
        self.m = model
        self.env = simpy.Environment()
        key = f"{seed}/{rep}"
        # One stream per purpose: the workload's are the same in every topology.
        self.arrival_rngs = [random.Random(f"{key}/arrivals/{k}") for k in range(len(model.streams))]
        self.item_rngs = [random.Random(f"{key}/items/{k}") for k in range(len(model.streams))]
        self.handoff_rng = random.Random(f"{key}/handoff")
        self.decision_rng = random.Random(f"{key}/decision")
        self.escalation_rng = random.Random(f"{key}/escalation")
        self.executive_rng = random.Random(f"{key}/executive")
        self.teams = teams
        self.owner = [next((i for i, (_, own) in enumerate(teams) if own == k), None)
                      for k in range(len(model.streams))]
        self.pools = [[simpy.Resource(self.env, capacity=p) if p > 0 else None for p in people]
                      for people, _ in teams]
        self.leaders = [simpy.Resource(self.env, capacity=1) for _ in teams]
        self.executive = simpy.Resource(self.env, capacity=1)
        self.most = [max(range(len(teams)), key=lambda i: (teams[i][0][s], -i))
                     for s in range(len(model.skills))]
        self.window = (model.warmup, model.warmup + model.horizon)
        self.done = []  # per completed item: lead time and its breakdown
        self.arrived = 0  # items arrived in the window

    def route(self, k, s, coupled):
        if coupled is not None:
            team = self.owner[coupled]
            if team is not None and self.teams[team][0][s] > 0:
                return team
        team = self.owner[k]
        if team is not None and self.teams[team][0][s] > 0:
            return team
        return self.most[s]

    def source(self, k):
        m, st = self.m, self.m.streams[k]
        arrivals, rng = self.arrival_rngs[k], self.item_rngs[k]
        others = [j for j in range(len(m.streams)) if j != k]
        while True:
            yield self.env.timeout(st["gap"](arrivals))
            if self.window[0] <= self.env.now <= self.window[1]:
                self.arrived += 1
            ty = rng.choices(st["types"], st["weights"])[0]
            tasks = m.types[ty]
            item = {"k": k, "arrival": self.env.now, "tasks": tasks, "left": len(tasks),
                    "preds": [len(t["preds"]) for t in tasks], "trigger": [None] * len(tasks),
                    "team": [], "request": [], "effort": [], "stamps": [None] * len(tasks)}
            for t in tasks:
                item["effort"].append(t["effort"](rng))
                coupled = rng.choice(others) if others and rng.random() < m.coupling else None
                team = self.route(k, t["skill"], coupled)
                item["team"].append(team)
                item["request"].append(team != self.owner[k])
            for i, t in enumerate(tasks):
                if not t["preds"]:
                    self.env.process(self.task(item, i, self.owner[k]))

    def task(self, item, i, from_team):
        env, co = self.env, self.m.coordination
        team = item["team"][i]
        ready = env.now
        delay = (co["internal_handoff"] if from_team == team else co["handoff"])(self.handoff_rng)
        if delay > 0:
            yield env.timeout(delay)
        handed = planned = decided = env.now
        if item["request"][i]:
            cadence = co["cadence"]
            if cadence > 0:
                boundary = math.ceil(env.now / cadence) * cadence
                if boundary > env.now:
                    yield env.timeout(boundary - env.now)
            planned = env.now
            if co["decides"]:
                with self.leaders[team].request() as req:
                    yield req
                    yield env.timeout(co["decision"](self.decision_rng))
            decided = env.now
            if co["p_escalation"] > 0 and self.escalation_rng.random() < co["p_escalation"]:
                if co["executive_decides"]:
                    with self.executive.request() as req:
                        yield req
                        yield env.timeout(co["executive"](self.executive_rng))
        queued = env.now
        with self.pools[team][item["tasks"][i]["skill"]].request() as req:
            yield req
            started = env.now
            yield env.timeout(item["effort"][i])
        finished = env.now
        item["stamps"][i] = (ready, handed, planned, decided, queued, started, finished)
        for j in item["tasks"][i]["succs"]:
            item["preds"][j] -= 1
            if item["preds"][j] == 0:
                item["trigger"][j] = i
                env.process(self.task(item, j, team))
        item["left"] -= 1
        if item["left"] == 0:
            self.complete(item, i)

    def complete(self, item, last):
        now = self.env.now
        if not self.window[0] <= now <= self.window[1]:
            return
        parts = [0.0] * len(CATEGORIES)
        t = last
        while t is not None:
            ready, handed, planned, decided, queued, started, finished = item["stamps"][t]
            parts[0] += finished - started
            parts[1] += started - queued
            parts[2] += handed - ready
            parts[3] += planned - handed
            parts[4] += decided - planned
            parts[5] += queued - decided
            t = item["trigger"][t]
        self.done.append((now - item["arrival"], parts))

    def run(self):
        for k in range(len(self.m.streams)):
            self.env.process(self.source(k))
        start, cpu = time.perf_counter(), time.process_time()
        self.env.run(until=self.window[1])
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        n = len(self.done)
        values = {"arrived": self.arrived, "completed": n, "throughput": n / self.m.horizon}
        if n:
            values["lead_time_mean"] = sum(d[0] for d in self.done) / n
            for c, name in enumerate(CATEGORIES):
                values[f"{name}_mean"] = sum(d[1][c] for d in self.done) / n
            values["coordination_delay_mean"] = sum(values[f"{c}_mean"] for c in COORDINATION)
        return seconds, cpu, values


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scenario", type=Path, default=HERE / "full-model.toml")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--first", type=int, default=0, help="index of the first replication (default 0)")
    p.add_argument("--seed", type=int, help="master seed (default: the scenario's)")
    p.add_argument("--split", action="store_true", help="print each topology's teams and exit")
    args = p.parse_args()
    try:
        model = Model(args.scenario)
    except Unsupported as e:
        raise SystemExit(f"simpy_full.py: {args.scenario}: not implemented by this peer: {e}")
    if args.split:
        for name, teams in model.topologies:
            print(name, [(people, None if own is None else model.streams[own]["name"]) for people, own in teams])
        return
    seed = model.seed if args.seed is None else args.seed
    out = {"scenario": str(args.scenario), "seed": seed, "first": args.first, "reps": args.reps,
           "warmup": model.warmup, "horizon": model.horizon, "simpy_version": simpy.__version__,
           "topologies": {}}
    for name, teams in model.topologies:
        seconds, cpu_seconds, items, reps = 0.0, 0.0, 0, []
        for rep in range(args.first, args.first + args.reps):
            dt, cpu, values = Replication(model, teams, rep, seed).run()
            seconds += dt
            cpu_seconds += cpu
            items += values["completed"]
            reps.append(values)
        out["topologies"][name] = {"seconds": seconds, "cpu_seconds": cpu_seconds, "items": items,
                                   "replications": reps}
    out["seconds"] = sum(t["seconds"] for t in out["topologies"].values())
    out["cpu_seconds"] = sum(t["cpu_seconds"] for t in out["topologies"].values())
    out["items"] = sum(t["items"] for t in out["topologies"].values())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
