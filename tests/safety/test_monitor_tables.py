"""The monitor's indexed judgement equals its per-exercise one: `Forbid.ruled_out` is exactly
the exercises `rules_out` is true of, and `Cap.bounds` those `applies` is true of."""

from __future__ import annotations

import pytest
from hypothesis import given

from backexpert.clinical.intake import Intake
from backexpert.clinical.words import Pattern, Tag
from backexpert.safety.classification import EXERCISES
from backexpert.safety.expectations import expectations
from backexpert.safety.limits import Cap, Forbid
from strategies import intakes

HAND_MADE_FORBIDS = [
    Forbid(frozenset({Tag.loaded_pull, Tag.grip_load}), "arm", unless=frozenset({Tag.one_arm})),
    Forbid(frozenset(), "lifts", patterns=frozenset({Pattern.hinge, Pattern.back_extension})),
    Forbid(frozenset({Tag.overhead}), "named", exercises=frozenset({"curl_up", "not_classified"})),
    Forbid(frozenset(), "nothing"),
]
HAND_MADE_CAPS = [
    Cap("all", effort=8),
    Cap("loaded", effort=6, loaded_only=True),
    Cap("hinge", sets=2, loaded_only=True, patterns=frozenset({Pattern.hinge})),
    Cap("pull", sets=2, loads=frozenset({Tag.loaded_pull, Tag.overhead})),
    Cap("both", loads=frozenset({Tag.grip_load}), patterns=frozenset({Pattern.carry})),
]


def _agree(forbids: list[Forbid], caps: list[Cap]) -> None:
    for f in forbids:
        assert f.ruled_out() == {e for e, p in EXERCISES.items() if f.rules_out(e, p)}, f
    for c in caps:
        assert c.bounds() == {e for e, p in EXERCISES.items() if c.applies(p)}, c


def test_hand_made_limits_agree() -> None:
    _agree(HAND_MADE_FORBIDS, HAND_MADE_CAPS)


@pytest.mark.property
@given(intakes())
def test_every_intakes_limits_agree(x: Intake) -> None:
    want = expectations(x)
    _agree(want.forbids, want.caps)
