"""An independent evaluator of the compiled rulebook: naive forward chaining in pure Python.

It shares nothing with the durable-rules adapter but the rule IR, and serves as the test oracle
that catches the engine's silent failures (dropped facts, swallowed action errors): for every
client both must derive the same firings and facts. It is also a fallback `Evaluator`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping

from ..errors import EngineError
from .explanation import Firing, Inference
from .rules import Clause, Condition, Rulebook
from .vocabulary import FactValue


class Oracle:
    """Evaluates every rule clause against all facts until nothing new fires (a fixpoint)."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self._used = frozenset(rulebook.facts_used())

    def evaluate(self, facts: Mapping[str, FactValue]) -> Inference:
        missing = [n for n in self.rulebook.closed if n not in facts]
        if missing:
            raise EngineError(f"closed-world fact base lacks {', '.join(sorted(missing))}")
        values: dict[str, set[FactValue]] = {}
        for name, value in facts.items():
            if name in self._used:
                values.setdefault(name, set()).add(value)
        fired: dict[tuple[str, tuple[tuple[str, FactValue], ...]], Firing] = {}
        derived: set[tuple[str, FactValue]] = set()
        changed = True
        while changed:
            changed = False
            for rule in self.rulebook:
                for clause in rule.clauses:
                    for matched in _matches(clause, values):
                        if (rule.id, matched) in fired:
                            continue
                        fired[rule.id, matched] = Firing(rule.id, matched, rule.conclusions)
                        for c in rule.derives():
                            if (c.fact, c.value) not in derived:
                                derived.add((c.fact, c.value))
                                values.setdefault(c.fact, set()).add(c.value)
                                changed = True
        return Inference.of(self.rulebook, list(fired.values()), list(derived))


def _matches(
    clause: Clause, values: Mapping[str, set[FactValue]]
) -> Iterator[tuple[tuple[str, FactValue], ...]]:
    """Every combination of facts satisfying the clause, one fact per fact name."""
    by_fact: dict[str, list[Condition]] = {}
    for c in clause:
        by_fact.setdefault(c.fact, []).append(c)
    names = sorted(by_fact)
    options = [
        [v for v in sorted(values.get(n, ()), key=repr) if all(c.holds(v) for c in by_fact[n])]
        for n in names
    ]
    for combo in itertools.product(*options):
        yield tuple(zip(names, combo, strict=True))
