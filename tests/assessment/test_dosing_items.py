"""Items dosed from a copy of their exercise's catalogue item are what validation makes."""

from __future__ import annotations

import random

import pytest
from benchmarks.assess import make_intake

from backexpert import assessment
from backexpert.assessment import timing
from backexpert.assessment.dose import Dosing
from backexpert.assessment.prescription import Item, Prescription


def _prescriptions(n: int) -> list[Prescription]:
    rng = random.Random(7)
    return [assessment.assess(make_intake(rng, k)) for k in range(n)]


def _items(p: Prescription) -> list[Item]:
    return [*(i for s in p.sessions for i in s.items), *p.daily]


def test_every_item_equals_its_validated_self() -> None:
    for p in _prescriptions(60):
        for i in _items(p):
            again = Item.model_validate(i.model_dump())
            assert again == i
            assert type(i.phase) is type(again.phase)
            assert type(i.pattern) is type(again.pattern)
            fields = i.model_fields_set
            assert fields == Item(**{k: getattr(i, k) for k in fields}).model_fields_set


def test_no_two_clients_share_a_list() -> None:
    """An item's lists (its cues, reasons, changes) are its client's own, never a template's."""
    owner: dict[int, int] = {}
    for n, p in enumerate(_prescriptions(30)):
        for i in _items(p):
            for value in (i.cues, i.because, i.adjustments, i.warmup):
                assert owner.setdefault(id(value), n) == n


def test_an_items_minutes_are_its_seconds() -> None:
    for p in _prescriptions(60):
        for s in p.sessions:
            for i in s.items:
                assert i.minutes == timing.minutes(timing.item_seconds(i))
            assert s.minutes == timing.session_minutes(s.items)


def test_each_dosing_made_once_is_what_dosing_again_makes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The item a client's dosing keeps is the one dosing again would make (its key is whole)."""
    kept = [p.model_dump_json() for p in _prescriptions(80)]
    monkeypatch.setattr(Dosing, "item", Dosing._dose)
    assert [p.model_dump_json() for p in _prescriptions(80)] == kept
