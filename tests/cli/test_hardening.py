"""Each hostile input of the hardening issue: exit 2 or 4 with the field named, fast, no traceback.

Dates out of range, hostile text, NaN loads, client ids beyond any database integer, imports
that overflow or reuse uids, retries that would duplicate, documents named twice, failures in
the middle of `assess --save`, escape sequences on the way out, and output streams that cannot
take what is written (ASCII only, a full disk, a closed pipe).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from backexpert import services
from backexpert.cli import main, shown
from backexpert.errors import ReportError, StoreError
from backexpert.services import clients as client_records
from backexpert.store import Store

ROOT = Path(__file__).resolve().parents[2]
ATHLETE = ROOT / "examples" / "strength-athlete.yaml"  # answers the PAR-Q+
DESK = str(ROOT / "examples" / "desk-worker.yaml")
SCRIPT = Path(sys.executable).parent / "backexpert"


def run(*args: str, stdin: str | None = None) -> Result:
    from backexpert.cli import cli

    began = time.perf_counter()
    result = CliRunner().invoke(cli, list(args), input=stdin)
    assert time.perf_counter() - began < 20, args
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def refused(code: int, *args: str, says: str, stdin: str | None = None) -> Result:
    result = run(*args, stdin=stdin)
    assert result.exit_code == code, result.output
    assert says in result.stderr, result.stderr
    return result


def _client(name: str = "Alex Example") -> str:
    result = run("clients", "add", "--name", name)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


# --- dates ------------------------------------------------------------------------------------


def test_an_assessment_dated_in_9999_is_refused_at_once(tmp_path: Path) -> None:
    data = yaml.safe_load(ATHLETE.read_text())
    data["assessment"] = {"date": "9999-03-01"}
    path = tmp_path / "far.yaml"
    path.write_text(yaml.safe_dump(data))
    began = time.perf_counter()
    refused(2, "assess", str(path), says="assessment.date: must be from 1900-01-01 to 2100-12-31")
    assert time.perf_counter() - began < 5


@pytest.mark.parametrize(
    ("date", "says"),
    [
        ("2062-01-01", "--date: 2062-01-01 is in the future: a session is dated at most"),
        ("0", "--date: must be a date, YYYY-MM-DD (got '0')"),
        ("", "--date: must be a date, YYYY-MM-DD (got '')"),
        ("1899-12-31", "--date: must be from 1900-01-01 to 2100-12-31"),
        ("1700000000", "--date: must be a date, YYYY-MM-DD"),
    ],
)
def test_session_dates_out_of_range_are_refused(date: str, says: str) -> None:
    cid = _client()
    refused(2, "log", cid, "--date", date, "--exercise", "deadlift", "--set", "5x60kg@7", says=says)


def test_a_session_file_dated_in_the_future_is_refused(tmp_path: Path) -> None:
    cid = _client()
    path = tmp_path / "future.yaml"
    path.write_text("date: 2062-01-01\nexercises:\n  - {exercise: deadlift, sets: [5x60kg@7]}\n")
    refused(2, "log", cid, "--file", str(path), says="date: 2062-01-01 is in the future")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--born", "2099-01-01"], "--born: 2099-01-01 is after today"),
        (["--born", "1066-10-14"], "--born: must be from 1900-01-01"),
    ],
)
def test_birth_dates_out_of_range_are_refused(args: list[str], says: str) -> None:
    refused(2, "clients", "add", "--name", "Alex", *args, says=says)


def test_a_report_date_out_of_range_is_refused() -> None:
    refused(2, "assess", DESK, "--date", "9999-12-31", says="--date: must be from 1900-01-01")


# --- text and numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("", "--name: String should have at least 1 character"),
        ("  \t ", "--name: String should have at least 1 character"),
        ("a" * 201, "--name: String should have at most 200 characters"),
        ("Alex\x1b[31m", "--name: character 5 is U+001B"),
        ("Alex\x07", "--name: character 5 is U+0007"),
        ("Al\u202eex", "--name: character 3 is U+202E"),
        ("Al\u2066ex", "--name: character 3 is U+2066"),
        ("Alex\x9b", "--name: character 5 is U+009B"),
    ],
)
def test_hostile_names_are_refused(name: str, says: str) -> None:
    refused(2, "clients", "add", "--name", name, says=says)
    assert json.loads(run("clients", "list", "--format", "json").stdout) == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--notes", "a\x00b"], "--notes: character 2 is U+0000"),
        (["--exercise-notes", "\x1b]0;owned\x07"], "--exercise-notes: character 1 is U+001B"),
        (["--load-increment", "nan"], "--load-increment: must be a finite number"),
        (["--load-increment", "0.001"], "--load-increment: 0.001 kg has more than 2 decimals"),
        (["--target-reps", "8-12" * 10], "--target-reps: String should have at most 16"),
        (["--idempotency-key", "k\x00"], "--idempotency-key: character 2 is U+0000"),
    ],
)
def test_hostile_session_options_are_refused(args: list[str], says: str) -> None:
    cid = _client()
    refused(2, "log", cid, "--exercise", "deadlift", "--set", "5x60kg@7", *args, says=says)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "50.01", "1e400"])
def test_load_increments_must_be_finite_and_in_range(value: str) -> None:
    refused(2, "clients", "add", "--name", "Alex", "--load-increment", value, says="--load-incr")


def test_a_clinician_is_checked_like_a_name() -> None:
    refused(2, "assess", DESK, "--clinician", "Dr \x1b[2J", says="--clinician: character 4")


@pytest.mark.parametrize("client_id", [str(2**64), str(2**63), str(2**31), "-1", "0"])
def test_client_ids_beyond_the_database_are_no_client(client_id: str) -> None:
    for args in (
        ["export", "--", client_id],
        ["progress", "--", client_id],
        ["report", "--", client_id],
        ["log", "--exercise", "deadlift", "--set", "5x60kg@7", "--", client_id],
        ["assess", DESK, "--client", client_id, "--save"],
    ):
        refused(2, *args, says=f"no client with id {client_id}")


# --- import -----------------------------------------------------------------------------------


def _exported(tmp_path: Path) -> tuple[dict[str, Any], Path]:
    cid = _client()
    assert run("log", cid, "--date", "2026-11-02", "--exercise", "deadlift", "--set", "5x60kg@7")
    record = json.loads(run("export", cid).stdout)
    return record, tmp_path / "record.json"


def test_an_import_created_beyond_utc_is_refused(tmp_path: Path) -> None:
    record, path = _exported(tmp_path)
    record["client"].update(uid="other", created_at="9999-12-31T23:59:59-05:00")
    path.write_text(json.dumps(record, indent=2))
    refused(2, "import", str(path), says="client.created_at: 9999-12-31T23:59:59-05:00 is out of")


def test_an_import_reusing_stored_uids_exits_2_naming_them(tmp_path: Path) -> None:
    record, path = _exported(tmp_path)
    record["client"]["uid"] = "another-client"
    path.write_text(json.dumps(record))
    result = refused(2, "import", str(path), says="sessions[0].uid:")
    assert record["sessions"][0]["uid"] in result.stderr
    assert len(json.loads(run("clients", "list", "--format", "json").stdout)) == 1


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda r: r["sessions"][0].update(date="2062-01-01"), "sessions[0].date: 2062-01-01 is"),
        (lambda r: r["client"].update(born="2090-01-01"), "client.born: 2090-01-01 is after"),
        (
            lambda r: r["sessions"][0].update(created_at="2090-01-01T00:00:00+00:00"),
            "sessions[0].created_at: 2090-01-01T00:00:00+00:00 is in the future",
        ),
        (lambda r: r["sessions"][0].update(notes="\u202e"), "sessions[0].notes: bidirectional"),
        (lambda r: r["sessions"].append(r["sessions"][0]), "is used twice in this record"),
    ],
)
def test_hostile_imports_are_refused(tmp_path: Path, change: Any, says: str) -> None:
    record, path = _exported(tmp_path)
    record["client"]["uid"] = "imported"
    change(record)
    path.write_text(json.dumps(record, indent=2))
    refused(2, "import", str(path), "--database", str(tmp_path / "other.sqlite3"), says=says)


def test_an_import_is_capped_in_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record, path = _exported(tmp_path)
    path.write_text(json.dumps(record))
    monkeypatch.setattr(client_records, "MAX_RECORD_BYTES", 100)
    refused(2, "import", str(path), says="too large: more than 100 bytes")
    refused(2, "import", "-", stdin=json.dumps(record), says="<stdin>: 1 problem(s)")


def test_a_record_larger_than_an_intake_is_read(tmp_path: Path) -> None:
    """The parsing layer's default cap (2 MiB) is for intakes and logs: a record may be larger."""
    from backexpert import documents

    record, path = _exported(tmp_path)
    record["client"]["uid"] = "large"
    session = record["sessions"][0]
    record["sessions"] = [
        {**session, "uid": f"s{i}", "notes": "n" * 4000, "date": f"2020-01-{1 + i % 28:02d}"}
        for i in range(600)
    ]
    path.write_text(json.dumps(record, indent=2))
    assert path.stat().st_size > documents.MAX_BYTES
    assert run("import", str(path)).exit_code == 0


