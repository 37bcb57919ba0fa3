"""The what-if syntax, applying edits to an intake, and fact changes as intake edits."""

# ruff: noqa: E501  (the tables of cases read best one case a line)

from __future__ import annotations

from typing import Any

import pytest

from backexpert.assessment.facts import from_intake
from backexpert.assessment.vocabulary import FACTS
from backexpert.clinical.intake import Intake
from backexpert.errors import InputError, IntakeError
from backexpert.explain import edits, fact_edits, intake_facts
from backexpert.explain.syntax import parse_change, parse_changes
from backexpert.knowledge.vocabulary import FactSpec
from factories import intake_data, make_intake

# --- the syntax -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "op", "path", "value"),
    [
        ("pain.nprs_now=7", "set", "pain.nprs_now", 7),
        ("training.experience=intermediate", "set", "training.experience", "intermediate"),
        ("red_flag_screen.history_of_cancer=yes", "set", "red_flag_screen.history_of_cancer", True),
        ("training.equipment=[barbell, bench]", "set", "training.equipment", ["barbell", "bench"]),
        ("assessment.date=2026-01-05", "set", "assessment.date", "2026-01-05"),
        ("pain.nprs_worst_24h=", "set", "pain.nprs_worst_24h", None),
        ("-conditions.lumbar_instability", "remove", "conditions.lumbar_instability", None),
        ("-findings.rounded_shoulders", "remove", "findings.rounded_shoulders", None),
        ("+findings.rounded_shoulders", "add", "findings", "rounded_shoulders"),
        ("+training.equipment.bench", "add", "training.equipment", "bench"),
        ("+conditions.osteoporosis", "add", "conditions", "osteoporosis"),
        (
            "+conditions.rotator_cuff_repair:weeks_since=8,side=right",
            "add",
            "conditions",
            {"code": "rotator_cuff_repair", "weeks_since": 8, "side": "right"},
        ),
        ("conditions[0].severity=mild", "set", "conditions[0].severity", "mild"),
    ],
)
def test_the_syntax(text: str, op: str, path: str, value: Any) -> None:
    e = parse_change(text)
    assert (e.op, e.path, e.value, e.change) == (op, path, value, text)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("pain.nprs_nw=3", "pain.nprs_nw", "unknown field (did you mean 'nprs_now'?)"),
        ("client.age.years=3", "client.age.years", "is a value, not a section"),
        ("nonsense", "nonsense", "a change is path=value, +list.value or -path"),
        ("+findings", "+findings", "+ adds a list entry: +list.value, e.g. +findings.rounded_shoulders"),
        ("a b=1", "a b=1", "'a b' is not a field path (names joined by dots)"),
        ("+conditions.osteoporosis:severity", "+conditions.osteoporosis:severity", "'severity': fields after ':' are name=value, comma-separated"),
        ("pain.nprs_now=[1", "pain.nprs_now=[1", None),
    ],
)  # fmt: skip
def test_syntax_problems_name_the_field(text: str, where: str, message: str | None) -> None:
    with pytest.raises(InputError) as info:
        parse_changes([text])
    (problem,) = info.value.problems
    assert problem.path == where
    if message is not None:
        assert problem.message == message


def test_every_syntax_problem_is_reported_at_once() -> None:
    with pytest.raises(InputError) as info:
        parse_changes(["pain.nprs_nw=3", "ok=", "-client.nme"])
    assert [p.path for p in info.value.problems] == ["pain.nprs_nw", "ok", "client.nme"]


# --- applying edits ----------------------------------------------------------------------------


def _edited(*changes: str, **intake: Any) -> Intake:
    return edits.edited(make_intake(**intake), parse_changes(changes))


