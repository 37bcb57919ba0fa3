"""Starting loads over generated clients: on the equipment's grid, above zero, within the cap."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from backexpert import assessment
from backexpert.assessment import loads
from backexpert.assessment.prescription import Prescription
from backexpert.clinical.catalogue import rep_bounds
from backexpert.clinical.intake import Intake
from factories import intake_data as base_intake
from strategies import ASSESSED_ON, current_loads, intakes

RULES = assessment.rule_base()
CAT = RULES.catalogue
pytestmark = pytest.mark.property


def _check(intake: Intake, p: Prescription) -> None:
    known = loads.estimates(intake.training.current_loads, CAT)
    for where, i in p.items():
        for w in i.warmup:
            assert w.reps > 0 and (w.load_kg is None or (i.load_kg and w.load_kg < i.load_kg))
        if i.load_kg is None:
            continue
        assert p.status == "program", (where, i.exercise)
        eq = loads.kg_equipment(i, CAT)
        assert eq is not None, (where, i.exercise)
        step = loads.INCREMENT_KG[eq]
        assert i.load_kg > 0
        assert abs(i.load_kg / step - round(i.load_kg / step)) < 1e-9, (i.load_kg, step)
        # By the reps × RIR table, the top of the range at this load is at the cap or easier.
        top = rep_bounds(i.reps)[1]
        one_rm = known[i.exercise].one_rm
        assert i.load_kg <= one_rm * loads.percent_at(top, i.effort) / 100 + 1e-9
        assert i.load_kg <= one_rm * loads.percent_at(top, loads.WEEK1_MAX_RPE) / 100 + 1e-9


@given(intakes())
def test_loads_of_any_client(intake: Intake) -> None:
    _check(intake, assessment.assess(intake, RULES, today=ASSESSED_ON))


@given(current_loads())
def test_loads_of_a_lifter_with_every_piece_of_equipment(current: list[dict[str, Any]]) -> None:
    data = base_intake()
    data["training"] = {**data["training"], "current_loads": current}
    intake = Intake.model_validate(data)
    _check(intake, assessment.assess(intake, RULES, today=ASSESSED_ON))
