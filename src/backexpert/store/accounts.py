"""The web app's store: clinics and users, sessions, tenancy, drafts, links, keys, reports, audit.

`WebStore` is the store with the web app's operations added; each is one transaction, like the
store's own. Secrets arrive already hashed (`web.security`). The clinicians' accounts and their
browser sessions are here; the rest comes in parts, each a `Store` that `WebStore` combines:
`clinic_clients` (tenancy, a client's details, erasure), `drafts`, `portal` (client links and
the reports sent through them), `api_keys` and `audit`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update

from ..errors import InputError, Problem
from .api_keys import ApiKeyStore
from .audit import AuditStore
from .clinic_clients import ClinicClientStore
from .drafts import DraftStore
from .portal import PortalStore
from .records import now
from .rows import aware, from_db, to_db
from .web_tables import ClinicRow, LoginFailureRow, UserRow, WebSessionRow


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


def _user(u: UserRow, clinic: str) -> User:
    return User(
        id=u.id,
        clinic_id=u.clinic_id,
        clinic=clinic,
        email=u.email,
        name=u.name,
        password_hash=u.password_hash,
        locked_until=aware(u.locked_until),
    )


class WebStore(ClinicClientStore, DraftStore, PortalStore, ApiKeyStore, AuditStore):
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
