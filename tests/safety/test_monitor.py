"""The safety monitor: each invariant refuses a program that breaks it (every check can fail)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest

from backexpert import assessment, safety
from backexpert.assessment.prescription import Item, Prescription, Referral, ReferralReason
from backexpert.clinical.intake import Intake
from backexpert.clinical.words import Day, Phase, RedFlagQuestion, Urgency
from backexpert.errors import SafetyError
from factories import make_intake

RULES = assessment.rule_base()


def _violations(p: Prescription, intake: Intake) -> set[str]:
    return {v.invariant for v in safety.violations(p, intake)}


def _plain() -> tuple[Intake, Prescription]:
    intake = make_intake()
    return intake, assessment.assess(intake)


def _with_items(p: Prescription, change: dict[str, Any], where: str = "intense") -> Prescription:
    """The program with every item of the first session of a kind changed."""
    sessions = list(p.sessions)
    k = next(i for i, s in enumerate(sessions) if s.intensity == where)
    items = [i.model_copy(update=change) for i in sessions[k].items]
    sessions[k] = sessions[k].model_copy(update={"items": items})
    return p.model_copy(update={"sessions": sessions})


def _intense_items_on_a_light_day(p: Prescription) -> Prescription:
    """The intense session's items, loaded ones at RPE 7, moved onto the light day."""
    intense = next(s for s in p.sessions if s.intensity == "intense")
    items = [i.model_copy(update={"effort": 7}) if i.loaded else i for i in intense.items]
    sessions = [
        s.model_copy(update={"items": items}) if s.intensity == "light" else s for s in p.sessions
    ]
    return p.model_copy(update={"sessions": sessions})


def _loaded(p: Prescription) -> Item:
    return next(i for s in p.sessions for i in s.items if i.loaded)


def test_a_safe_program_breaks_no_invariant() -> None:
    intake, p = _plain()
    assert _violations(p, intake) == set()


@pytest.mark.parametrize("question", list(RedFlagQuestion))
def test_every_red_flag_question_changes_what_the_monitor_expects(
    question: RedFlagQuestion,
) -> None:
    """Each question, answered yes, refers, unloads, or (with its context) changes the program."""
    from backexpert.safety.expectations import expectations

    base = make_intake()
    plain = expectations(base)
    contexts: list[dict[str, Any]] = [
        {},
        {"conditions": [{"code": "osteoporosis"}]},
        {"red_flag_screen": {**base.model_dump(mode="json")["red_flag_screen"],
                             "recent_minor_trauma": True}},
        {"red_flag_screen": {**base.model_dump(mode="json")["red_flag_screen"],
                             "history_of_cancer": True}},
    ]  # fmt: skip
    changed = []
    for extra in contexts:
        data = base.model_dump(mode="json") | extra
        data["red_flag_screen"] = {**data["red_flag_screen"], question.value: True}
        yes = expectations(Intake.model_validate(data))
        without = expectations(Intake.model_validate(base.model_dump(mode="json") | extra))
        changed.append(
            (yes.urgency, yes.unloaded_only, len(yes.forbids))
            != (without.urgency, without.unloaded_only, len(without.forbids))
        )
    assert any(changed), f"{question.value} changes nothing the monitor checks"
    assert plain.urgency is None


def _referred(p: Prescription, urgency: Urgency) -> Prescription:
    reason = ReferralReason(reason="test", action="test", because=["red_flags.cauda_equina"])
    return p.model_copy(update={"referral": Referral(urgency=urgency, reasons=[reason])})


# Each case breaks one invariant of a safe program and names the invariant that must refuse it.
Breaker = Callable[[Intake, Prescription], tuple[Intake, Prescription]]
BROKEN: dict[str, Breaker] = {
    "referral.no_program": lambda i, p: (i, _referred(p, Urgency.emergency)),
    "referral.red_flag": lambda i, p: (
        i.model_copy(update={"red_flag_screen": {RedFlagQuestion.saddle_anaesthesia: True}}),
        p,
    ),
    "load.withheld": lambda i, p: (
        i.model_copy(update={"red_flag_screen": {}}),
        p,
    ),
    "limited.status": lambda i, p: (i.model_copy(update={"red_flag_screen": {}}), p),
    "priming.first": lambda i, p: (i, _with_items(p, {"phase": Phase.main})),
    "light_day.effort": lambda i, p: (i, _intense_items_on_a_light_day(p)),
    "recovery.hours": lambda i, p: (
        i,
        p.model_copy(
            update={
                "sessions": [
                    s.model_copy(update={"day": d})
                    for s, d in zip(
                        [s for s in p.sessions if s.intensity == "intense"],
                        (Day.mon, Day.tue),
                        strict=False,
                    )
                ]
            }
        ),
    ),
    "dose.sets": lambda i, p: (i, _with_items(p, {"sets": 5})),
    "dose.effort": lambda i, p: (i, _with_items(p, {"effort": 9})),
    "catalogue.loaded": lambda i, p: (i, _with_items(p, {"loaded": False})),
    "explained.because": lambda i, p: (i, _with_items(p, {"because": []})),
    "explained.known_rule": lambda i, p: (i, _with_items(p, {"because": ["no.such_rule"]})),
    "catalogue.known": lambda i, p: (i, _with_items(p, {"exercise": "zercher_squat"})),
}


