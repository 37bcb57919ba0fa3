"""How values are kept in rows: times as naive UTC, ids in 32 bits, bulk statements in chunks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, cast

from sqlalchemy import Table

from .tables import Base

MAX_ID = 2**31 - 1  # ids are INTEGER: 32 bits in PostgreSQL
_CHUNK = 500  # uids per IN (...) when checking an import


def to_db(v: dt.datetime) -> dt.datetime:
    """Stored as naive UTC: the same in SQLite and PostgreSQL."""
    return v.astimezone(dt.UTC).replace(tzinfo=None)


def from_db(v: dt.datetime) -> dt.datetime:
    return v.replace(tzinfo=dt.UTC)


def aware(v: dt.datetime | None) -> dt.datetime | None:
    return None if v is None else from_db(v)


def core_table(row: type[Base]) -> Table:
    """A mapped class's table, for Core statements (bulk inserts without the ORM's bookkeeping)."""
    return cast(Table, row.__table__)


def chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
