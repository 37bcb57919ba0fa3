"""What a new intake must say beyond its schema: a current load names a catalogue exercise (an
unknown one is refused, named by its path with a did-you-mean; the web form and the API:
tests/web/test_intake_catalogue.py; a known one the program does not use is accepted and said
unused), an assessment is not dated after tomorrow, a name shows something."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from backexpert import services
from backexpert.cli import cli
from backexpert.clinical.intake import Intake
from backexpert.errors import IntakeError
from backexpert.store import Store

ROOT = Path(__file__).resolve().parents[2]
ATHLETE = ROOT / "examples" / "strength-athlete.yaml"
PATH = "training.current_loads[2].exercise"


def data_with(*extra: dict[str, Any]) -> dict[str, Any]:
    """The athlete's intake with more current loads (after its two)."""
    data: dict[str, Any] = yaml.safe_load(ATHLETE.read_text(encoding="utf-8"))
    data["training"]["current_loads"] += list(extra)
    return data


TYPO = {"exercise": "deadlfit", "load_kg": 100, "reps": 5}
UNKNOWN = {"exercise": "zercher_squat", "load_kg": 100, "reps": 5}


def _file(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "intake.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("command", [["assess"], ["explain", "--why-not", "deadlift"]])
def test_the_command_line_refuses_an_unknown_exercise_with_its_path(
    tmp_path: Path, command: list[str]
) -> None:
    path = _file(tmp_path, data_with(TYPO))
    result = CliRunner().invoke(cli, [*command, path])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    line = f"  {PATH}: unknown exercise 'deadlfit' (did you mean 'deadlift'?) (line "
    assert line in result.stderr, result.stderr


def test_an_unknown_exercise_with_nothing_close_points_to_the_catalogue(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["assess", _file(tmp_path, data_with(UNKNOWN))])
    assert result.exit_code == 2
    assert "unknown exercise 'zercher_squat' (see `backexpert exercises`)" in result.stderr


def test_the_service_refuses_it_before_assessing_or_saving(tmp_path: Path) -> None:
    intake = Intake.model_validate(data_with(TYPO))
    with pytest.raises(IntakeError) as info:
        services.assess_and_save(intake)
    assert [p.path for p in info.value.problems] == [PATH]
    assert "did you mean 'deadlift'?" in info.value.problems[0].message
    with Store.open(str(tmp_path / "db.sqlite3")) as db:
        cid = db.add_client("Alex Example")
        with pytest.raises(IntakeError):
            services.assess_and_save(intake, db=db, client_id=cid)
        assert db.assessments(cid) == []
    with pytest.raises(IntakeError):
        services.try_adjustments(intake, {"clinician": "Ana", "edits": []})


def test_a_known_exercise_outside_the_program_is_accepted_and_said_unused() -> None:
    goblet = {"exercise": "goblet_squat", "load_kg": 24, "reps": 10}  # no kettlebell: not in it
    done = services.assess_and_save(Intake.model_validate(data_with(goblet)))
    p = done.prescription
    assert "goblet_squat" not in {i.exercise for _, i in p.items()}
    assert p.notes == [
        "Current load not used: goblet_squat 24 kg × 10: no exercise of this program takes its "
        "load from it"
    ]
    deadlift = next(i for _, i in p.items() if i.exercise == "deadlift")
    assert deadlift.load_kg is not None  # the loads it does use still set the program's kg


def test_a_stored_intake_is_never_refused_afterwards(tmp_path: Path) -> None:
    """An intake saved before the check (or under rules whose catalogue had the exercise) still
    shows its client's progress: the check guards new input, never what is stored."""
    from backexpert.assessment import assess

    intake = Intake.model_validate(data_with(TYPO))
    with Store.open(str(tmp_path / "db.sqlite3")) as db:
        cid = db.add_client("Alex Example")
        db.save_assessment(cid, intake, assess(intake))
        report = services.progress_for_client(db, cid)
    assert report.client.id == cid


def test_an_assessment_dated_after_tomorrow_is_refused(tmp_path: Path) -> None:
    data = data_with()
    data["assessment"]["date"] = "2099-01-01"
    result = CliRunner().invoke(cli, ["assess", _file(tmp_path, data)])
    assert result.exit_code == 2, result.output
    assert "assessment.date: 2099-01-01 is in the future: an assessment is dated at most" in (
        result.stderr
    )
    intake = Intake.model_validate(data)
    assert services.intake_problems(intake, today=dt.date(2098, 12, 31)) == []  # tomorrow is fine
    assert [p.path for p in services.intake_problems(intake, today=dt.date(2098, 12, 30))] == [
        "assessment.date"
    ]


@pytest.mark.parametrize("name", ["\u200b\u200b", "\ufeff", " \u0301 ", "\u2060\u200d"])
def test_a_name_of_invisible_characters_is_refused(tmp_path: Path, name: str) -> None:
    data = data_with()
    data["client"]["name"] = name
    result = CliRunner().invoke(cli, ["assess", _file(tmp_path, data)])
    assert result.exit_code == 2, result.output
    assert "client.name: must show at least one letter, digit or sign" in result.stderr
    added = CliRunner().invoke(cli, ["clients", "add", "--name", name])
    assert added.exit_code == 2 and added.stdout == ""


def test_names_in_any_script_are_kept() -> None:
    for name in ["Zoë Ål", "مهر\u200cناز", "李小龍", "O'Brien-Smith", "Ana\u0301"]:
        data = data_with()
        data["client"]["name"] = name
        assert Intake.model_validate(data).client.name == name
