"""`backexpert assess --adjust`: the clinician's edits from a file, checked, saved and exported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from backexpert.cli import cli

ROOT = Path(__file__).resolve().parents[2]
ATHLETE = ROOT / "examples" / "strength-athlete.yaml"
EDITS = ROOT / "examples" / "adjustments" / "strength-athlete.yaml"


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _edits(tmp_path: Path, *edits: dict[str, Any], name: str = "edits.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"clinician": "Ana Costa", "edits": list(edits)}))
    return path


def test_the_example_adjustments_apply() -> None:
    result = _run("assess", str(ATHLETE), "--adjust", str(EDITS), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["adjustments"]["clinician"] == "Ana Costa"
    assert len(doc["adjustments"]["edits"]) == 4
    fri = next(s for s in doc["sessions"] if s["day"] == "fri")
    swapped = next(i for i in fri["items"] if i["exercise"] == "trap_bar_deadlift")
    assert swapped["chosen_by"] == "clinician"
    assert [s["day"] for s in doc["sessions"]] == ["mon", "tue", "wed", "fri", "sun"]


def test_the_table_shows_the_edits(tmp_path: Path) -> None:
    result = _run("assess", str(ATHLETE), "--adjust", str(EDITS))
    assert result.exit_code == 0, result.output
    assert "Trap-bar deadlift" in result.stdout or "trap" in result.stdout.lower()


def test_the_schema_is_printed() -> None:
    result = _run("schema", "adjustments")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert set(schema["properties"]) == {"clinician", "edits"}
    assert schema["additionalProperties"] is False


def test_an_unsafe_edit_exits_3_naming_the_edit_and_the_invariant(tmp_path: Path) -> None:
    path = _edits(
        tmp_path,
        {"kind": "dose", "exercise": "deadlift", "dose": {"sets": 6}, "reason": "more volume"},
    )
    result = _run("assess", str(ATHLETE), "--adjust", str(path))
    assert result.exit_code == 3, result.output
    assert "edits[0]" in result.stderr and "[dose.sets]" in result.stderr
    assert "Traceback" not in result.output


def test_an_override_is_accepted_and_shown(tmp_path: Path) -> None:
    override = {"reason": "peaking block, supervised", "clinician": "Ana Costa"}
    path = _edits(
        tmp_path,
        {
            "kind": "dose",
            "exercise": "deadlift",
            "day": "mon",
            "dose": {"sets": 5},
            "reason": "more volume",
            "override": override,
        },
    )
    html = tmp_path / "report.html"
    result = _run("assess", str(ATHLETE), "--adjust", str(path), "--html", str(html))
    assert result.exit_code == 0, result.output
    text = html.read_text()
    assert "Overridden by the clinician" in text
    assert "peaking block, supervised" in text
    assert "dose.sets" in text


# Hostile or wrong adjustments files: (content, what the error names).
E = "clinician: Ana\nedits:\n  - "
HOSTILE: list[tuple[str, str]] = [
    ("clinician: Ana\nedits: []\n", "edits: List should have at least 1 item"),
    (E + "{kind: remove, exercise: deadlift}\n", "edits[0].remove.reason"),
    (
        E + "{kind: remove, exercise: deadlift, reason: x, typo: 1}\n",
        "edits[0].remove.typo: unknown field",
    ),
    (E + "{kind: delete, exercise: deadlift, reason: x}\n", "edits[0]"),
    (
        E + "{kind: dose, exercise: deadlift, reason: x, dose: {sets: 'a'}}\n",
        "edits[0].dose.dose.sets",
    ),
    (E + "{kind: dose, exercise: deadlift, reason: x, dose: {}}\n", "dose"),
    (E + "{kind: remove, exercise: deadlift, reason: '   '}\n", "reason"),
    (E + "{kind: move, day: mon, to: mon, reason: x}\n", "two different"),
    (
        E + "{kind: swap, exercise: deadlift, to: zercher, reason: x}\n",
        "to",
    ),
    ('clinician: "A\\x1bB"\nedits: []\n', "clinician"),
    ("[1, 2, 3]\n", "(document)"),
    ("clinician: Ana\nclinician: Bo\nedits: []\n", "clinician"),
]


@pytest.mark.parametrize(("text", "says"), HOSTILE)
def test_a_bad_adjustments_file_exits_2_naming_the_field(
    tmp_path: Path, text: str, says: str
) -> None:
    path = tmp_path / "edits.yaml"
    path.write_text(text)
    result = _run("assess", str(ATHLETE), "--adjust", str(path))
    assert result.exit_code == 2, result.output
    assert says in result.stderr
    assert "Traceback" not in result.output


def test_a_huge_adjustments_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "edits.yaml"
    path.write_text(
        "clinician: Ana\nedits:\n" + "  - {kind: remove, exercise: x, reason: y}\n" * 9000
    )
    result = _run("assess", str(ATHLETE), "--adjust", str(path))
    assert result.exit_code == 2, result.output
    assert "too large" in result.stderr


def test_too_many_edits_are_refused(tmp_path: Path) -> None:
    edit = {"kind": "remove", "exercise": "deadlift", "reason": "y"}
    path = _edits(tmp_path, *[edit] * 101)
    result = _run("assess", str(ATHLETE), "--adjust", str(path))
    assert result.exit_code == 2, result.output
    assert "at most 100" in result.stderr


def test_a_saved_adjusted_assessment_keeps_the_generated_program_and_round_trips(
    tmp_path: Path,
) -> None:
    added = _run("clients", "add", "--name", "Sam Lifter")
    assert added.exit_code == 0, added.output
    saved = _run("assess", str(ATHLETE), "--adjust", str(EDITS), "--client", "1", "--save")
    assert saved.exit_code == 0, saved.output
    exported = _run("export", "1")
    assert exported.exit_code == 0, exported.output
    record = json.loads(exported.stdout)
    a = record["assessments"][0]
    assert a["adjustments"]["clinician"] == "Ana Costa"
    assert a["generated"]["adjustments"] is None
    assert a["prescription"]["adjustments"]["clinician"] == "Ana Costa"
    assert any(
        i["exercise"] == "band_face_pull" for s in a["generated"]["sessions"] for i in s["items"]
    )
    html = tmp_path / "saved.html"
    shown = _run("report", "1", "--html", str(html))
    assert shown.exit_code == 0, shown.output
    assert "Edited by the clinician (Ana Costa)" in html.read_text()
    path = tmp_path / "record.json"
    path.write_text(exported.stdout)
    imported = _run("import", str(path))
    assert imported.exit_code == 2  # the uids are already stored here
    other = tmp_path / "other.sqlite3"
    again = _run("import", str(path), "--database", str(other))
    assert again.exit_code == 0, again.output
    back = _run("export", "1", "--database", str(other))
    assert json.loads(back.stdout)["assessments"] == record["assessments"]


def test_a_swap_needing_equipment_the_client_lacks_exits_2_naming_it(tmp_path: Path) -> None:
    intake = yaml.safe_load(ATHLETE.read_text(encoding="utf-8"))
    intake["training"]["equipment"].remove("trap_bar")
    intake_file = tmp_path / "intake.yaml"
    intake_file.write_text(yaml.safe_dump(intake), encoding="utf-8")
    swap = {"kind": "swap", "exercise": "paused_deadlift", "to": "trap_bar_deadlift"}
    path = _edits(tmp_path, {**swap, "day": "fri", "reason": "a lighter hinge"})
    result = _run("assess", str(intake_file), "--adjust", str(path))
    assert result.exit_code == 2, result.output
    assert (
        "edits[0].to: 'trap_bar_deadlift' needs trap bar, which the client does not have "
        "(training.equipment): record it in the intake if they do"
    ) in result.stderr
    assert "Traceback" not in result.output
