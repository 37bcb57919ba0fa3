"""An inference's canonical order: rulebook order, then the text of the matched facts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backexpert.assessment import rule_base
from backexpert.knowledge.explanation import Firing, Inference, positions
from backexpert.knowledge.rules import Rulebook
from backexpert.knowledge.vocabulary import FactValue

SHIPPED = rule_base().rulebook
RULES = [r.id for r in SHIPPED.rules]
VALUES = st.one_of(st.integers(-20, 20), st.booleans(), st.sampled_from(["a", "b", "10", "9"]))
MATCHED = st.lists(st.tuples(st.sampled_from(["x", "y", "z"]), VALUES), max_size=2).map(tuple)


def _reference(
    rulebook: Rulebook, firings: list[Firing], derived: list[tuple[str, FactValue]]
) -> Inference:
    """The order as first written: one sort on (rule position, repr of the matched facts)."""

    def key(f: Firing) -> tuple[int, str]:
        return rulebook.index(f.rule), repr(f.matched)

    unique = {(f.rule, f.matched): f for f in firings}
    return Inference(tuple(sorted(unique.values(), key=key)), tuple(sorted(set(derived), key=repr)))


@pytest.mark.property
@given(
    st.lists(st.tuples(st.sampled_from(RULES[:6]), MATCHED), max_size=30),
    st.lists(st.tuples(st.sampled_from(["d", "e"]), VALUES), max_size=5),
)
def test_same_order_as_one_sort_on_position_and_text(
    fired: list[tuple[str, tuple[tuple[str, FactValue], ...]]],
    derived: list[tuple[str, FactValue]],
) -> None:
    firings = [Firing(rule, matched, SHIPPED[rule].conclusions) for rule, matched in fired]
    got = Inference.of(SHIPPED, firings, derived)
    want = _reference(SHIPPED, firings, derived)
    assert got == want
    assert [id(f) for f in got.firings] == [id(f) for f in want.firings]


def test_ties_break_on_text_not_number() -> None:
    rule = RULES[0]
    firings = [Firing(rule, (("x", n),), ()) for n in (10, 9, 2)]
    got = Inference.of(SHIPPED, firings, [])
    assert [f.matched for f in got.firings] == [(("x", 10),), (("x", 2),), (("x", 9),)]


def test_positions_follow_the_rulebook_it_was_asked_for() -> None:
    mutant = SHIPPED.without(RULES[0])
    assert positions(SHIPPED) == {r: SHIPPED.index(r) for r in RULES}
    assert positions(mutant) == {r.id: mutant.index(r.id) for r in mutant.rules}
    assert positions(mutant) != positions(SHIPPED)
