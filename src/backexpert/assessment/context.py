"""What every composition step reads: the conclusions by kind, the catalogue and the facts.

Composition happens after inference, in plain Python, so nothing depends on firing order: each
step reads the conclusions sorted by kind (every one with the id of the rule that drew it) and
breaks ties by the rulebook's order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..clinical.catalogue import Catalogue, Exercise
from ..clinical.words import Phase, SessionKind
from ..knowledge.explanation import Inference, positions, remember
from ..knowledge.rules import Derive, Rulebook
from ..knowledge.vocabulary import FactValue
from .actions import Add, Advise, Before, Cap, Dose, Exclude, Flag, Limit, Refer, Schedule
from .prescription import Excluded, Substitution

# Past this many distinct exclusion entries the memo starts again (it only saves time).
_EXCLUDED_MAX = 5_000
_excluded: dict[tuple[str, str, str, tuple[str, ...], str | None], Excluded] = {}


@dataclass
class Conclusions:
    """The conclusions of one inference, by kind, each with the id of the rule that drew it."""

    adds: list[tuple[str, Add]] = field(default_factory=list)
    excludes: list[tuple[str, Exclude]] = field(default_factory=list)
    doses: list[tuple[str, Dose]] = field(default_factory=list)
    caps: list[tuple[str, Cap]] = field(default_factory=list)
    befores: list[tuple[str, Before]] = field(default_factory=list)
    flags: list[tuple[str, Flag]] = field(default_factory=list)
    refers: list[tuple[str, Refer]] = field(default_factory=list)
    limits: list[tuple[str, Limit]] = field(default_factory=list)
    schedules: list[tuple[str, Schedule]] = field(default_factory=list)
    advice: list[tuple[str, Advise]] = field(default_factory=list)
    derives: list[tuple[str, Derive]] = field(default_factory=list)

    @classmethod
    def of(cls, inference: Inference) -> Conclusions:
        out = cls()
        buckets: dict[type, list[Any]] = {
            Add: out.adds,
            Exclude: out.excludes,
            Dose: out.doses,
            Cap: out.caps,
            Before: out.befores,
            Flag: out.flags,
            Refer: out.refers,
            Limit: out.limits,
            Schedule: out.schedules,
            Advise: out.advice,
            Derive: out.derives,
        }
        for f in inference.firings:  # `Inference.conclusions`, without a generator's step each
            for c in f.conclusions:
                bucket = buckets.get(type(c))
                if bucket is not None:
                    bucket.append((f.rule, c))
        return out


@dataclass
class Planned:
    """An exercise on its way into the program."""

    exercise: Exercise
    phase: Phase
    sessions: set[SessionKind]
    because: list[str]
    substitutes_for: Substitution | None = None

    def is_or_replaces(self, ids: frozenset[str]) -> bool:
        """Whether this item is, or stands in for, one of these exercises."""
        sub = self.substitutes_for
        return self.exercise.id in ids or (sub is not None and sub.exercise in ids)


@dataclass
class Context:
    """One client's composition: the rulebook, catalogue, facts and conclusions, and what was
    left out so far (filled in by the steps)."""

    rulebook: Rulebook
    cat: Catalogue
    facts: dict[str, FactValue]
    inference: Inference
    c: Conclusions = field(init=False)
    excluded: dict[str, Excluded] = field(default_factory=dict)

    befores: list[tuple[frozenset[str], frozenset[str]]] = field(init=False)
    # Per-client results computed once though several steps ask (selection.exclusions).
    memo: dict[object, Any] = field(default_factory=dict, repr=False)
    _rank: Callable[[str], int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.c = Conclusions.of(self.inference)
        self._rank = positions(self.rulebook).__getitem__
        # Each before constraint as the exercise ids of its two sides, resolved once.
        self.befores = [
            (self.cat.selected_ids(b.first), self.cat.selected_ids(b.then))
            for _, b in self.c.befores
        ]

    def derived(self, fact: str) -> list[FactValue]:
        """Every value the rules derived for a fact, in a stable order."""
        return sorted((v for f, v in self.inference.derived if f == fact), key=repr)

    def order(self, rule_id: str) -> int:
        return self._rank(rule_id)

    def sorted_rules(self, ids: Iterable[str]) -> list[str]:
        """Rule ids, each once, in rulebook order."""
        return sorted(set(ids), key=self._rank)

    def fewest(self, field: str) -> tuple[int, str] | None:
        """The smallest value `schedule` conclusions give a field, and the first rule giving it."""
        given = [
            (value, self.order(r), r) for r, x in self.c.schedules if (value := getattr(x, field))
        ]
        if not given:
            return None
        value, _, rule = min(given)
        return value, rule

    def exclude(
        self,
        e: Exercise,
        reason: str,
        because: list[str],
        by: str | None = None,
        keep_first: bool = False,
    ) -> None:
        """Record why an exercise is not prescribed (`keep_first`: an earlier reason stands)."""
        if keep_first and e.id in self.excluded:
            return
        # The same reasons recur across clients and an entry is immutable: build each once.
        key = (e.id, e.name, reason, tuple(because), by)
        entry = _excluded.get(key)
        if entry is None:
            entry = Excluded(
                exercise=e.id, name=e.name, reason=reason, because=because, replaced_by=by
            )
            remember(_excluded, key, entry, _EXCLUDED_MAX)
        self.excluded[e.id] = entry
