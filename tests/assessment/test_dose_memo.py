"""What dosing remembers across clients (each conclusion as it reads it, each dose under the
conclusions that apply, the first week of an item no current load estimates) is what it works
out again without remembering anything."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

import casebook
from backexpert import assessment
from backexpert.assessment import RuleBase, dose, loads
from backexpert.assessment.actions import Dose
from backexpert.clinical import intake
from backexpert.clinical.intake import Intake
from backexpert.clinical.words import Equipment, Side
from backexpert.knowledge.explanation import positions
from strategies import intake_data

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))
CAT = assessment.rule_base().catalogue


def _plain(x: Intake) -> str:
    """The document with every conclusion read and every dose worked out afresh."""
    with pytest.MonkeyPatch.context() as mp:
        for memo in ("_DOSE_RULES", "_CAP_RULES", "_DOSED"):
            mp.setattr(dose, memo, {})
        mp.setattr(dose, "remember", lambda *_: None)
        mp.setattr(loads, "_UNKNOWN", {})
        mp.setattr(loads, "remember", lambda *_: None)
        return assessment.to_json(assessment.assess(x))


@pytest.mark.property
@given(intake_data())
def test_a_remembered_dose_is_the_dose_worked_out_again(data: dict[str, Any]) -> None:
    x = Intake.model_validate(data)
    assert assessment.to_json(assessment.assess(x)) == _plain(x)


def _clients() -> Iterator[Intake]:
    for path in EXAMPLES:
        yield intake.load(str(path))
    for path in casebook.case_paths():
        yield casebook.load(path).intake


def test_the_examples_and_cases_dose_alike_either_way() -> None:
    """Each client after all the others, so the doses it reuses were remembered for others."""
    clients = list(_clients())
    assert clients
    for x in clients:
        assessment.assess(x)
    for x in clients:
        assert assessment.to_json(assessment.assess(x)) == _plain(x)


def test_another_exercise_is_never_answered_from_the_memo() -> None:
    """A changed exercise (another object with the same id) gets its own dose."""
    e = CAT["goblet_squat"]
    before = dose.dosed(e, None, (), (), ())
    heavier = e.model_copy(update={"dose": e.dose.model_copy(update={"sets": e.dose.sets + 1})})
    assert dose.dosed(heavier, None, (), (), ()).sets == before.sets + 1
    assert dose.dosed(e, None, (), (), ()) == dose.work_out(e, None, (), (), ())


def test_a_conclusion_is_read_again_for_another_ranking() -> None:
    rules = assessment.rule_base()
    r, x = next(_dose_conclusions(rules))
    ranks = positions(rules.rulebook)
    assert dose._dose_rule(r, x, CAT, ranks)[0].rank == ranks[r]
    assert dose._dose_rule(r, x, CAT, {r: 999})[0].rank == 999


def _dose_conclusions(rules: RuleBase) -> Iterator[tuple[str, Dose]]:
    for rule in rules.rulebook.rules:
        for c in rule.conclusions:
            if isinstance(c, Dose):
                yield rule.id, c


def test_the_memos_are_bounded() -> None:
    for _ in range(dose.DOSED_MAX + 1):
        dose.dosed(CAT["goblet_squat"].model_copy(), Side.left, (), (), ())
    assert len(dose._DOSED) <= dose.DOSED_MAX
    r, x = next(_dose_conclusions(assessment.rule_base()))
    for n in range(dose.RULES_MAX + 1):
        dose._dose_rule(r, x, CAT, {r: n})
    assert len(dose._DOSE_RULES) <= dose.RULES_MAX
    item = dose.dosed(CAT["goblet_squat"], None, (), (), ())
    for n in range(loads.UNKNOWN_MAX + 1):
        loads._unknown(item.model_copy(update={"rest_s": n}), Equipment.kettlebell)
    assert len(loads._UNKNOWN) <= loads.UNKNOWN_MAX


def test_a_remembered_first_week_is_the_one_worked_out_for_that_dose() -> None:
    """Each field the week-1 note, warm-up or minutes read is in the memo's key."""
    item = dose.dosed(CAT["goblet_squat"], None, (), (), ())
    changes: dict[str, object] = {
        "reps": "4-6", "effort": 5, "sets": 5, "hold_s": 20, "tempo": "3-1-3", "rest_s": 200,
        "per_side": True, "duration_min": 10,
    }  # fmt: skip
    for name, value in changes.items():
        changed = item.model_copy(update={name: value})
        loads._unknown(item, Equipment.kettlebell)  # the original is remembered first
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(loads, "_UNKNOWN", {})
            fresh = loads._unknown(changed, Equipment.kettlebell)
        assert loads._unknown(changed, Equipment.kettlebell) == fresh, name
