"""The plan over weeks, proven over generated clients: contiguous, complete, within the caps."""

from __future__ import annotations

import re

import pytest
from hypothesis import given

from backexpert import assessment
from backexpert.clinical.intake import Intake
from backexpert.safety.expectations import expectations
from strategies import ASSESSED_ON, intakes

RULES = assessment.rule_base()
pytestmark = pytest.mark.property
_RPE = re.compile(r"RPE (\d+)(?:-(\d+))?")


@given(intakes())
def test_every_plan_is_contiguous_and_within_the_caps(intake: Intake) -> None:
    p = assessment.assess(intake, RULES, today=ASSESSED_ON)
    if p.status == "referral":
        assert p.plan is None
        return
    plan = p.plan
    assert plan is not None and plan.phases
    week = 1
    for ph in plan.phases:
        assert ph.first_week == week and ph.weeks >= 1, plan
        assert all(week <= w < week + ph.weeks for w in ph.deload_weeks)
        week += ph.weeks
    assert plan.weeks == week - 1 == sum(ph.weeks for ph in plan.phases)
    want = expectations(intake)
    # The program's caps: the highest RPE any item of today's kind may reach, from the intake
    # (the monitor's own reading), and the status (no load while clearance or review waits).
    for ph in plan.phases:
        assert ph.effort is not None
        assert ph.effort <= want.effort_cap(ph.loaded), (ph, p.status)
        said = [int(m[2] or m[1]) for m in _RPE.finditer(ph.dose)]
        assert said and max(said) <= ph.effort, ph.dose
        if p.status != "program":
            assert not ph.loaded, (ph, p.status)
    cited = {r.id for r in p.rules} | {e.id for e in plan.entries}
    assert all(b in cited for ph in plan.phases for b in ph.because)
    assert all(b in cited for b in plan.because)