def test_edits_apply_to_the_intake() -> None:
    x = _edited(
        "pain.nprs_now=7",
        "pain.region=low_back",
        "+findings.rounded_shoulders",
        "+findings.rounded_shoulders",  # adding what is there changes nothing
        "+conditions.rotator_cuff_repair:weeks_since=8,side=right",
        "conditions.osteoporosis.severity=mild",  # creates the entry
        "-training.equipment.barbell",
        "+goals.strength",
        "red_flag_screen.constant_night_pain=no",
        "-red_flag_screen.saddle_anaesthesia",
        "+red_flag_screen.recent_minor_trauma",
    )
    assert x.pain.nprs_now == 7
    assert [f.value for f in x.findings] == ["rounded_shoulders"]
    cuff = x.condition(x.conditions[0].code)
    assert cuff is not None and (cuff.weeks_since, cuff.side) == (8, "right")
    assert [(c.code.value, c.severity) for c in x.conditions][1] == ("osteoporosis", "mild")
    assert "barbell" not in {e.value for e in x.training.equipment}
    assert {g.value for g in x.goals} == {"general_fitness", "strength"}
    screen = {q.value: a for q, a in x.red_flag_screen.items()}
    assert screen["constant_night_pain"] is False
    assert "saddle_anaesthesia" not in screen
    assert screen["recent_minor_trauma"] is True


def test_removing_a_condition_and_setting_by_position() -> None:
    x = _edited(
        "-conditions.lumbar_instability",
        "conditions[0].weeks_since=20",
        conditions=[
            {"code": "lumbar_instability", "severity": "mild"},
            {"code": "rotator_cuff_repair", "weeks_since": 14},
        ],
    )
    assert [(c.code.value, c.weeks_since) for c in x.conditions] == [("rotator_cuff_repair", 20)]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (["pain.nprs_now=11"], "pain.nprs_now: must be <= 10 (got 11)"),
        (["client.age=9"], "client.age: must be >= 10 (got 9)"),
        (["-findings.rounded_shoulders"], "findings.rounded_shoulders: not in the intake, nothing to remove"),
        (["+conditions.pregnancy"], "conditions[0]: weeks_since is required for pregnancy: loading depends on it"),
        (["conditions[3].severity=mild"], "conditions[3]: no such entry"),
        (["+client.age.x"], "client.age: is not a list; use client.age=value"),
        (["training.experience=expert"], "training.experience: must be 'novice', 'intermediate' or 'advanced' (got 'expert')"),
        (["-client"], "client: required field is missing"),
    ],
)  # fmt: skip
def test_invalid_edits_read_like_intake_problems(changes: list[str], problem: str) -> None:
    with pytest.raises(InputError) as info:
        _edited(*changes)
    assert [str(p) for p in info.value.problems] == [problem]


def test_an_invalid_edited_intake_is_an_intake_error() -> None:
    with pytest.raises(IntakeError):
        _edited("pain.nprs_now=11")


def test_raising_pain_now_raises_the_worst_with_it() -> None:
    intake = make_intake(pain={"region": "low_back", "nprs_now": 3, "nprs_worst_24h": 5})
    changes = parse_changes(["pain.nprs_now=7"])
    (follow,) = edits.follow_ups(intake, changes)
    assert follow.change == "pain.nprs_worst_24h=7" and "never below" in follow.note
    assert edits.edited(intake, [*changes, follow]).pain.worst == 7
    # when the worst is set too, or is not given, or is high enough, nothing follows
    assert (
        edits.follow_ups(intake, parse_changes(["pain.nprs_now=7", "pain.nprs_worst_24h=8"])) == []
    )
    assert edits.follow_ups(make_intake(), parse_changes(["pain.nprs_now=7"])) == []
    assert edits.follow_ups(intake, parse_changes(["pain.nprs_now=4"])) == []
    assert edits.follow_ups(intake, parse_changes(["-pain"])) == []


# --- fact changes as intake edits --------------------------------------------------------------


def _realise(changes: dict[str, Any], **intake: Any) -> tuple[Intake, list[str]]:
    base = make_intake(**intake)
    found, cannot = fact_edits.edits_for(changes, base)
    assert cannot == [], cannot
    after = edits.edited(base, found)
    return after, [e.change for e in found]


