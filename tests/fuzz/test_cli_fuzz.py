"""Fuzzing the command line: hostile option values and hostile files, through click's CliRunner.

Every run exits 0, 1, 2, 3 or 4 (and, where the input decides it, the one code it must), prints
at most a few lines on stderr and never a traceback, and finishes quickly (`hostile.invoke`).
The database is each test's own SQLite file (tests/conftest.py). Examples per property:
`hostile.EXAMPLES` (20 by default, 2,000 in `make fuzz`).
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

import hostile
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from backexpert.store import Store
from factories import EXAMPLE

FUZZ = settings(max_examples=hostile.EXAMPLES)
SESSION: dict[str, Any] = yaml.safe_load(
    (hostile.ROOT / "examples" / "logs" / "session-log.yaml").read_text()
)
INTAKE: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())


def _with_client() -> None:
    """Client 1 in this test's database (every example of a test shares the database)."""
    with Store.open(os.environ["BACKEXPERT_DATABASE_URL"]) as db:
        if not db.clients(1):
            db.add_client("Alex Example")


@lru_cache(maxsize=1)
def _exported() -> dict[str, Any]:
    """A small real client record: an assessment (its prescription's lists emptied, so YAML
    copies parse fast) and a session."""
    from backexpert import assessment
    from backexpert.clinical.intake import Intake
    from backexpert.progression.logbook import SessionLog

    with tempfile.TemporaryDirectory() as d, Store.open(f"{d}/x.sqlite3") as db:
        cid = db.add_client("Zoë Example", None, 1.25)
        intake = Intake.model_validate(INTAKE)
        db.add_assessment(cid, intake, assessment.assess(intake))
        db.add_session(cid, SessionLog.model_validate(SESSION))
        data: dict[str, Any] = json.loads(db.export(cid).model_dump_json())
    prescription = data["assessments"][0]["prescription"]
    for key in ("trace", "rules", "derivations", "excluded", "coverage", "daily"):
        prescription[key] = prescription[key][:1]
    prescription["facts"] = dict(list(prescription["facts"].items())[:5])
    return data


def _fresh_uids(record: Any) -> Any:
    if isinstance(record, dict):
        for key in ("client", "assessments", "sessions"):
            items = record.get(key)
            for item in items if isinstance(items, list) else [items]:
                if isinstance(item, dict) and "uid" in item:
                    item["uid"] = str(uuid.uuid4())
    return record


def _file(data: bytes, suffix: str) -> str:
    fd, path = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


# --- option values --------------------------------------------------------------------------


@pytest.mark.property
@FUZZ
@given(
    name=hostile.text(),
    born=st.none() | hostile.date(),
    increment=st.none() | hostile.number(),
)
def test_clients_add_with_hostile_options(
    name: str, born: str | None, increment: str | None
) -> None:
    args = ["clients", "add", "--name", name]
    args += ["--born", born] if born is not None else []
    args += ["--load-increment", increment] if increment is not None else []
    result = hostile.invoke(args, {0, 2})
    if result.exit_code == 0:
        listed = hostile.invoke(["clients", "list"], {0})
        assert "\x1b" not in listed.stdout
        assert json.loads(hostile.invoke(["clients", "list", "--format", "json"], {0}).stdout)


@pytest.mark.property
@FUZZ
@given(
    client=st.sampled_from(hostile.CLIENT_IDS),
    date=st.none() | hostile.date(),
    time=st.none() | st.sampled_from(["18:00", "25:00", "", "6pm", "18:00+02:00", "0"]),
    exercise=st.sampled_from(hostile.EXERCISES),
    sets=st.lists(st.sampled_from(hostile.SET_TOKENS), min_size=1, max_size=4),
    numbers=st.dictionaries(
        st.sampled_from(["--form", "--pain", "--pain-before", "--load-increment"]),
        hostile.number(),
        max_size=2,
    ),
    texts=st.dictionaries(
        st.sampled_from(["--notes", "--exercise-notes", "--target-reps", "--idempotency-key"]),
        hostile.text(),
        max_size=2,
    ),
)
def test_log_with_hostile_options(
    client: str,
    date: str | None,
    time: str | None,
    exercise: str,
    sets: list[str],
    numbers: dict[str, str],
    texts: dict[str, str],
) -> None:
    _with_client()
    args = ["log", "--exercise", exercise]
    args += ["--date", date] if date is not None else []
    args += ["--time", time] if time is not None else []
    for token in sets:
        args += ["--set", token]
    for option, value in {**numbers, **texts}.items():
        args += [option, value]
    hostile.invoke([*args, "--", client], {0, 2})


@pytest.mark.property
@FUZZ
@given(
    command=st.sampled_from(
        [["export"], ["progress"], ["report"], ["progress", "--format", "json"]]
    ),
    client=st.sampled_from(hostile.CLIENT_IDS),
    output=st.none() | st.sampled_from(["--html", "--pdf"]),
    name=hostile.text(),
)
def test_read_commands_with_hostile_options(
    command: list[str], client: str, output: str | None, name: str
) -> None:
    _with_client()
    args = list(command)
    if output is not None and command[0] != "export":
        args += [output, name]
    hostile.invoke([*args, "--", client], {0, 2})


# --- documents ------------------------------------------------------------------------------


@pytest.mark.property
@FUZZ
@given(doc=hostile.mutated(INTAKE), as_json=st.booleans(), save=st.booleans())
def test_assess_a_hostile_intake(doc: Any, as_json: bool, save: bool) -> None:
    _with_client()
    path = _file(hostile.serialized(doc, as_json), ".json" if as_json else ".yaml")
    try:
        extra = ["--client", "1", "--save"] if save else []
        hostile.invoke(["assess", path, "--format", "json", *extra], {0, 2, 3})
    finally:
        Path(path).unlink()


@pytest.mark.property
@FUZZ
@given(doc=hostile.mutated(SESSION), as_json=st.booleans())
def test_log_a_hostile_session_file(doc: Any, as_json: bool) -> None:
    _with_client()
    path = _file(hostile.serialized(doc, as_json), ".json" if as_json else ".yaml")
    try:
        hostile.invoke(["log", "1", "--file", path], {0, 2})
    finally:
        Path(path).unlink()


@pytest.mark.property
@FUZZ
@given(data=st.data(), as_json=st.booleans())
def test_import_a_hostile_client_record(data: st.DataObject, as_json: bool) -> None:
    doc = data.draw(hostile.mutated(_fresh_uids(_exported())))
    path = _file(hostile.serialized(doc, as_json), ".json" if as_json else ".yaml")
    try:
        result = hostile.invoke(["import", path], {0, 2})
        if result.exit_code == 0:
            new = result.stdout.strip()
            exported = hostile.invoke(["export", new], {0})
            assert json.loads(exported.stdout)["client"]["uid"]
            # 3: a crafted plan the safety monitor refuses against the record's own intake
            hostile.invoke(["progress", new, "--format", "json"], {0, 2, 3})
    finally:
        Path(path).unlink()


@pytest.mark.property
@FUZZ
@given(raw=st.binary(max_size=300), command=st.sampled_from(["assess", "log", "import"]))
def test_bytes_that_are_no_document(raw: bytes, command: str) -> None:
    _with_client()
    args = {"assess": ["assess"], "log": ["log", "1", "--file"], "import": ["import"]}[command]
    hostile.invoke([*args, "-"], {0, 2}, stdin=raw)
