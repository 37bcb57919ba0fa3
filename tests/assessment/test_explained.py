"""The explanation a prescription carries, built once per distinct firing and never stale."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from backexpert.assessment import explained, rule_base
from backexpert.assessment.facts import from_intake
from backexpert.clinical import instruments
from backexpert.knowledge.explanation import Inference, derivations
from backexpert.knowledge.rules import Rulebook
from backexpert.services import load_intake

DESK = Path(__file__).resolve().parents[2] / "examples" / "desk-worker.yaml"


def _inference() -> tuple[Rulebook, Inference]:
    base = rule_base()
    intake = load_intake(str(DESK))
    scores = instruments.score(intake, instruments.assessed_on(intake, None))
    return base.rulebook, base.evaluator.evaluate(from_intake(intake, scores))


def test_an_edited_rule_under_the_same_version_is_never_served_the_old_entry() -> None:
    rulebook, inference = _inference()
    target = inference.firings[0].rule
    before = explained.trace(rulebook, inference)  # fills the memo
    edited = Rulebook(
        tuple(
            dataclasses.replace(r, rationale="Edited. Said otherwise.", source="edited")
            if r.id == target
            else r
            for r in rulebook
        ),
        rulebook.version,  # the same version text: only the rule object tells them apart
        rulebook.directory,
        rulebook.pipeline,
        rulebook.closed,
    )
    after = explained.trace(edited, inference)
    cited = {i.id: i for i in explained.rules_cited(edited, inference)}
    assert after[0].rule == target
    assert (after[0].rationale, after[0].source) == ("Edited. Said otherwise.", "edited")
    assert cited[target].rationale == "Edited. Said otherwise."
    assert before[0].rationale != after[0].rationale
    assert explained.trace(rulebook, inference) == before
    assert after[1:] == before[1:]


def test_entries_are_the_ones_built_without_the_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    rulebook, inference = _inference()
    monkeypatch.setattr(explained, "_entries", {})
    fresh = explained.trace(rulebook, inference)
    assert len(explained._entries) == len(inference.firings)
    again = explained.trace(rulebook, inference)
    assert again == fresh
    assert all(a is b for a, b in zip(again, fresh, strict=True))
    assert [(e.rule, tuple(e.matched.items())) for e in fresh] == [
        (f.rule, f.matched) for f in inference.firings
    ]
    assert [e.conclusions for e in fresh] == [list(f.conclusions) for f in inference.firings]
    assert derivations(inference) == derivations(inference)


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    rulebook, inference = _inference()
    monkeypatch.setattr(explained, "_entries", {})
    monkeypatch.setattr(explained, "MEMO_MAX", 3)
    entries = explained.trace(rulebook, inference)
    assert len(inference.firings) > 3
    assert len(explained._entries) <= 3
    assert [e.rule for e in entries] == [f.rule for f in inference.firings]


def test_citations_are_kept_per_rulebook_object_and_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rulebook, inference = _inference()
    monkeypatch.setattr(explained, "_infos", {})
    monkeypatch.setattr(explained, "RULEBOOKS_MAX", 2)
    cited = explained.rules_cited(rulebook, inference)
    assert [i.id for i in cited] == inference.fired()
    assert all(i.rationale == rulebook[i.id].rationale for i in cited)
    unfired = [r.id for r in rulebook if r.id not in inference.fired()]
    mutants = [rulebook.without(r) for r in unfired[:3]]  # each a distinct rulebook object
    for mutant in mutants:
        assert [i.id for i in explained.rules_cited(mutant, inference)] == inference.fired()
    assert len(explained._infos) <= 2
    assert explained.rules_cited(rulebook, inference) == cited
