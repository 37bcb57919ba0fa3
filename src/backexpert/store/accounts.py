"""The web app's store: clinics and users, sessions, tenancy, drafts, links, keys, reports, audit.

`WebStore` is the store with the web app's operations added; each is one transaction, like the
store's own. Tenancy lives here: `clinic_of(client_id)` is the one answer to "whose client is
this?", and every web route asks it. Secrets arrive already hashed (`web.security`).

Erasing a client (`erase_client`) is the only path that deletes an assessment: it writes an
erase permit for the client, deletes everything of the client, and removes the permit, all in
one transaction (migration 0003's trigger refuses any other delete of an assessment).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import delete, func, select, update

from ..errors import InputError, Problem
from ..progression.logbook import SessionLog
from .client_rows import insert_client
from .records import ClientData, SessionRecord, now
from .rows import from_db, to_db
from .session_rows import insert_sessions
from .store import Store
from .tables import AssessmentRow, ClientRow, SessionRow
from .web_tables import (
    ApiKeyRow,
    AuditRow,
    ClientLinkRow,
    ClientReportRow,
    ClinicClientRow,
    ClinicRow,
    DraftRow,
    ErasePermitRow,
    LoginFailureRow,
    UserRow,
    WebSessionRow,
)


class StaleError(InputError):
    """A save based on an old version: someone else saved in between. Nothing was stored."""

    code: ClassVar[str] = "stale-write"


@dataclass(frozen=True)
class User:
    id: int
    clinic_id: int
    clinic: str
    email: str
    name: str
    password_hash: str
    locked_until: dt.datetime | None


@dataclass(frozen=True)
class WebSession:
    id: str
    csrf_token: str
    user: User | None
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True)
class ClinicClient:
    id: int
    name: str
    born: dt.date | None
    version: int
    assessments: int
    sessions: int
    alerts: int


@dataclass(frozen=True)
class Draft:
    data: dict[str, Any]
    version: int
    updated_at: dt.datetime


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
class ApiKey:
    id: int
    clinic_id: int
    name: str
    prefix: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


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


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor: str
    action: str
    target: str
    client_id: int | None
    detail: str | None


def _aware(v: dt.datetime | None) -> dt.datetime | None:
    return None if v is None else from_db(v)


def _user(u: UserRow, clinic: str) -> User:
    return User(
        id=u.id,
        clinic_id=u.clinic_id,
        clinic=clinic,
        email=u.email,
        name=u.name,
        password_hash=u.password_hash,
        locked_until=_aware(u.locked_until),
    )


def _link(r: ClientLinkRow, clinic_id: int) -> ClientLink:
    return ClientLink(
        id=r.id,
        client_id=r.client_id,
        clinic_id=clinic_id,
        created_by=r.created_by,
        created_at=from_db(r.created_at),
        expires_at=from_db(r.expires_at),
        revoked_at=_aware(r.revoked_at),
    )


def _key(r: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=r.id,
        clinic_id=r.clinic_id,
        name=r.name,
        prefix=r.prefix,
        created_at=from_db(r.created_at),
        revoked_at=_aware(r.revoked_at),
    )


class WebStore(Store):
    """The store plus the web app's tables."""

    @classmethod
    def open(cls, database: str | None = None, *, write: bool = True) -> WebStore:
        opened = super().open(database, write=write)
        assert isinstance(opened, WebStore)
        return opened

    def __enter__(self) -> WebStore:
        return self

    # -- clinics and users --

    def clinic_id(self, name: str, *, create: bool = False) -> int | None:
        with self._tx(read=not create) as s:
            found = s.scalar(select(ClinicRow.id).where(ClinicRow.name == name))
            if found is not None or not create:
                return found
            row = ClinicRow(name=name, created_at=to_db(now()))
            s.add(row)
            s.flush()
            return row.id

    def add_user(self, clinic: str, email: str, name: str, password_hash: str) -> int:
        """A clinician account (the clinic is created when new); refuse an e-mail used before."""
        clinic_id = self.clinic_id(clinic, create=True)
        assert clinic_id is not None
        with self._tx() as s:
            if s.scalar(select(UserRow.id).where(UserRow.email == email)) is not None:
                raise InputError("users add", [Problem("email", f"{email} already has an account")])
            row = UserRow(
                clinic_id=clinic_id,
                email=email,
                name=name,
                password_hash=password_hash,
                created_at=to_db(now()),
            )
            s.add(row)
            s.flush()
            return row.id

    def user_by_email(self, email: str) -> User | None:
        with self._tx(read=True) as s:
            found = s.execute(
                select(UserRow, ClinicRow.name)
                .join(ClinicRow, ClinicRow.id == UserRow.clinic_id)
                .where(UserRow.email == email)
            ).first()
            return None if found is None else _user(found[0], found[1])

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self._tx() as s:
            s.execute(
                update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
            )

    def record_login_failure(self, address: str, email: str, at: dt.datetime) -> None:
        with self._tx() as s:
            s.add(LoginFailureRow(at=to_db(at), address=address[:64], email=email[:254]))

    def login_failures(
        self, since: dt.datetime, *, address: str | None = None, email: str | None = None
    ) -> int:
        with self._tx(read=True) as s:
            q = select(func.count()).select_from(LoginFailureRow)
            q = q.where(LoginFailureRow.at >= to_db(since))
            if address is not None:
                q = q.where(LoginFailureRow.address == address)
            if email is not None:
                q = q.where(LoginFailureRow.email == email)
            return int(s.scalar(q) or 0)

    def lock_user(self, user_id: int, until: dt.datetime | None) -> None:
        with self._tx() as s:
            value = None if until is None else to_db(until)
            s.execute(update(UserRow).where(UserRow.id == user_id).values(locked_until=value))

    def clear_login_failures(self, email: str) -> None:
        with self._tx() as s:
            s.execute(delete(LoginFailureRow).where(LoginFailureRow.email == email))

    # -- browser sessions --

    def add_web_session(
        self,
        session_id: str,
        user_id: int | None,
        csrf_token: str,
        at: dt.datetime,
        expires_at: dt.datetime,
    ) -> None:
        with self._tx() as s:
            s.add(
                WebSessionRow(
                    id=session_id,
                    user_id=user_id,
                    csrf_token=csrf_token,
                    created_at=to_db(at),
                    last_seen_at=to_db(at),
                    expires_at=to_db(expires_at),
                )
            )

    def web_session(self, session_id: str) -> WebSession | None:
        with self._tx(read=True) as s:
            row = s.get(WebSessionRow, session_id)
            if row is None:
                return None
            user = None
            if row.user_id is not None:
                found = s.execute(
                    select(UserRow, ClinicRow.name)
                    .join(ClinicRow, ClinicRow.id == UserRow.clinic_id)
                    .where(UserRow.id == row.user_id)
                ).first()
                user = None if found is None else _user(found[0], found[1])
            return WebSession(
                id=row.id,
                csrf_token=row.csrf_token,
                user=user,
                created_at=from_db(row.created_at),
                last_seen_at=from_db(row.last_seen_at),
                expires_at=from_db(row.expires_at),
            )

    def touch_web_session(self, session_id: str, at: dt.datetime, expires_at: dt.datetime) -> None:
        with self._tx() as s:
            s.execute(
                update(WebSessionRow)
                .where(WebSessionRow.id == session_id)
                .values(last_seen_at=to_db(at), expires_at=to_db(expires_at))
            )

    def end_web_session(self, session_id: str) -> None:
        with self._tx() as s:
            s.execute(delete(WebSessionRow).where(WebSessionRow.id == session_id))

    def purge(self, at: dt.datetime, failures_before: dt.datetime) -> None:
        """Forget expired sessions and old login failures."""
        with self._tx() as s:
            s.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < to_db(at)))
            s.execute(delete(LoginFailureRow).where(LoginFailureRow.at < to_db(failures_before)))

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

    # -- drafts --

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
        with self._tx(read=True) as s:
            found = s.execute(
                select(ClientLinkRow, ClinicClientRow.clinic_id)
                .join(ClinicClientRow, ClinicClientRow.client_id == ClientLinkRow.client_id)
                .where(ClientLinkRow.token_hash == token_hash)
            ).first()
            return None if found is None else _link(found[0], found[1])

    def links(self, client_id: int) -> list[ClientLink]:
        with self._tx(read=True) as s:
            rows = s.execute(
                select(ClientLinkRow, ClinicClientRow.clinic_id)
                .join(ClinicClientRow, ClinicClientRow.client_id == ClientLinkRow.client_id)
                .where(ClientLinkRow.client_id == client_id)
                .order_by(ClientLinkRow.id)
            ).all()
            return [_link(r, c) for r, c in rows]

    def link(self, link_id: int) -> ClientLink | None:
        with self._tx(read=True) as s:
            found = s.execute(
                select(ClientLinkRow, ClinicClientRow.clinic_id)
                .join(ClinicClientRow, ClinicClientRow.client_id == ClientLinkRow.client_id)
                .where(ClientLinkRow.id == link_id)
            ).first()
            return None if found is None else _link(found[0], found[1])

    def revoke_link(self, link_id: int) -> None:
        with self._tx() as s:
            s.execute(
                update(ClientLinkRow)
                .where(ClientLinkRow.id == link_id, ClientLinkRow.revoked_at.is_(None))
                .values(revoked_at=to_db(now()))
            )

    # -- API keys --

    def add_api_key(self, clinic_id: int, name: str, prefix: str, key_hash: str) -> int:
        with self._tx() as s:
            row = ApiKeyRow(
                clinic_id=clinic_id,
                name=name,
                prefix=prefix,
                key_hash=key_hash,
                created_at=to_db(now()),
            )
            s.add(row)
            s.flush()
            return row.id

    def api_key_by_hash(self, key_hash: str) -> ApiKey | None:
        with self._tx(read=True) as s:
            row = s.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash))
            return None if row is None else _key(row)

    def api_keys(self, clinic_id: int | None = None) -> list[ApiKey]:
        with self._tx(read=True) as s:
            q = select(ApiKeyRow).order_by(ApiKeyRow.id)
            if clinic_id is not None:
                q = q.where(ApiKeyRow.clinic_id == clinic_id)
            return [_key(r) for r in s.scalars(q)]

    def revoke_api_key(self, prefix: str) -> bool:
        """Revoke the key with this public prefix; whether there was one still active."""
        with self._tx() as s:
            done = s.execute(
                update(ApiKeyRow)
                .where(ApiKeyRow.prefix == prefix, ApiKeyRow.revoked_at.is_(None))
                .values(revoked_at=to_db(now()))
            )
            return bool(done.rowcount)  # type: ignore[attr-defined]

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
                    alert_cleared_at=_aware(r.alert_cleared_at),
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

    # -- the audit log --

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
