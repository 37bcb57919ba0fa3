"""The rulebook in durable's form: each fact its own property, with a hash no other name has."""

from __future__ import annotations

import pytest

from backexpert.assessment import rule_base
from backexpert.knowledge.engine import DurableEngine
from backexpert.knowledge.ruleset import RESERVED, fnv1a_32, properties, slot

# Hashes written in durable-rules 2.0.28's C source (state.h, rete.c).
DURABLE_HASHES = {
    "sid": 3593476751,
    "id": 926444256,
    "$forward": 739185624,
    "$and": 3746487396,
    "$or": 340911698,
    "$ex": 373481198,
    "$neq": 2488026869,
    "$lte": 2350824890,
}


@pytest.mark.parametrize(("name", "expected"), sorted(DURABLE_HASHES.items()))
def test_the_hash_is_durables_own(name: str, expected: int) -> None:
    assert fnv1a_32(name) == expected


@pytest.fixture(scope="module")
def shipped() -> DurableEngine:
    engine = rule_base().evaluator
    assert isinstance(engine, DurableEngine)
    return engine


def test_each_shipped_fact_has_a_property_whose_hash_is_its_own(shipped: DurableEngine) -> None:
    props = shipped._props
    tested = {c.fact for r in shipped.rulebook for clause in r.clauses for c in clause}
    assert set(props.own) == set(props.group) == tested
    names = [*props.own.values(), *set(props.group.values())]
    hashes = [fnv1a_32(n) for n in names]
    assert len(set(hashes)) == len(hashes)
    assert not set(hashes) & {fnv1a_32(n) for n in RESERVED}


def test_each_fact_is_found_among_few_others(shipped: DurableEngine) -> None:
    """Groups at the root and facts in a group start on slots of their own, none of them the
    slot of `sid` or `id`, which every message has."""
    props = shipped._props
    groups = sorted(set(props.group.values()))
    every_message = {slot("sid"), slot("id")}
    assert len({slot(g) for g in groups}) == len(groups)
    assert not {slot(g) for g in groups} & every_message
    for g in groups:
        members = [props.own[f] for f in props.own if props.group[f] == g]
        assert len({slot(m) for m in members}) == len(members) <= 14
        assert not {slot(m) for m in members} & every_message


def test_properties_follow_the_facts_order() -> None:
    props = properties(["b.fact", "a.fact"])
    assert list(props.own) == list(props.group) == ["b.fact", "a.fact"]
    assert props.group["b.fact"] == props.group["a.fact"]
    assert properties(["b.fact", "a.fact"]) == props  # the same names every time


def test_a_name_whose_hash_is_taken_is_skipped() -> None:
    first = properties(["a"])
    again = properties(["a"], reserved=(*RESERVED, first.own["a"], first.group["a"]))
    assert again.own["a"] != first.own["a"] and again.group["a"] != first.group["a"]
    assert slot(again.own["a"]) == slot(first.own["a"])


def test_a_matched_fact_reads_back_as_its_fact_and_value(shipped: DurableEngine) -> None:
    group, own = shipped._props.group["client.age"], shipped._props.own["client.age"]
    assert shipped._fact({"sid": "7", "id": f"{own}=70", group: 1, own: 70}) == ("client.age", 70)
    assert shipped._encode("client.age", 70) == f'"id": "{own}=70", "{group}": 1, "{own}": 70}}'
