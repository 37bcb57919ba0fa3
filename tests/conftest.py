"""Shared test setup: hypothesis profiles and a private database for every test.

Hypothesis profiles: `default` (about 200 examples per property, for a quick local run), `ci`
(2,000; chosen when the CI environment variable is set, as it is in CI) and `soak` (100,000;
`make soak`); HYPOTHESIS_PROFILE names one explicitly. Every `@given` test is marked `property`
(a test checks it), so `make soak` deepens all of them.

# --- the store (issue 5) ---
Every test runs with BACKEXPERT_DATABASE_URL pointing into its own temporary directory, so no
test can touch a real user database. `database_url` gives a fresh, empty database on SQLite and
on PostgreSQL; the PostgreSQL server is a throwaway one (`initdb`/`pg_ctl` from Debian's
`postgresql` package, run as the `postgres` user when the tests run as root) on a free port on
127.0.0.1, torn down after the session. When it cannot start, the PostgreSQL tests skip and say
why.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

_COMMON = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile("default", _COMMON, max_examples=200)
settings.register_profile("ci", _COMMON, max_examples=2_000)
settings.register_profile("soak", _COMMON, max_examples=100_000)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
)

_databases = itertools.count()

# The compiled-rulebook cache of this test run (inherited by the CLI processes tests start),
# never the user's: every run compiles the rules it tests at least once.
os.environ.setdefault("BACKEXPERT_CACHE_DIR", tempfile.mkdtemp(prefix="backexpert-cache-"))


@pytest.fixture(autouse=True)
def _private_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKEXPERT_DATABASE_URL", str(tmp_path / "default.sqlite3"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the user data dir


def _pg_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """A throwaway PostgreSQL cluster in a temporary directory."""

    def __init__(self) -> None:
        found = _pg_bin()
        if found is None:
            pytest.skip(
                "PostgreSQL is not installed (make system-deps installs Debian's postgresql)"
            )
        self.bin: Path = found
        self.root = Path(tempfile.mkdtemp(prefix="backexpert-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: run the server as the postgres user
            if shutil.which("runuser") is None:
                pytest.skip("running as root without runuser: cannot start PostgreSQL")
            shutil.chown(self.root, "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.prefix, *args], capture_output=True, text=True, timeout=120, check=False
        )

    def start(self) -> str:
        init = self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        if init.returncode != 0:
            self.cleanup()
            pytest.skip(f"initdb failed: {init.stderr.strip()[-500:]}")
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c max_connections=50"
        )
        started = self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.root / "server.log"), "-w", "-t", "60", "start",
        )  # fmt: skip
        if started.returncode != 0:
            log = (self.root / "server.log").read_text(errors="replace")[-500:]
            self.cleanup()
            pytest.skip(f"pg_ctl start failed: {started.stderr.strip()} {log}")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        self.cleanup()

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The admin URL of a throwaway PostgreSQL server."""
    server = PostgresServer()
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


def _fresh_pg_database(admin_url: str) -> str:
    import sqlalchemy as sa

    name = f"backexpert_test_{os.getpid()}_{next(_databases)}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or a new database on the PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "store.sqlite3")
    return _fresh_pg_database(request.getfixturevalue("pg_server"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every hypothesis test carries the `property` marker, so `make soak` deepens it."""
    unmarked = [
        item.nodeid
        for item in items
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
        and item.get_closest_marker("property") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "hypothesis tests without @pytest.mark.property: " + ", ".join(unmarked)
        )
