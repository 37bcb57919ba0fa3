"""The monitor's load invariants: kg only from the client's own loads, never above the cap."""

from __future__ import annotations

import pytest

from backexpert import assessment, safety
from backexpert.assessment import loads
from backexpert.assessment.prescription import Prescription, WarmupSet
from backexpert.clinical.intake import CurrentLoad, Intake
from backexpert.errors import SafetyError
from backexpert.safety.classification import EXERCISES
from backexpert.safety.starting_loads import LOAD_RELATIVES, one_rep_maxes
from factories import make_intake, shipped_catalogue

CURRENT = [
    CurrentLoad(exercise="deadlift", load_kg=100, reps=5, rpe=8),
    CurrentLoad(exercise="seated_cable_row", load_kg=50, reps=10),
]


def _loaded_plain() -> tuple[Intake, Prescription]:
    intake = make_intake(training={"current_loads": CURRENT})
    return intake, assessment.assess(intake)


def _set(p: Prescription, exercise: str, **change: object) -> Prescription:
    sessions = [
        s.model_copy(
            update={
                "items": [
                    i.model_copy(update=change) if i.exercise == exercise else i for i in s.items
                ]
            }
        )
        for s in p.sessions
    ]
    return p.model_copy(update={"sessions": sessions})


def _invariants(p: Prescription, intake: Intake) -> set[str]:
    return {v.invariant for v in safety.violations(p, intake)}


def test_a_program_with_loads_breaks_no_invariant() -> None:
    intake, p = _loaded_plain()
    assert any(i.load_kg for _, i in p.items())
    assert _invariants(p, intake) == set()


@pytest.mark.parametrize(
    ("invariant", "exercise", "change"),
    [
        ("load.effort", "deadlift", {"load_kg": 110.0}),
        ("load.unknown_source", "pull_up_neutral_grip", {"load_kg": 20.0}),
        ("load.unloaded_kg", "scapular_push_up", {"load_kg": 5.0}),
        ("load.warmup", "deadlift", {"warmup": [WarmupSet(reps=2, load_kg=95, percent_1rm=77)]}),
        (
            "load.warmup",
            "seated_cable_row",
            {"load_kg": None, "warmup": [WarmupSet(reps=5, load_kg=20, percent_1rm=30)]},
        ),
    ],
)
def test_each_load_invariant_refuses_a_broken_program(
    invariant: str, exercise: str, change: dict[str, object]
) -> None:
    intake, p = _loaded_plain()
    broken = _set(p, exercise, **change)
    assert invariant in _invariants(broken, intake)
    with pytest.raises(SafetyError, match=rf"\[{invariant}\]"):
        safety.check(broken, intake)


def test_the_cap_is_judged_at_the_top_of_the_range_with_rounding_allowed() -> None:
    intake, p = _loaded_plain()
    # 1RM 123.3 kg; 6 reps at RPE 8 (the cap) = 8 RM = 78.9%: at most 97.4 kg (+1.25 rounding).
    assert _invariants(_set(p, "deadlift", load_kg=97.5), intake) == set()
    assert _invariants(_set(p, "deadlift", load_kg=100.0), intake) == {"load.effort"}


def test_no_kg_while_limited() -> None:
    intake, p = _loaded_plain()
    limited = intake.model_copy(update={"red_flag_screen": {}})
    assert "load.limited_kg" in _invariants(p, limited)


def test_the_monitor_and_the_composer_estimate_alike() -> None:
    intake, _ = _loaded_plain()
    more = [*CURRENT, CurrentLoad(exercise="barbell_row", load_kg=80, reps=8, rpe=8)]
    mine = one_rep_maxes(
        intake.model_copy(
            update={"training": intake.training.model_copy(update={"current_loads": more})}
        )
    )
    theirs = loads.estimates(more, shipped_catalogue())
    assert set(mine) == set(theirs)
    for ex, est in theirs.items():
        assert mine[ex] == pytest.approx(est.one_rm)


def test_the_catalogue_relatives_are_the_monitors() -> None:
    """A relative the monitor does not know, or a higher ratio, would withhold the program."""
    cat = shipped_catalogue()
    shipped = {ex.id: {r.exercise: r.ratio for r in ex.load_from} for ex in cat if ex.load_from}
    assert shipped == LOAD_RELATIVES
    for ex, relatives in LOAD_RELATIVES.items():
        for other in relatives:
            assert EXERCISES[ex].pattern is EXERCISES[other].pattern, (ex, other)
