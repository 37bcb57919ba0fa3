"""The explanation: what inference concluded, and why, in a form a stored document keeps.

A *firing* is one rule matching one combination of facts; an *inference* is every firing for
one fact base, in a canonical order (the rulebook's, never firing order) with the facts derived.
The explanation written into a document names each rule with its rationale and source and, for
each derived fact, the rule and the facts it came from, so a stored document explains itself
without the rulebook that produced it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from pydantic import BaseModel

from ..model import Model
from .rules import Derive, Rule, Rulebook
from .vocabulary import FactValue

Matched = tuple[tuple[str, FactValue], ...]
_K = TypeVar("_K")
_V = TypeVar("_V")


class Firing(NamedTuple):
    """One rule firing: which rule, on which facts, concluding what."""

    # Immutable like a frozen dataclass, and made in half its time (the engine makes one a firing).

    rule: str
    matched: Matched
    conclusions: tuple[BaseModel, ...]


@dataclass(frozen=True)
class Inference:
    """What inference concluded for one fact base, in a canonical order (never firing order)."""

    firings: tuple[Firing, ...]
    derived: tuple[tuple[str, FactValue], ...]

    @classmethod
    def of(
        cls, rulebook: Rulebook, firings: list[Firing], derived: list[tuple[str, FactValue]]
    ) -> Inference:
        # In rulebook order, a rule's firings (each once) by the text of the facts they matched.
        # Most rules fire once, so only a rule that fired more than once dedupes and sorts.
        by_rule: dict[str, list[Firing]] = {}
        for f in firings:
            by_rule.setdefault(f.rule, []).append(f)
        ordered: list[Firing] = []
        for rule_id in sorted(by_rule, key=positions(rulebook).__getitem__):
            same = by_rule[rule_id]
            if len(same) > 1:
                same = sorted({f.matched: f for f in same}.values(), key=_matched_text)
            ordered.extend(same)
        return cls(tuple(ordered), tuple(sorted(set(derived), key=repr)))

    def conclusions(self) -> Iterator[tuple[str, BaseModel]]:
        """Every conclusion with the id of the rule that drew it."""
        for f in self.firings:
            for c in f.conclusions:
                yield f.rule, c

    def fired(self) -> list[str]:
        """The ids of the rules that fired, each once, in rulebook order."""
        return list(dict.fromkeys(f.rule for f in self.firings))


class RuleInfo(Model):
    """A rule as a document cites it: enough to explain it without the rulebook."""

    id: str
    area: str
    file: str
    rationale: str
    source: str

    @classmethod
    def of(cls, rule: Rule) -> RuleInfo:
        return cls(
            id=rule.id, area=rule.area, file=rule.file, rationale=rule.rationale, source=rule.source
        )

    @property
    def summary(self) -> str:
        """The rationale's first sentence."""
        return self.rationale.strip().split(". ")[0].rstrip(".") + "."

    @property
    def rest(self) -> str:
        """The rationale after its first sentence (empty for a one-sentence rationale)."""
        parts = self.rationale.strip().split(". ", 1)
        return parts[1].strip() if len(parts) > 1 else ""


class Derivation(Model):
    """A derived fact, the rule that concluded it, and the facts that rule matched."""

    fact: str
    value: FactValue
    rule: str
    basis: dict[str, FactValue]


def _matched_text(f: Firing) -> str:
    return repr(f.matched)


# Each rulebook's rule positions as a plain dict (looked up many times an assessment), keyed by
# the rulebook object itself, kept alive by the memo so its identity is never reused.
_POSITIONS_MAX = 64
_positions: dict[int, tuple[Rulebook, dict[str, int]]] = {}


def positions(rulebook: Rulebook) -> dict[str, int]:
    """Rule id → its position in the rulebook (`Rulebook.index` as a dict)."""
    hit = _positions.get(id(rulebook))
    if hit is None or hit[0] is not rulebook:
        hit = (rulebook, {r.id: rulebook.index(r.id) for r in rulebook.rules})
        remember(_positions, id(rulebook), hit, _POSITIONS_MAX)
    return hit[1]


def remember(memo: dict[_K, _V], key: _K, value: _V, most: int) -> None:
    """Keep a value in a memo of at most `most` entries (a full memo starts again)."""
    if len(memo) >= most:
        memo.clear()
    memo[key] = value


# Derivations recur across clients and are immutable values: each distinct one is built once.
_DERIVATIONS_MAX = 5_000
_derivations: dict[tuple[str, type, FactValue, str, Matched], Derivation] = {}


def derivations(inference: Inference) -> list[Derivation]:
    """Each derived fact with every firing that concluded it, in the inference's order."""
    out: list[Derivation] = []
    seen: set[tuple[str, str, str]] = set()
    for f in inference.firings:
        for c in f.conclusions:
            if isinstance(c, Derive):
                key = (c.fact, repr(c.value), f.rule + repr(f.matched))
                if key not in seen:
                    seen.add(key)
                    out.append(_derivation(c, f))
    return out


def _derivation(c: Derive, f: Firing) -> Derivation:
    key = (c.fact, type(c.value), c.value, f.rule, f.matched)
    found = _derivations.get(key)
    if found is None:
        found = Derivation(fact=c.fact, value=c.value, rule=f.rule, basis=dict(f.matched))
        remember(_derivations, key, found, _DERIVATIONS_MAX)
    return found
