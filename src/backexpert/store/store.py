"""The store: clients, their assessments and their session logs in a real database.

Every read and write is one transaction: a write stores all of what the user entered or none of
it. An assessment is never changed: a new one is added (the database refuses UPDATE and DELETE
on assessments with a trigger). Records go in and come out validated (`records`).

Writes are idempotent where a retry could duplicate: a session logged with an idempotency key
(`save_session`) and an assessment (`save_assessment`, by the fingerprint of its intake and
prescription) are stored once per client; a second identical write returns the stored one.
Sessions are written and read in bulk (a few statements for any number of rows), so importing
or reading thousands of sessions takes time and memory in proportion to them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn, cast

from pydantic import ValidationError
from sqlalchemy import Engine, Table, func, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from ..assessment.edits import Adjustments
from ..assessment.prescription import Prescription
from ..clinical.intake import Intake
from ..errors import BackExpertError, InputError, Problem, StoreError
from ..model import STORED
from ..progression.logbook import SessionLog
from . import database as connection
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
from .tables import AssessmentRow, Base, ClientRow, EntryRow, SessionRow, SetRow

MAX_ID = 2**31 - 1  # ids are INTEGER: 32 bits in PostgreSQL
_CHUNK = 500  # uids per IN (...) when checking an import


def to_db(v: dt.datetime) -> dt.datetime:
    """Stored as naive UTC: the same in SQLite and PostgreSQL."""
    return v.astimezone(dt.UTC).replace(tzinfo=None)


def from_db(v: dt.datetime) -> dt.datetime:
    return v.replace(tzinfo=dt.UTC)


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
            return _insert_client(s, data)

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
            return [_info(c, na or 0, ns or 0, last) for c, na, ns, last in rows]

    def client(self, client_id: int) -> ClientInfo:
        found = self.clients(client_id)
        return found[0] if found else _no_client(client_id)

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
                _client(s, client_id)
                found = _assessment_by_fingerprint(s, client_id, key)
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
                again = _assessment_by_fingerprint(s, client_id, key)
            if again is None:
                raise
            return Stored(again, created=False)

    def assessments(self, client_id: int) -> list[AssessmentRecord]:
        with self._tx(read=True) as s:
            _client(s, client_id)
            return [_assessment_record(r) for r in _assessments(s, client_id)]

    def latest_assessment(self, client_id: int) -> AssessmentRecord | None:
        with self._tx(read=True) as s:
            _client(s, client_id)
            q = (
                select(AssessmentRow)
                .where(AssessmentRow.client_id == client_id)
                .order_by(AssessmentRow.created_at.desc(), AssessmentRow.id.desc())
                .limit(1)
            )
            row = s.scalars(q).first()
            return None if row is None else _assessment_record(row)

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
                _client(s, client_id)
                found = None if key is None else _session_by_key(s, client_id, key)
                if found is not None:
                    return Stored(found, created=False)
                (new,) = _insert_sessions(s, client_id, [record], [key])
                return Stored(new, created=True)
        except StoreError as exc:
            if key is None or not isinstance(exc.__cause__, IntegrityError):
                raise
            with self._tx(read=True) as s:  # logged at the same moment by another process
                again = _session_by_key(s, client_id, key)
            if again is None:
                raise
            return Stored(again, created=False)

    def sessions(self, client_id: int) -> list[SessionRecord]:
        """The client's sessions in training order (date, time, then the order logged)."""
        with self._tx(read=True) as s:
            _client(s, client_id)
            return _load_sessions(s, client_id)

    # -- export and import --

    def export(self, client_id: int) -> ClientRecord:
        """A client's whole record; `import_record` of it elsewhere gives the same export."""
        with self._tx(read=True) as s:
            c = _client(s, client_id)
            return ClientRecord.model_validate(
                {
                    "client": {
                        "uid": c.uid,
                        "name": c.name,
                        "born": c.born,
                        "load_increment_kg": c.load_increment_kg,
                        "created_at": from_db(c.created_at),
                    },
                    "assessments": [_assessment_record(r) for r in _assessments(s, client_id)],
                    "sessions": _load_sessions(s, client_id),
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
            _refuse_stored_uids(s, record)
            new = _insert_client(s, record.client)
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
                s.execute(insert(_table(AssessmentRow)), rows)
            _insert_sessions(s, new, record.sessions, [None] * len(record.sessions))
            return new


# --- row <-> record -------------------------------------------------------------------------


def _no_client(client_id: int) -> NoReturn:
    raise InputError(
        f"client {client_id}",
        [Problem("client", f"no client with id {client_id} (see `backexpert clients list`)")],
    )


def _client(s: Session, client_id: int) -> ClientRow:
    if not 1 <= client_id <= MAX_ID:  # the driver would overflow: no such client either way
        _no_client(client_id)
    row = s.get(ClientRow, client_id)
    if row is None:
        _no_client(client_id)
    return row


def _insert_client(s: Session, c: ClientData) -> int:
    new: int = s.scalars(
        insert(_table(ClientRow)).returning(_table(ClientRow).c.id),
        [
            {
                "uid": c.uid,
                "name": c.name,
                "born": c.born,
                "load_increment_kg": c.load_increment_kg,
                "created_at": to_db(c.created_at),
            }
        ],
    ).one()
    return new


def _refuse_stored_uids(s: Session, record: ClientRecord) -> None:
    """An import whose uids are already stored is bad input: each one named."""
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
    problems = []
    for kind, table, uids in (
        ("assessments", AssessmentRow, [a.uid for a in record.assessments]),
        ("sessions", SessionRow, [x.uid for x in record.sessions]),
    ):
        index = {uid: i for i, uid in enumerate(uids)}
        for chunk in _chunks(uids):
            q = select(table.uid, table.client_id).where(table.uid.in_(chunk))
            for uid, owner in s.execute(q).all():
                problems.append(
                    Problem(
                        f"{kind}[{index[uid]}].uid",
                        f"{uid} is already stored (for client {owner}): "
                        "a record is imported once; export it again to copy it",
                    )
                )
    if problems:
        problems.sort(key=lambda p: p.path)
        shown = problems[:10]
        if len(problems) > len(shown):
            shown.append(Problem("", f"and {len(problems) - len(shown)} more stored uids"))
        raise InputError("import", shown)


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


def _assessment_by_fingerprint(s: Session, client_id: int, key: str) -> int | None:
    q = select(AssessmentRow.id).where(
        AssessmentRow.client_id == client_id, AssessmentRow.fingerprint == key
    )
    return s.scalar(q)


def _assessment_record(r: AssessmentRow) -> AssessmentRecord:
    return AssessmentRecord.model_validate(
        {
            "uid": r.uid,
            "created_at": from_db(r.created_at),
            "rulebook": r.rulebook,
            "backexpert": r.backexpert,
            "intake": r.intake,
            "prescription": r.prescription,
            "generated": r.generated,
            "adjustments": r.adjustments,
        },
        context=STORED,
    )


def _session_by_key(s: Session, client_id: int, key: str) -> int | None:
    q = select(SessionRow.id).where(
        SessionRow.client_id == client_id, SessionRow.idempotency_key == key
    )
    return s.scalar(q)


def _insert_sessions(
    s: Session, client_id: int, records: Sequence[SessionRecord], keys: Sequence[str | None]
) -> list[int]:
    """Insert sessions, their exercises and their sets: one batch per table; the session ids.

    Plain executemany (the driver's fast path) and the new ids read back by their unique keys
    (a session's uid, an exercise's session and position): RETURNING with its rows in order
    would cost SQLAlchemy one statement per row.
    """
    if not records:
        return []
    s.execute(
        insert(_table(SessionRow)),
        [
            {
                "uid": r.uid,
                "client_id": client_id,
                "date": r.date,
                "time": r.time,
                "notes": r.notes,
                "created_at": to_db(r.created_at),
                "idempotency_key": key,
            }
            for r, key in zip(records, keys, strict=True)
        ],
    )
    by_uid: dict[str, int] = {}
    uids = [r.uid for r in records]
    for chunk in _chunks(uids):
        q = select(SessionRow.uid, SessionRow.id).where(SessionRow.uid.in_(chunk))
        by_uid.update((uid, sid) for uid, sid in s.execute(q))
    session_ids = [by_uid[uid] for uid in uids]
    s.execute(
        insert(_table(EntryRow)),
        [
            {
                "session_id": sid,
                "position": i,
                "exercise": e.exercise,
                "form": e.form,
                "pain_before": e.pain_before,
                "pain_after": e.pain_after,
                "target_reps": e.target_reps,
                "load_increment_kg": e.load_increment_kg,
                "notes": e.notes,
            }
            for sid, r in zip(session_ids, records, strict=True)
            for i, e in enumerate(r.exercises)
        ],
    )
    entry_ids: dict[tuple[int, int], int] = {}
    for chunk in _chunks(session_ids):
        positions = select(EntryRow.session_id, EntryRow.position, EntryRow.id).where(
            EntryRow.session_id.in_(chunk)
        )
        entry_ids.update({(sid, pos): eid for sid, pos, eid in s.execute(positions)})
    s.execute(
        insert(_table(SetRow)),
        [
            {
                "entry_id": entry_ids[(sid, i)],
                "position": k,
                "reps": x.reps,
                "load_kg": x.load_kg,
                "rpe": x.rpe,
                "rir": x.rir,
            }
            for sid, r in zip(session_ids, records, strict=True)
            for i, e in enumerate(r.exercises)
            for k, x in enumerate(e.sets)
        ],
    )
    return session_ids


def _table(row: type[Base]) -> Table:
    """A mapped class's table, for Core statements (bulk inserts without the ORM's bookkeeping)."""
    return cast(Table, row.__table__)


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _load_sessions(s: Session, client_id: int) -> list[SessionRecord]:
    """A client's sessions in three queries (sessions, exercises, sets), in training order."""
    sessions = s.execute(
        select(
            SessionRow.id,
            SessionRow.uid,
            SessionRow.date,
            SessionRow.time,
            SessionRow.notes,
            SessionRow.created_at,
        ).where(SessionRow.client_id == client_id)
    ).all()
    entry_q = (
        select(
            EntryRow.id,
            EntryRow.session_id,
            EntryRow.exercise,
            EntryRow.form,
            EntryRow.pain_before,
            EntryRow.pain_after,
            EntryRow.target_reps,
            EntryRow.load_increment_kg,
            EntryRow.notes,
        )
        .join(SessionRow, EntryRow.session_id == SessionRow.id)
        .where(SessionRow.client_id == client_id)
        .order_by(EntryRow.session_id, EntryRow.position)
    )
    set_q = (
        select(SetRow.entry_id, SetRow.reps, SetRow.load_kg, SetRow.rpe, SetRow.rir)
        .join(EntryRow, SetRow.entry_id == EntryRow.id)
        .join(SessionRow, EntryRow.session_id == SessionRow.id)
        .where(SessionRow.client_id == client_id)
        .order_by(SetRow.entry_id, SetRow.position)
    )
    sets: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for entry_id, reps, load, rpe, rir in s.execute(set_q):
        sets[entry_id].append(_sparse(reps=reps, load_kg=load, rpe=rpe, rir=rir))
    entries: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in s.execute(entry_q):
        entries[e.session_id].append(
            _sparse(
                exercise=e.exercise,
                sets=sets.pop(e.id, []),
                form=e.form,
                pain_before=e.pain_before,
                pain_after=e.pain_after,
                target_reps=e.target_reps,
                load_increment_kg=e.load_increment_kg,
                notes=e.notes,
            )
        )
    ordered = sorted(sessions, key=lambda r: (r.date, r.time or dt.time.min, r.id))
    return [
        SessionRecord.model_validate(
            _sparse(
                uid=r.uid,
                created_at=from_db(r.created_at),
                date=r.date,
                time=r.time,
                notes=r.notes,
                exercises=entries.pop(r.id, []),
            ),
            context=STORED,
        )
        for r in ordered
    ]


def _sparse(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def _session_row(client_id: int, r: SessionRecord) -> SessionRow:
    """One session as ORM rows (used by tests that hold a write open)."""
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
