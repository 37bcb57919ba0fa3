"""The fact base read in bulk (code families, a template in name order) equals the fact base
read one extractor at a time: the same facts, values, value types and order for every intake."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given

from backexpert.assessment.facts import FactBase, from_intake
from backexpert.assessment.vocabulary import FACTS, FAMILIES, Subject
from backexpert.clinical import instruments, intake
from backexpert.clinical.intake import Intake
from strategies import intakes

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


def _one_at_a_time(x: Intake) -> FactBase:
    """The straightforward reading: every extractor called, the Nones left out, sorted."""
    subject = Subject(x, instruments.score(x, instruments.assessed_on(x)))
    facts: FactBase = {}
    for spec in FACTS:
        value = spec.extract(subject) if spec.extract is not None else None
        if value is not None:
            assert spec.contains(value), (spec.name, value)
            facts[spec.name] = value
    return dict(sorted(facts.items()))


def _same(x: Intake) -> None:
    got, want = from_intake(x), _one_at_a_time(x)
    assert list(got) == list(want)
    assert [(v, type(v)) for v in got.values()] == [(v, type(v)) for v in want.values()]


@pytest.mark.property
@given(intakes())
def test_bulk_reading_equals_one_extractor_at_a_time(x: Intake) -> None:
    _same(x)


def test_the_examples_read_the_same() -> None:
    assert EXAMPLES
    for path in EXAMPLES:
        _same(intake.load(str(path)))


def test_families_cover_their_facts_once() -> None:
    names = [spec.name for family in FAMILIES for spec in family.specs]
    assert len(names) == len(set(names))
    for family in FAMILIES:
        assert [spec.name for spec in family.specs] == list(family.absent)
    assert set(names) <= {spec.name for spec in FACTS if spec.extract is not None}
