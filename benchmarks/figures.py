"""Exercise figure rendering time: milliseconds per card (start and end SVG), median of N runs.

Cards are rendered in process from the already loaded pose file; loading and validating
`rules/poses.yaml` is timed once on its own. Target on the 2-core reference machine: <= 10 ms
per card, so a handout with a dozen cards spends well under a second on figures.
Usage: python benchmarks/figures.py [--runs 20] [EXERCISE_ID ...]
"""

from __future__ import annotations

import argparse
import statistics
import time

from backexpert.present.figures import cards as figures
from backexpert.present.figures import poses

TARGET_MS = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    t = time.perf_counter()
    book = poses.parse(poses.default_path().read_text(encoding="utf-8"), "poses.yaml")
    print(f"load and validate {len(book)} poses: {(time.perf_counter() - t) * 1000:.1f} ms")
    medians = []
    print(f"{'exercise':34} {'ms/card':>8} {'bytes':>7}")
    for ex in args.ids or sorted(book):
        runs = []
        for _ in range(args.runs):
            t = time.perf_counter()
            svg = figures.card_figures(ex, poses=book)
            runs.append((time.perf_counter() - t) * 1000)
        medians.append(statistics.median(runs))
        print(f"{ex:34} {medians[-1]:8.2f} {len(svg):7d}")
    worst = max(medians)
    print(
        f"{len(medians)} cards: median {statistics.median(medians):.2f} ms, "
        f"worst {worst:.2f} ms, all {sum(medians):.0f} ms (target <= {TARGET_MS:.0f} ms per card)"
    )
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
