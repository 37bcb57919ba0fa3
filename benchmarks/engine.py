"""Inference speed alone: the durable-rules engine against the oracle on the same fact bases.

`.venv/bin/python benchmarks/engine.py`. Builds 1,000 varied fact bases from random intakes (the
generator of benchmarks/assess.py), checks on every client that `DurableEngine` and `Oracle` give
the same `Inference`, warms up, then times each evaluator alone in interleaved repetitions
(alternating which goes first) and prints p50/p99 ms per client, clients/s and the throughput
ratio oracle/durable (taken within each repetition, then the median). Last, resident memory
before and after 20,000 evaluations by the engine. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from backexpert.assessment import rule_base
from backexpert.assessment.facts import from_intake
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
from backexpert.explain.impact import rss_mb
from backexpert.knowledge.engine import DurableEngine
from backexpert.knowledge.explanation import Inference
from backexpert.knowledge.oracle import Oracle
from backexpert.knowledge.vocabulary import FactValue

Facts = Mapping[str, FactValue]


def _sample(rng: random.Random, values: Sequence[str], low: int, high: int) -> list[str]:
    """A random subset in a stable order."""
    chosen = set(rng.sample(list(values), rng.randint(low, min(high, len(values)))))
    return [v for v in values if v in chosen]


def make_intake(rng: random.Random, i: int) -> Intake:
    """One valid intake, drawn exactly as benchmarks/assess.py draws them."""
    codes = _sample(rng, [c.value for c in ConditionCode], 0, 3)
    conditions: list[dict[str, Any]] = []
    for code in codes:
        cond: dict[str, Any] = {"code": code}
        if rng.random() < 0.7:
            cond["severity"] = rng.choice([s.value for s in Severity])
        if ConditionCode(code) in DATED_CONDITIONS or rng.random() < 0.3:
            cond["weeks_since"] = rng.randint(0, 40)
        if code.startswith(("rotator", "shoulder")):
            cond["side"] = rng.choice([s.value for s in Side])
        if code == ConditionCode.other:
            cond["note"] = "a condition the rules do not know"
        conditions.append(cond)
    now = rng.choice([0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8])
    data: dict[str, Any] = {
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
            q.value: False
            for i, q in enumerate(RedFlagQuestion)
            if i < len(CORE_RED_FLAG_SCREEN) or rng.random() < 0.3
        },
    }
    return Intake.model_validate(data)


def _timed(fn: Callable[[Facts], Inference], clients: Sequence[Facts]) -> tuple[list[float], float]:
    """Milliseconds per client, and the seconds the whole pass took."""
    out = []
    clock = time.perf_counter
    start = clock()
    for x in clients:
        t = clock()
        fn(x)
        out.append((clock() - t) * 1000)
    return out, clock() - start


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=20240602)
    parser.add_argument("--clients", type=int, default=1_000)
    parser.add_argument("--reps", type=int, default=14, help="interleaved repetitions")
    parser.add_argument("--soak", type=int, default=20_000, help="evaluations for the memory soak")
    args = parser.parse_args(argv)

    rb = rule_base()
    rulebook = rb.rulebook
    rng = random.Random(args.seed)
    clients = [from_intake(make_intake(rng, i)) for i in range(args.clients)]
    engine = DurableEngine(rulebook)
    oracle = Oracle(rulebook)

    print(f"engine benchmark: Python {platform.python_version()}, {platform.machine()}")
    print(
        f"rulebook {rulebook.version}: {len(rulebook)} rules, "
        f"{sum(len(r.clauses) for r in rulebook)} clauses, "
        f"{sum(r.always for r in rulebook)} unconditional"
    )
    print(f"{len(clients)} fact bases (seed {args.seed}), {len(clients[0])} facts each")

    # Agreement on every client (this is also the warm-up).
    differ = [i for i, f in enumerate(clients) if engine.evaluate(f) != oracle.evaluate(f)]
    firings = statistics.mean(len(engine.evaluate(f).firings) for f in clients)
    if differ:
        print(f"DISAGREE: durable and oracle differ on {len(differ)} clients, first {differ[:5]}")
    else:
        print(f"agree: durable and oracle give the same Inference on all {len(clients)} clients")
    print(f"firings per client {firings:.1f} (mean)")

    runs: dict[str, Callable[[Facts], Inference]] = {
        "durable": engine.evaluate,
        "oracle": oracle.evaluate,
    }
    samples: dict[str, list[float]] = {k: [] for k in runs}
    rates: dict[str, list[float]] = {k: [] for k in runs}
    ratios: list[float] = []
    for rep in range(args.reps):
        order = list(runs) if rep % 2 == 0 else list(reversed(runs))
        elapsed: dict[str, float] = {}
        for name in order:
            gc.collect()
            ms, seconds = _timed(runs[name], clients)
            samples[name] += ms
            elapsed[name] = seconds
            rates[name].append(len(clients) / seconds)
        ratios.append(elapsed["oracle"] / elapsed["durable"])

    print()
    print(f"{'evaluator':<10} {'p50 ms':>8} {'p99 ms':>8} {'clients/s':>10}")
    for name in runs:
        p50, p99 = _percentile(samples[name], 0.5), _percentile(samples[name], 0.99)
        print(f"{name:<10} {p50:8.3f} {p99:8.3f} {statistics.median(rates[name]):10.0f}")
    print(
        f"throughput durable/oracle (oracle time / durable time, median of {args.reps} reps): "
        f"{statistics.median(ratios):.2f}  (min {min(ratios):.2f}, max {max(ratios):.2f})"
    )

    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    for n in range(args.soak):
        engine.evaluate(clients[n % len(clients)])
    soak_s = time.perf_counter() - start
    gc.collect()
    after = rss_mb()
    print()
    print(f"memory soak: {args.soak} durable evaluations in {soak_s:.1f} s")
    print(f"RSS before {before:8.1f} MB, after {after:8.1f} MB, growth {after - before:6.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
