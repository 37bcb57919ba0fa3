"""Cold start of the command line: whole processes, as a user runs them (`make bench`).

Times `backexpert assess examples/desk-worker.yaml --format json` and `backexpert --help` as
separate processes, each five times, and prints the median and the spread (target: assess
<= 0.4 s on the 2-core reference machine).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).with_name("backexpert")
RUNS = 5
TARGET_S = 0.4


def timed(args: list[str]) -> list[float]:
    """Wall-clock seconds of RUNS whole processes (after one warm-up for the disk cache)."""
    subprocess.run([str(CLI), *args], capture_output=True, check=True, cwd=ROOT)
    out = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([str(CLI), *args], capture_output=True, check=True, cwd=ROOT)
        out.append(time.perf_counter() - start)
    return out


def main() -> int:
    cases = {
        "assess desk-worker --format json": [
            "assess",
            "examples/desk-worker.yaml",
            "--format",
            "json",
        ],
        "--help": ["--help"],
    }
    print(f"{'command':36} {'median s':>9} {'min s':>7} {'max s':>7}")
    worst = 0.0
    for label, args in cases.items():
        t = timed(args)
        print(f"{label:36} {statistics.median(t):9.3f} {min(t):7.3f} {max(t):7.3f}")
        if label.startswith("assess"):
            worst = statistics.median(t)
    print(
        f"cold assess median {worst:.3f} s (target <= {TARGET_S} s): "
        + ("ok" if worst <= TARGET_S else "OVER")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
