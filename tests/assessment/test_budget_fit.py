"""The budget's shortcuts agree with the plain computations they stand for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

import casebook
from backexpert import assessment
from backexpert.assessment import budget, timing
from backexpert.assessment.notices import COVERED_PLANES
from backexpert.assessment.prescription import Item, LeftOut
from backexpert.clinical import intake
from backexpert.clinical.intake import Intake
from backexpert.clinical.words import Pattern
from strategies import intake_data as intakes

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


def test_each_pattern_has_the_first_plane_that_covers_it() -> None:
    for pattern in Pattern:
        searched = next((k for k, pats in COVERED_PLANES.items() if pattern in pats), None)
        assert budget._PLANE_OF.get(pattern) == searched


def _fitted_minutes_are_plain(client: Intake, monkeypatch: pytest.MonkeyPatch) -> int:
    """Assess a client, checking every fitted session's minutes; how many sessions were fitted."""
    fit = budget.fit
    seen = []

    def checked(*args: Any) -> tuple[list[Item], list[LeftOut], int]:
        items, left, minutes = fit(*args)
        assert minutes == timing.session_minutes(items)
        seen.append(minutes)
        return items, left, minutes

    with monkeypatch.context() as m:
        m.setattr(budget, "fit", checked)
        assessment.assess(client)
    return len(seen)


def test_fitted_minutes_on_the_examples_and_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    clients = [intake.load(str(p)) for p in EXAMPLES]
    clients += [casebook.load(p).intake for p in casebook.case_paths()]
    assert sum(_fitted_minutes_are_plain(c, monkeypatch) for c in clients) > len(clients)


@pytest.mark.property
@settings(max_examples=max(20, settings().max_examples // 4))
@given(intakes())
def test_fitted_minutes_on_any_client(data: dict[str, Any]) -> None:
    with pytest.MonkeyPatch.context() as m:
        _fitted_minutes_are_plain(Intake.model_validate(data), m)
