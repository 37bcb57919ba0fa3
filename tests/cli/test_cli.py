"""The `backexpert` command: a thin shell with clear errors and exit codes, never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from backexpert import assessment, shipped
from backexpert.cli import cli
from backexpert.clinical import intake
from backexpert.errors import EngineError
from backexpert.services import assessments
from factories import EXAMPLE

EXAMPLE_TEXT = EXAMPLE.read_text()
SCRIPT = Path(sys.executable).parent / "backexpert"


def _run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def _bad_intake(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(EXAMPLE_TEXT.replace("weeks_since: 14", "weeks_since: -1"))
    return path


# --- assess -----------------------------------------------------------------------------------


def test_assess_prints_a_table() -> None:
    result = _run("assess", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Alex Example, 45" in out
    assert "status: program" in out
    assert "Tue INTENSE" in out
    assert "Dumbbell deadlift (loaded)" in out
    assert "instead of Deadlift (conventional" in out
    assert "Every day" in out
    assert "Why: the rules that fired" in out


def test_assess_json() -> None:
    result = _run("assess", str(EXAMPLE), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "program"
    assert data["client"] == {"name": "Alex Example", "age": 45}
    assert result.stdout == assessment.to_json(assessment.assess(intake.load(str(EXAMPLE))))


def test_assess_json_from_stdin() -> None:
    as_json = json.dumps({**_example_data(), "client": {**_example_data()["client"], "age": 30}})
    result = _run("assess", "-", "--format", "json", stdin=as_json)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["client"]["age"] == 30


def test_assess_yaml_from_stdin() -> None:
    result = _run("assess", "-", "--format", "json", stdin=EXAMPLE_TEXT)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["client"]["name"] == "Alex Example"


def _example_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE_TEXT)
    return data


# --- errors and exit codes --------------------------------------------------------------------


def test_bad_intake_exits_2_with_the_field_path(tmp_path: Path) -> None:
    path = _bad_intake(tmp_path)
    result = _run("assess", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: {path}: 1 problem(s)\n"
        "  conditions[1].weeks_since: must be >= 0 (got -1) (line 10)\n"
    )
    assert "Traceback" not in result.output


def test_bad_stdin_exits_2() -> None:
    result = _run("assess", "-", stdin='{"client": {"age": "old"}}')
    assert result.exit_code == 2
    assert "<stdin>" in result.stderr
    assert "client.age: must be a valid integer" in result.stderr
    assert "client.name: required field is missing" in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [("client: [unclosed\n", "not valid YAML or JSON"), ("", "must be a valid dictionary")],
)
def test_malformed_intake_exits_2(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    result = _run("assess", str(path))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = _run("assess", str(tmp_path / "nobody.yaml"))
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def _rules_without(tmp_path: Path, *removed: tuple[str, str]) -> Path:
    """A copy of the shipped rules with some rules deleted: (file, rule id) pairs."""
    root = tmp_path / "rules"
    shutil.copytree(shipped.rules_directory(), root)
    for file, rule_id in removed:
        path = root / file
        kept, skipping = [], False
        for line in path.read_text().split("\n"):
            if line.startswith("  - id: "):
                skipping = line == f"  - id: {rule_id}"
            if not skipping:
                kept.append(line)
        path.write_text("\n".join(kept))
    return root


def test_unsafe_prescription_is_withheld_with_exit_3(tmp_path: Path) -> None:
    """Without the hinge regression and the load-level caps, the 45-year-old's barbell deadlift
    breaks an invariant the monitor recomputes from the intake."""
    root = _rules_without(
        tmp_path,
        ("lumbar.yaml", "lumbar.hinge_regression"),
        ("load_level.yaml", "load_level.moderate_caps"),
    )
    result = _run("assess", str(EXAMPLE), "--rules", str(root), "--format", "json")
    assert result.exit_code == 3
    assert result.stdout == "", "a withheld prescription is never printed"
    assert "prescription withheld: safety invariant violated" in result.stderr
    assert "deadlift is ruled out by high lumbar-load risk" in result.stderr
    assert "not the one shipped" in result.stderr


def test_engine_failure_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise EngineError("durable-rules failed: test")

    monkeypatch.setattr(assessments, "assess", broken)
    result = _run("assess", str(EXAMPLE))
    assert result.exit_code == 1
    assert result.stderr == "error: durable-rules failed: test\n"


def test_bad_rule_base_exits_2(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(shipped.rules_directory(), root)
    path = root / "priming.yaml"
    path.write_text(path.read_text().replace("exercise: scapular_push_up", "exercise: scap_push"))
    for args in (["rules", "check"], ["rules", "list"], ["exercises"], ["assess", str(EXAMPLE)]):
        result = _run(*args, "--rules", str(root))
        assert result.exit_code == 2, args
        assert f"{path}:9: rule priming.activation_before_loading" in result.stderr, args
        assert "unknown exercise 'scap_push'" in result.stderr


# --- rules, exercises, schema ------------------------------------------------------------------


def test_rules_check() -> None:
    result = _run("rules", "check")
    assert result.exit_code == 0, result.output
    rb = assessment.rule_base().rulebook
    lines = result.stdout.splitlines()
    assert lines[0] == f"rule base {rb.version}: OK"
    assert lines[1].startswith(f"  {len(rb.rules)} rules in {len({r.file for r in rb})} files")
    assert (
        lines[2]
        == f"  {len(assessment.rule_base().catalogue.exercises)} exercises in the catalogue"
    )
    assert "conclusions: add" in lines[3]


def test_rules_list() -> None:
    result = _run("rules", "list")
    assert result.exit_code == 0, result.output
    for rule_id in ("priming.activation_before_loading", "lumbar.hinge_regression"):
        assert rule_id in result.stdout
    assert "lumbar.yaml:" in result.stdout


def test_exercises() -> None:
    result = _run("exercises")
    assert result.exit_code == 0, result.output
    assert "Exercise catalogue (59 exercises)" in result.stdout
    rows = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert {"wall_slide", "deadlift", "bird_dog", "face_pull", "curl_up"} <= rows


def test_exercises_json() -> None:
    result = _run("exercises", "--format", "json")
    assert result.exit_code == 0, result.output
    ids = [e["id"] for e in json.loads(result.stdout)]
    assert ids == [e.id for e in assessment.rule_base().catalogue]


@pytest.mark.parametrize("document", ["intake", "prescription"])
def test_schema(document: str) -> None:
    result = _run("schema", document)
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert "properties" in schema


def test_intake_schema_names_the_contract() -> None:
    schema = json.loads(_run("schema", "intake").stdout)
    assert set(schema["properties"]) >= {
        "client",
        "training",
        "goals",
        "findings",
        "conditions",
        "pain",
        "red_flag_screen",
        "questionnaires",
    }
    assert schema["additionalProperties"] is False


def test_version() -> None:
    result = _run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("backexpert, version ")


# --- the installed console script, in a real process ----------------------------------------


def test_console_script_assesses_json() -> None:
    done = subprocess.run(
        [str(SCRIPT), "assess", str(EXAMPLE), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "program"
    assert done.stdout == assessment.to_json(assessment.assess(intake.load(str(EXAMPLE))))


def test_console_script_reads_stdin_and_reports_bad_input(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(SCRIPT), "assess", "-", "--format", "json"],
        input=_bad_intake(tmp_path).read_text(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "conditions[1].weeks_since: must be >= 0 (got -1)" in done.stderr
    assert "Traceback" not in done.stderr