def test_a_json_record_with_a_repeated_key_names_its_line(tmp_path: Path) -> None:
    record, path = _exported(tmp_path)
    text = json.dumps(record, indent=2).replace('"version": 1,', '"version": 1,\n  "version": 1,')
    path.write_text(text)
    refused(2, "import", str(path), says="duplicate key 'version' (line 4)")


# --- idempotency ------------------------------------------------------------------------------


def test_logging_the_same_session_twice_stores_it_once() -> None:
    cid = _client()
    args = ["log", cid, "--date", "2026-11-02", "--exercise", "deadlift", "--set", "5x60kg@7"]
    assert run(*args).stdout.startswith("logged session 1 for client 1: 2026-11-02")
    again = run(*args)
    assert again.exit_code == 0
    assert again.stdout.startswith("session 1 of client 1 is this one, already stored")
    assert run(*args, "--time", "18:00").stdout.startswith("logged session 2")
    assert run(*args, "--idempotency-key", "visit-7").stdout.startswith("logged session 3")
    assert "already stored" in run(*args, "--idempotency-key", "visit-7").stdout
    listed = json.loads(run("clients", "list", "--format", "json").stdout)
    assert listed[0]["sessions"] == 3


def test_a_kept_session_logged_again_after_a_lost_reply_is_not_duplicated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commit went through, the reply did not (a crash): the retry from the file is found."""
    cid = _client()
    path = tmp_path / "session.yaml"
    path.write_text("date: 2026-11-02\nexercises:\n  - {exercise: deadlift, sets: [5x60kg@7]}\n")
    assert run("log", cid, "--file", str(path)).exit_code == 0
    assert "already stored" in run("log", cid, "--file", str(path)).stdout


def test_saving_the_same_assessment_twice_keeps_one() -> None:
    cid = _client()
    first = run("assess", DESK, "--client", cid, "--save", "--format", "json")
    assert "saved assessment 1 for client 1" in first.stderr
    again = run("assess", DESK, "--client", cid, "--save", "--format", "json")
    assert "assessment 1 of client 1 is this one: already saved" in again.stderr
    assert json.loads(run("clients", "list", "--format", "json").stdout)[0]["assessments"] == 1


# --- documents and failures in the middle -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--html", "r.html", "--handout", "r.html"], "--handout r.html is the same file as"),
        (["--html", "r.html", "--handout", "./r.html"], "is the same file as --html r.html"),
        (["--pdf", "r.pdf", "--handout", "r.pdf"], "--handout r.pdf is the same file as --pdf"),
    ],
)
def test_two_documents_named_the_same_file_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], says: str
) -> None:
    monkeypatch.chdir(tmp_path)
    refused(2, "assess", DESK, *args, says=says)
    assert list(tmp_path.iterdir()) == []
    cid = _client()
    assert run("assess", DESK, "--client", cid, "--save").exit_code == 0
    refused(2, "report", cid, *args, says=says)


def test_a_document_never_overwrites_the_intake(tmp_path: Path) -> None:
    intake = tmp_path / "intake.html"
    intake.write_text(Path(DESK).read_text())
    refused(2, "assess", str(intake), "--html", str(intake), says="is the same file as the input")
    assert intake.read_text() == Path(DESK).read_text()


def test_a_document_that_cannot_be_written_saves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backexpert.present import html

    cid = _client()

    def full_disk(path: Any, data: Any) -> None:
        raise ReportError(f"cannot write {path}: No space left on device", str(path))

    out = str(tmp_path / "r.html")
    args = ["assess", DESK, "--client", cid, "--save", "--html", out]
    with monkeypatch.context() as patched:
        patched.setattr(html, "write", full_disk)
        for _ in range(3):  # each retry fails the same way, and saves nothing
            refused(2, *args, says="No space left on device")
    assert json.loads(run("clients", "list", "--format", "json").stdout)[0]["assessments"] == 0
    assert "saved assessment 1" in run(*args).stderr
    assert Path(out).is_file()


def test_a_failed_save_keeps_the_intake_and_says_how_to_retry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cid = _client()
    real = Store.save_assessment

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise StoreError("database x: disk I/O error")

    monkeypatch.setattr(Store, "save_assessment", broken)
    result = refused(4, "assess", "-", "--client", cid, "--save", stdin=Path(DESK).read_text(),
                     says="the intake is kept in ")  # fmt: skip
    retry = result.stderr.split("save it again with backexpert ")[1].strip().split(" ")
    assert retry[0] == "assess" and retry[2:] == ["--client", cid, "--save"]
    assert json.loads(Path(retry[1]).read_text())["client"]["name"] == "Alex Example"
    monkeypatch.setattr(Store, "save_assessment", real)
    assert "saved assessment 1 for client 1" in run(*retry).stderr


def test_a_database_that_cannot_be_opened_keeps_the_intake(tmp_path: Path) -> None:
    typo = str(tmp_path / "no-such-dir" / "db.sqlite3")
    result = refused(
        4, "assess", DESK, "--client", "1", "--save", "--database", typo, says="does not exist"
    )
    assert "the intake is kept in" in result.stderr
    assert not (tmp_path / "no-such-dir").exists()


# --- the database file ------------------------------------------------------------------------


def test_a_typo_in_the_database_path_creates_nothing(tmp_path: Path) -> None:
    typo = tmp_path / "no-such-dir" / "db.sqlite3"
    refused(4, "clients", "list", "--database", str(typo), says=f"directory {typo.parent} does")
    result = refused(4, "log", "1", "--exercise", "deadlift", "--set", "5x60kg@7",
                     "--database", str(typo), says="your session is kept in")  # fmt: skip
    assert not typo.parent.exists()
    assert result.stderr.count("\n") <= 3


def test_read_commands_work_on_a_read_only_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = _client()
    assert run("log", cid, "--date", "2026-11-02", "--exercise", "deadlift", "--set", "5x60kg@7")
    path = os.environ["BACKEXPERT_DATABASE_URL"]
    real = os.access

    def access(p: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if mode & os.W_OK and Path(p) in (Path(path), Path(path).parent):
            return False
        return real(p, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    assert json.loads(run("export", cid).stdout)["client"]["name"] == "Alex Example"
    assert run("clients", "list").exit_code == 0
    assert run("progress", cid, "--format", "json").exit_code == 0
    result = refused(4, "log", cid, "--exercise", "deadlift", "--set", "5x62kg@7",
                     says="is read-only (you cannot write it or its directory)")  # fmt: skip
    assert "your session is kept in" in result.stderr
    refused(4, "clients", "add", "--name", "Sam", says="is read-only")


# --- what reaches the terminal ----------------------------------------------------------------


def _legacy_client() -> str:
    """A client stored by an earlier version, with escape sequences in its name and notes."""
    cid = _client("Placeholder")
    assert run("assess", DESK, "--client", cid, "--save").exit_code == 0
    assert run("log", cid, "--date", "2026-11-02", "--exercise", "deadlift", "--set", "5x60kg@7")
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{os.environ['BACKEXPERT_DATABASE_URL']}")
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE clients SET name = 'Evil\x1b[2J\x1b]0;owned\x07\u202e'")
    engine.dispose()
    return cid


def test_stored_escape_sequences_never_reach_the_terminal_raw() -> None:
    cid = _legacy_client()
    for args in (["clients", "list"], ["progress", cid]):
        out = run(*args).stdout
        assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
        assert "Evil\\x1b[2J\\x1b]0;owned\\x07\\u202e" in out
    for args in (["export", cid], ["clients", "list", "--format", "json"]):
        out = run(*args).stdout
        assert "\x1b" not in out and "\u202e" not in out
        assert "Evil\\u001b[2J" in out
        assert "\\u202e" in out
    exported = json.loads(run("export", cid).stdout)
    assert exported["client"]["name"] == "Evil\x1b[2J\x1b]0;owned\x07\u202e"


def test_error_messages_are_escaped_and_bounded() -> None:
    assert shown("error: a\x1b[2Jb") == "error: a\\x1b[2Jb"
    long = shown("error: x\n" + "\n".join(f"  p{i}: " + "y" * 5000 for i in range(50)))
    lines = long.splitlines()
    assert len(lines) == 21 and lines[-1] == "  ... and 31 more line(s)"
    assert max(len(line) for line in lines) <= 1000


# --- the output stream, in a real process -----------------------------------------------------


def _script(*args: str, env: dict[str, str], stdout: Any = subprocess.PIPE) -> Any:
    return subprocess.run(
        [str(SCRIPT), *args], env=env, stdout=stdout, stderr=subprocess.PIPE, timeout=120
    )


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "BACKEXPERT_DATABASE_URL": str(tmp_path / "p.sqlite3"), **extra}


def test_an_ascii_terminal_gets_escapes_not_a_traceback(tmp_path: Path) -> None:
    env = _env(tmp_path, PYTHONIOENCODING="ascii")
    with Store.open(env["BACKEXPERT_DATABASE_URL"]) as db:
        db.add_client("Zoë ☃ 𝄞")
    exported = _script("export", "1", env=env)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["client"]["name"] == "Zoë ☃ 𝄞"
    assert exported.stdout.isascii()
    listed = _script("clients", "list", env=env)  # a table: escapes where it cannot encode
    assert listed.returncode == 0, listed.stderr
    assert b"Zo\\xeb \\u2603 \\U0001d11e" in listed.stdout


def test_a_full_disk_behind_stdout_is_one_line(tmp_path: Path) -> None:
    env = _env(tmp_path)
    with Store.open(env["BACKEXPERT_DATABASE_URL"]) as db:
        db.add_client("Alex")
    with Path("/dev/full").open("wb") as full:
        for args in (["export", "1"], ["clients", "list"], ["schema", "intake"]):
            done = _script(*args, env=env, stdout=full)
            assert done.returncode == 1, args
            assert done.stderr == b"error: cannot write the output: No space left on device\n"


def test_a_closed_pipe_is_a_quiet_exit(tmp_path: Path) -> None:
    env = _env(tmp_path)
    proc = subprocess.Popen(
        [str(SCRIPT), "schema", "prescription"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()
    proc.wait(timeout=120)
    assert b"Traceback" not in proc.stderr.read()
    proc.stderr.close()
    assert proc.returncode in (0, 1)


def test_an_unexpected_error_is_one_line_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def bug(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom\x1b[2J")

    monkeypatch.setattr(services, "schema", bug)
    monkeypatch.setattr(sys, "argv", ["backexpert", "schema", "intake"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err == "error: internal error (a bug, please report it): RuntimeError: boom\\x1b[2J\n"
    monkeypatch.setenv("BACKEXPERT_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main()
