"""Odd `--rules` directories and database names: refused with the option named, exit 2 or 4,
fast, before anything is read or written, and no database that keeps nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from backexpert import assessment
from backexpert.errors import InputError, RuleSetError
from backexpert.knowledge import cache
from backexpert.progression import evaluate
from backexpert.store import Store
from backexpert.store.database import resolve_url

ROOT = Path(__file__).resolve().parents[2]
DESK = str(ROOT / "examples" / "desk-worker.yaml")


def run(*args: str) -> Result:
    from backexpert.cli import cli

    began = time.perf_counter()
    result = CliRunner().invoke(cli, list(args))
    assert time.perf_counter() - began < 20, args
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


# --- rule directories -----------------------------------------------------------------------


def test_a_directory_that_is_no_rule_base_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--rules ~` once hashed every file under it (the cache key) before saying so."""

    def read_everything(kind: str, root: Path) -> str:
        raise AssertionError(f"{root} was read before it was found to be no rule base")

    monkeypatch.setattr(cache, "key", read_everything)
    (tmp_path / "big.bin").write_bytes(b"\0" * 1024)
    with pytest.raises(RuleSetError, match=r"no exercises\.yaml"):
        assessment.rule_base(tmp_path)
    with pytest.raises(RuleSetError, match=r"no exercises\.yaml"):
        evaluate.rule_base(tmp_path)


@pytest.mark.parametrize("where", ["/", "", "/nonexistent", "/dev/null", "empty"])
def test_rules_that_are_not_a_rule_base_exit_2(tmp_path: Path, where: str) -> None:
    rules = str(tmp_path) if where == "empty" else where
    result = run("assess", DESK, "--rules", rules)
    assert result.exit_code == 2
    assert "no exercises.yaml (the exercise catalogue)" in result.stderr


def test_rules_that_are_a_file_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("x: 1\n")
    result = run("assess", DESK, "--rules", str(path))
    assert result.exit_code == 2 and "--rules" in result.stderr


# --- database names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("database", "says"),
    [
        ("", "empty: give a file or a URL"),
        ("   ", "empty: give a file or a URL"),
        (":memory:", "an in-memory database keeps nothing"),
        ("sqlite://", "an in-memory database keeps nothing"),
        ("sqlite:///:memory:", "an in-memory database keeps nothing"),
        ("postgresql://ana:s3cret@[::1", "not a database URL: 'postgresql://ana:***@[::1'"),
        ("postgresql://ana:s3cret@host:port/db", "not a database URL: 'postgresql://ana:***@"),
        ("postgresql+psycopg2://u@h/db", "driver postgresql+psycopg2 is not supported"),
        ("sqlite:////tmp/x.db?mode=memory", "a SQLite URL takes no ?arguments"),
        ("mysql://u@h/db", "mysql is not supported"),
    ],
)
def test_a_database_name_that_cannot_be_meant_is_refused(database: str, says: str) -> None:
    with pytest.raises(InputError) as info:
        resolve_url(database)
    assert says in str(info.value) and "s3cret" not in str(info.value)
    result = run("clients", "add", "--name", "Alex Example", "--database", database)
    assert result.exit_code == 2, result.output
    assert says in result.stderr and result.stdout == ""  # no client id: nothing was stored


def test_an_empty_environment_variable_is_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKEXPERT_DATABASE_URL", "")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert resolve_url(None).database is not None  # unset, not refused


def test_a_path_the_system_cannot_look_up_is_a_store_failure(tmp_path: Path) -> None:
    long = str(tmp_path / ("a" * 5000 + ".sqlite3"))
    result = run("clients", "list", "--database", long)
    assert result.exit_code == 4, result.output
    assert "File name too long" in result.stderr
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    result = run("clients", "add", "--name", "Alex", "--database", str(loop))
    assert result.exit_code == 4, result.output


def test_an_ordinary_sqlite_url_still_works(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ok.sqlite3'}"
    result = run("clients", "add", "--name", "Alex Example", "--database", url)
    assert result.exit_code == 0, result.output
    with Store.open(url) as db:
        assert [c.name for c in db.clients()] == ["Alex Example"]
