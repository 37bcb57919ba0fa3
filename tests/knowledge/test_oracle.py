"""The pure-Python oracle: an independent evaluator that stands in for the durable engine."""

from __future__ import annotations

from backexpert import assessment
from backexpert.clinical.intake import Intake
from backexpert.knowledge.oracle import Oracle
from strategies import ASSESSED_ON


def test_oracle_is_a_drop_in_evaluator() -> None:
    intake = Intake.model_validate(
        {
            "client": {"name": "A", "age": 30, "sex": "female", "occupation": "desk"},
            "training": {"experience": "novice", "sessions_per_week": 3},
            "goals": ["posture"],
            "pain": {"nprs_now": 0},
        }
    )
    rules = assessment.rule_base()
    by_engine = assessment.assess(intake, rules, today=ASSESSED_ON)
    by_oracle = assessment.assess(intake, rules.with_evaluator(Oracle(rules.rulebook)), ASSESSED_ON)
    assert assessment.to_json(by_engine) == assessment.to_json(by_oracle)
