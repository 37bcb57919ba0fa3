"""Store and progress numbers: sessions logged per second (one and several processes), the
time to evaluate a client's progress, and a long history (3,000 sessions: `import`, then
`progress --pdf`, each in its own process, with time and peak memory; see benchmarks/store.py).
SQLite in a temporary directory; PostgreSQL too when BENCH_POSTGRES_URL names an empty database.

    .venv/bin/python benchmarks/progress.py
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import store_workers
from backexpert.progression import evaluate as progress
from backexpert.progression.logbook import SessionLog
from backexpert.store import Store
from store import SESSIONS
from store import bench as long_history

WORKERS, EACH = 4, 50


def logs_per_second(url: str) -> tuple[float, float]:
    with Store.open(url) as db:
        cid = db.add_client("Bench Single")
        began = time.perf_counter()
        for n in range(EACH):
            db.add_session(cid, store_workers.session(0, n))
        single = EACH / (time.perf_counter() - began)
        cid = db.add_client("Bench Concurrent")
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    procs = [
        ctx.Process(target=store_workers.log_many, args=(url, cid, w, EACH, start))
        for w in range(WORKERS)
    ]
    for p in procs:
        p.start()
    time.sleep(3)  # let every worker open the store before the clock starts
    began = time.perf_counter()
    start.set()
    for p in procs:
        p.join()
    concurrent = WORKERS * EACH / (time.perf_counter() - began)
    with Store.open(url) as db:
        assert len(db.sessions(cid)) == WORKERS * EACH
    return single, concurrent


def history(weeks: int) -> list[SessionLog]:
    out = []
    for n in range(weeks * 2):
        day = dt.date(2026, 1, 5) + dt.timedelta(days=n // 2 * 7 + (n % 2) * 3)
        load = 60 + 2.5 * (n // 3)
        data: dict[str, Any] = {
            "date": day.isoformat(),
            "time": "18:00",
            "exercises": [
                {"exercise": "deadlift", "sets": [f"3x5x{load}kg@8"], "form": 4, "pain_after": 2},
                {"exercise": "pull_up_neutral_grip", "sets": ["3x6x@8"], "form": 4},
                {"exercise": "seated_cable_row", "sets": ["3x10x40kg@7"]},
                {"exercise": "bird_dog", "sets": ["2x6x@4"]},
                {"exercise": "face_pull", "sets": ["2x15x10kg@6"]},
            ],
        }
        out.append(SessionLog.model_validate(data))
    return out


def evaluation_ms(weeks: int, runs: int = 30) -> float:
    ev = progress.rule_base()
    sessions = history(weeks)
    progress.evaluate(sessions, rules=ev)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        progress.evaluate(sessions, rules=ev)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        single, concurrent = logs_per_second(f"{d}/bench.sqlite3")
        print(f"sqlite: {single:.0f} sessions/s one process; {concurrent:.0f}/s with {WORKERS}")
    pg = os.environ.get("BENCH_POSTGRES_URL")
    if pg:
        single, concurrent = logs_per_second(pg)
        print(f"postgresql: {single:.0f} sessions/s one process; {concurrent:.0f}/s with {WORKERS}")
    for weeks in (4, 26):
        print(
            f"progress evaluation, 5 exercises, {weeks} weeks logged: {evaluation_ms(weeks):.1f} ms"
        )
    with tempfile.TemporaryDirectory() as d:
        print(f"a long history ({SESSIONS} sessions), SQLite:")
        long_history(f"{d}/long.sqlite3", SESSIONS, Path(d))


if __name__ == "__main__":
    main()
