"""The store: clients, their assessments and their session logs in a real database.

Every read and write is one transaction: a write stores all of what the user entered or none of
it. An assessment is never changed: a new one is added (the database refuses UPDATE and DELETE
on assessments with a trigger). Records go in and come out validated (`records`).

Writes are idempotent where a retry could duplicate: a session logged with an idempotency key
(`save_session`) and an assessment (`save_assessment`, by the fingerprint of its intake and
prescription) are stored once per client; a second identical write returns the stored one.
Sessions are written and read in bulk (a few statements for any number of rows), so importing
or reading thousands of sessions takes time and memory in proportion to them.

The rows themselves are made and read back in `client_rows` (a client, their assessments) and
`session_rows` (session logs), both by way of `rows` (stored times and ids).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from ..assessment.edits import Adjustments
from ..assessment.prescription import Prescription
from ..clinical.intake import Intake
from ..errors import BackExpertError, StoreError
from ..model import STORED
from ..progression.logbook import SessionLog
from . import database as connection
from .client_rows import (
    assessment_by_fingerprint,
    assessment_record,
    assessment_rows,
    client_info,
    client_row,
    insert_client,
    no_client,
    refuse_stored_uids,
)
from .database import READ
from .records import (
    AssessmentRecord,
    ClientData,
    ClientInfo,
    ClientRecord,
    SessionRecord,
    check_storable,
    document_json,
    fingerprint,
    now,
)
from .rows import MAX_ID, core_table, from_db, to_db
from .session_rows import insert_sessions, load_sessions, session_by_key
from .tables import AssessmentRow, ClientRow, SessionRow


@dataclass(frozen=True)
class Stored:
    """Where a write went: the row's id, and whether this call stored it (False: found)."""

    id: int
    created: bool


