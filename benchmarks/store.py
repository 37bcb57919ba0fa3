"""Store numbers for a long history: `backexpert import` of a client with 3,000 sessions, then
`backexpert progress --pdf` and `export` of that client, each in its own process, with its wall
time and peak memory (max RSS of the child, from `resource.getrusage`). benchmarks/progress.py
prints the same numbers.

    .venv/bin/python benchmarks/store.py [SESSIONS]

SQLite in a temporary directory; PostgreSQL too when BENCH_POSTGRES_URL names an empty database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).parent / "backexpert"
INTAKE = ROOT / "examples" / "desk-worker.yaml"
SESSIONS = 3000


def _session(n: int, day: dt.date) -> dict[str, Any]:
    load = 40 + 2.5 * (n % 40)
    sets = [{"reps": 5, "load_kg": load, "rpe": 7 + k % 2} for k in range(3)]
    return {
        "uid": str(uuid.UUID(int=n + 1)),
        "created_at": f"{day.isoformat()}T19:00:00.000000+00:00",
        "date": day.isoformat(),
        "time": "18:00:00",
        "notes": f"Session {n}: slept well.",
        "exercises": [
            {"exercise": "bird_dog", "sets": [{"reps": 6, "rpe": 4}] * 2},
            {"exercise": "trap_bar_deadlift", "sets": sets, "form": 4, "pain_after": 2},
            {"exercise": "lat_pulldown", "sets": [{"reps": 10, "load_kg": 45.0, "rir": 3}] * 3},
            {
                "exercise": "seated_cable_row",
                "sets": [{"reps": 10, "load_kg": 40.0, "rpe": 7}] * 3,
                "target_reps": "8-10",
                "load_increment_kg": 2.5,
            },
        ],
    }


def record(sessions: int, assessment: dict[str, Any]) -> dict[str, Any]:
    """An exported client record with one assessment and `sessions` daily sessions to today."""
    last = dt.date.today() - dt.timedelta(days=1)
    days = [last - dt.timedelta(days=sessions - 1 - n) for n in range(sessions)]
    return {
        "format": "backexpert-client",
        "version": 1,
        "client": {
            "uid": str(uuid.uuid4()),
            "name": "Bench Long History",
            "born": "1980-05-02",
            "created_at": f"{days[0].isoformat()}T09:00:00.000000+00:00",
        },
        "assessments": [{**assessment, "uid": str(uuid.uuid4())}],
        "sessions": [_session(n, day) for n, day in enumerate(days)],
    }


def run(*args: str, env: dict[str, str]) -> tuple[float, float, str]:
    """Run the CLI in a child; (seconds, peak RSS in MB, stdout). The child must succeed."""
    code = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "s = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "json.dump([p.returncode, s, rss, p.stdout, p.stderr[-2000:]], sys.stdout)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(CLI), *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    rc, seconds, rss, stdout, stderr = json.loads(out.stdout)
    if rc != 0:
        raise SystemExit(f"backexpert {' '.join(args)} failed ({rc}): {stderr}")
    return seconds, rss, stdout


def bench(url: str, sessions: int, folder: Path) -> None:
    env = {**os.environ, "BACKEXPERT_DATABASE_URL": url}
    client = run("clients", "add", "--name", "Bench Source", env=env)[2].strip()
    run("assess", str(INTAKE), "--client", client, "--save", "--format", "json", env=env)
    exported = json.loads(run("export", client, env=env)[2])
    path = folder / "long-history.json"
    text = json.dumps(record(sessions, exported["assessments"][0]), indent=2)
    path.write_text(text, encoding="utf-8")
    size = len(text.encode()) / 1e6
    seconds, rss, out = run("import", str(path), env=env)
    new = out.strip()
    print(f"  import {sessions} sessions ({size:.1f} MB): {seconds:.1f} s, {rss:.0f} MB peak")
    pdf = folder / "progress.pdf"
    seconds, rss, _ = run("progress", new, "--pdf", str(pdf), "--format", "json", env=env)
    print(f"  progress --pdf on that client: {seconds:.1f} s, {rss:.0f} MB peak")
    seconds, rss, _ = run("export", new, env=env)
    print(f"  export of that client: {seconds:.1f} s, {rss:.0f} MB peak")


def main() -> None:
    sessions = int(sys.argv[1]) if len(sys.argv) > 1 else SESSIONS
    with tempfile.TemporaryDirectory() as d:
        print("sqlite:")
        bench(f"{d}/bench.sqlite3", sessions, Path(d))
        pg = os.environ.get("BENCH_POSTGRES_URL")
        if pg:
            print("postgresql:")
            bench(pg, sessions, Path(d))


if __name__ == "__main__":
    main()
