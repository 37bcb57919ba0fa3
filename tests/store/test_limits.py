"""The same limits on SQLite and PostgreSQL: checked before writing, so both hold the same data.

SQLite stores what PostgreSQL refuses (NUL in text, over-long strings, 0.001 kg); every such
value is refused by the records first, with the field named, on both. Also: ids out of range,
idempotent writes, imports that reuse uids, bounded JSON documents, read-only databases, paths
with a typo, and rows an earlier version stored that the new limits would refuse.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from pydantic import ValidationError

import store_workers
from backexpert import assessment, documents
from backexpert.errors import InputError, StoreError
from backexpert.progression.logbook import SessionLog
from backexpert.store import ClientRecord, Store, database
from backexpert.store import records as records_mod
from backexpert.store.rows import MAX_ID
from factories import make_intake

INTAKE = make_intake()
PRESCRIPTION = assessment.assess(INTAKE)


def _session(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "date": "2026-01-05",
        "exercises": [{"exercise": "deadlift", "sets": [{"reps": 5, "load_kg": 60.0, "rpe": 7}]}],
    }
    return {**base, **changes}


def _entry(**changes: Any) -> dict[str, Any]:
    return _session(exercises=[{**_session()["exercises"][0], **changes}])


HOSTILE_SESSIONS = {
    "NUL in notes": (_session(notes="a\x00b"), "notes: character 2 is U+0000"),
    "ESC in notes": (_session(notes="\x1b[2J"), "notes: character 1 is U+001B"),
    "bidi override": (_session(notes="abc\u202edef"), "notes: character 4 is U+202E"),
    "lone surrogate": (_session(notes="x\ud800"), "notes: must be a valid string"),
    "long notes": (_session(notes="n" * 4001), "notes: String should have at most 4000"),
    "long exercise notes": (_entry(notes="n" * 2001), "at most 2000"),
    "long target": (_entry(target_reps="8-12" + " " * 20), "at most 16 characters"),
    "3-decimal increment": (_entry(load_increment_kg=0.001), "0.001 kg has more than 2"),
    "3-decimal load": (
        _entry(sets=[{"reps": 5, "load_kg": 60.001}]),
        "60.001 kg has more than 2 decimals",
    ),
    "NaN increment": (_entry(load_increment_kg=float("nan")), "finite number"),
    "date 0": (_session(date=0), "must be a date, YYYY-MM-DD (got 0)"),
    "empty date": (_session(date=""), "must be a date, YYYY-MM-DD (got '')"),
    "date in 1899": (_session(date="1899-12-31"), "must be from 1900-01-01 to 2100-12-31"),
    "date in 9999": (_session(date="9999-03-01"), "must be from 1900-01-01 to 2100-12-31"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_SESSIONS))
def test_hostile_sessions_are_refused_before_the_database(case: str) -> None:
    data, says = HOSTILE_SESSIONS[case]
    with pytest.raises(InputError, match=re_escape(says)):
        documents.validate(SessionLog, documents.Document("session", data, None))


def re_escape(text: str) -> str:
    import re

    return re.escape(text)


def test_the_limits_fit_both_databases(database_url: str) -> None:
    """Every value at its limit is stored and read back the same on SQLite and PostgreSQL."""
    edge = SessionLog.model_validate(
        {
            "date": "1900-01-01",
            "notes": "n\tü\n" + "x" * 3996,
            "exercises": [
                {
                    "exercise": "deadlift",
                    "sets": [{"reps": 100, "load_kg": 999.99, "rpe": 10}, {"reps": 0, "rir": 10}],
                    "target_reps": "1-100",
                    "load_increment_kg": 0.01,
                    "notes": "\U0001d11e" * 2000,
                }
            ],
        }
    )
    late = edge.model_copy(update={"date": dt.date(2100, 12, 31), "notes": None})
    with Store.open(database_url) as db:
        cid = db.add_client("Z" * 200, dt.date(1900, 1, 1), 50)
        db.add_session(cid, edge)
        db.add_session(cid, late)
        got = db.sessions(cid)
        assert [SessionLog.model_validate(dict(s, uid=None, created_at=None) and {
            k: v for k, v in dict(s).items() if k not in ("uid", "created_at")}) for s in got
        ] == [edge, late]  # fmt: skip
        assert db.client(cid).name == "Z" * 200


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("", "at least 1 character"),
        ("   ", "at least 1 character"),
        ("a" * 201, "at most 200 characters"),
        ("Alex\x00", "U+0000"),
        ("\x1b[31mAlex", "U+001B"),
        ("Alex\u2066", "U+2066"),
        ("Alex\nExample", "U+000A"),
    ],
)
def test_hostile_names_are_refused_on_both_databases(
    database_url: str, name: str, says: str
) -> None:
    with Store.open(database_url) as db:
        with pytest.raises(InputError, match=re_escape(says)) as caught:
            db.add_client(name)
        assert caught.value.problems[0].path == "name"
        assert db.clients() == []


def test_names_are_stripped_and_kept_whole(database_url: str) -> None:
    with Store.open(database_url) as db:
        cid = db.add_client("  Zoë Ünïcode \u05e9\u05dc\u05d5\u05dd ☃ 𝄞 ", None, 1.25)
        assert db.client(cid).name == "Zoë Ünïcode \u05e9\u05dc\u05d5\u05dd ☃ 𝄞"
        assert db.client(cid).load_increment_kg == 1.25
        with pytest.raises(InputError, match="finite"):
            db.add_client("Alex", None, float("inf"))
        with pytest.raises(InputError, match="more than 2 decimals"):
            db.add_client("Alex", None, 0.001)


@pytest.mark.parametrize("client_id", [0, -1, MAX_ID + 1, 2**63, 2**64, -(2**64)])
def test_client_ids_out_of_range_are_no_client(database_url: str, client_id: int) -> None:
    with Store.open(database_url) as db:
        for call in (db.client, db.sessions, db.assessments, db.export):
            with pytest.raises(InputError, match=f"no client with id {client_id}"):
                call(client_id)
        with pytest.raises(InputError, match=f"no client with id {client_id}"):
            db.add_session(client_id, store_workers.session(0, 1))
        assert db.clients(client_id) == []


def test_a_session_with_an_idempotency_key_is_stored_once(database_url: str) -> None:
    with Store.open(database_url) as db:
        cid = db.add_client("Alex Example")
        other = db.add_client("Sam Other")
        log = store_workers.session(0, 1)
        first = db.save_session(cid, log, "k1")
        again = db.save_session(cid, log, "k1")
        assert (first.created, again.created, again.id) == (True, False, first.id)
        assert db.save_session(other, log, "k1").created  # the key is per client
        assert db.save_session(cid, log, "k2").created  # another key: another session
        assert db.save_session(cid, log).created  # no key: always stored
        assert len(db.sessions(cid)) == 3


def test_an_assessment_is_saved_once(database_url: str) -> None:
    with Store.open(database_url) as db:
        cid = db.add_client("Alex Example")
        first = db.save_assessment(cid, INTAKE, PRESCRIPTION)
        again = db.save_assessment(cid, INTAKE, PRESCRIPTION)
        assert (first.created, again.created, again.id) == (True, False, first.id)
        assert len(db.assessments(cid)) == 1


def test_a_retry_that_races_finds_the_stored_row(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes log the same session at once: the unique index makes the second find it."""
    from backexpert.store import client_rows, session_rows
    from backexpert.store import store as store_mod

    with Store.open(database_url) as db:
        cid = db.add_client("Alex Example")
        log = store_workers.session(0, 1)
        stored = db.save_session(cid, log, "same")
        # The second process looked before the first committed: it saw no session with the key.
        # Patched in `store`, the namespace where `Store` looks them up.
        monkeypatch.setattr(store_mod, "session_by_key", _none_once(session_rows.session_by_key))
        assert db.save_session(cid, log, "same") == store_mod.Stored(stored.id, created=False)
        monkeypatch.setattr(
            store_mod,
            "assessment_by_fingerprint",
            _none_once(client_rows.assessment_by_fingerprint),
        )
        saved = db.save_assessment(cid, INTAKE, PRESCRIPTION)
        assert saved.created
        monkeypatch.setattr(
            store_mod,
            "assessment_by_fingerprint",
            _none_once(client_rows.assessment_by_fingerprint),
        )
        assert db.save_assessment(cid, INTAKE, PRESCRIPTION).id == saved.id
        assert len(db.sessions(cid)) == 1


