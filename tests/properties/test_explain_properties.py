"""Properties of the explanations over generated clients.

- Every change a why-not answer proposes is right: applied to the intake, the exercise appears;
  or, for a change marked `stopped`, a referral, a limit on loaded work or a safety invariant
  stops it, as the answer says.
- What-if with no change gives an empty difference.
- Impact over identical rulebooks reports nobody.
- Impact over a rulebook with one rule deleted reports exactly the clients whose program or
  explanation changed, and every one of them is a client the deleted rule fired on.

Each example assesses a client several times, so the default run takes fewer examples than the
profile's (an explicit HYPOTHESIS_PROFILE, as `make soak` sets, takes them all).
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backexpert import assessment
from backexpert.assessment.pipeline import RuleBase
from backexpert.assessment.prescription import Prescription
from backexpert.clinical.intake import Intake
from backexpert.clinical.words import Pattern
from backexpert.errors import SafetyError
from backexpert.explain import edits, impact, whatif, whynot
from backexpert.explain.outcomes import Outcome, Withheld
from strategies import intake_data

RULES = assessment.rule_base()
TARGETS = [e.id for e in RULES.catalogue] + [p.value for p in Pattern]
RULE_IDS = [r.id for r in RULES.rulebook]
EXPLICIT = bool(os.environ.get("HYPOTHESIS_PROFILE"))


def _examples(default: int) -> int:
    return settings().max_examples if EXPLICIT else default


@cache
def _without(rule_id: str) -> RuleBase:
    return RULES.with_rulebook(RULES.rulebook.without(rule_id))


def _present(p: Prescription) -> set[str]:
    return {i.exercise for _, i in p.items()}


@pytest.mark.property
@settings(max_examples=_examples(40))
@given(intake_data(), st.sampled_from(TARGETS))
def test_every_proposed_change_is_right(data: dict[str, Any], target: str) -> None:
    intake = Intake.model_validate(data)
    try:
        answer = whynot.why_not(intake, target, RULES)
    except SafetyError:
        return  # a withheld prescription has nothing to explain
    wanted = set(answer.exercises)
    for way in answer.ways:
        after = assessment.assess(edits.edited(intake, way.edits), RULES)
        assert wanted & _present(after), (target, [e.change for e in way.edits])
        assert way.outcome == "appears" and not way.stopped_by
        assert way.findings == any(c.nature == "finding" for c in way.changes)
    for way in answer.stopped:
        assert way.outcome == "stopped" and way.stopped_by, way
        try:
            after = assessment.assess(edits.edited(intake, way.edits), RULES)
        except SafetyError:
            continue
        assert not wanted & _present(after)
        stops = after.status in ("referral", "limited", "clearance_required")
        assert stops or any(s.startswith(("limited", "excluded")) for s in way.stopped_by)
    for blocker in answer.blockers:
        for lift in blocker.lifts:  # after a lift, that rule no longer fires
            if lift.outcome == "appears" and blocker.rule is not None:
                after = assessment.assess(edits.edited(intake, lift.edits), RULES)
                assert blocker.rule not in {t.rule for t in after.trace}
    if answer.present:
        assert answer.status in ("prescribed", "capped") and not answer.ways


@pytest.mark.property
@settings(max_examples=_examples(50))
@given(intake_data())
def test_what_if_with_no_change_is_no_difference(data: dict[str, Any]) -> None:
    intake = Intake.model_validate(data)
    answer = whatif.what_if(intake, [], RULES)
    assert answer.diff.empty and answer.facts == [] and answer.changes == []


@pytest.mark.property
@settings(max_examples=_examples(50))
@given(st.lists(intake_data(), min_size=1, max_size=3))
def test_impact_over_identical_rulebooks_reports_nobody(datas: list[dict[str, Any]]) -> None:
    comparer = impact.Comparer(RULES, RULES)
    intakes = [Intake.model_validate(d).model_dump(mode="json") for d in datas]
    results = [comparer.result((i, "c", "u", x)) for i, x in enumerate(intakes)]
    report = impact.report(results, impact.ref(RULES), impact.ref(RULES))
    assert report.changed == [] and report.failed == [] and report.unchanged == len(datas)


def _document(p: Outcome) -> Any:
    if isinstance(p, Withheld):
        return ("withheld", tuple(p.violations))
    return p.model_dump(mode="json", exclude={"rulebook", "backexpert", "rulebook_shipped"})


def _fired(p: Outcome) -> set[str]:
    return set(p.fired) if isinstance(p, Withheld) else {t.rule for t in p.trace}


@pytest.mark.property
@settings(max_examples=_examples(60))
@given(st.lists(intake_data(), min_size=1, max_size=3), st.sampled_from(RULE_IDS))
def test_impact_of_deleting_a_rule(datas: list[dict[str, Any]], rule_id: str) -> None:
    mutant = _without(rule_id)
    comparer = impact.Comparer(RULES, mutant)
    for data in datas:
        intake = Intake.model_validate(data)
        reported = comparer.compare(intake)
        before = whatif.outcome(intake, RULES)
        after = whatif.outcome(intake, mutant)
        changed = _document(before) != _document(after)
        assert (reported is not None) == changed, rule_id
        if reported is not None:
            assert rule_id in _fired(before), rule_id
            assert not reported.empty
