"""No adjusted program passes unless it is safe, or every breach is overridden and recorded."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backexpert import assessment, services
from backexpert.assessment.edits import Adjustments
from backexpert.clinical.intake import Intake
from backexpert.errors import EditRefusedError, InputError
from backexpert.safety import violations
from backexpert.safety.overrides import ADVISORY, BINDING
from strategies import ASSESSED_ON, adjustments_for, intakes

RULES = assessment.rule_base()
EXERCISES = sorted(e.id for e in RULES.catalogue)
pytestmark = pytest.mark.property
# Each example assesses a client and re-checks the program after every edit: a quarter of the
# profile's examples keeps the suite fast (50 locally, 500 in CI, 25,000 in `make soak`).
EXAMPLES = max(50, settings().max_examples // 4)


@settings(max_examples=EXAMPLES)
@given(intakes(), st.data())
def test_an_adjusted_program_is_refused_safe_or_overridden_with_a_reason(
    intake: Intake, data: st.DataObject
) -> None:
    generated = assessment.assess(intake, RULES, today=ASSESSED_ON)
    program = [(place, i.exercise) for place, i in generated.items()]
    days = [s.day.value for s in generated.sessions]
    doc = Adjustments.model_validate(data.draw(adjustments_for(program, days, EXERCISES)))
    try:
        adjusted = services.adjust(intake, generated, doc)
    except EditRefusedError:
        return
    except InputError:
        return  # an edit named what an earlier edit took away: bad input, nothing applied
    assert generated.status != "referral", "a referral's program was adjusted"
    assert adjusted.adjustments is not None
    recorded = {(o.invariant, o.violation) for o in adjusted.adjustments.overrides}
    for o in adjusted.adjustments.overrides:
        assert o.reason.strip() and o.clinician.strip()
        assert doc.edits[o.edit].override is not None
    for v in violations(adjusted, intake):
        if v.invariant in ADVISORY:
            # The client's minutes and days: an edit may go past them; the week says so.
            assert adjusted.schedule is not None and adjusted.schedule.notes, v
            continue
        assert v.invariant not in BINDING, f"no override lifts {v}"
        assert (v.invariant, v.message) in recorded, f"{v} passed without an override"
