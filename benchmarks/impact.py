"""Impact throughput and memory: `make bench` (or `.venv/bin/python benchmarks/impact.py`).

Compares 100,000 synthetic clients (valid intakes from a fixed seed, as benchmarks/assess.py
makes them; in memory, no database) under the shipped rulebook and the same rulebook with one
rule deleted, first with 1 worker process and then with 2, and prints clients per second, the
ratio, how many clients changed, and each worker's resident memory after its first batch and
after its last (memory must stay flat: the growth per worker is printed against a target).

    .venv/bin/python benchmarks/impact.py                      # 100,000 clients, 1 and 2 workers
    .venv/bin/python benchmarks/impact.py --clients 5000 --without goals.progression_principle

`make bench` runs it at 2,000 clients (a minute); `make bench BENCH_FULL=1` at 100,000 (about
35 minutes on the 2-core reference machine).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from collections.abc import Iterator, Sequence
from typing import Any

from backexpert.clinical.intake import Intake
from backexpert.clinical.words import (
    CORE_RED_FLAG_SCREEN,
    DATED_CONDITIONS,
    ConditionCode,
    Equipment,
    Experience,
    Finding,
    Goal,
    Occupation,
    PainRegion,
    RedFlagQuestion,
    Severity,
    Sex,
    Side,
)
from backexpert.explain import impact
from backexpert.explain.impact import ClientInput, RuleSource

GROWTH_TARGET_MB = 30.0


def _sample(rng: random.Random, values: Sequence[str], low: int, high: int) -> list[str]:
    chosen = set(rng.sample(list(values), rng.randint(low, min(high, len(values)))))
    return [v for v in values if v in chosen]


def intake_data(rng: random.Random, i: int) -> dict[str, Any]:
    """One valid intake as stored JSON (dated conditions carry their weeks)."""
    conditions: list[dict[str, Any]] = []
    for code in _sample(
        rng, [c.value for c in ConditionCode if c is not ConditionCode.other], 0, 3
    ):
        cond: dict[str, Any] = {"code": code}
        if rng.random() < 0.7:
            cond["severity"] = rng.choice([s.value for s in Severity])
        if ConditionCode(code) in DATED_CONDITIONS or rng.random() < 0.3:
            cond["weeks_since"] = rng.randint(0, 40)
        if code.startswith(("rotator", "shoulder")):
            cond["side"] = rng.choice([s.value for s in Side])
        conditions.append(cond)
    if any(c["code"] == "pregnancy" for c in conditions) and any(
        c["code"] == "postpartum" for c in conditions
    ):
        conditions = [c for c in conditions if c["code"] != "postpartum"]
    now = rng.choice([0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8])
    return {
        "client": {
            "name": f"Bench Client {i}",
            "age": rng.randint(16, 85),
            "sex": rng.choice([s.value for s in Sex]),
            "occupation": rng.choice([o.value for o in Occupation]),
        },
        "training": {
            "experience": rng.choice([e.value for e in Experience]),
            "sessions_per_week": rng.randint(1, 7),
            "equipment": _sample(rng, [e.value for e in Equipment], 0, len(Equipment)),
        },
        "goals": _sample(rng, [g.value for g in Goal], 1, 3),
        "findings": _sample(rng, [f.value for f in Finding], 0, 4),
        "conditions": conditions,
        "pain": {
            "region": rng.choice([r.value for r in PainRegion]) if now else "none",
            "nprs_now": now,
            "nprs_worst_24h": min(10, now + rng.randint(0, 3)),
        },
        "red_flag_screen": {
            q.value: rng.random() < 0.01
            for i, q in enumerate(RedFlagQuestion)
            if i < len(CORE_RED_FLAG_SCREEN) or rng.random() < 0.3
        },
        "assessment": {"date": "2026-11-23"},
    }


def clients(seed: int, n: int) -> Iterator[ClientInput]:
    """The synthetic client base, generated lazily (the same for every run)."""
    rng = random.Random(seed)
    for i in range(n):
        yield (i + 1, f"Bench Client {i + 1}", f"bench-{i + 1}", intake_data(rng, i))


def measure(args: argparse.Namespace, jobs: int) -> tuple[float, dict[str, int], list[Any]]:
    before, after = RuleSource(), RuleSource(without=tuple(args.without))
    outcomes: dict[str, int] = {}
    start = time.perf_counter()
    with impact.Workers(before, after, jobs, processes=True) as workers:
        pending = []
        for batch in impact.batched(clients(args.seed, args.clients), args.batch_size):
            pending.append(workers.submit(batch))
            while len(pending) > 2 * jobs:
                for r in pending.pop(0).result():
                    outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
        for f in pending:
            for r in f.result():
                outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
    elapsed = time.perf_counter() - start
    return args.clients / elapsed, outcomes, sorted(workers.stats.values(), key=lambda s: s.pid)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument(
        "--without", nargs="*", default=["lumbar.reduce_hinge_volume"], help="rules deleted"
    )
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    for i in range(200):  # the generator makes valid intakes
        Intake.model_validate(intake_data(rng, i))

    print(f"BackExpert impact benchmark: Python {platform.python_version()}, {platform.machine()}")
    print(f"{os.cpu_count()} CPUs; {args.clients} synthetic clients (seed {args.seed});")
    print(f"shipped rulebook against the same without {', '.join(args.without)}")
    rates: dict[int, float] = {}
    ok = True
    for jobs in (1, 2):
        rate, outcomes, stats = measure(args, jobs)
        rates[jobs] = rate
        print()
        print(f"{jobs} worker process{'es' if jobs > 1 else ''}: {rate:8.1f} clients/s  {outcomes}")
        print(
            f"  load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} (other work slows it)"
        )
        for s in stats:
            growth = s.rss_now_mb - s.rss_start_mb
            ok = ok and growth < GROWTH_TARGET_MB and outcomes.get("failed", 0) == 0
            print(
                f"  worker {s.pid}: {s.clients} clients in {s.cpu_s:.1f} s of CPU "
                f"({s.clients / max(s.cpu_s, 1e-9):.1f} clients per CPU-second); RSS "
                f"{s.rss_start_mb:.1f} MB once initialised, {s.rss_now_mb:.1f} MB after its last "
                f"batch (growth {growth:+.1f} MB, target < {GROWTH_TARGET_MB:.0f})"
            )
    print()
    print(f"speed-up with 2 processes: {rates[2] / rates[1]:.2f}x")
    print("memory flat" if ok else "MEMORY GREW OR CLIENTS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