@pytest.mark.parametrize(
    ("changes", "intake", "expected"),
    [
        ({"finding.rounded_shoulders": True}, {}, ["+findings.rounded_shoulders"]),
        ({"finding.rounded_shoulders": False}, {"findings": ["rounded_shoulders"]}, ["-findings.rounded_shoulders"]),
        ({"client.age": 40}, {}, ["client.age=40"]),
        ({"equipment.barbell": False}, {}, ["-training.equipment.barbell"]),
        ({"goal.strength": True}, {}, ["+goals.strength"]),
        ({"training.experience": "novice"}, {}, ["training.experience=novice"]),
        ({"training.accustomed_to_vigorous_effort": "no"}, {}, ["training.accustomed_to_vigorous_effort=false"]),
        ({"pain.band": "moderate"}, {}, ["pain.nprs_now=4"]),
        ({"pain.nprs_worst_24h": 7}, {}, ["pain.nprs_worst_24h=7"]),
        ({"pain.nprs_now": 8}, {"pain": {"region": "low_back", "nprs_now": 3, "nprs_worst_24h": 5}}, ["pain.nprs_now=8", "pain.nprs_worst_24h=8"]),
        ({"pain.nprs_worst_24h": 2}, {"pain": {"region": "low_back", "nprs_now": 3}}, ["pain.nprs_now=2", "pain.nprs_worst_24h=2"]),
        ({"red_flag.history_of_cancer": "yes"}, {}, ["red_flag_screen.history_of_cancer=true"]),
        ({"red_flag.history_of_cancer": "not_asked"}, {}, ["-red_flag_screen.history_of_cancer"]),
        ({"condition.osteoporosis": True}, {}, ["+conditions.osteoporosis"]),
        ({"condition.lumbar_instability.severity": "moderate"}, {}, ["+conditions.lumbar_instability:severity=moderate"]),
        ({"condition.rotator_cuff_repair": True, "condition.rotator_cuff_repair.weeks_since": 5}, {}, ["+conditions.rotator_cuff_repair:weeks_since=5"]),
        ({"condition.lumbar_instability.severity": "unspecified"}, {"conditions": [{"code": "lumbar_instability", "severity": "mild"}]}, ["-conditions.lumbar_instability.severity"]),
        ({"condition.lumbar_instability.severity": "severe"}, {"conditions": [{"code": "lumbar_instability", "severity": "mild"}]}, ["conditions.lumbar_instability.severity=severe"]),
        ({"condition.lumbar_instability": False}, {"conditions": [{"code": "lumbar_instability"}]}, ["-conditions.lumbar_instability"]),
        ({"condition.radiculopathy.side": "absent"}, {"conditions": [{"code": "radiculopathy", "side": "left"}]}, ["-conditions.radiculopathy"]),
        ({"screening.red_flags_complete": True}, {"red_flag_screen": {"saddle_anaesthesia": False}}, None),
        ({"start_back.category": "high"}, {}, None),
        ({"start_back.category": "low"}, {"questionnaires": {"start_back": {"items": ["agree"] * 8, "bothersomeness": "extremely"}}}, None),
        ({"start_back.total": 5}, {}, None),
        ({"odi.band": "severe"}, {}, None),
        ({"odi.percent": 11}, {"questionnaires": {"odi": [1, None, 2, 0, 0, 1, 1, 0, 0, 1]}}, None),
        ({"odi.band": "not_given"}, {"questionnaires": {"odi": [1] * 10}}, ["-questionnaires.odi"]),
        ({"quickdash.score": 41}, {}, None),
        ({"roland_morris.score": 3}, {}, None),
        ({"roland_morris.score": 1}, {"questionnaires": {"roland_morris": [2, 5, 9]}}, None),
        ({"parq.outcome": "cleared"}, {}, None),
        ({"parq.outcome": "follow_up_needed"}, {}, None),
        ({"parq.outcome": "cleared_low_to_moderate"}, {}, None),
        ({"parq.outcome": "clearance_required"}, {}, None),
        ({"parq.outcome": "medically_cleared"}, {"assessment": {"date": "2026-11-23"}}, None),
        ({"parq.outcome": "not_given"}, {"questionnaires": {"parq_plus": {"general": [False] * 7}}}, ["-questionnaires.parq_plus"]),
        ({"client.sex": "male"}, {}, ["client.sex=male"]),
        ({"finding.rounded_shoulders": False}, {}, []),
    ],
)  # fmt: skip
def test_fact_changes_become_intake_edits_that_give_them(
    changes: dict[str, Any], intake: dict[str, Any], expected: list[str] | None
) -> None:
    after, made = _realise(changes, **intake)
    if expected is not None:
        assert made == expected
    assert fact_edits.unmet(after, changes) == []


