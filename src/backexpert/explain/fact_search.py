"""The search for fact changes that make a rule's conditions hold, or stop holding.

A rule's *lift* is a smallest change set after which none of its clauses holds. The search reads
the rule IR; a change set is verified by editing the intake and assessing it again (a `State`),
within a budget of re-assessments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..assessment.pipeline import RuleBase, assess
from ..assessment.prescription import Prescription
from ..clinical.intake import Intake
from ..errors import IntakeError, SafetyError
from ..knowledge.rules import Clause, Condition, Rule
from ..knowledge.vocabulary import FactSpec, FactValue
from . import edits
from .changesets import Alternative, Changes, product, smallest
from .fact_edits import edits_for
from .intake_facts import SPECS, facts_of
from .models import IntakeEdit, Unsettable

MAX_VERIFY = 40  # re-assessments per answer
MAX_DEPTH = 4  # derived facts expanded through at most this many rules


@dataclass
class State:
    """One assessed intake: its prescription (None when withheld) and every fact value."""

    intake: Intake
    p: Prescription | None
    withheld: list[str]
    values: dict[str, set[FactValue]] = field(default_factory=dict)
    fired: set[str] = field(default_factory=set)
    facts: dict[str, FactValue] = field(default_factory=dict)

    def present(self) -> set[str]:
        return {i.exercise for _, i in self.p.items()} if self.p is not None else set()


class FactSearch:
    """The client's assessed state, the states of changed intakes, and the search in the rules."""

    def __init__(self, intake: Intake, rules: RuleBase) -> None:
        self.rules = rules
        self._reach: dict[str, dict[str, list[str]]] = {}
        self.rb = rules.rulebook
        self.cat = rules.catalogue
        self.specs: dict[str, FactSpec] = dict(SPECS)
        self._states: dict[str, State] = {}
        self.base = self._state(intake, [])
        if self.base.p is None:
            raise SafetyError(self.base.withheld)
        self.prescription: Prescription = self.base.p
        self._derivers: dict[str, list[tuple[Rule, FactValue]]] = {}
        for r in self.rb:
            for d in r.derives():
                self._derivers.setdefault(d.fact, []).append((r, d.value))
        self.budget = MAX_VERIFY
        self.unsettable: dict[str, Unsettable] = {}

    # -- assessing -------------------------------------------------------------------------

    def _state(self, intake: Intake, key: Sequence[IntakeEdit]) -> State:
        k = repr([e.change for e in key])
        if k in self._states:
            return self._states[k]
        try:
            p = assess(intake, self.rules)
            state = State(intake, p, [])
        except SafetyError as exc:
            state = State(intake, None, list(exc.violations))
            p = None
        facts = facts_of(intake)
        state.facts = facts
        for name, value in facts.items():
            state.values.setdefault(name, set()).add(value)
        if p is not None:
            for d in p.derivations:
                state.values.setdefault(d.fact, set()).add(d.value)
            state.fired = {t.rule for t in p.trace}
        self._states[k] = state
        return state

    def _verify(self, changes: Changes) -> tuple[State, list[IntakeEdit]] | None:
        """The changed intake assessed, or None when no intake edit gives these changes."""
        found, cannot = edits_for(changes, self.base.intake)
        for u in cannot:
            self.unsettable.setdefault(f"{u.fact}={u.value!r}", u)
        if cannot or not found:
            return None
        key = sorted(found, key=lambda e: e.change)
        k = repr([e.change for e in key])
        if k not in self._states:
            if self.budget <= 0:
                return None
            self.budget -= 1
        try:
            intake = edits.edited(self.base.intake, found)
        except IntakeError as exc:
            reason = "; ".join(str(p) for p in exc.problems)
            fact = ", ".join(sorted(changes))
            self.unsettable.setdefault(fact, Unsettable(fact=fact, value=None, reason=reason))
            return None
        return self._state(intake, key), found

    # -- the facts -------------------------------------------------------------------------

    def _holds(self, c: Condition, state: State) -> bool:
        return any(c.holds(v) for v in state.values.get(c.fact, ()))

    def _clause_holds(self, clause: Clause, state: State) -> bool:
        return all(self._holds(c, state) for c in clause)

    def _current(self, fact: str) -> FactValue | None:
        values = self.base.values.get(fact)
        return next(iter(values)) if values else None

    def _ranked_values(self, spec: FactSpec, ok: Iterable[FactValue]) -> list[FactValue]:
        """Values of a fact, nearest to the client's current value first."""
        cur = self._current(spec.name)
        values = list(ok)
        if spec.kind == "int":
            to = cur if isinstance(cur, int) and not isinstance(cur, bool) else spec.low
            return sorted(values, key=lambda v: (abs(int(v) - to), int(v)))[:2]
        if spec.kind == "enum":
            order = {v: i for i, v in enumerate(spec.values)}
            at = order.get(str(cur), 0)
            return sorted(values, key=lambda v: (abs(order[str(v)] - at), order[str(v)]))[:2]
        return values[:1]

    def _groups(self, clause: Clause) -> dict[str, list[Condition]]:
        out: dict[str, list[Condition]] = {}
        for c in clause:
            out.setdefault(c.fact, []).append(c)
        return out

    # -- making conditions true or false ---------------------------------------------------

    def satisfy(self, clause: Clause, depth: int = 0) -> list[Alternative]:
        """Smallest fact changes under which every condition of the clause holds."""
        parts: list[list[Alternative]] = []
        for fact, conds in self._groups(clause).items():
            if all(self._holds(c, self.base) for c in conds):
                continue
            spec = self.specs.get(fact)
            if spec is None:
                return []
            if spec.derived:
                parts.append(self._derive(fact, conds, depth))
            else:
                ok = [v for v in spec.possible() if all(c.holds(v) for c in conds)]
                parts.append([({fact: v}, ()) for v in self._ranked_values(spec, ok)])
            if not parts[-1]:
                return []
        return product(parts)

    def _derive(self, fact: str, conds: list[Condition], depth: int) -> list[Alternative]:
        if depth >= MAX_DEPTH:
            return []
        out: list[Alternative] = []
        for rule, value in self._derivers.get(fact, []):
            if all(c.holds(value) for c in conds):
                for clause in rule.clauses:
                    out += [(c, (*r, rule.id)) for c, r in self.satisfy(clause, depth + 1)]
        return smallest(out)

    def lift(self, rule: Rule, depth: int = 0) -> list[Alternative]:
        """Smallest fact changes under which no clause of the rule holds."""
        if depth >= MAX_DEPTH or rule.always:
            return []
        parts: list[list[Alternative]] = []
        for clause in rule.clauses:
            if not self._clause_holds(clause, self.base):
                continue
            options: list[Alternative] = []
            for fact, conds in self._groups(clause).items():
                options += self._falsify(fact, conds, depth)
            if not options:
                return []
            parts.append(smallest(options))
        return [(c, (*r, rule.id)) for c, r in product(parts)]

    def _falsify(self, fact: str, conds: list[Condition], depth: int) -> list[Alternative]:
        spec = self.specs.get(fact)
        if spec is None:
            return []
        if not spec.derived:
            bad = [v for v in spec.possible() if not all(c.holds(v) for c in conds)]
            return [({fact: v}, ()) for v in self._ranked_values(spec, bad)]
        # A derived value stops holding when every rule now deriving it is lifted.
        parts: list[list[Alternative]] = []
        for value in self.base.values.get(fact, set()):
            if not all(c.holds(value) for c in conds):
                continue
            for rule, derived in self._derivers.get(fact, []):
                if derived == value and rule.id in self.base.fired:
                    lifted = self.lift(rule, depth + 1)
                    if not lifted:
                        return []
                    parts.append(lifted)
        return product(parts) if parts else []
