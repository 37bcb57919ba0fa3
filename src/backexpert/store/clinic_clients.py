"""A clinic's clients: whose client this is (tenancy), the client's details, and erasure.

Tenancy lives here: `clinic_of(client_id)` is the one answer to "whose client is this?", and
every web route asks it.

Erasing a client (`erase_client`) is the only path that deletes an assessment: it writes an
erase permit for the client, deletes everything of the client, and removes the permit, all in
one transaction (migration 0003's trigger refuses any other delete of an assessment).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import delete, func, select, update

from ..errors import InputError, Problem
from .client_rows import insert_client
from .records import ClientData, now
from .rows import to_db
from .store import Store
from .tables import AssessmentRow, ClientRow, SessionRow
from .web_tables import (
    ClientLinkRow,
    ClientReportRow,
    ClinicClientRow,
    ClinicRow,
    DraftRow,
    ErasePermitRow,
)


class StaleError(InputError):
    """A save based on an old version: someone else saved in between. Nothing was stored."""

    code: ClassVar[str] = "stale-write"


@dataclass(frozen=True)
class ClinicClient:
    id: int
    name: str
    born: dt.date | None
    version: int
    assessments: int
    sessions: int
    alerts: int


class ClinicClientStore(Store):
    """The store's clients of a clinic (a part of `WebStore`)."""

    # -- clients of a clinic --

    def add_clinic_client(
        self,
        clinic_id: int,
        name: str,
        born: dt.date | None = None,
        *,
        same_within: dt.timedelta | None = None,
    ) -> int:
        """A new client of the clinic (`same_within`: one just added with its name and birth)."""
        # With `same_within`, a client of the same name and birth date the clinic added that
        # recently is the same one (a form sent twice), not a new one.
        from .. import documents

        fields = {"uid": str(uuid.uuid4()), "name": name, "born": born, "created_at": now()}
        data = documents.validate(ClientData, documents.Document("client", fields, None))
        with self._tx() as s:
            if same_within is not None:
                # Clients of one clinic are added one at a time (PostgreSQL: this row's lock;
                # SQLite: every write), so two copies of one form never both find nothing.
                s.execute(select(ClinicRow.id).where(ClinicRow.id == clinic_id).with_for_update())
                since = to_db(data.created_at - same_within)
                same_born = ClientRow.born == data.born if data.born else ClientRow.born.is_(None)
                found = s.scalar(
                    select(ClientRow.id)
                    .join(ClinicClientRow, ClinicClientRow.client_id == ClientRow.id)
                    .where(
                        ClinicClientRow.clinic_id == clinic_id,
                        ClientRow.name == data.name,
                        same_born,
                        ClientRow.created_at >= since,
                    )
                    .order_by(ClientRow.id)
                    .limit(1)
                )
                if found is not None:
                    return int(found)
            client_id = insert_client(s, data)
            s.add(ClinicClientRow(client_id=client_id, clinic_id=clinic_id, version=1))
            return client_id

    def adopt_client(self, client_id: int, clinic_id: int) -> None:
        """Give a client stored without a clinic (by the command line) to a clinic."""
        with self._tx() as s:
            if s.get(ClinicClientRow, client_id) is None:
                s.add(ClinicClientRow(client_id=client_id, clinic_id=clinic_id, version=1))

    def clinic_of(self, client_id: int) -> int | None:
        """The clinic a client belongs to; None for an unknown client or one without a clinic."""
        with self._tx(read=True) as s:
            return s.scalar(
                select(ClinicClientRow.clinic_id).where(ClinicClientRow.client_id == client_id)
            )

    def clinic_clients(
        self, clinic_id: int, search: str = "", client_id: int | None = None
    ) -> list[ClinicClient]:
        """A clinic's clients by name (a search matches any part of the name)."""
        with self._tx(read=True) as s:
            na = (
                select(AssessmentRow.client_id, func.count().label("n"))
                .group_by(AssessmentRow.client_id)
                .subquery()
            )
            ns = (
                select(SessionRow.client_id, func.count().label("n"))
                .group_by(SessionRow.client_id)
                .subquery()
            )
            alerts = (
                select(ClientReportRow.client_id, func.count().label("n"))
                .where(ClientReportRow.alert.is_not(None))
                .where(ClientReportRow.alert_cleared_at.is_(None))
                .group_by(ClientReportRow.client_id)
                .subquery()
            )
            q = (
                select(ClientRow, ClinicClientRow.version, na.c.n, ns.c.n, alerts.c.n)
                .join(ClinicClientRow, ClinicClientRow.client_id == ClientRow.id)
                .outerjoin(na, na.c.client_id == ClientRow.id)
                .outerjoin(ns, ns.c.client_id == ClientRow.id)
                .outerjoin(alerts, alerts.c.client_id == ClientRow.id)
                .where(ClinicClientRow.clinic_id == clinic_id)
                .order_by(func.lower(ClientRow.name), ClientRow.id)
            )
            if search.strip():
                escaped = search.strip().lower().replace("\\", "\\\\")
                escaped = escaped.replace("%", "\\%").replace("_", "\\_")
                q = q.where(func.lower(ClientRow.name).like(f"%{escaped}%", escape="\\"))
            if client_id is not None:
                q = q.where(ClientRow.id == client_id)
            return [
                ClinicClient(
                    id=c.id,
                    name=c.name,
                    born=c.born,
                    version=v,
                    assessments=a or 0,
                    sessions=n or 0,
                    alerts=al or 0,
                )
                for c, v, a, n, al in s.execute(q).all()
            ]

    def update_client(self, client_id: int, version: int, name: str, born: dt.date | None) -> int:
        """Change a client's details if nobody else did since `version`; the new version."""
        with self._tx() as s:
            done = s.execute(
                update(ClinicClientRow)
                .where(ClinicClientRow.client_id == client_id)
                .where(ClinicClientRow.version == version)
                .values(version=version + 1)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise StaleError(
                    f"client {client_id}",
                    [Problem("version", "someone else changed this client since you opened it")],
                )
            s.execute(
                update(ClientRow).where(ClientRow.id == client_id).values(name=name, born=born)
            )
            return version + 1

    # -- erasure --

    def erase_client(self, client_id: int) -> None:
        """Delete a client and everything recorded about them, in one transaction.

        The audit log keeps its entries (ids and actions only, no clinical content); the caller
        adds the entry that says the client was erased.
        """
        with self._tx() as s:
            if s.get(ClientRow, client_id) is None:
                raise InputError(f"client {client_id}", [Problem("client", "no such client")])
            s.add(ErasePermitRow(client_id=client_id))
            s.flush()
            for table in (ClientReportRow, ClientLinkRow, DraftRow, ClinicClientRow):
                s.execute(delete(table).where(table.client_id == client_id))
            s.execute(delete(SessionRow).where(SessionRow.client_id == client_id))
            s.execute(delete(AssessmentRow).where(AssessmentRow.client_id == client_id))
            s.execute(delete(ClientRow).where(ClientRow.id == client_id))
            s.execute(delete(ErasePermitRow).where(ErasePermitRow.client_id == client_id))
