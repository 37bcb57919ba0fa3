"""Opening the database: where it is, its driver settings, and its migrations.

Where the database is: the `--database` option, else `BACKEXPERT_DATABASE_URL`, else
`<user data dir>/backexpert.sqlite3`. A value without `://` is a SQLite file path. Only the
default location's directory is created: a path naming a directory that does not exist is a
typo, refused with its name; a new database file in an existing directory is created.

SQLite runs in WAL mode with a busy timeout, and every write transaction starts with
`BEGIN IMMEDIATE`, so several processes can log at once: a writer waits for the lock instead of
failing half-way. A database file the user cannot write (or in a directory they cannot write:
WAL needs its `-wal` and `-shm` files there) is opened read-only (`mode=ro`, or `immutable=1`
when not even those files can be made) for the commands that only read, and a write to it is
refused with a message that says so. PostgreSQL (`postgresql://...`) is driven by psycopg 3.

The same Alembic migrations (`store/migrations/`) bring the schema to the newest revision when
the store is opened; a command that only reads a database already at the newest revision takes
no write lock at all.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ..errors import InputError, Problem, StoreError
from ..model import unsafe_character

ENV_URL = "BACKEXPERT_DATABASE_URL"
DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql+psycopg")
MEMORY = "an in-memory database keeps nothing: give a file (or leave --database out)"
BUSY_TIMEOUT_S = 30
MIGRATIONS = Path(__file__).with_name("migrations")
READ = "backexpert_read"


def default_path() -> Path:
    """The default SQLite file, under the user's data directory."""
    from platformdirs import user_data_path

    return user_data_path("backexpert", appauthor=False) / "backexpert.sqlite3"


def _refuse(message: str) -> InputError:
    return InputError("database", [Problem("database", message)])


def resolve_url(database: str | None = None) -> URL:
    """The database URL: the argument, else BACKEXPERT_DATABASE_URL, else the default file."""
    # An argument given empty is refused (given means given: a script's unset variable must not
    # write to the default database); so is a database that keeps nothing (SQLite in memory).
    if database is not None and not database.strip():
        raise _refuse("empty: give a file or a URL, or leave --database out for the default")
    raw = database or os.environ.get(ENV_URL) or str(default_path())
    bad = unsafe_character(raw, multiline=False)
    if bad is not None:
        raise _refuse(f"character {bad[0] + 1} of the database name is a control character")
    if "://" not in raw:
        if raw.strip() == ":memory:":
            raise _refuse(MEMORY)
        path = Path(raw).expanduser()
        return URL.create("sqlite", database=str(path))
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise _refuse(f"not a database URL: {_shown(raw)}") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise _refuse(f"{url.get_backend_name()} is not supported: sqlite or postgresql")
    if url.drivername not in DRIVERS:  # another driver is not installed, and not tested
        raise _refuse(f"driver {url.drivername} is not supported: postgresql:// or sqlite://")
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database.strip() == ":memory:":
            raise _refuse(MEMORY)
        if url.query:
            raise _refuse("a SQLite URL takes no ?arguments: give the file (sqlite:///path)")
    return url


def _shown(raw: str) -> str:
    """A URL as a message may show it: no password (it may not parse), at most 80 characters."""
    scheme, sep, rest = raw.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if at and ":" in userinfo:
        rest = userinfo.split(":", 1)[0] + ":***@" + host
    text = scheme + sep + rest
    return repr(text if len(text) <= 80 else text[:77] + "...")


def where(url: URL) -> str:
    """The database as a message names it (no password)."""
    return url.render_as_string(hide_password=True)


def sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite database (None: in memory, or not SQLite)."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:"):
        return None  # a URI the user wrote: theirs to get right
    return Path(url.database)


def writable(path: Path) -> bool:
    """Whether SQLite in WAL mode can write this database: the file and its directory."""
    parent = path.parent
    return os.access(parent, os.W_OK | os.X_OK) and (not path.exists() or os.access(path, os.W_OK))


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # The driver's own transaction handling is off: SQLAlchemy's begin event issues BEGIN.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")  # a committed log survives a power cut too
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _sqlite_connect_read_only(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # A write takes the lock up front (BEGIN IMMEDIATE), so it waits out the busy timeout instead
    # of failing when it upgrades a read lock; reads take none and run beside a writer (WAL).
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ) else "BEGIN IMMEDIATE")


def _sqlite_begin_read_only(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


def create(url: URL, *, read_only: bool = False) -> Engine:
    """An engine for the database; SQLite files are checked first (see the module docstring)."""
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    path = sqlite_file(url)
    if path is not None:
        if path.is_dir():
            raise StoreError(f"database {path}: is a directory, not a database file")
        if not path.parent.is_dir():
            if path != default_path():
                raise StoreError(
                    f"database {path}: directory {path.parent} does not exist "
                    "(only the default database's directory is created)"
                )
            path.parent.mkdir(parents=True, exist_ok=True)
    if read_only and path is not None:
        mode = "mode=ro" if os.access(path.parent, os.W_OK | os.X_OK) else "immutable=1"
        uri = f"file:{_uri_path(path)}?{mode}"
        engine = create_engine(
            URL.create("sqlite", database=uri, query={"uri": "true"}),
            connect_args={"timeout": BUSY_TIMEOUT_S},
        )
        event.listen(engine, "connect", _sqlite_connect_read_only)
        event.listen(engine, "begin", _sqlite_begin_read_only)
        return engine
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.resolve()), safe="/")


def _config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    cfg.set_main_option("path_separator", "os")
    return cfg


def head() -> str:
    """The newest migration's revision."""
    from alembic.script import ScriptDirectory

    found = ScriptDirectory.from_config(_config()).get_current_head()
    return str(found)


def revision(engine: Engine) -> str | None:
    """The database's migration revision (None: an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        found = MigrationContext.configure(conn).get_current_revision()
        conn.rollback()
    return found


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration, in one transaction."""
    from alembic import command

    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def failure(url: URL, exc: SQLAlchemyError) -> StoreError:
    cause = getattr(exc, "orig", None) or exc
    first = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    return StoreError(f"database {where(url)}: {first}")