def _none_once(real: Any) -> Any:
    calls = {"n": 0}

    def lookup(*args: Any) -> Any:
        calls["n"] += 1
        return None if calls["n"] == 1 else real(*args)

    return lookup


def _record(**client: Any) -> dict[str, Any]:
    return {
        "format": "backexpert-client",
        "version": 1,
        "client": {
            "uid": str(uuid.uuid4()),
            "name": "Alex Example",
            "created_at": "2026-01-01T00:00:00+00:00",
            **client,
        },
        "assessments": [],
        "sessions": [],
    }


@pytest.mark.parametrize(
    ("client", "says"),
    [
        ({"created_at": "9999-12-31T23:59:59-05:00"}, "out of range once converted to UTC"),
        ({"created_at": "2026-01-01T00:00:00"}, "timezone"),
        ({"created_at": "1800-01-01T00:00:00+00:00"}, "in the years 1900 to 2100"),
        ({"uid": "a b"}, "pattern"),
        ({"uid": "x" * 37}, "pattern"),
        ({"born": 0}, "YYYY-MM-DD"),
    ],
)
def test_hostile_client_records_are_refused(client: dict[str, Any], says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        ClientRecord.model_validate(_record(**client))


def test_a_stored_document_is_bounded_and_plain(database_url: str) -> None:
    big = PRESCRIPTION.model_copy(update={"facts": {f"f{i}": "x" * 1000 for i in range(1100)}})
    nul = PRESCRIPTION.model_copy(update={"facts": {"note\x00": "x"}})
    esc = PRESCRIPTION.model_copy(update={"client": PRESCRIPTION.client.model_copy(
        update={"name": "\x1b]0;owned\x07"})})  # fmt: skip
    with Store.open(database_url) as db:
        cid = db.add_client("Alex Example")
        with pytest.raises(InputError, match=r"prescription: is over 1,000,000 bytes as JSON"):
            db.save_assessment(cid, INTAKE, big)
        with pytest.raises(InputError, match=r"prescription\.facts\.note.*U\+0000"):
            db.save_assessment(cid, INTAKE, nul)
        with pytest.raises(InputError, match=r"prescription\.client\.name.*U\+001B"):
            db.save_assessment(cid, INTAKE, esc)
        record = db.export(cid)
        bad = record.model_copy(
            update={
                "client": record.client.model_copy(update={"uid": "other"}),
                "assessments": [
                    records_mod.AssessmentRecord(
                        uid="a1",
                        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                        rulebook="r",
                        backexpert="0.1.0",
                        intake=INTAKE,
                        prescription=big,
                    )
                ],
            }
        )
        with pytest.raises(InputError, match=r"assessments\[0\]\.prescription: is over"):
            db.import_record(bad)
        assert len(db.clients()) == 1


def test_an_import_reusing_stored_uids_is_bad_input(database_url: str) -> None:
    with Store.open(database_url) as db:
        cid = db.add_client("Alex Example")
        db.add_assessment(cid, INTAKE, PRESCRIPTION)
        db.add_session(cid, store_workers.session(0, 1))
        exported = db.export(cid)
        copy = exported.model_copy(
            update={"client": exported.client.model_copy(update={"uid": "copy"})}
        )
        with pytest.raises(InputError) as caught:
            db.import_record(copy)
        paths = [p.path for p in caught.value.problems]
        assert paths == ["assessments[0].uid", "sessions[0].uid"]
        assert exported.sessions[0].uid in str(caught.value)
        assert len(db.clients()) == 1


def test_identical_assessments_in_an_import_are_kept(database_url: str) -> None:
    """Two stored copies from before fingerprints: both imported, only the first fingerprinted."""
    a = {
        "uid": "a1",
        "created_at": "2026-01-01T00:00:00+00:00",
        "rulebook": PRESCRIPTION.rulebook,
        "backexpert": PRESCRIPTION.backexpert,
        "intake": INTAKE.model_dump(mode="json"),
        "prescription": PRESCRIPTION.model_dump(mode="json"),
    }
    record = ClientRecord.model_validate({**_record(), "assessments": [a, {**a, "uid": "a2"}]})
    with Store.open(database_url) as db:
        cid = db.import_record(record)
        assert [x.uid for x in db.assessments(cid)] == ["a1", "a2"]
        assert not db.save_assessment(cid, INTAKE, PRESCRIPTION).created


def test_rows_stored_before_the_limits_can_still_be_read(database_url: str) -> None:
    """An earlier version stored what it should not have: it is shown and exported, not lost."""
    with Store.open(database_url) as db:
        cid = db.add_client("Alex Example")
        db.add_session(cid, store_workers.session(0, 1))
        db.add_assessment(cid, INTAKE, PRESCRIPTION)
        with db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE clients SET name = 'Evil\x1b[31m'")
            conn.exec_driver_sql("UPDATE sessions SET notes = 'bidi \u202e', date = '1850-01-01'")
        exported = db.export(cid)
        assert exported.client.name == "Evil\x1b[31m"
        assert exported.sessions[0].notes == "bidi \u202e"
        assert exported.sessions[0].date == dt.date(1850, 1, 1)
        with pytest.raises(ValidationError):  # importing it elsewhere names the field
            ClientRecord.model_validate(json.loads(exported.model_dump_json()))


def test_an_explicit_path_in_a_missing_directory_is_refused(tmp_path: Path) -> None:
    typo = tmp_path / "no-such-dir" / "db.sqlite3"
    with pytest.raises(StoreError, match=f"directory {tmp_path / 'no-such-dir'} does not exist"):
        Store.open(str(typo))
    assert not typo.parent.exists()
    with pytest.raises(StoreError, match="is a directory"):
        Store.open(str(tmp_path))
    with Store.open(str(tmp_path / "new.sqlite3")) as db:  # a new file in an existing directory
        assert db.clients() == []


def test_the_default_location_is_created(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BACKEXPERT_DATABASE_URL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "fresh" / "data"))
    with Store.open() as db:
        assert db.clients() == []
    assert database.default_path().is_file()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> tuple[str, int]:
    path = tmp_path / "ro" / "db.sqlite3"
    path.parent.mkdir()
    with Store.open(str(path)) as db:
        cid = db.add_client("Alex Example")
        db.add_session(cid, store_workers.session(0, 1))
    return str(path), cid


