"""Code run in child processes by the store tests (importable by multiprocessing's spawn)."""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import Any

from backexpert.progression.logbook import SessionLog
from backexpert.store import SessionRecord, Store
from backexpert.store.session_rows import session_row


def session(worker: int, n: int) -> SessionLog:
    return SessionLog.model_validate(
        {
            "date": (dt.date(2026, 1, 1) + dt.timedelta(days=n)).isoformat(),
            "notes": f"worker {worker} session {n}",
            "exercises": [
                {"exercise": "deadlift", "sets": [f"3x5x{60 + worker}kg@7"], "form": 4},
                {"exercise": "lat_pulldown", "sets": ["10x40kg@7", "9x40kg@8"]},
            ],
        }
    )


def log_many(url: str, client_id: int, worker: int, count: int, start: Any) -> None:
    """Log `count` sessions as fast as possible once the start event is set."""
    db = Store.open(url)
    try:
        start.wait(60)
        for n in range(count):
            db.add_session(client_id, session(worker, n))
    finally:
        db.close()


def hold_open_write(url: str, client_id: int) -> None:
    """Start a write, flush it to the database, say so, and wait to be killed mid-transaction."""
    db = Store.open(url)
    record = SessionRecord(
        **dict(session(99, 0)), uid="killed-mid-write", created_at=dt.datetime.now(dt.UTC)
    )
    with db._tx() as s:
        s.add(session_row(client_id, record))
        s.flush()
        print("ready", flush=True)
        time.sleep(120)


if __name__ == "__main__":
    hold_open_write(sys.argv[1], int(sys.argv[2]))
