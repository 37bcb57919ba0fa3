"""Time freed by leaving out a long item goes back to shorter work left out before it."""

from __future__ import annotations

from backexpert.assessment import budget, rule_base
from backexpert.assessment.prescription import Item
from backexpert.assessment.timing import item_seconds, session_minutes
from backexpert.clinical.words import Pattern, Phase


def _item(exercise: str, phase: Phase, pattern: Pattern, sets: int, rest_s: int) -> Item:
    return Item(
        exercise=exercise,
        name=exercise,
        pattern=pattern,
        loaded=phase is Phase.main,
        phase=phase,
        sets=sets,
        reps="10",
        hold_s=None,
        per_side=False,
        tempo="2-0-2-0",
        effort=5,
        rest_s=rest_s,
        cues=[],
        because=["r"],
        adjustments=[],
        substitutes_for=None,
    )


def test_a_short_item_left_out_before_a_long_one_comes_back_when_it_fits() -> None:
    drill = _item("scapular_push_up", Phase.priming, Pattern.scapular_activation, 1, 0)
    short = _item("sit_to_stand", Phase.accessory, Pattern.squat, 2, 60)
    long_ = _item("dumbbell_deadlift", Phase.main, Pattern.hinge, 4, 150)
    assert [item_seconds(i) for i in (drill, short, long_)] == [70, 170, 640]
    plan = budget.Budget(minutes=10, daily_rules=frozenset(), befores=[])
    kept, left, _ = budget.fit(rule_base().catalogue, [drill, short, long_], plan, intense=True)
    # The sit-to-stand went first (it is not the session's only hinge), then the deadlift,
    # which alone did not fit; the sit-to-stand then fits again.
    assert [i.exercise for i in kept] == ["scapular_push_up", "sit_to_stand"]
    assert [x.exercise for x in left] == ["dumbbell_deadlift"]
    assert session_minutes(kept) <= 10


def test_nothing_comes_back_that_does_not_fit() -> None:
    drill = _item("scapular_push_up", Phase.priming, Pattern.scapular_activation, 1, 0)
    short = _item("sit_to_stand", Phase.accessory, Pattern.squat, 2, 60)
    long_ = _item("dumbbell_deadlift", Phase.main, Pattern.hinge, 4, 150)
    plan = budget.Budget(minutes=3, daily_rules=frozenset(), befores=[])
    kept, left, _ = budget.fit(rule_base().catalogue, [drill, short, long_], plan, intense=True)
    assert [i.exercise for i in kept] == ["scapular_push_up"]
    assert sorted(x.exercise for x in left) == ["dumbbell_deadlift", "sit_to_stand"]
