"""Properties of composition over generated intakes: exclusions and caps always honoured,
rules monotonic, output deterministic."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings

from backexpert import assessment
from backexpert.assessment.actions import Cap, Exclude
from backexpert.assessment.prescription import Prescription
from backexpert.clinical.intake import Intake
from backexpert.clinical.words import SessionKind
from strategies import intake_data as intakes

RULES = assessment.rule_base()


def _prescribed(p: Prescription) -> set[str]:
    return {i.exercise for s in p.sessions for i in s.items} | {i.exercise for i in p.daily}


@pytest.mark.property
@given(intakes())
def test_properties_of_every_program(data: dict[str, Any]) -> None:
    """Safe, with every exclusion and cap honoured, whatever the client."""
    client = Intake.model_validate(data)
    p = assessment.assess(client)
    cat = RULES.catalogue
    placed = [(SessionKind(s.intensity), i) for s in p.sessions for i in s.items]
    placed += [(SessionKind.daily, i) for i in p.daily]
    for entry in p.trace:
        for c in entry.conclusions:
            if isinstance(c, Exclude):
                hits = [i.exercise for _, i in placed if c.matches(cat[i.exercise])]
                assert not hits, f"{entry.rule} excludes {hits}"
            if isinstance(c, Cap):
                for kind, i in placed:
                    if c.matches(cat[i.exercise]) and (c.sessions is None or kind in c.sessions):
                        assert i.sets <= (c.sets or 99), (entry.rule, i.exercise)
                        assert i.effort <= (c.effort or 99), (entry.rule, i.exercise)
    if p.schedule is not None:
        assert len(p.sessions) <= client.training.sessions_per_week
    assert assessment.to_json(p) == assessment.to_json(assessment.assess(client))


def _rule_excluded(p: Prescription) -> set[str]:
    # Left out for time is the session's budget, not a rule's restriction: a new finding's
    # drills take time, so what fits may change either way.
    return {x.exercise for x in p.excluded if x.because and "for time" not in x.reason}


@pytest.mark.property
# Four assessments an example: a quarter of the profile's examples (soak deepens it).
@settings(max_examples=max(50, settings().max_examples // 4))
@given(intakes())
def test_adding_a_finding_never_lifts_a_restriction(data: dict[str, Any]) -> None:
    """Rules are monotonic: a new finding adds conclusions, it never removes one."""
    base = assessment.assess(Intake.model_validate(data))
    for finding in ("aberrant_movement", "rounded_shoulders", "scapular_dyskinesis"):
        more = assessment.assess(
            Intake.model_validate({**data, "findings": sorted({*data["findings"], finding})})
        )
        assert {t.rule for t in base.trace} <= {t.rule for t in more.trace}
        assert _rule_excluded(base) <= _rule_excluded(more)
        assert not (_prescribed(more) - _prescribed(base)) & _rule_excluded(base)
