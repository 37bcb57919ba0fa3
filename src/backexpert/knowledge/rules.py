"""The rule IR: compiled rules as both inference engines, the explainer and the reports read them.

A *rule* says when (clauses in disjunctive normal form: any clause fires it, each clause an AND
of conditions on facts) and then (typed conclusions from its pipeline's actions), and carries its
provenance: rationale, source, file and line. A *rulebook* is an ordered set of rules identified
by a version hash of everything it was compiled from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, StrictBool, StrictInt

from ..model import Model
from .vocabulary import FactValue, Operator


class Derive(Model):
    """Conclude a derived fact that other rules can use (forward chaining)."""

    kind: Literal["derive"] = "derive"
    fact: str
    value: StrictBool | StrictInt | str


@dataclass(frozen=True)
class Condition:
    """One test of one fact: `client.age gte 40`."""

    fact: str
    op: Operator
    value: FactValue | tuple[FactValue, ...]

    def holds(self, actual: FactValue) -> bool:
        """Evaluate this condition against a fact's value (the types were checked at compile)."""
        v = self.value
        if self.op == "is":
            return actual == v and type(actual) is type(v)
        if self.op == "is_not":
            return not (actual == v and type(actual) is type(v))
        if self.op == "in":
            return isinstance(v, tuple) and actual in v
        if self.op == "not_in":
            return isinstance(v, tuple) and actual not in v
        if not isinstance(actual, int) or not isinstance(v, int):
            return False
        if self.op == "gt":
            return actual > v
        if self.op == "gte":
            return actual >= v
        if self.op == "lt":
            return actual < v
        return actual <= v

    def text(self) -> str:
        v = self.value
        shown = "[" + ", ".join(map(show, v)) + "]" if isinstance(v, tuple) else show(v)
        return f"{self.fact} {self.op} {shown}"


def show(v: FactValue) -> str:
    """A fact value as rule files write it: `true`, `45`, `elevated`."""
    return str(v).lower() if isinstance(v, bool) else str(v)


Clause = tuple[Condition, ...]


@dataclass(frozen=True)
class Rule:
    """A compiled rule: clauses in DNF (any clause fires it), conclusions, provenance."""

    id: str
    area: str
    file: str
    line: int
    clauses: tuple[Clause, ...]
    conclusions: tuple[BaseModel, ...]
    rationale: str
    source: str
    always: bool = False

    def summary(self) -> str:
        """The rationale's first sentence."""
        return self.rationale.strip().split(". ")[0].rstrip(".") + "."

    def derives(self) -> tuple[Derive, ...]:
        return tuple(c for c in self.conclusions if isinstance(c, Derive))


@dataclass(frozen=True)
class Rulebook:
    """Compiled rules in file order, identified by a version hash; `pipeline` names its words."""

    rules: tuple[Rule, ...]
    version: str
    directory: str
    pipeline: str = ""
    closed: frozenset[str] = frozenset()  # tested facts the fact base must always carry
    _by_id: dict[str, Rule] = field(default_factory=dict, repr=False, compare=False)
    _index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({r.id: r for r in self.rules})
        self._index.update({r.id: i for i, r in enumerate(self.rules)})

    def __getitem__(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._by_id

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def facts_used(self) -> tuple[str, ...]:
        """Every fact name some condition tests, sorted."""
        return tuple(sorted({c.fact for r in self.rules for cl in r.clauses for c in cl}))

    def index(self, rule_id: str) -> int:
        """The rule's position in the rulebook (file order, then order in the file)."""
        return self._index[rule_id]

    def without(self, rule_id: str) -> Rulebook:
        """The rulebook with one rule deleted (a mutant for tests and impact analysis)."""
        rules = tuple(r for r in self.rules if r.id != rule_id)
        return Rulebook(
            rules, f"{self.version}-{rule_id}", self.directory, self.pipeline, self.closed
        )

    def derived_facts(self) -> frozenset[str]:
        """The facts some rule of this rulebook derives."""
        return frozenset(d.fact for r in self.rules for d in r.derives())
