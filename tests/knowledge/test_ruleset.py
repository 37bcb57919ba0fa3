"""The rulebook in durable's form: each fact its own property, with a hash no other name has."""

from __future__ import annotations

import pytest

from backexpert.assessment import rule_base
from backexpert.knowledge import engine as engine_mod
from backexpert.knowledge.ruleset import RESERVED, fnv1a_32, properties

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


def test_each_shipped_fact_has_a_property_whose_hash_is_its_own() -> None:
    engine = rule_base().evaluator
    assert isinstance(engine, engine_mod.DurableEngine)
    props = engine._props
    tested = {c.fact for r in engine.rulebook for clause in r.clauses for c in clause}
    assert set(props) == tested
    hashes = [fnv1a_32(p) for p in props.values()]
    assert len(set(hashes)) == len(hashes)
    assert not set(hashes) & {fnv1a_32(n) for n in RESERVED}


def test_properties_are_short_and_follow_the_facts_order() -> None:
    assert properties(["b.fact", "a.fact"]) == {"b.fact": "f0", "a.fact": "f1"}


def test_a_name_whose_hash_is_taken_is_skipped() -> None:
    assert properties(["a", "b"], reserved=("f0", "f2")) == {"a": "f1", "b": "f3"}


def test_a_matched_fact_reads_back_as_its_fact_and_value() -> None:
    engine = rule_base().evaluator
    assert isinstance(engine, engine_mod.DurableEngine)
    prop = engine._props["client.age"]
    assert engine._fact({"sid": "7", prop: 70}) == ("client.age", 70)
    assert engine._encode("client.age", 70) == f'"id": "{prop}=70", "{prop}": 70}}'