@pytest.mark.parametrize("invariant", sorted(BROKEN))
def test_each_invariant_refuses_a_broken_program(invariant: str) -> None:
    intake, p = _plain()
    broken_intake, broken = BROKEN[invariant](intake, p)
    found = _violations(broken, broken_intake)
    assert invariant in found, found
    with pytest.raises(SafetyError, match=rf"\[{re.escape(invariant)}\]"):
        safety.check(broken, broken_intake)


def test_a_novice_is_refused_four_sets_and_hard_loaded_work() -> None:
    intake = make_intake(training={"experience": "novice"})
    p = assessment.assess(intake)
    found = list(safety.violations(_with_items(p, {"sets": 4, "effort": 8}), intake))
    assert any(v.invariant == "dose.sets" and "novice" in v.message for v in found)
    assert any(v.invariant == "dose.effort" and "novice" in v.message for v in found)


def test_a_contraindicated_exercise_is_refused() -> None:
    intake = make_intake(conditions=[{"code": "rotator_cuff_repair", "weeks_since": 8}])
    p = assessment.assess(intake)
    item = p.sessions[0].items[0].model_copy(update={"exercise": "lat_pulldown", "loaded": True})
    first = p.sessions[0].model_copy(update={"items": [*p.sessions[0].items, item]})
    broken = p.model_copy(update={"sessions": [first, *p.sessions[1:]]})
    assert "contraindication" in _violations(broken, intake)


def test_loaded_work_is_refused_when_a_red_flag_says_no_loading() -> None:
    intake, p = _plain()
    flagged = intake.model_copy(
        update={
            "red_flag_screen": {**intake.red_flag_screen, RedFlagQuestion.history_of_cancer: True}
        }
    )
    assert _loaded(p).loaded
    assert "load.withheld" in _violations(p, flagged)


# The monitor's own classification, pinned: changing it is a deliberate, reviewed act (update
# this hash in the same commit), never a side effect of editing the catalogue.
CLASSIFICATION_SHA256 = "28048eb1d6babdaa"


def test_the_classification_is_pinned() -> None:
    from backexpert.safety.classification import EXERCISES

    blob = "\n".join(
        f"{k} {v.loaded} {v.pattern.value} {sorted(t.value for t in v.loads)}"
        for k, v in sorted(EXERCISES.items())
    )
    assert hashlib.sha256(blob.encode()).hexdigest()[:16] == CLASSIFICATION_SHA256


def test_the_shipped_catalogue_agrees_with_the_classification() -> None:
    from backexpert import assessment
    from backexpert.safety import disagreements

    assert disagreements(assessment.rule_base().catalogue) == []


def test_a_resting_pressure_of_160_keeps_loaded_work_at_60_percent_1rm() -> None:
    """Reference 2, section 9: 160-179/100-109 allows 60 % 1RM or less (15 at RPE 5 is 60 %)."""
    intake = make_intake(
        vitals={"resting_systolic": 165, "resting_diastolic": 95},
        questionnaires={
            "parq_plus": {
                "general": ["yes", "no", "no", "no", "no", "no", "no"],
                "follow_up": {"hypertension": ["no", "no"]},
            }
        },
    )
    p = assessment.assess(intake)
    loaded = [i for s in p.sessions for i in s.items if i.loaded and i.exercise != "farmers_carry"]
    assert loaded and all(i.reps == "15" and i.effort <= 5 for i in loaded)
    assert _violations(p, intake) == set()
    heavier = _with_items(p, {"reps": "12-15"})  # 12 at RPE 5 is 17 RM: about 64 % 1RM
    found = [v for v in safety.violations(heavier, intake) if v.invariant == "dose.intensity"]
    assert found and "64% 1RM > 60%" in found[0].message


def test_a_carry_is_one_timed_walk_a_set() -> None:
    intake = make_intake(
        client={"name": "Older Client", "age": 70, "sex": "female", "occupation": "desk"},
        conditions=[{"code": "rotator_cuff_repair", "weeks_since": 8, "side": "left"}],
    )
    p = assessment.assess(intake)
    carries = [i for s in p.sessions for i in s.items if i.exercise == "suitcase_carry"]
    assert carries and all(i.reps == "1" and i.hold_s == 30 for i in carries)
    assert _violations(p, intake) == set()
    day = next(s for s in p.sessions if any(i.exercise == "suitcase_carry" for i in s.items))
    items = [
        i.model_copy(update={"reps": "10-15"}) if i.exercise == "suitcase_carry" else i
        for i in day.items
    ]
    broken = p.model_copy(
        update={
            "sessions": [
                s.model_copy(update={"items": items}) if s is day else s for s in p.sessions
            ]
        }
    )
    assert "dose.timed" in _violations(broken, intake)


def test_a_walk_is_one_timed_walk_a_set() -> None:
    intake = make_intake(pain={"region": "low_back", "nprs_now": 3, "nprs_worst_24h": 6})
    p = assessment.assess(intake)
    assert any(i.exercise == "walking_program" for i in p.daily)
    daily = [
        i.model_copy(update={"reps": "10-15"}) if i.exercise == "walking_program" else i
        for i in p.daily
    ]
    assert "dose.timed" in _violations(p.model_copy(update={"daily": daily}), intake)
    assert _violations(p, intake) == set()
