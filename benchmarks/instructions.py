"""Instructions per assessment, counted by callgrind: a measure of speed that load cannot move.

`.venv/bin/python benchmarks/instructions.py` (needs valgrind: `apt-get install valgrind`). Wall
time on a shared 2-core machine moves by 5-10 % with whatever else runs; the number of
instructions the CPU executes for the same work does not (repeatable to about 0.1 %). Each
measure runs its work in a child process under `valgrind --tool=callgrind` twice, with and
without one extra pass over the intakes, and divides the difference by the number of intakes, so
imports and warm-up cancel out. Prints instructions per client for the whole assessment, the
durable engine alone and the oracle alone, with the oracle/durable ratio. Asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
MEASURES = ("assess", "engine", "oracle")


def _work(measure: str, intakes: int) -> Callable[[], None]:
    """One pass of a measure over the benchmark's intakes (warmed up once here)."""
    sys.path.insert(0, str(HERE))
    from assess import make_intake

    from backexpert import assessment
    from backexpert.assessment.facts import from_intake
    from backexpert.knowledge.oracle import Oracle

    rng = random.Random(20240602)
    xs = [make_intake(rng, i) for i in range(intakes)]
    base = assessment.rule_base()
    fact_bases = [from_intake(x) for x in xs]
    oracle = Oracle(base.rulebook)

    def assess() -> None:
        for x in xs:
            assessment.assess(x)  # every benchmark intake assesses (benchmarks/assess.py checks)

    def engine() -> None:
        for f in fact_bases:
            base.evaluator.evaluate(f)

    def evaluate_oracle() -> None:
        for f in fact_bases:
            oracle.evaluate(f)

    run = {"assess": assess, "engine": engine, "oracle": evaluate_oracle}[measure]
    run()
    return run


def _instructions(measure: str, intakes: int, passes: int) -> int:
    """Instructions of a child process that warms up and then runs `passes` passes."""
    out = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--child",
            measure,
            "--intakes",
            str(intakes),
            "--passes",
            str(passes),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", out.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no count:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def per_client(measure: str, intakes: int) -> int:
    """Instructions of one client's work: one more pass, divided by the number of intakes."""
    return (_instructions(measure, intakes, 1) - _instructions(measure, intakes, 0)) // intakes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--intakes", type=int, default=300)
    parser.add_argument("--child", choices=MEASURES, help=argparse.SUPPRESS)
    parser.add_argument("--passes", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run = _work(args.child, args.intakes)
        for _ in range(args.passes):
            run()
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind): nothing measured")
        return 0
    counts = {m: per_client(m, args.intakes) for m in MEASURES}
    print(f"instructions per client (callgrind, {args.intakes} benchmark intakes)")
    print(f"  assessment, whole      {counts['assess']:>12,}")
    print(f"  durable engine alone   {counts['engine']:>12,}")
    print(f"  oracle alone           {counts['oracle']:>12,}")
    print(f"  oracle / durable       {counts['oracle'] / counts['engine']:>12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
