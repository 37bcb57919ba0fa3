"""The assessment vocabulary against the shipped rules: every intake code a clinician can enter
is read by some rule, so no condition, finding, red-flag answer or goal is silently ignored."""

from __future__ import annotations

from enum import StrEnum

import pytest

from backexpert import assessment
from backexpert.assessment.vocabulary import FACTS
from backexpert.clinical.words import ConditionCode, Finding, Goal, RedFlagQuestion

FAMILIES: list[tuple[type[StrEnum], str]] = [
    (ConditionCode, "condition"),
    (Finding, "finding"),
    (RedFlagQuestion, "red_flag"),
    (Goal, "goal"),
]


@pytest.fixture(scope="module")
def read() -> set[str]:
    return set(assessment.rule_base().rulebook.facts_used())


@pytest.mark.parametrize(("codes", "family"), FAMILIES, ids=[f for _, f in FAMILIES])
def test_every_code_is_read_by_a_rule(read: set[str], codes: type[StrEnum], family: str) -> None:
    unread = [
        c.value
        for c in codes
        if not any(f == f"{family}.{c.value}" or f.startswith(f"{family}.{c.value}.") for f in read)
    ]
    assert not unread, f"{family} codes no rule reads: {unread}"


# Facts no rule reads, each with the reason; the test proves the list is not stale.
READ_ELSEWHERE = {
    "client.sex": "shown in the documents; no rule is sex-specific (pregnancy is a condition)",
    "training.sessions_per_week": "read by the week planner (assessment/sessions.py)",
    "pain.duration_weeks": "read through pain.course (acute, subacute, persistent)",
    "pain.band": "shown to the clinician; rules read pain.nprs_now and pain.nprs_worst_24h",
    "start_back.total": "shown to the clinician; rules read start_back.category",
    "start_back.distress": "shown to the clinician; rules read start_back.category",
    "odi.percent": "shown to the clinician; rules read odi.band",
    "roland_morris.score": "shown to the clinician with its change over time",
}


def test_every_intake_fact_is_read_by_a_rule(read: set[str]) -> None:
    # Equipment is read by the catalogue (what each exercise needs); a condition's side,
    # clearance, date and severity are read only for the conditions where they matter.
    unread = {
        f.name
        for f in FACTS
        if f.extract is not None
        and not f.name.startswith(("equipment.", "condition."))
        and f.name not in read
    }
    assert unread == set(READ_ELSEWHERE), unread ^ set(READ_ELSEWHERE)


def test_the_check_can_fail(read: set[str]) -> None:
    assert "finding.no_such_finding" not in read
    assert any(f.startswith("condition.rotator_cuff_repair") for f in read)
