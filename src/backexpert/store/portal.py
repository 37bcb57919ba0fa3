"""The client portal: a client's private links, and the reports they send through them."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, select, update

from ..progression.logbook import SessionLog
from .records import SessionRecord, now
from .rows import aware, from_db, to_db
from .session_rows import insert_sessions
from .store import Store
from .tables import SessionRow
from .web_tables import ClientLinkRow, ClientReportRow, ClinicClientRow


@dataclass(frozen=True)
class ClientLink:
    id: int
    client_id: int
    clinic_id: int
    created_by: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None

    def usable(self, at: dt.datetime) -> bool:
        return self.revoked_at is None and at < self.expires_at


@dataclass(frozen=True)
class ClientReport:
    id: int
    client_id: int
    session_uid: str | None
    date: dt.date
    done: bool
    exercises: list[str]
    effort: int | None
    pain: int | None
    note: str | None
    alert: str | None
    alert_cleared_at: dt.datetime | None
    created_at: dt.datetime


def _links() -> Select[ClientLinkRow, int]:
    """Client links with the clinic of their client."""
    return select(ClientLinkRow, ClinicClientRow.clinic_id).join(
        ClinicClientRow, ClinicClientRow.client_id == ClientLinkRow.client_id
    )


def _link(r: ClientLinkRow, clinic_id: int) -> ClientLink:
    return ClientLink(
        id=r.id,
        client_id=r.client_id,
        clinic_id=clinic_id,
        created_by=r.created_by,
        created_at=from_db(r.created_at),
        expires_at=from_db(r.expires_at),
        revoked_at=aware(r.revoked_at),
    )


class PortalStore(Store):
    """The store's client links and client reports (a part of `WebStore`)."""

    # -- client links --

    def add_link(
        self, client_id: int, token_hash: str, created_by: str, expires_at: dt.datetime
    ) -> int:
        with self._tx() as s:
            row = ClientLinkRow(
                client_id=client_id,
                token_hash=token_hash,
                created_by=created_by,
                created_at=to_db(now()),
                expires_at=to_db(expires_at),
            )
            s.add(row)
            s.flush()
            return row.id

    def link_by_hash(self, token_hash: str) -> ClientLink | None:
        return self._one_link(ClientLinkRow.token_hash == token_hash)

    def links(self, client_id: int) -> list[ClientLink]:
        with self._tx(read=True) as s:
            q = _links().where(ClientLinkRow.client_id == client_id).order_by(ClientLinkRow.id)
            return [_link(r, c) for r, c in s.execute(q).all()]

    def link(self, link_id: int) -> ClientLink | None:
        return self._one_link(ClientLinkRow.id == link_id)

    def _one_link(self, where: ColumnElement[bool]) -> ClientLink | None:
        with self._tx(read=True) as s:
            found = s.execute(_links().where(where)).first()
            return None if found is None else _link(found[0], found[1])

    def revoke_link(self, link_id: int) -> None:
        with self._tx() as s:
            s.execute(
                update(ClientLinkRow)
                .where(ClientLinkRow.id == link_id, ClientLinkRow.revoked_at.is_(None))
                .values(revoked_at=to_db(now()))
            )

    # -- client reports --

    def add_client_report(
        self,
        client_id: int,
        link_id: int | None,
        report: dict[str, Any],
        log: SessionLog | None,
    ) -> int:
        """A client's report and, when they trained, the session log it makes: both or neither."""
        with self._tx() as s:
            session_id = None
            if log is not None:
                record = SessionRecord.model_validate(
                    {**dict(log), "uid": str(uuid.uuid4()), "created_at": now()}
                )
                (session_id,) = insert_sessions(s, client_id, [record], [None])
            row = ClientReportRow(
                client_id=client_id,
                link_id=link_id,
                session_id=session_id,
                created_at=to_db(now()),
                alert_cleared_at=None,
                **report,
            )
            s.add(row)
            s.flush()
            return row.id

    def client_reports(self, client_id: int) -> list[ClientReport]:
        with self._tx(read=True) as s:
            rows = s.execute(
                select(ClientReportRow, SessionRow.uid)
                .outerjoin(SessionRow, SessionRow.id == ClientReportRow.session_id)
                .where(ClientReportRow.client_id == client_id)
                .order_by(ClientReportRow.date, ClientReportRow.id)
            ).all()
            return [
                ClientReport(
                    id=r.id,
                    client_id=r.client_id,
                    session_uid=uid,
                    date=r.date,
                    done=r.done,
                    exercises=list(r.exercises),
                    effort=r.effort,
                    pain=r.pain,
                    note=r.note,
                    alert=r.alert,
                    alert_cleared_at=aware(r.alert_cleared_at),
                    created_at=from_db(r.created_at),
                )
                for r, uid in rows
            ]

    def clear_alerts(self, client_id: int) -> int:
        with self._tx() as s:
            done = s.execute(
                update(ClientReportRow)
                .where(ClientReportRow.client_id == client_id)
                .where(ClientReportRow.alert.is_not(None))
                .where(ClientReportRow.alert_cleared_at.is_(None))
                .values(alert_cleared_at=to_db(now()))
            )
            return int(done.rowcount)  # type: ignore[attr-defined]
