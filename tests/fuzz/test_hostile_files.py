"""Every hostile file, run through the command that reads it.

The small ones are committed under tests/fixtures/hostile/ with what each must give
(expected.yaml: the parsing layer's and the hardening issue's); the large ones are made here: a
long history (imported, and reported on, in seconds), a record over the size cap, YAML aliases
that would have stored a 10 MB prescription, and the billion laughs in an intake.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import hostile
import pytest

from backexpert.store import Store

CASES = hostile.fixture_cases()


def test_every_hostile_file_has_an_expectation() -> None:
    listed = {path.name for path, *_ in CASES}
    present = {p.name for p in hostile.FIXTURES.iterdir() if p.name != "expected.yaml"}
    assert listed == present


def _client() -> None:
    with Store.open(os.environ["BACKEXPERT_DATABASE_URL"]) as db:
        db.add_client("Alex Example")


@pytest.mark.parametrize(
    ("path", "command", "code", "says"), CASES, ids=[path.name for path, *_ in CASES]
)
def test_a_hostile_file(path: Path, command: str, code: int, says: str) -> None:
    _client()
    result = hostile.invoke([*hostile.COMMANDS[command], str(path)], {code})
    assert says in result.stderr, result.stderr
    assert result.stdout == "" or code == 0


@pytest.fixture(scope="module")
def assessment_json() -> dict[str, Any]:
    record = json.loads((hostile.FIXTURES / "record-prescription-nul.json").read_text())
    a: dict[str, Any] = record["assessments"][0]
    a["prescription"]["facts"] = {}
    return a


def test_a_long_history_imports_and_reports_in_seconds(
    tmp_path: Path, assessment_json: dict[str, Any]
) -> None:
    """3,000 sessions in `make fuzz` (benchmarks/store.py times them); 800 in the quick suite."""
    count = 3000 if hostile.EXAMPLES >= 1000 else 800
    path = tmp_path / "long.json"
    path.write_text(json.dumps(hostile.record_with_sessions(count, assessment_json), indent=2))
    began = time.perf_counter()
    new = hostile.invoke(["import", str(path)], {0}).stdout.strip()
    imported = time.perf_counter() - began
    page = tmp_path / "p.html"
    report = hostile.invoke(["progress", new, "--html", str(page), "--format", "json"], {0})
    assert len(json.loads(report.stdout)["sessions"]) == count
    assert page.stat().st_size < 200_000  # the charts draw lines, not a dot per session
    assert imported < hostile.MAX_SECONDS


def test_a_record_over_the_cap_is_not_read(tmp_path: Path) -> None:
    from backexpert import services

    path = tmp_path / "huge.json"
    with path.open("w") as f:
        f.write('{"notes": "')
        f.write("x" * (services.MAX_RECORD_BYTES + 10))
        f.write('"}')
    began = time.perf_counter()
    result = hostile.invoke(["import", str(path)], {2})
    assert "too large: more than 33,554,432 bytes" in result.stderr
    assert time.perf_counter() - began < 5


def test_aliases_never_make_a_huge_row(tmp_path: Path, assessment_json: dict[str, Any]) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(hostile.alias_bomb_record(assessment_json))
    result = hostile.invoke(["import", str(path)], {2})
    assert "assessments[0].prescription: is over 1,000,000 bytes as JSON" in result.stderr
    assert json.loads(hostile.invoke(["clients", "list", "--format", "json"], {0}).stdout) == []


def test_the_billion_laughs_in_an_intake(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(hostile.alias_bomb_intake())
    hostile.invoke(["assess", str(path)], {2})
