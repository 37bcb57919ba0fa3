"""Drafts: an intake being typed in, kept per clinician and client, and versioned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from ..errors import Problem
from .clinic_clients import StaleError
from .records import now
from .rows import from_db, to_db
from .store import Store
from .web_tables import DraftRow


@dataclass(frozen=True)
class Draft:
    data: dict[str, Any]
    version: int
    updated_at: dt.datetime


class DraftStore(Store):
    """The store's drafts (a part of `WebStore`)."""

    def draft(self, user_id: int, client_id: int) -> Draft | None:
        with self._tx(read=True) as s:
            row = s.scalar(
                select(DraftRow).where(DraftRow.user_id == user_id, DraftRow.client_id == client_id)
            )
            if row is None:
                return None
            return Draft(data=row.data, version=row.version, updated_at=from_db(row.updated_at))

    def save_draft(self, user_id: int, client_id: int, data: dict[str, Any], version: int) -> int:
        """Save a draft typed from `version` (0: a new draft); refuse a stale one. New version."""
        with self._tx() as s:
            row = s.scalar(
                select(DraftRow).where(DraftRow.user_id == user_id, DraftRow.client_id == client_id)
            )
            current = 0 if row is None else row.version
            if current != version:
                raise StaleError(
                    f"draft for client {client_id}",
                    [Problem("version", "this draft was saved elsewhere since you opened it")],
                )
            if row is None:
                s.add(
                    DraftRow(
                        user_id=user_id,
                        client_id=client_id,
                        data=data,
                        version=1,
                        updated_at=to_db(now()),
                    )
                )
                return 1
            row.data = data
            row.version = current + 1
            row.updated_at = to_db(now())
            return row.version

    def drop_draft(self, user_id: int, client_id: int) -> None:
        with self._tx() as s:
            s.execute(
                delete(DraftRow).where(DraftRow.user_id == user_id, DraftRow.client_id == client_id)
            )
