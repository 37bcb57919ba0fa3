"""The audit log: who did what to which client, in ids and actions only (no clinical content)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from .records import now
from .rows import from_db, to_db
from .store import Store
from .web_tables import AuditRow


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor: str
    action: str
    target: str
    client_id: int | None
    detail: str | None


class AuditStore(Store):
    """The store's audit log (a part of `WebStore`)."""

    def audit(
        self,
        clinic_id: int | None,
        actor: str,
        action: str,
        target: str,
        client_id: int | None = None,
        detail: str | None = None,
    ) -> None:
        with self._tx() as s:
            s.add(
                AuditRow(
                    at=to_db(now()),
                    clinic_id=clinic_id,
                    actor=actor[:254],
                    action=action[:32],
                    target=target[:64],
                    client_id=client_id,
                    detail=detail,
                )
            )

    def audit_entries(
        self, clinic_id: int, client_id: int | None = None, limit: int = 200
    ) -> list[AuditEntry]:
        with self._tx(read=True) as s:
            q = select(AuditRow).where(AuditRow.clinic_id == clinic_id)
            if client_id is not None:
                q = q.where(AuditRow.client_id == client_id)
            q = q.order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit)
            return [
                AuditEntry(
                    at=from_db(r.at),
                    actor=r.actor,
                    action=r.action,
                    target=r.target,
                    client_id=r.client_id,
                    detail=r.detail,
                )
                for r in s.scalars(q)
            ]
