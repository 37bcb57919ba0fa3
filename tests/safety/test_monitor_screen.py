"""The monitor's quick screen of an item's dose lets through only what its full judgement passes: an
exercise outside `_watched` is neither ruled out, held to a %1RM, timed nor one-armed under a
protected arm, and `_lowest` is at most what any exercise's caps (and a pending clearance) allow."""

from __future__ import annotations

import pytest
from hypothesis import given

from backexpert.clinical.intake import Intake
from backexpert.safety import doses
from backexpert.safety.classification import EXERCISES
from backexpert.safety.expectations import expectations
from backexpert.safety.limits import CLEARANCE_MAX_EFFORT
from strategies import intakes


@pytest.mark.property
@given(intakes())
def test_the_screen_lets_through_only_what_the_judgement_passes(x: Intake) -> None:
    want = expectations(x)
    forbids = [(f, f.ruled_out()) for f in want.forbids]
    watched = doses._watched(want, forbids)
    effort, sets = doses._lowest(want)
    if want.clearance:
        assert effort <= CLEARANCE_MAX_EFFORT
    for exercise, profile in EXERCISES.items():
        j = doses._judge(exercise, profile, forbids, want)
        assert effort <= j.effort and sets <= j.sets, exercise
        if exercise not in watched:
            assert not (j.forbids or j.intensity or j.timed or j.one_arm), exercise
