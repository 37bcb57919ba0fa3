"""A dose remembered across clients (`dose.dosed`) is the dose worked out again (`work_out`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

import casebook
from backexpert import assessment
from backexpert.assessment import dose
from backexpert.clinical import intake
from backexpert.clinical.intake import Intake
from backexpert.clinical.words import Side
from strategies import intake_data

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))
CAT = assessment.rule_base().catalogue


def _plain(x: Intake) -> str:
    """The document with every dose worked out afresh."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dose, "dosed", dose.work_out)
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


def test_the_memo_is_bounded() -> None:
    for _ in range(dose.DOSED_MAX + 1):
        dose.dosed(CAT["goblet_squat"].model_copy(), Side.left, (), (), ())
    assert len(dose._DOSED) <= dose.DOSED_MAX
