"""The store: clients, their assessments and their session logs in a real database.

Every read and write is one transaction: a write stores all of what the user entered or none of
it. An assessment is never changed: a new one is added (the database refuses UPDATE and DELETE
on assessments with a trigger). Records go in and come out validated (`records`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..assessment.prescription import Prescription
from ..clinical.intake import Intake
from ..errors import BackExpertError, InputError, Problem
from ..progression.logbook import ExerciseLog, SessionLog, SetLog
from . import database as connection
from .database import READ
from .records import (
    AssessmentRecord,
    ClientData,
    ClientInfo,
    ClientRecord,
    SessionRecord,
    now,
)
from .tables import AssessmentRow, ClientRow, EntryRow, SessionRow, SetRow


def to_db(v: dt.datetime) -> dt.datetime:
    """Stored as naive UTC: the same in SQLite and PostgreSQL."""
    return v.astimezone(dt.UTC).replace(tzinfo=None)


def from_db(v: dt.datetime) -> dt.datetime:
    return v.replace(tzinfo=dt.UTC)


class Store:
    """One database: open it with `Store.open()`, close it with `close()` (or `with`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url = engine.url
        self._reader = engine.execution_options(**{READ: True})

    @classmethod
    def open(cls, database: str | None = None) -> Store:
        """Open (and create or migrate) the database named by the argument or the environment."""
        url = connection.resolve_url(database)
        engine = connection.create(url)
        try:
            connection.migrate(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise connection.failure(url, exc) from exc
        except Exception:
            engine.dispose()
            raise
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self, *, read: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        bind = self._reader if read else self.engine
        try:
            with Session(bind, expire_on_commit=False) as s, s.begin():
                yield s
        except BackExpertError:
            raise
        except SQLAlchemyError as exc:
            raise connection.failure(self.url, exc) from exc

    # -- clients --

    def add_client(
        self, name: str, born: dt.date | None = None, load_increment_kg: float | None = None
    ) -> int:
        data = ClientData(
            uid=str(uuid.uuid4()),
            name=name,
            born=born,
            load_increment_kg=load_increment_kg,
            created_at=now(),
        )
        with self._tx() as s:
            row = _client_row(data)
            s.add(row)
            s.flush()
            return row.id

    def clients(self, client_id: int | None = None) -> list[ClientInfo]:
        """Every client (or the one with this id) with counts of assessments and sessions."""
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
            return [_info(c, na or 0, ns or 0, last) for c, na, ns, last in rows]

    def client(self, client_id: int) -> ClientInfo:
        found = self.clients(client_id)
        return found[0] if found else _no_client(client_id)

    # -- assessments --

    def add_assessment(self, client_id: int, intake: Intake, prescription: Prescription) -> int:
        """Store one assessment; earlier ones stay as they were."""
        with self._tx() as s:
            _client(s, client_id)
            row = AssessmentRow(
                uid=str(uuid.uuid4()),
                client_id=client_id,
                created_at=to_db(now()),
                rulebook=prescription.rulebook,
                backexpert=prescription.backexpert,
                intake=intake.model_dump(mode="json"),
                prescription=prescription.model_dump(mode="json"),
            )
            s.add(row)
            s.flush()
            return row.id

    def assessments(self, client_id: int) -> list[AssessmentRecord]:
        with self._tx(read=True) as s:
            _client(s, client_id)
            return [_assessment_record(r) for r in _assessments(s, client_id)]

    def latest_assessment(self, client_id: int) -> AssessmentRecord | None:
        found = self.assessments(client_id)
        return found[-1] if found else None

    # -- session logs --

    def add_session(self, client_id: int, log: SessionLog) -> int:
        """Store one session with all its exercises and sets, atomically."""
        record = SessionRecord(**dict(log), uid=str(uuid.uuid4()), created_at=now())
        with self._tx() as s:
            _client(s, client_id)
            row = _session_row(client_id, record)
            s.add(row)
            s.flush()
            return row.id

    def sessions(self, client_id: int) -> list[SessionRecord]:
        """The client's sessions in training order (date, time, then the order logged)."""
        with self._tx(read=True) as s:
            _client(s, client_id)
            return [_session_record(r) for r in _sessions(s, client_id)]

    # -- export and import --

    def export(self, client_id: int) -> ClientRecord:
        """A client's whole record; `import_record` of it elsewhere gives the same export."""
        with self._tx(read=True) as s:
            c = _client(s, client_id)
            return ClientRecord(
                client=ClientData(
                    uid=c.uid,
                    name=c.name,
                    born=c.born,
                    load_increment_kg=c.load_increment_kg,
                    created_at=from_db(c.created_at),
                ),
                assessments=[_assessment_record(r) for r in _assessments(s, client_id)],
                sessions=[_session_record(r) for r in _sessions(s, client_id)],
            )

    def import_record(self, record: ClientRecord) -> int:
        """Store an exported record as a new client; refuse one whose uid is already here."""
        with self._tx() as s:
            existing = s.scalar(select(ClientRow.id).where(ClientRow.uid == record.client.uid))
            if existing is not None:
                raise InputError(
                    "import",
                    [
                        Problem(
                            "client.uid",
                            f"this client is already stored as client {existing} "
                            "(importing twice would duplicate every session)",
                        )
                    ],
                )
            row = _client_row(record.client)
            s.add(row)
            s.flush()
            for a in record.assessments:
                s.add(
                    AssessmentRow(
                        uid=a.uid,
                        client_id=row.id,
                        created_at=to_db(a.created_at),
                        rulebook=a.rulebook,
                        backexpert=a.backexpert,
                        intake=a.intake.model_dump(mode="json"),
                        prescription=a.prescription.model_dump(mode="json"),
                    )
                )
            for r in record.sessions:
                s.add(_session_row(row.id, r))
            s.flush()
            return row.id


# --- row <-> record -------------------------------------------------------------------------


def _no_client(client_id: int) -> NoReturn:
    raise InputError(
        f"client {client_id}",
        [Problem("client", f"no client with id {client_id} (see `backexpert clients list`)")],
    )


def _client(s: Session, client_id: int) -> ClientRow:
    row = s.get(ClientRow, client_id)
    if row is None:
        _no_client(client_id)
    return row


def _client_row(c: ClientData) -> ClientRow:
    return ClientRow(
        uid=c.uid,
        name=c.name,
        born=c.born,
        load_increment_kg=c.load_increment_kg,
        created_at=to_db(c.created_at),
    )


def _info(c: ClientRow, assessments: int, sessions: int, last: dt.date | None) -> ClientInfo:
    return ClientInfo(
        id=c.id,
        uid=c.uid,
        name=c.name,
        born=c.born,
        load_increment_kg=c.load_increment_kg,
        created_at=from_db(c.created_at),
        assessments=assessments,
        sessions=sessions,
        last_session=last,
    )


def _assessments(s: Session, client_id: int) -> list[AssessmentRow]:
    q = select(AssessmentRow).where(AssessmentRow.client_id == client_id)
    return list(s.scalars(q.order_by(AssessmentRow.created_at, AssessmentRow.id)))


def _assessment_record(r: AssessmentRow) -> AssessmentRecord:
    return AssessmentRecord(
        uid=r.uid,
        created_at=from_db(r.created_at),
        rulebook=r.rulebook,
        backexpert=r.backexpert,
        intake=Intake.model_validate(r.intake),
        prescription=Prescription.model_validate(r.prescription),
    )


def _sessions(s: Session, client_id: int) -> list[SessionRow]:
    rows = list(s.scalars(select(SessionRow).where(SessionRow.client_id == client_id)))
    return sorted(rows, key=lambda r: (r.date, r.time or dt.time.min, r.id))


def _session_row(client_id: int, r: SessionRecord) -> SessionRow:
    return SessionRow(
        uid=r.uid,
        client_id=client_id,
        date=r.date,
        time=r.time,
        notes=r.notes,
        created_at=to_db(r.created_at),
        entries=[
            EntryRow(
                position=i,
                exercise=e.exercise,
                form=e.form,
                pain_before=e.pain_before,
                pain_after=e.pain_after,
                target_reps=e.target_reps,
                load_increment_kg=e.load_increment_kg,
                notes=e.notes,
                sets=[
                    SetRow(position=k, reps=x.reps, load_kg=x.load_kg, rpe=x.rpe, rir=x.rir)
                    for k, x in enumerate(e.sets)
                ],
            )
            for i, e in enumerate(r.exercises)
        ],
    )


def _session_record(r: SessionRow) -> SessionRecord:
    return SessionRecord(
        uid=r.uid,
        created_at=from_db(r.created_at),
        date=r.date,
        time=r.time,
        notes=r.notes,
        exercises=[
            ExerciseLog(
                exercise=e.exercise,
                form=e.form,
                pain_before=e.pain_before,
                pain_after=e.pain_after,
                target_reps=e.target_reps,
                load_increment_kg=e.load_increment_kg,
                notes=e.notes,
                sets=[SetLog(reps=x.reps, load_kg=x.load_kg, rpe=x.rpe, rir=x.rir) for x in e.sets],
            )
            for e in r.entries
        ],
    )
