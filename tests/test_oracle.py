"""Differential test: the durable-rules engine and the pure-Python oracle derive the same."""

from __future__ import annotations

import pytest
from hypothesis import given

from backexpert import assessment, facts, instruments
from backexpert.intake import Intake
from backexpert.oracle import Oracle
from tests.strategies import ASSESSED_ON, intakes

ENGINE = assessment.default_engine()
ORACLE = Oracle(ENGINE.rulebook)
pytestmark = pytest.mark.property


@given(intakes())
def test_engine_and_oracle_agree(intake: Intake) -> None:
    fb = facts.from_intake(intake, instruments.score(intake, ASSESSED_ON))
    assert ENGINE.evaluate(fb) == ORACLE.evaluate(fb)


def test_oracle_is_a_drop_in_evaluator() -> None:
    intake = Intake.model_validate(
        {
            "client": {"name": "A", "age": 30, "sex": "female", "occupation": "desk"},
            "training": {"experience": "novice", "sessions_per_week": 3},
            "goals": ["posture"],
            "pain": {"nprs_now": 0},
        }
    )
    by_engine = assessment.assess(intake, ENGINE, today=ASSESSED_ON)
    by_oracle = assessment.assess(intake, ORACLE, today=ASSESSED_ON)
    assert assessment.to_json(by_engine) == assessment.to_json(by_oracle)