@pytest.mark.parametrize("directory_writable", [True, False])
def test_a_read_only_database_is_read_and_writes_are_refused(
    sqlite_db: tuple[str, int], monkeypatch: pytest.MonkeyPatch, directory_writable: bool
) -> None:
    """The user cannot write the file (mode=ro) or even its directory (immutable=1)."""
    path, cid = sqlite_db
    real = os.access

    def access(p: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        target = Path(p)
        if mode & os.W_OK and (
            target == Path(path) or (target == Path(path).parent and not directory_writable)
        ):
            return False
        return real(p, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    with Store.open(path, write=False) as db:
        assert db.read_only
        assert [s.notes for s in db.sessions(cid)] == ["worker 0 session 1"]
        assert db.export(cid).client.name == "Alex Example"
        with pytest.raises(StoreError, match="is open read-only: nothing was stored"):
            db.add_session(cid, store_workers.session(0, 2))
    with pytest.raises(StoreError, match=r"db\.sqlite3 is read-only .*nothing was stored"):
        Store.open(path)


def test_a_read_only_database_behind_an_old_revision_says_how_to_upgrade(
    sqlite_db: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = sqlite_db
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    engine.dispose()
    monkeypatch.setattr(database, "writable", lambda p: False)
    with pytest.raises(StoreError, match=r"at revision 0001; this version needs 0\d{3}:"):
        Store.open(path, write=False)


def test_a_really_read_only_filesystem(sqlite_db: tuple[str, int], tmp_path: Path) -> None:
    """Without write permission for real: a read-only bind mount (root) or chmod (a user)."""
    path, cid = sqlite_db
    folder = Path(path).parent
    undo: list[list[str]] = []
    if os.geteuid() != 0:
        folder.chmod(0o555)
        Path(path).chmod(0o444)
    else:
        view = tmp_path / "view"
        view.mkdir()
        for step in (["mount", "--bind"], ["mount", "-o", "remount,ro,bind"]):
            args = [*step, str(folder), str(view)] if "--bind" in step else [*step, str(view)]
            done = subprocess.run(args, capture_output=True, check=False)
            if done.returncode != 0:
                _run_all(undo)
                pytest.skip(f"cannot mount read-only here: {done.stderr.decode().strip()}")
            undo[:0] = [["umount", str(view)]] if "--bind" in step else []
        path = str(view / "db.sqlite3")
    try:
        with Store.open(path, write=False) as db:
            assert [s.notes for s in db.sessions(cid)] == ["worker 0 session 1"]
        with pytest.raises(StoreError, match="is read-only"):
            Store.open(path)
    finally:
        _run_all(undo)
        folder.chmod(0o755)


def _run_all(commands: list[list[str]]) -> None:
    for args in commands:
        subprocess.run(args, capture_output=True, check=False)


def test_migrating_a_0001_database_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = database.create(database.resolve_url(str(path)))
    cfg = database._config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.exec_driver_sql(
            "INSERT INTO clients (uid, name, created_at) VALUES ('u1', 'Old', '2025-01-01')"
        )
    engine.dispose()
    with Store.open(str(path)) as db:
        assert [c.name for c in db.clients()] == ["Old"]
        log = store_workers.session(0, 1)
        assert db.save_session(1, log, "k").created
        assert not db.save_session(1, log, "k").created
    engine = database.create(database.resolve_url(str(path)))
    with engine.begin() as conn:  # and back: the columns go, the rows stay
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
        columns = {c["name"] for c in sa.inspect(conn).get_columns("sessions")}
        assert "idempotency_key" not in columns
        assert conn.exec_driver_sql("SELECT count(*) FROM sessions").scalar() == 1
    engine.dispose()
