"""The store: clients, their assessments and their session logs in a real database.

SQLite by default (a file under the user's data directory), PostgreSQL when the URL says so
(`postgresql://...`, driven by psycopg 3): the same code and the same Alembic migrations
(`backexpert/migrations/`), run to the newest revision every time the store is opened.

Where the database is: the `--database` option, else `BACKEXPERT_DATABASE_URL`, else
`<user data dir>/backexpert.sqlite3`. A value without `://` is a SQLite file path.

Every read and write is one transaction: a write stores all of what the user entered or none of
it. SQLite runs in WAL mode with a busy timeout, and every write transaction starts with
`BEGIN IMMEDIATE`, so several processes can log at once: a writer waits for the lock instead of
failing half-way. An assessment is never changed: a new one is added (the database refuses
UPDATE and DELETE on assessments with a trigger).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, NoReturn

from pydantic import AwareDatetime, Field, field_serializer
from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    Time,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from .errors import BackExpertError, InputError, Problem, StoreError
from .intake import Model
from .logbook import ExerciseLog, SessionLog, SetLog

ENV_URL = "BACKEXPERT_DATABASE_URL"
BUSY_TIMEOUT_S = 30
MIGRATIONS = Path(__file__).with_name("migrations")
_READ = "backexpert_read"

# --- tables -------------------------------------------------------------------------------

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


_KG = Numeric(7, 2, asdecimal=False)


class ClientRow(Base):
    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    born: Mapped[dt.date | None] = mapped_column(Date)
    load_increment_kg: Mapped[float | None] = mapped_column(_KG)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AssessmentRow(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    rulebook: Mapped[str] = mapped_column(String(64))
    backexpert: Mapped[str] = mapped_column(String(32))
    intake: Mapped[dict[str, Any]] = mapped_column(JSON)
    prescription: Mapped[dict[str, Any]] = mapped_column(JSON)


class SessionRow(Base):
    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    time: Mapped[dt.time | None] = mapped_column(Time)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    entries: Mapped[list[EntryRow]] = relationship(
        order_by="EntryRow.position", cascade="all, delete-orphan", lazy="selectin"
    )


class EntryRow(Base):
    __tablename__ = "session_exercises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    exercise: Mapped[str] = mapped_column(String(64))
    form: Mapped[int | None] = mapped_column(Integer)
    pain_before: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    target_reps: Mapped[str | None] = mapped_column(String(16))
    load_increment_kg: Mapped[float | None] = mapped_column(_KG)
    notes: Mapped[str | None] = mapped_column(Text)
    sets: Mapped[list[SetRow]] = relationship(
        order_by="SetRow.position", cascade="all, delete-orphan", lazy="selectin"
    )


class SetRow(Base):
    __tablename__ = "sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("session_exercises.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    reps: Mapped[int] = mapped_column(Integer)
    load_kg: Mapped[float | None] = mapped_column(_KG)
    rpe: Mapped[int | None] = mapped_column(Integer)
    rir: Mapped[int | None] = mapped_column(Integer)


# --- records: what goes in and out --------------------------------------------------------


class ClientData(Model):
    uid: str = Field(min_length=1, max_length=36)
    name: str = Field(min_length=1, max_length=200)
    born: dt.date | None = None
    load_increment_kg: float | None = Field(default=None, gt=0, le=50)
    created_at: AwareDatetime

    @field_serializer("created_at")
    def _utc(self, v: dt.datetime) -> str:
        return _iso(v)


class ClientInfo(Model):
    """A client as listed: the record plus counts."""

    id: int
    uid: str
    name: str
    born: dt.date | None
    load_increment_kg: float | None
    created_at: AwareDatetime
    assessments: int
    sessions: int
    last_session: dt.date | None


class AssessmentRecord(Model):
    """A stored assessment: the validated intake and the prescription it produced, as JSON."""

    uid: str = Field(min_length=1, max_length=36)
    created_at: AwareDatetime
    rulebook: str = Field(min_length=1, max_length=64)
    backexpert: str = Field(min_length=1, max_length=32)
    intake: dict[str, Any]
    prescription: dict[str, Any]

    @field_serializer("created_at")
    def _utc(self, v: dt.datetime) -> str:
        return _iso(v)


class SessionRecord(SessionLog):
    """A stored session log."""

    uid: str = Field(min_length=1, max_length=36)
    created_at: AwareDatetime

    @field_serializer("created_at")
    def _utc(self, v: dt.datetime) -> str:
        return _iso(v)


class ClientRecord(Model):
    """A client's whole record: the export and import format (JSON)."""

    format: Literal["backexpert-client"] = "backexpert-client"
    version: Literal[1] = 1
    client: ClientData
    assessments: list[AssessmentRecord]
    sessions: list[SessionRecord]