def test_facts_no_edit_can_set_are_reported_not_guessed() -> None:
    base = make_intake()
    found, cannot = fact_edits.edits_for(
        {
            "risk.lumbar_load": "high",  # derived: concluded by rules
            "nonsense.fact": True,  # unknown: a fact of a later vocabulary
            "screening.red_flags_complete": False,
            "finding.rounded_shoulders": "yes",
            "quickdash.score": 45,  # no 11 answers give 45
            "red_flag.history_of_cancer": "maybe",
            "roland_morris.score": 30,
        },
        base,
    )
    assert found == []
    reasons = {u.fact: u.reason for u in cannot}
    assert reasons["risk.lumbar_load"] == "concluded by rules, not read from the intake"
    assert reasons["nonsense.fact"] == "not a fact of the assessment vocabulary"
    assert "complete screen" in reasons["screening.red_flags_complete"]
    assert "not true or false" in reasons["finding.rounded_shoulders"]
    assert reasons["quickdash.score"] == "no QuickDASH answers give quickdash.score = 45"
    assert "yes, no or not_asked" in reasons["red_flag.history_of_cancer"]
    assert "0..24" in reasons["roland_morris.score"]


def test_a_condition_fact_without_an_intake_field_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A later vocabulary may name a condition attribute the intake does not have (yet)."""
    spec = FactSpec("condition.osteoporosis.colour", "enum", "a colour", values=("red",))
    monkeypatch.setitem(intake_facts.SPECS, spec.name, spec)
    _, cannot = fact_edits.edits_for({spec.name: "red"}, make_intake())
    assert [u.reason for u in cannot] == ["conditions have no field 'colour'"]
    _, cannot = fact_edits.edits_for({"condition.nonsense": True}, make_intake())
    assert [u.reason for u in cannot] == ["not a fact of the assessment vocabulary"]


def test_an_unknown_fact_of_a_known_family_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = FactSpec("pain.mood", "enum", "a new fact", values=("low", "high"))
    monkeypatch.setitem(intake_facts.SPECS, spec.name, spec)
    _, cannot = fact_edits.edits_for({spec.name: "low"}, make_intake())
    assert [u.reason for u in cannot] == ["no intake edit is known for this fact"]
    section = FactSpec("training.equipment", "enum", "a list, not a value", values=("x",))
    monkeypatch.setitem(intake_facts.SPECS, section.name, section)
    _, cannot = fact_edits.edits_for({section.name: "x"}, make_intake())
    assert [u.reason for u in cannot] == ["no intake edit is known for this fact"]


def test_every_intake_fact_of_the_vocabulary_has_an_edit_or_a_reason() -> None:
    """New facts degrade gracefully: mapped by family or by field path, or reported."""
    base = make_intake()
    have = from_intake(base)
    for spec in FACTS:
        value = next((v for v in spec.possible() if v != have.get(spec.name)), None)
        if value is None or spec.derived:
            continue
        found, cannot = fact_edits.edits_for({spec.name: value}, base)
        assert found or cannot, spec.name


def test_the_nature_of_facts() -> None:
    assert intake_facts.nature("equipment.barbell") == "choice"
    assert intake_facts.nature("training.sessions_per_week") == "choice"
    assert intake_facts.nature("training.experience") == "history"
    assert intake_facts.nature("client.occupation") == "history"
    for finding in ("red_flag.history_of_cancer", "condition.osteoporosis", "client.age", "x.y"):
        assert intake_facts.nature(finding) == "finding"


def test_fact_changes_list_intake_facts_only() -> None:
    base = from_intake(make_intake())
    after = {**base, "client.age": 50, "risk.lumbar_load": "high"}
    (change,) = intake_facts.fact_changes(base, after)
    assert (change.fact, change.before, change.after, change.nature) == (
        "client.age",
        30,
        50,
        "finding",
    )
    assert change.note == "a finding of the client, not a choice"


def test_intake_data_round_trips() -> None:
    data = intake_data(questionnaires={"odi": [1, None, 2, 3, 4, 5, 0, 1, 2, 3]})
    intake = Intake.model_validate(data)
    assert Intake.model_validate(edits.intake_data(intake)) == intake