class Store:
    """One database: open it with `Store.open()`, close it with `close()` (or `with`)."""

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self.engine = engine
        self.url = engine.url
        self.read_only = read_only
        self._reader = engine.execution_options(**{READ: True})

    @classmethod
    def open(cls, database: str | None = None, *, write: bool = True) -> Store:
        """Open (and create or migrate) the database named by the argument or the environment.

        `write=False` is for commands that only read: a SQLite file the user cannot write is
        then opened read-only, and a database already at the newest revision is not locked.
        """
        url = connection.resolve_url(database)
        path = connection.sqlite_file(url)
        try:  # a path the system cannot even look up (too long, a loop of links)
            read_only = path is not None and path.exists() and not connection.writable(path)
            if read_only and write:
                raise StoreError(
                    f"database {path} is read-only (you cannot write it or its directory): "
                    "nothing was stored"
                )
            engine = connection.create(url, read_only=read_only)
        except OSError as exc:
            raise StoreError(f"database {path}: {exc.strerror or exc}") from None
        try:
            if write:
                connection.migrate(engine)
            else:
                current = connection.revision(engine.execution_options(**{READ: True}))
                newest = connection.head()
                if current != newest:
                    if read_only:
                        raise StoreError(
                            f"database {path} is read-only and at revision {current}; this "
                            f"version needs {newest}: open it once with write access to upgrade"
                        )
                    connection.migrate(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise connection.failure(url, exc) from exc
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, read_only=read_only)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self, *, read: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        if self.read_only and not read:
            raise StoreError(
                f"database {connection.where(self.url)} is open read-only: nothing was stored"
            )
        bind = self._reader if read else self.engine
        try:
            with Session(bind, expire_on_commit=False) as s, s.begin():
                yield s
        except BackExpertError:
            raise
        except SQLAlchemyError as exc:
            raise connection.failure(self.url, exc) from exc
        except ValidationError as exc:  # a stored row that no longer validates
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            raise StoreError(
                f"database {connection.where(self.url)}: a stored {exc.title} does not "
                f"validate: {where}: {first['msg']}"
            ) from exc

    # -- clients --

    def add_client(
        self, name: str, born: dt.date | None = None, load_increment_kg: float | None = None
    ) -> int:
        """Store a new client (InputError when a field does not validate)."""
        from .. import documents

        data = documents.validate(
            ClientData,
            documents.Document(
                "client",
                {
                    "uid": str(uuid.uuid4()),
                    "name": name,
                    "born": born,
                    "load_increment_kg": load_increment_kg,
                    "created_at": now(),
                },
                None,
            ),
        )
        with self._tx() as s:
            return insert_client(s, data)

    def clients(self, client_id: int | None = None) -> list[ClientInfo]:
        """Every client (or the one with this id) with counts of assessments and sessions."""
        if client_id is not None and not 1 <= client_id <= MAX_ID:
            return []
        with self._tx(read=True) as s:
            a = (
                select(AssessmentRow.client_id, func.count().label("n"))
                .group_by(AssessmentRow.client_id)
                .subquery()
            )
            g = (
                select(
                    SessionRow.client_id,
                    func.count().label("n"),
                    func.max(SessionRow.date).label("last"),
                )
                .group_by(SessionRow.client_id)
                .subquery()
            )
            q = (
                select(ClientRow, a.c.n, g.c.n, g.c.last)
                .outerjoin(a, a.c.client_id == ClientRow.id)
                .outerjoin(g, g.c.client_id == ClientRow.id)
                .order_by(ClientRow.id)
            )
            if client_id is not None:
                q = q.where(ClientRow.id == client_id)
            rows = s.execute(q).all()
            return [client_info(c, na or 0, ns or 0, last) for c, na, ns, last in rows]

    def client(self, client_id: int) -> ClientInfo:
        found = self.clients(client_id)
        return found[0] if found else no_client(client_id)

    # -- assessments --

    def add_assessment(self, client_id: int, intake: Intake, prescription: Prescription) -> int:
        """Store one assessment (once: see `save_assessment`); earlier ones stay as they were."""
        return self.save_assessment(client_id, intake, prescription).id

    def save_assessment(
        self,
        client_id: int,
        intake: Intake,
        prescription: Prescription,
        *,
        generated: Prescription | None = None,
        adjustments: Adjustments | None = None,
    ) -> Stored:
        """Store one assessment, unless this client already has the same one (then: found).

        An assessment a clinician edited keeps the `generated` program and the `adjustments`
        beside the result (`prescription`, which records the edits and overrides too).
        """
        intake_json, prescription_json = document_json(intake), document_json(prescription)
        generated_json = None if generated is None else document_json(generated)
        adjustments_json = None if adjustments is None else document_json(adjustments)
        where = f"client {client_id}"
        check_storable(where, "intake", intake_json)
        check_storable(where, "prescription", prescription_json)
        if generated_json is not None:
            check_storable(where, "generated", generated_json)
        if adjustments_json is not None:
            check_storable(where, "adjustments", adjustments_json)
        key = fingerprint({"intake": intake_json, "prescription": prescription_json})
        try:
            with self._tx() as s:
                client_row(s, client_id)
                found = assessment_by_fingerprint(s, client_id, key)
                if found is not None:
                    return Stored(found, created=False)
                row = AssessmentRow(
                    uid=str(uuid.uuid4()),
                    client_id=client_id,
                    created_at=to_db(now()),
                    rulebook=prescription.rulebook,
                    backexpert=prescription.backexpert,
                    intake=intake_json,
                    prescription=prescription_json,
                    generated=generated_json,
                    adjustments=adjustments_json,
                    fingerprint=key,
                )
                s.add(row)
                s.flush()
                return Stored(row.id, created=True)
        except StoreError as exc:
            if not isinstance(exc.__cause__, IntegrityError):
                raise
            with self._tx(read=True) as s:  # saved at the same moment by another process
                again = assessment_by_fingerprint(s, client_id, key)
            if again is None:
                raise
            return Stored(again, created=False)

    def assessments(self, client_id: int) -> list[AssessmentRecord]:
        with self._tx(read=True) as s:
            client_row(s, client_id)
            return [assessment_record(r) for r in assessment_rows(s, client_id)]

    def latest_assessment(self, client_id: int) -> AssessmentRecord | None:
        with self._tx(read=True) as s:
            client_row(s, client_id)
            q = (
                select(AssessmentRow)
                .where(AssessmentRow.client_id == client_id)
                .order_by(AssessmentRow.created_at.desc(), AssessmentRow.id.desc())
                .limit(1)
            )
            row = s.scalars(q).first()
            return None if row is None else assessment_record(row)

    # -- session logs --

    def add_session(
        self, client_id: int, log: SessionLog, idempotency_key: str | None = None
    ) -> int:
        """Store one session with all its exercises and sets, atomically; its id."""
        return self.save_session(client_id, log, idempotency_key).id

    def save_session(
        self, client_id: int, log: SessionLog, idempotency_key: str | None = None
    ) -> Stored:
        """Store one session, atomically; with a key, once: a retry finds the stored one."""
        key = idempotency_key
        record = SessionRecord.model_validate(
            {**dict(log), "uid": str(uuid.uuid4()), "created_at": now()}
        )
        try:
            with self._tx() as s:
                client_row(s, client_id)
                found = None if key is None else session_by_key(s, client_id, key)
                if found is not None:
                    return Stored(found, created=False)
                (new,) = insert_sessions(s, client_id, [record], [key])
                return Stored(new, created=True)
        except StoreError as exc:
            if key is None or not isinstance(exc.__cause__, IntegrityError):
                raise
            with self._tx(read=True) as s:  # logged at the same moment by another process
                again = session_by_key(s, client_id, key)
            if again is None:
                raise
            return Stored(again, created=False)

    def sessions(self, client_id: int) -> list[SessionRecord]:
        """The client's sessions in training order (date, time, then the order logged)."""
        with self._tx(read=True) as s:
            client_row(s, client_id)
            return load_sessions(s, client_id)

    # -- export and import --

    def export(self, client_id: int) -> ClientRecord:
        """A client's whole record; `import_record` of it elsewhere gives the same export."""
        with self._tx(read=True) as s:
            c = client_row(s, client_id)
            return ClientRecord.model_validate(
                {
                    "client": {
                        "uid": c.uid,
                        "name": c.name,
                        "born": c.born,
                        "load_increment_kg": c.load_increment_kg,
                        "created_at": from_db(c.created_at),
                    },
                    "assessments": [assessment_record(r) for r in assessment_rows(s, client_id)],
                    "sessions": load_sessions(s, client_id),
                },
                context=STORED,
            )

    def import_record(self, record: ClientRecord) -> int:
        """Store an exported record as a new client; refuse a uid that is already stored."""
        jsons = []
        extra: list[dict[str, Any]] = []
        for i, a in enumerate(record.assessments):
            intake_json, prescription_json = document_json(a.intake), document_json(a.prescription)
            check_storable("import", f"assessments[{i}].intake", intake_json)
            check_storable("import", f"assessments[{i}].prescription", prescription_json)
            jsons.append((intake_json, prescription_json))
            more: dict[str, Any] = {"generated": None, "adjustments": None}
            for name in more:
                doc = getattr(a, name)
                if doc is not None:
                    more[name] = document_json(doc)
                    check_storable("import", f"assessments[{i}].{name}", more[name])
            extra.append(more)
        with self._tx() as s:
            refuse_stored_uids(s, record)
            new = insert_client(s, record.client)
            seen: set[str] = set()
            rows = []
            for a, (intake_json, prescription_json), more in zip(
                record.assessments, jsons, extra, strict=True
            ):
                key = fingerprint({"intake": intake_json, "prescription": prescription_json})
                rows.append(
                    {
                        **more,
                        "uid": a.uid,
                        "client_id": new,
                        "created_at": to_db(a.created_at),
                        "rulebook": a.rulebook,
                        "backexpert": a.backexpert,
                        "intake": intake_json,
                        "prescription": prescription_json,
                        "fingerprint": None if key in seen else key,
                    }
                )
                seen.add(key)
            if rows:
                s.execute(insert(core_table(AssessmentRow)), rows)
            insert_sessions(s, new, record.sessions, [None] * len(record.sessions))
            return new
