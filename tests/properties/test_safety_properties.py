"""Safety invariants proven over generated clients, judged by `judges` (tables of their own)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backexpert import assessment
from backexpert.assessment.prescription import Item, Prescription
from backexpert.clinical.intake import Intake
from backexpert.clinical.words import (
    CORE_RED_FLAG_SCREEN,
    DATED_CONDITIONS,
    ConditionCode,
    Pattern,
    RedFlagQuestion,
)
from judges import (
    SURGERY,
    all_items,
    axial_rank,
    invariant_a_red_flag_always_stops_or_unloads_the_program,
    invariant_doses_stay_within_caps,
    invariant_emergency_or_urgent_referral_has_no_sessions,
    invariant_intense_sessions_are_48_hours_apart_across_the_week,
    invariant_loaded_items_come_after_priming,
    invariant_no_item_is_contraindicated,
    invariant_sessions_fit_the_clients_minutes_and_days,
    loaded_sets,
    max_loaded_effort,
    spinal_loads,
)
from strategies import ASSESSED_ON, intake_data, intakes

RULES = assessment.rule_base()
RULEBOOK = RULES.rulebook
pytestmark = pytest.mark.property


def assess(intake: Intake) -> Prescription:
    return assessment.assess(intake, RULES, today=ASSESSED_ON)


def _hinges(p: Prescription) -> list[list[Item]]:
    """The loaded hinge items of each intense session."""
    return [
        [i for i in s.items if i.loaded and i.pattern is Pattern.hinge]
        for s in p.sessions
        if s.intensity == "intense"
    ]


def _hinge_sets(p: Prescription) -> int:
    return max((sum(i.sets for i in items) for items in _hinges(p)), default=0)


@given(intake_data(), st.sampled_from(["mild", "moderate", "severe", None]))
def test_lumbar_instability_reduces_hinge_sets(data: dict[str, Any], severity: str | None) -> None:
    # Judged with time for the whole program: the time budget trims by minutes, not by rule.
    data = {**data, "training": {**data["training"], "minutes_per_session": 120}}
    without = copy.deepcopy(data)
    without["conditions"] = [c for c in data["conditions"] if c["code"] != "lumbar_instability"]
    with_li = copy.deepcopy(without)
    entry: dict[str, Any] = {"code": "lumbar_instability"}
    if severity:
        entry["severity"] = severity
    with_li["conditions"].append(entry)
    base = assess(Intake.model_validate(without))
    unstable = assess(Intake.model_validate(with_li))
    assert _hinge_sets(unstable) <= _hinge_sets(base)
    if "risk.lumbar_load" not in base.facts:
        # Each loaded hinge is capped at 2 sets (lumbar.reduce_hinge_volume). A hinge already at
        # or under the cap keeps its sets: a frail client starts loaded work at one set.
        assert all(i.sets <= 2 for items in _hinges(unstable) for i in items)
        if any(i.sets > 2 for items in _hinges(base) for i in items):
            assert _hinge_sets(unstable) < _hinge_sets(base)


def _worsen(data: dict[str, Any], how: str, pick: int) -> dict[str, Any] | None:
    """The same client with one thing worse; None when that cannot get worse."""
    d = copy.deepcopy(data)
    q = d["questionnaires"]
    if how == "condition":
        present = {c["code"] for c in d["conditions"]}
        free = [c for c in ConditionCode if c.value not in present]
        if not free:
            return None
        code = free[pick % len(free)]
        entry: dict[str, Any] = {"code": code.value}
        if code in DATED_CONDITIONS:
            entry["weeks_since"] = [4, 8, 12, 20][pick % 4]
        if code is ConditionCode.other:
            entry["note"] = "an old ankle sprain"
        d["conditions"].append(entry)
    elif how == "red_flag":
        d["red_flag_screen"][list(RedFlagQuestion)[pick % len(RedFlagQuestion)].value] = True
    elif how == "pain":
        pain = d["pain"]
        if pain["nprs_now"] == 10:
            return None
        pain["nprs_now"] += 1 + pick % (10 - pain["nprs_now"])
        pain["nprs_worst_24h"] = max(pain["nprs_worst_24h"], pain["nprs_now"])
    elif how == "odi" and "odi" in q:
        idx = [i for i, v in enumerate(q["odi"]) if v is not None and v < 5]
        if not idx:
            return None
        q["odi"][idx[pick % len(idx)]] += 1
    elif how == "quickdash" and "quickdash" in q:
        idx = [i for i, v in enumerate(q["quickdash"]) if v is not None and v < 5]
        if not idx:
            return None
        q["quickdash"][idx[pick % len(idx)]] += 1
    elif how == "start_back" and "start_back" in q:
        idx = [i for i, v in enumerate(q["start_back"]["items"]) if v == "disagree"]
        if not idx:
            return None
        q["start_back"]["items"][idx[pick % len(idx)]] = "agree"
    elif how == "irritability":
        levels = [None, "low", "moderate", "high"]
        now = levels.index(d["pain"].get("irritability"))
        if now == len(levels) - 1:
            return None
        # Unrecorded irritability lets pain decide; recording it as low or moderate in persistent
        # pain is a finding that eases the level (graded exposure, reference part 2 section 1),
        # not a worse client: from unrecorded, only "high" is worse.
        if now == 0:
            d["pain"]["irritability"] = "high"
        else:
            d["pain"]["irritability"] = levels[now + 1 + pick % (len(levels) - 1 - now)]
    elif how == "recent_operation":
        operated = [
            c
            for c in d["conditions"]
            if c["code"] in SURGERY and c.get("weeks_since") is not None and c["weeks_since"] > 0
        ]
        if not operated:
            return None
        op = operated[pick % len(operated)]
        op["weeks_since"] = pick % op["weeks_since"]
    elif how == "parq" and "parq_plus" in q:
        idx = [i for i, v in enumerate(q["parq_plus"]["general"]) if not v]
        if not idx:
            return None
        q["parq_plus"]["general"][idx[pick % len(idx)]] = True
    else:
        return None
    return d


WORSE = ["condition", "red_flag", "pain", "irritability", "recent_operation"]
WORSE += ["odi", "quickdash", "start_back", "parq"]


# Two assessments an example: half the profile's examples keep the suite's time (soak deepens it).
@settings(max_examples=max(50, settings().max_examples // 2))
@given(intake_data(), st.sampled_from(WORSE), st.integers(0, 1000))
def test_worse_never_adds_load(data: dict[str, Any], how: str, pick: int) -> None:
    # Judged with time for the whole program: a restriction that frees minutes may let back an
    # item that did not fit before, which is the time budget at work, not more load allowed.
    data = {**data, "training": {**data["training"], "minutes_per_session": 120}}
    worse = _worsen(data, how, pick)
    if worse is None:
        return
    before = assess(Intake.model_validate(data))
    after = assess(Intake.model_validate(worse))
    assert loaded_sets(after) <= loaded_sets(before), how
    assert max_loaded_effort(after) <= max_loaded_effort(before), how
    assert axial_rank(after) <= axial_rank(before), how
    assert spinal_loads(after) <= spinal_loads(before), how


def invariant_every_item_is_explained_by_existing_rules(intake: Intake, p: Prescription) -> None:
    for i in all_items(p):
        assert i.because
        assert all(r in RULEBOOK for r in [*i.because, *(a.rule for a in i.adjustments)])
    for x in p.excluded:
        assert x.reason and all(r in RULEBOOK for r in x.because)
    fired = {f.rule for f in p.trace}
    assert {r.id for r in p.rules} == fired


def invariant_same_intake_gives_byte_identical_json(intake: Intake, p: Prescription) -> None:
    again = Intake.model_validate_json(intake.model_dump_json())
    assert assessment.to_json(assess(again)) == assessment.to_json(p)


# Every invariant about one client, each checked on the same 2,000+ generated clients: one
# generation and one assessment per client instead of one per invariant keeps the suite quick.
INVARIANTS = (
    invariant_loaded_items_come_after_priming,
    invariant_emergency_or_urgent_referral_has_no_sessions,
    invariant_a_red_flag_always_stops_or_unloads_the_program,
    invariant_no_item_is_contraindicated,
    invariant_intense_sessions_are_48_hours_apart_across_the_week,
    invariant_doses_stay_within_caps,
    invariant_sessions_fit_the_clients_minutes_and_days,
    invariant_every_item_is_explained_by_existing_rules,
    invariant_same_intake_gives_byte_identical_json,
)


@given(intakes())
def test_single_client_invariants(intake: Intake) -> None:
    p = assess(intake)
    for invariant in INVARIANTS:
        try:
            invariant(intake, p)
        except AssertionError as exc:
            raise AssertionError(f"{invariant.__name__}: {exc}") from exc


def test_an_excluded_lift_is_replaced_without_adding_an_item() -> None:
    """Regression (found by test_worse_never_adds_load): with no barbell, bench or cable, the
    bent-over row excluded for lumbar risk must fall to the dumbbell row already prescribed, not
    add a band row beside it."""
    data = {
        "client": {"name": "A", "age": 30, "sex": "female", "occupation": "desk"},
        "training": {
            "experience": "intermediate",
            "sessions_per_week": 1,
            "equipment": ["dumbbells", "kettlebell", "pull_up_bar", "resistance_band"],
        },
        "goals": ["strength"],
        "findings": [],
        "conditions": [{"code": "osteoporosis"}],
        "pain": {"region": "none", "nprs_now": 0},
        "red_flag_screen": {q.value: False for q in CORE_RED_FLAG_SCREEN},
        "questionnaires": {},
        "assessment": {"date": ASSESSED_ON},
    }
    worse = _worsen(data, "condition", list(ConditionCode).index(ConditionCode.lumbar_instability))
    assert worse is not None
    before = assess(Intake.model_validate(data))
    after = assess(Intake.model_validate(worse))
    assert "band_row" not in {i.exercise for i in all_items(after)}
    assert loaded_sets(after) < loaded_sets(before)
