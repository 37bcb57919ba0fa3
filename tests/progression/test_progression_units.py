"""Session-log parsing, load arithmetic and the invariants of the progression rulebook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from backexpert import assessment
from backexpert.errors import InputError, RuleSetError, SafetyError
from backexpert.knowledge import compiler
from backexpert.progression import evaluate as progress
from backexpert.progression import loading, recommendation, vocabulary
from backexpert.progression.actions import Recommend
from backexpert.progression.logbook import SessionLog, SetLog, parse_set
from backexpert.progression.report import Recommendation, Target
from factories import shipped_catalogue


@pytest.mark.parametrize(
    ("token", "sets"),
    [
        ("5x60kg@7", [{"reps": 5, "load_kg": 60.0, "rpe": 7}]),
        ("5x60@7", [{"reps": 5, "load_kg": 60.0, "rpe": 7}]),
        ("8x@8", [{"reps": 8, "rpe": 8}]),
        ("8x", [{"reps": 8}]),
        ("5x62.5kg@rir2", [{"reps": 5, "load_kg": 62.5, "rir": 2}]),
        ("2x10x45KG@RIR3", [{"reps": 10, "load_kg": 45.0, "rir": 3}] * 2),
    ],
)
def test_set_tokens(token: str, sets: list[dict[str, object]]) -> None:
    assert parse_set(token) == sets


@pytest.mark.parametrize("token", ["5kg@7", "x60kg", "5x60kg@", "5x60lb@7", "@8", "11x5x60kg", ""])
def test_bad_set_tokens_are_named(token: str) -> None:
    with pytest.raises(ValueError, match=r"is not REPSx|sets per token") as err:
        parse_set(token)
    assert repr(token) in str(err.value)


def test_set_effort_scales() -> None:
    assert SetLog(reps=5, rir=2).effort == 8
    assert SetLog(reps=5, rpe=9).effort == 9
    assert SetLog(reps=5).effort is None
    assert SetLog(reps=5, load_kg=60, rir=0).token() == "5x60kg@rir0"
    with pytest.raises(ValidationError, match="not both"):
        SetLog(reps=5, rpe=8, rir=2)
    with pytest.raises(ValidationError, match="more than 2 decimals"):
        SetLog(reps=5, load_kg=60.125)


def test_session_time_from_yaml_sexagesimal_and_duplicates() -> None:
    s = SessionLog.model_validate(
        {
            "date": "2026-11-02",
            "time": 1080,
            "exercises": [{"exercise": "deadlift", "sets": ["5x"]}],
        }
    )
    assert s.time == dt.time(18, 0)
    with pytest.raises(ValidationError, match="listed more than once"):
        SessionLog.model_validate(
            {"date": "2026-11-02", "exercises": [{"exercise": "x", "sets": ["5x"]}] * 2}
        )


@pytest.mark.parametrize(
    ("base", "lo", "hi", "inc", "want"),
    [
        (60.0, 5, 10, 2.5, 65.0),  # the smallest grid load inside +5-10%
        (60.0, 2.5, 5, 2.5, 62.5),
        (40.0, 2.5, 5, 2.5, 42.5),  # no 2.5 kg step inside +2.5-5%: next step, +6.25% <= 10%
        (16.0, 5, 10, 4.0, None),  # kettlebell +4 kg is +25%: no load step
        (60.0, -15, -10, 2.5, 52.5),  # the mildest cut that is at least 10%
        (10.0, -20, -10, 1.0, 9.0),
    ],
)
def test_load_steps(base: float, lo: float, hi: float, inc: float, want: float | None) -> None:
    action = "increase_load" if lo > 0 else "deload"
    rec = Recommend(action=action, load_step_pct_min=lo, load_step_pct_max=hi)
    step = loading.step_up if lo > 0 else loading.step_down
    assert step(base, rec, inc)[0] == want


def test_reps_shift() -> None:
    assert loading.shift_reps("8-12", 1) == "9-13"
    assert loading.shift_reps("10", 2) == "12"


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"action": "hold", "sets_step": 1}, "less than or equal to 0"),
        ({"action": "increase_load"}, "needs a positive load or reps step"),
        ({"action": "deload", "load_steps": 1}, "may not increase"),
        ({"action": "increase_load", "load_step_pct_min": 5}, "give both"),
        ({"action": "increase_load", "load_step_pct_min": 5, "load_step_pct_max": 2}, "above"),
    ],
)
def test_recommend_is_checked(fields: dict[str, object], says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        Recommend.model_validate(fields)


def test_a_rule_that_adds_sets_is_refused(tmp_path: Path) -> None:
    """Never by adding sets: the compiler refuses a positive sets_step, naming rule and line."""
    (tmp_path / "x.yaml").write_text(
        "area: x\ndescription: d\nrules:\n  - id: x.more_sets\n"
        "    when: {all: [{progress.sessions: {gte: 1}}]}\n"
        "    then: [{recommend: {action: hold, sets_step: 1}}]\n"
        "    rationale: adding sets is volume\n    source: none here\n"
    )
    with pytest.raises(RuleSetError, match=r"x\.yaml:6: rule x\.more_sets: then\[0\]"):
        compiler.load_directory(tmp_path, vocabulary.vocabulary(shipped_catalogue()))


def test_more_sets_than_the_target_is_withheld() -> None:
    rec = Recommendation(
        exercise="deadlift",
        name="Deadlift",
        action="hold",
        target=Target(exercise="deadlift", name="D", load_kg=60.0, reps="5", sets=4),
        because=[],
        overruled=[],
        reason="r",
        notes=[],
    )
    history = progress.evaluate(
        [
            SessionLog.model_validate(
                {"date": "2026-11-02", "exercises": [{"exercise": "deadlift", "sets": ["5x60kg"]}]}
            )
        ]
    ).exercises
    with pytest.raises(SafetyError, match="asks for 4 sets, more than the current 3"):
        recommendation.never_more_sets([rec], history)


def test_the_prescription_rulebook_is_untouched() -> None:
    main = assessment.rule_base().rulebook
    assert not any(r.id.startswith("progression.") for r in main)
    assert not any(f.startswith("progress.") for f in main.facts_used())
    assert all(r.id.startswith("progression.") for r in progress.rule_base().rulebook)


def test_increments_by_equipment_client_and_log() -> None:
    cat = shipped_catalogue()
    assert loading.increment_for(cat["deadlift"], None, None) == 2.5
    assert loading.increment_for(cat["one_arm_dumbbell_row"], None, None) == 1.0
    assert loading.increment_for(cat["kettlebell_deadlift"], None, None) == 4.0
    assert loading.increment_for(cat["deadlift"], None, 1.25) == 1.25
    entry = SessionLog.model_validate(
        {
            "date": "2026-11-02",
            "exercises": [{"exercise": "deadlift", "sets": ["5x"], "load_increment_kg": 0.5}],
        }
    ).exercises[0]
    assert loading.increment_for(cat["deadlift"], entry, 1.25) == 0.5


def test_an_exercise_missing_from_the_catalogue_is_named() -> None:
    log = SessionLog.model_validate(
        {"date": "2026-11-02", "exercises": [{"exercise": "zercher_squat", "sets": ["5x60kg"]}]}
    )
    with pytest.raises(InputError, match="unknown exercise 'zercher_squat'"):
        progress.evaluate([log])