def _iso(v: dt.datetime) -> str:
    return v.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _to_db(v: dt.datetime) -> dt.datetime:
    """Stored as naive UTC: the same in SQLite and PostgreSQL."""
    return v.astimezone(dt.UTC).replace(tzinfo=None)


def _from_db(v: dt.datetime) -> dt.datetime:
    return v.replace(tzinfo=dt.UTC)


# --- opening ------------------------------------------------------------------------------


def default_path() -> Path:
    """The default SQLite file, under the user's data directory."""
    from platformdirs import user_data_path

    return user_data_path("backexpert", appauthor=False) / "backexpert.sqlite3"


def resolve_url(database: str | None = None) -> URL:
    """The database URL: the argument, else BACKEXPERT_DATABASE_URL, else the default file."""
    raw = database or os.environ.get(ENV_URL) or str(default_path())
    if "://" not in raw:
        path = Path(raw).expanduser()
        return URL.create("sqlite", database=str(path))
    try:
        url = make_url(raw)
    except ArgumentError:
        raise InputError(
            "database", [Problem("database", f"not a database URL: {raw!r}")]
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise InputError(
            "database",
            [
                Problem(
                    "database", f"{url.get_backend_name()} is not supported: sqlite or postgresql"
                )
            ],
        )
    return url


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # The driver's own transaction handling is off: SQLAlchemy's begin event issues BEGIN.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")  # a committed log survives a power cut too
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # A write takes the lock up front (BEGIN IMMEDIATE), so it waits out the busy timeout instead
    # of failing when it upgrades a read lock; reads take none and run beside a writer (WAL).
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(_READ) else "BEGIN IMMEDIATE")


def _create_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration, in one transaction."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    cfg.set_main_option("path_separator", "os")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _failure(url: URL, exc: SQLAlchemyError) -> StoreError:
    cause = getattr(exc, "orig", None) or exc
    first = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    where = url.render_as_string(hide_password=True)
    return StoreError(f"database {where}: {first}")


class Store:
    """One database: open it with `Store.open()`, close it with `close()` (or `with`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url = engine.url
        self._reader = engine.execution_options(**{_READ: True})

    @classmethod
    def open(cls, database: str | None = None) -> Store:
        """Open (and create or migrate) the database named by the argument or the environment."""
        url = resolve_url(database)
        engine = _create_engine(url)
        try:
            migrate(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise _failure(url, exc) from exc
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
            raise _failure(self.url, exc) from exc

    # -- clients --

    def add_client(
        self, name: str, born: dt.date | None = None, load_increment_kg: float | None = None
    ) -> int:
        data = ClientData(
            uid=str(uuid.uuid4()),
            name=name,
            born=born,
            load_increment_kg=load_increment_kg,
            created_at=_now(),
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

    def add_assessment(
        self,
        client_id: int,
        intake: dict[str, Any],
        prescription: dict[str, Any],
        rulebook: str,
        backexpert: str,
    ) -> int:
        """Store one assessment; earlier ones stay as they were."""
        with self._tx() as s:
            _client(s, client_id)
            row = AssessmentRow(
                uid=str(uuid.uuid4()),
                client_id=client_id,
                created_at=_to_db(_now()),
                rulebook=rulebook,
                backexpert=backexpert,
                intake=intake,
                prescription=prescription,
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
        record = SessionRecord(**dict(log), uid=str(uuid.uuid4()), created_at=_now())
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
                    created_at=_from_db(c.created_at),
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
                        created_at=_to_db(a.created_at),
                        rulebook=a.rulebook,
                        backexpert=a.backexpert,
                        intake=a.intake,
                        prescription=a.prescription,
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
        created_at=_to_db(c.created_at),
    )


def _info(c: ClientRow, assessments: int, sessions: int, last: dt.date | None) -> ClientInfo:
    return ClientInfo(
        id=c.id,
        uid=c.uid,
        name=c.name,
        born=c.born,
        load_increment_kg=c.load_increment_kg,
        created_at=_from_db(c.created_at),
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
        created_at=_from_db(r.created_at),
        rulebook=r.rulebook,
        backexpert=r.backexpert,
        intake=r.intake,
        prescription=r.prescription,
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
        created_at=_to_db(r.created_at),
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
        created_at=_from_db(r.created_at),
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
