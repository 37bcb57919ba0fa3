"""Two prescriptions compared: every kind of difference, with the rules responsible."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from backexpert import assessment
from backexpert.assessment.prescription import Prescription
from backexpert.explain import diff, differences
from backexpert.explain.models import PrescriptionDiff
from backexpert.explain.outcomes import Withheld
from factories import make_intake

RULES = assessment.rule_base()
DESK = make_intake(
    client={"age": 45, "occupation": "desk"},
    training={"experience": "novice"},
    goals=["posture", "strength"],
    findings=["rounded_shoulders"],
    conditions=[{"code": "lumbar_instability", "severity": "mild"}],
    pain={"region": "low_back", "nprs_now": 3, "nprs_worst_24h": 5},
)
BASE = assessment.assess(DESK, RULES)


def _changed(edit: Callable[[dict[str, Any]], None], p: Prescription = BASE) -> Prescription:
    data = copy.deepcopy(p.model_dump(mode="json"))
    edit(data)
    return Prescription.model_validate(data)


def _kinds(d: PrescriptionDiff) -> list[str]:
    return [x.kind for x in d.differences]


def test_the_same_prescription_compares_empty() -> None:
    d = diff.compare(BASE, assessment.assess(DESK, RULES))
    assert d.empty and d.rules_fired == [] and d.rules_unfired == []
    assert d.before == d.after
    assert d.before.status == "program" and "trap_bar_deadlift" in d.before.exercises


def test_the_rulebook_hash_alone_is_no_difference() -> None:
    assert diff.compare(BASE, _changed(lambda d: d.update(rulebook="other"))).empty


def test_severe_pain_names_the_rules_responsible() -> None:
    worse = assessment.assess(
        make_intake(
            **{**DESK.model_dump(mode="json"), "pain": {"region": "low_back", "nprs_now": 8}}
        )
    )
    d = diff.compare(BASE, worse, RULES.catalogue)
    removed = next(x for x in d.differences if x.subject == "seated_cable_row")
    assert removed.kind == "exercise_removed"
    assert removed.because == ["load_level.none_caps"]
    assert "lumbar.severe_pain" in d.rules_fired
    fact = next(x for x in d.differences if x.kind == "fact" and x.subject == "pain.severe")
    assert (fact.before, fact.after, fact.because) == (None, True, ["lumbar.severe_pain"])
    score = next(x for x in d.differences if x.kind == "score")
    assert score.text == "pain: band mild → severe, nprs_now 3 → 8, nprs_worst_24h 5 → 8"
    # kinds come in a fixed order: the program first, the explanation after
    order = [differences.KIND_ORDER[k] for k in _kinds(d)]
    assert order == sorted(order)


def test_a_referral_comes_first() -> None:
    flagged = make_intake(**{**DESK.model_dump(mode="json")})
    data = flagged.model_dump(mode="json")
    data["red_flag_screen"]["saddle_anaesthesia"] = True
    referred = assessment.assess(type(DESK).model_validate(data))
    d = diff.compare(BASE, referred)
    assert _kinds(d)[:2] == ["status", "referral"]
    assert d.differences[1].text == "referral none → emergency"
    assert d.differences[1].because == ["red_flags.cauda_equina"]
    assert d.after.referral == "emergency" and d.after.exercises == []
    assert diff.compare(referred, BASE).differences[1].text == "referral emergency → none"


def test_item_changes() -> None:
    def edit(data: dict[str, Any]) -> None:
        tue = next(s for s in data["sessions"] if s["day"] == "tue")
        dl = next(i for i in tue["items"] if i["exercise"] == "trap_bar_deadlift")
        dl["sets"] = 1
        dl["adjustments"] = []
        tue["items"].reverse()
        for s in data["sessions"]:
            for i in s["items"]:
                if i["exercise"] == "cat_camel":
                    i["phase"] = "accessory"
                if i["exercise"] == "bird_dog":
                    i["because"] = ["priming.spinal_warm_up"]
                if i["exercise"] == "trap_bar_deadlift":
                    i["substitutes_for"] = None
        data["sessions"] = [s for s in data["sessions"] if s["day"] != "fri"] + [
            {**next(s for s in data["sessions"] if s["day"] == "fri"), "day": "sat"}
        ]

    d = diff.compare(BASE, _changed(edit), RULES.catalogue)
    kinds = set(_kinds(d))
    assert {"dose", "order", "phase", "day", "substitution", "item_explanation"} <= kinds
    dose = next(x for x in d.differences if x.kind == "dose")
    assert (dose.before, dose.after, dose.where) == ({"sets": 2}, {"sets": 1}, ["tue"])
    # no rule fired differently (the document was edited): the item's own rules answer
    assert {"lumbar.reduce_hinge_volume", "selection.hinge_deadlift"} <= set(dose.because)
    day = next(x for x in d.differences if x.kind == "day")
    assert "fri" in day.before and "sat" in day.after  # type: ignore[operator]
    assert not differences.program_changed(diff.compare(BASE, BASE))
    assert differences.program_changed(d)


def test_program_wide_changes() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["schedule"]["recovery_hours"] = 96
        data["limitations"] = [
            {"reason": "a test limit", "limited_to": "unloaded work", "because": ["x.rule"]}
        ]
        data["flags"] = data["flags"][1:]
        data["precautions"] = [
            {"topic": "breathing", "do": "breathe", "dont": None, "urgent": False, "because": []}
        ]
        data["excluded"][0]["reason"] = "another reason"
        data["coverage"][0]["covered"] = False
        data["coverage"][0]["note"] = "gone"
        data["status"] = "limited"
        data["facts"]["client.age"] = 46

    d = diff.compare(BASE, _changed(edit))
    kinds = _kinds(d)
    for kind in ("status", "schedule", "limitation", "flag", "precaution", "excluded", "coverage"):
        assert kind in kinds, kind
    flag = next(x for x in d.differences if x.kind == "flag")
    assert flag.text.startswith("gone: ")
    assert next(x for x in d.differences if x.kind == "limitation").text.startswith("new limited")


def test_rule_changes_are_explanation_changes() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["rules"][0]["rationale"] = "Reworded."
        data["trace"][1]["matched"] = {"training.experience": "other"}
        data["trace"] = [t for t in data["trace"] if t["rule"] != "goals.progression_principle"]

    d = diff.compare(BASE, _changed(edit))
    kinds = _kinds(d)
    assert {"rule_text", "rule_matched", "rule_unfired"} <= set(kinds)
    assert d.rules_unfired == ["goals.progression_principle"]
    assert not differences.program_changed(d)


def test_withheld_prescriptions() -> None:
    held = Withheld(rulebook="r", violations=["[dose.max_sets] too many"], fired=["a.rule"])
    d = diff.compare(BASE, held)
    assert _kinds(d)[:2] == ["withheld", "status"]
    assert d.after.status == "withheld" and d.after.withheld == ["[dose.max_sets] too many"]
    assert "a.rule" in d.rules_fired and d.differences[0].because
    back = diff.compare(held, BASE)
    assert back.differences[0].text == "no longer withheld by the safety monitor"
    assert diff.compare(held, held).empty


class _Later(Prescription):
    """A document with a field a later version adds (a time budget)."""

    time_budget: int = 45


def test_a_load_level_change_names_the_rules_that_set_it() -> None:
    worse = assessment.assess(
        make_intake(
            **{**DESK.model_dump(mode="json"), "pain": {"region": "low_back", "nprs_now": 8}}
        )
    )
    d = diff.compare(BASE, worse, RULES.catalogue)
    level = next(x for x in d.differences if x.kind == "load_level")
    assert (level.before, level.after) == ("moderate", "none")
    assert "load_level.severe_pain_now" in level.because
    assert (d.before.load_level, d.after.load_level) == ("moderate", "none")


def test_unknown_fields_are_compared() -> None:
    a = _Later.model_validate(BASE.model_dump())
    b = _Later.model_validate({**BASE.model_dump(), "time_budget": 30})
    d = diff.compare(a, b)
    assert any(x.kind == "other" and x.subject == "time_budget" for x in d.differences)


@pytest.mark.parametrize("field", ["derivations", "scores"])
def test_anything_that_differs_is_reported(field: str) -> None:
    def edit(data: dict[str, Any]) -> None:
        if field == "derivations":
            data["derivations"] = []
        else:
            data["scores"] = {}

    assert not diff.compare(BASE, _changed(edit)).empty


def test_the_json_shape() -> None:
    worse = assessment.assess(
        make_intake(
            **{**DESK.model_dump(mode="json"), "pain": {"region": "low_back", "nprs_now": 8}}
        )
    )
    data = diff.compare(BASE, worse).model_dump(mode="json")
    assert set(data) == {"before", "after", "differences", "rules_fired", "rules_unfired"}
    assert set(data["differences"][0]) == {
        "kind", "subject", "text", "before", "after", "where", "because", "edits"
    }  # fmt: skip
    assert set(data["before"]) == {
        "status", "rulebook", "referral", "load_level", "exercises", "withheld"
    }  # fmt: skip
