"""Differential property: the durable-rules engine and the pure-Python oracle derive the same."""

from __future__ import annotations

import pytest
from hypothesis import given

from backexpert import assessment
from backexpert.assessment import facts
from backexpert.clinical import instruments
from backexpert.clinical.intake import Intake
from backexpert.knowledge.oracle import Oracle
from strategies import ASSESSED_ON, intakes

RULES = assessment.rule_base()
ORACLE = Oracle(RULES.rulebook)


@pytest.mark.property
@given(intakes())
def test_engine_and_oracle_agree(intake: Intake) -> None:
    fb = facts.from_intake(intake, instruments.score(intake, ASSESSED_ON))
    assert RULES.evaluator.evaluate(fb) == ORACLE.evaluate(fb)
