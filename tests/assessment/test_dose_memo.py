"""Items are shared between clients only when everything they are made from is the same object."""

from __future__ import annotations

import dataclasses
import gc
from pathlib import Path

import pytest

from backexpert.assessment import assess, dose, rule_base
from backexpert.assessment.actions import Cap
from backexpert.assessment.prescription import Prescription
from backexpert.knowledge.rules import Rule, Rulebook
from backexpert.services import load_intake

DESK = str(Path(__file__).resolve().parents[2] / "examples" / "desk-worker.yaml")
CAP_RULE = "shoulder.repair_scapular_activation_first"  # caps loaded pulls at 2 sets


def _row_sets(p: Prescription) -> set[int]:
    rows = [i for _, i in p.items() if i.exercise == "seated_cable_row"]
    assert rows and all(i.substitutes_for is None for i in rows)  # dosed through the memo
    return {i.sets for i in rows}


def _one_set_cap(rule: Rule) -> Rule:
    conclusions = tuple(
        c.model_copy(update={"sets": 1}) if isinstance(c, Cap) else c for c in rule.conclusions
    )
    return dataclasses.replace(rule, conclusions=conclusions)


def test_an_edited_dose_under_the_same_version_is_never_served_the_old_item() -> None:
    base = rule_base()
    intake = load_intake(DESK)
    assert _row_sets(assess(intake)) == {2}  # fills the memo
    rb = base.rulebook
    edited = Rulebook(
        tuple(_one_set_cap(r) if r.id == CAP_RULE else r for r in rb),
        rb.version,  # the same version text
        rb.directory,
        rb.pipeline,
        rb.closed,
    )
    # The same rulebook object with one conclusion changed, and a new rulebook object.
    assert _row_sets(assess(intake, base.with_rulebook(edited))) == {1}
    assert _row_sets(assess(intake)) == {2}


def test_shared_items_are_the_ones_made_without_the_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    intake = load_intake(DESK)
    rb = rule_base().rulebook
    monkeypatch.setattr(dose, "_memos", {})
    first = assess(intake)
    made = len(dose._memo(rb))
    assert made > 0
    second = assess(intake)
    assert len(dose._memo(rb)) == made
    assert second == first
    monkeypatch.setattr(dose, "_memos", {})
    monkeypatch.setattr(dose, "ITEMS_MAX", 0)  # every item made afresh, the memo kept empty
    fresh = assess(intake)
    assert fresh == first
    assert len(dose._memo(rb)) == 1  # cleared before each entry: bounded whatever the limit


def test_a_rulebooks_items_go_with_it() -> None:
    base = rule_base()
    rb = base.rulebook
    edited = Rulebook(
        tuple(_one_set_cap(r) if r.id == CAP_RULE else r for r in rb),
        rb.version,
        rb.directory,
        rb.pipeline,
        rb.closed,
    )
    key = id(edited)
    assess(load_intake(DESK), base.with_rulebook(edited))
    assert dose._memos[key]
    del edited
    gc.collect()
    assert key not in dose._memos
