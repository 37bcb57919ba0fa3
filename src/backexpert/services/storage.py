"""The store as the use-cases open it, and what is kept in a file when it fails to save."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..clinical.intake import Intake

if TYPE_CHECKING:
    from ..progression.logbook import SessionLog
    from ..store import Store


@contextmanager
def open_store(database: str | None = None, *, write: bool = True) -> Iterator[Store]:
    """The database named by the argument or the environment, closed afterwards.

    `write=False` for the use-cases that only read: a database the user cannot write is then
    opened read-only instead of refused.
    """
    from ..store import Store

    db = Store.open(database, write=write)
    try:
        yield db
    finally:
        db.close()


def _keep(name: str, text: str) -> Path | None:
    from ..store.database import default_path

    folder = default_path().parent / "unsaved"
    path = folder / f"{name}-{dt.datetime.now():%Y%m%dT%H%M%S%f}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError:
        return None
    return path


def keep_unsaved(client_id: int, log: SessionLog) -> Path | None:
    """A session that could not be stored, kept in a file under the user data directory."""
    return _keep(f"client-{client_id}", log.model_dump_json(indent=2, exclude_none=True) + "\n")


def keep_unsaved_intake(client_id: int, intake: Intake) -> Path | None:
    """An intake whose assessment could not be saved, kept beside the unsaved sessions."""
    text = intake.model_dump_json(indent=2, exclude_none=True) + "\n"
    return _keep(f"client-{client_id}-intake", text)
