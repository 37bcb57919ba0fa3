"""The intake: the public contract of field names and codes, strict validation, the fact base."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from backexpert.assessment import facts
from backexpert.assessment.vocabulary import FACTS as VOCABULARY_FACTS
from backexpert.clinical import intake
from backexpert.clinical.words import (
    CORE_RED_FLAG_SCREEN,
    ConditionCode,
    Equipment,
    Experience,
    Finding,
    Goal,
    Occupation,
    RedFlagQuestion,
    Severity,
    Sex,
    Side,
)
from backexpert.errors import DocumentError, IntakeError, Problem
from factories import EXAMPLE, intake_data, make_intake

FACTS = {spec.name: spec for spec in VOCABULARY_FACTS}

EXAMPLE_TEXT = EXAMPLE.read_text()


def _edit(old: str, new: str) -> str:
    assert old in EXAMPLE_TEXT, old
    return EXAMPLE_TEXT.replace(old, new, 1)


def _problems(text: str) -> list[Problem]:
    with pytest.raises(IntakeError) as info:
        intake.parse(text, "client.yaml")
    assert info.value.source == "client.yaml"
    return list(info.value.problems)


# --- the example, exactly as written --------------------------------------------------------


def test_example_validates_as_written() -> None:
    i = intake.load(str(EXAMPLE))
    assert (i.client.name, i.client.age) == ("Alex Example", 45)
    assert (i.client.sex, i.client.occupation) == (Sex.female, Occupation.desk)
    assert i.training.experience is Experience.novice
    assert i.training.sessions_per_week == 3
    assert i.training.equipment == [
        Equipment.barbell,
        Equipment.pull_up_bar,
        Equipment.cable_station,
        Equipment.resistance_band,
        Equipment.medicine_ball,
        Equipment.hyperextension_bench,
        Equipment.dumbbells,
    ]
    assert i.goals == [Goal.posture, Goal.strength]
    assert i.findings == [Finding.rounded_shoulders, Finding.forward_head_posture]
    instability, cuff = i.conditions
    assert (instability.code, instability.severity) == (
        ConditionCode.lumbar_instability,
        Severity.mild,
    )
    assert (cuff.code, cuff.side, cuff.weeks_since) == (
        ConditionCode.rotator_cuff_repair,
        Side.right,
        14,
    )
    assert (i.pain.nprs_now, i.pain.nprs_worst_24h, i.pain.worst) == (3, 5, 5)
    assert i.red_flag_screen == dict.fromkeys(CORE_RED_FLAG_SCREEN, False)


def test_example_as_json_gives_the_same_intake() -> None:
    data = yaml.safe_load(EXAMPLE_TEXT)
    as_json = json.dumps(data, indent=2)
    assert intake.parse(as_json, "client.json") == intake.load(str(EXAMPLE))


def test_json_problems_have_lines() -> None:
    data = yaml.safe_load(EXAMPLE_TEXT)
    data["client"]["age"] = 5
    text = json.dumps(data, indent=2)
    (problem,) = _problems(text)
    assert problem.path == "client.age"
    assert problem.message == "must be >= 10 (got 5)"
    assert problem.line == text.split("\n").index('    "age": 5,') + 1


# --- red-flag answers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "meaning"),
    [
        *[("yes", True), ("no", False), ("true", True), ("false", False)],  # YAML booleans
        *[('"yes"', True), ('"no"', False), ('"Yes"', True), ('"NO"', False), ('" no "', False)],
    ],
)
def test_red_flag_answers_as_booleans_or_words(written: str, meaning: bool) -> None:
    text = _edit("history_of_cancer: no", f"history_of_cancer: {written}")
    screen = intake.parse(text).red_flag_screen
    assert screen[RedFlagQuestion.history_of_cancer] is meaning


@pytest.mark.parametrize("written", ["maybe", '"y"', "1", "0", '"true-ish"'])
def test_other_red_flag_answers_are_refused(written: str) -> None:
    (problem,) = _problems(_edit("history_of_cancer: no", f"history_of_cancer: {written}"))
    assert problem.path == "red_flag_screen.history_of_cancer"
    assert problem.message.startswith("must be a valid boolean")
    assert problem.line == 16


def test_unasked_red_flag_is_a_closed_world_fact() -> None:
    text = _edit("  history_of_cancer: no\n", "")
    i = intake.parse(text)
    assert RedFlagQuestion.history_of_cancer not in i.red_flag_screen
    assert facts.from_intake(i)["red_flag.history_of_cancer"] == "not_asked"
    assert facts.from_intake(i)["red_flag.saddle_anaesthesia"] == "no"


# --- problems, with their field paths and lines -------------------------------------------


def test_unknown_field() -> None:
    problems = _problems(_edit("occupation: desk}", "occupation: desk, job: typist}"))
    assert [str(p) for p in problems] == ["client.job: unknown field (line 1)"]


def test_unknown_top_level_field() -> None:
    (problem,) = _problems(EXAMPLE_TEXT + "notes: likes running\n")
    assert (problem.path, problem.message, problem.line) == ("notes", "unknown field", 24)


def test_unknown_code() -> None:
    (problem,) = _problems(_edit("[rounded_shoulders,", "[rounded_shoulder,"))
    assert problem.path == "findings[0]"
    assert "'rounded_shoulders'" in problem.message
    assert problem.message.endswith("(got 'rounded_shoulder')")
    assert problem.line == 7


def test_unknown_equipment_code() -> None:
    (problem,) = _problems(_edit("medicine_ball,", "medicine_bal,"))
    assert (problem.path, problem.line) == ("training.equipment[4]", 5)


def test_unknown_red_flag_question() -> None:
    (problem,) = _problems(_edit("constant_night_pain: no", "night_pain: no"))
    assert (problem.path, problem.line) == ("red_flag_screen.night_pain", 18)


def test_negative_weeks_since_names_the_condition() -> None:
    (problem,) = _problems(_edit("weeks_since: 14", "weeks_since: -1"))
    assert str(problem) == "conditions[1].weeks_since: must be >= 0 (got -1) (line 10)"


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ("age: 45", "age: 9", "client.age", "must be >= 10 (got 9)"),
        ("age: 45", "age: 111", "client.age", "must be <= 110 (got 111)"),
        ("sessions_per_week: 3", "sessions_per_week: 0", "training.sessions_per_week", ">= 1"),
        ("sessions_per_week: 3", "sessions_per_week: 8", "training.sessions_per_week", "<= 7"),
        ("nprs_now: 3", "nprs_now: 11", "pain.nprs_now", "must be <= 10 (got 11)"),
        ("nprs_worst_24h: 5", "nprs_worst_24h: -1", "pain.nprs_worst_24h", ">= 0"),
        ("weeks_since: 14", "weeks_since: 2000", "conditions[1].weeks_since", "<= 1040"),
    ],
)
def test_out_of_range_values(old: str, new: str, path: str, message: str) -> None:
    (problem,) = _problems(_edit(old, new))
    assert problem.path == path
    assert message in problem.message


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("age: 45", 'age: "45"', "client.age"),
        ("age: 45", "age: 45.0", "client.age"),
        ("age: 45", "age: true", "client.age"),
        ("sessions_per_week: 3", "sessions_per_week: three", "training.sessions_per_week"),
    ],
)
def test_numbers_must_be_whole_numbers(old: str, new: str, path: str) -> None:
    (problem,) = _problems(_edit(old, new))
    assert (problem.path, problem.message.split(" (got")[0]) == (path, "must be a valid integer")


def test_every_problem_is_reported_at_once() -> None:
    text = _edit("age: 45", "age: 5").replace("nprs_now: 3", "nprs_now: 12")
    text = text.replace("severity: mild", "severity: slight")
    assert [p.path for p in _problems(text)] == [
        "client.age",
        "conditions[0].severity",
        "pain.nprs_now",
    ]


def test_cuff_repair_needs_weeks_since() -> None:
    (problem,) = _problems(_edit(", weeks_since: 14}", "}"))
    assert problem.path == "conditions[1]"
    assert "weeks_since is required for rotator_cuff_repair" in problem.message
    assert problem.line == 10


def test_other_conditions_do_not_need_weeks_since() -> None:
    i = make_intake(conditions=[{"code": "lumbar_disc_herniation"}])
    assert i.conditions[0].weeks_since is None


def test_duplicate_condition_is_refused() -> None:
    text = _edit(
        "  - {code: rotator_cuff_repair, side: right, weeks_since: 14}",
        "  - {code: lumbar_instability, severity: moderate}",
    )
    (problem,) = _problems(text)
    assert problem.message == "condition lumbar_instability is listed more than once"


def test_worst_pain_below_pain_now_is_refused() -> None:
    (problem,) = _problems(_edit("nprs_worst_24h: 5", "nprs_worst_24h: 2"))
    assert problem.path == "pain"
    assert problem.message == "nprs_worst_24h (2) is below nprs_now (3)"


def test_at_least_one_goal() -> None:
    (problem,) = _problems(_edit("goals: [posture, strength]", "goals: []"))
    assert (problem.path, problem.line) == ("goals", 6)


def test_missing_section() -> None:
    (problem,) = _problems(_edit("pain: {region: low_back, nprs_now: 3, nprs_worst_24h: 5}", ""))
    assert (problem.path, problem.message) == ("pain", "required field is missing")


def test_malformed_yaml_is_a_document_error_with_a_line() -> None:
    with pytest.raises(DocumentError) as info:
        intake.parse(_edit('name: "Alex Example"', 'name: "Alex Example'), "client.yaml")
    (problem,) = info.value.problems
    assert problem.message.startswith("not valid YAML or JSON")
    assert problem.line is not None


def test_duplicate_yaml_key_is_refused() -> None:
    with pytest.raises(DocumentError) as info:
        intake.parse(EXAMPLE_TEXT + "goals: [strength]\n", "client.yaml")
    (problem,) = info.value.problems
    assert problem.message == "not valid YAML or JSON: duplicate key 'goals'"
    assert problem.line == 24


@pytest.mark.parametrize("text", ["", "just words", "- a list\n- of things\n"])
def test_a_document_that_is_not_a_mapping(text: str) -> None:
    with pytest.raises(IntakeError):
        intake.parse(text)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        intake.load(str(tmp_path / "nobody.yaml"))


# --- the closed-world fact base -----------------------------------------------------------


def test_facts_are_closed_world() -> None:
    base = facts.from_intake(intake.load(str(EXAMPLE)))
    required = {n for n, s in FACTS.items() if not s.derived and s.always_known}
    assert required <= set(base), sorted(required - set(base))
    assert not [n for n in base if FACTS[n].derived], "derived facts come from rules only"
    for name, value in base.items():
        assert FACTS[name].admits(value), (name, value)
    assert list(base) == sorted(base)


def test_facts_say_false_for_what_is_absent() -> None:
    base = facts.from_intake(make_intake())
    assert base["finding.rounded_shoulders"] is False
    assert base["condition.lumbar_instability"] is False
    assert base["condition.lumbar_instability.severity"] == "absent"
    assert "condition.lumbar_instability.weeks_since" not in base
    assert base["goal.strength"] is False
    assert base["goal.general_fitness"] is True


def test_facts_of_the_example() -> None:
    base = facts.from_intake(intake.load(str(EXAMPLE)))
    assert base["client.age"] == 45
    assert base["training.experience"] == "novice"
    assert base["equipment.barbell"] is True
    assert base["equipment.trap_bar"] is False
    assert base["condition.lumbar_instability.severity"] == "mild"
    assert base["condition.rotator_cuff_repair.severity"] == "unspecified"
    assert base["condition.rotator_cuff_repair.weeks_since"] == 14
    assert base["pain.nprs_worst_24h"] == 5
    assert base["red_flag.history_of_cancer"] == "no"


def test_worst_pain_defaults_to_pain_now() -> None:
    base = facts.from_intake(make_intake(pain={"region": "low_back", "nprs_now": 4}))
    assert base["pain.nprs_worst_24h"] == 4


def test_fact_values_are_plain_types() -> None:
    """Durable-rules coerces types: facts are plain bool, int and str, never enums."""
    base = facts.from_intake(make_intake(findings=["aberrant_movement"]))
    assert {type(v) for v in base.values()} == {bool, int, str}


def test_factory_intake_is_valid() -> None:
    assert intake.parse(json.dumps(intake_data())).client.name == "Test Client"
