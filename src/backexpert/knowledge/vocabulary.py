"""A vocabulary: every word the rules of one pipeline may use, registered in code.

Rules are data; the words they are made of are code. A *fact* is one named attribute with one
value (`client.age = 45`, `finding.rounded_shoulders = true`); its spec gives its type and domain,
and how to read it from the pipeline's input (its *extractor*). Facts read from the input are
closed-world when `always_known` (every one is asserted with an explicit value, so rules never
need negation); *derived* facts are concluded by rules (finding → derived risk → decision) and
are only ever tested positively. An *action* is a kind of conclusion a rule may draw, given as
a pydantic model with a `kind` literal.

Each pipeline (assessment, progression) builds its own `Vocabulary`; the rule compiler takes one
as a parameter and refuses anything outside it, so a rule can never name a word another pipeline
owns and then be silently ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel

FactValue = bool | int | str
Kind = Literal["bool", "int", "enum"]
Operator = Literal["is", "is_not", "in", "not_in", "gt", "gte", "lt", "lte"]
OPERATORS: tuple[Operator, ...] = ("is", "is_not", "in", "not_in", "gt", "gte", "lt", "lte")
NUMERIC_OPERATORS: frozenset[str] = frozenset({"gt", "gte", "lt", "lte"})
NEGATIVE_OPERATORS: frozenset[str] = frozenset({"is_not", "not_in"})

# A path into a conclusion and what is wrong there, for the compiler to locate.
ConclusionProblem = tuple[list[str | int], str]


@dataclass(frozen=True)
class FactSpec:
    """A registered fact: its name, type and domain, how to read it, and whether it is derived."""

    name: str
    kind: Kind
    description: str
    values: tuple[str, ...] = ()
    low: int = 0
    high: int = 0
    derived: bool = False
    always_known: bool = True
    extract: Callable[[Any], FactValue | None] | None = field(default=None, compare=False)

    def admits(self, value: object) -> bool:
        """Whether a value has this fact's type (and, for words, is one of its values)."""
        if self.kind == "bool":
            return isinstance(value, bool)
        if self.kind == "int":
            return isinstance(value, int) and not isinstance(value, bool)
        return isinstance(value, str) and value in self.values

    def contains(self, value: object) -> bool:
        """Whether a value lies in this fact's domain: its type, its words, its range."""
        if self.kind == "int":  # the commonest question answered without a second call
            return (
                isinstance(value, int)
                and not isinstance(value, bool)
                and self.low <= value <= self.high
            )
        return self.admits(value)

    def domain_text(self) -> str:
        if self.kind == "bool":
            return "true | false"
        if self.kind == "int":
            return f"whole number {self.low}..{self.high}"
        return " | ".join(self.values)

    def possible(self) -> Sequence[FactValue]:
        """Every value of the domain (the compiler's satisfiability check walks them)."""
        if self.kind == "int":
            return range(self.low, self.high + 1)
        if self.kind == "bool":
            return (False, True)
        return self.values


def enum_fact(name: str, values: type[StrEnum], description: str, **kw: Any) -> FactSpec:
    """A fact whose domain is the members of an enumeration."""
    return FactSpec(name, "enum", description, values=tuple(v.value for v in values), **kw)


def derived_fact(name: str, description: str, values: tuple[str, ...] = ()) -> FactSpec:
    """A fact only rules conclude: true, or one of `values`; never tested negatively."""
    kind: Kind = "enum" if values else "bool"
    return FactSpec(name, kind, description, values=values, derived=True, always_known=False)


class Vocabulary:
    """The facts and actions of one pipeline, plus its checks on conclusions (e.g. catalogue ids).

    `check` receives each validated conclusion and returns the problems found in it; `describe`
    names the pipeline in error messages. `fingerprint` identifies everything a compiled
    rulebook depends on besides its rule files (e.g. the exercise catalogue).
    """

    def __init__(
        self,
        name: str,
        facts: Iterable[FactSpec],
        actions: Mapping[str, type[BaseModel]],
        check: Callable[[BaseModel], list[ConclusionProblem]] | None = None,
        fingerprint: str = "",
        check_rule: Callable[[Sequence[BaseModel]], list[str]] | None = None,
    ) -> None:
        self.name = name
        self.facts: dict[str, FactSpec] = {}
        for spec in facts:
            if spec.name in self.facts:
                raise ValueError(f"{name} vocabulary: fact {spec.name} registered twice")
            self.facts[spec.name] = spec
        self.actions = dict(actions)
        self._check = check
        self._check_rule = check_rule
        self.fingerprint = fingerprint

    def check(self, conclusion: BaseModel) -> list[ConclusionProblem]:
        """Problems with a conclusion the pipeline alone can see (unknown exercise ids, ...)."""
        return self._check(conclusion) if self._check is not None else []

    def check_rule(self, conclusions: Sequence[BaseModel]) -> list[str]:
        """Problems between the conclusions of one rule (e.g. adding what it excludes)."""
        return self._check_rule(conclusions) if self._check_rule is not None else []

    def bound(
        self, check: Callable[[BaseModel], list[ConclusionProblem]], fingerprint: str
    ) -> Vocabulary:
        """The same words, checked against pipeline data such as a loaded catalogue."""
        return Vocabulary(
            self.name, self.facts.values(), self.actions, check, fingerprint, self._check_rule
        )

    def extract(self, source: object) -> dict[str, FactValue]:
        """The fact base of one input: every fact with an extractor that yields a value."""
        out: dict[str, FactValue] = {}
        for spec in self.facts.values():
            if spec.extract is not None:
                value = spec.extract(source)
                if value is not None:
                    out[spec.name] = value
        return out
