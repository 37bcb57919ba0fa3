"""Opening the database: where it is, its driver settings, and its migrations.

Where the database is: the `--database` option, else `BACKEXPERT_DATABASE_URL`, else
`<user data dir>/backexpert.sqlite3`. A value without `://` is a SQLite file path. SQLite runs in
WAL mode with a busy timeout, and every write transaction starts with `BEGIN IMMEDIATE`, so
several processes can log at once: a writer waits for the lock instead of failing half-way.
PostgreSQL (`postgresql://...`) is driven by psycopg 3. The same Alembic migrations
(`store/migrations/`) run to the newest revision every time the store is opened.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ..errors import InputError, Problem, StoreError

ENV_URL = "BACKEXPERT_DATABASE_URL"
BUSY_TIMEOUT_S = 30
MIGRATIONS = Path(__file__).with_name("migrations")
READ = "backexpert_read"


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
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ) else "BEGIN IMMEDIATE")


def create(url: URL) -> Engine:
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


def failure(url: URL, exc: SQLAlchemyError) -> StoreError:
    cause = getattr(exc, "orig", None) or exc
    first = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    where = url.render_as_string(hide_password=True)
    return StoreError(f"database {where}: {first}")
