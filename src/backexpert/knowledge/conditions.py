"""Compiling a rule's `when` into disjunctive normal form, checked against a vocabulary.

`when` is `always`, or one of `all:` / `any:` over conditions and nested groups. A condition names
a fact of the vocabulary and tests it with one operator (`is` when only a value is given). Each
clause of the result is an AND of conditions; the rule fires when any clause holds. The compiler
refuses unknown facts and operators, values outside a fact's domain, negative tests of facts that
are not always known, and clauses that can never hold.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable
from typing import Any, Protocol

from .rules import Clause, Condition
from .vocabulary import NEGATIVE_OPERATORS, NUMERIC_OPERATORS, OPERATORS, FactSpec, Vocabulary

MAX_CLAUSES = 32


class Locator(Protocol):
    """Reports a problem at a path inside the rule being compiled."""

    def error(self, path: list[str | int], message: str) -> None: ...


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a known name is close, else nothing."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def compile_when(when: Any, words: Vocabulary, at: Locator) -> tuple[bool, tuple[Clause, ...]]:
    """(always, clauses) for a rule's `when`; problems go to `at`."""
    if when == "always":
        return True, ((),)
    if not isinstance(when, dict) or len(when) != 1 or next(iter(when)) not in ("all", "any"):
        at.error(["when"], "must be 'always', or a mapping with one key: all or any")
        return False, ()
    clauses = _dnf(when, ["when"], words, at)
    if len(clauses) > MAX_CLAUSES:
        at.error(["when"], f"expands to {len(clauses)} alternatives; at most {MAX_CLAUSES}")
    for clause in clauses:
        _check_satisfiable(clause, words, at)
    return False, tuple(clauses)


def _dnf(node: Any, path: list[str | int], words: Vocabulary, at: Locator) -> list[Clause]:
    if not isinstance(node, dict) or len(node) != 1:
        at.error(path, "a condition is a mapping with exactly one key (a fact, all or any)")
        return []
    key, body = next(iter(node.items()))
    if key in ("all", "any"):
        if not isinstance(body, list) or not body:
            at.error([*path, key], "must be a non-empty list of conditions")
            return []
        parts = [_dnf(child, [*path, key, i], words, at) for i, child in enumerate(body)]
        if key == "any":
            return [clause for part in parts for clause in part]
        return [tuple(c for cl in combo for c in cl) for combo in itertools.product(*parts)]
    cond = _condition(str(key), body, [*path, key], words, at)
    return [(cond,)] if cond is not None else []


def _condition(
    fact: str, body: Any, path: list[str | int], words: Vocabulary, at: Locator
) -> Condition | None:
    spec = words.facts.get(fact)
    if spec is None:
        at.error(
            path,
            f"unknown fact {fact!r} for the {words.name} rules" + did_you_mean(fact, words.facts),
        )
        return None
    if isinstance(body, dict):
        if len(body) != 1:
            at.error(path, f"give exactly one operator ({', '.join(OPERATORS)})")
            return None
        op, value = next(iter(body.items()))
    else:
        op, value = "is", body
    if op not in OPERATORS:
        at.error([*path, str(op)], f"unknown operator {op!r}; use one of {', '.join(OPERATORS)}")
        return None
    value = _yes_no_words(spec, value)
    problem = _check_operand(spec, op, value)
    if problem:
        at.error(path, problem)
        return None
    frozen = tuple(value) if isinstance(value, list) else value
    return Condition(fact, op, frozen)


def _yes_no_words(spec: FactSpec, value: Any) -> Any:
    """Let `red_flag.x: yes` mean the answer 'yes' though YAML reads it as a boolean."""
    if spec.kind == "enum" and {"yes", "no"} <= set(spec.values):
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return [_yes_no_words(spec, v) for v in value]
    return value


def _check_operand(spec: FactSpec, op: str, value: Any) -> str | None:
    if op in NEGATIVE_OPERATORS and not spec.always_known:
        return (
            f"{op} cannot be used on {spec.name}: it is not always known "
            "(derived or optional facts are only tested positively)"
        )
    if op in NUMERIC_OPERATORS and spec.kind != "int":
        return f"{op} needs a numeric fact; {spec.name} is {spec.kind}"
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            return f"{op} needs a non-empty list of values"
        if spec.kind == "bool":
            return f"{spec.name} is true or false: use is"
        values = value
    else:
        values = [value]
    for v in values:
        if not spec.admits(v):
            return f"value {v!r} is outside {spec.name}'s domain ({spec.domain_text()})"
        if spec.kind == "int" and op in ("is", "in") and not spec.low <= v <= spec.high:
            return f"value {v} can never occur: {spec.name} is {spec.low}..{spec.high}"
    return None


def _check_satisfiable(clause: Clause, words: Vocabulary, at: Locator) -> None:
    """Refuse clauses that can never fire: no value of some fact satisfies all its tests."""
    by_fact: dict[str, list[Condition]] = {}
    for c in clause:
        by_fact.setdefault(c.fact, []).append(c)
    for fact, conds in by_fact.items():
        possible = words.facts[fact].possible()
        if not any(all(c.holds(v) for c in conds) for v in possible):
            shown = " and ".join(c.text() for c in conds)
            at.error(["when"], f"can never fire: no value of {fact} satisfies {shown}")
