"""The rulebook in durable-rules' JSON form, and the limits durable can take.

Each clause becomes one durable rule with one pattern per fact it tests. Each fact is a property
of its own, in a group of facts (`{"sid": "0", "id": "f12=3", "g2": 1, "f12": 3}`, not
`{"fact": "pain.nprs_now", "value": 3}`): durable files the conditions under a node by the
property they test, so a fact reaches its group's and its own conditions by the properties'
hashes (`$ex`, `$ex`, then the conditions on its value) instead of being compared with every
fact name the rules test. Durable tells properties apart by a 32-bit FNV-1a hash of the name
alone, so the names are chosen to have hashes no other name has (point 14 of `engine`). Two
rules of the adapter's own complete the ruleset: a sink that stores every fact (point 4) and a
finalize rule that guarantees an action on every state (point 2).
"""

from __future__ import annotations

import itertools
import json
from typing import Any, NamedTuple

from ..errors import RuleSetError
from .rules import Clause, Condition, Rulebook

# Verified limits of durable-rules 2.0.28 (see durable-rules.md, point 8).
MAX_TESTS_PER_FACT = 60  # a fact feeding more than 64 sibling conditions fails with error 303
MAX_FACT_NAMES = 500  # 512 conditions under one parent hang the process
FINALIZE = "__finalize__"
FINALIZE_JSON = '"' + FINALIZE + '":true}'
SINK = "__sink__"
NEVER = "__never__"  # a property no fact has
# Property names durable gives a meaning to (its operators, settings and ids), and the adapter's
# own: durable tells properties apart by a 32-bit FNV-1a hash of the name alone (point 14).
RESERVED = (
    FINALIZE,
    NEVER,
    "sid", "id", "$s", "$i", "$m", "$l", "$r", "$forward", "all", "any", "pri", "count", "cap",
    "dist", "name", "$lt", "$lte", "$gt", "$gte", "$eq", "$neq", "$mt", "$imt", "$iall", "$iany",
    "$ex", "$nex", "$or", "$and", "$add", "$sub", "$mul", "$div",
)  # fmt: skip


def _condition(prop: str, c: Condition) -> dict[str, Any]:
    """One condition on a fact's property, in durable's form."""
    v = c.value
    if c.op == "is":
        return {prop: v}
    if c.op == "is_not":
        return {"$neq": {prop: v}}
    if c.op == "in" and isinstance(v, tuple):
        return {"$or": [{prop: x} for x in v]}
    if c.op == "not_in" and isinstance(v, tuple):
        return {"$and": [{"$neq": {prop: x}} for x in v]}
    return {f"${c.op}": {prop: v}}


def _by_fact(clause: Clause) -> dict[str, list[Condition]]:
    by_fact: dict[str, list[Condition]] = {}
    for c in clause:
        by_fact.setdefault(c.fact, []).append(c)
    return by_fact


class Properties(NamedTuple):
    """Each fact's place in durable's network: the property of its group, and its own."""

    group: dict[str, str]
    own: dict[str, str]


def patterns(clause: Clause, props: Properties) -> list[dict[str, Any]]:
    """One pattern per fact: its group's property and its own are there, and every condition on
    it holds."""
    out = []
    for i, (fact, conds) in enumerate(sorted(_by_fact(clause).items())):
        group, own = props.group[fact], props.own[fact]
        tests = [{"$ex": {group: 1}}, {"$ex": {own: 1}}, *(_condition(own, c) for c in conds)]
        out.append({f"c{i}": {"$and": tests}})
    return out


def fnv1a_32(name: str) -> int:
    """The hash durable-rules tells property names apart by (its `fnv1Hash32`)."""
    h = 0x811C9DC5
    for byte in name.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


SLOTS = 0x1F  # durable's HASH_MASK: a hash's low five bits


def slot(name: str) -> int:
    """Where durable starts looking for a property among a node's conditions."""
    return fnv1a_32(name) & SLOTS


def properties(facts: list[str], reserved: tuple[str, ...] = RESERVED) -> Properties:
    """Short property names (`g0`, `f1`, ...) whose hashes no other name has, laid out so that
    durable finds each among few others.

    durable looks for a property's conditions under a node by probing its hash set from the
    hash's low five bits (32 slots) to the next empty entry, so with 121 facts under one node
    every property of every message walked past about 120 of them. Facts go in groups instead:
    the root holds one condition per group, each group one per fact, on slots apart from each
    other and from the `sid` and `id` every message has, so most walks end at once.
    """
    taken = {fnv1a_32(n) for n in reserved}
    busy = {slot(n) for n in ("sid", "id", FINALIZE, NEVER)}
    numbers = itertools.count()

    def name(prefix: str, at: int) -> str:
        hashed = ((c, fnv1a_32(c)) for c in (f"{prefix}{i}" for i in numbers))
        found, h = next((c, h) for c, h in hashed if h & SLOTS == at and h not in taken)
        taken.add(h)
        return found

    # Groups on even slots, facts on odd ones: each is followed by an empty slot.
    group_slots = [s for s in range(0, 32, 2) if s not in busy and s + 1 not in busy]
    fact_slots = [s for s in range(1, 32, 2) if s not in busy]
    out = Properties({}, {})
    for n, k in enumerate(range(0, len(facts), len(fact_slots))):
        group = name("g", group_slots[n % len(group_slots)])
        for fact, at in zip(facts[k : k + len(fact_slots)], fact_slots, strict=False):
            out.group[fact], out.own[fact] = group, name("f", at)
    return out


def check_limits(rulebook: Rulebook) -> None:
    """Refuse a rulebook that would crash or hang durable-rules."""
    tests: dict[str, set[str]] = {}
    for r in rulebook:
        for clause in r.clauses:
            for c in clause:
                tests.setdefault(c.fact, set()).add(c.text())
    problems = [
        f"fact {fact} is tested {len(t)} different ways; durable-rules allows at most "
        f"{MAX_TESTS_PER_FACT} (error 303): merge or split rules"
        for fact, t in sorted(tests.items())
        if len(t) > MAX_TESTS_PER_FACT
    ]
    if len(tests) > MAX_FACT_NAMES:
        problems.append(
            f"the rules test {len(tests)} different facts; durable-rules hangs at 512 siblings "
            f"(the limit here is {MAX_FACT_NAMES})"
        )
    if problems:
        raise RuleSetError(problems)


def adapter_rules(props: Properties) -> dict[str, Any]:
    """The sink and the finalize rule, in durable's form."""
    return {
        # Stores every fact, so none is dropped as "not handled" (point 4); the state's own
        # record has none of these properties, so it is not stored as a fact.
        SINK: {
            "all": [
                {"a": {"$or": [{"$ex": {g: 1}} for g in sorted(set(props.group.values()))]}},
                {"b": {"$ex": {NEVER: 1}}},
            ]
        },
        # Guarantees an action ran on every sid, so delete_state is safe (point 2).
        FINALIZE: {"all": [{"a": {"$ex": {FINALIZE: 1}}}]},
    }


def fact_json(group: str, prop: str, value: Any) -> str:
    """A fact as durable reads it, minus the opening `{"sid": ...,` each client puts first.

    The id names the fact and its value, as durable's own would (identical facts share it), and
    spares durable sorting, hashing and formatting one for every assert and retract.
    """
    text = json.dumps(value, ensure_ascii=False)
    return json.dumps({"id": f"{prop}={text}", group: 1, prop: value}, ensure_ascii=False)[1:]
