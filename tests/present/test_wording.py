"""Plain words for reports: doses, effort, tempo, facts and trace lines read as intended."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from backexpert.assessment.actions import Conclusion
from backexpert.assessment.prescription import Item
from backexpert.clinical import instruments
from backexpert.clinical.words import Pattern, Phase
from backexpert.present import wording


def _item(**dose: object) -> Item:
    base: dict[str, object] = {
        "exercise": "bird_dog",
        "name": "Bird-dog",
        "pattern": Pattern.anti_rotation,
        "loaded": False,
        "phase": Phase.priming,
        "sets": 2,
        "reps": "8-12",
        "hold_s": None,
        "per_side": False,
        "tempo": None,
        "effort": 7,
        "rest_s": 90,
        "cues": ["Reach long."],
        "because": [],
        "adjustments": [],
        "substitutes_for": None,
    }
    return Item.model_validate({**base, **dose})


@pytest.mark.parametrize(
    ("dose", "clinician", "handout", "log"),
    [
        ({}, "2 sets × 8–12 reps", "2 sets of 8–12 repetitions", "2 × 8–12"),
        (
            {"reps": "6", "hold_s": 10, "per_side": True},
            "2 sets × 6 × 10 s hold, each side",
            "2 sets of 6 holds of 10 seconds, each side",
            "2 × 6 × 10 s each side",
        ),
        ({"sets": 1, "reps": "1"}, "1 set × 1 rep", "1 set of 1 repetition", "1 × 1"),
    ],
)
def test_doses_in_both_wordings(
    dose: dict[str, object], clinician: str, handout: str, log: str
) -> None:
    item = _item(**dose)
    assert wording.dose_text(item) == clinician
    assert wording.how_many(item) == handout
    assert wording.log_target(item) == log


@pytest.mark.parametrize(
    ("rpe", "expected"),
    [
        (8, "about 2 more (effort 8 out of 10)"),
        (7, "about 3 more (effort 7 out of 10)"),
        (5, "4-6 more"),
        (3, "Easy and controlled (effort 3 out of 10)."),
    ],
)
def test_effort_in_reps_in_reserve(rpe: int, expected: str) -> None:
    assert expected in wording.effort_words(rpe)


def test_tempo_and_rest_in_plain_words() -> None:
    assert wording.tempo_words("3-1-2-0") == (
        "Speed: 2 s to lift or pull, 3 s to lower or return, pause 1 s after lowering."
    )
    assert wording.tempo_words(None) == ""
    assert wording.rest_words(0) == "No rest needed between sets."
    assert wording.rest_words(180) == "Rest 3 minutes between sets."
    assert wording.rest_words(45) == "Rest 45 seconds between sets."


def test_facts_in_plain_words() -> None:
    assert wording.fact_text("finding.rounded_shoulders", True) == (
        "examination found rounded shoulders"
    )
    assert wording.fact_text("client.age", 45) == "age in years: 45"
    assert wording.fact_text("training.experience", "novice") == "training experience: novice"
    assert wording.fact_text("equipment.barbell", False) == "barbell is available: no"
    assert wording.fact_text("not.registered", 3) == "not.registered: 3"


def test_pain_bands_follow_mccaffery() -> None:
    assert [instruments.pain_band(n) for n in (0, 1, 3, 4, 6, 7, 10)] == [
        "none",
        "mild",
        "mild",
        "moderate",
        "moderate",
        "severe",
        "severe",
    ]


def _c(data: dict[str, object]) -> Conclusion:
    return TypeAdapter(Conclusion).validate_python(data)


def test_trace_conclusions_read_as_one_line() -> None:
    cap = _c({"kind": "cap", "pattern": "hinge", "loaded": True, "sets": 2})
    assert wording.conclusion_text(cap) == "cap loaded hinge: sets 2"
    add = _c({"kind": "add", "exercise": "bird_dog", "phase": "priming", "sessions": ["intense"]})
    assert wording.conclusion_text(add) == "add bird_dog (priming; intense)"
    derive = _c({"kind": "derive", "fact": "pain.severe", "value": True})
    assert wording.conclusion_text(derive) == "derive pain.severe = true"
    before = _c({"kind": "before", "first": {"exercise": "bird_dog"}, "then": {"pattern": "hinge"}})
    assert wording.conclusion_text(before) == "bird_dog before hinge"


def test_a_sentence_becomes_a_clause() -> None:
    assert wording.clause("Unloaded work at RPE 5 or less.") == "unloaded work at RPE 5 or less"
    assert wording.clause("PAR-Q+ pages 2-3 first.") == "PAR-Q+ pages 2-3 first"
    assert wording.clause("RPE 5 at most") == "RPE 5 at most"
